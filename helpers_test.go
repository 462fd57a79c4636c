package facegate_test

import (
	"image"
	"image/color"
	"image/draw"
	"os"
	"testing"

	"github.com/facegate/facegate/preprocess"
	xdraw "golang.org/x/image/draw"
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

// boxBlur blurs m with three passes of a (2r+1)-wide box filter along each
// axis (about a Gaussian of sigma r), with running sums and clamped edges.
func boxBlur(m *image.RGBA, r int) *image.RGBA {
	w, h := m.Rect.Dx(), m.Rect.Dy()
	cur := image.NewRGBA(m.Rect)
	copy(cur.Pix, m.Pix)
	line := make([]int, max(w, h))
	for range 3 {
		for _, horizontal := range []bool{true, false} {
			n, lines := w, h
			if !horizontal {
				n, lines = h, w
			}
			at := func(l, i, c int) *byte {
				if horizontal {
					return &cur.Pix[l*cur.Stride+i*4+c]
				}
				return &cur.Pix[i*cur.Stride+l*4+c]
			}
			for l := 0; l < lines; l++ {
				for c := 0; c < 3; c++ {
					for i := 0; i < n; i++ {
						line[i] = int(*at(l, i, c))
					}
					sum := 0
					for i := -r - 1; i < r; i++ {
						sum += line[min(max(i, 0), n-1)]
					}
					for i := 0; i < n; i++ {
						sum += line[min(i+r, n-1)] - line[max(i-r-1, 0)]
						*at(l, i, c) = byte((sum + r) / (2*r + 1))
					}
				}
			}
		}
	}
	return cur
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

// enlarge scales m by num/den with Catmull-Rom (x/image/draw), as a camera
// of higher resolution would have captured the same scene.
func enlarge(m image.Image, num, den int) *image.RGBA {
	b := m.Bounds()
	dst := image.NewRGBA(image.Rect(0, 0, b.Dx()*num/den, b.Dy()*num/den))
	xdraw.CatmullRom.Scale(dst, dst.Bounds(), m, b, xdraw.Src, nil)
	return dst
}
