package preprocess

import "math"

// The generic kernels are the reference: every assembly kernel must give the
// same bytes. They are always built, work on rows, and take slices whose
// lengths the callers (the wrappers in the dispatch files) have checked.

// Fixed-point precision of the linear (two-tap) resampler.
const (
	linYBits  = 8                       // vertical weights sum to 1<<linYBits
	linXBits  = 11                      // horizontal weights sum to 1<<linXBits
	linShift  = linYBits - 1 + linXBits // blendRows halves, so the product carries 18 bits
	linRound  = 1 << (linShift - 1)
	lumaRound = 1 << 15
)

// BT.601 luma weights in 16-bit fixed point, as image/color.RGBToYCbCr.
const (
	lumaWR = 19595
	lumaWG = 38470 // applied as 2*19235 by the SIMD kernels
	lumaWB = 7471
)

// lumaCoefRGBA and lumaCoefBGRA pack the weights of bytes 0 and 2 of a pixel.
const (
	lumaCoefRGBA = lumaWR | lumaWB<<16
	lumaCoefBGRA = lumaWB | lumaWR<<16
)

// addRow_U8_U16_generic adds src[i] to acc[i] for i < len(acc).
func addRow_U8_U16_generic(acc []uint16, src []byte) {
	src = src[:len(acc)]
	for i, v := range src {
		acc[i] += uint16(v)
	}
}

// boxRow_U16_U8_generic averages kx adjacent pixels of cn channels of a row
// of column sums: dst[i*cn+c] = round(float32(sum_k acc[(i*kx+k)*cn+c]) * scale),
// rounding half to even. That is OpenCV's INTER_AREA fast path for integer
// scale factors: the float32 product and its rounding are reproduced exactly
// by the SIMD kernels.
func boxRow_U16_U8_generic(dst []byte, acc []uint16, kx, cn int, scale float32) {
	n := len(dst) / cn
	if cn == 1 {
		acc = acc[:n*kx]
		for i := range dst[:n] {
			s := 0
			for _, v := range acc[i*kx : i*kx+kx] {
				s += int(v)
			}
			dst[i] = roundToU8(float32(s) * scale)
		}
		return
	}
	for i := 0; i < n; i++ {
		base := i * kx * cn
		for c := 0; c < cn; c++ {
			s := 0
			for k := 0; k < kx; k++ {
				s += int(acc[base+k*cn+c])
			}
			dst[i*cn+c] = roundToU8(float32(s) * scale)
		}
	}
}

// roundToU8 rounds half to even and saturates, as CVTPS2DQ and PACKUS do.
func roundToU8(v float32) uint8 {
	r := math.RoundToEven(float64(v))
	switch {
	case r <= 0:
		return 0
	case r >= 255:
		return 255
	}
	return uint8(r)
}

// blendRows_U8_U16_generic blends two rows vertically:
// dst[i] = (r0[i]*w0 + r1[i]*w1 + 1) >> 1 with w0+w1 = 1<<linYBits, so dst
// fits in 15 bits (at most 32640).
func blendRows_U8_U16_generic(dst []uint16, r0, r1 []byte, w0, w1 uint16) {
	r0 = r0[:len(dst)]
	r1 = r1[:len(dst)]
	for i := range dst {
		dst[i] = uint16((uint32(r0[i])*uint32(w0) + uint32(r1[i])*uint32(w1) + 1) >> 1)
	}
}

// linearRow_U16_U8_generic resamples a blended row horizontally with two
// taps per output pixel: for pixel i and channel c,
// dst[i*cn+c] = (t[x*cn+c]*w[2i] + t[(x+1)*cn+c]*w[2i+1] + linRound) >> linShift
// where x = xofs[i]; the weights sum to 1<<linXBits.
func linearRow_U16_U8_generic(dst []byte, t []uint16, xofs []int32, xw []int16, cn int) {
	n := len(dst) / cn
	xofs = xofs[:n]
	xw = xw[:2*n]
	for i, x := range xofs {
		w0, w1 := int32(xw[2*i]), int32(xw[2*i+1])
		o := int(x) * cn
		for c := 0; c < cn; c++ {
			v := (int32(t[o+c])*w0 + int32(t[o+cn+c])*w1 + linRound) >> linShift
			dst[i*cn+c] = uint8(v)
		}
	}
}

// luma_RGBA_Gray_generic converts 4-byte pixels to luma. coef packs the
// weights of bytes 0 and 2 (lumaCoefRGBA or lumaCoefBGRA); byte 1 is green,
// byte 3 is ignored.
func luma_RGBA_Gray_generic(dst, src []byte, coef uint32) {
	c0, c2 := coef&0xffff, coef>>16
	src = src[:4*len(dst)]
	for i := range dst {
		p := src[4*i : 4*i+4 : 4*i+4]
		dst[i] = uint8((uint32(p[0])*c0 + uint32(p[1])*lumaWG + uint32(p[2])*c2 + lumaRound) >> 16)
	}
}

// luma_RGB24_Gray_generic converts 3-byte pixels to luma, weights as
// luma_RGBA_Gray_generic.
func luma_RGB24_Gray_generic(dst, src []byte, coef uint32) {
	c0, c2 := coef&0xffff, coef>>16
	src = src[:3*len(dst)]
	for i := range dst {
		p := src[3*i : 3*i+3 : 3*i+3]
		dst[i] = uint8((uint32(p[0])*c0 + uint32(p[1])*lumaWG + uint32(p[2])*c2 + lumaRound) >> 16)
	}
}

// lineDiff_U8_I32_generic writes the differences two pixels apart of the
// contiguous line pix into d, d[t] = pix[t+2] - pix[t], and their
// magnitudes into m, for t < len(d) (len(m) >= len(d), len(pix) >= len(d)+2),
// and returns the largest magnitude (0 when d is empty): the edge blur's
// central differences, those of pixels 1 to len(d) of pix.
func lineDiff_U8_I32_generic(d, m []int32, pix []byte) int32 {
	m = m[:len(d)]
	pix = pix[:len(d)+2]
	var peak int32
	for t := range d {
		v := int32(pix[t+2]) - int32(pix[t])
		a := abs32(v)
		d[t], m[t] = v, a
		peak = max(peak, a)
	}
	return peak
}

// laplacian_Gray_Stats_generic sums the 3x3 Laplacian
// L = up + down + left + right - 4*centre and its square over n pixels.
// up, mid and down are three rows of at least n+2 bytes; pixel i has its
// centre at mid[i+1] and its vertical neighbours at up[i+1], down[i+1].
func laplacian_Gray_Stats_generic(up, mid, down []byte, n int) (sum, sumsq int64) {
	up = up[:n+2]
	mid = mid[:n+2]
	down = down[:n+2]
	var s, q int64
	for i := 1; i <= n; i++ {
		l := int64(up[i]) + int64(down[i]) + int64(mid[i-1]) + int64(mid[i+1]) - 4*int64(mid[i])
		s += l
		q += l * l
	}
	return s, q
}

// yuvRow_RGB24_generic converts a row of full-range BT.601 YUV (one chroma
// sample per pixel) to RGB24 with the arithmetic of image/color.YCbCrToRGB.
func yuvRow_RGB24_generic(dst, y, cb, cr []byte) {
	n := len(y)
	dst = dst[:3*n]
	cb, cr = cb[:n], cr[:n]
	for i, yv := range y {
		yy1 := int32(yv) * 0x10101
		cb1 := int32(cb[i]) - 128
		cr1 := int32(cr[i]) - 128
		r := yy1 + 91881*cr1
		g := yy1 - 22554*cb1 - 46802*cr1
		b := yy1 + 116130*cb1
		dst[3*i] = clampShift16(r)
		dst[3*i+1] = clampShift16(g)
		dst[3*i+2] = clampShift16(b)
	}
}

func clampShift16(v int32) uint8 {
	if uint32(v)&0xff000000 == 0 {
		return uint8(v >> 16)
	}
	return uint8(^(v >> 31))
}

// boxLUTSize is the length of a box-mean table: every sum of a block of at
// most 257 pixels is a valid uint16 index into it.
const boxLUTSize = 1 << 16

// fillBoxLUT sets lut[s] = roundToU8(float32(s) * scale) for every sum s of
// kk = kx*ky pixels, the bytes boxRow_U16_U8_generic writes for that sum.
func fillBoxLUT(lut []byte, kk int, scale float32) {
	for s := range lut[:kk*255+1] {
		lut[s] = roundToU8(float32(s) * scale)
	}
}

// boxRowLUT_U16_U8_generic is boxRow_U16_U8_generic with the float32
// product and its rounding read from lut (filled by fillBoxLUT for the same
// block size and scale), so it writes the same bytes. lut has boxLUTSize
// entries.
func boxRowLUT_U16_U8_generic(dst []byte, acc []uint16, kx, cn int, lut []byte) {
	lut = lut[:boxLUTSize]
	n := len(dst) / cn
	if cn != 1 {
		for i := 0; i < n; i++ {
			base := i * kx * cn
			for c := 0; c < cn; c++ {
				s := uint16(0)
				for k := 0; k < kx; k++ {
					s += acc[base+k*cn+c]
				}
				dst[i*cn+c] = lut[s]
			}
		}
		return
	}
	dst = dst[:n]
	acc = acc[:n*kx]
	t := (*[boxLUTSize]byte)(lut) // uint16 indices need no bounds checks
	switch kx {
	case 2:
		for i := range dst {
			a := (*[2]uint16)(acc[2*i:])
			dst[i] = t[a[0]+a[1]]
		}
	case 3:
		for i := range dst {
			a := (*[3]uint16)(acc[3*i:])
			dst[i] = t[a[0]+a[1]+a[2]]
		}
	case 4:
		for i := range dst {
			a := (*[4]uint16)(acc[4*i:])
			dst[i] = t[a[0]+a[1]+a[2]+a[3]]
		}
	case 5:
		for i := range dst {
			a := (*[5]uint16)(acc[5*i:])
			dst[i] = t[a[0]+a[1]+a[2]+a[3]+a[4]]
		}
	default:
		for i := range dst {
			s := uint16(0)
			for _, v := range acc[i*kx : i*kx+kx] {
				s += v
			}
			dst[i] = t[s]
		}
	}
}

// areaRows_U8_I16_generic is the vertical pass of the fractional Area filter
// over the len(m) consecutive source rows of one destination row, stride
// bytes apart from rows[0]: with m[k] = areaRowMul(w[k]), the multiplier of
// row k's weight, acc[i] = (len(m)/2 + sum_k (rows[k*stride+i]*m[k]) >> 8) -
// 1<<15, the weighted sum with areaAccBits = 8 fractional bits (each term
// rounded down, len(m)/2 making up for the floors on average) offset to fit
// an int16. The weights of a row sum to at most 1<<areaBits, so the sum is
// at most 255<<areaAccBits plus len(m)/2 and does not wrap.
func areaRows_U8_I16_generic(acc []int16, rows []byte, stride int, m []uint16) {
	sum := uint16(len(m) / 2)
	for i := range acc {
		acc[i] = int16(sum - 1<<15)
	}
	for k, mk := range m {
		row := rows[k*stride : k*stride+len(acc)]
		for i, v := range row {
			acc[i] += int16(uint32(v) * uint32(mk) >> 8)
		}
	}
}

// areaRowMul is the multiplier of a vertical weight w (areaBits fixed
// point) in areaRows_U8_I16_generic: w<<4, saturated to 16 bits (w = 1<<12,
// a source row that is a whole destination row, loses 1/65536).
func areaRowMul(w uint32) uint16 {
	return uint16(min(w<<(2*areaAccBits-areaBits), 0xffff))
}

// areaCols_I16_U8_generic is the horizontal pass of the fractional Area
// filter: destination pixel d, channel c, is
// (sum_j vacc[xofs[d]+j*cn+c]*xw[areaColsWeight(d, j, n)] + 1<<(15+areaBits) + half) >> (areaAccBits+areaBits)
// for j < n, half = 1<<(areaAccBits+areaBits-1), n = 2, 4 or a multiple of 8
// (taps past a pixel's own have weight 0); 1<<(15+areaBits) undoes the
// offset of vacc (areaRows_U8_I16_generic), as the weights of a pixel sum
// to exactly 1<<areaBits. vacc holds at least n pixels past every xofs[d].
func areaCols_I16_U8_generic(dst []byte, vacc []int16, xofs []int32, xw []uint16, n, cn int) {
	const (
		sh  = areaAccBits + areaBits
		add = 1<<(15+areaBits) + 1<<(sh-1)
	)
	m := len(dst) / cn
	xofs = xofs[:m]
	t := min(n, 8)
	for d, x := range xofs {
		w := xw[areaColsWeight(d, 0, n) : areaColsWeight(d, n-1, n)+1]
		for c := 0; c < cn; c++ {
			v := vacc[int(x)+c:]
			s := int32(add)
			for j := 0; j < n; j++ {
				s += int32(v[j*cn]) * int32(w[(j&^(t-1))*8+j&(t-1)])
			}
			dst[d*cn+c] = uint8(s >> sh)
		}
	}
}

// areaColsWeight is the index in xw of destination pixel d's weight of tap
// j for n taps a pixel (2, 4 or a multiple of 8): in blocks of 8 pixels,
// groups of t = min(n, 8) taps, then the pixel, then the tap, the order in
// which the SIMD kernels load them (each 128-bit lane takes 8 taps of one
// pixel, 4 taps of two, or 2 taps of four).
func areaColsWeight(d, j, n int) int {
	t := min(n, 8)
	return d&^7*n + (j&^(t-1))*8 + (d&7)*t + j&(t-1)
}

// areaColsWide_I16_U8_generic is areaCols_I16_U8_generic for gray rows
// from the tables of planAreaWide: destination pixel d, in block b = d/16
// at k = d%16, is
// (sum_q sum_h vacc[base[b]+t[2k+h]]*int16(t[32+2k+h]) + 1<<(15+areaBits) + half) >> (areaAccBits+areaBits)
// for the np tap pairs q < np, t = tab[(b*np+q)*64:] (32 indices below 64,
// then 32 weights). vacc holds at least 64 samples from every base[b].
func areaColsWide_I16_U8_generic(dst []byte, vacc []int16, base []int32, tab []uint16, np int) {
	const (
		sh  = areaAccBits + areaBits
		add = 1<<(15+areaBits) + 1<<(sh-1)
	)
	for d := range dst {
		b, k := d/areaWideBlock, d%areaWideBlock
		v := vacc[base[b]:][:64]
		s := int32(add)
		for q := 0; q < np; q++ {
			t := tab[(b*np+q)*64:][:64]
			for h := 0; h < 2; h++ {
				s += int32(v[t[2*k+h]&63]) * int32(int16(t[32+2*k+h]))
			}
		}
		dst[d] = uint8(s >> sh)
	}
}

// areaColsLanes_I16_U8_generic is areaCols_I16_U8_generic for gray rows
// from the tables of planAreaLanes in shape (k, r): output o of block b
// (d = 32b+o) is
// (sum vacc[base[2(bU+u)+l]+(t[8l+w]&15)>>1]*int16(t[16+8l+w]) + 1<<(15+areaBits) + half) >> (areaAccBits+areaBits)
// over the windows u of the block (U = areaLaneUnits, t =
// tab[(bU+u)*32:]) and the words w of their lanes l that sum into o,
// areaLaneOut(k, u/r, l, w/2) = o. vacc holds at least 8 samples from
// every base.
func areaColsLanes_I16_U8_generic(dst []byte, vacc []int16, base []int32, tab []uint16, k, r int) {
	const (
		sh  = areaAccBits + areaBits
		add = 1<<(15+areaBits) + 1<<(sh-1)
	)
	units := areaLaneUnits(areaLaneShape{k, r})
	var sums [areaLaneBlock]int32
	for b := 0; b*areaLaneBlock < len(dst); b++ {
		for i := range sums {
			sums[i] = add
		}
		for u := range units {
			t := tab[(b*units+u)*32:][:32]
			for l := range 2 {
				v := vacc[base[(b*units+u)*2+l]:][:8]
				for w := range 8 {
					sums[areaLaneOut(k, u/r, l, w/2)] += int32(v[(t[8*l+w]&15)>>1]) * int32(int16(t[16+8*l+w]))
				}
			}
		}
		for i, s := range sums[:min(areaLaneBlock, len(dst)-b*areaLaneBlock)] {
			dst[b*areaLaneBlock+i] = uint8(s >> sh)
		}
	}
}

// areaFused_U8_U8_generic is both passes of the fractional Area filter for
// a gray row from the tables of planAreaFused, over the len(m) source rows
// stride bytes apart from rows[0] (multipliers m as areaRows_U8_I16_generic
// takes them): output o of block b (d = 32b+o) in register g = o/8, lane
// l = o%8/4, dword i = o%4, is
// (sum_h s(base[4b+g]+t[8l+2i+h]>>8)*int16(t[16+8l+2i+h]) + 1<<(15+areaBits) + half) >> (areaAccBits+areaBits)
// for h < 2, t = tab[(4b+g)*32:], where s(x) is the vertical sum of column
// x, areaRows_U8_I16_generic's acc[x]: the same bytes as areaRows then
// areaCols. Each row holds at least 16 bytes from every base.
func areaFused_U8_U8_generic(dst []byte, rows []byte, stride int, m []uint16, base []int32, tab []uint16) {
	const (
		sh  = areaAccBits + areaBits
		add = 1<<(15+areaBits) + 1<<(sh-1)
	)
	var col [1]int16 // s(x): areaRows_U8_I16_generic over column x alone
	for d := range dst {
		u, l, i := d/8, d%8/4, d%4
		t := tab[u*32:][:32]
		s := int32(add)
		for h := range 2 {
			x := int(base[u]) + int(t[8*l+2*i+h]>>8&15)
			areaRows_U8_I16_generic(col[:], rows[x:], stride, m)
			s += int32(col[0]) * int32(int16(t[16+8*l+2*i+h]))
		}
		dst[d] = uint8(s >> sh)
	}
}

// areaColsPairs_I16_U8_generic is areaCols_I16_U8_generic for gray rows
// from the tables of planAreaPairs: destination pixel d is
// (sum_j vacc[xofs[d&^1]+j]*int16(t[j]) + 1<<(15+areaBits) + half) >> (areaAccBits+areaBits)
// for j < 8, t = tab[d/8*64+d%4*16+d%8/4*8:] (so that the kernel's
// register q = d%4 holds output d%8 = q in its low lane and 4+q in its
// high one). vacc holds at least 8 samples from every xofs[2i].
func areaColsPairs_I16_U8_generic(dst []byte, vacc []int16, xofs []int32, tab []uint16) {
	const (
		sh  = areaAccBits + areaBits
		add = 1<<(15+areaBits) + 1<<(sh-1)
	)
	for d := range dst {
		t := tab[d/8*64+d%4*16+d%8/4*8:][:8]
		v := vacc[xofs[d&^1]:][:8]
		s := int32(add)
		for j := range 8 {
			s += int32(v[j]) * int32(int16(t[j]))
		}
		dst[d] = uint8(s >> sh)
	}
}
