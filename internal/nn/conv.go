package nn

import "math"

// The kernels work on HWC float32 activations (channels innermost). Each
// reslices its operands to the lengths the loop reads first, so that the
// compiler can drop the bounds checks in the inner loops.
//
// Every sum runs in the order of the tfjs CPU kernels face-api.js runs on
// (Conv2D accumulates each output in a Float32Array over filter row, filter
// column, input channel; DepthwiseConv2dNative over filter row, filter
// column). tfjs adds the exact (float64) product to the float32 sum and
// rounds once; here the product is rounded to float32 first, so results
// differ from tfjs's by an ulp now and then, not more.

// Act is the activation MatMul applies to each output.
type Act uint8

const (
	// Linear is no activation: the output is the sum plus the bias.
	Linear Act = iota
	// ReLU is tfjs's relu, max(x, 0) (FaceLandmark68Net).
	ReLU
	// Leaky is face-api's leaky ReLU with slope 0.1 (TinyFaceDetector).
	Leaky
)

// Relu is tfjs's relu: max(x, 0), that is 0 where x < 0, else x (-0 and
// NaN unchanged).
//
// It tests x on its bits and picks the result with a conditional move
// rather than a branch on x < 0, which goes either way about half the time
// on a layer's outputs: on random signed sums (BenchmarkMatMul) the
// mispredictions cost MatMul up to a third of its speed at small k; in the
// networks, 2 to 8 % of a pass.
func Relu(x float32) float32 {
	b := math.Float32bits(x)
	// x < 0: the sign bit set, and neither -0 (0x80000000) nor a NaN
	// (above 0xff800000, -Inf).
	if b-0x80000001 < 0xff800000-0x80000000 {
		b = 0
	}
	return math.Float32frombits(b)
}

// LeakyRelu is face-api's leaky ReLU exactly as tfjs evaluates it in
// float32: m = x*0.1; relu(x-m) + m.
func LeakyRelu(x float32) float32 {
	m := x * 0.1
	return Relu(x-m) + m
}

// activate replaces each x[i] with act(x[i]). The activation is chosen
// once for the block, and each loop inlines its function (a per-output
// switch on act does not fit the compiler's inlining budget).
func activate(x []float32, act Act) {
	switch act {
	case ReLU:
		for i, v := range x {
			x[i] = Relu(v)
		}
	case Leaky:
		for i, v := range x {
			x[i] = LeakyRelu(v)
		}
	}
}

// MatMul computes n rows of out (cout values each) from n rows of a (k
// values each): out[p][o] = act(sum_i a[p][i] * wt[o][i] + bias[o]), wt
// being cout rows of k values, the sum taken in order of i in float32. It
// is a 1x1 convolution of n pixels, or any convolution after im2col. Rows
// are done three at a time against two outputs at a time: the six
// accumulators and five operands stay in registers (four rows, or three
// outputs, make the amd64 compiler spill and run at half the speed). The
// sums plus bias are stored first; the activation then runs over the block
// of rows just written (still in L1), chosen once for the block.
func MatMul(out, a []float32, n, k int, wt, bias []float32, cout int, act Act) {
	out = out[:n*cout]
	a = a[:n*k]
	wt = wt[:cout*k]
	bias = bias[:cout]
	p := 0
	for ; p+3 <= n; p += 3 {
		a0 := a[p*k : p*k+k]
		a1 := a[(p+1)*k : (p+1)*k+k]
		a2 := a[(p+2)*k : (p+2)*k+k]
		o0 := out[p*cout : p*cout+cout]
		o1 := out[(p+1)*cout : (p+1)*cout+cout]
		o2 := out[(p+2)*cout : (p+2)*cout+cout]
		o := 0
		for ; o+2 <= cout; o += 2 {
			s00, s01, s10, s11, s20, s21 := dot3x2(a0, a1, a2, wt[o*k:o*k+k], wt[(o+1)*k:(o+1)*k+k])
			b0, b1 := bias[o], bias[o+1]
			o0[o], o0[o+1] = s00+b0, s01+b1
			o1[o], o1[o+1] = s10+b0, s11+b1
			o2[o], o2[o+1] = s20+b0, s21+b1
		}
		for ; o < cout; o++ {
			w0 := wt[o*k : o*k+k]
			b0 := bias[o]
			o0[o] = dot(a0, w0) + b0
			o1[o] = dot(a1, w0) + b0
			o2[o] = dot(a2, w0) + b0
		}
		activate(out[p*cout:(p+3)*cout], act)
	}
	// The last one or two rows: two outputs at a time, two sums in flight.
	for ; p < n; p++ {
		a0 := a[p*k : p*k+k]
		o0 := out[p*cout : p*cout+cout]
		o := 0
		for ; o+2 <= cout; o += 2 {
			s0, s1 := dot1x2(a0, wt[o*k:o*k+k], wt[(o+1)*k:(o+1)*k+k])
			o0[o], o0[o+1] = s0+bias[o], s1+bias[o+1]
		}
		if o < cout {
			o0[o] = dot(a0, wt[o*k:o*k+k]) + bias[o]
		}
		activate(o0, act)
	}
}

// dot1x2 returns the dot products of a with w0 and w1 (all of w0's
// length), each summed in order.
func dot1x2(a, w0, w1 []float32) (s0, s1 float32) {
	n := len(w0)
	a, w1 = a[:n], w1[:n]
	for i, x0 := range w0 {
		s0 += a[i] * x0
		s1 += a[i] * w1[i]
	}
	return
}

// dot3x2 returns the dot products of a0, a1, a2 with w0 and w1 (all of
// w0's length), each summed in order.
func dot3x2(a0, a1, a2, w0, w1 []float32) (s00, s01, s10, s11, s20, s21 float32) {
	n := len(w0)
	a0, a1, a2, w1 = a0[:n], a1[:n], a2[:n], w1[:n]
	for i, x0 := range w0 {
		x1 := w1[i]
		s00 += a0[i] * x0
		s01 += a0[i] * x1
		s10 += a1[i] * x0
		s11 += a1[i] * x1
		s20 += a2[i] * x0
		s21 += a2[i] * x1
	}
	return
}

// dot returns the dot product of a and w (w's length), summed in order.
func dot(a, w []float32) float32 {
	a = a[:len(w)]
	var s float32
	for i, x := range w {
		s += a[i] * x
	}
	return s
}

// DepthwiseRow computes one output row (w pixels, c channels) of a 3x3
// depthwise convolution with the given stride (1 or 2) from the three input
// rows r0, r1, r2 of a zero-bordered buffer (one pixel of zeros each side):
// out[x][ch] = sum over ky, kx of r_ky[stride*x+off+kx][ch] * dw[ky*3+kx][ch],
// where off is 0 for stride 1 ('same' pads one pixel each side) and 1 for
// stride 2 (tfjs's 'same' pads an even input only at the bottom and right).
// dw holds the 9 taps' c weights, tap ky*3+kx first.
func DepthwiseRow(out, r0, r1, r2, dw []float32, w, c, stride int) {
	dw = dw[:9*c]
	k0, k1, k2 := dw[0:c], dw[c:2*c], dw[2*c:3*c]
	k3, k4, k5 := dw[3*c:4*c], dw[4*c:5*c], dw[5*c:6*c]
	k6, k7, k8 := dw[6*c:7*c], dw[7*c:8*c], dw[8*c:9*c]
	off := stride - 1
	for x := 0; x < w; x++ {
		o := out[x*c : x*c+c]
		base := (stride*x + off) * c
		p0, p1, p2 := r0[base:base+c], r0[base+c:base+2*c], r0[base+2*c:base+3*c]
		q0, q1, q2 := r1[base:base+c], r1[base+c:base+2*c], r1[base+2*c:base+3*c]
		t0, t1, t2 := r2[base:base+c], r2[base+c:base+2*c], r2[base+2*c:base+3*c]
		p0, p1, p2 = p0[:len(o)], p1[:len(o)], p2[:len(o)]
		q0, q1, q2 = q0[:len(o)], q1[:len(o)], q2[:len(o)]
		t0, t1, t2 = t0[:len(o)], t1[:len(o)], t2[:len(o)]
		k0, k1, k2 := k0[:len(o)], k1[:len(o)], k2[:len(o)]
		k3, k4, k5 := k3[:len(o)], k4[:len(o)], k5[:len(o)]
		k6, k7, k8 := k6[:len(o)], k7[:len(o)], k8[:len(o)]
		for i := range o {
			o[i] = p0[i]*k0[i] + p1[i]*k1[i] + p2[i]*k2[i] +
				q0[i]*k3[i] + q1[i]*k4[i] + q2[i]*k5[i] +
				t0[i]*k6[i] + t1[i]*k7[i] + t2[i]*k8[i]
		}
	}
}

// PoolRow2 max-pools rows ra and rb (rb nil past the last row), w pixels of
// c channels, with a 2x2 window and stride 2 into dst (ceil(w/2) pixels);
// with tfjs's 'same' padding an odd last column or row pools alone.
func PoolRow2(dst, ra, rb []float32, w, c int) {
	for x := 0; x < w; x += 2 {
		d := dst[(x/2)*c : (x/2)*c+c]
		a0 := ra[x*c : x*c+c]
		if x+1 < w {
			a1 := ra[(x+1)*c : (x+1)*c+c]
			if rb != nil {
				b0 := rb[x*c : x*c+c]
				b1 := rb[(x+1)*c : (x+1)*c+c]
				for i := range d {
					d[i] = max(a0[i], a1[i], b0[i], b1[i])
				}
			} else {
				for i := range d {
					d[i] = max(a0[i], a1[i])
				}
			}
		} else if rb != nil {
			b0 := rb[x*c : x*c+c]
			for i := range d {
				d[i] = max(a0[i], b0[i])
			}
		} else {
			copy(d, a0)
		}
	}
}
