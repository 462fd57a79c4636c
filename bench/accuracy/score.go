package main

import "image"

// Box is an axis-aligned face box in pixels.
type Box = image.Rectangle

// iou is the intersection over union of two boxes.
func iou(a, b Box) float64 {
	in := a.Intersect(b)
	if in.Empty() {
		return 0
	}
	ai := float64(in.Dx() * in.Dy())
	return ai / (float64(a.Dx()*a.Dy()) + float64(b.Dx()*b.Dy()) - ai)
}

// Tally counts one detector's matches over a set.
type Tally struct {
	Truth     int // annotated faces of the scored size
	Found     int // of them, matched by a detection
	Correct   int // detections matching a scored face
	Wrong     int // detections matching no annotated face, in exhaustively annotated images
	Unchecked int // detections in images whose annotation is not exhaustive, matching nothing
}

// Recall is Found/Truth (NaN-free: 0 for no truth).
func (t Tally) Recall() float64 {
	if t.Truth == 0 {
		return 0
	}
	return float64(t.Found) / float64(t.Truth)
}

// Precision is Correct/(Correct+Wrong): unchecked detections are left out.
func (t Tally) Precision() float64 {
	if t.Correct+t.Wrong == 0 {
		return 0
	}
	return float64(t.Correct) / float64(t.Correct+t.Wrong)
}

// score matches one image's detections to its annotated faces greedily by
// IoU (each face and each detection used once). Faces whose longer side is
// at least minSide are scored; a detection that matches a smaller annotated
// face counts neither way; one that matches nothing is Wrong when the
// image's annotation is exhaustive, Unchecked otherwise.
func score(t *Tally, truth, dets []Box, minSide int, minIoU float64, exhaustive bool) {
	usedT := make([]bool, len(truth))
	usedD := make([]bool, len(dets))
	for {
		best, bt, bd := minIoU, -1, -1
		for i, tb := range truth {
			if usedT[i] {
				continue
			}
			for j, d := range dets {
				if !usedD[j] {
					if v := iou(tb, d); v >= best {
						best, bt, bd = v, i, j
					}
				}
			}
		}
		if bt < 0 {
			break
		}
		usedT[bt], usedD[bd] = true, true
		if scored(truth[bt], minSide) {
			t.Found++
			t.Correct++
		}
	}
	for _, tb := range truth {
		if scored(tb, minSide) {
			t.Truth++
		}
	}
	for j := range dets {
		if usedD[j] {
			continue
		}
		if exhaustive {
			t.Wrong++
		} else {
			t.Unchecked++
		}
	}
}

func scored(b Box, minSide int) bool { return max(b.Dx(), b.Dy()) >= minSide }
