package tinyface

import (
	"errors"
	"testing"

	"github.com/facegate/facegate/internal/nn/nntest"
)

// TestGrayIsReplicatedRGB checks DetectGray against Detect on the luma in
// R, G and B, with a stride wider than the rows.
func TestGrayIsReplicatedRGB(t *testing.T) {
	rgb, w, h := loadRGB(t, "detect/testdata/dlib-2008_001322.jpg")
	const pad = 7
	gray, rep := nntest.GrayAndRGB(rgb, w, h, pad)
	d, _ := New()
	o := Options{InputSize: 224, ScoreThreshold: 0.1}
	a, err := d.DetectGray(nil, gray, w, h, w+pad, o)
	if err != nil {
		t.Fatal(err)
	}
	b, err := d.Detect(nil, rep, w, h, 3*w+pad, o)
	if err != nil {
		t.Fatal(err)
	}
	if len(a) == 0 || len(a) != len(b) {
		t.Fatalf("gray %v\nrgb %v", a, b)
	}
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("gray %v\nrgb %v", a, b)
		}
	}
}

func TestBadInput(t *testing.T) {
	d, _ := New()
	img := make([]byte, 3*10*10)
	for _, c := range []struct {
		name         string
		pix          []byte
		w, h, stride int
		o            Options
	}{
		{"zero width", img, 0, 10, 30, Options{}},
		{"short stride", img, 10, 10, 29, Options{}},
		{"short buffer", img[:299], 10, 10, 30, Options{}},
		{"huge", img, MaxImageSide + 1, 1, 3 * (MaxImageSide + 1), Options{}},
		{"size 100", img, 10, 10, 30, Options{InputSize: 100}},
		{"size 2048", img, 10, 10, 30, Options{InputSize: 2048}},
		{"threshold 1", img, 10, 10, 30, Options{ScoreThreshold: 1}},
		{"negative iou", img, 10, 10, 30, Options{IoUThreshold: -1}},
	} {
		if _, err := d.Detect(nil, c.pix, c.w, c.h, c.stride, c.o); !errors.Is(err, ErrInput) {
			t.Errorf("%s: err %v, want ErrInput", c.name, err)
		}
	}
	// Extreme aspect ratios and tiny images run.
	for _, s := range [][2]int{{1, 1}, {1, 300}, {300, 1}} {
		if _, err := d.DetectGray(nil, make([]byte, s[0]*s[1]), s[0], s[1], s[0], Options{InputSize: 64}); err != nil {
			t.Errorf("%dx%d: %v", s[0], s[1], err)
		}
	}
}

// TestGoldenSensitive checks that the golden comparison notices a weight
// off by one quantization step: conv8's last bias (scale 0.0023).
func TestGoldenSensitive(t *testing.T) {
	g := loadGolden(t)
	bin := append([]byte(nil), embeddedWeights...)
	bin[len(bin)-1]++
	d, err := NewFromWeights(embeddedManifest, bin)
	if err != nil {
		t.Fatal(err)
	}
	c := &g.Cases[0]
	runCase(t, d, c, g.ScoreThreshold)
	worst := 0.0
	for j, want := range c.Raw {
		worst = max(worst, abs(float64(d.out[j]-want)))
	}
	if worst <= rawTol {
		t.Fatalf("a changed bias moved conv8's output by %v only", worst)
	}
}

func abs(x float64) float64 { return max(x, -x) }
