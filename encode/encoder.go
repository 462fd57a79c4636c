package encode

import (
	"image"
	"image/png"
	"sync"

	"github.com/facegate/facegate/preprocess"
)

// Encoder holds the buffers that encoding reuses from call to call: the
// colour-converted copy of the image the standard encoders read, the output
// sink they write to, image/png's compressor, the scratch files and resizer
// plans of Fit, the WebP encoder's image header. Buffers grow when an image
// is larger than any before and are otherwise kept, so a warm Encoder
// allocates only what the underlying encoders allocate themselves: nothing
// for PNG and BMP, image/jpeg's 5 small objects per JPEG encoding (its
// encoder state; Fit pays them per quality tried), and for WebP what
// chai2010/webp allocates: the Go copy of each libwebp output and a size
// variable handed to C (2 per frame). The package benchmarks report these
// numbers.
//
// The zero value is ready to use. An Encoder is not safe for concurrent use;
// use one per goroutine, or the package-level functions, which borrow one
// from a pool.
type Encoder struct {
	out sliceWriter // the sink image/jpeg and image/png write to

	ycc    image.YCbCr // 4:4:4 copy of the image for image/jpeg
	yccBuf []byte
	tj     *turboJPEG // libjpeg-turbo compressor (-tags turbojpeg)
	rgba   image.RGBA // opaque copy of the image for image/png
	png    png.Encoder
	pngBuf pngPool

	// Fit
	fitCur      RGB            // the image Fit is encoding (-tags turbojpeg)
	best, trial []byte         // the best file so far and the one being tried
	scaled      []byte         // the downscaled image
	resizers    []sizedResizer // the plans of the last downscales, newest last

	// WebP
	webp   webpScratch // per-build (cgo or not) encoder state
	frames []WebPFrame // parse results of the stills being wrapped
	durs   []int       // frame durations, ms
}

// sizedResizer is a Resizer with the sizes it was planned for.
type sizedResizer struct {
	from, to image.Point
	rz       *preprocess.Resizer
}

// maxResizers bounds the plans an Encoder keeps: one Fit tries a few sizes,
// and the same ones again for the next frame of the same size.
const maxResizers = 2 * maxFitScales

// NewEncoder returns an Encoder with no buffers yet. It is the same as
// new(Encoder); the zero value is ready to use.
func NewEncoder() *Encoder { return new(Encoder) }

// Reset drops the buffers e holds, for instance after encoding an unusually
// large image, so that they can be garbage collected. e stays usable.
func (e *Encoder) Reset() { *e = Encoder{} }

// encoders lends Encoders to the package-level functions.
var encoders = sync.Pool{New: func() any { return new(Encoder) }}

func getEncoder() *Encoder  { return encoders.Get().(*Encoder) }
func putEncoder(e *Encoder) { encoders.Put(e) }

// sliceWriter appends everything written to b. It implements the
// Flush/WriteByte writer image/jpeg looks for, so that image/jpeg writes
// straight into it instead of wrapping it in a new bufio.Writer.
type sliceWriter struct{ b []byte }

func (w *sliceWriter) Write(p []byte) (int, error) {
	w.b = append(w.b, p...)
	return len(p), nil
}

// WriteString saves io.WriteString (image/png writes its signature with it)
// a conversion to []byte.
func (w *sliceWriter) WriteString(s string) (int, error) {
	w.b = append(w.b, s...)
	return len(s), nil
}

func (w *sliceWriter) WriteByte(c byte) error {
	w.b = append(w.b, c)
	return nil
}

func (w *sliceWriter) Flush() error { return nil }

// start points the sink at dst; finish takes the result back and lets go of
// the caller's buffer.
func (w *sliceWriter) start(dst []byte) { w.b = dst }

func (w *sliceWriter) finish() []byte {
	b := w.b
	w.b = nil
	return b
}

// pngPool is a one-slot png.EncoderBufferPool: image/png keeps its zlib
// writer and row buffers in the EncoderBuffer, so handing the same one back
// makes steady-state PNG encoding allocation-free.
type pngPool struct{ b *png.EncoderBuffer }

func (p *pngPool) Get() *png.EncoderBuffer {
	b := p.b
	p.b = nil
	return b
}

func (p *pngPool) Put(b *png.EncoderBuffer) { p.b = b }

// grow returns b resliced to n bytes, reallocated if its capacity is short.
// The contents are not preserved.
func grow(b []byte, n int) []byte {
	if cap(b) < n {
		return make([]byte, n)
	}
	return b[:n]
}
