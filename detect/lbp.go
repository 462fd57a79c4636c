package detect

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
)

// OpenCV's profile-face LBP cascade, embedded gzipped: the file
// lbpcascade_profileface.xml of OpenCV's data/lbpcascades, byte for byte
// as Debian's opencv-data 4.6.0 installs it ("20x34 detector of profile
// faces using LBP features. It was created by Attila Novak during GSoC
// 2012."). Its header carries no licence; cascades/LICENSE-opencv says
// what covers it.
//
//go:embed cascades/lbpcascade_profileface.xml.gz
var profileLBPGz []byte

var (
	profileLBPOnce    sync.Once
	profileLBPCascade *LBPCascade
	profileLBPErr     error
)

// ProfileLBPCascade returns OpenCV's profile-face LBP cascade
// (lbpcascade_profileface.xml from opencv-data 4.x, a 20x34 window, by
// Attila Novak, GSoC 2012; OpenCV's data licence, see
// cascades/LICENSE-opencv), embedded and parsed on first use. Like the
// Haar profile cascade it finds, as trained, faces whose nose points to
// the image's left. It is read-only and shared.
func ProfileLBPCascade() (*LBPCascade, error) {
	profileLBPOnce.Do(func() {
		profileLBPCascade, profileLBPErr = parseEmbeddedLBP(profileLBPGz, "profile LBP")
	})
	return profileLBPCascade, profileLBPErr
}

// parseEmbeddedLBP gunzips (at most maxCascadeXML bytes) and parses an
// embedded LBP cascade.
func parseEmbeddedLBP(gz []byte, name string) (*LBPCascade, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, fmt.Errorf("%w: embedded %s cascade: %v", ErrCascade, name, err)
	}
	b, err := io.ReadAll(io.LimitReader(zr, maxCascadeXML))
	if err != nil {
		return nil, fmt.Errorf("%w: embedded %s cascade: %v", ErrCascade, name, err)
	}
	return ParseLBPCascade(b)
}

// LBPCascade is a parsed OpenCV boosted cascade of LBP stumps: stages of
// depth-1 decision trees, each computing one multi-block local binary
// pattern (the sums of a 3x3 grid of equal blocks, the eight outer ones
// compared with the centre one, an 8-bit code) and choosing its left leaf
// when the code is in a 256-bit subset, else its right leaf. There is no
// variance normalisation. It is read-only once parsed and may be shared by
// any number of HaarDetectors.
type LBPCascade struct {
	width, height int
	stages        []haarStage // first, n and threshold (less 1e-5), as a Haar cascade's
	stumps        []lbpStump
	features      []lbpFeature
}

// lbpStump: left when the feature's code is in subset, else right.
type lbpStump struct {
	feature     int
	subset      [8]uint32 // bit c&31 of word c>>5 for code c
	left, right float32
}

// lbpFeature is the top-left block of the 3x3 grid, in window pixels:
// the grid covers x..x+3w, y..y+3h.
type lbpFeature struct {
	x, y, w, h int
}

// WindowSize returns the cascade's window, in pixels (20x34 for the
// profile cascade: width, then height).
func (c *LBPCascade) WindowSize() (width, height int) { return c.width, c.height }

// Stages returns the number of stages.
func (c *LBPCascade) Stages() int { return len(c.stages) }

// Stumps returns the number of weak classifiers over all stages.
func (c *LBPCascade) Stumps() int { return len(c.stumps) }

// LBPError reports an LBP cascade that ParseLBPCascade cannot use: where
// in the file, and what is wrong. It is HaarError's sibling and wraps
// ErrCascade.
type LBPError struct {
	Where string // the element, e.g. "cascade.stages[3].weakClassifiers[2].internalNodes"
	What  string
	// Unsupported is true for valid OpenCV cascades that ParseLBPCascade
	// does not evaluate: trees deeper than one split, Haar or HOG
	// features (ParseHaarCascade reads Haar ones), stage types other than
	// BOOST, category counts other than LBP's 256.
	Unsupported bool
}

func (e *LBPError) Error() string {
	if e.Where == "" {
		return ErrCascade.Error() + ": LBP cascade: " + e.What
	}
	return ErrCascade.Error() + ": LBP cascade: " + e.Where + ": " + e.What
}

// Unwrap returns ErrCascade.
func (e *LBPError) Unwrap() error { return ErrCascade }

func lbpErr(where, format string, args ...any) error {
	return &LBPError{Where: where, What: fmt.Sprintf(format, args...)}
}

func lbpUnsupported(where, format string, args ...any) error {
	return &LBPError{Where: where, What: fmt.Sprintf(format, args...), Unsupported: true}
}

// lbpNodeLen is the numbers of one LBP stump's internalNodes: left, right,
// feature index and the eight 32-bit words of the subset.
const lbpNodeLen = 3 + 8

// The XML of an LBP cascade: a Haar one's (xmlCascade), but each feature
// is one <rect> "x y w h" (the grid's top-left block) instead of <rects>.
type xmlLBPStorage struct {
	XMLName xml.Name
	Nodes   []xmlLBPCascade `xml:",any"`
}

type xmlLBPCascade struct {
	XMLName       xml.Name
	StageType     string       `xml:"stageType"`
	FeatureType   string       `xml:"featureType"`
	Width         string       `xml:"width"`
	Height        string       `xml:"height"`
	FeatureParams []xmlCat     `xml:"featureParams"`
	Stages        []xmlStage   `xml:"stages>_"`
	Features      []xmlLBPFeat `xml:"features>_"`
	OldSize       []string     `xml:"size"` // the old format's window size
}

type xmlLBPFeat struct {
	Rect []string `xml:"rect"`
}

// ParseLBPCascade parses an OpenCV LBP cascade in the "new" XML format
// (opencv_storage/cascade: stageType BOOST, featureType LBP, width and
// height, featureParams with maxCatCount 256, stages of stageThreshold and
// weakClassifiers with internalNodes "left right featureIdx c0 ... c7",
// c0..c7 the 32-bit words of the 256-bit subset that sends a code left,
// and leafValues "left right", and features of one rect "x y w h", the
// top-left block of the 3x3 grid), with the numbers OpenCV's loader makes
// of it (leaves and stage thresholds rounded to float32, stage thresholds
// less 1e-5). It evaluates stumps only: deeper trees and other feature or
// stage types are rejected (LBPError.Unsupported), as is anything
// malformed or out of bounds (counts, grids outside the window, feature
// indices, subset words that are not 32-bit integers, non-finite
// numbers), within the same limits as ParseHaarCascade. Errors are
// *LBPError and wrap ErrCascade; it never panics.
func ParseLBPCascade(data []byte) (*LBPCascade, error) {
	if len(data) > maxHaarInput {
		return nil, lbpErr("", "%d bytes, more than %d", len(data), maxHaarInput)
	}
	var st xmlLBPStorage
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	if err := dec.Decode(&st); err != nil {
		return nil, lbpErr("", "not XML: %v", err)
	}
	if st.XMLName.Local != "opencv_storage" {
		return nil, lbpErr("", "root element %q, want opencv_storage", st.XMLName.Local)
	}
	if len(st.Nodes) == 0 {
		return nil, lbpErr("opencv_storage", "empty")
	}
	x := &st.Nodes[0] // OpenCV reads the first top-level node
	where := x.XMLName.Local
	if x.StageType == "" && len(x.OldSize) > 0 {
		return nil, lbpUnsupported(where, "old-format cascade (size/stages/trees), which has no LBP features")
	}
	if s := strings.TrimSpace(x.StageType); s != "BOOST" {
		return nil, lbpUnsupported(where+".stageType", "%q, want BOOST", s)
	}
	switch ft := strings.TrimSpace(x.FeatureType); ft {
	case "LBP":
	case "HAAR":
		return nil, lbpUnsupported(where+".featureType", "%q, want LBP (ParseHaarCascade reads Haar cascades)", ft)
	default:
		return nil, lbpUnsupported(where+".featureType", "%q, want LBP", ft)
	}
	c := &LBPCascade{}
	var err error
	if c.width, err = xmlInt(x.Width, 3, maxHaarWindow); err != nil {
		return nil, lbpErr(where+".width", "%v", err)
	}
	if c.height, err = xmlInt(x.Height, 3, maxHaarWindow); err != nil {
		return nil, lbpErr(where+".height", "%v", err)
	}
	if len(x.FeatureParams) != 1 {
		return nil, lbpErr(where+".featureParams", "%d elements, want 1", len(x.FeatureParams))
	}
	// OpenCV sizes the subsets by maxCatCount: 256 categories, 8 words.
	switch mc := strings.TrimSpace(x.FeatureParams[0].MaxCatCount); mc {
	case "256":
	default:
		if n, err := strconv.Atoi(mc); err == nil && n > 0 {
			return nil, lbpUnsupported(where+".featureParams.maxCatCount", "%d, want 256 (the 8-bit LBP codes)", n)
		}
		return nil, lbpErr(where+".featureParams.maxCatCount", "%q, want 256", mc)
	}

	// Features first: the stumps refer to them.
	if c.features, err = parseCascadeFeatures(x.Features, where, lbpErr, c.parseFeature); err != nil {
		return nil, err
	}
	if c.stages, c.stumps, err = parseCascadeStages(x.Stages, where, lbpErr, c.parseStump); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *LBPCascade) parseFeature(f *lbpFeature, xf *xmlLBPFeat, where string) error {
	if len(xf.Rect) != 1 {
		return lbpErr(where+".rect", "%d elements, want 1", len(xf.Rect))
	}
	fs := strings.Fields(xf.Rect[0])
	if len(fs) != 4 {
		return lbpErr(where+".rect", "%d numbers, want 4 (x y w h)", len(fs))
	}
	var v [4]int
	for k := range v {
		n, err := strconv.Atoi(fs[k])
		if err != nil {
			return lbpErr(where+".rect", "%q is not an integer", fs[k])
		}
		v[k] = n
	}
	*f = lbpFeature{x: v[0], y: v[1], w: v[2], h: v[3]}
	// The 3x3 grid must lie in the window (OpenCV does not check; it
	// would read outside the window, or outside the image).
	if f.x < 0 || f.y < 0 || f.w < 1 || f.h < 1 || f.w > c.width/3 || f.h > c.height/3 ||
		f.x > c.width-3*f.w || f.y > c.height-3*f.h {
		return lbpErr(where+".rect", "3x3 grid of %dx%d blocks at %d,%d is not inside the %dx%d window", f.w, f.h, f.x, f.y, c.width, c.height)
	}
	return nil
}

func (c *LBPCascade) parseStump(xw *xmlWeak, where string) (lbpStump, error) {
	if len(xw.InternalNodes) != 1 || len(xw.LeafValues) != 1 {
		return lbpStump{}, lbpErr(where, "%d internalNodes and %d leafValues elements, want one of each", len(xw.InternalNodes), len(xw.LeafValues))
	}
	nodes := strings.Fields(xw.InternalNodes[0])
	switch {
	case len(nodes) == 0 || len(nodes)%lbpNodeLen != 0:
		return lbpStump{}, lbpErr(where+".internalNodes", "%d numbers, want %d per node (left right featureIdx and 8 subset words)", len(nodes), lbpNodeLen)
	case len(nodes) > lbpNodeLen:
		return lbpStump{}, lbpUnsupported(where+".internalNodes", "a tree of %d nodes; only stumps (one node) are evaluated", len(nodes)/lbpNodeLen)
	}
	var lr [3]int
	for k := range lr {
		n, err := strconv.Atoi(nodes[k])
		if err != nil {
			return lbpStump{}, lbpErr(where+".internalNodes", "%q is not an integer", nodes[k])
		}
		lr[k] = n
	}
	if lr[0] != 0 || lr[1] != -1 {
		return lbpStump{}, lbpErr(where+".internalNodes", "children %d %d, want 0 -1 (the two leaves)", lr[0], lr[1])
	}
	if lr[2] < 0 || lr[2] >= len(c.features) {
		return lbpStump{}, lbpErr(where+".internalNodes", "feature %d of %d", lr[2], len(c.features))
	}
	s := lbpStump{feature: lr[2]}
	for k := range s.subset {
		// OpenCV stores the words as int: any 32-bit value, written signed.
		n, err := strconv.ParseInt(nodes[3+k], 10, 32)
		if err != nil {
			return lbpStump{}, lbpErr(where+".internalNodes", "subset word %d: %q is not a 32-bit integer", k, nodes[3+k])
		}
		s.subset[k] = uint32(int32(n))
	}
	leaves := strings.Fields(xw.LeafValues[0])
	if len(leaves) != 2 {
		return lbpStump{}, lbpErr(where+".leafValues", "%d values, want 2", len(leaves))
	}
	var err error
	if s.left, err = xmlFloat(leaves[0]); err != nil {
		return lbpStump{}, lbpErr(where+".leafValues", "%v", err)
	}
	if s.right, err = xmlFloat(leaves[1]); err != nil {
		return lbpStump{}, lbpErr(where+".leafValues", "%v", err)
	}
	return s, nil
}
