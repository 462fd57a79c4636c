package preprocess

import (
	"fmt"
	"image"
	"image/draw"
)

// Luma returns the frame's luma as a Plane. For Gray8 and the YUV formats it
// is a view of the frame's first plane and dst is not touched; for RGBA,
// BGRA and RGB24 the luma is computed into dst (at least Width*Height bytes,
// rows packed) with BT.601 weights, rounded as color.RGBToYCbCr does. It
// does not allocate.
func (f *Frame) Luma(dst []byte) (Plane, error) {
	if err := f.Validate(); err != nil {
		return Plane{}, err
	}
	switch f.Format {
	case Gray8, NV12, NV21, I420, I422, I444:
		return f.plane(0), nil
	}
	w, h := f.Width, f.Height
	if len(dst) < w*h {
		return Plane{}, fmt.Errorf("%w: luma of %dx%d needs %d bytes, have %d", ErrShortBuffer, w, h, w*h, len(dst))
	}
	src := f.plane(0)
	for y := 0; y < h; y++ {
		out := dst[y*w : y*w+w : y*w+w]
		switch f.Format {
		case RGBA:
			lumaRow4(out, src.Row(y), lumaCoefRGBA)
		case BGRA:
			lumaRow4(out, src.Row(y), lumaCoefBGRA)
		default: // RGB24; give the kernel the rest of the plane so it may read ahead
			lumaRow3(out, src.Pix[y*src.Stride:], lumaCoefRGBA)
		}
	}
	return GrayPlane(dst[:w*h], w, w, h), nil
}

// FromImage describes img as a Frame. *image.YCbCr with 4:2:0, 4:2:2 or
// 4:4:4 subsampling (bounds even where chroma is subsampled), *image.Gray, *image.RGBA and *image.NRGBA are described in
// place, with no copy; alpha is ignored, so NRGBA reads as RGBA. Any other
// image is drawn into dst as RGBA (dst is grown when shorter than
// 4*width*height bytes, and returned so the caller can keep it for the next
// image).
func FromImage(dst []byte, img image.Image) (Frame, []byte, error) {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w <= 0 || h <= 0 || w > MaxDimension || h > MaxDimension {
		return Frame{}, dst, frameErr("size", "image bounds %v", b)
	}
	switch m := img.(type) {
	case *image.YCbCr:
		format := FormatUnknown
		switch m.SubsampleRatio {
		case image.YCbCrSubsampleRatio420:
			format = I420
		case image.YCbCrSubsampleRatio422:
			format = I422
		case image.YCbCrSubsampleRatio444:
			format = I444
		}
		sx, sy := format.chromaShift()
		odd := (w|b.Min.X)&(1<<sx-1) != 0 || (h|b.Min.Y)&(1<<sy-1) != 0
		if format != FormatUnknown && !odd {
			yo, co := m.YOffset(b.Min.X, b.Min.Y), m.COffset(b.Min.X, b.Min.Y)
			f := Frame{Format: format, Width: w, Height: h,
				Planes:  [3][]byte{m.Y[yo:], m.Cb[co:], m.Cr[co:]},
				Strides: [3]int{m.YStride, m.CStride, m.CStride}}
			return f, dst, f.Validate()
		}
	case *image.Gray:
		f := Frame{Format: Gray8, Width: w, Height: h,
			Planes: [3][]byte{m.Pix[m.PixOffset(b.Min.X, b.Min.Y):]}, Strides: [3]int{m.Stride}}
		return f, dst, f.Validate()
	case *image.RGBA:
		f := Frame{Format: RGBA, Width: w, Height: h,
			Planes: [3][]byte{m.Pix[m.PixOffset(b.Min.X, b.Min.Y):]}, Strides: [3]int{m.Stride}}
		return f, dst, f.Validate()
	case *image.NRGBA:
		f := Frame{Format: RGBA, Width: w, Height: h,
			Planes: [3][]byte{m.Pix[m.PixOffset(b.Min.X, b.Min.Y):]}, Strides: [3]int{m.Stride}}
		return f, dst, f.Validate()
	}
	n := 4 * w * h
	if cap(dst) < n {
		dst = make([]byte, n)
	}
	dst = dst[:n]
	rgba := &image.RGBA{Pix: dst, Stride: 4 * w, Rect: image.Rect(0, 0, w, h)}
	draw.Draw(rgba, rgba.Rect, img, b.Min, draw.Src)
	f := Frame{Format: RGBA, Width: w, Height: h, Planes: [3][]byte{dst}, Strides: [3]int{4 * w}}
	return f, dst, nil
}

// LumaRect writes the luma of the frame's rectangle r (clipped to the frame)
// into the same rectangle of dst, a one-channel plane of the frame's size,
// leaving dst's other pixels as they were. It gives the bytes Luma gives
// there, and lets a caller that needs only part of an RGB frame (the
// surroundings of a tracked face) skip converting the rest. For Gray8 and
// the YUV formats it copies the Y plane's rectangle. It does not allocate.
func (f *Frame) LumaRect(dst Plane, r image.Rectangle) error {
	if err := f.Validate(); err != nil {
		return err
	}
	if err := dst.Validate(); err != nil {
		return err
	}
	if dst.channels() != 1 || dst.Width != f.Width || dst.Height != f.Height {
		return geomErr("destination", "%dx%dx%d, want %dx%dx1", dst.Width, dst.Height, dst.channels(), f.Width, f.Height)
	}
	r = r.Intersect(image.Rect(0, 0, f.Width, f.Height))
	if r.Empty() {
		return nil
	}
	src := f.plane(0)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		out := dst.Row(y)[r.Min.X:r.Max.X]
		switch f.Format {
		case RGBA:
			lumaRow4(out, src.Row(y)[4*r.Min.X:4*r.Max.X], lumaCoefRGBA)
		case BGRA:
			lumaRow4(out, src.Row(y)[4*r.Min.X:4*r.Max.X], lumaCoefBGRA)
		case RGB24: // give the kernel the rest of the plane so it may read ahead
			lumaRow3(out, src.Pix[y*src.Stride+3*r.Min.X:], lumaCoefRGBA)
		default:
			copy(out, src.Row(y)[r.Min.X:r.Max.X])
		}
	}
	return nil
}
