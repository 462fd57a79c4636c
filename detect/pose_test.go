package detect

import (
	"math"
	"testing"
)

func TestPoseGeometry(t *testing.T) {
	f := &Face{Pupils: [2]Point{{40, 50}, {60, 50}}, EyeDistance: 20}
	f.Landmarks[NoseTip] = Point{55, 60}
	f.Landmarks[MouthCornerLeft] = Point{43, 70}
	f.Landmarks[MouthCornerRight] = Point{57, 70}
	m, ok := MeasurePose(f)
	if !ok || math.Abs(m.YawSine-0.5) > 1e-9 || math.Abs(m.NoseHeight-0.5) > 1e-9 || math.Abs(m.MouthDrop-1) > 1e-9 || m.Roll != 0 {
		t.Fatalf("MeasurePose = %+v, %v; want yawSine 0.5, noseHeight 0.5, mouthDrop 1, roll 0, true", m, ok)
	}
	if s, h, roll, ok := PoseGeometry(f); !ok || s != m.YawSine || h != m.NoseHeight || roll != m.Roll {
		t.Errorf("PoseGeometry = %v, %v, %v, %v; want MeasurePose's %+v", s, h, roll, ok, m)
	}
	p := estimatePose(f)
	if math.Abs(p.Yaw-(0.5*yawLinear+0.25*yawCurve)) > 1e-9 || math.Abs(p.Pitch-(pitchRest+0.5*pitchNose+pitchMouth)) > 1e-9 || p.Roll != 0 {
		t.Errorf("estimatePose = %+v", p)
	}
	if EstimatePose(f) != p {
		t.Errorf("EstimatePose = %+v, estimatePose %+v", EstimatePose(f), p)
	}

	// The same face turned 90 degrees clockwise in the image: the geometry
	// is unchanged and roll is a quarter turn.
	rot := func(q Point) Point { return Point{100 - q.Y, q.X} }
	g := &Face{Pupils: [2]Point{rot(f.Pupils[0]), rot(f.Pupils[1])}, EyeDistance: 20}
	for _, l := range []Landmark{NoseTip, MouthCornerLeft, MouthCornerRight} {
		g.Landmarks[l] = rot(f.Landmarks[l])
	}
	m2, ok2 := MeasurePose(g)
	if !ok2 || math.Abs(m2.YawSine-m.YawSine) > 1e-9 || math.Abs(m2.NoseHeight-m.NoseHeight) > 1e-9 ||
		math.Abs(m2.MouthDrop-m.MouthDrop) > 1e-9 || math.Abs(m2.Roll-math.Pi/2) > 1e-9 {
		t.Errorf("rotated: MeasurePose = %+v, %v; want %+v with roll pi/2", m2, ok2, m)
	}

	// A mouth above the eyes is degenerate.
	f.Landmarks[MouthCornerLeft].Y, f.Landmarks[MouthCornerRight].Y = 40, 40
	if _, ok := MeasurePose(f); ok {
		t.Error("MeasurePose accepted a mouth above the eyes")
	}
}

// poseFace is a face with pupils 40 px apart at (80, 100) and (120, 100),
// its nose tip dx px right of their midpoint and ny px below them, and its
// mouth corners 24 px apart, 44 px below them, mirrored about the midline
// x = 100 + mx.
func poseFace(dx, ny, mx float64) *Face {
	f := &Face{Pupils: [2]Point{{80, 100}, {120, 100}}, EyeDistance: 40}
	f.Landmarks[NoseTip] = Point{100 + dx, 100 + ny}
	f.Landmarks[MouthCornerLeft] = Point{88 + mx, 144}
	f.Landmarks[MouthCornerRight] = Point{112 + mx, 144}
	return f
}

func TestEstimatePoseBehaviour(t *testing.T) {
	// A level frontal face (nose on the midline, a little under half way
	// to the mouth, the mouth 1.1 eye distances down, as on frontal faces
	// of aflw2000_3d_pose) reads frontal.
	p := estimatePose(poseFace(0, 21, 0))
	if p.Yaw != 0 || math.Abs(p.Pitch) > 5 || p.Roll != 0 {
		t.Errorf("frontal face: pose %+v, want yaw 0 and |pitch| <= 5", p)
	}

	// Yaw grows with the nose's offset from the midline, never folding
	// back, and mirroring the face left to right negates yaw and roll and
	// keeps pitch.
	last := math.Inf(-1)
	for dx := -20.0; dx <= 20; dx++ {
		f := poseFace(dx, 21, 0)
		f.Pupils[1].Y = 104 // some roll
		f.EyeDistance = math.Hypot(40, 4)
		p := estimatePose(f)
		if !(p.Yaw > last) {
			t.Fatalf("nose offset %v: yaw %.2f, not above %.2f at the offset before", dx, p.Yaw, last)
		}
		last = p.Yaw
		mirror := func(q Point) Point { return Point{200 - q.X, q.Y} }
		g := &Face{Pupils: [2]Point{mirror(f.Pupils[1]), mirror(f.Pupils[0])}, EyeDistance: f.EyeDistance}
		g.Landmarks[NoseTip] = mirror(f.Landmarks[NoseTip])
		g.Landmarks[MouthCornerLeft] = mirror(f.Landmarks[MouthCornerRight])
		g.Landmarks[MouthCornerRight] = mirror(f.Landmarks[MouthCornerLeft])
		q := estimatePose(g)
		if math.Abs(q.Yaw+p.Yaw) > 1e-9 || math.Abs(q.Pitch-p.Pitch) > 1e-9 || math.Abs(q.Roll+p.Roll) > 1e-9 {
			t.Errorf("nose offset %v: pose %+v, mirrored %+v", dx, p, q)
		}
	}
	// The nose at a pupil (yawSine 1) reads turned well beyond the
	// default gate's 30 degrees; half way there (yawSine 0.5), within it:
	// the former asin model's 30 degrees there over-read faces turned 10
	// to 25 degrees.
	if y := estimatePose(poseFace(20, 21, 0)).Yaw; y < 45 {
		t.Errorf("nose at the right pupil: yaw %.1f, want >= 45", y)
	}
	if y := estimatePose(poseFace(10, 21, 0)).Yaw; y < 15 || y > 30 {
		t.Errorf("yawSine 0.5: yaw %.1f, want 15..30", y)
	}

	// Pitch falls as the nose drops towards the mouth (the head nods
	// down), and rises as the mouth comes nearer the eyes at the same
	// nose height share (the face foreshortened).
	if a, b := estimatePose(poseFace(0, 12, 0)).Pitch, estimatePose(poseFace(0, 30, 0)).Pitch; !(a > 10 && b < -10) {
		t.Errorf("nose high: pitch %.1f, low: %.1f; want > 10 and < -10", a, b)
	}
	f, g := poseFace(0, 21, 0), poseFace(0, 21*0.8, 0)
	g.Landmarks[MouthCornerLeft].Y, g.Landmarks[MouthCornerRight].Y = 100+44*0.8, 100+44*0.8
	if a, b := estimatePose(f).Pitch, estimatePose(g).Pitch; !(b > a) {
		t.Errorf("mouth nearer the eyes: pitch %.2f, want above %.2f", b, a)
	}
}
