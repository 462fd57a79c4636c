package preprocess

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/image/bmp"
)

// fuzzDecodeLimits are small so that the fuzzer spends its time on parsing,
// not on decoding big images.
var fuzzDecodeLimits = DecodeLimits{MaxBytes: 1 << 20, MaxPixels: 1 << 16, MaxDimension: 1 << 12}

// decTinyImages encodes an 8x6 gradient in every format the Go encoders write:
// short seeds the fuzzer can mutate quickly.
func decTinyImages(tb testing.TB) [][]byte {
	m := image.NewNRGBA(image.Rect(0, 0, 8, 6))
	for y := 0; y < 6; y++ {
		for x := 0; x < 8; x++ {
			m.SetNRGBA(x, y, color.NRGBA{uint8(32 * x), uint8(40 * y), 128, uint8(255 - 20*x)})
		}
	}
	var out [][]byte
	for _, enc := range []func(*bytes.Buffer) error{
		func(b *bytes.Buffer) error { return png.Encode(b, m) },
		func(b *bytes.Buffer) error { return jpeg.Encode(b, m, &jpeg.Options{Quality: 50}) },
		func(b *bytes.Buffer) error { return gif.Encode(b, m, &gif.Options{NumColors: 4}) },
		func(b *bytes.Buffer) error { return bmp.Encode(b, m) },
	} {
		var b bytes.Buffer
		if err := enc(&b); err != nil {
			tb.Fatal(err)
		}
		out = append(out, b.Bytes())
	}
	out = append(out,
		webpFile(riffChunk("VP8L", vp8lSolid(8, 6))),
		webpFile(vp8xChunk(0, 8, 6), riffChunk("VP8L", vp8lSolid(8, 6))),
	)
	return out
}

// FuzzDecode checks that Decode never panics, fails only with ErrDecode or
// ErrTooLarge, and returns images within the limits it was given whose
// pixels can all be read.
func FuzzDecode(f *testing.F) {
	fixtures, err := filepath.Glob(decodeDir + "/*.*")
	if err != nil {
		f.Fatal(err)
	}
	for _, p := range fixtures {
		if filepath.Ext(p) == ".md" || filepath.Ext(p) == ".go" {
			continue
		}
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, bm := range decodeBombs() {
		f.Add(bm.data)
	}
	for _, b := range decTinyImages(f) {
		f.Add(b)
	}

	f.Fuzz(func(t *testing.T, data []byte) {
		lim := fuzzDecodeLimits
		m, format, err := DecodeBytes(data, &lim)
		if err != nil {
			if !errors.Is(err, ErrDecode) && !errors.Is(err, ErrTooLarge) {
				t.Fatalf("error %v wraps neither ErrDecode nor ErrTooLarge", err)
			}
			var de *DecodeError
			if !errors.As(err, &de) || de.Err == nil {
				t.Fatalf("error %#v is not a complete *DecodeError", err)
			}
			return
		}
		if sniffed, err := SniffFormat(data); err != nil || sniffed != format {
			t.Fatalf("decoded as %v but sniffed %v, %v", format, sniffed, err)
		}
		r := m.Bounds()
		if r.Min != (image.Point{}) || r.Dx() <= 0 || r.Dy() <= 0 ||
			r.Dx() > lim.MaxDimension || r.Dy() > lim.MaxDimension ||
			int64(r.Dx())*int64(r.Dy()) > lim.MaxPixels {
			t.Fatalf("bounds %v outside the limits %+v", r, lim)
		}
		cfg, cformat, err := DecodeConfig(bytes.NewReader(data), &lim)
		if err != nil || cformat != format || cfg.Width != r.Dx() || cfg.Height != r.Dy() {
			t.Fatalf("DecodeConfig = %dx%d %v %v, Decode = %v %v", cfg.Width, cfg.Height, cformat, err, r, format)
		}
		// Every pixel must be readable: a decoder that returned planes
		// shorter than its bounds would panic here.
		for y := r.Min.Y; y < r.Max.Y; y++ {
			for x := r.Min.X; x < r.Max.X; x++ {
				m.At(x, y).RGBA()
			}
		}
	})
}
