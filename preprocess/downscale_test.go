package preprocess

import (
	"bytes"
	"errors"
	"image"
	"math/rand/v2"
	"testing"
)

// The Downscaler gives a planned Resizer's bytes for every factor, on random
// planes with odd widths, views and every kernel variant.
func TestDownscalerMatchesResizer(t *testing.T) {
	forEachVariant(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(71, 72))
		var d Downscaler
		for _, k := range []int{1, 2, 3, 4, 5, 8, 13} {
			for _, dw := range []int{1, 7, 8, 33, 64, 97} {
				dh := 1 + r.IntN(9)
				src := randPlane(r, dw*k+r.IntN(k+1), dh*k+r.IntN(3), 1)
				rz, err := NewResizer(dw*k, dh*k, dw, dh, 1, Area)
				if err != nil {
					t.Fatal(err)
				}
				want := newPlane(dw, dh, 1)
				if err := rz.Resize(want, sub(t, src, image.Rect(0, 0, dw*k, dh*k))); err != nil {
					t.Fatal(err)
				}
				got := newPlane(dw, dh, 1)
				if err := d.Downscale(got, src, k); err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got.Pix, want.Pix) {
					t.Fatalf("k=%d %dx%d: downscaler and resizer differ", k, dw, dh)
				}
			}
		}
	})
}

func TestDownscalerErrors(t *testing.T) {
	var d Downscaler
	src := newPlane(10, 10, 1)
	for _, tc := range []struct {
		name     string
		dst, src Plane
		k        int
	}{
		{"source too small", newPlane(6, 2, 1), src, 2},
		{"factor 0", newPlane(2, 2, 1), src, 0},
		{"factor too large", newPlane(1, 1, 1), newPlane(200, 200, 1), MaxDownscale + 1},
		{"channels", newPlane(2, 2, 3), newPlane(10, 10, 3), 2},
		{"bad source", newPlane(2, 2, 1), Plane{Pix: make([]byte, 5), Stride: 10, Width: 10, Height: 10}, 2},
	} {
		err := d.Downscale(tc.dst, tc.src, tc.k)
		if !errors.Is(err, ErrGeometry) && !errors.Is(err, ErrInvalidFrame) {
			t.Errorf("%s: err = %v, want ErrGeometry or ErrInvalidFrame", tc.name, err)
		}
	}
}
