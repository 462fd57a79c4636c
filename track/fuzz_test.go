package track_test

import (
	"image"
	"testing"

	"github.com/facegate/facegate/track"
)

// Fuzz input: two option bytes, then frames. A frame is a count byte (255
// resets the Tracker and the Target, 254 cuts them (Tracker.Cut,
// Target.Cut); otherwise count%7 boxes) and 4 bytes per box: x/2, y/2,
// width, height (0 gives an empty box).
func decodeOptions(b []byte) (track.Options, []byte) {
	o := track.Options{MinIoU: 0.3, ConfirmHits: 2, MaxMissed: 5}
	if len(b) >= 2 {
		o = track.Options{
			MinIoU:      0.1 * float64(1+b[0]%9),
			ConfirmHits: 1 + int(b[1]%4),
			MaxMissed:   1 + int(b[1]>>2)%6,
		}
		b = b[2:]
	}
	return o, b
}

// encodeFuzz is the inverse of the fuzz decoding, for seeds.
func encodeFuzz(minIoU10, confirm, maxMissed int, frames [][]image.Rectangle) []byte {
	b := []byte{byte(minIoU10 - 1), byte(confirm-1) | byte(maxMissed-1)<<2}
	for _, boxes := range frames {
		b = append(b, byte(len(boxes)))
		for _, r := range boxes {
			b = append(b, byte(r.Min.X/2), byte(r.Min.Y/2), byte(r.Dx()), byte(r.Dy()))
		}
	}
	return b
}

func FuzzUpdate(f *testing.F) {
	// synthetic scenes of the unit tests
	var crossing, sameLine, occlusion [][]image.Rectangle
	for i := range 40 {
		crossing = append(crossing, []image.Rectangle{box(6*i, 100, 80), box(300-6*i, 150, 80)})
		sameLine = append(sameLine, []image.Rectangle{box(6*i, 100, 80), box(234-6*i, 100, 80)})
		if i < 5 || i > 11 {
			occlusion = append(occlusion, []image.Rectangle{box(100+2*i, 80, 100), box(300, 50, 90)})
		} else {
			occlusion = append(occlusion, []image.Rectangle{box(300, 50, 90)})
		}
	}
	f.Add(encodeFuzz(3, 2, 5, crossing))
	f.Add(encodeFuzz(3, 2, 5, sameLine))
	f.Add(encodeFuzz(3, 2, 5, occlusion))
	f.Add(encodeFuzz(5, 3, 3, occlusion))
	// detect's boxes on testdata/sequences/cap12 (frames 130 to 150, with
	// the detector's duplicate box at 140), coordinates rounded to even
	f.Add(encodeFuzz(3, 2, 1, [][]image.Rectangle{
		{image.Rect(141, 95, 273, 227)},
		{image.Rect(135, 93, 279, 237)},
		{image.Rect(137, 95, 277, 235), image.Rect(141, 97, 277, 233)},
		{image.Rect(139, 95, 275, 231)},
		{image.Rect(136, 92, 274, 230)},
	}))
	f.Add([]byte{})
	f.Add([]byte{0, 0, 3, 0, 0, 0, 0, 1, 1, 1, 1, 255, 2, 10, 10, 50, 50, 10, 10, 50, 50})
	f.Add([]byte{2, 5, 1, 50, 50, 100, 100, 1, 50, 50, 100, 100, 254, 1, 55, 60, 100, 100, 1, 55, 60, 100, 100})

	f.Fuzz(func(t *testing.T, data []byte) {
		o, data := decodeOptions(data)
		tr := newTracker(t, &o)
		g := track.NewTarget(o.MinIoU)
		var prev []track.Track
		boxes := make([]image.Rectangle, 0, 8)
		seen := 0
		lost := false     // a cut came after the target was chosen
		afterCut := false // the frame follows a cut
		var floor uint64  // the highest ID before the last cut
		for frames := 0; len(data) > 0 && frames < 300; frames++ {
			n := data[0]
			data = data[1:]
			if n == 255 {
				tr.Reset()
				g.Reset()
				prev, seen, lost, afterCut, floor = nil, 0, false, false, 0
				continue
			}
			if n == 254 {
				frame := tr.Frame()
				tr.Cut()
				g.Cut()
				if tr.Frame() != frame {
					t.Fatalf("Cut changed the frame count")
				}
				for _, p := range prev {
					floor = max(floor, p.ID)
				}
				prev, lost, afterCut = nil, lost || g.ID() != 0, true
				continue
			}
			boxes = boxes[:0]
			for range n % 7 {
				if len(data) < 4 {
					break
				}
				x, y := 2*int(data[0]), 2*int(data[1])
				boxes = append(boxes, image.Rect(x, y, x+int(data[2]), y+int(data[3])))
				data = data[4:]
			}
			got := tr.Update(boxes)
			checkInvariants(t, tr, o, prev, boxes, got)
			if afterCut {
				for _, g := range got {
					if g.ID <= floor || g.Age != 1 {
						t.Fatalf("after a cut: track %+v, IDs before went up to %d", g, floor)
					}
				}
				afterCut = false
			}
			prev = append(prev[:0], got...)

			seen++
			i := g.Update(got)
			if lost && i >= 0 {
				t.Fatalf("target %d found after a cut", i)
			}
			r, ok := g.Rect()
			if i >= len(got) || (i >= 0 && (got[i].Detection < 0 || got[i].ID != g.ID() || !ok || r != got[i].Box)) || (i < 0 && ok) {
				t.Fatalf("Target.Update = %d, ID %d, Rect %v %v, tracks %+v", i, g.ID(), r, ok, got)
			}
			if held, s := g.Coverage(); s != seen || held > s || tr.Frame() != seen {
				t.Fatalf("coverage %d/%d after %d frames (tracker %d)", held, s, seen, tr.Frame())
			}
		}
	})
}
