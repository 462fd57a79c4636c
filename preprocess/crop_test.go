package preprocess

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"testing"
)

// yuvFrames returns the same picture as NV12, NV21 and I420 frames.
func yuvFrames(tb testing.TB) []Frame {
	nv12 := nv12Frame(tb)
	w, h := nv12.Width, nv12.Height
	uv := nv12.Planes[1]
	vu := make([]byte, len(uv))
	u, v := make([]byte, w*h/4), make([]byte, w*h/4)
	for i := 0; i < len(uv); i += 2 {
		vu[i], vu[i+1] = uv[i+1], uv[i]
		u[i/2], v[i/2] = uv[i], uv[i+1]
	}
	return []Frame{
		nv12,
		{Format: NV21, Width: w, Height: h, Planes: [3][]byte{nv12.Planes[0], vu}, Strides: [3]int{w, w}},
		{Format: I420, Width: w, Height: h, Planes: [3][]byte{nv12.Planes[0], u, v}, Strides: [3]int{w, w / 2, w / 2}},
	}
}

func TestCropResizeYUV(t *testing.T) {
	frames := yuvFrames(t)
	crop := image.Rect(660, 40, 1260, 640)
	for _, f := range []Filter{Area, Bilinear} {
		var first []byte
		for _, fr := range frames {
			cr, err := NewCropResizer(fr.Format, 600, 600, 400, 400, f)
			if err != nil {
				t.Fatal(err)
			}
			var want []byte
			for _, v := range availableVariants() {
				restore, _ := forceVariant(v)
				got := make([]byte, 3*400*400)
				err := cr.CropResize(got, &fr, crop)
				restore()
				if err != nil {
					t.Fatal(err)
				}
				if want == nil {
					want = got
				} else if !bytes.Equal(got, want) {
					t.Fatalf("%v %v: variant %v differs from generic", fr.Format, f, v)
				}
			}
			if first == nil {
				first = want
			} else if !bytes.Equal(want, first) {
				t.Fatalf("%v %v: differs from NV12", fr.Format, f)
			}
			dst := make([]byte, 3*400*400)
			if n := testing.AllocsPerRun(3, func() { _ = cr.CropResize(dst, &fr, crop) }); n != 0 {
				t.Fatalf("%v: CropResize allocates %v", fr.Format, n)
			}
		}
		// Against an independent path: the standard library's YCbCr to RGBA
		// conversion of the whole crop (nearest chroma), then an RGBA resize.
		img := testImage(t, "faces/obama-1080p.jpg").(*image.YCbCr)
		rgba := image.NewRGBA(image.Rect(0, 0, 600, 600))
		for y := 0; y < 600; y++ {
			for x := 0; x < 600; x++ {
				rgba.Set(x, y, img.At(crop.Min.X+x, crop.Min.Y+y))
			}
		}
		rz, _ := NewResizer(600, 600, 400, 400, 4, f)
		ref := newPlane(400, 400, 4)
		if err := rz.Resize(ref, Plane{Pix: rgba.Pix, Stride: rgba.Stride, Width: 600, Height: 600, Channels: 4}); err != nil {
			t.Fatal(err)
		}
		var sum, worst int
		for i := 0; i < 400*400; i++ {
			for c := 0; c < 3; c++ {
				d := int(first[3*i+c]) - int(ref.Pix[4*i+c])
				d = max(d, -d)
				sum += d
				worst = max(worst, d)
			}
		}
		if mean := float64(sum) / (3 * 400 * 400); mean > 1.5 || worst > 64 {
			t.Fatalf("%v: mean |diff| %.2f, max %d against the stdlib conversion", f, mean, worst)
		}
	}
}

// TestCropResizePlanar: 4:4:4 and 4:2:2 frames (JPEG stills) against the
// standard library's conversion of the same crop.
func TestCropResizePlanar(t *testing.T) {
	img444 := testImage(t, "faces/obama-480p.jpg").(*image.YCbCr)
	b := img444.Rect
	img422 := image.NewYCbCr(b, image.YCbCrSubsampleRatio422)
	copy(img422.Y, img444.Y)
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx()/2; x++ {
			img422.Cb[y*img422.CStride+x] = img444.Cb[y*img444.CStride+2*x]
			img422.Cr[y*img422.CStride+x] = img444.Cr[y*img444.CStride+2*x]
		}
	}
	crop := image.Rect(380, 40, 580, 260)
	for _, img := range []*image.YCbCr{img444, img422} {
		fr, _, err := FromImage(nil, img)
		if err != nil {
			t.Fatal(err)
		}
		c, err := NewCropResizer(fr.Format, 200, 220, 200, 220, Bilinear)
		if err != nil {
			t.Fatal(err)
		}
		got := make([]byte, 3*200*220)
		if err := c.CropResize(got, &fr, crop); err != nil {
			t.Fatal(err)
		}
		worst := 0
		for y := 0; y < 220; y++ {
			for x := 0; x < 200; x++ {
				r, g, bl, _ := img.At(crop.Min.X+x, crop.Min.Y+y).RGBA()
				for i, v := range []uint32{r >> 8, g >> 8, bl >> 8} {
					d := int(got[3*(y*200+x)+i]) - int(v)
					worst = max(worst, d, -d)
				}
			}
		}
		// 4:4:4 at the same size is exact; 4:2:2 interpolates chroma where
		// At repeats it.
		if limit := map[Format]int{I444: 0, I422: 48}[fr.Format]; worst > limit {
			t.Fatalf("%v: max |diff| %d against the standard library, want <= %d", fr.Format, worst, limit)
		}
	}
}

func TestCropResizeConstantColor(t *testing.T) {
	const w, h = 64, 48
	yv, cb, cr := byte(150), byte(80), byte(190)
	y := bytes.Repeat([]byte{yv}, w*h)
	uv := bytes.Repeat([]byte{cb, cr}, w*h/4)
	fr := Frame{Format: NV12, Width: w, Height: h, Planes: [3][]byte{y, uv}, Strides: [3]int{w, w}}
	c, err := NewCropResizer(NV12, 32, 24, 13, 7, Bilinear)
	if err != nil {
		t.Fatal(err)
	}
	dst := make([]byte, 3*13*7)
	if err := c.CropResize(dst, &fr, image.Rect(10, 20, 42, 44)); err != nil {
		t.Fatal(err)
	}
	r, g, b := color.YCbCrToRGB(yv, cb, cr)
	if !bytes.Equal(dst, bytes.Repeat([]byte{r, g, b}, 13*7)) {
		t.Fatalf("got %v, want every pixel %d,%d,%d", dst[:6], r, g, b)
	}
}

func TestCropResizePackedFormats(t *testing.T) {
	src := testRGBA(t, "faces/pigo-sample.jpg")
	w, h := src.Width, src.Height
	bgra := make([]byte, len(src.Pix))
	rgb := make([]byte, 3*w*h)
	for i := 0; i < w*h; i++ {
		p := src.Pix[4*i:]
		bgra[4*i], bgra[4*i+1], bgra[4*i+2], bgra[4*i+3] = p[2], p[1], p[0], p[3]
		rgb[3*i], rgb[3*i+1], rgb[3*i+2] = p[0], p[1], p[2]
	}
	frames := []Frame{
		{Format: RGBA, Width: w, Height: h, Planes: [3][]byte{src.Pix}, Strides: [3]int{4 * w}},
		{Format: BGRA, Width: w, Height: h, Planes: [3][]byte{bgra}, Strides: [3]int{4 * w}},
		{Format: RGB24, Width: w, Height: h, Planes: [3][]byte{rgb}, Strides: [3]int{3 * w}},
	}
	crop := image.Rect(31, 47, 231, 297)
	var want []byte
	for _, fr := range frames {
		c, err := NewCropResizer(fr.Format, 200, 250, 111, 139, Area)
		if err != nil {
			t.Fatal(err)
		}
		got := make([]byte, 3*111*139)
		if err := c.CropResize(got, &fr, crop); err != nil {
			t.Fatal(err)
		}
		if want == nil {
			want = got
		} else if !bytes.Equal(got, want) {
			t.Fatalf("%v differs from RGBA", fr.Format)
		}
	}
	gray := Frame{Format: Gray8, Width: 4, Height: 2, Planes: [3][]byte{{1, 2, 3, 4, 5, 6, 7, 8}}, Strides: [3]int{4}}
	c, _ := NewCropResizer(Gray8, 2, 2, 2, 2, Area)
	got := make([]byte, 12)
	if err := c.CropResize(got, &gray, image.Rect(1, 0, 3, 2)); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, []byte{2, 2, 2, 3, 3, 3, 6, 6, 6, 7, 7, 7}) {
		t.Fatalf("gray crop: %v", got)
	}
}

func TestCropResizeErrors(t *testing.T) {
	fr := nv12Frame(t)
	if _, err := NewCropResizer(NV12, 601, 600, 400, 400, Area); !errors.Is(err, ErrGeometry) {
		t.Fatalf("odd crop size: %v", err)
	}
	if _, err := NewCropResizer(FormatUnknown, 600, 600, 400, 400, Area); !errors.Is(err, ErrUnsupported) {
		t.Fatalf("unknown format: %v", err)
	}
	c, _ := NewCropResizer(NV12, 600, 600, 400, 400, Area)
	dst := make([]byte, 3*400*400)
	for name, tc := range map[string]struct {
		crop image.Rectangle
		dst  []byte
		want error
	}{
		"odd origin":   {image.Rect(661, 40, 1261, 640), dst, ErrGeometry},
		"wrong size":   {image.Rect(660, 40, 1200, 640), dst, ErrGeometry},
		"outside":      {image.Rect(1500, 40, 2100, 640), dst, ErrGeometry},
		"short buffer": {image.Rect(660, 40, 1260, 640), dst[:100], ErrShortBuffer},
	} {
		if err := c.CropResize(tc.dst, &fr, tc.crop); !errors.Is(err, tc.want) {
			t.Errorf("%s: got %v, want %v", name, err, tc.want)
		}
	}
	i420 := yuvFrames(t)[2]
	if err := c.CropResize(dst, &i420, image.Rect(660, 40, 1260, 640)); !errors.Is(err, ErrGeometry) {
		t.Fatalf("format mismatch: %v", err)
	}
}
