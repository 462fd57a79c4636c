package facegate

import (
	"bytes"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/facegate/facegate/preprocess"
)

// exposure maps quartiles to the 0..1 scale: the anchors land on the
// default policy's limits, a face left dark beside a lit cheek (dark
// median, bright upper quartile) reads as under exposed, and one both
// crushed and blown reads by its larger deviation.
func TestExposureAnchors(t *testing.T) {
	p := DefaultPolicy()
	for _, c := range []struct {
		name           string
		q50, q75, clip float64
		under, over    bool
	}{
		{"middle grey", 128, 160, 0, false, false},
		{"dark-skinned face in good light", 80, 110, 0, false, false},
		{"upper quartile at the dark anchor", 40, ExposureDarkQ75 - 1, 0, true, false},
		{"dark median beside a lit cheek", 35, 150, 0, true, false},
		{"median at the dark anchor", ExposureDarkMedian + 1, 150, 0, false, false},
		{"bright median", ExposureBrightMedian, 230, 0, false, true},
		{"clipped", 150, 255, ExposureClippedShare, false, true},
		// Half of the face crushed, a third of it blown: the larger
		// deviation decides, the blown part does not offset the dark.
		{"crushed and blown", 30, 250, ExposureClippedShare, true, false},
		{"dark, a few highlights clipped", 60, 100, 0.05, false, false},
	} {
		e := exposure(c.q50, c.q75, c.clip)
		if under := e < p.MinExposure; under != c.under {
			t.Errorf("%s: exposure %.3f, under exposed %v, want %v", c.name, e, under, c.under)
		}
		if over := e >= p.MaxExposure; over != c.over {
			t.Errorf("%s: exposure %.3f, over exposed %v, want %v", c.name, e, over, c.over)
		}
	}
}

// bilinearRef is bilinear as it was, every tap computed per pixel.
func bilinearRef(dst, src preprocess.Plane) {
	sx := float64(src.Width) / float64(dst.Width)
	sy := float64(src.Height) / float64(dst.Height)
	for y := 0; y < dst.Height; y++ {
		fy := (float64(y)+0.5)*sy - 0.5
		y0 := int(math.Floor(fy))
		wy := int((fy - float64(y0)) * 256)
		y1 := min(max(y0+1, 0), src.Height-1)
		y0 = min(max(y0, 0), src.Height-1)
		r0, r1 := src.Row(y0), src.Row(y1)
		out := dst.Row(y)
		for x := range out {
			fx := (float64(x)+0.5)*sx - 0.5
			x0 := int(math.Floor(fx))
			wx := int((fx - float64(x0)) * 256)
			x1 := min(max(x0+1, 0), src.Width-1)
			x0 = min(max(x0, 0), src.Width-1)
			top := int(r0[x0])*(256-wx) + int(r0[x1])*wx
			bot := int(r1[x0])*(256-wx) + int(r1[x1])*wx
			out[x] = byte((top*(256-wy) + bot*wy + 1<<15) >> 16)
		}
	}
}

// TestBilinearEqualsReference: bilinear, whose column taps are computed
// once per call, gives bilinearRef's bytes, up- and downscaling, at the
// Meter's QualitySide and at widths beyond it.
func TestBilinearEqualsReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 300 {
		sw, sh := 1+rng.IntN(300), 1+rng.IntN(300)
		dw, dh := QualitySide, QualitySide
		if rng.IntN(2) == 0 {
			dw, dh = 1+rng.IntN(200), 1+rng.IntN(200)
		}
		src := preprocess.GrayPlane(make([]byte, sw*sh), sw, sw, sh)
		for i := range src.Pix {
			src.Pix[i] = byte(rng.IntN(256))
		}
		got := preprocess.GrayPlane(make([]byte, dw*dh), dw, dw, dh)
		want := preprocess.GrayPlane(make([]byte, dw*dh), dw, dw, dh)
		bilinear(got, src)
		bilinearRef(want, src)
		if !bytes.Equal(got.Pix, want.Pix) {
			t.Fatalf("%dx%d to %dx%d: bytes differ", sw, sh, dw, dh)
		}
	}
}
