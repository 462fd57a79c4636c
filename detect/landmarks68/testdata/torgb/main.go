// Command torgb writes images as raw RGB for gen_golden.mjs: an 8-byte
// header (little-endian uint32 width, height) then 3 bytes a pixel, row
// major. The pixels are the ones the Go tests decode (image.Decode, then
// the high byte of each RGBA() channel), so Node and Go see the same input.
//
// Usage (from the module root):
//
//	go run ./detect/landmarks68/testdata/torgb -o /tmp/landmarks68-rgb FILE...
//
// Each FILE is written to DIR/<FILE with '/' replaced by '_'>.rgb.
package main

import (
	"encoding/binary"
	"flag"
	"image"
	_ "image/jpeg"
	_ "image/png"
	"log"
	"os"
	"path/filepath"
	"strings"
)

func main() {
	out := flag.String("o", "/tmp/landmarks68-rgb", "output directory")
	flag.Parse()
	if err := os.MkdirAll(*out, 0o755); err != nil {
		log.Fatal(err)
	}
	for _, a := range flag.Args() {
		fh, err := os.Open(a)
		if err != nil {
			log.Fatal(err)
		}
		img, _, err := image.Decode(fh)
		fh.Close()
		if err != nil {
			log.Fatalf("%s: %v", a, err)
		}
		b := img.Bounds()
		buf := make([]byte, 8, 8+3*b.Dx()*b.Dy())
		binary.LittleEndian.PutUint32(buf, uint32(b.Dx()))
		binary.LittleEndian.PutUint32(buf[4:], uint32(b.Dy()))
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				r, g, bb, _ := img.At(x, y).RGBA()
				buf = append(buf, byte(r>>8), byte(g>>8), byte(bb>>8))
			}
		}
		name := strings.ReplaceAll(filepath.Clean(a), "/", "_") + ".rgb"
		if err := os.WriteFile(filepath.Join(*out, name), buf, 0o644); err != nil {
			log.Fatal(err)
		}
	}
}
