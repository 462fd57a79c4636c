//go:build amd64 && !purego && !noasm

package detect

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/facegate/facegate/preprocess"
)

// randomLoc returns a localisation cascade of random codes (the whole int8
// range, -128 included) and random offsets.
func randomLoc(rng *rand.Rand, stages, trees, depth int) *LocCascade {
	leaves := 1 << depth
	lc := &LocCascade{stages: stages, trees: trees, depth: depth, scale: 0.7 + 0.3*rng.Float32(),
		codes: make([]int8, stages*trees*(4*leaves-4)), preds: make([]float32, stages*trees*2*leaves)}
	for k := range lc.codes {
		lc.codes[k] = int8(rng.Uint32())
	}
	for k := range lc.preds {
		lc.preds[k] = float32(rng.NormFloat64() * 0.05)
	}
	return lc
}

// insideLanes returns n estimates (ir, ic, is, as regress computes them)
// whose every probe is inside p and below its top row, the lanes locStage8
// accepts, with is at most maxIs.
func insideLanes(rng *rand.Rand, p preprocess.Plane, n, maxIs int) (ir, ic, is []int) {
	lim := min(p.Height-2, p.Width-1, maxIs)
	for range n {
		s := rng.IntN(lim + 1)
		lo, hi := 128*s+256, 256*p.Height-1-128*s
		ir = append(ir, lo+rng.IntN(hi-lo+1))
		lo, hi = 128*s, 256*p.Width-1-128*s
		ic = append(ic, lo+rng.IntN(hi-lo+1))
		is = append(is, s)
	}
	return ir, ic, is
}

// kernels returns the kernels locStage can run on this CPU, the best first.
func kernels() []int { return locKernels() }

// kernelName names a kernel for failure messages.
var kernelName = [...]string{locGo: "Go", locAVX2: "locStage8", locAVX2Loads: "locStage8L"}

// checkStage runs stage i of lc on the estimates with kernel kern and with
// the Go twin (walkInside and regress's sums, tree by tree), and fails
// unless the last tree's leaves and the summed offsets are identical.
func checkStage(t *testing.T, kern int, lc *LocCascade, i int, p preprocess.Plane, ir, ic, is []int, flip bool, what string) {
	t.Helper()
	n := len(ir)
	leaves := 1 << lc.depth
	per := 4*leaves - 4
	codes := lc.codes[i*lc.trees*per : (i+1)*lc.trees*per]
	preds := lc.preds[2*lc.trees*leaves*i : 2*lc.trees*leaves*(i+1)]

	idx := make([]int, n)
	dr, dc := make([]float32, n), make([]float32, n)
	for j := range lc.trees {
		clear(idx)
		walkInside(codes[j*per:(j+1)*per], p.Pix, p.Stride, lc.depth, flip, ir, ic, is, idx)
		base := 2*leaves*j - 2*(leaves-1)
		for k, node := range idx {
			dr[k] += preds[base+2*node]
			if flip {
				dc[k] += -preds[base+2*node+1]
			} else {
				dc[k] += preds[base+2*node+1]
			}
		}
	}

	m := (n + 7) &^ 7
	ir32, ic32, is32, idx32 := make([]int32, m), make([]int32, m), make([]int32, m), make([]int32, m)
	dr32, dc32 := make([]float32, m), make([]float32, m)
	for k := range m {
		j := min(k, n-1)
		ir32[k], ic32[k], is32[k] = int32(ir[j]), int32(ic[j]), int32(is[j])
	}
	csign, fsign := uint32(0x01010101), uint32(0)
	if flip {
		csign, fsign = 0xff01ff01, 1<<31
	}
	stage := locStage8
	if kern == locAVX2Loads {
		stage = locStage8L
	}
	stage(codes, preds, p.Pix, p.Stride, lc.depth, lc.trees, m, csign, fsign, ir32, ic32, is32, idx32, dr32, dc32)
	for k := range n {
		if int(idx32[k]) != idx[k] || math.Float32bits(dr32[k]) != math.Float32bits(dr[k]) || math.Float32bits(dc32[k]) != math.Float32bits(dc[k]) {
			t.Fatalf("%s: %s, stage %d, %d estimates, depth %d, flip %v: estimate %d (%d, %d, %d): leaf %d (%v, %v), Go %d (%v, %v)",
				what, kernelName[kern], i, n, lc.depth, flip, k, ir[k], ic[k], is[k], idx32[k], dr32[k], dc32[k], idx[k], dr[k], dc[k])
		}
	}
}

// TestLocStageTwins checks that locStage8 and locStage8L walk the trees of
// a localisation stage to the same leaves, and sum the same offsets bit for
// bit, as the Go twin: random codes and offsets at depths 1 to 9 (from depth 5 it picks the
// first five levels' codes from registers), random and real planes
// (strides beyond the width, odd sizes), 1 to 70 estimates (every tail of
// a group of eight), mirrored and not, and the real pupil and landmark
// cascades on the real plane.
func TestLocStageTwins(t *testing.T) {
	ks := kernels()
	if len(ks) == 0 {
		t.Log("no AVX2: locStage runs the Go twin only")
		return
	}
	rng := rand.New(rand.NewPCG(7, 11))
	real := testLuma(t, "faces/pigo-sample.jpg")
	for n := 1; n <= 70; n++ {
		for _, flip := range []bool{false, true} {
			for _, kern := range ks {
				depth := 1 + rng.IntN(9)
				lc := randomLoc(rng, 2, 1+rng.IntN(4), depth)
				p := randomPlane(rng, 3+rng.IntN(200), 3+rng.IntN(150))
				ir, ic, is := insideLanes(rng, p, n, 1<<14)
				checkStage(t, kern, lc, rng.IntN(2), p, ir, ic, is, flip, "random")
				ir, ic, is = insideLanes(rng, real, n, 200)
				checkStage(t, kern, lc, rng.IntN(2), real, ir, ic, is, flip, "real plane")
			}
		}
	}
	cs := mustCascades(t)
	for name, lc := range map[string]*LocCascade{"puploc": cs.Pupil, "lp84": cs.Landmarks["lp84"], "lp93": cs.Landmarks["lp93"]} {
		for _, n := range []int{1, 9, 63} {
			for _, flip := range []bool{false, true} {
				for _, kern := range ks {
					ir, ic, is := insideLanes(rng, real, n, 120)
					checkStage(t, kern, lc, rng.IntN(lc.stages), real, ir, ic, is, flip, name)
				}
			}
		}
	}
}

// TestRegressTwins checks that regress moves the estimates exactly as with
// the Go walk alone (locStage off), with each kernel: the pupil and landmark cascades from
// random starts over the real faces, random cascades on random planes, from
// 1 to 63 estimates, mirrored and not, starts near the edges included (where
// regress clamps or locStage declines). It also checks that locStage ran.
func TestRegressTwins(t *testing.T) {
	ks := kernels()
	if len(ks) == 0 {
		t.Log("no AVX2: locStage runs the Go twin only")
		return
	}
	defer func() { locKernel = bestLocKernel() }()
	rng := rand.New(rand.NewPCG(5, 13))
	cs := mustCascades(t)
	var a, g locScratch
	var runKernel func(kern int, lc *LocCascade, p preprocess.Plane, n int, flip bool, what string)
	run := func(lc *LocCascade, p preprocess.Plane, n int, flip bool, what string) {
		for _, kern := range ks {
			runKernel(kern, lc, p, n, flip, what)
		}
	}
	runKernel = func(kern int, lc *LocCascade, p preprocess.Plane, n int, flip bool, what string) {
		for k := range n {
			a.rows[k] = float32(rng.IntN(p.Height)) + rng.Float32()
			a.cols[k] = float32(rng.IntN(p.Width)) + rng.Float32()
			a.scales[k] = 2 + rng.Float32()*float32(min(p.Width, p.Height))/3
		}
		g = a
		locKernel = kern
		lc.regress(&p, n, flip, &a)
		locKernel = locGo
		lc.regress(&p, n, flip, &g)
		for k := range n {
			if math.Float32bits(a.rows[k]) != math.Float32bits(g.rows[k]) || math.Float32bits(a.cols[k]) != math.Float32bits(g.cols[k]) ||
				math.Float32bits(a.scales[k]) != math.Float32bits(g.scales[k]) {
				t.Fatalf("%s: %s, %d estimates, flip %v: estimate %d at (%v, %v, %v), Go (%v, %v, %v)",
					what, kernelName[kern], n, flip, k, a.rows[k], a.cols[k], a.scales[k], g.rows[k], g.cols[k], g.scales[k])
			}
		}
	}
	for _, name := range testImages {
		p := testLuma(t, name)
		for _, lc := range []*LocCascade{cs.Pupil, cs.Landmarks["lp93"], cs.Landmarks["lp84"], cs.Landmarks["lp81"], cs.Landmarks["lp82"]} {
			for _, flip := range []bool{false, true} {
				run(lc, p, 1+rng.IntN(MaxPerturbs), flip, name)
			}
		}
	}
	for range 100 {
		lc := randomLoc(rng, 1+rng.IntN(4), 1+rng.IntN(5), 1+rng.IntN(9))
		p := randomPlane(rng, 3+rng.IntN(300), 3+rng.IntN(200))
		run(lc, p, 1+rng.IntN(MaxPerturbs), rng.IntN(2) == 0, "random")
	}

	// The kernel runs on a real localisation: a pupil search well inside
	// the sample face.
	p := testLuma(t, "faces/pigo-sample.jpg")
	for _, kern := range ks {
		locKernel = kern
		var s locScratch
		for k := range MaxPerturbs {
			s.ir[k], s.ic[k], s.is[k] = 256*(p.Height/2), 256*(p.Width/2), 30
		}
		lc := cs.Pupil
		leaves := 1 << lc.depth
		if !locStage(lc.codes[:lc.trees*(4*leaves-4)], lc.preds[:2*lc.trees*leaves], &p, lc.depth, lc.trees, false, &s, MaxPerturbs) {
			t.Fatalf("%s: locStage declined estimates inside the plane", kernelName[kern])
		}
	}
}

// BenchmarkLocaliseKernels is BenchmarkLocalise's facegate case with each
// of locStage's kernels the CPU has, and with none (the Go walk), in one
// run.
func BenchmarkLocaliseKernels(b *testing.B) {
	d, p, cx, cy, side := localiseCase(b)
	defer func() { locKernel = bestLocKernel() }()
	for _, kern := range append(kernels(), locGo) {
		b.Run(kernelName[kern], func(b *testing.B) {
			locKernel = kern
			b.ReportAllocs()
			for b.Loop() {
				var f Face
				d.localise(&f, &p, cy, cx, side, noEarlyExit)
				if !f.LandmarksFound {
					b.Fatal("landmarks lost")
				}
			}
		})
	}
}

// TestLocStageLanes checks that locStage gives its kernels the estimates
// in whole groups of eight lanes and that they touch no lane past them: a
// kernel walking lanes past the padded count would read stale estimates
// (of another plane, outside this one) and write their offsets.
func TestLocStageLanes(t *testing.T) {
	ks := kernels()
	if len(ks) == 0 {
		t.Log("no AVX2: locStage runs the Go twin only")
		return
	}
	defer func() { locKernel = bestLocKernel() }()
	rng := rand.New(rand.NewPCG(3, 17))
	p := testLuma(t, testImages[0])
	lc := mustCascades(t).Pupil
	leaves := 1 << lc.depth
	per := 4*leaves - 4
	codes, preds := lc.codes[:lc.trees*per], lc.preds[:2*lc.trees*leaves]
	const sentinel = -12345
	for _, kern := range ks {
		locKernel = kern
		for n := 1; n <= MaxPerturbs; n++ {
			var s locScratch
			ir, ic, is := insideLanes(rng, p, n, 40)
			copy(s.ir[:], ir)
			copy(s.ic[:], ic)
			copy(s.is[:], is)
			for k := range s.dr {
				s.dr[k], s.dc[k] = sentinel, sentinel
			}
			if !locStage(codes, preds, &p, lc.depth, lc.trees, false, &s, n) {
				t.Fatalf("%s, %d estimates: locStage declined estimates inside the plane", kernelName[kern], n)
			}
			m := (n + 7) &^ 7
			for k := range s.dr {
				if touched := s.dr[k] != sentinel || s.dc[k] != sentinel; touched != (k < m) {
					t.Fatalf("%s, %d estimates: lane %d touched %v, want lanes below %d only", kernelName[kern], n, k, touched, m)
				}
			}
		}
	}
}
