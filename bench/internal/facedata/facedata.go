// Package facedata reads the images of the shared facedata collection for
// the bench commands.
package facedata

import (
	"image"
	"os"

	"github.com/facegate/facegate/preprocess"
)

// LoadGray decodes an image file (preprocess.Decode, with its limits) into
// a gray image: the Y plane of YCbCr images, BT.601 luma of the others.
func LoadGray(path string) (*image.Gray, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	img, _, err := preprocess.Decode(f, nil)
	if err != nil {
		return nil, err
	}
	fr, _, err := preprocess.FromImage(nil, img)
	if err != nil {
		return nil, err
	}
	g := image.NewGray(image.Rect(0, 0, fr.Width, fr.Height))
	if err := fr.LumaRect(Plane(g), g.Rect); err != nil {
		return nil, err
	}
	return g, nil
}

// Plane views a gray image as a preprocess.Plane.
func Plane(g *image.Gray) preprocess.Plane {
	return preprocess.GrayPlane(g.Pix, g.Stride, g.Rect.Dx(), g.Rect.Dy())
}
