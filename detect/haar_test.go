package detect

import (
	"errors"
	"fmt"
	"image"
	"maps"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/facegate/facegate/preprocess"
)

// haarRectXML is one feature rectangle of tinyCascadeXML.
type haarRectXML struct {
	x, y, w, h int
	weight     string
}

// tinyCascadeXML writes a one-stage, one-stump cascade in OpenCV's format:
// a side x side window, the given feature, stump threshold thr (left leaf
// -1, right leaf +1) and stage threshold 0.
func tinyCascadeXML(side int, thr string, rects ...haarRectXML) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<?xml version="1.0"?>
<opencv_storage>
<cascade type_id="opencv-cascade-classifier"><stageType>BOOST</stageType>
  <featureType>HAAR</featureType>
  <height>%d</height>
  <width>%d</width>
  <stageParams><maxWeakCount>1</maxWeakCount></stageParams>
  <featureParams><maxCatCount>0</maxCatCount></featureParams>
  <stageNum>1</stageNum>
  <stages>
    <_>
      <maxWeakCount>1</maxWeakCount>
      <stageThreshold>0.</stageThreshold>
      <weakClassifiers>
        <_>
          <internalNodes>0 -1 0 %s</internalNodes>
          <leafValues>-1. 1.</leafValues></_></weakClassifiers></_></stages>
  <features>
    <_>
      <rects>`, side, side, thr)
	for _, r := range rects {
		fmt.Fprintf(&b, "\n        <_>%d %d %d %d %s</_>", r.x, r.y, r.w, r.h, r.weight)
	}
	b.WriteString("</rects></_></features></cascade>\n</opencv_storage>\n")
	return b.String()
}

// edgeCascade is a 6x6 window whose feature is the right half's sum less
// the left half's: -1 x the whole window, +2 x the right half.
func edgeCascade(thr string) string {
	return tinyCascadeXML(6, thr, haarRectXML{0, 0, 6, 6, "-1."}, haarRectXML{3, 0, 3, 6, "2."})
}

// edgePlane is w x h, black left of column edge, 200 from it on.
func edgePlane(w, h, edge int) preprocess.Plane {
	p := preprocess.GrayPlane(make([]byte, w*h), w, w, h)
	for y := range h {
		for x := edge; x < w; x++ {
			p.Pix[y*w+x] = 200
		}
	}
	return p
}

func mustHaar(t testing.TB, xml string) *HaarCascade {
	t.Helper()
	c, err := ParseHaarCascade([]byte(xml))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestHaarHandWindows: the edge cascade on a 24x12 step edge at column 12,
// worked out by hand. A 6x6 window at column x normalises over columns
// x+1..x+4, which hold both shades only for x = 8, 9, 10 (the others have
// no variance and are not classified). Their feature (right half less
// left half) is 2400, 3600 and 2400, their deviation 86.6, 100 and 86.6
// over the 16-pixel inset, so the normalised values are
// 2400/(16*86.6) = 1.732, 3600/1600 = 2.25 and 1.732.
//
//   - Threshold 1.5: all three pass, on each of the 7 rows: 21 windows.
//   - Threshold 2.0: only x = 9 passes, but x = 8 fails the first (only)
//     stage, and OpenCV then skips the next column: no window at all;
//     without the skip, x = 9 on each row.
//   - The mirrored cascade sees the left half less the right: nothing.
func TestHaarHandWindows(t *testing.T) {
	p := edgePlane(24, 12, 12)
	for _, tc := range []struct {
		thr    string
		noSkip bool
		cols   []int
	}{
		{"1.5", false, []int{8, 9, 10}},
		{"2.0", false, nil},
		{"2.0", true, []int{9}},
	} {
		c := mustHaar(t, edgeCascade(tc.thr))
		if !c.fixed || !c.intWeights {
			t.Fatalf("edge cascade: fixed %v, int weights %v", c.fixed, c.intWeights)
		}
		for _, serial := range []bool{false, true} {
			s := haarScanner{c: c, orients: 2, noSkip: tc.noSkip, serial: serial}
			s.scan(&p, 6, 6, 1.1, 1)
			var want []haarHit
			for y := range 7 {
				for _, x := range tc.cols {
					want = append(want, haarHit{x: int32(x), y: int32(y), w: 6, h: 6})
				}
			}
			got := slices.Clone(s.hits[0])
			for i := range got {
				got[i].margin = 0
			}
			slices.SortFunc(got, func(a, b haarHit) int { return cmpHit(a, b) })
			slices.SortFunc(want, func(a, b haarHit) int { return cmpHit(a, b) })
			if !slices.Equal(got, want) {
				t.Errorf("threshold %s, no skip %v, serial %v: windows %v, want %v", tc.thr, tc.noSkip, serial, got, want)
			}
			if len(s.hits[1]) != 0 {
				t.Errorf("threshold %s: mirrored cascade found %v", tc.thr, s.hits[1])
			}
		}
	}

	// Detect groups the 21 windows into one face: the mean of x 8..10 and
	// y 0..6 is (9, 3); 21 neighbours; found by the cascade as trained,
	// so the nose points left.
	d, err := NewProfileDetector(mustHaar(t, edgeCascade("1.5")), nil)
	if err != nil {
		t.Fatal(err)
	}
	faces, err := d.Detect(nil, p, image.Rect(0, 0, 24, 12), 6, 6)
	if err != nil {
		t.Fatal(err)
	}
	want := []Face{{Rect: image.Rect(9, 3, 15, 9), Score: 21, Profile: ProfileNoseLeft}}
	if !slices.Equal(faces, want) {
		t.Errorf("Detect: %+v, want %+v", faces, want)
	}
	// Mirrored, the edge is found by the mirrored cascade at the mirrored
	// place.
	faces, err = d.Detect(faces[:0], mirrorPlane(p), image.Rect(0, 0, 24, 12), 6, 6)
	if err != nil {
		t.Fatal(err)
	}
	want = []Face{{Rect: image.Rect(24-15, 3, 24-9, 9), Score: 21, Profile: ProfileNoseRight}}
	if !slices.Equal(faces, want) {
		t.Errorf("Detect on the mirror: %+v, want %+v", faces, want)
	}
}

func cmpHit(a, b haarHit) int {
	return slices.Compare([]int32{a.y, a.x, a.w, a.h}, []int32{b.y, b.x, b.w, b.h})
}

// mirrorPlane returns a packed left-right mirror of p.
func mirrorPlane(p preprocess.Plane) preprocess.Plane {
	m := preprocess.GrayPlane(make([]byte, p.Width*p.Height), p.Width, p.Width, p.Height)
	for y := range p.Height {
		row := p.Row(y)
		for x := range row {
			m.Pix[y*p.Width+p.Width-1-x] = row[x]
		}
	}
	return m
}

// TestParseHaarCascadeErrors: malformed, truncated, out-of-bounds and
// unsupported cascades give a *HaarError wrapping ErrCascade, marked
// Unsupported when they are valid OpenCV that this package does not
// evaluate.
func TestParseHaarCascadeErrors(t *testing.T) {
	good := edgeCascade("1.5")
	if _, err := ParseHaarCascade([]byte(good)); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name        string
		xml         string
		unsupported bool
	}{
		{"empty", "", false},
		{"garbage", "\x00\x01 not xml <<<", false},
		{"other root", "<foo><cascade/></foo>", false},
		{"empty storage", "<opencv_storage></opencv_storage>", false},
		{"no stage type", strings.Replace(good, "<stageType>BOOST</stageType>", "", 1), true},
		{"LBP", strings.Replace(good, "HAAR", "LBP", 1), true},
		{"GAB", strings.Replace(good, "BOOST", "GAB", 1), true},
		{"categorical", strings.Replace(good, "<maxCatCount>0", "<maxCatCount>256", 1), true},
		{"tilted", strings.Replace(good, "</rects>", "</rects><tilted>1</tilted>", 1), true},
		{"tilted garbage", strings.Replace(good, "</rects>", "</rects><tilted>x</tilted>", 1), false},
		{"deep tree", strings.Replace(good, "0 -1 0 1.5", "1 -1 0 1.5 0 -2 0 0.5", 1), true},
		{"node count", strings.Replace(good, "0 -1 0 1.5", "0 -1 0", 1), false},
		{"children", strings.Replace(good, "0 -1 0 1.5", "-1 0 0 1.5", 1), false},
		{"feature index", strings.Replace(good, "0 -1 0 1.5", "0 -1 1 1.5", 1), false},
		{"negative feature", strings.Replace(good, "0 -1 0 1.5", "0 -1 -1 1.5", 1), false},
		{"NaN threshold", strings.Replace(good, "0 -1 0 1.5", "0 -1 0 NaN", 1), false},
		{"huge threshold", strings.Replace(good, "0 -1 0 1.5", "0 -1 0 1e300", 1), false},
		{"leaf count", strings.Replace(good, "-1. 1.</leafValues>", "-1.</leafValues>", 1), false},
		{"leaf value", strings.Replace(good, "-1. 1.</leafValues>", "-1. x</leafValues>", 1), false},
		{"stage threshold", strings.Replace(good, "<stageThreshold>0.", "<stageThreshold>inf", 1), false},
		{"no weak classifiers", strings.Replace(good, "<weakClassifiers>", "<weakClassifiers></weakClassifiers><x>", 1), false},
		{"width", strings.Replace(good, "<width>6", "<width>2", 1), false},
		{"height", strings.Replace(good, "<height>6", "<height>100000", 1), false},
		{"width text", strings.Replace(good, "<width>6", "<width>six", 1), false},
		{"rect outside", strings.Replace(good, "3 0 3 6 2.", "4 0 3 6 2.", 1), false},
		{"rect negative", strings.Replace(good, "3 0 3 6 2.", "-1 0 3 6 2.", 1), false},
		{"rect empty", strings.Replace(good, "3 0 3 6 2.", "3 0 0 6 2.", 1), false},
		{"rect numbers", strings.Replace(good, "3 0 3 6 2.", "3 0 3 6", 1), false},
		{"rect weight", strings.Replace(good, "3 0 3 6 2.", "3 0 3 6 two", 1), false},
		{"four rects", strings.Replace(good, "</rects>", "<_>0 0 1 1 1.</_><_>0 0 1 1 1.</_></rects>", 1), false},
		{"no features", strings.Replace(good, "<features>", "<features></features><y>", 1), false},
		{"no stages", strings.Replace(good, "<stages>", "<stages></stages><z>", 1), false},
		{"old format", `<opencv_storage><haar type_id="opencv-haar-classifier"><size>20 20</size><stages/></haar></opencv_storage>`, true},
	} {
		c, err := ParseHaarCascade([]byte(tc.xml))
		var he *HaarError
		switch {
		case err == nil:
			t.Errorf("%s: parsed (%d stumps)", tc.name, c.Stumps())
		case !errors.Is(err, ErrCascade) || !errors.As(err, &he):
			t.Errorf("%s: %v is not a *HaarError wrapping ErrCascade", tc.name, err)
		case he.Unsupported != tc.unsupported:
			t.Errorf("%s: %v: Unsupported %v, want %v", tc.name, err, he.Unsupported, tc.unsupported)
		}
	}
	// Every truncation of a valid file (short of its closing tag's end)
	// fails cleanly.
	for n := 0; n < strings.LastIndex(good, ">"); n++ {
		if _, err := ParseHaarCascade([]byte(good[:n])); !errors.Is(err, ErrCascade) {
			t.Fatalf("truncated to %d bytes: %v", n, err)
		}
	}
}

// TestProfileFaceCascade: the embedded cascade parses to OpenCV's profile
// cascade and qualifies for the exact integer paths.
func TestProfileFaceCascade(t *testing.T) {
	c, err := ProfileFaceCascade()
	if err != nil {
		t.Fatal(err)
	}
	w, h := c.WindowSize()
	if w != 20 || h != 20 || c.Stages() != 26 || c.Stumps() != 2609 {
		t.Errorf("%dx%d window, %d stages, %d stumps; want 20x20, 26, 2609", w, h, c.Stages(), c.Stumps())
	}
	if !c.fixed || c.fixedShift != 31 || !c.intWeights {
		t.Errorf("fixed %v (shift %d), int weights %v; want true (31), true", c.fixed, c.fixedShift, c.intWeights)
	}
	// The first stump as the file has it, and the stage threshold less
	// OpenCV's 1e-5.
	s := c.stumps[0]
	if s.threshold != float32(1.1384399840608239e-03) || s.left != float32(-8.3771979808807373e-01) ||
		c.stages[0].threshold != float32(-1.1856809854507446e+00)-1e-5 {
		t.Errorf("first stump %+v, stage %+v", s, c.stages[0])
	}
	if !strings.Contains(ProfileFaceCascadeLicence(), "Intel License Agreement") {
		t.Error("licence text missing")
	}
}

// TestHaarTapsSymmetric: the bit-exact bilinear taps of a downscale are
// mirror images of each other (destination pixel v and d-1-v weigh source
// pixels mirrored about the centre alike), so a level of a mirrored plane
// is the mirrored level, and the mirror orientation's windows are OpenCV's
// on the mirrored image, except in one case: the taps are computed in
// float64 as OpenCV computes them, and where a tap's weight is an exact
// tie (x.5/256, which needs the level's side to be a multiple of 256) the
// rounding error of the float64 position can round a pixel and its mirror
// apart by 1/256. This checks every size that planes up to 1200 px and the
// default ladder produce: 5 of 40,096 resizes, all to 256, 512 or 768.
func TestHaarTapsSymmetric(t *testing.T) {
	var ofs []int32
	var w []uint16
	checked, asym := 0, 0
	for src := 20; src <= 1200; src++ {
		for f := 1.0; ; f *= 1.1 {
			dst := int(math.RoundToEven(float64(float32(src) / float32(f))))
			if dst < 20 {
				break
			}
			ofs, w = slices.Grow(ofs[:0], dst)[:dst], slices.Grow(w[:0], 2*dst)[:2*dst]
			lo, hi := linearTaps(ofs, w, src, dst)
			// form is destination pixel v as weights of source pixels
			// (mirrored: of the mirrored source's).
			form := func(v int, mirror bool) map[int]uint16 {
				m := map[int]uint16{}
				add := func(i int, c uint16) {
					if mirror {
						i = src - 1 - i
					}
					if c != 0 {
						m[i] += c
					}
				}
				switch {
				case v < lo:
					add(0, 256)
				case v >= hi:
					add(int(ofs[dst-1]), 256)
				default:
					add(int(ofs[v]), w[2*v])
					add(int(ofs[v])+1, w[2*v+1])
				}
				return m
			}
			checked++
			for v := range dst {
				if !maps.Equal(form(v, false), form(dst-1-v, true)) {
					asym++
					t.Logf("%d -> %d: pixel %d is %v, its mirror %v", src, dst, v, form(v, false), form(dst-1-v, true))
					if dst%256 != 0 {
						t.Errorf("%d -> %d is not mirror-symmetric", src, dst)
					}
					break
				}
			}
		}
	}
	if asym > 5 {
		t.Errorf("%d of %d resizes are not mirror-symmetric, want at most 5", asym, checked)
	}
	t.Logf("%d resizes checked, %d not mirror-symmetric (at 256-multiples)", checked, asym)
}

// TestHaarMirror: detecting on the mirrored plane gives exactly the
// mirrored raw windows of the other orientation, and the mirrored faces
// with the opposite Profile.
func TestHaarMirror(t *testing.T) {
	d, err := NewProfileDetector(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name    string
		minFace int
	}{
		{"faces/pigo-sample.jpg", 60},                   // k = 3 (320 px: crop to 318)
		{"../detect/testdata/kaggle-mask-89.png", 40},   // k = 2 (400 px wide)
		{"../detect/testdata/dlib-2008_002079.jpg", 30}, // k = 1
	}
	if haarRace {
		cases = cases[:1]
	}
	for _, tc := range cases {
		p := testLuma(t, tc.name)
		k := max(1, tc.minFace/20)
		p.Width -= p.Width % k // the downscale drops the right remainder, which mirroring would move
		m := mirrorPlane(p)
		r := image.Rect(0, 0, p.Width, p.Height)
		a, err := d.Detect(nil, p, r, tc.minFace, p.Height)
		if err != nil {
			t.Fatal(err)
		}
		hits := [2][]haarHit{slices.Clone(d.s.hits[0]), slices.Clone(d.s.hits[1])}
		b, err := d.Detect(nil, m, r, tc.minFace, p.Height)
		if err != nil {
			t.Fatal(err)
		}
		for o := range 2 {
			if !slices.Equal(hits[o], d.s.hits[1-o]) {
				t.Errorf("%s: orientation %d: %d raw windows, %d on the mirror in the other orientation, not equal", tc.name, o, len(hits[o]), len(d.s.hits[1-o]))
			}
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
		t.Logf("%s: %d+%d raw windows, %d faces, all mirrored exactly", tc.name, len(hits[0]), len(hits[1]), len(a))
	}
}

// TestHaarBatchedEqualsSerial: the batched scan (first stage per window,
// the others breadth-first over batches, integer sums, reordered stumps)
// accepts the same windows with the same margins as classifying each
// window whole, in the file's order.
func TestHaarBatchedEqualsSerial(t *testing.T) {
	c, err := ProfileFaceCascade()
	if err != nil {
		t.Fatal(err)
	}
	names, minSize := []string{"../detect/testdata/dlib-2008_002079.jpg", "faces/pigo-sample.jpg"}, 24
	if haarRace {
		names, minSize = names[1:], 60
	}
	for _, name := range names {
		p := testLuma(t, name)
		var got [2][2][]haarHit
		for i, serial := range []bool{false, true} {
			s := haarScanner{c: c, orients: 2, serial: serial}
			s.scan(&p, minSize, p.Height, 1.1, 1)
			got[i] = s.hits
		}
		n := 0
		for o := range 2 {
			a, b := got[0][o], got[1][o]
			slices.SortFunc(a, cmpHit)
			slices.SortFunc(b, cmpHit)
			if !slices.Equal(a, b) {
				t.Errorf("%s orientation %d: batched %d windows, serial %d", name, o, len(a), len(b))
			}
			n += len(a)
		}
		if n == 0 {
			t.Errorf("%s: no windows: the test checks nothing", name)
		}
	}
}

// TestHaarFloatPath: a cascade whose leaves are too fine for the integer
// sums (and whose weights are not integers) is classified window by
// window in float64, in the file's order; it agrees with a direct
// evaluation from the definition.
func TestHaarFloatPath(t *testing.T) {
	xml := tinyCascadeXML(6, "0.5", haarRectXML{0, 0, 6, 6, "-1."}, haarRectXML{3, 0, 3, 6, "2.5"})
	xml = strings.Replace(xml, "-1. 1.</leafValues>", "-1e-30 1.</leafValues>", 1)
	xml = strings.Replace(xml, "<stageThreshold>0.", "<stageThreshold>0.5", 1)
	c := mustHaar(t, xml)
	if c.fixed || c.intWeights {
		t.Fatalf("fixed %v, int weights %v; want false", c.fixed, c.intWeights)
	}
	p := testLuma(t, "faces/pigo-sample.jpg")
	s := haarScanner{c: c, orients: 1, noSkip: true}
	s.scan(&p, 6, 6, 1.1, 1)
	// By definition, at scale 1 (the plane itself): the window's
	// deviation over its 4x4 inset, the feature in float32, the leaf.
	var want []haarHit
	for y := 0; y+6 <= p.Height; y++ {
		for x := 0; x+6 <= p.Width; x++ {
			var sum, sq, all, right int
			for j := range 6 {
				for i := range 6 {
					v := int(p.Pix[(y+j)*p.Stride+x+i])
					if i >= 1 && i <= 4 && j >= 1 && j <= 4 {
						sum += v
						sq += v * v
					}
					all += v
					if i >= 3 {
						right += v
					}
				}
			}
			vnf, ok := normFromSums(16, sum, sq)
			if !ok {
				continue
			}
			f := float32(-1*float32(all)) + float32(2.5*float32(right))
			if f*vnf >= 0.5 { // the right leaf, 1 >= the stage threshold
				want = append(want, haarHit{x: int32(x), y: int32(y), w: 6, h: 6})
			}
		}
	}
	got := slices.Clone(s.hits[0])
	for i := range got {
		got[i].margin = 0
	}
	if len(want) == 0 || !slices.Equal(got, want) {
		t.Errorf("%d windows, want %d", len(got), len(want))
	}
}

// normFromSums is OpenCV's setWindow from plain sums.
func normFromSums(area, sum, sq int) (float32, bool) {
	nf := float64(area)*float64(sq) - float64(sum)*float64(sum)
	if nf <= 0 {
		return 0, false
	}
	v := float32(1 / math.Sqrt(nf))
	return v, float64(area)*float64(v) < 0.1
}

// TestHaarGroupRects: OpenCV's groupRectangles on hand-made windows.
func TestHaarGroupRects(t *testing.T) {
	h := func(x, y, w int) haarHit {
		return haarHit{x: int32(x), y: int32(y), w: int32(w), h: int32(w), margin: 1}
	}
	raw := []haarHit{
		// A chain of windows 1 px apart (each alike its neighbour, delta
		// 0.2*20 = 4): one class of 5, mean (12, 10, 20).
		h(10, 10, 20), h(11, 10, 20), h(12, 10, 20), h(13, 10, 20), h(14, 10, 20),
		// Three alike far away: 3 windows, not more than minNeighbors 3.
		h(100, 100, 20), h(101, 100, 20), h(100, 101, 20),
		// A small face inside a big group of more windows: dropped.
		h(200, 200, 60), h(201, 200, 60), h(200, 201, 60), h(201, 201, 60), h(202, 200, 60), h(200, 202, 60),
		h(215, 215, 20), h(216, 215, 20), h(215, 216, 20), h(216, 216, 20),
	}
	var gs groupScratch
	got := groupRects(nil, raw, 3, 0.2, &gs)
	want := []haarGroup{
		{x: 12, y: 10, w: 20, h: 20, n: 5, margin: 5},
		{x: 201, y: 201, w: 60, h: 60, n: 6, margin: 6}, // 1206/6 = 201, 1204/6 = 200.67 -> 201
	}
	if !slices.Equal(got, want) {
		t.Errorf("groups %+v, want %+v", got, want)
	}
	// minNeighbors 0: every window is its own face.
	if got := groupRects(nil, raw, 0, 0.2, &gs); len(got) != len(raw) {
		t.Errorf("threshold 0: %d groups, want %d", len(got), len(raw))
	}
}

// TestProfileOptions: bad options and cascades are ErrParams.
func TestProfileOptions(t *testing.T) {
	for _, o := range []HaarOptions{
		{ScaleFactor: 1.001}, {ScaleFactor: 5}, {GroupEps: -1}, {Step: -1}, {Step: 65},
		{DetectSide: 10}, {MergeIoU: 1.5},
	} {
		if _, err := NewProfileDetector(nil, &o); !errors.Is(err, ErrParams) {
			t.Errorf("%+v: %v, want ErrParams", o, err)
		}
	}
	rect := strings.Replace(edgeCascade("1.5"), "<height>6", "<height>8", 1)
	if _, err := NewProfileDetector(mustHaar(t, rect), nil); !errors.Is(err, ErrParams) {
		t.Errorf("6x8 window: %v, want ErrParams", err)
	}
	d, err := NewProfileDetector(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	p := edgePlane(40, 40, 20)
	if _, err := d.Detect(nil, p, image.Rect(0, 0, 40, 40), 30, 20); !errors.Is(err, ErrParams) {
		t.Errorf("sizes 30..20: %v, want ErrParams", err)
	}
	if _, err := d.Detect(nil, preprocess.Plane{Pix: p.Pix, Stride: 40, Width: 20, Height: 40, Channels: 2}, image.Rect(0, 0, 20, 40), 20, 40); !errors.Is(err, ErrParams) {
		t.Errorf("two channels: %v, want ErrParams", err)
	}
	// Regions too small for the smallest face find nothing, without error.
	if f, err := d.Detect(nil, p, image.Rect(5, 5, 20, 20), 20, 40); err != nil || len(f) != 0 {
		t.Errorf("small region: %v, %v", f, err)
	}
}

// TestProfileDetectTurnedFace: the man turned to his left in
// kaggle-mask-89.png (his nose towards the image's right) is found by the
// mirrored cascade, where OpenCV finds him (262,96 92x92, on the mirrored
// image with minSize 40).
func TestProfileDetectTurnedFace(t *testing.T) {
	d, err := NewProfileDetector(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	p := testLuma(t, "../detect/testdata/kaggle-mask-89.png")
	faces, err := d.Detect(nil, p, image.Rect(0, 0, p.Width, p.Height), 40, p.Height)
	if err != nil {
		t.Fatal(err)
	}
	want := image.Rect(262, 96, 262+92, 96+92)
	for _, f := range faces {
		if f.Profile == ProfileNoseRight && boxIoU(f.Rect, want) >= 0.7 {
			if f.PupilsFound || f.LandmarksFound || f.PoseFound {
				t.Errorf("profile face with landmarks: %+v", f)
			}
			return
		}
	}
	t.Errorf("turned face not found: %+v", faces)
}

func boxIoU(a, b image.Rectangle) float64 {
	in := a.Intersect(b)
	if in.Empty() {
		return 0
	}
	i := float64(in.Dx() * in.Dy())
	return i / (float64(a.Dx()*a.Dy()+b.Dx()*b.Dy()) - i)
}

func TestProfileString(t *testing.T) {
	for p, s := range map[Profile]string{0: "frontal", ProfileNoseLeft: "nose left", ProfileNoseRight: "nose right", 5: "Profile(5)"} {
		if p.String() != s {
			t.Errorf("%d: %q, want %q", p, p.String(), s)
		}
	}
}
