package encode_test

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"log"
	"os"

	"github.com/facegate/facegate/encode"
	"github.com/facegate/facegate/preprocess"
)

// faceCrop crops the face of a 1080p picture into a 400x400 RGB with
// preprocess.CropResizer, as a capture app does with its camera frames.
func faceCrop() encode.RGB {
	f, err := os.Open("../testdata/faces/obama-1080p.jpg")
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	img, err := jpeg.Decode(f)
	if err != nil {
		log.Fatal(err)
	}
	frame, _, err := preprocess.FromImage(nil, img)
	if err != nil {
		log.Fatal(err)
	}
	cr, err := preprocess.NewCropResizer(frame.Format, 600, 600, 400, 400, preprocess.Area)
	if err != nil {
		log.Fatal(err)
	}
	rgb := make([]byte, 3*400*400)
	if err := cr.CropResize(rgb, &frame, image.Rect(660, 40, 1260, 640)); err != nil {
		log.Fatal(err)
	}
	crop, err := encode.FromPlane(preprocess.Plane{Pix: rgb, Stride: 3 * 400, Width: 400, Height: 400, Channels: 3})
	if err != nil {
		log.Fatal(err)
	}
	return crop
}

func ExampleAppendJPEG() {
	img := encode.NewRGB(nil, 64, 48)
	for i := range img.Pix {
		img.Pix[i] = byte(i)
	}
	file, err := encode.AppendJPEG(nil, img, &encode.JPEGOptions{Quality: 85})
	if err != nil {
		log.Fatal(err)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(file))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(format, cfg.Width, cfg.Height)
	// Output: jpeg 64 48
}

// A face crop fits the liveness image limits at the top quality; a tight
// limit makes Fit lower the quality and then downscale, keeping the face at
// least 128 px.
func ExampleFit() {
	crop := faceCrop()
	face := image.Rect(100, 100, 300, 300) // where the crop put the face
	file, res, err := encode.Fit(nil, crop, encode.LivenessImageRange, &encode.FitOptions{Face: face})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%v quality %d, %dx%d, in range: %v\n", res.Format, res.Quality, res.Width, res.Height,
		encode.LivenessImageRange.Contains(len(file)))

	tight := encode.Range{Min: 1024, Max: 8000}
	file, res, err = encode.Fit(nil, crop, tight, &encode.FitOptions{Face: face, MinFace: 128})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("downscaled: %v, face >= 128 px: %v, in range: %v\n", res.Scale < 1,
		res.Face.Dx() >= 128 && res.Face.Dy() >= 128, tight.Contains(len(file)))

	// Under 2000 bytes the face would have to shrink below 128 px.
	_, _, err = encode.Fit(nil, crop, encode.Range{Min: 1024, Max: 2000}, &encode.FitOptions{Face: face})
	var fe *encode.FitError
	fmt.Println(errors.Is(err, encode.ErrTooLarge), errors.As(err, &fe) && fe.Bytes > 2000)
	// Output:
	// jpeg quality 92, 400x400, in range: true
	// downscaled: true, face >= 128 px: true, in range: true
	// true true
}

// A BMP's size is known before encoding it.
func ExampleAppendBMP() {
	img := encode.NewRGB(nil, 33, 20)
	file, err := encode.AppendBMP(nil, img)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(file), encode.BMPSize(33, 20), encode.FaceListImageRange.Contains(len(file)))
	// Output: 2054 2054 true
}

// ParseWebP lists the frames of an animated WebP, here one written by
// libwebp's img2webp.
func ExampleParseWebP() {
	b, err := os.ReadFile("../testdata/decode/pigo-anim.webp")
	if err != nil {
		log.Fatal(err)
	}
	info, err := encode.ParseWebP(nil, b)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%dx%d animated %v, loop %d\n", info.Width, info.Height, info.Animated, info.LoopCount)
	for i, f := range info.Frames {
		fmt.Printf("frame %d: %dx%d at (%d,%d), %d ms, lossless %v\n", i, f.Width, f.Height, f.X, f.Y, f.DurationMs, f.Lossless)
	}
	// Output:
	// 96x120 animated true, loop 0
	// frame 0: 96x120 at (0,0), 500 ms, lossless false
	// frame 1: 96x120 at (0,0), 500 ms, lossless false
}
