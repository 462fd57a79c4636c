//go:build cgo && turbojpeg

// Package tjpeer is the benchmark suite's libjpeg-turbo peer: the TurboJPEG
// API called directly from C, the way tjbench times it, with one handle and
// one output buffer reused across calls. It exists only in builds with cgo and -tags turbojpeg.
package tjpeer

/*
#cgo LDFLAGS: -lturbojpeg
#include <turbojpeg.h>
*/
import "C"

import (
	"errors"
	"unsafe"
)

// Compressor is a TurboJPEG compressor and its output buffer.
type Compressor struct {
	h    C.tjhandle
	buf  *C.uchar
	size C.ulong
}

// NewCompressor returns a Compressor for images of up to w x h pixels.
// Close frees it.
func NewCompressor(w, h int) (*Compressor, error) {
	c := &Compressor{h: C.tjInitCompress()}
	if c.h == nil {
		return nil, errors.New("tjInitCompress failed")
	}
	c.size = C.tjBufSize(C.int(w), C.int(h), C.TJSAMP_420)
	c.buf = C.tjAlloc(C.int(c.size))
	return c, nil
}

// Compress encodes packed RGB pixels (stride bytes a row) as a 4:2:0 JPEG
// of quality q with the accurate DCT and returns its size. The file stays in
// c's buffer.
func (c *Compressor) Compress(pix []byte, w, h, stride, q int) (int, error) {
	size := c.size
	if C.tjCompress2(c.h, (*C.uchar)(unsafe.Pointer(&pix[0])), C.int(w), C.int(stride), C.int(h), C.TJPF_RGB,
		&c.buf, &size, C.TJSAMP_420, C.int(q), C.TJFLAG_ACCURATEDCT|C.TJFLAG_NOREALLOC) != 0 {
		return 0, errors.New(C.GoString(C.tjGetErrorStr2(c.h)))
	}
	return int(size), nil
}

// Close frees c's handle and buffer.
func (c *Compressor) Close() {
	C.tjFree(c.buf)
	C.tjDestroy(c.h)
}

// Decompressor is a TurboJPEG decompressor and the planes it decodes into.
type Decompressor struct {
	h      C.tjhandle
	planes [3]*C.uchar // tjAlloc'ed: C memory, as the API takes an array of pointers
	sizes  [3]int
}

// NewDecompressor returns a Decompressor. Close frees it.
func NewDecompressor() (*Decompressor, error) {
	d := &Decompressor{h: C.tjInitDecompress()}
	if d.h == nil {
		return nil, errors.New("tjInitDecompress failed")
	}
	return d, nil
}

// DecompressYUV reads the header of the JPEG file b (tjDecompressHeader3)
// and decodes it to its Y, Cb and Cr planes, as coded, accurate IDCT
// (tjDecompressToYUVPlanes), into planes kept across calls: the work
// preprocess.DecodeBytes asks of libjpeg-turbo, without Go around it. It
// returns the image's size.
func (d *Decompressor) DecompressYUV(b []byte) (w, h int, err error) {
	var cw, ch, samp, cs C.int
	src := (*C.uchar)(unsafe.Pointer(&b[0]))
	if C.tjDecompressHeader3(d.h, src, C.ulong(len(b)), &cw, &ch, &samp, &cs) != 0 {
		return 0, 0, errors.New(C.GoString(C.tjGetErrorStr2(d.h)))
	}
	for i := range d.planes {
		n := max(int(C.tjPlaneSizeYUV(C.int(i), cw, 0, ch, samp)), 1)
		if d.sizes[i] < n {
			C.tjFree(d.planes[i])
			d.planes[i], d.sizes[i] = C.tjAlloc(C.int(n)), n
			if d.planes[i] == nil {
				return 0, 0, errors.New("tjAlloc failed")
			}
		}
	}
	if C.tjDecompressToYUVPlanes(d.h, src, C.ulong(len(b)), &d.planes[0], cw, nil, ch, C.TJFLAG_ACCURATEDCT) != 0 {
		return 0, 0, errors.New(C.GoString(C.tjGetErrorStr2(d.h)))
	}
	return int(cw), int(ch), nil
}

// Close frees d's handle and planes.
func (d *Decompressor) Close() {
	for _, p := range d.planes {
		C.tjFree(p)
	}
	C.tjDestroy(d.h)
}
