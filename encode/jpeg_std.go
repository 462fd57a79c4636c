//go:build !cgo || !turbojpeg

package encode

// JPEGTurbo reports whether AppendJPEG encodes with libjpeg-turbo. It is
// false in this build (no cgo, or no -tags turbojpeg): AppendJPEG uses
// image/jpeg.
const JPEGTurbo = false

// turboJPEG is empty without libjpeg-turbo.
type turboJPEG struct{}

// appendJPEG encodes img (validated) at quality q with image/jpeg.
func (e *Encoder) appendJPEG(dst []byte, img RGB, q int) ([]byte, error) {
	return e.appendStdJPEG(dst, img, q)
}

// loadFitJPEG converts img to YCbCr once for the qualities Fit tries.
func (e *Encoder) loadFitJPEG(img RGB) { e.loadYCbCr(img) }

// appendFitJPEG encodes the image of the last loadFitJPEG at quality q.
func (e *Encoder) appendFitJPEG(dst []byte, q int) ([]byte, error) {
	return e.appendLoadedJPEG(dst, q)
}
