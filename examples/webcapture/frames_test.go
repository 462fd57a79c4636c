package webcapture

import (
	"bufio"
	"fmt"
	"image"
	_ "image/jpeg"
	_ "image/png"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"golang.org/x/image/draw"
)

// scene names a sequence the tests feed the page.
type scene string

// The sequences: the bundled webcam clip as it is, blurred, darkened, and
// a frame without a face (a cat).
const (
	sceneGood    scene = "good"
	sceneBlurred scene = "blurred"
	sceneDark    scene = "dark"
	sceneEmpty   scene = "empty"
)

// sceneFrames returns the w x h RGBA frames of a scene, made from the
// repository's testdata (never from outside the repository).
func sceneFrames(t testing.TB, s scene, w, h int) [][]byte {
	t.Helper()
	var names []string
	if s == sceneEmpty {
		names = []string{"../../testdata/negatives/chelsea.png"}
	} else {
		var err error
		names, err = filepath.Glob("../../testdata/sequences/cap12/*.jpg")
		if err != nil || len(names) == 0 {
			t.Fatalf("no frames: %v", err)
		}
		sort.Strings(names)
	}
	var out [][]byte
	for _, n := range names {
		f, err := os.Open(n)
		if err != nil {
			t.Fatal(err)
		}
		m, _, err := image.Decode(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		dst := image.NewRGBA(image.Rect(0, 0, w, h))
		draw.BiLinear.Scale(dst, dst.Rect, m, m.Bounds(), draw.Src, nil)
		switch s {
		case sceneBlurred:
			// down to 1/10 and back up: a strong, smooth blur
			small := image.NewRGBA(image.Rect(0, 0, w/10, h/10))
			draw.BiLinear.Scale(small, small.Rect, dst, dst.Rect, draw.Src, nil)
			draw.BiLinear.Scale(dst, dst.Rect, small, small.Rect, draw.Src, nil)
		case sceneDark:
			for i := range dst.Pix {
				if i%4 != 3 {
					dst.Pix[i] = byte(int(dst.Pix[i]) * 12 / 100)
				}
			}
		}
		out = append(out, dst.Pix)
	}
	return out
}

// writeY4M writes RGBA frames as a YUV4MPEG2 file (4:2:0, C420jpeg, full
// range BT.601, as JPEG), the format Chromium's fake camera reads.
func writeY4M(path string, frames [][]byte, w, h, fps int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(f)
	fmt.Fprintf(bw, "YUV4MPEG2 W%d H%d F%d:1 Ip A1:1 C420jpeg\n", w, h, fps)
	y := make([]byte, w*h)
	cw, ch := (w+1)/2, (h+1)/2
	u, v := make([]byte, cw*ch), make([]byte, cw*ch)
	clamp := func(x float64) byte {
		switch {
		case x < 0:
			return 0
		case x > 255:
			return 255
		}
		return byte(x + 0.5)
	}
	for _, px := range frames {
		for i := 0; i < w*h; i++ {
			r, g, b := float64(px[4*i]), float64(px[4*i+1]), float64(px[4*i+2])
			y[i] = clamp(0.299*r + 0.587*g + 0.114*b)
		}
		for cy := 0; cy < ch; cy++ {
			for cx := 0; cx < cw; cx++ {
				var r, g, b, n float64
				for dy := 0; dy < 2; dy++ {
					for dx := 0; dx < 2; dx++ {
						x, yy := 2*cx+dx, 2*cy+dy
						if x >= w || yy >= h {
							continue
						}
						i := 4 * (yy*w + x)
						r, g, b, n = r+float64(px[i]), g+float64(px[i+1]), b+float64(px[i+2]), n+1
					}
				}
				r, g, b = r/n, g/n, b/n
				u[cy*cw+cx] = clamp(128 - 0.168736*r - 0.331264*g + 0.5*b)
				v[cy*cw+cx] = clamp(128 + 0.5*r - 0.418688*g - 0.081312*b)
			}
		}
		bw.WriteString("FRAME\n")
		bw.Write(y)
		bw.Write(u)
		bw.Write(v)
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
