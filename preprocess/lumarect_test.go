package preprocess

import (
	"bytes"
	"errors"
	"image"
	"math/rand/v2"
	"testing"
)

// LumaRect gives Luma's bytes inside the rectangle and leaves the rest of
// the destination alone, for every format and kernel variant, odd offsets
// and widths included.
func TestLumaRectMatchesLuma(t *testing.T) {
	forEachVariant(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(81, 82))
		for _, format := range []Format{RGBA, BGRA, RGB24, Gray8, NV12, I420} {
			for range 20 {
				w, h := 2*(1+r.IntN(40)), 2*(1+r.IntN(20))
				f := randFrame(r, format, w, h)
				full := make([]byte, w*h)
				want, err := f.Luma(full)
				if err != nil {
					t.Fatal(err)
				}
				x0, y0 := r.IntN(w), r.IntN(h)
				rect := image.Rect(x0, y0, x0+1+r.IntN(w), y0+1+r.IntN(h)) // may overhang
				dst := GrayPlane(bytes.Repeat([]byte{0xA5}, w*h), w, w, h)
				if err := f.LumaRect(dst, rect); err != nil {
					t.Fatal(err)
				}
				in := rect.Intersect(image.Rect(0, 0, w, h))
				for y := 0; y < h; y++ {
					for x := 0; x < w; x++ {
						got, exp := dst.Row(y)[x], want.Row(y)[x]
						if !(image.Pt(x, y).In(in)) {
							exp = 0xA5
						}
						if got != exp {
							t.Fatalf("%v %dx%d rect %v: (%d,%d) = %d, want %d", format, w, h, rect, x, y, got, exp)
						}
					}
				}
			}
		}
	})
}

func TestLumaRectErrors(t *testing.T) {
	r := rand.New(rand.NewPCG(83, 84))
	f := randFrame(r, RGBA, 8, 8)
	if err := f.LumaRect(GrayPlane(make([]byte, 16), 4, 4, 4), image.Rect(0, 0, 4, 4)); !errors.Is(err, ErrGeometry) {
		t.Errorf("small destination: err = %v, want ErrGeometry", err)
	}
	bad := Frame{Format: RGBA, Width: 8, Height: 8, Planes: [3][]byte{make([]byte, 10)}, Strides: [3]int{32}}
	if err := bad.LumaRect(GrayPlane(make([]byte, 64), 8, 8, 8), image.Rect(0, 0, 8, 8)); !errors.Is(err, ErrInvalidFrame) {
		t.Errorf("short frame: err = %v, want ErrInvalidFrame", err)
	}
}

// randFrame returns a w x h frame of random bytes (even w and h), with
// strides wider than the rows.
func randFrame(r *rand.Rand, format Format, w, h int) Frame {
	f := Frame{Format: format, Width: w, Height: h}
	switch format {
	case RGBA, BGRA, RGB24:
		bpp := 4
		if format == RGB24 {
			bpp = 3
		}
		f.Strides[0] = bpp*w + r.IntN(5)
		f.Planes[0] = randBytes(r, f.Strides[0]*h)
	case Gray8:
		f.Strides[0] = w + r.IntN(5)
		f.Planes[0] = randBytes(r, f.Strides[0]*h)
	case NV12:
		f.Strides = [3]int{w, w}
		f.Planes = [3][]byte{randBytes(r, w*h), randBytes(r, w*h/2)}
	case I420:
		f.Strides = [3]int{w, w / 2, w / 2}
		f.Planes = [3][]byte{randBytes(r, w*h), randBytes(r, w*h/4), randBytes(r, w*h/4)}
	}
	return f
}
