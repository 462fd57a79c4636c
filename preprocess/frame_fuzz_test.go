package preprocess

import (
	"errors"
	"testing"
)

// FuzzFrameValidate: Validate never panics, and whatever it accepts is safe
// to read: every row of every plane is inside its buffer, and Luma works.
func FuzzFrameValidate(f *testing.F) {
	f.Add(uint8(NV12), 64, 48, 64, 64, 0, 64*48, 64*24, 0)
	f.Add(uint8(I420), 64, 48, 64, 32, 32, 64*48, 32*24, 32*24)
	f.Add(uint8(I422), 64, 47, 64, 32, 32, 64*47, 32*47, 32*47)
	f.Add(uint8(I444), 63, 11, 64, 64, 64, 64*11, 64*11, 64*11)
	f.Add(uint8(RGBA), 16, 48, 64, 0, 0, 64*48, 0, 0)
	f.Add(uint8(RGB24), 21, 48, 64, 0, 0, 64*47+63, 0, 0)
	f.Add(uint8(BGRA), 3, 3, 12, 0, 0, 35, 0, 0)
	f.Add(uint8(Gray8), 1<<20, 1, 1<<20, 0, 0, 100, 0, 0)
	f.Add(uint8(NV21), 2, 2, -2, 2, 0, 4, 2, 0)
	f.Fuzz(func(t *testing.T, format uint8, w, h, s0, s1, s2, n0, n1, n2 int) {
		const maxLen = 1 << 18 // keeps the fuzzer's own allocations small
		clamp := func(n int) int { return min(max(n, 0), maxLen) }
		fr := Frame{Format: Format(format), Width: w, Height: h,
			Planes:  [3][]byte{make([]byte, clamp(n0)), make([]byte, clamp(n1)), make([]byte, clamp(n2))},
			Strides: [3]int{s0, s1, s2}}
		err := fr.Validate()
		if err != nil {
			if !errors.Is(err, ErrInvalidFrame) {
				t.Fatalf("error %v does not wrap ErrInvalidFrame", err)
			}
			return
		}
		for i := 0; i < fr.Format.planeCount(); i++ {
			p := fr.plane(i)
			if err := p.Validate(); err != nil {
				t.Fatalf("plane %d of a valid frame: %v", i, err)
			}
			for y := 0; y < p.Height; y++ {
				_ = p.Row(y) // panics if out of bounds
			}
		}
		l, err := fr.Luma(make([]byte, min(w*h, maxLen)))
		if err != nil && !errors.Is(err, ErrShortBuffer) {
			t.Fatalf("Luma of a valid frame: %v", err)
		}
		if err == nil && (l.Width != w || l.Height != h) {
			t.Fatalf("luma %dx%d for a %dx%d frame", l.Width, l.Height, w, h)
		}
	})
}
