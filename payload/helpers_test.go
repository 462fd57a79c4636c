package payload_test

import (
	"bytes"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/image/bmp"
)

// noise returns a w x h gray image of uniform noise in [lo, hi]: sharp, and
// as bright as lo..hi says.
func noise(w, h int, lo, hi uint8, seed uint64) *image.Gray {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	m := image.NewGray(image.Rect(0, 0, w, h))
	span := int(hi) - int(lo) + 1
	for i := range m.Pix {
		m.Pix[i] = lo + uint8(rng.IntN(span))
	}
	return m
}

// gradient returns a smooth w x h ramp around mid-gray: no edges, so its
// Laplacian variance is about zero (a blurred face).
func gradient(w, h int) *image.Gray {
	m := image.NewGray(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			m.Pix[y*m.Stride+x] = uint8(80 + 64*x/w + 32*y/h)
		}
	}
	return m
}

func encJPEG(t testing.TB, m image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, m, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func encPNG(t testing.TB, m image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, m); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func encGIF(t testing.TB, m image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	pal := make(color.Palette, 256)
	for i := range pal {
		pal[i] = color.Gray{uint8(i)}
	}
	if err := gif.Encode(&b, m, &gif.Options{NumColors: 256, Quantizer: nil, Drawer: nil}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func encBMP(t testing.TB, m image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := bmp.Encode(&b, m); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// readTestdata reads a file of the repository's testdata directory.
func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}
