package encode

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"

	"github.com/facegate/facegate/preprocess"
	"golang.org/x/image/bmp"
)

func TestAppendJPEGRoundTrip(t *testing.T) {
	src := faceCrop(t)
	// The PSNR of image/jpeg's 4:2:0 output on this crop is about 33.4 dB
	// at quality 50 and 38.1 dB at 90; the bounds leave a margin.
	for _, c := range []struct {
		q       int
		minPSNR float64
	}{{50, 32}, {0, 37}, {100, 42}} {
		prefix := []byte("keep me")
		b, err := AppendJPEG(prefix, src, &JPEGOptions{Quality: c.q})
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(b, []byte("keep me")) {
			t.Fatalf("q%d: dst prefix lost", c.q)
		}
		file := b[len("keep me"):]
		std, err := jpeg.Decode(bytes.NewReader(file))
		if err != nil {
			t.Fatalf("q%d: image/jpeg: %v", c.q, err)
		}
		if std.Bounds() != image.Rect(0, 0, cropSize, cropSize) {
			t.Fatalf("q%d: image/jpeg bounds %v", c.q, std.Bounds())
		}
		got := decodeRGB(t, file, preprocess.FormatJPEG, cropSize, cropSize)
		if p := psnr(t, src, got); p < c.minPSNR {
			t.Errorf("q%d: PSNR %.2f dB, want >= %.0f", c.q, p, c.minPSNR)
		} else {
			t.Logf("q%d: %d bytes, PSNR %.2f dB", c.q, len(file), p)
		}
	}
}

// image/jpeg given our YCbCr copy (the pure-Go path of AppendJPEG) must
// write the bytes it writes given the same pixels as an *image.RGBA: the
// conversion is the same arithmetic.
func TestAppendJPEGMatchesStdlib(t *testing.T) {
	src := faceCrop(t)
	rgba := toRGBA(src)
	var want bytes.Buffer
	if err := jpeg.Encode(&want, rgba, &jpeg.Options{Quality: 77}); err != nil {
		t.Fatal(err)
	}
	var e Encoder
	got, err := e.appendStdJPEG(nil, src, 77)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want.Bytes()) {
		t.Errorf("AppendJPEG differs from jpeg.Encode of the same pixels: %d vs %d bytes", len(got), want.Len())
	}
}

func TestAppendPNGRoundTrip(t *testing.T) {
	for _, src := range []RGB{faceCrop(t), noise(37, 23, 1)} {
		for _, level := range []png.CompressionLevel{png.DefaultCompression, png.BestSpeed, png.NoCompression} {
			b, err := AppendPNG([]byte{1, 2}, src, &PNGOptions{CompressionLevel: level})
			if err != nil {
				t.Fatal(err)
			}
			file := b[2:]
			std, err := png.Decode(bytes.NewReader(file))
			if err != nil {
				t.Fatalf("image/png: %v", err)
			}
			if _, ok := std.(*image.RGBA); !ok {
				t.Errorf("decoded as %T, want the *image.RGBA of an 8-bit truecolour PNG", std)
			}
			got := decodeRGB(t, file, preprocess.FormatPNG, src.Width, src.Height)
			if !bytes.Equal(got.Pix, pack(src).Pix) {
				t.Errorf("%dx%d level %d: PNG round trip is not lossless", src.Width, src.Height, level)
			}
		}
	}
}

func TestAppendBMPRoundTrip(t *testing.T) {
	// Widths 1 to 5 cover every row padding.
	cases := []RGB{faceCrop(t), noise(37, 23, 2), noise(1, 1, 3), noise(2, 3, 4), noise(3, 2, 5), noise(4, 4, 6), noise(5, 7, 7)}
	for _, src := range cases {
		b, err := AppendBMP([]byte{9}, src)
		if err != nil {
			t.Fatal(err)
		}
		file := b[1:]
		if len(file) != BMPSize(src.Width, src.Height) {
			t.Errorf("%dx%d: %d bytes, BMPSize says %d", src.Width, src.Height, len(file), BMPSize(src.Width, src.Height))
		}
		var want bytes.Buffer
		if err := bmp.Encode(&want, toRGBA(src)); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(file, want.Bytes()) {
			t.Errorf("%dx%d: differs from x/image/bmp's encoding", src.Width, src.Height)
		}
		if _, err := bmp.Decode(bytes.NewReader(file)); err != nil {
			t.Fatalf("x/image/bmp: %v", err)
		}
		got := decodeRGB(t, file, preprocess.FormatBMP, src.Width, src.Height)
		if !bytes.Equal(got.Pix, pack(src).Pix) {
			t.Errorf("%dx%d: BMP round trip is not lossless", src.Width, src.Height)
		}
	}
}

// A view with padded rows (a SubImage) encodes to the same file as a packed
// copy of it.
func TestStridedInput(t *testing.T) {
	full := faceCrop(t)
	view, err := full.SubImage(image.Rect(13, 7, 13+151, 7+97))
	if err != nil {
		t.Fatal(err)
	}
	if view.Stride == 3*view.Width {
		t.Fatal("the view should have padded rows")
	}
	packed := pack(view)
	enc := map[string]func(RGB) ([]byte, error){
		"jpeg": func(m RGB) ([]byte, error) { return AppendJPEG(nil, m, nil) },
		"png":  func(m RGB) ([]byte, error) { return AppendPNG(nil, m, nil) },
		"bmp":  func(m RGB) ([]byte, error) { return AppendBMP(nil, m) },
	}
	for name, f := range enc {
		a, err := f(view)
		if err != nil {
			t.Fatal(err)
		}
		b, err := f(packed)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s: the strided view and its packed copy encode differently", name)
		}
	}
}

func TestInvalidInput(t *testing.T) {
	good := noise(8, 8, 1)
	bad := map[string]RGB{
		"empty":       {},
		"short pix":   {Pix: make([]byte, 10), Stride: 24, Width: 8, Height: 8},
		"tiny stride": {Pix: make([]byte, 300), Stride: 20, Width: 8, Height: 8},
		"huge":        {Pix: make([]byte, 3), Stride: 3 << 16, Width: 1 << 16, Height: 1},
	}
	dst := []byte("dst")
	for name, m := range bad {
		for fname, f := range map[string]func() ([]byte, error){
			"jpeg": func() ([]byte, error) { return AppendJPEG(dst, m, nil) },
			"png":  func() ([]byte, error) { return AppendPNG(dst, m, nil) },
			"bmp":  func() ([]byte, error) { return AppendBMP(dst, m) },
			"fit": func() ([]byte, error) {
				b, _, err := Fit(dst, m, LivenessImageRange, nil)
				return b, err
			},
			"webp": func() ([]byte, error) { return AppendWebP(dst, m, nil) },
			"anim": func() ([]byte, error) {
				return AppendAnimatedWebP(dst, []AnimFrame{{Image: m}}, nil)
			},
		} {
			b, err := f()
			var ie *InputError
			if !errors.Is(err, ErrInvalidImage) || !errors.As(err, &ie) {
				t.Errorf("%s/%s: %v, want an *InputError wrapping ErrInvalidImage", name, fname, err)
			}
			if string(b) != "dst" {
				t.Errorf("%s/%s: dst changed to %q", name, fname, b)
			}
		}
	}
	for name, f := range map[string]func() error{
		"jpeg quality 101": func() error { _, err := AppendJPEG(nil, good, &JPEGOptions{Quality: 101}); return err },
		"jpeg quality -1":  func() error { _, err := AppendJPEG(nil, good, &JPEGOptions{Quality: -1}); return err },
		"png level":        func() error { _, err := AppendPNG(nil, good, &PNGOptions{CompressionLevel: 7}); return err },
		"webp quality":     func() error { _, err := AppendWebP(nil, good, &WebPOptions{Quality: 200}); return err },
		"webp min quality": func() error {
			_, err := AppendAnimatedWebP(nil, []AnimFrame{{Image: good}}, &WebPOptions{Quality: 50, MinQuality: 60})
			return err
		},
		"webp loop": func() error {
			_, err := AppendAnimatedWebP(nil, []AnimFrame{{Image: good}}, &WebPOptions{LoopCount: 1 << 16})
			return err
		},
		"webp range": func() error {
			_, err := AppendAnimatedWebP(nil, []AnimFrame{{Image: good}}, &WebPOptions{Range: Range{Min: 10, Max: 5}})
			return err
		},
	} {
		if err := f(); !errors.Is(err, ErrInvalidOptions) {
			t.Errorf("%s: %v, want ErrInvalidOptions", name, err)
		}
	}
}

// jpegStdlibAllocs is what one image/jpeg.Encode call allocates by itself.
var jpegStdlibAllocs = func() float64 {
	m := image.NewYCbCr(image.Rect(0, 0, 16, 16), image.YCbCrSubsampleRatio444)
	w := &sliceWriter{b: make([]byte, 0, 4096)}
	return testing.AllocsPerRun(3, func() { w.b = w.b[:0]; _ = jpeg.Encode(w, m, nil) })
}()

func TestFromImage(t *testing.T) {
	src := noise(5, 4, 9)
	rgba := toRGBA(src)
	nrgba := image.NewNRGBA(rgba.Rect)
	copy(nrgba.Pix, rgba.Pix)
	gray := image.NewGray(image.Rect(0, 0, 5, 4))
	for i := range gray.Pix {
		gray.Pix[i] = byte(40 * i)
	}
	ycc := image.NewYCbCr(image.Rect(0, 0, 4, 2), image.YCbCrSubsampleRatio420)
	for i := range ycc.Y {
		ycc.Y[i] = byte(30 * i)
	}
	ycc.Cb[0], ycc.Cr[0], ycc.Cb[1], ycc.Cr[1] = 90, 200, 160, 60
	pal := image.NewPaletted(image.Rect(0, 0, 2, 1), color.Palette{color.RGBA{1, 2, 3, 255}, color.RGBA{4, 5, 6, 255}})
	pal.Pix[1] = 1
	for name, c := range map[string]struct {
		img image.Image
		at  func(x, y int) [3]byte
	}{
		"RGBA":  {rgba, func(x, y int) [3]byte { return px(src, x, y) }},
		"NRGBA": {nrgba, func(x, y int) [3]byte { return px(src, x, y) }},
		"Gray":  {gray, func(x, y int) [3]byte { v := gray.GrayAt(x, y).Y; return [3]byte{v, v, v} }},
		"YCbCr": {ycc, func(x, y int) [3]byte {
			c := ycc.YCbCrAt(x, y)
			r, g, b := color.YCbCrToRGB(c.Y, c.Cb, c.Cr)
			return [3]byte{r, g, b}
		}},
		"Paletted": {pal, func(x, y int) [3]byte { return [3]byte{byte(1 + 3*x), byte(2 + 3*x), byte(3 + 3*x)} }},
		"SubImage": {rgba.SubImage(image.Rect(1, 1, 4, 3)), func(x, y int) [3]byte { return px(src, x+1, y+1) }},
	} {
		m, err := FromImage(make([]byte, 1000), c.img)
		if err != nil {
			t.Fatal(err)
		}
		b := c.img.Bounds()
		if m.Width != b.Dx() || m.Height != b.Dy() || m.Stride != 3*m.Width || len(m.Pix) != 3*m.Width*m.Height {
			t.Fatalf("%s: geometry %dx%d stride %d len %d", name, m.Width, m.Height, m.Stride, len(m.Pix))
		}
		for y := 0; y < m.Height; y++ {
			for x := 0; x < m.Width; x++ {
				if got, want := px(m, x, y), c.at(x, y); got != want {
					t.Fatalf("%s (%d,%d): %v, want %v", name, x, y, got, want)
				}
			}
		}
	}
	if _, err := FromImage(nil, image.NewRGBA(image.Rectangle{})); !errors.Is(err, ErrInvalidImage) {
		t.Errorf("empty image: %v, want ErrInvalidImage", err)
	}
}

func TestFromPlane(t *testing.T) {
	p := preprocess.Plane{Pix: make([]byte, 3*4*2), Stride: 12, Width: 4, Height: 2, Channels: 3}
	m, err := FromPlane(p)
	if err != nil || m.Width != 4 || m.Height != 2 || m.Stride != 12 || &m.Pix[0] != &p.Pix[0] {
		t.Fatalf("FromPlane: %+v, %v", m, err)
	}
	if back := m.Plane(); back.Channels != 3 || back.Width != 4 || back.Stride != 12 {
		t.Errorf("Plane: %+v", back)
	}
	p.Channels = 4
	if _, err := FromPlane(p); !errors.Is(err, ErrInvalidImage) {
		t.Errorf("4 channels: %v, want ErrInvalidImage", err)
	}
}

// noise returns a w x h image of reproducible pseudo-random pixels.
func noise(w, h int, seed uint32) RGB {
	m := NewRGB(nil, w, h)
	s := seed*2654435761 + 1
	for i := range m.Pix {
		s ^= s << 13
		s ^= s >> 17
		s ^= s << 5
		m.Pix[i] = byte(s)
	}
	return m
}

// pack returns a copy of m with rows of exactly 3*Width bytes.
func pack(m RGB) RGB {
	p := NewRGB(nil, m.Width, m.Height)
	for y := 0; y < m.Height; y++ {
		copy(p.Row(y), m.Row(y))
	}
	return p
}

// toRGBA returns m as an opaque *image.RGBA.
func toRGBA(m RGB) *image.RGBA {
	r := image.NewRGBA(image.Rect(0, 0, m.Width, m.Height))
	for y := 0; y < m.Height; y++ {
		row := m.Row(y)
		for x := 0; x < m.Width; x++ {
			copy(r.Pix[r.PixOffset(x, y):], row[3*x:3*x+3])
			r.Pix[r.PixOffset(x, y)+3] = 0xff
		}
	}
	return r
}

func px(m RGB, x, y int) [3]byte {
	r := m.Row(y)
	return [3]byte{r[3*x], r[3*x+1], r[3*x+2]}
}
