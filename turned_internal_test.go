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

// On the 1080p cat frame of BenchmarkNoFace, the LBP profile cascade
// alone finds faces on the turned frames (fur and whiskers), and the
// Haar profile cascade confirms none of them: the turned scan adds no
// face. In steady state it does not allocate.
func TestTurnedProfilesGuard(t *testing.T) {
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
	fr, _, err := preprocess.FromImage(nil, big)
	if err != nil {
		t.Fatal(err)
	}
	luma, err := fr.Luma(make([]byte, 1920*1080))
	if err != nil {
		t.Fatal(err)
	}
	pl, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	minFace := int(float64(pl.policy.MinFaceFor(1920, 1080)) * pl.opts.DetectShare)
	k := pl.turnLBP.ScanFactor(minFace)
	candidates := 0
	for _, step := range turnedSteps {
		if RaceEnabled {
			break // the guard's data is checked without the race detector
		}
		if err := pl.turned.Turn(luma, k, step); err != nil {
			t.Fatal(err)
		}
		p := pl.turned.Plane
		fs, err := pl.turnLBP.Detect(nil, p, image.Rect(0, 0, p.Width, p.Height), (minFace+k-1)/k, 1080/k)
		if err != nil {
			t.Fatal(err)
		}
		candidates += len(fs)
	}
	if candidates == 0 && !RaceEnabled {
		t.Error("the LBP profile cascade finds nothing on the turned cat: the guard is not exercised")
	}
	faces, err := pl.turnedProfiles(nil, luma, minFace, 1080, pl.turnLBP, pl.turnProf, turnedSteps[:], turnedConfirm)
	if err != nil || len(faces) != 0 {
		t.Fatalf("%d faces (%v), want none; %d LBP faces", len(faces), err, candidates)
	}
	t.Logf("%d LBP faces at %d turns, none confirmed", candidates, len(turnedSteps))
	if RaceEnabled {
		return // allocations are counted without the race detector (alloc_test.go likewise)
	}
	buf := make([]detect.Face, 0, 8)
	if n := testing.AllocsPerRun(2, func() {
		if _, err := pl.turnedProfiles(buf[:0], luma, minFace, 1080, pl.turnLBP, pl.turnProf, turnedSteps[:], turnedConfirm); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Errorf("turnedProfiles allocates %v times", n)
	}
}

// On the same cat frame the dense profile scan (denseProfiles) confirms
// none of the LBP faces it finds at its finer size ladder and weaker
// threshold, and does not allocate in steady state.
func TestDenseProfilesGuard(t *testing.T) {
	luma := catLuma(t)
	pl, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	minFace := int(float64(pl.policy.MinFaceFor(1920, 1080)) * pl.opts.DetectShare)
	k := pl.denseLBP.ScanFactor(minFace)
	candidates := 0
	for _, step := range denseProfileSteps {
		if RaceEnabled {
			break // the guard's data is checked without the race detector
		}
		if err := pl.turned.Turn(luma, k, step); err != nil {
			t.Fatal(err)
		}
		p := pl.turned.Plane
		fs, err := pl.denseLBP.Detect(nil, p, image.Rect(0, 0, p.Width, p.Height), (minFace+k-1)/k, 1080/k)
		if err != nil {
			t.Fatal(err)
		}
		candidates += len(fs)
	}
	if candidates == 0 && !RaceEnabled {
		t.Error("the dense LBP profile scan finds nothing on the cat: the guard is not exercised")
	}
	faces, err := pl.turnedProfiles(nil, luma, minFace, 1080, pl.denseLBP, pl.denseProf, denseProfileSteps[:], denseProfileConfirm)
	if err != nil || len(faces) != 0 {
		t.Fatalf("%d faces (%v), want none; %d LBP faces", len(faces), err, candidates)
	}
	t.Logf("%d LBP faces at %d turns, none confirmed", candidates, len(denseProfileSteps))
	if RaceEnabled {
		return
	}
	buf := make([]detect.Face, 0, 8)
	if n := testing.AllocsPerRun(2, func() {
		if _, err := pl.turnedProfiles(buf[:0], luma, minFace, 1080, pl.denseLBP, pl.denseProf, denseProfileSteps[:], denseProfileConfirm); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Errorf("dense turnedProfiles allocates %v times", n)
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
	fr, _, err := preprocess.FromImage(nil, big)
	if err != nil {
		t.Fatal(err)
	}
	luma, err := fr.Luma(make([]byte, 1920*1080))
	if err != nil {
		t.Fatal(err)
	}
	return luma
}
