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
// captures for a liveness request.
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
		fmt.Printf("frame %d: accept %v, target %d\n", res.Index, res.Verdict.Accept, res.TargetID)
	}
	held, seen := seq.Coverage()
	fmt.Printf("target in %d of %d frames, %d captures, sequence accepted: %v\n",
		held, seen, len(seq.Captures), seq.Verdict(facegate.DefaultPolicy()).Accept)
	// Output:
	// frame 0: accept true, target 1
	// frame 1: accept true, target 1
	// frame 2: accept true, target 1
	// target in 3 of 3 frames, 3 captures, sequence accepted: true
}
