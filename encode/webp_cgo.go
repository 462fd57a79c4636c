//go:build cgo

package encode

import (
	"image"

	"github.com/chai2010/webp"
)

// WebPAvailable reports whether this build can encode WebP. libwebp is
// reached through cgo: a build with CGO_ENABLED=0 has it false, and its
// AppendWebP and AppendAnimatedWebP return ErrNoWebP.
const WebPAvailable = true

// webpScratch is the Encoder's libwebp state: the image header handed to
// chai2010/webp, kept so that it is not allocated per frame.
type webpScratch struct {
	img webp.RGBImage
}

// encodeStill returns img encoded by libwebp as a simple still WebP file:
// lossy (one "VP8 " chunk) at the given quality, or lossless (one "VP8L"
// chunk). The returned slice is new, owned by the caller.
func (e *Encoder) encodeStill(img RGB, quality int, lossless bool) ([]byte, error) {
	e.webp.img = webp.RGBImage{XPix: img.Pix, XStride: img.Stride, XRect: image.Rect(0, 0, img.Width, img.Height)}
	var (
		b   []byte
		err error
	)
	if lossless {
		b, err = webp.EncodeLosslessRGB(&e.webp.img)
	} else {
		b, err = webp.EncodeRGB(&e.webp.img, float32(quality))
	}
	e.webp.img.XPix = nil // do not keep the caller's pixels
	if err != nil {
		return nil, encErr("webp", err)
	}
	return b, nil
}
