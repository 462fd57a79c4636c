package facegate_test

import (
	"errors"
	"image"
	"testing"

	"github.com/facegate/facegate"
)

// A real face turned well away from the camera (dlib's 2008_002079, the
// face of TestTurnedTiltedFaceIsNotFrontal) and tilted 40 degrees: every
// other scan misses it, the dense profile scan (the profile cascades at a
// finer size ladder on the frame turned 33.75 degrees) finds it, and the
// frame is judged not frontal rather than face-less. Without the dense
// profile scan it is no face.
func TestDenseProfileScanFindsTurnedFace(t *testing.T) {
	m := rotated(turnedCrop(t, "dlib-2008_002079.jpg", image.Rect(62, 134, 99, 171)), -40)
	res := process(t, newPipeline(t, facegate.DefaultPolicy(), nil), m)
	if err := res.Verdict.Err(); !errors.Is(err, facegate.NotFrontal) || errors.Is(err, facegate.NoFace) {
		t.Fatalf("verdict %v, want not frontal and not no face", err)
	}
	f, ok := res.TargetFace()
	if !ok {
		t.Fatal("no target")
	}
	// turnedCrop centres the face in the frame, and rotated turns it
	// about the centre.
	if c := image.Pt(m.Rect.Dx()/2, m.Rect.Dy()/2); !c.In(f.Rect) || f.Profile == 0 {
		t.Errorf("target %v (profile %v) does not hold the face's centre %v or is not a profile face", f.Rect, f.Profile, c)
	}
	res = process(t, newPipeline(t, facegate.DefaultPolicy(), &facegate.Options{NoDenseProfileScan: true}), m)
	if err := res.Verdict.Err(); !errors.Is(err, facegate.NoFace) || len(res.Faces) != 0 {
		t.Fatalf("without the dense profile scan: verdict %v, %d faces; want no face", err, len(res.Faces))
	}
}
