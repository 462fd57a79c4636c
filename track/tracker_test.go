package track_test

import (
	"errors"
	"image"
	"math"
	"testing"

	"github.com/facegate/facegate/track"
)

var defaults = track.Options{MinIoU: track.DefaultMinIoU, ConfirmHits: track.DefaultConfirmHits, MaxMissed: track.DefaultMaxMissed}

func TestNewTrackerOptions(t *testing.T) {
	for _, o := range []*track.Options{nil, {}, {MinIoU: 0.5}, {MinIoU: 1e-9}, {MinIoU: 0.999}, {ConfirmHits: 1}, {MaxMissed: 100}} {
		if _, err := track.NewTracker(o); err != nil {
			t.Errorf("NewTracker(%+v): %v", o, err)
		}
	}
	bad := []struct {
		o     track.Options
		field string
	}{
		{track.Options{MinIoU: -0.1}, "MinIoU"},
		{track.Options{MinIoU: 1}, "MinIoU"},
		{track.Options{MinIoU: 1.5}, "MinIoU"},
		{track.Options{MinIoU: math.NaN()}, "MinIoU"},
		{track.Options{MinIoU: math.Inf(1)}, "MinIoU"},
		{track.Options{ConfirmHits: -1}, "ConfirmHits"},
		{track.Options{MaxMissed: -1}, "MaxMissed"},
	}
	for _, c := range bad {
		tr, err := track.NewTracker(&c.o)
		var oe *track.OptionsError
		if tr != nil || !errors.Is(err, track.ErrOptions) || !errors.As(err, &oe) || oe.Field != c.field {
			t.Errorf("NewTracker(%+v) = %v, %v; want an *OptionsError on %s", c.o, tr, err, c.field)
		}
	}
}

// The defaults are the documented ones: a 0.3 overlap associates, a lower
// one does not; two hits confirm; the sixth consecutive miss ends a track.
func TestDefaults(t *testing.T) {
	tr := newTracker(t, nil)
	a := image.Rect(0, 0, 100, 100)
	b := image.Rect(54, 0, 154, 100) // IoU 46/154 = 0.2987
	c := image.Rect(53, 0, 153, 100) // IoU 47/153 = 0.3072
	got := tr.Update([]image.Rectangle{a})
	if got[0].Confirmed {
		t.Fatal("confirmed after one hit")
	}
	if got = tr.Update([]image.Rectangle{b}); len(got) != 2 || got[0].Detection != -1 || got[1].ID != 2 {
		t.Fatalf("IoU %.4f associated: %+v", track.IoU(a, b), got)
	}
	tr.Reset()
	tr.Update([]image.Rectangle{a})
	if got = tr.Update([]image.Rectangle{c}); len(got) != 1 || got[0].Detection != 0 || !got[0].Confirmed {
		t.Fatalf("IoU %.4f not associated or not confirmed: %+v", track.IoU(a, c), got)
	}
	for i := 1; i <= 6; i++ {
		got = tr.Update(nil)
		if want := i <= 5; (len(got) == 1) != want {
			t.Fatalf("after %d misses: %+v", i, got)
		}
	}
}

// Two faces cross paths with boxes that overlap while they pass, moving a
// few pixels per frame, as faces do at capture frame rates: each track's
// next box overlaps its last one far more than the other face's box does,
// so greedy matching keeps the IDs.
func TestCrossingKeepsIDs(t *testing.T) {
	cases := []struct {
		name string
		a, b func(f int) image.Rectangle // face positions at frame f
	}{
		// Same size, rows 50 px apart: the boxes overlap by up to 30 of
		// 80 rows (IoU 0.23) while the faces pass.
		{"different heights",
			func(f int) image.Rectangle { return box(6*f, 100, 80) },
			func(f int) image.Rectangle { return box(300-6*f, 150, 80) }},
		// A near face and a far one passing behind it: the far box lies
		// wholly inside the near one for several frames (IoU 0.17).
		{"near and far",
			func(f int) image.Rectangle { return box(5*f, 60, 120) },
			func(f int) image.Rectangle { return box(260-4*f, 100, 50) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			const n = 60
			var frames [][]image.Rectangle
			maxOverlap := 0.0
			for f := range n {
				a, b := c.a(f), c.b(f)
				maxOverlap = max(maxOverlap, track.IoU(a, b))
				if f%2 == 0 { // the detector's order does not matter
					frames = append(frames, []image.Rectangle{a, b})
				} else {
					frames = append(frames, []image.Rectangle{b, a})
				}
			}
			if maxOverlap == 0 {
				t.Fatal("the synthetic faces never overlap")
			}
			all := run(t, newTracker(t, nil), defaults, frames)
			for f, tracks := range all {
				if ida, idb := idOfBox(tracks, c.a(f)), idOfBox(tracks, c.b(f)); ida != 1 || idb != 2 || len(tracks) != 2 {
					t.Fatalf("frame %d: face a has ID %d, face b %d (tracks %+v)", f, ida, idb, tracks)
				}
			}
			t.Logf("largest IoU between the faces: %.3f", maxOverlap)
		})
	}
}

// The documented limit of IoU association: two faces of the same size
// crossing on the same line. In the frame before they coincide, face a's
// next box is 6 px away from its last one but face b's next box is exactly
// where a was, so a takes b's box and the IDs swap. No assignment method
// using IoU alone avoids this; it needs motion prediction or appearance.
func TestCrossingSameLineSwaps(t *testing.T) {
	a := func(f int) image.Rectangle { return box(6*f, 100, 80) }
	b := func(f int) image.Rectangle { return box(234-6*f, 100, 80) }
	var frames [][]image.Rectangle
	for f := range 40 {
		frames = append(frames, []image.Rectangle{a(f), b(f)})
	}
	all := run(t, newTracker(t, nil), defaults, frames)
	swapped := -1
	for f, tracks := range all {
		ida, idb := idOfBox(tracks, a(f)), idOfBox(tracks, b(f))
		switch {
		case ida == 1 && idb == 2:
			if swapped >= 0 {
				t.Fatalf("frame %d: IDs back after swapping at %d", f, swapped)
			}
		case ida == 2 && idb == 1:
			if swapped < 0 {
				swapped = f
			}
		default:
			t.Fatalf("frame %d: IDs %d, %d", f, ida, idb)
		}
	}
	// Gaps 234, 222, ... 6 at frame 19; the boxes swap sides at frame 20.
	if swapped != 20 {
		t.Fatalf("swapped at frame %d, want 20", swapped)
	}
}

// A face hidden for up to MaxMissed frames keeps its ID and its last box;
// hidden longer, its track ends and the face returns with a new ID.
func TestOcclusion(t *testing.T) {
	const maxMissed = 4
	o := track.Options{MinIoU: 0.3, ConfirmHits: 2, MaxMissed: maxMissed}
	other := box(300, 50, 90) // a second face, always visible
	for k := 1; k <= maxMissed+2; k++ {
		var frames [][]image.Rectangle
		for f := range 5 + k + 5 {
			face := box(100+2*f, 80, 100)
			if f >= 5 && f < 5+k {
				frames = append(frames, []image.Rectangle{other})
			} else {
				frames = append(frames, []image.Rectangle{face, other})
			}
		}
		all := run(t, newTracker(t, &o), o, frames)
		hidden := all[5+k-1]
		tr, alive := byID(hidden, 1)
		if k <= maxMissed {
			if !alive || tr.Missed != k || tr.Detection != -1 || tr.Box != box(108, 80, 100) {
				t.Fatalf("hidden %d frames: track 1 is %+v (alive %v)", k, tr, alive)
			}
		} else if alive {
			t.Fatalf("hidden %d frames: track 1 still alive: %+v", k, tr)
		}
		last := all[len(all)-1]
		want := uint64(1)
		if k > maxMissed {
			want = 3 // 1 ended, 2 is the other face
		}
		if id := idOfBox(last, box(100+2*(len(all)-1), 80, 100)); id != want {
			t.Fatalf("hidden %d frames: face returns with ID %d, want %d", k, id, want)
		}
		if id := idOfBox(last, other); id != 2 {
			t.Fatalf("hidden %d frames: other face has ID %d", k, id)
		}
	}
}

// A face that leaves and comes back after its track ended gets a new ID
// (IDs are never reused), starts unconfirmed and is confirmed after
// ConfirmHits hits.
func TestReentry(t *testing.T) {
	o := track.Options{MinIoU: 0.3, ConfirmHits: 3, MaxMissed: 2}
	face := box(40, 40, 100)
	frames := [][]image.Rectangle{{face}, {face}, {face}, {}, {}, {}, {}, {face}, {face}, {face}}
	all := run(t, newTracker(t, &o), o, frames)
	if !all[2][0].Confirmed || len(all[5]) != 0 {
		t.Fatalf("first track: %+v, then %+v", all[2], all[5])
	}
	for f, wantConfirmed := range map[int]bool{7: false, 8: false, 9: true} {
		if len(all[f]) != 1 || all[f][0].ID != 2 || all[f][0].Confirmed != wantConfirmed {
			t.Fatalf("frame %d: %+v", f, all[f])
		}
	}
}

func TestConfirmation(t *testing.T) {
	o := track.Options{ConfirmHits: 3, MaxMissed: 3, MinIoU: 0.3}
	tr := newTracker(t, &o)
	face := box(10, 10, 60)
	// hits need not be consecutive; once confirmed, misses do not undo it
	steps := []struct {
		boxes     []image.Rectangle
		hits      int
		confirmed bool
	}{
		{[]image.Rectangle{face}, 1, false},
		{nil, 1, false},
		{[]image.Rectangle{face}, 2, false},
		{[]image.Rectangle{face}, 3, true},
		{nil, 3, true},
		{nil, 3, true},
		{[]image.Rectangle{face}, 4, true},
	}
	for i, s := range steps {
		got := tr.Update(s.boxes)
		if len(got) != 1 || got[0].ID != 1 || got[0].Hits != s.hits || got[0].Confirmed != s.confirmed || got[0].Age != i+1 {
			t.Fatalf("step %d: %+v", i, got)
		}
	}
	o.ConfirmHits = 1
	if got := newTracker(t, &o).Update([]image.Rectangle{face}); !got[0].Confirmed {
		t.Fatalf("ConfirmHits 1: %+v", got)
	}
}

func TestResetRestartsIDs(t *testing.T) {
	tr := newTracker(t, nil)
	for f := range 3 {
		tr.Update([]image.Rectangle{box(f, 0, 50), box(200, 0, 50), box(400+50*f, 0, 40)})
	}
	if tr.Frame() != 3 {
		t.Fatalf("Frame() = %d", tr.Frame())
	}
	tr.Reset()
	if tr.Frame() != 0 || tr.TrackOf(0) != -1 {
		t.Fatalf("after Reset: Frame %d, TrackOf(0) %d", tr.Frame(), tr.TrackOf(0))
	}
	got := tr.Update([]image.Rectangle{box(500, 0, 50), box(0, 0, 50)})
	if len(got) != 2 || got[0].ID != 1 || got[1].ID != 2 || got[0].Hits != 1 || got[0].Age != 1 || tr.Frame() != 1 {
		t.Fatalf("after Reset: %+v", got)
	}
}

func TestTrackOf(t *testing.T) {
	tr := newTracker(t, nil)
	tr.Update([]image.Rectangle{box(0, 0, 50), box(100, 0, 50)})
	// ID 1 moves, ID 2 disappears, two new faces, one empty box
	boxes := []image.Rectangle{box(300, 0, 50), {}, box(2, 0, 50), box(500, 0, 50)}
	got := tr.Update(boxes)
	want := []int{2, -1, 0, 3} // tracks: 1 (detection 2), 2 (missed), 3, 4
	for j, w := range want {
		if tr.TrackOf(j) != w {
			t.Errorf("TrackOf(%d) = %d, want %d", j, tr.TrackOf(j), w)
		}
	}
	if len(got) != 4 || got[1].ID != 2 || got[1].Detection != -1 || got[2].ID != 3 || got[3].ID != 4 {
		t.Fatalf("tracks %+v", got)
	}
	for _, j := range []int{-1, 4, 1 << 30} {
		if tr.TrackOf(j) != -1 {
			t.Errorf("TrackOf(%d) = %d", j, tr.TrackOf(j))
		}
	}
	tr.Update(nil)
	if tr.TrackOf(0) != -1 {
		t.Errorf("TrackOf(0) after an empty frame = %d", tr.TrackOf(0))
	}
}

// The case where greedy matching differs from an optimal assignment, as the
// package documentation describes it.
func TestGreedyDiffersFromOptimal(t *testing.T) {
	o := track.Options{MinIoU: 0.3, ConfirmHits: 2, MaxMissed: 5}
	tr := newTracker(t, &o)
	a, b := image.Rect(0, 0, 100, 100), image.Rect(50, 0, 150, 100)
	tr.Update([]image.Rectangle{a, b})
	d1 := image.Rect(10, 0, 110, 100) // IoU with a 0.82, with b 0.54
	d2 := image.Rect(-30, 0, 70, 100) // IoU with a 0.54, with b 0.14
	if !(track.IoU(a, d1) > track.IoU(b, d1) && track.IoU(b, d2) < o.MinIoU && track.IoU(a, d2) >= o.MinIoU) {
		t.Fatal("the synthetic case does not have the documented shape")
	}
	got := tr.Update([]image.Rectangle{d1, d2})
	// greedy: a (ID 1) takes d1; b (ID 2) is missed; d2 starts ID 3. The
	// optimum would pair a with d2 and b with d1.
	if len(got) != 3 || got[0].Detection != 0 || got[1].Detection != -1 || got[2].ID != 3 || got[2].Detection != 1 {
		t.Fatalf("tracks %+v", got)
	}
}

// Empty boxes start no track and do not shift other detections.
func TestEmptyBoxesIgnored(t *testing.T) {
	tr := newTracker(t, nil)
	got := tr.Update([]image.Rectangle{{}, image.Rect(5, 5, 5, 50), box(0, 0, 40), {Min: image.Pt(10, 10)}})
	if len(got) != 1 || got[0].ID != 1 || got[0].Detection != 2 || tr.TrackOf(2) != 0 {
		t.Fatalf("tracks %+v", got)
	}
}

// Appending to the returned slice cannot overwrite the Tracker's tracks.
func TestReturnedSliceCapped(t *testing.T) {
	tr := newTracker(t, nil)
	tr.Update([]image.Rectangle{box(0, 0, 40), box(100, 0, 40), box(200, 0, 40)})
	got := tr.Update([]image.Rectangle{box(0, 0, 40)})
	_ = append(got, track.Track{ID: 99})
	if got = tr.Update([]image.Rectangle{box(0, 0, 40), box(100, 0, 40)}); len(got) != 3 || got[1].ID != 2 || got[2].ID != 3 {
		t.Fatalf("tracks %+v", got)
	}
}

// A duplicate detection on top of a confirmed face (as detect reports in
// testdata/sequences/cap12 frame 260, boxes copied from there) starts a
// track; in the next frame the face's box overlaps the duplicate's box more
// than the face's own track's box (0.943 against 0.887), yet the confirmed
// track keeps the face and the duplicate ends unconfirmed.
func TestConfirmedTrackKeepsFaceOverDuplicate(t *testing.T) {
	o := track.Options{MinIoU: 0.3, ConfirmHits: 2, MaxMissed: 1}
	frames := [][]image.Rectangle{
		{image.Rect(139, 95, 275, 231)},
		{image.Rect(142, 96, 272, 226)},
		{image.Rect(142, 98, 272, 228), image.Rect(140, 96, 274, 230)}, // duplicate
		{image.Rect(138, 94, 276, 232)},
		{image.Rect(144, 98, 274, 228)},
		{image.Rect(139, 95, 275, 231)},
	}
	if a, b := track.IoU(frames[2][0], frames[3][0]), track.IoU(frames[2][1], frames[3][0]); !(b > a) {
		t.Fatalf("the duplicate does not overlap the next box more (%v <= %v)", b, a)
	}
	all := run(t, newTracker(t, &o), o, frames)
	for f, tracks := range all {
		if tracks[0].ID != 1 || tracks[0].Detection != 0 {
			t.Fatalf("frame %d: the face is not with track 1: %+v", f, tracks)
		}
	}
	if dup, ok := byID(all[3], 2); !ok || dup.Detection != -1 || dup.Confirmed {
		t.Fatalf("duplicate track in frame 3: %+v (alive %v)", dup, ok)
	}
	if len(all[4]) != 1 || len(all[5]) != 1 {
		t.Fatalf("duplicate still alive: %+v", all[4])
	}
}
