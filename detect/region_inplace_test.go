package detect

import (
	"image"
	"slices"
	"testing"
)

// TestDetectRegionInPlace: without a downscale (k = 1) DetectRegion scans
// the region in luma itself; regions touching each edge of the frame, of
// a frame that is itself a strided sub-plane, upright and rotated, give
// the windows and faces of the same region copied to a plane of its own.
func TestDetectRegionInPlace(t *testing.T) {
	full := testLuma(t, "faces/obama-480p.jpg")
	frame, err := full.SubPlane(image.Rect(3, 1, full.Width-5, full.Height-2))
	if err != nil {
		t.Fatal(err)
	}
	for _, angles := range [][]float64{nil, {0.05}} {
		o := Options{MinFace: 40, SkipLandmarks: true, Angles: angles}
		a, err := NewDetector(nil, &o)
		if err != nil {
			t.Fatal(err)
		}
		b, err := NewDetector(nil, &o)
		if err != nil {
			t.Fatal(err)
		}
		if k := max(1, o.MinFace/a.o.DetectSide); k != 1 {
			t.Fatalf("k %d, want 1", k)
		}
		w, h := frame.Width, frame.Height
		regions := []image.Rectangle{
			image.Rect(0, 0, w, h),
			image.Rect(0, 0, w/2+31, h/2+17),
			image.Rect(w/2-40, 0, w, h/2+9),
			image.Rect(0, h/3, w/2+3, h),
			image.Rect(w/3+1, h/4, w, h),
			image.Rect(w/4, h/5, w-w/4+1, h-h/5),
		}
		total := 0
		for _, r := range regions {
			got, err := a.DetectRegion(nil, frame, r, 40, 400)
			if err != nil {
				t.Fatal(err)
			}
			own := cropStrided(frame, r, 7)
			want, err := b.DetectRegion(nil, own, image.Rect(0, 0, r.Dx(), r.Dy()), 40, 400)
			if err != nil {
				t.Fatal(err)
			}
			for i := range want {
				want[i].Rect = want[i].Rect.Add(r.Min)
			}
			if !slices.Equal(a.raw, b.raw) || !slices.Equal(got, want) {
				t.Fatalf("angles %v, region %v: %d windows, %d faces in place; %d, %d on a copy", angles, r, len(a.raw), len(got), len(b.raw), len(want))
			}
			total += len(a.raw)
		}
		if total == 0 {
			t.Fatalf("angles %v: no windows at all", angles)
		}
	}
}
