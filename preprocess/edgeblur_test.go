package preprocess

import (
	"errors"
	"fmt"
	"image"
	"math"
	"math/rand/v2"
	"testing"
)

// gaussianPlane blurs a one-channel plane by a Gaussian of sigma s (edges
// clamped), in float64, rounding once.
func gaussianPlane(p Plane, s float64) Plane {
	out := newPlane(p.Width, p.Height, 1)
	if s == 0 {
		for y := 0; y < p.Height; y++ {
			copy(out.Row(y), p.Row(y))
		}
		return out
	}
	r := int(math.Ceil(3.5 * s))
	k := make([]float64, 2*r+1)
	var t float64
	for i := range k {
		x := float64(i - r)
		k[i] = math.Exp(-x * x / (2 * s * s))
		t += k[i]
	}
	for i := range k {
		k[i] /= t
	}
	W, H := p.Width, p.Height
	tmp := make([]float64, W*H)
	for y := range H {
		row := p.Row(y)
		for x := range W {
			var a float64
			for i, w := range k {
				a += w * float64(row[min(max(x+i-r, 0), W-1)])
			}
			tmp[y*W+x] = a
		}
	}
	for y := range H {
		o := out.Row(y)
		for x := range W {
			var a float64
			for i, w := range k {
				a += w * tmp[min(max(y+i-r, 0), H-1)*W+x]
			}
			o[x] = uint8(math.Round(a))
		}
	}
	return out
}

// steps is a plane of sharp-edged blocks of random grey levels (at least
// 60 levels apart), edges in both directions at random positions.
func steps(seed uint64, w, h int) Plane {
	rng := rand.New(rand.NewPCG(seed, 1))
	p := newPlane(w, h, 1)
	for y := range h {
		for x := range w {
			p.Row(y)[x] = 70
		}
	}
	for range 40 {
		x0, y0 := rng.IntN(w-20), rng.IntN(h-20)
		x1, y1 := x0+12+rng.IntN(40), y0+12+rng.IntN(40)
		v := byte(20 + rng.IntN(3)*80) // 20, 100 or 180
		for y := y0; y < min(y1, h); y++ {
			for x := x0; x < min(x1, w); x++ {
				p.Row(y)[x] = v
			}
		}
	}
	return p
}

func TestEdgeBlurRecoversSigmaOfSteps(t *testing.T) {
	src := steps(1, 240, 240)
	r := image.Rect(8, 8, 232, 232)
	var e EdgeBlur
	for _, s := range []float64{0, 0.7, 1, 1.5, 2, 3, 4, 5} {
		if err := e.Measure(gaussianPlane(src, s), r); err != nil {
			t.Fatal(err)
		}
		// The estimate takes a low quantile of the edges, and nearby
		// edges of other blocks widen some: allow 0.35 px and 15%.
		if tol := 0.35 + 0.15*s; math.Abs(e.Sigma-s) > tol || e.Edges == 0 {
			t.Errorf("sigma %.1f: estimated %.2f (rows %.2f, cols %.2f, %d edges), want within %.2f", s, e.Sigma, e.Rows, e.Cols, e.Edges, tol)
		}
	}
}

func TestEdgeBlurIgnoresContrast(t *testing.T) {
	src := gaussianPlane(steps(2, 200, 200), 2)
	r := image.Rect(0, 0, 200, 200)
	var e EdgeBlur
	if err := e.Measure(src, r); err != nil {
		t.Fatal(err)
	}
	full := e.Sigma
	low := newPlane(200, 200, 1)
	for y := range 200 {
		for x, v := range src.Row(y) {
			low.Row(y)[x] = 60 + v/2 // half the contrast
		}
	}
	if err := e.Measure(low, r); err != nil {
		t.Fatal(err)
	}
	if math.Abs(e.Sigma-full) > 0.3 {
		t.Errorf("half the contrast: sigma %.2f, full contrast %.2f", e.Sigma, full)
	}
}

// TestEdgeBlurOnAFace: a real face blurred at its own resolution reads
// monotonically more blurred, with the 1 px and 3 px blurs on either side
// of the default policy's 2.5 px.
func TestEdgeBlurOnAFace(t *testing.T) {
	g := testGray(t, "faces/bob.jpg")
	face := image.Rect(g.Width/2-70, g.Height/2-80, g.Width/2+70, g.Height/2+60).Intersect(image.Rect(0, 0, g.Width, g.Height))
	var e EdgeBlur
	prev := -1.0
	for _, s := range []float64{0, 1, 2, 3, 5} {
		if err := e.Measure(gaussianPlane(g, s), face); err != nil {
			t.Fatal(err)
		}
		t.Logf("sigma %.0f: estimated %.2f (%d edges)", s, e.Sigma, e.Edges)
		if e.Sigma < prev-0.05 {
			t.Errorf("sigma %.0f: estimate %.2f fell below %.2f", s, e.Sigma, prev)
		}
		prev = e.Sigma
		switch {
		case s <= 1 && e.Sigma >= 2.5:
			t.Errorf("sigma %.0f: estimate %.2f, want < 2.5", s, e.Sigma)
		case s >= 3 && e.Sigma < 2.5:
			t.Errorf("sigma %.0f: estimate %.2f, want >= 2.5", s, e.Sigma)
		}
	}
}

func TestEdgeBlurMotion(t *testing.T) {
	// A horizontal motion blur (a 10 px box along rows) widens the
	// vertical edges only: the row estimate rises, the column one does not.
	src := steps(3, 220, 220)
	out := newPlane(220, 220, 1)
	for y := range 220 {
		row := src.Row(y)
		for x := range 220 {
			var s int
			for k := -5; k < 5; k++ {
				s += int(row[min(max(x+k, 0), 219)])
			}
			out.Row(y)[x] = byte((s + 5) / 10)
		}
	}
	var e EdgeBlur
	if err := e.Measure(out, image.Rect(0, 0, 220, 220)); err != nil {
		t.Fatal(err)
	}
	// The estimate assumes a Gaussian: a box of standard deviation 2.9 px
	// reads about 2 px.
	if e.Rows < 1.8 || e.Cols > 1 || e.Sigma != max(e.Rows, e.Diag, e.AntiDiag) {
		t.Errorf("motion along rows: rows %.2f, cols %.2f, sigma %.2f; want rows >= 1.8, cols <= 1", e.Rows, e.Cols, e.Sigma)
	}
}

// A motion blur along the diagonal reads in the diagonal lines; the
// diagonals are scanned so that mirroring the plane left to right swaps the
// diagonal and anti-diagonal estimates exactly.
func TestEdgeBlurDiagonalMotion(t *testing.T) {
	const n = 221 // odd: no line of either direction is favoured
	src := steps(5, n, n)
	out := newPlane(n, n, 1)
	for y := range n {
		for x := range n {
			var s int
			for k := -5; k < 5; k++ {
				xx, yy := min(max(x+k, 0), n-1), min(max(y+k, 0), n-1)
				s += int(src.Row(yy)[xx])
			}
			out.Row(y)[x] = byte((s + 5) / 10)
		}
	}
	var e EdgeBlur
	if err := e.Measure(out, image.Rect(0, 0, n, n)); err != nil {
		t.Fatal(err)
	}
	t.Logf("rows %.2f cols %.2f diag %.2f anti %.2f", e.Rows, e.Cols, e.Diag, e.AntiDiag)
	// A box of 10 diagonal steps (14 px, standard deviation 4.1 px) reads
	// about half of that, as boxes do (the estimate assumes a Gaussian),
	// and more than in any other direction.
	if e.Diag < 1.8 || e.Sigma != e.Diag || e.Diag <= max(e.Rows, e.Cols, e.AntiDiag) {
		t.Errorf("diagonal motion: diag %.2f (want >= 1.8 and the largest), sigma %.2f", e.Diag, e.Sigma)
	}
	mirror := newPlane(n, n, 1)
	for y := range n {
		for x := range n {
			mirror.Row(y)[n-1-x] = out.Row(y)[x]
		}
	}
	var m EdgeBlur
	if err := m.Measure(mirror, image.Rect(0, 0, n, n)); err != nil {
		t.Fatal(err)
	}
	if m.Diag != e.AntiDiag || m.AntiDiag != e.Diag {
		t.Errorf("mirrored: diag %.2f anti %.2f, want %.2f %.2f", m.Diag, m.AntiDiag, e.AntiDiag, e.Diag)
	}
}

func TestEdgeBlurEdgeCases(t *testing.T) {
	var e EdgeBlur
	flat := newPlane(64, 64, 1)
	if err := e.Measure(flat, image.Rect(0, 0, 64, 64)); err != nil || e.Sigma != 0 || e.Edges != 0 {
		t.Errorf("flat plane: sigma %v, %d edges, err %v; want 0, 0, nil", e.Sigma, e.Edges, err)
	}
	src := steps(4, 100, 100)
	if err := e.Measure(src, image.Rect(10, 10, 25, 25)); err != nil || e.Edges != 0 {
		t.Errorf("15x15 region: %d edges, err %v; want none", e.Edges, err)
	}
	if err := e.Measure(src, image.Rect(50, 50, 120, 120)); !errors.Is(err, ErrGeometry) {
		t.Errorf("region outside: %v, want ErrGeometry", err)
	}
	if err := e.Measure(Plane{Pix: make([]byte, 10), Stride: 10, Width: 10, Height: 10}, image.Rect(0, 0, 10, 10)); !errors.Is(err, ErrInvalidFrame) {
		t.Errorf("short buffer: %v, want ErrInvalidFrame", err)
	}
	rgba := newPlane(40, 40, 4)
	if err := e.Measure(rgba, image.Rect(0, 0, 40, 40)); err == nil {
		t.Error("a four-channel plane was measured")
	}
}

func TestEdgeBlurAllocs(t *testing.T) {
	src := steps(5, 300, 300)
	var e EdgeBlur
	r := image.Rect(20, 20, 280, 280)
	e.Measure(src, r)
	if n := testing.AllocsPerRun(20, func() { e.Measure(src, r) }); n != 0 {
		t.Errorf("Measure allocates %v times per call, want 0", n)
	}
}

func TestSigmaOfRatioInvertsTable(t *testing.T) {
	ratioOnce.Do(buildRatios)
	for i := 1; i < ratioCount; i++ {
		if !(ratios[i] < ratios[i-1]) {
			t.Fatalf("ratio table not falling at sigma %.2f: %v after %v", float64(i)*ratioStep, ratios[i], ratios[i-1])
		}
	}
	for _, s := range []float64{0.3, 1, 2.5, 7} {
		r := ratios[int(s/ratioStep+0.5)]
		if got := sigmaOfRatio(r); math.Abs(got-s) > 1e-6 {
			t.Errorf("sigmaOfRatio(ratio of %.2f) = %.4f", s, got)
		}
	}
}

func BenchmarkEdgeBlur(b *testing.B) {
	src := testGray(b, "faces/obama-1080p.jpg")
	c := image.Pt(src.Width/2, src.Height/2)
	r := image.Rectangle{c.Sub(image.Pt(105, 105)), c.Add(image.Pt(105, 105))}
	var e EdgeBlur
	b.ReportAllocs()
	for b.Loop() {
		e.Measure(src, r)
	}
}

// linePlane blurs a one-channel plane by a motion line of length pixels at
// angle degrees (counter-clockwise, y up): the mean of 8*length bilinear
// samples evenly spaced along the line, edges clamped, in float64.
func linePlane(p Plane, length int, angle float64) Plane {
	out := newPlane(p.Width, p.Height, 1)
	th := angle * math.Pi / 180
	ux, uy := math.Cos(th), -math.Sin(th)
	n := 8 * length
	at := func(x, y int) float64 {
		return float64(p.Row(min(max(y, 0), p.Height-1))[min(max(x, 0), p.Width-1)])
	}
	for y := range p.Height {
		for x := range p.Width {
			var s float64
			for j := range n {
				t := -float64(length)/2 + (float64(j)+0.5)*float64(length)/float64(n)
				fx, fy := float64(x)+t*ux, float64(y)+t*uy
				x0, y0 := math.Floor(fx), math.Floor(fy)
				ax, ay := fx-x0, fy-y0
				i, k := int(x0), int(y0)
				s += (at(i, k)*(1-ax)+at(i+1, k)*ax)*(1-ay) + (at(i, k+1)*(1-ax)+at(i+1, k+1)*ax)*ay
			}
			out.Row(y)[x] = uint8(math.Round(s / float64(n)))
		}
	}
	return out
}

// TestEdgeBlurMotionExcess: real faces (the face regions facegate
// measures on three test portraits) blurred by a 10 px motion line
// (standard deviation 2.9 px, a blur the service rejects) along the four
// scan directions read a motion excess of at least 1.7 px (Blur 0.75 in
// facegate's quality meter), while the sharp faces, 3 px lines at any
// angle and a 1 px Gaussian (blurs the service accepts) read below it. Off
// the scan directions (by up to 22.5 degrees) a line reads less, but more
// than a 3 px line at the same angle.
func TestEdgeBlurMotionExcess(t *testing.T) {
	const threshold = 1.7 // facegate.MotionBlurFull * 0.75
	for _, c := range []struct {
		name   string
		region image.Rectangle
	}{
		{"faces/obama-1080p.jpg", image.Rect(890, 187, 1090, 387)},
		{"faces/bob.jpg", image.Rect(85, 155, 256, 326)},
		{"faces/pigo-sample.jpg", image.Rect(80, 162, 236, 318)},
	} {
		// The region with a margin wider than the blurs, cropped.
		g := testGray(t, c.name)
		crop := c.region.Inset(-24).Intersect(image.Rect(0, 0, g.Width, g.Height))
		sub := newPlane(crop.Dx(), crop.Dy(), 1)
		for y := range crop.Dy() {
			copy(sub.Row(y), g.Row(crop.Min.Y + y)[crop.Min.X:crop.Max.X])
		}
		face := c.region.Sub(crop.Min)
		var e EdgeBlur
		measure := func(what string, p Plane) float64 {
			t.Helper()
			if err := e.Measure(p, face); err != nil {
				t.Fatal(err)
			}
			t.Logf("%s, %s: motion %.2f, aligned %.2f, sigma %.2f", c.name, what, e.Motion, e.Aligned, e.Sigma)
			return e.Motion
		}
		for _, s := range []float64{0, 1} {
			if m := measure(fmt.Sprintf("gaussian %g", s), gaussianPlane(sub, s)); m >= threshold {
				t.Errorf("%s, gaussian %g: motion %.2f, want < %g", c.name, s, m, threshold)
			}
		}
		for _, a := range []float64{0, 45, 90, 135, 20, 65, 101, 146, 170} {
			short := measure(fmt.Sprintf("line 3 at %g°", a), linePlane(sub, 3, a))
			if short >= threshold {
				t.Errorf("%s, line 3 at %g°: motion %.2f, want < %g", c.name, a, short, threshold)
			}
			long := measure(fmt.Sprintf("line 10 at %g°", a), linePlane(sub, 10, a))
			if int(a)%45 == 0 && long < threshold {
				t.Errorf("%s, line 10 at %g°: motion %.2f, want >= %g", c.name, a, long, threshold)
			}
			if long <= short {
				t.Errorf("%s, line 10 at %g°: motion %.2f, want above the 3 px line's %.2f", c.name, a, long, short)
			}
		}
	}
}
