package main

import (
	"image"
	"testing"
)

func TestScore(t *testing.T) {
	face := image.Rect(100, 100, 200, 200)
	small := image.Rect(10, 10, 40, 40)
	var tl Tally
	// A near match, a detection of the small face, and a stray one.
	score(&tl, []Box{face, small}, []Box{image.Rect(110, 105, 205, 200), image.Rect(12, 10, 42, 40), image.Rect(300, 300, 380, 380)}, 64, 0.3, true)
	if tl != (Tally{Truth: 1, Found: 1, Correct: 1, Wrong: 1}) {
		t.Fatalf("exhaustive: %+v", tl)
	}
	tl = Tally{}
	score(&tl, []Box{face}, []Box{image.Rect(300, 300, 380, 380), image.Rect(150, 150, 250, 250)}, 64, 0.3, false)
	if tl != (Tally{Truth: 1, Unchecked: 2}) { // IoU of the shifted box is 1/7
		t.Fatalf("not exhaustive: %+v", tl)
	}
	if tl.Recall() != 0 || tl.Precision() != 0 {
		t.Fatalf("ratios of nothing: %v %v", tl.Recall(), tl.Precision())
	}
	// Each face matches one detection at most.
	tl = Tally{}
	score(&tl, []Box{face}, []Box{face, face}, 64, 0.3, true)
	if tl.Found != 1 || tl.Wrong != 1 || tl.Precision() != 0.5 {
		t.Fatalf("duplicates: %+v", tl)
	}
}
