package encode

import (
	"image"
	"image/color"
	"math"

	"github.com/facegate/facegate/preprocess"
)

// RGB is a packed 8-bit RGB image, the layout preprocess.CropResizer writes:
// row y starts at Pix[y*Stride] and holds Width R,G,B triples. Rows may be
// padded (Stride > 3*Width), and the last row needs only its 3*Width bytes.
// An RGB is a view: nothing in this package keeps it after a call returns.
type RGB struct {
	Pix    []byte
	Stride int
	Width  int
	Height int
}

// NewRGB returns a w x h RGB with tightly packed rows (Stride 3*w) in buf,
// which is reused when it holds 3*w*h bytes and replaced by a new slice
// otherwise.
func NewRGB(buf []byte, w, h int) RGB {
	n := 3 * w * h
	if w <= 0 || h <= 0 {
		n = 0
	}
	if cap(buf) < n {
		buf = make([]byte, n)
	}
	return RGB{Pix: buf[:n], Stride: 3 * w, Width: w, Height: h}
}

// Validate reports whether m's buffer holds its geometry. The error wraps
// ErrInvalidImage. It does not allocate when m is valid.
func (m RGB) Validate() error {
	switch {
	case m.Width <= 0 || m.Height <= 0:
		return imageErr("size", "%dx%d is empty", m.Width, m.Height)
	case m.Width > preprocess.MaxDimension || m.Height > preprocess.MaxDimension:
		return imageErr("size", "%dx%d exceeds %d", m.Width, m.Height, preprocess.MaxDimension)
	case m.Stride < 3*m.Width:
		return imageErr("stride", "%d is less than a row of %d bytes", m.Stride, 3*m.Width)
	case m.Stride > math.MaxInt32/preprocess.MaxDimension:
		return imageErr("stride", "%d is absurd", m.Stride)
	}
	if need := (m.Height-1)*m.Stride + 3*m.Width; len(m.Pix) < need {
		return imageErr("pix", "%d bytes, need %d", len(m.Pix), need)
	}
	return nil
}

// Row returns row y's 3*Width bytes. y must be in [0, Height).
func (m RGB) Row(y int) []byte {
	o := y * m.Stride
	return m.Pix[o : o+3*m.Width : o+3*m.Width]
}

// SubImage returns the part of m inside r, sharing m's pixels. The error
// wraps ErrInvalidImage when r is empty or not inside m.
func (m RGB) SubImage(r image.Rectangle) (RGB, error) {
	if err := m.Validate(); err != nil {
		return RGB{}, err
	}
	if r.Empty() || !r.In(image.Rect(0, 0, m.Width, m.Height)) {
		return RGB{}, imageErr("rectangle", "%v is empty or outside %dx%d", r, m.Width, m.Height)
	}
	o := r.Min.Y*m.Stride + 3*r.Min.X
	end := (r.Max.Y-1)*m.Stride + 3*r.Max.X
	return RGB{Pix: m.Pix[o:end], Stride: m.Stride, Width: r.Dx(), Height: r.Dy()}, nil
}

// Plane returns m as a 3-channel preprocess.Plane over the same pixels.
func (m RGB) Plane() preprocess.Plane {
	return preprocess.Plane{Pix: m.Pix, Stride: m.Stride, Width: m.Width, Height: m.Height, Channels: 3}
}

// FromPlane views a 3-channel preprocess.Plane (a CropResizer's output, or a
// Resizer's on RGB data) as an RGB, without copying. The error wraps
// ErrInvalidImage when p does not have 3 channels or does not hold its
// geometry.
func FromPlane(p preprocess.Plane) (RGB, error) {
	if p.Channels != 3 {
		return RGB{}, imageErr("channels", "%d, want 3", p.Channels)
	}
	m := RGB{Pix: p.Pix, Stride: p.Stride, Width: p.Width, Height: p.Height}
	return m, m.Validate()
}

// FromImage converts img to a packed RGB in buf, which is reused when it is
// large enough (see NewRGB). Alpha is ignored: the colour channels are taken
// as they are stored (*image.RGBA's premultiplied values, *image.NRGBA's
// straight ones), so an image with transparency converts as if composited
// onto black (RGBA) or with its hidden colours shown (NRGBA). *image.YCbCr
// converts with color.YCbCrToRGB's arithmetic; other types go through their
// colour model. The error wraps ErrInvalidImage for an empty or absurdly
// large image.
func FromImage(buf []byte, img image.Image) (RGB, error) {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w <= 0 || h <= 0 || w > preprocess.MaxDimension || h > preprocess.MaxDimension {
		return RGB{}, imageErr("size", "%dx%d is empty or exceeds %d", w, h, preprocess.MaxDimension)
	}
	m := NewRGB(buf, w, h)
	switch src := img.(type) {
	case *image.RGBA:
		for y := 0; y < h; y++ {
			s := src.Pix[src.PixOffset(b.Min.X, b.Min.Y+y):]
			copy4to3(m.Row(y), s[:4*w])
		}
	case *image.NRGBA:
		for y := 0; y < h; y++ {
			s := src.Pix[src.PixOffset(b.Min.X, b.Min.Y+y):]
			copy4to3(m.Row(y), s[:4*w])
		}
	case *image.Gray:
		for y := 0; y < h; y++ {
			s := src.Pix[src.PixOffset(b.Min.X, b.Min.Y+y):]
			d := m.Row(y)
			for x, v := range s[:w] {
				d[3*x], d[3*x+1], d[3*x+2] = v, v, v
			}
		}
	case *image.YCbCr:
		for y := 0; y < h; y++ {
			d := m.Row(y)
			for x := 0; x < w; x++ {
				yi := src.YOffset(b.Min.X+x, b.Min.Y+y)
				ci := src.COffset(b.Min.X+x, b.Min.Y+y)
				d[3*x], d[3*x+1], d[3*x+2] = color.YCbCrToRGB(src.Y[yi], src.Cb[ci], src.Cr[ci])
			}
		}
	default:
		for y := 0; y < h; y++ {
			d := m.Row(y)
			for x := 0; x < w; x++ {
				r, g, bl, _ := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
				d[3*x], d[3*x+1], d[3*x+2] = uint8(r>>8), uint8(g>>8), uint8(bl>>8)
			}
		}
	}
	return m, nil
}

// copy4to3 drops every fourth byte of src into dst: RGBA to RGB.
func copy4to3(dst, src []byte) {
	n := len(dst) / 3
	src = src[:4*n]
	for i := 0; i < n; i++ {
		dst[3*i], dst[3*i+1], dst[3*i+2] = src[4*i], src[4*i+1], src[4*i+2]
	}
}
