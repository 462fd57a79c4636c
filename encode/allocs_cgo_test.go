//go:build !race && cgo

package encode

// Allocation tests: the race detector's instrumentation allocates, so they
// are built only without it (CI runs them in the plain test run).

import "testing"

// A warm Encoder allocates, per frame, only what chai2010/webp allocates.
func TestWebPAllocs(t *testing.T) {
	src := faceCrop(t)
	e := NewEncoder()
	buf := make([]byte, 0, 1<<20)
	frames := []AnimFrame{{Image: src}, {Image: src, TimestampMs: 33}}
	for name, c := range map[string]struct {
		f   func()
		max float64
	}{
		"still":    {func() { buf, _ = e.AppendWebP(buf[:0], src, nil) }, webpAllocsPerFrame},
		"animated": {func() { buf, _ = e.AppendAnimatedWebP(buf[:0], frames, nil) }, 2 * webpAllocsPerFrame},
	} {
		c.f()
		if n := testing.AllocsPerRun(2, c.f); n > c.max {
			t.Errorf("%s: %.0f allocations, want at most %.0f", name, n, c.max)
		}
	}
}
