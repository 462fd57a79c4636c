package facegate_test

import (
	"errors"
	"image"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/facegate/facegate"
)

// Issue 17 item 8: at a cut to another shot, a face of the new shot that
// overlaps the target's last box (here IoU about 0.54, as the audience
// member's head at frame 211 of face_recognition's short_hamilton_clip
// overlaps the performer's by 0.52) must not become the target: the frames
// after the cut say TargetLost. With NoSceneCut the tracker carries the
// target onto the other face, which is the fault the guard prevents.
func TestSceneCutEndsTarget(t *testing.T) {
	first := canvas(loadRGBA(t, "faces/pigo-sample.jpg"), 400, 400, 1, 1)
	other := canvas(loadRGBA(t, "faces/bob.jpg"), 400, 400, 1, 1)
	for _, guard := range []bool{true, false} {
		pl := newPipeline(t, nil, &facegate.Options{NoSceneCut: !guard})
		var id uint64
		for i := range 3 {
			r := process(t, pl, first)
			if r.Target < 0 || r.SceneCut {
				t.Fatalf("guard %v, frame %d: target %d, cut %v; want the first face, no cut", guard, i, r.Target, r.SceneCut)
			}
			id = r.TargetID
		}
		for i := range 4 {
			r := process(t, pl, other)
			if len(r.Faces) == 0 {
				t.Fatalf("guard %v, frame %d: no face found in the second shot", guard, 3+i)
			}
			if !guard {
				// The fault: the other face continues the target's track.
				if r.Target < 0 || r.TargetID != id {
					t.Errorf("without the guard, frame %d: target %d (ID %d); the IoU tracker was expected to carry ID %d over", 3+i, r.Target, r.TargetID, id)
				}
				continue
			}
			if wantCut := i == 0; r.SceneCut != wantCut {
				t.Errorf("frame %d: SceneCut %v (measure %.1f), want %v", 3+i, r.SceneCut, r.SceneChange, wantCut)
			}
			if r.Target >= 0 || !r.Verdict.Has(facegate.TargetLost) || r.TargetID != id {
				t.Errorf("frame %d after the cut: target %d ID %d, %v; want no target, ID %d, target-lost", 3+i, r.Target, r.TargetID, r.Verdict.Reasons(), id)
			}
			if r.TrackIDs[0] <= id {
				t.Errorf("frame %d: the other face has track %d, want a new track after %d", 3+i, r.TrackIDs[0], id)
			}
		}
	}
}

// A cut before any target is chosen changes nothing: the target is the
// largest face of the first frame that has one, in whatever shot.
func TestSceneCutBeforeTarget(t *testing.T) {
	empty := canvas(loadRGBA(t, "faces/pigo-sample.jpg"), 400, 400, 0, 1) // mid-gray
	face := canvas(loadRGBA(t, "faces/bob.jpg"), 400, 400, 1, 1)
	pl := newPipeline(t, nil, nil)
	process(t, pl, empty)
	r := process(t, pl, face)
	if !r.SceneCut {
		t.Fatalf("gray to face: measure %.1f, want a cut", r.SceneChange)
	}
	if r.Target < 0 {
		t.Errorf("first face after a cut: %v, want it the target", r.Verdict.Reasons())
	}
}

// Not a cut: the same scene with the exposure changed over the whole frame
// (a camera's gain stepping), and the same frame in NV12 and RGBA (full
// and lazily converted luma) measure alike.
func TestSceneCutExposureAndFormats(t *testing.T) {
	m := canvas(loadRGBA(t, "faces/pigo-sample.jpg"), 400, 400, 1, 1)
	brighter := mapLuma(m, func(v float64) float64 { return min(255, v+30) })
	pl := newPipeline(t, nil, nil)
	process(t, pl, m)
	if r := process(t, pl, brighter); r.SceneCut || r.Target < 0 {
		t.Errorf("exposure step: cut %v (measure %.1f), target %d; want no cut, the target held", r.SceneCut, r.SceneChange, r.Target)
	}
	other := canvas(loadRGBA(t, "faces/bob.jpg"), 400, 400, 1, 1)
	var got [2]float64
	for k, yuv := range []bool{false, true} {
		pl := newPipeline(t, nil, nil)
		for _, img := range []*image.RGBA{m, other} {
			f := rgbaFrame(img)
			if yuv {
				f = nv12(img)
			}
			r, err := pl.Process(&f)
			if err != nil {
				t.Fatal(err)
			}
			got[k] = r.SceneChange
		}
	}
	if d := got[0] - got[1]; d > 1 || d < -1 || got[0] < facegate.DefaultSceneCut {
		t.Errorf("cut measured %.2f on RGBA, %.2f on NV12; want both alike and above %v", got[0], got[1], facegate.DefaultSceneCut)
	}
}

// A real clip within one shot has no cut: the 60 frames of cap12 in
// testdata, 5 apart (0.2 s, more change per step than the clip's own
// frames), measure far below the threshold.
func TestSceneCutRealClip(t *testing.T) {
	files, err := filepath.Glob("testdata/sequences/cap12/*.jpg")
	if err != nil || len(files) < 50 {
		t.Fatalf("%d frames, %v", len(files), err)
	}
	pl := newPipeline(t, nil, nil)
	worst := 0.0
	for _, name := range files {
		r, err := pl.ProcessImage(loadRGBA(t, strings.TrimPrefix(name, "testdata/")))
		if err != nil {
			t.Fatal(err)
		}
		if r.SceneCut {
			t.Errorf("%s: cut, measure %.2f", filepath.Base(name), r.SceneChange)
		}
		worst = max(worst, r.SceneChange)
	}
	t.Logf("largest scene-change measure on cap12: %.2f (threshold %v)", worst, facegate.DefaultSceneCut)
	if worst >= facegate.DefaultSceneCut/4 {
		t.Errorf("largest measure %.2f, want below a quarter of the threshold", worst)
	}
}

func TestSceneCutOption(t *testing.T) {
	for _, v := range []float64{-1, math.NaN(), math.Inf(-1)} {
		if _, err := facegate.NewWithOptions(nil, &facegate.Options{SceneCut: v}); !errors.Is(err, facegate.ErrOptions) {
			t.Errorf("SceneCut %v: %v, want ErrOptions", v, err)
		}
	}
	// A threshold above any measure turns cuts off, as NoSceneCut does.
	a := canvas(loadRGBA(t, "faces/pigo-sample.jpg"), 400, 400, 1, 1)
	b := canvas(loadRGBA(t, "faces/bob.jpg"), 400, 400, 1, 1)
	for _, o := range []facegate.Options{{SceneCut: 256}, {NoSceneCut: true}} {
		pl := newPipeline(t, nil, &o)
		process(t, pl, a)
		if r := process(t, pl, b); r.SceneCut || (o.NoSceneCut && r.SceneChange != 0) {
			t.Errorf("%+v: cut %v, measure %.1f", o, r.SceneCut, r.SceneChange)
		}
	}
}
