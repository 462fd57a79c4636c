package preprocess

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/draw"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"math"

	"golang.org/x/image/bmp"
	"golang.org/x/image/webp"
)

// DecodeLimits bounds what Decode, DecodeBytes and DecodeConfig accept. A nil
// *DecodeLimits means DefaultDecodeLimits, and so does a zero or negative
// field: a caller can set only the limits it cares about.
type DecodeLimits struct {
	// MaxBytes is the most input bytes read; longer input is refused with
	// ErrTooLarge. Default 64 MiB.
	MaxBytes int64
	// MaxPixels bounds width*height as declared by the header. It is
	// checked before any pixel is decoded. Default 50,000,000.
	MaxPixels int64
	// MaxDimension bounds the width and the height. Default MaxDimension.
	MaxDimension int
	// MaxMemory bounds the bytes the decoder may hold (the decoded image
	// and the decoder's working buffers), estimated from the header
	// before any pixel is decoded: a 16-bit PNG takes 8 bytes a pixel, a
	// progressive JPEG 2 bytes a pixel per component besides its output,
	// so the pixel limit alone is not a memory limit. Default 256 MiB.
	MaxMemory int64
	// MaxScans bounds the scans of a progressive JPEG, whose decoding
	// time grows with each (thousands of scans in 100 KB took seconds).
	// Encoders write about 10. Default 100.
	MaxScans int
	// MaxFrames bounds the frames of an animation read a frame at a time
	// (EachGIFFrame; the command's animated WebP reader). Default 1000.
	MaxFrames int
	// MaxTotalPixels bounds the pixels of all the frames of such an
	// animation together, which is what its decoding time grows with (a
	// few hundred bytes can declare a thousand large frames). Default
	// 1<<30: 500 frames of 1080p.
	MaxTotalPixels int64
}

// DefaultDecodeLimits are the limits used when none are given.
var DefaultDecodeLimits = DecodeLimits{
	MaxBytes:     64 << 20,
	MaxPixels:    50_000_000,
	MaxDimension: MaxDimension,
	MaxMemory:    256 << 20,
	MaxScans:     100,
	MaxFrames:    1000,

	MaxTotalPixels: 1 << 30,
}

// resolve returns the limits in effect: the defaults for nil, and the default
// of each field that is zero or negative.
func (l *DecodeLimits) resolve() DecodeLimits {
	d := DefaultDecodeLimits
	if l == nil {
		return d
	}
	if l.MaxBytes > 0 {
		d.MaxBytes = l.MaxBytes
	}
	if l.MaxPixels > 0 {
		d.MaxPixels = l.MaxPixels
	}
	if l.MaxDimension > 0 {
		d.MaxDimension = l.MaxDimension
	}
	if l.MaxMemory > 0 {
		d.MaxMemory = l.MaxMemory
	}
	if l.MaxScans > 0 {
		d.MaxScans = l.MaxScans
	}
	if l.MaxFrames > 0 {
		d.MaxFrames = l.MaxFrames
	}
	if l.MaxTotalPixels > 0 {
		d.MaxTotalPixels = l.MaxTotalPixels
	}
	return d
}

// ImageFormat names a still-image container. The zero value is
// ImageFormatUnknown.
type ImageFormat uint8

// The containers Decode understands.
const (
	ImageFormatUnknown ImageFormat = iota // not (yet) recognised
	FormatJPEG                            // JPEG/JFIF, baseline or progressive
	FormatPNG                             // PNG
	FormatGIF                             // GIF87a or GIF89a; the first frame only
	FormatBMP                             // Windows BMP
	FormatWebP                            // WebP still image, lossy or lossless
)

// String returns the lower-case name of the format: "jpeg", "png", "gif",
// "bmp", "webp", or "unknown".
func (f ImageFormat) String() string {
	switch f {
	case FormatJPEG:
		return "jpeg"
	case FormatPNG:
		return "png"
	case FormatGIF:
		return "gif"
	case FormatBMP:
		return "bmp"
	case FormatWebP:
		return "webp"
	}
	return "unknown"
}

// DecodeError carries the detail of an ErrDecode or ErrTooLarge failure.
// errors.Is matches both the sentinel (ErrDecode or ErrTooLarge) and the
// underlying error, for instance io.ErrUnexpectedEOF for a truncated file or
// a decoder's own FormatError.
type DecodeError struct {
	Format ImageFormat // the sniffed format; ImageFormatUnknown if sniffing failed
	// Op is the step that failed: "read" (the io.Reader failed), "sniff"
	// (unknown magic bytes), "config" (header), "limit" (over a
	// DecodeLimits bound) or "decode" (pixels).
	Op  string
	Err error // the underlying error; never nil
	// kind is ErrDecode or ErrTooLarge.
	kind error
}

// Error implements error.
func (e *DecodeError) Error() string {
	if e.Format == ImageFormatUnknown {
		return fmt.Sprintf("%v: %s: %v", e.kind, e.Op, e.Err)
	}
	return fmt.Sprintf("%v: %v %s: %v", e.kind, e.Format, e.Op, e.Err)
}

// Unwrap returns the sentinel (ErrDecode or ErrTooLarge) and the underlying
// error, so errors.Is and errors.As see both.
func (e *DecodeError) Unwrap() []error { return []error{e.kind, e.Err} }

func decErr(f ImageFormat, op string, err error) error {
	return &DecodeError{Format: f, Op: op, Err: err, kind: ErrDecode}
}

func decLimitErr(f ImageFormat, format string, args ...any) error {
	return &DecodeError{Format: f, Op: "limit", Err: fmt.Errorf(format, args...), kind: ErrTooLarge}
}

var (
	errDecUnknownFormat = errors.New("unknown format")
	errDecEmpty         = errors.New("empty input")
	errAnimatedWebP     = errors.New("animated WebP is not supported")
)

// decSniffLen is how many leading bytes DecodeConfig peeks at: the magic bytes
// of every format and the flags of a WebP VP8X chunk.
const decSniffLen = 32

// SniffFormat recognises the container from its leading magic bytes. It does
// not validate anything beyond them. Empty or unrecognised input gives an
// error wrapping ErrDecode.
func SniffFormat(b []byte) (ImageFormat, error) {
	switch {
	case len(b) == 0:
		return ImageFormatUnknown, decErr(ImageFormatUnknown, "sniff", errDecEmpty)
	case bytes.HasPrefix(b, []byte("\xff\xd8\xff")):
		return FormatJPEG, nil
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return FormatPNG, nil
	case bytes.HasPrefix(b, []byte("GIF87a")), bytes.HasPrefix(b, []byte("GIF89a")):
		return FormatGIF, nil
	case bytes.HasPrefix(b, []byte("BM")):
		return FormatBMP, nil
	case len(b) >= 12 && string(b[0:4]) == "RIFF" && string(b[8:12]) == "WEBP":
		return FormatWebP, nil
	}
	return ImageFormatUnknown, decErr(ImageFormatUnknown, "sniff", errDecUnknownFormat)
}

// guard runs fn, a call into a third-party decoder, and turns a panic into an
// ErrDecode. The decoders are expected not to panic, but they parse untrusted
// uploads and an index-out-of-range on a hostile file must cost one 400
// answer, not the process: this is defence in depth. (A fatal runtime error
// such as running out of memory cannot be recovered; the limits are what
// prevent that.)
func decGuard(f ImageFormat, op string, fn func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = decErr(f, op, fmt.Errorf("decoder panic: %v", r))
		}
	}()
	if err := fn(); err != nil {
		return decErr(f, op, err)
	}
	return nil
}

// decLibConfig calls the format's own DecodeConfig.
func decLibConfig(f ImageFormat, r io.Reader) (cfg image.Config, err error) {
	err = decGuard(f, "config", func() (err error) {
		switch f {
		case FormatJPEG:
			cfg, err = jpeg.DecodeConfig(r)
		case FormatPNG:
			cfg, err = png.DecodeConfig(r)
		case FormatGIF:
			cfg, err = gif.DecodeConfig(r)
		case FormatBMP:
			cfg, err = bmp.DecodeConfig(r)
		case FormatWebP:
			cfg, err = webp.DecodeConfig(r)
		default:
			err = errDecUnknownFormat
		}
		return err
	})
	return cfg, err
}

// decLibDecode calls the format's own Decode.
func decLibDecode(f ImageFormat, r io.Reader) (m image.Image, err error) {
	err = decGuard(f, "decode", func() (err error) {
		switch f {
		case FormatJPEG:
			m, err = jpeg.Decode(r)
		case FormatPNG:
			m, err = png.Decode(r)
		case FormatGIF:
			m, err = gif.Decode(r) // the first frame only
		case FormatBMP:
			m, err = bmp.Decode(r)
		case FormatWebP:
			m, err = webp.Decode(r)
		default:
			err = errDecUnknownFormat
		}
		if err == nil && m == nil {
			err = errors.New("decoder returned no image")
		}
		return err
	})
	return m, err
}

// decCheckSize applies the dimension and pixel limits to a header's size. An
// empty image is malformed (ErrDecode), not too large.
func decCheckSize(f ImageFormat, w, h int, l DecodeLimits) error {
	switch {
	case w <= 0 || h <= 0:
		return decErr(f, "config", fmt.Errorf("empty image %dx%d", w, h))
	case w > l.MaxDimension || h > l.MaxDimension:
		return decLimitErr(f, "%dx%d exceeds the %d-pixel dimension limit", w, h, l.MaxDimension)
	case int64(w)*int64(h) > l.MaxPixels:
		return decLimitErr(f, "%dx%d exceeds the %d-pixel limit", w, h, l.MaxPixels)
	}
	return nil
}

// DecodeConfig returns the size and color model of an image and its format,
// reading only the header (and never more than MaxBytes bytes). It applies
// the MaxDimension and MaxPixels limits (ErrTooLarge), but as it does not
// read the whole input it cannot enforce MaxBytes, and an input it accepts
// may still fail to Decode. Content in no supported format, or with a
// malformed header, gives ErrDecode.
func DecodeConfig(r io.Reader, lim *DecodeLimits) (image.Config, ImageFormat, error) {
	l := lim.resolve()
	br := bufio.NewReader(io.LimitReader(r, l.MaxBytes))
	head, err := br.Peek(decSniffLen)
	if err != nil && err != io.EOF {
		return image.Config{}, ImageFormatUnknown, decErr(ImageFormatUnknown, "read", err)
	}
	f, err := SniffFormat(head)
	if err != nil {
		return image.Config{}, f, err
	}
	if f == FormatWebP && webpAnimatedFlag(head) {
		return image.Config{}, f, decErr(f, "config", errAnimatedWebP)
	}
	cfg, err := decLibConfig(f, br)
	if err != nil {
		return image.Config{}, f, err
	}
	if err := decCheckSize(f, cfg.Width, cfg.Height, l); err != nil {
		return image.Config{}, f, err
	}
	return cfg, f, nil
}

// Decode reads a still image (JPEG, PNG, the first frame of a GIF, BMP, or a
// WebP still) from r, within lim (nil means DefaultDecodeLimits).
//
// It reads at most MaxBytes+1 bytes, so oversize input gives ErrTooLarge
// without being read in full. It then sniffs the format from the magic
// bytes, reads the header, and refuses a width or height above
// MaxDimension, or more than MaxPixels pixels, with ErrTooLarge before any
// pixel is decoded: a decompression bomb costs only its header. Content in
// no supported format, truncated or otherwise malformed files, animated WebP,
// and anything the format's decoder refuses give ErrDecode, which predicts
// the Face service's answer ServiceTextDecode. Every error is a
// *DecodeError; the format is returned whenever it was recognised, even with
// an error.
//
// The image has bounds (0, 0)-(width, height) as declared by the header. A
// GIF whose first frame covers only part of the logical screen is drawn onto
// a transparent *image.NRGBA of the screen's size. A lossy WebP comes back as
// an *image.YCbCr (or *image.NYCbCrA with alpha) rescaled to the full range
// that type's color model assumes, so its RGB matches libwebp's
// (x/image/webp alone gives washed-out colors, golang/go#40173). In builds
// with cgo and -tags turbojpeg a JPEG file is decoded by libjpeg-turbo
// into the same image type (see JPEGTurboDecode); a file libjpeg-turbo
// fails on is still judged by image/jpeg.
func Decode(r io.Reader, lim *DecodeLimits) (image.Image, ImageFormat, error) {
	l := lim.resolve()
	n := l.MaxBytes
	if n < math.MaxInt64 {
		n++
	}
	b, err := io.ReadAll(io.LimitReader(r, n))
	if err != nil {
		return nil, ImageFormatUnknown, decErr(ImageFormatUnknown, "read", err)
	}
	return decBytes(b, l)
}

// DecodeBytes is Decode for input already in memory. It does not keep b.
func DecodeBytes(b []byte, lim *DecodeLimits) (image.Image, ImageFormat, error) {
	return decBytes(b, lim.resolve())
}

func decBytes(b []byte, l DecodeLimits) (image.Image, ImageFormat, error) {
	if int64(len(b)) > l.MaxBytes {
		f, _ := SniffFormat(b)
		return nil, f, decLimitErr(f, "input exceeds %d bytes", l.MaxBytes)
	}
	f, err := SniffFormat(b)
	if err != nil {
		return nil, f, err
	}
	cfg, err := decLibConfig(f, bytes.NewReader(b))
	if err != nil {
		return nil, f, err
	}
	if err := decCheckSize(f, cfg.Width, cfg.Height, l); err != nil {
		return nil, f, err
	}
	if err := decBudget(f, b, cfg, l); err != nil {
		return nil, f, err
	}
	if f == FormatWebP {
		// x/image/webp takes the size of an extended (VP8X) file from
		// the canvas header but allocates the size the bitstream
		// declares, and would try the animation chunks as a still: check
		// both before decoding.
		if err := decCheckWebP(b, cfg, l); err != nil {
			return nil, f, err
		}
	}
	var m image.Image
	done := false
	if f == FormatJPEG && JPEGTurboDecode {
		m, done, err = decTurboJPEG(b, cfg, l)
		if err != nil {
			return nil, f, err
		}
	}
	if !done {
		m, err = decLibDecode(f, bytes.NewReader(b))
		if err != nil {
			return nil, f, err
		}
	}
	if f == FormatWebP {
		webpFullRange(m)
	}
	want := image.Rect(0, 0, cfg.Width, cfg.Height)
	if p, ok := m.(*image.Paletted); ok && f == FormatGIF && p.Rect != want && p.Rect.In(want) {
		c := image.NewNRGBA(want)
		draw.Draw(c, p.Rect, p, p.Rect.Min, draw.Src)
		m = c
	}
	if got := m.Bounds(); got != want {
		return nil, f, decErr(f, "decode", fmt.Errorf("image bounds %v differ from the header's %dx%d", got, cfg.Width, cfg.Height))
	}
	return m, f, nil
}

// WebP container details (https://developers.google.com/speed/webp/docs/riff_container).
const webpAnimationFlag = 1 << 1 // in the first byte of the VP8X payload

// webpAnimatedFlag reports whether the file starts with a VP8X chunk whose
// flags declare an animation. b is the beginning of a sniffed WebP file.
func webpAnimatedFlag(b []byte) bool {
	return len(b) > 20 && string(b[12:16]) == "VP8X" && b[20]&webpAnimationFlag != 0
}

// decCheckWebP walks the RIFF chunks of a WebP file as x/image/webp does, to the
// first VP8 or VP8L chunk (the one it decodes). It refuses animations
// (ErrDecode), a bitstream over the limits (ErrTooLarge), and a bitstream
// whose size differs from cfg, the header's size (ErrDecode).
func decCheckWebP(b []byte, cfg image.Config, l DecodeLimits) error {
	const f = FormatWebP
	if webpAnimatedFlag(b) {
		return decErr(f, "config", errAnimatedWebP)
	}
	end := len(b)
	if n := uint64(binary.LittleEndian.Uint32(b[4:8])) + 8; n < uint64(end) {
		end = int(n)
	}
	for p := 12; p+8 <= end; {
		id := string(b[p : p+4])
		n := uint64(binary.LittleEndian.Uint32(b[p+4 : p+8]))
		data := b[p+8 : end]
		if n < uint64(len(data)) {
			data = data[:n]
		}
		var w, h int
		switch id {
		case "ANIM", "ANMF":
			return decErr(f, "config", errAnimatedWebP)
		case "VP8 ":
			// Frame tag (3 bytes, bit 0 clear for a key frame), start
			// code 9d 01 2a, then 14-bit width and height.
			if len(data) < 10 || data[0]&1 != 0 || data[3] != 0x9d || data[4] != 0x01 || data[5] != 0x2a {
				return decErr(f, "config", errors.New("malformed VP8 frame header"))
			}
			w = int(binary.LittleEndian.Uint16(data[6:8]) & 0x3fff)
			h = int(binary.LittleEndian.Uint16(data[8:10]) & 0x3fff)
		case "VP8L":
			// Signature 0x2f, then 14 bits of width-1 and 14 of height-1.
			if len(data) < 5 || data[0] != 0x2f {
				return decErr(f, "config", errors.New("malformed VP8L header"))
			}
			v := binary.LittleEndian.Uint32(data[1:5])
			w, h = int(v&0x3fff)+1, int(v>>14&0x3fff)+1
		default:
			// Chunks are padded to an even length; n < 1<<32, so
			// this cannot overflow.
			p += 8 + int(n+n&1)
			continue
		}
		if err := decCheckSize(f, w, h, l); err != nil {
			return err
		}
		if w != cfg.Width || h != cfg.Height {
			return decErr(f, "config", fmt.Errorf("bitstream size %dx%d differs from canvas %dx%d", w, h, cfg.Width, cfg.Height))
		}
		return nil
	}
	return decErr(f, "config", errors.New("no VP8 or VP8L chunk"))
}

// webpLUT maps limited-range ("video") BT.601 samples, as VP8 stores them, to
// the full range image.YCbCr assumes: index 0 for luma, 1 for chroma.
var webpLUT = func() (t [2][256]uint8) {
	for v := range 256 {
		y := math.Round(float64(v-16) * 255 / 219)
		c := math.Round(float64(v-128)*255/224) + 128
		t[0][v] = uint8(max(0, min(255, y)))
		t[1][v] = uint8(max(0, min(255, c)))
	}
	return t
}()

// webpFullRange rescales, in place, the YCbCr planes of a lossy WebP as
// decoded by x/image/webp. VP8 codes limited-range BT.601 (Y in 16-235, Cb
// and Cr in 16-240), but x/image/webp hands the samples over unchanged as an
// image.YCbCr, whose color model is full-range JFIF: without this the image
// would come out washed out, blacks lifted to about 16 and whites lowered to
// about 235 (golang/go#40173). After it, image.YCbCr's conversion gives the
// RGB of libwebp's, within rounding. Lossless (VP8L) images are RGB and are
// left alone.
func webpFullRange(m image.Image) {
	var p *image.YCbCr
	switch m := m.(type) {
	case *image.YCbCr:
		p = m
	case *image.NYCbCrA:
		p = &m.YCbCr
	default:
		return
	}
	for i, v := range p.Y {
		p.Y[i] = webpLUT[0][v]
	}
	for i, v := range p.Cb {
		p.Cb[i] = webpLUT[1][v]
	}
	for i, v := range p.Cr {
		p.Cr[i] = webpLUT[1][v]
	}
}
