package detect

import (
	"fmt"
	"image"
	"math"
	"slices"

	"github.com/facegate/facegate/preprocess"
)

// HaarOptions configure a HaarDetector. A nil *HaarOptions means
// the defaults below; a zero field means its default.
type HaarOptions struct {
	// ScaleFactor is the growth of the window between pyramid levels
	// (default 1.1, as commonly passed to OpenCV's detectMultiScale; 1.01
	// to 4).
	ScaleFactor float64
	// MinNeighbors is OpenCV's minNeighbors: a face needs more than this
	// many raw windows in its group (default 3; a negative value means 0,
	// every raw window reported ungrouped).
	MinNeighbors int
	// GroupEps is the eps of OpenCV's groupRectangles: raw windows are
	// alike when each edge is within eps times their mean side (default
	// 0.2, detectMultiScale's).
	GroupEps float64
	// Step is the distance between windows in pixels of each pyramid level
	// (default 1: one level pixel is ScaleFactor^i pixels of the scanned
	// plane, 5% of the window, which is what detectMultiScale uses for
	// windows of 40 px and more; OpenCV uses 2 below that). Step 2 scans a
	// quarter of the windows, about 4 times faster, but each face then
	// gathers about a quarter of the neighbours, so MinNeighbors must come
	// down with it (and false detections go up).
	Step int
	// DetectSide is the window side, in pixels of the downscaled plane,
	// that the smallest face asked for maps to: planes are box-downscaled
	// by max(1, minFace/DetectSide) before scanning (default and minimum:
	// the cascade's window width, 20 for both profile cascades).
	DetectSide int
	// MergeIoU is the overlap (intersection over union) from which a face
	// found in one orientation and a face found in the other are taken
	// for the same face; the one with more neighbours is kept, on a tie
	// the one whose windows' summed last-stage margins are larger, and on
	// an exact tie both (default 0.3).
	MergeIoU float64
}

// withDefaults fills in the defaults for a cascade whose window is
// window pixels wide.
func (o *HaarOptions) withDefaults(window int) HaarOptions {
	d := HaarOptions{ScaleFactor: 1.1, MinNeighbors: 3, GroupEps: 0.2, Step: 1, DetectSide: window, MergeIoU: 0.3}
	if o == nil {
		return d
	}
	r := *o
	if r.ScaleFactor == 0 {
		r.ScaleFactor = d.ScaleFactor
	}
	switch {
	case r.MinNeighbors == 0:
		r.MinNeighbors = d.MinNeighbors
	case r.MinNeighbors < 0:
		r.MinNeighbors = 0
	}
	if r.GroupEps == 0 {
		r.GroupEps = d.GroupEps
	}
	if r.Step == 0 {
		r.Step = d.Step
	}
	if r.DetectSide == 0 {
		r.DetectSide = d.DetectSide
	}
	if r.MergeIoU == 0 {
		r.MergeIoU = d.MergeIoU
	}
	return r
}

func (o *HaarOptions) validate(window int) error {
	switch {
	case !(o.ScaleFactor >= 1.01 && o.ScaleFactor <= 4):
		return fmt.Errorf("%w: scale factor %v, want 1.01..4", ErrParams, o.ScaleFactor)
	case !(o.GroupEps > 0 && o.GroupEps < 10):
		return fmt.Errorf("%w: group eps %v", ErrParams, o.GroupEps)
	case o.Step < 1 || o.Step > 64:
		return fmt.Errorf("%w: step %d, want 1..64", ErrParams, o.Step)
	case o.DetectSide < window || o.DetectSide > preprocess.MaxDimension:
		return fmt.Errorf("%w: detect side %d, want at least the %d px window", ErrParams, o.DetectSide, window)
	case !(o.MergeIoU > 0 && o.MergeIoU <= 1):
		return fmt.Errorf("%w: merge IoU %v", ErrParams, o.MergeIoU)
	}
	return nil
}

// HaarDetector finds faces with an OpenCV Haar cascade. Made by
// NewProfileDetector, it runs OpenCV's profile cascade on the plane and on
// its mirror image (the cascade finds faces turned one way, its mirror the
// other), for faces turned beyond what the frontal Detector finds (about 45
// degrees). Made by NewFrontalHaarDetector, it runs a frontal cascade as
// trained, a second opinion where the Detector's pixel-comparison cascade
// misses faces in poor light or low contrast. Made by
// NewProfileLBPDetector, it runs an OpenCV LBP cascade (OpenCV's LBP
// profile cascade by default) the same way as NewProfileDetector: the
// pyramid, grouping and merge below are the same, only the windows'
// classifier differs (lbp_scan.go).
//
// Its windows are those of OpenCV's CascadeClassifier::detectMultiScale
// with the same cascade, scale factor, minNeighbors and sizes, run on the
// plane it scans (for the mirror orientation, on the mirrored plane, with
// the boxes mirrored back), where the two use the same step: OpenCV's is 1
// level pixel for windows of 40 px and more, as Step's default, and 2
// below. Its groups are groupRectangles', except that a box which rounding
// leaves sticking out of the plane by a pixel is moved inside (OpenCV clips
// it). Planes are box-downscaled for faces from twice DetectSide on, as the
// Detector does, so the faces found on a large frame are close to, not
// equal to, detectMultiScale's on the full-resolution frame. haar_scan.go
// has the details.
//
// A HaarDetector holds per-frame scratch: use one per goroutine. After
// the first frames of a given size, Detect does not allocate.
type HaarDetector struct {
	c   *HaarCascade // nil for an LBP cascade
	lbp *lbpScanner  // an LBP cascade's scan (then s is unused), or nil
	o   HaarOptions
	s   haarScanner

	winW, winH int // the cascade's window

	down        preprocess.Downscaler
	smallPix    []byte
	groups      [2][]haarGroup
	gs          groupScratch
	keep        [2][]bool
	lastWindows int
	profile     bool // two orientations, faces labelled by nose direction
}

// NewProfileDetector returns a HaarDetector for profile faces using c
// (ProfileFaceCascade when nil) with options o (the defaults when nil),
// scanning the plane as it is and mirrored. The cascade's window must be
// square.
func NewProfileDetector(c *HaarCascade, o *HaarOptions) (*HaarDetector, error) {
	if c == nil {
		var err error
		if c, err = ProfileFaceCascade(); err != nil {
			return nil, err
		}
	}
	return newHaarDetector(c, o, true)
}

// NewFrontalHaarDetector returns a HaarDetector for frontal faces using c
// (FrontalFaceCascade when nil) with options o (the defaults when nil),
// scanning the plane as it is only. The cascade's window must be square.
func NewFrontalHaarDetector(c *HaarCascade, o *HaarOptions) (*HaarDetector, error) {
	if c == nil {
		var err error
		if c, err = FrontalFaceCascade(); err != nil {
			return nil, err
		}
	}
	return newHaarDetector(c, o, false)
}

func newHaarDetector(c *HaarCascade, o *HaarOptions, profile bool) (*HaarDetector, error) {
	if c.width != c.height {
		return nil, fmt.Errorf("%w: a Haar detector needs a square window, have %dx%d", ErrParams, c.width, c.height)
	}
	d, err := newCascadeDetector(c.width, c.height, o, profile)
	if err != nil {
		return nil, err
	}
	d.c = c
	d.s = haarScanner{c: c, orients: d.orients()}
	return d, nil
}

// newCascadeDetector returns a HaarDetector for a cascade with a w x h
// window and options o, without its cascade and scanner, which the
// caller sets.
func newCascadeDetector(w, h int, o *HaarOptions, profile bool) (*HaarDetector, error) {
	opt := o.withDefaults(w)
	if err := opt.validate(w); err != nil {
		return nil, err
	}
	return &HaarDetector{o: opt, profile: profile, winW: w, winH: h}, nil
}

// orients is the number of orientations scanned: 2 for a profile
// detector (as trained and mirrored), else 1.
func (d *HaarDetector) orients() int {
	if d.profile {
		return 2
	}
	return 1
}

// scan runs the cascade over small for windows minSize..maxSize and
// returns each orientation's raw windows.
func (d *HaarDetector) scan(small *preprocess.Plane, minSize, maxSize int) *[2][]haarHit {
	if d.lbp != nil {
		d.lbp.scan(small, minSize, maxSize, d.o.ScaleFactor, d.o.Step)
		d.lastWindows = d.lbp.windows
		return &d.lbp.hits
	}
	d.s.scan(small, minSize, maxSize, d.o.ScaleFactor, d.o.Step)
	d.lastWindows = d.s.windows
	return &d.s.hits
}

// Detect appends to dst the faces whose box lies in region (in luma's
// coordinates, clipped to the plane) with sides minFace..maxFace, strongest
// first. Each Face has Rect (luma's coordinates; square for a Haar
// cascade, of the cascade window's shape for an LBP one: 20 wide by 34
// high for the LBP profile cascade), Score (the number of raw windows
// merged into it, OpenCV's "neighbours") and, for a profile detector,
// Profile (ProfileNoseLeft or ProfileNoseRight; 0 for a frontal one);
// pupils, landmarks and pose are not looked for. A face's sides are both
// within minFace..maxFace (detectMultiScale's minSize and maxSize).
//
// The region is scanned on a plane box-downscaled by k = max(1,
// minFace/DetectSide), its origin first moved down to a multiple of k so
// that the downscaled pixels are those of a full scan (so a box may start
// up to k-1 pixels before the region's origin); faces are scanned at
// windows round(W·ScaleFactor^i)·k by round(H·ScaleFactor^i)·k (W x H the
// cascade's window, 20x20 for the Haar profile cascade), as
// detectMultiScale would on the downscaled plane with minSize
// ceil(minFace/k) and maxSize maxFace/k.
// Each orientation's windows are grouped as OpenCV's groupRectangles does
// (MinNeighbors, GroupEps); then, of two faces of opposite orientations
// overlapping by MergeIoU or more, the one with more neighbours is kept
// (on a tie, the one with the larger summed last-stage margin; on an exact
// tie, both). In steady
// state (regions no larger than before, dst with room) it does not
// allocate.
func (d *HaarDetector) Detect(dst []Face, luma preprocess.Plane, region image.Rectangle, minFace, maxFace int) ([]Face, error) {
	if err := luma.Validate(); err != nil {
		return dst, err
	}
	if luma.Channels > 1 {
		return dst, fmt.Errorf("%w: detection needs a one-channel plane, have %d", ErrParams, luma.Channels)
	}
	if minFace < 1 || maxFace < minFace {
		return dst, fmt.Errorf("%w: face sizes %d..%d", ErrParams, minFace, maxFace)
	}
	d.lastWindows = 0
	k := max(1, minFace/d.o.DetectSide)
	region.Min.X -= region.Min.X % k
	region.Min.Y -= region.Min.Y % k
	region = region.Intersect(image.Rect(0, 0, luma.Width, luma.Height))
	w, h := region.Dx(), region.Dy()
	sw, sh := w/k, h/k
	if w < minFace || h < minFace || sw < d.winW || sh < d.winH {
		return dst, nil // no face of minFace fits
	}
	if (sw+1)*(sh+1) > math.MaxInt32/4 {
		// The integral images' byte offsets are int32.
		return dst, fmt.Errorf("%w: a %dx%d plane is too large to scan; raise minFace or scan regions", ErrParams, sw, sh)
	}
	src, err := luma.SubPlane(region)
	if err != nil {
		return dst, err
	}
	if n := sw * sh; cap(d.smallPix) < n {
		d.smallPix = make([]byte, n)
	}
	small := preprocess.GrayPlane(d.smallPix[:sw*sh], sw, sw, sh)
	if err := d.down.Downscale(small, src, k); err != nil {
		return dst, err
	}
	minSize, maxSize := (minFace+k-1)/k, maxFace/k
	if maxSize < minSize {
		return dst, nil
	}
	hits := d.scan(&small, minSize, maxSize)
	for o := range d.groups {
		d.groups[o] = groupRects(d.groups[o][:0], hits[o], d.o.MinNeighbors, d.o.GroupEps, &d.gs)
	}
	// The mirror orientation's groups are in the mirrored plane's
	// coordinates. A rounded box can stick out of the plane by a pixel:
	// OpenCV clips it (clipObjects); we move it inside, keeping its size.
	for o := range d.groups {
		for i := range d.groups[o] {
			g := &d.groups[o][i]
			if o == 1 {
				g.x = int32(sw) - g.x - g.w
			}
			g.x = max(0, min(g.x, int32(sw)-g.w))
			g.y = max(0, min(g.y, int32(sh)-g.h))
		}
	}
	d.merge()
	first := len(dst)
	labels := [2]Profile{ProfileNoseLeft, ProfileNoseRight}
	if !d.profile {
		labels[0] = 0
	}
	for o, profile := range labels {
		for i, g := range d.groups[o] {
			if !d.keep[o][i] {
				continue
			}
			x0, y0 := region.Min.X+int(g.x)*k, region.Min.Y+int(g.y)*k
			dst = append(dst, Face{
				Rect:    image.Rect(x0, y0, x0+int(g.w)*k, y0+int(g.h)*k),
				Score:   float32(g.n),
				Profile: profile,
			})
		}
	}
	slices.SortStableFunc(dst[first:], func(a, b Face) int {
		switch {
		case a.Score > b.Score:
			return -1
		case a.Score < b.Score:
			return 1
		}
		return 0
	})
	return dst, nil
}

// merge marks in d.keep which groups survive: of two groups of opposite
// orientations overlapping by MergeIoU or more, the weaker (fewer
// neighbours, then smaller summed margin) is dropped. The rule treats
// the orientations alike, so mirroring the plane mirrors the result.
func (d *HaarDetector) merge() {
	for o := range d.keep {
		n := len(d.groups[o])
		if cap(d.keep[o]) < n {
			d.keep[o] = make([]bool, n)
		}
		d.keep[o] = d.keep[o][:n]
		for i := range d.keep[o] {
			d.keep[o][i] = true
		}
	}
	for i := range d.groups[0] {
		a := &d.groups[0][i]
		for j := range d.groups[1] {
			b := &d.groups[1][j]
			if groupIoU(a, b) < d.o.MergeIoU {
				continue
			}
			switch {
			case a.n > b.n || (a.n == b.n && a.margin > b.margin):
				d.keep[1][j] = false
			case b.n > a.n || (a.n == b.n && b.margin > a.margin):
				d.keep[0][i] = false
			}
		}
	}
}

// groupIoU is the intersection over union of two groups' rectangles.
func groupIoU(a, b *haarGroup) float64 {
	ix := min(a.x+a.w, b.x+b.w) - max(a.x, b.x)
	iy := min(a.y+a.h, b.y+b.h) - max(a.y, b.y)
	if ix <= 0 || iy <= 0 {
		return 0
	}
	inter := float64(ix) * float64(iy)
	return inter / (float64(a.w)*float64(a.h) + float64(b.w)*float64(b.h) - inter)
}
