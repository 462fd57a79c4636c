package payload

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

// Validate measuring faces holds one decoded image at a time: when it
// decodes a file, the images of the files before are unreachable (issue
// 14: three 790 KB PNGs held 1.6 GB until the request was done).
func TestValidateDecodesOneImageAtATime(t *testing.T) {
	var live atomic.Int32
	maxLive, decodes := int32(0), 0
	orig := decodeFrameImage
	defer func() { decodeFrameImage = orig }()
	decodeFrameImage = func(b []byte) (image.Image, error) {
		for range 100 { // finalizers run after a GC, on their own goroutine
			runtime.GC()
			if live.Load() == 0 {
				break
			}
			time.Sleep(2 * time.Millisecond)
		}
		maxLive = max(maxLive, live.Load())
		img, err := orig(b)
		if err == nil {
			decodes++
			live.Add(1)
			runtime.SetFinalizer(img, func(any) { live.Add(-1) })
		}
		return img, err
	}
	rng := rand.New(rand.NewPCG(1, 2))
	r := &LivenessRequest{ModelVersion: ModelVersionLatest}
	for i := range 3 {
		m := image.NewRGBA(image.Rect(0, 0, 320, 240))
		for p := 0; p < len(m.Pix); p += 4 {
			v := uint8(60 + rng.IntN(140))
			m.Pix[p], m.Pix[p+1], m.Pix[p+2], m.Pix[p+3] = v, v, v, 255
		}
		m.Set(0, 0, color.RGBA{1, 2, 3, 255})
		var buf bytes.Buffer
		if err := png.Encode(&buf, m); err != nil {
			t.Fatal(err)
		}
		name := fmt.Sprintf("f%d.png", i)
		r.Files = append(r.Files, File{Name: name, Data: buf.Bytes()})
		// Two frames per file: the second reuses the decoded image.
		for k := range 2 {
			r.Frames = append(r.Frames, Frame{FileName: name, FrameNumber: k, CreationTimeMillis: 1700000000000 + int64(100*i+k),
				TargetFace: &Rect{Left: 80, Top: 40, Width: 160, Height: 160}})
		}
	}
	if err := r.Validate(&ValidateOptions{Quality: &QualityOptions{}}); err != nil {
		t.Fatal(err)
	}
	if decodes != 3 || maxLive != 0 {
		t.Errorf("%d decodes, at most %d earlier images alive at a decode; want 3 and 0", decodes, maxLive)
	}
}
