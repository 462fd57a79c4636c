package detect

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/facegate/facegate/preprocess"
)

// stepCase is one batch of windows for treeStep: copies go to the variant
// under test and to treeStepGeneric.
type stepCase struct {
	centre, win []int32
	out         []float32
}

// clone returns a copy of c whose slices have capacity spare beyond their
// length.
func (c stepCase) clone(spare int) stepCase {
	n := len(c.centre)
	d := stepCase{make([]int32, n, n+spare), make([]int32, n, n+spare), make([]float32, n, n+spare)}
	copy(d.centre, c.centre)
	copy(d.win, c.win)
	copy(d.out, c.out)
	return d
}

// randomWindows returns n windows of the given scale at random valid
// positions of p, numbered 0..n-1, with scores drawn around 0.
func randomWindows(rng *rand.Rand, p preprocess.Plane, scale, n int) stepCase {
	off := scale/2 + 1
	c := stepCase{make([]int32, n), make([]int32, n), make([]float32, n)}
	for k := range n {
		r := off + rng.IntN(p.Height-2*off+1)
		col := off + rng.IntN(p.Width-2*off+1)
		c.centre[k] = int32(r*p.Stride + col)
		c.win[k] = int32(k)
		c.out[k] = float32(rng.NormFloat64() * 2)
	}
	return c
}

// checkStep runs tree i of the face cascade on the windows of c with
// treeStep (given spare capacity) and with treeStepGeneric, and fails
// unless both keep the same windows with bit-identical scores. It returns
// the generic result, for chaining trees.
func checkStep(t *testing.T, s *Scanner, p preprocess.Plane, scale, i int, c stepCase, spare int, what string) stepCase {
	t.Helper()
	fc := s.c
	leaves := 1 << fc.depth
	tab := s.table(p.Stride, scale)[leaves*i : leaves*(i+1)]
	preds := fc.preds[leaves*i : leaves*(i+1)]
	thr := fc.thresholds[i]
	a, g := c.clone(spare), c.clone(0)
	idx := make([]int32, len(c.centre))
	la := treeStep(a.centre, a.win, a.out, idx, tab, preds, thr, p.Pix, fc.depth)
	lg := treeStepGeneric(g.centre, g.win, g.out, idx, tab, preds, thr, p.Pix, fc.depth)
	if la != lg {
		t.Fatalf("%s: tree %d of %d windows: treeStep kept %d, generic %d", what, i, len(c.centre), la, lg)
	}
	for k := range lg {
		if a.centre[k] != g.centre[k] || a.win[k] != g.win[k] || math.Float32bits(a.out[k]) != math.Float32bits(g.out[k]) {
			t.Fatalf("%s: tree %d, kept window %d: treeStep (%d, %d, %v), generic (%d, %d, %v)",
				what, i, k, a.centre[k], a.win[k], a.out[k], g.centre[k], g.win[k], g.out[k])
		}
	}
	return stepCase{g.centre[:lg], g.win[:lg], g.out[:lg]}
}

// TestTreeStepTwins checks that the tree step the scan uses (step9 on amd64)
// keeps exactly the windows, in the same order and with the same scores, as
// the pure-Go twin: on random and real planes, strided planes, window
// counts around multiples of eight and nine (padded and unpadded tails), and every
// tree of the cascade in turn.
func TestTreeStepTwins(t *testing.T) {
	s := NewScanner(mustCascades(t).Face)
	rng := rand.New(rand.NewPCG(3, 5))

	random := preprocess.GrayPlane(make([]byte, 157*97), 157, 151, 97) // stride > width
	for k := range random.Pix {
		random.Pix[k] = byte(rng.Uint32())
	}
	real := testLuma(t, "faces/pigo-sample.jpg")
	for _, pc := range []struct {
		name string
		p    preprocess.Plane
	}{{"random", random}, {"real", real}} {
		p := pc.p
		for _, n := range []int{1, 2, 7, 8, 9, 10, 15, 16, 17, 18, 19, 31, 100, 333} {
			for _, spare := range []int{0, stepPad} {
				scale := 20 + rng.IntN(min(p.Width, p.Height)-22)
				c := randomWindows(rng, p, scale, n)
				i := rng.IntN(s.c.trees)
				checkStep(t, s, p, scale, i, c, spare, pc.name)
			}
		}
		// Ties: windows whose score lands exactly on the threshold are
		// dropped (pigo keeps a window only above it).
		{
			scale := 40
			c := randomWindows(rng, p, scale, 64)
			i := rng.IntN(s.c.trees)
			leaves := 1 << s.c.depth
			idx := make([]int32, len(c.centre))
			treeLevelsGeneric(idx, c.centre, s.table(p.Stride, scale)[leaves*i:leaves*(i+1)], p.Pix, s.c.depth)
			thr, ties := s.c.thresholds[i], 0
			for k := range c.out {
				pred := s.c.preds[leaves*i+int(idx[k])-leaves]
				if o := thr - pred; k%2 == 0 && o+pred == thr {
					c.out[k] = o
					ties++
				}
			}
			if ties == 0 {
				t.Fatal("no exact ties made")
			}
			checkStep(t, s, p, scale, i, c, stepPad, pc.name+" ties")
		}
		// A batch through the whole cascade, as a scan runs it.
		scale := 24 + rng.IntN(min(p.Width, p.Height)/2)
		c := randomWindows(rng, p, scale, 2051)
		for i := range s.c.trees {
			if len(c.centre) == 0 {
				break
			}
			c = checkStep(t, s, p, scale, i, c, stepPad, pc.name+" cascade")
		}
	}

	// The real plane's every window at one scale, from a zero score: the
	// windows over the face survive deep into the cascade.
	scale := 230 // the face is about 240 px
	off := scale/2 + 1
	var c stepCase
	for r := off; r <= real.Height-off; r += 2 {
		for col := off; col <= real.Width-off; col += 2 {
			c.centre = append(c.centre, int32(r*real.Stride+col))
			c.win = append(c.win, int32(len(c.win)))
			c.out = append(c.out, 0)
		}
	}
	deepest := 0
	for i := range s.c.trees {
		if len(c.centre) == 0 {
			break
		}
		c = checkStep(t, s, real, scale, i, c, stepPad, "real grid")
		deepest = i
	}
	if deepest < s.c.trees-1 {
		t.Errorf("no window of the face photograph passed the whole cascade (stopped at tree %d)", deepest)
	}
	if !slices.IsSorted(c.win) {
		t.Errorf("survivors out of order: %v", c.win)
	}
}

// TestTreeStepAllocs checks that a tree step allocates nothing.
func TestTreeStepAllocs(t *testing.T) {
	s := NewScanner(mustCascades(t).Face)
	p := testLuma(t, "faces/pigo-sample.jpg")
	rng := rand.New(rand.NewPCG(1, 2))
	c := randomWindows(rng, p, 60, 123).clone(stepPad)
	tab := s.table(p.Stride, 60)[:1<<s.c.depth]
	idx := make([]int32, len(c.centre))
	allocs := testing.AllocsPerRun(50, func() {
		treeStep(c.centre, c.win, c.out, idx, tab, s.c.preds[:1<<s.c.depth], -100, p.Pix, s.c.depth)
	})
	if allocs != 0 {
		t.Errorf("treeStep: %v allocations, want 0", allocs)
	}
}

// TestTreeStepDepths checks treeStep against treeStepGeneric on random
// trees of every depth from 1 (where step9 walks only the first level) to
// maxTreeDepth, random pixels, probes and leaf predictions, and window
// counts around the kernel's group size.
func TestTreeStepDepths(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	const w, h, stride, r = 61, 53, 67, 12 // probes within r pixels of a centre
	pix := make([]byte, h*stride)
	for k := range pix {
		pix[k] = byte(rng.IntN(8)) // few levels: many ties
	}
	for depth := 1; depth <= maxTreeDepth; depth++ {
		leaves := 1 << depth
		probes := make([]uint64, leaves)
		for k := 1; k < leaves; k++ {
			a := int32((rng.IntN(2*r+1)-r)*stride + rng.IntN(2*r+1) - r)
			b := int32((rng.IntN(2*r+1)-r)*stride + rng.IntN(2*r+1) - r)
			probes[k] = uint64(uint32(a)) | uint64(uint32(b))<<32
		}
		preds := make([]float32, leaves)
		for k := range preds {
			preds[k] = float32(rng.NormFloat64())
		}
		for _, n := range []int{1, 8, 9, 10, 17, 18, 19, 100} {
			c := stepCase{make([]int32, n), make([]int32, n), make([]float32, n)}
			for k := range n {
				c.centre[k] = int32((r+rng.IntN(h-2*r))*stride + r + rng.IntN(w-2*r))
				c.win[k] = int32(k)
				c.out[k] = float32(rng.NormFloat64())
			}
			a, g := c.clone(stepPad), c.clone(0)
			idx := make([]int32, n)
			la := treeStep(a.centre, a.win, a.out, idx, probes, preds, 0, pix, depth)
			lg := treeStepGeneric(g.centre, g.win, g.out, idx, probes, preds, 0, pix, depth)
			if la != lg {
				t.Fatalf("depth %d, %d windows: treeStep kept %d, generic %d", depth, n, la, lg)
			}
			for k := range lg {
				if a.centre[k] != g.centre[k] || a.win[k] != g.win[k] || math.Float32bits(a.out[k]) != math.Float32bits(g.out[k]) {
					t.Fatalf("depth %d, %d windows, kept window %d: treeStep (%d, %d, %v), generic (%d, %d, %v)",
						depth, n, k, a.centre[k], a.win[k], a.out[k], g.centre[k], g.win[k], g.out[k])
				}
			}
		}
	}
}
