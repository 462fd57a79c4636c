package detect

import (
	"math"
	"math/rand"
	"slices"

	"github.com/facegate/facegate/preprocess"
)

// MaxPerturbs bounds the number of perturbed starts of a localisation
// (pigo's own pool holds 63).
const MaxPerturbs = 63

// perturbSeed seeds the perturbation table. Any value works; a fixed one
// makes every Detector give the same pupils for the same frame.
const perturbSeed = 1

// Perturbations are the random starts pigo's RunDetector draws from
// math/rand on every call: here they are drawn once, from a seeded source in
// the same order (row, column, scale for each start), so localisation is
// deterministic and allocation-free. Seeding pigo's global source with the
// same seed before a call reproduces them exactly.
type Perturbations [MaxPerturbs][3]float32

func newPerturbations(seed int64) *Perturbations {
	r := rand.New(rand.NewSource(seed))
	var p Perturbations
	for i := range p {
		p[i] = [3]float32{r.Float32(), r.Float32(), r.Float32()}
	}
	return &p
}

// locScratch holds one localisation's estimates.
type locScratch struct {
	rows, cols, scales [MaxPerturbs]float32
}

// Point is a location in a plane, in (fractional) pixels.
type Point struct{ X, Y float64 }

// locate is pigo's RunDetector: from n perturbed starts around (row, col)
// at the given scale, run the cascade and take, for rows, columns and scales
// separately, element round(n/2) of the sorted estimates. flip mirrors the
// cascade (pigo's flipV).
func (lc *LocCascade) locate(p *preprocess.Plane, row, col int, scale float32, n int, pt *Perturbations, flip bool, s *locScratch) (r, c int, sc float32) {
	for i := 0; i < n; i++ {
		u := &pt[i]
		r0 := float32(row) + scale*0.15*(0.5-u[0])
		c0 := float32(col) + scale*0.15*(0.5-u[1])
		s0 := scale * (0.925 + 0.15*u[2])
		s.rows[i], s.cols[i], s.scales[i] = lc.regress(p, r0, c0, s0, flip)
	}
	rows, cols, scales := s.rows[:n], s.cols[:n], s.scales[:n]
	slices.Sort(rows)
	slices.Sort(cols)
	slices.Sort(scales)
	m := int(math.Round(float64(n) / 2))
	if m >= n { // pigo indexes past the end for n = 1
		m = n - 1
	}
	return int(rows[m]), int(cols[m]), scales[m]
}

// regress is pigo's PuplocCascade.classifyRegion: each stage's trees vote an
// offset, the estimate moves by it and the scale shrinks.
func (lc *LocCascade) regress(p *preprocess.Plane, r, c, s float32, flip bool) (float32, float32, float32) {
	leaves := 1 << lc.depth
	nrows, ncols, dim := p.Height, p.Width, p.Stride
	pix := p.Pix
	root := 0
	for i := 0; i < lc.stages; i++ {
		var dr, dc float32
		is := int(math.Round(float64(s)))
		ir, ic := 256*int(r), 256*int(c)
		for j := 0; j < lc.trees; j++ {
			idx := 0
			for k := 0; k < lc.depth; k++ {
				code := lc.codes[root+4*idx : root+4*idx+4]
				c1, c3 := code[1], code[3]
				if flip {
					c1, c3 = -c1, -c3 // int8 negation, wrapping at -128 as pigo's
				}
				r1 := min(nrows-1, max(0, (ir+int(code[0])*is)>>8))
				r2 := min(nrows-1, max(0, (ir+int(code[2])*is)>>8))
				x1 := min(ncols-1, max(0, (ic+int(c1)*is)>>8))
				x2 := min(ncols-1, max(0, (ic+int(c3)*is)>>8))
				idx = 2*idx + 1 + b2i(pix[r1*dim+x1] > pix[r2*dim+x2])
			}
			lut := 2 * (lc.trees*leaves*i + leaves*j + idx - (leaves - 1))
			dr += lc.preds[lut]
			if flip {
				dc += -lc.preds[lut+1]
			} else {
				dc += lc.preds[lut+1]
			}
			root += 4*leaves - 4
		}
		r += dr * s
		c += dc * s
		s *= lc.scale
	}
	return r, c, s
}
