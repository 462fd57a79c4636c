package landmarks68

import (
	"image"
	"testing"

	"github.com/facegate/facegate/internal/nn/nntest"
)

// BenchmarkLocate locates the landmarks of a 237x260 face crop (pigo's),
// colour and gray. The per-call cost does not depend on the crop size but
// for the resize (112x112 samples).
func BenchmarkLocate(b *testing.B) {
	rgb, w, h := loadRGB(b, "testdata/faces/pigo-sample.jpg")
	gray := nntest.Luma(rgb)
	n, err := New()
	if err != nil {
		b.Fatal(err)
	}
	box := image.Rect(39, 110, 276, 370)
	var dst [NumPoints]Point
	for _, c := range []struct {
		name string
		f    func() error
	}{
		{"rgb", func() error {
			return n.Locate(&dst, rgb[(box.Min.Y*w+box.Min.X)*3:], box.Dx(), box.Dy(), 3*w)
		}},
		{"grayRegion", func() error { return n.LocateGrayRegion(&dst, gray, w, h, w, box) }},
	} {
		b.Run(c.name, func(b *testing.B) { nntest.Loop(b, c.f) })
	}
}
