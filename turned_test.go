package facegate_test

import (
	"errors"
	"image"
	"math"
	"testing"

	"github.com/facegate/facegate"
	xdraw "golang.org/x/image/draw"
)

// turnedCrop crops the 4:3 region four box sides wide about box's centre
// out of a detect testdata image and scales it to a 640x480 frame (the
// box then 160 pixels wide).
func turnedCrop(t *testing.T, name string, box image.Rectangle) *image.RGBA {
	t.Helper()
	src := loadRGBA(t, "../detect/testdata/"+name)
	s := box.Dx()
	c := box.Min.Add(box.Max).Div(2)
	r := image.Rect(c.X-s*3*4/6, c.Y-s*3/2, c.X+s*3*4/6, c.Y+s*3/2).Intersect(src.Rect)
	dst := image.NewRGBA(image.Rect(0, 0, 640, 480))
	xdraw.CatmullRom.Scale(dst, dst.Rect, src, r, xdraw.Src, nil)
	return dst
}

// A real face turned well away from the camera (dlib's 2008_002079, the
// leftmost face but one), tilted a further 25 degrees: the frontal scans
// do not find it, a profile scan does, and the face is called not frontal
// rather than absent. Without the profile scans it is no face.
func TestTurnedTiltedFaceIsNotFrontal(t *testing.T) {
	m := rotated(turnedCrop(t, "dlib-2008_002079.jpg", image.Rect(62, 134, 99, 171)), -25)
	res := process(t, newPipeline(t, facegate.DefaultPolicy(), nil), m)
	if err := res.Verdict.Err(); !errors.Is(err, facegate.NotFrontal) || errors.Is(err, facegate.NoFace) {
		t.Fatalf("verdict %v, want not frontal and not no face", err)
	}
	res = process(t, newPipeline(t, facegate.DefaultPolicy(), &facegate.Options{NoProfileScan: true, NoProfileLBPScan: true}), m)
	if err := res.Verdict.Err(); !errors.Is(err, facegate.NoFace) {
		t.Fatalf("without the profile scans: verdict %v, want no face", err)
	}
}

// rotated turns m by deg degrees about its centre (edge pixels repeated).
func rotated(m *image.RGBA, deg float64) *image.RGBA {
	out := image.NewRGBA(m.Rect)
	w, h := m.Rect.Dx(), m.Rect.Dy()
	sn, cs := math.Sincos(deg * math.Pi / 180)
	cx, cy := float64(w)/2, float64(h)/2
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			dx, dy := float64(x)+0.5-cx, float64(y)+0.5-cy
			sx := int(math.Floor(cs*dx + sn*dy + cx))
			sy := int(math.Floor(-sn*dx + cs*dy + cy))
			out.SetRGBA(x, y, m.RGBAAt(max(0, min(w-1, sx)), max(0, min(h-1, sy))))
		}
	}
	return out
}
