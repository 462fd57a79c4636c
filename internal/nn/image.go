package nn

import (
	"errors"
	"fmt"
)

// ErrImage is the error, wrapped with details, for an image buffer that
// does not hold the image its dimensions describe. Test with errors.Is;
// the network packages wrap it in their own ErrInput.
var ErrImage = errors.New("nn: bad image")

// CheckImage checks that pix holds a w x h image of bpp bytes a pixel, rows
// stride bytes apart, with sides from 1 to maxSide. Its errors wrap
// ErrImage.
func CheckImage(pix []byte, w, h, stride, bpp, maxSide int) error {
	if w < 1 || h < 1 || w > maxSide || h > maxSide {
		return fmt.Errorf("%w: %dx%d, want sides from 1 to %d", ErrImage, w, h, maxSide)
	}
	if stride < w*bpp {
		return fmt.Errorf("%w: stride %d for %d pixels of %d bytes", ErrImage, stride, w, bpp)
	}
	if need := (h-1)*stride + w*bpp; len(pix) < need {
		return fmt.Errorf("%w: %d bytes for a %dx%d image with stride %d, want at least %d", ErrImage, len(pix), w, h, stride, need)
	}
	return nil
}
