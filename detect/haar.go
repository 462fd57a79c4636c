package detect

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"sync"
)

// Profile says which way a face is turned, as the profile cascade sees it:
// the direction the nose points in the image.
type Profile int8

// The profile directions. OpenCV's profile cascade, as trained, finds
// faces whose nose points to the image's left (the subject turned to their
// right); run mirrored, it finds those whose nose points right.
const (
	ProfileNoseLeft  Profile = -1 // nose towards the image's left edge
	ProfileNoseRight Profile = 1  // nose towards the image's right edge
)

// String returns "frontal" for 0, else the nose's direction.
func (p Profile) String() string {
	switch p {
	case 0:
		return "frontal"
	case ProfileNoseLeft:
		return "nose left"
	case ProfileNoseRight:
		return "nose right"
	}
	return "Profile(" + strconv.Itoa(int(p)) + ")"
}

// OpenCV's profile-face Haar cascade, embedded gzipped: the file
// haarcascade_profileface.xml of OpenCV's data/haarcascades, byte for byte
// as Debian's opencv-data 4.6.0 installs it ("20x20 profile face detector.
// Contributed by David Bradley from Princeton University."), under the
// Intel License Agreement (BSD-style) that its header carries and
// cascades/LICENSE-opencv repeats.
//
//go:embed cascades/haarcascade_profileface.xml.gz
var profileCascadeGz []byte

// The licence travels with the cascade in the binary.
//
//go:embed cascades/LICENSE-opencv
var profileCascadeLicence string

// OpenCV's frontal-face Haar cascade, embedded gzipped:
// haarcascade_frontalface_alt.xml, byte for byte as Debian's opencv-data
// 4.6.0 installs it ("Stump-based 20x20 gentle adaboost frontal face
// detector. Created by Rainer Lienhart."), under the same licence.
//
//go:embed cascades/haarcascade_frontalface_alt.xml.gz
var frontalCascadeGz []byte

var (
	profileOnce    sync.Once
	profileCascade *HaarCascade
	profileErr     error

	frontalOnce    sync.Once
	frontalCascade *HaarCascade
	frontalErr     error
)

// maxCascadeXML bounds the decompressed embedded cascade (it is 828 KB).
const maxCascadeXML = 16 << 20

// ProfileFaceCascade returns OpenCV's profile-face cascade
// (haarcascade_profileface.xml from opencv-data 4.x, contributed by David
// Bradley, Princeton University; Intel License Agreement, see
// cascades/LICENSE-opencv), embedded and parsed on first use. It is
// read-only and shared.
func ProfileFaceCascade() (*HaarCascade, error) {
	profileOnce.Do(func() {
		profileCascade, profileErr = parseEmbeddedCascade(profileCascadeGz, "profile")
	})
	return profileCascade, profileErr
}

// FrontalFaceCascade returns OpenCV's frontal-face cascade
// (haarcascade_frontalface_alt.xml from opencv-data 4.x, a stump-based
// 20x20 gentle AdaBoost detector created by Rainer Lienhart; Intel License
// Agreement, see cascades/LICENSE-opencv), embedded and parsed on first
// use. It is read-only and shared.
func FrontalFaceCascade() (*HaarCascade, error) {
	frontalOnce.Do(func() {
		frontalCascade, frontalErr = parseEmbeddedCascade(frontalCascadeGz, "frontal")
	})
	return frontalCascade, frontalErr
}

// parseEmbeddedCascade gunzips and parses an embedded cascade.
func parseEmbeddedCascade(gz []byte, name string) (*HaarCascade, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, fmt.Errorf("%w: embedded %s cascade: %v", ErrCascade, name, err)
	}
	b, err := io.ReadAll(io.LimitReader(zr, maxCascadeXML))
	if err != nil {
		return nil, fmt.Errorf("%w: embedded %s cascade: %v", ErrCascade, name, err)
	}
	return ParseHaarCascade(b)
}

// ProfileFaceCascadeLicence returns the licence of the embedded profile
// cascade (the Intel License Agreement from the file's header), for an
// application's notices.
func ProfileFaceCascadeLicence() string { return profileCascadeLicence }

// HaarCascade is a parsed OpenCV boosted cascade of Haar-feature stumps:
// stages of depth-1 decision trees, each comparing one Haar feature (two or
// three weighted rectangle sums, normalised by the window's standard
// deviation) with a threshold. It is read-only once parsed and may be
// shared by any number of ProfileDetectors.
type HaarCascade struct {
	width, height int
	stages        []haarStage
	stumps        []haarStump
	features      []haarFeature

	// fixedShift, when fixed: every leaf value and stage threshold is an
	// integer multiple of 2^-fixedShift and every stage's sums stay below
	// 2^(53-fixedShift), so OpenCV's float64 stage sums are exact and equal
	// integer sums at that scale, in any order.
	fixed      bool
	fixedShift uint
	// intWeights: every rectangle weight is a small integer and every
	// feature's weighted sums stay below 2^24, so OpenCV's float32 feature
	// arithmetic is exact and equals int32 arithmetic.
	intWeights bool
}

// haarStage is a run of stumps whose leaf values are summed and compared
// with the stage threshold (OpenCV's, less 1e-5 as OpenCV subtracts).
type haarStage struct {
	first, n  int
	threshold float32
}

// haarStump: feature value < threshold gives left, else right.
type haarStump struct {
	feature     int
	threshold   float32
	left, right float32
}

// haarRect is one weighted rectangle of a feature, in window pixels.
type haarRect struct {
	x, y, w, h int
	weight     float32
}

// haarFeature has three rectangles, as OpenCV's: missing ones are empty
// with weight 0.
type haarFeature struct {
	rects [3]haarRect
}

// WindowSize returns the cascade's window, in pixels (20x20 for the
// profile cascade).
func (c *HaarCascade) WindowSize() (width, height int) { return c.width, c.height }

// Stages returns the number of stages.
func (c *HaarCascade) Stages() int { return len(c.stages) }

// Stumps returns the number of weak classifiers over all stages.
func (c *HaarCascade) Stumps() int { return len(c.stumps) }

// HaarError reports a Haar cascade that ParseHaarCascade cannot use: where
// in the file, and what is wrong. It wraps ErrCascade.
type HaarError struct {
	Where string // the element, e.g. "stages[3].weakClassifiers[2].internalNodes"
	What  string
	// Unsupported is true for valid OpenCV cascades that use what this
	// package does not evaluate: tilted features, trees deeper than one
	// split, LBP or HOG features, stage types other than BOOST.
	Unsupported bool
}

func (e *HaarError) Error() string {
	if e.Where == "" {
		return ErrCascade.Error() + ": Haar cascade: " + e.What
	}
	return ErrCascade.Error() + ": Haar cascade: " + e.Where + ": " + e.What
}

// Unwrap returns ErrCascade.
func (e *HaarError) Unwrap() error { return ErrCascade }

func haarErr(where, format string, args ...any) error {
	return &HaarError{Where: where, What: fmt.Sprintf(format, args...)}
}

func haarUnsupported(where, format string, args ...any) error {
	return &HaarError{Where: where, What: fmt.Sprintf(format, args...), Unsupported: true}
}

// Limits on what a Haar cascade may hold: far above OpenCV's own files (the
// profile cascade has 26 stages and 2,609 stumps in a 20x20 window; the
// default frontal one 25 stages and 2,913 stumps, 24x24) and small
// enough that no input can ask for much memory or time per window.
const (
	maxHaarWindow   = 128
	maxHaarStages   = 1024
	maxHaarStumps   = 1 << 16
	maxHaarFeatures = 1 << 16
	maxHaarInput    = 64 << 20
)

// The XML of OpenCV's "new" cascade format (what opencv_traincascade writes
// and data/haarcascades ships): opencv_storage, then one top-level node.
type xmlStorage struct {
	XMLName xml.Name
	Nodes   []xmlCascade `xml:",any"`
}

type xmlCascade struct {
	XMLName       xml.Name
	StageType     string     `xml:"stageType"`
	FeatureType   string     `xml:"featureType"`
	Width         string     `xml:"width"`
	Height        string     `xml:"height"`
	FeatureParams []xmlCat   `xml:"featureParams"`
	Stages        []xmlStage `xml:"stages>_"`
	Features      []xmlFeat  `xml:"features>_"`
	OldSize       []string   `xml:"size"` // the old format's window size
}

type xmlCat struct {
	MaxCatCount string `xml:"maxCatCount"`
}

type xmlStage struct {
	Threshold string    `xml:"stageThreshold"`
	Weak      []xmlWeak `xml:"weakClassifiers>_"`
}

type xmlWeak struct {
	InternalNodes []string `xml:"internalNodes"`
	LeafValues    []string `xml:"leafValues"`
}

type xmlFeat struct {
	Rects  []string `xml:"rects>_"`
	Tilted string   `xml:"tilted"`
}

// ParseHaarCascade parses an OpenCV cascade in the "new" XML format
// (opencv_storage/cascade: stageType BOOST, featureType HAAR, width and
// height, stages of stageThreshold and weakClassifiers with internalNodes
// "left right featureIdx threshold" and leafValues, and features of up to
// three rects "x y w h weight"), with the numbers OpenCV's loader makes of
// it (thresholds and weights rounded to float32, stage thresholds less
// 1e-5). It evaluates stumps only: tilted features, deeper trees and
// non-HAAR cascades are rejected (HaarError.Unsupported), as is anything
// malformed or out of bounds (counts, rectangles outside the window,
// non-finite numbers). Errors are *HaarError and wrap ErrCascade; it never
// panics.
func ParseHaarCascade(data []byte) (*HaarCascade, error) {
	if len(data) > maxHaarInput {
		return nil, haarErr("", "%d bytes, more than %d", len(data), maxHaarInput)
	}
	var st xmlStorage
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	if err := dec.Decode(&st); err != nil {
		return nil, haarErr("", "not XML: %v", err)
	}
	if st.XMLName.Local != "opencv_storage" {
		return nil, haarErr("", "root element %q, want opencv_storage", st.XMLName.Local)
	}
	if len(st.Nodes) == 0 {
		return nil, haarErr("opencv_storage", "empty")
	}
	x := &st.Nodes[0] // OpenCV reads the first top-level node
	where := x.XMLName.Local
	if x.StageType == "" && len(x.OldSize) > 0 {
		return nil, haarUnsupported(where, "old-format cascade (size/stages/trees); convert it with OpenCV to the new format")
	}
	if strings.TrimSpace(x.StageType) != "BOOST" {
		return nil, haarUnsupported(where+".stageType", "%q, want BOOST", x.StageType)
	}
	if ft := strings.TrimSpace(x.FeatureType); ft != "HAAR" {
		return nil, haarUnsupported(where+".featureType", "%q, want HAAR", ft)
	}
	c := &HaarCascade{}
	var err error
	if c.width, err = xmlInt(x.Width, 3, maxHaarWindow); err != nil {
		return nil, haarErr(where+".width", "%v", err)
	}
	if c.height, err = xmlInt(x.Height, 3, maxHaarWindow); err != nil {
		return nil, haarErr(where+".height", "%v", err)
	}
	if len(x.FeatureParams) != 1 {
		return nil, haarErr(where+".featureParams", "%d elements, want 1", len(x.FeatureParams))
	}
	if mc := strings.TrimSpace(x.FeatureParams[0].MaxCatCount); mc != "" && mc != "0" {
		return nil, haarUnsupported(where+".featureParams.maxCatCount", "%q: categorical (LBP-style) splits", mc)
	}

	// Features first: the stumps refer to them.
	if c.features, err = parseCascadeFeatures(x.Features, where, haarErr, c.parseFeature); err != nil {
		return nil, err
	}
	if c.stages, c.stumps, err = parseCascadeStages(x.Stages, where, haarErr, c.parseStump); err != nil {
		return nil, err
	}
	c.planFixed()
	return c, nil
}

// parseCascadeFeatures parses the features of a cascade, Haar or LBP (X
// and F are their XML and parsed types); errf makes the error of the
// cascade's kind.
func parseCascadeFeatures[X, F any](xfeats []X, where string, errf func(where, format string, args ...any) error,
	parseFeature func(*F, *X, string) error) ([]F, error) {
	if n := len(xfeats); n < 1 || n > maxHaarFeatures {
		return nil, errf(where+".features", "%d features, want 1..%d", n, maxHaarFeatures)
	}
	features := make([]F, len(xfeats))
	for i := range xfeats {
		if err := parseFeature(&features[i], &xfeats[i], fmt.Sprintf("%s.features[%d]", where, i)); err != nil {
			return nil, err
		}
	}
	return features, nil
}

// parseCascadeStages parses the stages of a cascade, Haar or LBP (S is its
// stump type), within the limits every cascade shares; the features must
// be parsed first (the stumps refer to them).
func parseCascadeStages[S any](xstages []xmlStage, where string, errf func(where, format string, args ...any) error,
	parseStump func(*xmlWeak, string) (S, error)) ([]haarStage, []S, error) {
	if n := len(xstages); n < 1 || n > maxHaarStages {
		return nil, nil, errf(where+".stages", "%d stages, want 1..%d", n, maxHaarStages)
	}
	total := 0
	for i := range xstages {
		total += len(xstages[i].Weak)
	}
	if total > maxHaarStumps {
		return nil, nil, errf(where+".stages", "%d weak classifiers, more than %d", total, maxHaarStumps)
	}
	stages := make([]haarStage, len(xstages))
	stumps := make([]S, 0, total)
	for si := range xstages {
		xs := &xstages[si]
		sw := fmt.Sprintf("%s.stages[%d]", where, si)
		thr, err := xmlFloat(xs.Threshold)
		if err != nil {
			return nil, nil, errf(sw+".stageThreshold", "%v", err)
		}
		if len(xs.Weak) == 0 {
			return nil, nil, errf(sw+".weakClassifiers", "empty")
		}
		stages[si] = haarStage{first: len(stumps), n: len(xs.Weak), threshold: thr - 1e-5}
		for wi := range xs.Weak {
			st, err := parseStump(&xs.Weak[wi], fmt.Sprintf("%s.weakClassifiers[%d]", sw, wi))
			if err != nil {
				return nil, nil, err
			}
			stumps = append(stumps, st)
		}
	}
	return stages, stumps, nil
}

// planFixed decides whether stage sums can be integers (see fixed).
func (c *HaarCascade) planFixed() {
	shift := 0
	need := func(v float32) {
		for k := 0; k <= 160; k++ {
			x := math.Ldexp(float64(v), k)
			if x == math.Trunc(x) {
				shift = max(shift, k)
				return
			}
		}
	}
	bound := 0.0 // largest |partial stage sum| or |threshold|
	for _, st := range c.stages {
		need(st.threshold)
		b := 0.0
		for _, s := range c.stumps[st.first : st.first+st.n] {
			need(s.left)
			need(s.right)
			b += math.Max(math.Abs(float64(s.left)), math.Abs(float64(s.right)))
		}
		bound = math.Max(bound, math.Max(b, math.Abs(float64(st.threshold))))
	}
	c.fixed = shift <= 62 && math.Ldexp(bound, shift) < 1<<53
	c.fixedShift = uint(shift)

	c.intWeights = true
	for _, f := range c.features {
		total := 0.0
		for _, r := range f.rects {
			w := float64(r.weight)
			if w != math.Trunc(w) || math.Abs(w) > 1<<10 {
				c.intWeights = false
			}
			total += math.Abs(w) * float64(r.w*r.h) * 255
		}
		if total >= 1<<24 {
			c.intWeights = false
		}
	}
}

// toFixed is v at the cascade's fixed-point scale (exact when c.fixed).
func (c *HaarCascade) toFixed(v float32) int64 {
	return int64(math.Ldexp(float64(v), int(c.fixedShift)))
}

func (c *HaarCascade) parseFeature(f *haarFeature, xf *xmlFeat, where string) error {
	switch t := strings.TrimSpace(xf.Tilted); t {
	case "", "0":
	case "1":
		return haarUnsupported(where+".tilted", "tilted (45-degree) features")
	default:
		return haarErr(where+".tilted", "%q, want 0 or 1", t)
	}
	if n := len(xf.Rects); n < 1 || n > len(f.rects) {
		return haarErr(where+".rects", "%d rectangles, want 1..%d", n, len(f.rects))
	}
	for ri, s := range xf.Rects {
		rw := fmt.Sprintf("%s.rects[%d]", where, ri)
		fs := strings.Fields(s)
		if len(fs) != 5 {
			return haarErr(rw, "%d numbers, want 5 (x y w h weight)", len(fs))
		}
		var v [4]int
		for k := range v {
			n, err := strconv.Atoi(fs[k])
			if err != nil {
				return haarErr(rw, "%q is not an integer", fs[k])
			}
			v[k] = n
		}
		r := haarRect{x: v[0], y: v[1], w: v[2], h: v[3]}
		if r.x < 0 || r.y < 0 || r.w < 1 || r.h < 1 || r.x > c.width-r.w || r.y > c.height-r.h {
			return haarErr(rw, "rectangle %d,%d %dx%d is not inside the %dx%d window", r.x, r.y, r.w, r.h, c.width, c.height)
		}
		w, err := xmlFloat(fs[4])
		if err != nil {
			return haarErr(rw, "weight: %v", err)
		}
		r.weight = w
		f.rects[ri] = r
	}
	return nil
}

func (c *HaarCascade) parseStump(xw *xmlWeak, where string) (haarStump, error) {
	if len(xw.InternalNodes) != 1 || len(xw.LeafValues) != 1 {
		return haarStump{}, haarErr(where, "%d internalNodes and %d leafValues elements, want one of each", len(xw.InternalNodes), len(xw.LeafValues))
	}
	nodes := strings.Fields(xw.InternalNodes[0])
	switch {
	case len(nodes) == 0 || len(nodes)%4 != 0:
		return haarStump{}, haarErr(where+".internalNodes", "%d numbers, want 4 per node (left right featureIdx threshold)", len(nodes))
	case len(nodes) > 4:
		return haarStump{}, haarUnsupported(where+".internalNodes", "a tree of %d nodes; only stumps (one node) are evaluated", len(nodes)/4)
	}
	var lr [3]int
	for k := range lr {
		n, err := strconv.Atoi(nodes[k])
		if err != nil {
			return haarStump{}, haarErr(where+".internalNodes", "%q is not an integer", nodes[k])
		}
		lr[k] = n
	}
	if lr[0] != 0 || lr[1] != -1 {
		return haarStump{}, haarErr(where+".internalNodes", "children %d %d, want 0 -1 (the two leaves)", lr[0], lr[1])
	}
	if lr[2] < 0 || lr[2] >= len(c.features) {
		return haarStump{}, haarErr(where+".internalNodes", "feature %d of %d", lr[2], len(c.features))
	}
	thr, err := xmlFloat(nodes[3])
	if err != nil {
		return haarStump{}, haarErr(where+".internalNodes", "threshold: %v", err)
	}
	leaves := strings.Fields(xw.LeafValues[0])
	if len(leaves) != 2 {
		return haarStump{}, haarErr(where+".leafValues", "%d values, want 2", len(leaves))
	}
	l, err := xmlFloat(leaves[0])
	if err != nil {
		return haarStump{}, haarErr(where+".leafValues", "%v", err)
	}
	r, err := xmlFloat(leaves[1])
	if err != nil {
		return haarStump{}, haarErr(where+".leafValues", "%v", err)
	}
	return haarStump{feature: lr[2], threshold: thr, left: l, right: r}, nil
}

// xmlInt parses an integer element in lo..hi.
func xmlInt(s string, lo, hi int) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return 0, fmt.Errorf("%q is not an integer", s)
	}
	if n < lo || n > hi {
		return 0, fmt.Errorf("%d, want %d..%d", n, lo, hi)
	}
	return n, nil
}

// xmlFloat parses a number as OpenCV's FileStorage does (to double), then
// rounds it to float32 as the cascade loader does. Non-finite values and
// values beyond float32 are errors.
func xmlFloat(s string) (float32, error) {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a number", s)
	}
	f := float32(v)
	if math.IsNaN(v) || math.IsInf(float64(f), 0) {
		return 0, fmt.Errorf("%q is not a finite float32", s)
	}
	return f, nil
}
