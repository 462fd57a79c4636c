package check

import (
	"encoding/json"
	"errors"
	"image"
	_ "image/jpeg"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"golang.org/x/image/draw"
)

// loadSeq reads the bundled webcam sequence (400x300) scaled to 640x480, as
// a camera would give it, as RGBA pixel buffers.
func loadSeq(t testing.TB) (frames [][]byte, w, h int) {
	t.Helper()
	names, err := filepath.Glob("../../testdata/sequences/cap12/*.jpg")
	if err != nil || len(names) == 0 {
		t.Fatalf("no frames: %v", err)
	}
	sort.Strings(names)
	for _, n := range names {
		f, err := os.Open(n)
		if err != nil {
			t.Fatal(err)
		}
		m, _, err := image.Decode(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		w, h = 640, 480
		rgba := image.NewRGBA(image.Rect(0, 0, w, h))
		draw.BiLinear.Scale(rgba, rgba.Rect, m, m.Bounds(), draw.Src, nil)
		frames = append(frames, rgba.Pix)
	}
	return frames, w, h
}

// A good sequence becomes ready, every result is valid JSON, and the
// request built from it passes payload's validation.
func TestCheckerGoodSequence(t *testing.T) {
	frames, w, h := loadSeq(t)
	c, err := NewChecker()
	if err != nil {
		t.Fatal(err)
	}
	readyAt := -1
	for i, px := range frames {
		out, _, err := c.Check(px, w, h)
		if err != nil {
			t.Fatal(err)
		}
		var v struct {
			Accept bool `json:"accept"`
			Ready  bool `json:"ready"`
			Target *struct{ X, Y, W, H int }
		}
		if err := json.Unmarshal(out, &v); err != nil {
			t.Fatalf("frame %d: %v in %s", i, err, out)
		}
		if v.Accept && v.Target == nil {
			t.Fatalf("frame %d accepted without a target: %s", i, out)
		}
		if v.Ready && readyAt < 0 {
			readyAt = i
		}
	}
	if readyAt < 0 {
		t.Fatalf("never ready: kept %d stills", len(c.stills))
	}
	req, err := c.Build()
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	if len(req.Frames) != DefaultFrames || len(req.Files) != DefaultFrames {
		t.Errorf("request has %d frames, %d files, want %d", len(req.Frames), len(req.Files), DefaultFrames)
	}
	t.Logf("ready at frame %d of %d", readyAt, len(frames))
	c.Reset()
	if c.Ready() {
		t.Error("ready after Reset")
	}
	if _, err := c.Build(); !errors.Is(err, ErrNotReady) {
		t.Errorf("Build after Reset: %v, want ErrNotReady", err)
	}
}

// Bad frames from JavaScript are typed errors, never panics.
func TestCheckerBadFrames(t *testing.T) {
	c, err := NewChecker()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		n, w, h int
	}{{0, 0, 0}, {16, 0, 4}, {16, 4, 0}, {15, 2, 2}, {17, 2, 2}, {16, -2, -2}, {4, 1 << 30, 1 << 30}} {
		_, _, err := c.Check(make([]byte, tc.n), tc.w, tc.h)
		var fe *FrameError
		if !errors.Is(err, ErrFrame) || !errors.As(err, &fe) {
			t.Errorf("%d bytes %dx%d: %v, want a *FrameError", tc.n, tc.w, tc.h, err)
		}
	}
}

// After warm-up, the per-frame call (copy into the reused buffer, check,
// JSON) does not allocate.
func TestCheckerAllocs(t *testing.T) {
	if raceEnabled {
		t.Log("race detector on: allocation counts are not meaningful; checking behaviour only")
	}
	frames, w, h := loadSeq(t)
	c, err := NewChecker()
	if err != nil {
		t.Fatal(err)
	}
	for _, px := range frames { // warm-up: buffers, stills
		if _, _, err := c.Check(px, w, h); err != nil {
			t.Fatal(err)
		}
	}
	if !c.Ready() {
		t.Fatal("not ready after warm-up")
	}
	i := 0
	n := testing.AllocsPerRun(40, func() {
		src := frames[i%len(frames)]
		i++
		buf := c.Buffer(len(src))
		copy(buf, src)
		out, _, err := c.Check(buf, w, h)
		if err != nil || len(out) == 0 {
			t.Fatalf("check: %v", err)
		}
	})
	if n != 0 && !raceEnabled {
		t.Errorf("Check allocates %v times per frame", n)
	}
}

// The kept stills are the frames' crops, pixel for pixel, as packed RGB.
func TestCheckerStillsAreCrops(t *testing.T) {
	frames, w, h := loadSeq(t)
	c, err := NewChecker()
	if err != nil {
		t.Fatal(err)
	}
	for _, px := range frames {
		if _, _, err := c.Check(px, w, h); err != nil {
			t.Fatal(err)
		}
	}
	if len(c.stills) == 0 {
		t.Fatal("no stills kept")
	}
	for _, s := range c.stills {
		src, r := frames[s.cap.Index], s.cap.Crop
		if s.rgb.Width != r.Dx() || s.rgb.Height != r.Dy() {
			t.Fatalf("frame %d: still %dx%d, crop %v", s.cap.Index, s.rgb.Width, s.rgb.Height, r)
		}
		for y := r.Min.Y; y < r.Max.Y; y++ {
			for x := r.Min.X; x < r.Max.X; x++ {
				i, j := 4*(y*w+x), (y-r.Min.Y)*s.rgb.Stride+3*(x-r.Min.X)
				if src[i] != s.rgb.Pix[j] || src[i+1] != s.rgb.Pix[j+1] || src[i+2] != s.rgb.Pix[j+2] {
					t.Fatalf("frame %d: pixel (%d,%d) is %v, still has %v", s.cap.Index, x, y, src[i:i+3], s.rgb.Pix[j:j+3])
				}
			}
		}
	}
}
