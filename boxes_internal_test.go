package facegate

import (
	"image"
	"testing"
)

// The LBP profile cascade's tall boxes are squared on their height, about
// their centre, and kept within the frame.
func TestSquareOnHeight(t *testing.T) {
	bounds := image.Rect(0, 0, 640, 480)
	for _, c := range []struct{ in, want image.Rectangle }{
		{image.Rect(100, 100, 160, 202), image.Rect(79, 100, 181, 202)}, // 60x102 -> 102x102 about x=130
		{image.Rect(0, 50, 40, 118), image.Rect(0, 50, 68, 118)},        // shifted right to stay inside
		{image.Rect(600, 0, 640, 68), image.Rect(572, 0, 640, 68)},      // shifted left
		{image.Rect(10, 10, 50, 50), image.Rect(10, 10, 50, 50)},        // already square
		{image.Rect(0, 0, 300, 600), image.Rect(0, 0, 450, 480)},        // larger than the frame: centred, clipped
	} {
		if got := squareOnHeight(c.in, bounds); got != c.want {
			t.Errorf("squareOnHeight(%v) = %v, want %v", c.in, got, c.want)
		}
	}
}
