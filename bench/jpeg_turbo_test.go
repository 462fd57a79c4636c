//go:build cgo && turbojpeg

package bench

import (
	"testing"

	"github.com/facegate/facegate/bench/internal/tjpeer"
	"github.com/facegate/facegate/encode"
	"github.com/facegate/facegate/preprocess"
)

// BenchmarkJPEGEncode is encode.AppendJPEG of a 400x400 face crop at
// quality 90 against libjpeg-turbo's TurboJPEG API called directly (the
// peer, tjpeer: what tjbench times) on the same pixels, in the same run.
// -tags turbojpeg builds only (cgo and libturbojpeg0-dev): without them AppendJPEG is image/jpeg and BenchmarkCropEncode
// covers it.
func BenchmarkJPEGEncode(b *testing.B) {
	const side = 400
	for _, c := range frameCases(b) {
		crop := c.crop(0.5)
		cr, err := preprocess.NewCropResizer(preprocess.I420, crop.Dx(), crop.Dy(), side, side, preprocess.Area)
		if err != nil {
			b.Fatal(err)
		}
		rgb := encode.NewRGB(nil, side, side)
		if err := cr.CropResize(rgb.Pix, &c.i420, crop); err != nil {
			b.Fatal(err)
		}
		b.Run("facegate/"+c.name, func(b *testing.B) {
			dst := make([]byte, 0, 1<<20)
			b.SetBytes(int64(len(rgb.Pix)))
			b.ReportAllocs()
			for b.Loop() {
				if dst, err = encode.AppendJPEG(dst[:0], rgb, nil); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(dst)), "file-bytes")
		})
		b.Run("libjpeg-turbo/"+c.name, func(b *testing.B) {
			tj, err := tjpeer.NewCompressor(side, side)
			if err != nil {
				b.Fatal(err)
			}
			defer tj.Close()
			n := 0
			b.SetBytes(int64(len(rgb.Pix)))
			b.ReportAllocs()
			for b.Loop() {
				if n, err = tj.Compress(rgb.Pix, side, side, rgb.Stride, encode.DefaultJPEGQuality); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n), "file-bytes")
		})
	}
}
