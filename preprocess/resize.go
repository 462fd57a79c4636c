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
	// downscale factors, fractional coverage weights for other downscales
	// (12-bit fixed-point weights, 16-bit intermediate sums; within 1 of
	// OpenCV's float evaluation), and
	// INTER_AREA's linear weights when enlarging.
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
	modeArea                     // Area, fractional downscale: fixed-point coverage weights
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
	ytab     []areaTap
	ystart   []int32  // ytab[ystart[dy]:ystart[dy+1]] are destination row dy's taps, consecutive source rows
	aym      []uint16 // the multipliers of ytab's weights (areaRowMul)
	axofs    []int32  // first source sample of each destination pixel (times cn)
	axw      []uint16 // axn weights per destination pixel, zero-padded, in the order of areaColsWeight
	axn      int      // taps per destination pixel, rounded up to 2, 4 or a multiple of 8
	vacc     []int16  // one vertically accumulated source row, areaAccBits fixed point offset by -1<<15, at a cache line, axn samples of padding (read with weight 0), 64 for awTab, 8 for alTab
	awBase   []int32  // gray rows where the CPU has the wide kernels: planAreaWide's tables, nil when its blocks do not fit
	awTab    []uint16
	awNP     int
	awPaired bool    // awTab's blocks share their base in pairs, and awNP is 1
	alBase   []int32 // gray rows where the CPU has AVX2: planAreaLanes' tables in shape alShape, nil when no shape holds the taps or afTab is made
	alTab    []uint16
	alShape  areaLaneShape
	afBase   []int32 // gray rows where the CPU has AVX2: planAreaFused's tables, nil when an output has more than 2 taps, a block's do not fit or the source is below 16 pixels
	afTab    []uint16
	apTab    []uint16 // gray rows where the CPU has AVX2: planAreaPairs' table, made only when neither afTab nor alTab is, nil when a pair of outputs spans over 8 samples
}

// areaTap is one source sample's share of a destination sample (OpenCV's
// DecimateAlpha), in fixed point: the weights of one destination sample sum
// to exactly 1<<areaBits.
type areaTap struct {
	di, si int32
	w      uint32
}

// areaBits is the precision of the fractional Area weights, and
// areaAccBits that of the vertical sums the horizontal pass reads: a
// vertical sum is at most 255<<areaAccBits plus a few (16 bits, stored
// offset by -1<<15 in a signed 16-bit lane of the SIMD kernels), and the
// horizontal sum of those with its offset and rounding terms below 1<<29.
const (
	areaBits    = 12
	areaAccBits = 8
)

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

// areaTaps is OpenCV's computeResizeAreaTab for one axis, with the float
// weights rounded to areaBits fixed point; the rounding error of each
// destination sample is given to its largest weight, so that its weights sum
// to exactly 1<<areaBits and a constant plane stays constant.
func areaTaps(ssize, dsize, cn int) []areaTap {
	scale, _ := cvScale(ssize, dsize)
	tab := make([]areaTap, 0, 2*ssize+2*dsize)
	one := float64(1 << areaBits)
	for d := 0; d < dsize; d++ {
		first := len(tab)
		add := func(s int, alpha float64) {
			tab = append(tab, areaTap{int32(d * cn), int32(s * cn), uint32(math.Round(alpha * one))})
		}
		fs1 := float64(d) * scale
		fs2 := fs1 + scale
		cell := math.Min(scale, float64(ssize)-fs1)
		s1, s2 := int(math.Ceil(fs1)), int(math.Floor(fs2))
		s2 = min(s2, ssize-1)
		s1 = min(s1, s2)
		if float64(s1)-fs1 > 1e-3 {
			add(s1-1, (float64(s1)-fs1)/cell)
		}
		for s := s1; s < s2; s++ {
			add(s, 1/cell)
		}
		if fs2-float64(s2) > 1e-3 {
			add(s2, math.Min(math.Min(fs2-float64(s2), 1), cell)/cell)
		}
		sum, big := int64(0), first
		for i := first; i < len(tab); i++ {
			sum += int64(tab[i].w)
			if tab[i].w > tab[big].w {
				big = i
			}
		}
		if len(tab) > first {
			tab[big].w = uint32(int64(tab[big].w) + 1<<areaBits - sum)
		}
	}
	return tab
}

// areaColsTaps rounds the taps per destination pixel of the horizontal
// pass up to what the kernels take: 2, 4, or a multiple of 8.
func areaColsTaps(n int) int {
	switch {
	case n <= 2:
		return 2
	case n <= 4:
		return 4
	}
	return (n + 7) &^ 7
}

func (r *Resizer) planArea() {
	r.mode = modeArea
	// Each destination pixel reads axn consecutive source pixels, the
	// missing taps with weight 0, so that the horizontal pass has no
	// branches; vacc has axn pixels past the row for the last ones.
	xtab := areaTaps(r.srcW, r.dstW, 1)
	for i := 0; i < len(xtab); {
		j := i
		for j < len(xtab) && xtab[j].di == xtab[i].di {
			j++
		}
		r.axn = max(r.axn, j-i)
		i = j
	}
	r.axn = areaColsTaps(r.axn)
	r.axofs = make([]int32, (r.dstW+7)&^7) // padded to whole blocks for the SIMD kernels (see areaCols)
	r.axw = make([]uint16, (r.dstW+7)&^7*r.axn)
	for i, xt := range xtab {
		d := int(xt.di)
		if i == 0 || xtab[i-1].di != xt.di {
			r.axofs[d] = xt.si * int32(r.cn)
		}
		j := int(xt.si) - int(r.axofs[d])/r.cn
		r.axw[areaColsWeight(d, j, r.axn)] = uint16(xt.w)
	}
	for d := r.dstW; d < len(r.axofs); d++ {
		r.axofs[d] = r.axofs[r.dstW-1] // zero weights: any valid offset
	}
	r.ytab = areaTaps(r.srcH, r.dstH, 1)
	r.ystart = make([]int32, r.dstH+1)
	r.aym = make([]uint16, len(r.ytab))
	for i, tp := range r.ytab {
		r.ystart[tp.di+1] = int32(i + 1)
		r.aym[i] = areaRowMul(tp.w)
		if i > 0 && tp.di == r.ytab[i-1].di && tp.si != r.ytab[i-1].si+1 {
			panic("preprocess: Area taps of a row are not consecutive source rows")
		}
	}
	for d := 1; d <= r.dstH; d++ { // rows with no taps of their own keep the previous end
		r.ystart[d] = max(r.ystart[d], r.ystart[d-1])
	}
	pad := r.axn
	if r.cn == 1 && areaWideCPU {
		pad = max(pad, 64)
		// One pair of taps: blocks in pairs if they fit, for the kernel
		// that loads their samples once.
		r.awBase, r.awTab, r.awNP = planAreaWide(r.axofs[:r.dstW], r.axw, r.axn, r.srcW+pad, 2)
		r.awPaired = r.awNP == 1
		if !r.awPaired {
			r.awBase, r.awTab, r.awNP = planAreaWide(r.axofs[:r.dstW], r.axw, r.axn, r.srcW+pad, 1)
		}
	}
	if r.cn == 1 && areaLanesCPU {
		r.afBase, r.afTab = planAreaFused(r.axofs[:r.dstW], r.axw, r.axn, r.srcW)
	}
	if r.cn == 1 && areaLanesCPU && r.afTab == nil {
		pad = max(pad, 8)
		for _, sh := range areaLaneShapes {
			if r.alBase, r.alTab = planAreaLanes(r.axofs[:r.dstW], r.axw, r.axn, r.srcW+pad, sh); r.alTab != nil {
				r.alShape = sh
				break
			}
		}
		if r.alTab == nil {
			r.apTab = planAreaPairs(r.axofs, r.axw, r.axn, r.srcW+pad)
		}
	}
	r.vacc = alignedInt16s((r.srcW + pad) * r.cn)
}

// areaWideBlock is the outputs a block of the wide horizontal pass
// computes, and areaWidePairs the most tap pairs an output may have there
// (the wide kernels are generated for 1 to areaWidePairs).
const (
	areaWideBlock = 16
	areaWidePairs = 3
)

// planAreaWide lays out the horizontal pass of a gray row (xofs, xw and n
// as areaCols takes them, for len(xofs) outputs, reading a vacc of vlen
// samples) for areaColsWide: in blocks of areaWideBlock outputs, the first
// sample a block reads, base[b] (rounded down to a multiple of 32 where the
// block's taps still fit, so that the kernel's two loads are whole cache
// lines of a vacc from alignedInt16s), and for each of np pairs of taps q, 32
// indices into vacc[base[b]:] (tap pair q of the 16 outputs in order) and
// their 32 weights, at tab[(b*np+q)*64:]. The taps of an output with weight
// 0 are left out; an output's other taps fill its pairs in order, the rest
// index 0 with weight 0, as do the outputs of the last block past
// len(xofs). The blocks of each group of group blocks share their base
// (areaColsWide1x2_I16_Gray_avx512 loads it once for two). It returns nil
// tables when an output has more than areaWidePairs pairs of taps or a
// group's taps do not fit 64 consecutive samples (from a base at most
// vlen-64).
func planAreaWide(xofs []int32, xw []uint16, n, vlen, group int) (base []int32, tab []uint16, np int) {
	m := len(xofs)
	for d := range m {
		c := 0
		for j := range n {
			if xw[areaColsWeight(d, j, n)] != 0 {
				c++
			}
		}
		np = max(np, (c+1)/2)
	}
	np = max(np, 1)
	if np > areaWidePairs || m == 0 {
		return nil, nil, 0
	}
	nb := (m + areaWideBlock - 1) / areaWideBlock
	base = make([]int32, nb)
	tab = make([]uint16, nb*np*64)
	for g := 0; g*group < nb; g++ {
		d0, d1 := g*group*areaWideBlock, min(m, (g+1)*group*areaWideBlock)
		lo, hi := math.MaxInt, -1
		for d := d0; d < d1; d++ {
			for j := range n {
				if xw[areaColsWeight(d, j, n)] != 0 {
					lo, hi = min(lo, int(xofs[d])+j), max(hi, int(xofs[d])+j)
				}
			}
		}
		if hi < 0 { // no taps of weight above 0: any base
			lo, hi = 0, 0
		}
		if hi-lo >= 64 || lo+64 > vlen {
			return nil, nil, 0
		}
		if hi-lo&^31 < 64 { // the loads at a multiple of 32 samples: whole cache lines of an aligned vacc
			lo &^= 31
		}
		for d := d0; d < d1; d++ {
			b, k, c := d/areaWideBlock, d%areaWideBlock, 0
			base[b] = int32(lo)
			for j := range n {
				w := xw[areaColsWeight(d, j, n)]
				if w == 0 {
					continue
				}
				t := tab[(b*np+c/2)*64:][:64]
				t[2*k+c%2] = uint16(int(xofs[d]) + j - lo)
				t[32+2*k+c%2] = w
				c++
			}
		}
	}
	return base, tab, np
}

// areaLaneBlock is the outputs a block of the lane horizontal pass
// (areaColsLanes) computes.
const areaLaneBlock = 32

// areaLaneShape is a layout of planAreaLanes' tables: k outputs a 128-bit
// lane (4: one dword of tap pairs each; 2: two each) and r windows of 8
// samples a lane whose sums add up.
type areaLaneShape struct{ k, r int }

// areaLaneShapes are the layouts the AVX2 lane kernels are generated for
// (_gen/main.go has the same list), the cheapest first: planArea takes the
// first one whose windows hold every block's taps, where planAreaFused
// made no tables. Shapes of more windows ({4, 3}, {2, 2}) were slower than
// areaCols8 at factors 3.3 and 4.5 (see _gen/main.go), so factors with
// more taps take planAreaPairs' kernel where a pair of outputs spans at
// most 8 samples (3.3), else areaCols. Shape {4, 1} (one window) served the rows of 2
// taps a pixel until areaFused took them: planAreaFused makes tables for
// every row {4, 1} held from sources of 16 pixels on
// (TestAreaTwoTapsFused), and {4, 2} holds every row {4, 1} did (its first
// window is {4, 1}'s), so it was removed.
var areaLaneShapes = []areaLaneShape{{4, 2}, {2, 1}}

// areaLaneUnits is the windows (YMM registers of two 128-bit lanes) a
// block of areaLaneBlock outputs has in shape s.
func areaLaneUnits(s areaLaneShape) int { return 16 / s.k * s.r }

// areaLaneOut is the output (in its block) that dword i of lane l of a
// window in column c sums into: with k = 4 the lanes of column c hold
// outputs 4c to 4c+3 and 16+4c to 16+4c+3, one a dword, so that the
// kernel's packs put them in order; with k = 2 columns 2j and 2j+1 hold
// outputs 4j, 4j+1 and 4j+2, 4j+3 (and 16 on), two dwords each, which the
// kernel adds pairwise and interleaves (then puts back in order with one
// VPSHUFB).
func areaLaneOut(k, c, l, i int) int {
	if k == 4 {
		return 16*l + 4*c + i
	}
	return 16*l + 4*(c>>1) + 2*(c&1) + i>>1
}

// planAreaLanes lays out the horizontal pass of a gray row (xofs, xw and n
// as areaCols takes them, for len(xofs) outputs, reading a vacc of vlen
// samples) for areaColsLanes in shape s: in blocks of areaLaneBlock
// outputs, each of its areaLaneUnits(s) windows u (column c = u/s.r, the
// windows of a column in turn) has for each of its two lanes l the first
// of the 8 samples it reads, base[(b*U+u)*2+l], and 32 table words at
// tab[(b*U+u)*32:]: for lane l, words 8l to 8l+7 select the samples of
// its 8 words, (2o) | (2o+1)<<8 for sample base+o (a VPSHUFB control),
// and words 16+8l to 16+8l+7 are their weights; the word pair 2i, 2i+1 of
// lane l sums into output areaLaneOut(s.k, c, l, i). The windows of a
// column start, in turn, at the first tap of its outputs the ones before
// did not take, and take each output's taps (of weight above 0) in order,
// two a dword, as far as they are inside; the rest weigh 0, as do the
// outputs of the last block past len(xofs). It returns nil tables when
// some taps are left after s.r windows, or vlen is below 8.
func planAreaLanes(xofs []int32, xw []uint16, n, vlen int, s areaLaneShape) (base []int32, tab []uint16) {
	m := len(xofs)
	if m == 0 || vlen < 8 {
		return nil, nil
	}
	units := areaLaneUnits(s)
	nb := (m + areaLaneBlock - 1) / areaLaneBlock
	base = make([]int32, nb*units*2)
	tab = make([]uint16, nb*units*32)
	type tap struct {
		p int
		w uint16
	}
	var taps [4][]tap // the taps left of the outputs of a lane's dword pairs i, in order
	for b := range nb {
		for c := 0; c < 16/s.k; c++ {
			for l := 0; l < 2; l++ {
				for i := range taps {
					taps[i] = taps[i][:0]
					if i%(4/s.k) != 0 { // k = 2: pairs 1 and 3 share the taps of 0 and 2
						continue
					}
					d := b*areaLaneBlock + areaLaneOut(s.k, c, l, i)
					if d >= m {
						continue
					}
					for j := range n {
						if w := xw[areaColsWeight(d, j, n)]; w != 0 {
							taps[i] = append(taps[i], tap{int(xofs[d]) + j, w})
						}
					}
				}
				lo := 0
				for r := 0; r < s.r; r++ {
					first := math.MaxInt
					for _, ts := range taps {
						if len(ts) > 0 {
							first = min(first, ts[0].p)
						}
					}
					if first < math.MaxInt {
						lo = min(first, vlen-8)
					}
					u := (b*units + c*s.r + r)
					base[u*2+l] = int32(lo)
					t := tab[u*32:][:32]
					for w := range 8 {
						t[8*l+w] = 0x0100 // sample 0, weight 0
					}
					for i := 0; i < 4; i += 4 / s.k {
						// The dword pairs of this output in this window:
						// i (k = 4) or i and i+1 (k = 2).
						ts := taps[i]
						for h := 0; h < 2*(4/s.k) && len(ts) > 0 && ts[0].p < lo+8; h++ {
							o := ts[0].p - lo
							t[8*l+2*i+h] = uint16(2*o) | uint16(2*o+1)<<8
							t[16+8*l+2*i+h] = ts[0].w
							ts = ts[1:]
						}
						taps[i] = ts
					}
				}
				for _, ts := range taps {
					if len(ts) > 0 {
						return nil, nil
					}
				}
			}
		}
	}
	return base, tab
}

// planAreaPairs lays out the horizontal pass of a gray row (xofs, xw and n
// as areaCols takes them, xofs padded to whole blocks of 8 outputs with
// zero weights as planArea pads it, reading a vacc of vlen samples) for
// areaColsPairs: each pair of outputs 2i, 2i+1 reads the 8 samples from
// xofs[2i], and output d's 8 weights for them are at
// tab[d/8*64+d%4*16+d%8/4*8:] (the order in which areaColsPairs' VPMADDWDs
// read them, see areaColsPairs_I16_U8_generic), 0 where d has no tap. It
// returns nil when a tap (of weight above 0) of a pair is outside its 8
// samples or 8 samples from a pair's first are past vlen. Outputs of 4 or
// 5 taps at factors up to 3.5 fit: two outputs span at most 8 samples.
// planArea makes it only where no lane shape holds the taps (at 2.4 the
// lanes were faster; at 3.3 it took the frame from 127 to 102 us without
// AVX-512, see _gen/main.go).
func planAreaPairs(xofs []int32, xw []uint16, n, vlen int) []uint16 {
	m := len(xofs)
	if m == 0 || m%8 != 0 {
		return nil
	}
	tab := make([]uint16, m*8)
	for d := range m {
		x0 := int(xofs[d&^1])
		if x0+8 > vlen {
			return nil
		}
		t := tab[d/8*64+d%4*16+d%8/4*8:][:8]
		for j := range n {
			w := xw[areaColsWeight(d, j, n)]
			if w == 0 {
				continue
			}
			o := int(xofs[d]) + j - x0
			if o < 0 || o >= 8 {
				return nil
			}
			t[o] = w
		}
	}
	return tab
}

// areaFusedBlock is the outputs a block of the fused Area pass (areaFused)
// computes.
const areaFusedBlock = 32

// planAreaFused lays out both passes of the fractional Area filter on a
// gray row (xofs, xw and n as areaCols takes them, for len(xofs) outputs,
// from source rows of srcW pixels) for areaFused: in blocks of
// areaFusedBlock outputs, each of its 4 registers g (outputs 8g to 8g+7)
// has the first of the 16 source pixels it reads, base[4b+g], and 32 table
// words at tab[(4b+g)*32:]: words 8l to 8l+7 are the VPSHUFB control of
// lane l, 0x80 | o<<8 for pixel base+o in the high byte of the word, words
// 16+8l to 16+8l+7 their weights; words 2i, 2i+1 of lane l are the taps of
// output 8g+4l+i (of weight above 0, in order; the rest pixel 0 with
// weight 0, as are the outputs of the last block past len(xofs)). It
// returns nil tables when an output has more than 2 taps, the taps of 8
// outputs do not fit 16 pixels, or srcW is below 16.
func planAreaFused(xofs []int32, xw []uint16, n, srcW int) (base []int32, tab []uint16) {
	m := len(xofs)
	if m == 0 || srcW < 16 {
		return nil, nil
	}
	nb := (m + areaFusedBlock - 1) / areaFusedBlock
	base = make([]int32, nb*4)
	tab = make([]uint16, nb*4*32)
	for i := range tab {
		if i%32 < 16 {
			tab[i] = 0x0080 // pixel 0, weight 0
		}
	}
	for u := range base {
		lo := -1
		for o := range 8 {
			d := 8*u + o
			if d >= m {
				break
			}
			t := tab[u*32:][:32]
			c := 0
			for j := range n {
				w := xw[areaColsWeight(d, j, n)]
				if w == 0 {
					continue
				}
				x := int(xofs[d]) + j
				if lo < 0 {
					lo = min(x, srcW-16)
					base[u] = int32(lo)
				}
				if c == 2 || x >= lo+16 {
					return nil, nil
				}
				k := 8*(o/4) + 2*(o%4) + c
				t[k] = 0x80 | uint16(x-lo)<<8
				t[16+k] = w
				c++
			}
		}
	}
	return base, tab
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

// resizeArea is the fractional Area filter in two fixed-point passes: the
// source rows under destination row dy are accumulated with their vertical
// weights into vacc (areaAccBits fractional bits, see
// areaRows_U8_I16_generic), then each destination sample is the weighted
// sum of its columns of vacc, rounded half up from areaAccBits+areaBits
// fractional bits. It is within 1 of the float32 evaluation of the same
// coverage weights (OpenCV's INTER_AREA). Gray rows with planAreaFused's
// tables, on AVX2 CPUs where the wide kernels do not take them, run both
// passes in areaFused with no vacc, to the same bytes: the 1080p frame at
// factor 1.5 with AVX-512 off went from 163 to 121 us (factor 4: 91;
// medians of 5 interleaved runs on a loaded machine). With AVX-512 on,
// factor 1.5 took 1.21 times factor 4's time by the wide kernels and 1.32
// by areaFused (medians of 8 interleaved runs), so the wide kernels keep
// the rows they have tables for.
func (r *Resizer) resizeArea(dst, src *Plane) {
	vacc := r.vacc[:r.srcW*r.cn]
	for dy := 0; dy < r.dstH; dy++ {
		t0, t1 := r.ystart[dy], r.ystart[dy+1]
		if r.afTab != nil && t0 < t1 && areaLanesOn() && !(r.awTab != nil && areaWideOn()) {
			o := int(r.ytab[t0].si) * src.Stride
			end := o + int(t1-t0-1)*src.Stride + r.srcW
			areaFused(dst.Row(dy)[:r.dstW], src.Pix[o:end:end], src.Stride, r.aym[t0:t1], r.afBase, r.afTab)
			continue
		}
		if t0 == t1 {
			for i := range vacc {
				vacc[i] = -1 << 15 // a sum of 0
			}
		} else {
			o := int(r.ytab[t0].si) * src.Stride
			end := o + int(t1-t0-1)*src.Stride + len(vacc)
			areaRows(vacc, src.Pix[o:end:end], src.Stride, r.aym[t0:t1])
		}
		switch {
		case r.awTab != nil && areaWideOn():
			areaColsWide(dst.Row(dy)[:r.dstW], r.vacc, r.awBase, r.awTab, r.awNP, r.awPaired)
		case r.alTab != nil && areaLanesOn():
			areaColsLanes(dst.Row(dy)[:r.dstW], r.vacc, r.alBase, r.alTab, r.alShape)
		case r.apTab != nil && areaLanesOn():
			areaColsPairs(dst.Row(dy)[:r.dstW], r.vacc, r.axofs, r.apTab)
		default:
			areaCols(dst.Row(dy)[:r.dstW*r.cn], r.vacc, r.axofs, r.axw, r.axn, r.cn)
		}
	}
}
