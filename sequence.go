package facegate

import (
	"image"

	"github.com/facegate/facegate/payload"
)

// Capture is an accepted frame of a Sequence: where its target face is and
// which part of the frame to upload, ready for a liveness request's
// metadata.
type Capture struct {
	// Index is the frame's Result.Index; Width and Height its size.
	Index, Width, Height int
	// Target is the target face in frame coordinates.
	Target image.Rectangle
	// Crop is the part of the frame to upload: Target grown by the
	// Sequence's CropMargin on each side, clipped to the frame.
	Crop image.Rectangle
	// Quality is the target's measures on this frame.
	Quality Quality
}

// TargetRect is the target face in the crop's coordinates (the metadata's
// targetFaceRectangle).
func (c *Capture) TargetRect() payload.Rect {
	return payload.RectOf(c.Target.Sub(c.Crop.Min))
}

// CropOffsets says where the crop sits in the full frame (the metadata's
// imageCropOffsets).
func (c *Capture) CropOffsets() payload.CropOffsets {
	return payload.CropOffsets{X: c.Crop.Min.X, Y: c.Crop.Min.Y, FullWidth: c.Width, FullHeight: c.Height}
}

// Sequence collects the accepted frames of one capture, with their target
// rectangles and crops, and judges the sequence as a whole (coverage of the
// target face). Add does not allocate once Captures has grown to the
// sequence's length; make Captures with a capacity to avoid even that.
type Sequence struct {
	// CropMargin is the share of the face's side added on each side of the
	// target to make the crop (0 means the default, 1: a crop three faces
	// wide, enough context for the service's tracker and liveness model).
	// A negative value uploads whole frames.
	CropMargin float64
	// Captures are the accepted frames, in order.
	Captures []Capture

	seen, held int
	// rejects counts, per rejection code, the frames that held the target
	// and were rejected with it.
	rejects [TargetLost + 1]int
	verdict Verdict
}

// Add records one processed frame: every frame counts towards coverage;
// accepted frames are appended to Captures. It reports whether r was
// accepted.
func (s *Sequence) Add(r *Result) bool {
	s.seen++
	f, ok := r.TargetFace()
	if ok {
		s.held++
	}
	if ok && !r.Verdict.Accept {
		for _, why := range r.Verdict.Reasons() {
			if int(why.Code) < len(s.rejects) {
				s.rejects[why.Code]++
			}
		}
	}
	if !ok || !r.Verdict.Accept {
		return false
	}
	frame := image.Rect(0, 0, r.Width, r.Height)
	crop := frame
	if s.CropMargin >= 0 {
		m := s.CropMargin
		if m == 0 {
			m = 1
		}
		crop = f.Rect.Inset(-int(m * float64(f.Rect.Dx()))).Intersect(frame)
	}
	s.Captures = append(s.Captures, Capture{Index: r.Index, Width: r.Width, Height: r.Height, Target: f.Rect, Crop: crop, Quality: r.Quality})
	return true
}

// Coverage returns the frames that held the target face and the frames
// added.
func (s *Sequence) Coverage() (held, seen int) { return s.held, s.seen }

// Verdict judges the sequence under p: it is rejected with
// InsufficientFrames when fewer than p.MinCoverage of its frames held the
// target face, and, when no frame was accepted, with the rejection that the
// most frames holding the target had (FaceTooSmall, Blurred, ...: what the
// person should fix; on a tie the first in Code order), or NoFace when no
// frame held it. The Verdict belongs to s and is valid until the next Add,
// Verdict or Reset.
func (s *Sequence) Verdict(p *Policy) *Verdict {
	v := &s.verdict
	v.reset()
	share := 0.0
	if s.seen > 0 {
		share = float64(s.held) / float64(s.seen)
	}
	if share < p.MinCoverage {
		v.add(Reason{Code: InsufficientFrames, Value: share, Threshold: p.MinCoverage})
	}
	if len(s.Captures) == 0 {
		why := NoFace
		for c, n := range s.rejects {
			if n > s.rejects[why] {
				why = Code(c)
			}
		}
		v.add(Reason{Code: why})
	}
	return v
}

// Reset empties the sequence, keeping Captures' storage.
func (s *Sequence) Reset() {
	s.Captures = s.Captures[:0]
	s.seen, s.held = 0, 0
	s.rejects = [len(s.rejects)]int{}
	s.verdict.reset()
}
