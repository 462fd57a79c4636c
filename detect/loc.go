package detect

import (
	"math"
	"math/rand"
	"slices"
	"unsafe"

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

// locLanes is MaxPerturbs rounded up to a multiple of 8, the estimates
// locStage walks side by side.
const locLanes = (MaxPerturbs + 7) &^ 7

// locScratch holds one localisation's perturbed estimates, which advance
// in lockstep.
type locScratch struct {
	rows, cols, scales [MaxPerturbs]float32
	dr, dc             [locLanes]float32
	ir, ic, is, idx    [MaxPerturbs]int
	// The estimates' lanes for locStage: ir, ic and is as 32-bit values,
	// padded to a multiple of 8 with copies of the last estimate.
	ir32, ic32, is32, idx32 [locLanes]int32
	// spread is the last locate's interquartile range of the estimates
	// (rows plus columns) over its scale: how much the perturbed starts
	// disagree (see Pose.Confidence).
	spread float32
	// walked counts the starts regressed (for tests).
	walked int
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
		s.rows[i] = float32(row) + scale*0.15*(0.5-u[0])
		s.cols[i] = float32(col) + scale*0.15*(0.5-u[1])
		s.scales[i] = scale * (0.925 + 0.15*u[2])
	}
	s.walked += n
	lc.regress(p, n, flip, s)
	rows, cols, scales := s.rows[:n], s.cols[:n], s.scales[:n]
	m := int(math.Round(float64(n) / 2))
	if m >= n { // pigo indexes past the end for n = 1
		m = n - 1
	}
	q1, q3 := n/4, min(n-1, 3*n/4)
	// Elements q1, m and q3 of the sorted estimates, selected rather than
	// sorted: the same elements, at a third of the cost.
	selectRanks(rows, q1, m, q3)
	selectRanks(cols, q1, m, q3)
	selectRanks(scales, m, m, m)
	s.spread = (rows[q3] - rows[q1] + cols[q3] - cols[q1]) / scale
	return int(rows[m]), int(cols[m]), scales[m]
}

// selectRanks reorders a so that a[k] holds the element slices.Sort would
// put there, for k1 <= k2 <= k3 (indices of a). A NaN in a makes it sort a
// instead, as slices.Sort orders NaNs.
func selectRanks(a []float32, k1, k2, k3 int) {
	for _, v := range a {
		if v != v {
			slices.Sort(a)
			return
		}
	}
	selectNth(a, k1)
	if k2 > k1 {
		selectNth(a[k1+1:], k2-k1-1)
	}
	if k3 > k2 {
		selectNth(a[k2+1:], k3-k2-1)
	}
}

// selectNth reorders a (no NaN) so that a[k] is the element sorted order
// puts there, none of a[:k] above it and none of a[k+1:] below it
// (quickselect: median-of-three Hoare partitions, then an insertion sort
// of the few elements left about k).
func selectNth(a []float32, k int) {
	lo, hi := 0, len(a)-1
	for hi-lo > 12 {
		mid := int(uint(lo+hi) >> 1)
		if a[mid] < a[lo] {
			a[mid], a[lo] = a[lo], a[mid]
		}
		if a[hi] < a[lo] {
			a[hi], a[lo] = a[lo], a[hi]
		}
		if a[hi] < a[mid] {
			a[hi], a[mid] = a[mid], a[hi]
		}
		// a[lo] <= pivot <= a[hi] stop the scans below.
		pivot := a[mid]
		i, j := lo, hi
		for i <= j {
			for a[i] < pivot {
				i++
			}
			for a[j] > pivot {
				j--
			}
			if i <= j {
				a[i], a[j] = a[j], a[i]
				i++
				j--
			}
		}
		// Now a[lo..j] <= pivot <= a[i..hi], and a[j+1..i-1] equal it.
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return
		}
	}
	for i := lo + 1; i <= hi; i++ {
		for j := i; j > lo && a[j] < a[j-1]; j-- {
			a[j], a[j-1] = a[j-1], a[j]
		}
	}
}

// regress is pigo's PuplocCascade.classifyRegion for the n estimates in s
// at once: each stage's trees vote an offset, the estimate moves by it and
// its scale shrinks. The estimates advance in lockstep, one tree level at a
// time across all of them: each walk is a chain of dependent loads, and
// independent chains side by side overlap where one alone would wait. Each
// estimate's arithmetic is pigo's, in pigo's order.
func (lc *LocCascade) regress(p *preprocess.Plane, n int, flip bool, s *locScratch) {
	leaves := 1 << lc.depth
	nrows, ncols, dim := p.Height, p.Width, p.Stride
	pix := p.Pix
	rows, cols, scales := s.rows[:n], s.cols[:n], s.scales[:n]
	dr, dc := s.dr[:n], s.dc[:n]
	ir, ic, is, idx := s.ir[:n], s.ic[:n], s.is[:n], s.idx[:n]
	perTree := 4*leaves - 4
	for i := 0; i < lc.stages; i++ {
		for k := range rows {
			dr[k], dc[k] = 0, 0
			is[k] = int(math.Round(float64(scales[k])))
			ir[k], ic[k] = 256*int(rows[k]), 256*int(cols[k])
		}
		// When every estimate's probes (offsets of at most 128 scaled
		// units either way) stay inside the plane, the clamps cannot bite:
		// walkInside skips them and the bounds checks, with the same result.
		inside := true
		for k := range rows {
			h := 128 * is[k]
			if ir[k]-h < 0 || (ir[k]+h)>>8 > nrows-1 || ic[k]-h < 0 || (ic[k]+h)>>8 > ncols-1 {
				inside = false
				break
			}
		}
		root := i * lc.trees * perTree
		// Inside, locStage may walk the stage's trees and sum dr and dc
		// itself (in assembly); if it does not, the trees run here.
		if !inside || !locStage(lc.codes[root:root+lc.trees*perTree], lc.preds[2*lc.trees*leaves*i:2*lc.trees*leaves*(i+1)],
			p, lc.depth, lc.trees, flip, s, n) {
			for j := 0; j < lc.trees; j++ {
				clear(idx)
				codes := lc.codes[root : root+4*(leaves-1)]
				if inside {
					walkInside(codes, pix, dim, lc.depth, flip, ir, ic, is, idx)
				}
				for d := 0; d < lc.depth && !inside; d++ {
					for k, node := range idx {
						code := codes[4*node : 4*node+4]
						c1, c3 := code[1], code[3]
						if flip {
							c1, c3 = -c1, -c3 // int8 negation, wrapping at -128 as pigo's
						}
						r1 := min(nrows-1, max(0, (ir[k]+int(code[0])*is[k])>>8))
						r2 := min(nrows-1, max(0, (ir[k]+int(code[2])*is[k])>>8))
						x1 := min(ncols-1, max(0, (ic[k]+int(c1)*is[k])>>8))
						x2 := min(ncols-1, max(0, (ic[k]+int(c3)*is[k])>>8))
						idx[k] = 2*node + 1 + b2i(pix[r1*dim+x1] > pix[r2*dim+x2])
					}
				}
				base := 2 * (lc.trees*leaves*i + leaves*j - (leaves - 1))
				for k, node := range idx {
					lut := base + 2*node
					dr[k] += lc.preds[lut]
					if flip {
						dc[k] += -lc.preds[lut+1]
					} else {
						dc[k] += lc.preds[lut+1]
					}
				}
				root += perTree
			}
		}
		for k := range rows {
			rows[k] += dr[k] * scales[k]
			cols[k] += dc[k] * scales[k]
			scales[k] *= lc.scale
		}
	}
}

// walkInside walks one tree for every estimate, level by level, when all
// probes are known to be inside pix (see regress): no clamps, and unchecked
// loads of the pixels and codes (node < 2^depth - 1, the codes' length / 4).
func walkInside(codes []int8, pix []byte, dim, depth int, flip bool, ir, ic, is, idx []int) {
	cb := unsafe.Pointer(unsafe.SliceData(codes))
	pb := unsafe.Pointer(unsafe.SliceData(pix))
	n := len(idx)
	ir, ic, is = ir[:n], ic[:n], is[:n]
	for range depth {
		for k := 0; k < n; k++ {
			node := idx[k]
			code := (*[4]int8)(unsafe.Add(cb, 4*node))
			c1, c3 := code[1], code[3]
			if flip {
				c1, c3 = -c1, -c3
			}
			r, c, sc := ir[k], ic[k], is[k]
			o1 := ((r+int(code[0])*sc)>>8)*dim + (c+int(c1)*sc)>>8
			o2 := ((r+int(code[2])*sc)>>8)*dim + (c+int(c3)*sc)>>8
			p1 := *(*byte)(unsafe.Add(pb, o1))
			p2 := *(*byte)(unsafe.Add(pb, o2))
			idx[k] = 2*node + 1 + b2i(p1 > p2)
		}
	}
}
