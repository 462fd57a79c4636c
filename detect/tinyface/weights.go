package tinyface

import (
	"errors"
	"fmt"
)

// ErrModel is the error, wrapped with details, for a weights manifest or
// weights file that is malformed or does not fit the TinyFaceDetector
// architecture. Test with errors.Is.
var ErrModel = errors.New("tinyface: bad model")

// modelErr wraps err, an nn.ErrWeights, in ErrModel.
func modelErr(err error) error {
	return fmt.Errorf("%w: %w", ErrModel, err)
}
