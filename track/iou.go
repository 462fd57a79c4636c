package track

import "image"

// IoU returns the intersection over union of a and b: the area they share
// divided by the area they cover together, in [0, 1]. It is 0 when either
// rectangle is empty (including rectangles whose Min is not above-left of
// their Max) or when they do not overlap; rectangles that only touch share
// no area. Areas are computed in float64, so no coordinates overflow.
func IoU(a, b image.Rectangle) float64 {
	in := a.Intersect(b) // empty when a or b is empty
	if in.Empty() {
		return 0
	}
	i := area(in)
	u := area(a) + area(b) - i
	if !(u > 0) { // coordinates so large that float64 widths round to 0
		return 0
	}
	return min(1, i/u)
}

// area is r's area in float64; r must be well-formed.
func area(r image.Rectangle) float64 {
	return (float64(r.Max.X) - float64(r.Min.X)) * (float64(r.Max.Y) - float64(r.Min.Y))
}
