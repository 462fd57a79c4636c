package preprocess

import (
	"errors"
	"image"
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

// FuzzSubPlane: a Plane of any geometry, however inconsistent (a negative
// or absurd stride, a short buffer, huge or inverted rectangles), gives
// ErrInvalidFrame/ErrGeometry or a sub-plane whose every row is inside
// the buffer, never a panic (issue 14: a negative stride panicked).
func FuzzSubPlane(f *testing.F) {
	f.Add(64, 48, 64, 1, 64*48, 8, 8, 40, 40)
	f.Add(64, 48, -64, 1, 64*48, 0, 0, 10, 10)
	f.Add(16, 16, 48, 3, 48*16, 15, 15, 16, 16)
	f.Add(1<<20, 1, 1<<20, 1, 100, 0, 0, 1<<20, 1)
	f.Add(8, 8, 8, 1, 64, -1<<62, -1<<62, 1<<62, 1<<62)
	f.Fuzz(func(t *testing.T, w, h, stride, channels, n, x0, y0, x1, y1 int) {
		const maxLen = 1 << 18
		p := Plane{Pix: make([]byte, min(max(n, 0), maxLen)), Stride: stride, Width: w, Height: h, Channels: channels}
		s, err := p.SubPlane(image.Rect(x0, y0, x1, y1))
		if err != nil {
			if !errors.Is(err, ErrInvalidFrame) && !errors.Is(err, ErrGeometry) {
				t.Fatalf("error %v wraps neither ErrInvalidFrame nor ErrGeometry", err)
			}
			return
		}
		if err := s.Validate(); err != nil {
			t.Fatalf("sub-plane of %+v: %v", p, err)
		}
		for y := 0; y < s.Height; y++ {
			_ = s.Row(y) // panics if out of bounds
		}
	})
}
