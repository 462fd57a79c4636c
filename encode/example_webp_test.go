//go:build cgo

package encode_test

import (
	"fmt"
	"image"
	"log"

	"github.com/facegate/facegate/encode"
)

// The liveness video: face crops with their capture times become an animated
// WebP whose frame durations are the gaps between the timestamps.
func ExampleAppendAnimatedWebP() {
	crop := faceCrop()
	var frames []encode.AnimFrame
	for i, ts := range []int64{1000, 1033, 1067, 1100} {
		// Stand-ins for consecutive camera frames: the crop, shifted.
		m, err := crop.SubImage(image.Rect(10*i, 0, 10*i+300, 300))
		if err != nil {
			log.Fatal(err)
		}
		frames = append(frames, encode.AnimFrame{Image: m, TimestampMs: ts})
	}
	video, err := encode.AppendAnimatedWebP(nil, frames, &encode.WebPOptions{Quality: 75})
	if err != nil {
		log.Fatal(err)
	}
	info, err := encode.ParseWebP(nil, video)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%dx%d, %d frames, in range: %v\n", info.Width, info.Height, len(info.Frames),
		encode.LivenessVideoRange.Contains(len(video)))
	var ms []int
	for _, f := range info.Frames {
		ms = append(ms, f.DurationMs)
	}
	fmt.Println("durations:", ms)
	// Output:
	// 300x300, 4 frames, in range: true
	// durations: [33 34 33 33]
}
