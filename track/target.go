package track

import "image"

// Target follows the one face the liveness service would follow, over the
// tracks a Tracker reports. Call Update once per frame, right after
// Tracker.Update, with the tracks it returned.
//
// The choice follows the service. Without a rectangle the target is the
// largest face (box area; ties: lower ID) among the tracks detected in the
// first frame; if that frame has no face, the choice waits for the first
// frame that has one, and the frames before count as seen but not held.
// SetRect replaces the choice by a caller rectangle.
//
// Re-entry: when the target's track ends (the Tracker removed it after
// MaxMissed misses), the target is re-acquired by a track detected within
// the next W frames, where W is the number of misses the ended track
// survived (the Tracker's MaxMissed, read from the track's last Missed
// count): the track must have started after the target was last detected
// and its box must overlap the target's last box by IoU >= minIoU; the best
// overlap wins (ties: lower ID), and the target's ID becomes that track's.
// The face that comes back after an occlusion, or that the Tracker split
// into a new track because it jumped, is thus followed again. Tracks that
// already existed while the target was in view are never taken: they are
// other faces. When no track qualifies within the W frames the target stays
// lost, Update returns -1 for every later frame and coverage falls.
//
// The zero value is a Target with minIoU DefaultMinIoU. A Target does not
// allocate and does not retain the tracks. Reset the Target with the
// Tracker: the Tracker restarts IDs at 1 and the Target would otherwise
// follow whatever track takes its old ID.
type Target struct {
	minIoU float64

	rect    image.Rectangle // caller rectangle waiting for a match
	pending bool

	state    targetState
	id       uint64
	last     image.Rectangle // the target's last detected box
	lastHeld int             // the frame (counted by seen) it was detected
	missed   int             // the last Missed count of the target's track
	endedAt  int             // the frame its track ended
	window   int             // frames after endedAt when re-entry is allowed

	cur   image.Rectangle
	curOK bool

	held, seen int
}

type targetState uint8

const (
	stateNone      targetState = iota // not chosen yet
	stateFollowing                    // the target's track is live
	stateEnded                        // its track ended; re-entry allowed
	stateLost                         // re-entry window passed
)

// NewTarget returns a Target whose rectangle choice and re-entry need an
// IoU of at least minIoU. minIoU <= 0 or NaN means DefaultMinIoU; values
// above 1 mean 1 (only an identical box qualifies).
func NewTarget(minIoU float64) *Target {
	return &Target{minIoU: minIoU}
}

func (g *Target) threshold() float64 {
	switch {
	case !(g.minIoU > 0): // also NaN
		return DefaultMinIoU
	case g.minIoU > 1:
		return 1
	}
	return g.minIoU
}

// SetRect makes r, a rectangle in frame coordinates, choose the target: at
// the next Update, the target becomes the detected track whose box has the
// highest IoU with r, if that IoU is at least minIoU (ties: lower ID). The
// current target is dropped at once; until a frame has such a track the
// rectangle stays pending, ID returns 0 and the frames count as seen but
// not held. An empty r cancels a pending rectangle and restores the default
// choice, the largest face of the next frame that has one.
func (g *Target) SetRect(r image.Rectangle) {
	g.rect, g.pending = r, !r.Empty()
	g.state, g.id = stateNone, 0
	g.cur, g.curOK = image.Rectangle{}, false
}

// Update follows the target through one frame's tracks, as Tracker.Update
// returned them. It returns the index in tracks of the target's track when
// that track was detected in this frame (Detection >= 0), and -1 otherwise:
// no target chosen yet, the target missed, or the target lost.
func (g *Target) Update(tracks []Track) int {
	g.seen++
	g.cur, g.curOK = image.Rectangle{}, false
	i := -1
	switch {
	case g.pending:
		i = g.bestOverlap(tracks, g.rect, false)
	case g.state == stateNone:
		i = largest(tracks)
	case g.state == stateFollowing:
		k := indexOf(tracks, g.id)
		if k >= 0 {
			g.missed = tracks[k].Missed
			if tracks[k].Detection < 0 {
				return -1
			}
			i = k
			break
		}
		g.state, g.endedAt, g.window = stateEnded, g.seen, g.missed
	}
	if g.state == stateEnded {
		if g.seen-g.endedAt > g.window {
			g.state = stateLost
			return -1
		}
		i = g.bestOverlap(tracks, g.last, true)
	}
	if i < 0 {
		return -1
	}
	tr := &tracks[i]
	g.pending, g.state, g.id = false, stateFollowing, tr.ID
	g.last, g.lastHeld, g.missed = tr.Box, g.seen, 0
	g.cur, g.curOK = tr.Box, true
	g.held++
	return i
}

// largest returns the index of the detected track with the largest box
// (ties: lower ID), or -1.
func largest(tracks []Track) int {
	best, bestArea := -1, 0.0
	for i := range tracks {
		tr := &tracks[i]
		if tr.Detection < 0 || tr.Box.Empty() {
			continue
		}
		a := area(tr.Box)
		if best < 0 || a > bestArea || (a == bestArea && tr.ID < tracks[best].ID) {
			best, bestArea = i, a
		}
	}
	return best
}

// bestOverlap returns the index of the detected track whose box has the
// highest IoU (at least the threshold) with r, ties to the lower ID, or -1.
// With newOnly, only tracks started after the target was last detected
// qualify.
func (g *Target) bestOverlap(tracks []Track, r image.Rectangle, newOnly bool) int {
	th := g.threshold()
	best, bestIoU := -1, 0.0
	for i := range tracks {
		tr := &tracks[i]
		if tr.Detection < 0 || (newOnly && tr.Age > g.seen-g.lastHeld) {
			continue
		}
		v := IoU(tr.Box, r)
		if v < th {
			continue
		}
		if best < 0 || v > bestIoU || (v == bestIoU && tr.ID < tracks[best].ID) {
			best, bestIoU = i, v
		}
	}
	return best
}

// indexOf returns the index of the track with the given ID, or -1.
func indexOf(tracks []Track, id uint64) int {
	for i := range tracks {
		if tracks[i].ID == id {
			return i
		}
	}
	return -1
}

// Cut tells the Target that the frames from the next Update on belong to
// another shot (call it with Tracker.Cut). A target already chosen is lost
// at once, with no re-entry: a face of the new shot is not the target,
// wherever it stands, and Update returns -1 for every later frame; ID keeps
// the target's last ID. A pending rectangle stays pending, and when no
// target is chosen yet the choice still goes to the largest face of the
// next frame that has one.
func (g *Target) Cut() {
	if g.state == stateFollowing || g.state == stateEnded {
		g.state = stateLost
	}
	g.cur, g.curOK = image.Rectangle{}, false
}

// ID returns the ID of the target's track: 0 until a target is chosen (and
// after SetRect until its rectangle is matched); while the target is missed
// or lost it keeps the last ID; after a re-entry it is the new track's.
func (g *Target) ID() uint64 { return g.id }

// Rect returns the target's box in the last frame given to Update; ok is
// true only when the target was detected in that frame.
func (g *Target) Rect() (r image.Rectangle, ok bool) { return g.cur, g.curOK }

// Pending returns the rectangle given to SetRect while it waits for a
// track to match it; ok is false when none is waiting.
func (g *Target) Pending() (r image.Rectangle, ok bool) { return g.rect, g.pending }

// Coverage returns the number of frames in which the target was detected
// (held) and the number of frames given to Update (seen), both since the
// Target was created or Reset.
func (g *Target) Coverage() (held, seen int) { return g.held, g.seen }

// Reset forgets the target, any pending rectangle and the coverage counts,
// keeping minIoU.
func (g *Target) Reset() { *g = Target{minIoU: g.minIoU} }
