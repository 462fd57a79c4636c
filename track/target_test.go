package track_test

import (
	"image"
	"testing"

	"github.com/facegate/facegate/track"
)

// targetRun feeds frames to a Tracker (options o) and g, and returns, per
// frame, g.Update's result turned into the target's ID (0 when -1), after
// checking that Update, ID and Rect agree.
func targetRun(t *testing.T, o *track.Options, g *track.Target, frames [][]image.Rectangle) []uint64 {
	t.Helper()
	tr := newTracker(t, o)
	var ids []uint64
	for f, boxes := range frames {
		tracks := tr.Update(boxes)
		i := g.Update(tracks)
		r, ok := g.Rect()
		if i < 0 {
			if ok {
				t.Fatalf("frame %d: Update -1 but Rect %v ok", f, r)
			}
			ids = append(ids, 0)
			continue
		}
		if i >= len(tracks) || tracks[i].Detection < 0 || tracks[i].ID != g.ID() || !ok || r != tracks[i].Box {
			t.Fatalf("frame %d: Update %d, ID %d, Rect %v %v, tracks %+v", f, i, g.ID(), r, ok, tracks)
		}
		ids = append(ids, g.ID())
	}
	return ids
}

func equalIDs(a, b []uint64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Without a rectangle the target is the largest face of the first frame,
// and stays that face when another grows larger later.
func TestTargetLargestInFirstFrame(t *testing.T) {
	// the small face (ID 1) comes closer and grows larger than the big one
	var frames [][]image.Rectangle
	for f, side := range []int{60, 80, 100, 120, 140} {
		frames = append(frames, []image.Rectangle{box(10, 10, side), box(200+f, 10, 100)})
	}
	var g track.Target // the zero value works
	ids := targetRun(t, &track.Options{MinIoU: 0.3}, &g, frames)
	if !equalIDs(ids, []uint64{2, 2, 2, 2, 2}) {
		t.Fatalf("target IDs %v, want the big face (ID 2) throughout", ids)
	}
	// equal areas: the lower ID
	g.Reset()
	ids = targetRun(t, nil, &g, [][]image.Rectangle{{box(0, 0, 50), box(100, 0, 50)}})
	if ids[0] != 1 {
		t.Fatalf("tie went to ID %d", ids[0])
	}
}

// Frames before the first face count as seen, not held.
func TestTargetWaitsForFirstFace(t *testing.T) {
	g := track.NewTarget(0.3)
	if g.ID() != 0 {
		t.Fatal("ID before any frame")
	}
	ids := targetRun(t, nil, g, [][]image.Rectangle{{}, {}, {box(0, 0, 50)}, {box(1, 0, 50), box(100, 0, 90)}})
	if !equalIDs(ids, []uint64{0, 0, 1, 1}) {
		t.Fatalf("target IDs %v", ids)
	}
	if held, seen := g.Coverage(); held != 2 || seen != 4 {
		t.Fatalf("coverage %d/%d, want 2/4", held, seen)
	}
}

// A caller rectangle chooses the face it overlaps, even a smaller one; it
// waits for a frame where a face matches it.
func TestTargetRect(t *testing.T) {
	small, big := box(10, 10, 60), box(200, 10, 100)
	g := track.NewTarget(0.5)
	g.SetRect(image.Rect(15, 12, 75, 72)) // IoU with small 0.78
	ids := targetRun(t, nil, g, [][]image.Rectangle{{big}, {small, big}, {small, big}})
	// frame 0: no face matches (ID 1 is big); frame 1: small starts ID 2
	if !equalIDs(ids, []uint64{0, 2, 2}) {
		t.Fatalf("target IDs %v", ids)
	}
	if held, seen := g.Coverage(); held != 2 || seen != 3 {
		t.Fatalf("coverage %d/%d", held, seen)
	}

	// Mid-stream: the rectangle switches the target at the next frame; a
	// rectangle overlapping below minIoU does not.
	g.Reset()
	tr := newTracker(t, nil)
	g.Update(tr.Update([]image.Rectangle{small, big}))
	if g.ID() != 2 {
		t.Fatalf("default target %d", g.ID())
	}
	g.SetRect(image.Rect(40, 10, 100, 70)) // IoU with small 0.33 < 0.5
	if i := g.Update(tr.Update([]image.Rectangle{small, big})); i != -1 || g.ID() != 0 {
		t.Fatalf("weak overlap chose %d (ID %d)", i, g.ID())
	}
	g.SetRect(small)
	if i := g.Update(tr.Update([]image.Rectangle{small, big})); i != 0 || g.ID() != 1 {
		t.Fatalf("rectangle on the small face chose %d (ID %d)", i, g.ID())
	}
	// an empty rectangle restores the default: the largest face
	g.SetRect(image.Rectangle{})
	if i := g.Update(tr.Update([]image.Rectangle{small, big})); i != 1 || g.ID() != 2 {
		t.Fatalf("empty rectangle chose %d (ID %d)", i, g.ID())
	}
	if held, seen := g.Coverage(); held != 3 || seen != 4 {
		t.Fatalf("coverage %d/%d", held, seen)
	}
}

// Coverage counts the frames the target was detected in; frames where it
// was missed, or a different face was in view, count only as seen.
func TestTargetCoverage(t *testing.T) {
	face, other := box(100, 100, 80), box(300, 100, 60)
	frames := [][]image.Rectangle{
		{face, other}, {face, other}, {other}, {other}, {face}, {}, {face, other},
	}
	g := track.NewTarget(0)
	ids := targetRun(t, nil, g, frames)
	if !equalIDs(ids, []uint64{1, 1, 0, 0, 1, 0, 1}) {
		t.Fatalf("target IDs %v", ids)
	}
	if held, seen := g.Coverage(); held != 4 || seen != 7 {
		t.Fatalf("coverage %d/%d, want 4/7", held, seen)
	}
	if g.ID() != 1 {
		t.Fatalf("ID %d", g.ID())
	}
}

// When the target's track ends, a new track near its last box is taken
// within the frames the old track could have survived; later, or far away,
// or a face that was already there, is not.
func TestTargetReacquire(t *testing.T) {
	const maxMissed = 3
	o := &track.Options{MaxMissed: maxMissed}
	face, moved, other := box(100, 100, 80), box(120, 100, 80), box(110, 75, 80)
	// face seen at frames 0-1, hidden frames 2..5 (4 misses: its track ends
	// at frame 5), back slightly moved after `gap` more empty frames
	build := func(gap int, extra []image.Rectangle) [][]image.Rectangle {
		frames := [][]image.Rectangle{append([]image.Rectangle{face}, extra...), append([]image.Rectangle{face}, extra...)}
		for range maxMissed + 1 + gap {
			frames = append(frames, extra)
		}
		return append(frames, append([]image.Rectangle{moved}, extra...), append([]image.Rectangle{moved}, extra...))
	}
	if track.IoU(face, moved) < 0.3 || track.IoU(face, other) < 0.3 {
		t.Fatal("synthetic boxes do not overlap as intended")
	}
	for gap := 0; gap <= maxMissed+1; gap++ {
		g := track.NewTarget(0.3)
		ids := targetRun(t, o, g, build(gap, nil))
		got := ids[len(ids)-2:]
		held, seen := g.Coverage()
		// the track ends at frame 5; returning at frame 5+gap+1 is within
		// the window when gap+1 <= maxMissed
		if gap+1 <= maxMissed {
			if got[0] != 2 || got[1] != 2 || held != 4 {
				t.Fatalf("gap %d: target IDs %v, coverage %d/%d; want re-acquired as ID 2", gap, ids, held, seen)
			}
		} else if got[0] != 0 || got[1] != 0 || g.ID() != 1 || held != 2 {
			t.Fatalf("gap %d: target IDs %v, coverage %d/%d, ID %d; want lost", gap, ids, held, seen, g.ID())
		}
	}

	// A face that was in view with the target is another person: not taken
	// even though it overlaps the target's last box (IoU 0.43). The
	// Tracker's MinIoU of 0.5 keeps the two apart.
	o = &track.Options{MinIoU: 0.5, MaxMissed: maxMissed}
	far := box(400, 0, 50)
	frames := [][]image.Rectangle{{face, other}, {face, other}, {other}, {other}, {other}, {other}, {other}, {other}}
	g := track.NewTarget(0.3)
	ids := targetRun(t, o, g, frames)
	if !equalIDs(ids, []uint64{1, 1, 0, 0, 0, 0, 0, 0}) {
		t.Fatalf("target IDs %v", ids)
	}
	// A face that starts after the target was last seen, near its box
	// (the Tracker did not associate it: IoU below its MinIoU), is taken
	// when the target's track ends.
	frames[0] = []image.Rectangle{face, far}
	frames[1] = []image.Rectangle{face, far}
	g.Reset()
	ids = targetRun(t, o, g, frames)
	// other starts at frame 2 as ID 3 while the target is missed; the
	// target's track ends at frame 5 and ID 3 is taken then
	if !equalIDs(ids, []uint64{1, 1, 0, 0, 0, 3, 3, 3}) {
		t.Fatalf("target IDs %v", ids)
	}
}

func TestTargetReset(t *testing.T) {
	g := track.NewTarget(0.4)
	tr := newTracker(t, nil)
	g.SetRect(box(300, 0, 50))
	g.Update(tr.Update([]image.Rectangle{box(0, 0, 100), box(300, 0, 50)}))
	if g.ID() != 2 {
		t.Fatalf("ID %d", g.ID())
	}
	g.Reset()
	tr.Reset()
	if held, seen := g.Coverage(); held != 0 || seen != 0 || g.ID() != 0 {
		t.Fatalf("after Reset: coverage %d/%d, ID %d", held, seen, g.ID())
	}
	if _, ok := g.Rect(); ok {
		t.Fatal("Rect ok after Reset")
	}
	// the rectangle is forgotten too: the default choice applies
	if i := g.Update(tr.Update([]image.Rectangle{box(0, 0, 100), box(300, 0, 50)})); i != 0 || g.ID() != 1 {
		t.Fatalf("after Reset chose %d (ID %d)", i, g.ID())
	}
}

// Pending reports the rectangle while it waits for a face, and nothing
// once a track matches it, after an empty rectangle, or after Reset.
func TestTargetPending(t *testing.T) {
	small, big := box(10, 10, 60), box(200, 10, 100)
	want := image.Rect(15, 12, 75, 72)
	g := track.NewTarget(0.5)
	if _, ok := g.Pending(); ok {
		t.Fatal("pending before SetRect")
	}
	g.SetRect(want)
	tr := newTracker(t, nil)
	g.Update(tr.Update([]image.Rectangle{big}))
	if r, ok := g.Pending(); !ok || r != want {
		t.Fatalf("unmatched: pending %v %v, want %v", r, ok, want)
	}
	g.Update(tr.Update([]image.Rectangle{small, big}))
	if _, ok := g.Pending(); ok || g.ID() == 0 {
		t.Fatalf("matched (ID %d): still pending", g.ID())
	}
	g.SetRect(want)
	g.SetRect(image.Rectangle{})
	if _, ok := g.Pending(); ok {
		t.Fatal("pending after an empty rectangle")
	}
	g.SetRect(want)
	g.Reset()
	if _, ok := g.Pending(); ok {
		t.Fatal("pending after Reset")
	}
}
