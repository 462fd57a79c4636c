//go:build cgo

package encode

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image"
	"image/color"
	"math"
	"testing"

	"github.com/facegate/facegate/preprocess"
	"golang.org/x/image/webp"
)

func TestAppendWebPStill(t *testing.T) {
	src := faceCrop(t)
	for _, lossless := range []bool{false, true} {
		b, err := AppendWebP([]byte("abc"), src, &WebPOptions{Lossless: lossless})
		if err != nil {
			t.Fatal(err)
		}
		if string(b[:3]) != "abc" {
			t.Fatal("dst prefix lost")
		}
		file := b[3:]
		info, err := ParseWebP(nil, file)
		if err != nil {
			t.Fatal(err)
		}
		if info.Animated || len(info.Frames) != 1 || info.Width != cropSize || info.Height != cropSize || info.Frames[0].Lossless != lossless {
			t.Fatalf("lossless %v: %+v", lossless, info)
		}
		got := decodeRGB(t, file, preprocess.FormatWebP, cropSize, cropSize)
		p := psnr(t, src, got)
		switch {
		case lossless && !math.IsInf(p, 1):
			t.Errorf("lossless: PSNR %.2f dB, want identical pixels", p)
		case !lossless && p < 33: // about 35.5 dB at quality 80
			t.Errorf("lossy: PSNR %.2f dB", p)
		}
		t.Logf("lossless %v: %d bytes, PSNR %.2f dB", lossless, len(file), p)
	}
}

// The animation, read back with our parser, has the frames, canvas and
// durations asked for; each frame's VP8 chunk, wrapped as a still, decodes
// with x/image/webp to its own source frame (and not to its neighbours).
func TestAppendAnimatedWebP(t *testing.T) {
	frames := animFrames(t, 10)
	b, err := AppendAnimatedWebP([]byte("xy"), frames, nil)
	if err != nil {
		t.Fatal(err)
	}
	if string(b[:2]) != "xy" {
		t.Fatal("dst prefix lost")
	}
	file := b[2:]
	if len(file)%2 != 0 || int(binary.LittleEndian.Uint32(file[4:])) != len(file)-8 {
		t.Errorf("RIFF size %d for a %d-byte file", binary.LittleEndian.Uint32(file[4:]), len(file))
	}
	if !LivenessVideoRange.Contains(len(file)) {
		t.Errorf("%d bytes outside the video range", len(file))
	}
	// Chunk order: RIFF WEBP VP8X ANIM ANMF...
	if string(file[12:16]) != "VP8X" || file[20] != vp8xAnimation || string(file[30:34]) != "ANIM" || string(file[44:48]) != "ANMF" {
		t.Errorf("header % x", file[:48])
	}
	info, err := ParseWebP(nil, file)
	if err != nil {
		t.Fatal(err)
	}
	if !info.Animated || info.Alpha || info.Width != cropSize || info.Height != cropSize || info.LoopCount != 0 ||
		info.Background != (color.NRGBA{}) || len(info.Frames) != len(frames) {
		t.Fatalf("%+v", info)
	}
	for i, f := range info.Frames {
		if f.X != 0 || f.Y != 0 || f.Width != cropSize || f.Height != cropSize || f.Blend || f.Dispose || f.Lossless || f.Alpha {
			t.Errorf("frame %d: %+v", i, f)
		}
		if want := wantDurations(len(frames))[i]; f.DurationMs != want {
			t.Errorf("frame %d: %d ms, want %d", i, f.DurationMs, want)
		}
		if string(f.Data[:4]) != "VP8 " {
			t.Errorf("frame %d: bitstream chunk %q", i, f.Data[:4])
		}
		still := f.AppendStill(nil)
		m, err := webp.Decode(bytes.NewReader(still))
		if err != nil {
			t.Fatalf("frame %d: x/image/webp: %v", i, err)
		}
		if m.Bounds() != image.Rect(0, 0, cropSize, cropSize) {
			t.Fatalf("frame %d: decoded %v", i, m.Bounds())
		}
		got := decodeRGB(t, still, preprocess.FormatWebP, cropSize, cropSize)
		own := psnr(t, frames[i].Image, got)
		if own < 33 {
			t.Errorf("frame %d: PSNR %.2f dB against its source", i, own)
		}
		for j := range frames {
			if j != i && psnr(t, frames[j].Image, got) >= own {
				t.Errorf("frame %d decodes closer to source frame %d", i, j)
			}
		}
	}
}

func TestAnimatedWebPOptions(t *testing.T) {
	src := faceCrop(t)
	// One frame: DefaultFrameMs; loop count and background are written.
	bg := color.NRGBA{R: 10, G: 20, B: 30, A: 255}
	b, err := AppendAnimatedWebP(nil, []AnimFrame{{Image: src}}, &WebPOptions{LoopCount: 3, Background: bg, DefaultFrameMs: 250})
	if err != nil {
		t.Fatal(err)
	}
	info, err := ParseWebP(nil, b)
	if err != nil {
		t.Fatal(err)
	}
	if info.LoopCount != 3 || info.Background != bg || len(info.Frames) != 1 || info.Frames[0].DurationMs != 250 {
		t.Errorf("%+v", info)
	}
	// Lossless frames are VP8L and exact.
	frames := []AnimFrame{{Image: noise(40, 30, 1), TimestampMs: 0}, {Image: noise(40, 30, 2), TimestampMs: 40}}
	b, err = AppendAnimatedWebP(nil, frames, &WebPOptions{Lossless: true})
	if err != nil {
		t.Fatal(err)
	}
	if info, err = ParseWebP(nil, b); err != nil {
		t.Fatal(err)
	}
	for i, f := range info.Frames {
		got := decodeRGB(t, f.AppendStill(nil), preprocess.FormatWebP, 40, 30)
		if !f.Lossless || f.DurationMs != 40 || !bytes.Equal(got.Pix, frames[i].Image.Pix) {
			t.Errorf("lossless frame %d: %+v", i, f)
		}
	}
}

// A Range under the file's size lowers the quality; an impossible one is a
// *FitError.
func TestAnimatedWebPFit(t *testing.T) {
	frames := animFrames(t, 3)
	e := NewEncoder()
	full, err := e.AppendAnimatedWebP(nil, frames, nil)
	if err != nil {
		t.Fatal(err)
	}
	low, err := e.AppendAnimatedWebP(nil, frames, &WebPOptions{Quality: DefaultWebPMinQuality})
	if err != nil {
		t.Fatal(err)
	}
	r := Range{Min: 1024, Max: int64(len(full)+len(low)) / 2}
	b, err := e.AppendAnimatedWebP([]byte("d"), frames, &WebPOptions{Range: r})
	if err != nil {
		t.Fatal(err)
	}
	if b[0] != 'd' || !r.Contains(len(b)-1) || len(b)-1 <= len(low) {
		t.Errorf("%d bytes for [%d, %d] (quality 80: %d, 30: %d)", len(b)-1, r.Min, r.Max, len(full), len(low))
	}
	if _, err := ParseWebP(nil, b[1:]); err != nil {
		t.Error(err)
	}
	t.Logf("max %d: %d bytes (quality 80: %d, 30: %d)", r.Max, len(b)-1, len(full), len(low))

	for name, c := range map[string]struct {
		o    *WebPOptions
		kind error
	}{
		"too large": {&WebPOptions{Range: Range{Min: 1024, Max: int64(len(low)) - 1}}, ErrTooLarge},
		"lossless":  {&WebPOptions{Lossless: true, Range: Range{Min: 1024, Max: 10_000}}, ErrTooLarge},
		"too small": {&WebPOptions{Range: Range{Min: 1 << 20, Max: 2 << 20}}, ErrTooSmall},
	} {
		b, err := e.AppendAnimatedWebP([]byte("d"), frames, c.o)
		var fe *FitError
		if !errors.Is(err, c.kind) || !errors.As(err, &fe) || string(b) != "d" {
			t.Errorf("%s: %v, want a *FitError wrapping %v and dst unchanged", name, err, c.kind)
		}
	}
}

func TestAnimatedWebPInvalidFrames(t *testing.T) {
	a, b := noise(16, 16, 1), noise(16, 16, 2)
	big := RGB{Pix: make([]byte, 3*16384), Stride: 3 * 16384, Width: 16384, Height: 1}
	for name, frames := range map[string][]AnimFrame{
		"none":            nil,
		"sizes differ":    {{Image: a}, {Image: noise(16, 17, 3), TimestampMs: 10}},
		"same timestamp":  {{Image: a, TimestampMs: 10}, {Image: b, TimestampMs: 10}},
		"time backwards":  {{Image: a, TimestampMs: 10}, {Image: b, TimestampMs: 5}},
		"too long":        {{Image: a}, {Image: b, TimestampMs: 1 << 24}},
		"over VP8's size": {{Image: big}},
	} {
		dst, err := AppendAnimatedWebP([]byte("d"), frames, nil)
		if !errors.Is(err, ErrInvalidImage) || string(dst) != "d" {
			t.Errorf("%s: %v, want ErrInvalidImage and dst unchanged", name, err)
		}
	}
}

// webpAllocsPerFrame is what chai2010/webp's EncodeRGB allocates per call:
// the Go copy of libwebp's output and the 8-byte size variable whose address
// it passes to C.
const webpAllocsPerFrame = 2
