package landmarks68

import (
	"image"
	"math"
	"path/filepath"
	"testing"

	"github.com/facegate/facegate/internal/nn/nntest"
)

// golden is testdata/golden.json, written by testdata/gen_golden.mjs from
// face-api.js itself.
type golden struct {
	Reference string       `json:"reference"`
	Cases     []goldenCase `json:"cases"`
}

type goldenCase struct {
	Name   string       `json:"name"`
	Image  string       `json:"image"` // relative to the module root
	Box    [4]int       `json:"box"`   // x, y, w, h: the region asked for
	Crop   [4]int       `json:"crop"`  // x, y, w, h: the box clipped to the image
	Gray   bool         `json:"gray"`
	Points [][2]float64 `json:"points"` // image pixels
	Raw    []float32    `json:"raw"`    // the fully connected layer's output, or nil
}

func loadGolden(t testing.TB) *golden {
	t.Helper()
	var g golden
	nntest.ReadJSON(t, "testdata/golden.json", &g)
	if len(g.Cases) == 0 {
		t.Fatal("no golden cases")
	}
	return &g
}

// loadRGB decodes an image of the module (rel to its root) as
// nntest/torgb does for gen_golden.mjs.
func loadRGB(t testing.TB, rel string) (pix []byte, w, h int) {
	t.Helper()
	return nntest.LoadRGB(t, filepath.Join("..", "..", filepath.FromSlash(rel)))
}

// runCase locates the case's landmarks: Locate on the crop (addressed in
// the whole image through the stride) for a colour case, LocateGrayRegion
// on the whole luma plane and the box for a gray one. The points are in
// image pixels.
func runCase(t testing.TB, n *Net, c *goldenCase) [NumPoints]Point {
	t.Helper()
	rgb, iw, ih := loadRGB(t, c.Image)
	var got [NumPoints]Point
	if c.Gray {
		box := image.Rect(c.Box[0], c.Box[1], c.Box[0]+c.Box[2], c.Box[1]+c.Box[3])
		if err := n.LocateGrayRegion(&got, nntest.Luma(rgb), iw, ih, iw, box); err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		return got
	}
	x0, y0, w, h := c.Crop[0], c.Crop[1], c.Crop[2], c.Crop[3]
	if err := n.Locate(&got, rgb[(y0*iw+x0)*3:], w, h, iw*3); err != nil {
		t.Fatalf("%s: %v", c.Name, err)
	}
	for i := range got {
		got[i].X += float64(x0)
		got[i].Y += float64(y0)
	}
	return got
}

// Tolerances against face-api.js.
const (
	pointTol = 0.05 // pixels, each of X and Y
	rawTol   = 1e-4 // |go - js| / max(1e-3, |js|) for the fully connected layer's output
)

// rawErr is the relative error of a raw output (the floor keeps outputs
// near zero from demanding more than absolute accuracy 1e-7).
func rawErr(got, want float32) float64 {
	return math.Abs(float64(got)-float64(want)) / max(1e-3, math.Abs(float64(want)))
}

func TestGolden(t *testing.T) {
	g := loadGolden(t)
	n, err := New()
	if err != nil {
		t.Fatal(err)
	}
	var maxPoint, maxRaw float64
	raws := 0
	for i := range g.Cases {
		c := &g.Cases[i]
		if len(c.Points) != NumPoints {
			t.Fatalf("%s: %d golden points", c.Name, len(c.Points))
		}
		if raceShort() && c.Raw == nil {
			continue // the cases with raw outputs are enough under -race -short
		}
		got := runCase(t, n, c)
		for j, want := range c.Points {
			e := max(math.Abs(got[j].X-want[0]), math.Abs(got[j].Y-want[1]))
			maxPoint = max(maxPoint, e)
			if !(e <= pointTol) {
				t.Errorf("%s: point %d = %+v, face-api %v", c.Name, j, got[j], want)
			}
		}
		if c.Raw == nil {
			continue
		}
		raws++
		if len(c.Raw) != numOut {
			t.Fatalf("%s: %d raw outputs, want %d", c.Name, len(c.Raw), numOut)
		}
		for j, want := range c.Raw {
			e := rawErr(n.out[j], want)
			maxRaw = max(maxRaw, e)
			if !(e <= rawTol) {
				t.Errorf("%s: output %d = %v, face-api %v", c.Name, j, n.out[j], want)
			}
		}
	}
	if raws == 0 {
		t.Error("no case with raw outputs")
	}
	t.Logf("against %s: %d cases, max point error %.3g px, max raw error %.3g (relative)", g.Reference, len(g.Cases), maxPoint, maxRaw)
}

// TestGoldenSensitive checks that the golden comparison notices weights
// a little off: the last fc bias one quantization step up (scale about
// 0.002), and dense0/conv0's filter 5 ten steps up (a step moves the raw
// outputs by under 2e-5, below rawTol: the tolerances the tests hold are
// far looser than the agreement TestGolden logs).
func TestGoldenSensitive(t *testing.T) {
	g := loadGolden(t)
	c := &g.Cases[0]
	for _, p := range []struct {
		name  string
		index int
		steps byte
	}{
		{"fc/bias[135]", len(embeddedWeights) - 1, 1},
		{"dense0/conv0/filters[5]", 5, 10},
	} {
		if raceShort() && p.steps > 1 {
			continue // one perturbation is enough under -race -short
		}
		bin := append([]byte(nil), embeddedWeights...)
		if int(bin[p.index])+int(p.steps) > 255 {
			t.Fatalf("%s: byte %d is %d", p.name, p.index, bin[p.index])
		}
		bin[p.index] += p.steps
		n, err := NewFromWeights(embeddedManifest, bin)
		if err != nil {
			t.Fatal(err)
		}
		runCase(t, n, c)
		worst := 0.0
		for j, want := range c.Raw {
			worst = max(worst, rawErr(n.out[j], want))
		}
		if worst <= rawTol {
			t.Errorf("%s up %d steps moved the raw output by %v only", p.name, p.steps, worst)
		}
		t.Logf("%s up %d steps: raw error %.3g", p.name, p.steps, worst)
	}
}
