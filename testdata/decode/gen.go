//go:build ignore

// gen regenerates the fixtures in testdata/decode from
// testdata/faces/pigo-sample.jpg. Run it from the repository root:
//
//	go run testdata/decode/gen.go
//
// The JPEG, PNG, GIF and BMP files are written with the Go encoders; the WebP
// files need cwebp and img2webp on PATH (Debian package "webp"). The tests
// never run this program: they read the committed files only.
package main

import (
	"bytes"
	"image"
	"image/color"
	"image/color/palette"
	"image/gif"
	"image/jpeg"
	"image/png"
	"log"
	"os"
	"os/exec"
	"path/filepath"

	"golang.org/x/image/bmp"
	"golang.org/x/image/draw"
)

const (
	src = "testdata/faces/pigo-sample.jpg"
	dir = "testdata/decode"
	w   = 96 // 320x400 scaled by 0.3
	h   = 120
)

func main() {
	f, err := os.Open(src)
	if err != nil {
		log.Fatal(err)
	}
	full, err := jpeg.Decode(f)
	f.Close()
	if err != nil {
		log.Fatal(err)
	}
	small := image.NewNRGBA(image.Rect(0, 0, w, h))
	draw.CatmullRom.Scale(small, small.Bounds(), full, full.Bounds(), draw.Src, nil)

	// Second picture for the animations: the first one mirrored left-right
	// and darkened, so frame 1 and frame 2 differ everywhere that matters.
	second := image.NewNRGBA(small.Bounds())
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := small.NRGBAAt(w-1-x, y)
			second.SetNRGBA(x, y, color.NRGBA{c.R / 2, c.G / 2, c.B / 2, 255})
		}
	}

	// A copy with an alpha gradient (transparent at the top), so cwebp
	// writes an extended file: VP8X + ALPH + VP8.
	alpha := image.NewNRGBA(small.Bounds())
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := small.NRGBAAt(x, y)
			c.A = uint8(255 * y / (h - 1))
			alpha.SetNRGBA(x, y, c)
		}
	}

	write("pigo-small.png", encode(func(b *bytes.Buffer) error {
		e := png.Encoder{CompressionLevel: png.BestCompression}
		return e.Encode(b, small)
	}))
	write("pigo-small.bmp", encode(func(b *bytes.Buffer) error { return bmp.Encode(b, small) }))
	write("pigo-small.jpg", encode(func(b *bytes.Buffer) error {
		return jpeg.Encode(b, small, &jpeg.Options{Quality: 85})
	}))
	write("pigo-anim.gif", encode(func(b *bytes.Buffer) error {
		g := &gif.GIF{Delay: []int{50, 50}, LoopCount: 0}
		for _, m := range []image.Image{small, second} {
			p := image.NewPaletted(m.Bounds(), palette.Plan9)
			draw.FloydSteinberg.Draw(p, p.Bounds(), m, image.Point{})
			g.Image = append(g.Image, p)
		}
		return gif.EncodeAll(b, g)
	}))

	// Inputs for the WebP tools, removed afterwards.
	tmp, err := os.MkdirTemp("", "decode-fixtures")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	a, b := filepath.Join(tmp, "a.png"), filepath.Join(tmp, "b.png")
	c := filepath.Join(tmp, "c.png")
	for name, m := range map[string]image.Image{a: small, b: second, c: alpha} {
		var buf bytes.Buffer
		if err := png.Encode(&buf, m); err != nil {
			log.Fatal(err)
		}
		if err := os.WriteFile(name, buf.Bytes(), 0o644); err != nil {
			log.Fatal(err)
		}
	}
	run("cwebp", "-quiet", "-q", "80", "-metadata", "none", a, "-o", filepath.Join(dir, "pigo-lossy.webp"))
	run("cwebp", "-quiet", "-lossless", "-metadata", "none", a, "-o", filepath.Join(dir, "pigo-lossless.webp"))
	run("cwebp", "-quiet", "-q", "80", "-alpha_q", "100", "-exact", "-metadata", "none", c, "-o", filepath.Join(dir, "pigo-alpha.webp"))
	run("img2webp", "-loop", "0", "-lossy", "-q", "60", "-d", "500", a, b, "-o", filepath.Join(dir, "pigo-anim.webp"))
}

func encode(fn func(*bytes.Buffer) error) []byte {
	var b bytes.Buffer
	if err := fn(&b); err != nil {
		log.Fatal(err)
	}
	return b.Bytes()
}

func write(name string, b []byte) {
	if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
		log.Fatal(err)
	}
}

func run(name string, args ...string) {
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		log.Fatalf("%s: %v", name, err)
	}
}
