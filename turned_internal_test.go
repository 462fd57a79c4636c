package facegate

import (
	"image"
	"image/png"
	"os"
	"testing"

	"github.com/facegate/facegate/detect"
	"github.com/facegate/facegate/preprocess"
	xdraw "golang.org/x/image/draw"
)

// On the 1080p cat frame of BenchmarkNoFace, the LBP profile cascade alone
// finds faces on the turned frames (fur and whiskers), and the Haar profile
// cascade confirms none of them: neither the turned profile scan nor the
// dense profile scan (its finer size ladder, weaker LBP faces and nearer
// confirmation) adds a face. In steady state they do not allocate.
func TestTurnedProfilesGuard(t *testing.T) {
	luma := catLuma(t)
	pl, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	minFace := int(float64(pl.policy.MinFaceFor(1920, 1080)) * pl.opts.DetectShare)
	for _, c := range []struct {
		name      string
		lbp, prof *detect.HaarDetector
		steps     []int
		confirm   confirmRange
	}{
		{"turned profile scan", pl.turnLBP, pl.turnProf, turnedSteps[:], turnedConfirm},
		{"dense profile scan", pl.denseLBP, pl.denseProf, denseProfileSteps[:], denseProfileConfirm},
	} {
		k := c.lbp.ScanFactor(minFace)
		candidates := 0
		for _, step := range c.steps {
			if RaceEnabled {
				break // the guard's data is checked without the race detector
			}
			if err := pl.turned.Turn(luma, k, step); err != nil {
				t.Fatal(err)
			}
			p := pl.turned.Plane
			fs, err := c.lbp.Detect(nil, p, image.Rect(0, 0, p.Width, p.Height), (minFace+k-1)/k, 1080/k)
			if err != nil {
				t.Fatal(err)
			}
			candidates += len(fs)
		}
		if candidates == 0 && !RaceEnabled {
			t.Errorf("%s: the LBP profile cascade finds nothing on the turned cat: the guard is not exercised", c.name)
		}
		faces, err := pl.turnedProfiles(nil, luma, minFace, 1080, c.lbp, c.prof, c.steps, c.confirm)
		if err != nil || len(faces) != 0 {
			t.Fatalf("%s: %d faces (%v), want none; %d LBP faces", c.name, len(faces), err, candidates)
		}
		t.Logf("%s: %d LBP faces at %d turns, none confirmed", c.name, candidates, len(c.steps))
		if RaceEnabled {
			continue // allocations are counted without the race detector (alloc_test.go likewise)
		}
		buf := make([]detect.Face, 0, 8)
		if n := testing.AllocsPerRun(2, func() {
			if _, err := pl.turnedProfiles(buf[:0], luma, minFace, 1080, c.lbp, c.prof, c.steps, c.confirm); err != nil {
				t.Fatal(err)
			}
		}); n != 0 {
			t.Errorf("%s: turnedProfiles allocates %v times", c.name, n)
		}
	}
}

// catLuma is the luma of the 1080p cat frame of BenchmarkNoFace.
func catLuma(t *testing.T) preprocess.Plane {
	t.Helper()
	f, err := os.Open("testdata/negatives/chelsea.png")
	if err != nil {
		t.Fatal(err)
	}
	cat, err := png.Decode(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	big := image.NewRGBA(image.Rect(0, 0, 1920, 1080))
	xdraw.ApproxBiLinear.Scale(big, big.Rect, cat, cat.Bounds(), xdraw.Src, nil)
	return imageLuma(t, big)
}
