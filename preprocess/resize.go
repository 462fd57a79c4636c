package preprocess

import (
	"fmt"
	"math"
)

// Filter selects how a Resizer resamples.
type Filter uint8

const (
	// Area averages the source pixels each destination pixel covers, with
	// the semantics of OpenCV's INTER_AREA: exact box averages for integer
	// downscale factors, fractional coverage weights for other downscales,
	// and INTER_AREA's linear weights when enlarging.
	Area Filter = iota
	// Bilinear interpolates between the two nearest source pixels on each
	// axis, with the pixel-centre alignment of OpenCV's INTER_LINEAR.
	Bilinear
)

// String returns the filter's name.
func (f Filter) String() string {
	switch f {
	case Area:
		return "area"
	case Bilinear:
		return "bilinear"
	}
	return fmt.Sprintf("Filter(%d)", uint8(f))
}

type resizeMode uint8

const (
	modeBox    resizeMode = iota // Area, integer factors: sums of whole pixels
	modeArea                     // Area, fractional downscale: float coverage weights
	modeLinear                   // Bilinear, or Area when enlarging: two taps per axis
)

// Resizer resamples planes of one source size to one destination size. It is
// planned once (weights and scratch rows allocated by NewResizer) and then
// reused: Resize does not allocate. A Resizer is not safe for concurrent
// use; make one per goroutine.
type Resizer struct {
	srcW, srcH, dstW, dstH, cn int
	filter                     Filter
	mode                       resizeMode

	// modeBox
	kx, ky int
	scale  float32
	acc    []uint16
	lut    []byte // box means by block sum, see fillBoxLUT; nil where a SIMD kernel serves kx or the block is over maxBoxLUTBlock

	// modeLinear
	yofs []int32  // first source row of each destination row
	yw   []uint16 // two vertical weights per destination row, summing to 1<<linYBits
	xofs []int32  // first source pixel of each destination pixel
	xw   []int16  // two horizontal weights per destination pixel, summing to 1<<linXBits
	t    []uint16 // one vertically blended row

	// modeArea
	xtab, ytab []areaTap
	ystart     []int32 // ytab[ystart[dy]:ystart[dy+1]] are destination row dy's taps
	hbuf, vsum []float32
}

// areaTap is one source sample's share of a destination sample (OpenCV's
// DecimateAlpha).
type areaTap struct {
	di, si int32
	alpha  float32
}

// NewResizer plans a resize from srcW x srcH to dstW x dstH planes with the
// given number of interleaved channels (1 to 4). Sizes must be in
// 1..MaxDimension. The error wraps ErrGeometry or ErrUnsupported.
func NewResizer(srcW, srcH, dstW, dstH, channels int, f Filter) (*Resizer, error) {
	for _, d := range [...]int{srcW, srcH, dstW, dstH} {
		if d <= 0 || d > MaxDimension {
			return nil, geomErr("size", "%dx%d -> %dx%d: sizes must be in 1..%d", srcW, srcH, dstW, dstH, MaxDimension)
		}
	}
	if channels < 1 || channels > 4 {
		return nil, fmt.Errorf("%w: %d channels", ErrUnsupported, channels)
	}
	if f != Area && f != Bilinear {
		return nil, fmt.Errorf("%w: filter %v", ErrUnsupported, f)
	}
	r := &Resizer{srcW: srcW, srcH: srcH, dstW: dstW, dstH: dstH, cn: channels, filter: f}
	switch {
	case f == Area && srcW >= dstW && srcH >= dstH:
		kx, ky := srcW/dstW, srcH/dstH
		// Column sums must fit 16 bits (and the SIMD kernels read them as
		// signed), and float32 must hold kx of them exactly.
		if kx*dstW == srcW && ky*dstH == srcH && ky <= 128 && kx <= 256 {
			r.planBox(kx, ky)
		} else {
			r.planArea()
		}
	default:
		r.planLinear(f == Area)
	}
	return r, nil
}

func (r *Resizer) planBox(kx, ky int) {
	r.mode = modeBox
	r.kx, r.ky = kx, ky
	r.scale = 1 / float32(kx*ky)
	r.acc = make([]uint16, r.srcW*r.cn)
	if kx*ky <= maxBoxLUTBlock && !boxRowSIMD(kx, r.cn) {
		r.lut = make([]byte, boxLUTSize)
		fillBoxLUT(r.lut, kx*ky, r.scale)
	}
}

// cvScale returns source pixels per destination pixel and its inverse,
// computed as OpenCV does (scale = 1/inv, not ssize/dsize): the two differ in
// the last bit for some sizes, which moves floor() at exact multiples.
func cvScale(ssize, dsize int) (scale, inv float64) {
	inv = float64(dsize) / float64(ssize)
	return 1 / inv, inv
}

// linearTaps computes OpenCV's resize coefficients for one axis: the first
// source index and the weight of the second one (0..1), clamped at the
// borders so that both taps are inside [0, ssize).
func linearTaps(ssize, dsize int, areaMode bool, ofs []int32, frac []float64) {
	scale, inv := cvScale(ssize, dsize)
	for d := 0; d < dsize; d++ {
		var s int
		var f float32
		if areaMode {
			s = int(math.Floor(float64(d) * scale))
			f = float32(float64(d+1) - float64(s+1)*inv)
			if f <= 0 {
				f = 0
			} else {
				f -= float32(math.Floor(float64(f)))
			}
		} else {
			f = float32((float64(d)+0.5)*scale - 0.5)
			s = int(math.Floor(float64(f)))
			f -= float32(s)
		}
		if s < 0 {
			s, f = 0, 0
		}
		if s >= ssize-1 {
			// Sample the last pixel exactly: as a second tap of weight 1
			// when there is a pixel before it.
			s, f = ssize-1, 0
			if ssize > 1 {
				s, f = ssize-2, 1
			}
		}
		ofs[d] = int32(s)
		frac[d] = float64(f)
	}
}

func (r *Resizer) planLinear(areaMode bool) {
	r.mode = modeLinear
	frac := make([]float64, max(r.dstW, r.dstH))
	r.xofs = make([]int32, r.dstW)
	r.xw = make([]int16, 2*r.dstW)
	linearTaps(r.srcW, r.dstW, areaMode, r.xofs, frac)
	for i, f := range frac[:r.dstW] {
		w1 := int16(math.RoundToEven(f * (1 << linXBits)))
		r.xw[2*i], r.xw[2*i+1] = 1<<linXBits-w1, w1
	}
	r.yofs = make([]int32, r.dstH)
	r.yw = make([]uint16, 2*r.dstH)
	linearTaps(r.srcH, r.dstH, areaMode, r.yofs, frac)
	for i, f := range frac[:r.dstH] {
		w1 := uint16(math.RoundToEven(f * (1 << linYBits)))
		r.yw[2*i], r.yw[2*i+1] = 1<<linYBits-w1, w1
	}
	// One spare pixel so that the second tap of a one-pixel-wide source
	// (weight 0) stays inside the row.
	r.t = make([]uint16, max(r.srcW, 2)*r.cn)
}

// areaTaps is OpenCV's computeResizeAreaTab for one axis.
func areaTaps(ssize, dsize, cn int) []areaTap {
	scale, _ := cvScale(ssize, dsize)
	tab := make([]areaTap, 0, 2*ssize+2*dsize)
	for d := 0; d < dsize; d++ {
		fs1 := float64(d) * scale
		fs2 := fs1 + scale
		cell := math.Min(scale, float64(ssize)-fs1)
		s1, s2 := int(math.Ceil(fs1)), int(math.Floor(fs2))
		s2 = min(s2, ssize-1)
		s1 = min(s1, s2)
		if float64(s1)-fs1 > 1e-3 {
			tab = append(tab, areaTap{int32(d * cn), int32((s1 - 1) * cn), float32((float64(s1) - fs1) / cell)})
		}
		for s := s1; s < s2; s++ {
			tab = append(tab, areaTap{int32(d * cn), int32(s * cn), float32(1 / cell)})
		}
		if fs2-float64(s2) > 1e-3 {
			tab = append(tab, areaTap{int32(d * cn), int32(s2 * cn), float32(math.Min(math.Min(fs2-float64(s2), 1), cell) / cell)})
		}
	}
	return tab
}

func (r *Resizer) planArea() {
	r.mode = modeArea
	r.xtab = areaTaps(r.srcW, r.dstW, r.cn)
	r.ytab = areaTaps(r.srcH, r.dstH, 1)
	r.ystart = make([]int32, r.dstH+1)
	for i, tp := range r.ytab {
		r.ystart[tp.di+1] = int32(i + 1)
	}
	for d := 1; d <= r.dstH; d++ { // rows with no taps of their own keep the previous end
		r.ystart[d] = max(r.ystart[d], r.ystart[d-1])
	}
	r.hbuf = make([]float32, r.dstW*r.cn)
	r.vsum = make([]float32, r.dstW*r.cn)
}

// Resize resamples src into dst. Their sizes and channel counts must be the
// ones the Resizer was planned for; the planes may be views with any stride
// (SubPlane of a larger frame). It does not allocate.
func (r *Resizer) Resize(dst, src Plane) error {
	if err := r.check(&dst, &src); err != nil {
		return err
	}
	switch r.mode {
	case modeBox:
		r.resizeBox(&dst, &src)
	case modeLinear:
		r.resizeLinear(&dst, &src)
	default:
		r.resizeArea(&dst, &src)
	}
	return nil
}

func (r *Resizer) check(dst, src *Plane) error {
	if err := src.Validate(); err != nil {
		return err
	}
	if err := dst.Validate(); err != nil {
		return err
	}
	if src.Width != r.srcW || src.Height != r.srcH || src.channels() != r.cn {
		return geomErr("source", "%dx%dx%d, planned for %dx%dx%d", src.Width, src.Height, src.channels(), r.srcW, r.srcH, r.cn)
	}
	if dst.Width != r.dstW || dst.Height != r.dstH || dst.channels() != r.cn {
		return geomErr("destination", "%dx%dx%d, planned for %dx%dx%d", dst.Width, dst.Height, dst.channels(), r.dstW, r.dstH, r.cn)
	}
	return nil
}

func (r *Resizer) resizeBox(dst, src *Plane) {
	acc := r.acc
	for dy := 0; dy < r.dstH; dy++ {
		clear(acc)
		for k := 0; k < r.ky; k++ {
			addRowU16(acc, src.Row(dy*r.ky+k))
		}
		boxRowAny(dst.Row(dy), acc, r.kx, r.cn, r.scale, r.lut)
	}
}

func (r *Resizer) resizeLinear(dst, src *Plane) {
	t := r.t[:r.srcW*r.cn]
	prevY, prevW := int32(-1), uint16(0)
	for dy := 0; dy < r.dstH; dy++ {
		sy, w0, w1 := r.yofs[dy], r.yw[2*dy], r.yw[2*dy+1]
		if sy != prevY || w0 != prevW { // enlarging repeats rows
			r0 := src.Row(int(sy))
			r1 := r0 // a zero second weight reads the first row twice, cache-hot
			if w1 != 0 && int(sy)+1 < r.srcH {
				r1 = src.Row(int(sy) + 1)
			}
			blendRows(t, r0, r1, w0, w1)
			prevY, prevW = sy, w0
		}
		linearRow(dst.Row(dy), r.t, r.xofs, r.xw, r.cn)
	}
}

func (r *Resizer) resizeArea(dst, src *Plane) {
	h := r.hbuf
	cached := int32(-1) // the source row whose horizontal pass h holds
	for dy := 0; dy < r.dstH; dy++ {
		vsum := r.vsum
		clear(vsum)
		for _, yt := range r.ytab[r.ystart[dy]:r.ystart[dy+1]] {
			if yt.si != cached { // a row straddling two destination rows is passed once
				r.areaRow(h, src.Row(int(yt.si)))
				cached = yt.si
			}
			beta := yt.alpha
			for i, v := range h {
				vsum[i] += float32(v * beta)
			}
		}
		out := dst.Row(dy)
		for i, v := range vsum {
			out[i] = roundToU8(v)
		}
	}
}

// areaRow is the horizontal pass of the fractional Area filter. The
// explicit float32 conversions round every product, so that no architecture
// fuses them into a multiply-add and all give the same bytes.
func (r *Resizer) areaRow(h []float32, row []byte) {
	clear(h)
	if r.cn == 1 {
		for _, xt := range r.xtab {
			h[xt.di] += float32(float32(row[xt.si]) * xt.alpha)
		}
		return
	}
	for _, xt := range r.xtab {
		hs := h[xt.di : int(xt.di)+r.cn]
		for c, v := range row[xt.si : int(xt.si)+r.cn] {
			hs[c] += float32(float32(v) * xt.alpha)
		}
	}
}
