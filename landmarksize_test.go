package facegate_test

import (
	"math"
	"testing"

	"github.com/facegate/facegate"
	"github.com/facegate/facegate/detect/landmarks68"
	"github.com/facegate/facegate/preprocess"
)

// The face of obama-480p.jpg, enlarged 1.1 times, measures about 114 px
// by its box against the 128 px minimum: near enough to the size rule
// that the face size comes from the 68 landmarks, the longer side of their
// extent times 0.989.
func TestLandmarkSize(t *testing.T) {
	f := nearMinimum(t)
	pl := lmPipeline(t, nil)
	r, err := pl.Process(&f)
	if err != nil {
		t.Fatal(err)
	}
	if r.Target < 0 || !r.LandmarkSize {
		t.Fatalf("target %d, LandmarkSize %v: want the landmarks' size", r.Target, r.LandmarkSize)
	}
	luma, err := f.Luma(nil)
	if err != nil {
		t.Fatal(err)
	}
	net, err := landmarks68.New()
	if err != nil {
		t.Fatal(err)
	}
	var pts [landmarks68.NumPoints]landmarks68.Point
	if err := net.LocateGrayRegion(&pts, luma.Pix, luma.Width, luma.Height, luma.Stride, r.Faces[r.Target].Rect); err != nil {
		t.Fatal(err)
	}
	x0, y0, x1, y1 := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, p := range pts {
		x0, y0, x1, y1 = min(x0, p.X), min(y0, p.Y), max(x1, p.X), max(y1, p.Y)
	}
	want := max(x1-x0, y1-y0) * 0.989
	if math.Abs(float64(r.FaceSize)-want) > 0.51 {
		t.Errorf("FaceSize %d, want the landmarks' extent times 0.989, %.2f", r.FaceSize, want)
	}
	if !r.Verdict.Has(facegate.FaceTooSmall) {
		t.Errorf("a %d px face against %d: want face-too-small, have %v", r.FaceSize, r.MinFaceSize, r.Verdict.Reasons())
	}

	off := lmPipeline(t, &facegate.Options{NoLandmarkSize: true})
	r2, err := off.Process(&f)
	if err != nil {
		t.Fatal(err)
	}
	if r2.LandmarkSize {
		t.Error("NoLandmarkSize: LandmarkSize true")
	}
	if d := float64(r2.FaceSize)/want - 1; math.Abs(d) > 0.1 {
		t.Errorf("the box's size %d and the landmarks' %.1f differ by %.0f %%", r2.FaceSize, want, 100*d)
	}

	// The same face, followed (a local search about the track): the
	// landmarks again, on the box found there.
	for range 3 {
		r, err = pl.Process(&f)
		if err != nil {
			t.Fatal(err)
		}
		if !r.LandmarkSize || math.Abs(float64(r.FaceSize)/want-1) > 0.02 {
			t.Errorf("frame %d: LandmarkSize %v, FaceSize %d, want about %.1f", r.Index, r.LandmarkSize, r.FaceSize, want)
		}
	}
}

// Far from the minimum the landmarks are not run; a blurred face near it
// keeps the box's size.
func TestLandmarkSizeNotTaken(t *testing.T) {
	r := process(t, lmPipeline(t, nil), loadRGBA(t, "faces/obama-1080p.jpg"))
	if r.Target < 0 || r.LandmarkSize {
		t.Errorf("a %d px face against %d: target %d, LandmarkSize %v, want the box's size", r.FaceSize, r.MinFaceSize, r.Target, r.LandmarkSize)
	}
	m := boxBlur(canvas(enlarge(loadRGBA(t, "faces/obama-480p.jpg"), 11, 10), 938, 528, 1, 1), 3)
	r = process(t, lmPipeline(t, nil), m)
	if r.Target < 0 || !r.Verdict.Has(facegate.Blurred) {
		t.Fatalf("target %d, reasons %v: want a blurred face", r.Target, r.Verdict.Reasons())
	}
	if r.LandmarkSize {
		t.Errorf("blurred face: LandmarkSize true, FaceSize %d", r.FaceSize)
	}
}

// nearMinimum is obama-480p.jpg enlarged 1.1 times, as an NV12 frame.
func nearMinimum(tb testing.TB) preprocess.Frame {
	return nv12(canvas(enlarge(loadRGBA(tb, "faces/obama-480p.jpg"), 11, 10), 938, 528, 1, 1))
}

// lmPipeline is newPipeline without its race-detector exception: the
// landmarks' face size and yaw stay as o says.
func lmPipeline(tb testing.TB, o *facegate.Options) *facegate.Pipeline {
	tb.Helper()
	pl, err := facegate.NewWithOptions(nil, o)
	if err != nil {
		tb.Fatal(err)
	}
	return pl
}
