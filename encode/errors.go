package encode

import (
	"errors"
	"fmt"
)

// Sentinel errors. Every error returned by this package wraps one of them, so
// callers can branch with errors.Is.
var (
	// ErrInvalidImage reports an RGB whose geometry does not match its
	// buffer (short Pix, stride smaller than a row, empty or absurd sizes),
	// or animation frames of different sizes or with timestamps that do not
	// increase.
	ErrInvalidImage = errors.New("encode: invalid image")
	// ErrInvalidOptions reports an option out of its range (a quality over
	// 100, a Range with Min > Max, a face rectangle outside the image).
	ErrInvalidOptions = errors.New("encode: invalid options")
	// ErrTooLarge reports that no file within the allowed qualities and
	// scales fits under a Range's upper bound. Sending a larger file would
	// risk the Face service's "Image size is too large." answer.
	ErrTooLarge = errors.New("encode: output too large")
	// ErrTooSmall reports that even the highest quality gives a file under a
	// Range's lower bound. Sending it would risk the Face service's "Image
	// size is too small." answer.
	ErrTooSmall = errors.New("encode: output too small")
	// ErrNoWebP reports that this build cannot encode WebP: libwebp is
	// reached through cgo, and the package was built with CGO_ENABLED=0.
	ErrNoWebP = errors.New("encode: webp encoding needs cgo")
	// ErrEncode reports a failure inside an underlying encoder (image/jpeg,
	// image/png, libwebp); the encoder's own error is wrapped too.
	ErrEncode = errors.New("encode: encoder failed")
	// ErrMalformedWebP reports input that ParseWebP cannot read as a WebP
	// file: bad magic, a chunk running past its parent, a missing or
	// misplaced chunk, inconsistent sizes.
	ErrMalformedWebP = errors.New("encode: malformed WebP")
)

// InputError carries the detail of an ErrInvalidImage or ErrInvalidOptions
// failure.
type InputError struct {
	Field  string // what is wrong: "stride", "pix", "frame 3", "quality", ...
	Reason string // why, in a few words
	kind   error
}

// Error implements error.
func (e *InputError) Error() string {
	return fmt.Sprintf("%v: %s: %s", e.kind, e.Field, e.Reason)
}

// Unwrap returns the sentinel the error belongs to.
func (e *InputError) Unwrap() error { return e.kind }

func imageErr(field, format string, args ...any) error {
	return &InputError{Field: field, Reason: fmt.Sprintf(format, args...), kind: ErrInvalidImage}
}

func optErr(field, format string, args ...any) error {
	return &InputError{Field: field, Reason: fmt.Sprintf(format, args...), kind: ErrInvalidOptions}
}

// FitError carries the detail of a Fit or AppendAnimatedWebP failure to land
// inside a Range: what was tried last and why nothing else was possible.
// It wraps ErrTooLarge or ErrTooSmall.
type FitError struct {
	Range   Range   // the range asked for
	Bytes   int     // the size of the closest file found
	Quality int     // its quality
	Width   int     // its width
	Height  int     // its height
	Scale   float64 // its scale (Width over the input width)
	Reason  string  // why no other file was tried
	kind    error
}

// Error implements error.
func (e *FitError) Error() string {
	return fmt.Sprintf("%v: %d bytes outside [%d, %d] at quality %d, %dx%d (scale %.3f): %s",
		e.kind, e.Bytes, e.Range.Min, e.Range.Max, e.Quality, e.Width, e.Height, e.Scale, e.Reason)
}

// Unwrap returns ErrTooLarge or ErrTooSmall.
func (e *FitError) Unwrap() error { return e.kind }

// WebPError carries the detail of an ErrMalformedWebP failure.
type WebPError struct {
	Offset int    // byte offset of the offending chunk (or field) in the input
	Chunk  string // its FourCC, "" when the problem is the file header
	Reason string // what is wrong
}

// Error implements error.
func (e *WebPError) Error() string {
	if e.Chunk == "" {
		return fmt.Sprintf("%v: at %d: %s", ErrMalformedWebP, e.Offset, e.Reason)
	}
	return fmt.Sprintf("%v: %q chunk at %d: %s", ErrMalformedWebP, e.Chunk, e.Offset, e.Reason)
}

// Unwrap returns ErrMalformedWebP.
func (e *WebPError) Unwrap() error { return ErrMalformedWebP }

func encErr(format string, err error) error {
	return fmt.Errorf("%w: %s: %w", ErrEncode, format, err)
}
