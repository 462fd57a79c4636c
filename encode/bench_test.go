package encode

import (
	"image/png"
	"testing"
)

// BenchmarkEncode measures each encoder on the 400x400 face crop with a warm
// Encoder and a reused dst: the steady state of a capture app. SetBytes is
// the RGB input, so MB/s is input pixels. Read allocs/op as what the
// underlying encoder allocates: image/jpeg allocates its state per call, and
// chai2010/webp returns each libwebp output in a new slice.
func BenchmarkEncode(b *testing.B) {
	src := faceCrop(b)
	frames := animFrames(b, 10)
	in := int64(len(src.Pix))
	cases := []struct {
		name  string
		bytes int64
		webp  bool
		f     func(e *Encoder, dst []byte) ([]byte, error)
	}{
		{"jpeg/400x400", in, false, func(e *Encoder, dst []byte) ([]byte, error) { return e.AppendJPEG(dst, src, nil) }},
		{"png/400x400", in, false, func(e *Encoder, dst []byte) ([]byte, error) {
			return e.AppendPNG(dst, src, &PNGOptions{CompressionLevel: png.BestSpeed})
		}},
		{"bmp/400x400", in, false, func(e *Encoder, dst []byte) ([]byte, error) { return AppendBMP(dst, src) }},
		{"fit/400x400", in, false, func(e *Encoder, dst []byte) ([]byte, error) {
			dst, _, err := e.Fit(dst, src, LivenessImageRange, &FitOptions{Face: cropFace})
			return dst, err
		}},
		{"fit-downscale/400x400", in, false, func(e *Encoder, dst []byte) ([]byte, error) {
			dst, _, err := e.Fit(dst, src, Range{Min: 1024, Max: 8000}, &FitOptions{Face: cropFace})
			return dst, err
		}},
		{"webp/400x400", in, true, func(e *Encoder, dst []byte) ([]byte, error) { return e.AppendWebP(dst, src, nil) }},
		{"animated-webp/10x400x400", 10 * in, true, func(e *Encoder, dst []byte) ([]byte, error) {
			return e.AppendAnimatedWebP(dst, frames, nil)
		}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			if c.webp && !WebPAvailable {
				b.Skip("WebP encoding needs cgo")
			}
			e := NewEncoder()
			dst := make([]byte, 0, 1<<20)
			var err error
			for range 2 { // warm up: Fit swaps two scratch buffers
				if dst, err = c.f(e, dst[:0]); err != nil {
					b.Fatal(err)
				}
			}
			b.SetBytes(c.bytes)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if dst, err = c.f(e, dst[:0]); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(dst)), "file-bytes")
		})
	}
}
