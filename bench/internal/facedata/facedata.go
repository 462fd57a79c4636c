// Package facedata reads the images of the shared facedata collection for
// the bench commands.
package facedata

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"image"
	"os"
	"path"
	"path/filepath"

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

// Set is the part of an annotation file (annotations/<set>.json) the
// bench commands read.
type Set struct {
	Set    string `json:"set"`
	Images []struct {
		File      string `json:"file"` // relative to the facedata folder
		FaceCount *int   `json:"face_count"`
		Attrs     struct {
			Selection string `json:"selection"`
			Blur      string `json:"blur"` // real_blur_triplets: sharp, defocus_blur, motion_blur
		} `json:"image_attributes"`
		Faces []struct {
			X, Y, W, H *float64 // nil: no box upstream
			Pose       *struct {
				Yaw   float64 `json:"yaw_deg"`
				Pitch float64 `json:"pitch_deg"`
				Roll  float64 `json:"roll_deg"`
			} `json:"pose"`
		} `json:"faces"`
	} `json:"images"`
}

// LoadSet reads annotations/<set>.json under the facedata folder data.
func LoadSet(data, set string) (*Set, error) {
	b, err := os.ReadFile(filepath.Join(data, "annotations", set+".json"))
	if err != nil {
		return nil, err
	}
	var a Set
	if err := json.Unmarshal(b, &a); err != nil {
		return nil, fmt.Errorf("%s: %w", set, err)
	}
	return &a, nil
}

// The two parts of the public data: thresholds are tuned on the calibrate
// part, and figures are reported on the other.
const (
	PartCalibrate = "calibrate"
	PartReport    = "report"
)

// Part assigns a source file to a part by the FNV-1a hash of its base
// name: even hashes calibrate, odd ones report. Every bench command splits
// the data this way, so that a face tuned on never appears in a report.
func Part(file string) string {
	h := fnv.New32a()
	h.Write([]byte(path.Base(file)))
	if h.Sum32()%2 == 0 {
		return PartCalibrate
	}
	return PartReport
}
