package nn

import "math"

// Tap is where one output column (row) of the bilinear resize reads: the
// two source columns (rows), as byte offsets or -1 in the zero padding, and
// the weight of the second.
type Tap struct {
	O0, O1 int
	F      float64
}

// Input writes a face-api network's normalised RGB input: face-api's
// NetInput.toBatchTensor(len(xs), isCenterInputs) on the w x h image pix
// (bpp bytes a pixel, 1 for luma that stands for R, G and B alike, or 3 for
// RGB; rows stride bytes apart). The image is padded with zeros to a square
// of side max(w, h) (centred when centre is set: of the padding,
// round(diff/2) goes after the image and the rest before; else all of it
// at the bottom or right), resized to len(xs) x len(ys) with
// tf.image.resizeBilinear (alignCorners and halfPixelCenters false: source
// = dst*side/size, in float64 as tfjs computes it), then (v - mean) / 255
// in float32. Output row y starts at dst[y*dstStride]; xs and ys are the
// caller's scratch, one Tap an output column and row.
func Input(dst []float32, dstStride int, pix []byte, w, h, stride, bpp int, centre bool, mean *[3]float32, xs, ys []Tap) {
	m := max(w, h)
	preX, preY := 0, 0
	if centre {
		preX, preY = (m-w)/2, (m-h)/2
	}
	setTaps(xs, float64(m)/float64(len(xs)), m, w, preX, bpp)
	setTaps(ys, float64(m)/float64(len(ys)), m, h, preY, stride)
	for y, ty := range ys {
		var r0, r1 []byte
		if ty.O0 >= 0 {
			r0 = pix[ty.O0:]
		}
		if ty.O1 >= 0 {
			r1 = pix[ty.O1:]
		}
		row := dst[y*dstStride : y*dstStride+3*len(xs)]
		for x, tx := range xs {
			px := row[x*3 : x*3+3]
			if bpp == 1 {
				v := float32(lerp2(r0, r1, tx, ty.F, 0))
				px[0] = (v - mean[0]) / 255
				px[1] = (v - mean[1]) / 255
				px[2] = (v - mean[2]) / 255
				continue
			}
			for c := 0; c < 3; c++ {
				v := float32(lerp2(r0, r1, tx, ty.F, c))
				px[c] = (v - mean[c]) / 255
			}
		}
	}
}

// setTaps fills t with tfjs's resizeBilinear source positions for an
// output of len(t) from a padded input of m, of which pre come before the
// n of the image, each step bytes apart.
func setTaps(t []Tap, ratio float64, m, n, pre, step int) {
	for i := range t {
		src := ratio * float64(i)
		i0 := max(0, int(math.Floor(src)))
		i1 := min(m-1, int(math.Ceil(src)))
		t[i] = Tap{O0: -1, O1: -1, F: src - float64(i0)}
		if j := i0 - pre; j >= 0 && j < n {
			t[i].O0 = j * step
		}
		if j := i1 - pre; j >= 0 && j < n {
			t[i].O1 = j * step
		}
	}
}

// lerp2 is tfjs's bilinear sample (in float64) of channel c at column tap
// tx between rows r0 and r1 (nil in the padding) with row weight fy.
func lerp2(r0, r1 []byte, tx Tap, fy float64, c int) float64 {
	tl, tr := sample(r0, tx.O0, c), sample(r0, tx.O1, c)
	bl, br := sample(r1, tx.O0, c), sample(r1, tx.O1, c)
	// The conversions keep the products rounded (no fused multiply-add),
	// as in JavaScript.
	top := tl + float64((tr-tl)*tx.F)
	bot := bl + float64((br-bl)*tx.F)
	return top + float64((bot-top)*fy)
}

func sample(row []byte, off, c int) float64 {
	if row == nil || off < 0 {
		return 0
	}
	return float64(row[off+c])
}
