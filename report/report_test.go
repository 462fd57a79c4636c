package report

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"strings"
	"testing"
)

func fp(v float64) *float64 { return &v }

func TestCount(t *testing.T) {
	frames := []Frame{
		{File: "a", Verdict: "accept"},
		{File: "b", Verdict: "reject", Reasons: []string{"blurred", "no-face", "blurred"}},
		{File: "c", Verdict: "reject", Reasons: []string{"blurred"}},
		{File: "d", Verdict: "error"},
	}
	c := Count(frames)
	if c.Frames != 3 || c.Accepted != 1 || c.Rejected != 2 || c.Errors != 1 {
		t.Errorf("totals %+v", c)
	}
	if c.ByReason["blurred"] != 2 || c.ByReason["no-face"] != 1 || len(c.ByReason) != 2 {
		t.Errorf("by reason %v, want blurred 2, no-face 1", c.ByReason)
	}
}

func TestBin(t *testing.T) {
	h := Bin([]float64{0, 0.05, 0.1, 0.5, 0.99, 1, 2, -1, nan()}, 0, 1, 10)
	want := []int{3, 1, 0, 0, 0, 1, 0, 0, 0, 3}
	for i := range want {
		if h.Bins[i] != want[i] {
			t.Fatalf("bins %v, want %v", h.Bins, want)
		}
	}
	if h := Bin(nil, 1, 1, 0); len(h.Bins) != 1 || h.Hi <= h.Lo {
		t.Errorf("degenerate range: %+v", h)
	}
}

func nan() float64 { var z float64; return z / z }

func TestWriteEscapesNames(t *testing.T) {
	m := image.NewRGBA(image.Rect(0, 0, 8, 8))
	m.Set(1, 1, color.RGBA{255, 0, 0, 255})
	th, err := Thumbnail(m)
	if err != nil {
		t.Fatal(err)
	}
	hostile := `<script>alert(1)</script>"'&.jpg`
	r := &Report{Title: "<b>x</b>", Frames: []Frame{
		{File: hostile, Verdict: "reject", Reasons: []string{`no-face"><script>`}, Messages: []string{"<img src=x onerror=alert(1)>"}, Thumb: th, Blur: fp(0.9)},
		{File: "ok.jpg", Verdict: "accept", Blur: fp(0.1), FaceSize: fp(200)},
	}, Thresholds: Thresholds{MinFace: 128, MaxBlur: 0.75, MinExposure: 0.25, MaxExposure: 0.75, MaxYaw: 30, MaxPitch: 30}}
	var b bytes.Buffer
	if err := Write(&b, r); err != nil {
		t.Fatal(err)
	}
	s := b.String()
	for _, bad := range []string{"<script>alert", "<img src=x", "<b>x</b>", `"><script>`} {
		if strings.Contains(s, bad) {
			t.Errorf("report holds %q unescaped", bad)
		}
	}
	if n := strings.Count(s, "<script>"); n != 1 {
		t.Errorf("%d <script> elements, want the report's own 1", n)
	}
	if !strings.Contains(s, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Errorf("hostile file name not shown escaped")
	}
	if !strings.Contains(s, `src="data:image/jpeg;base64,`) {
		t.Errorf("no embedded thumbnail")
	}
	if strings.Contains(s, "http://") && strings.Count(s, "http://") != strings.Count(s, `xmlns="http://www.w3.org/2000/svg"`) {
		t.Errorf("report refers to the network")
	}
	// Thresholds: blur 1 line, exposure 2, yaw 2, pitch 2, face 1.
	if n := strings.Count(s, `class="threshold"`); n != 8 {
		t.Errorf("%d threshold lines, want 8", n)
	}
}

func TestWriteNoFrames(t *testing.T) {
	if err := Write(&bytes.Buffer{}, &Report{}); !errors.Is(err, ErrNoFrames) {
		t.Errorf("err %v, want ErrNoFrames", err)
	}
}

func TestThumbnailEmpty(t *testing.T) {
	if _, err := Thumbnail(image.NewRGBA(image.Rect(0, 0, 0, 0))); err == nil {
		t.Error("empty image: no error")
	}
}

// Past MaxThumbs rejected frames are listed without a picture; errors are
// a reason of their own.
func TestWriteCapsThumbs(t *testing.T) {
	th, err := Thumbnail(image.NewRGBA(image.Rect(0, 0, 4, 4)))
	if err != nil {
		t.Fatal(err)
	}
	frames := make([]Frame, MaxThumbs+5)
	for i := range frames {
		frames[i] = Frame{File: "f.jpg", Index: i, Verdict: "reject", Reasons: []string{"blurred"}, Thumb: th}
	}
	frames = append(frames, Frame{File: "bad.jpg", Verdict: "error", Messages: []string{"truncated"}})
	var b bytes.Buffer
	if err := Write(&b, &Report{Frames: frames}); err != nil {
		t.Fatal(err)
	}
	s := b.String()
	if n := strings.Count(s, `src="data:image/jpeg;base64,`); n != MaxThumbs {
		t.Errorf("%d thumbnails, want the cap %d", n, MaxThumbs)
	}
	if n := strings.Count(s, `class="cell"`); n != MaxThumbs+6 {
		t.Errorf("%d cells, want %d", n, MaxThumbs+6)
	}
	if !strings.Contains(s, `data-reason="error">error <span class="n">1</span>`) || !strings.Contains(s, `id="n-errors">1<`) {
		t.Error("the error frame is not counted")
	}
}
