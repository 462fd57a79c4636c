package webcapture

import (
	"testing"

	"github.com/facegate/facegate/wasm/check"
)

// The native build's verdicts on the scenes the browser test feeds the
// page: the good clip gets ready, the others are rejected for the reason
// whose advice the page must show.
func TestScenesNative(t *testing.T) {
	for _, tc := range []struct {
		s    scene
		want string
	}{{sceneGood, ""}, {sceneBlurred, "blurred"}, {sceneDark, "under-exposed"}, {sceneEmpty, "no-face"}} {
		c, err := check.NewChecker()
		if err != nil {
			t.Fatal(err)
		}
		frames := sceneFrames(t, tc.s, 640, 480)
		counts := map[string]int{}
		for i := 0; i < 40; i++ {
			_, res, err := c.Check(frames[i%len(frames)], 640, 480)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range res.Verdict.Reasons() {
				if !r.Code.Warning() {
					counts[r.Code.String()]++
				}
			}
		}
		t.Logf("%s: ready %v, rejections %v", tc.s, c.Ready(), counts)
		if tc.want == "" {
			if !c.Ready() {
				t.Errorf("%s: not ready", tc.s)
			}
		} else if counts[tc.want] < 30 {
			t.Errorf("%s: %s in %d of 40 frames", tc.s, tc.want, counts[tc.want])
		}
	}
}
