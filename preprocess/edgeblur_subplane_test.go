package preprocess

import (
	"image"
	"testing"
)

// TestEdgeBlurSubPlane: Measure on a sub-plane at each corner and
// the bottom middle of a photograph (Stride > Width, its Pix ending at its last pixel, so the
// columns' and diagonals' gathered lines and the kernels' blocks end at
// the buffer's end) gives, with every kernel variant, what it gives on
// the same pixels copied to a plane of their own.
func TestEdgeBlurSubPlane(t *testing.T) {
	img := testGray(t, "faces/obama-1080p.jpg")
	var e, c EdgeBlur
	forEachVariant(t, func(t *testing.T) {
		w, h := 301, 203
		edges := 0
		for _, at := range []image.Point{{0, 0}, {img.Width - w, 0}, {0, img.Height - h}, {img.Width - w, img.Height - h}, {(img.Width - w) / 2, img.Height - h}} {
			sub, err := img.SubPlane(image.Rectangle{Min: at, Max: at.Add(image.Pt(w, h))})
			if err != nil {
				t.Fatal(err)
			}
			own := newPlane(w, h, 1)
			for y := range h {
				copy(own.Pix[y*own.Stride:y*own.Stride+w], sub.Row(y))
			}
			for _, r := range []image.Rectangle{image.Rect(0, 0, w, h), image.Rect(w-77, h-51, w, h), image.Rect(0, h-16, 16, h)} {
				if err := e.Measure(sub, r); err != nil {
					t.Fatal(err)
				}
				if err := c.Measure(own, r); err != nil {
					t.Fatal(err)
				}
				got := [7]float64{e.Sigma, e.Rows, e.Cols, e.Diag, e.AntiDiag, float64(e.Edges), e.Motion}
				want := [7]float64{c.Sigma, c.Rows, c.Cols, c.Diag, c.AntiDiag, float64(c.Edges), c.Motion}
				if got != want {
					t.Fatalf("corner %v, region %v: sub-plane %v, copy %v", at, r, got, want)
				}
				edges += e.Edges
			}
		}
		if edges < 100 {
			t.Fatalf("%d edges in all, want the photograph's", edges)
		}
	})
}
