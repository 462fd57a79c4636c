package encode

import (
	"image"
	"image/color"
	"image/jpeg"
)

// DefaultJPEGQuality is the JPEG quality used when JPEGOptions.Quality is 0.
const DefaultJPEGQuality = 90

// JPEGOptions are the parameters of AppendJPEG. A nil *JPEGOptions means the
// defaults.
type JPEGOptions struct {
	// Quality is image/jpeg's quality, 1 to 100; 0 means DefaultJPEGQuality.
	Quality int
}

func (o *JPEGOptions) quality() (int, error) {
	if o == nil || o.Quality == 0 {
		return DefaultJPEGQuality, nil
	}
	if o.Quality < 1 || o.Quality > 100 {
		return 0, optErr("quality", "%d, want 1 to 100", o.Quality)
	}
	return o.Quality, nil
}

// AppendJPEG appends img encoded as a baseline 4:2:0 JPEG (by libjpeg-turbo
// with cgo and -tags turbojpeg, image/jpeg otherwise) to dst and returns the extended
// slice. It borrows an
// Encoder from a pool; see Encoder.AppendJPEG.
func AppendJPEG(dst []byte, img RGB, o *JPEGOptions) ([]byte, error) {
	e := getEncoder()
	defer putEncoder(e)
	return e.AppendJPEG(dst, img, o)
}

// AppendJPEG appends img encoded as a baseline 4:2:0 JPEG to dst and returns
// the extended slice. In builds with -tags turbojpeg (JPEGTurbo) libjpeg-turbo encodes it with
// a compressor e keeps, and the file is copied onto dst. Without cgo the
// standard library's image/jpeg does: the image is converted to YCbCr with
// color.RGBToYCbCr, the arithmetic image/jpeg itself uses, into a buffer e
// keeps, and image/jpeg writes straight into dst. Both use the same
// quantisation tables for a quality, so files differ only by rounding. On
// error dst is returned unchanged in length.
func (e *Encoder) AppendJPEG(dst []byte, img RGB, o *JPEGOptions) ([]byte, error) {
	q, err := o.quality()
	if err != nil {
		return dst, err
	}
	if err := img.Validate(); err != nil {
		return dst, err
	}
	return e.appendJPEG(dst, img, q)
}

// appendStdJPEG encodes img (validated) at quality q with image/jpeg: the
// pure-Go path of builds without libjpeg-turbo, and the reference the libjpeg-turbo
// path is tested against.
func (e *Encoder) appendStdJPEG(dst []byte, img RGB, q int) ([]byte, error) {
	e.loadYCbCr(img)
	return e.appendLoadedJPEG(dst, q)
}

// loadYCbCr converts img into e.ycc, full resolution (4:4:4): image/jpeg
// subsamples the chroma itself, averaging 2x2 blocks.
func (e *Encoder) loadYCbCr(img RGB) {
	w, h := img.Width, img.Height
	n := w * h
	e.yccBuf = grow(e.yccBuf, 3*n)
	yp, cbp, crp := e.yccBuf[:n:n], e.yccBuf[n:2*n:2*n], e.yccBuf[2*n:3*n:3*n]
	for y := 0; y < h; y++ {
		row := img.Row(y)
		yr, cbr, crr := yp[y*w:(y+1)*w], cbp[y*w:(y+1)*w], crp[y*w:(y+1)*w]
		for x := range yr {
			p := row[3*x : 3*x+3 : 3*x+3]
			yr[x], cbr[x], crr[x] = color.RGBToYCbCr(p[0], p[1], p[2])
		}
	}
	e.ycc = image.YCbCr{
		Y: yp, Cb: cbp, Cr: crp,
		YStride: w, CStride: w,
		SubsampleRatio: image.YCbCrSubsampleRatio444,
		Rect:           image.Rect(0, 0, w, h),
	}
}

// appendLoadedJPEG encodes e.ycc at quality q onto dst.
func (e *Encoder) appendLoadedJPEG(dst []byte, q int) ([]byte, error) {
	n := len(dst)
	e.out.start(dst)
	err := jpeg.Encode(&e.out, &e.ycc, &jpeg.Options{Quality: q})
	dst = e.out.finish()
	if err != nil {
		return dst[:n], encErr("jpeg", err)
	}
	return dst, nil
}
