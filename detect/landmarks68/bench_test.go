package landmarks68

import (
	"image"
	"runtime"
	"testing"
)

// BenchmarkLocate locates the landmarks of a 237x260 face crop (pigo's),
// colour and gray. The per-call cost does not depend on the crop size but
// for the resize (112x112 samples).
func BenchmarkLocate(b *testing.B) {
	rgb, w, h := loadRGB(b, "testdata/faces/pigo-sample.jpg")
	gray := luma(rgb)
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
		b.Run(c.name, func(b *testing.B) {
			if err := c.f(); err != nil {
				b.Fatal(err)
			}
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			b.ReportAllocs()
			c0, ok := threadCPU()
			for b.Loop() {
				if err := c.f(); err != nil {
					b.Fatal(err)
				}
			}
			// CPU time of the benchmark's thread: unlike ns/op, it
			// does not count time the thread waited for a busy CPU.
			if c1, ok1 := threadCPU(); ok && ok1 {
				b.ReportMetric(float64(c1-c0)/float64(b.N), "cpu-ns/op")
			}
		})
	}
}
