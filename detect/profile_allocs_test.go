//go:build !race

package detect

// The profile detectors' allocation tests: the race detector allocates on
// its own (and scans some 50 times slower), so they build without it, as
// the other packages' allocation tests do.

import (
	"image"
	"testing"
)

// TestProfileDetectAllocs: once warm, Detect does not allocate, for the
// whole frame and for smaller regions.
func TestProfileDetectAllocs(t *testing.T) {
	d, err := NewProfileDetector(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	p := testLuma(t, "../detect/testdata/kaggle-mask-89.png")
	full := image.Rect(0, 0, p.Width, p.Height)
	part := image.Rect(150, 40, 390, 210)
	faces := make([]Face, 0, 64)
	for _, r := range []image.Rectangle{full, part} {
		if _, err := d.Detect(faces, p, r, 40, 200); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range []image.Rectangle{full, part} {
		n := testing.AllocsPerRun(2, func() { faces, _ = d.Detect(faces[:0], p, r, 40, 200) })
		if n != 0 {
			t.Errorf("region %v: %v allocations per Detect", r, n)
		}
		if r == full && len(faces) == 0 {
			t.Error("no faces: the test would not see the grouping's allocations")
		}
	}
}

// TestLBPDetectAllocs: once warm, Detect does not allocate, for the whole
// frame and for smaller regions.
func TestLBPDetectAllocs(t *testing.T) {
	d, err := NewProfileLBPDetector(nil, &HaarOptions{MinNeighbors: 1})
	if err != nil {
		t.Fatal(err)
	}
	p := testLuma(t, "../detect/testdata/dlib-2008_002079.jpg")
	full := image.Rect(0, 0, p.Width, p.Height)
	part := image.Rect(10, 150, 260, 300)
	faces := make([]Face, 0, 64)
	for _, r := range []image.Rectangle{full, part} {
		if _, err := d.Detect(faces, p, r, 30, 200); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range []image.Rectangle{full, part} {
		n := testing.AllocsPerRun(3, func() { faces, _ = d.Detect(faces[:0], p, r, 30, 200) })
		if n != 0 {
			t.Errorf("region %v: %v allocations per Detect", r, n)
		}
		if r == full && len(faces) == 0 {
			t.Error("no faces: the test would not see the grouping's allocations")
		}
	}
}
