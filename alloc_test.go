//go:build !race

package facegate_test

import (
	"testing"

	"github.com/facegate/facegate"
)

// Process allocates nothing in steady state, on full-scan and local-search
// frames alike, for camera (NV12) and RGBA frames.
func TestProcessAllocs(t *testing.T) {
	m := loadRGBA(t, "faces/obama-1080p.jpg")
	for _, name := range []string{"nv12", "rgba"} {
		f := nv12(m)
		if name == "rgba" {
			f = rgbaFrame(m)
		}
		pl := newPipeline(t, nil, &facegate.Options{RescanEvery: 3})
		for i := 0; i < 6; i++ { // warm up: buffers for both kinds of frame
			if _, err := pl.Process(&f); err != nil {
				t.Fatal(err)
			}
		}
		var seq facegate.Sequence
		seq.Captures = make([]facegate.Capture, 0, 64)
		full := 0
		n := testing.AllocsPerRun(30, func() {
			res, err := pl.Process(&f)
			if err != nil || res.Target < 0 || !res.Verdict.Accept {
				t.Fatalf("frame %d: err %v, target %d, verdict %v", res.Index, err, res.Target, res.Verdict.Err())
			}
			if res.FullScan {
				full++
			}
			seq.Add(res)
			_ = seq.Verdict(&facegate.Policy{MinCoverage: 0.5})
		})
		if n != 0 {
			t.Errorf("%s: Process allocates %v times per frame", name, n)
		}
		if full == 0 {
			t.Errorf("%s: no full scan among the measured frames", name)
		}
	}
}

// A cut (every frame here: two shots alternate) allocates nothing either,
// for NV12 and RGBA frames.
func TestProcessAllocsSceneCut(t *testing.T) {
	a := canvas(loadRGBA(t, "faces/pigo-sample.jpg"), 400, 400, 1, 1)
	b := canvas(loadRGBA(t, "faces/bob.jpg"), 400, 400, 1, 1)
	for _, name := range []string{"nv12", "rgba"} {
		fa, fb := nv12(a), nv12(b)
		if name == "rgba" {
			fa, fb = rgbaFrame(a), rgbaFrame(b)
		}
		pl := newPipeline(t, nil, nil)
		for i := 0; i < 6; i++ {
			f := &fa
			if i%2 == 1 {
				f = &fb
			}
			if _, err := pl.Process(f); err != nil {
				t.Fatal(err)
			}
		}
		i, cuts := 0, 0
		n := testing.AllocsPerRun(20, func() {
			f := &fa
			if i%2 == 1 {
				f = &fb
			}
			i++
			res, err := pl.Process(f)
			if err != nil {
				t.Fatal(err)
			}
			if res.SceneCut {
				cuts++
			}
		})
		if n != 0 {
			t.Errorf("%s: Process allocates %v times per frame across cuts", name, n)
		}
		if cuts == 0 {
			t.Errorf("%s: no cut among the measured frames", name)
		}
	}
}
