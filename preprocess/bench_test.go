package preprocess

import (
	"fmt"
	"image"
	"testing"

	"github.com/disintegration/imaging"
	"golang.org/x/image/draw"
)

// Benchmarks are named <op>/<filter or format>/<impl>/<case>, impl being
// facegate (the dispatched kernels), generic (the Go twins forced), and the
// peers xdraw (golang.org/x/image/draw), imaging
// (github.com/disintegration/imaging) or plainloop (a straightforward Go
// loop), so that every ratio is read from one run.

func withVariant(b *testing.B, v variant, f func(b *testing.B)) {
	restore, ok := forceVariant(v)
	if !ok {
		b.Fatalf("cannot force %v", v)
	}
	defer restore()
	f(b)
}

func asGray(p Plane) *image.Gray {
	return &image.Gray{Pix: p.Pix, Stride: p.Stride, Rect: image.Rect(0, 0, p.Width, p.Height)}
}

func BenchmarkResize(b *testing.B) {
	src := testGray(b, "faces/obama-1080p.jpg")
	cases := []struct {
		f      Filter
		dw, dh int
		peer   draw.Interpolator
		imgf   imaging.ResampleFilter
	}{
		{Area, 480, 270, draw.ApproxBiLinear, imaging.Box},
		{Bilinear, 640, 360, draw.BiLinear, imaging.Linear},
	}
	for _, c := range cases {
		name := fmt.Sprintf("1080p-%dx%d", c.dw, c.dh)
		rz, err := NewResizer(src.Width, src.Height, c.dw, c.dh, 1, c.f)
		if err != nil {
			b.Fatal(err)
		}
		dst := newPlane(c.dw, c.dh, 1)
		run := func(b *testing.B) {
			b.SetBytes(int64(len(src.Pix)))
			b.ReportAllocs()
			for b.Loop() {
				if err := rz.Resize(dst, src); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.Run(c.f.String()+"/facegate/"+name, run)
		b.Run(c.f.String()+"/generic/"+name, func(b *testing.B) { withVariant(b, variantGeneric, run) })
		b.Run(c.f.String()+"/xdraw/"+name, func(b *testing.B) {
			s, d := asGray(src), image.NewGray(image.Rect(0, 0, c.dw, c.dh))
			b.SetBytes(int64(len(src.Pix)))
			b.ReportAllocs()
			for b.Loop() {
				c.peer.Scale(d, d.Rect, s, s.Rect, draw.Src, nil)
			}
		})
		b.Run(c.f.String()+"/imaging/"+name, func(b *testing.B) {
			s := asGray(src)
			b.SetBytes(int64(len(src.Pix)))
			b.ReportAllocs()
			for b.Loop() {
				_ = imaging.Resize(s, c.dw, c.dh, c.imgf)
			}
		})
	}
}

// plainLumaRGBA is the straightforward loop the SIMD luma is measured against.
func plainLumaRGBA(dst []byte, p Plane) {
	for y := 0; y < p.Height; y++ {
		row := p.Pix[y*p.Stride:]
		for x := 0; x < p.Width; x++ {
			r, g, bl := uint32(row[4*x]), uint32(row[4*x+1]), uint32(row[4*x+2])
			dst[y*p.Width+x] = uint8((19595*r + 38470*g + 7471*bl + 1<<15) >> 16)
		}
	}
}

func BenchmarkLuma(b *testing.B) {
	src := testRGBA(b, "faces/obama-1080p.jpg")
	fr := Frame{Format: RGBA, Width: src.Width, Height: src.Height, Planes: [3][]byte{src.Pix}, Strides: [3]int{src.Stride}}
	dst := make([]byte, src.Width*src.Height)
	run := func(b *testing.B) {
		b.SetBytes(int64(len(src.Pix)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := fr.Luma(dst); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("RGBA/facegate/1080p", run)
	b.Run("RGBA/generic/1080p", func(b *testing.B) { withVariant(b, variantGeneric, run) })
	b.Run("RGBA/plainloop/1080p", func(b *testing.B) {
		b.SetBytes(int64(len(src.Pix)))
		b.ReportAllocs()
		for b.Loop() {
			plainLumaRGBA(dst, src)
		}
	})
}

// plainLaplacianVariance is the straightforward two-pass loop the kernel is
// measured against (interior pixels only, as the region is inside the plane).
func plainLaplacianVariance(p Plane, r image.Rectangle) float64 {
	var sum, sumsq float64
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			at := func(x, y int) float64 { return float64(p.Pix[y*p.Stride+x]) }
			l := at(x, y-1) + at(x, y+1) + at(x-1, y) + at(x+1, y) - 4*at(x, y)
			sum += l
			sumsq += l * l
		}
	}
	n := float64(r.Dx() * r.Dy())
	m := sum / n
	return sumsq/n - m*m
}

func BenchmarkLaplacianVariance(b *testing.B) {
	src := testGray(b, "faces/obama-1080p.jpg")
	r := image.Rect(810, 190, 1110, 490)
	run := func(b *testing.B) {
		b.SetBytes(int64(r.Dx() * r.Dy()))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := LaplacianVariance(src, r); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("facegate/300x300", run)
	b.Run("generic/300x300", func(b *testing.B) { withVariant(b, variantGeneric, run) })
	b.Run("plainloop/300x300", func(b *testing.B) {
		b.SetBytes(int64(r.Dx() * r.Dy()))
		b.ReportAllocs()
		for b.Loop() {
			_ = plainLaplacianVariance(src, r)
		}
	})
}

func BenchmarkMeasureLuma(b *testing.B) {
	src := testGray(b, "faces/obama-1080p.jpg")
	r := image.Rect(810, 190, 1110, 490)
	var st LumaStats
	b.SetBytes(int64(r.Dx() * r.Dy()))
	b.ReportAllocs()
	for b.Loop() {
		if err := MeasureLuma(&st, src, r); err != nil {
			b.Fatal(err)
		}
	}
}

// nv12Frame builds a 1080p NV12 frame from the test photograph.
func nv12Frame(tb testing.TB) Frame {
	img := testImage(tb, "faces/obama-1080p.jpg").(*image.YCbCr)
	w, h := img.Rect.Dx(), img.Rect.Dy()
	y := make([]byte, w*h)
	uv := make([]byte, w*h/2)
	for j := 0; j < h; j++ {
		copy(y[j*w:], img.Y[j*img.YStride:j*img.YStride+w])
	}
	for j := 0; j < h/2; j++ {
		for i := 0; i < w/2; i++ {
			c := img.COffset(2*i, 2*j)
			uv[j*w+2*i], uv[j*w+2*i+1] = img.Cb[c], img.Cr[c]
		}
	}
	return Frame{Format: NV12, Width: w, Height: h, Planes: [3][]byte{y, uv}, Strides: [3]int{w, w}}
}

func BenchmarkCropResize(b *testing.B) {
	fr := nv12Frame(b)
	crop := image.Rect(660, 40, 1260, 640)
	cr, err := NewCropResizer(NV12, 600, 600, 400, 400, Area)
	if err != nil {
		b.Fatal(err)
	}
	dst := make([]byte, 3*400*400)
	run := func(b *testing.B) {
		b.SetBytes(600 * 600 * 3 / 2)
		b.ReportAllocs()
		for b.Loop() {
			if err := cr.CropResize(dst, &fr, crop); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("NV12/facegate/600x600-400x400", run)
	b.Run("NV12/generic/600x600-400x400", func(b *testing.B) { withVariant(b, variantGeneric, run) })
}
