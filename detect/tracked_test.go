package detect

import (
	"image"
	"math"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/facegate/facegate/preprocess"
)

// LocaliseTracked stops after TrackedPerturbs starts where they agree: on
// every frame of the webcam clip (one face, 60 frames) all five
// localisations do, and the pupils and pose landmarks stay within
// trackedTolerance of the eye distance of Localise's (or 2 px, where that
// is more: the points are whole pixels), the pose within
// trackedPoseTolerance degrees and the confidence the same. Where the
// starts disagree (a plane of noise), it starts again and finds what
// Localise finds.
func TestLocaliseTracked(t *testing.T) {
	const (
		trackedTolerance     = 0.05
		trackedPoseTolerance = 5
	)
	d, err := NewDetector(nil, &Options{Landmarks: PoseLandmarks})
	if err != nil {
		t.Fatal(err)
	}
	names, _ := filepath.Glob("../testdata/sequences/cap12/*.jpg")
	if len(names) < 50 {
		t.Fatalf("%d frames", len(names))
	}
	for _, name := range names {
		p := testLuma(t, strings.TrimPrefix(name, "../testdata/"))
		fs, err := d.Detect(nil, p)
		if err != nil || len(fs) != 1 || !fs[0].PoseFound {
			t.Fatalf("%s: %d faces, %v", name, len(fs), err)
		}
		full := fs[0]
		got := Face{Rect: full.Rect}
		d.loc.walked = 0
		if err := d.LocaliseTracked(&got, p); err != nil {
			t.Fatal(err)
		}
		if d.loc.walked != 5*TrackedPerturbs {
			t.Errorf("%s: %d starts walked, want %d", name, d.loc.walked, 5*TrackedPerturbs)
		}
		if !got.PoseFound {
			t.Fatalf("%s: no pose", name)
		}
		pairs := [][2]Point{{got.Pupils[0], full.Pupils[0]}, {got.Pupils[1], full.Pupils[1]}}
		for _, l := range PoseLandmarks {
			pairs = append(pairs, [2]Point{got.Landmarks[l], full.Landmarks[l]})
		}
		for i, q := range pairs {
			if e := math.Hypot(q[0].X-q[1].X, q[0].Y-q[1].Y); e > max(2, trackedTolerance*full.EyeDistance) {
				t.Errorf("%s: point %d at %v, Localise's at %v: %.3f of the eye distance", name, i, q[0], q[1], e/full.EyeDistance)
			}
		}
		g, w := got.Pose, full.Pose
		if math.Abs(g.Yaw-w.Yaw) > trackedPoseTolerance || math.Abs(g.Pitch-w.Pitch) > trackedPoseTolerance ||
			math.Abs(g.Roll-w.Roll) > trackedPoseTolerance || g.Confidence != w.Confidence {
			t.Errorf("%s: pose %+v, Localise's %+v", name, g, w)
		}
	}

	// Noise: the starts scatter, and LocaliseTracked starts again.
	rng := rand.New(rand.NewPCG(1, 2))
	p := preprocess.GrayPlane(make([]byte, 400*400), 400, 400, 400)
	for i := range p.Pix {
		p.Pix[i] = byte(rng.IntN(256))
	}
	want := Face{Rect: image.Rect(100, 100, 300, 300)}
	got := want
	if err := d.Localise(&want, p); err != nil {
		t.Fatal(err)
	}
	d.loc.walked = 0
	if err := d.LocaliseTracked(&got, p); err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("noise: LocaliseTracked %+v, Localise %+v", got, want)
	}
	if d.loc.walked < TrackedPerturbs+MaxPerturbs {
		t.Errorf("noise: %d starts walked, want at least %d", d.loc.walked, TrackedPerturbs+MaxPerturbs)
	}
}
