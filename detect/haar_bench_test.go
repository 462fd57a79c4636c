package detect

import (
	"image"
	"testing"
)

// BenchmarkProfileDetect: the profile detector on the 1080p photograph,
// faces from 96 px, both orientations, one goroutine.
func BenchmarkProfileDetect(b *testing.B) {
	d, err := NewProfileDetector(nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	p := testLuma(b, "faces/obama-1080p.jpg")
	r := image.Rect(0, 0, p.Width, p.Height)
	faces, err := d.Detect(nil, p, r, 96, 1080)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		faces, _ = d.Detect(faces[:0], p, r, 96, 1080)
	}
	b.ReportMetric(float64(d.lastWindows), "windows")
}
