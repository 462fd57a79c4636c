package track_test

import (
	"image"
	"testing"

	"github.com/facegate/facegate/track"
)

// At a cut, a face of the new shot overlapping the target's last box is
// neither the target's track nor re-acquired as the target: Cut ends every
// track, IDs keep counting, and the target stays lost.
func TestCutLosesTarget(t *testing.T) {
	tr := newTracker(t, nil)
	g := track.NewTarget(0)
	a := image.Rect(100, 100, 200, 200)
	b := image.Rect(110, 120, 210, 220) // IoU with a about 0.56
	for range 3 {
		if i := g.Update(tr.Update([]image.Rectangle{a})); i != 0 {
			t.Fatalf("target index %d, want 0", i)
		}
	}
	tr.Cut()
	g.Cut()
	if r, ok := g.Rect(); ok || !r.Empty() {
		t.Errorf("Rect after Cut: %v %v, want none", r, ok)
	}
	for f := range 10 {
		tracks := tr.Update([]image.Rectangle{b})
		if len(tracks) != 1 || tracks[0].ID != 2 {
			t.Fatalf("frame %d after the cut: tracks %+v, want one new track, ID 2", f, tracks)
		}
		if i := g.Update(tracks); i != -1 || g.ID() != 1 {
			t.Fatalf("frame %d after the cut: target index %d ID %d, want -1, ID 1", f, i, g.ID())
		}
	}
	if held, seen := g.Coverage(); held != 3 || seen != 13 {
		t.Errorf("coverage %d of %d, want 3 of 13", held, seen)
	}
	if tr.Frame() != 13 {
		t.Errorf("Frame %d, want 13 (Cut keeps the count)", tr.Frame())
	}
}

// A cut before the target is chosen, or while a rectangle is pending,
// leaves the choice to the next frames.
func TestCutBeforeChoice(t *testing.T) {
	tr := newTracker(t, nil)
	g := track.NewTarget(0)
	g.Update(tr.Update(nil))
	tr.Cut()
	g.Cut()
	if i := g.Update(tr.Update([]image.Rectangle{image.Rect(0, 0, 50, 50)})); i != 0 {
		t.Errorf("first face after a cut, no target yet: index %d, want 0", i)
	}
	g.SetRect(image.Rect(200, 200, 260, 260))
	tr.Cut()
	g.Cut()
	boxes := []image.Rectangle{image.Rect(0, 0, 50, 50), image.Rect(205, 205, 262, 262)}
	if i := g.Update(tr.Update(boxes)); i != 1 {
		t.Errorf("pending rectangle after a cut: index %d, want 1", i)
	}
}

func TestCutDoesNotAllocate(t *testing.T) {
	tr := newTracker(t, nil)
	g := track.NewTarget(0)
	boxes := []image.Rectangle{image.Rect(0, 0, 50, 50), image.Rect(100, 100, 150, 150)}
	g.Update(tr.Update(boxes))
	if n := testing.AllocsPerRun(100, func() {
		tr.Cut()
		g.Cut()
		g.Update(tr.Update(boxes))
	}); n != 0 {
		t.Errorf("%v allocations per cut and update, want 0", n)
	}
}
