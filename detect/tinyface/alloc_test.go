//go:build !race

package tinyface

import (
	"testing"
)

// TestAllocs checks that a call allocates nothing once the buffers are
// laid out (allocation counts are checked without the race detector).
func TestAllocs(t *testing.T) {
	rgb, w, h := loadRGB(t, "testdata/faces/pigo-sample.jpg")
	gray := make([]byte, w*h)
	for i := range gray {
		gray[i] = rgb[3*i+1]
	}
	d, err := New()
	if err != nil {
		t.Fatal(err)
	}
	dst := make([]Box, 0, 64)
	o := Options{InputSize: 160, ScoreThreshold: 0.05}
	if n := testing.AllocsPerRun(3, func() {
		dst, err = d.Detect(dst[:0], rgb, w, h, 3*w, o)
	}); n != 0 || err != nil {
		t.Errorf("Detect: %v allocations a call (err %v)", n, err)
	}
	if len(dst) == 0 {
		t.Error("no boxes")
	}
	if n := testing.AllocsPerRun(3, func() {
		dst, err = d.DetectGray(dst[:0], gray, w, h, w, o)
	}); n != 0 || err != nil {
		t.Errorf("DetectGray: %v allocations a call (err %v)", n, err)
	}
}
