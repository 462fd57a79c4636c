package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

func randSlice(r *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = r.Float32()*2 - 1
	}
	return s
}

// plainDot is the dot product in order, the reference the kernels must
// equal to the bit.
func plainDot(a, w []float32) float32 {
	var s float32
	for i := range w {
		s += a[i] * w[i]
	}
	return s
}

func TestDot(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 2, 3, 5, 27, 31, 64, 129} {
		// Operands longer than w: the kernels read w's length only.
		a0, a1, a2 := randSlice(r, n+3), randSlice(r, n+1), randSlice(r, n+2)
		w0, w1 := randSlice(r, n), randSlice(r, n+5)
		if got, want := dot(a0, w0), plainDot(a0, w0); got != want {
			t.Errorf("n=%d: dot %v, want %v", n, got, want)
		}
		if s0, s1 := dot1x2(a0, w0, w1); s0 != plainDot(a0, w0) || s1 != plainDot(a0, w1[:n]) {
			t.Errorf("n=%d: dot1x2 %v, %v, want %v, %v", n, s0, s1, plainDot(a0, w0), plainDot(a0, w1[:n]))
		}
		s00, s01, s10, s11, s20, s21 := dot3x2(a0, a1, a2, w0, w1)
		got := [6]float32{s00, s01, s10, s11, s20, s21}
		want := [6]float32{plainDot(a0, w0), plainDot(a0, w1[:n]), plainDot(a1, w0), plainDot(a1, w1[:n]), plainDot(a2, w0), plainDot(a2, w1[:n])}
		if got != want {
			t.Errorf("n=%d: dot3x2 %v, want %v", n, got, want)
		}
	}
}

// refAct is act(x) as tfjs writes it, with a branch: the reference for
// Relu, LeakyRelu and MatMul.
func refAct(act Act, x float32) float32 {
	switch act {
	case ReLU:
		if x < 0 {
			return 0
		}
		return x
	case Leaky:
		m := x * 0.1
		return refAct(ReLU, x-m) + m
	}
	return x
}

// actInputs are values at Relu's edges: the zeros, the subnormals, the
// infinities, NaNs of either sign, and a few ordinary values.
var actInputs = []float32{
	0, float32(math.Copysign(0, -1)), 2, -2, 0.5, -0.5,
	math.SmallestNonzeroFloat32, -math.SmallestNonzeroFloat32,
	math.MaxFloat32, -math.MaxFloat32,
	float32(math.Inf(1)), float32(math.Inf(-1)),
	math.Float32frombits(0x00800000), math.Float32frombits(0x80800000), // the smallest normals
	math.Float32frombits(0x7fc00000), math.Float32frombits(0xffc00000), // NaNs
	math.Float32frombits(0x7f800001), math.Float32frombits(0xff800001),
	math.Float32frombits(0xffffffff),
}

// sameBits reports whether x and y are the same float32 to the bit (so -0
// differs from 0, and a NaN equals only the same NaN).
func sameBits(x, y float32) bool { return math.Float32bits(x) == math.Float32bits(y) }

func TestAct(t *testing.T) {
	for _, c := range []struct {
		x           float32
		relu, leaky float32
	}{
		{2, 2, 2},
		{0, 0, 0},
		{-2, 0, -0.2},
		{-0.5, 0, -0.05},
	} {
		if got := Relu(c.x); got != c.relu {
			t.Errorf("Relu(%v) = %v, want %v", c.x, got, c.relu)
		}
		if got := LeakyRelu(c.x); got != c.leaky {
			t.Errorf("LeakyRelu(%v) = %v, want %v", c.x, got, c.leaky)
		}
	}
	// Relu tests the bits; it must agree with x < 0 everywhere.
	r := rand.New(rand.NewPCG(11, 12))
	xs := append([]float32(nil), actInputs...)
	for range 10000 {
		xs = append(xs, math.Float32frombits(r.Uint32()))
	}
	for _, x := range xs {
		if got, want := Relu(x), refAct(ReLU, x); !sameBits(got, want) {
			t.Errorf("Relu(%v) (bits %#x) = %v (%#x), want %v (%#x)", x, math.Float32bits(x), got, math.Float32bits(got), want, math.Float32bits(want))
		}
		if got, want := LeakyRelu(x), refAct(Leaky, x); !sameBits(got, want) {
			t.Errorf("LeakyRelu(%v) (bits %#x) = %v (%#x), want %v (%#x)", x, math.Float32bits(x), got, math.Float32bits(got), want, math.Float32bits(want))
		}
	}
}

// TestActivate checks each activation's loop against refAct to the bit.
func TestActivate(t *testing.T) {
	for _, act := range []Act{Linear, ReLU, Leaky} {
		x := append([]float32(nil), actInputs...)
		activate(x, act)
		for i, v := range actInputs {
			if want := refAct(act, v); !sameBits(x[i], want) {
				t.Errorf("act %d: activate(%v) = %v, want %v", act, v, x[i], want)
			}
		}
	}
}

// TestMatMul checks MatMul against plainDot on row counts with and without
// a tail of 1 or 2 rows, odd and even k and output counts, and each
// activation, to the bit.
func TestMatMul(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, act := range []Act{Linear, ReLU, Leaky} {
		for _, sh := range [][3]int{
			{1, 1, 1}, {2, 3, 1}, {3, 5, 2}, {4, 27, 16}, {5, 7, 25}, {9, 33, 3},
			{1, 0, 3}, {2, 4, 5}, {6, 1, 7}, {7, 16, 32}, {8, 31, 9}, {10, 2, 2}, {11, 13, 1},
		} {
			n, k, cout := sh[0], sh[1], sh[2]
			a, wt, bias := randSlice(r, n*k), randSlice(r, cout*k), randSlice(r, cout)
			out := make([]float32, n*cout+1)
			out[n*cout] = 42 // past the output: untouched
			MatMul(out, a, n, k, wt, bias, cout, act)
			for p := 0; p < n; p++ {
				for o := 0; o < cout; o++ {
					want := refAct(act, plainDot(a[p*k:], wt[o*k:o*k+k])+bias[o])
					if got := out[p*cout+o]; !sameBits(got, want) {
						t.Fatalf("act %d, %dx%dx%d: out[%d][%d] = %v, want %v", act, n, k, cout, p, o, got, want)
					}
				}
			}
			if out[n*cout] != 42 {
				t.Fatalf("act %d, %dx%dx%d: wrote past the output", act, n, k, cout)
			}
		}
	}
}

// TestDepthwiseRow checks DepthwiseRow at strides 1 and 2 against the
// formula, on a bordered input.
func TestDepthwiseRow(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, stride := range []int{1, 2} {
		for _, c := range []int{1, 3, 8} {
			sin := 6
			w := sin / stride
			rl := (sin + 2) * c
			rows := [3][]float32{randSlice(r, rl), randSlice(r, rl), randSlice(r, rl)}
			dw := randSlice(r, 9*c)
			out := make([]float32, w*c)
			DepthwiseRow(out, rows[0], rows[1], rows[2], dw, w, c, stride)
			for x := 0; x < w; x++ {
				for ch := 0; ch < c; ch++ {
					var want float32
					for ky := 0; ky < 3; ky++ {
						for kx := 0; kx < 3; kx++ {
							want += rows[ky][(stride*x+stride-1+kx)*c+ch] * dw[(ky*3+kx)*c+ch]
						}
					}
					if got := out[x*c+ch]; got != want {
						t.Fatalf("stride %d, c %d: out[%d][%d] = %v, want %v", stride, c, x, ch, got, want)
					}
				}
			}
		}
	}
}

// TestPoolRow2 checks the 2x2 max pool on even and odd widths, with and
// without the second row.
func TestPoolRow2(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	const c = 3
	for _, w := range []int{1, 2, 5, 6} {
		ra, rb := randSlice(r, w*c), randSlice(r, w*c)
		for _, second := range []bool{true, false} {
			var b []float32
			if second {
				b = rb
			}
			dst := make([]float32, (w+1)/2*c)
			PoolRow2(dst, ra, b, w, c)
			for x := 0; x < (w+1)/2; x++ {
				for ch := 0; ch < c; ch++ {
					want := ra[2*x*c+ch]
					for dx := 0; dx < 2; dx++ {
						if 2*x+dx >= w {
							continue
						}
						want = max(want, ra[(2*x+dx)*c+ch])
						if second {
							want = max(want, rb[(2*x+dx)*c+ch])
						}
					}
					if got := dst[x*c+ch]; got != want {
						t.Fatalf("w %d, second row %v: dst[%d][%d] = %v, want %v", w, second, x, ch, got, want)
					}
				}
			}
		}
	}
}

// BenchmarkMatMul runs the pointwise shapes of FaceLandmark68Net (relu)
// and TinyFaceDetector (leaky).
func BenchmarkMatMul(b *testing.B) {
	for _, sh := range []struct {
		n, k, cout int
		act        Act
	}{
		{3136, 27, 32, ReLU}, {3136, 32, 32, ReLU}, {784, 64, 64, ReLU}, {196, 128, 128, ReLU}, {49, 256, 256, ReLU},
		{414, 27, 16, Leaky}, {207, 16, 32, Leaky}, {26, 128, 256, Leaky}, {13, 256, 512, Leaky},
	} {
		n, k, cout := sh.n, sh.k, sh.cout
		out := make([]float32, n*cout)
		// Random signed operands: about half the sums are negative, in no
		// pattern a branch predictor could follow, so that a branch in the
		// activation shows (the networks' signs are more regular).
		r := rand.New(rand.NewPCG(9, 10))
		a, wt, bias := randSlice(r, n*k), randSlice(r, cout*k), randSlice(r, cout)
		b.Run(fmt.Sprint(n, "x", k, "x", cout), func(b *testing.B) {
			for b.Loop() {
				MatMul(out, a, n, k, wt, bias, cout, sh.act)
			}
			b.ReportMetric(float64(n*k*cout)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GMAC/s")
		})
	}
}
