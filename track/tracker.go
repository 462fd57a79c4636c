package track

import (
	"errors"
	"fmt"
	"image"
	"slices"
)

// Defaults for the zero fields of Options.
const (
	DefaultMinIoU      = 0.3
	DefaultConfirmHits = 2
	DefaultMaxMissed   = 5
)

// ErrOptions is wrapped by every error NewTracker returns for invalid
// Options; the error is an *OptionsError naming the field.
var ErrOptions = errors.New("track: invalid options")

// OptionsError reports an invalid Options field. It unwraps to ErrOptions.
type OptionsError struct {
	Field string  // "MinIoU", "ConfirmHits" or "MaxMissed"
	Value float64 // the value given
}

// Error describes the field, its value and the values allowed.
func (e *OptionsError) Error() string {
	want := "want >= 0"
	if e.Field == "MinIoU" {
		want = "want 0 < MinIoU < 1"
	}
	return fmt.Sprintf("%v: %s %v, %s", ErrOptions, e.Field, e.Value, want)
}

// Unwrap returns ErrOptions.
func (e *OptionsError) Unwrap() error { return ErrOptions }

// Options configure a Tracker. A zero field means its default; a nil
// *Options means all defaults. Because zero means the default, MaxMissed
// cannot be 0: every track survives at least one missed frame.
type Options struct {
	// MinIoU is the minimum IoU between a track's last box and a detection
	// for them to be associated (default 0.3); it must be in (0, 1).
	MinIoU float64
	// ConfirmHits is the number of frames with a detection after which a
	// track is confirmed (default 2; 1 confirms tracks at birth).
	ConfirmHits int
	// MaxMissed is the number of consecutive frames a track may go without
	// a detection; it ends at the next miss (default 5). At 25 frames per
	// second the default bridges a blink or a hand passing in 0.2 s.
	MaxMissed int
}

// resolve returns o with defaults filled in, or an *OptionsError.
func (o *Options) resolve() (Options, error) {
	r := Options{MinIoU: DefaultMinIoU, ConfirmHits: DefaultConfirmHits, MaxMissed: DefaultMaxMissed}
	if o == nil {
		return r, nil
	}
	switch {
	case o.MinIoU != 0 && !(o.MinIoU > 0 && o.MinIoU < 1): // NaN fails too
		return r, &OptionsError{"MinIoU", o.MinIoU}
	case o.ConfirmHits < 0:
		return r, &OptionsError{"ConfirmHits", float64(o.ConfirmHits)}
	case o.MaxMissed < 0:
		return r, &OptionsError{"MaxMissed", float64(o.MaxMissed)}
	}
	if o.MinIoU != 0 {
		r.MinIoU = o.MinIoU
	}
	if o.ConfirmHits != 0 {
		r.ConfirmHits = o.ConfirmHits
	}
	if o.MaxMissed != 0 {
		r.MaxMissed = o.MaxMissed
	}
	return r, nil
}

// Track is one face followed across frames, as Tracker.Update reports it.
type Track struct {
	// ID is stable for the life of the track: IDs start at 1 and increase,
	// and are never reused until Tracker.Reset.
	ID uint64
	// Box is the last detection associated with the track; it is kept
	// while the track is missed.
	Box image.Rectangle
	// Detection is the index, in the boxes given to the last Update, of the
	// detection associated with the track, or -1 when the track was missed
	// in that frame.
	Detection int
	// Hits counts the frames with a detection, the first included.
	Hits int
	// Missed counts the consecutive frames, up to the last Update, without
	// a detection; it is 0 exactly when Detection >= 0.
	Missed int
	// Age counts the frames since the track started, its first included:
	// 1 in the frame a detection starts it.
	Age int
	// Confirmed is set once Hits reaches Options.ConfirmHits and stays set.
	Confirmed bool
}

// Tracker associates the boxes detected in each frame with tracks by IoU;
// see the package documentation for the rule. Create one with NewTracker
// and call Update once per frame. A Tracker is not safe for concurrent use.
type Tracker struct {
	o      Options
	tracks []Track // live tracks, oldest first; returned by Update
	match  []int   // per track (before removal): the detection taken, or -1
	owner  []int   // per detection: its track's index in tracks, or -1
	pairs  []pair  // candidate pairs of this frame
	lastID uint64
	frame  int
}

// pair is a candidate association.
type pair struct {
	iou        float64
	track, det int
	tentative  bool // the track was not confirmed before this frame
}

// comparePairs orders candidates: pairs of confirmed tracks first, then by
// descending IoU, then by track (older first), then by detection index, so
// matching is deterministic.
func comparePairs(a, b pair) int {
	switch {
	case a.tentative != b.tentative:
		if b.tentative {
			return -1
		}
		return 1
	case a.iou > b.iou:
		return -1
	case a.iou < b.iou:
		return 1
	case a.track != b.track:
		return a.track - b.track
	}
	return a.det - b.det
}

// NewTracker returns a Tracker configured by o (nil means the defaults). It
// returns an error wrapping ErrOptions when o is invalid.
func NewTracker(o *Options) (*Tracker, error) {
	r, err := o.resolve()
	if err != nil {
		return nil, err
	}
	return &Tracker{o: r}, nil
}

// Update associates boxes, the faces detected in one frame, with the
// tracks, and returns the live tracks, oldest first. Each box is taken by
// at most one track, confirmed tracks choosing first (see the package
// documentation); boxes no track takes start new tracks, appended in box
// order. Empty boxes are ignored: they start no track and TrackOf reports
// -1 for them. Tracks missed more than MaxMissed consecutive frames are
// removed.
//
// The returned slice belongs to the Tracker: it is valid until the next
// Update or Reset and must not be modified. Update does not retain boxes.
// It allocates only when a frame has more boxes, tracks or candidate pairs
// than any frame before.
func (t *Tracker) Update(boxes []image.Rectangle) []Track {
	t.frame++
	nt, nd := len(t.tracks), len(boxes)
	t.match = fill(t.match, nt)
	t.owner = fill(t.owner, nd)

	t.pairs = t.pairs[:0]
	for i := range t.tracks {
		tb, tentative := t.tracks[i].Box, !t.tracks[i].Confirmed
		for j, b := range boxes {
			if v := IoU(tb, b); v >= t.o.MinIoU {
				t.pairs = append(t.pairs, pair{v, i, j, tentative})
			}
		}
	}
	slices.SortFunc(t.pairs, comparePairs)
	for _, p := range t.pairs {
		if t.match[p.track] < 0 && t.owner[p.det] < 0 {
			t.match[p.track] = p.det
			t.owner[p.det] = p.track // marks the detection taken; remapped below
		}
	}

	n := 0
	for i := range nt {
		tr := t.tracks[i]
		tr.Age++
		if j := t.match[i]; j >= 0 {
			tr.Box, tr.Detection, tr.Missed = boxes[j], j, 0
			tr.Hits++
			tr.Confirmed = tr.Confirmed || tr.Hits >= t.o.ConfirmHits
			t.owner[j] = n
		} else {
			tr.Detection = -1
			tr.Missed++
			if tr.Missed > t.o.MaxMissed {
				continue
			}
		}
		t.tracks[n] = tr
		n++
	}
	t.tracks = t.tracks[:n]

	for j, b := range boxes {
		if t.owner[j] >= 0 || b.Empty() {
			continue
		}
		t.lastID++
		t.owner[j] = len(t.tracks)
		t.tracks = append(t.tracks, Track{
			ID: t.lastID, Box: b, Detection: j, Hits: 1, Age: 1,
			Confirmed: t.o.ConfirmHits <= 1,
		})
	}
	return t.tracks[:len(t.tracks):len(t.tracks)] // appends by the caller cannot reach our buffer
}

// fill returns s resized to n elements, all -1, growing it only when its
// capacity is short.
func fill(s []int, n int) []int {
	if cap(s) < n {
		s = make([]int, n, max(n, 2*cap(s)))
	}
	s = s[:n]
	for i := range s {
		s[i] = -1
	}
	return s
}

// TrackOf returns the index, in the tracks the last Update returned, of the
// track that took detection (an index into that Update's boxes), or -1 when
// detection is out of range or its box was empty.
func (t *Tracker) TrackOf(detection int) int {
	if detection < 0 || detection >= len(t.owner) {
		return -1
	}
	return t.owner[detection]
}

// Frame returns the number of Updates since NewTracker or Reset.
func (t *Tracker) Frame() int { return t.frame }

// Cut ends every track, as at a cut to another shot: the boxes of the next
// Update start new tracks whatever they overlap. Unlike Reset it keeps the
// IDs counting and the frame count, so that the tracks after the cut never
// take an ID of a track before it. Cut does not allocate.
func (t *Tracker) Cut() {
	t.tracks = t.tracks[:0]
	t.owner = t.owner[:0]
	t.match = t.match[:0]
	t.pairs = t.pairs[:0]
}

// Reset ends every track and restarts IDs at 1 and the frame count at 0,
// keeping the options and the buffers.
func (t *Tracker) Reset() {
	t.tracks = t.tracks[:0]
	t.owner = t.owner[:0]
	t.match = t.match[:0]
	t.pairs = t.pairs[:0]
	t.lastID = 0
	t.frame = 0
}
