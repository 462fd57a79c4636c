package facegate_test

import (
	"fmt"
	"os"

	"github.com/facegate/facegate"
	"github.com/facegate/facegate/preprocess"
)

// Check one decoded image against the service's rules and print what the
// service would answer.
func Example() {
	b, err := os.ReadFile("testdata/negatives/chelsea.png")
	if err != nil {
		panic(err)
	}
	img, _, err := preprocess.DecodeBytes(b, nil)
	if err != nil {
		panic(err)
	}
	pl, err := facegate.New(nil) // facegate.DefaultPolicy()
	if err != nil {
		panic(err)
	}
	res, err := pl.ProcessImage(img)
	if err != nil {
		panic(err)
	}
	fmt.Println("accept:", res.Verdict.Accept)
	for _, r := range res.Verdict.Reasons() {
		fmt.Printf("%s: %s\n", r.Code, r.Message())
	}
	// Output:
	// accept: false
	// no-face: Face not found within target rectangle.
}

// Follow a camera's frames: the verdict of each, and the sequence's
// captures for a liveness request. These webcam frames are 400x300 and the
// face in them about 110 px from brow to chin, under the service's 128 px
// minimum: each frame is rejected with the service's answer, and the app
// would ask the person to move closer. (Enlarged 1.5 times, the same
// frames pass: see TestSequenceRealClip.)
func ExampleSequence() {
	pl, err := facegate.New(nil)
	if err != nil {
		panic(err)
	}
	var seq facegate.Sequence
	for _, name := range []string{"000000.jpg", "000005.jpg", "000010.jpg"} {
		b, err := os.ReadFile("testdata/sequences/cap12/" + name)
		if err != nil {
			panic(err)
		}
		img, _, err := preprocess.DecodeBytes(b, nil)
		if err != nil {
			panic(err)
		}
		res, err := pl.ProcessImage(img)
		if err != nil {
			panic(err)
		}
		seq.Add(res)
		fmt.Printf("frame %d: accept %v, target %d, face under %d px: %v: %v\n",
			res.Index, res.Verdict.Accept, res.TargetID, res.MinFaceSize, res.FaceSize < res.MinFaceSize, res.Verdict.Err())
	}
	held, seen := seq.Coverage()
	fmt.Printf("target in %d of %d frames, %d captures, sequence accepted: %v\n",
		held, seen, len(seq.Captures), seq.Verdict(facegate.DefaultPolicy()).Accept)
	// Output:
	// frame 0: accept false, target 1, face under 128 px: true: facegate: rejected: face-too-small (Face not found within target rectangle.)
	// frame 1: accept false, target 1, face under 128 px: true: facegate: rejected: face-too-small (Face not found within target rectangle.)
	// frame 2: accept false, target 1, face under 128 px: true: facegate: rejected: face-too-small (Face not found within target rectangle.)
	// target in 3 of 3 frames, 0 captures, sequence accepted: false
}
