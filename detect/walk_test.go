package detect

import (
	"fmt"
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

// checkStep runs trees i to i+trees-1 of the face cascade, with the last
// one's threshold, on the windows of c with treeStep (given spare
// capacity) and with treeStepGeneric, and fails unless both keep the same
// windows with bit-identical scores. It returns the generic result, for
// chaining trees.
func checkStep(t *testing.T, s *Scanner, p preprocess.Plane, scale, i, trees int, c stepCase, spare int, what string) stepCase {
	t.Helper()
	fc := s.c
	leaves := 1 << fc.depth
	tab := s.fullTable(p.Stride, scale)[leaves*i : leaves*(i+trees)]
	preds := fc.preds[leaves*i : leaves*(i+trees)]
	thr := fc.thresholds[i+trees-1]
	a, g := c.clone(spare), c.clone(0)
	idx := make([]int32, len(c.centre))
	la := treeStep(a.centre, a.win, a.out, idx, tab, preds, thr, p.Pix, fc.depth, trees)
	lg := treeStepGeneric(g.centre, g.win, g.out, idx, tab, preds, thr, p.Pix, fc.depth, trees)
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

// keepKernels are the values of keepKernel this CPU can run, keep16's
// first.
func keepKernels() []bool {
	if keepKernel {
		return []bool{true, false}
	}
	return []bool{false}
}

// TestTreeStepTwins checks that the tree step the scan uses (step11 and
// keep16 or keepGeneric on amd64, each the CPU can run) keeps exactly the
// windows, in the same order and with the same scores, as the pure-Go
// twin: on random and real planes, strided planes, window counts around
// multiples of eight, nine, eleven and sixteen (padded and unpadded
// tails), and every tree of the cascade in turn.
func TestTreeStepTwins(t *testing.T) {
	defer func(v bool) { keepKernel = v }(keepKernel)
	for _, kk := range keepKernels() {
		keepKernel = kk
		t.Run(fmt.Sprintf("keep16=%v", kk), testTreeStepTwins)
	}
}

func testTreeStepTwins(t *testing.T) {
	s := NewScanner(mustCascades(t).Face)
	rng := rand.New(rand.NewPCG(3, 5))

	random := randomPlane(rng, 151, 97) // stride > width
	real := testLuma(t, "faces/pigo-sample.jpg")
	for _, pc := range []struct {
		name string
		p    preprocess.Plane
	}{{"random", random}, {"real", real}} {
		p := pc.p
		for _, n := range []int{1, 2, 7, 8, 9, 10, 11, 12, 15, 16, 17, 18, 19, 21, 22, 23, 31, 32, 33, 100, 333} {
			for _, spare := range []int{0, stepPad} {
				scale := 20 + rng.IntN(min(p.Width, p.Height)-22)
				c := randomWindows(rng, p, scale, n)
				i := rng.IntN(s.c.trees)
				trees := 1 + rng.IntN(min(12, s.c.trees-i))
				checkStep(t, s, p, scale, i, 1, c, spare, pc.name)
				checkStep(t, s, p, scale, i, trees, c, spare, pc.name+" trees")
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
			treeLevelsGeneric(idx, c.centre, s.fullTable(p.Stride, scale)[leaves*i:leaves*(i+1)], p.Pix, s.c.depth)
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
			checkStep(t, s, p, scale, i, 1, c, stepPad, pc.name+" ties")
		}
		// A batch through the whole cascade, as a scan runs it.
		scale := 24 + rng.IntN(min(p.Width, p.Height)/2)
		c := randomWindows(rng, p, scale, 2051)
		c0 := c.clone(0)
		for i := range s.c.trees {
			if len(c.centre) == 0 {
				break
			}
			c = checkStep(t, s, p, scale, i, 1, c, stepPad, pc.name+" cascade")
		}
		// The same batch by stages (FaceCascade.ends), as the scan runs
		// it: the same survivors with the same scores as tree by tree.
		checkStages(t, s, p, scale, c0, c, pc.name)
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
	c0 := c.clone(0)
	for i := range s.c.trees {
		if len(c.centre) == 0 {
			break
		}
		c = checkStep(t, s, real, scale, i, 1, c, stepPad, "real grid")
		deepest = i
	}
	if deepest < s.c.trees-1 {
		t.Errorf("no window of the face photograph passed the whole cascade (stopped at tree %d)", deepest)
	}
	if !slices.IsSorted(c.win) {
		t.Errorf("survivors out of order: %v", c.win)
	}
	checkStages(t, s, real, scale, c0, c, "real grid")
}

// checkStages runs the windows of c0 through the cascade by stages (the
// trees up to each of FaceCascade.ends in one treeStep, checked against
// treeStepGeneric) and fails unless the survivors are want's, the windows
// and bit-identical scores tree by tree with every threshold.
func checkStages(t *testing.T, s *Scanner, p preprocess.Plane, scale int, c0, want stepCase, what string) {
	t.Helper()
	if len(s.c.ends) >= s.c.trees || s.c.ends[len(s.c.ends)-1] != int32(s.c.trees-1) {
		t.Fatalf("stage ends %v of %d trees: none skipped, or the last missing", s.c.ends, s.c.trees)
	}
	// The figures FaceCascade.stageEnds's doc and the README give for
	// pigo's facefinder.
	if len(s.c.ends) != 125 || s.c.trees != 468 {
		t.Errorf("facefinder: %d stage ends among %d trees, want 125 among 468", len(s.c.ends), s.c.trees)
	}
	c, first := c0, 0
	for _, e := range s.c.ends {
		if len(c.centre) == 0 {
			break
		}
		c = checkStep(t, s, p, scale, first, int(e)+1-first, c, stepPad, what+" stages")
		first = int(e) + 1
	}
	if !slices.Equal(c.centre, want.centre) || !slices.Equal(c.win, want.win) || !slices.Equal(c.out, want.out) {
		t.Fatalf("%s: by stages %d survivors %v %v, tree by tree %d %v %v", what, len(c.win), c.win, c.out, len(want.win), want.win, want.out)
	}
	// Stages from the live windows' lowest score (as scanRows bounds few
	// windows): longer, and the same survivors.
	c, first = c0, 0
	steps := 0
	for first < s.c.trees && len(c.centre) > 0 {
		lo := float32(0)
		if len(c.out) > 0 {
			lo = slices.Min(c.out)
		}
		e := s.c.stageEnd(first, lo)
		c = checkStep(t, s, p, scale, first, e+1-first, c, stepPad, what+" lowest-score stages")
		first, steps = e+1, steps+1
	}
	if !slices.Equal(c.centre, want.centre) || !slices.Equal(c.win, want.win) || !slices.Equal(c.out, want.out) {
		t.Fatalf("%s: by lowest-score stages (%d steps) %d survivors %v %v, tree by tree %d %v %v", what, steps, len(c.win), c.win, c.out, len(want.win), want.win, want.out)
	}
}

// TestTreeStepAllocs checks that a tree step allocates nothing.
func TestTreeStepAllocs(t *testing.T) {
	s := NewScanner(mustCascades(t).Face)
	p := testLuma(t, "faces/pigo-sample.jpg")
	rng := rand.New(rand.NewPCG(1, 2))
	c := randomWindows(rng, p, 60, 123).clone(stepPad)
	tab := s.fullTable(p.Stride, 60)[:1<<s.c.depth]
	idx := make([]int32, len(c.centre))
	allocs := testing.AllocsPerRun(50, func() {
		treeStep(c.centre, c.win, c.out, idx, tab, s.c.preds[:1<<s.c.depth], -100, p.Pix, s.c.depth, 1)
	})
	if allocs != 0 {
		t.Errorf("treeStep: %v allocations, want 0", allocs)
	}
}

// TestTreeStepDepths checks treeStep against treeStepGeneric on random
// trees of every depth from 1 (where step11 walks only the first level) to
// maxTreeDepth, random pixels, probes and leaf predictions, and window
// counts around the kernel's group size.
func TestTreeStepDepths(t *testing.T) {
	defer func(v bool) { keepKernel = v }(keepKernel)
	for _, kk := range keepKernels() {
		keepKernel = kk
		t.Run(fmt.Sprintf("keep16=%v", kk), testTreeStepDepths)
	}
}

func testTreeStepDepths(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	const w, h, stride, r = 61, 53, 67, 12 // probes within r pixels of a centre
	pix := make([]byte, h*stride)
	for k := range pix {
		pix[k] = byte(rng.IntN(8)) // few levels: many ties
	}
	for depth := 1; depth <= maxTreeDepth; depth++ {
		leaves := 1 << depth
		trees := 1 + depth%4 // 1 to 4 trees in one step
		probes := make([]uint64, trees*leaves)
		for k := range probes {
			if k%leaves == 0 {
				continue // node 0 is unused
			}
			a := int32((rng.IntN(2*r+1)-r)*stride + rng.IntN(2*r+1) - r)
			b := int32((rng.IntN(2*r+1)-r)*stride + rng.IntN(2*r+1) - r)
			probes[k] = uint64(uint32(a)) | uint64(uint32(b))<<32
		}
		preds := make([]float32, trees*leaves)
		for k := range preds {
			preds[k] = float32(rng.NormFloat64())
		}
		for _, n := range []int{1, 8, 9, 10, 11, 12, 15, 16, 17, 21, 22, 23, 100} {
			c := stepCase{make([]int32, n), make([]int32, n), make([]float32, n)}
			for k := range n {
				c.centre[k] = int32((r+rng.IntN(h-2*r))*stride + r + rng.IntN(w-2*r))
				c.win[k] = int32(k)
				c.out[k] = float32(rng.NormFloat64())
			}
			a, g := c.clone(stepPad), c.clone(0)
			idx := make([]int32, n)
			la := treeStep(a.centre, a.win, a.out, idx, probes, preds, 0, pix, depth, trees)
			lg := treeStepGeneric(g.centre, g.win, g.out, idx, probes, preds, 0, pix, depth, trees)
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

// TestKeepTwins checks keep (keep16 where the CPU has AVX-512) against
// keepGeneric: window counts from 0 to 50 and around multiples of 16,
// scores above, below and on the threshold, infinities and NaNs (never
// kept), zeros of both signs against a zero threshold, all or none kept;
// the slots past the windows (capacity) stay untouched.
func TestKeepTwins(t *testing.T) {
	defer func(v bool) { keepKernel = v }(keepKernel)
	rng := rand.New(rand.NewPCG(61, 67))
	const guard = 16
	for _, kk := range keepKernels() {
		keepKernel = kk
		ns := []int{63, 64, 65, 100, 333}
		for n := range 51 {
			ns = append(ns, n)
		}
		for _, n := range ns {
			for mode := range 5 {
				thr := float32(rng.NormFloat64())
				if mode == 3 {
					thr = 0
				}
				c := stepCase{make([]int32, n, n+guard), make([]int32, n, n+guard), make([]float32, n, n+guard)}
				for k := range n {
					c.centre[k], c.win[k] = rng.Int32(), int32(k)
					switch o := &c.out[k]; mode {
					case 0: // at random, some on thr
						*o = float32(rng.NormFloat64())
						if rng.IntN(4) == 0 {
							*o = thr
						}
					case 1: // all above
						*o = thr + 1 + rng.Float32()
					case 2: // none above
						*o = thr - rng.Float32()
					case 3: // zeros, infinities, NaNs
						*o = []float32{0, float32(math.Copysign(0, -1)), float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()), 1e-30}[rng.IntN(6)]
					default: // one in eight above
						*o = thr - 1
						if rng.IntN(8) == 0 {
							*o = thr + 1e-3
						}
					}
				}
				for _, s := range [][]int32{c.centre[n : n+guard], c.win[n : n+guard]} {
					for k := range s {
						s[k] = -7
					}
				}
				for k := range guard {
					c.out[n : n+guard][k] = -7
				}
				g := c.clone(0)
				la := keep(c.centre, c.win, c.out, thr)
				lg := keepGeneric(g.centre, g.win, g.out, thr)
				what := fmt.Sprintf("keep16 %v, %d windows, mode %d", kk, n, mode)
				if la != lg {
					t.Fatalf("%s: kept %d, generic %d", what, la, lg)
				}
				for k := range lg {
					if c.centre[k] != g.centre[k] || c.win[k] != g.win[k] || math.Float32bits(c.out[k]) != math.Float32bits(g.out[k]) {
						t.Fatalf("%s, kept window %d: (%d, %d, %v), generic (%d, %d, %v)", what, k, c.centre[k], c.win[k], c.out[k], g.centre[k], g.win[k], g.out[k])
					}
				}
				for k := range guard {
					if c.centre[n : n+guard][k] != -7 || c.win[n : n+guard][k] != -7 || c.out[n : n+guard][k] != -7 {
						t.Fatalf("%s: slot %d past the windows written", what, n+k)
					}
				}
			}
		}
	}
}

// TestFirstTreeTwins checks the first tree along a row (firstTree: each of
// first64 and first32 the CPU can run) against firstGeneric: on random and
// real planes, at
// scales whose windows are 1 to 3 positions apart and random patterns of
// windows, runs of 32 to 320 positions, from a slot after earlier
// survivors, with and without spare capacity past them (first64 stores 16
// slots at a time; without, first32 runs); and firstTreeRow, whose odd
// tails are walked one by one, against treeStepGeneric on the row's
// windows.
func TestFirstTreeTwins(t *testing.T) {
	s := NewScanner(mustCascades(t).Face)
	if !s.lutOK {
		t.Fatalf("the face cascade has no first-tree table (depth %d, first end %d)", s.c.depth, s.c.ends[0])
	}
	rng := rand.New(rand.NewPCG(13, 17))
	random := randomPlane(rng, 419, 211) // stride > width
	real := testLuma(t, "faces/pigo-sample.jpg")
	leaves := 1 << s.c.depth
	for _, pc := range []struct {
		name string
		p    preprocess.Plane
	}{{"random", random}, {"real", real}} {
		p := pc.p
		for trial := range 60 {
			scale := 20 + rng.IntN(min(p.Width, p.Height)/3)
			off := scale/2 + 1
			npos := p.Width - 2*off + 1
			n := min(npos&^31, 32*(1+rng.IntN(10)))
			if n < 32 {
				continue
			}
			row := off + rng.IntN(p.Height-2*off+1)
			c0 := off + rng.IntN(npos-n+1)
			base := row*p.Stride + c0
			pat := make([]uint32, n/32)
			step := 1 + trial%4
			for b := range pat {
				if step == 4 {
					pat[b] = rng.Uint32() // any pattern
					continue
				}
				for i := range 32 {
					if (32*b+i)%step == 0 {
						pat[b] |= 1 << i
					}
				}
			}
			probes := s.fullTable(p.Stride, scale)[:leaves]
			live := rng.IntN(5)
			// With spare capacity past the windows (first64's stores of 16
			// slots) on odd trials, without (first32 for the whole run)
			// on even ones.
			spare := trial % 2 * stepPad
			mk := func() stepCase {
				m := live + n
				return stepCase{make([]int32, m, m+spare), make([]int32, m, m+spare), make([]float32, m, m+spare)}
			}
			winBase := rng.IntN(1000)
			g := mk()
			lg := firstGeneric(g.centre, g.win, g.out, live, p.Pix, base, n, winBase, probes, s.c.preds, &s.lut, pat)
			for _, kern := range firstKernels() {
				firstKernel = kern
				a := mk()
				la := firstTree(a.centre, a.win, a.out, live, p.Pix, base, n, winBase, probes, s.c.preds, &s.lut, pat)
				if la != lg {
					t.Fatalf("%s: kernel %d, scale %d, %d positions: firstTree kept %d, firstGeneric %d", pc.name, kern, scale, n, la, lg)
				}
				for k := range lg {
					if a.centre[k] != g.centre[k] || a.win[k] != g.win[k] || math.Float32bits(a.out[k]) != math.Float32bits(g.out[k]) {
						t.Fatalf("%s: kernel %d, scale %d, kept window %d: firstTree (%d, %d, %v), firstGeneric (%d, %d, %v)",
							pc.name, kern, scale, k, a.centre[k], a.win[k], a.out[k], g.centre[k], g.win[k], g.out[k])
					}
				}
			}
			firstKernel = firstKernels()[0]

			// firstTreeRow over the whole row (an odd tail past the last
			// 32 positions) against the first tree window by window.
			step = 1 + trial%3
			perRow := (npos-1)/step + 1
			s.row.grow(perRow)
			got := s.firstTreeRow(0, p, probes, row*p.Stride+off, npos, step, 0)
			w := stepCase{make([]int32, perRow, perRow+stepPad), make([]int32, perRow, perRow+stepPad), make([]float32, perRow, perRow+stepPad)}
			for k := range perRow {
				w.centre[k], w.win[k] = int32(row*p.Stride+off+k*step), int32(k*step)
			}
			idx := make([]int32, perRow)
			want := treeStepGeneric(w.centre, w.win, w.out, idx, probes, s.c.preds[:leaves], s.c.thresholds[0], p.Pix, s.c.depth, 1)
			if got != want || !slices.Equal(s.row.centre[:got], w.centre[:want]) || !slices.Equal(s.row.win[:got], w.win[:want]) || !slices.Equal(s.row.out[:got], w.out[:want]) {
				t.Fatalf("%s: scale %d, step %d, %d positions: firstTreeRow kept %d, the first tree %d", pc.name, scale, step, npos, got, want)
			}
		}
	}
}

// TestDealTwins checks dealRow (deal2 to deal6 where the CPU runs them,
// dealGeneric past their whole blocks) against the split written out, on
// random and real rows of every length from 1 to 300 (odd tails past the
// last block of 16*step columns) and steps 1 to 9, kernels on and off.
func TestDealTwins(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 7))
	real := testLuma(t, "faces/pigo-sample.jpg")
	defer func(v bool) { dealKernel = v }(dealKernel)
	for _, kern := range []bool{true, false} {
		dealKernel = kern && dealKernel
		for n := 1; n <= min(300, real.Width); n++ {
			src := make([]byte, n)
			if n%2 == 0 {
				copy(src, real.Row(rng.IntN(real.Height))[real.Width-n:])
			} else {
				for k := range src {
					src[k] = byte(rng.Uint32())
				}
			}
			for step := 1; step <= 9; step++ {
				w := (n+step-1)/step + rng.IntN(3) // w may exceed ceil(n/step)
				got := make([]byte, step*w)
				want := make([]byte, step*w)
				for k := range got {
					got[k] = byte(k)
					want[k] = byte(k) // columns past the row stay as they are
				}
				for m := 0; m*step < n; m++ {
					for j := range step {
						if m*step+j < n {
							want[j*w+m] = src[m*step+j]
						}
					}
				}
				dealRow(got, src, w, step)
				if !slices.Equal(got, want) {
					t.Fatalf("kernels %v, %d columns, step %d, w %d: dealRow differs from the split", kern, n, step, w)
				}
				g2 := slices.Clone(want)
				dealGeneric(g2, src, w, step, 0)
				if !slices.Equal(g2, want) {
					t.Fatalf("%d columns, step %d: dealGeneric differs from the split", n, step)
				}
			}
		}
	}
}

// TestPhaseRowTwins: the first tree walked on the plane split by phase
// (phasePlane, phaseProbes, phaseRow, each first-tree kernel the CPU runs)
// keeps the windows, numbers, centres and scores of treeStepGeneric's
// first tree on the row's windows, on random and real planes, at steps 2
// to 12 (the deal kernels' and past them).
func TestPhaseRowTwins(t *testing.T) {
	s := NewScanner(mustCascades(t).Face)
	if !s.lutOK {
		t.Fatal("the face cascade has no first-tree table")
	}
	rng := rand.New(rand.NewPCG(23, 29))
	random := randomPlane(rng, 727, 301) // stride > width
	real := testLuma(t, "faces/pigo-sample.jpg")
	leaves := 1 << s.c.depth
	defer func(k int, d bool) { firstKernel, dealKernel = k, d }(firstKernel, dealKernel)
	for _, pc := range []struct {
		name string
		p    preprocess.Plane
	}{{"random", random}, {"real", real}} {
		p := pc.p
		for trial := range 66 {
			step := 2 + trial%11
			scale := int(float64(step) / 0.1)
			scale += rng.IntN(int(float64(step+1)/0.1) - scale)
			off := scale/2 + 1
			perRow := (p.Width-2*off)/step + 1
			if perRow < 32 || p.Height < 2*off {
				continue
			}
			row := off + rng.IntN(p.Height-2*off+1)
			probes := s.fullTable(p.Stride, scale)[:leaves]
			w := stepCase{make([]int32, perRow, perRow+stepPad), make([]int32, perRow, perRow+stepPad), make([]float32, perRow, perRow+stepPad)}
			winBase := rng.IntN(1000)
			for k := range perRow {
				w.centre[k], w.win[k] = int32(row*p.Stride+off+k*step), int32(winBase+k)
			}
			idx := make([]int32, perRow)
			want := treeStepGeneric(w.centre, w.win, w.out, idx, probes, s.c.preds[:leaves], s.c.thresholds[0], p.Pix, s.c.depth, 1)
			for _, kern := range firstKernels() {
				firstKernel, dealKernel = kern, kern != firstGo
				s.phaseStep = 0
				q, qs := s.phasePlane(p, step)
				live := rng.IntN(5)
				s.row.grow(live + perRow)
				got := s.phaseRow(live, p.Stride, q, s.phaseProbes(scale, off, step, qs), row, off, perRow, step, winBase) - live
				if got != want || !slices.Equal(s.row.centre[live:live+got], w.centre[:want]) || !slices.Equal(s.row.win[live:live+got], w.win[:want]) ||
					!slices.Equal(s.row.out[live:live+got], w.out[:want]) {
					t.Fatalf("%s: kernel %d, scale %d, step %d, %d windows: phaseRow kept %d, the first tree %d", pc.name, kern, scale, step, perRow, got, want)
				}
			}
		}
	}
}

// TestDealRowStaysInDst: dealRow given w below ceil(len(src)/step) (its
// precondition broken) may panic, as dealGeneric's bounds checks do, but
// must not write past dst: the kernels' overlapping last block is only run
// where it fits (m1+16 <= w), as the whole blocks are (16*blocks <= w).
func TestDealRowStaysInDst(t *testing.T) {
	defer func(v bool) { dealKernel = v }(dealKernel)
	for _, kern := range []bool{true, false} {
		dealKernel = kern && dealKernel
		for step := dealMin; step <= dealMax; step++ {
			for n := 16 * step; n <= 40*step; n++ {
				for w := 16 * (n / (16 * step)); w < (n+step-1)/step; w++ {
					src := make([]byte, n)
					for k := range src {
						src[k] = byte(k%251 + 1)
					}
					buf := make([]byte, step*w+64)
					func() {
						defer func() { _ = recover() }()
						dealRow(buf[:step*w:step*w], src, w, step)
					}()
					for k := step * w; k < len(buf); k++ {
						if buf[k] != 0 {
							t.Fatalf("kernels %v, step %d, %d columns, w %d: byte %d past dst written", kern, step, n, w, k-step*w)
						}
					}
				}
			}
		}
	}
}
