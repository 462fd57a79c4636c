//go:build !purego && !noasm

package preprocess

// The NEON kernels are hand-written in kernels_arm64.s. Each processes whole
// blocks only and touches no memory past the lengths it is given; the
// wrappers in dispatch_arm64.go call the generic kernels for the tails.

// addRow_U8_U16_neon is addRow_U8_U16_generic for len(acc) a multiple of 16
// (blocks of 16); len(src) >= len(acc).
//
//go:noescape
func addRow_U8_U16_neon(acc []uint16, src []byte)

// boxRow2_U16_U8_neon is boxRow_U16_U8_generic with one channel and kx = 2,
// for len(dst) a multiple of 8 (blocks of 8 outputs); acc holds len(dst)*2
// sums. Any uint16 sums are exact: they are added as unsigned 32-bit values.
//
//go:noescape
func boxRow2_U16_U8_neon(dst []byte, acc []uint16, scale float32)

// boxRow4_U16_U8_neon is boxRow_U16_U8_generic with one channel and kx = 4,
// for len(dst) a multiple of 8 (blocks of 8 outputs); acc holds len(dst)*4
// sums. Any uint16 sums are exact: they are added as unsigned 32-bit values.
//
//go:noescape
func boxRow4_U16_U8_neon(dst []byte, acc []uint16, scale float32)

// blendRows_U8_U16_neon is blendRows_U8_U16_generic for len(dst) a multiple
// of 16 (blocks of 16) and w0+w1 <= 256, as the resizer's weights are, so
// that the 16-bit sums of products cannot overflow; len(r0), len(r1) >=
// len(dst).
//
//go:noescape
func blendRows_U8_U16_neon(dst []uint16, r0, r1 []byte, w0, w1 uint16)

// luma_RGBA_Gray_neon is luma_RGBA_Gray_generic for len(dst) a multiple of
// 16 (blocks of 16 pixels); len(src) >= 4*len(dst).
//
//go:noescape
func luma_RGBA_Gray_neon(dst, src []byte, coef uint32)

// luma_RGB24_Gray_neon is luma_RGB24_Gray_generic for len(dst) a multiple of
// 16 (blocks of 16 pixels); len(src) >= 3*len(dst). It reads no byte past
// the last pixel.
//
//go:noescape
func luma_RGB24_Gray_neon(dst, src []byte, coef uint32)

// laplacian_Gray_Stats_neon is laplacian_Gray_Stats_generic for n a multiple
// of 16 (blocks of 16 pixels) and at most 2048, so that its 32-bit lane sums
// cannot overflow; up, mid and down hold at least n+2 bytes.
//
//go:noescape
func laplacian_Gray_Stats_neon(up, mid, down []byte, n int) (sum, sumsq int64)
