package track_test

import (
	"image"
	"math"
	"testing"

	"github.com/facegate/facegate/track"
)

func TestIoU(t *testing.T) {
	r := image.Rect
	big := image.Rectangle{image.Pt(math.MinInt, math.MinInt), image.Pt(math.MaxInt, math.MaxInt)}
	cases := []struct {
		name string
		a, b image.Rectangle
		want float64
	}{
		{"identical", r(10, 20, 110, 120), r(10, 20, 110, 120), 1},
		{"disjoint", r(0, 0, 10, 10), r(20, 20, 30, 30), 0},
		{"touching edges", r(0, 0, 10, 10), r(10, 0, 20, 10), 0},
		{"touching corners", r(0, 0, 10, 10), r(10, 10, 20, 20), 0},
		{"half shifted", r(0, 0, 10, 10), r(5, 0, 15, 10), 50.0 / 150},
		{"quarter overlap", r(0, 0, 10, 10), r(5, 5, 15, 15), 25.0 / 175},
		{"contained", r(0, 0, 100, 100), r(25, 25, 75, 75), 2500.0 / 10000},
		{"negative coordinates", r(-10, -10, 0, 0), r(-5, -10, 5, 0), 50.0 / 150},
		{"one-pixel", r(3, 3, 4, 4), r(3, 3, 4, 4), 1},
		{"empty a", image.Rectangle{}, r(0, 0, 10, 10), 0},
		{"empty b", r(0, 0, 10, 10), r(5, 5, 5, 15), 0},
		{"both empty", image.Rectangle{}, image.Rectangle{}, 0},
		{"zero-size inside", r(0, 0, 10, 10), r(5, 5, 5, 5), 0},
		{"not canonical", image.Rectangle{image.Pt(10, 10), image.Pt(0, 0)}, r(0, 0, 10, 10), 0},
		{"whole plane with itself", big, big, 1},
		{"whole plane and a unit", big, r(0, 0, 1, 1), 0}, // 1/2^128, within the tolerance of 0
	}
	for _, c := range cases {
		for _, swap := range []bool{false, true} {
			a, b := c.a, c.b
			if swap {
				a, b = b, a
			}
			got := track.IoU(a, b)
			if math.Abs(got-c.want) > 1e-12 {
				t.Errorf("%s: IoU(%v, %v) = %v, want %v", c.name, a, b, got, c.want)
			}
		}
	}
}

// IoU stays in [0, 1], symmetric and NaN-free at extreme coordinates, where
// widths do not fit an int.
func TestIoUExtremes(t *testing.T) {
	vals := []int{math.MinInt, math.MinInt + 1, -1 << 40, -1, 0, 1, 1 << 40, math.MaxInt - 1, math.MaxInt}
	for _, x0 := range vals {
		for _, x1 := range vals {
			for _, y := range vals {
				a := image.Rectangle{image.Pt(x0, y), image.Pt(x1, math.MaxInt)}
				b := image.Rectangle{image.Pt(0, 0), image.Pt(x1, y)}
				v, w := track.IoU(a, b), track.IoU(b, a)
				if !(v >= 0 && v <= 1) || v != w {
					t.Fatalf("IoU(%v, %v) = %v, reversed %v", a, b, v, w)
				}
			}
		}
	}
}
