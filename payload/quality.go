package payload

import (
	"image"

	"github.com/facegate/facegate/preprocess"
)

// QualityOptions are the thresholds CheckQuality measures a face against.
// The service does not publish its own; the defaults are estimates that
// flag only clearly bad faces, and the facegate Policy owns the thresholds
// the pipeline gates with. A zero field means its default.
type QualityOptions struct {
	// MaxMeanLuma: a face whose mean luma (0..255) is above it is over
	// exposed. Default 210.
	MaxMeanLuma float64
	// MinMeanLuma: a face whose mean luma is below it is under exposed.
	// Default 45.
	MinMeanLuma float64
	// MinSharpness: a face whose Laplacian variance
	// (preprocess.LaplacianVariance) is below it is blurred. Default 15.
	MinSharpness float64
}

// DefaultQuality holds the default thresholds.
var DefaultQuality = QualityOptions{MaxMeanLuma: 210, MinMeanLuma: 45, MinSharpness: 15}

func (q *QualityOptions) resolve() QualityOptions {
	d := DefaultQuality
	if q == nil {
		return d
	}
	if q.MaxMeanLuma > 0 {
		d.MaxMeanLuma = q.MaxMeanLuma
	}
	if q.MinMeanLuma > 0 {
		d.MinMeanLuma = q.MinMeanLuma
	}
	if q.MinSharpness > 0 {
		d.MinSharpness = q.MinSharpness
	}
	return d
}

// FaceQuality is what CheckQuality measured.
type FaceQuality struct {
	MeanLuma  float64 // mean luma of the face, 0..255
	Sharpness float64 // Laplacian variance of the face's luma
}

// MeasureFace measures the luma and sharpness of the face rectangle of img
// (in img's coordinates), with preprocess.MeasureLuma and
// preprocess.LaplacianVariance. A rectangle not inside the image gives an
// error wrapping preprocess.ErrGeometry.
func MeasureFace(img image.Image, face image.Rectangle) (FaceQuality, error) {
	b := img.Bounds()
	fr, _, err := preprocess.FromImage(nil, img)
	if err != nil {
		return FaceQuality{}, err
	}
	var dst []byte
	if !fr.Format.IsYUV() && fr.Format != preprocess.Gray8 {
		dst = make([]byte, fr.Width*fr.Height)
	}
	luma, err := fr.Luma(dst)
	if err != nil {
		return FaceQuality{}, err
	}
	r := face.Sub(b.Min)
	var st preprocess.LumaStats
	if err := preprocess.MeasureLuma(&st, luma, r); err != nil {
		return FaceQuality{}, err
	}
	sharp, err := preprocess.LaplacianVariance(luma, r)
	if err != nil {
		return FaceQuality{}, err
	}
	return FaceQuality{MeanLuma: st.Mean, Sharpness: sharp}, nil
}

// CheckQuality measures the face rectangle of img (MeasureFace) and
// returns RuleFaceOverExposed, RuleFaceUnderExposed or RuleFaceBlurred,
// checked in that order, or nil for a face within q (nil means
// DefaultQuality). Other errors come from MeasureFace.
func CheckQuality(img image.Image, face image.Rectangle, q *QualityOptions) error {
	m, err := MeasureFace(img, face)
	if err != nil {
		return err
	}
	return q.judge(m)
}

// judge applies the thresholds to a measure.
func (q *QualityOptions) judge(m FaceQuality) error {
	t := q.resolve()
	switch {
	case m.MeanLuma > t.MaxMeanLuma:
		return RuleFaceOverExposed
	case m.MeanLuma < t.MinMeanLuma:
		return RuleFaceUnderExposed
	case m.Sharpness < t.MinSharpness:
		return RuleFaceBlurred
	}
	return nil
}
