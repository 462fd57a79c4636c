//go:build purego || noasm || !(amd64 || arm64)

package preprocess

func bestVariant() variant { return variantGeneric }

func availableVariants() []variant { return []variant{variantGeneric} }

func addRowU16(acc []uint16, src []byte) { addRow_U8_U16_generic(acc, src) }

// boxRowSIMD reports whether boxRow runs a SIMD kernel: never here.
func boxRowSIMD(kx, cn int) bool { return false }

func boxRow(dst []byte, acc []uint16, kx, cn int, scale float32) {
	boxRow_U16_U8_generic(dst, acc, kx, cn, scale)
}

func blendRows(dst []uint16, r0, r1 []byte, w0, w1 uint16) {
	blendRows_U8_U16_generic(dst, r0, r1, w0, w1)
}

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

func lumaRow4(dst, src []byte, coef uint32) { luma_RGBA_Gray_generic(dst, src, coef) }

func lumaRow3(dst, src []byte, coef uint32) { luma_RGB24_Gray_generic(dst, src, coef) }

func laplacianRow(up, mid, down []byte, n int) (sum, sumsq int64) {
	return laplacian_Gray_Stats_generic(up, mid, down, n)
}

func yuvRow(dst, y, cb, cr []byte) { yuvRow_RGB24_generic(dst, y, cb, cr) }

func areaRows(acc []int16, rows []byte, stride int, m []uint16) {
	areaRows_U8_I16_generic(acc, rows, stride, m)
}

func areaCols(dst []byte, vacc []int16, xofs []int32, xw []uint16, n, cn int) {
	areaCols_I16_U8_generic(dst, vacc, xofs, xw, n, cn)
}
