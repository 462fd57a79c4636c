package encode

import (
	"bytes"
	"errors"
	"image"
	"testing"

	"github.com/facegate/facegate/preprocess"
)

// checkFit checks what every successful Fit must give: a JPEG of the
// reported size and byte count inside the range, decodable by the standard
// decoder.
func checkFit(t *testing.T, b []byte, res FitResult, r Range) RGB {
	t.Helper()
	if res.Format != preprocess.FormatJPEG {
		t.Errorf("format %v, want jpeg", res.Format)
	}
	if res.Bytes != len(b) {
		t.Errorf("result says %d bytes, appended %d", res.Bytes, len(b))
	}
	if !r.Contains(len(b)) {
		t.Errorf("%d bytes outside [%d, %d]", len(b), r.Min, r.Max)
	}
	return decodeRGB(t, b, preprocess.FormatJPEG, res.Width, res.Height)
}

// The face crop fits every service range at the top quality, unscaled.
func TestFitServiceRanges(t *testing.T) {
	src := faceCrop(t)
	for name, r := range map[string]Range{
		"liveness image": LivenessImageRange,
		"liveness video": LivenessVideoRange,
		"face list":      FaceListImageRange,
	} {
		b, res, err := Fit(nil, src, r, &FitOptions{Face: cropFace})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got := checkFit(t, b, res, r)
		if res.Quality != DefaultFitMaxQuality || res.Scale != 1 || res.Width != cropSize || res.Face != cropFace || res.Attempts != 1 {
			t.Errorf("%s: %+v, want quality %d at scale 1 in one attempt", name, res, DefaultFitMaxQuality)
		}
		if p := psnr(t, src, got); p < 37 {
			t.Errorf("%s: PSNR %.2f dB", name, p)
		}
		t.Logf("%s: quality %d, %d bytes", name, res.Quality, res.Bytes)
	}
}

// The bounds are the conservative reading of "1 KB" and "6 MB".
func TestServiceRangesConservative(t *testing.T) {
	for _, c := range []struct {
		r    Range
		mb   int64
		name string
	}{{LivenessImageRange, 6, "image"}, {LivenessVideoRange, 25, "video"}, {FaceListImageRange, 4, "face list"}} {
		if c.r.Min != 1024 || c.r.Max != c.mb*1000*1000 || c.r.Max > c.mb<<20 {
			t.Errorf("%s range %+v: want [1024, %d MB decimal]", c.name, c.r, c.mb)
		}
	}
}

// A tight upper bound makes Fit search the quality: the highest one whose
// file fits.
func TestFitQualitySearch(t *testing.T) {
	src := faceCrop(t)
	e := NewEncoder()
	size := func(q int) int {
		b, err := e.AppendJPEG(nil, src, &JPEGOptions{Quality: q})
		if err != nil {
			t.Fatal(err)
		}
		return len(b)
	}
	r := Range{Min: 1024, Max: int64(size(60)+size(80)) / 2}
	b, res, err := e.Fit([]byte("x"), src, r, &FitOptions{Face: cropFace})
	if err != nil {
		t.Fatal(err)
	}
	if b[0] != 'x' {
		t.Fatal("dst prefix lost")
	}
	checkFit(t, b[1:], res, r)
	if res.Quality <= 60 || res.Quality >= 80 || res.Scale != 1 {
		t.Errorf("quality %d scale %v, want between 60 and 80, unscaled", res.Quality, res.Scale)
	}
	if size(res.Quality+1) <= int(r.Max) {
		t.Errorf("quality %d chosen, but %d fits too", res.Quality, res.Quality+1)
	}
	if res.Attempts > 8 {
		t.Errorf("%d encodings for a binary search over 43 qualities", res.Attempts)
	}
	t.Logf("max %d: quality %d, %d bytes, %d attempts", r.Max, res.Quality, res.Bytes, res.Attempts)
}

// When the lowest quality is too large, Fit downscales, keeping the face at
// least MinFace pixels.
func TestFitDownscale(t *testing.T) {
	crop, full := faceCrop(t), fullFrame(t)
	for _, c := range []struct {
		name    string
		img     RGB
		face    image.Rectangle
		max     int64
		minFace int
	}{
		{"crop", crop, cropFace, 8000, 128},
		{"crop to the face floor", crop, cropFace, 9500, 150}, // 300x300 at quality 50 is about 9.1 kB
		{"1080p frame", full, image.Rect(810, 190, 1110, 490), 40_000, 0},
	} {
		r := Range{Min: 1024, Max: c.max}
		b, res, err := Fit(nil, c.img, r, &FitOptions{Face: c.face, MinFace: c.minFace})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		checkFit(t, b, res, r)
		minFace := c.minFace
		if minFace == 0 {
			minFace = DefaultMinFace
		}
		if res.Scale >= 1 || res.Width >= c.img.Width || res.Height >= c.img.Height {
			t.Errorf("%s: %+v, want a downscale", c.name, res)
		}
		if res.Quality != DefaultFitMinQuality && res.Quality != DefaultFitMaxQuality {
			// Any quality in the interval is fine; log it.
			t.Logf("%s: quality %d", c.name, res.Quality)
		}
		// The face, scaled exactly, keeps at least minFace on both sides.
		if c.face.Dx()*res.Width < minFace*c.img.Width || c.face.Dy()*res.Height < minFace*c.img.Height {
			t.Errorf("%s: at %dx%d the face is %.1fx%.1f, under %d", c.name, res.Width, res.Height,
				float64(c.face.Dx()*res.Width)/float64(c.img.Width), float64(c.face.Dy()*res.Height)/float64(c.img.Height), minFace)
		}
		if res.Face.Dx() < minFace || res.Face.Dy() < minFace || !res.Face.In(image.Rect(0, 0, res.Width, res.Height)) {
			t.Errorf("%s: reported face %v in %dx%d", c.name, res.Face, res.Width, res.Height)
		}
		if c.name == "crop to the face floor" && res.Width != 300 {
			t.Errorf("%s: %dx%d, want the floor 300x300 (a 150 px face)", c.name, res.Width, res.Height)
		}
		// The aspect ratio survives, up to a pixel of rounding.
		if d := res.Width*c.img.Height - res.Height*c.img.Width; d < -c.img.Width || d > c.img.Width {
			t.Errorf("%s: %dx%d from %dx%d distorts the aspect ratio", c.name, res.Width, res.Height, c.img.Width, c.img.Height)
		}
		t.Logf("%s: max %d -> %dx%d (scale %.3f), quality %d, %d bytes, face %v, %d attempts",
			c.name, c.max, res.Width, res.Height, res.Scale, res.Quality, res.Bytes, res.Face, res.Attempts)
	}
}

// When the face would drop below MinFace, Fit fails with a *FitError
// wrapping ErrTooLarge, and leaves dst alone.
func TestFitImpossible(t *testing.T) {
	src := faceCrop(t)
	for name, o := range map[string]*FitOptions{
		"face floor": {Face: cropFace, MinFace: 128},
		"no face":    nil,
		"face small": {Face: image.Rect(150, 150, 250, 250), MinFace: 128}, // 100 px: no downscale at all
	} {
		r := Range{Min: 1024, Max: 2500}
		b, _, err := Fit([]byte("dst"), src, r, o)
		var fe *FitError
		if !errors.Is(err, ErrTooLarge) || !errors.As(err, &fe) {
			t.Fatalf("%s: %v, want a *FitError wrapping ErrTooLarge", name, err)
		}
		if string(b) != "dst" {
			t.Errorf("%s: dst changed", name)
		}
		if fe.Bytes <= 2500 || fe.Quality != DefaultFitMinQuality || fe.Range != r || fe.Reason == "" {
			t.Errorf("%s: %+v", name, fe)
		}
		switch name {
		case "face floor":
			if fe.Width >= cropSize || cropFace.Dx()*fe.Width < 128*cropSize {
				t.Errorf("%s: stopped at %dx%d, want the smallest size keeping a 128 px face", name, fe.Width, fe.Height)
			}
		default:
			if fe.Width != cropSize || fe.Scale != 1 {
				t.Errorf("%s: downscaled to %dx%d", name, fe.Width, fe.Height)
			}
		}
		t.Log(err)
	}
}

// A flat 16x16 image cannot reach 1 KB at any quality: ErrTooSmall. A noisy
// one reaches it above MaxQuality: Fit raises the quality just enough.
func TestFitTooSmall(t *testing.T) {
	b, _, err := Fit([]byte("dst"), flat(16, 16, 120, 130, 140), LivenessImageRange, nil)
	var fe *FitError
	if !errors.Is(err, ErrTooSmall) || !errors.As(err, &fe) || fe.Quality != 100 || fe.Bytes >= 1024 {
		t.Fatalf("flat: %v (%+v), want a *FitError wrapping ErrTooSmall at quality 100", err, fe)
	}
	if string(b) != "dst" {
		t.Error("dst changed")
	}

	src := noise(16, 16, 3)
	e := NewEncoder()
	b, res, err := e.Fit(nil, src, LivenessImageRange, nil)
	if err != nil {
		t.Fatal(err)
	}
	checkFit(t, b, res, LivenessImageRange)
	if res.Quality <= DefaultFitMaxQuality {
		t.Errorf("quality %d, want above %d", res.Quality, DefaultFitMaxQuality)
	}
	lower, _ := e.AppendJPEG(nil, src, &JPEGOptions{Quality: res.Quality - 1})
	if len(lower) >= 1024 {
		t.Errorf("quality %d chosen but %d reaches 1024 bytes too (%d)", res.Quality, res.Quality-1, len(lower))
	}
	t.Logf("noise 16x16: quality %d, %d bytes", res.Quality, res.Bytes)
}

func TestFitOptionsInvalid(t *testing.T) {
	src := noise(32, 32, 1)
	for name, c := range map[string]struct {
		r Range
		o *FitOptions
	}{
		"empty range":   {Range{Min: 10, Max: 5}, nil},
		"zero range":    {Range{}, nil},
		"quality order": {LivenessImageRange, &FitOptions{MinQuality: 90, MaxQuality: 80}},
		"quality 101":   {LivenessImageRange, &FitOptions{MaxQuality: 101}},
		"face outside":  {LivenessImageRange, &FitOptions{Face: image.Rect(20, 20, 40, 40)}},
		"negative face": {LivenessImageRange, &FitOptions{Face: image.Rect(0, 0, 8, 8), MinFace: -1}},
	} {
		_, _, err := Fit(nil, src, c.r, c.o)
		var ie *InputError
		if !errors.Is(err, ErrInvalidOptions) || !errors.As(err, &ie) {
			t.Errorf("%s: %v, want an *InputError wrapping ErrInvalidOptions", name, err)
		}
	}
}

// Fit's file at full size is the file AppendJPEG writes at that quality.
func TestFitMatchesAppendJPEG(t *testing.T) {
	src := faceCrop(t)
	b, res, err := Fit(nil, src, LivenessImageRange, nil)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := AppendJPEG(nil, src, &JPEGOptions{Quality: res.Quality})
	if !bytes.Equal(b, want) {
		t.Error("Fit's file differs from AppendJPEG's at the same quality")
	}
}
