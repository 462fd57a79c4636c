package detect

import (
	"image"
	"slices"
	"testing"
)

// Two workers give exactly the windows, clusters and faces of one, on real
// frames and at several parameter sets, including a region.
func TestParallelEqualsSerial(t *testing.T) {
	for _, tc := range []struct {
		image string
		o     Options
	}{
		{"faces/obama-1080p.jpg", Options{MinFace: 48, SkipLandmarks: true}},
		{"faces/obama-1080p.jpg", Options{MinFace: 100, ShiftFactor: 0.15, ScaleFactor: 1.2}},
		{"faces/obama-480p.jpg", Options{MinFace: 20, SkipLandmarks: true}},
		{"faces/pigo-sample.jpg", Options{MinFace: 20, SkipLandmarks: true, MinScore: -1}},
	} {
		p := testLuma(t, tc.image)
		one, err := NewDetector(nil, &tc.o)
		if err != nil {
			t.Fatal(err)
		}
		o2 := tc.o
		o2.Workers = 2
		two, err := NewDetector(nil, &o2)
		if err != nil {
			t.Fatal(err)
		}
		for _, region := range []image.Rectangle{image.Rect(0, 0, p.Width, p.Height), image.Rect(p.Width/5, 3, p.Width-7, p.Height)} {
			want, err := one.DetectRegion(nil, p, region, tc.o.MinFace, min(p.Width, p.Height))
			if err != nil {
				t.Fatal(err)
			}
			got, err := two.DetectRegion(nil, p, region, tc.o.MinFace, min(p.Width, p.Height))
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(one.raw, two.raw) || !slices.Equal(got, want) {
				t.Fatalf("%s %+v region %v: %d windows and %d faces with two workers, %d and %d with one",
					tc.image, tc.o, region, len(two.raw), len(got), len(one.raw), len(want))
			}
			if two.jobs == nil && p.Width*p.Height >= 4*minParallelPixels {
				t.Errorf("%s: the helper never ran", tc.image)
			}
		}
	}
	if _, err := NewDetector(nil, &Options{Workers: 3}); err == nil {
		t.Error("Workers 3: no error")
	}
}
