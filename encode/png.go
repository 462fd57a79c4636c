package encode

import (
	"image"
	"image/png"
)

// PNGOptions are the parameters of AppendPNG. A nil *PNGOptions means the
// defaults.
type PNGOptions struct {
	// CompressionLevel is image/png's; the zero value is
	// png.DefaultCompression.
	CompressionLevel png.CompressionLevel
}

// AppendPNG appends img encoded as an 8-bit truecolour PNG (by the standard
// library's image/png) to dst and returns the extended slice. It borrows an
// Encoder from a pool; see Encoder.AppendPNG.
func AppendPNG(dst []byte, img RGB, o *PNGOptions) ([]byte, error) {
	e := getEncoder()
	defer putEncoder(e)
	return e.AppendPNG(dst, img, o)
}

// AppendPNG appends img encoded as an 8-bit truecolour PNG (no alpha; by the
// standard library's image/png) to dst and returns the extended slice. The
// image is copied into an opaque *image.RGBA that e keeps, and image/png's
// compressor state is kept between calls too. On error dst is returned
// unchanged in length.
func (e *Encoder) AppendPNG(dst []byte, img RGB, o *PNGOptions) ([]byte, error) {
	if err := img.Validate(); err != nil {
		return dst, err
	}
	level := png.DefaultCompression
	if o != nil {
		level = o.CompressionLevel
	}
	switch level {
	case png.DefaultCompression, png.NoCompression, png.BestSpeed, png.BestCompression:
	default:
		return dst, optErr("compression level", "%d is not one of image/png's", level)
	}
	w, h := img.Width, img.Height
	pix := grow(e.rgba.Pix, 4*w*h)
	for y := 0; y < h; y++ {
		src, d := img.Row(y), pix[4*w*y:4*w*(y+1)]
		for x := 0; x < w; x++ {
			d[4*x], d[4*x+1], d[4*x+2], d[4*x+3] = src[3*x], src[3*x+1], src[3*x+2], 0xff
		}
	}
	e.rgba = image.RGBA{Pix: pix, Stride: 4 * w, Rect: image.Rect(0, 0, w, h)}
	e.png.CompressionLevel = level
	e.png.BufferPool = &e.pngBuf
	n := len(dst)
	e.out.start(dst)
	err := e.png.Encode(&e.out, &e.rgba)
	dst = e.out.finish()
	if err != nil {
		return dst[:n], encErr("png", err)
	}
	return dst, nil
}
