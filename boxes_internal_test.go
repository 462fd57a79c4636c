package facegate

import (
	"image"
	"math"
	"testing"

	"github.com/facegate/facegate/detect"
)

// The LBP profile cascade's tall boxes are squared on their height, about
// their centre, and kept within the frame.
func TestSquareOnHeight(t *testing.T) {
	bounds := image.Rect(0, 0, 640, 480)
	for _, c := range []struct{ in, want image.Rectangle }{
		{image.Rect(100, 100, 160, 202), image.Rect(79, 100, 181, 202)}, // 60x102 -> 102x102 about x=130
		{image.Rect(0, 50, 40, 118), image.Rect(0, 50, 68, 118)},        // shifted right to stay inside
		{image.Rect(600, 0, 640, 68), image.Rect(572, 0, 640, 68)},      // shifted left
		{image.Rect(10, 10, 50, 50), image.Rect(10, 10, 50, 50)},        // already square
		{image.Rect(0, 0, 300, 600), image.Rect(0, 0, 450, 480)},        // larger than the frame: centred, clipped
	} {
		if got := squareOnHeight(c.in, bounds); got != c.want {
			t.Errorf("squareOnHeight(%v) = %v, want %v", c.in, got, c.want)
		}
	}
}

// faceSize uses the box alone without localised points, averages the box's,
// the pupils' and the mouth's estimates when they are found, and falls back
// to the box when a point estimate strays more than 30 % from it.
func TestFaceSize(t *testing.T) {
	f := detect.Face{Rect: image.Rect(100, 100, 300, 300)}
	if got := faceSize(&f, 0.81); math.Abs(got-162) > 1e-9 {
		t.Errorf("box only: %v, want 162", got)
	}
	// Pupils 70 px apart, mouth 80 px below their midpoint.
	f.PupilsFound, f.LandmarksFound = true, true
	f.Pupils = [2]detect.Point{{X: 165, Y: 180}, {X: 235, Y: 180}}
	f.EyeDistance = 70
	f.Landmarks[detect.MouthCornerLeft] = detect.Point{X: 175, Y: 260}
	f.Landmarks[detect.MouthCornerRight] = detect.Point{X: 225, Y: 260}
	want := (162 + 70*eyeSizeScale + 80*mouthSizeScale) / 3
	if got := faceSize(&f, 0.81); math.Abs(got-want) > 1e-9 {
		t.Errorf("with points: %v, want %v", got, want)
	}
	// Pupils far too close for the box: a mislocalisation.
	f.EyeDistance = 30
	if got := faceSize(&f, 0.81); math.Abs(got-162) > 1e-9 {
		t.Errorf("stray pupils: %v, want the box's 162", got)
	}
}
