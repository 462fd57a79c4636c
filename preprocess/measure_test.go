package preprocess

import (
	"errors"
	"image"
	"math"
	"math/rand/v2"
	"testing"
)

// refLaplacianVariance is the textbook two-pass computation with explicit
// reflect-101 borders.
func refLaplacianVariance(p Plane, r image.Rectangle) float64 {
	at := func(x, y int) float64 {
		return float64(p.Pix[reflect101(y, p.Height)*p.Stride+reflect101(x, p.Width)])
	}
	var ls []float64
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			ls = append(ls, at(x, y-1)+at(x, y+1)+at(x-1, y)+at(x+1, y)-4*at(x, y))
		}
	}
	var mean float64
	for _, l := range ls {
		mean += l
	}
	mean /= float64(len(ls))
	var v float64
	for _, l := range ls {
		v += (l - mean) * (l - mean)
	}
	return v / float64(len(ls))
}

func TestLaplacianVariance(t *testing.T) {
	r := rand.New(rand.NewPCG(41, 42))
	real := testGray(t, "faces/pigo-sample.jpg")
	forEachVariant(t, func(t *testing.T) {
		type tc struct {
			p Plane
			r image.Rectangle
		}
		var cases []tc
		for i := 0; i < 200; i++ {
			w, h := 1+r.IntN(70), 1+r.IntN(9)
			p := randPlane(r, w, h, 1)
			x0, y0 := r.IntN(w), r.IntN(h)
			cases = append(cases, tc{p, image.Rect(x0, y0, x0+1+r.IntN(w-x0), y0+1+r.IntN(h-y0))})
			cases = append(cases, tc{p, image.Rect(0, 0, w, h)})
		}
		cases = append(cases,
			tc{real, image.Rect(0, 0, real.Width, real.Height)},
			tc{real, image.Rect(97, 101, 258, 300)},
			tc{real, image.Rect(real.Width-33, 0, real.Width, 17)},
		)
		for _, c := range cases {
			got, err := LaplacianVariance(c.p, c.r)
			if err != nil {
				t.Fatal(err)
			}
			want := refLaplacianVariance(c.p, c.r)
			if math.Abs(got-want) > 1e-9*math.Max(1, want) {
				t.Fatalf("%dx%d %v: got %.12g want %.12g", c.p.Width, c.p.Height, c.r, got, want)
			}
		}
	})
	// A flat plane has no edges; a checkerboard has the largest response.
	flat := newPlane(40, 30, 1)
	if v, _ := LaplacianVariance(flat, image.Rect(0, 0, 40, 30)); v != 0 {
		t.Fatalf("flat: %v", v)
	}
	if _, err := LaplacianVariance(flat, image.Rect(30, 20, 50, 40)); !errors.Is(err, ErrGeometry) {
		t.Fatalf("rectangle outside: %v", err)
	}
	if _, err := LaplacianVariance(newPlane(4, 4, 3), image.Rect(0, 0, 4, 4)); !errors.Is(err, ErrGeometry) {
		t.Fatalf("three channels: %v", err)
	}
	rect := image.Rect(810, 190, 1110, 490)
	big := testGray(t, "faces/obama-1080p.jpg")
	if n := testing.AllocsPerRun(5, func() { _, _ = LaplacianVariance(big, rect) }); n != 0 {
		t.Fatalf("LaplacianVariance allocates %v", n)
	}
}

// TestLaplacianVarianceOrdersBlur: a blurred copy of a real face is less sharp.
func TestLaplacianVarianceOrdersBlur(t *testing.T) {
	src := testGray(t, "faces/obama-480p.jpg")
	down, _ := NewResizer(src.Width, src.Height, src.Width/4, src.Height/4, 1, Area)
	up, _ := NewResizer(src.Width/4, src.Height/4, src.Width, src.Height, 1, Bilinear)
	small, blurred := newPlane(src.Width/4, src.Height/4, 1), newPlane(src.Width, src.Height, 1)
	if err := down.Resize(small, src); err != nil {
		t.Fatal(err)
	}
	if err := up.Resize(blurred, small); err != nil {
		t.Fatal(err)
	}
	all := image.Rect(0, 0, src.Width, src.Height)
	sharp, _ := LaplacianVariance(src, all)
	soft, _ := LaplacianVariance(blurred, all)
	if !(soft < sharp/4) {
		t.Fatalf("blurred variance %.1f not well below sharp %.1f", soft, sharp)
	}
}

func TestMeasureLuma(t *testing.T) {
	r := rand.New(rand.NewPCG(43, 44))
	p := randPlane(r, 77, 31, 1)
	for i := 0; i < 50; i++ {
		x0, y0 := r.IntN(77), r.IntN(31)
		rect := image.Rect(x0, y0, x0+1+r.IntN(77-x0), y0+1+r.IntN(31-y0))
		var st LumaStats
		if err := MeasureLuma(&st, p, rect); err != nil {
			t.Fatal(err)
		}
		var hist [256]uint32
		var sum, dark, bright int
		for y := rect.Min.Y; y < rect.Max.Y; y++ {
			for x := rect.Min.X; x < rect.Max.X; x++ {
				v := p.Pix[y*p.Stride+x]
				hist[v]++
				sum += int(v)
				if v <= DarkLevel {
					dark++
				}
				if v >= BrightLevel {
					bright++
				}
			}
		}
		n := rect.Dx() * rect.Dy()
		if st.Hist != hist || st.Pixels != n || st.Mean != float64(sum)/float64(n) ||
			st.DarkShare != float64(dark)/float64(n) || st.BrightShare != float64(bright)/float64(n) {
			t.Fatalf("%v: stats differ from the direct count", rect)
		}
	}
	var st LumaStats
	big := testGray(t, "faces/obama-1080p.jpg")
	rect := image.Rect(810, 190, 1110, 490)
	if n := testing.AllocsPerRun(5, func() { _ = MeasureLuma(&st, big, rect) }); n != 0 {
		t.Fatalf("MeasureLuma allocates %v", n)
	}
	if err := MeasureLuma(&st, big, image.Rect(0, 0, 0, 0)); !errors.Is(err, ErrGeometry) {
		t.Fatalf("empty rectangle: %v", err)
	}
}
