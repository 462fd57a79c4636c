package preprocess

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/gif"
)

// GIFFrame is one frame of an animated GIF, as EachGIFFrame passes it: the
// frame's pixels in screen coordinates (Image.Rect lies within the
// screen), its disposal method (gif.DisposalNone, DisposalBackground,
// DisposalPrevious, or 0 when unspecified) and its delay in hundredths of
// a second.
type GIFFrame struct {
	Index    int
	Image    *image.Paletted
	Disposal byte
	Delay    int
}

// EachGIFFrame decodes the frames of a GIF one at a time and calls fn with
// each, in order, so that an animation never has more than one decoded
// frame in memory (image/gif's DecodeAll keeps them all: a 1.8 MB GIF took
// 2 GB). It returns the screen's size first checked against lim's
// dimension and pixel limits, refuses more than lim.MaxFrames frames or
// lim.MaxTotalPixels pixels of frames in all (counted from the frames'
// descriptors before the first frame is decoded), and
// stops at the first error fn returns. Errors wrap ErrDecode or
// ErrTooLarge (*DecodeError), or are fn's.
func EachGIFFrame(b []byte, lim *DecodeLimits, fn func(screen image.Rectangle, f *GIFFrame) error) error {
	const f = FormatGIF
	l := lim.resolve()
	if int64(len(b)) > l.MaxBytes {
		return decLimitErr(f, "input exceeds %d bytes", l.MaxBytes)
	}
	if len(b) < 13 || (string(b[:6]) != "GIF87a" && string(b[:6]) != "GIF89a") {
		return decErr(f, "config", errors.New("not a GIF header"))
	}
	w, h := int(binary.LittleEndian.Uint16(b[6:8])), int(binary.LittleEndian.Uint16(b[8:10]))
	if err := decCheckSize(f, w, h, l); err != nil {
		return err
	}
	screen := image.Rect(0, 0, w, h)
	head := 13
	if b[10]&0x80 != 0 {
		head += 3 << (b[10]&7 + 1)
	}
	if head > len(b) {
		return decErr(f, "config", errors.New("truncated global colour table"))
	}
	// skipBlocks returns the offset after the data sub-blocks at p.
	skipBlocks := func(p int) (int, error) {
		for p < len(b) {
			n := int(b[p])
			p += 1 + n
			if n == 0 {
				return p, nil
			}
		}
		return 0, decErr(f, "decode", errors.New("truncated data sub-blocks"))
	}
	// walk visits the image blocks in order: the descriptor at p, the
	// frame's data up to end, and the graphic control extension before it.
	walk := func(visit func(p, end int, gce []byte) error) error {
		var gce []byte // the graphic control extension of the next frame
		for p, frames := head, 0; ; {
			if p >= len(b) {
				return decErr(f, "decode", errors.New("missing trailer"))
			}
			switch b[p] {
			case 0x3b: // trailer
				if frames == 0 {
					return decErr(f, "decode", errors.New("no image"))
				}
				return nil
			case 0x21: // extension
				if p+2 > len(b) {
					return decErr(f, "decode", errors.New("truncated extension"))
				}
				end, err := skipBlocks(p + 2)
				if err != nil {
					return err
				}
				if b[p+1] == 0xf9 {
					gce = b[p:end]
				}
				p = end
			case 0x2c: // image descriptor
				if p+10 > len(b) {
					return decErr(f, "decode", errors.New("truncated image descriptor"))
				}
				q := p + 10
				if b[p+9]&0x80 != 0 {
					q += 3 << (b[p+9]&7 + 1)
				}
				q++ // LZW minimum code size
				if q > len(b) {
					return decErr(f, "decode", errors.New("truncated image"))
				}
				end, err := skipBlocks(q)
				if err != nil {
					return err
				}
				if err := visit(p, end, gce); err != nil {
					return err
				}
				frames++
				gce = nil
				p = end
			default:
				return decErr(f, "decode", fmt.Errorf("unknown block 0x%02x", b[p]))
			}
		}
	}
	// First the frame count and the pixels of all frames, from the
	// descriptors alone, so that an animation over the limits is refused
	// before its first frame is decoded (issue 14: 600 frames of 1080p in
	// 1.8 MB took 29 s of CPU before the total was reached). A malformed
	// file is reported by the second walk, after the frames before the
	// fault.
	var frames, total int64
	err := walk(func(p, _ int, _ []byte) error {
		if frames++; frames > int64(l.MaxFrames) {
			return decLimitErr(f, "more than %d frames", l.MaxFrames)
		}
		fw := int64(binary.LittleEndian.Uint16(b[p+5 : p+7]))
		fh := int64(binary.LittleEndian.Uint16(b[p+7 : p+9]))
		if total += fw * fh; total > l.MaxTotalPixels {
			return decLimitErr(f, "the frames hold more than %d pixels in all", l.MaxTotalPixels)
		}
		return nil
	})
	if errors.Is(err, ErrTooLarge) {
		return err
	}
	var mini []byte
	index := 0
	return walk(func(p, end int, gce []byte) error {
		// A one-frame GIF of this frame, for image/gif to decode.
		mini = append(mini[:0], b[:head]...)
		copy(mini[:6], "GIF89a")
		mini = append(mini, gce...)
		mini = append(mini, b[p:end]...)
		mini = append(mini, 0x3b)
		var m image.Image
		err := decGuard(f, "decode", func() (err error) {
			m, err = gif.Decode(bytes.NewReader(mini))
			return err
		})
		if err != nil {
			return fmt.Errorf("frame %d: %w", index, err)
		}
		pm, ok := m.(*image.Paletted)
		if !ok || !pm.Rect.In(screen) {
			return decErr(f, "decode", fmt.Errorf("frame %d: bounds outside the %dx%d screen", index, w, h))
		}
		fr := GIFFrame{Index: index, Image: pm}
		if len(gce) >= 8 {
			fr.Disposal = gce[3] >> 2 & 7
			fr.Delay = int(binary.LittleEndian.Uint16(gce[4:6]))
		}
		index++
		return fn(screen, &fr)
	})
}
