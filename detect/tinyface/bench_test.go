package tinyface

import (
	"fmt"
	"testing"

	"github.com/facegate/facegate/internal/nn/nntest"
)

// frame720 is a 1280x720 RGB frame: the obama-480p test image tiled.
func frame720(t testing.TB) []byte {
	src, sw, sh := loadRGB(t, "testdata/faces/obama-480p.jpg")
	const w, h = 1280, 720
	pix := make([]byte, w*h*3)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			copy(pix[(y*w+x)*3:(y*w+x)*3+3], src[((y%sh)*sw+x%sw)*3:])
		}
	}
	return pix
}

func BenchmarkDetect(b *testing.B) {
	pix := frame720(b)
	d, err := New()
	if err != nil {
		b.Fatal(err)
	}
	for _, size := range []int{320, 416, 608} {
		b.Run(fmt.Sprint(size), func(b *testing.B) {
			o := Options{InputSize: size}
			dst := make([]Box, 0, 64)
			nntest.Loop(b, func() error {
				var err error
				dst, err = d.Detect(dst[:0], pix, 1280, 720, 1280*3, o)
				return err
			})
		})
	}
}
