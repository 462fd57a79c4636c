package detect

import (
	"image"
	"testing"
)

// benchHD runs d on a 1280x720 frame (the 1080p photograph cropped around
// the face), faces from 96 px, both orientations, one goroutine, and
// reports the windows classified per Detect.
func benchHD(b *testing.B, d *HaarDetector) {
	p := testLuma(b, "faces/obama-1080p.jpg")
	hd, err := p.SubPlane(image.Rect(320, 180, 1600, 900))
	if err != nil {
		b.Fatal(err)
	}
	r := image.Rect(0, 0, hd.Width, hd.Height)
	faces, err := d.Detect(nil, hd, r, 96, 720)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		faces, _ = d.Detect(faces[:0], hd, r, 96, 720)
	}
	b.ReportMetric(float64(d.lastWindows), "windows")
}

// BenchmarkProfileDetect720: the Haar profile detector on a 1280x720
// frame, faces from 96 px.
func BenchmarkProfileDetect720(b *testing.B) {
	d, err := NewProfileDetector(nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	benchHD(b, d)
}

// BenchmarkProfileLBPDetect720: the LBP profile detector on the same
// frame.
func BenchmarkProfileLBPDetect720(b *testing.B) {
	d, err := NewProfileLBPDetector(nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	benchHD(b, d)
}
