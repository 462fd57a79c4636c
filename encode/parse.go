package encode

import (
	"encoding/binary"
	"fmt"
	"image/color"
)

// FourCCs of the chunks the parser and the writer know.
var (
	fccRIFF = [4]byte{'R', 'I', 'F', 'F'}
	fccWEBP = [4]byte{'W', 'E', 'B', 'P'}
	fccVP8  = [4]byte{'V', 'P', '8', ' '}
	fccVP8L = [4]byte{'V', 'P', '8', 'L'}
	fccVP8X = [4]byte{'V', 'P', '8', 'X'}
	fccALPH = [4]byte{'A', 'L', 'P', 'H'}
	fccANIM = [4]byte{'A', 'N', 'I', 'M'}
	fccANMF = [4]byte{'A', 'N', 'M', 'F'}
)

// VP8X feature flags (the first byte of its payload) and ANMF frame flags.
const (
	vp8xAnimation = 1 << 1
	vp8xAlpha     = 1 << 4
	anmfDispose   = 1 << 0 // dispose to the background colour after display
	anmfNoBlend   = 1 << 1 // overwrite the canvas instead of alpha-blending
)

// Sizes of the fixed chunk payloads.
const (
	vp8xPayload = 10
	animPayload = 6
	anmfHeader  = 16
)

// WebPInfo describes a WebP file: the canvas, the animation parameters and
// the frames. A still image has one frame covering the canvas.
type WebPInfo struct {
	Width, Height int  // canvas size
	Animated      bool // the VP8X animation flag is set
	// Alpha is the VP8X alpha flag of an extended file, or for a simple
	// file whether its bitstream says it uses alpha.
	Alpha bool
	// LoopCount and Background come from the ANIM chunk of an animation
	// (0 means loop forever).
	LoopCount  int
	Background color.NRGBA
	// Frames are the images in file order.
	Frames []WebPFrame
}

// WebPFrame is one image of a WebP file: an ANMF frame of an animation, or
// the image of a still.
type WebPFrame struct {
	X, Y          int  // offset on the canvas (always even)
	Width, Height int  // size, from the bitstream (equal to the ANMF's)
	DurationMs    int  // display time; 0 for a still
	Blend         bool // alpha-blend onto the canvas (ANMF blending bit clear)
	Dispose       bool // dispose to the background colour after display
	Lossless      bool // the bitstream is VP8L, not VP8
	Alpha         bool // an ALPH chunk is present, or the VP8L header says alpha is used
	// Offset is the position in the file of the first image chunk (ALPH or
	// the bitstream), and Data those chunks, headers and padding included:
	// an optional ALPH chunk followed by one "VP8 " or "VP8L" chunk. Data is
	// a sub-slice of the parsed input.
	Offset int
	Data   []byte
}

// AppendStill appends f as a still WebP file to dst: the RIFF header and
// f.Data, with a VP8X header first when f carries an ALPH chunk. Any WebP
// decoder, golang.org/x/image/webp included, reads the result.
func (f *WebPFrame) AppendStill(dst []byte) []byte {
	hasALPH := len(f.Data) >= 4 && [4]byte(f.Data[:4]) == fccALPH
	size := 4 + len(f.Data)
	if hasALPH {
		size += 8 + vp8xPayload
	}
	dst = append(dst, fccRIFF[:]...)
	dst = binary.LittleEndian.AppendUint32(dst, uint32(size))
	dst = append(dst, fccWEBP[:]...)
	if hasALPH {
		dst = appendVP8X(dst, vp8xAlpha, f.Width, f.Height)
	}
	return append(dst, f.Data...)
}

// ParseWebP reads the container of a WebP file: the RIFF header, the VP8X,
// ANIM and ANMF chunks of an extended or animated file, and the size fields
// of the VP8 and VP8L bitstream headers (the pixels are not decoded). It
// appends the frames to dst (nil is fine) and returns them in
// WebPInfo.Frames; a warm dst makes it allocation-free.
//
// It checks every length it reads against its parent chunk, so it never
// reads out of bounds, and it refuses what libwebp refuses: a chunk running
// past its parent or missing its padding byte, an odd RIFF size, an
// animation without ANIM or frames, image chunks outside the frames of an
// animation, a frame whose bitstream size differs from its ANMF header or
// that sticks out of the canvas, a second image in a still. Unknown chunks
// are skipped; bytes after the RIFF chunk are ignored. Errors are
// *WebPError, wrapping ErrMalformedWebP.
func ParseWebP(dst []WebPFrame, b []byte) (WebPInfo, error) {
	info := WebPInfo{Frames: dst}
	if len(b) < 12 {
		return info, webpErr(0, "", "%d bytes are too short for a RIFF header", len(b))
	}
	if [4]byte(b[0:4]) != fccRIFF || [4]byte(b[8:12]) != fccWEBP {
		return info, webpErr(0, "", "not a RIFF WEBP file")
	}
	size := binary.LittleEndian.Uint32(b[4:])
	switch {
	case size < 4+8:
		return info, webpErr(4, "", "RIFF size %d leaves no room for a chunk", size)
	case size%2 != 0:
		return info, webpErr(4, "", "RIFF size %d is odd", size)
	case uint64(size)+8 > uint64(len(b)):
		return info, webpErr(4, "", "RIFF size %d runs past the %d-byte input", size, len(b))
	}
	r := chunkReader{b: b, off: 12, end: 8 + int(size)}
	first, _, err := r.next()
	if err != nil {
		return info, err
	}
	switch first.id {
	case fccVP8, fccVP8L:
		f, err := parseBitstream(first, first.off)
		if err != nil {
			return info, err
		}
		info.Width, info.Height, info.Alpha = f.Width, f.Height, f.Alpha
		info.Frames = append(info.Frames, f)
		// Whatever follows a simple file's image is not part of it; only
		// check that it is well-formed.
		for {
			_, ok, err := r.next()
			if err != nil || !ok {
				return info, err
			}
		}
	case fccVP8X:
		return parseExtended(info, first, &r)
	}
	return info, webpErr(first.off, first.name(), "the first chunk must be VP8, VP8L or VP8X")
}

// parseExtended reads the chunks after a VP8X chunk.
func parseExtended(info WebPInfo, vp8x chunk, r *chunkReader) (WebPInfo, error) {
	p := vp8x.payload
	if len(p) < vp8xPayload {
		return info, webpErr(vp8x.off, "VP8X", "payload of %d bytes, need %d", len(p), vp8xPayload)
	}
	flags := p[0]
	info.Width, info.Height = int(le24(p[4:]))+1, int(le24(p[7:]))+1
	if uint64(info.Width)*uint64(info.Height) > 1<<32-1 {
		return info, webpErr(vp8x.off, "VP8X", "canvas %dx%d is over 2^32-1 pixels", info.Width, info.Height)
	}
	info.Animated = flags&vp8xAnimation != 0
	info.Alpha = flags&vp8xAlpha != 0
	var (
		seenANIM  bool
		seenImage bool
		alph      = -1 // offset of a pending ALPH chunk of a still
	)
	for {
		c, ok, err := r.next()
		if err != nil {
			return info, err
		}
		if !ok {
			break
		}
		if alph >= 0 && c.id != fccVP8 && c.id != fccVP8L {
			return info, webpErr(c.off, c.name(), "ALPH must be followed by the image")
		}
		switch c.id {
		case fccVP8X:
			return info, webpErr(c.off, c.name(), "second VP8X chunk")
		case fccANIM:
			if !info.Animated {
				return info, webpErr(c.off, c.name(), "animation chunk without the VP8X animation flag")
			}
			if seenANIM {
				return info, webpErr(c.off, c.name(), "second ANIM chunk")
			}
			if len(c.payload) < animPayload {
				return info, webpErr(c.off, c.name(), "payload of %d bytes, need %d", len(c.payload), animPayload)
			}
			seenANIM = true
			q := c.payload
			info.Background = color.NRGBA{B: q[0], G: q[1], R: q[2], A: q[3]}
			info.LoopCount = int(binary.LittleEndian.Uint16(q[4:]))
		case fccANMF:
			if !info.Animated {
				return info, webpErr(c.off, c.name(), "animation chunk without the VP8X animation flag")
			}
			if !seenANIM {
				return info, webpErr(c.off, c.name(), "frame before the ANIM chunk")
			}
			f, err := parseFrame(c, info.Width, info.Height)
			if err != nil {
				return info, err
			}
			info.Frames = append(info.Frames, f)
		case fccALPH:
			if info.Animated {
				return info, webpErr(c.off, c.name(), "image chunk outside a frame of an animation")
			}
			if seenImage {
				return info, webpErr(c.off, c.name(), "second image in a still")
			}
			alph = c.off
		case fccVP8, fccVP8L:
			if info.Animated {
				return info, webpErr(c.off, c.name(), "image chunk outside a frame of an animation")
			}
			if seenImage {
				return info, webpErr(c.off, c.name(), "second image in a still")
			}
			seenImage = true
			start := c.off
			if alph >= 0 {
				start, alph = alph, -1
			}
			f, err := parseBitstream(c, start)
			if err != nil {
				return info, err
			}
			f.Alpha = f.Alpha || start != c.off
			if f.Width != info.Width || f.Height != info.Height {
				return info, webpErr(c.off, c.name(), "image %dx%d differs from the %dx%d canvas", f.Width, f.Height, info.Width, info.Height)
			}
			info.Frames = append(info.Frames, f)
		}
	}
	switch {
	case alph >= 0:
		return info, webpErr(alph, "ALPH", "ALPH must be followed by the image")
	case info.Animated && !seenANIM:
		return info, webpErr(r.end, "", "animation without an ANIM chunk")
	case info.Animated && len(info.Frames) == 0:
		return info, webpErr(r.end, "", "animation without frames")
	case !info.Animated && !seenImage:
		return info, webpErr(r.end, "", "no image chunk")
	}
	return info, nil
}

// parseFrame reads an ANMF chunk of an animation with the given canvas.
func parseFrame(c chunk, cw, ch int) (WebPFrame, error) {
	p := c.payload
	if len(p) < anmfHeader {
		return WebPFrame{}, webpErr(c.off, c.name(), "payload of %d bytes, need %d", len(p), anmfHeader)
	}
	x, y := 2*int(le24(p[0:])), 2*int(le24(p[3:]))
	w, h := int(le24(p[6:]))+1, int(le24(p[9:]))+1
	dur, flags := int(le24(p[12:])), p[15]
	if x+w > cw || y+h > ch {
		return WebPFrame{}, webpErr(c.off, c.name(), "frame %dx%d at (%d,%d) sticks out of the %dx%d canvas", w, h, x, y, cw, ch)
	}
	sub := chunkReader{b: c.file, off: c.off + 8 + anmfHeader, end: c.off + 8 + len(p)}
	var (
		f    WebPFrame
		alph = -1
		img  bool
	)
	for {
		s, ok, err := sub.next()
		if err != nil {
			return WebPFrame{}, err
		}
		if !ok {
			break
		}
		switch {
		case s.id == fccALPH && !img:
			if alph >= 0 {
				return WebPFrame{}, webpErr(s.off, s.name(), "second ALPH chunk in a frame")
			}
			alph = s.off
		case (s.id == fccVP8 || s.id == fccVP8L) && !img:
			img = true
			start := s.off
			if alph >= 0 {
				start = alph
			}
			if f, err = parseBitstream(s, start); err != nil {
				return WebPFrame{}, err
			}
			f.Alpha = f.Alpha || alph >= 0
		case !img || s.id == fccALPH || s.id == fccVP8 || s.id == fccVP8L:
			// libwebp allows unknown chunks only after the image.
			return WebPFrame{}, webpErr(s.off, s.name(), "unexpected chunk in a frame")
		}
	}
	if !img {
		return WebPFrame{}, webpErr(c.off, c.name(), "frame without an image")
	}
	if f.Width != w || f.Height != h {
		return WebPFrame{}, webpErr(f.Offset, "", "bitstream %dx%d differs from the frame's %dx%d", f.Width, f.Height, w, h)
	}
	f.X, f.Y, f.DurationMs = x, y, dur
	f.Blend = flags&anmfNoBlend == 0
	f.Dispose = flags&anmfDispose != 0
	return f, nil
}

// parseBitstream reads the size of a VP8 or VP8L chunk c. The frame's Data
// runs from start (c.off, or a preceding ALPH chunk) to c's end.
func parseBitstream(c chunk, start int) (WebPFrame, error) {
	f := WebPFrame{Offset: start, Data: c.file[start : c.off+c.disk]}
	p := c.payload
	if c.id == fccVP8L {
		f.Lossless = true
		if len(p) < 5 {
			return f, webpErr(c.off, c.name(), "payload of %d bytes, need 5", len(p))
		}
		if p[0] != 0x2f {
			return f, webpErr(c.off, c.name(), "signature %#x, want 0x2f", p[0])
		}
		bits := binary.LittleEndian.Uint32(p[1:])
		if v := bits >> 29; v != 0 {
			return f, webpErr(c.off, c.name(), "version %d, want 0", v)
		}
		f.Width, f.Height = int(bits&0x3fff)+1, int(bits>>14&0x3fff)+1
		f.Alpha = bits>>28&1 != 0
		return f, nil
	}
	if len(p) < 10 {
		return f, webpErr(c.off, c.name(), "payload of %d bytes, need 10", len(p))
	}
	bits := uint32(p[0]) | uint32(p[1])<<8 | uint32(p[2])<<16
	switch {
	case bits&1 != 0:
		return f, webpErr(c.off, c.name(), "not a key frame")
	case bits>>1&7 > 3:
		return f, webpErr(c.off, c.name(), "unknown profile %d", bits>>1&7)
	case bits>>4&1 == 0:
		return f, webpErr(c.off, c.name(), "invisible frame")
	case int(bits>>5) >= len(p):
		return f, webpErr(c.off, c.name(), "first partition of %d bytes runs past the %d-byte payload", bits>>5, len(p))
	case p[3] != 0x9d || p[4] != 0x01 || p[5] != 0x2a:
		return f, webpErr(c.off, c.name(), "bad start code")
	}
	f.Width = int(binary.LittleEndian.Uint16(p[6:]) & 0x3fff)
	f.Height = int(binary.LittleEndian.Uint16(p[8:]) & 0x3fff)
	if f.Width == 0 || f.Height == 0 {
		return f, webpErr(c.off, c.name(), "empty %dx%d image", f.Width, f.Height)
	}
	return f, nil
}

// chunk is one RIFF chunk of file, at offset off.
type chunk struct {
	id      [4]byte
	off     int    // offset of the chunk header in file
	payload []byte // Chunk Size bytes after the header
	disk    int    // header, payload and padding
	file    []byte
}

func (c chunk) name() string { return string(c.id[:]) }

// chunkReader walks the chunks in b[off:end].
type chunkReader struct {
	b        []byte
	off, end int
}

// next returns the next chunk, or ok false at the end.
func (r *chunkReader) next() (c chunk, ok bool, err error) {
	left := r.end - r.off
	if left == 0 {
		return c, false, nil
	}
	if left < 8 {
		return c, false, webpErr(r.off, "", "%d stray bytes where a chunk header should be", left)
	}
	c.id = [4]byte(r.b[r.off : r.off+4])
	c.off, c.file = r.off, r.b
	size := binary.LittleEndian.Uint32(r.b[r.off+4:])
	if uint64(size) > uint64(left-8) {
		return c, false, webpErr(r.off, c.name(), "size %d runs past its parent's %d remaining bytes", size, left-8)
	}
	n := int(size)
	c.payload = r.b[r.off+8 : r.off+8+n : r.off+8+n]
	c.disk = 8 + n + n&1
	if c.disk > left {
		return c, false, webpErr(r.off, c.name(), "padding byte after the odd size %d is missing", size)
	}
	r.off += c.disk
	return c, true, nil
}

func webpErr(off int, fourcc, format string, args ...any) error {
	return &WebPError{Offset: off, Chunk: fourcc, Reason: fmt.Sprintf(format, args...)}
}

func le24(b []byte) uint32 {
	_ = b[2]
	return uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16
}
