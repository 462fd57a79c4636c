package facegate_test

import (
	"image"
	"image/color"
	"image/draw"
	"os"
	"testing"

	"github.com/facegate/facegate/preprocess"
)

// loadRGBA decodes a testdata image into RGBA.
func loadRGBA(tb testing.TB, name string) *image.RGBA {
	tb.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		tb.Fatal(err)
	}
	img, _, err := preprocess.DecodeBytes(b, nil)
	if err != nil {
		tb.Fatal(err)
	}
	m := image.NewRGBA(image.Rect(0, 0, img.Bounds().Dx(), img.Bounds().Dy()))
	draw.Draw(m, m.Rect, img, img.Bounds().Min, draw.Src)
	return m
}

// nv12 converts an RGBA image (even size) into an NV12 frame, as a camera
// would deliver it.
func nv12(m *image.RGBA) preprocess.Frame {
	w, h := m.Rect.Dx(), m.Rect.Dy()
	y := make([]byte, w*h)
	uv := make([]byte, w*h/2)
	for j := 0; j < h; j++ {
		for i := 0; i < w; i++ {
			c := m.RGBAAt(i, j)
			yy, cb, cr := color.RGBToYCbCr(c.R, c.G, c.B)
			y[j*w+i] = yy
			if i%2 == 0 && j%2 == 0 {
				uv[(j/2)*w+i], uv[(j/2)*w+i+1] = cb, cr
			}
		}
	}
	return preprocess.Frame{Format: preprocess.NV12, Width: w, Height: h,
		Planes: [3][]byte{y, uv}, Strides: [3]int{w, w}}
}

// rgbaFrame describes m as an RGBA frame.
func rgbaFrame(m *image.RGBA) preprocess.Frame {
	return preprocess.Frame{Format: preprocess.RGBA, Width: m.Rect.Dx(), Height: m.Rect.Dy(),
		Planes: [3][]byte{m.Pix}, Strides: [3]int{m.Stride}}
}

// mapLuma applies f to every pixel's R, G and B (a gain or gamma on the
// whole frame).
func mapLuma(m *image.RGBA, f func(v float64) float64) *image.RGBA {
	var lut [256]byte
	for v := range lut {
		lut[v] = byte(max(0, min(255, f(float64(v))+0.5)))
	}
	out := image.NewRGBA(m.Rect)
	for i, v := range m.Pix {
		if i%4 == 3 {
			out.Pix[i] = v
		} else {
			out.Pix[i] = lut[v]
		}
	}
	return out
}

// boxBlur blurs m with n passes of a 3x3 box filter (about a Gaussian of
// sigma 0.8*sqrt(n)).
func boxBlur(m *image.RGBA, n int) *image.RGBA {
	src := m
	for ; n > 0; n-- {
		dst := image.NewRGBA(src.Rect)
		w, h := src.Rect.Dx(), src.Rect.Dy()
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				for c := 0; c < 4; c++ {
					s := 0
					for dy := -1; dy <= 1; dy++ {
						for dx := -1; dx <= 1; dx++ {
							xx, yy := min(max(x+dx, 0), w-1), min(max(y+dy, 0), h-1)
							s += int(src.Pix[yy*src.Stride+xx*4+c])
						}
					}
					dst.Pix[y*dst.Stride+x*4+c] = byte((s + 4) / 9)
				}
			}
		}
		src = dst
	}
	return src
}

// canvas places m, scaled by num/den (nearest), centred on a mid-gray w x h
// RGBA frame.
func canvas(m *image.RGBA, w, h, num, den int) *image.RGBA {
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range out.Pix {
		out.Pix[i] = 128
	}
	sw, sh := m.Rect.Dx()*num/den, m.Rect.Dy()*num/den
	ox, oy := (w-sw)/2, (h-sh)/2
	for y := 0; y < sh; y++ {
		for x := 0; x < sw; x++ {
			if x+ox >= 0 && x+ox < w && y+oy >= 0 && y+oy < h {
				out.SetRGBA(x+ox, y+oy, m.RGBAAt(x*den/num, y*den/num))
			}
		}
	}
	return out
}
