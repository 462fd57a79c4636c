package main

import (
	"image"
	"image/color"
	"math"
	"math/rand/v2"
	"testing"
)

func sum32(k []int32) int32 {
	var s int32
	for _, v := range k {
		s += v
	}
	return s
}

// impulse is a w x h black image with one white pixel at (x, y).
func impulse(w, h, x, y int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	fillGray(img, 0)
	img.Set(x, y, color.RGBA{255, 255, 255, 255})
	return img
}

// spread is the total and the variances, along x, y and the direction
// (ux, uy), of the red channel's mass around (cx, cy).
func spread(img *image.RGBA, cx, cy int, ux, uy float64) (tot, vx, vy, vu float64) {
	for y := range img.Rect.Dy() {
		for x := range img.Rect.Dx() {
			v := float64(img.Pix[img.PixOffset(x, y)])
			dx, dy := float64(x-cx), float64(y-cy)
			tot += v
			vx += v * dx * dx
			vy += v * dy * dy
			u := dx*ux + dy*uy
			vu += v * u * u
		}
	}
	return tot, vx / tot, vy / tot, vu / tot
}

func TestGaussianBlur(t *testing.T) {
	for _, sigma := range []float64{1, 2, 3, 5, 8} {
		k := gaussKernel(sigma)
		if len(k) != 2*int(math.Ceil(3*sigma))+1 || sum32(k) != 1<<kernelBits {
			t.Errorf("sigma %g: kernel of %d taps summing to %d", sigma, len(k), sum32(k))
		}
		// A flat image stays flat (and alpha opaque).
		flat := image.NewRGBA(image.Rect(0, 0, 37, 23))
		fillGray(flat, 173)
		gaussianBlur(flat, sigma)
		for i, v := range flat.Pix {
			if (i%4 == 3 && v != 255) || (i%4 != 3 && v != 173) {
				t.Fatalf("sigma %g: flat image changed at byte %d: %d", sigma, i, v)
			}
		}
		// The kernel's variance is sigma² (within its truncation at 3 sigma).
		var v float64
		for i, w := range k {
			d := float64(i - len(k)/2)
			v += float64(w) * d * d
		}
		if v /= 1 << kernelBits; math.Abs(v-sigma*sigma) > 0.03*sigma*sigma {
			t.Errorf("sigma %g: kernel variance %.3f", sigma, v)
		}
		// A step edge becomes 255·Φ(d/sigma), across columns and rows.
		n := 8*int(sigma) + 20
		for _, vertical := range []bool{false, true} {
			img := image.NewRGBA(image.Rect(0, 0, n, n))
			for y := range n {
				for x := range n {
					c := x
					if vertical {
						c = y
					}
					if c >= n/2 {
						img.Set(x, y, color.RGBA{255, 255, 255, 255})
					} else {
						img.Set(x, y, color.RGBA{0, 0, 0, 255})
					}
				}
			}
			gaussianBlur(img, sigma)
			for c := range n {
				x, y := c, n/3
				if vertical {
					x, y = n/3, c
				}
				// The sampled Gaussian's share of white pixels, and the
				// continuous one's, which it nears for larger sigma.
				r, num, den := int(math.Ceil(3*sigma)), 0.0, 0.0
				for i := -r; i <= r; i++ {
					w := math.Exp(-float64(i*i) / (2 * sigma * sigma))
					den += w
					if min(n-1, max(0, c+i)) >= n/2 {
						num += w
					}
				}
				want := 255 * num / den
				cont := 255 * 0.5 * math.Erfc(-(float64(c-n/2)+0.5)/(sigma*math.Sqrt2))
				got := float64(img.Pix[img.PixOffset(x, y)])
				if math.Abs(got-want) > 1 || (sigma >= 2 && math.Abs(got-cont) > 3) {
					t.Errorf("sigma %g, vertical %v: step at %d = %g, want %.1f", sigma, vertical, c, got, want)
				}
			}
		}
	}
}

func TestMotionBlur(t *testing.T) {
	for _, c := range []struct {
		sigma, angle float64
	}{{1, 0}, {3, 90}, {5, 30}, {8, 135}} {
		l := motionLength(c.sigma)
		taps := motionKernel(l, c.angle)
		var s int32
		for _, tp := range taps {
			s += tp.w
		}
		if s != 1<<kernelBits {
			t.Errorf("motion %d at %g: weights sum to %d", l, c.angle, s)
		}
		n := 2*l + 21
		img := impulse(n, n, n/2, n/2)
		motionBlur(img, l, c.angle)
		th := c.angle * math.Pi / 180
		ux, uy := math.Cos(th), -math.Sin(th)
		_, _, _, vu := spread(img, n/2, n/2, ux, uy)
		_, _, _, vperp := spread(img, n/2, n/2, -uy, ux)
		want := float64(l*l) / 12
		if math.Abs(vu-want) > 0.15*want+0.2 {
			t.Errorf("motion %d at %g°: variance along the line %.2f, want %.2f", l, c.angle, vu, want)
		}
		if vperp > 0.35 {
			t.Errorf("motion %d at %g°: variance across the line %.2f, want about 0", l, c.angle, vperp)
		}
	}
}

func TestToneLUT(t *testing.T) {
	g := toneLUT(ToneGain, 2.5)
	if g[0] != 0 || g[50] != 125 || g[102] != 255 || g[200] != 255 {
		t.Errorf("gain 2.5: %d %d %d %d", g[0], g[50], g[102], g[200])
	}
	d := toneLUT(ToneGain, 0.25)
	if d[255] != 64 || d[100] != 25 {
		t.Errorf("gain 0.25: %d %d", d[255], d[100])
	}
	m := toneLUT(ToneGamma, 3)
	if m[0] != 0 || m[255] != 255 || m[128] != 32 {
		t.Errorf("gamma 3: %d %d %d", m[0], m[255], m[128])
	}
	b := toneLUT(ToneGamma, 0.2)
	if b[128] != 222 {
		t.Errorf("gamma 0.2 of 128 = %d", b[128])
	}
}

func TestFeatherRamp(t *testing.T) {
	a := featherRamp(100, 6)
	if a[0] > 0.05 || a[99] > 0.05 || a[6] != 1 || a[50] != 1 || a[93] != 1 {
		t.Errorf("ramp: %v %v %v %v", a[0], a[6], a[50], a[99])
	}
	for i := 1; i < 6; i++ {
		if a[i] <= a[i-1] {
			t.Errorf("ramp not rising at %d", i)
		}
	}
}

func TestContentBounds(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 100, 80))
	fillGray(img, 0)
	// Content at x 20..100, y 0..60; black padding left and below.
	rng := rand.New(rand.NewPCG(1, 2))
	for y := 0; y < 60; y++ {
		for x := 20; x < 100; x++ {
			img.Set(x, y, color.RGBA{uint8(30 + rng.IntN(200)), 90, 90, 255})
		}
	}
	if got := contentBounds(img, image.Rect(40, 20, 70, 50)); got != image.Rect(20, 0, 100, 60) {
		t.Errorf("contentBounds = %v, want (20,0)-(100,60)", got)
	}
	// Never into the face.
	if got := contentBounds(img, image.Rect(10, 20, 70, 70)); got != image.Rect(10, 0, 100, 70) {
		t.Errorf("contentBounds with the face in the padding = %v", got)
	}
}

func TestCropFaceAndPlace(t *testing.T) {
	src := image.NewRGBA(image.Rect(0, 0, 450, 450))
	fillGray(src, 120)
	box := [4]float64{150, 170, 140, 160}
	sf := cropFace(src, src.Rect, box, 240)
	// Reference side 160 scaled to 240: 1.5x; the crop is the box plus 128
	// on each side, clipped to the image (22..418 x 42..450).
	if sf.Scale != 1.5 || math.Abs(max(sf.Face[2], sf.Face[3])-240) > 1 {
		t.Errorf("scale %g, face %v", sf.Scale, sf.Face)
	}
	if w, h := sf.Img.Rect.Dx(), sf.Img.Rect.Dy(); w != 594 || h != 612 {
		t.Errorf("crop %dx%d, want 594x612", w, h)
	}
	if math.Abs(sf.Face[0]-128*1.5) > 1 || math.Abs(sf.Face[1]-128*1.5) > 1 {
		t.Errorf("face at %v in the crop", sf.Face)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 100 {
		b := place(sf.Face, 640, 480, 60, 108, rng)
		if b.X < 60-1e-9 || b.Y < 108-1e-9 || b.X+b.W > 580+1e-9 || b.Y+b.H > 420+1e-9 {
			t.Fatalf("placed at %+v", b)
		}
	}
	// A frame too small for the margins still holds the face.
	for range 100 {
		b := place([4]float64{0, 0, 300, 300}, 640, 360, 75, 135, rng)
		if b.X < 0 || b.Y < 0 || b.X+b.W > 640 || b.Y+b.H > 360 {
			t.Fatalf("placed at %+v in 640x360", b)
		}
	}
}

func TestScaleBilinear(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	src := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for i := range src.Pix {
		src.Pix[i] = uint8(rng.IntN(256))
	}
	// The same size copies the pixels.
	same := image.NewRGBA(image.Rect(0, 0, 20, 10))
	scaleBilinear(same, src, image.Rect(10, 5, 30, 15))
	for y := range 10 {
		for x := range 20 {
			a, b := same.RGBAAt(x, y), src.RGBAAt(10+x, 5+y)
			if a.R != b.R || a.G != b.G || a.B != b.B || a.A != 255 {
				t.Fatalf("copy differs at %d,%d: %v %v", x, y, a, b)
			}
		}
	}
	// Twice as large: the bilinear mix of the four nearest pixels.
	up := image.NewRGBA(image.Rect(0, 0, 128, 96))
	scaleBilinear(up, src, src.Rect)
	for y := 2; y < 90; y += 2 {
		for x := 1; x < 120; x += 2 {
			// Output x=2i+1 sits at source i+0.25 (centres aligned): 3/4 of
			// i, 1/4 of i+1; output y=2j at j-0.25.
			i, j := x/2, y/2
			want := 0.25*(0.75*float64(src.RGBAAt(i, j-1).G)+0.25*float64(src.RGBAAt(i+1, j-1).G)) +
				0.75*(0.75*float64(src.RGBAAt(i, j).G)+0.25*float64(src.RGBAAt(i+1, j).G))
			if got := float64(up.RGBAAt(x, y).G); math.Abs(got-want) > 1.5 {
				t.Fatalf("2x at %d,%d = %g, want %.1f", x, y, got, want)
			}
		}
	}
	// A flat image shrunk by 3.5 stays flat; box-shrinking averages.
	flat := image.NewRGBA(image.Rect(0, 0, 70, 70))
	fillGray(flat, 77)
	down := image.NewRGBA(image.Rect(0, 0, 20, 20))
	scaleBilinear(down, flat, flat.Rect)
	for i, v := range down.Pix {
		if i%4 != 3 && v != 77 {
			t.Fatalf("flat shrink: %d at byte %d", v, i)
		}
	}
	b := boxShrink(src, image.Rect(0, 0, 4, 4), 2)
	want := (int(src.Pix[src.PixOffset(2, 2)]) + int(src.Pix[src.PixOffset(3, 2)]) + int(src.Pix[src.PixOffset(2, 3)]) + int(src.Pix[src.PixOffset(3, 3)]) + 2) / 4
	if got := int(b.Pix[b.PixOffset(1, 1)]); got != want {
		t.Errorf("boxShrink = %d, want %d", got, want)
	}
}

func TestMedianLuma(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 10, 10))
	for y := 0; y < 10; y++ {
		for x := 0; x < 10; x++ {
			v := uint8(0)
			if x >= 5 {
				v = 200
			}
			if y == 0 {
				v = 255 // outside the box below
			}
			img.SetRGBA(x, y, color.RGBA{v, v, v, 255})
		}
	}
	// Box rows 1..9, columns 0..6: 45 dark pixels, 18 at 200: the median is dark.
	if got := medianLuma(img, Box{0, 1, 7, 9}); got != 0 {
		t.Errorf("median of a mostly dark box = %d", got)
	}
	// Columns 3..9: 18 dark, 45 at 200.
	if got := medianLuma(img, Box{3, 1, 7, 9}); got != 200 {
		t.Errorf("median of a mostly bright box = %d", got)
	}
	// A pure colour maps to its Rec. 601 luma; a box outside the image to 0.
	img.SetRGBA(0, 0, color.RGBA{255, 0, 0, 255})
	if got := medianLuma(img, Box{0, 0, 1, 1}); got != 76 {
		t.Errorf("luma of red = %d, want 76", got)
	}
	if got := medianLuma(img, Box{20, 20, 5, 5}); got != 0 {
		t.Errorf("box outside: %d", got)
	}
}
