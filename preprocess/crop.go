package preprocess

import (
	"fmt"
	"image"
)

// CropResizer crops a frame, resizes the crop and writes it as packed RGB24,
// ready for encoding: the face crop a payload carries. It is planned once
// for a frame format, a crop size, an output size and a filter, and reused.
// For the YUV formats the luma and chroma planes of the crop are resampled
// separately (chroma treated as centre-sited, as JFIF) into output-sized
// scratch planes and converted to RGB with color.YCbCrToRGB's arithmetic; the
// full frame is never converted. CropResize does not allocate. A
// CropResizer is not safe for concurrent use.
type CropResizer struct {
	format         Format
	cropW, cropH   int
	dstW, dstH     int
	luma, chroma   *Resizer
	s0, s1, s2     []byte // output-sized scratch planes
	cu, cv         []byte // the crop's chroma, deinterleaved (NV12, NV21)
	packedChannels int    // bytes per pixel of s0 for Gray8, RGBA, BGRA
}

// NewCropResizer plans crops of cropW x cropH from frames of the given
// format, resized to dstW x dstH. For the YUV formats the crop size must be
// divisible by the chroma subsampling: even for 4:2:0 (and so must the crop's
// origin, given to CropResize).
func NewCropResizer(format Format, cropW, cropH, dstW, dstH int, f Filter) (*CropResizer, error) {
	c := &CropResizer{format: format, cropW: cropW, cropH: cropH, dstW: dstW, dstH: dstH}
	var err error
	n := dstW * dstH
	switch format {
	case NV12, NV21, I420, I422, I444:
		sx, sy := format.chromaShift()
		if cropW%(1<<sx) != 0 || cropH%(1<<sy) != 0 {
			return nil, geomErr("crop", "%dx%d: %v crops need sizes divisible by %dx%d", cropW, cropH, format, 1<<sx, 1<<sy)
		}
		if c.luma, err = NewResizer(cropW, cropH, dstW, dstH, 1, f); err != nil {
			return nil, err
		}
		// Interleaved chroma is split first, so that both chroma planes
		// take the one-channel kernels.
		cw, ch := cropW>>sx, cropH>>sy
		if c.chroma, err = NewResizer(cw, ch, dstW, dstH, 1, f); err != nil {
			return nil, err
		}
		c.s0, c.s1, c.s2 = make([]byte, n), make([]byte, n), make([]byte, n)
		if format == NV12 || format == NV21 {
			c.cu, c.cv = make([]byte, cw*ch), make([]byte, cw*ch)
		}
	case Gray8, RGBA, BGRA:
		cn := format.bytesPerPixel()
		if c.luma, err = NewResizer(cropW, cropH, dstW, dstH, cn, f); err != nil {
			return nil, err
		}
		c.s0 = make([]byte, n*cn)
		c.packedChannels = cn
	case RGB24:
		if c.luma, err = NewResizer(cropW, cropH, dstW, dstH, 3, f); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("%w: crop of format %v", ErrUnsupported, format)
	}
	return c, nil
}

// CropResize crops fr to crop (whose size must be the planned one, and whose
// origin must be even where the frame's chroma is subsampled), resizes it, and writes packed RGB24
// rows of 3*dstW bytes into dst, which must hold 3*dstW*dstH bytes.
func (c *CropResizer) CropResize(dst []byte, fr *Frame, crop image.Rectangle) error {
	if err := fr.Validate(); err != nil {
		return err
	}
	if fr.Format != c.format {
		return geomErr("format", "frame is %v, planned for %v", fr.Format, c.format)
	}
	if crop.Dx() != c.cropW || crop.Dy() != c.cropH {
		return geomErr("crop", "%v is not the planned %dx%d", crop, c.cropW, c.cropH)
	}
	if !crop.In(image.Rect(0, 0, fr.Width, fr.Height)) {
		return geomErr("crop", "%v is outside the %dx%d frame", crop, fr.Width, fr.Height)
	}
	w, h := c.dstW, c.dstH
	if len(dst) < 3*w*h {
		return fmt.Errorf("%w: RGB %dx%d needs %d bytes, have %d", ErrShortBuffer, w, h, 3*w*h, len(dst))
	}
	out := Plane{Pix: dst, Stride: 3 * w, Width: w, Height: h, Channels: 3}
	p0 := fr.plane(0)
	src, err := p0.SubPlane(crop)
	if err != nil {
		return err
	}
	switch c.format {
	case RGB24:
		return c.luma.Resize(out, src)
	case Gray8, RGBA, BGRA:
		cn := c.packedChannels
		s := Plane{Pix: c.s0, Stride: w * cn, Width: w, Height: h, Channels: cn}
		if err := c.luma.Resize(s, src); err != nil {
			return err
		}
		packRGB(dst, c.s0, w*h, c.format)
		return nil
	}
	sx, sy := c.format.chromaShift()
	if crop.Min.X%(1<<sx) != 0 || crop.Min.Y%(1<<sy) != 0 {
		return geomErr("crop", "%v: %v crops need an origin divisible by %dx%d", crop, c.format, 1<<sx, 1<<sy)
	}
	half := image.Rect(crop.Min.X>>sx, crop.Min.Y>>sy, crop.Max.X>>sx, crop.Max.Y>>sy)
	if err := c.luma.Resize(GrayPlane(c.s0, w, w, h), src); err != nil {
		return err
	}
	p1 := fr.plane(1)
	c1, err := p1.SubPlane(half)
	if err != nil {
		return err
	}
	var c2 Plane
	if c.cu != nil { // NV12, NV21: split the interleaved chroma of the crop
		cw, ch := half.Dx(), half.Dy()
		even, odd := c.cu, c.cv // NV12 interleaves U,V
		if c.format == NV21 {   // and NV21 V,U
			even, odd = c.cv, c.cu
		}
		for y := 0; y < ch; y++ {
			deinterleave(even[y*cw:(y+1)*cw], odd[y*cw:(y+1)*cw], c1.Row(y))
		}
		c1, c2 = GrayPlane(c.cu, cw, cw, ch), GrayPlane(c.cv, cw, cw, ch)
	} else {
		p2 := fr.plane(2)
		if c2, err = p2.SubPlane(half); err != nil {
			return err
		}
	}
	if err := c.chroma.Resize(GrayPlane(c.s1, w, w, h), c1); err != nil {
		return err
	}
	if err := c.chroma.Resize(GrayPlane(c.s2, w, w, h), c2); err != nil {
		return err
	}
	for y := 0; y < h; y++ {
		yuvRow(dst[3*w*y:3*w*h], c.s0[w*y:w*(y+1)], c.s1[w*y:w*(y+1)], c.s2[w*y:w*(y+1)])
	}
	return nil
}

// deinterleave splits pairs: a[i], b[i] = ab[2i], ab[2i+1].
func deinterleave(a, b, ab []byte) {
	ab = ab[:2*len(a)]
	b = b[:len(a)]
	for i := range a {
		a[i], b[i] = ab[2*i], ab[2*i+1]
	}
}

// packRGB writes n pixels of a Gray8, RGBA or BGRA scratch plane as RGB24.
func packRGB(dst, src []byte, n int, f Format) {
	dst = dst[:3*n]
	switch f {
	case Gray8:
		for i, v := range src[:n] {
			dst[3*i], dst[3*i+1], dst[3*i+2] = v, v, v
		}
	case RGBA:
		for i := 0; i < n; i++ {
			dst[3*i], dst[3*i+1], dst[3*i+2] = src[4*i], src[4*i+1], src[4*i+2]
		}
	case BGRA:
		for i := 0; i < n; i++ {
			dst[3*i], dst[3*i+1], dst[3*i+2] = src[4*i+2], src[4*i+1], src[4*i]
		}
	}
}
