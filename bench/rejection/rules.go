package main

import (
	"math"

	"github.com/facegate/facegate/bench/internal/facedata"
)

// The labels: facegate's code strings, and "good" for a frame the service
// should accept.
const (
	LabelGood         = "good"
	LabelNoFace       = "no-face"
	LabelTooSmall     = "face-too-small"
	LabelBlurred      = "blurred"
	LabelUnderExposed = "under-exposed"
	LabelOverExposed  = "over-exposed"
	LabelNotFrontal   = "not-frontal"
)

// labelOrder is the order in which labels are reported.
var labelOrder = []string{LabelGood, LabelNoFace, LabelTooSmall, LabelBlurred,
	LabelUnderExposed, LabelOverExposed, LabelNotFrontal}

// The parts of the corpus.
const (
	PartCalibrate = facedata.PartCalibrate
	PartReport    = facedata.PartReport
)

// Size rules, as ratios of a face's reference side to the frame's minimum.
const (
	goodMin     = 1.05 // good faces start here
	goodLowMax  = 1.3  // most good faces are at goodMin..goodLowMax
	goodMax     = 2.0  // and the rest up to goodMax
	smallMin    = 0.80 // face-too-small: smallMin..smallMax
	smallMax    = 0.95
	poseSizeMax = 1.6 // not-frontal faces: goodMin..poseSizeMax
	maxUpscale  = 2.0 // no source is scaled up more than this
	minSource   = 80  // faces of the sets other than aflw2000_3d_pose: at least this reference side
)

// Pose rules, in degrees, on the labels' angles.
const (
	frontalMax   = 20 // good: |yaw|, |pitch| and |roll| at most this
	yawScored    = 45 // not-frontal, scored: |yaw| beyond this
	yawUnscored  = 30 // not-frontal, not scored: |yaw| beyond this (up to yawScored)
	tiltUnscored = 35 // not-frontal, not scored: |pitch| or |roll| beyond this with |yaw| <= yawUnscored
)

// minFace is the service's minimum face side for a w x h image: 128 x
// max(1, w/1920, h/1080), rounded up.
func minFace(w, h int) int {
	f := max(1, float64(w)/1920, float64(h)/1080)
	return int(math.Ceil(128*f - 1e-9))
}

// partOf is facedata.Part: the split every bench command uses.
func partOf(file string) string { return facedata.Part(file) }

// sizeLabel is the label of a good face scaled to ratio times the minimum
// face side; built is false in the gaps no frame is built in (below
// smallMin, and between smallMax and goodMin).
func sizeLabel(ratio float64) (label string, scored, built bool) {
	switch {
	case ratio >= goodMin:
		return LabelGood, true, true
	case ratio >= smallMin && ratio <= smallMax:
		return LabelTooSmall, true, true
	}
	return "", false, false
}

// blurLabel is the label of a good frame blurred by a Gaussian of sigma
// pixels (or a motion line of the same standard deviation): blurred from
// sigma 3, good up to sigma 1, and in between (blurred, not scored) at
// sigma 2.
func blurLabel(sigma float64) (label string, scored bool) {
	switch {
	case sigma >= 3:
		return LabelBlurred, true
	case sigma <= 1:
		return LabelGood, true
	}
	return LabelBlurred, false
}

// motionLength is the length of the motion line whose standard deviation
// is sigma: a uniform line of L pixels has L/sqrt(12).
func motionLength(sigma float64) int {
	return int(math.Round(sigma * math.Sqrt(12)))
}

// Tone transforms of the exposure frames.
const (
	ToneGain  = "gain"  // v*g, clipped
	ToneGamma = "gamma" // 255*(v/255)^g
)

// exposureLabel is the label of a good frame under a tone transform: a gain
// below 1 or a gamma above 1 darkens (under-exposed), the others brighten
// (over-exposed); scored only for the strong settings (gain <= 0.25 or
// gamma >= 3 crush the shadows, gain >= 2.5 or gamma <= 0.2 blow the
// highlights); the milder ones are in between.
func exposureLabel(kind string, v float64) (label string, scored bool) {
	darkens := (kind == ToneGain && v < 1) || (kind == ToneGamma && v > 1)
	if darkens {
		strong := (kind == ToneGain && v <= 0.25) || (kind == ToneGamma && v >= 3)
		return LabelUnderExposed, strong
	}
	strong := (kind == ToneGain && v >= 2.5) || (kind == ToneGamma && v <= 0.2)
	return LabelOverExposed, strong
}

// The face luma bounds of the exposure labels: the median luma (Rec. 601)
// of the labelled face box, measured on the composed frame before any tone
// transform and mapped through the transform's table (which is monotone,
// so it maps the median too). They are the trivial baseline's thresholds
// (mean luma 50 and 200 on the face): a judgement, not the service's rule.
const (
	faceDarkLuma   = 50  // at or below: the face is dark
	faceBrightLuma = 200 // at or above: the face is bright
)

// exposureScored narrows the scored flag of exposureLabel by what the tone
// transform did to the face: an under-exposed frame is scored only when the
// face's median luma after the transform (toned) is at or below
// faceDarkLuma, an over-exposed one only when it is at or above
// faceBrightLuma. A strong transform of a face that was bright (or dark) to
// begin with can leave it well exposed; such frames are in between.
func exposureScored(label string, scored bool, toned float64) bool {
	if label == LabelUnderExposed {
		return scored && toned <= faceDarkLuma
	}
	return scored && toned >= faceBrightLuma
}

// goodScored narrows the scored flag of a good frame by its face's median
// luma (faceLuma): a source face that is already dark or bright is not a
// clear good frame, so it is not scored.
func goodScored(scored bool, faceLuma float64) bool {
	return scored && faceLuma > faceDarkLuma && faceLuma < faceBrightLuma
}

// poseClass sorts a labelled head pose: frontal poses may be good, the
// others are not-frontal (scored or not); in-between poses (ok false) are
// not used.
func poseClass(yaw, pitch, roll float64) (label string, scored, ok bool) {
	ay, ap, ar := math.Abs(yaw), math.Abs(pitch), math.Abs(roll)
	switch {
	case ay > yawScored:
		return LabelNotFrontal, true, true
	case ay > yawUnscored:
		return LabelNotFrontal, false, true
	case ap > tiltUnscored || ar > tiltUnscored:
		return LabelNotFrontal, false, true
	case ay <= frontalMax && ap <= frontalMax && ar <= frontalMax:
		return LabelGood, true, true
	}
	return "", false, false
}

// expectedCode is the rejection code a label's frames should carry ("" for
// good: they should be accepted).
func expectedCode(label string) string {
	if label == LabelGood {
		return ""
	}
	return label
}

// yawBin is the 15-degree bin of a yaw angle, as its lower edge: -90 for
// [-90, -75), ..., 75 for [75, 90].
func yawBin(yaw float64) int {
	b := int(math.Floor(yaw/15)) * 15
	return min(75, max(-90, b))
}
