package detect

import (
	"errors"
	"image"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/facegate/facegate/preprocess"
)

// randomPlane is a w x h plane of random bytes whose rows are padded by 1
// to 8 bytes and whose last row ends its buffer, so that a read past the
// plane shows (the localisation and rotation tests use it).
func randomPlane(rng *rand.Rand, w, h int) preprocess.Plane {
	stride := w + 1 + rng.IntN(8)
	p := preprocess.GrayPlane(make([]byte, (h-1)*stride+w), stride, w, h)
	for i := range p.Pix {
		p.Pix[i] = byte(rng.IntN(256))
	}
	return p
}

// Whole and half turns move pixels exactly, on planes of odd sizes with
// padded rows: 0 and 32 steps copy, 16 mirror both ways, and on a square
// plane 8 steps (clockwise) and -8 steps are the quarter turns.
func TestRotatePlaneExactTurns(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, sz := range [][2]int{{37, 23}, {29, 29}, {1, 1}, {2, 5}} {
		w, h := sz[0], sz[1]
		src := randomPlane(rng, w, h)
		at := func(x, y int) byte { return src.Pix[y*src.Stride+x] }
		cases := []struct {
			step int
			want func(x, y int) byte
		}{
			{0, at},
			{32, at},
			{-32, at},
			{16, func(x, y int) byte { return at(w-1-x, h-1-y) }},
			{-16, func(x, y int) byte { return at(w-1-x, h-1-y) }},
		}
		if w == h {
			cases = append(cases,
				struct {
					step int
					want func(x, y int) byte
				}{8, func(x, y int) byte { return at(y, w-1-x) }},
				struct {
					step int
					want func(x, y int) byte
				}{-8, func(x, y int) byte { return at(w-1-y, x) }})
		}
		for _, c := range cases {
			dst := preprocess.GrayPlane(make([]byte, w*h), w, w, h)
			if err := RotatePlane(dst, src, c.step); err != nil {
				t.Fatal(err)
			}
			for y := range h {
				for x := range w {
					if got, want := dst.Pix[y*w+x], c.want(x, y); got != want {
						t.Fatalf("%dx%d step %d: (%d,%d) = %d, want %d", w, h, c.step, x, y, got, want)
					}
				}
			}
		}
	}
}

// RotatePlane agrees within a level with a floating-point bilinear
// rotation by the same quantised cosine and sine, on random and real
// planes of odd sizes.
func TestRotatePlaneMatchesFloat(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	photo := testLuma(t, "faces/bob.jpg")
	crop, err := photo.SubPlane(image.Rect(11, 7, 11+151, 7+97))
	if err != nil {
		t.Fatal(err)
	}
	for _, src := range []preprocess.Plane{randomPlane(rng, 41, 27), crop, photo} {
		w, h := src.Width, src.Height
		for _, step := range []int{1, -1, 2, -2, 3, 5, -7, 13} {
			dst := preprocess.GrayPlane(make([]byte, w*h), w, w, h)
			if err := RotatePlane(dst, src, step); err != nil {
				t.Fatal(err)
			}
			qc, qs := turnTable(step)
			c, s := float64(qc)/256, float64(qs)/256
			worst := 0.0
			for y := range h {
				for x := range w {
					dx, dy := float64(x)+0.5-float64(w)/2, float64(y)+0.5-float64(h)/2
					sx := c*dx + s*dy + float64(w)/2 - 0.5
					sy := -s*dx + c*dy + float64(h)/2 - 0.5
					want := floatBilinear(src, sx, sy)
					worst = max(worst, math.Abs(float64(dst.Pix[y*w+x])-want))
				}
			}
			if worst > 1 {
				t.Errorf("%dx%d step %d: off by up to %.2f levels", w, h, step, worst)
			}
		}
	}
}

// floatBilinear samples p at (x, y), pixel centres at whole numbers,
// clamped to the plane.
func floatBilinear(p preprocess.Plane, x, y float64) float64 {
	x0, y0 := math.Floor(x), math.Floor(y)
	fx, fy := x-x0, y-y0
	px := func(x, y int) float64 {
		return float64(p.Pix[clampInt(y, p.Height-1)*p.Stride+clampInt(x, p.Width-1)])
	}
	ix, iy := int(x0), int(y0)
	top := px(ix, iy)*(1-fx) + px(ix+1, iy)*fx
	bot := px(ix, iy+1)*(1-fx) + px(ix+1, iy+1)*fx
	return top*(1-fy) + bot*fy
}

func TestRotatePlaneErrors(t *testing.T) {
	a := preprocess.GrayPlane(make([]byte, 12), 4, 4, 3)
	b := preprocess.GrayPlane(make([]byte, 12), 3, 3, 4)
	if err := RotatePlane(a, b, 1); !errors.Is(err, ErrParams) {
		t.Errorf("sizes differ: %v", err)
	}
	two := preprocess.Plane{Pix: make([]byte, 24), Stride: 8, Width: 4, Height: 3, Channels: 2}
	if err := RotatePlane(a, two, 1); !errors.Is(err, ErrParams) {
		t.Errorf("two channels: %v", err)
	}
	short := preprocess.GrayPlane(make([]byte, 5), 4, 4, 3)
	if err := RotatePlane(short, a, 1); err == nil {
		t.Error("short buffer: no error")
	}
	var tp TurnedPlane
	if err := tp.Turn(a, 0, 1); !errors.Is(err, ErrParams) {
		t.Errorf("factor 0: %v", err)
	}
	if err := tp.Turn(two, 1, 1); !errors.Is(err, ErrParams) {
		t.Errorf("turn two channels: %v", err)
	}
}

// A bright block on a dark, wide plane, downscaled and turned: the box
// Back maps from where the block lands on the turned plane is centred on
// the block in the original plane, for both turn directions.
func TestTurnedPlaneBack(t *testing.T) {
	const w, h = 240, 132
	p := preprocess.GrayPlane(make([]byte, w*h), w, w, h)
	block := image.Rect(52, 30, 64, 42) // centre (58, 36)
	for y := block.Min.Y; y < block.Max.Y; y++ {
		for x := block.Min.X; x < block.Max.X; x++ {
			p.Pix[y*w+x] = 255
		}
	}
	var tp TurnedPlane
	for _, k := range []int{1, 2, 3} {
		for _, step := range []int{1, -1, 2, -2, 3, 8, -8} {
			if err := tp.Turn(p, k, step); err != nil {
				t.Fatal(err)
			}
			q := tp.Plane
			var sx, sy, n float64
			for y := range q.Height {
				for x := range q.Width {
					if v := float64(q.Pix[y*q.Stride+x]); v > 128 {
						sx, sy, n = sx+float64(x)+0.5, sy+float64(y)+0.5, n+1
					}
				}
			}
			if n == 0 {
				t.Fatalf("k %d step %d: the block is gone", k, step)
			}
			cx, cy := int(math.Round(sx/n)), int(math.Round(sy/n))
			r := tp.Back(image.Rect(cx-3, cy-3, cx+3, cy+3))
			if r.Dx() != 6*k || r.Dy() != 6*k {
				t.Errorf("k %d step %d: box %v, want %d px sides", k, step, r, 6*k)
			}
			c := r.Min.Add(r.Max).Div(2)
			if math.Hypot(float64(c.X-58), float64(c.Y-36)) > float64(k)+1.5 {
				t.Errorf("k %d step %d: box %v centred at %v, want about (58,36)", k, step, r, c)
			}
		}
	}
	// A box near an edge stays inside the plane.
	if err := tp.Turn(p, 2, 2); err != nil {
		t.Fatal(err)
	}
	if r := tp.Back(image.Rect(0, 0, 20, 20)); !r.In(image.Rect(0, 0, w, h)) || r.Dx() != 40 {
		t.Errorf("edge box %v", r)
	}
}

func TestTurnedPlaneAllocs(t *testing.T) {
	p := testLuma(t, "faces/obama-480p.jpg")
	var tp TurnedPlane
	if err := tp.Turn(p, 3, 2); err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(5, func() {
		if err := tp.Turn(p, 3, -2); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Errorf("Turn allocates %v times", n)
	}
}

func BenchmarkRotatePlane(b *testing.B) {
	p := testLuma(b, "faces/obama-1080p.jpg")
	dst := preprocess.GrayPlane(make([]byte, p.Width*p.Height), p.Width, p.Width, p.Height)
	b.SetBytes(int64(p.Width * p.Height))
	for b.Loop() {
		if err := RotatePlane(dst, p, 2); err != nil {
			b.Fatal(err)
		}
	}
}
