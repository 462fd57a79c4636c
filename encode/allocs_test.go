//go:build !race

package encode

// Allocation tests: the race detector's instrumentation allocates, so they
// are built only without it (CI runs them in the plain test run).

import (
	"image/png"
	"testing"
)

// A warm dst makes ParseWebP allocation-free.
func TestParseWebPAllocs(t *testing.T) {
	b := readFixture(t, "pigo-anim.webp")
	frames := make([]WebPFrame, 0, 4)
	if n := testing.AllocsPerRun(10, func() { _, _ = ParseWebP(frames[:0], b) }); n != 0 {
		t.Errorf("%.0f allocations", n)
	}
}

// Steady state: a warm Encoder allocates nothing for PNG and BMP. image/jpeg
// allocates internally (its encoder state and Huffman specs, 5 objects per
// call in Go 1.26), so AppendJPEG is held to that and no more: our side (the
// YCbCr copy, the sink) allocates nothing.
func TestAllocs(t *testing.T) {
	src := faceCrop(t)
	e := NewEncoder()
	buf := make([]byte, 0, 1<<20)
	tight, face := Range{Min: 1024, Max: 8000}, &FitOptions{Face: cropFace}
	_, res, err := e.Fit(nil, src, tight, face)
	if err != nil || res.Scale == 1 {
		t.Fatalf("%+v, %v: want a downscale", res, err)
	}
	for name, c := range map[string]struct {
		f   func()
		max float64
	}{
		"jpeg": {func() { buf, _ = e.AppendJPEG(buf[:0], src, nil) }, jpegStdlibAllocs},
		"png":  {func() { buf, _ = e.AppendPNG(buf[:0], src, &PNGOptions{CompressionLevel: png.BestSpeed}) }, 0},
		"bmp":  {func() { buf, _ = AppendBMP(buf[:0], src) }, 0},
		"fit":  {func() { buf, _, _ = e.Fit(buf[:0], src, LivenessImageRange, nil) }, jpegStdlibAllocs},
		// Several encodings at several sizes; the resizer plans are kept.
		"fit downscale": {func() { buf, _, _ = e.Fit(buf[:0], src, tight, face) }, float64(res.Attempts) * jpegStdlibAllocs},
	} {
		c.f() // warm up
		c.f()
		if n := testing.AllocsPerRun(3, c.f); n > c.max {
			t.Errorf("%s: %.0f allocations per call, want at most %.0f", name, n, c.max)
		}
	}
}
