//go:build cgo && turbojpeg

// Package tjdec is preprocess's binding of libjpeg-turbo's TurboJPEG 2.x
// decompressor (tjDecompressHeader3, tjDecompressToYUVPlanes,
// tjDecompress2). It is a package of its own because preprocess has Go
// assembly, which a cgo package cannot. It exists only in builds with cgo
// and -tags turbojpeg.
package tjdec

/*
#cgo LDFLAGS: -lturbojpeg
#include <turbojpeg.h>

static int fg_yuv(tjhandle h, const unsigned char *b, unsigned long n,
		unsigned char *y, unsigned char *cb, unsigned char *cr,
		int ys, int cs, int w, int ht) {
	unsigned char *planes[3] = {y, cb, cr};
	int strides[3] = {ys, cs, cs};
	return tjDecompressToYUVPlanes(h, b, n, planes, w, strides, ht, TJFLAG_ACCURATEDCT);
}
*/
import "C"

import (
	"errors"
	"runtime"
	"unsafe"
)

// Subsampling and colorspace values of Header, TurboJPEG's TJSAMP_* and
// TJCS_*.
const (
	Samp444  = int(C.TJSAMP_444)  // no chroma subsampling
	Samp422  = int(C.TJSAMP_422)  // chroma halved horizontally
	Samp420  = int(C.TJSAMP_420)  // chroma halved both ways
	SampGray = int(C.TJSAMP_GRAY) // luma only
	Samp440  = int(C.TJSAMP_440)  // chroma halved vertically
	Samp411  = int(C.TJSAMP_411)  // chroma quartered horizontally
	CSYCbCr  = int(C.TJCS_YCbCr)  // YCbCr (JFIF)
	CSGray   = int(C.TJCS_GRAY)   // grayscale
)

// Decoder is a TurboJPEG decompressor handle. A finalizer destroys it.
type Decoder struct{ h C.tjhandle }

// New returns a Decoder.
func New() (*Decoder, error) {
	h := C.tjInitDecompress()
	if h == nil {
		return nil, errors.New("tjInitDecompress failed")
	}
	d := &Decoder{h: h}
	runtime.SetFinalizer(d, func(d *Decoder) { C.tjDestroy(d.h) })
	return d, nil
}

func (d *Decoder) err() error { return errors.New(C.GoString(C.tjGetErrorStr2(d.h))) }

// Header reads the header of the JPEG file b (non-empty): size,
// subsampling and colorspace. It allocates nothing for the pixels.
func (d *Decoder) Header(b []byte) (w, h, samp, cs int, err error) {
	var cw, ch, csamp, ccs C.int
	if C.tjDecompressHeader3(d.h, (*C.uchar)(unsafe.Pointer(&b[0])), C.ulong(len(b)), &cw, &ch, &csamp, &ccs) != 0 {
		return 0, 0, 0, 0, d.err()
	}
	runtime.KeepAlive(b)
	return int(cw), int(ch), int(csamp), int(ccs), nil
}

// YUV decodes the YCbCr JPEG b of w x h pixels into the planes y, cb and
// cr (strides ys and cs), as coded: no chroma upsampling, no color
// conversion, accurate integer IDCT. The planes must be at least
// tjPlaneSizeYUV's size. A warning (truncated or corrupt data) is an error.
func (d *Decoder) YUV(b, y, cb, cr []byte, ys, cs, w, h int) error {
	rc := C.fg_yuv(d.h, (*C.uchar)(unsafe.Pointer(&b[0])), C.ulong(len(b)),
		(*C.uchar)(unsafe.Pointer(&y[0])), (*C.uchar)(unsafe.Pointer(&cb[0])), (*C.uchar)(unsafe.Pointer(&cr[0])),
		C.int(ys), C.int(cs), C.int(w), C.int(h))
	runtime.KeepAlive(b)
	runtime.KeepAlive(y)
	runtime.KeepAlive(cb)
	runtime.KeepAlive(cr)
	if rc != 0 {
		return d.err()
	}
	return nil
}

// Gray decodes the JPEG b of w x h pixels to 8-bit luma in pix (stride
// bytes a row), accurate integer IDCT. A warning is an error.
func (d *Decoder) Gray(b, pix []byte, w, stride, h int) error {
	rc := C.tjDecompress2(d.h, (*C.uchar)(unsafe.Pointer(&b[0])), C.ulong(len(b)),
		(*C.uchar)(unsafe.Pointer(&pix[0])), C.int(w), C.int(stride), C.int(h), C.TJPF_GRAY, C.TJFLAG_ACCURATEDCT)
	runtime.KeepAlive(b)
	runtime.KeepAlive(pix)
	if rc != 0 {
		return d.err()
	}
	return nil
}
