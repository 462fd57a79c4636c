package preprocess

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/gif"
	"testing"

	"github.com/facegate/facegate/internal/hostile"
)

// testAnimation is a 3-frame GIF with sub-rectangles, disposals and delays.
func testAnimation(t testing.TB, frames int) []byte {
	pal := color.Palette{color.Black, color.White, color.RGBA{255, 0, 0, 255}, color.Transparent}
	g := &gif.GIF{Config: image.Config{Width: 40, Height: 30, ColorModel: pal}}
	for i := range frames {
		r := image.Rect(i%5, i%3, 20+i%7, 15+i%4)
		m := image.NewPaletted(r, pal)
		for j := range m.Pix {
			m.Pix[j] = uint8((j + i) % 4)
		}
		g.Image = append(g.Image, m)
		g.Delay = append(g.Delay, 10*(i+1))
		g.Disposal = append(g.Disposal, []byte{gif.DisposalNone, gif.DisposalBackground, gif.DisposalPrevious}[i%3])
	}
	var buf bytes.Buffer
	if err := gif.EncodeAll(&buf, g); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// EachGIFFrame gives the frames image/gif's DecodeAll gives, one at a time.
func TestEachGIFFrameMatchesDecodeAll(t *testing.T) {
	b := testAnimation(t, 7)
	all, err := gif.DecodeAll(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	err = EachGIFFrame(b, nil, func(screen image.Rectangle, f *GIFFrame) error {
		want := all.Image[f.Index]
		if f.Index != n || screen != image.Rect(0, 0, 40, 30) || f.Image.Rect != want.Rect || !bytes.Equal(f.Image.Pix, want.Pix) ||
			f.Disposal != all.Disposal[f.Index] || f.Delay != all.Delay[f.Index] {
			t.Errorf("frame %d: rect %v (want %v), disposal %d (%d), delay %d (%d)", f.Index, f.Image.Rect, want.Rect,
				f.Disposal, all.Disposal[f.Index], f.Delay, all.Delay[f.Index])
		}
		n++
		return nil
	})
	if err != nil || n != 7 {
		t.Fatalf("%d frames, err %v", n, err)
	}
	// fn's error stops the walk.
	stop := errors.New("stop")
	n = 0
	if err := EachGIFFrame(b, nil, func(image.Rectangle, *GIFFrame) error { n++; return stop }); err != stop || n != 1 {
		t.Errorf("stop: %v after %d frames", err, n)
	}
}

// More frames than MaxFrames: ErrTooLarge before the first frame is
// decoded; exactly MaxFrames pass.
func TestEachGIFFrameLimit(t *testing.T) {
	b := testAnimation(t, 5)
	n := 0
	err := EachGIFFrame(b, &DecodeLimits{MaxFrames: 4}, func(image.Rectangle, *GIFFrame) error { n++; return nil })
	if !errors.Is(err, ErrTooLarge) || n != 0 {
		t.Errorf("err %v after %d frames, want ErrTooLarge before the first", err, n)
	}
	n = 0
	if err := EachGIFFrame(b, &DecodeLimits{MaxFrames: 5}, func(image.Rectangle, *GIFFrame) error { n++; return nil }); err != nil || n != 5 {
		t.Errorf("MaxFrames 5: err %v after %d frames, want 5 frames", err, n)
	}
	if err := EachGIFFrame(gifBomb(20000, 20000), nil, func(image.Rectangle, *GIFFrame) error { return nil }); !errors.Is(err, ErrTooLarge) {
		t.Errorf("a 20000x20000 screen: %v", err)
	}
}

// Malformed input: ErrDecode, never a panic.
func TestEachGIFFrameMalformed(t *testing.T) {
	b := testAnimation(t, 3)
	for _, c := range [][]byte{nil, []byte("GIF89a"), b[:len(b)/2], b[:len(b)-1], append(bytes.Clone(b[:len(b)-1]), 0x99)} {
		err := EachGIFFrame(c, nil, func(image.Rectangle, *GIFFrame) error { return nil })
		if !errors.Is(err, ErrDecode) {
			t.Errorf("%d bytes: err = %v, want ErrDecode", len(c), err)
		}
	}
}

func FuzzEachGIFFrame(f *testing.F) {
	f.Add(testAnimation(f, 3))
	f.Add(gifBomb(64, 64))
	f.Fuzz(func(t *testing.T, b []byte) {
		lim := &DecodeLimits{MaxPixels: 1 << 20, MaxFrames: 50}
		err := EachGIFFrame(b, lim, func(screen image.Rectangle, fr *GIFFrame) error {
			if !fr.Image.Rect.In(screen) {
				t.Fatalf("frame %v outside %v", fr.Image.Rect, screen)
			}
			return nil
		})
		if err != nil && !errors.Is(err, ErrDecode) && !errors.Is(err, ErrTooLarge) {
			t.Fatalf("untyped error %v", err)
		}
	})
}

// The frames' pixels in all are bounded before the first frame is decoded
// (issue 14: 600 frames of 1080p, 1.8 MB, took 29 s of CPU before the
// limit was reached frame by frame).
func TestEachGIFFrameTotalPixels(t *testing.T) {
	b := testAnimation(t, 6) // frames of about 20x15 px
	n := 0
	err := EachGIFFrame(b, &DecodeLimits{MaxTotalPixels: 1000}, func(image.Rectangle, *GIFFrame) error { n++; return nil })
	if !errors.Is(err, ErrTooLarge) || n != 0 {
		t.Errorf("err %v after %d frames, want ErrTooLarge before the first", err, n)
	}
	big := hostile.GIFFrames(1920, 1080, 600)
	n = 0
	alloc := decAllocPerCall(func() {
		err = EachGIFFrame(big, nil, func(image.Rectangle, *GIFFrame) error { n++; return nil })
	})
	if !errors.Is(err, ErrTooLarge) || n != 0 {
		t.Errorf("600 frames of 1080p: err %v after %d frames, want ErrTooLarge before the first", err, n)
	}
	if alloc > 1<<20 {
		t.Errorf("600 frames of 1080p: %d bytes allocated before refusing", alloc)
	}
	// A truncated file still hands out the frames before the fault.
	n = 0
	cut := testAnimation(t, 3)
	cut = cut[:len(cut)-1]
	if err := EachGIFFrame(cut, nil, func(image.Rectangle, *GIFFrame) error { n++; return nil }); !errors.Is(err, ErrDecode) || n != 3 {
		t.Errorf("missing trailer: err %v after %d frames, want ErrDecode after 3", err, n)
	}
}
