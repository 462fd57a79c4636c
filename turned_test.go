package facegate_test

import (
	"errors"
	"image"
	"image/jpeg"
	"math"
	"os"
	"slices"
	"testing"

	"github.com/facegate/facegate"
	"github.com/facegate/facegate/detect"
	xdraw "golang.org/x/image/draw"
)

// turnedCrop crops the 4:3 region four box sides wide about box's centre
// out of a detect testdata image and scales it to a 640x480 frame (the
// box then 160 pixels wide). The JPEG is decoded by image/jpeg whatever
// the build tags (preprocess.Decode takes libjpeg-turbo under turbojpeg,
// whose samples may differ by a level): these faces sit near the
// thresholds the tests are about, so their pixels must not depend on the
// build.
func turnedCrop(t testing.TB, name string, box image.Rectangle) *image.RGBA {
	t.Helper()
	src := loadRGBAStd(t, "../detect/testdata/"+name)
	s := box.Dx()
	c := box.Min.Add(box.Max).Div(2)
	r := image.Rect(c.X-s*3*4/6, c.Y-s*3/2, c.X+s*3*4/6, c.Y+s*3/2).Intersect(src.Rect)
	dst := image.NewRGBA(image.Rect(0, 0, 640, 480))
	xdraw.CatmullRom.Scale(dst, dst.Rect, src, r, xdraw.Src, nil)
	return dst
}

// A real face turned well away from the camera (dlib's 2008_002079, the
// leftmost face but one), tilted a further 25 degrees: the frontal scans
// do not find it, a profile scan does, and the face is called not frontal
// rather than absent. Without the profile scans (and the dense scan,
// which takes it for a frontal face of unknown pose, and the dense profile
// scan) it is no face.
func TestTurnedTiltedFaceIsNotFrontal(t *testing.T) {
	m := rotated(turnedCrop(t, "dlib-2008_002079.jpg", image.Rect(62, 134, 99, 171)), -25)
	res := process(t, newPipeline(t, facegate.DefaultPolicy(), nil), m)
	if err := res.Verdict.Err(); !errors.Is(err, facegate.NotFrontal) || errors.Is(err, facegate.NoFace) {
		t.Fatalf("verdict %v, want not frontal and not no face", err)
	}
	res = process(t, newPipeline(t, facegate.DefaultPolicy(), &facegate.Options{NoProfileScan: true, NoProfileLBPScan: true, NoTurnedProfileScan: true, NoDenseScan: true, NoDenseProfileScan: true}), m)
	if err := res.Verdict.Err(); !errors.Is(err, facegate.NoFace) {
		t.Fatalf("without the profile scans: verdict %v, want no face", err)
	}
}

// rotated turns m by deg degrees about its centre (edge pixels repeated).
func rotated(m *image.RGBA, deg float64) *image.RGBA {
	out := image.NewRGBA(m.Rect)
	w, h := m.Rect.Dx(), m.Rect.Dy()
	sn, cs := math.Sincos(deg * math.Pi / 180)
	cx, cy := float64(w)/2, float64(h)/2
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			dx, dy := float64(x)+0.5-cx, float64(y)+0.5-cy
			sx := int(math.Floor(cs*dx + sn*dy + cx))
			sy := int(math.Floor(-sn*dx + cs*dy + cy))
			out.SetRGBA(x, y, m.RGBAAt(max(0, min(w-1, sx)), max(0, min(h-1, sy))))
		}
	}
	return out
}

// A real face turned from the camera and seen from below (the Kaggle mask
// set's maksssksksss172): the frontal cascade finds it, but its landmarks
// scatter (pose confidence below 0.5) and read a yaw the gate could pass.
// The turned check finds the LBP profile cascade's face on it and gives
// it the profile pose: not frontal. Without the check the landmark pose
// stays.
func TestTurnedCheckGivesProfilePose(t *testing.T) {
	m := loadRGBA(t, "faces/kaggle-mask-172.png")
	p := facegate.DefaultPolicy()
	p.MinFaceSize = 64
	off := process(t, newPipeline(t, p, &facegate.Options{NoTurnedCheck: true}), m)
	f, ok := off.TargetFace()
	if !ok || f.Profile != 0 || !f.PoseFound {
		t.Fatalf("without the check: target %v found %v, want a frontal-cascade face with a pose", f.Rect, ok)
	}
	if f.Pose.Confidence >= 0.5 {
		t.Fatalf("without the check: pose confidence %.2f, want an unsure pose (< 0.5)", f.Pose.Confidence)
	}
	landmarkYaw := f.Pose.Yaw
	on := process(t, newPipeline(t, p, nil), m)
	g, ok := on.TargetFace()
	if !ok || g.Rect != f.Rect {
		t.Fatalf("with the check: target %v, want the same box %v", g.Rect, f.Rect)
	}
	if math.Abs(g.Pose.Yaw) < 60 || math.Signbit(g.Pose.Yaw) != math.Signbit(landmarkYaw) {
		t.Errorf("with the check: yaw %.1f, want a profile's (|yaw| >= 60) on the landmarks' side (%.1f)", g.Pose.Yaw, landmarkYaw)
	}
	if !on.Verdict.Has(facegate.NotFrontal) {
		t.Errorf("with the check: verdict %v, want not frontal", on.Verdict.Err())
	}
}

// The turned check leaves frontal faces alone: on the bundled frontal
// faces every face's pose is the same with and without it.
func TestTurnedCheckKeepsFrontalPoses(t *testing.T) {
	for _, name := range []string{"faces/obama-1080p.jpg", "faces/obama-480p.jpg", "faces/pigo-sample.jpg", "faces/bob.jpg"} {
		m := loadRGBA(t, name)
		p := facegate.DefaultPolicy()
		p.MinFaceSize = 40
		o := facegate.Options{LocaliseAll: true}
		on := process(t, newPipeline(t, p, &o), m)
		faces := slices.Clone(on.Faces)
		o.NoTurnedCheck = true
		off := process(t, newPipeline(t, p, &o), m)
		if len(faces) == 0 || len(faces) != len(off.Faces) {
			t.Fatalf("%s: %d faces with the check, %d without", name, len(faces), len(off.Faces))
		}
		for i := range faces {
			if faces[i].Pose != off.Faces[i].Pose {
				t.Errorf("%s: face %d: pose %+v with the check, %+v without", name, i, faces[i].Pose, off.Faces[i].Pose)
			}
		}
	}
}

// A real face turned away (dlib's 2008_002079, the leftmost face, its
// nose to the image's right) and tilted 35 degrees: no upright scan finds
// it, the turned profile scan does, and the face is called not frontal,
// turned towards its nose's side as the other profile scans' faces are.
// Its mirror image tilted the other way gives the mirrored box, turned
// the other way. Without the turned scan (and the dense scan and the dense
// profile scan, which find it too) both are no face.
func TestTurnedProfileScanFindsTiltedProfile(t *testing.T) {
	m := turnedCrop(t, "dlib-2008_002079.jpg", image.Rect(33, 190, 85, 242))
	var boxes [2]image.Rectangle
	for i, c := range []struct {
		m       *image.RGBA
		profile detect.Profile
		yaw     float64
	}{
		{rotated(m, -35), detect.ProfileNoseRight, detect.ProfileYaw},
		{rotated(mirrored(m), 35), detect.ProfileNoseLeft, -detect.ProfileYaw},
	} {
		res := process(t, newPipeline(t, facegate.DefaultPolicy(), nil), c.m)
		if err := res.Verdict.Err(); !errors.Is(err, facegate.NotFrontal) || errors.Is(err, facegate.NoFace) {
			t.Fatalf("%d: verdict %v, want not frontal and not no face", i, err)
		}
		if !res.HaarScan || res.Target < 0 {
			t.Fatalf("%d: fallback scans %v, target %d", i, res.HaarScan, res.Target)
		}
		f := res.Faces[res.Target]
		if f.Profile != c.profile || !f.PoseFound || f.Pose.Yaw != c.yaw {
			t.Errorf("%d: profile %v, pose %+v (found %v), want profile %v, yaw %v", i, f.Profile, f.Pose, f.PoseFound, c.profile, c.yaw)
		}
		boxes[i] = f.Rect
		res = process(t, newPipeline(t, facegate.DefaultPolicy(), &facegate.Options{NoTurnedProfileScan: true, NoDenseScan: true, NoDenseProfileScan: true}), c.m)
		if err := res.Verdict.Err(); !errors.Is(err, facegate.NoFace) {
			t.Errorf("%d: without the turned scan: verdict %v, want no face", i, err)
		}
	}
	// The face's centre in the 640x480 frame (the crop's box was centred,
	// but the head lies left of and below the box's centre).
	if !image.Pt(225, 285).In(boxes[0]) {
		t.Errorf("box %v is not on the face", boxes[0])
	}
	w := m.Rect.Dx()
	if d := max(abs(boxes[1].Min.X-(w-boxes[0].Max.X)), abs(boxes[1].Min.Y-boxes[0].Min.Y), abs(boxes[1].Dx()-boxes[0].Dx())); d > 16 {
		t.Errorf("mirror box %v, box %v: not mirror images (off by %d px)", boxes[1], boxes[0], d)
	}
}

// The cat photograph, as the 1080p frame BenchmarkNoFace scans and as
// it is: every fallback scan runs, the turned profile scan included, and
// the frame stays without a face.
func TestTurnedProfileScanKeepsNoFace(t *testing.T) {
	cat := loadRGBA(t, "negatives/chelsea.png")
	big := image.NewRGBA(image.Rect(0, 0, 1920, 1080))
	xdraw.ApproxBiLinear.Scale(big, big.Rect, cat, cat.Rect, xdraw.Src, nil)
	frames := []*image.RGBA{cat, big, rotated(big, 20)}
	if facegate.RaceEnabled {
		frames = frames[:1] // the same code on the smallest frame
	}
	for _, m := range frames {
		res := process(t, newPipeline(t, facegate.DefaultPolicy(), nil), m)
		if err := res.Verdict.Err(); !errors.Is(err, facegate.NoFace) || len(res.Faces) != 0 || !res.HaarScan {
			t.Errorf("%v: verdict %v, %d faces, fallback scans %v; want no face after every scan", m.Rect.Size(), err, len(res.Faces), res.HaarScan)
		}
	}
}

// loadRGBAStd decodes a JPEG of testdata with image/jpeg into RGBA.
func loadRGBAStd(t testing.TB, name string) *image.RGBA {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := jpeg.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	m := image.NewRGBA(image.Rect(0, 0, img.Bounds().Dx(), img.Bounds().Dy()))
	xdraw.Draw(m, m.Rect, img, img.Bounds().Min, xdraw.Src)
	return m
}

// mirrored is m mirrored left to right.
func mirrored(m *image.RGBA) *image.RGBA {
	out := image.NewRGBA(m.Rect)
	w, h := m.Rect.Dx(), m.Rect.Dy()
	for y := range h {
		for x := range w {
			out.SetRGBA(x, y, m.RGBAAt(w-1-x, y))
		}
	}
	return out
}

func abs(v int) int { return max(v, -v) }

// A real face turned from the camera and tilted (dlib's 2007_007763, the
// lowest face, the woman with glasses), which no profile scan finds: the
// frontal cascade does, but its landmarks fail (pose confidence 0) and
// read a yaw within the policy's limit. Localised again on the mirror
// image, the nose tip lands elsewhere, and the frontal Haar cascade does
// not vouch for the face: the mirror check leaves its pose unmeasured,
// and it is judged not frontal. Without the turned check (and the
// 68-landmark yaw, landmarkyaw_test.go) the landmark pose stays and
// passes the pose gate.
func TestMirrorCheckRejectsFailedLandmarks(t *testing.T) {
	m := turnedCrop(t, "dlib-2007_007763.jpg", image.Rect(309, 233, 354, 278))
	off := process(t, newPipeline(t, facegate.DefaultPolicy(), &facegate.Options{NoTurnedCheck: true, NoLandmarkYaw: true}), m)
	f, ok := off.TargetFace()
	if !ok || f.Profile != 0 || !f.PoseFound || f.Pose.Confidence >= 0.5 || math.Abs(f.Pose.Yaw) > 30 {
		t.Fatalf("without the check: target found %v, profile %v, pose %+v (found %v); want a frontal-cascade face with an unsure pose within the yaw limit", ok, f.Profile, f.Pose, f.PoseFound)
	}
	if off.Verdict.Has(facegate.NotFrontal) {
		t.Fatalf("without the check: verdict %v, want no not-frontal", off.Verdict.Err())
	}
	on := process(t, newPipeline(t, facegate.DefaultPolicy(), nil), m)
	g, ok := on.TargetFace()
	if !ok || g.Rect != f.Rect || g.Profile != 0 {
		t.Fatalf("with the check: target %v (found %v, profile %v), want the same frontal-cascade box %v", g.Rect, ok, g.Profile, f.Rect)
	}
	if g.PoseFound || !g.LandmarksFound {
		t.Errorf("with the check: pose found %v, landmarks found %v; want the landmarks without a pose", g.PoseFound, g.LandmarksFound)
	}
	if !on.Verdict.Has(facegate.NotFrontal) || !on.Verdict.Has(facegate.PoseUnknown) {
		t.Errorf("with the check: verdict %v (warnings %v), want not frontal and pose unknown", on.Verdict.Err(), on.Verdict.Reasons())
	}
}
