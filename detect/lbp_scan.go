package detect

import (
	"math"
	"unsafe"

	"github.com/facegate/facegate/preprocess"
)

// This file evaluates an LBPCascade over an image pyramid the way OpenCV
// 4's CascadeClassifier::detectMultiScale does with an LBP cascade
// (LBPEvaluator and predictCategoricalStump in cascadedetect.hpp), so
// that the windows it accepts are OpenCV's (TestLBPOpenCVExact, -tags
// external). The pyramid is the Haar scan's (haarLevels, haarPyramid:
// the levels, the bit-exact bilinear resize and the 32-bit integral; the
// squared integral it also builds is not read), and the raw windows go to
// the same grouping and merge (HaarDetector). Per window:
//
//   - per stump, the sums of the feature's 3x3 grid of w x h blocks from
//     the integral's 16 grid corners, in 32-bit integers wrapping as
//     OpenCV's do, and the 8-bit code of the outer blocks compared with
//     the centre one (>=), clockwise from the top-left block as bit 7:
//     top-left 128, top 64, top-right 32, right 16, bottom-right 8,
//     bottom 4, bottom-left 2, left 1 (LBPEvaluator::OptFeature::calc);
//   - the left leaf when bit c&31 of subset word c>>5 is set, else the
//     right leaf; per stage, the leaves (float32) summed in float64 in the
//     file's order and compared with the stage threshold (float32, less
//     1e-5); no variance normalisation, so every window is classified;
//   - windows in rows and columns `step` level pixels apart, skipping one
//     extra position after a window that the first stage rejects.
//
// The mirror orientation is OpenCV run on the mirrored level, as for Haar
// cascades (haar_scan.go): each grid is mirrored in the window (x becomes
// W-x-3w), which mirrors the blocks, so the code OpenCV computes on the
// mirrored image is this code with its left and right bits swapped
// (128<->32, 16<->1, 8<->2); the mirrored plan's subsets are permuted
// accordingly instead, and the columns visited right to left. No image
// is copied.

// lbpOp is one stump compiled for a stride: the byte offsets from the
// window's top-left integral entry of the grid's 4x4 corners, row by row,
// its subset and its leaves.
type lbpOp struct {
	o      [16]int32
	subset [8]uint32
	leaves [2]float64 // right, left: indexed by the subset bit
}

// lbpPlan is a cascade compiled for one integral stride and orientation.
type lbpPlan struct {
	ops []lbpOp
}

// mirrorLBPCode is the code of the mirrored grid: left and right blocks
// swapped (bits 7 and 5, 4 and 0, 3 and 1).
func mirrorLBPCode(c uint32) uint32 {
	return c&0b0100_0100 | c>>2&0b0010_0010 | c<<2&0b1000_1000 | c>>4&1 | c<<4&0b1_0000
}

// compile fills p for integral images of the given stride (in entries);
// mirror mirrors every grid in the window.
func (p *lbpPlan) compile(c *LBPCascade, stride int, mirror bool) {
	if len(p.ops) != len(c.stumps) {
		p.ops = make([]lbpOp, len(c.stumps))
	}
	for i, s := range c.stumps {
		f := c.features[s.feature]
		op := &p.ops[i]
		x := f.x
		if mirror {
			x = c.width - f.x - 3*f.w
		}
		for r := range 4 {
			for k := range 4 {
				op.o[4*r+k] = int32(4 * ((f.y+r*f.h)*stride + x + k*f.w))
			}
		}
		op.subset = s.subset
		if mirror {
			op.subset = [8]uint32{}
			for code := range uint32(256) {
				m := mirrorLBPCode(code)
				op.subset[code>>5] |= (s.subset[m>>5] >> (m & 31) & 1) << (code & 31)
			}
		}
		op.leaves = [2]float64{float64(s.right), float64(s.left)}
	}
}

// code is LBPEvaluator::OptFeature::calc for the window whose top-left
// integral entry is at win.
func (op *lbpOp) code(win unsafe.Pointer) uint32 {
	o := &op.o
	v0, v1, v2, v3 := int32(ld32(win, o[0])), int32(ld32(win, o[1])), int32(ld32(win, o[2])), int32(ld32(win, o[3]))
	v4, v5, v6, v7 := int32(ld32(win, o[4])), int32(ld32(win, o[5])), int32(ld32(win, o[6])), int32(ld32(win, o[7]))
	v8, v9, v10, v11 := int32(ld32(win, o[8])), int32(ld32(win, o[9])), int32(ld32(win, o[10])), int32(ld32(win, o[11]))
	v12, v13, v14, v15 := int32(ld32(win, o[12])), int32(ld32(win, o[13])), int32(ld32(win, o[14])), int32(ld32(win, o[15]))
	// Each row band's column prefix differences: a block's sum is
	// d[k] - d[k+1] of its band (Go's int32 arithmetic wraps, as
	// OpenCV's does in practice).
	a0, a1, a2, a3 := v0-v4, v1-v5, v2-v6, v3-v7
	b0, b1, b2, b3 := v4-v8, v5-v9, v6-v10, v7-v11
	c0, c1, c2, c3 := v8-v12, v9-v13, v10-v14, v11-v15
	cv := b1 - b2
	return uint32(b2i(a0-a1 >= cv))<<7 | uint32(b2i(a1-a2 >= cv))<<6 | uint32(b2i(a2-a3 >= cv))<<5 |
		uint32(b2i(b2-b3 >= cv))<<4 | uint32(b2i(c2-c3 >= cv))<<3 | uint32(b2i(c1-c2 >= cv))<<2 |
		uint32(b2i(c0-c1 >= cv))<<1 | uint32(b2i(b0-b1 >= cv))
}

// leaf is the stump's leaf for the window at win.
func (op *lbpOp) leaf(win unsafe.Pointer) float64 {
	c := op.code(win)
	return op.leaves[op.subset[c>>5&7]>>(c&31)&1] // no branch
}

// classify runs the whole cascade on the window whose top-left integral
// entry is at win: OpenCV's predictCategoricalStump. It returns 1 for an
// accepted window (with the last stage's sum less its threshold), else
// minus the rejecting stage (so 0 for the first).
//
// The pointer arithmetic skips bounds checks, which are redundant: the
// caller passes windows whose cascade-window block lies inside the level,
// every offset of a compiled plan is inside that block (parse checked each
// grid against the window), and the integral buffer holds the level's
// (height+1) rows of stride entries.
func (p *lbpPlan) classify(c *LBPCascade, win unsafe.Pointer) (int, float32) {
	var sum float64
	for si := range c.stages {
		st := &c.stages[si]
		ops := p.ops[st.first : st.first+st.n]
		sum = 0
		for i := range ops {
			sum += ops[i].leaf(win)
		}
		if sum < float64(st.threshold) {
			return -si, 0
		}
	}
	return 1, float32(sum - float64(c.stages[len(c.stages)-1].threshold))
}

// lbpScanner scans planes with one LBP cascade in one or both
// orientations: haarScanner's counterpart.
type lbpScanner struct {
	c       *LBPCascade
	plan    [2]lbpPlan // 0: as trained, 1: mirrored
	stride  int        // the stride plan was compiled for (0: none)
	py      haarPyramid
	levels  []haarLevel
	hits    [2][]haarHit
	orients int  // 1: as trained only; 2: both
	noSkip  bool // tests: no extra step after a first-stage rejection
	cvStep  bool // tests: OpenCV's step, 2 on levels of scale below 2, else 1

	windows int // windows classified in the last scan (both orientations)
}

// scan runs the cascade over p (one channel) for windows whose sides are
// within minSize..maxSize (plane pixels) at the given scale factor and
// step (level pixels), and leaves the raw windows of each orientation in
// s.hits.
func (s *lbpScanner) scan(p *preprocess.Plane, minSize, maxSize int, factor float64, step int) {
	c := s.c
	s.hits[0], s.hits[1] = s.hits[0][:0], s.hits[1][:0]
	s.levels = haarLevels(s.levels[:0], c.width, c.height, p.Width, p.Height, minSize, maxSize, factor)
	s.windows = 0
	if len(s.levels) == 0 {
		return
	}
	// One stride for every level (the first is the largest), the widest
	// seen so far, so that the plans serve every level and frame.
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
		s.scanLevel(l, st)
	}
}

// scanLevel scans one level's integral image, row by row, each
// orientation's windows in OpenCV's order (its skip after a first-stage
// rejection depends on it).
func (s *lbpScanner) scanLevel(l haarLevel, step int) {
	c := s.c
	ww, wh := l.w+1-c.width, l.h+1-c.height // OpenCV's working size
	if ww <= 0 || wh <= 0 {
		return
	}
	sum := unsafe.Pointer(unsafe.SliceData(s.py.sum))
	// The last window's last integral entry, checked once: every window
	// below reads inside [0, end].
	_ = s.py.sum[(wh-1+c.height)*s.stride+ww-1+c.width]
	extra := step
	if s.noSkip {
		extra = 0
	}
	winH := int32(math.RoundToEven(float64(float32(c.height) * l.scale)))
	for y := 0; y < wh; y += step {
		base := 4 * y * s.stride
		for o := 0; o < s.orients; o++ {
			pl := &s.plan[o]
			for x := 0; x < ww; x += step {
				lx := x // level column of the window's left edge
				if o == 1 {
					lx = ww - 1 - x // right to left: x is the mirrored level's column
				}
				s.windows++
				r, m := pl.classify(c, unsafe.Add(sum, base+4*lx))
				if r > 0 {
					// OpenCV's Rect(round(x*scale), round(y*scale), window).
					s.hits[o] = append(s.hits[o], haarHit{
						x: int32(math.RoundToEven(float64(float32(x) * l.scale))),
						y: int32(math.RoundToEven(float64(float32(y) * l.scale))),
						w: int32(l.window), h: winH, margin: m,
					})
				} else if r == 0 {
					x += extra
				}
			}
		}
	}
}

// NewProfileLBPDetector returns a HaarDetector for profile faces using the
// LBP cascade c (ProfileLBPCascade when nil) with options o (the defaults
// when nil: scale factor 1.1, MinNeighbors 3, DetectSide the window's
// width), scanning the plane as it is and mirrored, exactly as
// NewProfileDetector's detector does with the Haar profile cascade: the
// same pyramid, step, grouping, merge and Profile labels (the cascade as
// trained finds noses pointing left), so that its Score, the number of raw
// windows grouped into the face, means what the Haar detector's does. The
// counts are not calibrated alike, though: the LBP cascade accepts fewer
// windows around a face (on TestLBPDetectTurnedFace's face, 9 where the
// Haar detector groups 68), so its faces have smaller scores, and a score
// threshold tuned for one does not suit the other. Its faces have the
// window's shape (20 wide by 34 high for the profile cascade), not square
// ones; minFace and maxFace bound both sides. ProfileFaceCascadeLicence's
// text covers the LBP cascade too.
func NewProfileLBPDetector(c *LBPCascade, o *HaarOptions) (*HaarDetector, error) {
	if c == nil {
		var err error
		if c, err = ProfileLBPCascade(); err != nil {
			return nil, err
		}
	}
	d, err := newCascadeDetector(c.width, c.height, o, true)
	if err != nil {
		return nil, err
	}
	d.lbp = &lbpScanner{c: c, orients: d.orients()}
	return d, nil
}
