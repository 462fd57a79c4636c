package facegate_test

import (
	"image"
	"reflect"
	"testing"

	"github.com/facegate/facegate"
	"github.com/facegate/facegate/detect"
	"github.com/facegate/facegate/preprocess"
)

// mirrorCheckFrame is TestMirrorCheckRejectsFailedLandmarks's frame: a
// turned face whose landmark pose the mirror check unmeasures.
func mirrorCheckFrame(t *testing.T) *image.RGBA {
	return turnedCrop(t, "dlib-2007_007763.jpg", image.Rect(309, 233, 354, 278))
}

// grayFrame is m's luma as a Gray8 frame.
func grayFrame(t *testing.T, m *image.RGBA) preprocess.Frame {
	fr := rgbaFrame(m)
	l, err := fr.Luma(make([]byte, fr.Width*fr.Height))
	if err != nil {
		t.Fatal(err)
	}
	return preprocess.Frame{Format: preprocess.Gray8, Width: l.Width, Height: l.Height, Planes: [3][]byte{l.Pix}, Strides: [3]int{l.Stride}}
}

// unmeasured reports whether res's target is a frontal-cascade face whose
// landmarks were found and whose pose the mirror check left unmeasured.
func unmeasured(res *facegate.Result) bool {
	f, ok := res.TargetFace()
	return ok && f.Profile == 0 && f.LandmarksFound && !f.PoseFound
}

// The mirror check across frame formats and sequences: on its frame as
// RGBA, as its luma (Gray8, the same Result bit for bit) and as NV12 the
// pose is left unmeasured and the frame is not frontal; in one Pipeline
// the frame repeated (RescanEvery 0 and 3; the face is a fallback scan's,
// so every frame is a full scan) keeps that verdict on every frame, and
// after another shot and Reset the Result is a fresh Pipeline's; a target
// rectangle on the face keeps it, one away from it leaves no face to
// check.
func TestMirrorCheckFormatsAndSequences(t *testing.T) {
	m := mirrorCheckFrame(t)
	fresh := newPipeline(t, nil, nil)
	want := process(t, fresh, m)
	if !unmeasured(want) || !want.Verdict.Has(facegate.NotFrontal) || !want.Verdict.Has(facegate.PoseUnknown) {
		t.Fatalf("fresh: target %d, verdict %v; want the pose unmeasured, not frontal", want.Target, want.Verdict.Err())
	}
	wantFaces := append([]detect.Face(nil), want.Faces...)
	wantReasons := append([]facegate.Reason(nil), want.Verdict.Reasons()...)
	face := wantFaces[want.Target].Rect

	g := grayFrame(t, m)
	res, err := newPipeline(t, nil, nil).Process(&g)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(res.Faces, wantFaces) || !reflect.DeepEqual(res.Verdict.Reasons(), wantReasons) {
		t.Errorf("Gray8: faces %+v verdict %+v, RGBA's %+v %+v", res.Faces, res.Verdict.Reasons(), wantFaces, wantReasons)
	}
	n := nv12(m)
	if res, err = newPipeline(t, nil, nil).Process(&n); err != nil {
		t.Fatal(err)
	}
	if !unmeasured(res) || !res.Verdict.Has(facegate.NotFrontal) {
		t.Errorf("NV12: verdict %v, want the pose unmeasured, not frontal", res.Verdict.Err())
	}

	other := canvas(loadRGBA(t, "faces/obama-480p.jpg"), 640, 480, 1, 1)
	for _, rescan := range []int{0, 3} {
		pl := newPipeline(t, nil, &facegate.Options{RescanEvery: rescan})
		for i := range 7 {
			res := process(t, pl, m)
			if !unmeasured(res) || !res.Verdict.Has(facegate.NotFrontal) {
				t.Errorf("rescan %d, frame %d (full scan %v): verdict %v, want the pose unmeasured, not frontal", rescan, i, res.FullScan, res.Verdict.Err())
			}
		}
		// Another shot (a cut, the target lost), then the frame again
		// after Reset: the fresh Pipeline's Result.
		process(t, pl, other)
		pl.Reset()
		res := process(t, pl, m)
		if !reflect.DeepEqual(res.Faces, wantFaces) || !reflect.DeepEqual(res.Verdict.Reasons(), wantReasons) {
			t.Errorf("rescan %d, after Reset: faces %+v verdict %+v, a fresh Pipeline's %+v %+v", rescan, res.Faces, res.Verdict.Reasons(), wantFaces, wantReasons)
		}
	}

	pl := newPipeline(t, nil, nil)
	pl.SetTarget(face.Inset(-face.Dx() / 4))
	if res := process(t, pl, m); !unmeasured(res) || !res.Verdict.Has(facegate.NotFrontal) {
		t.Errorf("target on the face: verdict %v, want the pose unmeasured, not frontal", res.Verdict.Err())
	}
	pl.Reset()
	pl.SetTarget(image.Rect(0, 0, 8, 8))
	if res := process(t, pl, m); res.Target >= 0 || res.Verdict.Has(facegate.NotFrontal) {
		t.Errorf("target away from the face: target %d, verdict %v; want no target face, not a pose verdict", res.Target, res.Verdict.Err())
	}
}

// The policies on an unmeasured pose: UnknownPoseWarns makes it the
// PoseUnknown warning alone (not frontal is not a reason), and a
// MinPoseConfidence of 1 or 0 does not bring the landmark pose back.
func TestMirrorCheckPolicies(t *testing.T) {
	m := mirrorCheckFrame(t)
	p := facegate.DefaultPolicy()
	p.UnknownPoseWarns = true
	res := process(t, newPipeline(t, p, nil), m)
	if !unmeasured(res) || res.Verdict.Has(facegate.NotFrontal) || !res.Verdict.Has(facegate.PoseUnknown) {
		t.Errorf("UnknownPoseWarns: verdict %v (%+v), want pose unknown without not frontal", res.Verdict.Err(), res.Verdict.Reasons())
	}
	for _, c := range []float64{0, 1} {
		p := facegate.DefaultPolicy()
		p.MinPoseConfidence = c
		res := process(t, newPipeline(t, p, nil), m)
		if !unmeasured(res) || !res.Verdict.Has(facegate.NotFrontal) || !res.Verdict.Has(facegate.PoseUnknown) {
			t.Errorf("MinPoseConfidence %v: verdict %v, want the pose unmeasured, not frontal", c, res.Verdict.Err())
		}
	}
}
