package preprocess_test

import (
	"fmt"
	"image"
	"image/jpeg"
	"log"
	"os"

	"github.com/facegate/facegate/preprocess"
)

func loadJPEG(path string) image.Image {
	f, err := os.Open(path)
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	img, err := jpeg.Decode(f)
	if err != nil {
		log.Fatal(err)
	}
	return img
}

// A detector works on a quarter-size luma plane: plan the Resizer once, then
// reuse it (and the destination) for every frame.
func ExampleResizer() {
	frame, _, err := preprocess.FromImage(nil, loadJPEG("../testdata/faces/obama-1080p.jpg"))
	if err != nil {
		log.Fatal(err)
	}
	luma, err := frame.Luma(nil) // a view of the Y plane: JPEGs decode to YCbCr
	if err != nil {
		log.Fatal(err)
	}
	rz, err := preprocess.NewResizer(frame.Width, frame.Height, 480, 270, 1, preprocess.Area)
	if err != nil {
		log.Fatal(err)
	}
	small := preprocess.GrayPlane(make([]byte, 480*270), 480, 480, 270)
	if err := rz.Resize(small, luma); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%v %dx%d -> %dx%d\n", frame.Format, frame.Width, frame.Height, small.Width, small.Height)
	// Output: I444 1920x1080 -> 480x270
}

// Sharpness and exposure of a face rectangle.
func ExampleLaplacianVariance() {
	frame, _, _ := preprocess.FromImage(nil, loadJPEG("../testdata/faces/obama-480p.jpg"))
	luma, _ := frame.Luma(nil)
	face := image.Rect(380, 60, 560, 240)
	sharpness, err := preprocess.LaplacianVariance(luma, face)
	if err != nil {
		log.Fatal(err)
	}
	var st preprocess.LumaStats
	if err := preprocess.MeasureLuma(&st, luma, face); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("sharpness %.1f, mean luma %.1f, %.1f%% dark, %.1f%% bright\n",
		sharpness, st.Mean, 100*st.DarkShare, 100*st.BrightShare)
	// Output: sharpness 1169.1, mean luma 115.8, 2.0% dark, 0.8% bright
}

// The face crop a payload carries, straight from an NV12 camera buffer.
func ExampleCropResizer() {
	const w, h = 1280, 720
	y := make([]byte, w*h)    // camera luma
	uv := make([]byte, w*h/2) // interleaved U,V at half resolution
	for i := range uv {
		uv[i] = 128 // grey
	}
	for i := range y {
		y[i] = 100
	}
	frame := preprocess.Frame{Format: preprocess.NV12, Width: w, Height: h,
		Planes: [3][]byte{y, uv}, Strides: [3]int{w, w}}
	cr, err := preprocess.NewCropResizer(preprocess.NV12, 400, 400, 200, 200, preprocess.Area)
	if err != nil {
		log.Fatal(err)
	}
	rgb := make([]byte, 3*200*200)
	if err := cr.CropResize(rgb, &frame, image.Rect(440, 160, 840, 560)); err != nil {
		log.Fatal(err)
	}
	fmt.Println(rgb[:6])
	// Output: [100 100 100 100 100 100]
}
