package detect

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// ErrCascade reports cascade data that is truncated, inconsistent or absurd.
var ErrCascade = errors.New("detect: invalid cascade")

// Limits on what a cascade may declare, far above pigo's own files
// (facefinder: 468 trees of depth 6; puploc: 5x20 trees of depth 10) but
// small enough that a corrupt header cannot ask for gigabytes.
const (
	maxTreeDepth = 12
	maxTrees     = 1 << 14
	maxStages    = 64
)

// FaceCascade is a parsed pigo face classification cascade (the format of
// pigo's cascade/facefinder): a sequence of binary decision trees over pixel
// comparisons, each with a rejection threshold. It is read-only once parsed
// and may be shared by any number of Detectors.
type FaceCascade struct {
	depth      int       // tree depth
	trees      int       // number of trees
	codes      []int8    // per tree 4*(1<<depth) codes: node i's four at 4*i (node 0 unused)
	preds      []float32 // per tree 1<<depth leaf predictions
	thresholds []float32 // per tree
	ends       []int32   // the trees whose threshold can reject a window (see stageEnds)
	minPred    []float32 // per tree, its lowest prediction
}

// Trees returns the number of trees in the cascade.
func (c *FaceCascade) Trees() int { return c.trees }

// Depth returns the depth of every tree.
func (c *FaceCascade) Depth() int { return c.depth }

// ParseFaceCascade parses a pigo face cascade. Every length is checked
// against the data, so truncated or corrupt input gives an error wrapping
// ErrCascade, never a panic.
func ParseFaceCascade(b []byte) (*FaceCascade, error) {
	r := reader{b: b}
	r.skip(8) // pigo skips the first 8 bytes too
	depth, trees := r.u32(), r.u32()
	if r.err != nil {
		return nil, r.fail("header")
	}
	if depth < 1 || depth > maxTreeDepth || trees < 1 || trees > maxTrees {
		return nil, fmt.Errorf("%w: depth %d, %d trees", ErrCascade, depth, trees)
	}
	d, n := int(depth), int(trees)
	leaves := 1 << d
	per := (4*leaves - 4) + 4*leaves + 4
	if rest := len(b) - r.pos; rest != n*per {
		return nil, fmt.Errorf("%w: %d trees of depth %d need %d bytes, have %d", ErrCascade, n, d, n*per, rest)
	}
	c := &FaceCascade{depth: d, trees: n,
		codes:      make([]int8, 0, n*4*leaves),
		preds:      make([]float32, 0, n*leaves),
		thresholds: make([]float32, 0, n)}
	for t := 0; t < n; t++ {
		c.codes = append(c.codes, 0, 0, 0, 0)
		for _, v := range r.bytes(4*leaves - 4) {
			c.codes = append(c.codes, int8(v))
		}
		for i := 0; i < leaves; i++ {
			c.preds = append(c.preds, r.f32())
		}
		c.thresholds = append(c.thresholds, r.f32())
	}
	if r.err != nil {
		return nil, r.fail("trees")
	}
	c.ends = c.stageEnds()
	return c, nil
}

// stageEnds returns, ascending, the trees whose threshold can reject a
// window that passed the trees before it, and the last tree: from tree 0,
// each next stageEnd from the threshold of the one before. pigo's
// facefinder has 125 ends among 468 trees (most intermediate thresholds
// are -15). It also fills minPred.
func (c *FaceCascade) stageEnds() []int32 {
	leaves := 1 << c.depth
	c.minPred = make([]float32, c.trees)
	for i := range c.minPred {
		m := c.preds[leaves*i]
		for _, p := range c.preds[leaves*i : leaves*(i+1)] {
			if !(p >= m) {
				m = p // a NaN too
			}
		}
		c.minPred[i] = m
	}
	var ends []int32
	for i, lo := 0, float32(0); i < c.trees; i++ {
		i = c.stageEnd(i, lo)
		ends = append(ends, int32(i))
		lo = c.thresholds[i]
	}
	return ends
}

// stageEnd returns the first tree from first whose threshold can reject
// one of some windows whose scores are all at least lo, or the last tree.
// After the trees first to i, such a window's score is at least lo plus
// each tree's lowest prediction, summed in the same order in float32
// (rounding is monotone, so every sum the scan forms is at least the
// bound's); tree i cannot reject it when that bound is above its
// threshold. A NaN among the predictions makes the bound NaN, and the tree
// an end.
func (c *FaceCascade) stageEnd(first int, lo float32) int {
	for i := first; i < c.trees-1; i++ {
		lo += c.minPred[i]
		if !(lo > c.thresholds[i]) {
			return i
		}
	}
	return c.trees - 1
}

// LocCascade is a parsed pigo localisation cascade (the format of pigo's
// cascade/puploc and cascade/lps/*): stages of regression trees that move a
// point estimate and shrink its scale. Read-only once parsed; shareable.
type LocCascade struct {
	stages, trees, depth int
	scale                float32   // scale multiplier per stage
	codes                []int8    // per tree 4*((1<<depth)-1) codes
	preds                []float32 // per tree 2*(1<<depth) leaf offsets (row, col)
}

// ParseLocCascade parses a pigo localisation cascade (pupil or landmark).
// Errors wrap ErrCascade; it never panics.
func ParseLocCascade(b []byte) (*LocCascade, error) {
	r := reader{b: b}
	stages, scale, trees, depth := r.u32(), r.f32(), r.u32(), r.u32()
	if r.err != nil {
		return nil, r.fail("header")
	}
	if stages < 1 || stages > maxStages || trees < 1 || trees > maxTrees || depth < 1 || depth > maxTreeDepth {
		return nil, fmt.Errorf("%w: %d stages, %d trees, depth %d", ErrCascade, stages, trees, depth)
	}
	if !(scale > 0 && scale <= 1) { // also rejects NaN
		return nil, fmt.Errorf("%w: stage scale %v", ErrCascade, scale)
	}
	s, n, d := int(stages), int(trees), int(depth)
	leaves := 1 << d
	per := (4*leaves - 4) + 8*leaves
	if rest := len(b) - r.pos; rest != s*n*per {
		return nil, fmt.Errorf("%w: %dx%d trees of depth %d need %d bytes, have %d", ErrCascade, s, n, d, s*n*per, rest)
	}
	c := &LocCascade{stages: s, trees: n, depth: d, scale: scale,
		codes: make([]int8, 0, s*n*(4*leaves-4)),
		preds: make([]float32, 0, s*n*2*leaves)}
	for t := 0; t < s*n; t++ {
		for _, v := range r.bytes(4*leaves - 4) {
			c.codes = append(c.codes, int8(v))
		}
		for i := 0; i < 2*leaves; i++ {
			p := r.f32()
			if math.IsNaN(float64(p)) || math.IsInf(float64(p), 0) {
				return nil, fmt.Errorf("%w: leaf offset %v", ErrCascade, p)
			}
			c.preds = append(c.preds, p)
		}
	}
	if r.err != nil {
		return nil, r.fail("trees")
	}
	return c, nil
}

// reader reads little-endian values and remembers the first overrun.
type reader struct {
	b   []byte
	pos int
	err error
}

func (r *reader) bytes(n int) []byte {
	if r.err != nil || n < 0 || n > len(r.b)-r.pos {
		r.err = errShort
		return nil
	}
	s := r.b[r.pos : r.pos+n]
	r.pos += n
	return s
}

func (r *reader) skip(n int) { r.bytes(n) }

func (r *reader) u32() uint32 {
	b := r.bytes(4)
	if b == nil {
		return 0
	}
	return binary.LittleEndian.Uint32(b)
}

func (r *reader) f32() float32 { return math.Float32frombits(r.u32()) }

func (r *reader) fail(what string) error {
	return fmt.Errorf("%w: %s truncated at byte %d of %d", ErrCascade, what, r.pos, len(r.b))
}

var errShort = errors.New("short")
