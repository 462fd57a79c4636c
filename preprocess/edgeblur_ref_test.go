package preprocess

import (
	"image"
	"math"
	"math/rand/v2"
	"testing"
)

// refEdgeBlur is EdgeBlur as it was before its loops were tuned (a copy of
// its code then): the optimised Measure must give its results bit for bit.
type refEdgeBlur struct {
	Sigma, Rows, Cols, Diag, AntiDiag float64
	Edges                             int

	line  []int32
	diff  []int32
	found []refEdge

	strengths [2*255 + 1]int32
	sigmas    [ratioCount]int32
}

type refEdge struct {
	strength, sigma uint16
}

// Measure estimates the blur of the edges inside r (p's coordinates; p has
// one channel). Errors wrap ErrGeometry or ErrInvalidFrame. A region
// smaller than 16x16 finds no edge.
func (e *refEdgeBlur) Measure(p Plane, r image.Rectangle) error {
	if err := measureCheck(&p, r); err != nil {
		return err
	}
	e.Sigma, e.Rows, e.Cols, e.Diag, e.AntiDiag, e.Edges = 0, 0, 0, 0, 0, 0
	w, h := r.Dx(), r.Dy()
	if w < 16 || h < 16 {
		return nil
	}
	n := max(w, h)
	if cap(e.line) < n {
		e.line = make([]int32, n)
		e.diff = make([]int32, n)
	}
	if c := 4 * edgeMaxLines * (n/2 + 1); cap(e.found) < c {
		e.found = make([]refEdge, 0, c)
	}
	e.found = e.found[:0]
	// Rows: vertical edges.
	step := (h + edgeMaxLines - 1) / edgeMaxLines
	for y := r.Min.Y + step/2; y < r.Max.Y; y += step {
		row := p.Row(y)[r.Min.X:r.Max.X]
		line := e.line[:w]
		for i, v := range row {
			line[i] = int32(v)
		}
		e.scanLine(line)
	}
	nRows := len(e.found)
	step = (w + edgeMaxLines - 1) / edgeMaxLines
	for x := r.Min.X + step/2; x < r.Max.X; x += step {
		line := e.line[:h]
		o := r.Min.Y*p.Stride + x
		for i := range line {
			line[i] = int32(p.Pix[o])
			o += p.Stride
		}
		e.scanLine(line)
	}
	nCols := len(e.found)
	// Diagonals, evenly spaced over the w+h-1 of each direction; lines
	// too short to hold an edge and its re-blur window are skipped.
	step = (w + h + edgeMaxLines - 1) / edgeMaxLines
	e.scanDiagonals(p, r, step, false)
	nDiag := len(e.found)
	e.scanDiagonals(p, r, step, true)
	e.Rows = e.quantileSigma(e.found[:nRows])
	e.Cols = e.quantileSigma(e.found[nRows:nCols])
	e.Diag = e.quantileSigma(e.found[nCols:nDiag]) * math.Sqrt2
	e.AntiDiag = e.quantileSigma(e.found[nDiag:]) * math.Sqrt2
	e.Sigma = max(e.Rows, e.Cols, e.Diag, e.AntiDiag)
	e.Edges = len(e.found)
	return nil
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
		e.found = append(e.found, refEdge{strength: uint16(a), sigma: sigmaBinOfRatio(float64(a) * 4096 / float64(max(b, 1)))})
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
	planes := []Plane{noise, steps(1, 300, 300), gaussianPlane(steps(2, 211, 199), 1.5), gaussianPlane(steps(3, 160, 240), 4)}
	planes = append(planes, testGray(t, "faces/obama-1080p.jpg"))
	var e EdgeBlur
	var ref refEdgeBlur
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
			got := [6]float64{e.Sigma, e.Rows, e.Cols, e.Diag, e.AntiDiag, float64(e.Edges)}
			want := [6]float64{ref.Sigma, ref.Rows, ref.Cols, ref.Diag, ref.AntiDiag, float64(ref.Edges)}
			if got != want {
				t.Errorf("plane %d, region %v: sigma, rows, cols, diag, anti, edges %v, want %v", pi, r, got, want)
			}
		}
	}
}
