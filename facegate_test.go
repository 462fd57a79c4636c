package facegate_test

import (
	"errors"
	"image"
	"image/color"
	"math"
	"slices"
	"testing"

	"github.com/facegate/facegate"
	"github.com/facegate/facegate/payload"
	"github.com/facegate/facegate/preprocess"
)

// newPipeline returns a Pipeline of p and o. Under the race detector the
// networks are off: the 68-landmark face size and yaw (Options.
// NoLandmarkSize and NoLandmarkYaw), which would run on every frame of the
// webcam clips whose face is near the minimum or whose pose is unsure, and
// the face network's two uses (NoTurnedFaceNet, NoTargetConfirm); they run
// some 50 times slower there. landmarksize_test.go, landmarkyaw_test.go,
// turnedfacenet_test.go and targetconfirm_internal_test.go keep them on
// (the last two build without the race detector).
func newPipeline(tb testing.TB, p *facegate.Policy, o *facegate.Options) *facegate.Pipeline {
	tb.Helper()
	if facegate.RaceEnabled {
		var oo facegate.Options
		if o != nil {
			oo = *o
		}
		oo.NoLandmarkSize, oo.NoLandmarkYaw, oo.NoTurnedFaceNet, oo.NoTargetConfirm = true, true, true, true
		o = &oo
	}
	pl, err := facegate.NewWithOptions(p, o)
	if err != nil {
		tb.Fatal(err)
	}
	return pl
}

func process(tb testing.TB, pl *facegate.Pipeline, m *image.RGBA) *facegate.Result {
	tb.Helper()
	f := rgbaFrame(m)
	res, err := pl.Process(&f)
	if err != nil {
		tb.Fatal(err)
	}
	return res
}

func TestAcceptsGoodFace(t *testing.T) {
	for _, name := range []string{"faces/obama-1080p.jpg", "faces/pigo-sample.jpg", "faces/bob.jpg"} {
		res := process(t, newPipeline(t, nil, nil), loadRGBA(t, "testdata/"[:0]+name))
		if !res.Verdict.Accept || res.Verdict.Err() != nil {
			t.Errorf("%s: rejected: %v", name, res.Verdict.Err())
		}
		f, ok := res.TargetFace()
		if !ok || res.TargetID == 0 {
			t.Fatalf("%s: no target (faces %d)", name, len(res.Faces))
		}
		q := res.Quality
		if q.Blur >= 0.25 || q.Exposure < 0.25 || q.Exposure >= 0.75 || !f.LandmarksFound {
			t.Errorf("%s: quality %+v, landmarks %v", name, q, f.LandmarksFound)
		}
	}
}

// Each degradation of a real face gives the reason predicting the service's
// answer, with its exact message, the value and the threshold.
func TestGates(t *testing.T) {
	face := loadRGBA(t, "faces/pigo-sample.jpg")
	for _, tc := range []struct {
		name string
		img  *image.RGBA
		code facegate.Code
		rule payload.Rule
	}{
		{"blurred", boxBlur(face, 10), facegate.Blurred, payload.RuleFaceBlurred},
		{"dark", mapLuma(face, func(v float64) float64 { return v * 0.2 }), facegate.UnderExposed, payload.RuleFaceUnderExposed},
		{"bright", mapLuma(face, func(v float64) float64 { return v * 2.5 }), facegate.OverExposed, payload.RuleFaceOverExposed},
		{"small", canvas(face, 2560, 1440, 1, 2), facegate.FaceTooSmall, payload.RuleFaceNotFoundInRect},
		{"no face", loadRGBA(t, "negatives/chelsea.png"), facegate.NoFace, payload.RuleFaceNotFoundInRect},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := process(t, newPipeline(t, nil, nil), tc.img)
			err := res.Verdict.Err()
			if res.Verdict.Accept || err == nil {
				t.Fatalf("accepted; quality %+v, faces %+v, min %d", res.Quality, res.Faces, res.MinFaceSize)
			}
			if !errors.Is(err, tc.code) || !errors.Is(err, tc.rule) || !res.Verdict.Has(tc.code) {
				t.Fatalf("err %v: want %v (%v)", err, tc.code, tc.rule)
			}
			var v *facegate.Verdict
			if !errors.As(err, &v) || v != &res.Verdict {
				t.Errorf("errors.As does not find the verdict")
			}
			for _, r := range res.Verdict.Reasons() {
				if r.Code != tc.code {
					continue
				}
				if r.Message() != tc.rule.Text() || r.Code.Warning() {
					t.Errorf("message %q, want %q", r.Message(), tc.rule.Text())
				}
				if tc.code != facegate.NoFace && (r.Threshold == 0 || math.IsNaN(r.Value)) {
					t.Errorf("reason %+v lacks its value or threshold", r)
				}
				t.Logf("%v: value %.3g, threshold %.3g", r.Code, r.Value, r.Threshold)
			}
		})
	}
}

func TestNotFrontal(t *testing.T) {
	p := facegate.DefaultPolicy()
	p.MaxRoll = 1 // the sample's roll is about 2 degrees
	res := process(t, newPipeline(t, p, nil), loadRGBA(t, "faces/pigo-sample.jpg"))
	if !errors.Is(res.Verdict.Err(), facegate.NotFrontal) || !errors.Is(res.Verdict.Err(), payload.RuleFaceNotFrontal) {
		t.Fatalf("verdict %v, pose %+v", res.Verdict.Err(), res.Faces[res.Target].Pose)
	}
}

// A blurred face gets the blurred reason and a PoseUnknown warning, never a
// pose verdict: with a roll limit the sharp face exceeds (TestNotFrontal),
// the blurred one is still not called not frontal.
func TestBlurredHidesPose(t *testing.T) {
	p := facegate.DefaultPolicy()
	p.MaxRoll = 1
	res := process(t, newPipeline(t, p, nil), boxBlur(loadRGBA(t, "faces/pigo-sample.jpg"), 10))
	v := &res.Verdict
	if !v.Has(facegate.Blurred) || !v.Has(facegate.PoseUnknown) || v.Has(facegate.NotFrontal) {
		t.Fatalf("reasons %v: want blurred with a pose-unknown warning, not not-frontal", v.Reasons())
	}
}

func TestMinFaceFor(t *testing.T) {
	p := facegate.DefaultPolicy()
	for _, tc := range []struct{ w, h, want int }{
		{640, 480, 128}, {1280, 720, 128}, {1920, 1080, 128}, {1080, 1920, 228},
		{2560, 1440, 171}, {3840, 2160, 256}, {1921, 1080, 129},
	} {
		if got := p.MinFaceFor(tc.w, tc.h); got != tc.want {
			t.Errorf("MinFaceFor(%d, %d) = %d, want %d", tc.w, tc.h, got, tc.want)
		}
		if got := payload.MinFaceSize(tc.w, tc.h); got != tc.want {
			t.Errorf("payload.MinFaceSize(%d, %d) = %d, want %d", tc.w, tc.h, got, tc.want)
		}
	}
}

func TestPolicyValidate(t *testing.T) {
	if err := facegate.DefaultPolicy().Validate(); err != nil {
		t.Fatal(err)
	}
	for name, f := range map[string]func(p *facegate.Policy){
		"zero min face": func(p *facegate.Policy) { p.MinFaceSize = 0 },
		"blur above 1":  func(p *facegate.Policy) { p.MaxBlur = 1.5 },
		"exposure":      func(p *facegate.Policy) { p.MinExposure, p.MaxExposure = 0.8, 0.7 },
		"yaw":           func(p *facegate.Policy) { p.MaxYaw = 0 },
		"NaN coverage":  func(p *facegate.Policy) { p.MinCoverage = math.NaN() },
		"zero policy":   func(p *facegate.Policy) { *p = facegate.Policy{} },
	} {
		p := facegate.DefaultPolicy()
		f(p)
		if _, err := facegate.New(p); !errors.Is(err, facegate.ErrPolicy) {
			t.Errorf("%s: err = %v, want ErrPolicy", name, err)
		}
	}
	if _, err := facegate.NewWithOptions(nil, &facegate.Options{DetectShare: 2}); !errors.Is(err, facegate.ErrOptions) {
		t.Errorf("DetectShare 2: err = %v, want ErrOptions", err)
	}
}

func TestBadFrame(t *testing.T) {
	pl := newPipeline(t, nil, nil)
	for _, f := range []preprocess.Frame{
		{Format: preprocess.NV12, Width: 64, Height: 64, Planes: [3][]byte{make([]byte, 10)}, Strides: [3]int{64, 64}},
		{Format: preprocess.RGBA, Width: -1, Height: 5},
		{Format: preprocess.RGBA, Width: 1 << 20, Height: 1 << 20, Strides: [3]int{4 << 20}},
	} {
		if _, err := pl.Process(&f); !errors.Is(err, preprocess.ErrInvalidFrame) {
			t.Errorf("%+v: err = %v, want ErrInvalidFrame", f.Format, err)
		}
	}
}

// The target is the largest face of the first frame, or the one the caller
// names; a second face of similar size is a warning.
func TestTargetChoice(t *testing.T) {
	face := loadRGBA(t, "faces/pigo-sample.jpg") // 320x400
	two := image.NewRGBA(image.Rect(0, 0, 800, 400))
	big, small := canvas(face, 400, 400, 1, 1), canvas(face, 400, 400, 9, 10)
	for y := 0; y < 400; y++ {
		copy(two.Pix[y*two.Stride:], big.Pix[y*big.Stride:(y+1)*big.Stride])
		copy(two.Pix[y*two.Stride+1600:], small.Pix[y*small.Stride:(y+1)*small.Stride])
	}
	pl := newPipeline(t, nil, nil)
	res := process(t, pl, two)
	if len(res.Faces) != 2 {
		t.Fatalf("%d faces, want 2", len(res.Faces))
	}
	f, _ := res.TargetFace()
	if f.Rect.Min.X >= 400 {
		t.Errorf("target %v is not the larger, left face", f.Rect)
	}
	if !res.Verdict.Has(facegate.SimilarFaces) || len(res.Similar) != 1 || res.Similar[0] == res.Target {
		t.Errorf("no SimilarFaces warning naming the other face: %+v, similar %v", res.Verdict.Reasons(), res.Similar)
	}
	pl.Reset()
	pl.SetTarget(image.Rect(420, 0, 800, 400))
	res = process(t, pl, two)
	if f, ok := res.TargetFace(); !ok || f.Rect.Min.X < 400 {
		t.Errorf("target %v, want the right face", f.Rect)
	}
	for i := 0; i < 12; i++ { // the choice holds across local and full scans
		res = process(t, pl, two)
		if f, ok := res.TargetFace(); !ok || f.Rect.Min.X < 400 {
			t.Fatalf("frame %d: target %v, want the right face", i, f.Rect)
		}
	}
}

// Frames between full scans search only around tracked faces and find the
// same faces.
func TestLocalSearch(t *testing.T) {
	fr := nv12(loadRGBA(t, "faces/obama-1080p.jpg"))
	pl := newPipeline(t, nil, &facegate.Options{RescanEvery: 5})
	var first image.Rectangle
	for i := 0; i < 12; i++ {
		res, err := pl.Process(&fr)
		if err != nil {
			t.Fatal(err)
		}
		if want := i%5 == 0; res.FullScan != want {
			t.Errorf("frame %d: FullScan %v, want %v", i, res.FullScan, want)
		}
		f, ok := res.TargetFace()
		if !ok || res.TargetID != 1 {
			t.Fatalf("frame %d: target lost (id %d)", i, res.TargetID)
		}
		if i == 0 {
			first = f.Rect
		} else if iou := overlap(first, f.Rect); iou < 0.8 {
			t.Errorf("frame %d: face %v, first %v (IoU %.2f)", i, f.Rect, first, iou)
		}
	}
}

func overlap(a, b image.Rectangle) float64 {
	in := a.Intersect(b)
	i := float64(in.Dx() * in.Dy())
	return i / (float64(a.Dx()*a.Dy()+b.Dx()*b.Dy()) - i)
}

func TestCodes(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range []facegate.Code{facegate.NoFace, facegate.FaceTooSmall, facegate.FaceOutside, facegate.Blurred,
		facegate.OverExposed, facegate.UnderExposed, facegate.NotFrontal, facegate.InsufficientFrames,
		facegate.SimilarFaces, facegate.BelowOptimalSize, facegate.BelowOptimalEyeDistance, facegate.PoseUnknown} {
		if seen[c.String()] || c.Message() == "" {
			t.Errorf("code %d: name %q repeated or no message", c, c.String())
		}
		seen[c.String()] = true
		if c.Warning() != (c.Rule() == 0) {
			t.Errorf("%v: warning %v but rule %v", c, c.Warning(), c.Rule())
		}
		if !c.Warning() && c.Message() != c.Rule().Text() {
			t.Errorf("%v: message %q, rule text %q", c, c.Message(), c.Rule().Text())
		}
	}
}

// On a stream of frames without a face, the Haar scans run on the first
// frame and then on every RescanEvery-th; a face coming into view is found
// by the plain scan on the next frame, and once frames hold a face again
// the count starts over.
func TestHaarScansRateLimitedOnEmptyStream(t *testing.T) {
	empty := loadRGBA(t, "negatives/chelsea.png")
	face := loadRGBA(t, "faces/pigo-sample.jpg")
	pl := newPipeline(t, nil, &facegate.Options{RescanEvery: 4})
	var got []bool
	for range 9 {
		res := process(t, pl, empty)
		if len(res.Faces) != 0 || !res.FullScan {
			t.Fatalf("empty frame: %d faces, full scan %v", len(res.Faces), res.FullScan)
		}
		got = append(got, res.HaarScan)
	}
	want := []bool{true, false, false, false, true, false, false, false, true}
	if !slices.Equal(got, want) {
		t.Errorf("Haar scans on empty frames %v, want %v", got, want)
	}
	if res := process(t, pl, face); res.Target < 0 || res.HaarScan {
		t.Errorf("face frame: target %d, Haar scan %v; want a target from the plain scan", res.Target, res.HaarScan)
	}
	pl.Reset()
	if res := process(t, pl, empty); !res.HaarScan {
		t.Error("first empty frame after Reset: no Haar scan")
	}
	if res := process(t, pl, face); res.Target < 0 {
		t.Fatal("no target")
	}
	// The face is tracked; a frame without it rescans in full, and the
	// count of empty scans started over: the Haar scans run.
	if res := process(t, pl, empty); !res.HaarScan {
		t.Error("first empty frame after a face: no Haar scan")
	}
}

// A frame with no face says how its light is when the light is what hides
// the face: a dark frame is facegate.NoFace and facegate.UnderExposed, a blown-out one facegate.NoFace
// and facegate.OverExposed, a normal one facegate.NoFace alone; RGBA and NV12 alike.
func TestNoFaceFrameExposure(t *testing.T) {
	scene := func(lo, hi int) *image.RGBA {
		m := image.NewRGBA(image.Rect(0, 0, 320, 240))
		for y := 0; y < 240; y++ {
			for x := 0; x < 320; x++ {
				v := uint8(lo + (hi-lo)*((x/16+y/16)%5)/4)
				m.SetRGBA(x, y, color.RGBA{v, v, v, 255})
			}
		}
		return m
	}
	for _, c := range []struct {
		name   string
		m      *image.RGBA
		want   []facegate.Code
		absent []facegate.Code
	}{
		{"dark", scene(0, 40), []facegate.Code{facegate.NoFace, facegate.UnderExposed}, []facegate.Code{facegate.OverExposed}},
		{"blown", scene(215, 255), []facegate.Code{facegate.NoFace, facegate.OverExposed}, []facegate.Code{facegate.UnderExposed}},
		{"normal", scene(60, 190), []facegate.Code{facegate.NoFace}, []facegate.Code{facegate.OverExposed, facegate.UnderExposed}},
	} {
		for _, f := range []preprocess.Frame{rgbaFrame(c.m), nv12(c.m)} {
			pl := newPipeline(t, nil, nil)
			res, err := pl.Process(&f)
			if err != nil {
				t.Fatal(err)
			}
			v := &res.Verdict
			for _, code := range c.want {
				if !v.Has(code) {
					t.Errorf("%s %v: verdict %v lacks %v", c.name, f.Format, v.Reasons(), code)
				}
			}
			for _, code := range c.absent {
				if v.Has(code) {
					t.Errorf("%s %v: verdict %v holds %v", c.name, f.Format, v.Reasons(), code)
				}
			}
			if res.Quality != (facegate.Quality{}) {
				t.Errorf("%s: Quality %+v without a target", c.name, res.Quality)
			}
		}
	}
}

// rotate turns m by deg degrees about its centre (nearest neighbour; the
// corners take m's top-left colour), as a head tilted sideways.
func rotate(m *image.RGBA, deg float64) *image.RGBA {
	w, h := m.Rect.Dx(), m.Rect.Dy()
	out := image.NewRGBA(m.Rect)
	sin, cos := math.Sincos(deg * math.Pi / 180)
	cx, cy := float64(w)/2, float64(h)/2
	bg := m.RGBAAt(0, 0)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			dx, dy := float64(x)+0.5-cx, float64(y)+0.5-cy
			sx, sy := int(math.Floor(cos*dx+sin*dy+cx)), int(math.Floor(-sin*dx+cos*dy+cy))
			c := bg
			if sx >= 0 && sy >= 0 && sx < w && sy < h {
				c = m.RGBAAt(sx, sy)
			}
			out.SetRGBA(x, y, c)
		}
	}
	return out
}

// A head tilted sideways by 20 to 30 degrees, which the upright
// pixel-comparison cascade misses, is found by the rolled scan
// (Options.NoRolledScan turns it off), not called "no face". The other
// fallbacks are off: the Haar cascades take some of these faces in good
// light, not in the light the rolled scan is for.
func TestRolledFace(t *testing.T) {
	for _, c := range []struct {
		name string
		deg  float64
	}{
		{"faces/bob.jpg", -26}, {"faces/bob.jpg", 30},
		{"faces/pigo-sample.jpg", -30},
		{"faces/obama-480p.jpg", -22},
		{"faces/obama-1080p.jpg", -22},
	} {
		m := rotate(loadRGBA(t, c.name), c.deg)
		found := map[bool]bool{}
		for _, off := range []bool{false, true} {
			pl, err := facegate.NewWithOptions(nil, &facegate.Options{NoRolledScan: off,
				NoEqualizedScan: true, NoFrontalHaarScan: true, NoProfileScan: true, NoProfileLBPScan: true, NoTurnedProfileScan: true, NoDenseScan: true, NoDenseProfileScan: true})
			if err != nil {
				t.Fatal(err)
			}
			res, err := pl.ProcessImage(m)
			if err != nil {
				t.Fatal(err)
			}
			found[off] = res.Target >= 0
			if found[off] && res.Verdict.Has(facegate.NoFace) {
				t.Errorf("%s at %v degrees: a target and no-face", c.name, c.deg)
			}
		}
		if !found[false] || found[true] {
			t.Errorf("%s at %v degrees: face found %v with the rolled scan, %v without; want true, false", c.name, c.deg, found[false], found[true])
		}
	}
}

// rowBlur blurs m's RGB channels along its rows by a box of length pixels
// (a horizontal motion line), edges clamped.
func rowBlur(m *image.RGBA, length int) *image.RGBA {
	out := image.NewRGBA(m.Rect)
	copy(out.Pix, m.Pix)
	w, h := m.Rect.Dx(), m.Rect.Dy()
	for y := range h {
		for x := range w {
			for c := range 3 {
				var s int
				for k := -length / 2; k < length-length/2; k++ {
					s += int(m.Pix[y*m.Stride+min(max(x+k, 0), w-1)*4+c])
				}
				out.Pix[y*out.Stride+x*4+c] = byte((s + length/2) / length)
			}
		}
	}
	return out
}

// A motion blur of 10 px (standard deviation 2.9 px, a blur the service
// rejects) leaves the edges along it sharp, so the edge blur alone reads
// the face as sharp enough; the motion excess gives it the blurred reason.
// A 3 px line (standard deviation 0.9 px) is accepted.
func TestMotionBlurGate(t *testing.T) {
	face := loadRGBA(t, "faces/pigo-sample.jpg")
	p := facegate.DefaultPolicy()
	res := process(t, newPipeline(t, p, nil), rowBlur(face, 10))
	q := res.Quality
	t.Logf("line 10: blur %.2f, edge blur %.2f px, motion excess %.2f px", q.Blur, q.BlurSigma, q.MotionBlur)
	if q.BlurSigma/facegate.BlurFullSigma >= p.MaxBlur {
		t.Fatalf("edge blur %.2f px already over the threshold: the test needs a blur that only the motion excess catches", q.BlurSigma)
	}
	if !res.Verdict.Has(facegate.Blurred) || q.Blur < p.MaxBlur || !errors.Is(res.Verdict.Err(), payload.RuleFaceBlurred) {
		t.Errorf("line 10: reasons %v, blur %.2f; want blurred, at least %.2f", res.Verdict.Reasons(), q.Blur, p.MaxBlur)
	}
	res = process(t, newPipeline(t, p, nil), rowBlur(face, 3))
	q = res.Quality
	t.Logf("line 3: blur %.2f, edge blur %.2f px, motion excess %.2f px", q.Blur, q.BlurSigma, q.MotionBlur)
	if !res.Verdict.Accept || q.Blur >= 0.25 {
		t.Errorf("line 3: reasons %v, blur %.2f; want accepted, below 0.25", res.Verdict.Reasons(), q.Blur)
	}
}
