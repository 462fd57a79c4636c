package detect

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"image"
	"io"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unsafe"

	"github.com/facegate/facegate/preprocess"
)

// lbpStumpXML is one stump of lbpCascadeXML: its feature, the codes its
// subset holds (sending them left), and its leaves.
type lbpStumpXML struct {
	feature     int
	codes       []int
	left, right string
}

// lbpStageXML is one stage of lbpCascadeXML.
type lbpStageXML struct {
	threshold string
	stumps    []lbpStumpXML
}

// subsetWords is the 8 signed 32-bit words of the subset holding codes,
// as opencv_traincascade writes them.
func subsetWords(codes []int) [8]int32 {
	var w [8]uint32
	for _, c := range codes {
		w[c>>5] |= 1 << (c & 31)
	}
	var s [8]int32
	for i := range w {
		s[i] = int32(w[i])
	}
	return s
}

// lbpCascadeXML writes an LBP cascade in OpenCV's format: a w x h window,
// the features' grids (x y w h of the top-left block) and the stages.
func lbpCascadeXML(w, h int, rects [][4]int, stages ...lbpStageXML) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<?xml version="1.0"?>
<opencv_storage>
<cascade>
  <stageType>BOOST</stageType>
  <featureType>LBP</featureType>
  <height>%d</height>
  <width>%d</width>
  <stageParams><maxWeakCount>3</maxWeakCount></stageParams>
  <featureParams>
    <maxCatCount>256</maxCatCount>
    <featSize>1</featSize></featureParams>
  <stageNum>%d</stageNum>
  <stages>`, h, w, len(stages))
	for si, st := range stages {
		fmt.Fprintf(&b, "\n    <!-- stage %d -->\n    <_>\n      <maxWeakCount>%d</maxWeakCount>\n      <stageThreshold>%s</stageThreshold>\n      <weakClassifiers>", si, len(st.stumps), st.threshold)
		for _, s := range st.stumps {
			words := subsetWords(s.codes)
			fmt.Fprintf(&b, "\n        <_>\n          <internalNodes>\n            0 -1 %d", s.feature)
			for _, v := range words {
				fmt.Fprintf(&b, " %d", v)
			}
			fmt.Fprintf(&b, "</internalNodes>\n          <leafValues>\n            %s %s</leafValues></_>", s.left, s.right)
		}
		b.WriteString("</weakClassifiers></_>")
	}
	b.WriteString("</stages>\n  <features>")
	for _, r := range rects {
		fmt.Fprintf(&b, "\n    <_>\n      <rect>\n        %d %d %d %d</rect></_>", r[0], r[1], r[2], r[3])
	}
	b.WriteString("</features></cascade>\n</opencv_storage>\n")
	return b.String()
}

// handLBPCascade is a 6x3 window with one feature, a grid of 2x1 blocks
// covering it, and one stage of one stump sending the given codes left
// (leaf 1) and the others right (leaf -1), stage threshold 0.
func handLBPCascade(codes ...int) string {
	return lbpCascadeXML(6, 3, [][4]int{{0, 0, 2, 1}},
		lbpStageXML{"0.", []lbpStumpXML{{0, codes, "1.", "-1."}}})
}

// handLBPPlane is the 7x3 plane of TestLBPHandWindows.
func handLBPPlane() preprocess.Plane {
	return preprocess.GrayPlane([]byte{
		10, 0, 0, 0, 0, 5, 9,
		3, 3, 2, 2, 4, 0, 0,
		0, 9, 1, 1, 6, 0, 2,
	}, 7, 7, 3)
}

func mustLBP(t testing.TB, xml string) *LBPCascade {
	t.Helper()
	c, err := ParseLBPCascade([]byte(xml))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestLBPHandWindows: the hand cascade on handLBPPlane, worked out by
// hand. The window (6x3, blocks of 2x1) fits at columns 0 and 1 at scale 1
// only (at 1.1 it would be 7 wide, above the maximum of 6).
//
//	column 0: blocks 10 0 5 / 6 4 4 / 9 2 6, centre 4: top-left, top-right,
//	  right (4 >= 4), bottom-right, bottom-left, left: 128+32+16+8+2+1 = 187
//	column 1: blocks 0 0 14 / 5 6 0 / 10 7 2, centre 6: top-right, bottom,
//	  bottom-left: 32+4+2 = 38
//
// On the mirrored plane (OpenCV's view of the mirror orientation) column 0
// is the mirror of column 1: blocks 14 0 0 / 0 6 5 / 2 7 10, code
// 128+8+4 = 140 (38 with left and right swapped), and column 1 the mirror
// of column 0, code 187 (symmetric).
//
//   - Subset {187}: column 0 accepted; column 1 rejected. Mirrored, column 0
//     is rejected by the first (only) stage, so OpenCV skips column 1: no
//     window; without the skip, column 1.
//   - Subset {38}: column 0 rejected, column 1 skipped (without the skip,
//     accepted); mirrored, nothing (140 and 187 are not in it).
//   - Subset {140}: mirrored column 0 only.
func TestLBPHandWindows(t *testing.T) {
	p := handLBPPlane()
	for _, tc := range []struct {
		codes  []int
		noSkip bool
		cols   [2][]int // accepted columns per orientation (mirrored plane's for 1)
	}{
		{[]int{187}, false, [2][]int{{0}, nil}},
		{[]int{187}, true, [2][]int{{0}, {1}}},
		{[]int{38}, false, [2][]int{nil, nil}},
		{[]int{38}, true, [2][]int{{1}, nil}},
		{[]int{140}, false, [2][]int{nil, {0}}},
		{[]int{187, 191, 255, 0}, true, [2][]int{{0}, {1}}}, // a negative subset word (bit 31 of word 5), and words 0 and 7
	} {
		c := mustLBP(t, handLBPCascade(tc.codes...))
		s := lbpScanner{c: c, orients: 2, noSkip: tc.noSkip}
		s.scan(&p, 3, 6, 1.1, 1)
		if len(s.levels) != 1 {
			t.Fatalf("%d levels, want 1", len(s.levels))
		}
		for o := range 2 {
			var got []int
			for _, h := range s.hits[o] {
				if h.y != 0 || h.w != 6 || h.h != 3 || h.margin != float32(1-float64(float32(0)-1e-5)) {
					t.Errorf("codes %v orientation %d: window %+v", tc.codes, o, h)
				}
				got = append(got, int(h.x))
			}
			if !slices.Equal(got, tc.cols[o]) {
				t.Errorf("codes %v, no skip %v, orientation %d: columns %v, want %v", tc.codes, tc.noSkip, o, got, tc.cols[o])
			}
		}
	}

	// Detect reports each raw window (MinNeighbors below 0) as a face of
	// the window's shape: column 0 as trained (nose left), and the
	// mirrored column 1, which is column 0 of the plane, nose right.
	d, err := NewProfileLBPDetector(mustLBP(t, handLBPCascade(187)), &HaarOptions{MinNeighbors: -1})
	if err != nil {
		t.Fatal(err)
	}
	d.lbp.noSkip = true
	faces, err := d.Detect(nil, p, image.Rect(0, 0, 7, 3), 3, 6)
	if err != nil {
		t.Fatal(err)
	}
	want := []Face{
		{Rect: image.Rect(0, 0, 6, 3), Score: 1, Profile: ProfileNoseLeft},
		{Rect: image.Rect(0, 0, 6, 3), Score: 1, Profile: ProfileNoseRight},
	}
	if !slices.Equal(faces, want) {
		t.Errorf("Detect: %+v, want %+v", faces, want)
	}
}

// TestLBPStageSums: leaves are summed per stage and compared with the
// stage threshold (float32) less 1e-5; only a rejection by the first stage
// makes the scan skip the next window. On handLBPPlane, stage 0's two
// stumps (on the 2x1-block grid: codes 187 and 38) give column 0
// -0.75+0.125 = -0.625 and column 1 0.25+0.5 = 0.75; stage 1's stump (on
// the 3x3 pixels at 0,0: codes 133 and 19) gives column 0 -9 and column 1
// 0.25.
func TestLBPStageSums(t *testing.T) {
	p := handLBPPlane()
	for _, tc := range []struct {
		thr0, thr1 string
		noSkip     bool
		cols       []int
	}{
		{"-1", "0.", false, []int{1}},        // column 0 rejected by stage 1: no skip
		{"0.", "0.", false, nil},             // column 0 rejected by stage 0: column 1 skipped
		{"0.", "0.", true, []int{1}},         // and without the skip accepted
		{"0.75", "0.", true, []int{1}},       // 0.75 >= 0.75 - 1e-5
		{"0.750005", "0.", true, []int{1}},   // float32(0.750005) - 1e-5 < 0.75
		{"0.75002", "0.", true, nil},         // float32(0.75002) - 1e-5 > 0.75
		{"-1", "0.25", false, []int{1}},      // the last stage likewise
		{"-1", "0.250005", false, []int{1}},  //
		{"-1", "0.25002", false, nil},        //
		{"-0.625", "-9", false, []int{0, 1}}, // both accepted
	} {
		c := mustLBP(t, lbpCascadeXML(6, 3, [][4]int{{0, 0, 2, 1}, {0, 0, 1, 1}},
			lbpStageXML{tc.thr0, []lbpStumpXML{{0, []int{187}, "-0.75", "0.25"}, {0, []int{38}, "0.5", "0.125"}}},
			lbpStageXML{tc.thr1, []lbpStumpXML{{1, []int{133}, "-9", "0.25"}}}))
		s := lbpScanner{c: c, orients: 1, noSkip: tc.noSkip}
		s.scan(&p, 3, 6, 1.1, 1)
		var got []int
		for _, h := range s.hits[0] {
			got = append(got, int(h.x))
			thr1, _ := strconv.ParseFloat(tc.thr1, 64)
			sum := 0.25
			if h.x == 0 {
				sum = -9
			}
			if want := float32(sum - float64(float32(thr1)-1e-5)); h.margin != want {
				t.Errorf("thresholds %s %s column %d: margin %v, want %v", tc.thr0, tc.thr1, h.x, h.margin, want)
			}
		}
		if !slices.Equal(got, tc.cols) {
			t.Errorf("thresholds %s %s, no skip %v: columns %v, want %v", tc.thr0, tc.thr1, tc.noSkip, got, tc.cols)
		}
	}
}

// lbpIntegral is a plane's integral image, computed plainly (int64, no
// wrapping) for the reference evaluation.
type lbpIntegral struct {
	w int
	s []int64
}

func newLBPIntegral(p *preprocess.Plane) lbpIntegral {
	in := lbpIntegral{w: p.Width + 1, s: make([]int64, (p.Width+1)*(p.Height+1))}
	for y := range p.Height {
		for x, v := range p.Row(y) {
			in.s[(y+1)*in.w+x+1] = int64(v) + in.s[y*in.w+x+1] + in.s[(y+1)*in.w+x] - in.s[y*in.w+x]
		}
	}
	return in
}

// rect is the sum of the w x h pixels at x, y.
func (in *lbpIntegral) rect(x, y, w, h int) int64 {
	return in.s[(y+h)*in.w+x+w] - in.s[(y+h)*in.w+x] - in.s[y*in.w+x+w] + in.s[y*in.w+x]
}

// lbpReference classifies the window at x, y of the plane whose integral
// is in, from the definition, as OpenCV's LBPEvaluator and
// predictCategoricalStump do: the nine block sums, the code (clockwise
// from the top-left block, bit 7 first), the subset bit, the leaves summed
// in float64 per stage. It returns 1, or minus the rejecting stage, and
// the last stage's margin.
func lbpReference(c *LBPCascade, in *lbpIntegral, x, y int) (int, float32) {
	var sum float64
	for si, st := range c.stages {
		sum = 0
		for _, s := range c.stumps[st.first : st.first+st.n] {
			f := c.features[s.feature]
			block := func(r, k int) int64 { return in.rect(x+f.x+k*f.w, y+f.y+r*f.h, f.w, f.h) }
			cv := block(1, 1)
			code := 0
			for bit, rk := range [8][2]int{{0, 0}, {0, 1}, {0, 2}, {1, 2}, {2, 2}, {2, 1}, {2, 0}, {1, 0}} {
				if block(rk[0], rk[1]) >= cv {
					code |= 128 >> bit
				}
			}
			if s.subset[code/32]&(1<<(code%32)) != 0 {
				sum += float64(s.left)
			} else {
				sum += float64(s.right)
			}
		}
		if sum < float64(st.threshold) {
			return -si, 0
		}
	}
	return 1, float32(sum - float64(c.stages[len(c.stages)-1].threshold))
}

// lbpReferenceScan is OpenCV's scan of p at scale 1 (step 1, with the
// skip) by lbpReference.
func lbpReferenceScan(c *LBPCascade, p *preprocess.Plane) []haarHit {
	in := newLBPIntegral(p)
	var hits []haarHit
	for y := 0; y+c.height <= p.Height; y++ {
		for x := 0; x+c.width <= p.Width; x++ {
			r, m := lbpReference(c, &in, x, y)
			if r > 0 {
				hits = append(hits, haarHit{x: int32(x), y: int32(y), w: int32(c.width), h: int32(c.height), margin: m})
			} else if r == 0 {
				x++
			}
		}
	}
	return hits
}

// checkLBPScale1 scans p at scale 1 only, both orientations, and compares
// the windows with lbpReferenceScan on p and on its mirror. It returns
// the number of windows.
func checkLBPScale1(t *testing.T, c *LBPCascade, p *preprocess.Plane) int {
	t.Helper()
	s := lbpScanner{c: c, orients: 2}
	s.scan(p, 1, max(c.width, c.height), 4, 1) // factor 4: the next window is too large
	if len(s.levels) != 1 || s.levels[0].scale != 1 {
		t.Fatalf("levels %+v, want scale 1 only", s.levels)
	}
	m := mirrorPlane(*p)
	n := 0
	for o, q := range []*preprocess.Plane{p, &m} {
		want := lbpReferenceScan(c, q)
		if !slices.Equal(s.hits[o], want) {
			t.Fatalf("orientation %d: %d windows, the reference %d:\n%v\n%v", o, len(s.hits[o]), len(want), s.hits[o], want)
		}
		n += len(want)
	}
	return n
}

// TestLBPReference: on every level of a real image's pyramid, the profile
// cascade's verdict on every window (the rejecting stage, or acceptance
// and the margin) is the reference evaluation's on the level's pixels, in
// both orientations (the mirrored one against the reference on the
// mirrored level, which is what OpenCV sees).
func TestLBPReference(t *testing.T) {
	c, err := ProfileLBPCascade()
	if err != nil {
		t.Fatal(err)
	}
	p := testLuma(t, "../detect/testdata/dlib-2008_002079.jpg")
	minSize := 20
	if haarRace {
		minSize = 60
	}
	s := lbpScanner{c: c, orients: 2}
	s.scan(&p, minSize, p.Height, 1.1, 1)
	var plan [2]lbpPlan
	plan[0].compile(c, s.stride, false)
	plan[1].compile(c, s.stride, true)
	var depth [17]int // windows by stages passed
	for _, l := range s.levels {
		s.py.build(&p, l, s.stride)
		// The level's pixels, back from its integral.
		lv := preprocess.GrayPlane(make([]byte, l.w*l.h), l.w, l.w, l.h)
		sum := s.py.sum
		for y := range l.h {
			for x := range l.w {
				i := y*s.stride + x
				lv.Pix[y*l.w+x] = byte(sum[i+s.stride+1] - sum[i+s.stride] - sum[i+1] + sum[i])
			}
		}
		mlv := mirrorPlane(lv)
		ins := [2]lbpIntegral{newLBPIntegral(&lv), newLBPIntegral(&mlv)}
		base := unsafe.Pointer(unsafe.SliceData(sum))
		ww, wh := l.w+1-c.width, l.h+1-c.height
		for y := range wh {
			for x := range ww {
				for o := range 2 {
					lx := x
					if o == 1 {
						lx = ww - 1 - x
					}
					r, m := plan[o].classify(c, unsafe.Add(base, 4*(y*s.stride+lx)))
					wr, wm := lbpReference(c, &ins[o], x, y)
					if r != wr || m != wm {
						t.Fatalf("level %+v orientation %d window %d,%d: %d %v, the reference %d %v", l, o, x, y, r, m, wr, wm)
					}
					if r == 1 {
						depth[16]++
					} else {
						depth[-r]++
					}
				}
			}
		}
	}
	t.Logf("%d levels; windows by stages passed: %v", len(s.levels), depth)
	if depth[16] == 0 {
		t.Error("no window accepted: the last stages are not checked")
	}
}

// TestMirrorLBPCode: the mirrored code swaps the left and right blocks and
// is an involution; the mirrored plans' subsets are the permuted ones.
func TestMirrorLBPCode(t *testing.T) {
	for c, want := range map[uint32]uint32{128: 32, 32: 128, 64: 64, 16: 1, 1: 16, 8: 2, 2: 8, 4: 4, 0: 0, 255: 255, 187: 187, 38: 140} {
		if got := mirrorLBPCode(c); got != want {
			t.Errorf("mirror(%d) = %d, want %d", c, got, want)
		}
	}
	for c := range uint32(256) {
		if mirrorLBPCode(mirrorLBPCode(c)) != c || mirrorLBPCode(c) > 255 {
			t.Errorf("mirror(mirror(%d)) = %d", c, mirrorLBPCode(mirrorLBPCode(c)))
		}
	}
	lc, err := ProfileLBPCascade()
	if err != nil {
		t.Fatal(err)
	}
	var pl lbpPlan
	pl.compile(lc, 64, true)
	for i, s := range lc.stumps {
		for c := range uint32(256) {
			m := mirrorLBPCode(c)
			if pl.ops[i].subset[c>>5]>>(c&31)&1 != s.subset[m>>5]>>(m&31)&1 {
				t.Fatalf("stump %d code %d: mirrored subset bit differs from the original's for %d", i, c, m)
			}
		}
	}
}

// TestParseLBPCascadeErrors: malformed, truncated, out-of-bounds and
// unsupported cascades give an *LBPError wrapping ErrCascade, marked
// Unsupported when they are valid OpenCV that this package does not
// evaluate.
func TestParseLBPCascadeErrors(t *testing.T) {
	good := handLBPCascade(187)
	if _, err := ParseLBPCascade([]byte(good)); err != nil {
		t.Fatal(err)
	}
	node := "0 -1 0 0 0 0 0 0 134217728 0 0"
	if !strings.Contains(good, node) {
		t.Fatalf("the hand cascade has no node %q", node)
	}
	for _, tc := range []struct {
		name        string
		xml         string
		unsupported bool
		what        string // part of the message
	}{
		{"empty", "", false, "not XML"},
		{"garbage", "\x00\x01 not xml <<<", false, "not XML"},
		{"truncated", good[:len(good)/2], false, "not XML"},
		{"other root", "<foo><cascade/></foo>", false, "root element"},
		{"empty storage", "<opencv_storage></opencv_storage>", false, "empty"},
		{"HAAR", strings.Replace(good, "<featureType>LBP", "<featureType>HAAR", 1), true, "ParseHaarCascade"},
		{"HOG", strings.Replace(good, "<featureType>LBP", "<featureType>HOG", 1), true, `"HOG", want LBP`},
		{"no feature type", strings.Replace(good, "<featureType>LBP</featureType>", "", 1), true, `"", want LBP`},
		{"GAB", strings.Replace(good, "<stageType>BOOST", "<stageType>GAB", 1), true, "want BOOST"},
		{"old format", "<opencv_storage><c><size>20 20</size></c></opencv_storage>", true, "old-format"},
		{"maxCatCount 0", strings.Replace(good, "<maxCatCount>256", "<maxCatCount>0", 1), false, "want 256"},
		{"maxCatCount 300", strings.Replace(good, "<maxCatCount>256", "<maxCatCount>300", 1), true, "want 256"},
		{"no featureParams", rename(good, "featureParams", "featureParamz"), false, "0 elements, want 1"},
		{"window 2", strings.Replace(good, "<height>3</height>", "<height>2</height>", 1), false, "want 3..128"},
		{"window 129", strings.Replace(good, "<width>6</width>", "<width>129</width>", 1), false, "want 3..128"},
		{"feature index", strings.Replace(good, node, "0 -1 1 0 0 0 0 0 134217728 0 0", 1), false, "feature 1 of 1"},
		{"negative feature index", strings.Replace(good, node, "0 -1 -1 0 0 0 0 0 134217728 0 0", 1), false, "feature -1 of 1"},
		{"subset word too large", strings.Replace(good, node, "0 -1 0 0 0 0 0 0 4294967295 0 0", 1), false, "not a 32-bit integer"},
		{"subset word too small", strings.Replace(good, node, "0 -1 0 0 0 0 0 0 -2147483649 0 0", 1), false, "not a 32-bit integer"},
		{"subset word not an integer", strings.Replace(good, node, "0 -1 0 0 0 0 0 0 1.5 0 0", 1), false, "not a 32-bit integer"},
		{"subset word hex", strings.Replace(good, node, "0 -1 0 0 0 0 0 0 0x10 0 0", 1), false, "not a 32-bit integer"},
		{"seven subset words", strings.Replace(good, node, "0 -1 0 0 0 0 0 0 134217728 0", 1), false, "want 11 per node"},
		{"Haar-style node", strings.Replace(good, node, "0 -1 0 1.5", 1), false, "want 11 per node"},
		{"deep tree", strings.Replace(good, node, node+" 0 -2 0 0 0 0 0 0 0 0 0", 1), true, "a tree of 2 nodes"},
		{"children", strings.Replace(good, node, "1 -1 0 0 0 0 0 0 134217728 0 0", 1), false, "children 1 -1"},
		{"leaves", strings.Replace(good, "1. -1.</leafValues>", "1.</leafValues>", 1), false, "1 values, want 2"},
		{"leaf NaN", strings.Replace(good, "1. -1.</leafValues>", "NaN -1.</leafValues>", 1), false, "finite"},
		{"leaf too large", strings.Replace(good, "1. -1.</leafValues>", "1e39 -1.</leafValues>", 1), false, "finite"},
		{"stage threshold", strings.Replace(good, "<stageThreshold>0.", "<stageThreshold>x", 1), false, "not a number"},
		{"no weak classifiers", rename(good, "weakClassifiers", "weakClassifierz"), false, "weakClassifiers: empty"},
		{"no stages", rename(good, "stages", "stagez"), false, "0 stages"},
		{"no features", rename(good, "features", "featurez"), false, "0 features"},
		{"grid too wide", strings.Replace(good, "0 0 2 1</rect>", "1 0 2 1</rect>", 1), false, "not inside the 6x3 window"},
		{"grid too high", strings.Replace(good, "0 0 2 1</rect>", "0 0 2 2</rect>", 1), false, "not inside"},
		{"grid negative", strings.Replace(good, "0 0 2 1</rect>", "-1 0 1 1</rect>", 1), false, "not inside"},
		{"empty block", strings.Replace(good, "0 0 2 1</rect>", "0 0 0 1</rect>", 1), false, "not inside"},
		{"huge block", strings.Replace(good, "0 0 2 1</rect>", "0 0 3074457345618258603 1</rect>", 1), false, "not inside"},
		{"rect numbers", strings.Replace(good, "0 0 2 1</rect>", "0 0 2</rect>", 1), false, "want 4"},
		{"rect not integer", strings.Replace(good, "0 0 2 1</rect>", "0 0 2 x</rect>", 1), false, "not an integer"},
		{"Haar rects", strings.Replace(strings.Replace(good, "<rect>", "<rects><_>", 1), "</rect>", "</_></rects>", 1), false, "0 elements, want 1"},
		{"two rects", strings.Replace(good, "</rect>", "</rect><rect>0 0 1 1</rect>", 1), false, "2 elements, want 1"},
	} {
		_, err := ParseLBPCascade([]byte(tc.xml))
		if !errors.Is(err, ErrCascade) {
			t.Errorf("%s: %v, want ErrCascade", tc.name, err)
			continue
		}
		var le *LBPError
		if !errors.As(err, &le) {
			t.Errorf("%s: %T, want *LBPError", tc.name, err)
			continue
		}
		if le.Unsupported != tc.unsupported {
			t.Errorf("%s: Unsupported %v, want %v (%v)", tc.name, le.Unsupported, tc.unsupported, err)
		}
		if !strings.Contains(err.Error(), tc.what) || !strings.HasPrefix(err.Error(), "detect: invalid cascade: LBP cascade: ") {
			t.Errorf("%s: %q, want it to say %q", tc.name, err, tc.what)
		}
	}
	if _, err := ParseLBPCascade(make([]byte, maxHaarInput+1)); !errors.Is(err, ErrCascade) {
		t.Errorf("oversized: %v", err)
	}
	// The embedded cascade cut anywhere is an error, never a panic.
	full := embeddedLBPXML(t)
	for n := 0; n < len(full); n += 997 {
		if _, err := ParseLBPCascade(full[:n]); !errors.Is(err, ErrCascade) {
			t.Errorf("cut at %d: %v", n, err)
		}
	}
}

// rename renames every element called from.
func rename(xml, from, to string) string {
	return strings.ReplaceAll(strings.ReplaceAll(xml, "<"+from+">", "<"+to+">"), "</"+from+">", "</"+to+">")
}

// embeddedLBPXML is the embedded cascade, uncompressed.
func embeddedLBPXML(t testing.TB) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(profileLBPGz))
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestProfileLBPCascade: the embedded cascade parses to OpenCV's LBP
// profile cascade, with the file's numbers.
func TestProfileLBPCascade(t *testing.T) {
	c, err := ProfileLBPCascade()
	if err != nil {
		t.Fatal(err)
	}
	if c2, _ := ProfileLBPCascade(); c2 != c {
		t.Error("parsed twice")
	}
	w, h := c.WindowSize()
	if w != 20 || h != 34 || c.Stages() != 16 || c.Stumps() != 130 || len(c.features) != 129 {
		t.Errorf("%dx%d window, %d stages, %d stumps, %d features; want 20x34, 16, 130, 129", w, h, c.Stages(), c.Stumps(), len(c.features))
	}
	// The first stump as the file has it ("0 -1 114 -2360321 -82228595
	// -771518211 -713436773 -1060447799 -810385271 -2004135683 -2566104",
	// leaves -8.0942183732986450e-01 5.9530025720596313e-01), the stage
	// threshold less OpenCV's 1e-5, and the last feature (17 27 1 1).
	s := c.stumps[0]
	words := [8]int32{-2360321, -82228595, -771518211, -713436773, -1060447799, -810385271, -2004135683, -2566104}
	for k, v := range words {
		if s.subset[k] != uint32(v) {
			t.Errorf("subset word %d: %d, want %d", k, int32(s.subset[k]), v)
		}
	}
	if s.feature != 114 || s.left != float32(-8.0942183732986450e-01) || s.right != float32(5.9530025720596313e-01) ||
		c.stages[0].threshold != float32(-5.9480339288711548e-01)-1e-5 || c.stages[0].n != 4 {
		t.Errorf("first stump %+v, stage %+v", s, c.stages[0])
	}
	if f := c.features[128]; f != (lbpFeature{17, 27, 1, 1}) {
		t.Errorf("last feature %+v", f)
	}
	// The file's header has no licence; LICENSE-opencv says so.
	if !strings.Contains(ProfileFaceCascadeLicence(), "lbpcascade_profileface.xml") {
		t.Error("LICENSE-opencv does not describe the LBP cascade")
	}
}

// TestLBPOptions: bad options are ErrParams; the cascade's window need
// not be square.
func TestLBPOptions(t *testing.T) {
	for _, o := range []HaarOptions{
		{ScaleFactor: 1.001}, {GroupEps: -1}, {Step: 65}, {DetectSide: 19}, {MergeIoU: 1.5},
	} {
		if _, err := NewProfileLBPDetector(nil, &o); !errors.Is(err, ErrParams) {
			t.Errorf("%+v: %v, want ErrParams", o, err)
		}
	}
	d, err := NewProfileLBPDetector(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if d.o.ScaleFactor != 1.1 || d.o.MinNeighbors != 3 || d.o.DetectSide != 20 || d.o.Step != 1 {
		t.Errorf("defaults %+v", d.o)
	}
	p := edgePlane(40, 40, 20)
	if _, err := d.Detect(nil, p, image.Rect(0, 0, 40, 40), 30, 20); !errors.Is(err, ErrParams) {
		t.Errorf("sizes 30..20: %v, want ErrParams", err)
	}
	// A region wide enough but lower than the 34 px window finds nothing.
	if f, err := d.Detect(nil, p, image.Rect(0, 0, 40, 33), 20, 40); err != nil || len(f) != 0 {
		t.Errorf("low region: %v, %v", f, err)
	}
}

// TestLBPDetectTurnedFace: the young man at the left of
// dlib-2008_002079.jpg, turned to his left (nose towards the image's
// right), is found by the mirrored cascade, as OpenCV finds him
// (426,190 30x52 on the mirrored image with minSize 20 and minNeighbors 1;
// 44,190 on the image).
func TestLBPDetectTurnedFace(t *testing.T) {
	d, err := NewProfileLBPDetector(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	p := testLuma(t, "../detect/testdata/dlib-2008_002079.jpg")
	faces, err := d.Detect(nil, p, image.Rect(0, 0, p.Width, p.Height), 30, p.Height)
	if err != nil {
		t.Fatal(err)
	}
	want := image.Rect(44, 190, 44+30, 190+52)
	found := false
	for _, f := range faces {
		if f.Profile == ProfileNoseRight && boxIoU(f.Rect, want) >= 0.7 {
			t.Logf("found %v (score %v)", f.Rect, f.Score)
			found = true
		}
	}
	if !found {
		t.Errorf("turned face not found: %+v", faces)
	}
	// The Haar profile detector finds the same face with a larger score:
	// its cascade accepts more windows around a face.
	if haarRace {
		return
	}
	hd, err := NewProfileDetector(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	hf, err := hd.Detect(nil, p, image.Rect(0, 0, p.Width, p.Height), 30, p.Height)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range hf {
		if f.Profile == ProfileNoseRight && f.Rect.Overlaps(want) {
			t.Logf("the Haar profile detector: %v (score %v)", f.Rect, f.Score)
		}
	}
}

// TestLBPMirror: detecting on the mirrored plane gives exactly the
// mirrored raw windows of the other orientation, and the mirrored faces
// with the opposite Profile.
func TestLBPMirror(t *testing.T) {
	d, err := NewProfileLBPDetector(nil, &HaarOptions{MinNeighbors: 1})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name    string
		crop    image.Rectangle // empty: the whole image
		minFace int
	}{
		{"../detect/testdata/dlib-2008_002079.jpg", image.Rectangle{}, 30}, // k = 1
		{"faces/obama-480p.jpg", image.Rectangle{}, 40},                    // k = 2
		{"faces/pigo-sample.jpg", image.Rectangle{}, 60},                   // k = 3
	}
	if haarRace {
		// The young man of TestLBPDetectTurnedFace only.
		cases = cases[:1]
		cases[0].crop = image.Rect(0, 120, 160, 280)
	}
	faces := 0
	for _, tc := range cases {
		p := testLuma(t, tc.name)
		if !tc.crop.Empty() {
			var err error
			if p, err = p.SubPlane(tc.crop); err != nil {
				t.Fatal(err)
			}
		}
		k := max(1, tc.minFace/20)
		p.Width -= p.Width % k // the downscale drops the right remainder, which mirroring would move
		m := mirrorPlane(p)
		r := image.Rect(0, 0, p.Width, p.Height)
		a, err := d.Detect(nil, p, r, tc.minFace, p.Height)
		if err != nil {
			t.Fatal(err)
		}
		hits := [2][]haarHit{slices.Clone(d.lbp.hits[0]), slices.Clone(d.lbp.hits[1])}
		b, err := d.Detect(nil, m, r, tc.minFace, p.Height)
		if err != nil {
			t.Fatal(err)
		}
		for o := range 2 {
			if !slices.Equal(hits[o], d.lbp.hits[1-o]) {
				t.Errorf("%s: orientation %d: %d raw windows, %d on the mirror in the other orientation, not equal", tc.name, o, len(hits[o]), len(d.lbp.hits[1-o]))
			}
		}
		if len(hits[0])+len(hits[1]) == 0 {
			t.Errorf("%s: no raw windows: the test checks little", tc.name)
		}
		var mirrored []Face
		for _, f := range a {
			f.Rect = image.Rect(p.Width-f.Rect.Max.X, f.Rect.Min.Y, p.Width-f.Rect.Min.X, f.Rect.Max.Y)
			f.Profile = -f.Profile
			mirrored = append(mirrored, f)
		}
		byPlace := func(x, y Face) int {
			return slices.Compare([]int{x.Rect.Min.X, x.Rect.Min.Y, x.Rect.Dx(), int(x.Profile)}, []int{y.Rect.Min.X, y.Rect.Min.Y, y.Rect.Dx(), int(y.Profile)})
		}
		slices.SortFunc(mirrored, byPlace)
		slices.SortFunc(b, byPlace)
		if !slices.Equal(mirrored, b) {
			t.Errorf("%s: faces %v mirrored, %v found on the mirror", tc.name, mirrored, b)
		}
		faces += len(a)
		t.Logf("%s: %d+%d raw windows, %d faces, all mirrored exactly", tc.name, len(hits[0]), len(hits[1]), len(a))
	}
	if faces == 0 {
		t.Error("no faces: the faces' mirroring is not checked")
	}
}
