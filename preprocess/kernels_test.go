package preprocess

import (
	"bytes"
	"image/color"
	"math/rand/v2"
	"slices"
	"testing"
)

// forEachVariant runs f with every kernel variant this machine supports
// made active in turn (a SIMD variant once with each wide mode the CPU
// has, see wideLumaModes: the wide luma and Area kernels on or off); f
// compares the wrappers against the generic kernels.
func forEachVariant(t *testing.T, f func(t *testing.T)) {
	t.Helper()
	for _, v := range availableVariants() {
		modes := []bool{false}
		if v != variantGeneric {
			modes = wideLumaModes()
		}
		for _, wide := range modes {
			name := v.String()
			if wide {
				name += "+wide"
			}
			t.Run(name, func(t *testing.T) {
				restore, ok := forceVariant(v)
				if !ok {
					t.Fatalf("variant %v listed as available but cannot be forced", v)
				}
				defer restore()
				defer setWideLuma(wide)()
				defer setWideArea(wide)()
				f(t)
			})
		}
	}
}

const guard = 0xA5

// guarded returns a slice of n bytes at offset off inside a larger buffer
// whose other bytes are the guard value, and a check that the guard survived.
func guarded(n, off int) ([]byte, func(t *testing.T)) {
	buf := bytes.Repeat([]byte{guard}, n+off+64)
	s := buf[off : off+n : off+n]
	return s, func(t *testing.T) {
		t.Helper()
		for i, b := range buf[:off] {
			if b != guard {
				t.Fatalf("byte %d before the destination overwritten", i)
			}
		}
		for i, b := range buf[off+n:] {
			if b != guard {
				t.Fatalf("byte %d past the destination overwritten", i)
			}
		}
	}
}

func randBytes(r *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// extremes makes inputs that stress saturation: all 0, all 255, alternating.
func extremes(n int) [][]byte {
	z := make([]byte, n)
	f := bytes.Repeat([]byte{255}, n)
	a := make([]byte, n)
	for i := range a {
		if i%2 == 0 {
			a[i] = 255
		}
	}
	return [][]byte{z, f, a}
}

func TestKernelAddRow(t *testing.T) {
	forEachVariant(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(1, 2))
		for n := 0; n <= 130; n++ {
			for off := 0; off < 3; off++ {
				src := randBytes(r, n+off)[off:]
				init := make([]uint16, n)
				for i := range init {
					init[i] = uint16(r.IntN(60000))
				}
				want := slices.Clone(init)
				addRow_U8_U16_generic(want, src)
				got := make([]uint16, n+8)
				copy(got, init)
				for i := n; i < len(got); i++ {
					got[i] = 0xBEEF
				}
				addRowU16(got[:n], src)
				if !slices.Equal(got[:n], want) {
					t.Fatalf("n=%d off=%d: got %v want %v", n, off, got[:n], want)
				}
				for i := n; i < len(got); i++ {
					if got[i] != 0xBEEF {
						t.Fatalf("n=%d: wrote past the end", n)
					}
				}
			}
		}
	})
}

// TestKernelBoxRow compares boxRow (and the table path of boxRowAny) with
// the generic kernel for every factor 1..9 (the SIMD kernels serve 2..8 for
// one channel), channel counts 1..4, column sums of 1..128 rows, every tail
// length 0..67, on random sums, extreme sums and the column sums of a real
// frame.
func TestKernelBoxRow(t *testing.T) {
	gray := testGray(t, "faces/obama-1080p.jpg")
	forEachVariant(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(3, 4))
		for kx := 1; kx <= 9; kx++ {
			for _, cn := range []int{1, 2, 3, 4} {
				for _, ky := range []int{1, 2, 3, 4, 7, 51, 128} {
					scale := 1 / float32(kx*ky)
					var lut []byte
					if kx*ky <= maxBoxLUTBlock {
						lut = make([]byte, boxLUTSize)
						fillBoxLUT(lut, kx*ky, scale)
					}
					for n := 0; n <= 67; n++ {
						acc := make([]uint16, n*kx*cn)
						switch n % 7 {
						case 0: // exact halves and the maximum
							for i := range acc {
								acc[i] = uint16(255 * ky * (i % 2))
							}
						case 1, 4: // the column sums of ky rows of a photograph
							y0, x0 := r.IntN(gray.Height-ky+1), r.IntN(gray.Width)
							for y := y0; y < y0+ky; y++ {
								row := gray.Row(y)
								for i := range acc { // wrapping around past the row's end
									acc[i] += uint16(row[(x0+i)%gray.Width])
								}
							}
						default:
							for i := range acc {
								acc[i] = uint16(r.IntN(255*ky + 1))
							}
						}
						want := make([]byte, n*cn)
						boxRow_U16_U8_generic(want, acc, kx, cn, scale)
						for off := 0; off < 2; off++ {
							got, check := guarded(n*cn, off)
							boxRow(got, acc, kx, cn, scale)
							if !bytes.Equal(got, want) {
								t.Fatalf("kx=%d cn=%d ky=%d n=%d: got %v want %v", kx, cn, ky, n, got, want)
							}
							check(t)
							if lut == nil {
								continue
							}
							got, check = guarded(n*cn, off)
							boxRowAny(got, acc, kx, cn, scale, lut)
							if !bytes.Equal(got, want) {
								t.Fatalf("table: kx=%d cn=%d ky=%d n=%d: got %v want %v", kx, cn, ky, n, got, want)
							}
							check(t)
						}
					}
				}
			}
		}
	})
}

func TestKernelBlendRows(t *testing.T) {
	forEachVariant(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(5, 6))
		for n := 0; n <= 130; n++ {
			for _, w1 := range []uint16{0, 1, 77, 128, 255, 256} {
				w0 := 256 - w1
				off := n % 3
				r0 := randBytes(r, n+off)[off:]
				r1 := randBytes(r, n+1)[1:]
				if n%5 == 0 {
					r0, r1 = extremes(n)[1], extremes(n)[2]
				}
				want := make([]uint16, n)
				blendRows_U8_U16_generic(want, r0, r1, w0, w1)
				got := make([]uint16, n+16)
				for i := range got {
					got[i] = 0xBEEF
				}
				blendRows(got[:n], r0, r1, w0, w1)
				if !slices.Equal(got[:n], want) {
					t.Fatalf("n=%d w1=%d: got %v want %v", n, w1, got[:n], want)
				}
				for _, v := range got[n:] {
					if v != 0xBEEF {
						t.Fatalf("n=%d: wrote past the end", n)
					}
				}
			}
		}
	})
}

func TestKernelLinearRow(t *testing.T) {
	forEachVariant(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(7, 8))
		for _, cn := range []int{1, 2, 3, 4} {
			for n := 0; n <= 130; n++ {
				srcW := 1 + r.IntN(300)
				tt := make([]uint16, (srcW+1)*cn)
				for i := range tt {
					tt[i] = uint16(r.IntN(32641))
				}
				xofs := make([]int32, n)
				xw := make([]int16, 2*n)
				for i := range xofs {
					xofs[i] = int32(r.IntN(srcW))
					w1 := int16(r.IntN(2049))
					xw[2*i], xw[2*i+1] = 2048-w1, w1
				}
				want := make([]byte, n*cn)
				linearRow_U16_U8_generic(want, tt, xofs, xw, cn)
				got, check := guarded(n*cn, n%3)
				linearRow(got, tt, xofs, xw, cn)
				if !bytes.Equal(got, want) {
					t.Fatalf("cn=%d n=%d: got %v want %v", cn, n, got, want)
				}
				check(t)
			}
		}
	})
}

func TestKernelLuma(t *testing.T) {
	forEachVariant(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(9, 10))
		for _, coef := range []uint32{lumaCoefRGBA, lumaCoefBGRA} {
			for n := 0; n <= 130; n++ {
				srcs := [][]byte{randBytes(r, 4*n+3)[n%4:][:4*n], extremes(4 * n)[1], extremes(4 * n)[2]}
				for _, src := range srcs {
					want := make([]byte, n)
					luma_RGBA_Gray_generic(want, src, coef)
					got, check := guarded(n, n%3)
					lumaRow4(got, src, coef)
					if !bytes.Equal(got, want) {
						t.Fatalf("RGBA n=%d: got %v want %v", n, got, want)
					}
					check(t)

					src3 := src[:3*n]
					want3 := make([]byte, n)
					luma_RGB24_Gray_generic(want3, src3, coef)
					got3, check3 := guarded(n, n%3)
					lumaRow3(got3, src3, coef)
					if !bytes.Equal(got3, want3) {
						t.Fatalf("RGB24 n=%d: got %v want %v", n, got3, want3)
					}
					check3(t)
				}
			}
		}
		// A photograph's rows, whole and with odd tails.
		img := testRGBA(t, "faces/obama-1080p.jpg")
		for y := 0; y < img.Height; y += 7 {
			for _, coef := range []uint32{lumaCoefRGBA, lumaCoefBGRA} {
				for _, n := range []int{img.Width, img.Width - 3, 301} {
					off := min(y%5, img.Width-n)
					src := img.Row(y)[4*off : 4*(off+n)]
					want := make([]byte, n)
					luma_RGBA_Gray_generic(want, src, coef)
					got := make([]byte, n)
					lumaRow4(got, src, coef)
					if !bytes.Equal(got, want) {
						t.Fatalf("photograph row %d, %d pixels: differs from the generic kernel", y, n)
					}
				}
			}
		}
	})
}

func TestKernelLaplacian(t *testing.T) {
	forEachVariant(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(11, 12))
		for _, n := range append(seq(0, 130), 2047, 2048, 2049, 4100, 5000) {
			rows := [][]byte{randBytes(r, n+3)[1:], randBytes(r, n+2), randBytes(r, n+2)}
			if n%4 == 0 { // worst case for the sums of squares: 255 around 0
				e := extremes(n + 2)
				rows = [][]byte{e[1], e[0], e[1]}
			}
			ws, wq := laplacian_Gray_Stats_generic(rows[0], rows[1], rows[2], n)
			gs, gq := laplacianRow(rows[0], rows[1], rows[2], n)
			if gs != ws || gq != wq {
				t.Fatalf("n=%d: got (%d,%d) want (%d,%d)", n, gs, gq, ws, wq)
			}
		}
	})
}

func seq(a, b int) []int {
	s := make([]int, 0, b-a+1)
	for i := a; i <= b; i++ {
		s = append(s, i)
	}
	return s
}

func TestKernelYUVRow(t *testing.T) {
	forEachVariant(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(13, 14))
		for n := 0; n <= 130; n++ {
			y, cb, cr := randBytes(r, n), randBytes(r, n+1)[1:], randBytes(r, n)
			if n%3 == 0 { // the clamping corners
				for i := range y {
					y[i], cb[i], cr[i] = []byte{0, 255}[i%2], []byte{0, 255}[(i/2)%2], []byte{0, 255}[(i/4)%2]
				}
			}
			want := make([]byte, 3*n)
			for i := range y {
				want[3*i], want[3*i+1], want[3*i+2] = color.YCbCrToRGB(y[i], cb[i], cr[i])
			}
			// Exactly the row: nothing may be written past it.
			got, check := guarded(3*n, n%3)
			yuvRow(got, y, cb, cr)
			if !bytes.Equal(got, want) {
				t.Fatalf("n=%d: got %v want %v", n, got, want)
			}
			check(t)
			// A longer destination lets the kernel run to the end of the row.
			long := make([]byte, 3*n+64)
			yuvRow(long, y, cb, cr)
			if !bytes.Equal(long[:3*n], want) {
				t.Fatalf("n=%d, long destination: got %v want %v", n, long[:3*n], want)
			}
		}
	})
}

// TestKernelAreaRows: the vertical fractional Area kernel gives the generic
// kernel's values for every length up to 200 (all tails of the blocks of
// 128 and 64), 1 to 7 rows, odd
// offsets and strides, random, extreme and real rows, weights to at most 1<<areaBits, and writes nothing past the end.
func TestKernelAreaRows(t *testing.T) {
	gray := testGray(t, "faces/obama-1080p.jpg")
	forEachVariant(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(41, 42))
		for n := 0; n <= 200; n++ {
			for k := 1; k <= 7; k++ {
				for kind := 0; kind < 3; kind++ {
					stride := n + r.IntN(9)
					var rows []byte
					switch kind {
					case 0: // extremes: all 255, or alternating 0 and 255
						rows = extremes(k*stride + 1)[1+n%2][1:]
					case 1:
						rows = randBytes(r, k*stride+3)[3:]
					default: // k rows of the photograph, with its stride
						y := r.IntN(gray.Height - k)
						x := r.IntN(gray.Width - n + 1)
						rows = gray.Pix[y*gray.Stride+x:]
						stride = gray.Stride
					}
					rows = rows[:(k-1)*stride+n]
					w := make([]uint32, k)
					left := 1 << areaBits
					for i := range w {
						w[i] = uint32(r.IntN(left + 1))
						if kind == 0 && i == k-1 {
							w[i] = uint32(left) // all of 1<<areaBits: the largest sums
						}
						left -= int(w[i])
					}
					m := make([]uint16, k)
					for i, wi := range w {
						m[i] = areaRowMul(wi)
					}
					want := make([]int16, n)
					areaRows_U8_I16_generic(want, rows, stride, m)
					got := make([]int16, n+8)
					for i := range got {
						got[i] = 0x5EEF
					}
					areaRows(got[:n], rows, stride, m)
					if !slices.Equal(got[:n], want) {
						t.Fatalf("n=%d rows=%d kind %d: got %v want %v", n, k, kind, got[:n], want)
					}
					for i := n; i < len(got); i++ {
						if got[i] != 0x5EEF {
							t.Fatalf("n=%d rows=%d: wrote past the end", n, k)
						}
					}
				}
			}
		}
	})
}

// TestKernelAreaCols: the horizontal fractional Area kernel gives the
// generic kernel's bytes for every output length up to 70 (all tails), 1 to
// 20 taps a pixel (rounded up to 2, 4 or a multiple of 8, the rest weight 0),
// channel counts 1 to 4, random and extreme sums, and writes nothing past
// the end.
func TestKernelAreaCols(t *testing.T) {
	forEachVariant(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(43, 44))
		for m := 0; m <= 70; m++ {
			for taps := 1; taps <= 20; taps++ {
				n := areaColsTaps(taps)
				for cn := 1; cn <= 4; cn++ {
					srcW := m*2 + n + 3
					vacc := make([]int16, (srcW+n)*cn)
					big := r.IntN(2) == 0
					for i := range vacc {
						v := r.IntN(255<<areaAccBits + 1)
						if big {
							v = 255<<areaAccBits + 3 // with the bias of 7 rows' floors
						}
						vacc[i] = int16(v - 1<<15)
					}
					xofs := make([]int32, (m+7)&^7) // padded as planArea pads it
					for d := m; d < len(xofs); d++ {
						xofs[d] = int32(r.IntN(srcW) * cn)
					}
					xw := make([]uint16, (m+7)&^7*n)
					for d := range xofs[:m] {
						xofs[d] = int32(r.IntN(srcW) * cn)
						left := uint32(1 << areaBits)
						for j := 0; j < taps; j++ {
							w := uint32(r.IntN(int(left) + 1))
							if j == taps-1 {
								w = left
							}
							left -= w
							xw[areaColsWeight(d, j, n)] = uint16(w)
						}
					}
					want := make([]byte, m*cn)
					areaCols_I16_U8_generic(want, vacc, xofs, xw, n, cn)
					for _, padded := range []bool{false, true} {
						x, w := xofs[:m], xw[:m*n]
						if padded { // the kernel computes the tail too
							x, w = xofs, xw
						}
						got, check := guarded(m*cn, 3)
						areaCols(got, vacc, x, w, n, cn)
						check(t)
						if !bytes.Equal(got, want) {
							t.Fatalf("m=%d taps=%d cn=%d padded=%v: got %v want %v", m, taps, cn, padded, got, want)
						}
					}
				}
			}
		}
	})
}

// randomAreaSums returns n vertical sums as the fractional Area passes
// hold them (areaAccBits fixed point, offset by -1<<15): random, or, on
// about one call in two, all the largest sum 7 rows' floors can give.
func randomAreaSums(r *rand.Rand, n int) []int16 {
	vacc := make([]int16, n)
	big := r.IntN(2) == 0
	for i := range vacc {
		v := r.IntN(255<<areaAccBits + 1)
		if big {
			v = 255<<areaAccBits + 3
		}
		vacc[i] = int16(v - 1<<15)
	}
	return vacc
}

// randomAreaTaps returns the horizontal Area pass's tables for m outputs
// at a downscale of scale (output d's first tap at d*scale), padded to a
// multiple of 8 outputs as planArea pads them: taps taps an output in n
// slots, of random weights summing to 1<<areaBits (some of them 0).
func randomAreaTaps(r *rand.Rand, m, n, taps int, scale float64) ([]int32, []uint16) {
	xofs := make([]int32, (m+7)&^7)
	xw := make([]uint16, (m+7)&^7*n)
	for d := range xofs[:m] {
		xofs[d] = int32(float64(d) * scale)
		left := uint32(1 << areaBits)
		for j := 0; j < taps; j++ {
			w := uint32(r.IntN(int(left) + 1))
			if j == taps-1 || r.IntN(8) == 0 && j > 0 {
				w = left
			}
			left -= w
			xw[areaColsWeight(d, j, n)] = uint16(w)
		}
	}
	return xofs, xw
}

// TestKernelAreaColsWide: the wide horizontal fractional Area kernel, from
// the tables of planAreaWide, gives areaCols_I16_U8_generic's bytes for
// every output length up to 100 (all tails of blocks of 16 and pairs of
// them), 1 to 6 taps a pixel (some of weight 0) at downscales from 1 to
// 3.4 (whose blocks fit the kernel: planAreaWide must make tables, and
// with 1 or 2 taps below 1.9 in pairs of blocks), random and extreme sums,
// and writes nothing past the end; at a factor of 5 planAreaWide makes
// none.
func TestKernelAreaColsWide(t *testing.T) {
	forEachVariant(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(45, 46))
		for m := 0; m <= 100; m++ {
			for taps := 1; taps <= 6; taps++ {
				n := areaColsTaps(taps)
				scale := 1 + 2.4*r.Float64()
				if taps <= 2 {
					scale = 1 + r.Float64() // some blocks in pairs
				}
				srcW := int(float64(m)*scale) + taps
				vacc := randomAreaSums(r, srcW+64)
				xofs, xw := randomAreaTaps(r, m, n, taps, scale)
				want := make([]byte, m)
				areaCols_I16_U8_generic(want, vacc, xofs, xw, n, 1)
				for group := 1; group <= 2; group++ {
					base, tab, np := planAreaWide(xofs[:m], xw, n, len(vacc), group)
					if m > 0 && tab == nil && (group == 1 || taps <= 2 && scale < 1.9) {
						t.Fatalf("m=%d taps=%d scale %.2f group %d: no wide tables", m, taps, scale, group)
					}
					if tab == nil {
						continue
					}
					got, check := guarded(m, 3)
					areaColsWide(got, vacc, base, tab, np, group == 2)
					check(t)
					if !bytes.Equal(got, want) {
						t.Fatalf("m=%d taps=%d scale %.2f np=%d group %d: got %v want %v", m, taps, scale, np, group, got, want)
					}
				}
			}
		}
		xofs := make([]int32, 40)
		xw := make([]uint16, 40*8)
		for d := range xofs {
			xofs[d] = int32(5 * d)
			for j := range 5 {
				xw[areaColsWeight(d, j, 8)] = 1 << areaBits / 5
			}
		}
		if _, tab, _ := planAreaWide(xofs, xw, 8, 5*40+64, 1); tab != nil {
			t.Fatal("wide tables for blocks of 16 outputs over 80 samples")
		}
	})
}

// TestKernelAreaColsLanes: the AVX2 lane horizontal fractional Area
// kernels, from the tables of planAreaLanes in every shape, give
// areaCols_I16_U8_generic's bytes for every output length up to 100 (all
// tails of blocks of 32), 1 to 6 taps a pixel (some of weight 0) at
// downscales from 1 to 3.4, random and extreme sums, and write nothing past
// the end; planAreaLanes must make tables in shape {4, 2} for 2 taps below
// a factor of 2 and in shape {2, 1} for up to 4 taps, and makes none for
// lanes of 4 outputs over 23 samples in shape {4, 2}.
func TestKernelAreaColsLanes(t *testing.T) {
	forEachVariant(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(51, 52))
		for m := 0; m <= 100; m++ {
			for taps := 1; taps <= 6; taps++ {
				n := areaColsTaps(taps)
				scale := 1 + 2.4*r.Float64()
				if taps <= 2 {
					scale = 1 + 1.3*r.Float64()
				}
				srcW := int(float64(m)*scale) + taps
				vacc := randomAreaSums(r, srcW+8)
				xofs, xw := randomAreaTaps(r, m, n, taps, scale)
				want := make([]byte, m)
				areaCols_I16_U8_generic(want, vacc, xofs, xw, n, 1)
				for _, sh := range areaLaneShapes {
					base, tab := planAreaLanes(xofs[:m], xw, n, len(vacc), sh)
					if m > 0 && tab == nil && (sh == areaLaneShape{4, 2} && taps <= 2 && scale < 2 || sh == areaLaneShape{2, 1} && taps <= 4) {
						t.Fatalf("m=%d taps=%d scale %.2f shape %v: no tables", m, taps, scale, sh)
					}
					if tab == nil {
						continue
					}
					got, check := guarded(m, 3)
					areaColsLanes(got, vacc, base, tab, sh)
					check(t)
					if !bytes.Equal(got, want) {
						t.Fatalf("m=%d taps=%d scale %.2f shape %v: got %v want %v", m, taps, scale, sh, got, want)
					}
				}
			}
		}
		xofs := make([]int32, 40)
		xw := make([]uint16, 40*2)
		for d := range xofs {
			xofs[d] = int32(d * 7)
			xw[2*d], xw[2*d+1] = 1<<areaBits/2, 1<<areaBits/2
		}
		if _, tab := planAreaLanes(xofs, xw, 2, 7*40+8, areaLaneShape{4, 2}); tab != nil {
			t.Fatal("tables in shape {4, 2} for lanes of 4 outputs over 23 samples")
		}
	})
}

// TestKernelAreaColsPairs: the AVX2 pair horizontal fractional Area
// kernel, from the tables of planAreaPairs, gives
// areaCols_I16_U8_generic's bytes for every output length up to 100 (all
// tails of blocks of 8), 1 to 6 taps a pixel (some of weight 0) at
// downscales from 1 to 3.4, random and extreme sums, and writes nothing
// past the end; planAreaPairs must make tables for up to 5 taps where
// every pair of outputs spans at most 8 samples, and makes none for
// outputs of 5 taps 5 samples apart.
func TestKernelAreaColsPairs(t *testing.T) {
	forEachVariant(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(55, 56))
		for m := 0; m <= 100; m++ {
			for taps := 1; taps <= 6; taps++ {
				n := areaColsTaps(taps)
				scale := 1 + 2.4*r.Float64()
				srcW := int(float64(m)*scale) + taps
				vacc := randomAreaSums(r, srcW+8)
				xofs, xw := randomAreaTaps(r, m, n, taps, scale)
				want := make([]byte, m)
				areaCols_I16_U8_generic(want, vacc, xofs, xw, n, 1)
				tab := planAreaPairs(xofs, xw, n, len(vacc))
				fits := true
				for d := 0; d+1 < m; d += 2 {
					fits = fits && int(xofs[d+1])+taps <= int(xofs[d])+8
				}
				if m > 0 && tab == nil && fits {
					t.Fatalf("m=%d taps=%d scale %.2f: no tables", m, taps, scale)
				}
				if tab == nil {
					continue
				}
				got, check := guarded(m, 3)
				areaColsPairs(got, vacc, xofs, tab)
				check(t)
				if !bytes.Equal(got, want) {
					t.Fatalf("m=%d taps=%d scale %.2f: got %v want %v", m, taps, scale, got, want)
				}
			}
		}
		xofs := make([]int32, 40)
		xw := make([]uint16, 40*8)
		for d := range xofs {
			xofs[d] = int32(5 * d)
			for j := range 5 {
				xw[areaColsWeight(d, j, 8)] = 1 << areaBits / 5
			}
		}
		if tab := planAreaPairs(xofs, xw, 8, 5*40+8); tab != nil {
			t.Fatal("pair tables for outputs of 5 taps 5 samples apart")
		}
	})
}

// TestKernelLineDiff: the edge blur's central differences, magnitudes and
// peak against the generic kernel, on random lines and extremes of every
// length to 100 (the SIMD blocks' tails) and on a photograph's rows and
// gathered columns.
func TestKernelLineDiff(t *testing.T) {
	forEachVariant(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(11, 12))
		check := func(what string, pix []byte) {
			t.Helper()
			n := len(pix) - 2
			wantD, wantM := make([]int32, n), make([]int32, n)
			wantPeak := lineDiff_U8_I32_generic(wantD, wantM, pix)
			// Outputs inside larger buffers, whose other entries must survive.
			bufD, bufM := make([]int32, n+20), make([]int32, n+20)
			for i := range bufD {
				bufD[i], bufM[i] = -7, -7
			}
			off := len(pix) % 3
			gotPeak := lineDiff(bufD[off:off+n], bufM[off:off+n], pix)
			if gotPeak != wantPeak || !slices.Equal(bufD[off:off+n], wantD) || !slices.Equal(bufM[off:off+n], wantM) {
				t.Fatalf("%s, %d pixels: peak %d want %d, or the differences differ", what, len(pix), gotPeak, wantPeak)
			}
			for i, v := range bufD {
				if (i < off || i >= off+n) && (v != -7 || bufM[i] != -7) {
					t.Fatalf("%s, %d pixels: entry %d outside the output overwritten", what, len(pix), i)
				}
			}
		}
		for n := 2; n <= 100; n++ {
			check("random", randBytes(r, n+3)[n%3:][:n])
			pairs := make([]byte, n) // 255 255 0 0 ...: differences of +-255
			for i := range pairs {
				if i/2%2 == 0 {
					pairs[i] = 255
				}
			}
			for _, e := range append(extremes(n), pairs) {
				check("extremes", e[:n])
			}
		}
		img := testGray(t, "faces/obama-1080p.jpg")
		col := make([]byte, img.Height)
		for x := 0; x < img.Width; x += 37 {
			check("photograph column", gatherLine(col, img.Pix[x:], img.Stride))
		}
		for y := 0; y < img.Height; y += 29 {
			check("photograph row", img.Row(y)[y%7:])
		}
	})
}

// TestKernelAreaFused: the fused fractional Area kernel, from the tables of
// planAreaFused, gives the bytes of areaRows_U8_I16_generic then
// areaCols_I16_U8_generic (and areaFused_U8_U8_generic the same) for
// every output length up to 100 (all tails of blocks of 32), 1 or 2 taps a
// pixel (some of weight 0) at downscales from 1 to 2, 1 to 5 source rows
// (and multipliers of weights up to 1<<areaBits), random and extreme
// pixels, and writes nothing past the end; planAreaFused makes no tables
// for 3 taps, for 8 outputs over 17 pixels, or below 16 source pixels.
func TestKernelAreaFused(t *testing.T) {
	forEachVariant(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(53, 54))
		for m := 0; m <= 100; m++ {
			for taps := 1; taps <= 2; taps++ {
				n := areaColsTaps(taps)
				scale := 1 + r.Float64()
				srcW := max(16, int(float64(m)*scale)+taps)
				nr := 1 + r.IntN(5)
				stride := srcW + r.IntN(9)
				rows := make([]byte, (nr-1)*stride+srcW)
				big := r.IntN(3) == 0
				for i := range rows {
					rows[i] = byte(r.IntN(256))
					if big {
						rows[i] = 255
					}
				}
				mul := make([]uint16, nr)
				left := uint32(1 << areaBits)
				for k := range mul {
					w := uint32(r.IntN(int(left) + 1))
					if k == nr-1 {
						w = left
					}
					left -= w
					mul[k] = areaRowMul(w)
				}
				xofs := make([]int32, (m+7)&^7)
				xw := make([]uint16, (m+7)&^7*n)
				for d := range xofs[:m] {
					xofs[d] = int32(float64(d) * scale)
					w := uint32(r.IntN(1<<areaBits + 1))
					if taps == 1 {
						w = 1 << areaBits
					}
					xw[areaColsWeight(d, 0, n)] = uint16(w)
					xw[areaColsWeight(d, 1, n)] = uint16(1<<areaBits - w)
				}
				vacc := make([]int16, srcW+n)
				areaRows_U8_I16_generic(vacc[:srcW], rows, stride, mul)
				want := make([]byte, m)
				areaCols_I16_U8_generic(want, vacc, xofs, xw, n, 1)
				base, tab := planAreaFused(xofs[:m], xw, n, srcW)
				if m > 0 && tab == nil {
					t.Fatalf("m=%d taps=%d scale %.2f: no tables", m, taps, scale)
				}
				if tab == nil {
					continue
				}
				gen := make([]byte, m)
				areaFused_U8_U8_generic(gen, rows, stride, mul, base, tab)
				got, check := guarded(m, 3)
				areaFused(got, rows, stride, mul, base, tab)
				check(t)
				if !bytes.Equal(got, want) || !bytes.Equal(gen, want) {
					t.Fatalf("m=%d taps=%d scale %.2f rows %d: got %v generic %v want %v", m, taps, scale, nr, got, gen, want)
				}
			}
		}
		xofs := make([]int32, 40)
		xw := make([]uint16, 40*4)
		for d := range xofs {
			xofs[d] = int32(d * 2)
			for j := range 3 {
				xw[areaColsWeight(d, j, 4)] = 1 << areaBits / 4
			}
			xw[areaColsWeight(d, 0, 4)] = 1<<areaBits - 2*(1<<areaBits/4)
		}
		if _, tab := planAreaFused(xofs, xw, 4, 2*40+3); tab != nil {
			t.Fatal("fused tables for 3 taps")
		}
		xw = make([]uint16, 40*2)
		for d := range xofs {
			xofs[d] = int32(d*2 + d/7)
			xw[2*d], xw[2*d+1] = 1<<areaBits/2, 1<<areaBits/2
		}
		if _, tab := planAreaFused(xofs, xw, 2, 2*40+8); tab != nil {
			t.Fatal("fused tables for 8 outputs over 17 pixels")
		}
		if _, tab := planAreaFused(xofs[:5], xw, 2, 15); tab != nil {
			t.Fatal("fused tables for 15 source pixels")
		}
	})
}
