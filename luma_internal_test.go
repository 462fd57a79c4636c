package facegate

import (
	"image"
	"math/rand/v2"
	"testing"

	"github.com/facegate/facegate/preprocess"
)

// TestLumaForConvertsRects checks lumaFor, which converts only the part of
// a rectangle outside the one it remembers: after each call the luma inside
// the rectangle is the frame's, and the pixels outside every rectangle of
// the frame are untouched, for random rectangles (overlapping, nested,
// disjoint, partly outside the frame).
func TestLumaForConvertsRects(t *testing.T) {
	const w, h = 97, 61
	rng := rand.New(rand.NewPCG(3, 4))
	rgba := make([]byte, 4*w*h)
	for i := range rgba {
		rgba[i] = byte(rng.IntN(256))
	}
	f := preprocess.Frame{Format: preprocess.RGBA, Width: w, Height: h, Planes: [3][]byte{rgba}, Strides: [3]int{4 * w}}
	want, err := f.Luma(make([]byte, w*h))
	if err != nil {
		t.Fatal(err)
	}
	var pl Pipeline
	for frame := range 300 {
		luma := preprocess.GrayPlane(make([]byte, w*h), w, w, h)
		for i := range luma.Pix {
			luma.Pix[i] = 1 // luma of the RGBA noise is never 1 everywhere
		}
		pl.lumaFull, pl.lumaDone = false, image.Rectangle{}
		var covered [w * h]bool
		for range 1 + rng.IntN(4) {
			x0, y0 := rng.IntN(w+20)-10, rng.IntN(h+20)-10
			r := image.Rect(x0, y0, x0+rng.IntN(60), y0+rng.IntN(40))
			if rng.IntN(3) == 0 && !pl.lumaDone.Empty() { // about the last one
				r = pl.lumaDone.Inset(rng.IntN(21) - 10)
			}
			if err := pl.lumaFor(&f, luma, r); err != nil {
				t.Fatal(err)
			}
			r = r.Intersect(image.Rect(0, 0, w, h))
			for y := r.Min.Y; y < r.Max.Y; y++ {
				for x := r.Min.X; x < r.Max.X; x++ {
					covered[y*w+x] = true
					if luma.Pix[y*w+x] != want.Pix[y*w+x] {
						t.Fatalf("frame %d: rect %v: luma at (%d, %d) is %d, want %d", frame, r, x, y, luma.Pix[y*w+x], want.Pix[y*w+x])
					}
				}
			}
		}
		for i, c := range covered {
			if !c && luma.Pix[i] != 1 {
				t.Fatalf("frame %d: pixel (%d, %d) outside the rectangles was written", frame, i%w, i/w)
			}
		}
	}
}
