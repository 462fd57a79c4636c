package preprocess

import (
	"image"
	"math/bits"
)

// Exposure levels for LumaStats: a pixel at or below DarkLevel counts as
// dark, at or above BrightLevel as bright.
const (
	DarkLevel   = 25
	BrightLevel = 247
)

// LaplacianVariance returns the variance of the 3x3 Laplacian
// (0 1 0 / 1 -4 1 / 0 1 0) over the pixels of r, a measure of sharpness:
// the same number as OpenCV's cv2.Laplacian(img, cv2.CV_64F).var() with its
// default ksize=1. Neighbours outside r are read from the plane; at the
// plane's edges they are reflected without repeating the edge pixel
// (OpenCV's BORDER_REFLECT_101). p must have one channel. The sums are
// exact integers, so the result is accurate to float64 rounding. It does not
// allocate.
func LaplacianVariance(p Plane, r image.Rectangle) (float64, error) {
	if err := measureCheck(&p, r); err != nil {
		return 0, err
	}
	W, H := p.Width, p.Height
	var sum, sumsq int64
	x0, x1 := max(r.Min.X, 1), min(r.Max.X, W-1) // columns with both neighbours inside
	for y := r.Min.Y; y < r.Max.Y; y++ {
		up, mid, down := p.Row(reflect101(y-1, H)), p.Row(y), p.Row(reflect101(y+1, H))
		if x1 > x0 {
			s, q := laplacianRow(up[x0-1:], mid[x0-1:], down[x0-1:], x1-x0)
			sum, sumsq = sum+s, sumsq+q
		}
		// At most the first and the last column of the plane are left.
		for x := r.Min.X; x < min(x0, r.Max.X); x++ {
			l := laplacianAt(up, mid, down, x)
			sum, sumsq = sum+l, sumsq+l*l
		}
		for x := max(x1, min(x0, r.Max.X)); x < r.Max.X; x++ {
			l := laplacianAt(up, mid, down, x)
			sum, sumsq = sum+l, sumsq+l*l
		}
	}
	return variance(sum, sumsq, int64(r.Dx())*int64(r.Dy())), nil
}

// laplacianAt is the Laplacian at column x of a row of len(mid) pixels,
// reflecting at the row's ends.
func laplacianAt(up, mid, down []byte, x int) int64 {
	W := len(mid)
	return int64(up[x]) + int64(down[x]) + int64(mid[reflect101(x-1, W)]) + int64(mid[reflect101(x+1, W)]) - 4*int64(mid[x])
}

// variance returns (n*sumsq - sum^2) / n^2 computed in 128 bits.
func variance(sum, sumsq, n int64) float64 {
	if n == 0 {
		return 0
	}
	as := uint64(sum)
	if sum < 0 {
		as = uint64(-sum)
	}
	h1, l1 := bits.Mul64(uint64(n), uint64(sumsq))
	h2, l2 := bits.Mul64(as, as)
	lo, borrow := bits.Sub64(l1, l2, 0)
	hi, _ := bits.Sub64(h1, h2, borrow)
	num := float64(hi)*(1<<64) + float64(lo)
	fn := float64(n)
	return num / fn / fn
}

// reflect101 maps an index one step outside [0, n) back inside, OpenCV's
// BORDER_REFLECT_101 (gfedcb|abcdefgh|gfedcba).
func reflect101(i, n int) int {
	switch {
	case n == 1:
		return 0
	case i < 0:
		return -i
	case i >= n:
		return 2*n - 2 - i
	}
	return i
}

func measureCheck(p *Plane, r image.Rectangle) error {
	if err := p.Validate(); err != nil {
		return err
	}
	if p.channels() != 1 {
		return geomErr("channels", "measures need a one-channel plane, have %d", p.channels())
	}
	if r.Empty() || !r.In(image.Rect(0, 0, p.Width, p.Height)) {
		return geomErr("rectangle", "%v is empty or outside %dx%d", r, p.Width, p.Height)
	}
	return nil
}

// LumaStats summarises the exposure of a region of a luma plane.
type LumaStats struct {
	Pixels      int         // pixels measured
	Mean        float64     // mean luma, 0..255
	Hist        [256]uint32 // pixels per luma value
	DarkShare   float64     // share of pixels at or below DarkLevel
	BrightShare float64     // share of pixels at or above BrightLevel
}

// MeasureLuma fills st with the luma statistics of r in p (one channel). It
// does not allocate; st is the caller's.
func MeasureLuma(st *LumaStats, p Plane, r image.Rectangle) error {
	if err := measureCheck(&p, r); err != nil {
		return err
	}
	// Four interleaved histograms break the store-to-load dependency of
	// runs of equal pixels, the usual trick for scalar histograms.
	var h [4][256]uint32
	for y := r.Min.Y; y < r.Max.Y; y++ {
		row := p.Row(y)[r.Min.X:r.Max.X]
		i := 0
		for ; i+4 <= len(row); i += 4 {
			h[0][row[i]]++
			h[1][row[i+1]]++
			h[2][row[i+2]]++
			h[3][row[i+3]]++
		}
		for ; i < len(row); i++ {
			h[0][row[i]]++
		}
	}
	var total, weighted, dark, bright uint64
	for v := 0; v < 256; v++ {
		c := h[0][v] + h[1][v] + h[2][v] + h[3][v]
		st.Hist[v] = c
		total += uint64(c)
		weighted += uint64(c) * uint64(v)
		if v <= DarkLevel {
			dark += uint64(c)
		}
		if v >= BrightLevel {
			bright += uint64(c)
		}
	}
	st.Pixels = int(total)
	st.Mean = float64(weighted) / float64(total)
	st.DarkShare = float64(dark) / float64(total)
	st.BrightShare = float64(bright) / float64(total)
	return nil
}
