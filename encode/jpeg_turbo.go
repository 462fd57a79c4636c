//go:build cgo && turbojpeg

package encode

/*
#cgo LDFLAGS: -lturbojpeg
#include <stdlib.h>
#include <turbojpeg.h>

// fg_compress encodes one packed RGB image at quality q, 4:2:0, accurate
// DCT, into *buf (a tjAlloc'ed buffer of *size bytes that libjpeg-turbo may
// grow). It returns 0 or -1 (the message is tjGetErrorStr2's).
static int fg_compress(tjhandle h, const unsigned char *pix, int w, int pitch, int ht,
		int q, unsigned char **buf, unsigned long *size) {
	return tjCompress2(h, pix, w, pitch, ht, TJPF_RGB, buf, size, TJSAMP_420, q,
		TJFLAG_ACCURATEDCT);
}
*/
import "C"

import (
	"errors"
	"runtime"
	"unsafe"
)

// JPEGTurbo reports whether AppendJPEG encodes with libjpeg-turbo. It is
// true in builds with cgo and -tags turbojpeg (which link -lturbojpeg,
// Debian's libturbojpeg0-dev); every other build, wasm and CGO_ENABLED=0
// included, uses image/jpeg, so a machine with a C compiler but without
// libjpeg-turbo still builds facegate.
//
// The binding is our own few lines over the TurboJPEG 2.x API (tjInitCompress,
// tjCompress2), which is what Debian bookworm's libturbojpeg0-dev (2.1.5)
// ships; the tj3 functions appeared only in 3.0. A third-party wrapper would
// bring more surface (decoding to image.Image, its own pools) than the one
// call we need, and allocations per call we want to avoid.
const JPEGTurbo = true

// turboJPEG is an Encoder's libjpeg-turbo compressor: the handle and the
// output buffer libjpeg-turbo writes into, both kept across calls. A
// finalizer frees them when the Encoder is dropped (Encoder.Reset or the
// pool's eviction).
type turboJPEG struct {
	h    C.tjhandle
	buf  *C.uchar
	size C.ulong
}

func (t *turboJPEG) free() {
	if t.buf != nil {
		C.tjFree(t.buf)
		t.buf, t.size = nil, 0
	}
	if t.h != nil {
		C.tjDestroy(t.h)
		t.h = nil
	}
}

// appendJPEG encodes img (validated) at quality q with libjpeg-turbo,
// appending the file to dst. Its 4:2:0 subsampling and accurate integer DCT
// are image/jpeg's choices too; see TestJPEGTurboMatchesStdlib.
func (e *Encoder) appendJPEG(dst []byte, img RGB, q int) ([]byte, error) {
	t := e.tj
	if t == nil {
		h := C.tjInitCompress()
		if h == nil {
			return dst, encErr("jpeg", errors.New("tjInitCompress failed"))
		}
		t = &turboJPEG{h: h}
		runtime.SetFinalizer(t, (*turboJPEG).free)
		e.tj = t
	}
	if t.buf == nil || t.size < C.tjBufSize(C.int(img.Width), C.int(img.Height), C.TJSAMP_420) {
		if t.buf != nil {
			C.tjFree(t.buf)
		}
		t.size = C.tjBufSize(C.int(img.Width), C.int(img.Height), C.TJSAMP_420)
		t.buf = C.tjAlloc(C.int(t.size))
		if t.buf == nil {
			t.size = 0
			return dst, encErr("jpeg", errors.New("tjAlloc failed"))
		}
	}
	size := t.size
	if C.fg_compress(t.h, (*C.uchar)(unsafe.Pointer(&img.Pix[0])), C.int(img.Width), C.int(img.Stride),
		C.int(img.Height), C.int(q), &t.buf, &size) != 0 {
		msg := C.GoString(C.tjGetErrorStr2(t.h))
		return dst, encErr("jpeg", errors.New(msg))
	}
	if size > t.size {
		t.size = size // libjpeg-turbo grew the buffer
	}
	runtime.KeepAlive(img.Pix)
	return append(dst, unsafe.Slice((*byte)(unsafe.Pointer(t.buf)), int(size))...), nil
}

// loadFitJPEG makes img the image appendFitJPEG encodes: libjpeg-turbo reads
// the RGB pixels themselves.
func (e *Encoder) loadFitJPEG(img RGB) { e.fitCur = img }

// appendFitJPEG encodes the image of the last loadFitJPEG at quality q.
func (e *Encoder) appendFitJPEG(dst []byte, q int) ([]byte, error) {
	return e.appendJPEG(dst, e.fitCur, q)
}
