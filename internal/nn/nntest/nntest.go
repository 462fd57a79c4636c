// Package nntest holds the test helpers of the face-api.js ports
// (detect/landmarks68, detect/tinyface): images decoded as their golden
// data's generator sees them, the luma it feeds the gray cases, whether
// the race detector is on, and a thread's CPU time for benchmarks.
package nntest

import (
	"encoding/json"
	"fmt"
	"image"
	_ "image/jpeg" // the test images
	_ "image/png"
	"os"
	"runtime"
	"testing"
)

// DecodeRGB decodes the image file at path to RGB, 3 bytes a pixel, row
// major: the high byte of each channel of image.Decode's RGBA(). Node's
// golden-data generators read these bytes (written by torgb), so Go and
// face-api.js see the same input.
func DecodeRGB(path string) (pix []byte, w, h int, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, 0, err
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		return nil, 0, 0, fmt.Errorf("%s: %w", path, err)
	}
	r := img.Bounds()
	pix = make([]byte, 0, 3*r.Dx()*r.Dy())
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			pix = append(pix, byte(cr>>8), byte(cg>>8), byte(cb>>8))
		}
	}
	return pix, r.Dx(), r.Dy(), nil
}

// LoadRGB is DecodeRGB that fails tb on an error.
func LoadRGB(tb testing.TB, path string) (pix []byte, w, h int) {
	tb.Helper()
	pix, w, h, err := DecodeRGB(path)
	if err != nil {
		tb.Fatal(err)
	}
	return pix, w, h
}

// Luma returns the gray plane the golden-data generators replicate into
// R, G and B for their gray cases: (299R + 587G + 114B + 500) / 1000, in
// integers, of each pixel of rgb (3 bytes a pixel).
func Luma(rgb []byte) []byte {
	g := make([]byte, len(rgb)/3)
	for i := range g {
		g[i] = LumaOf(rgb[3*i:])
	}
	return g
}

// LumaOf is Luma of the one pixel p[0:3].
func LumaOf(p []byte) byte {
	return byte((299*int(p[0]) + 587*int(p[1]) + 114*int(p[2]) + 500) / 1000)
}

// GrayAndRGB returns a gray plane of rgb's w x h pixels (R+2G+B)/4 with
// rows w+pad bytes apart, and the RGB image with that gray value in R, G
// and B and rows 3w+pad bytes apart: inputs whose results must be equal,
// with strides wider than the rows.
func GrayAndRGB(rgb []byte, w, h, pad int) (gray, rep []byte) {
	gray = make([]byte, (w+pad)*h)
	rep = make([]byte, (3*w+pad)*h)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			p := rgb[(y*w+x)*3:]
			v := byte((int(p[0]) + 2*int(p[1]) + int(p[2])) / 4)
			gray[y*(w+pad)+x] = v
			q := rep[y*(3*w+pad)+3*x:]
			q[0], q[1], q[2] = v, v, v
		}
	}
	return gray, rep
}

// Loop runs f in b.Loop on a locked OS thread after a first call outside
// it (which lays out buffers), failing b on an error, and reports the
// allocations and the thread's CPU time a call (cpu-ns/op: unlike ns/op,
// it does not count time the thread waited for a busy CPU).
func Loop(b *testing.B, f func() error) {
	if err := f(); err != nil {
		b.Fatal(err)
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	b.ReportAllocs()
	c0, ok := ThreadCPU()
	for b.Loop() {
		if err := f(); err != nil {
			b.Fatal(err)
		}
	}
	if c1, ok1 := ThreadCPU(); ok && ok1 {
		b.ReportMetric(float64(c1-c0)/float64(b.N), "cpu-ns/op")
	}
}

// ReadJSON decodes the JSON file at path (a golden file) into v, failing
// tb on an error.
func ReadJSON(tb testing.TB, path string, v any) {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
}
