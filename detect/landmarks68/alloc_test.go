//go:build !race

package landmarks68

import (
	"image"
	"testing"

	"github.com/facegate/facegate/internal/nn/nntest"
)

// TestAllocs checks that a call allocates nothing once the buffers are
// laid out (allocation counts are checked without the race detector).
func TestAllocs(t *testing.T) {
	rgb, w, h := loadRGB(t, "testdata/faces/pigo-sample.jpg")
	gray := nntest.Luma(rgb)
	n, err := New()
	if err != nil {
		t.Fatal(err)
	}
	var dst [NumPoints]Point
	box := image.Rect(39, 110, 276, 370)
	for name, f := range map[string]func() error{
		"Locate":           func() error { return n.Locate(&dst, rgb, w, h, 3*w) },
		"LocateGray":       func() error { return n.LocateGray(&dst, gray, w, h, w) },
		"LocateGrayRegion": func() error { return n.LocateGrayRegion(&dst, gray, w, h, w, box) },
	} {
		if a := testing.AllocsPerRun(3, func() { err = f() }); a != 0 || err != nil {
			t.Errorf("%s: %v allocations a call (err %v)", name, a, err)
		}
	}
}
