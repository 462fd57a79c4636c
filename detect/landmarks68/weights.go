package landmarks68

import (
	"errors"
	"fmt"
)

// ErrModel is the error, wrapped with details, for a weights manifest or
// weights file that is malformed or does not fit the FaceLandmark68Net
// architecture. Test with errors.Is.
var ErrModel = errors.New("landmarks68: bad model")

// modelErr wraps err, an nn.ErrWeights, in ErrModel.
func modelErr(err error) error {
	return fmt.Errorf("%w: %w", ErrModel, err)
}
