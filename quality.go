package facegate

import (
	"image"
	"math"

	"github.com/facegate/facegate/preprocess"
)

// Quality is what the gates measure on the target face. Blur and Exposure
// are on the 0..1 scales of the service's face attributes: Blur low below
// 0.25, medium below 0.75, high above; Exposure under below 0.25, good below
// 0.75, over above.
type Quality struct {
	// Blur is 0 for a sharp face and 1 for a face blurred by a Gaussian of
	// BlurFullSigma pixels or more at capture resolution: BlurSigma /
	// BlurFullSigma, or (MotionBlur - MotionBlurFloor) / (MotionBlurFull -
	// MotionBlurFloor) when that is larger, clamped. The Pipeline leaves
	// MotionBlur out for a face found by a profile cascade, or by the
	// dense scan with an unsure pose: turned faces are anisotropic by
	// themselves. The default policy's 0.75 is a blur of 2.5 px, or a
	// motion excess of 1.7 px; see the calibration tables in the README.
	Blur float64
	// BlurSigma is the blur of the face's edges in pixels of the frame
	// (preprocess.EdgeBlur over the face region at full resolution): the
	// standard deviation of the Gaussian that would blur sharp edges into
	// them. A blur of a few pixels at capture resolution shows in it
	// whatever the face's size.
	BlurSigma float64
	// MotionBlur is how much more the face's edges are blurred in one
	// direction than across it, in pixels of the frame
	// (preprocess.EdgeBlur.Motion): a motion blur smears the edges across
	// its direction only, and leaves those along it sharp, which hold
	// BlurSigma (the sharper edges' blur) down.
	MotionBlur float64
	// Exposure is 0.5, lowered when even the brighter part of the face is
	// dark or its middle is very dark, or raised when even its middle is
	// bright or much of it is clipped, whichever is the larger: with
	// under = max((128-min(q75, 128))/(128-ExposureDarkQ75), (128-min(q50,
	// 128))/(128-ExposureDarkMedian)) and over = max((max(q50, 128)-128)/
	// (ExposureBrightMedian-128), BrightShare/ExposureClippedShare), it is
	// 0.5 - 0.25*under when under >= over, else 0.5 + 0.25*over, clamped
	// to 0..1, where q50 and q75 are LumaQuartiles[1] and [2]. (A sum of
	// the two would let the blown half of a face cancel its crushed half.) So
	// 0.25 (the default MinExposure) is a face whose upper quartile is
	// ExposureDarkQ75 or whose median is ExposureDarkMedian, and 0.75 (the
	// default MaxExposure) one whose median is ExposureBrightMedian or
	// whose share of clipped pixels is ExposureClippedShare. Quantiles,
	// not the mean, so that sunglasses, dark hair or a dark-skinned face
	// in good light do not read as under exposed, nor a white collar as
	// over exposed; the median term catches a face left in the dark
	// beside a lit cheek or a bright background.
	Exposure float64
	// Sharpness is the variance of the Laplacian of the face, resampled to
	// QualitySide x QualitySide (which normalises for face size), divided
	// by the face's luma variance plus a floor (which normalises for
	// contrast): how much detail the face holds at its own scale. It is
	// reported, not gated.
	Sharpness float64
	// MeanLuma (0..255), Contrast (the standard deviation of luma),
	// DarkShare and BrightShare (pixels at or below
	// preprocess.DarkLevel, at or above preprocess.BrightLevel) describe
	// the face region's luminance.
	MeanLuma, Contrast, DarkShare, BrightShare float64
	// LumaQuartiles are the 25th, 50th and 75th percentiles of the face
	// region's luma (0..255).
	LumaQuartiles [3]float64
}

// QualitySide is the side, in pixels, to which the face region is resampled
// before its Sharpness is measured.
const QualitySide = 64

// BlurFullSigma is the edge blur, in pixels at capture resolution, at which
// Blur reaches 1. Calibrated (go run ./bench/rejection) so that Blur 0.75,
// the default MaxBlur, is a blur of 2.5 px: between the 1 px that the
// rejection corpus labels good and the 3 px it labels blurred.
const BlurFullSigma = 10.0 / 3

// MotionBlurFloor and MotionBlurFull are the motion excess
// (Quality.MotionBlur), in pixels at capture resolution, at which Blur is 0
// and 1: a face is anisotropic by itself, and sharp faces read an excess
// of up to about MotionBlurFloor (the upper quartile on the calibrate part
// of the rejection corpus, go run ./bench/rejection, is 1.01 px).
// Calibrated so that Blur 0.75, the default MaxBlur, is an excess of 1.7
// px: between the largest read on the calibrate part's good frames (1.51
// px) and the smallest on its motion blurs of 10 px and more that the
// edge blur alone misses (1.94 px).
const (
	MotionBlurFloor = 1.0
	MotionBlurFull  = MotionBlurFloor + (1.7-MotionBlurFloor)/0.75
)

const (
	contrastFloor = 25 // added to the luma variance (a standard deviation of 5)
	// regionShare and regionDrop place FaceRegion in a detector box: a
	// square of regionShare of the box's side, its centre regionDrop of
	// the side below the box's centre. The face rectangle (the extent of
	// the 68 annotated landmarks, eyebrows to chin) sits 0.16 of the side
	// below the centre of pigo's box and is 0.79 of its side (medians on
	// the calibrate part of the rejection corpus, go run ./bench/rejection
	// score -json); the region is the inner 80% of that rectangle.
	regionShare = 0.65
	regionDrop  = 0.16
)

// FaceRegion returns the part of a face box the quality measures look at:
// the inner part of the face rectangle the box stands for (skin, eyes,
// nose and mouth; no hair or background), a square of regionShare of the
// box's side whose centre is regionDrop of the side below the box's,
// clipped to bounds.
func FaceRegion(face, bounds image.Rectangle) image.Rectangle {
	s := min(face.Dx(), face.Dy())
	in := int(float64(s) * regionShare)
	c := face.Min.Add(face.Max).Div(2)
	c.Y += int(float64(s) * regionDrop)
	return image.Rect(c.X-in/2, c.Y-in/2, c.X-in/2+in, c.Y-in/2+in).Intersect(bounds)
}

// Meter measures the quality of faces with reusable scratch: after the
// first faces, Measure does not allocate. The zero value is ready; a Meter
// is not safe for concurrent use.
type Meter struct {
	down  preprocess.Downscaler
	patch []byte
	norm  [QualitySide * QualitySide]byte
	st    preprocess.LumaStats
	edges preprocess.EdgeBlur
}

// Measure fills q for the face box face (luma's coordinates); it measures
// FaceRegion(face), which must not be empty. Its Blur includes the motion
// excess, as the Pipeline's does for faces found by a frontal cascade.
// Errors wrap
// preprocess.ErrGeometry or preprocess.ErrInvalidFrame.
func (m *Meter) Measure(q *Quality, luma preprocess.Plane, face image.Rectangle) error {
	r := FaceRegion(face, image.Rect(0, 0, luma.Width, luma.Height))
	return m.measure(q, luma, r, true)
}

// measure fills q for the face region r; Blur includes the motion excess
// when motion is set.
func (m *Meter) measure(q *Quality, luma preprocess.Plane, r image.Rectangle, motion bool) error {
	patch, err := m.measureExposure(q, luma, r)
	if err != nil {
		return err
	}
	norm := preprocess.GrayPlane(m.norm[:], QualitySide, QualitySide, QualitySide)
	bilinear(norm, patch)
	if err := preprocess.MeasureLuma(&m.st, norm, image.Rect(0, 0, QualitySide, QualitySide)); err != nil {
		return err
	}
	v := histVariance(&m.st)
	q.Contrast = math.Sqrt(v)
	lap, err := preprocess.LaplacianVariance(norm, image.Rect(0, 0, QualitySide, QualitySide))
	if err != nil {
		return err
	}
	q.Sharpness = lap / (v + contrastFloor)
	if err := m.edges.Measure(luma, r); err != nil {
		return err
	}
	q.BlurSigma, q.MotionBlur = m.edges.Sigma, m.edges.Motion
	q.Blur = q.BlurSigma / BlurFullSigma
	if motion {
		q.Blur = max(q.Blur, (q.MotionBlur-MotionBlurFloor)/(MotionBlurFull-MotionBlurFloor))
	}
	q.Blur = clamp01(q.Blur)
	return nil
}

// measureExposure fills q's luminance fields (MeanLuma, DarkShare,
// BrightShare, LumaQuartiles, Exposure) for the region r of luma, and
// returns the region box-downscaled by the integer factor that keeps at
// least QualitySide pixels on its shorter side (m's scratch).
func (m *Meter) measureExposure(q *Quality, luma preprocess.Plane, r image.Rectangle) (preprocess.Plane, error) {
	src, err := luma.SubPlane(r)
	if err != nil {
		return preprocess.Plane{}, err
	}
	// Box-downscale by the integer factor that keeps at least QualitySide
	// pixels; measure will resample the rest of the way bilinearly: the
	// box filter has already removed what would alias.
	k := max(1, min(r.Dx(), r.Dy())/QualitySide)
	mw, mh := r.Dx()/k, r.Dy()/k
	if cap(m.patch) < mw*mh {
		m.patch = make([]byte, mw*mh)
	}
	patch := preprocess.GrayPlane(m.patch[:mw*mh], mw, mw, mh)
	if err := m.down.Downscale(patch, src, k); err != nil {
		return preprocess.Plane{}, err
	}
	if err := preprocess.MeasureLuma(&m.st, patch, image.Rect(0, 0, mw, mh)); err != nil {
		return preprocess.Plane{}, err
	}
	q.MeanLuma, q.DarkShare, q.BrightShare = m.st.Mean, m.st.DarkShare, m.st.BrightShare
	q.LumaQuartiles = [3]float64{histQuantile(&m.st, 0.25), histQuantile(&m.st, 0.5), histQuantile(&m.st, 0.75)}
	q.Exposure = exposure(q.LumaQuartiles[1], q.LumaQuartiles[2], q.BrightShare)
	return patch, nil
}

// The exposure anchors, calibrated on the calibrate part of the rejection
// corpus (go run ./bench/rejection; its gain and gamma frames against its
// good ones): see Quality.Exposure.
const (
	ExposureDarkQ75      = 70  // upper luma quartile read as 0.25
	ExposureDarkMedian   = 50  // median luma read as 0.25: 255-ExposureBrightMedian, the mirror of the bright side
	ExposureBrightMedian = 205 // median luma read as 0.75
	ExposureClippedShare = 0.3 // share of clipped pixels read as 0.75
)

// exposure maps the face's luma median, upper quartile and clipped share to
// 0..1 (see Quality.Exposure).
func exposure(q50, q75, bright float64) float64 {
	under := max((128-min(q75, 128))/(128-ExposureDarkQ75), (128-min(q50, 128))/(128-ExposureDarkMedian))
	over := max((max(q50, 128)-128)/(ExposureBrightMedian-128), bright/ExposureClippedShare)
	if under >= over {
		return clamp01(0.5 - 0.25*under)
	}
	return clamp01(0.5 + 0.25*over)
}

func clamp01(v float64) float64 { return math.Max(0, math.Min(1, v)) }

// histQuantile is the q-quantile (0..1) of a measured region's luma, from
// its histogram: the lowest value with at least q of the pixels at or
// below it.
func histQuantile(st *preprocess.LumaStats, q float64) float64 {
	need := uint64(math.Ceil(q * float64(st.Pixels)))
	var n uint64
	for v, c := range st.Hist {
		n += uint64(c)
		if n >= need && n > 0 {
			return float64(v)
		}
	}
	return 255
}

// histVariance is the luma variance of a measured region, from its
// histogram.
func histVariance(st *preprocess.LumaStats) float64 {
	if st.Pixels == 0 {
		return 0
	}
	var ss float64
	for v, c := range st.Hist {
		d := float64(v) - st.Mean
		ss += float64(c) * d * d
	}
	return ss / float64(st.Pixels)
}

// bilinear resamples src into dst (one channel) with pixel-centre alignment
// and clamped edges, in 8-bit fixed point.
func bilinear(dst, src preprocess.Plane) {
	sx := float64(src.Width) / float64(dst.Width)
	sy := float64(src.Height) / float64(dst.Height)
	// The columns' taps and weights, the same on every row: computed once
	// for the first QualitySide columns (the Meter's width), per pixel
	// beyond.
	type tap struct{ x0, x1, wx int }
	var taps [QualitySide]tap
	col := func(x int) tap {
		fx := (float64(x)+0.5)*sx - 0.5
		x0 := int(math.Floor(fx))
		wx := int((fx - float64(x0)) * 256)
		return tap{min(max(x0, 0), src.Width-1), min(max(x0+1, 0), src.Width-1), wx}
	}
	for x := range min(dst.Width, QualitySide) {
		taps[x] = col(x)
	}
	for y := 0; y < dst.Height; y++ {
		fy := (float64(y)+0.5)*sy - 0.5
		y0 := int(math.Floor(fy))
		wy := int((fy - float64(y0)) * 256)
		y1 := min(max(y0+1, 0), src.Height-1)
		y0 = min(max(y0, 0), src.Height-1)
		r0, r1 := src.Row(y0), src.Row(y1)
		out := dst.Row(y)
		for x := range out {
			var t tap
			if x < QualitySide {
				t = taps[x]
			} else {
				t = col(x)
			}
			x0, x1, wx := t.x0, t.x1, t.wx
			top := int(r0[x0])*(256-wx) + int(r0[x1])*wx
			bot := int(r1[x0])*(256-wx) + int(r1[x1])*wx
			out[x] = byte((top*(256-wy) + bot*wy + 1<<15) >> 16)
		}
	}
}
