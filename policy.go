package facegate

import (
	"errors"
	"fmt"
	"math"
)

// ErrPolicy reports a Policy whose thresholds are missing or inconsistent.
var ErrPolicy = errors.New("facegate: invalid policy")

// Policy holds every threshold the gates use. DefaultPolicy encodes the
// service's documented rules and our calibrated estimates of its quality
// answers; start from it and change fields, since New validates the whole
// Policy (a zero field is an error, not a default).
type Policy struct {
	// MinFaceSize is the smallest face side, in pixels, the service detects
	// in images up to RefWidth x RefHeight; larger images need
	// MinFaceSize * max(W/RefWidth, H/RefHeight) (rounded up). Smaller faces
	// are rejected with "Face not found within target rectangle.".
	MinFaceSize int
	// RefWidth and RefHeight are the image size up to which MinFaceSize
	// applies unscaled (1920 x 1080).
	RefWidth, RefHeight int
	// OptimalFaceSize and OptimalEyeDistance are the service's advice for
	// best results (200 px faces, 100 px between the pupils): below them
	// the verdict carries a warning, not a rejection.
	OptimalFaceSize    int
	OptimalEyeDistance float64

	// MaxBlur rejects a face whose Blur (0 sharp .. 1 blurred, low below
	// 0.25, medium below 0.75, high above) is at least this.
	MaxBlur float64
	// MinExposure and MaxExposure reject a face whose Exposure (0 dark ..
	// 1 bright; under below 0.25, good below 0.75, over above) is below
	// MinExposure (under exposed) or at least MaxExposure (over exposed).
	MinExposure, MaxExposure float64

	// MaxYaw, MaxPitch and MaxRoll are the largest absolute head angles,
	// in degrees, of a face the service treats as frontal.
	MaxYaw, MaxPitch, MaxRoll float64
	// MinPoseConfidence (0..1): a target whose pose estimate is less
	// confident than this (detect.Pose.Confidence), or was not measured,
	// has an unknown pose. By default an unknown pose is rejected as not
	// frontal: on faces turned beyond about 40 degrees the landmarks
	// scatter and the angles read from them are too small, so an unsure
	// estimate is most often a turned face. UnknownPoseWarns makes it a
	// PoseUnknown warning instead. A face that is also blurred or badly
	// exposed gets those reasons alone: its landmarks are unsure because
	// the face cannot be seen. A blurred face is never judged not frontal,
	// even when the estimate claims to be confident: blur moves the
	// landmarks, and the service's answer is that the face is blurred.
	MinPoseConfidence float64
	UnknownPoseWarns  bool

	// MinFaceScore is the detection score (detect.Face.Score, the summed
	// cascade score) below which a detection is not taken for a face: real
	// faces the service accepts score far above it, false detections on
	// backgrounds below. Faces found by the profile cascade are judged by
	// its own neighbour count instead.
	MinFaceScore float64

	// SimilarFaceRatio: another face whose side is at least this share of
	// the target's is named in a warning (the service may follow it
	// instead). 0 < SimilarFaceRatio <= 1.
	SimilarFaceRatio float64
	// MinCoverage is the share of a sequence's frames that must hold the
	// target face; below it the sequence is rejected with "Face not found
	// across sufficient frames.". The service answers this when its
	// tracker loses the face; half of the frames is our estimate, the same
	// as payload.ValidateOptions' default.
	MinCoverage float64
}

// DefaultPolicy returns the policy that encodes the service's documented
// rules (minimum and optimal face size, coverage) and our calibrated
// thresholds for the ones it does not publish (blur, exposure, pose); see
// the README's calibration tables.
func DefaultPolicy() *Policy {
	return &Policy{
		MinFaceSize:        128,
		RefWidth:           1920,
		RefHeight:          1080,
		OptimalFaceSize:    200,
		OptimalEyeDistance: 100,
		MaxBlur:            0.75,
		MinExposure:        0.25,
		MaxExposure:        0.75,
		MaxYaw:             30,
		MaxPitch:           30,
		MaxRoll:            25,
		MinPoseConfidence:  0,
		MinFaceScore:       10,
		SimilarFaceRatio:   0.8,
		MinCoverage:        0.5,
	}
}

// MinFaceFor returns the smallest face side the service detects in a w x h
// image: MinFaceSize scaled by max(1, w/RefWidth, h/RefHeight), rounded up.
func (p *Policy) MinFaceFor(w, h int) int {
	m := p.MinFaceSize
	if w > p.RefWidth {
		m = max(m, int((int64(w)*int64(p.MinFaceSize)+int64(p.RefWidth)-1)/int64(p.RefWidth)))
	}
	if h > p.RefHeight {
		m = max(m, int((int64(h)*int64(p.MinFaceSize)+int64(p.RefHeight)-1)/int64(p.RefHeight)))
	}
	return m
}

// PolicyError is the error of Validate: the field (or fields, as
// "MinExposure..MaxExposure") whose value is missing or inconsistent.
type PolicyError struct {
	Field string
	Value string
}

// Error returns "facegate: invalid policy: Field = Value".
func (e *PolicyError) Error() string { return fmt.Sprintf("%v: %s = %s", ErrPolicy, e.Field, e.Value) }

// Is reports whether target is ErrPolicy.
func (e *PolicyError) Is(target error) bool { return target == ErrPolicy }

// Validate reports a missing or inconsistent threshold as a *PolicyError,
// which errors.Is takes for ErrPolicy.
func (p *Policy) Validate() error {
	bad := func(field string, v any) error { return &PolicyError{Field: field, Value: fmt.Sprint(v)} }
	unit := func(v float64) bool { return v > 0 && v <= 1 && !math.IsNaN(v) }
	angle := func(v float64) bool { return v > 0 && v <= 90 }
	switch {
	case p.MinFaceSize < 1:
		return bad("MinFaceSize", p.MinFaceSize)
	case p.RefWidth < 1 || p.RefHeight < 1:
		return bad("RefWidth x RefHeight", fmt.Sprintf("%dx%d", p.RefWidth, p.RefHeight))
	case p.OptimalFaceSize < 0:
		return bad("OptimalFaceSize", p.OptimalFaceSize)
	case p.OptimalEyeDistance < 0 || math.IsNaN(p.OptimalEyeDistance):
		return bad("OptimalEyeDistance", p.OptimalEyeDistance)
	case !unit(p.MaxBlur):
		return bad("MaxBlur", p.MaxBlur)
	case !(p.MinExposure >= 0 && p.MinExposure < p.MaxExposure && p.MaxExposure <= 1):
		return bad("MinExposure..MaxExposure", fmt.Sprintf("%v..%v", p.MinExposure, p.MaxExposure))
	case !angle(p.MaxYaw):
		return bad("MaxYaw", p.MaxYaw)
	case !angle(p.MaxPitch):
		return bad("MaxPitch", p.MaxPitch)
	case !angle(p.MaxRoll):
		return bad("MaxRoll", p.MaxRoll)
	case !(p.MinPoseConfidence >= 0 && p.MinPoseConfidence <= 1):
		return bad("MinPoseConfidence", p.MinPoseConfidence)
	case !(p.MinFaceScore >= 0 && p.MinFaceScore < math.Inf(1)):
		return bad("MinFaceScore", p.MinFaceScore)
	case !unit(p.SimilarFaceRatio):
		return bad("SimilarFaceRatio", p.SimilarFaceRatio)
	case !unit(p.MinCoverage):
		return bad("MinCoverage", p.MinCoverage)
	}
	return nil
}
