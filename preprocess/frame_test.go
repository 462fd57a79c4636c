package preprocess

import (
	"errors"
	"image"
	"image/color"
	"math/rand/v2"
	"testing"
)

func TestFrameValidate(t *testing.T) {
	y := make([]byte, 64*48)
	uv := make([]byte, 64*24)
	good := []Frame{
		{Format: Gray8, Width: 64, Height: 48, Planes: [3][]byte{y}, Strides: [3]int{64}},
		{Format: NV12, Width: 64, Height: 48, Planes: [3][]byte{y, uv}, Strides: [3]int{64, 64}},
		{Format: NV21, Width: 64, Height: 48, Planes: [3][]byte{y, uv}, Strides: [3]int{64, 64}},
		{Format: I420, Width: 64, Height: 48, Planes: [3][]byte{y, uv[:32*24], uv[32*24:]}, Strides: [3]int{64, 32, 32}},
		{Format: RGBA, Width: 16, Height: 48, Planes: [3][]byte{y}, Strides: [3]int{64}},
		{Format: BGRA, Width: 16, Height: 48, Planes: [3][]byte{y}, Strides: [3]int{64}},
		{Format: RGB24, Width: 21, Height: 48, Planes: [3][]byte{y}, Strides: [3]int{64}},
		{Format: I422, Width: 64, Height: 47, Planes: [3][]byte{y, uv, uv}, Strides: [3]int{64, 32, 32}},
		{Format: I444, Width: 63, Height: 11, Planes: [3][]byte{y, uv, uv}, Strides: [3]int{64, 64, 64}},
		// The last row needs only its pixels, not a whole stride.
		{Format: Gray8, Width: 60, Height: 48, Planes: [3][]byte{y[:64*47+60]}, Strides: [3]int{64}},
	}
	for i, f := range good {
		if err := f.Validate(); err != nil {
			t.Errorf("good frame %d (%v): %v", i, f.Format, err)
		}
		if n := testing.AllocsPerRun(10, func() { _ = f.Validate() }); n != 0 {
			t.Errorf("good frame %d: Validate allocates %v", i, n)
		}
	}
	bad := map[string]Frame{
		"unknown format":  {Format: FormatUnknown, Width: 64, Height: 48, Planes: [3][]byte{y}, Strides: [3]int{64}},
		"format 200":      {Format: 200, Width: 64, Height: 48, Planes: [3][]byte{y}, Strides: [3]int{64}},
		"zero width":      {Format: Gray8, Width: 0, Height: 48, Planes: [3][]byte{y}, Strides: [3]int{64}},
		"negative":        {Format: Gray8, Width: -64, Height: 48, Planes: [3][]byte{y}, Strides: [3]int{64}},
		"absurd":          {Format: Gray8, Width: 1 << 40, Height: 1 << 40, Planes: [3][]byte{y}, Strides: [3]int{1 << 40}},
		"stride":          {Format: Gray8, Width: 64, Height: 48, Planes: [3][]byte{y}, Strides: [3]int{63}},
		"negative stride": {Format: Gray8, Width: 64, Height: 48, Planes: [3][]byte{y}, Strides: [3]int{-64}},
		"huge stride":     {Format: Gray8, Width: 64, Height: 48, Planes: [3][]byte{y}, Strides: [3]int{1 << 62}},
		"short plane":     {Format: Gray8, Width: 64, Height: 48, Planes: [3][]byte{y[:64*48-1]}, Strides: [3]int{64}},
		"odd width":       {Format: NV12, Width: 63, Height: 48, Planes: [3][]byte{y, uv}, Strides: [3]int{64, 64}},
		"odd height":      {Format: I420, Width: 64, Height: 47, Planes: [3][]byte{y, uv, uv}, Strides: [3]int{64, 32, 32}},
		"missing uv":      {Format: NV12, Width: 64, Height: 48, Planes: [3][]byte{y}, Strides: [3]int{64, 64}},
		"short uv":        {Format: NV21, Width: 64, Height: 48, Planes: [3][]byte{y, uv[:64*23]}, Strides: [3]int{64, 64}},
		"uv stride":       {Format: NV12, Width: 64, Height: 48, Planes: [3][]byte{y, uv}, Strides: [3]int{64, 62}},
		"short v":         {Format: I420, Width: 64, Height: 48, Planes: [3][]byte{y, uv, uv[:10]}, Strides: [3]int{64, 32, 32}},
		"rgba stride":     {Format: RGBA, Width: 17, Height: 48, Planes: [3][]byte{y}, Strides: [3]int{64}},
		"rgb short":       {Format: RGB24, Width: 21, Height: 49, Planes: [3][]byte{y}, Strides: [3]int{64}},
	}
	for name, f := range bad {
		err := f.Validate()
		var fe *FrameError
		if !errors.Is(err, ErrInvalidFrame) || !errors.As(err, &fe) {
			t.Errorf("%s: got %v, want an ErrInvalidFrame *FrameError", name, err)
		}
		if _, err := f.Luma(make([]byte, 64*48)); !errors.Is(err, ErrInvalidFrame) {
			t.Errorf("%s: Luma accepted an invalid frame: %v", name, err)
		}
	}
}

func TestLumaIsAViewForYUVAndGray(t *testing.T) {
	y := make([]byte, 64*48)
	uv := make([]byte, 64*24)
	for _, f := range []Frame{
		{Format: Gray8, Width: 64, Height: 48, Planes: [3][]byte{y}, Strides: [3]int{64}},
		{Format: NV12, Width: 64, Height: 48, Planes: [3][]byte{y, uv}, Strides: [3]int{64, 64}},
		{Format: I420, Width: 64, Height: 48, Planes: [3][]byte{y, uv[:32*24], uv[32*24:]}, Strides: [3]int{64, 32, 32}},
	} {
		p, err := f.Luma(nil)
		if err != nil {
			t.Fatal(err)
		}
		if &p.Pix[0] != &y[0] || p.Width != 64 || p.Height != 48 || p.Stride != 64 {
			t.Fatalf("%v: luma is not a view of the Y plane", f.Format)
		}
		if n := testing.AllocsPerRun(10, func() { _, _ = f.Luma(nil) }); n != 0 {
			t.Fatalf("%v: Luma allocates %v", f.Format, n)
		}
	}
}

// TestLumaRGBMatchesStdlib compares the RGB conversions, every variant and
// odd widths, with image/color.RGBToYCbCr.
func TestLumaRGBMatchesStdlib(t *testing.T) {
	r := rand.New(rand.NewPCG(31, 32))
	forEachVariant(t, func(t *testing.T) {
		for _, w := range []int{1, 2, 7, 15, 16, 17, 31, 33, 64, 129} {
			h := 3
			for _, format := range []Format{RGBA, BGRA, RGB24} {
				bpp := format.bytesPerPixel()
				stride := w*bpp + r.IntN(5)
				pix := randBytes(r, stride*h)
				f := Frame{Format: format, Width: w, Height: h, Planes: [3][]byte{pix}, Strides: [3]int{stride}}
				dst := make([]byte, w*h)
				p, err := f.Luma(dst)
				if err != nil {
					t.Fatal(err)
				}
				for y := 0; y < h; y++ {
					for x := 0; x < w; x++ {
						px := pix[y*stride+x*bpp:]
						rr, gg, bb := px[0], px[1], px[2]
						if format == BGRA {
							rr, bb = bb, rr
						}
						want, _, _ := color.RGBToYCbCr(rr, gg, bb)
						if got := p.Row(y)[x]; got != want {
							t.Fatalf("%v w=%d (%d,%d): got %d want %d", format, w, x, y, got, want)
						}
					}
				}
				if n := testing.AllocsPerRun(5, func() { _, _ = f.Luma(dst) }); n != 0 {
					t.Fatalf("%v: Luma allocates %v", format, n)
				}
			}
		}
	})
	f := Frame{Format: RGBA, Width: 4, Height: 4, Planes: [3][]byte{make([]byte, 64)}, Strides: [3]int{16}}
	if _, err := f.Luma(make([]byte, 15)); !errors.Is(err, ErrShortBuffer) {
		t.Fatalf("short luma buffer: %v", err)
	}
}

func TestFromImage(t *testing.T) {
	ycc := image.NewYCbCr(image.Rect(0, 0, 64, 48), image.YCbCrSubsampleRatio420)
	gray := image.NewGray(image.Rect(0, 0, 30, 20))
	rgba := image.NewRGBA(image.Rect(0, 0, 30, 20))
	nrgba := image.NewNRGBA(image.Rect(0, 0, 30, 20))
	ycc444 := image.NewYCbCr(image.Rect(0, 0, 30, 20), image.YCbCrSubsampleRatio444)
	ycc422 := image.NewYCbCr(image.Rect(0, 0, 30, 20), image.YCbCrSubsampleRatio422)
	for _, c := range []struct {
		img    image.Image
		format Format
		first  *byte
	}{
		{ycc, I420, &ycc.Y[0]},
		{ycc.SubImage(image.Rect(10, 6, 50, 40)), I420, &ycc.Y[6*ycc.YStride+10]},
		{gray, Gray8, &gray.Pix[0]},
		{gray.SubImage(image.Rect(3, 2, 20, 10)), Gray8, &gray.Pix[2*gray.Stride+3]},
		{rgba, RGBA, &rgba.Pix[0]},
		{nrgba, RGBA, &nrgba.Pix[0]},
		{ycc444, I444, &ycc444.Y[0]},
		{ycc444.SubImage(image.Rect(3, 5, 20, 17)), I444, &ycc444.Y[5*ycc444.YStride+3]},
		{ycc422, I422, &ycc422.Y[0]},
	} {
		f, buf, err := FromImage(nil, c.img)
		if err != nil {
			t.Fatal(err)
		}
		if f.Format != c.format || &f.Planes[0][0] != c.first || buf != nil {
			t.Fatalf("%T %v: got %v, want a %v view with no copy", c.img, c.img.Bounds(), f.Format, c.format)
		}
		if n := testing.AllocsPerRun(10, func() { _, _, _ = FromImage(nil, c.img) }); n > 0 {
			t.Fatalf("%T: %v allocations for a view", c.img, n)
		}
	}
	// Other types, odd 4:2:0 and 4:4:0 are converted into the caller's buffer.
	odd := image.NewYCbCr(image.Rect(0, 0, 5, 3), image.YCbCrSubsampleRatio420)
	for i := range odd.Y {
		odd.Y[i] = uint8(40 * i)
	}
	for i := range odd.Cb {
		odd.Cb[i], odd.Cr[i] = 90, 200
	}
	buf := make([]byte, 0, 1024)
	for _, img := range []image.Image{odd, image.NewYCbCr(image.Rect(0, 0, 8, 8), image.YCbCrSubsampleRatio440), image.NewGray16(image.Rect(0, 0, 4, 4))} {
		f, out, err := FromImage(buf, img)
		if err != nil {
			t.Fatal(err)
		}
		b := img.Bounds()
		if f.Format != RGBA || &out[0] != &buf[:1][0] || f.Width != b.Dx() {
			t.Fatalf("%T: want RGBA converted into the caller's buffer", img)
		}
		for y := 0; y < f.Height; y++ {
			for x := 0; x < f.Width; x++ {
				r, g, bl, _ := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
				px := out[y*f.Strides[0]+4*x:]
				if px[0] != uint8(r>>8) || px[1] != uint8(g>>8) || px[2] != uint8(bl>>8) {
					t.Fatalf("%T (%d,%d): got %v want %d,%d,%d", img, x, y, px[:3], r>>8, g>>8, bl>>8)
				}
			}
		}
	}
	if _, _, err := FromImage(nil, image.NewGray(image.Rect(0, 0, 0, 5))); !errors.Is(err, ErrInvalidFrame) {
		t.Fatalf("empty image: %v", err)
	}
}

// SubPlane of a plane that does not hold its geometry is an error, not a
// panic (issue 14: a negative stride sliced before the buffer).
func TestSubPlaneOfInvalidPlane(t *testing.T) {
	pix := make([]byte, 100)
	for _, p := range []Plane{
		{Pix: pix, Stride: -5, Width: 5, Height: 5, Channels: 1},
		{Pix: pix[:10], Stride: 10, Width: 10, Height: 10, Channels: 1},
		{Pix: pix, Stride: 10, Width: 10, Height: 10, Channels: 9},
	} {
		if _, err := p.SubPlane(image.Rect(1, 1, 3, 3)); !errors.Is(err, ErrInvalidFrame) {
			t.Errorf("stride %d, %d bytes, %d channels: %v, want ErrInvalidFrame", p.Stride, len(p.Pix), p.Channels, err)
		}
	}
}
