//go:build cgo && turbojpeg

package preprocess

import (
	"image"

	"github.com/facegate/facegate/preprocess/internal/tjdec"
)

// JPEGTurboDecode reports whether Decode and DecodeBytes decode JPEG files
// with libjpeg-turbo. It is true in builds with cgo and -tags turbojpeg
// (which link -lturbojpeg, Debian's libturbojpeg0-dev), as for
// encode.JPEGTurbo; every other build, wasm and CGO_ENABLED=0 included,
// decodes with image/jpeg.
//
// The result has the type image/jpeg gives: *image.YCbCr (the planes as
// coded, chroma not upsampled) or *image.Gray. CMYK and YCCK files, rare
// in camera frames, still go through image/jpeg. libjpeg-turbo's accurate
// integer IDCT differs from image/jpeg's by a level or two in some
// samples (TestJPEGTurboDecodeMatchesStdlib bounds it).
const JPEGTurboDecode = true

// turboDecs keeps TurboJPEG decompressor handles across calls: a free list
// rather than a sync.Pool, which a garbage collection empties, so that a
// steady stream of decodes allocates no handles (the allocation counts the
// regression gate compares stay put). Handles beyond its capacity are
// dropped, and their finalizer destroys them.
var turboDecs = make(chan *tjdec.Decoder, 8)

// turboDecGet takes a handle from turboDecs or makes one; nil if
// libjpeg-turbo cannot.
func turboDecGet() *tjdec.Decoder {
	select {
	case d := <-turboDecs:
		return d
	default:
	}
	d, err := tjdec.New()
	if err != nil {
		return nil
	}
	return d
}

// turboDecPut returns d to turboDecs, or drops it when that is full.
func turboDecPut(d *tjdec.Decoder) {
	select {
	case turboDecs <- d:
	default:
	}
}

// turboSubsample maps TurboJPEG's subsampling to image.YCbCr's.
var turboSubsample = map[int]image.YCbCrSubsampleRatio{
	tjdec.Samp444: image.YCbCrSubsampleRatio444,
	tjdec.Samp422: image.YCbCrSubsampleRatio422,
	tjdec.Samp420: image.YCbCrSubsampleRatio420,
	tjdec.Samp440: image.YCbCrSubsampleRatio440,
	tjdec.Samp411: image.YCbCrSubsampleRatio411,
}

// decTurboJPEG decodes the JPEG file b, whose header image/jpeg has read
// as cfg and the limits have passed, with libjpeg-turbo. It reads the
// header again with tjDecompressHeader3 and checks that size against the
// limits and cfg before allocating the image. ok is false, with no error,
// for a file it leaves to image/jpeg: CMYK, YCCK, a subsampling
// image.YCbCr cannot hold, and any file libjpeg-turbo fails on or only
// warns about, or whose size it reads otherwise than image/jpeg (truncated or corrupt data; a baseline file with more than
// one scan, which image/jpeg accepts). So the verdict on a malformed file,
// ErrDecode or an image, is image/jpeg's as in the pure-Go build, and
// valid camera frames take the fast path.
func decTurboJPEG(b []byte, cfg image.Config, l DecodeLimits) (m image.Image, ok bool, err error) {
	const f = FormatJPEG
	if len(b) == 0 {
		return nil, false, nil
	}
	d := turboDecGet()
	if d == nil {
		return nil, false, nil
	}
	defer turboDecPut(d)
	w, h, samp, cs, err := d.Header(b)
	if err != nil || w <= 0 || h <= 0 {
		return nil, false, nil
	}
	if err := decCheckSize(f, w, h, l); err != nil {
		return nil, true, err
	}
	if w != cfg.Width || h != cfg.Height {
		return nil, false, nil // the readers disagree: image/jpeg decides
	}
	r := image.Rect(0, 0, w, h)
	switch {
	case samp == tjdec.SampGray || cs == tjdec.CSGray:
		g := image.NewGray(r)
		if err := d.Gray(b, g.Pix, w, g.Stride, h); err != nil {
			return nil, false, nil
		}
		return g, true, nil
	case cs == tjdec.CSYCbCr:
		ratio, known := turboSubsample[samp]
		if !known {
			return nil, false, nil
		}
		y := turboYCbCr(r, ratio)
		if err := d.YUV(b, y.Y, y.Cb, y.Cr, y.YStride, y.CStride, w, h); err != nil {
			return nil, false, nil
		}
		return y, true, nil
	}
	return nil, false, nil
}

// turboYCbCr allocates an image.YCbCr for libjpeg-turbo to decode into,
// its planes padded to whole MCUs (32 luma samples wide, 16 high) as
// image/jpeg's are: tjDecompressToYUVPlanes of libjpeg-turbo 2.1.5 writes
// a sample past the end of a luma plane of odd width (seen as the first Cb
// sample overwritten in image.NewYCbCr's single buffer), and the padding
// keeps any such write inside the plane.
func turboYCbCr(r image.Rectangle, ratio image.YCbCrSubsampleRatio) *image.YCbCr {
	w, h := r.Dx(), r.Dy()
	yw, yh := (w+31)&^31, (h+15)&^15
	cw, ch := yw, yh
	switch ratio {
	case image.YCbCrSubsampleRatio422:
		cw = yw / 2
	case image.YCbCrSubsampleRatio420:
		cw, ch = yw/2, yh/2
	case image.YCbCrSubsampleRatio440:
		ch = yh / 2
	case image.YCbCrSubsampleRatio411:
		cw = yw / 4
	}
	buf := make([]byte, yw*yh+2*cw*ch)
	return &image.YCbCr{
		Y:              buf[: yw*yh : yw*yh],
		Cb:             buf[yw*yh : yw*yh+cw*ch : yw*yh+cw*ch],
		Cr:             buf[yw*yh+cw*ch:],
		YStride:        yw,
		CStride:        cw,
		SubsampleRatio: ratio,
		Rect:           r,
	}
}
