//go:build cgo && turbojpeg

package bench

import (
	"bytes"
	"image/jpeg"
	"os"
	"path/filepath"
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

// BenchmarkJPEGDecode is preprocess.DecodeBytes of a JPEG file (libjpeg-turbo
// in this build) against the peer, tjpeer's tjDecompressHeader3 and
// tjDecompressToYUVPlanes called directly into planes it keeps, and against
// image/jpeg.Decode, on the same bytes in the same run: a 400x400 face crop
// (AppendJPEG at the default quality) and the 1920x1080 camera frame
// testdata/faces/obama-1080p.jpg. -tags turbojpeg builds only.
func BenchmarkJPEGDecode(b *testing.B) {
	full, err := os.ReadFile(filepath.Join("..", "testdata", "faces", "obama-1080p.jpg"))
	if err != nil {
		b.Fatal(err)
	}
	c := frameCases(b)[0]
	const side = 400
	crop := c.crop(0.5)
	cr, err := preprocess.NewCropResizer(preprocess.I420, crop.Dx(), crop.Dy(), side, side, preprocess.Area)
	if err != nil {
		b.Fatal(err)
	}
	rgb := encode.NewRGB(nil, side, side)
	if err := cr.CropResize(rgb.Pix, &c.i420, crop); err != nil {
		b.Fatal(err)
	}
	small, err := encode.AppendJPEG(nil, rgb, nil)
	if err != nil {
		b.Fatal(err)
	}
	for _, in := range []struct {
		name string
		data []byte
	}{{"400x400", small}, {"1920x1080", full}} {
		cfg, _, err := preprocess.DecodeConfig(bytes.NewReader(in.data), nil)
		if err != nil {
			b.Fatal(err)
		}
		px := int64(cfg.Width * cfg.Height)
		b.Run("facegate/"+in.name, func(b *testing.B) {
			b.SetBytes(px)
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := preprocess.DecodeBytes(in.data, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("libjpeg-turbo/"+in.name, func(b *testing.B) {
			tj, err := tjpeer.NewDecompressor()
			if err != nil {
				b.Fatal(err)
			}
			defer tj.Close()
			b.SetBytes(px)
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := tj.DecompressYUV(in.data); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("image-jpeg/"+in.name, func(b *testing.B) {
			b.SetBytes(px)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := jpeg.Decode(bytes.NewReader(in.data)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
