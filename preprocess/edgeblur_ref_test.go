package preprocess

import (
	"image"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// refEdgeBlur is EdgeBlur as it was before its loops were tuned (a copy of
// its code then), with the aligned estimates and the motion excess written
// plainly (each line's pixel coordinates kept, the aligned edges sorted):
// the optimised Measure must give its results bit for bit.
type refEdgeBlur struct {
	Sigma, Rows, Cols, Diag, AntiDiag float64
	Edges                             int
	Aligned                           [4]float64
	Motion                            float64

	p      Plane
	across image.Point // the direction across the current lines
	line   []int32
	pts    []image.Point // the line's pixels, in p's coordinates
	diff   []int32
	found  []refEdge

	strengths [2*255 + 1]int32
	sigmas    [ratioCount]int32
}

type refEdge struct {
	strength, sigma uint16
	aligned         bool
}

// Measure estimates the blur of the edges inside r (p's coordinates; p has
// one channel). Errors wrap ErrGeometry or ErrInvalidFrame. A region
// smaller than 16x16 finds no edge.
func (e *refEdgeBlur) Measure(p Plane, r image.Rectangle) error {
	if err := measureCheck(&p, r); err != nil {
		return err
	}
	e.Sigma, e.Rows, e.Cols, e.Diag, e.AntiDiag, e.Edges = 0, 0, 0, 0, 0, 0
	e.Aligned, e.Motion = [4]float64{}, 0
	w, h := r.Dx(), r.Dy()
	if w < 16 || h < 16 {
		return nil
	}
	e.p = p
	n := max(w, h)
	if cap(e.line) < n {
		e.line = make([]int32, n)
		e.diff = make([]int32, n)
		e.pts = make([]image.Point, n)
	}
	if c := 4 * edgeMaxLines * (n/2 + 1); cap(e.found) < c {
		e.found = make([]refEdge, 0, c)
	}
	e.found = e.found[:0]
	// Rows: vertical edges.
	e.across = image.Pt(0, 1)
	step := (h + edgeMaxLines - 1) / edgeMaxLines
	for y := r.Min.Y + step/2; y < r.Max.Y; y += step {
		row := p.Row(y)[r.Min.X:r.Max.X]
		line := e.line[:w]
		for i, v := range row {
			line[i] = int32(v)
			e.pts[i] = image.Pt(r.Min.X+i, y)
		}
		e.scanLine(line)
	}
	nRows := len(e.found)
	e.across = image.Pt(1, 0)
	step = (w + edgeMaxLines - 1) / edgeMaxLines
	for x := r.Min.X + step/2; x < r.Max.X; x += step {
		line := e.line[:h]
		o := r.Min.Y*p.Stride + x
		for i := range line {
			line[i] = int32(p.Pix[o])
			e.pts[i] = image.Pt(x, r.Min.Y+i)
			o += p.Stride
		}
		e.scanLine(line)
	}
	nCols := len(e.found)
	// Diagonals, evenly spaced over the w+h-1 of each direction; lines
	// too short to hold an edge and its re-blur window are skipped.
	step = (w + h + edgeMaxLines - 1) / edgeMaxLines
	e.across = image.Pt(1, -1)
	e.scanDiagonals(p, r, step, false)
	nDiag := len(e.found)
	e.across = image.Pt(1, 1)
	e.scanDiagonals(p, r, step, true)
	e.Rows = e.quantileSigma(e.found[:nRows])
	e.Cols = e.quantileSigma(e.found[nRows:nCols])
	e.Diag = e.quantileSigma(e.found[nCols:nDiag]) * math.Sqrt2
	e.AntiDiag = e.quantileSigma(e.found[nDiag:]) * math.Sqrt2
	e.Sigma = max(e.Rows, e.Cols, e.Diag, e.AntiDiag)
	e.Edges = len(e.found)
	e.Aligned = [4]float64{
		refAlignedSigma(e.found[:nRows], e.Rows, 1),
		refAlignedSigma(e.found[nRows:nCols], e.Cols, 1),
		refAlignedSigma(e.found[nCols:nDiag], e.Diag, math.Sqrt2),
		refAlignedSigma(e.found[nDiag:], e.AntiDiag, math.Sqrt2),
	}
	a := e.Aligned
	e.Motion = max(0, motionRowWeight*a[0]-motionAcross*a[1], a[1]-motionAcross*a[0],
		a[2]-motionAcross*a[3], a[3]-motionAcross*a[2])
	return nil
}

// refAlignedSigma is the median blur of the stronger half of the aligned
// edges, in pixels of lines spaced scale apart; all (the estimate over all
// the edges) for fewer than alignedMinEdges of them.
func refAlignedSigma(es []refEdge, all, scale float64) float64 {
	var al []refEdge
	for _, x := range es {
		if x.aligned {
			al = append(al, x)
		}
	}
	if len(al) < alignedMinEdges {
		return all
	}
	slices.SortFunc(al, func(a, b refEdge) int { return int(b.strength) - int(a.strength) })
	cut := al[(len(al)+1)/2-1].strength
	var sig []uint16
	for _, x := range al {
		if x.strength >= cut {
			sig = append(sig, x.sigma)
		}
	}
	slices.Sort(sig)
	return float64(sig[(len(sig)-1)/2]) * ratioStep * scale
}

// scanDiagonals scans r's diagonals (down and right; down and left when
// anti), one every step along the top and side edges.
func (e *refEdgeBlur) scanDiagonals(p Plane, r image.Rectangle, step int, anti bool) {
	w, h := r.Dx(), r.Dy()
	for s := step / 2; s < w+h-1; s += step {
		x, y := s, 0
		if s >= w {
			x, y = w-1, s-w+1
		}
		dx := -1
		if !anti {
			x, dx = w-1-x, 1
		}
		line := e.line[:0]
		for ; x >= 0 && x < w && y < h; x, y = x+dx, y+1 {
			e.pts[len(line)] = image.Pt(r.Min.X+x, r.Min.Y+y)
			line = append(line, int32(p.Pix[(r.Min.Y+y)*p.Stride+r.Min.X+x]))
		}
		if len(line) > 2*reblurRadius+2 {
			e.scanLine(line)
		}
	}
}

// scanLine finds the edges of one line and appends their blur.
func (e *refEdgeBlur) scanLine(v []int32) {
	n := len(v)
	d := e.diff[:n]
	var peak int32
	d[0], d[n-1] = 0, 0
	for i := 1; i < n-1; i++ {
		d[i] = v[i+1] - v[i-1]
		peak = max(peak, abs32(d[i]))
	}
	thr := max(edgeMinStep, int32(float64(peak)*edgeNoiseShare))
	lo, hi := reblurRadius+1, n-reblurRadius-1
	for i := lo; i < hi; i++ {
		a := abs32(d[i])
		if a < thr || a < abs32(d[i-1]) || a <= abs32(d[i+1]) {
			continue
		}
		var b int32
		for k, wt := range reblur {
			b += wt * d[i+k-reblurRadius]
		}
		if d[i] < 0 {
			b = -b
		}
		// The central difference across the line, border pixels
		// repeated; aligned within tan(22.5°), in 1/1024.
		at := func(q image.Point) int32 {
			q.X, q.Y = min(max(q.X, 0), e.p.Width-1), min(max(q.Y, 0), e.p.Height-1)
			return int32(e.p.Row(q.Y)[q.X])
		}
		c := abs32(at(e.pts[i].Add(e.across)) - at(e.pts[i].Sub(e.across)))
		e.found = append(e.found, refEdge{strength: uint16(a), sigma: sigmaBinOfRatio(float64(a) * 4096 / float64(max(b, 1))), aligned: c*1024 <= a*alignedGate})
	}
}

// quantileSigma is the edgeQuantile quantile of the blur of the stronger
// half of es (by strength; edges as strong as the weakest of that half are
// in it too), counted in histograms.
func (e *refEdgeBlur) quantileSigma(es []refEdge) float64 {
	if len(es) == 0 {
		return 0
	}
	clear(e.strengths[:])
	for _, x := range es {
		e.strengths[x.strength]++
	}
	half := int32((len(es) + 1) / 2)
	cut, n := len(e.strengths)-1, int32(0)
	for ; cut > 0; cut-- {
		if n += e.strengths[cut]; n >= half {
			break
		}
	}
	clear(e.sigmas[:])
	n = 0
	for _, x := range es {
		if int(x.strength) >= cut {
			e.sigmas[x.sigma]++
			n++
		}
	}
	rank := int32(float64(n-1)*edgeQuantile) + 1 // 1-based
	var c int32
	for b, k := range e.sigmas {
		if c += k; c >= rank {
			return float64(b) * ratioStep
		}
	}
	return edgeMaxSigma
}

// TestEdgeBlurMatchesReference checks Measure against refEdgeBlur, bit for
// bit, on random, stepped, blurred and real planes, over regions of odd
// and even sizes at odd offsets.
func TestEdgeBlurMatchesReference(t *testing.T) {
	for k := 1; k <= reblurRadius; k++ {
		if reblur[reblurRadius+k] != reblur[reblurRadius-k] {
			t.Fatalf("re-blur weights not symmetric: %v", reblur)
		}
	}
	rng := rand.New(rand.NewPCG(7, 8))
	noise := newPlane(301, 257, 1)
	for i := range noise.Pix {
		noise.Pix[i] = byte(rng.IntN(256))
	}
	planes := []Plane{noise, steps(1, 300, 300), gaussianPlane(steps(2, 211, 199), 1.5), gaussianPlane(steps(3, 160, 240), 4), linePlane(steps(4, 190, 170), 9, 30)}
	planes = append(planes, testGray(t, "faces/obama-1080p.jpg"))
	var e EdgeBlur
	var ref refEdgeBlur
	motions := 0
	defer func() {
		if motions == 0 {
			t.Error("no region read a motion excess: the comparison of the aligned estimates is empty")
		}
	}()
	for pi, p := range planes {
		rects := []image.Rectangle{image.Rect(0, 0, p.Width, p.Height)}
		for range 40 {
			w, h := 16+rng.IntN(min(p.Width, 400)-15), 16+rng.IntN(min(p.Height, 400)-15)
			x, y := rng.IntN(p.Width-w+1), rng.IntN(p.Height-h+1)
			rects = append(rects, image.Rect(x, y, x+w, y+h))
		}
		rects = append(rects, image.Rect(3, 5, 20, 18), image.Rect(1, 1, 17, 150), image.Rect(2, 0, 130, 16))
		for _, r := range rects {
			if err := e.Measure(p, r); err != nil {
				t.Fatal(err)
			}
			if err := ref.Measure(p, r); err != nil {
				t.Fatal(err)
			}
			got := [11]float64{e.Sigma, e.Rows, e.Cols, e.Diag, e.AntiDiag, float64(e.Edges), e.Aligned[0], e.Aligned[1], e.Aligned[2], e.Aligned[3], e.Motion}
			want := [11]float64{ref.Sigma, ref.Rows, ref.Cols, ref.Diag, ref.AntiDiag, float64(ref.Edges), ref.Aligned[0], ref.Aligned[1], ref.Aligned[2], ref.Aligned[3], ref.Motion}
			if got != want {
				t.Errorf("plane %d, region %v: sigma, rows, cols, diag, anti, edges, aligned, motion %v, want %v", pi, r, got, want)
			}
			if e.Motion > 0 {
				motions++
			}
		}
	}
}
