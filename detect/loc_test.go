//go:debug randseednop=0

package detect

import (
	"math/rand"
	"os"
	"testing"

	pigo "github.com/esimov/pigo/core"
)

func pigoLoc(tb testing.TB, name string) *pigo.PuplocCascade {
	tb.Helper()
	b, err := os.ReadFile("cascades/" + name)
	if err != nil {
		tb.Fatal(err)
	}
	c, err := pigo.NewPuplocCascade().UnpackCascade(b)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// TestLocateEqualsPigo: pupils and landmarks equal pigo's RunDetector and
// GetLandmarkPoint, given pigo's global source seeded as our table.
func TestLocateEqualsPigo(t *testing.T) {
	cs := mustCascades(t)
	pg := pigoFace(t)
	pup := pigoLoc(t, "puploc")
	lps := map[string]*pigo.PuplocCascade{}
	for _, n := range []string{"lp93", "lp84", "lp82", "lp81"} {
		lps[n] = pigoLoc(t, "lps/"+n)
	}
	pt := newPerturbations(perturbSeed)
	var s locScratch
	compared := 0
	for _, name := range testImages {
		p := testLuma(t, name)
		img := pigo.ImageParams{Pixels: p.Pix, Rows: p.Height, Cols: p.Width, Dim: p.Stride}
		cp := pigoParams(p, ScanParams{MinSize: 60, MaxSize: 1000, ShiftFactor: 0.1, ScaleFactor: 1.1})
		for _, f := range pg.ClusterDetections(pg.RunCascade(cp, 0), 0.2) {
			if f.Q <= 5 {
				continue
			}
			for _, flip := range []bool{false, true} {
				pl := pigo.Puploc{Row: f.Row - int(0.075*float32(f.Scale)), Col: f.Col - int(0.175*float32(f.Scale)), Scale: float32(f.Scale) * 0.25, Perturbs: MaxPerturbs}
				rand.Seed(perturbSeed)
				want := pup.RunDetector(pl, img, 0, flip)
				r, c, sc := cs.Pupil.locate(&p, pl.Row, pl.Col, pl.Scale, MaxPerturbs, pt, flip, &s)
				if r != want.Row || c != want.Col || sc != want.Scale {
					t.Fatalf("%s pupil (flip %v): got (%d,%d,%v), pigo (%d,%d,%v)", name, flip, r, c, sc, want.Row, want.Col, want.Scale)
				}
				compared++
			}
			// Landmarks from the two pupils, as pigo's command finds them.
			rand.Seed(perturbSeed)
			le := pup.RunDetector(pigo.Puploc{Row: f.Row - int(0.075*float32(f.Scale)), Col: f.Col - int(0.175*float32(f.Scale)), Scale: float32(f.Scale) * 0.25, Perturbs: MaxPerturbs}, img, 0, false)
			rand.Seed(perturbSeed)
			re := pup.RunDetector(pigo.Puploc{Row: f.Row - int(0.075*float32(f.Scale)), Col: f.Col + int(0.185*float32(f.Scale)), Scale: float32(f.Scale) * 0.25, Perturbs: MaxPerturbs}, img, 0, false)
			for name, pc := range lps {
				for _, flip := range []bool{false, true} {
					rand.Seed(perturbSeed)
					want := pc.GetLandmarkPoint(le, re, img, MaxPerturbs, flip)
					r, c, sc := landmark(cs.Landmarks[name], &p, le.Row, le.Col, re.Row, re.Col, MaxPerturbs, pt, flip, &s)
					if r != want.Row || c != want.Col || sc != want.Scale {
						t.Fatalf("%s %s (flip %v): got (%d,%d,%v), pigo (%d,%d,%v)", name, name, flip, r, c, sc, want.Row, want.Col, want.Scale)
					}
					compared++
				}
			}
		}
	}
	if compared < 20 {
		t.Fatalf("only %d localisations compared: the test images should hold faces", compared)
	}
	t.Logf("%d localisations equal pigo's", compared)
}
