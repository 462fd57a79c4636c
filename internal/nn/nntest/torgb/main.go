// Command torgb writes images as raw RGB for the face-api.js ports'
// gen_golden.mjs (detect/landmarks68, detect/tinyface): an 8-byte header
// (little-endian uint32 width, height) then 3 bytes a pixel, row major. The
// pixels are the ones the Go tests decode (nntest.DecodeRGB), so Node and
// Go see the same input.
//
// Usage (from the module root):
//
//	go run ./internal/nn/nntest/torgb -o DIR FILE...
//
// Each FILE is written to DIR/<FILE with '/' replaced by '_'>.rgb.
package main

import (
	"encoding/binary"
	"flag"
	"log"
	"os"
	"path/filepath"
	"strings"

	"github.com/facegate/facegate/internal/nn/nntest"
)

func main() {
	out := flag.String("o", "/tmp/face-api-rgb", "output directory")
	flag.Parse()
	if err := os.MkdirAll(*out, 0o755); err != nil {
		log.Fatal(err)
	}
	for _, a := range flag.Args() {
		pix, w, h, err := nntest.DecodeRGB(a)
		if err != nil {
			log.Fatal(err)
		}
		buf := make([]byte, 8, 8+len(pix))
		binary.LittleEndian.PutUint32(buf, uint32(w))
		binary.LittleEndian.PutUint32(buf[4:], uint32(h))
		buf = append(buf, pix...)
		name := strings.ReplaceAll(filepath.Clean(a), "/", "_") + ".rgb"
		if err := os.WriteFile(filepath.Join(*out, name), buf, 0o644); err != nil {
			log.Fatal(err)
		}
	}
}
