package detect

import (
	"math"
	"testing"
)

// Degenerate pose landmarks: no eye distance, a mouth on or above the eye
// line, or a point or the eye distance that is not a finite number give
// no pose (ok false, estimatePose's yaw and pitch 0), never a NaN or
// infinite angle that would compare false with every limit. Roll is set
// whenever the pupils are finite.
func TestMeasurePoseDegenerate(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	cases := []struct {
		name string
		edit func(f *Face)
	}{
		{"zero eye distance", func(f *Face) { f.EyeDistance = 0 }},
		{"negative eye distance", func(f *Face) { f.EyeDistance = -40 }},
		{"NaN eye distance", func(f *Face) { f.EyeDistance = nan }},
		{"infinite eye distance", func(f *Face) { f.EyeDistance = inf }},
		{"mouth on the eye line", func(f *Face) {
			f.Landmarks[MouthCornerLeft].Y, f.Landmarks[MouthCornerRight].Y = 100, 100
		}},
		{"mouth above the eyes", func(f *Face) {
			f.Landmarks[MouthCornerLeft].Y, f.Landmarks[MouthCornerRight].Y = 60, 60
		}},
		{"NaN nose", func(f *Face) { f.Landmarks[NoseTip].X = nan }},
		{"infinite nose", func(f *Face) { f.Landmarks[NoseTip].Y = inf }},
		{"NaN mouth corner", func(f *Face) { f.Landmarks[MouthCornerLeft].Y = nan }},
		{"infinite mouth corner", func(f *Face) { f.Landmarks[MouthCornerRight].Y = inf }},
		{"NaN pupil", func(f *Face) { f.Pupils[0].X = nan }},
	}
	for _, c := range cases {
		f := poseFace(0, 21, 0)
		c.edit(f)
		if m, ok := MeasurePose(f); ok {
			t.Errorf("%s: MeasurePose = %+v, ok; want not ok", c.name, m)
		}
		p := estimatePose(f)
		if p.Yaw != 0 || p.Pitch != 0 {
			t.Errorf("%s: estimatePose = %+v, want yaw and pitch 0", c.name, p)
		}
		if c.name != "NaN pupil" && (math.IsNaN(p.Roll) || p.Roll != 0) {
			t.Errorf("%s: roll %v, want the pupils' 0", c.name, p.Roll)
		}
	}
}

// The mapping's range: a nose anywhere (beyond a pupil, far below the
// mouth, far above the eyes) gives |yaw| at most the 48.8 degrees of
// yawSine 1 (yawLinear+yawCurve), pitch within +-maxPoseDeg, and yaw's
// sign on the nose's side.
func TestEstimatePoseRange(t *testing.T) {
	top := yawLinear + yawCurve
	if math.Abs(top-48.8) > 1e-9 {
		t.Fatalf("yaw at yawSine 1: %v, Pose's doc says 48.8", top)
	}
	for _, dx := range []float64{-1e6, -200, -20.001, -5, 0, 5, 20.001, 200, 1e6} {
		for _, ny := range []float64{-1e6, -50, 0, 21, 44, 200, 1e6} {
			p := estimatePose(poseFace(dx, ny, 0))
			if math.IsNaN(p.Yaw) || math.IsNaN(p.Pitch) || math.Abs(p.Yaw) > top+1e-9 || math.Abs(p.Pitch) > maxPoseDeg {
				t.Errorf("nose (%v, %v): pose %+v out of range", dx, ny, p)
			}
			if dx != 0 && math.Signbit(p.Yaw) != math.Signbit(dx) {
				t.Errorf("nose (%v, %v): yaw %.2f on the other side", dx, ny, p.Yaw)
			}
		}
	}
	if p := estimatePose(poseFace(0, 1e6, 0)); p.Pitch != -maxPoseDeg {
		t.Errorf("nose far below the mouth: pitch %v, want %v", p.Pitch, -maxPoseDeg)
	}
	if p := estimatePose(poseFace(0, -1e6, 0)); p.Pitch != maxPoseDeg {
		t.Errorf("nose far above the eyes: pitch %v, want %v", p.Pitch, maxPoseDeg)
	}
}
