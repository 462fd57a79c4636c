package preprocess

import (
	"errors"
	"fmt"
)

// Sentinel errors. Every error returned by this package wraps one of them, so
// callers can branch with errors.Is.
var (
	// ErrInvalidFrame reports a Frame or Plane whose geometry does not match
	// its buffers (short planes, stride smaller than a row, odd sizes where
	// 4:2:0 chroma needs even ones, absurd dimensions).
	ErrInvalidFrame = errors.New("preprocess: invalid frame")
	// ErrUnsupported reports a pixel format, image type or filter this
	// package does not handle.
	ErrUnsupported = errors.New("preprocess: unsupported")
	// ErrShortBuffer reports a caller-owned destination that is too small.
	ErrShortBuffer = errors.New("preprocess: destination buffer too small")
	// ErrGeometry reports a plane or rectangle that does not match the size a
	// Resizer or CropResizer was planned for, or a rectangle outside its plane.
	ErrGeometry = errors.New("preprocess: geometry mismatch")
	// ErrDecode reports content that is not a well-formed image in a
	// supported format. The Face service answers such uploads with
	// ServiceTextDecode.
	ErrDecode = errors.New("preprocess: decoding error")
	// ErrTooLarge reports input over a configured byte or pixel limit; it is
	// returned before the pixels are decoded, so decompression bombs cost
	// only their header.
	ErrTooLarge = errors.New("preprocess: input too large")
)

// ServiceTextDecode is the Face service's 400 answer for content it cannot
// decode; ErrDecode predicts it.
const ServiceTextDecode = "Decoding error, content not in expected format."

// FrameError carries the detail of an ErrInvalidFrame or ErrGeometry failure.
type FrameError struct {
	Field  string // what is wrong: "width", "plane 1", "stride 0", ...
	Reason string // why, in a few words
	kind   error
}

// Error implements error.
func (e *FrameError) Error() string {
	return fmt.Sprintf("%v: %s: %s", e.kind, e.Field, e.Reason)
}

// Unwrap returns the sentinel the error belongs to.
func (e *FrameError) Unwrap() error { return e.kind }

func frameErr(field, format string, args ...any) error {
	return &FrameError{Field: field, Reason: fmt.Sprintf(format, args...), kind: ErrInvalidFrame}
}

func geomErr(field, format string, args ...any) error {
	return &FrameError{Field: field, Reason: fmt.Sprintf(format, args...), kind: ErrGeometry}
}
