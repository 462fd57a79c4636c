package preprocess

import (
	"bytes"
	"testing"
)

// Every RGB colour, through the RGBA and BGRA luma kernels of every
// variant (whole rows of 65536 pixels: one blue level, every red and
// green), alpha 0 and 255, against the generic kernel, and the generic
// kernel against the formula it implements, (19595 R + 38470 G + 7471 B
// + 2^15) >> 16.
func TestKernelLumaEveryColour(t *testing.T) {
	src := make([]byte, 4*65536)
	want := make([]byte, 65536)
	got := make([]byte, 65536)
	forEachVariant(t, func(t *testing.T) {
		for b := range 256 {
			for _, alpha := range []byte{0, 255} {
				for _, bgra := range []bool{false, true} {
					coef := uint32(lumaCoefRGBA)
					for i := range 65536 {
						r, g := byte(i>>8), byte(i)
						c0, c2 := r, byte(b)
						if bgra {
							c0, c2 = c2, c0
						}
						src[4*i], src[4*i+1], src[4*i+2], src[4*i+3] = c0, g, c2, alpha
					}
					if bgra {
						coef = lumaCoefBGRA
					}
					luma_RGBA_Gray_generic(want, src, coef)
					if b%51 == 0 && alpha == 255 {
						for i := range 65536 {
							r, g := uint32(i>>8), uint32(i&255)
							if f := byte((19595*r + 38470*g + 7471*uint32(b) + 1<<15) >> 16); want[i] != f {
								t.Fatalf("generic: R %d G %d B %d (bgra %v): %d, the formula %d", r, g, b, bgra, want[i], f)
							}
						}
					}
					lumaRow4(got, src, coef)
					if !bytes.Equal(got, want) {
						for i := range got {
							if got[i] != want[i] {
								t.Fatalf("blue %d, alpha %d, bgra %v: R %d G %d gives %d, generic %d", b, alpha, bgra, i>>8, i&255, got[i], want[i])
							}
						}
					}
				}
			}
		}
	})
}
