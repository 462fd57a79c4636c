package encode

import (
	"image"
	"image/jpeg"
	"math"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/facegate/facegate/preprocess"
)

// The face crop the tests and benchmarks encode: a 600x600 window of
// testdata/faces/obama-1080p.jpg around the face at (810,190)-(1110,490),
// resized to 400x400 by preprocess.CropResizer (the path a payload's crop
// takes). In the crop the face is at (100,100)-(300,300).
const cropSize = 400

var cropFace = image.Rect(100, 100, 300, 300)

var (
	frameOnce sync.Once
	frame1080 preprocess.Frame
	frameErr  error
)

// faceFrame returns obama-1080p.jpg as a preprocess.Frame (I444: the JPEG is
// 4:4:4).
func faceFrame(tb testing.TB) *preprocess.Frame {
	tb.Helper()
	frameOnce.Do(func() {
		var f *os.File
		if f, frameErr = os.Open(filepath.Join("..", "testdata", "faces", "obama-1080p.jpg")); frameErr != nil {
			return
		}
		defer f.Close()
		var img image.Image
		if img, frameErr = jpeg.Decode(f); frameErr != nil {
			return
		}
		frame1080, _, frameErr = preprocess.FromImage(nil, img)
	})
	if frameErr != nil {
		tb.Fatal(frameErr)
	}
	return &frame1080
}

// faceCrop returns the 400x400 face crop of the 600x600 window at (x0, y0).
func faceCropAt(tb testing.TB, x0, y0 int) RGB {
	tb.Helper()
	fr := faceFrame(tb)
	cr, err := preprocess.NewCropResizer(fr.Format, 600, 600, cropSize, cropSize, preprocess.Area)
	if err != nil {
		tb.Fatal(err)
	}
	m := NewRGB(nil, cropSize, cropSize)
	if err := cr.CropResize(m.Pix, fr, image.Rect(x0, y0, x0+600, y0+600)); err != nil {
		tb.Fatal(err)
	}
	return m
}

func faceCrop(tb testing.TB) RGB { return faceCropAt(tb, 660, 40) }

// fullFrame returns the whole 1920x1080 picture as an RGB.
func fullFrame(tb testing.TB) RGB {
	tb.Helper()
	fr := faceFrame(tb)
	cr, err := preprocess.NewCropResizer(fr.Format, fr.Width, fr.Height, fr.Width, fr.Height, preprocess.Area)
	if err != nil {
		tb.Fatal(err)
	}
	m := NewRGB(nil, fr.Width, fr.Height)
	if err := cr.CropResize(m.Pix, fr, image.Rect(0, 0, fr.Width, fr.Height)); err != nil {
		tb.Fatal(err)
	}
	return m
}

// psnr is the peak signal-to-noise ratio of b against a, in dB, over all
// three channels. Identical images give +Inf.
func psnr(tb testing.TB, a, b RGB) float64 {
	tb.Helper()
	if a.Width != b.Width || a.Height != b.Height {
		tb.Fatalf("psnr of %dx%d against %dx%d", b.Width, b.Height, a.Width, a.Height)
	}
	var sum float64
	for y := 0; y < a.Height; y++ {
		ra, rb := a.Row(y), b.Row(y)
		for i := range ra {
			d := float64(ra[i]) - float64(rb[i])
			sum += d * d
		}
	}
	mse := sum / float64(3*a.Width*a.Height)
	if mse == 0 {
		return math.Inf(1)
	}
	return 10 * math.Log10(255*255/mse)
}

// decodeRGB decodes b with preprocess.DecodeBytes (the standard decoders,
// x/image/bmp and x/image/webp behind limits) and checks its format and size.
func decodeRGB(tb testing.TB, b []byte, want preprocess.ImageFormat, w, h int) RGB {
	tb.Helper()
	img, f, err := preprocess.DecodeBytes(b, nil)
	if err != nil {
		tb.Fatalf("preprocess.DecodeBytes: %v", err)
	}
	if f != want {
		tb.Fatalf("decoded as %v, want %v", f, want)
	}
	if got := img.Bounds(); got != image.Rect(0, 0, w, h) {
		tb.Fatalf("decoded bounds %v, want %dx%d", got, w, h)
	}
	m, err := FromImage(nil, img)
	if err != nil {
		tb.Fatal(err)
	}
	return m
}

// flat returns a w x h image of one colour.
func flat(w, h int, r, g, b byte) RGB {
	m := NewRGB(nil, w, h)
	for i := 0; i < len(m.Pix); i += 3 {
		m.Pix[i], m.Pix[i+1], m.Pix[i+2] = r, g, b
	}
	return m
}

// animTimestamps are camera-like capture times: 30 fps with a millisecond of
// jitter and a dropped frame before the sixth. animDurations are the frame
// durations they give: the differences, the last repeating the one before.
var (
	animTimestamps = []int64{5000, 5033, 5067, 5100, 5133, 5200, 5233, 5267, 5300, 5333}
	animDurations  = []int{33, 34, 33, 33, 67, 33, 34, 33, 33, 33}
)

// wantDurations are the durations of the first n >= 2 frames of animFrames:
// the last repeats the one before.
func wantDurations(n int) []int {
	d := append([]int(nil), animDurations[:n-1]...)
	return append(d, d[n-2])
}

// animFrames returns n (at most 10) 400x400 face crops, the window sliding
// 20 px right per frame, with animTimestamps.
func animFrames(tb testing.TB, n int) []AnimFrame {
	tb.Helper()
	frames := make([]AnimFrame, n)
	for i := range frames {
		frames[i] = AnimFrame{Image: faceCropAt(tb, 620+20*i, 40), TimestampMs: animTimestamps[i]}
	}
	return frames
}
