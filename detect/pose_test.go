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
	s, h, roll, ok := PoseGeometry(f)
	if !ok || math.Abs(s-0.5) > 1e-9 || math.Abs(h-0.5) > 1e-9 || roll != 0 {
		t.Fatalf("PoseGeometry = %v, %v, %v, %v; want 0.5, 0.5, 0, true", s, h, roll, ok)
	}
	p := estimatePose(f)
	if math.Abs(p.Yaw-30*yawGain) > 1e-9 || math.Abs(p.Pitch-pitchGain*(pitchRest-0.5)) > 1e-9 || p.Roll != 0 {
		t.Errorf("estimatePose = %+v", p)
	}

	// The same face turned 90 degrees clockwise in the image: the geometry
	// is unchanged and roll is a quarter turn.
	rot := func(q Point) Point { return Point{100 - q.Y, q.X} }
	g := &Face{Pupils: [2]Point{rot(f.Pupils[0]), rot(f.Pupils[1])}, EyeDistance: 20}
	for _, l := range []Landmark{NoseTip, MouthCornerLeft, MouthCornerRight} {
		g.Landmarks[l] = rot(f.Landmarks[l])
	}
	s2, h2, roll2, ok2 := PoseGeometry(g)
	if !ok2 || math.Abs(s2-s) > 1e-9 || math.Abs(h2-h) > 1e-9 || math.Abs(roll2-math.Pi/2) > 1e-9 {
		t.Errorf("rotated: PoseGeometry = %v, %v, %v, %v; want %v, %v, pi/2, true", s2, h2, roll2, ok2, s, h)
	}

	// A mouth above the eyes is degenerate.
	f.Landmarks[MouthCornerLeft].Y, f.Landmarks[MouthCornerRight].Y = 40, 40
	if _, _, _, ok := PoseGeometry(f); ok {
		t.Error("PoseGeometry accepted a mouth above the eyes")
	}
}
