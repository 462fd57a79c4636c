package progress

import (
	"strings"
	"testing"
	"time"
)

func TestLine(t *testing.T) {
	for _, tc := range []struct {
		n, total int
		elapsed  time.Duration
		want     string
	}{
		{100, 400, 4 * time.Second, "checking: 100/400 frames, 25.0 frames/s, 12s left"},
		{100, -1, 4 * time.Second, "checking: 100 frames, 25.0 frames/s"},
		{0, 10, time.Second, "checking: 0/10 frames"},
		{10, 10, 2 * time.Second, "checking: 10/10 frames, 5.0 frames/s, 0s left"},
	} {
		if got := Line("checking", "frames", tc.n, tc.total, tc.elapsed); got != tc.want {
			t.Errorf("Line(%d, %d, %v) = %q, want %q", tc.n, tc.total, tc.elapsed, got, tc.want)
		}
	}
}

// A short run draws nothing; a long one draws the line, throttled, and
// Finish erases it.
func TestMeter(t *testing.T) {
	var b strings.Builder
	now := time.Unix(0, 0)
	m := &Meter{W: &b, What: "checking", Items: "frames", Total: -1, Now: func() time.Time { return now }}
	m.Start()
	for range 10 {
		now = now.Add(100 * time.Millisecond)
		m.Add(1)
	}
	if b.Len() != 0 {
		t.Fatalf("a 1 s run drew %q", b.String())
	}
	now = now.Add(time.Second + 10*time.Millisecond)
	m.Add(1)
	if !strings.Contains(b.String(), "\rchecking: 11 frames, 5.5 frames/s") {
		t.Fatalf("after 2 s: %q", b.String())
	}
	n := b.Len()
	now = now.Add(10 * time.Millisecond)
	m.Add(1)
	if b.Len() != n {
		t.Errorf("redrawn within the interval: %q", b.String()[n:])
	}
	m.Finish()
	if !strings.HasSuffix(b.String(), "\r") {
		t.Errorf("Finish did not clear: %q", b.String())
	}
	n = b.Len()
	m.Add(1)
	if b.Len() != n {
		t.Errorf("drawn after Finish")
	}

	// A known large total shows at once, with the time left.
	b.Reset()
	m = &Meter{W: &b, What: "prep", Items: "files", Total: 1000, Now: func() time.Time { return now }}
	m.Start()
	now = now.Add(time.Second)
	m.Add(10)
	if !strings.Contains(b.String(), "prep: 10/1000 files, 10.0 files/s, 1m39s left") {
		t.Errorf("large total: %q", b.String())
	}
}
