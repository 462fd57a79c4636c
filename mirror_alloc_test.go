//go:build !race

package facegate_test

import (
	"testing"

	"github.com/facegate/facegate"
)

// Process allocates nothing in steady state on frames where the mirror
// check runs and unmeasures the pose (the LBP profile scan, the mirror
// localisation and the frontal Haar windows), RGBA and NV12.
func TestProcessAllocsMirrorCheck(t *testing.T) {
	m := mirrorCheckFrame(t)
	for _, name := range []string{"rgba", "nv12"} {
		f := rgbaFrame(m)
		if name == "nv12" {
			f = nv12(m)
		}
		pl := newPipeline(t, nil, nil)
		for range 3 {
			if _, err := pl.Process(&f); err != nil {
				t.Fatal(err)
			}
		}
		n := testing.AllocsPerRun(5, func() {
			res, err := pl.Process(&f)
			if err != nil || !unmeasured(res) || !res.Verdict.Has(facegate.NotFrontal) {
				t.Fatalf("%s: err %v, verdict %v; want the pose unmeasured", name, err, res.Verdict.Err())
			}
		})
		if n != 0 {
			t.Errorf("%s: Process allocates %v times per frame", name, n)
		}
	}
}
