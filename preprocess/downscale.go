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
	acc   []uint16
	lut   []byte // box means by block sum for k*k == lutKK, see fillBoxLUT
	lutKK int
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
	var lut []byte
	if !boxRowSIMD(k, 1) && k*k <= maxBoxLUTBlock {
		if d.lut == nil {
			d.lut = make([]byte, boxLUTSize)
		}
		if d.lutKK != k*k {
			fillBoxLUT(d.lut, k*k, scale)
			d.lutKK = k * k
		}
		lut = d.lut
	}
	for dy := 0; dy < dst.Height; dy++ {
		clear(acc)
		for i := 0; i < k; i++ {
			addRowU16(acc, src.Row(dy*k + i)[:w])
		}
		boxRowAny(dst.Row(dy), acc, k, 1, scale, lut)
	}
	return nil
}

// maxBoxLUTBlock is the largest block (kx*ky pixels) whose sums index a
// table of boxLUTSize entries.
const maxBoxLUTBlock = (boxLUTSize - 1) / 255

// boxRowAny is boxRow, with the table lookup of boxRowLUT_U16_U8_generic
// instead of the float32 generic kernel where no SIMD kernel serves kx and
// cn and lut is not nil. Both write the same bytes.
func boxRowAny(dst []byte, acc []uint16, kx, cn int, scale float32, lut []byte) {
	if lut != nil && !boxRowSIMD(kx, cn) {
		boxRowLUT_U16_U8_generic(dst, acc, kx, cn, lut)
		return
	}
	boxRow(dst, acc, kx, cn, scale)
}
