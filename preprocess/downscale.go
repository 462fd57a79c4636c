package preprocess

// Downscaler box-downscales one-channel planes by integer factors without a
// plan per geometry: the mean of each k x k block, rounded half to even, the
// same bytes as a Resizer with the Area filter for a source of exactly
// (k*dstW) x (k*dstH). It suits inputs whose size changes from frame to frame
// (a region around a tracked face). Its scratch grows only when a wider
// source than before arrives, so in steady state Downscale does not
// allocate. A Downscaler is not safe for concurrent use; the zero value is
// ready.
type Downscaler struct {
	acc []uint16
}

// MaxDownscale is the largest factor Downscale accepts (the column sums of a
// k x k block must fit the 16-bit kernels).
const MaxDownscale = 128

// Downscale writes into dst the k x k box mean of src's top-left
// (k*dst.Width) x (k*dst.Height) pixels. Both planes have one channel; src
// must be at least that large (extra columns and rows are ignored). The
// error wraps ErrGeometry or ErrUnsupported.
func (d *Downscaler) Downscale(dst, src Plane, k int) error {
	if err := src.Validate(); err != nil {
		return err
	}
	if err := dst.Validate(); err != nil {
		return err
	}
	if src.channels() != 1 || dst.channels() != 1 {
		return geomErr("channels", "downscale needs one-channel planes, have %d and %d", src.channels(), dst.channels())
	}
	if k < 1 || k > MaxDownscale {
		return geomErr("factor", "%d, want 1..%d", k, MaxDownscale)
	}
	w, h := dst.Width*k, dst.Height*k
	if w > src.Width || h > src.Height {
		return geomErr("source", "%dx%d is smaller than %dx%d (destination %dx%d times %d)", src.Width, src.Height, w, h, dst.Width, dst.Height, k)
	}
	if k == 1 {
		for y := 0; y < dst.Height; y++ {
			copy(dst.Row(y), src.Row(y)[:w])
		}
		return nil
	}
	if cap(d.acc) < w {
		d.acc = make([]uint16, w)
	}
	acc := d.acc[:w]
	scale := 1 / float32(k*k)
	for dy := 0; dy < dst.Height; dy++ {
		clear(acc)
		for i := 0; i < k; i++ {
			addRowU16(acc, src.Row(dy*k + i)[:w])
		}
		boxRow(dst.Row(dy), acc, k, 1, scale)
	}
	return nil
}
