package main

import (
	"image"
	"math"

	"github.com/facegate/facegate/encode"
	"github.com/facegate/facegate/preprocess"
)

// cropper crops frames, resizes the crops and converts them to RGB with
// preprocess.CropResizer, keeping the plans of recent geometries. One per
// goroutine.
type cropper struct {
	plans []cropPlan
	buf   []byte
}

type cropPlan struct {
	format       preprocess.Format
	cw, ch, w, h int
	cr           *preprocess.CropResizer
}

// maxPlans bounds the CropResizer plans a cropper keeps.
const maxPlans = 8

// cropResize returns crop (which alignCrop has aligned) of fr, resized to
// w x h, as RGB. The pixels belong to the cropper until the next call.
func (c *cropper) cropResize(fr *preprocess.Frame, crop image.Rectangle, w, h int) (encode.RGB, error) {
	var cr *preprocess.CropResizer
	for _, p := range c.plans {
		if p.format == fr.Format && p.cw == crop.Dx() && p.ch == crop.Dy() && p.w == w && p.h == h {
			cr = p.cr
			break
		}
	}
	if cr == nil {
		var err error
		cr, err = preprocess.NewCropResizer(fr.Format, crop.Dx(), crop.Dy(), w, h, preprocess.Area)
		if err != nil {
			return encode.RGB{}, err
		}
		if len(c.plans) == maxPlans {
			c.plans = c.plans[1:]
		}
		c.plans = append(c.plans, cropPlan{fr.Format, crop.Dx(), crop.Dy(), w, h, cr})
	}
	img := encode.NewRGB(c.buf, w, h)
	c.buf = img.Pix
	if err := cr.CropResize(img.Pix, fr, crop); err != nil {
		return encode.RGB{}, err
	}
	return img, nil
}

// alignCrop grows r to the chroma grid of the frame's format (even
// coordinates where chroma is subsampled), inside the frame, as
// CropResizer requires.
func alignCrop(r image.Rectangle, fr *preprocess.Frame) image.Rectangle {
	sx, sy := 0, 0
	switch fr.Format {
	case preprocess.I420, preprocess.NV12, preprocess.NV21:
		sx, sy = 1, 1
	case preprocess.I422:
		sx = 1
	}
	align := func(lo, hi, n, s int) (int, int) {
		if s == 0 {
			return lo, hi
		}
		lo &^= 1
		if hi&1 != 0 {
			if hi+1 <= n {
				hi++
			} else {
				hi--
			}
		}
		return lo, hi
	}
	r.Min.X, r.Max.X = align(r.Min.X, r.Max.X, fr.Width, sx)
	r.Min.Y, r.Max.Y = align(r.Min.Y, r.Max.Y, fr.Height, sy)
	return r
}

// cropAround returns the face grown by margin face sides on each side,
// clipped to the frame and aligned for the frame's format.
func cropAround(face image.Rectangle, margin float64, fr *preprocess.Frame) image.Rectangle {
	m := int(margin * float64(face.Dx()))
	r := face.Inset(-m).Intersect(image.Rect(0, 0, fr.Width, fr.Height))
	return alignCrop(r, fr)
}

// scaleFace maps a rectangle of a cw x ch image onto a w x h resize of it,
// rounding outwards (the face never shrinks by rounding).
func scaleFace(r image.Rectangle, cw, ch, w, h int) image.Rectangle {
	fx, fy := float64(w)/float64(cw), float64(h)/float64(ch)
	return image.Rect(
		int(math.Floor(float64(r.Min.X)*fx)), int(math.Floor(float64(r.Min.Y)*fy)),
		min(w, int(math.Ceil(float64(r.Max.X)*fx))), min(h, int(math.Ceil(float64(r.Max.Y)*fy))))
}
