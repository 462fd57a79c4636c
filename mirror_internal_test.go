package facegate

import (
	"image"
	"os"
	"testing"

	"github.com/facegate/facegate/detect"
	"github.com/facegate/facegate/preprocess"
)

// The mirror check's geometry: on the bundled frontal faces (their largest
// face, pose sure or not) the nose tip found on the mirror image, mirrored
// back, lies within a fiftieth of the box's side of the frame's, well
// inside mirrorCheckNose; on a box a third of its side to the right of
// the face (pigo's localisation then starts off the face and its
// landmarks fail) it is further than mirrorCheckNose. In steady state
// neither half of the check (mirrorNose, mirrorFrontal) allocates.
func TestMirrorNose(t *testing.T) {
	pl, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"faces/obama-480p.jpg", "faces/pigo-sample.jpg", "faces/bob.jpg"} {
		luma := testLuma(t, name)
		det, err := detect.NewDetector(nil, &detect.Options{MinFace: 40})
		if err != nil {
			t.Fatal(err)
		}
		faces, err := det.Detect(nil, luma)
		if err != nil || len(faces) == 0 {
			t.Fatalf("%s: %d faces (%v)", name, len(faces), err)
		}
		face := faces[0]
		for _, f := range faces[1:] {
			if f.Rect.Dx() > face.Rect.Dx() {
				face = f
			}
		}
		if err := pl.det.Localise(&face, luma); err != nil || !face.PoseFound {
			t.Fatalf("%s: no pose (%v)", name, err)
		}
		d, ok, err := pl.mirrorNose(&face, luma)
		if err != nil || !ok || d > 0.02 {
			t.Errorf("%s: frontal face %v (confidence %.2f): nose %.3f of the side from its mirror's (ok %v, %v), want at most 0.02", name, face.Rect, face.Pose.Confidence, d, ok, err)
		}
		t.Logf("%s: frontal face %v (confidence %.2f): %.3f", name, face.Rect, face.Pose.Confidence, d)
		off := detect.Face{Rect: face.Rect.Add(image.Pt(face.Rect.Dx()/3, 0))}
		if err := pl.det.Localise(&off, luma); err != nil || !off.PoseFound {
			t.Fatalf("%s: box off the face: no pose (%v)", name, err)
		}
		d, ok, err = pl.mirrorNose(&off, luma)
		if err != nil || !ok || d <= mirrorCheckNose {
			t.Errorf("%s: box off the face %v: nose %.3f of the side from its mirror's (ok %v, %v), want more than %v", name, off.Rect, d, ok, err, mirrorCheckNose)
		}
		t.Logf("%s: box off the face %v: %.3f", name, off.Rect, d)
		if RaceEnabled {
			continue // allocations are counted without the race detector
		}
		if n := testing.AllocsPerRun(3, func() { pl.mirrorNose(&off, luma) }); n != 0 {
			t.Errorf("%s: mirrorNose allocates %v times", name, n)
		}
		if n := testing.AllocsPerRun(3, func() { pl.mirrorFrontal(&off, luma) }); n != 0 {
			t.Errorf("%s: mirrorFrontal allocates %v times", name, n)
		}
	}
}

// testLuma is the luma of a bundled image.
func testLuma(t *testing.T, name string) preprocess.Plane {
	t.Helper()
	return imageLuma(t, testImage(t, name))
}

// testImage is a bundled image (testdata/name), decoded.
func testImage(tb testing.TB, name string) image.Image {
	tb.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		tb.Fatal(err)
	}
	img, _, err := preprocess.DecodeBytes(b, nil)
	if err != nil {
		tb.Fatal(err)
	}
	return img
}

// frameOf is img as a frame, as the pipeline takes it.
func frameOf(tb testing.TB, img image.Image) preprocess.Frame {
	tb.Helper()
	f, _, err := preprocess.FromImage(nil, img)
	if err != nil {
		tb.Fatal(err)
	}
	return f
}

// imageLuma is the luma of img, as the pipeline converts it.
func imageLuma(t *testing.T, img image.Image) preprocess.Plane {
	t.Helper()
	f := frameOf(t, img)
	luma, err := f.Luma(make([]byte, f.Width*f.Height))
	if err != nil {
		t.Fatal(err)
	}
	return luma
}
