package track_test

import (
	"fmt"
	"image"
	"log"

	"github.com/facegate/facegate/track"
)

// Faces detected in four frames: one moves to the right and is hidden in the
// third frame; a second appears in the second frame. The target is the
// largest face of the first frame.
func ExampleTracker() {
	tr, err := track.NewTracker(nil) // MinIoU 0.3, ConfirmHits 2, MaxMissed 5
	if err != nil {
		log.Fatal(err)
	}
	target := track.NewTarget(0.3)
	frames := [][]image.Rectangle{
		{image.Rect(100, 80, 220, 200)},
		{image.Rect(300, 90, 380, 170), image.Rect(104, 80, 224, 200)},
		{image.Rect(302, 90, 382, 170)},
		{image.Rect(112, 82, 232, 202), image.Rect(303, 91, 383, 171)},
	}
	for f, boxes := range frames {
		tracks := tr.Update(boxes)
		i := target.Update(tracks)
		for _, t := range tracks {
			mark := ""
			if i >= 0 && t.ID == tracks[i].ID {
				mark = " <- target"
			}
			fmt.Printf("frame %d: track %d detection %2d hits %d missed %d confirmed %v%s\n", f, t.ID, t.Detection, t.Hits, t.Missed, t.Confirmed, mark)
		}
	}
	held, seen := target.Coverage()
	fmt.Printf("target %d held in %d of %d frames\n", target.ID(), held, seen)
	// Output:
	// frame 0: track 1 detection  0 hits 1 missed 0 confirmed false <- target
	// frame 1: track 1 detection  1 hits 2 missed 0 confirmed true <- target
	// frame 1: track 2 detection  0 hits 1 missed 0 confirmed false
	// frame 2: track 1 detection -1 hits 2 missed 1 confirmed true
	// frame 2: track 2 detection  0 hits 2 missed 0 confirmed true
	// frame 3: track 1 detection  0 hits 3 missed 0 confirmed true <- target
	// frame 3: track 2 detection  1 hits 3 missed 0 confirmed true
	// target 1 held in 3 of 4 frames
}
