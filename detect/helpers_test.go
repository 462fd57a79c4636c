package detect

import (
	"image"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/facegate/facegate/preprocess"
)

// testImages are the project's test photographs (relative to testdata/).
var testImages = []string{
	"faces/obama-1080p.jpg", "faces/obama-480p.jpg", "faces/pigo-sample.jpg",
	"faces/bob.jpg", "negatives/chelsea.png",
}

// testLuma returns a testdata image's luma as a packed plane.
func testLuma(tb testing.TB, name string) preprocess.Plane {
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
		tb.Fatal(err)
	}
	fr, _, err := preprocess.FromImage(nil, img)
	if err != nil {
		tb.Fatal(err)
	}
	l, err := fr.Luma(make([]byte, fr.Width*fr.Height))
	if err != nil {
		tb.Fatal(err)
	}
	out := preprocess.GrayPlane(make([]byte, l.Width*l.Height), l.Width, l.Width, l.Height)
	for y := 0; y < l.Height; y++ {
		copy(out.Row(y), l.Row(y))
	}
	return out
}

func mustCascades(tb testing.TB) *Cascades {
	tb.Helper()
	c, err := DefaultCascades()
	if err != nil {
		tb.Fatal(err)
	}
	return c
}
