package facegate_test

import (
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/facegate/facegate"
	"github.com/facegate/facegate/detect"
)

// The tracked localisation (the default; see Options.FullLocalisation)
// changes no verdict on the webcam clip, as recorded and enlarged 1.5
// times: every frame's verdict is the full localisation's, the target's
// pupils and pose landmarks stay within the tolerance of the full
// localisation's (5% of the eye distance, or 2 px where that is more:
// trackedTolerance), and the first frame (a still) and the first after
// Reset are localised in full (the same face exactly).
func TestTrackedLocalisationVerdicts(t *testing.T) {
	files, err := filepath.Glob("testdata/sequences/cap12/*.jpg")
	if err != nil || len(files) < 50 {
		t.Fatalf("%d frames, %v", len(files), err)
	}
	for _, num := range []int{2, 3} {
		fast := newPipeline(t, nil, nil)
		full := newPipeline(t, nil, &facegate.Options{FullLocalisation: true})
		differ := 0
		for i, name := range files {
			if i == len(files)/2 {
				fast.Reset()
				full.Reset()
			}
			m := enlarge(loadRGBA(t, strings.TrimPrefix(name, "testdata/")), num, 2)
			a, b := process(t, fast, m), process(t, full, m)
			if ca, cb := codes(a), codes(b); !slices.Equal(ca, cb) || a.Verdict.Accept != b.Verdict.Accept {
				t.Errorf("%s at %d/2: verdict %v, with the full localisation %v", name, num, ca, cb)
			}
			fa, oka := a.TargetFace()
			fb, okb := b.TargetFace()
			if !oka || !okb || !fb.PupilsFound || fa.PupilsFound != fb.PupilsFound || fa.PoseFound != fb.PoseFound {
				t.Fatalf("%s at %d/2: targets %v and %v, pupils %v and %v", name, num, oka, okb, fa.PupilsFound, fb.PupilsFound)
			}
			if i == 0 || i == len(files)/2 {
				if fa != fb {
					t.Errorf("%s at %d/2, a still: target %+v, with the full localisation %+v", name, num, fa, fb)
				}
				continue
			}
			pairs := [][2]detect.Point{{fa.Pupils[0], fb.Pupils[0]}, {fa.Pupils[1], fb.Pupils[1]}}
			for _, l := range detect.PoseLandmarks {
				pairs = append(pairs, [2]detect.Point{fa.Landmarks[l], fb.Landmarks[l]})
			}
			for _, q := range pairs {
				if e := math.Hypot(q[0].X-q[1].X, q[0].Y-q[1].Y); e > max(2, 0.05*fb.EyeDistance) {
					t.Errorf("%s at %d/2: a point at %v, with the full localisation %v: %.3f of the eye distance", name, num, q[0], q[1], e/fb.EyeDistance)
				}
			}
			if fa != fb {
				differ++
			}
		}
		// The tracked frames took the early exit: their points moved.
		if differ == 0 {
			t.Errorf("at %d/2: every tracked frame's target as the full localisation's", num)
		}
	}
}

// codes lists the codes of a result's verdict, warnings included.
func codes(r *facegate.Result) []facegate.Code {
	var c []facegate.Code
	for _, x := range r.Verdict.Reasons() {
		c = append(c, x.Code)
	}
	return c
}
