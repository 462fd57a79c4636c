//go:build !race

// The race detector allocates on its own; these run without it.

package track_test

import (
	"image"
	"testing"

	"github.com/facegate/facegate/track"
)

// steadyFrames returns frames with three moving faces, one of them hidden
// every seventh frame, and a detection that starts and ends a short track
// every tenth frame, so Update keeps starting, missing and ending tracks.
func steadyFrames(n int) [][]image.Rectangle {
	frames := make([][]image.Rectangle, n)
	for f := range frames {
		boxes := []image.Rectangle{box(100+f%20, 100, 120), box(400-f%15, 80, 90)}
		if f%7 != 0 {
			boxes = append(boxes, box(250, 300+f%5, 60))
		}
		if f%10 == 0 {
			boxes = append(boxes, box(600, 10*(f%30), 40))
		}
		frames[f] = boxes
	}
	return frames
}

func TestUpdateAllocs(t *testing.T) {
	frames := steadyFrames(60)
	tr := newTracker(t, &track.Options{MaxMissed: 2})
	for _, b := range frames { // warm up: buffers reach their size
		tr.Update(b)
	}
	f := 0
	allocs := testing.AllocsPerRun(300, func() {
		tr.Update(frames[f%len(frames)])
		f++
	})
	if allocs != 0 {
		t.Fatalf("Tracker.Update: %v allocations per frame", allocs)
	}
	if tr.Frame() < 360 {
		t.Fatalf("ran %d frames", tr.Frame())
	}
}

func TestTargetUpdateAllocs(t *testing.T) {
	frames := steadyFrames(60)
	tr := newTracker(t, &track.Options{MaxMissed: 2})
	g := track.NewTarget(0.3)
	for _, b := range frames {
		g.Update(tr.Update(b))
	}
	f := 0
	allocs := testing.AllocsPerRun(300, func() {
		tracks := tr.Update(frames[f%len(frames)])
		g.Update(tracks)
		f++
	})
	if allocs != 0 {
		t.Fatalf("Tracker.Update + Target.Update: %v allocations per frame", allocs)
	}
	if held, seen := g.Coverage(); held != seen || g.ID() != 1 {
		t.Fatalf("target ID %d held %d of %d frames", g.ID(), held, seen)
	}
	// SetRect does not allocate either
	if a := testing.AllocsPerRun(10, func() { g.SetRect(box(400, 80, 90)); g.Update(tr.Update(frames[1])) }); a != 0 {
		t.Fatalf("SetRect + Update: %v allocations", a)
	}
}
