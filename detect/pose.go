package detect

import "math"

// Pose is a head pose estimate in degrees.
//
// Conventions (image coordinates, the camera looking at the subject): Roll
// is the angle of the line from the image-left pupil to the image-right
// pupil, positive when the image-right pupil is lower (the head tilts
// towards the image's right, clockwise as seen). Yaw is positive when the
// nose points towards the image's right (the subject turns to their left).
// Pitch is positive when the nose points up. Gates should use |Yaw|.
//
// Against labelled sets (go run ./bench/accuracy): Roll's sign agrees with
// both AFLW2000-3D's and GENKI-4K's labels; Yaw's agrees with GENKI-4K's
// and is the opposite of AFLW2000-3D's (the two sets disagree with each
// other). Mean absolute errors there: |Yaw| 5.1° and 4.0°, Roll 2.4° and
// 1.7°, Pitch 8.9° and 9.8° (pitch is the roughest: the nose's height
// between eyes and mouth varies between faces).
//
// Confidence (0..1) says how far the estimate can be trusted: pigo's
// localisation runs each cascade from many perturbed starts and takes the
// median, and on a face the cascades know (frontal, or turned a little)
// the starts agree. On faces turned beyond about 40 degrees the nose and
// mouth cascades, trained on frontal faces, scatter, and the angles read
// from them are too small. Confidence is 1 while the interquartile range
// of the starts stays within confidentSpread of the search scale, and
// falls to 0 at unsureSpread (see poseConfidence). Faces found by the
// profile cascade carry ProfilePose's estimate instead.
type Pose struct {
	Yaw, Pitch, Roll float64
	Confidence       float64
}

// Localisation spreads (interquartile range of the perturbed starts over
// the search scale, rows plus columns) for poseConfidence. On frontal
// faces of aflw2000_3d_pose (|yaw|, |pitch|, |roll| <= 20) the nose's
// spread is below 0.07 for 90% of them; on faces turned beyond 45 degrees
// its median is 0.12.
const (
	confidentSpread = 0.06
	unsureSpread    = 0.16
	pupilSlack      = 0.15 // the pupils' cascade scatters more: its spreads count less this
)

// poseConfidence maps the localisation spreads of the pupils (two) and of
// the nose and mouth corners (three) to 0..1.
func poseConfidence(pupils [2]float64, marks [3]float64) float64 {
	u := max(marks[0], marks[1], marks[2], pupils[0]-pupilSlack, pupils[1]-pupilSlack)
	return math.Max(0, math.Min(1, (unsureSpread-u)/(unsureSpread-confidentSpread)))
}

// ProfileYaw is the yaw ProfilePose gives a face the profile cascade
// found: the middle of the range it finds faces in (about 45 to 90
// degrees).
const ProfileYaw = 70

// ProfilePose is the pose of a face found by the profile cascade: turned
// ProfileYaw degrees towards the side its nose points to (Yaw's sign
// convention: positive when the nose points to the image's right), pitch
// and roll unknown (0), with confidence conf.
func ProfilePose(p Profile, conf float64) Pose {
	yaw := float64(ProfileYaw)
	if p == ProfileNoseLeft {
		yaw = -yaw
	}
	return Pose{Yaw: yaw, Confidence: conf}
}

// The pose mapping; see estimatePose. Fitted by least absolute
// deviations (iteratively reweighted least squares) on the faces of the
// calibrate part of aflw2000_3d_pose found by the frontal cascade within
// +-60 degrees of yaw, each also run mirrored left to right (yaw and roll
// negated), so that the fit is symmetric and twice as large:
//
//	go run ./bench/calibrate -tables posebins -posedump F
//	go run ./bench/calibrate -fit F
//
// Absolute deviations rather than squares because the outliers are
// landmark failures (a nose found on the wrong side of a face turned 45
// degrees), which would drag a squared fit's gain down. On that part the
// labels' median yaw grows about linearly with yawSine (about 55 degrees
// per unit up to 0.6) and more slowly beyond; the former model, the asin
// of yawSine, read faces at 10 to 25 degrees 5 to 15 degrees too far, and
// its pitch (90 degrees per unit of noseHeight) read strong pitches half
// as much again as they are. Cross-validated on that part (two folds by
// source image), |yaw| error 9.9 to 8.4 degrees and pitch 8.4 to 7.3
// within +-60 degrees of yaw. The mapping reads at most 48.8 degrees (the
// nose at a pupil), beyond MaxYaw's 30: faces turned further are judged
// by it as not frontal, or are the profile cascade's (ProfilePose).
const (
	yawLinear  = 55.4  // degrees of yaw per unit of yawSine, near frontal
	yawCurve   = -6.60 // degrees per unit of yawSine*|yawSine|: the slope falls as the head turns
	pitchRest  = 42.1  // degrees of pitch at noseHeight 0 and mouthDrop 0
	pitchNose  = -68.0 // degrees of pitch per unit of noseHeight
	pitchMouth = -8.01 // degrees of pitch per unit of mouthDrop
	maxPoseDeg = 90.0
)

// PoseMeasures is the landmark geometry estimatePose maps to angles, from
// the pupils, nose tip and mouth corners rotated by -Roll about the
// pupils' midpoint (the eye line level).
type PoseMeasures struct {
	// YawSine is the nose tip's horizontal offset from the midline of the
	// eyes and mouth as a share of half the eye distance, clamped to
	// -1..1 (the sine of the yaw of a point turning on a cylinder),
	// positive when the nose is right of the midline in the image.
	YawSine float64
	// NoseHeight is the nose tip's height between the eye line (0) and
	// the mouth line (1).
	NoseHeight float64
	// MouthDrop is the distance from the eye line down to the mouth
	// corners' midpoint over the eye distance.
	MouthDrop float64
	// Roll is the angle of the pupils' line in radians (Pose's sign
	// convention).
	Roll float64
}

// MeasurePose returns the PoseMeasures of a face's pupils, EyeDistance and
// PoseLandmarks. ok is false when they are degenerate (no eye distance,
// the mouth not below the eyes, or a point or the eye distance not finite;
// the measures are then zero); Roll is set either way.
func MeasurePose(f *Face) (m PoseMeasures, ok bool) {
	l, r := f.Pupils[0], f.Pupils[1]
	m.Roll = math.Atan2(r.Y-l.Y, r.X-l.X)
	cos, sin := math.Cos(-m.Roll), math.Sin(-m.Roll)
	mid := Point{(l.X + r.X) / 2, (l.Y + r.Y) / 2}
	rot := func(p Point) Point {
		x, y := p.X-mid.X, p.Y-mid.Y
		return Point{x*cos - y*sin, x*sin + y*cos}
	}
	nose := rot(f.Landmarks[NoseTip])
	ml, mr := rot(f.Landmarks[MouthCornerLeft]), rot(f.Landmarks[MouthCornerRight])
	mouth := Point{(ml.X + mr.X) / 2, (ml.Y + mr.Y) / 2}
	half := f.EyeDistance / 2
	// Written so that a NaN fails too: such an estimate would compare
	// false with every limit.
	if !(half > 0) || !(mouth.Y > 0) || math.IsInf(half, 0) || !finite(nose.X, nose.Y, mouth.X, mouth.Y) {
		return m, false
	}
	// The midline runs from the eyes' midpoint (the origin) to the mouth's.
	midX := mouth.X * nose.Y / mouth.Y
	m.YawSine = math.Max(-1, math.Min(1, (nose.X-midX)/half))
	m.NoseHeight = nose.Y / mouth.Y
	m.MouthDrop = mouth.Y / f.EyeDistance
	if !finite(m.YawSine, m.NoseHeight, m.MouthDrop) {
		return PoseMeasures{Roll: m.Roll}, false
	}
	return m, true
}

// finite reports whether every v is neither NaN nor infinite.
func finite(v ...float64) bool {
	for _, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}

// PoseGeometry returns MeasurePose's yawSine, noseHeight and roll
// (radians), and whether they were measured.
func PoseGeometry(f *Face) (yawSine, noseHeight, roll float64, ok bool) {
	m, ok := MeasurePose(f)
	return m.YawSine, m.NoseHeight, m.Roll, ok
}

// EstimatePose returns the yaw, pitch and roll that a face's pupils,
// EyeDistance and PoseLandmarks give, as Detect estimates them
// (Confidence 0: it comes from the localisation, not the points). It
// suits a caller that asks how the angles move with the points.
func EstimatePose(f *Face) Pose { return estimatePose(f) }

// estimatePose derives yaw, pitch and roll from the pupils, the nose tip and
// the mouth corners (see MeasurePose): yaw from YawSine and its square
// (sign kept), pitch from NoseHeight and MouthDrop, with the fitted
// constants above, in degrees clamped to +-maxPoseDeg.
func estimatePose(f *Face) Pose {
	p, _ := measuredPose(f)
	return p
}

// measuredPose is estimatePose, and whether MeasurePose measured the
// face (when not, only Roll is set).
func measuredPose(f *Face) (Pose, bool) {
	m, ok := MeasurePose(f)
	var p Pose
	p.Roll = m.Roll * 180 / math.Pi
	if !ok {
		return p, false
	}
	s := m.YawSine
	p.Yaw = clampDeg(yawLinear*s + yawCurve*s*math.Abs(s))
	p.Pitch = clampDeg(pitchRest + pitchNose*m.NoseHeight + pitchMouth*m.MouthDrop)
	return p, true
}

func clampDeg(v float64) float64 { return math.Max(-maxPoseDeg, math.Min(maxPoseDeg, v)) }
