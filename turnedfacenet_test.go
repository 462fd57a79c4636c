//go:build !race

// The turned-face network runs at an input of 608 pixels, some 50 times
// slower under the race detector; detect/tinyface's own tests run there.

package facegate_test

import (
	"image"
	"math"
	"testing"

	"github.com/facegate/facegate"
	xdraw "golang.org/x/image/draw"
)

// turnedMasked is a child's masked face turned from the camera (the third
// face of the Kaggle mask set's maksssksksss593, cropped; see
// testdata/SOURCES.md), enlarged to 400 x 400: no scan finds it, the
// turned-face network does, and its 68 landmarks read it turned by some
// 40 to 50 degrees. faceMasked is its labelled box in the enlarged frame.
var faceMasked = image.Rect(131, 109, 273, 291)

func turnedMasked(t testing.TB) *image.RGBA {
	src := loadRGBA(t, "turned/kaggle-mask-593.png")
	m := image.NewRGBA(image.Rect(0, 0, 400, 400))
	xdraw.CatmullRom.Scale(m, m.Rect, src, src.Rect, xdraw.Src, nil)
	return m
}

// A turned face that no scan finds is judged not frontal, by its landmark
// yaw against the limit, rather than absent; the network's face is
// reported; a yaw within the limit, a target rectangle away from it, the
// option off, and the stream frames between the fallback scans' leave the
// frame without a face.
func TestTurnedFaceNet(t *testing.T) {
	m := turnedMasked(t)
	p := facegate.DefaultPolicy()
	pl, err := facegate.NewWithOptions(p, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := process(t, pl, m)
	limit := p.MaxYaw + 5
	if len(r.Faces) != 0 || !r.TurnedFaceFound || !r.LandmarkYawFound || math.Abs(r.LandmarkYaw) <= limit || math.Abs(r.LandmarkYaw) > 60 {
		t.Fatalf("faces %d, turned face %v (%v, score %.2f), landmark yaw %.1f (%v): want no face from the scans and a turned face read beyond %v degrees",
			len(r.Faces), r.TurnedFaceFound, r.TurnedFace, r.TurnedFaceScore, r.LandmarkYaw, r.LandmarkYawFound, limit)
	}
	if r.TurnedFaceScore < 0.3 || r.TurnedFaceScore >= 1 || !r.TurnedFace.Overlaps(faceMasked) {
		t.Errorf("turned face %v, score %.2f: want a box on the child's face %v with a score of 0.3 to 1", r.TurnedFace, r.TurnedFaceScore, faceMasked)
	}
	if r.Verdict.Has(facegate.NoFace) || len(r.Verdict.Reasons()) != 1 {
		t.Fatalf("reasons %v: want not frontal alone", r.Verdict.Reasons())
	}
	if x := r.Verdict.Reasons()[0]; x.Code != facegate.NotFrontal || x.Value != math.Abs(r.LandmarkYaw) || x.Threshold != limit {
		t.Fatalf("reason %+v: want not frontal, the landmark yaw %.1f against %v", x, r.LandmarkYaw, limit)
	}
	yaw := r.LandmarkYaw

	// A stream: the next face-less frame is not one of the fallback
	// scans' (every RescanEvery-th), and neither runs the network.
	r = process(t, pl, m)
	if r.TurnedFaceFound || !r.Verdict.Has(facegate.NoFace) {
		t.Errorf("second frame of a stream: turned face %v, reasons %v; want no face, the network not run", r.TurnedFaceFound, r.Verdict.Reasons())
	}

	// Within the limit, the face is reported and the frame has no face.
	loose := facegate.DefaultPolicy()
	loose.MaxYaw = math.Abs(yaw) // the limit then is 5 degrees beyond the yaw
	lp, err := facegate.NewWithOptions(loose, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r := process(t, lp, m); !r.TurnedFaceFound || r.LandmarkYaw != yaw || !r.Verdict.Has(facegate.NoFace) || r.Verdict.Has(facegate.NotFrontal) {
		t.Errorf("MaxYaw %.1f: turned face %v, yaw %.1f, reasons %v; want the face with yaw %.1f reported and no face", loose.MaxYaw, r.TurnedFaceFound, r.LandmarkYaw, r.Verdict.Reasons(), yaw)
	}

	// A target rectangle elsewhere: the network's face is not the one
	// asked for.
	pl.Reset()
	pl.SetTarget(image.Rect(0, 0, 60, 60))
	if r := process(t, pl, m); r.TurnedFaceFound || !r.Verdict.Has(facegate.NoFace) {
		t.Errorf("target rectangle away: turned face %v, reasons %v; want no face", r.TurnedFaceFound, r.Verdict.Reasons())
	}
	pl.Reset()
	pl.SetTarget(faceMasked.Inset(-60))
	if r := process(t, pl, m); !r.TurnedFaceFound || !r.Verdict.Has(facegate.NotFrontal) {
		t.Errorf("target rectangle on the face: turned face %v, reasons %v; want not frontal", r.TurnedFaceFound, r.Verdict.Reasons())
	}

	off, err := facegate.NewWithOptions(p, &facegate.Options{NoTurnedFaceNet: true})
	if err != nil {
		t.Fatal(err)
	}
	if r := process(t, off, m); r.TurnedFaceFound || r.LandmarkYawFound || !r.Verdict.Has(facegate.NoFace) {
		t.Errorf("NoTurnedFaceNet: turned face %v, landmark yaw %v, reasons %v; want no face alone", r.TurnedFaceFound, r.LandmarkYawFound, r.Verdict.Reasons())
	}
}

// The network costs no allocation: a still (each frame from a Reset) runs
// it, and the stream frames after it do not.
func TestTurnedFaceNetAllocs(t *testing.T) {
	f := rgbaFrame(turnedMasked(t))
	pl, err := facegate.NewWithOptions(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		pl.Reset()
		if r, err := pl.Process(&f); err != nil || !r.TurnedFaceFound {
			t.Fatalf("err %v, TurnedFaceFound %v", err, r != nil && r.TurnedFaceFound)
		}
	}
	noAllocs(t, pl, &f, 3)
}
