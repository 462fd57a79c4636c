package detect

import (
	"errors"
	"image"
	"math"
	"testing"
	"time"

	"github.com/facegate/facegate/preprocess"
)

// TestDetectFindsFaces: the one face of each portrait is found where its
// eyes are, with pupils, landmarks in anatomical order and a near-frontal
// pose; the negative image has none.
func TestDetectFindsFaces(t *testing.T) {
	cases := []struct {
		image string
		// approximate pupil positions, read off the pictures
		left, right Point
	}{
		{"faces/pigo-sample.jpg", Point{112, 185}, Point{204, 182}},
		{"faces/obama-480p.jpg", Point{421, 95}, Point{468, 94}},
		{"faces/bob.jpg", Point{128, 178}, Point{222, 173}},
	}
	d, err := NewDetector(nil, &Options{MinFace: 60})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		faces, err := d.Detect(nil, testLuma(t, c.image))
		if err != nil {
			t.Fatal(err)
		}
		if len(faces) != 1 {
			t.Fatalf("%s: %d faces, want 1: %+v", c.image, len(faces), faces)
		}
		f := faces[0]
		if !f.PupilsFound || !f.LandmarksFound {
			t.Fatalf("%s: pupils %v landmarks %v", c.image, f.PupilsFound, f.LandmarksFound)
		}
		tol := 0.15 * f.EyeDistance
		for i, want := range []Point{c.left, c.right} {
			if got := f.Pupils[i]; math.Hypot(got.X-want.X, got.Y-want.Y) > tol {
				t.Errorf("%s: pupil %d at %v, want near %v", c.image, i, got, want)
			}
		}
		if !image.Pt(int(c.left.X), int(c.left.Y)).In(f.Rect) || !image.Pt(int(c.right.X), int(c.right.Y)).In(f.Rect) {
			t.Errorf("%s: face box %v does not hold the eyes", c.image, f.Rect)
		}
		eyesY := (f.Pupils[0].Y + f.Pupils[1].Y) / 2
		lm := f.Landmarks
		if !(eyesY < lm[NoseTip].Y && lm[NoseTip].Y < lm[UpperLip].Y && lm[UpperLip].Y < lm[LowerLip].Y) {
			t.Errorf("%s: eyes %.0f, nose %.0f, upper lip %.0f, lower lip %.0f not top to bottom", c.image, eyesY, lm[NoseTip].Y, lm[UpperLip].Y, lm[LowerLip].Y)
		}
		if !(lm[MouthCornerLeft].X < lm[NoseTip].X && lm[NoseTip].X < lm[MouthCornerRight].X) {
			t.Errorf("%s: mouth corners %v %v do not flank the nose %v", c.image, lm[MouthCornerLeft], lm[MouthCornerRight], lm[NoseTip])
		}
		if math.Abs(f.Pose.Yaw) > 15 || math.Abs(f.Pose.Roll) > 10 {
			t.Errorf("%s: pose %+v, want near frontal", c.image, f.Pose)
		}
	}
	faces, err := d.Detect(nil, testLuma(t, "negatives/chelsea.png"))
	if err != nil {
		t.Fatal(err)
	}
	if len(faces) != 0 {
		t.Errorf("chelsea (a cat): %d faces: %+v", len(faces), faces)
	}
}

// TestDetectDownscaleAgrees: detecting on a frame box-downscaled by k gives
// the face found at full resolution, in full-resolution coordinates.
func TestDetectDownscaleAgrees(t *testing.T) {
	p := testLuma(t, "faces/obama-1080p.jpg")
	near, err := NewDetector(nil, &Options{MinFace: 100, DetectSide: 100}) // k = 1
	if err != nil {
		t.Fatal(err)
	}
	far, _ := NewDetector(nil, &Options{MinFace: 100, DetectSide: 25}) // k = 4
	a, _ := near.Detect(nil, p)
	b, _ := far.Detect(nil, p)
	if len(a) == 0 || len(b) == 0 {
		t.Fatalf("faces: %d at full resolution, %d downscaled", len(a), len(b))
	}
	if iou := rectIoU(a[0].Rect, b[0].Rect); iou < 0.7 {
		t.Fatalf("boxes %v and %v overlap only %.2f", a[0].Rect, b[0].Rect, iou)
	}
}

func rectIoU(a, b image.Rectangle) float64 {
	in := a.Intersect(b)
	ai, aa, ab := float64(in.Dx()*in.Dy()), float64(a.Dx()*a.Dy()), float64(b.Dx()*b.Dy())
	return ai / (aa + ab - ai)
}

func TestDetectAllocs(t *testing.T) {
	p := testLuma(t, "faces/obama-1080p.jpg")
	d, _ := NewDetector(nil, &Options{MinFace: 100})
	dst := make([]Face, 0, 8)
	if _, err := d.Detect(dst, p); err != nil { // warm up: plans and tables
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(3, func() { _, _ = d.Detect(dst[:0], p) }); n != 0 {
		t.Fatalf("Detect allocates %v times per frame", n)
	}
	d2, _ := NewDetector(nil, &Options{MinFace: 100, Workers: 2})
	if _, err := d2.Detect(dst, p); err != nil { // warm up: the helper starts
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(3, func() { _, _ = d2.Detect(dst[:0], p) }); n != 0 {
		t.Fatalf("Detect with two workers allocates %v times per frame", n)
	}
}

func TestDetectErrors(t *testing.T) {
	for name, o := range map[string]Options{
		"min face":    {MinFace: -1},
		"max < min":   {MinFace: 100, MaxFace: 50},
		"perturbs":    {Perturbs: 64},
		"iou":         {IoU: 1.5},
		"angle":       {Angles: []float64{1.5}},
		"shift":       {ShiftFactor: 2},
		"scale":       {ScaleFactor: 0.5},
		"detect side": {DetectSide: 4},
	} {
		if _, err := NewDetector(nil, &o); !errors.Is(err, ErrParams) {
			t.Errorf("%s: got %v, want ErrParams", name, err)
		}
	}
	d, _ := NewDetector(nil, nil)
	if _, err := d.Detect(nil, preprocess.Plane{Pix: make([]byte, 10), Stride: 10, Width: 10, Height: 2}); !errors.Is(err, preprocess.ErrInvalidFrame) {
		t.Errorf("short plane: %v", err)
	}
	faces, err := d.Detect(nil, preprocess.GrayPlane(make([]byte, 40*30), 40, 40, 30))
	if err != nil || len(faces) != 0 {
		t.Errorf("frame smaller than the smallest face: %v %v", faces, err)
	}
}

// Localise on a face found with SkipLandmarks gives what Detect gives with
// landmarks; DetectRegion on a region around a face finds it again.
func TestLocaliseAndRegion(t *testing.T) {
	p := testLuma(t, "faces/obama-1080p.jpg")
	full, err := NewDetector(nil, &Options{MinFace: 100})
	if err != nil {
		t.Fatal(err)
	}
	bare, err := NewDetector(nil, &Options{MinFace: 100, SkipLandmarks: true})
	if err != nil {
		t.Fatal(err)
	}
	want, _ := full.Detect(nil, p)
	got, _ := bare.Detect(nil, p)
	if len(want) == 0 || len(got) != len(want) {
		t.Fatalf("%d and %d faces", len(want), len(got))
	}
	for i := range got {
		if got[i].PupilsFound {
			t.Fatal("SkipLandmarks found pupils")
		}
		if err := full.Localise(&got[i], p); err != nil {
			t.Fatal(err)
		}
		if got[i] != want[i] {
			t.Errorf("face %d: Localise %+v, Detect %+v", i, got[i], want[i])
		}
	}
	side := want[0].Rect.Dx()
	region := want[0].Rect.Inset(-side / 3)
	again, err := bare.DetectRegion(nil, p, region, side*4/5, side*5/4)
	if err != nil || len(again) == 0 {
		t.Fatalf("DetectRegion: %d faces, %v", len(again), err)
	}
	if a, b := again[0].Rect, want[0].Rect; a.Intersect(b).Dx()*a.Intersect(b).Dy() < b.Dx()*b.Dy()*3/4 {
		t.Errorf("DetectRegion found %v, Detect %v", a, b)
	}
	if !again[0].Rect.In(region) {
		t.Errorf("face %v outside region %v", again[0].Rect, region)
	}
	if err := full.Localise(&Face{}, preprocess.Plane{}); err == nil {
		t.Error("Localise on an invalid plane: no error")
	}
}

// A scan whose largest window is math.MaxInt ends (issue 14: the scale
// ladder overflowed and looped for ever) and finds what a bounded one finds.
func TestScanUnboundedMaxSize(t *testing.T) {
	cs, err := DefaultCascades()
	if err != nil {
		t.Fatal(err)
	}
	p := preprocess.GrayPlane(make([]byte, 64*48), 64, 64, 48)
	for i := range p.Pix {
		p.Pix[i] = byte(i * 7)
	}
	sc := NewScanner(cs.Face)
	done := make(chan []Window, 1)
	go func() {
		w, err := sc.Scan(nil, p, ScanParams{MinSize: 8, MaxSize: math.MaxInt, ShiftFactor: 0.1, ScaleFactor: 1.1})
		if err != nil {
			t.Error(err)
		}
		done <- w
	}()
	select {
	case got := <-done:
		want, err := NewScanner(cs.Face).Scan(nil, p, ScanParams{MinSize: 8, MaxSize: 48, ShiftFactor: 0.1, ScaleFactor: 1.1})
		if err != nil || len(got) != len(want) {
			t.Errorf("%d windows, bounded scan %d (%v)", len(got), len(want), err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Scan with MaxSize math.MaxInt did not end")
	}
}

// Localise refuses a face box that no detector would report for the plane
// (issue 14: a box of 2^33 px overflowed the bounds arithmetic and read
// outside the plane), and still localises a face partly outside it.
func TestLocaliseHugeOrOutsideBox(t *testing.T) {
	d, err := NewDetector(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	p := preprocess.GrayPlane(make([]byte, 200*150), 200, 200, 150)
	for _, r := range []image.Rectangle{
		image.Rect(0, 0, 1<<33, 1<<33),
		image.Rect(-1<<40, -1<<40, 1<<40, 1<<40),
		image.Rect(500, 500, 600, 600),
		image.Rect(0, 0, 401, 10),
	} {
		f := Face{Rect: r}
		if err := d.Localise(&f, p); !errors.Is(err, ErrParams) {
			t.Errorf("box %v: %v, want ErrParams", r, err)
		}
	}
	f := Face{Rect: image.Rect(-40, -40, 120, 120)}
	if err := d.Localise(&f, p); err != nil {
		t.Errorf("box partly outside: %v", err)
	}
}

// AnglesOnly scans at Angles only: an upright face is found by a detector
// that also scans upright, not by one turned a quarter turn only.
func TestAnglesOnly(t *testing.T) {
	p := testLuma(t, "faces/pigo-sample.jpg")
	for _, c := range []struct {
		only bool
		want bool
	}{{false, true}, {true, false}} {
		d, err := NewDetector(nil, &Options{MinFace: 60, Angles: []float64{0.25}, AnglesOnly: c.only})
		if err != nil {
			t.Fatal(err)
		}
		faces, err := d.Detect(nil, p)
		if err != nil {
			t.Fatal(err)
		}
		if got := len(faces) > 0; got != c.want {
			t.Errorf("AnglesOnly %v: %d faces, want found %v", c.only, len(faces), c.want)
		}
	}
}
