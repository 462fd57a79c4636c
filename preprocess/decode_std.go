//go:build !cgo || !turbojpeg

package preprocess

import "image"

// JPEGTurboDecode reports whether Decode and DecodeBytes decode JPEG files
// with libjpeg-turbo: only in builds with cgo and -tags turbojpeg. This
// build decodes them with image/jpeg.
const JPEGTurboDecode = false

// decTurboJPEG is unused without libjpeg-turbo: it leaves every file to
// image/jpeg.
func decTurboJPEG([]byte, image.Config, DecodeLimits) (image.Image, bool, error) {
	return nil, false, nil
}
