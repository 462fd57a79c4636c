package track_test

import (
	"image"
	"slices"
	"testing"

	"github.com/facegate/facegate/track"
)

// box is a side x side square with its top-left corner at (x, y).
func box(x, y, side int) image.Rectangle { return image.Rect(x, y, x+side, y+side) }

// newTracker returns a Tracker or fails the test.
func newTracker(t testing.TB, o *track.Options) *track.Tracker {
	t.Helper()
	tr, err := track.NewTracker(o)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// run feeds frames to tr, checks the invariants after each, and returns a
// copy of the tracks of every frame.
func run(t testing.TB, tr *track.Tracker, o track.Options, frames [][]image.Rectangle) [][]track.Track {
	t.Helper()
	var out [][]track.Track
	var prev []track.Track
	for _, boxes := range frames {
		got := tr.Update(boxes)
		checkInvariants(t, tr, o, prev, boxes, got)
		prev = slices.Clone(got)
		out = append(out, prev)
	}
	return out
}

// idOfBox returns the ID of the track detected this frame with box b, or 0.
func idOfBox(tracks []track.Track, b image.Rectangle) uint64 {
	for _, tr := range tracks {
		if tr.Detection >= 0 && tr.Box == b {
			return tr.ID
		}
	}
	return 0
}

// byID returns the track with the given ID, or false.
func byID(tracks []track.Track, id uint64) (track.Track, bool) {
	for _, tr := range tracks {
		if tr.ID == id {
			return tr, true
		}
	}
	return track.Track{}, false
}

// checkInvariants checks what must hold after every Update: prev are the
// tracks of the frame before (nil for the first since New or Reset), o the
// resolved options.
func checkInvariants(t testing.TB, tr *track.Tracker, o track.Options, prev []track.Track, boxes []image.Rectangle, got []track.Track) {
	t.Helper()
	maxPrevID := uint64(0)
	for _, p := range prev {
		maxPrevID = max(maxPrevID, p.ID)
	}
	used := make([]bool, len(boxes))
	for i, g := range got {
		if g.ID == 0 {
			t.Fatalf("track %d has ID 0", i)
		}
		if i > 0 && g.ID <= got[i-1].ID {
			t.Fatalf("tracks not oldest first with unique IDs: %d after %d", g.ID, got[i-1].ID)
		}
		if g.Box.Empty() {
			t.Fatalf("track %d has an empty box", g.ID)
		}
		if g.Missed > o.MaxMissed || g.Missed < 0 {
			t.Fatalf("track %d missed %d > MaxMissed %d", g.ID, g.Missed, o.MaxMissed)
		}
		if g.Hits < 1 || g.Age < g.Hits+g.Missed {
			t.Fatalf("track %d: hits %d missed %d age %d", g.ID, g.Hits, g.Missed, g.Age)
		}
		if g.Confirmed != (g.Hits >= o.ConfirmHits) {
			t.Fatalf("track %d: confirmed %v with %d hits of %d", g.ID, g.Confirmed, g.Hits, o.ConfirmHits)
		}
		p, existed := byID(prev, g.ID)
		if !existed && g.ID <= maxPrevID {
			t.Fatalf("track %d is new but its ID is not above the last one (%d)", g.ID, maxPrevID)
		}
		if existed && g.Age != p.Age+1 {
			t.Fatalf("track %d: age %d after %d", g.ID, g.Age, p.Age)
		}
		if g.Detection < 0 {
			if g.Detection != -1 || g.Missed == 0 || !existed || g.Box != p.Box || g.Missed != p.Missed+1 || g.Hits != p.Hits {
				t.Fatalf("missed track %+v, before %+v", g, p)
			}
			continue
		}
		j := g.Detection
		if j >= len(boxes) {
			t.Fatalf("track %d: detection %d of %d boxes", g.ID, j, len(boxes))
		}
		if used[j] {
			t.Fatalf("detection %d taken twice", j)
		}
		used[j] = true
		if g.Box != boxes[j] || g.Missed != 0 || tr.TrackOf(j) != i {
			t.Fatalf("track %d (index %d): box %v, detection %d box %v, missed %d, TrackOf %d", g.ID, i, g.Box, j, boxes[j], g.Missed, tr.TrackOf(j))
		}
		if existed {
			if v := track.IoU(p.Box, boxes[j]); v < o.MinIoU || g.Hits != p.Hits+1 {
				t.Fatalf("track %d took detection %d with IoU %v < %v", g.ID, j, v, o.MinIoU)
			}
		} else if g.Hits != 1 || g.Age != 1 {
			t.Fatalf("new track %+v", g)
		}
	}
	for j, b := range boxes {
		if used[j] == b.Empty() {
			t.Fatalf("detection %d (%v): used %v", j, b, used[j])
		}
		if b.Empty() && tr.TrackOf(j) != -1 {
			t.Fatalf("empty detection %d has track %d", j, tr.TrackOf(j))
		}
	}
	// The matching is maximal: no previous track that was missed this frame
	// (or ended) could have taken a detection that started a new track.
	for _, p := range prev {
		if g, ok := byID(got, p.ID); ok && g.Detection >= 0 {
			continue
		}
		for _, g := range got {
			if _, existed := byID(prev, g.ID); !existed && track.IoU(p.Box, g.Box) >= o.MinIoU {
				t.Fatalf("track %d (box %v) missed while new track %d took %v (IoU %v)", p.ID, p.Box, g.ID, g.Box, track.IoU(p.Box, g.Box))
			}
		}
	}
	if tr.TrackOf(-1) != -1 || tr.TrackOf(len(boxes)) != -1 {
		t.Fatalf("TrackOf out of range is not -1")
	}
}
