package main

import (
	"cmp"
	"image"
	"image/color"
	_ "image/jpeg" // decoders of the facedata images
	_ "image/png"
	"math"
	"math/rand/v2"
	"os"
	"slices"

	"golang.org/x/image/draw"
)

// loadRGBA decodes an image file into an *image.RGBA.
func loadRGBA(path string) (*image.RGBA, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		return nil, err
	}
	b := img.Bounds()
	dst := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(dst, dst.Rect, img, b.Min, draw.Src)
	return dst, nil
}

// contentBounds trims the near-black padding AFLW's crops carry on some
// sides: border rows and columns of which at least 98 % of the pixels have
// every channel at most 12. It never trims into keep.
func contentBounds(img *image.RGBA, keep image.Rectangle) image.Rectangle {
	r := img.Rect
	dark := func(x, y int) bool {
		i := img.PixOffset(x, y)
		p := img.Pix[i : i+3 : i+3]
		return p[0] <= 12 && p[1] <= 12 && p[2] <= 12
	}
	rowDark := func(y, x0, x1 int) bool {
		n := 0
		for x := x0; x < x1; x++ {
			if dark(x, y) {
				n++
			}
		}
		return n*50 >= (x1-x0)*49
	}
	colDark := func(x, y0, y1 int) bool {
		n := 0
		for y := y0; y < y1; y++ {
			if dark(x, y) {
				n++
			}
		}
		return n*50 >= (y1-y0)*49
	}
	for r.Min.Y < keep.Min.Y && rowDark(r.Min.Y, r.Min.X, r.Max.X) {
		r.Min.Y++
	}
	for r.Max.Y > keep.Max.Y && rowDark(r.Max.Y-1, r.Min.X, r.Max.X) {
		r.Max.Y--
	}
	for r.Min.X < keep.Min.X && colDark(r.Min.X, r.Min.Y, r.Max.Y) {
		r.Min.X++
	}
	for r.Max.X > keep.Max.X && colDark(r.Max.X-1, r.Min.Y, r.Max.Y) {
		r.Max.X--
	}
	return r
}

// drawCover fills dst with a crop of src of dst's aspect ratio, zoom times
// the largest such crop (0 < zoom <= 1), at a random place, scaled by
// scaleBilinear. It returns the crop.
func drawCover(dst, src *image.RGBA, zoom float64, rng *rand.Rand) image.Rectangle {
	sw, sh := float64(src.Rect.Dx()), float64(src.Rect.Dy())
	dw, dh := float64(dst.Rect.Dx()), float64(dst.Rect.Dy())
	cw, ch := sw, sw*dh/dw
	if ch > sh {
		cw, ch = sh*dw/dh, sh
	}
	cw, ch = max(1, cw*zoom), max(1, ch*zoom)
	x := rng.Float64() * (sw - cw)
	y := rng.Float64() * (sh - ch)
	crop := image.Rect(int(x), int(y), int(x+cw), int(y+ch)).Add(src.Rect.Min).Intersect(src.Rect)
	scaleBilinear(dst, src, crop)
	return crop
}

// scaleBilinear resamples the part r of src into the whole of dst: first
// averaged over k x k boxes when it shrinks by k >= 2 or more (so that
// fine detail does not alias), then bilinearly with pixel centres aligned
// and edges clamped, in fixed point. Alpha is set opaque.
func scaleBilinear(dst, src *image.RGBA, r image.Rectangle) {
	dw, dh := dst.Rect.Dx(), dst.Rect.Dy()
	if k := min(r.Dx()/dw, r.Dy()/dh); k >= 2 {
		src, r = boxShrink(src, r, k), image.Rect(0, 0, r.Dx()/k, r.Dy()/k)
	}
	sw, sh := r.Dx(), r.Dy()
	// Horizontal taps: the left pixel's byte offset and the right one's
	// weight out of 256.
	xo := make([]int, dw)
	xw := make([]int32, dw)
	for x := range dw {
		s := (float64(x)+0.5)*float64(sw)/float64(dw) - 0.5
		i := int(math.Floor(s))
		f := s - float64(i)
		if i < 0 {
			i, f = 0, 0
		}
		if i >= sw-1 {
			i, f = sw-1, 0
		}
		xo[x], xw[x] = 4*(r.Min.X-src.Rect.Min.X+i), int32(math.Round(f*256))
	}
	// hrow interpolates source row j horizontally: 3 channels, 8
	// fractional bits.
	hrow := func(out []int32, j int) {
		row := src.Pix[(r.Min.Y-src.Rect.Min.Y+j)*src.Stride:]
		for x := range dw {
			o, f := xo[x], xw[x]
			n := o + 4
			if f == 0 {
				n = o
			}
			p, q := row[o:o+3:o+3], row[n:n+3:n+3]
			out[3*x] = int32(p[0])*(256-f) + int32(q[0])*f
			out[3*x+1] = int32(p[1])*(256-f) + int32(q[1])*f
			out[3*x+2] = int32(p[2])*(256-f) + int32(q[2])*f
		}
	}
	a, b := make([]int32, 3*dw), make([]int32, 3*dw)
	ja, jb := -1, -1
	for y := range dh {
		s := (float64(y)+0.5)*float64(sh)/float64(dh) - 0.5
		j := int(math.Floor(s))
		g := int32(math.Round((s - float64(j)) * 256))
		if j < 0 {
			j, g = 0, 0
		}
		if j >= sh-1 {
			j, g = sh-1, 0
		}
		j2 := min(j+1, sh-1)
		switch {
		case ja == j && jb == j2:
		case jb == j:
			a, b = b, a
			ja = j
			hrow(b, j2)
			jb = j2
		default:
			hrow(a, j)
			hrow(b, j2)
			ja, jb = j, j2
		}
		out := dst.Pix[y*dst.Stride : y*dst.Stride+4*dw]
		for x := range dw {
			av, bv := a[3*x:3*x+3:3*x+3], b[3*x:3*x+3:3*x+3]
			o := out[4*x : 4*x+4 : 4*x+4]
			o[0] = uint8((av[0]*(256-g) + bv[0]*g + 1<<15) >> 16)
			o[1] = uint8((av[1]*(256-g) + bv[1]*g + 1<<15) >> 16)
			o[2] = uint8((av[2]*(256-g) + bv[2]*g + 1<<15) >> 16)
			o[3] = 255
		}
	}
}

// boxShrink averages the part r of src over k x k boxes.
func boxShrink(src *image.RGBA, r image.Rectangle, k int) *image.RGBA {
	w, h := r.Dx()/k, r.Dy()/k
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	acc := make([]int32, 3*w)
	kk := int32(k * k)
	for y := range h {
		clear(acc)
		for dy := range k {
			row := src.Pix[(r.Min.Y-src.Rect.Min.Y+y*k+dy)*src.Stride+4*(r.Min.X-src.Rect.Min.X):]
			for x := range w {
				for dx := range k {
					p := row[4*(x*k+dx):]
					acc[3*x] += int32(p[0])
					acc[3*x+1] += int32(p[1])
					acc[3*x+2] += int32(p[2])
				}
			}
		}
		out := dst.Pix[y*dst.Stride:]
		for x := range w {
			out[4*x] = uint8((acc[3*x] + kk/2) / kk)
			out[4*x+1] = uint8((acc[3*x+1] + kk/2) / kk)
			out[4*x+2] = uint8((acc[3*x+2] + kk/2) / kk)
			out[4*x+3] = 255
		}
	}
	return dst
}

// fillGradient fills dst with a linear gradient from c0 to c1 along the
// direction angle (radians).
func fillGradient(dst *image.RGBA, c0, c1 color.RGBA, angle float64) {
	w, h := dst.Rect.Dx(), dst.Rect.Dy()
	ux, uy := math.Cos(angle), math.Sin(angle)
	// The projections of the corners bound t.
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, p := range [4][2]float64{{0, 0}, {float64(w), 0}, {0, float64(h)}, {float64(w), float64(h)}} {
		t := p[0]*ux + p[1]*uy
		lo, hi = min(lo, t), max(hi, t)
	}
	lerp := func(a, b uint8, t float64) uint8 { return uint8(math.Round(float64(a) + (float64(b)-float64(a))*t)) }
	for y := 0; y < h; y++ {
		row := dst.Pix[y*dst.Stride : y*dst.Stride+4*w]
		for x := 0; x < w; x++ {
			t := ((float64(x)+0.5)*ux + (float64(y)+0.5)*uy - lo) / (hi - lo)
			row[4*x], row[4*x+1], row[4*x+2], row[4*x+3] = lerp(c0.R, c1.R, t), lerp(c0.G, c1.G, t), lerp(c0.B, c1.B, t), 255
		}
	}
}

// fillGray fills dst with one gray level.
func fillGray(dst *image.RGBA, v uint8) {
	for i := 0; i < len(dst.Pix); i += 4 {
		dst.Pix[i], dst.Pix[i+1], dst.Pix[i+2], dst.Pix[i+3] = v, v, v, 255
	}
}

// scaledFace is a source face cropped with its margin and scaled.
type scaledFace struct {
	Img *image.RGBA
	// Face is the annotated box in Img's coordinates (x, y, w, h); Scale
	// the factor the source was scaled by.
	Face  [4]float64
	Scale float64
}

// faceMargin is the margin around the face box, in face sides, that a face
// is cropped with.
const faceMargin = 0.8

// cropFace crops src around box (x, y, w, h) with faceMargin sides of
// margin on each side, clipped to content, and scales the crop with
// CatmullRom so that the box's longer side becomes side.
func cropFace(src *image.RGBA, content image.Rectangle, box [4]float64, side float64) scaledFace {
	s0 := max(box[2], box[3])
	m := faceMargin * s0
	crop := image.Rect(int(math.Floor(box[0]-m)), int(math.Floor(box[1]-m)),
		int(math.Ceil(box[0]+box[2]+m)), int(math.Ceil(box[1]+box[3]+m))).Intersect(content)
	k := side / s0
	dw := max(1, int(math.Round(float64(crop.Dx())*k)))
	dh := max(1, int(math.Round(float64(crop.Dy())*k)))
	sx, sy := float64(dw)/float64(crop.Dx()), float64(dh)/float64(crop.Dy())
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	draw.CatmullRom.Scale(dst, dst.Rect, src, crop, draw.Src, nil)
	return scaledFace{Img: dst, Scale: k, Face: [4]float64{
		(box[0] - float64(crop.Min.X)) * sx, (box[1] - float64(crop.Min.Y)) * sy, box[2] * sx, box[3] * sy}}
}

// featherShare is the share of a pasted crop's side over which its border
// fades in.
const featherShare = 0.06

// featherRamp returns the opacity of each of n pixels along one side of a
// crop: 0 at the edges rising smoothly to 1 over f pixels.
func featherRamp(n int, f float64) []float32 {
	a := make([]float32, n)
	for i := range a {
		d := min(float64(i)+0.5, float64(n-i)-0.5)
		t := 1.0
		if f > 0 {
			t = min(1, d/f)
		}
		a[i] = float32(t * t * (3 - 2*t))
	}
	return a
}

// pasteFeathered blends src into dst with its top-left corner at at, its
// border feathered over featherShare of its width and height.
func pasteFeathered(dst, src *image.RGBA, at image.Point) {
	w, h := src.Rect.Dx(), src.Rect.Dy()
	ax := featherRamp(w, featherShare*float64(w))
	ay := featherRamp(h, featherShare*float64(h))
	r := image.Rect(at.X, at.Y, at.X+w, at.Y+h).Intersect(dst.Rect)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		sy := y - at.Y
		srow := src.Pix[sy*src.Stride:]
		drow := dst.Pix[(y-dst.Rect.Min.Y)*dst.Stride:]
		for x := r.Min.X; x < r.Max.X; x++ {
			sx := x - at.X
			a := ax[sx] * ay[sy]
			if a <= 0 {
				continue
			}
			s := srow[4*sx : 4*sx+3 : 4*sx+3]
			d := drow[4*(x-dst.Rect.Min.X) : 4*(x-dst.Rect.Min.X)+3 : 4*(x-dst.Rect.Min.X)+3]
			for c := range 3 {
				v := float32(d[c]) + (float32(s[c])-float32(d[c]))*a
				d[c] = uint8(v + 0.5)
			}
		}
	}
}

// Fixed-point weights of the blur kernels: they sum to 1<<kernelBits.
const kernelBits = 14

// gaussKernel is the Gaussian of sigma pixels sampled over radius
// ceil(3*sigma), in fixed point.
func gaussKernel(sigma float64) []int32 {
	r := int(math.Ceil(3 * sigma))
	f := make([]float64, 2*r+1)
	for i := range f {
		d := float64(i - r)
		f[i] = math.Exp(-d * d / (2 * sigma * sigma))
	}
	return fixedWeights(f, r)
}

// fixedWeights normalises weights to sum exactly 1<<kernelBits, the
// rounding error going to index centre.
func fixedWeights(f []float64, centre int) []int32 {
	sum := 0.0
	for _, v := range f {
		sum += v
	}
	k := make([]int32, len(f))
	var tot int32
	for i, v := range f {
		k[i] = int32(math.Round(v / sum * (1 << kernelBits)))
		tot += k[i]
	}
	k[centre] += 1<<kernelBits - tot
	return k
}

// splitRGB copies the RGB channels of img into three planes.
func splitRGB(img *image.RGBA) [3][]uint8 {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	var p [3][]uint8
	for c := range p {
		p[c] = make([]uint8, w*h)
	}
	for y := 0; y < h; y++ {
		row := img.Pix[y*img.Stride : y*img.Stride+4*w]
		r, g, b := p[0][y*w:y*w+w], p[1][y*w:y*w+w], p[2][y*w:y*w+w]
		for x := range w {
			r[x], g[x], b[x] = row[4*x], row[4*x+1], row[4*x+2]
		}
	}
	return p
}

// mergeRGB writes three planes back into img's RGB channels.
func mergeRGB(img *image.RGBA, p [3][]uint8) {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	for y := 0; y < h; y++ {
		row := img.Pix[y*img.Stride : y*img.Stride+4*w]
		r, g, b := p[0][y*w:y*w+w], p[1][y*w:y*w+w], p[2][y*w:y*w+w]
		for x := range w {
			row[4*x], row[4*x+1], row[4*x+2] = r[x], g[x], b[x]
		}
	}
}

// gaussianBlur blurs img's RGB channels by a Gaussian of sigma pixels,
// separably (rows, then columns), replicating the border pixels.
func gaussianBlur(img *image.RGBA, sigma float64) {
	if sigma <= 0 {
		return
	}
	k := gaussKernel(sigma)
	w, h := img.Rect.Dx(), img.Rect.Dy()
	planes := splitRGB(img)
	tmp := make([]uint16, w*h)
	acc := make([]int32, w)
	pad := make([]uint8, w+len(k)-1)
	for _, p := range planes {
		blurPlane(p, w, h, k, tmp, acc, pad)
	}
	mergeRGB(img, planes)
}

// blurPlane convolves the w x h plane p with the symmetric kernel k along
// rows and then columns. tmp (w*h), acc (w) and pad (w+len(k)-1) are
// scratch.
func blurPlane(p []uint8, w, h int, k []int32, tmp []uint16, acc []int32, pad []uint8) {
	r := len(k) / 2
	// Rows: the row padded with copies of its end pixels; the result keeps
	// 8 fractional bits.
	for y := 0; y < h; y++ {
		row := p[y*w : y*w+w]
		for i := 0; i < r; i++ {
			pad[i], pad[r+w+i] = row[0], row[w-1]
		}
		copy(pad[r:], row)
		clear(acc)
		for i, kw := range k {
			src := pad[i : i+w]
			a := acc[:len(src)]
			for x, v := range src {
				a[x] += kw * int32(v)
			}
		}
		out := tmp[y*w : y*w+w]
		for x, a := range acc {
			out[x] = uint16((a + 1<<(kernelBits-9)) >> (kernelBits - 8))
		}
	}
	// Columns.
	for y := 0; y < h; y++ {
		clear(acc)
		for i, kw := range k {
			yy := min(h-1, max(0, y+i-r))
			src := tmp[yy*w : yy*w+w]
			a := acc[:len(src)]
			for x, v := range src {
				a[x] += kw * int32(v)
			}
		}
		out := p[y*w : y*w+w]
		for x, a := range acc {
			out[x] = uint8(min(255, (a+1<<(kernelBits+7))>>(kernelBits+8)))
		}
	}
}

// tap is one weight of a sparse 2D kernel.
type tap struct {
	dx, dy int
	w      int32
}

// motionKernel is a straight line of length pixels at angle degrees
// (counter-clockwise from the x axis, y up), sampled finely and spread
// bilinearly over the pixel grid: a uniform motion whose standard deviation
// along the line is length/sqrt(12).
func motionKernel(length int, angle float64) []tap {
	if length < 1 {
		length = 1
	}
	th := angle * math.Pi / 180
	ux, uy := math.Cos(th), -math.Sin(th) // image y runs down
	n := 8 * length
	wts := map[[2]int]float64{}
	for j := range n {
		t := -float64(length)/2 + (float64(j)+0.5)*float64(length)/float64(n)
		x, y := t*ux, t*uy
		x0, y0 := math.Floor(x), math.Floor(y)
		fx, fy := x-x0, y-y0
		for _, c := range [4]struct {
			dx, dy int
			w      float64
		}{{0, 0, (1 - fx) * (1 - fy)}, {1, 0, fx * (1 - fy)}, {0, 1, (1 - fx) * fy}, {1, 1, fx * fy}} {
			if c.w > 0 {
				wts[[2]int{int(x0) + c.dx, int(y0) + c.dy}] += c.w
			}
		}
	}
	// A fixed order (for determinism), the heaviest tap last, where
	// fixedWeights puts the rounding error.
	var keys [][2]int
	for k := range wts {
		keys = append(keys, k)
	}
	sortTaps(keys, wts)
	f := make([]float64, len(keys))
	for i, k := range keys {
		f[i] = wts[k]
	}
	fw := fixedWeights(f, len(f)-1)
	taps := make([]tap, 0, len(keys))
	for i, k := range keys {
		if fw[i] != 0 {
			taps = append(taps, tap{k[0], k[1], fw[i]})
		}
	}
	return taps
}

// sortTaps orders kernel positions by weight, then position.
func sortTaps(keys [][2]int, wts map[[2]int]float64) {
	slices.SortFunc(keys, func(a, b [2]int) int {
		if c := cmp.Compare(wts[a], wts[b]); c != 0 {
			return c
		}
		if c := cmp.Compare(a[1], b[1]); c != 0 {
			return c
		}
		return cmp.Compare(a[0], b[0])
	})
}

// motionBlur blurs img's RGB channels by a motion line of length pixels at
// angle degrees, replicating the border pixels.
func motionBlur(img *image.RGBA, length int, angle float64) {
	taps := motionKernel(length, angle)
	reach := 0
	for _, t := range taps {
		reach = max(reach, abs(t.dx), abs(t.dy))
	}
	w, h := img.Rect.Dx(), img.Rect.Dy()
	pw := w + 2*reach
	padded := make([]uint8, pw*h)
	acc := make([]int32, w)
	planes := splitRGB(img)
	for _, p := range planes {
		for y := 0; y < h; y++ {
			row := p[y*w : y*w+w]
			prow := padded[y*pw : y*pw+pw]
			for i := 0; i < reach; i++ {
				prow[i], prow[reach+w+i] = row[0], row[w-1]
			}
			copy(prow[reach:], row)
		}
		for y := 0; y < h; y++ {
			clear(acc)
			for _, t := range taps {
				yy := min(h-1, max(0, y+t.dy))
				src := padded[yy*pw+reach+t.dx : yy*pw+reach+t.dx+w]
				a := acc[:len(src)]
				for x, v := range src {
					a[x] += t.w * int32(v)
				}
			}
			out := p[y*w : y*w+w]
			for x, a := range acc {
				out[x] = uint8(min(255, (a+1<<(kernelBits-1))>>kernelBits))
			}
		}
	}
	mergeRGB(img, planes)
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

// toneLUT is the table of a tone transform: gain (v*g) or gamma
// (255*(v/255)^g), rounded and clipped to 0..255.
func toneLUT(kind string, g float64) [256]uint8 {
	var t [256]uint8
	for v := range t {
		var o float64
		switch kind {
		case ToneGain:
			o = float64(v) * g
		case ToneGamma:
			o = 255 * math.Pow(float64(v)/255, g)
		default:
			o = float64(v)
		}
		t[v] = uint8(min(255, max(0, math.Round(o))))
	}
	return t
}

// applyTone applies a tone transform to img's RGB channels.
func applyTone(img *image.RGBA, kind string, g float64) {
	t := toneLUT(kind, g)
	w, h := img.Rect.Dx(), img.Rect.Dy()
	for y := 0; y < h; y++ {
		row := img.Pix[y*img.Stride : y*img.Stride+4*w]
		for x := 0; x < len(row); x += 4 {
			row[x], row[x+1], row[x+2] = t[row[x]], t[row[x+1]], t[row[x+2]]
		}
	}
}

// medianLuma is the median Rec. 601 luma of the pixels of img inside box
// (clipped to img; 0 when nothing is left).
func medianLuma(img *image.RGBA, box Box) uint8 {
	r := image.Rect(int(math.Floor(box.X)), int(math.Floor(box.Y)),
		int(math.Ceil(box.X+box.W)), int(math.Ceil(box.Y+box.H))).Intersect(img.Rect)
	var hist [256]int
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			i := img.PixOffset(x, y)
			p := img.Pix[i : i+3 : i+3]
			hist[(19595*uint32(p[0])+38470*uint32(p[1])+7471*uint32(p[2])+1<<15)>>16]++
			n++
		}
	}
	need, seen := (n+1)/2, 0
	for v, c := range hist {
		if seen += c; seen >= need && n > 0 {
			return uint8(v)
		}
	}
	return 0
}
