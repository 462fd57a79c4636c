//go:build !purego && !noasm

package preprocess

import "github.com/klauspost/cpuid/v2"

func bestVariant() variant {
	if cpuid.CPU.Supports(cpuid.AVX2) {
		return variantAVX2
	}
	return variantGeneric
}

func availableVariants() []variant {
	if cpuid.CPU.Supports(cpuid.AVX2) {
		return []variant{variantGeneric, variantAVX2}
	}
	return []variant{variantGeneric}
}

// The wrappers below call the assembly on whole blocks and the generic
// kernel on the tail; callers have checked the slice lengths the kernels'
// docs require.

func addRowU16(acc []uint16, src []byte) {
	if activeVariant == variantAVX2 {
		n := len(acc) &^ 31
		if n > 0 {
			src = src[:len(acc)]
			raceReadBytes(src[:n])
			raceWriteU16(acc[:n])
			addRow_U8_U16_avx2(acc[:n], src[:n])
			acc, src = acc[n:], src[n:]
		}
	}
	addRow_U8_U16_generic(acc, src)
}

// boxRowSIMD reports whether boxRow runs a SIMD kernel for kx and cn.
func boxRowSIMD(kx, cn int) bool {
	return activeVariant == variantAVX2 && cn == 1 && kx >= 2 && kx <= 8
}

// boxOverRead is how many column sums past its blocks the AVX2 box kernel
// for kx reads (its 128-bit lanes load 8 sums from where their outputs
// start; see _gen/main.go).
var boxOverRead = [9]int{3: 2, 5: 3, 6: 2, 7: 1}

func boxRow(dst []byte, acc []uint16, kx, cn int, scale float32) {
	// The SIMD kernels read the column sums as signed 16-bit values.
	if boxRowSIMD(kx, cn) {
		acc = acc[:len(dst)*kx]
		n, over := len(dst)&^7, boxOverRead[kx]
		if n > 0 && n*kx+over > len(acc) {
			n -= 8 // the last block would read past the row: the generic kernel takes it
		}
		if n > 0 {
			a := acc[: n*kx+over : n*kx+over]
			raceReadU16(a)
			raceWriteBytes(dst[:n])
			switch kx {
			case 2:
				boxRow2_U16_U8_avx2(dst[:n], a, scale)
			case 3:
				boxRow3_U16_U8_avx2(dst[:n], a, scale)
			case 4:
				boxRow4_U16_U8_avx2(dst[:n], a, scale)
			case 5:
				boxRow5_U16_U8_avx2(dst[:n], a, scale)
			case 6:
				boxRow6_U16_U8_avx2(dst[:n], a, scale)
			case 7:
				boxRow7_U16_U8_avx2(dst[:n], a, scale)
			default:
				boxRow8_U16_U8_avx2(dst[:n], a, scale)
			}
			dst, acc = dst[n:], acc[n*kx:]
		}
	}
	boxRow_U16_U8_generic(dst, acc, kx, cn, scale)
}

func blendRows(dst []uint16, r0, r1 []byte, w0, w1 uint16) {
	if activeVariant == variantAVX2 {
		n := len(dst) &^ 15
		if n > 0 {
			r0, r1 = r0[:len(dst)], r1[:len(dst)]
			raceReadBytes(r0[:n])
			raceReadBytes(r1[:n])
			raceWriteU16(dst[:n])
			blendRows_U8_U16_avx2(dst[:n], r0[:n], r1[:n], w0, w1)
			dst, r0, r1 = dst[n:], r0[n:], r1[n:]
		}
	}
	blendRows_U8_U16_generic(dst, r0, r1, w0, w1)
}

func linearRow(dst []byte, t []uint16, xofs []int32, xw []int16, cn int) {
	if activeVariant == variantAVX2 && cn == 1 {
		n := len(dst) &^ 7
		if n > 0 {
			xofs, xw = xofs[:len(dst)], xw[:2*len(dst)]
			raceReadU16(t)
			raceWriteBytes(dst[:n])
			linearRow_U16_Gray_avx2(dst[:n], t, xofs[:n], xw[:2*n])
			dst, xofs, xw = dst[n:], xofs[n:], xw[2*n:]
		}
	}
	linearRow_U16_U8_generic(dst, t, xofs, xw, cn)
}

// lumaWide is whether lumaRow4 runs luma_RGBA_Gray_avx512 on the blocks
// of 32 pixels in the avx2 variant: on CPUs with AVX-512 F and BW (tests
// switch it, see wideLumaModes).
var lumaWide = cpuid.CPU.Supports(cpuid.AVX512F, cpuid.AVX512BW)

// wideLumaModes are the values of lumaWide this CPU can run, the best
// first.
func wideLumaModes() []bool {
	if cpuid.CPU.Supports(cpuid.AVX512F, cpuid.AVX512BW) {
		return []bool{true, false}
	}
	return []bool{false}
}

// setWideLuma sets lumaWide until restore is called.
func setWideLuma(on bool) (restore func()) {
	prev := lumaWide
	lumaWide = on
	return func() { lumaWide = prev }
}

func lumaRow4(dst, src []byte, coef uint32) {
	if activeVariant == variantAVX2 && lumaWide {
		if n := len(dst) &^ 31; n > 0 {
			raceReadBytes(src[:4*n])
			raceWriteBytes(dst[:n])
			luma_RGBA_Gray_avx512(dst[:n], src[:4*n], coef)
			dst, src = dst[n:], src[4*n:]
		}
	}
	if activeVariant == variantAVX2 {
		n := len(dst) &^ 15
		if n > 0 {
			src = src[:4*len(dst)]
			raceReadBytes(src[:4*n])
			raceWriteBytes(dst[:n])
			luma_RGBA_Gray_avx2(dst[:n], src[:4*n], coef)
			dst, src = dst[n:], src[4*n:]
		}
	}
	luma_RGBA_Gray_generic(dst, src, coef)
}

// lineDiff is lineDiff_U8_I32_generic, the whole blocks of 16 by the AVX2
// kernel.
func lineDiff(d, m []int32, pix []byte) int32 {
	var peak int32
	if activeVariant == variantAVX2 {
		if n := len(d) &^ 15; n > 0 {
			m = m[:len(d)]
			pix = pix[:len(d)+2]
			raceReadBytes(pix[:n+2])
			raceWriteI32(d[:n])
			raceWriteI32(m[:n])
			peak = lineDiff_U8_I32_avx2(d[:n], m[:n], pix[:n+2])
			d, m, pix = d[n:], m[n:], pix[n:]
		}
	}
	return max(peak, lineDiff_U8_I32_generic(d, m, pix))
}

func lumaRow3(dst, src []byte, coef uint32) {
	if activeVariant == variantAVX2 {
		// Each block of 8 pixels reads 4 bytes past its 24.
		n := len(dst)
		if m := (len(src) - 4) / 3; m < n {
			n = m
		}
		n &^= 7
		if n > 0 {
			src = src[:3*len(dst)]
			raceReadBytes(src[:3*n])
			raceWriteBytes(dst[:n])
			luma_RGB24_Gray_avx2(dst[:n], src, coef)
			dst, src = dst[n:], src[3*n:]
		}
	}
	luma_RGB24_Gray_generic(dst, src, coef)
}

// laplacianChunk bounds one call of the SIMD kernel so that its 32-bit lane
// sums of squares cannot overflow (2048/16 blocks * 2*1020^2 < 2^31).
const laplacianChunk = 2048

func laplacianRow(up, mid, down []byte, n int) (sum, sumsq int64) {
	if activeVariant == variantAVX2 {
		up, mid, down = up[:n+2], mid[:n+2], down[:n+2]
		for n >= 16 {
			m := min(n, laplacianChunk) &^ 15
			raceReadBytes(up[:m+2])
			raceReadBytes(mid[:m+2])
			raceReadBytes(down[:m+2])
			s, q := laplacian_Gray_Stats_avx2(up, mid, down, m)
			sum, sumsq = sum+s, sumsq+q
			up, mid, down, n = up[m:], mid[m:], down[m:], n-m
		}
	}
	s, q := laplacian_Gray_Stats_generic(up, mid, down, n)
	return sum + s, sumsq + q
}

// yuvRow converts a row; dst may be longer than 3*len(y), in which case the
// SIMD kernel may scribble on (at most 4 of) the bytes after the row, which
// the caller overwrites with the next row.
func yuvRow(dst, y, cb, cr []byte) {
	if activeVariant == variantAVX2 {
		n := len(y)
		if m := (len(dst) - 4) / 3; m < n {
			n = m
		}
		n &^= 7
		if n > 0 {
			cb, cr = cb[:len(y)], cr[:len(y)]
			raceReadBytes(y[:n])
			raceReadBytes(cb[:n])
			raceReadBytes(cr[:n])
			raceWriteBytes(dst[:3*n+4])
			yuvRow_RGB24_avx2(dst, y[:n], cb[:n], cr[:n])
			dst, y, cb, cr = dst[3*n:], y[n:], cb[n:], cr[n:]
		}
	}
	yuvRow_RGB24_generic(dst, y, cb, cr)
}

// areaRows runs the vertical pass of the fractional Area filter (see
// areaRows_U8_I16_generic) with the multipliers m of weights summing to at
// most 1<<areaBits. The AVX-512 kernel takes whole blocks of 128 pixels
// (with areaWide), the AVX2 kernel whole blocks of 128, the generic twin
// the rest.
func areaRows(acc []int16, rows []byte, stride int, m []uint16) {
	if activeVariant == variantAVX2 && areaWide && len(m) > 0 {
		if n := len(acc) &^ 127; n > 0 {
			rows = rows[:(len(m)-1)*stride+len(acc)]
			for k := range m {
				raceReadBytes(rows[k*stride : k*stride+n])
			}
			raceWriteI16(acc[:n])
			areaRows_U8_I16_avx512(acc[:n], rows, stride, m)
			acc, rows = acc[n:], rows[n:]
		}
	}
	if activeVariant == variantAVX2 && len(m) > 0 {
		n := len(acc) &^ 127
		if n > 0 {
			rows = rows[:(len(m)-1)*stride+len(acc)]
			for k := range m {
				raceReadBytes(rows[k*stride : k*stride+n])
			}
			raceWriteI16(acc[:n])
			areaRows_U8_I16_avx2(acc[:n], rows, stride, m)
			acc, rows = acc[n:], rows[n:]
		}
	}
	areaRows_U8_I16_generic(acc, rows, stride, m)
}

// areaCols runs the horizontal pass of the fractional Area filter (see
// areaCols_I16_U8_generic); the AVX2 kernels take gray rows of 4 or more
// taps a pixel, 8 pixels a block. (Gray rows of 2 taps always have
// planAreaFused's tables, or below 16 source pixels planAreaLanes', which
// resizeArea takes on AVX2 CPUs.) When xofs and xw hold a whole block past
// the last one of dst (padding with valid offsets and zero weights, as
// planArea makes them), the kernel computes the tail too, into a scratch
// block.
func areaCols(dst []byte, vacc []int16, xofs []int32, xw []uint16, n, cn int) {
	if activeVariant == variantAVX2 && cn == 1 && n >= 4 {
		m := len(dst) &^ 7
		if m > 0 {
			raceReadI16(vacc)
			raceReadU16(xw[:m*n])
			raceWriteBytes(dst[:m])
			areaColsGray(dst[:m], vacc, xofs[:m], xw[:m*n], n)
			dst, xofs, xw = dst[m:], xofs[m:], xw[m*n:]
		}
		if len(dst) > 0 && len(xofs) >= 8 && len(xw) >= 8*n {
			var block [8]byte
			raceReadI16(vacc)
			raceReadU16(xw[:8*n])
			areaColsGray(block[:], vacc, xofs[:8], xw[:8*n], n)
			copy(dst, block[:])
			return
		}
	}
	areaCols_I16_U8_generic(dst, vacc, xofs, xw, n, cn)
}

func areaColsGray(dst []byte, vacc []int16, xofs []int32, xw []uint16, n int) {
	if n == 4 {
		areaCols4_I16_Gray_avx2(dst, vacc, xofs, xw, n)
		return
	}
	areaCols8_I16_Gray_avx2(dst, vacc, xofs, xw, n)
}

// areaWideCPU is whether the CPU runs the wide horizontal Area kernels
// (AVX-512 F and BW): planArea makes their tables only then.
var areaWideCPU = cpuid.CPU.Supports(cpuid.AVX512F, cpuid.AVX512BW)

// areaWide is whether, in the avx2 variant, areaRows runs its AVX-512
// kernel and resizeArea runs areaColsWide where planArea made its tables
// (tests switch it, see setWideArea).
var areaWide = areaWideCPU

// setWideArea sets areaWide until restore is called; it stays false on
// CPUs without AVX-512 F and BW.
func setWideArea(on bool) (restore func()) {
	prev := areaWide
	areaWide = on && areaWideCPU
	return func() { areaWide = prev }
}

// areaWideOn is whether resizeArea takes areaColsWide for the rows it has
// tables for.
func areaWideOn() bool { return activeVariant == variantAVX2 && areaWide }

// areaColsWide runs the horizontal pass of the fractional Area filter on a
// gray row from the tables of planAreaWide (np pairs of taps, its blocks
// sharing their base in pairs if paired): the AVX-512 kernels take the
// whole blocks of 16 pixels (in pairs where they can) and, as the tables
// cover the last block whole, the tail into a scratch block.
func areaColsWide(dst []byte, vacc []int16, base []int32, tab []uint16, np int, paired bool) {
	if areaWideOn() && np >= 1 && np <= areaWidePairs {
		m := len(dst) &^ (areaWideBlock - 1)
		nb := (len(dst) + areaWideBlock - 1) / areaWideBlock
		base, tab = base[:nb], tab[:nb*np*64]
		raceReadI16(vacc)
		raceReadI32(base)
		if m2 := len(dst) &^ (2*areaWideBlock - 1); paired && np == 1 && m2 > 0 {
			raceReadU16(tab[:m2/areaWideBlock*64])
			raceWriteBytes(dst[:m2])
			areaColsWide1x2_I16_Gray_avx512(dst[:m2], vacc, base, tab)
			b := m2 / areaWideBlock
			dst, base, tab, m = dst[m2:], base[b:], tab[b*64:], m-m2
		}
		if m > 0 {
			raceReadU16(tab[:m/areaWideBlock*np*64])
			raceWriteBytes(dst[:m])
			areaColsWideGray(dst[:m], vacc, base, tab, np)
		}
		if m < len(dst) {
			var block [areaWideBlock]byte
			b := m / areaWideBlock
			raceReadU16(tab[b*np*64:])
			areaColsWideGray(block[:], vacc, base[b:], tab[b*np*64:], np)
			copy(dst[m:], block[:])
		}
		return
	}
	areaColsWide_I16_U8_generic(dst, vacc, base, tab, np)
}

func areaColsWideGray(dst []byte, vacc []int16, base []int32, tab []uint16, np int) {
	switch np {
	case 1:
		areaColsWide1_I16_Gray_avx512(dst, vacc, base, tab)
	case 2:
		areaColsWide2_I16_Gray_avx512(dst, vacc, base, tab)
	default:
		areaColsWide3_I16_Gray_avx512(dst, vacc, base, tab)
	}
}

// areaLanesCPU is whether the CPU runs the lane horizontal Area kernels
// (AVX2): planArea makes their tables only then.
var areaLanesCPU = cpuid.CPU.Supports(cpuid.AVX2)

// areaLanesOn is whether resizeArea takes areaColsLanes for the rows it has
// tables for (and no wide ones it runs).
func areaLanesOn() bool { return activeVariant == variantAVX2 }

// areaColsLanes runs the horizontal pass of the fractional Area filter on a
// gray row from the tables of planAreaLanes in shape s: the AVX2 kernel
// takes the whole blocks of areaLaneBlock pixels and, as the tables cover
// the last block whole, the tail into a scratch block.
func areaColsLanes(dst []byte, vacc []int16, base []int32, tab []uint16, s areaLaneShape) {
	if areaLanesOn() {
		units := areaLaneUnits(s)
		m := len(dst) &^ (areaLaneBlock - 1)
		nb := (len(dst) + areaLaneBlock - 1) / areaLaneBlock
		base, tab = base[:nb*units*2], tab[:nb*units*32]
		raceReadI16(vacc)
		raceReadI32(base)
		if m > 0 {
			raceReadU16(tab[:m/areaLaneBlock*units*32])
			raceWriteBytes(dst[:m])
			areaColsLanesGray(dst[:m], vacc, base, tab, s)
		}
		if m < len(dst) {
			var block [areaLaneBlock]byte
			b := m / areaLaneBlock
			raceReadU16(tab[b*units*32:])
			areaColsLanesGray(block[:], vacc, base[b*units*2:], tab[b*units*32:], s)
			copy(dst[m:], block[:])
		}
		return
	}
	areaColsLanes_I16_U8_generic(dst, vacc, base, tab, s.k, s.r)
}

func areaColsLanesGray(dst []byte, vacc []int16, base []int32, tab []uint16, s areaLaneShape) {
	switch s {
	case areaLaneShape{4, 2}:
		areaColsLanes4x2_I16_Gray_avx2(dst, vacc, base, tab)
	default:
		areaColsLanes2x1_I16_Gray_avx2(dst, vacc, base, tab)
	}
}

// areaFused runs both passes of the fractional Area filter on a gray row
// from the tables of planAreaFused (rows, stride and m as areaRows takes
// them): the AVX2 kernel takes the whole blocks of areaFusedBlock pixels
// and, as the tables cover the last block whole, the tail into a scratch
// block.
func areaFused(dst, rows []byte, stride int, m []uint16, base []int32, tab []uint16) {
	if areaLanesOn() && len(m) > 0 {
		nb := (len(dst) + areaFusedBlock - 1) / areaFusedBlock
		base, tab = base[:nb*4], tab[:nb*128]
		w := len(rows) - (len(m)-1)*stride
		for k := range m {
			raceReadBytes(rows[k*stride : k*stride+w])
		}
		raceReadI32(base)
		raceReadU16(tab)
		m0 := len(dst) &^ (areaFusedBlock - 1)
		if m0 > 0 {
			raceWriteBytes(dst[:m0])
			areaFused_U8_U8_avx2(dst[:m0], rows, stride, m, base, tab)
		}
		if m0 < len(dst) {
			var block [areaFusedBlock]byte
			b := m0 / areaFusedBlock
			areaFused_U8_U8_avx2(block[:], rows, stride, m, base[b*4:], tab[b*128:])
			copy(dst[m0:], block[:])
		}
		return
	}
	areaFused_U8_U8_generic(dst, rows, stride, m, base, tab)
}

// areaColsPairs runs the horizontal pass of the fractional Area filter on a
// gray row from the tables of planAreaPairs (xofs padded to whole blocks
// of 8, as planArea makes it): the AVX2 kernel takes the whole blocks of 8
// pixels and, as the tables cover the last block whole, the tail into a
// scratch block.
func areaColsPairs(dst []byte, vacc []int16, xofs []int32, tab []uint16) {
	if areaLanesOn() {
		m := len(dst) &^ 7
		nb := (len(dst) + 7) / 8
		xofs, tab = xofs[:nb*8], tab[:nb*64]
		raceReadI16(vacc)
		raceReadI32(xofs)
		if m > 0 {
			raceReadU16(tab[:m*8])
			raceWriteBytes(dst[:m])
			areaColsPairs_I16_Gray_avx2(dst[:m], vacc, xofs, tab)
		}
		if m < len(dst) {
			var block [8]byte
			raceReadU16(tab[m*8:])
			areaColsPairs_I16_Gray_avx2(block[:], vacc, xofs[m:], tab[m*8:])
			copy(dst[m:], block[:])
		}
		return
	}
	areaColsPairs_I16_U8_generic(dst, vacc, xofs, tab)
}
