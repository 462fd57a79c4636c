//go:build !purego && !noasm

package preprocess

// Advanced SIMD is part of every arm64 CPU.
func bestVariant() variant { return variantNEON }

func availableVariants() []variant { return []variant{variantGeneric, variantNEON} }

// The wrappers below call the assembly on whole blocks and the generic
// kernel on the tail; callers have checked the slice lengths the kernels'
// docs require.

func addRowU16(acc []uint16, src []byte) {
	if activeVariant == variantNEON {
		n := len(acc) &^ 15
		if n > 0 {
			src = src[:len(acc)]
			raceReadBytes(src[:n])
			raceWriteU16(acc[:n])
			addRow_U8_U16_neon(acc[:n], src[:n])
			acc, src = acc[n:], src[n:]
		}
	}
	addRow_U8_U16_generic(acc, src)
}

// boxRowSIMD reports whether boxRow runs a SIMD kernel for kx and cn.
func boxRowSIMD(kx, cn int) bool {
	return activeVariant == variantNEON && cn == 1 && (kx == 2 || kx == 4)
}

func boxRow(dst []byte, acc []uint16, kx, cn int, scale float32) {
	// The NEON kernels add the column sums as unsigned 32-bit values, so any
	// uint16 sums are exact.
	if boxRowSIMD(kx, cn) {
		n := len(dst) &^ 7
		if n > 0 {
			a := acc[: n*kx : n*kx]
			raceReadU16(a)
			raceWriteBytes(dst[:n])
			if kx == 2 {
				boxRow2_U16_U8_neon(dst[:n], a, scale)
			} else {
				boxRow4_U16_U8_neon(dst[:n], a, scale)
			}
			dst, acc = dst[n:], acc[n*kx:]
		}
	}
	boxRow_U16_U8_generic(dst, acc, kx, cn, scale)
}

func blendRows(dst []uint16, r0, r1 []byte, w0, w1 uint16) {
	if activeVariant == variantNEON {
		n := len(dst) &^ 15
		if n > 0 {
			r0, r1 = r0[:len(dst)], r1[:len(dst)]
			raceReadBytes(r0[:n])
			raceReadBytes(r1[:n])
			raceWriteU16(dst[:n])
			blendRows_U8_U16_neon(dst[:n], r0[:n], r1[:n], w0, w1)
			dst, r0, r1 = dst[n:], r0[n:], r1[n:]
		}
	}
	blendRows_U8_U16_generic(dst, r0, r1, w0, w1)
}

// linearRow has no NEON kernel: its two-tap gather stays generic on arm64.
func linearRow(dst []byte, t []uint16, xofs []int32, xw []int16, cn int) {
	linearRow_U16_U8_generic(dst, t, xofs, xw, cn)
}

// lineDiff is lineDiff_U8_I32_generic: there is no SIMD kernel here.
func lineDiff(d, m []int32, pix []byte) int32 { return lineDiff_U8_I32_generic(d, m, pix) }

// wideLumaModes are the values lumaWide can take: there is no wide luma
// kernel here.
func wideLumaModes() []bool { return []bool{false} }

// setWideLuma is a no-op here (see wideLumaModes).
func setWideLuma(bool) (restore func()) { return func() {} }

func lumaRow4(dst, src []byte, coef uint32) {
	if activeVariant == variantNEON {
		n := len(dst) &^ 15
		if n > 0 {
			src = src[:4*len(dst)]
			raceReadBytes(src[:4*n])
			raceWriteBytes(dst[:n])
			luma_RGBA_Gray_neon(dst[:n], src[:4*n], coef)
			dst, src = dst[n:], src[4*n:]
		}
	}
	luma_RGBA_Gray_generic(dst, src, coef)
}

func lumaRow3(dst, src []byte, coef uint32) {
	if activeVariant == variantNEON {
		// VLD3 reads exactly the 48 bytes of each block of 16 pixels.
		n := len(dst) &^ 15
		if n > 0 {
			src = src[:3*len(dst)]
			raceReadBytes(src[:3*n])
			raceWriteBytes(dst[:n])
			luma_RGB24_Gray_neon(dst[:n], src[:3*n], coef)
			dst, src = dst[n:], src[3*n:]
		}
	}
	luma_RGB24_Gray_generic(dst, src, coef)
}

// laplacianChunk bounds one call of the SIMD kernel so that its 32-bit lane
// sums of squares cannot overflow (2048/16 blocks * 4*1020^2 < 2^31).
const laplacianChunk = 2048

func laplacianRow(up, mid, down []byte, n int) (sum, sumsq int64) {
	if activeVariant == variantNEON {
		up, mid, down = up[:n+2], mid[:n+2], down[:n+2]
		for n >= 16 {
			m := min(n, laplacianChunk) &^ 15
			raceReadBytes(up[:m+2])
			raceReadBytes(mid[:m+2])
			raceReadBytes(down[:m+2])
			s, q := laplacian_Gray_Stats_neon(up, mid, down, m)
			sum, sumsq = sum+s, sumsq+q
			up, mid, down, n = up[m:], mid[m:], down[m:], n-m
		}
	}
	s, q := laplacian_Gray_Stats_generic(up, mid, down, n)
	return sum + s, sumsq + q
}

func yuvRow(dst, y, cb, cr []byte) { yuvRow_RGB24_generic(dst, y, cb, cr) }

// The fractional Area rows have no NEON kernel yet.

func areaRows(acc []int16, rows []byte, stride int, m []uint16) {
	areaRows_U8_I16_generic(acc, rows, stride, m)
}

func areaCols(dst []byte, vacc []int16, xofs []int32, xw []uint16, n, cn int) {
	areaCols_I16_U8_generic(dst, vacc, xofs, xw, n, cn)
}
