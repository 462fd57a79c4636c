package check

import (
	"errors"
	"fmt"
	"image"
	"math"
	"strconv"

	"github.com/facegate/facegate"
	"github.com/facegate/facegate/encode"
	"github.com/facegate/facegate/payload"
	"github.com/facegate/facegate/preprocess"
)

// ErrFrame is wrapped by the errors Check returns for a bad frame from
// JavaScript: a zero or negative size, or a buffer whose length is not
// 4*width*height.
var ErrFrame = errors.New("facegate wasm: bad frame")

// ErrNotReady is returned by Build before enough frames were accepted.
var ErrNotReady = errors.New("facegate wasm: not enough accepted frames")

// FrameError says what was wrong with a frame from JavaScript.
type FrameError struct {
	Width, Height, Len int
}

// Error describes the frame.
func (e *FrameError) Error() string {
	return fmt.Sprintf("facegate wasm: bad frame: %dx%d with %d bytes (want 4*width*height)", e.Width, e.Height, e.Len)
}

// Unwrap returns ErrFrame.
func (e *FrameError) Unwrap() error { return ErrFrame }

// DefaultFrames is how many accepted frames a request holds.
const DefaultFrames = 8

// DefaultSpacing is the least distance, in frames, between two frames kept
// for the request.
const DefaultSpacing = 3

// still is one kept accepted frame: its crop as packed RGB and its capture.
type still struct {
	rgb encode.RGB
	buf []byte
	cap facegate.Capture
}

// Checker checks RGBA frames, collects a Sequence and builds the liveness
// request. After warm-up (the first frames of a size and the first Frames
// accepted frames), Check does not allocate.
type Checker struct {
	// Frames is how many accepted frames the request holds (0: DefaultFrames).
	Frames int
	// Spacing is the least distance in frames between two kept frames (0: DefaultSpacing).
	Spacing int

	pl     *facegate.Pipeline
	policy facegate.Policy
	seq    facegate.Sequence
	pix    []byte
	out    []byte
	stills []still
	last   int
}

// NewChecker returns a Checker with the default policy.
func NewChecker() (*Checker, error) {
	pl, err := facegate.New(nil)
	if err != nil {
		return nil, err
	}
	c := &Checker{pl: pl, policy: pl.Policy(), last: -1 << 30}
	c.seq.Captures = make([]facegate.Capture, 0, 1024)
	return c, nil
}

func (c *Checker) frames() int {
	if c.Frames > 0 {
		return c.Frames
	}
	return DefaultFrames
}

func (c *Checker) spacing() int {
	if c.Spacing > 0 {
		return c.Spacing
	}
	return DefaultSpacing
}

// Buffer returns the reused buffer of n bytes the caller copies a frame
// into (it grows only when too small).
func (c *Checker) Buffer(n int) []byte {
	if n < 0 {
		n = 0
	}
	if cap(c.pix) < n {
		c.pix = make([]byte, n)
	}
	return c.pix[:n]
}

// Ready reports whether enough frames were accepted to build the request.
func (c *Checker) Ready() bool { return len(c.stills) >= c.frames() }

// Reset starts a new sequence, keeping the buffers.
func (c *Checker) Reset() {
	c.pl.Reset()
	c.seq.Reset()
	c.stills = c.stills[:0]
	c.last = -1 << 30
}

// Check checks one w x h RGBA frame (4*w*h bytes of pix), adds it to the
// sequence, keeps it for the request when accepted, and returns the result
// as JSON appended to a buffer of the Checker's (valid until the next
// call). Bad input gives a *FrameError, never a panic.
func (c *Checker) Check(pix []byte, w, h int) ([]byte, *facegate.Result, error) {
	if w <= 0 || h <= 0 || w > preprocess.MaxDimension || h > preprocess.MaxDimension || len(pix) != 4*w*h {
		return nil, nil, &FrameError{Width: w, Height: h, Len: len(pix)}
	}
	f := preprocess.Frame{Format: preprocess.RGBA, Width: w, Height: h}
	f.Planes[0], f.Strides[0] = pix, 4*w
	res, err := c.pl.Process(&f)
	if err != nil {
		return nil, nil, err
	}
	n := len(c.seq.Captures)
	if c.seq.Add(res) {
		if len(c.seq.Captures) == cap(c.seq.Captures) {
			// keep the sequence's storage bounded: coverage is counted
			// apart from Captures.
			c.seq.Captures = c.seq.Captures[:0]
		} else if !c.Ready() && res.Index-c.last >= c.spacing() {
			if err := c.keep(&f, &c.seq.Captures[n]); err != nil {
				return nil, nil, err
			}
		}
	}
	c.out = c.appendJSON(c.out[:0], res)
	return c.out, res, nil
}

// keep copies the capture's crop of f, as packed RGB, into a still, with
// preprocess's CropResizer at scale 1 (a plan per kept frame: at most
// Frames of them a sequence).
func (c *Checker) keep(f *preprocess.Frame, cp *facegate.Capture) error {
	r := cp.Crop
	cr, err := preprocess.NewCropResizer(f.Format, r.Dx(), r.Dy(), r.Dx(), r.Dy(), preprocess.Area)
	if err != nil {
		return err
	}
	if len(c.stills) < cap(c.stills) {
		c.stills = c.stills[:len(c.stills)+1]
	} else {
		c.stills = append(c.stills, still{})
	}
	s := &c.stills[len(c.stills)-1]
	s.rgb = encode.NewRGB(s.buf, r.Dx(), r.Dy())
	s.buf = s.rgb.Pix
	s.cap = *cp
	if err := cr.CropResize(s.rgb.Pix, f, r); err != nil {
		c.stills = c.stills[:len(c.stills)-1]
		return err
	}
	c.last = cp.Index
	return nil
}

// Build encodes the kept frames as JPEG stills fitted into the service's
// limits, builds the liveness request and validates it with payload's
// rules. It returns ErrNotReady before Ready.
func (c *Checker) Build() (*payload.LivenessRequest, error) {
	if !c.Ready() {
		return nil, fmt.Errorf("%w: %d of %d", ErrNotReady, len(c.stills), c.frames())
	}
	req := &payload.LivenessRequest{}
	enc := encode.NewEncoder()
	for k := range c.stills {
		s := &c.stills[k]
		target := s.cap.Target.Intersect(s.cap.Crop).Sub(s.cap.Crop.Min)
		data, fit, err := enc.Fit(nil, s.rgb, encode.LivenessImageRange, &encode.FitOptions{Face: target, MinFace: c.policy.MinFaceFor(s.rgb.Width, s.rgb.Height)})
		if err != nil {
			return nil, fmt.Errorf("frame %d: %w", s.cap.Index, err)
		}
		name := "frame" + strconv.Itoa(s.cap.Index) + ".jpg"
		t := payload.RectOf(fit.Face)
		off := s.cap.CropOffsets()
		req.Files = append(req.Files, payload.File{Name: name, Data: data})
		req.Frames = append(req.Frames, payload.Frame{
			FileName: name, FrameNumber: k, CreationTimeMillis: int64(s.cap.Index) * 33,
			TargetFace: &t, CropOffsets: &off,
			Face: &payload.FaceObservation{Size: min(t.Width, t.Height)},
		})
	}
	if err := req.Validate(nil); err != nil {
		return req, err
	}
	return req, nil
}

// appendJSON appends the result as one JSON object.
func (c *Checker) appendJSON(b []byte, r *facegate.Result) []byte {
	b = append(b, `{"index":`...)
	b = strconv.AppendInt(b, int64(r.Index), 10)
	b = append(b, `,"width":`...)
	b = strconv.AppendInt(b, int64(r.Width), 10)
	b = append(b, `,"height":`...)
	b = strconv.AppendInt(b, int64(r.Height), 10)
	b = append(b, `,"accept":`...)
	b = strconv.AppendBool(b, r.Verdict.Accept)
	b = append(b, `,"faces":`...)
	b = strconv.AppendInt(b, int64(len(r.Faces)), 10)
	b = append(b, `,"reasons":[`...)
	for i, why := range r.Verdict.Reasons() {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"code":`...)
		b = strconv.AppendQuote(b, why.Code.String())
		b = append(b, `,"warning":`...)
		b = strconv.AppendBool(b, why.Code.Warning())
		b = append(b, `,"message":`...)
		b = strconv.AppendQuote(b, why.Message())
		b = append(b, `,"value":`...)
		b = appendFloat(b, why.Value)
		b = append(b, `,"threshold":`...)
		b = appendFloat(b, why.Threshold)
		b = append(b, '}')
	}
	b = append(b, `],"target":`...)
	f, ok := r.TargetFace()
	if !ok {
		b = append(b, `null`...)
	} else {
		b = appendRect(b, f.Rect)
		b = append(b, `,"faceSize":`...)
		b = strconv.AppendInt(b, int64(r.FaceSize), 10)
		b = append(b, `,"pupils":`...)
		if f.PupilsFound {
			b = append(b, `[[`...)
			b = appendFloat(b, f.Pupils[0].X)
			b = append(b, ',')
			b = appendFloat(b, f.Pupils[0].Y)
			b = append(b, `],[`...)
			b = appendFloat(b, f.Pupils[1].X)
			b = append(b, ',')
			b = appendFloat(b, f.Pupils[1].Y)
			b = append(b, `]]`...)
		} else {
			b = append(b, `null`...)
		}
		b = append(b, `,"pose":`...)
		if f.PoseFound {
			b = append(b, `{"yaw":`...)
			b = appendFloat(b, f.Pose.Yaw)
			b = append(b, `,"pitch":`...)
			b = appendFloat(b, f.Pose.Pitch)
			b = append(b, `,"roll":`...)
			b = appendFloat(b, f.Pose.Roll)
			b = append(b, '}')
		} else {
			b = append(b, `null`...)
		}
		q := &r.Quality
		b = append(b, `,"measures":{"blur":`...)
		b = appendFloat(b, q.Blur)
		b = append(b, `,"exposure":`...)
		b = appendFloat(b, q.Exposure)
		b = append(b, `,"sharpness":`...)
		b = appendFloat(b, q.Sharpness)
		b = append(b, `,"meanLuma":`...)
		b = appendFloat(b, q.MeanLuma)
		b = append(b, `,"contrast":`...)
		b = appendFloat(b, q.Contrast)
		b = append(b, '}')
	}
	held, seen := c.seq.Coverage()
	b = append(b, `,"held":`...)
	b = strconv.AppendInt(b, int64(held), 10)
	b = append(b, `,"seen":`...)
	b = strconv.AppendInt(b, int64(seen), 10)
	b = append(b, `,"kept":`...)
	b = strconv.AppendInt(b, int64(len(c.stills)), 10)
	b = append(b, `,"ready":`...)
	b = strconv.AppendBool(b, c.Ready())
	return append(b, '}')
}

func appendRect(b []byte, r image.Rectangle) []byte {
	b = append(b, `{"x":`...)
	b = strconv.AppendInt(b, int64(r.Min.X), 10)
	b = append(b, `,"y":`...)
	b = strconv.AppendInt(b, int64(r.Min.Y), 10)
	b = append(b, `,"w":`...)
	b = strconv.AppendInt(b, int64(r.Dx()), 10)
	b = append(b, `,"h":`...)
	b = strconv.AppendInt(b, int64(r.Dy()), 10)
	return append(b, '}')
}

// appendFloat appends v with 4 decimals (0 for NaN and infinities, which
// JSON cannot hold).
func appendFloat(b []byte, v float64) []byte {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		v = 0
	}
	return strconv.AppendFloat(b, v, 'f', 4, 64)
}
