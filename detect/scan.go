package detect

import (
	"fmt"
	"math"
	"unsafe"

	"github.com/facegate/facegate/preprocess"
)

// Window is a detection window the face cascade accepted: pigo's Detection.
// Row and Col are its centre, Scale its side, all in the pixels of the plane
// that was scanned; Q is the cascade's score (higher is more face-like).
type Window struct {
	Row, Col, Scale int
	Q               float32
}

// ScanParams are pigo's CascadeParams: the window sizes to try and how far
// apart. Angle, in turns (0 to 1, as pigo's), rotates the classifier for
// in-plane rotated faces; 0 scans upright.
type ScanParams struct {
	MinSize     int     // smallest window side, pixels
	MaxSize     int     // largest window side, pixels
	ShiftFactor float64 // window step as a share of its side (pigo: 0.1)
	ScaleFactor float64 // growth of the side between scales (pigo: 1.1)
	Angle       float64
	// SkipBelow skips the scales of the ladder (MinSize, then growing by
	// ScaleFactor) that are smaller than it, so that a search restricted to
	// large windows scans the same window sizes as a full one (0: none).
	SkipBelow int
}

// ErrParams reports scan parameters that cannot work (sizes below 1, a
// shift factor outside (0, 1], a scale factor below 1).
var ErrParams = fmt.Errorf("detect: invalid parameters")

func (sp *ScanParams) validate() error {
	switch {
	case sp.MinSize < 1 || sp.MaxSize < sp.MinSize:
		return fmt.Errorf("%w: sizes %d..%d", ErrParams, sp.MinSize, sp.MaxSize)
	case !(sp.ShiftFactor > 0 && sp.ShiftFactor <= 1):
		return fmt.Errorf("%w: shift factor %v", ErrParams, sp.ShiftFactor)
	case !(sp.ScaleFactor >= 1 && sp.ScaleFactor < 100):
		return fmt.Errorf("%w: scale factor %v", ErrParams, sp.ScaleFactor)
	case !(sp.Angle >= 0 && sp.Angle <= 1):
		return fmt.Errorf("%w: angle %v", ErrParams, sp.Angle)
	}
	return nil
}

// fit lowers MaxSize to the plane's shorter side: no larger window fits,
// and the scale ladder must not run on towards overflow (MaxSize may be
// math.MaxInt).
func (sp *ScanParams) fit(p preprocess.Plane) {
	sp.MaxSize = max(sp.MinSize, min(sp.MaxSize, p.Width, p.Height))
}

// nextScale is pigo's scale progression: at least 2 pixels larger.
func nextScale(scale int, factor float64) int {
	return int(float64(scale) + math.Max(2, float64(scale)*factor-float64(scale)))
}

// Scanner runs a FaceCascade over planes. It caches, per plane stride and
// window scale, the pixel offsets of every comparison in the cascade, so the
// per-window work is loads and compares. A Scanner is not safe for
// concurrent use.
type Scanner struct {
	c         *FaceCascade
	tables    map[tableKey]*probeTable // per stride and scale, the offsets of the probes
	tabs      []*probeTable            // Scan scratch: the tables of one scan's scales
	assigned  []bool                   // Cluster scratch
	row       rowBatch                 // Scan scratch: a batch of windows
	rows      []int32                  // Scan scratch: the rows of a batch
	lut       [16]byte                 // the first tree's verdicts (firstLUT), for firstTree
	lutOK     bool                     // whether firstTree can serve the cascade
	pat       []uint32                 // Scan scratch: rowPattern's masks, for windows patStep apart
	patStep   int
	tailPat   [1]uint32 // Scan scratch: tailPattern's mask, for tailNpos positions tailStep apart
	tailNpos  int
	tailStep  int
	phase     []byte                 // Scan scratch: the plane split by column phase (phasePlane)
	phaseStep int                    // the step phase was split for in this scan (0: none)
	phaseT    [1 << leafDepth]uint64 // phaseProbes' first tree
}

// rowBatch holds the windows of a batch of rows while the cascade runs over
// them breadth-first.
type rowBatch struct {
	centre []int32   // index of each live window's centre pixel
	win    []int32   // its number in the batch (row-major)
	out    []float32 // its running score
	idx    []int32   // its leaf in the current tree (treeStepGeneric's scratch)
	ramp   []int32   // 0, 1, 2, ...: the first windows' numbers
}

// reset readies b for n windows: centre, win and out of length n, win
// numbered from 0 and out zero.
func (b *rowBatch) reset(n int) {
	if cap(b.centre) < n+stepPad {
		// The spare slots let treeStep pad its last group of windows.
		b.centre, b.win = make([]int32, n+stepPad), make([]int32, n+stepPad)
		b.out, b.idx = make([]float32, n+stepPad), make([]int32, n+stepPad)
		b.ramp = make([]int32, n)
		for k := range b.ramp {
			b.ramp[k] = int32(k)
		}
	}
	b.centre, b.win, b.out, b.idx = b.centre[:n], b.win[:n], b.out[:n], b.idx[:n]
	copy(b.win, b.ramp)
	clear(b.out)
}

// minScoreWindows is the most live windows whose lowest score scanRows
// finds to bound the next stage: with more, the pass costs more than the
// longer stages save (the early trees' thresholds reject often anyway).
const minScoreWindows = 512

// grow readies b for up to n windows, without numbering or clearing them.
func (b *rowBatch) grow(n int) {
	if cap(b.centre) < n+stepPad {
		b.reset(n)
	}
	b.centre, b.win, b.out = b.centre[:n], b.win[:n], b.out[:n]
}

// stepPad is the spare capacity rowBatch keeps past its windows, enough
// for treeStep to pad the last group of its kernel (up to stepWindows-1
// copies of the last window) and for first64's stores of 16 slots
// (walk_asm.go checks both at compile time).
const stepPad = 16

// NewScanner returns a Scanner for c.
func NewScanner(c *FaceCascade) *Scanner {
	s := &Scanner{c: c, tables: map[tableKey]*probeTable{}}
	s.lut, s.lutOK = c.firstLUT()
	return s
}

// tableKey names the offset table of one plane stride and window scale.
type tableKey struct{ stride, scale int }

// maxTables bounds the cached offset tables (facefinder's are 240 KB each;
// a 1080p frame downscaled for 96 px faces needs 26 of them); past it the
// cache starts afresh.
const maxTables = 64

// probePair packs a node's two probe offsets in one word, so that a walk
// loads them at once: a in the low half, b in the high half.
func probePair(a, b int32) uint64 { return uint64(uint32(a)) | uint64(uint32(b))<<32 }

// probeTable holds the offsets for windows of one scale on planes of one
// stride: per tree, per node, the two pixels it compares (offsets a, b;
// see probePair). The trees are filled on first use, in order (upTo): a
// table is 240 KB for facefinder, and the deep trees of many scales are
// walked by few windows or none, so a scan's first frame writes (and the
// system maps) only the part it uses.
type probeTable struct {
	t              []uint64
	trees          int // the trees filled
	rowOff, colOff [256]int32
}

// table returns the probe table for windows of the given scale on planes of
// the given stride, filled up to the trees already used. (256*r +
// code*s) >> 8 is r + (code*s) >> 8 exactly, so pigo's probe at code
// (dr, dc) of a window at (r, c) is at a fixed offset from r*stride + c.
func (s *Scanner) table(stride, scale int) *probeTable {
	key := tableKey{stride, scale}
	if pt, ok := s.tables[key]; ok {
		return pt
	}
	if len(s.tables) >= maxTables {
		clear(s.tables)
	}
	pt := &probeTable{t: make([]uint64, s.c.trees<<s.c.depth)}
	// The row and column offsets of each code (as a byte) at this scale:
	// an entry is then two lookups and an add per probe.
	for v := range 256 {
		d := (int(int8(v)) * scale) >> 8
		pt.rowOff[v], pt.colOff[v] = int32(d*stride), int32(d)
	}
	s.tables[key] = pt
	return pt
}

// upTo fills the table's first trees trees (of c, the cascade it was made
// for) if they are not yet, and returns the table. A table in use by
// more than one goroutine must have been filled before.
func (pt *probeTable) upTo(c *FaceCascade, trees int) []uint64 {
	if trees <= pt.trees {
		return pt.t
	}
	leaves := 1 << c.depth
	t := pt.t[pt.trees*leaves : trees*leaves]
	codes := c.codes[4*pt.trees*leaves : 4*trees*leaves]
	for i := range t {
		code := codes[4*i : 4*i+4 : 4*i+4]
		a := pt.rowOff[uint8(code[0])] + pt.colOff[uint8(code[1])]
		b := pt.rowOff[uint8(code[2])] + pt.colOff[uint8(code[3])]
		t[i] = probePair(a, b)
	}
	pt.trees = trees
	return pt.t
}

// fullTable returns the whole probe table for windows of the given scale
// on planes of the given stride.
func (s *Scanner) fullTable(stride, scale int) []uint64 {
	return s.table(stride, scale).upTo(s.c, s.c.trees)
}

// Scan slides the window over p (one channel) at every scale and position of
// sp, exactly as pigo's RunCascade, and appends the accepted windows to dst
// in pigo's order (scale, then row, then column). It does not allocate once
// dst has room and the offsets for p's stride are cached.
func (s *Scanner) Scan(dst []Window, p preprocess.Plane, sp ScanParams) ([]Window, error) {
	if err := sp.validate(); err != nil {
		return dst, err
	}
	if err := p.Validate(); err != nil {
		return dst, err
	}
	if p.Channels > 1 {
		return dst, fmt.Errorf("%w: scanning needs one channel, have %d", ErrParams, p.Channels)
	}
	sp.fit(p)
	if sp.Angle > 0 {
		return s.scanRotated(dst, p, &sp), nil
	}
	tabs := s.scanTables(p, &sp, false)
	dst, _ = s.scanUpright(dst, p, &sp, tabs, -1, nil)
	return dst, nil
}

// scanRotated is Scan for a rotated window.
func (s *Scanner) scanRotated(dst []Window, p preprocess.Plane, sp *ScanParams) []Window {
	rows, cols := p.Height, p.Width
	for scale := sp.MinSize; scale <= sp.MaxSize; scale = nextScale(scale, sp.ScaleFactor) {
		if scale < sp.SkipBelow {
			continue
		}
		step := int(math.Max(sp.ShiftFactor*float64(scale), 1))
		offset := scale/2 + 1
		for row := offset; row <= rows-offset; row += step {
			for col := offset; col <= cols-offset; col += step {
				if q := s.c.classifyRotated(row, col, scale, sp.Angle, rows, cols, p.Pix, p.Stride); q > 0 {
					dst = append(dst, Window{row, col, scale, q})
				}
			}
		}
	}
	return dst
}

// scanTables returns the offset tables of the scales an upright scan of p
// visits, in order, in a slice the Scanner reuses; filled, with full, so
// that two goroutines may share them.
func (s *Scanner) scanTables(p preprocess.Plane, sp *ScanParams, full bool) []*probeTable {
	s.tabs = s.tabs[:0]
	for scale := sp.MinSize; scale <= sp.MaxSize; scale = nextScale(scale, sp.ScaleFactor) {
		offset := scale/2 + 1
		if scale < sp.SkipBelow || p.Height-offset < offset || p.Width-offset < offset {
			continue
		}
		pt := s.table(p.Stride, scale)
		if full {
			pt.upTo(s.c, s.c.trees)
		}
		s.tabs = append(s.tabs, pt)
	}
	return s.tabs
}

// scanUpright scans the rows of every scale of sp with the tables tabs
// (scanTables'), appending accepted windows to dst in pigo's order. With
// parity 0 or 1 it scans only the rows of that parity (numbering each
// scale's rows from 0), and appends len(dst) after each row to rowEnd.
func (s *Scanner) scanUpright(dst []Window, p preprocess.Plane, sp *ScanParams, tabs []*probeTable, parity int, rowEnd []int32) ([]Window, []int32) {
	rows, cols := p.Height, p.Width
	si := 0
	s.phaseStep = 0 // p's pixels are new
	for scale := sp.MinSize; scale <= sp.MaxSize; scale = nextScale(scale, sp.ScaleFactor) {
		step := int(math.Max(sp.ShiftFactor*float64(scale), 1))
		offset := scale/2 + 1
		if scale < sp.SkipBelow || rows-offset < offset || cols-offset < offset {
			continue
		}
		pt := tabs[si]
		si++
		// Rows are classified in batches of about batchWindows windows:
		// the deep trees, which few windows of a row reach, then still
		// have many independent walks to overlap. The rows are shared out
		// evenly between the batches, so no batch is a short remainder.
		perRow := (cols-2*offset)/step + 1
		nrows := (rows-2*offset)/step + 1
		if parity >= 0 {
			nrows = max(1, (nrows+1-parity)/2)
		}
		chunk := max(1, batchWindows/perRow)
		batches := (nrows + chunk - 1) / chunk
		chunk = (nrows + batches - 1) / batches
		s.rows = s.rows[:0]
		i := 0
		for row := offset; row <= rows-offset; row, i = row+step, i+1 {
			if parity >= 0 && i&1 != parity {
				continue
			}
			s.rows = append(s.rows, int32(row))
			if len(s.rows) == chunk {
				dst, rowEnd = s.scanRows(dst, p, pt, s.rows, offset, cols-offset, step, scale, rowEnd, parity >= 0)
				s.rows = s.rows[:0]
			}
		}
		if len(s.rows) > 0 {
			dst, rowEnd = s.scanRows(dst, p, pt, s.rows, offset, cols-offset, step, scale, rowEnd, parity >= 0)
		}
	}
	return dst, rowEnd
}

// batchWindows is the most windows scanRows classifies at once. Every
// call of the tree step has a fixed cost, and the last group of windows
// it walks is padded (stepWindows): the deep trees, which a few windows
// reach, cost about the same per batch whatever its size, so the fewer
// batches the better. A 1080p frame downscaled for 96 px faces (480x270)
// scans each scale in one batch: 28 batches instead of 101 at 2048,
// 7.6k tree steps instead of 19.6k, 13% fewer groups of windows walked.
// The batch's scratch is 16 bytes a window (512 KB), which stays in L2.
const batchWindows = 32768

// scanRows classifies the windows of some rows (ascending) of one scale,
// breadth-first: each tree is walked for every live window (treeStep)
// before the next, so the pixel loads of different windows, which are
// independent, overlap in the memory system instead of each window waiting
// on its own chain of loads. Every window's score is the same sum in the
// same order as pigo's classifyRegion, and windows are appended in pigo's
// order (row, then column). With ends, it appends len(dst) after each
// row's windows to rowEnd.
func (s *Scanner) scanRows(dst []Window, p preprocess.Plane, pt *probeTable, rowList []int32, c0, c1, step, scale int, rowEnd []int32, ends bool) ([]Window, []int32) {
	c := s.c
	b := &s.row
	perRow := (c1-c0)/step + 1
	leaves := 1 << c.depth
	first := 0 // the first tree left to walk
	// Window number n of the batch is in row n/ws, column c0 + n%ws*cs.
	ws, cs := perRow, step
	phase := leafRows && s.lutOK && step >= phaseMinStep && step <= phaseMaxStep && perRow >= 32
	if !phase && leafRows && s.lutOK && step <= leafMaxStep && c1-c0+1 >= 32 {
		// The first tree, which every window walks, along each row's
		// positions (firstTreeRow), keeping the windows that pass it;
		// they are numbered by position.
		npos := c1 - c0 + 1
		ws, cs = npos, 1
		b.grow(perRow * len(rowList))
		live := 0
		t := pt.upTo(c, 1)
		for r, row := range rowList {
			live = s.firstTreeRow(live, p, t[:leaves], int(row)*p.Stride+c0, npos, step, r*npos)
		}
		b.centre, b.win, b.out = b.centre[:live], b.win[:live], b.out[:live]
		first = 1
	} else if phase {
		// The first tree along the rows of the plane split by column
		// phase (phasePlane), where the windows of a row are consecutive:
		// each position walked is a window, where along p's rows step
		// positions are walked for each. The windows are numbered as
		// below; their centres are set from their numbers.
		b.grow(perRow * len(rowList))
		q, qs := s.phasePlane(p, step)
		probes := s.phaseProbes(scale, c0, step, qs)
		live := 0
		for r, row := range rowList {
			live = s.phaseRow(live, p.Stride, q, probes, int(row), c0, perRow, step, r*perRow)
		}
		b.centre, b.win, b.out = b.centre[:live], b.win[:live], b.out[:live]
		first = 1
	} else {
		b.reset(perRow * len(rowList))
		for r, row := range rowList {
			ctr := b.centre[r*perRow : (r+1)*perRow]
			v, dv := row*int32(p.Stride)+int32(c0), int32(step)
			for k := range ctr {
				ctr[k] = v
				v += dv
			}
		}
	}
	// The trees of a stage (up to the next that can reject one of the live
	// windows, FaceCascade.stageEnd) are walked in one step. Every live
	// window's score is above the last threshold applied (0 before the
	// first tree); once they are few, their lowest score bounds them
	// closer, and the stages run longer.
	for first < c.trees && len(b.centre) > 0 {
		var lo float32
		if first > 0 {
			lo = c.thresholds[first-1]
		}
		if len(b.out) <= minScoreWindows {
			lo = lowest(b.out)
		}
		i := c.stageEnd(first, lo)
		t := pt.upTo(c, i+1)
		live := treeStep(b.centre, b.win, b.out, b.idx, t[leaves*first:leaves*(i+1)], c.preds[leaves*first:leaves*(i+1)], c.thresholds[i], p.Pix, c.depth, i+1-first)
		b.centre, b.win, b.out = b.centre[:live], b.win[:live], b.out[:live]
		first = i + 1
	}
	last := c.thresholds[c.trees-1]
	k := 0
	for r, row := range rowList {
		// Survivors keep their order: those of row r are next.
		for ; k < len(b.win) && int(b.win[k])/ws == r; k++ {
			if q := b.out[k] - last; q > 0 {
				col := c0 + int(b.win[k])%ws*cs
				dst = append(dst, Window{int(row), col, scale, q})
			}
		}
		if ends {
			rowEnd = append(rowEnd, int32(len(dst)))
		}
	}
	return dst, rowEnd
}

// lowestGeneric returns the lowest of the scores s (len(s) >= 1, none
// NaN), for FaceCascade.stageEnd: four running minima, each a compare that
// rarely changes it, instead of one chain of min (whose NaN and
// signed-zero handling made it about 4% of a 480p scan). Where s holds
// both zeros it may return +0 where min gives -0; stageEnd's sums and
// compares are the same for either. lowest runs it, or its kernel.
func lowestGeneric(s []float32) float32 {
	l0 := s[0]
	l1, l2, l3 := l0, l0, l0
	k := 0
	for ; k+4 <= len(s); k += 4 {
		q := s[k : k+4 : k+4]
		if q[0] < l0 {
			l0 = q[0]
		}
		if q[1] < l1 {
			l1 = q[1]
		}
		if q[2] < l2 {
			l2 = q[2]
		}
		if q[3] < l3 {
			l3 = q[3]
		}
	}
	for ; k < len(s); k++ {
		if s[k] < l0 {
			l0 = s[k]
		}
	}
	if l1 < l0 {
		l0 = l1
	}
	if l3 < l2 {
		l2 = l3
	}
	if l2 < l0 {
		l0 = l2
	}
	return l0
}

// leafDepth is the tree depth of firstTree's kernel (first32), pigo's
// facefinder's; leafMaxStep is the largest window step at which a scale's
// first tree is walked along the rows' positions (firstTreeRow) rather
// than window by window: at a step of s, s positions are walked for each
// window.
const (
	leafDepth   = 6
	leafMaxStep = 3
)

// phaseMinStep and phaseMaxStep are the window steps at which a scale's
// first tree is walked along the rows of the plane split by column phase
// (phasePlane) rather than along p's rows (at steps up to leafMaxStep) or
// window by window; tests set phaseMaxStep to 0 to turn that off.
var phaseMinStep, phaseMaxStep = dealMin, dealMax

// dealMin and dealMax are the steps the deal kernels serve (deal2 to
// deal6, as _gen makes them).
const (
	dealMin = 2
	dealMax = 6
)

// firstLUT returns the verdicts of the first tree's leaves on a window
// that starts at score 0, for first32: bit v>>4 of lut[v&15] is set when
// leaf v's score, 0 plus its prediction, is above the tree's threshold.
// ok is false where first32 cannot serve c: trees of another depth than
// leafDepth, or a first tree whose threshold is not applied (ends[0] > 0).
func (c *FaceCascade) firstLUT() (lut [16]byte, ok bool) {
	if c.depth != leafDepth || c.ends[0] != 0 {
		return lut, false
	}
	var zero float32
	for v, p := range c.preds[:1<<leafDepth] {
		if zero+p > c.thresholds[0] {
			lut[v&15] |= 1 << (v >> 4)
		}
	}
	return lut, true
}

// rowPattern returns, for a run of n positions (a multiple of 32) of
// which every step-th from the first is a window, the windows of each 32
// positions as a bit mask, in a slice the Scanner reuses.
func (s *Scanner) rowPattern(n, step int) []uint32 {
	if s.patStep == step && len(s.pat) >= n/32 {
		return s.pat[:n/32]
	}
	s.pat = s.pat[:0]
	for b := 0; b < n; b += 32 {
		var m uint32
		for i := range 32 {
			if (b+i)%step == 0 {
				m |= 1 << i
			}
		}
		s.pat = append(s.pat, m)
	}
	s.patStep = step
	return s.pat
}

// firstTreeRow walks the first tree (its probes) for the windows of one
// row, npos >= 32 positions from base (its first window's centre), every
// step, and appends those that pass it at slot live of s.row, in order:
// their centres, their numbers (winBase plus their position in the run)
// and their scores (0 plus their leaf's prediction). firstTree walks the
// positions, 32 at a time, and the windows past the last whole 32 in a
// last 32 that ends at the run's end (tailPattern). It returns the new
// live.
func (s *Scanner) firstTreeRow(live int, p preprocess.Plane, probes []uint64, base, npos, step, winBase int) int {
	c := s.c
	nv := npos &^ 31
	b := &s.row
	live = firstTree(b.centre, b.win, b.out, live, p.Pix, base, nv, winBase, probes, c.preds, &s.lut, s.rowPattern(nv, step))
	if nv < npos {
		t := npos - 32
		live = firstTree(b.centre, b.win, b.out, live, p.Pix, base+t, 32, winBase+t, probes, c.preds, &s.lut, s.tailPattern(npos, step))
	}
	return live
}

// tailPattern returns, for a run of npos >= 32 positions of which every
// step-th from the first is a window, the windows among its last 32
// positions that are not in its first npos &^ 31, as rowPattern's mask.
func (s *Scanner) tailPattern(npos, step int) []uint32 {
	if s.tailNpos != npos || s.tailStep != step {
		nv, t := npos&^31, npos-32
		var m uint32
		for i := range 32 {
			if pos := t + i; pos >= nv && pos%step == 0 {
				m |= 1 << i
			}
		}
		s.tailPat[0], s.tailNpos, s.tailStep = m, npos, step
	}
	return s.tailPat[:]
}

// firstGeneric is first32's twin: it walks the first tree (probes, preds
// and lut: see firstLUT) of depth leafDepth for the positions i < n (a
// multiple of 32) that pat marks (bit i%32 of pat[i/32]), the windows
// centred at pix[base+i], and writes those whose leaf passes at slot live
// of centre, win and out, in order: base+i, winBase+i, and 0 plus the
// leaf's prediction. It returns the new live. Every probe of every
// position must be inside pix.
func firstGeneric(centre, win []int32, out []float32, live int, pix []byte, base, n, winBase int, probes []uint64, preds []float32, lut *[16]byte, pat []uint32) int {
	var ctr, idx [32]int32
	var zero float32
	for blk := 0; blk < n/32; blk++ {
		m := pat[blk]
		for j := range ctr {
			ctr[j] = int32(base + 32*blk + j)
		}
		treeLevelsGeneric(idx[:], ctr[:], probes, pix, leafDepth)
		for j := range 32 {
			v := idx[j] - 1<<leafDepth
			if m>>j&1 == 0 || lut[v&15]>>(v>>4)&1 == 0 {
				continue
			}
			centre[live], win[live], out[live] = ctr[j], int32(winBase+32*blk+j), zero+preds[v]
			live++
		}
	}
	return live
}

// treeStepGeneric runs trees consecutive trees (probes and preds hold
// theirs, one after the other) for the windows of centre, win and out
// (equal lengths): it walks each tree (treeLevelsGeneric, with idx as
// scratch) and adds each window's leaf prediction to its score, tree after
// tree, and then keeps, in order at the front of the three slices, the
// windows whose score is above thr. It returns how many it kept. Only the
// last tree's threshold is applied: the caller passes trees whose own
// thresholds cannot reject (FaceCascade.ends), so that the result is the
// same as applying each.
func treeStepGeneric(centre, win []int32, out []float32, idx []int32, probes []uint64, preds []float32, thr float32, pix []byte, depth, trees int) int {
	n := len(centre)
	idx = idx[:n]
	leaves := 1 << depth
	win, out = win[:n], out[:n]
	for range trees - 1 {
		treeLevelsGeneric(idx, centre, probes[:leaves], pix, depth)
		pr := preds[:leaves]
		for k := range out {
			out[k] += pr[int(idx[k])&(leaves-1)]
		}
		probes, preds = probes[leaves:], preds[leaves:]
	}
	treeLevelsGeneric(idx, centre, probes[:leaves], pix, depth)
	preds = preds[:leaves]
	// keepGeneric's loop with the last tree's predictions added on the way
	// (a pass of its own made the pure-Go detector about 3% slower at 480p).
	live := 0
	for k, ctr := range centre {
		o := out[k] + preds[int(idx[k])&(leaves-1)] // leaves <= idx < 2*leaves
		centre[live], win[live], out[live] = ctr, win[k], o
		live += b2i(o > thr)
	}
	return live
}

// keepGeneric keeps, in order at the front of centre, win and out (equal
// lengths), the windows whose score (out) is above thr, and returns how
// many it kept. Branch-free: every window is written at the next free
// slot, and the slot advances only for a survivor (about a quarter, at
// random, after the first tree: a branch would be mispredicted often).
func keepGeneric(centre, win []int32, out []float32, thr float32) int {
	win, out = win[:len(centre)], out[:len(centre)]
	live := 0
	for k, ctr := range centre {
		o := out[k]
		centre[live], win[live], out[live] = ctr, win[k], o
		live += b2i(o > thr)
	}
	return live
}

// treeLevelsGeneric walks one tree of depth levels for every window: from
// node 1, at node n compare the pixels at centre+a and centre+b, where
// probes[n] holds the pair (a, b), and go to 2n+1 when the first is not
// brighter, else to 2n. It leaves each window's leaf (depth levels down) in
// idx.
//
// The pixel loads skip bounds checks, which are provably redundant: a
// window's centre (r, c) has r in [s/2+1, rows-s/2-1] (likewise c), and a
// probe moves it by (code*s)>>8 with code in [-128, 127], that is by
// -ceil(s/2) to floor(127*s/256) pixels, so every probe is inside the plane,
// whose buffer Validate has checked.
func treeLevelsGeneric(idx, centre []int32, probes []uint64, pix []byte, depth int) {
	base := unsafe.Pointer(unsafe.SliceData(pix))
	centre = centre[:len(idx)]
	// A walk reads the probes of nodes 1 to 1<<depth - 1, then steps to a
	// leaf (1<<depth <= n < 2<<depth): every read is inside probes, whose
	// length this checks once.
	_ = probes[1<<depth-1]
	pr := unsafe.Pointer(unsafe.SliceData(probes))
	// node returns the next node from n for the window at ctr: 2n+1 when
	// the first pixel is not brighter than the second, else 2n (no branch
	// to mispredict).
	node := func(n, ctr int32) int32 {
		ab := *(*uint64)(unsafe.Add(pr, 8*n)) // the pair (a, b), one load; n < 1<<depth here
		p1 := int32(*(*byte)(unsafe.Add(base, ctr+int32(uint32(ab)))))
		p2 := int32(*(*byte)(unsafe.Add(base, ctr+int32(uint32(ab>>32)))))
		return 2*n + 1 + (p2-p1)>>31
	}
	// Every walk starts at node 1: its probes are the same for all.
	a1, b1 := int32(uint32(probes[1])), int32(uint32(probes[1]>>32))
	first := func(ctr int32) int32 {
		p1 := int32(*(*byte)(unsafe.Add(base, ctr+a1)))
		p2 := int32(*(*byte)(unsafe.Add(base, ctr+b1)))
		return 3 + (p2-p1)>>31
	}
	// Eight windows at a time, each walk in a register: the eight chains
	// of dependent loads are independent and overlap.
	k := 0
	for ; k+8 <= len(idx); k += 8 {
		c := centre[k : k+8 : k+8]
		n0, n1, n2, n3 := first(c[0]), first(c[1]), first(c[2]), first(c[3])
		n4, n5, n6, n7 := first(c[4]), first(c[5]), first(c[6]), first(c[7])
		for range depth - 1 {
			n0, n1, n2, n3 = node(n0, c[0]), node(n1, c[1]), node(n2, c[2]), node(n3, c[3])
			n4, n5, n6, n7 = node(n4, c[4]), node(n5, c[5]), node(n6, c[6]), node(n7, c[7])
		}
		idx[k], idx[k+1], idx[k+2], idx[k+3] = n0, n1, n2, n3
		idx[k+4], idx[k+5], idx[k+6], idx[k+7] = n4, n5, n6, n7
	}
	for ; k < len(idx); k++ {
		n := first(centre[k])
		for range depth - 1 {
			n = node(n, centre[k])
		}
		idx[k] = n
	}
}

// pigo's quantised rotation tables (256 * cos and sin of 2*pi*k/32).
var (
	qCos = [33]int{256, 251, 236, 212, 181, 142, 97, 49, 0, -49, -97, -142, -181, -212, -236, -251, -256, -251, -236, -212, -181, -142, -97, -49, 0, 49, 97, 142, 181, 212, 236, 251, 256}
	qSin = [33]int{0, 49, 97, 142, 181, 212, 236, 251, 256, 251, 236, 212, 181, 142, 97, 49, 0, -49, -97, -142, -181, -212, -236, -251, -256, -251, -236, -212, -181, -142, -97, -49, 0}
)

// classifyRotated is pigo's classifyRotatedRegion with one difference: pigo
// clamps the probe columns to the number of rows, which on portrait planes
// reads outside the row or past the buffer; here they are clamped to the
// columns. On planes at least as wide as tall the two agree.
func (c *FaceCascade) classifyRotated(r, col, s int, a float64, nrows, ncols int, pix []byte, dim int) float32 {
	leaves := 1 << c.depth
	qsin := s * qSin[int(32*a)]
	qcos := s * qCos[int(32*a)]
	clampR := func(v int) int { return iabs(min(nrows-1, max(0, v)>>16)) }
	clampC := func(v int) int { return iabs(min(ncols-1, min(nrows-1, max(0, v)>>16))) }
	var out float32
	root := 0
	for i := 0; i < c.trees; i++ {
		idx := 1
		for j := 0; j < c.depth; j++ {
			code := c.codes[root+4*idx : root+4*idx+4]
			r1 := clampR(65536*r + qcos*int(code[0]) - qsin*int(code[1]))
			c1 := clampC(65536*col + qsin*int(code[0]) + qcos*int(code[1]))
			r2 := clampR(65536*r + qcos*int(code[2]) - qsin*int(code[3]))
			c2 := clampC(65536*col + qsin*int(code[2]) + qcos*int(code[3]))
			idx = 2 * idx
			if pix[r1*dim+c1] <= pix[r2*dim+c2] {
				idx++
			}
		}
		out += c.preds[leaves*i+idx-leaves]
		if out <= c.thresholds[i] {
			return -1
		}
		root += 4 * leaves
	}
	return out - c.thresholds[c.trees-1]
}

func iabs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

// b2i is 1 for true; the compiler emits SETcc, no branch.
func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// phasePlane returns p with each row's columns split by their phase
// modulo step (dealRow): row r of the result, at r*qs, holds the pixels of
// p's row r at columns j, j+step, j+2*step, ... from j*w on, for j = 0 to
// step-1, w = ceil(p.Width/step) and qs = step*w. Windows step apart in p
// are consecutive there. It is made once per scan and step (the scales of
// one step share it).
func (s *Scanner) phasePlane(p preprocess.Plane, step int) (q preprocess.Plane, qs int) {
	w := (p.Width + step - 1) / step
	qs = step * w
	n := qs * p.Height
	if s.phaseStep != step {
		if cap(s.phase) < n {
			s.phase = make([]byte, n)
		}
		for r := range p.Height {
			dealRow(s.phase[r*qs:r*qs+qs], p.Pix[r*p.Stride:r*p.Stride+p.Width], w, step)
		}
		s.phaseStep = step
	}
	return preprocess.GrayPlane(s.phase[:n], qs, qs, p.Height), qs
}

// phaseRow is firstTreeRow for the perRow >= 32 windows of row row of a
// plane of stride stride, from column c0, step apart, walked on q, the
// plane split by phase (phasePlane), with phaseProbes' probes: it appends
// those that pass the first tree at slot live of s.row, numbered winBase
// on, with their centres in the plane. It returns the new live.
func (s *Scanner) phaseRow(live, stride int, q preprocess.Plane, probes []uint64, row, c0, perRow, step, winBase int) int {
	from := live
	live = s.firstTreeRow(live, q, probes, row*q.Stride, perRow, 1, winBase)
	b := &s.row
	v := int32(row*stride+c0) - int32(winBase*step)
	for j := from; j < live; j++ {
		b.centre[j] = v + b.win[j]*int32(step)
	}
	return live
}

// phaseProbes returns the first tree's probes for the windows of one
// scale, whose first column is c0 and which are step apart, on
// phasePlane's plane of row stride qs: the probe at (dr, dc) of window k of
// row r is at r*qs + k plus dr*qs + (c0+dc)%step*w + (c0+dc)/step, with w =
// qs/step. c0+dc >= 0: every probe of a window is inside the plane.
func (s *Scanner) phaseProbes(scale, c0, step, qs int) []uint64 {
	codes := s.c.codes
	w := qs / step
	off := func(cr, cc int8) int32 {
		dr := (int(cr) * scale) >> 8
		u := c0 + (int(cc)*scale)>>8
		return int32(dr*qs + u%step*w + u/step)
	}
	for i := 1; i < 1<<leafDepth; i++ {
		code := codes[4*i : 4*i+4 : 4*i+4]
		s.phaseT[i] = probePair(off(code[0], code[1]), off(code[2], code[3]))
	}
	return s.phaseT[:]
}

// dealGeneric is dealRow's twin from column m0 of each phase on: for j <
// step, dst[j*w+m] = src[m*step+j] for every m >= m0 with m*step+j <
// len(src). len(dst) >= step*w, w >= ceil(len(src)/step).
func dealGeneric(dst, src []byte, w, step, m0 int) {
	for j := range step {
		d := dst[j*w : j*w+w]
		for m, i := m0, m0*step+j; i < len(src); m, i = m+1, i+step {
			d[m] = src[i]
		}
	}
}

// dealMasks returns the byte shuffles of the deal kernels for step: for
// phase j and register i of a block of 16*step bytes, mask byte t is the
// byte of the register that is column t of phase j (byte t*step+j of the
// block), or 0x80 (giving 0) where that byte is in another register.
func dealMasks(step int) []byte {
	m := make([]byte, 16*step*step)
	for j := range step {
		for i := range step {
			for t := range 16 {
				b := t*step + j - 16*i
				v := byte(0x80)
				if b >= 0 && b < 16 {
					v = byte(b)
				}
				m[16*(j*step+i)+t] = v
			}
		}
	}
	return m
}
