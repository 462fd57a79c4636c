package main

import (
	"fmt"
	"testing"
)

func TestMinFace(t *testing.T) {
	for _, c := range []struct{ w, h, want int }{
		{640, 480, 128}, {1280, 720, 128}, {1920, 1080, 128}, {2560, 1440, 171}, {3840, 2160, 256},
		{1080, 1920, 228}, // portrait: 1920/1080 of the height rule
		{100, 100, 128},
	} {
		if got := minFace(c.w, c.h); got != c.want {
			t.Errorf("minFace(%d, %d) = %d, want %d", c.w, c.h, got, c.want)
		}
	}
}

func TestPartOf(t *testing.T) {
	n := map[string]int{}
	for i := range 200 {
		name := fmt.Sprintf("images/set/image%05d.jpg", i)
		p := partOf(name)
		if p != partOf(name) || p != partOf("other/dir/"+fmt.Sprintf("image%05d.jpg", i)) {
			t.Fatalf("partOf(%s) depends on more than the base name", name)
		}
		n[p]++
	}
	if n[PartCalibrate] < 70 || n[PartReport] < 70 || len(n) != 2 {
		t.Errorf("parts of 200 names: %v, want about half each", n)
	}
}

func TestSizeLabel(t *testing.T) {
	for _, c := range []struct {
		ratio         float64
		label         string
		scored, built bool
	}{
		{0.5, "", false, false},
		{0.79, "", false, false},
		{0.80, LabelTooSmall, true, true},
		{0.9, LabelTooSmall, true, true},
		{0.95, LabelTooSmall, true, true},
		{0.96, "", false, false}, // 0.95..1.05 is not built
		{1.0, "", false, false},
		{1.04, "", false, false},
		{1.05, LabelGood, true, true},
		{2.0, LabelGood, true, true},
	} {
		l, s, b := sizeLabel(c.ratio)
		if l != c.label || s != c.scored || b != c.built {
			t.Errorf("sizeLabel(%g) = %q, %v, %v; want %q, %v, %v", c.ratio, l, s, b, c.label, c.scored, c.built)
		}
	}
}

func TestBlurLabel(t *testing.T) {
	for _, c := range []struct {
		sigma  float64
		label  string
		scored bool
	}{
		{0, LabelGood, true},
		{1, LabelGood, true},
		{2, LabelBlurred, false}, // in between: reported, not counted
		{3, LabelBlurred, true},
		{4, LabelBlurred, true},
		{8, LabelBlurred, true},
	} {
		l, s := blurLabel(c.sigma)
		if l != c.label || s != c.scored {
			t.Errorf("blurLabel(%g) = %q, %v; want %q, %v", c.sigma, l, s, c.label, c.scored)
		}
	}
	// Every setting of the corpus is one of the above.
	for _, b := range blurSettings {
		if b.Sigma != 1 && b.Sigma != 2 && b.Sigma < 3 {
			t.Errorf("blur setting %+v has no rule", b)
		}
	}
}

func TestMotionLength(t *testing.T) {
	for sigma, want := range map[float64]int{1: 3, 2: 7, 3: 10, 5: 17, 8: 28} {
		if got := motionLength(sigma); got != want {
			t.Errorf("motionLength(%g) = %d, want %d", sigma, got, want)
		}
	}
}

func TestExposureLabel(t *testing.T) {
	for _, c := range []struct {
		kind   string
		v      float64
		label  string
		scored bool
	}{
		{ToneGain, 0.15, LabelUnderExposed, true},
		{ToneGain, 0.25, LabelUnderExposed, true},
		{ToneGamma, 3, LabelUnderExposed, true},
		{ToneGamma, 4, LabelUnderExposed, true},
		{ToneGain, 2.5, LabelOverExposed, true},
		{ToneGain, 3.5, LabelOverExposed, true},
		{ToneGamma, 0.2, LabelOverExposed, true},
		{ToneGain, 0.4, LabelUnderExposed, false},
		{ToneGamma, 2, LabelUnderExposed, false},
		{ToneGain, 1.8, LabelOverExposed, false},
		{ToneGamma, 0.35, LabelOverExposed, false},
	} {
		l, s := exposureLabel(c.kind, c.v)
		if l != c.label || s != c.scored {
			t.Errorf("exposureLabel(%s %g) = %q, %v; want %q, %v", c.kind, c.v, l, s, c.label, c.scored)
		}
	}
	// The corpus's settings: 4 scored under, 3 scored over, 4 in between.
	n := map[string]int{}
	for _, s := range toneSettings {
		l, sc := exposureLabel(s.Kind, s.Value)
		n[fmt.Sprintf("%s %v", l, sc)]++
	}
	if n["under-exposed true"] != 4 || n["over-exposed true"] != 3 || n["under-exposed false"]+n["over-exposed false"] != 4 {
		t.Errorf("tone settings by label: %v", n)
	}
}

func TestPoseClass(t *testing.T) {
	for _, c := range []struct {
		yaw, pitch, roll float64
		label            string
		scored, ok       bool
	}{
		{0, 0, 0, LabelGood, true, true},
		{20, -20, 20, LabelGood, true, true},
		{-21, 0, 0, "", false, false}, // in between: not used
		{0, 25, 0, "", false, false},
		{30, 0, 0, "", false, false},
		{31, 0, 0, LabelNotFrontal, false, true},
		{-45, 0, 0, LabelNotFrontal, false, true},
		{45.1, 0, 0, LabelNotFrontal, true, true},
		{-89, 60, 10, LabelNotFrontal, true, true},
		{10, 36, 0, LabelNotFrontal, false, true},
		{-10, 0, -40, LabelNotFrontal, false, true},
		{10, 35, 0, "", false, false},
	} {
		l, s, ok := poseClass(c.yaw, c.pitch, c.roll)
		if l != c.label || s != c.scored || ok != c.ok {
			t.Errorf("poseClass(%g, %g, %g) = %q, %v, %v; want %q, %v, %v", c.yaw, c.pitch, c.roll, l, s, ok, c.label, c.scored, c.ok)
		}
	}
}

func TestYawBin(t *testing.T) {
	for yaw, want := range map[float64]int{-90: -90, -89.9: -90, -75: -75, -45.5: -60, -45: -45, -0.1: -15, 0: 0, 44.9: 30, 45: 45, 89.9: 75, 90: 75} {
		if got := yawBin(yaw); got != want {
			t.Errorf("yawBin(%g) = %d, want %d", yaw, got, want)
		}
	}
}

func TestExpectedCode(t *testing.T) {
	if expectedCode(LabelGood) != "" {
		t.Error("good frames should expect no code")
	}
	for _, l := range labelOrder[1:] {
		if expectedCode(l) != l {
			t.Errorf("expectedCode(%s) = %s", l, expectedCode(l))
		}
	}
}

func TestExposureAndGoodScored(t *testing.T) {
	for _, c := range []struct {
		label  string
		strong bool
		toned  float64
		want   bool
	}{
		{LabelUnderExposed, true, 20, true},
		{LabelUnderExposed, true, faceDarkLuma, true},
		{LabelUnderExposed, true, faceDarkLuma + 1, false}, // a bright face darkened into the normal range
		{LabelUnderExposed, false, 10, false},
		{LabelOverExposed, true, 255, true},
		{LabelOverExposed, true, faceBrightLuma - 1, false},
		{LabelOverExposed, false, 255, false},
	} {
		if got := exposureScored(c.label, c.strong, c.toned); got != c.want {
			t.Errorf("exposureScored(%s, %v, %g) = %v", c.label, c.strong, c.toned, got)
		}
	}
	for _, c := range []struct {
		luma float64
		want bool
	}{{faceDarkLuma, false}, {faceDarkLuma + 1, true}, {128, true}, {faceBrightLuma - 1, true}, {faceBrightLuma, false}} {
		if got := goodScored(true, c.luma); got != c.want {
			t.Errorf("goodScored(true, %g) = %v", c.luma, got)
		}
	}
	if goodScored(false, 128) {
		t.Error("goodScored(false, 128) = true")
	}
}
