package tinyface

import (
	"math"
	"path/filepath"
	"testing"

	"github.com/facegate/facegate/internal/nn/nntest"
)

// golden is testdata/golden.json, written by testdata/gen_golden.mjs from
// face-api.js itself.
type golden struct {
	Reference      string       `json:"reference"`
	ScoreThreshold float64      `json:"scoreThreshold"`
	Cases          []goldenCase `json:"cases"`
}

type goldenCase struct {
	Name      string    `json:"name"`
	Image     string    `json:"image"` // relative to the module root
	Crop      []int     `json:"crop"`  // x, y, w, h or nil
	Gray      bool      `json:"gray"`
	Width     int       `json:"width"`
	Height    int       `json:"height"`
	InputSize int       `json:"inputSize"`
	Boxes     []Box     `json:"boxes"` // keys x, y, w, h, score match Box's fields case-insensitively
	RawShape  []int     `json:"rawShape"`
	Raw       []float32 `json:"raw"`
}

func loadGolden(t testing.TB) *golden {
	t.Helper()
	var g golden
	nntest.ReadJSON(t, "testdata/golden.json", &g)
	return &g
}

// loadRGB decodes an image of the module (rel to its root) as
// nntest/torgb does for gen_golden.mjs.
func loadRGB(t testing.TB, rel string) (pix []byte, w, h int) {
	t.Helper()
	return nntest.LoadRGB(t, filepath.Join("..", "..", filepath.FromSlash(rel)))
}

// caseInput returns the case's image: cropped, and as luma when Gray (the
// luma gen_golden.mjs replicates into R, G and B).
func caseInput(t testing.TB, c *goldenCase) (pix []byte, w, h, stride int) {
	rgb, iw, ih := loadRGB(t, c.Image)
	x0, y0, w, h := 0, 0, iw, ih
	if c.Crop != nil {
		x0, y0, w, h = c.Crop[0], c.Crop[1], c.Crop[2], c.Crop[3]
	}
	if w != c.Width || h != c.Height {
		t.Fatalf("%s: input %dx%d, golden %dx%d", c.Name, w, h, c.Width, c.Height)
	}
	if !c.Gray {
		// Keep the whole image and address the crop through the stride.
		return rgb[(y0*iw+x0)*3:], w, h, iw * 3
	}
	gray := make([]byte, w*h)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			gray[y*w+x] = nntest.LumaOf(rgb[((y0+y)*iw+x0+x)*3:])
		}
	}
	return gray, w, h, w
}

func runCase(t testing.TB, d *Detector, c *goldenCase, thr float64) []Box {
	pix, w, h, stride := caseInput(t, c)
	o := Options{InputSize: c.InputSize, ScoreThreshold: thr}
	var got []Box
	var err error
	if c.Gray {
		got, err = d.DetectGray(nil, pix, w, h, stride, o)
	} else {
		got, err = d.Detect(nil, pix, w, h, stride, o)
	}
	if err != nil {
		t.Fatalf("%s: %v", c.Name, err)
	}
	return got
}

// Tolerances against face-api.js.
const (
	boxTol   = 0.5  // pixels, each of x, y, w, h
	scoreTol = 1e-3 // absolute
	rawTol   = 1e-4 // |go - js| / max(1, |js|) for conv8's output
)

func TestGolden(t *testing.T) {
	g := loadGolden(t)
	d, err := New()
	if err != nil {
		t.Fatal(err)
	}
	var maxBox, maxScore, maxRaw float64
	for i := range g.Cases {
		c := &g.Cases[i]
		if testing.Short() && nntest.RaceEnabled && c.Raw == nil {
			continue // the cases with raw outputs are enough under -race -short
		}
		got := runCase(t, d, c, g.ScoreThreshold)
		if len(got) != len(c.Boxes) {
			t.Errorf("%s: %d boxes, face-api %d:\n got %v\nwant %v", c.Name, len(got), len(c.Boxes), got, c.Boxes)
			continue
		}
		for j, want := range c.Boxes {
			b := got[j]
			e := max(math.Abs(b.X-want.X), math.Abs(b.Y-want.Y), math.Abs(b.W-want.W), math.Abs(b.H-want.H))
			se := math.Abs(b.Score - want.Score)
			maxBox, maxScore = max(maxBox, e), max(maxScore, se)
			if !(e <= boxTol) || !(se <= scoreTol) {
				t.Errorf("%s: box %d = %+v, face-api %+v", c.Name, j, b, want)
			}
		}
		if c.Raw == nil {
			continue
		}
		n := d.dims[5]
		if len(c.RawShape) != 3 || c.RawShape[0] != n || c.RawShape[1] != n || c.RawShape[2] != outChans || len(c.Raw) != n*n*outChans {
			t.Fatalf("%s: raw shape %v (%d values), want [%d %d %d]", c.Name, c.RawShape, len(c.Raw), n, n, outChans)
		}
		var ce float64
		for j, want := range c.Raw {
			e := math.Abs(float64(d.out[j])-float64(want)) / max(1, math.Abs(float64(want)))
			ce = max(ce, e)
			if !(e <= rawTol) {
				t.Errorf("%s: conv8 output %d (cell %d, channel %d) = %v, face-api %v", c.Name, j, j/outChans, j%outChans, d.out[j], want)
				break
			}
		}
		maxRaw = max(maxRaw, ce)
	}
	t.Logf("against %s: max box error %.3g px, max score error %.3g, max conv8 error %.3g (relative, floor 1)", g.Reference, maxBox, maxScore, maxRaw)
}
