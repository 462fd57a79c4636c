package detect

import (
	"fmt"
	"image"
	"math"
	"slices"

	"github.com/facegate/facegate/preprocess"
)

// Options configure a Detector. Sizes are in the pixels of the frames given
// to Detect. A nil *Options means the defaults below.
type Options struct {
	// MinFace and MaxFace bound the face side (default 80, and the frame's
	// shorter side).
	MinFace, MaxFace int
	// ShiftFactor and ScaleFactor are pigo's window step and growth
	// (default 0.1 and 1.1).
	ShiftFactor, ScaleFactor float64
	// IoU is the overlap above which windows merge into one face (default 0.2).
	IoU float64
	// MinScore drops faces whose summed window score is not above it
	// (0 means the default, 5, pigo's command-line default; a negative
	// value keeps every cluster).
	MinScore float32
	// Angles are in-plane rotations to scan besides upright, in turns (0 to
	// 1, as pigo's); each multiplies the scan time.
	Angles []float64
	// AnglesOnly scans at Angles only, not upright (for a second detector
	// that looks again, turned, where an upright one found nothing).
	AnglesOnly bool
	// DetectSide is the window side, in pixels of the downscaled plane,
	// that MinFace maps to: frames are box-downscaled by
	// max(1, MinFace/DetectSide) before scanning (default 24, near pigo's
	// smallest useful window).
	DetectSide int
	// Perturbs is the number of perturbed starts for pupils and landmarks
	// (default and maximum MaxPerturbs).
	Perturbs int
	// SkipLandmarks skips pupils, landmarks and pose.
	SkipLandmarks bool
	// Workers is how many goroutines a scan may use: 0 or 1 scans on the
	// calling goroutine; 2 shares the rows of large planes (at least
	// 100,000 pixels after the downscale, such as 1080p frames for faces
	// from 48 px) with a helper goroutine the Detector starts on first use
	// and that ends when the Detector is collected. The results are the
	// same. Rotated scans (Angles) stay on the calling goroutine.
	Workers int
	// Landmarks lists the landmarks to find after the pupils (nil means
	// all). The pose needs NoseTip, MouthCornerLeft and MouthCornerRight:
	// PoseLandmarks. Each landmark costs about a fifth of localisation.
	Landmarks []Landmark
}

// PoseLandmarks are the landmarks the pose estimate uses.
var PoseLandmarks = []Landmark{NoseTip, MouthCornerLeft, MouthCornerRight}

func (o *Options) withDefaults() Options {
	d := Options{MinFace: 80, ShiftFactor: 0.1, ScaleFactor: 1.1, IoU: 0.2, MinScore: 5, DetectSide: 24, Perturbs: MaxPerturbs}
	if o == nil {
		return d
	}
	r := *o
	if r.MinFace == 0 {
		r.MinFace = d.MinFace
	}
	if r.ShiftFactor == 0 {
		r.ShiftFactor = d.ShiftFactor
	}
	if r.ScaleFactor == 0 {
		r.ScaleFactor = d.ScaleFactor
	}
	if r.IoU == 0 {
		r.IoU = d.IoU
	}
	if r.MinScore == 0 {
		r.MinScore = d.MinScore
	}
	if r.DetectSide == 0 {
		r.DetectSide = d.DetectSide
	}
	if r.Perturbs == 0 {
		r.Perturbs = d.Perturbs
	}
	return r
}

func (o *Options) validate() error {
	switch {
	case o.MinFace < 1 || (o.MaxFace != 0 && o.MaxFace < o.MinFace):
		return fmt.Errorf("%w: face sizes %d..%d", ErrParams, o.MinFace, o.MaxFace)
	case o.DetectSide < 8:
		return fmt.Errorf("%w: detect side %d", ErrParams, o.DetectSide)
	case o.Workers < 0 || o.Workers > 2:
		return fmt.Errorf("%w: %d workers, want 0, 1 or 2", ErrParams, o.Workers)
	case o.Perturbs < 1 || o.Perturbs > MaxPerturbs:
		return fmt.Errorf("%w: %d perturbations, want 1..%d", ErrParams, o.Perturbs, MaxPerturbs)
	case !(o.IoU > 0 && o.IoU < 1):
		return fmt.Errorf("%w: IoU %v", ErrParams, o.IoU)
	}
	for _, l := range o.Landmarks {
		if l >= numLandmarks {
			return fmt.Errorf("%w: landmark %d", ErrParams, l)
		}
	}
	for _, a := range o.Angles {
		if !(a > 0 && a <= 1) {
			return fmt.Errorf("%w: angle %v, want (0, 1] turns", ErrParams, a)
		}
	}
	sp := ScanParams{MinSize: 1, MaxSize: 1, ShiftFactor: o.ShiftFactor, ScaleFactor: o.ScaleFactor}
	return sp.validate()
}

// Face is one detected face, in the coordinates of the frame given to Detect.
type Face struct {
	Rect    image.Rectangle // face box: square, except the LBP profile detector's (taller than wide)
	Score   float32         // summed cascade score of the merged windows
	Profile Profile         // 0 for the frontal cascade's faces; ProfileNoseLeft or ProfileNoseRight for the profile cascade's

	// Pupils, left and right as they appear in the image, and the distance
	// between them; PupilsFound is false when localisation failed or was
	// skipped (then the fields below are zero too).
	Pupils      [2]Point
	EyeDistance float64
	PupilsFound bool

	// Landmarks indexed by Landmark (NoseTip, MouthCornerLeft, ...), found
	// from the pupils; LandmarksFound is true when every landmark the
	// Options ask for was found (the others stay zero).
	Landmarks      [numLandmarks]Point
	LandmarksFound bool

	// Pose estimated from the pupils and the PoseLandmarks (valid when
	// PoseFound: false when they were not all found, or MeasurePose
	// rejects their geometry, such as a mouth not below the eyes).
	Pose      Pose
	PoseFound bool
}

// Detector finds faces, pupils and landmarks. Its cascades are shared and
// read-only; its scratch (downscaled plane, windows, offset tables) belongs
// to it, so use one Detector per goroutine. After the first frames of a
// given size, Detect does not allocate.
type Detector struct {
	cs   *Cascades
	o    Options
	scan *Scanner
	pert *Perturbations
	loc  locScratch

	landmarks [numLandmarks]*LocCascade
	wanted    []Landmark

	// downscaled plane and scan results, grown as needed
	down          preprocess.Downscaler
	smallPix      []byte
	smallStride   int
	raw, clusters []Window

	// the helper goroutine of Workers: 2, started on first use
	jobs    chan *scanJob
	done    chan struct{}
	job     *scanJob
	evenOut []Window
	evenEnd []int32
}

// NewDetector returns a Detector using cs (DefaultCascades when nil).
func NewDetector(cs *Cascades, o *Options) (*Detector, error) {
	if cs == nil {
		var err error
		if cs, err = DefaultCascades(); err != nil {
			return nil, err
		}
	}
	opt := o.withDefaults()
	if err := opt.validate(); err != nil {
		return nil, err
	}
	d := &Detector{cs: cs, o: opt, scan: NewScanner(cs.Face), pert: newPerturbations(perturbSeed)}
	d.wanted = opt.Landmarks
	if d.wanted == nil {
		d.wanted = []Landmark{NoseTip, MouthCornerLeft, MouthCornerRight, UpperLip, LowerLip}
	} else {
		d.wanted = slices.Clone(d.wanted)
	}
	for l, lc := range landmarkCascade {
		if d.landmarks[l] = cs.Landmarks[lc.file]; d.landmarks[l] == nil && !opt.SkipLandmarks {
			return nil, fmt.Errorf("%w: landmark cascade %s missing", ErrCascade, lc.file)
		}
	}
	if cs.Pupil == nil && !opt.SkipLandmarks {
		return nil, fmt.Errorf("%w: pupil cascade missing", ErrCascade)
	}
	return d, nil
}

// Detect appends the faces found in luma (one channel, any stride) to dst,
// highest score first, with the Options' face sizes.
func (d *Detector) Detect(dst []Face, luma preprocess.Plane) ([]Face, error) {
	maxFace := d.o.MaxFace
	if maxFace == 0 {
		maxFace = min(luma.Width, luma.Height)
	}
	if maxFace < d.o.MinFace {
		// The frame is smaller than the smallest face (or invalid).
		return dst, luma.Validate()
	}
	return d.DetectRegion(dst, luma, image.Rect(0, 0, luma.Width, luma.Height), d.o.MinFace, maxFace)
}

// DetectRegion is Detect restricted to the faces wholly inside region (in
// luma's coordinates, clipped to the plane) with sides in minFace..maxFace;
// it is how a tracker re-finds a face near where it was at a fraction of a
// full scan's cost. It scans the window sizes Detect scans (the ladder
// from Options.MinFace, at the same downscale), skipping those outside
// minFace..maxFace, so that a face measures the same in both. Pupils and
// landmarks are found at full resolution. Faces are in luma's
// coordinates, highest score first. In steady state (regions no wider
// than before) it does not allocate.
func (d *Detector) DetectRegion(dst []Face, luma preprocess.Plane, region image.Rectangle, minFace, maxFace int) ([]Face, error) {
	return d.detectRegion(dst, luma, region, minFace, maxFace, false)
}

// DetectRegionEqualized is DetectRegion on a contrast-normalised image: the
// downscaled plane the cascade scans is histogram-equalised first (luma
// itself is not changed, and pupils and landmarks are found on it). It
// finds faces that the plain scan loses in blown-out or very dark frames,
// where the face's structure is squeezed into a few grey levels; on
// well-exposed frames it finds about the same faces at the cost of
// another scan. Windows equalised from noise can pass the cascade: judge
// the scores.
func (d *Detector) DetectRegionEqualized(dst []Face, luma preprocess.Plane, region image.Rectangle, minFace, maxFace int) ([]Face, error) {
	return d.detectRegion(dst, luma, region, minFace, maxFace, true)
}

func (d *Detector) detectRegion(dst []Face, luma preprocess.Plane, region image.Rectangle, minFace, maxFace int, equalize bool) ([]Face, error) {
	if err := luma.Validate(); err != nil {
		return dst, err
	}
	if luma.Channels > 1 {
		return dst, fmt.Errorf("%w: detection needs a one-channel plane, have %d", ErrParams, luma.Channels)
	}
	if minFace < 1 || maxFace < minFace {
		return dst, fmt.Errorf("%w: face sizes %d..%d", ErrParams, minFace, maxFace)
	}
	k := max(1, d.o.MinFace/d.o.DetectSide)
	// The region starts on the downscale grid of a full scan, so the
	// downscaled pixels are the same.
	region.Min.X -= region.Min.X % k
	region.Min.Y -= region.Min.Y % k
	region = region.Intersect(image.Rect(0, 0, luma.Width, luma.Height))
	w, h := region.Dx(), region.Dy()
	if w < minFace || h < minFace {
		return dst, nil // no face of minFace fits
	}
	sw, sh := w/k, h/k
	src, err := luma.SubPlane(region)
	if err != nil {
		return dst, err
	}
	// Without a downscale or an equalisation the scan reads the region in
	// luma itself (its windows do not depend on the stride). Else the
	// downscaled plane keeps one stride (the widest seen) so that the
	// scanner's offset tables serve every region and frame.
	small := src
	if k > 1 || equalize {
		d.smallStride = max(d.smallStride, sw)
		if n := d.smallStride*(sh-1) + sw; cap(d.smallPix) < n {
			d.smallPix = make([]byte, d.smallStride*sh)
		}
		small = preprocess.GrayPlane(d.smallPix[:d.smallStride*(sh-1)+sw], d.smallStride, sw, sh)
		if err := d.down.Downscale(small, src, k); err != nil {
			return dst, err
		}
		if equalize {
			equalizePlane(small)
		}
	}
	sp := ScanParams{
		MinSize:     (d.o.MinFace + k - 1) / k,
		SkipBelow:   (minFace + k - 1) / k,
		MaxSize:     min(maxFace, w, h) / k,
		ShiftFactor: d.o.ShiftFactor,
		ScaleFactor: d.o.ScaleFactor,
	}
	if sp.MaxSize < sp.MinSize {
		return dst, nil
	}
	d.raw = d.raw[:0]
	switch {
	case d.o.AnglesOnly && len(d.o.Angles) > 0:
	case d.o.Workers > 1 && small.Width*small.Height >= minParallelPixels:
		d.raw, err = d.parallelScan(d.raw, small, sp)
	default:
		d.raw, err = d.scan.Scan(d.raw, small, sp)
	}
	if err != nil {
		return dst, err
	}
	for _, a := range d.o.Angles {
		sp.Angle = a
		if d.raw, err = d.scan.Scan(d.raw, small, sp); err != nil {
			return dst, err
		}
	}
	d.clusters = d.scan.Cluster(d.clusters[:0], d.raw, d.o.IoU)
	first := len(dst)
	for _, win := range d.clusters {
		if win.Q <= d.o.MinScore {
			continue
		}
		// Window (row, col, side) of the downscaled plane covers full-frame
		// pixels [k*(col-side/2), k*(col+side/2)), offset by the region.
		side := win.Scale * k
		cx, cy := region.Min.X+win.Col*k+k/2, region.Min.Y+win.Row*k+k/2
		f := Face{Rect: image.Rect(cx-side/2, cy-side/2, cx-side/2+side, cy-side/2+side), Score: win.Q}
		if !d.o.SkipLandmarks {
			d.localise(&f, &luma, cy, cx, side, noEarlyExit)
		}
		dst = append(dst, f)
	}
	found := dst[first:]
	slices.SortStableFunc(found, func(a, b Face) int {
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

// Localise finds the pupils, the Options' landmarks and the pose of a face
// whose Rect is set (as Detect and DetectRegion report it), in luma, the
// plane it was found in. It suits a caller that detects with SkipLandmarks
// and localises only the faces it cares about, or prepares only those
// pixels of luma the localisation reads: the face's box and about half a
// side around it. A Rect that does not overlap luma, or whose side exceeds
// twice luma's larger side, is an error wrapping ErrParams (no detector
// reports such a face; its arithmetic would overflow). It does not
// allocate.
func (d *Detector) Localise(f *Face, luma preprocess.Plane) error {
	return d.localiseFace(f, luma, noEarlyExit)
}

// LocaliseTracked is Localise with an early exit, for a face followed from
// frame to frame whose pupils the last frame found: each localisation
// (either pupil, each landmark) runs the first TrackedPerturbs of the
// Options' perturbed starts and takes their medians. When the estimates
// of one of them do not agree (an interquartile range above
// TrackedPupilSpread of the search scale for a pupil, TrackedMarkSpread
// for a landmark: see Pose.Confidence), or a pupil or landmark is not
// found, it starts again and finds what Localise finds, bit for bit. On
// the frames of a camera stream the agreeing case is the common one and
// costs about a quarter of Localise; the points then differ from
// Localise's by about a pixel (its test states the tolerance), and the
// pose confidence is 1. It does not allocate.
func (d *Detector) LocaliseTracked(f *Face, luma preprocess.Plane) error {
	return d.localiseFace(f, luma, trackedEarlyExit)
}

func (d *Detector) localiseFace(f *Face, luma preprocess.Plane, early earlyExit) error {
	if err := luma.Validate(); err != nil {
		return err
	}
	if r := f.Rect; !r.Overlaps(image.Rect(0, 0, luma.Width, luma.Height)) || r.Dx() > 2*max(luma.Width, luma.Height) || r.Dy() > 2*max(luma.Width, luma.Height) {
		return fmt.Errorf("%w: face %v for a %dx%d plane", ErrParams, r, luma.Width, luma.Height)
	}
	if d.cs.Pupil == nil {
		return fmt.Errorf("%w: pupil cascade missing", ErrCascade)
	}
	for _, l := range d.wanted {
		if d.landmarks[l] == nil {
			return fmt.Errorf("%w: landmark cascade %s missing", ErrCascade, landmarkCascade[l].file)
		}
	}
	f.Pupils, f.EyeDistance, f.PupilsFound = [2]Point{}, 0, false
	f.Landmarks, f.LandmarksFound, f.Pose, f.PoseFound = [numLandmarks]Point{}, false, Pose{}, false
	side := f.Rect.Dx()
	if side <= 0 {
		return nil
	}
	if !d.localise(f, &luma, f.Rect.Min.Y+side/2, f.Rect.Min.X+side/2, side, early) {
		// The starts disagree: localise as Localise does.
		f.Pupils, f.EyeDistance, f.PupilsFound = [2]Point{}, 0, false
		f.Landmarks, f.LandmarksFound = [numLandmarks]Point{}, false
		d.localise(f, &luma, f.Rect.Min.Y+side/2, f.Rect.Min.X+side/2, side, noEarlyExit)
	}
	return nil
}

// localise finds the pupils, then the landmarks from them, as pigo's
// command does, and estimates the pose. With an early exit (early.first
// below the Options' Perturbs) each localisation runs early.first starts
// and localise gives up, reporting false, at the first whose starts do not
// agree; the caller then localises again without it.
func (d *Detector) localise(f *Face, p *preprocess.Plane, row, col, side int, early earlyExit) bool {
	n := d.o.Perturbs
	cut := early.first > 0 && early.first < n
	if cut {
		n = early.first
	}
	s := float32(side)
	var pupilSpread [2]float64
	var markSpread [3]float64
	leftRow, leftCol, _ := d.cs.Pupil.locate(p, row-int(0.075*s), col-int(0.175*s), s*0.25, n, d.pert, false, &d.loc)
	pupilSpread[0] = float64(d.loc.spread)
	if cut && !(d.loc.spread <= early.pupil) {
		return false
	}
	rightRow, rightCol, _ := d.cs.Pupil.locate(p, row-int(0.075*s), col+int(0.185*s), s*0.25, n, d.pert, false, &d.loc)
	pupilSpread[1] = float64(d.loc.spread)
	if cut && !(d.loc.spread <= early.pupil) {
		return false
	}
	if leftRow <= 0 || leftCol <= 0 || rightRow <= 0 || rightCol <= 0 {
		return !cut
	}
	f.Pupils = [2]Point{{float64(leftCol), float64(leftRow)}, {float64(rightCol), float64(rightRow)}}
	f.EyeDistance = math.Hypot(float64(leftCol-rightCol), float64(leftRow-rightRow))
	f.PupilsFound = true
	ok := true
	for _, l := range d.wanted {
		r, c, _ := landmark(d.landmarks[l], p, leftRow, leftCol, rightRow, rightCol, n, d.pert, landmarkCascade[l].flip, &d.loc)
		if cut && !(d.loc.spread <= early.mark) {
			return false
		}
		if i := slices.Index(PoseLandmarks, l); i >= 0 {
			markSpread[i] = float64(d.loc.spread)
		}
		if r <= 0 || c <= 0 {
			ok = false
		}
		f.Landmarks[l] = Point{float64(c), float64(r)}
	}
	if !ok {
		f.Landmarks = [numLandmarks]Point{}
		return !cut
	}
	f.LandmarksFound = true
	f.PoseFound = true
	for _, l := range PoseLandmarks {
		f.PoseFound = f.PoseFound && slices.Contains(d.wanted, l)
	}
	if f.PoseFound {
		// Landmarks MeasurePose rejects (the mouth not below the eyes)
		// give no pose: estimatePose's yaw and pitch would be a frontal
		// placeholder.
		var ok bool
		if f.Pose, ok = measuredPose(f); ok {
			f.Pose.Confidence = poseConfidence(pupilSpread, markSpread)
		} else {
			f.Pose, f.PoseFound = Pose{}, false
		}
	}
	return true
}

// The early exit of LocaliseTracked.
const (
	// TrackedPerturbs is how many of the perturbed starts LocaliseTracked
	// runs for each localisation (a multiple of 8, the estimates the
	// localisation kernels walk side by side).
	TrackedPerturbs = 16
	// TrackedPupilSpread and TrackedMarkSpread are the spreads (the
	// interquartile range of the estimates' rows plus that of their
	// columns, over the search scale) up to which LocaliseTracked takes
	// the medians of TrackedPerturbs starts, for a pupil and for a
	// landmark: those up to which Pose.Confidence is 1 (confidentSpread,
	// and that plus pupilSlack for the pupils). The early exit is taken
	// where the first starts are as sure as the pose estimate gets.
	TrackedPupilSpread = confidentSpread + pupilSlack
	TrackedMarkSpread  = confidentSpread
)

// earlyExit is localise's early exit: how many starts, and the spreads up
// to which they agree for a pupil and for a landmark.
type earlyExit struct {
	first       int
	pupil, mark float32
}

var (
	noEarlyExit      = earlyExit{}
	trackedEarlyExit = earlyExit{TrackedPerturbs, TrackedPupilSpread, TrackedMarkSpread}
)

// landmark is pigo's GetLandmarkPoint: a start below the eyes' midpoint,
// scaled by their distance.
func landmark(c *LocCascade, p *preprocess.Plane, lr, lc, rr, rc, n int, pt *Perturbations, flip bool, s *locScratch) (int, int, float32) {
	dx := (lr - rr) * (lr - rr)
	dy := (lc - rc) * (lc - rc)
	dist := math.Sqrt(float64(dx + dy))
	row := float64(lr+rr)/2 + 0.25*dist
	col := float64(lc+rc)/2 + 0.15*dist
	return c.locate(p, int(row), int(col), float32(3*dist), n, pt, flip, s)
}

// equalizePlane equalises the histogram of a one-channel plane in place:
// each grey level maps to the share of pixels at or below it, scaled to
// 0..255, so that the levels in use spread over the whole range.
func equalizePlane(p preprocess.Plane) {
	var hist [256]int
	for y := range p.Height {
		for _, v := range p.Row(y) {
			hist[v]++
		}
	}
	n := p.Width * p.Height
	var lut [256]byte
	cum, first := 0, -1
	for v, c := range hist {
		if first < 0 && c > 0 {
			first = cum + c // the darkest level maps to 0
		}
		cum += c
		if den := n - first; first >= 0 && den > 0 {
			lut[v] = byte((max(cum-first, 0)*255 + den/2) / den)
		}
	}
	for y := range p.Height {
		row := p.Row(y)
		for i, v := range row {
			row[i] = lut[v]
		}
	}
}
