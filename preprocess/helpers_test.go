package preprocess

import (
	"image"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// testImage decodes an image from the repository's testdata.
func testImage(tb testing.TB, name string) image.Image {
	tb.Helper()
	f, err := os.Open(filepath.Join("..", "testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var img image.Image
	if strings.HasSuffix(name, ".png") {
		img, err = png.Decode(f)
	} else {
		img, err = jpeg.Decode(f)
	}
	if err != nil {
		tb.Fatalf("%s: %v", name, err)
	}
	return img
}

// testGray returns the luma of a testdata image as a packed plane.
func testGray(tb testing.TB, name string) Plane {
	tb.Helper()
	fr, _, err := FromImage(nil, testImage(tb, name))
	if err != nil {
		tb.Fatal(err)
	}
	l, err := fr.Luma(make([]byte, fr.Width*fr.Height))
	if err != nil {
		tb.Fatal(err)
	}
	return packed(l)
}

// testRGBA returns a testdata image as a packed RGBA plane.
func testRGBA(tb testing.TB, name string) Plane {
	tb.Helper()
	img := testImage(tb, name)
	fr, buf, err := FromImage(nil, img)
	if err != nil {
		tb.Fatal(err)
	}
	if fr.Format != RGBA {
		fr, _, _ = FromImage(buf, struct{ image.Image }{img}) // force the RGBA conversion
	}
	return packed(fr.plane(0))
}

// packed copies p into a new plane whose stride is its row length.
func packed(p Plane) Plane {
	cn := p.channels()
	out := Plane{Pix: make([]byte, p.Width*p.Height*cn), Stride: p.Width * cn, Width: p.Width, Height: p.Height, Channels: cn}
	for y := 0; y < p.Height; y++ {
		copy(out.Row(y), p.Row(y))
	}
	return out
}

// randPlane returns a w x h plane of random bytes with a stride larger than
// its rows and an unaligned start.
func randPlane(r *rand.Rand, w, h, cn int) Plane {
	stride := w*cn + r.IntN(7)
	off := r.IntN(5)
	pix := randBytes(r, off+stride*h)[off:]
	return Plane{Pix: pix, Stride: stride, Width: w, Height: h, Channels: cn}
}

// newPlane returns a packed zero plane.
func newPlane(w, h, cn int) Plane {
	return Plane{Pix: make([]byte, w*h*cn), Stride: w * cn, Width: w, Height: h, Channels: cn}
}

// sub returns the rectangle of p as a view.
func sub(tb testing.TB, p Plane, r image.Rectangle) Plane {
	tb.Helper()
	s, err := p.SubPlane(r)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}
