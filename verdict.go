package facegate

import (
	"strconv"

	"github.com/facegate/facegate/payload"
)

// Code names one reason of a Verdict. Codes are stable: their String forms
// ("face-too-small", ...) appear in JSON output and may be matched by
// callers. A Code is an error, so errors.Is(verdict.Err(), facegate.Blurred)
// tells whether a verdict holds that reason.
type Code uint8

// Rejections: each predicts one answer of the liveness service.
const (
	_ Code = iota
	// NoFace: no face in the frame (or in the caller's target rectangle).
	// The service answers "Face not found within target rectangle.". When
	// the whole frame is too dark or too bright (its Exposure, measured as
	// a face's is, beyond the policy's limits), the verdict also holds
	// UnderExposed or OverExposed: light that hides a face from the
	// detectors hides it from the service too, and the person needs to
	// hear about the light.
	NoFace
	// FaceTooSmall: the target face is smaller than the policy's minimum
	// for the image size; the service cannot detect it and answers "Face
	// not found within target rectangle.".
	FaceTooSmall
	// FaceOutside: the target face is not wholly inside the frame; its
	// rectangle would be "out of range and not contained within image.".
	FaceOutside
	// Blurred: "Face is too blurred and cannot be clearly seen.".
	Blurred
	// OverExposed: "Face is over exposed and cannot be clearly seen.".
	OverExposed
	// UnderExposed: "Face is under exposed and cannot be clearly seen.".
	UnderExposed
	// NotFrontal: "Face is not frontal and liveness classification cannot
	// be run on face.".
	NotFrontal
	// InsufficientFrames: a sequence holds the target face in too few of
	// its frames: "Face not found across sufficient frames.".
	InsufficientFrames
	// TargetLost: a frame of a sequence holds faces, but not the target
	// the sequence has followed (it left, or another face took its
	// place); the service, which tracks the face it was given, answers
	// "Face not found across sufficient frames." when this lasts. The
	// person should bring the same face back into view.
	TargetLost
)

// Warnings: the frame is accepted, but the result may be worse than it
// could be.
const (
	// SimilarFaces: other faces of a size close to the target's are in the
	// frame; the service may follow one of them.
	SimilarFaces Code = iota + 32
	// BelowOptimalSize: the face is smaller than the service's advised
	// 200 px.
	BelowOptimalSize
	// BelowOptimalEyeDistance: the pupils are closer than the service's
	// advised 100 px.
	BelowOptimalEyeDistance
	// PoseUnknown: the pupils or landmarks were not found, or too unsure
	// (Policy.MinPoseConfidence), so the angles were not measured; the
	// default policy then also rejects the face as NotFrontal (Value and
	// Threshold are the confidence and its minimum). A face rejected as
	// blurred gets this warning instead of a pose verdict: the angles read
	// on a blurred face are not trusted.
	PoseUnknown
)

type codeInfo struct {
	name string
	rule payload.Rule
	text string // for warnings; rejections use the rule's text
}

var codes = [...]codeInfo{
	NoFace:                  {"no-face", payload.RuleFaceNotFoundInRect, ""},
	FaceTooSmall:            {"face-too-small", payload.RuleFaceNotFoundInRect, ""},
	FaceOutside:             {"face-outside", payload.RuleTargetOutOfRange, ""},
	Blurred:                 {"blurred", payload.RuleFaceBlurred, ""},
	OverExposed:             {"over-exposed", payload.RuleFaceOverExposed, ""},
	UnderExposed:            {"under-exposed", payload.RuleFaceUnderExposed, ""},
	NotFrontal:              {"not-frontal", payload.RuleFaceNotFrontal, ""},
	InsufficientFrames:      {"insufficient-frames", payload.RuleFaceNotFoundInFrames, ""},
	TargetLost:              {"target-lost", payload.RuleFaceNotFoundInFrames, ""},
	SimilarFaces:            {"similar-faces", 0, "Other faces of similar size are in the frame; the service may follow one of them."},
	BelowOptimalSize:        {"below-optimal-size", 0, "The face is smaller than the 200x200 pixels advised for optimal results."},
	BelowOptimalEyeDistance: {"below-optimal-eye-distance", 0, "The pupils are closer than the 100 pixels advised for optimal results."},
	PoseUnknown:             {"pose-unknown", 0, "The eyes or landmarks were not found or are unsure; the head pose was not measured."},
}

func (c Code) info() codeInfo {
	if int(c) < len(codes) {
		return codes[c]
	}
	return codeInfo{}
}

// String returns the stable name of the code, such as "blurred".
func (c Code) String() string {
	if n := c.info().name; n != "" {
		return n
	}
	return "code(" + strconv.Itoa(int(c)) + ")"
}

// Error returns the code's name, as String does; Message is the service's text.
func (c Code) Error() string { return c.String() }

// Warning reports whether the code is a warning rather than a rejection.
func (c Code) Warning() bool { return c >= SimilarFaces }

// Rule returns the service answer a rejection predicts (0 for warnings).
func (c Code) Rule() payload.Rule { return c.info().rule }

// Message is the service's exact message for a rejection, or our advice for
// a warning.
func (c Code) Message() string {
	i := c.info()
	if i.rule != 0 {
		return i.rule.Text()
	}
	return i.text
}

// Reason is one finding of a Verdict: its code, the measured value and the
// threshold it was held against (in the unit of the measure: pixels,
// degrees, or the 0..1 scales of Blur and Exposure; a share for coverage).
// Faces counts the faces a SimilarFaces warning is about (Result.Similar
// names them).
type Reason struct {
	Code      Code
	Value     float64
	Threshold float64
	Faces     int
}

// Message is the service's exact message (rejections) or our advice
// (warnings).
func (r Reason) Message() string { return r.Code.Message() }

// Error returns the reason's code and message.
func (r Reason) Error() string { return r.Code.String() + ": " + r.Code.Message() }

// Is matches the reason's Code and the payload.Rule it predicts.
func (r Reason) Is(target error) bool {
	switch t := target.(type) {
	case Code:
		return t == r.Code
	case payload.Rule:
		return t != 0 && t == r.Code.Rule()
	}
	return false
}

// maxReasons bounds the reasons one verdict holds: every code at most once.
const maxReasons = 16

// Verdict says whether the service would accept a frame (or a sequence), and
// why not. It holds its reasons inline, so producing one does not allocate.
type Verdict struct {
	// Accept is true when no reason is a rejection (warnings may remain).
	Accept  bool
	reasons [maxReasons]Reason
	n       int
}

// Reasons returns the rejections and warnings, rejections first, each code
// at most once. The slice aliases the Verdict.
func (v *Verdict) Reasons() []Reason { return v.reasons[:v.n] }

// Has reports whether the verdict holds code c.
func (v *Verdict) Has(c Code) bool {
	for _, r := range v.reasons[:v.n] {
		if r.Code == c {
			return true
		}
	}
	return false
}

// Err returns nil when the verdict accepts, and otherwise the verdict as an
// error: errors.Is matches each of its reasons' Codes and payload.Rules,
// and errors.As finds the *Verdict. It does not allocate.
func (v *Verdict) Err() error {
	if v.Accept {
		return nil
	}
	return v
}

// Error lists the rejections.
func (v *Verdict) Error() string {
	s := "facegate: rejected:"
	for _, r := range v.reasons[:v.n] {
		if !r.Code.Warning() {
			s += " " + r.Code.String() + " (" + r.Code.Message() + ")"
		}
	}
	return s
}

// Is matches the Codes and payload.Rules of the verdict's rejections.
func (v *Verdict) Is(target error) bool {
	for _, r := range v.reasons[:v.n] {
		if !r.Code.Warning() && r.Is(target) {
			return true
		}
	}
	return false
}

func (v *Verdict) reset() { v.Accept, v.n = true, 0 }

// add records a reason, keeping rejections before warnings.
func (v *Verdict) add(r Reason) {
	if v.n == maxReasons || v.Has(r.Code) {
		return
	}
	if r.Code.Warning() {
		v.reasons[v.n] = r
	} else {
		v.Accept = false
		i := 0
		for i < v.n && !v.reasons[i].Code.Warning() {
			i++
		}
		copy(v.reasons[i+1:v.n+1], v.reasons[i:v.n])
		v.reasons[i] = r
	}
	v.n++
}
