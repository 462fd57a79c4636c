package detect

import (
	"math"
	"unsafe"

	"github.com/facegate/facegate/preprocess"
)

// This file is the evaluation of a HaarCascade over an image pyramid, the
// way OpenCV 4's CascadeClassifier::detectMultiScale does it, so that the
// windows it accepts are OpenCV's (TestHaarOpenCVExact, -tags external):
//
//   - scales 1, f, f², ... (f the scale factor, accumulated in float64 and
//     stored as float32), kept while the window round(20·scale) fits
//     minSize..maxSize and the image;
//   - per scale, the image resized to round(W/scale) x round(H/scale) with
//     OpenCV's bit-exact bilinear filter (INTER_LINEAR_EXACT: 8-bit
//     fixed-point weights, pixel-centre alignment), then its integral and
//     squared integral (32-bit, wrapping as OpenCV's CV_32S do);
//   - the window, the cascade's own 20x20, slid over each level in rows
//     and columns `step` level pixels apart, skipping one extra position
//     after a window that the first stage rejects (OpenCV's shortcut);
//   - per window, the standard deviation over the window inset by one pixel
//     normalises every feature, and windows whose deviation is 10 or less
//     are rejected, as OpenCV's HaarEvaluator::setWindow does;
//   - per stump, the feature (float32 sums of weighted rectangle sums) times
//     the normalisation, compared with the threshold; per stage, the leaf
//     values summed in float64 and compared with the stage threshold.
//
// Rescaling the image per level rather than the features per level (Viola
// and Jones's way, on one integral image) keeps the features at the
// integer 20x20 geometry they were trained at: scaled rectangles would have
// to be rounded, which changes the areas and so the learned thresholds'
// meaning, and would not give OpenCV's windows. The price is one resize and
// one integral per level, about 6x the first level's pixels in all at a
// scale factor of 1.1, a few percent of the time.
//
// The arithmetic is OpenCV's, but organised for speed where that is
// provably the same: for cascades whose leaves and thresholds are multiples
// of a power of two small enough (HaarCascade.fixed: OpenCV's own files)
// the float64 stage sums are exact, so they are integer sums here, in any
// order; for cascades with small integer weights (intWeights: OpenCV's own
// files) the float32 features are exact, so they are int32 here. Then each
// row's windows go through the first stage one by one (the skip depends on
// it), and the survivors through the other stages breadth-first in batches
// (haarBatch), two-rectangle stumps before three-rectangle ones, without a
// branch per window. Other cascades are classified window by window
// (classify), which is also the reference the tests hold the batches to.
//
// The mirror orientation runs the cascade with every rectangle mirrored in
// the window ((x, y, w, h) becomes (W-x-w, y, w, h)), with its columns
// visited right to left and its windows recorded in the mirrored plane's
// coordinates: that is exactly OpenCV run on the mirrored level image,
// which is the mirror of this level image whenever the resize weights are
// symmetric. They are, except where a weight is an exact rounding tie that
// OpenCV's float64 tap positions round apart by 1/256 between a pixel and
// its mirror; that needs a level side that is a multiple of 256, and
// happens for 5 of the 40,096 resizes TestHaarTapsSymmetric checks. No
// image is copied.

// haarOp is one stump compiled for a stride: the byte offsets from the
// window's top-left integral entry of the four corners of each rectangle
// (top-left, top-right, bottom-left, bottom-right), its weights and
// threshold.
type haarOp struct {
	o   [12]int32
	w   [3]float32
	thr float32
	iw  [3]int32 // the weights as integers (when the cascade's intWeights)
}

// haarLeaf is a stump's leaves at the fixed-point scale: left, and right
// minus left.
type haarLeaf struct{ left, diff int64 }

// haarFixedStage is a stage of a plan's fixed-point ops: ops[first:mid]
// have two rectangles, ops[mid:end] three. left is the sum of its stumps'
// left leaves.
type haarFixedStage struct {
	first, mid, end int
	threshold, left int64
}

// haarPlan is a cascade compiled for one integral stride and orientation.
// With a fixed-point cascade the ops are reordered within each stage (two-
// rectangle stumps first: integer sums do not depend on order) and the
// leaves are integers; otherwise they are in the file's order with float
// leaves, summed in float64 in that order as OpenCV does.
type haarPlan struct {
	ops    []haarOp
	leaves [][2]float32 // float path: left, right
	fleaf  []haarLeaf   // fixed path
	stages []haarFixedStage
	nofs   [4]int32 // the normalising rectangle's corners
	area   float64
}

// compile fills p for integral images of the given stride (in entries);
// mirror mirrors every rectangle in the window.
func (p *haarPlan) compile(c *HaarCascade, stride int, mirror bool) {
	n := len(c.stumps)
	if len(p.ops) != n {
		p.ops = make([]haarOp, n)
		p.leaves = make([][2]float32, n)
		p.fleaf = make([]haarLeaf, n)
		p.stages = make([]haarFixedStage, len(c.stages))
	}
	corners := func(dst []int32, r haarRect) {
		x := r.x
		if mirror {
			x = c.width - r.x - r.w
		}
		dst[0] = int32(4 * (r.y*stride + x))
		dst[1] = int32(4 * (r.y*stride + x + r.w))
		dst[2] = int32(4 * ((r.y+r.h)*stride + x))
		dst[3] = int32(4 * ((r.y+r.h)*stride + x + r.w))
	}
	op := func(s haarStump) haarOp {
		var op haarOp
		for k, r := range c.features[s.feature].rects {
			// OpenCV's empty rectangle has all four corners at the
			// window's top-left entry and weight 0.
			if r.w != 0 {
				corners(op.o[4*k:4*k+4], r)
			}
			op.w[k] = r.weight
			op.iw[k] = int32(r.weight)
		}
		op.thr = s.threshold
		return op
	}
	for si, st := range c.stages {
		i := st.first
		fs := haarFixedStage{first: st.first, end: st.first + st.n}
		if c.fixed {
			fs.threshold = c.toFixed(st.threshold)
			for pass := 0; pass < 2; pass++ {
				if pass == 1 {
					fs.mid = i
				}
				for _, s := range c.stumps[st.first : st.first+st.n] {
					three := c.features[s.feature].rects[2].weight != 0
					if three != (pass == 1) {
						continue
					}
					p.ops[i] = op(s)
					p.fleaf[i] = haarLeaf{c.toFixed(s.left), c.toFixed(s.right) - c.toFixed(s.left)}
					fs.left += p.fleaf[i].left
					i++
				}
			}
		} else {
			for _, s := range c.stumps[st.first : st.first+st.n] {
				p.ops[i] = op(s)
				p.leaves[i] = [2]float32{s.left, s.right}
				i++
			}
		}
		p.stages[si] = fs
	}
	norm := haarRect{x: 1, y: 1, w: c.width - 2, h: c.height - 2}
	corners(p.nofs[:], norm)
	p.area = float64(norm.w * norm.h)
}

// ld32 loads the integral entry at byte offset o from p.
func ld32(p unsafe.Pointer, o int32) uint32 { return *(*uint32)(unsafe.Add(p, o)) }

// feature is OpenCV's OptFeature::calc: w0*sum0 + w1*sum1 (+ w2*sum2),
// float32 products and sums each rounded (the conversions forbid fused
// multiply-adds, which OpenCV's build does not use either), the rectangle
// sums wrapping as OpenCV's 32-bit integers do.
func (op *haarOp) feature(win unsafe.Pointer) float32 {
	o := &op.o
	s0 := int32(ld32(win, o[0]) - ld32(win, o[1]) - ld32(win, o[2]) + ld32(win, o[3]))
	s1 := int32(ld32(win, o[4]) - ld32(win, o[5]) - ld32(win, o[6]) + ld32(win, o[7]))
	f := float32(op.w[0]*float32(s0)) + float32(op.w[1]*float32(s1))
	if op.w[2] != 0 {
		s2 := int32(ld32(win, o[8]) - ld32(win, o[9]) - ld32(win, o[10]) + ld32(win, o[11]))
		f += float32(op.w[2] * float32(s2))
	}
	return f
}

// classify runs the whole cascade on the window whose top-left integral
// entry is at win, with variance normalisation vnf: OpenCV's
// predictOrderedStump. It returns 1 for an accepted window (with the last
// stage's sum less its threshold), else minus the rejecting stage (so 0
// for the first). It is the reference the batched path (haarBatch) is
// tested against, and the path for cascades that do not qualify for it.
//
// The pointer arithmetic skips bounds checks, which are redundant: the
// callers pass windows whose cascade-window block lies inside the level,
// every offset of a compiled plan is inside that block (parse checked
// each rectangle against the window), and the integral buffer holds the
// level's (height+1) rows of stride entries.
func (p *haarPlan) classify(c *HaarCascade, win unsafe.Pointer, vnf float32) (int, float32) {
	if c.fixed {
		var sum int64
		for si := range p.stages {
			st := &p.stages[si]
			sum = p.stageFixed(win, vnf, st)
			if sum < st.threshold {
				return -si, 0
			}
		}
		last := p.stages[len(p.stages)-1].threshold
		return 1, float32(math.Ldexp(float64(sum-last), -int(c.fixedShift)))
	}
	var sum float64
	for si := range c.stages {
		st := &c.stages[si]
		ops := p.ops[st.first : st.first+st.n]
		leaves := p.leaves[st.first : st.first+st.n]
		sum = 0
		for i := range ops {
			if ops[i].feature(win)*vnf < ops[i].thr {
				sum += float64(leaves[i][0])
			} else {
				sum += float64(leaves[i][1])
			}
		}
		if sum < float64(st.threshold) {
			return -si, 0
		}
	}
	return 1, float32(sum - float64(c.stages[len(c.stages)-1].threshold))
}

// stageFixed is one stage's fixed-point sum for one window.
func (p *haarPlan) stageFixed(win unsafe.Pointer, vnf float32, st *haarFixedStage) int64 {
	var sum int64
	ops, leaves := p.ops[st.first:st.end], p.fleaf[st.first:st.end]
	for i := range ops {
		l := &leaves[i]
		sum += l.left + l.diff&-int64(b2i(ops[i].feature(win)*vnf >= ops[i].thr))
	}
	return sum
}

// haarWin is a window in a batch: its running stage sum, the byte offset
// of its top-left integral entry and its variance normalisation.
type haarWin struct {
	acc  int64
	base int32
	vnf  float32
}

// haarBatch holds windows of one level awaiting the stages after the
// first, breadth-first: every live window through one stump before the
// next, so that the stump's offsets, weights and threshold stay in
// registers and the windows' independent loads overlap.
type haarBatch struct {
	w   []haarWin
	pos []int32 // each window's column (the mirrored level's for the mirror) and row, packed
}

func (b *haarBatch) add(base int32, vnf float32, x, y int) {
	b.w = append(b.w, haarWin{base: base, vnf: vnf})
	b.pos = append(b.pos, int32(y)<<16|int32(x))
}

// run passes the batch's windows through stages from..end of the plan
// (fixed point), keeping in the batch those every stage accepts, with the
// last stage's sum in acc.
func (b *haarBatch) run(p *haarPlan, sum unsafe.Pointer, from int) {
	for si := from; si < len(p.stages) && len(b.w) > 0; si++ {
		st := &p.stages[si]
		ws := b.w
		for k := range ws {
			ws[k].acc = st.left
		}
		for i := st.first; i < st.mid; i++ {
			stump2(ws, sum, &p.ops[i], p.fleaf[i].diff)
		}
		for i := st.mid; i < st.end; i++ {
			stump3(ws, sum, &p.ops[i], p.fleaf[i].diff)
		}
		// Keep the windows at or above the threshold, in order,
		// without a branch per window.
		live := 0
		thr := st.threshold
		pos := b.pos[:len(ws)]
		for k := range ws {
			w := ws[k]
			ws[live], pos[live] = w, pos[k]
			live += b2i(w.acc >= thr)
		}
		b.w, b.pos = ws[:live], pos[:live]
	}
}

// stump2 adds a two-rectangle stump's right-minus-left leaf to the sum
// of every window the stump sends right (the sums start at the stage's
// left leaves). The weights are integers (intWeights), so the feature is
// exact in int32 and its float32 is OpenCV's float32 arithmetic's result.
func stump2(ws []haarWin, sum unsafe.Pointer, op *haarOp, diff int64) {
	o0, o1, o2, o3 := op.o[0], op.o[1], op.o[2], op.o[3]
	o4, o5, o6, o7 := op.o[4], op.o[5], op.o[6], op.o[7]
	w0, w1, thr := op.iw[0], op.iw[1], op.thr
	for k := range ws {
		w := &ws[k]
		p := unsafe.Add(sum, w.base)
		s0 := int32(ld32(p, o0) - ld32(p, o1) - ld32(p, o2) + ld32(p, o3))
		s1 := int32(ld32(p, o4) - ld32(p, o5) - ld32(p, o6) + ld32(p, o7))
		f := float32(w0*s0 + w1*s1)
		d := int64(0)
		if f*w.vnf >= thr {
			d = diff // a conditional move, no branch
		}
		w.acc += d
	}
}

// stump3 is stump2 for a three-rectangle stump.
func stump3(ws []haarWin, sum unsafe.Pointer, op *haarOp, diff int64) {
	o := &op.o
	w0, w1, w2, thr := op.iw[0], op.iw[1], op.iw[2], op.thr
	for k := range ws {
		w := &ws[k]
		p := unsafe.Add(sum, w.base)
		s0 := int32(ld32(p, o[0]) - ld32(p, o[1]) - ld32(p, o[2]) + ld32(p, o[3]))
		s1 := int32(ld32(p, o[4]) - ld32(p, o[5]) - ld32(p, o[6]) + ld32(p, o[7]))
		s2 := int32(ld32(p, o[8]) - ld32(p, o[9]) - ld32(p, o[10]) + ld32(p, o[11]))
		f := float32(w0*s0 + w1*s1 + w2*s2)
		d := int64(0)
		if f*w.vnf >= thr {
			d = diff
		}
		w.acc += d
	}
}

// normFactor is OpenCV's HaarEvaluator::setWindow: the inverse of the
// normalising rectangle's area times its standard deviation, as float32, and
// whether the window is kept (a deviation above 10).
func (p *haarPlan) normFactor(sum, sq unsafe.Pointer) (float32, bool) {
	s := int32(ld32(sum, p.nofs[0]) - ld32(sum, p.nofs[1]) - ld32(sum, p.nofs[2]) + ld32(sum, p.nofs[3]))
	q := ld32(sq, p.nofs[0]) - ld32(sq, p.nofs[1]) - ld32(sq, p.nofs[2]) + ld32(sq, p.nofs[3])
	// Both products are exact in float64 (below 2^53).
	nf := p.area*float64(q) - float64(s)*float64(s)
	if nf > 0 {
		v := float32(1 / math.Sqrt(nf))
		return v, p.area*float64(v) < 1e-1
	}
	return 1, false
}

// haarLevel is one pyramid level: OpenCV's ScaleData.
type haarLevel struct {
	scale  float32 // level pixels are scale pixels of the scanned plane
	w, h   int     // level image size
	window int     // window side in plane pixels: round(cascade side * scale)
}

// haarLevels appends the levels OpenCV's detectMultiScale would scan on a
// w x h image with a cascade of window cw x ch for windows of
// minSize..maxSize (its detectMultiScaleNoGrouping loop). Haar and LBP
// cascades share it.
func haarLevels(dst []haarLevel, cw, ch, w, h, minSize, maxSize int, factor float64) []haarLevel {
	for f := 1.0; ; f *= factor {
		ww := int(math.RoundToEven(float64(cw) * f))
		wh := int(math.RoundToEven(float64(ch) * f))
		if ww > maxSize || wh > maxSize || ww > w || wh > h {
			break
		}
		if ww < minSize || wh < minSize {
			continue
		}
		s := float32(f)
		l := haarLevel{
			scale:  s,
			w:      int(math.RoundToEven(float64(float32(w) / s))),
			h:      int(math.RoundToEven(float64(float32(h) / s))),
			window: int(math.RoundToEven(float64(float32(cw) * s))),
		}
		if l.w < cw || l.h < ch {
			continue // no window fits (cannot happen for f >= 1; kept for safety)
		}
		dst = append(dst, l)
	}
	return dst
}

// linearTaps computes OpenCV's INTER_LINEAR_EXACT taps for one axis
// (interpolationLinear::getCoeffs): for each destination pixel the first
// source pixel and two 8-bit fixed-point weights summing to 256. Pixels
// before lo or from hi on copy the first or last source pixel.
func linearTaps(ofs []int32, w []uint16, src, dst int) (lo, hi int) {
	inv := float64(dst) / float64(src)
	scale := 1 / inv
	hi = dst
	for v := 0; v < dst; v++ {
		fv := float64(scale*(float64(v)+0.5)) - 0.5
		iv := int(math.Floor(fv))
		switch {
		case iv < 0 || src <= 1:
			lo = max(lo, v+1)
		case iv < src-1:
			ofs[v] = int32(iv)
			c1 := uint16(math.RoundToEven((fv - float64(iv)) * 256))
			w[2*v+1] = c1
			w[2*v] = 0
			if c1 < 256 {
				w[2*v] = 256 - c1
			}
		default:
			ofs[v] = int32(src - 1)
			hi = min(hi, v)
		}
	}
	return lo, hi
}

// haarPyramid builds levels' integral images.
type haarPyramid struct {
	xofs, yofs []int32
	xw, yw     []uint16
	hbuf       [2][]uint16 // horizontally resampled source rows, 8.8 fixed point
	hrow       [2]int      // the source row each holds (-1: none)
	row        []byte      // one level row
	sum, sq    []uint32    // integral and squared integral, stride entries per row
}

// hline is OpenCV's hlineResizeCn for one channel: source row r resampled
// horizontally into 8.8 fixed point.
func hline(dst []uint16, src []byte, ofs []int32, w []uint16, lo, hi int) {
	dst = dst[:len(ofs)]
	p0 := uint16(src[0]) << 8
	for i := 0; i < lo; i++ {
		dst[i] = p0
	}
	for i := lo; i < hi; i++ {
		o := ofs[i]
		dst[i] = w[2*i]*uint16(src[o]) + w[2*i+1]*uint16(src[o+1])
	}
	if hi < len(dst) {
		pl := uint16(src[ofs[len(dst)-1]]) << 8
		for i := hi; i < len(dst); i++ {
			dst[i] = pl
		}
	}
}

// source returns the horizontally resampled source row r, computing it
// into one of the two buffers unless held; keep is a row that must not be
// evicted.
func (py *haarPyramid) source(src *preprocess.Plane, r, keep int, lo, hi int) []uint16 {
	for k := range py.hrow {
		if py.hrow[k] == r {
			return py.hbuf[k]
		}
	}
	k := 0
	if py.hrow[0] == keep {
		k = 1
	}
	hline(py.hbuf[k], src.Row(r), py.xofs, py.xw, lo, hi)
	py.hrow[k] = r
	return py.hbuf[k]
}

// build resizes src to l.w x l.h (INTER_LINEAR_EXACT) and writes the
// integral and squared integral of the result into py.sum and py.sq with
// the given stride (at least l.w+1), rows 0..l.h.
func (py *haarPyramid) build(src *preprocess.Plane, l haarLevel, stride int) {
	dw, dh := l.w, l.h
	if cap(py.xofs) < dw {
		py.xofs, py.xw = make([]int32, dw), make([]uint16, 2*dw)
		py.hbuf[0], py.hbuf[1] = make([]uint16, dw), make([]uint16, dw)
		py.row = make([]byte, dw)
	}
	if cap(py.yofs) < dh {
		py.yofs, py.yw = make([]int32, dh), make([]uint16, 2*dh)
	}
	if n := stride * (dh + 1); cap(py.sum) < n {
		py.sum, py.sq = make([]uint32, n), make([]uint32, n)
	}
	py.xofs, py.xw = py.xofs[:dw], py.xw[:2*dw]
	py.yofs, py.yw = py.yofs[:dh], py.yw[:2*dh]
	xofs, xw, yofs, yw := py.xofs, py.xw, py.yofs, py.yw
	py.hbuf[0], py.hbuf[1], py.row = py.hbuf[0][:dw], py.hbuf[1][:dw], py.row[:dw]
	xlo, xhi := linearTaps(xofs, xw, src.Width, dw)
	ylo, yhi := linearTaps(yofs, yw, src.Height, dh)
	py.hrow = [2]int{-1, -1}

	sum, sq := py.sum[:stride*(dh+1)], py.sq[:stride*(dh+1)]
	clear(sum[:dw+1])
	clear(sq[:dw+1])
	row := py.row
	for dy := 0; dy < dh; dy++ {
		switch {
		case dy < ylo || dy >= yhi:
			r := 0
			if dy >= yhi {
				r = src.Height - 1
			}
			h := py.source(src, r, -1, xlo, xhi)
			for i, v := range h {
				row[i] = byte((v + 128) >> 8) // vlineSet
			}
		default:
			r := int(yofs[dy])
			h0 := py.source(src, r, r+1, xlo, xhi)
			h1 := py.source(src, r+1, r, xlo, xhi)
			c0, c1 := uint32(yw[2*dy]), uint32(yw[2*dy+1])
			h1 = h1[:len(h0)]
			for i := range h0 {
				row[i] = byte((uint32(h0[i])*c0 + uint32(h1[i])*c1 + 1<<15) >> 16) // vlineResize
			}
		}
		// Integral row dy+1 from row dy.
		prev, cur := sum[dy*stride:dy*stride+dw+1], sum[(dy+1)*stride:(dy+1)*stride+dw+1]
		prevq, curq := sq[dy*stride:dy*stride+dw+1], sq[(dy+1)*stride:(dy+1)*stride+dw+1]
		cur[0], curq[0] = 0, 0
		var s, q uint32
		for x, v := range row {
			s += uint32(v)
			q += uint32(v) * uint32(v)
			cur[x+1] = prev[x+1] + s
			curq[x+1] = prevq[x+1] + q
		}
	}
}

// haarHit is a raw window: its rectangle in the scanned plane's pixels (for
// the mirror orientation, in the mirrored plane's), and the last stage's
// margin.
type haarHit struct {
	x, y, w, h int32
	margin     float32
}

// haarScanner scans planes with one cascade in both orientations.
type haarScanner struct {
	c       *HaarCascade
	plan    [2]haarPlan // 0: as trained, 1: mirrored
	stride  int         // the stride plan was compiled for (0: none)
	py      haarPyramid
	vnf     []float32
	levels  []haarLevel
	batch   [2]haarBatch
	hits    [2][]haarHit
	orients int  // 1: as trained only; 2: both
	noSkip  bool // tests: no extra step after a first-stage rejection
	serial  bool // tests: classify each window whole (the reference path)
	cvStep  bool // tests: OpenCV's step, 2 on levels of scale below 2, else 1

	windows int // windows classified in the last scan (both orientations)
}

// haarBatchWindows is about how many windows a batch collects before the
// stages after the first run over them.
const haarBatchWindows = 1024

// scan runs the cascade over p (one channel) for windows minSize..maxSize
// (plane pixels) at the given scale factor and step (level pixels), and
// leaves the raw windows of each orientation in s.hits.
func (s *haarScanner) scan(p *preprocess.Plane, minSize, maxSize int, factor float64, step int) {
	c := s.c
	s.hits[0], s.hits[1] = s.hits[0][:0], s.hits[1][:0]
	s.levels = haarLevels(s.levels[:0], c.width, c.height, p.Width, p.Height, minSize, maxSize, factor)
	s.windows = 0
	if len(s.levels) == 0 {
		return
	}
	// One stride for every level (the first level is the largest), and
	// the widest seen so far, so that the compiled plans serve every
	// level and frame.
	if stride := s.levels[0].w + 1; stride > s.stride {
		s.stride = stride
		s.plan[0].compile(c, stride, false)
		s.plan[1].compile(c, stride, true)
	}
	for _, l := range s.levels {
		s.py.build(p, l, s.stride)
		st := step
		if s.cvStep {
			st = 1
			if l.scale < 2 {
				st = 2
			}
		}
		s.scanLevel(l, s.stride, st)
	}
}

// scanLevel scans one level's integral images: per row of windows, the
// normalisation of every window, then per orientation the first stage
// window by window in OpenCV's order (its skip after a first-stage
// rejection depends on it), collecting the survivors into a batch that
// the other stages run over.
func (s *haarScanner) scanLevel(l haarLevel, stride, step int) {
	c := s.c
	ww, wh := l.w+1-c.width, l.h+1-c.height // OpenCV's working size
	if ww <= 0 || wh <= 0 {
		return
	}
	if cap(s.vnf) < ww {
		s.vnf = make([]float32, ww)
	}
	vnf := s.vnf[:ww]
	sum := unsafe.Pointer(unsafe.SliceData(s.py.sum))
	sq := unsafe.Pointer(unsafe.SliceData(s.py.sq))
	// The last window's last integral entry, checked once: every window
	// below reads inside [0, end].
	end := (wh-1+c.height)*stride + ww - 1 + c.width
	_ = s.py.sum[end]
	_ = s.py.sq[end]
	extra := step
	if s.noSkip {
		extra = 0
	}
	batched := c.fixed && c.intWeights && !s.serial
	for o := range s.batch {
		s.batch[o].w, s.batch[o].pos = s.batch[o].w[:0], s.batch[o].pos[:0]
	}
	for y := 0; y < wh; y += step {
		base := 4 * y * stride
		for x := range vnf {
			v, ok := s.plan[0].normFactor(unsafe.Add(sum, base+4*x), unsafe.Add(sq, base+4*x))
			if !ok {
				v = 0
			}
			vnf[x] = v
		}
		for o := 0; o < s.orients; o++ {
			pl, b := &s.plan[o], &s.batch[o]
			for x := 0; x < ww; x += step {
				lx := x // level column of the window's left edge
				if o == 1 {
					lx = ww - 1 - x // right to left: x is the mirrored level's column
				}
				v := vnf[lx]
				if v == 0 {
					continue // OpenCV's runAt returns -1: no extra step
				}
				s.windows++
				win := unsafe.Add(sum, base+4*lx)
				if !batched {
					r, m := pl.classify(c, win, v)
					if r > 0 {
						s.hit(o, l, x, y, m)
					} else if r == 0 {
						x += extra
					}
					continue
				}
				st := &pl.stages[0]
				if pl.stageFixed(win, v, st) < st.threshold {
					x += extra
					continue
				}
				b.add(int32(base+4*lx), v, x, y)
			}
			if len(b.w) >= haarBatchWindows {
				s.flush(o, l)
			}
		}
	}
	for o := 0; o < s.orients; o++ {
		s.flush(o, l)
	}
}

// flush runs the other stages over orientation o's batch and records the
// windows they accept.
func (s *haarScanner) flush(o int, l haarLevel) {
	b := &s.batch[o]
	if len(b.w) == 0 {
		return
	}
	pl := &s.plan[o]
	sum := unsafe.Pointer(unsafe.SliceData(s.py.sum))
	if len(pl.stages) == 1 {
		// The first stage was the last: its sums are not kept; redo them.
		for k := range b.w {
			b.w[k].acc = pl.stageFixed(unsafe.Add(sum, b.w[k].base), b.w[k].vnf, &pl.stages[0])
		}
	}
	b.run(pl, sum, 1)
	last := pl.stages[len(pl.stages)-1].threshold
	for k, w := range b.w {
		m := float32(math.Ldexp(float64(w.acc-last), -int(s.c.fixedShift)))
		s.hit(o, l, int(b.pos[k]&0xffff), int(b.pos[k]>>16), m)
	}
	b.w, b.pos = b.w[:0], b.pos[:0]
}

// hit records an accepted window at column x (of the mirrored level for
// the mirror orientation) and row y of level l: OpenCV's
// Rect(round(x*scale), round(y*scale), window, window).
func (s *haarScanner) hit(o int, l haarLevel, x, y int, margin float32) {
	s.hits[o] = append(s.hits[o], haarHit{
		x: int32(math.RoundToEven(float64(float32(x) * l.scale))),
		y: int32(math.RoundToEven(float64(float32(y) * l.scale))),
		w: int32(l.window), h: int32(math.RoundToEven(float64(float32(s.c.height) * l.scale))),
		margin: margin,
	})
}
