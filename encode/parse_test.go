package encode

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image/color"
	"os"
	"path/filepath"
	"testing"

	"github.com/facegate/facegate/preprocess"
	"golang.org/x/image/webp"
)

func readFixture(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "decode", name))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// The fixtures of testdata/decode were written by libwebp's cwebp and
// img2webp; webpmux -info and webpinfo describe them as the cases say.
func TestParseWebPFixtures(t *testing.T) {
	for _, c := range []struct {
		file     string
		animated bool
		alpha    bool
		frames   []WebPFrame // the fields compared: size, offset, duration, flags, Lossless, Alpha
		bg       color.NRGBA
	}{
		{file: "pigo-lossy.webp", frames: []WebPFrame{{Width: 96, Height: 120, Blend: false}}},
		{file: "pigo-lossless.webp", frames: []WebPFrame{{Width: 96, Height: 120, Lossless: true}}},
		{file: "pigo-alpha.webp", alpha: true, frames: []WebPFrame{{Width: 96, Height: 120, Alpha: true}}},
		{file: "pigo-anim.webp", animated: true, bg: color.NRGBA{255, 255, 255, 255}, frames: []WebPFrame{
			{Width: 96, Height: 120, DurationMs: 500, Blend: false},
			{Width: 96, Height: 120, DurationMs: 500, Blend: true},
		}},
	} {
		b := readFixture(t, c.file)
		info, err := ParseWebP(nil, b)
		if err != nil {
			t.Fatalf("%s: %v", c.file, err)
		}
		if info.Width != 96 || info.Height != 120 || info.Animated != c.animated || info.Alpha != c.alpha ||
			info.LoopCount != 0 || info.Background != c.bg || len(info.Frames) != len(c.frames) {
			t.Fatalf("%s: %+v", c.file, info)
		}
		for i, f := range info.Frames {
			want := c.frames[i]
			if f.X != 0 || f.Y != 0 || f.Width != want.Width || f.Height != want.Height || f.DurationMs != want.DurationMs ||
				f.Blend != want.Blend || f.Dispose || f.Lossless != want.Lossless || f.Alpha != want.Alpha {
				t.Errorf("%s frame %d: %+v, want %+v", c.file, i, f, want)
			}
			if &b[f.Offset] != &f.Data[0] {
				t.Errorf("%s frame %d: Data is not the input at Offset", c.file, i)
			}
			// Each frame, wrapped as a still, decodes with x/image/webp.
			still := f.AppendStill(nil)
			m, err := webp.Decode(bytes.NewReader(still))
			if err != nil {
				t.Fatalf("%s frame %d: x/image/webp: %v", c.file, i, err)
			}
			if m.Bounds().Dx() != 96 || m.Bounds().Dy() != 120 {
				t.Errorf("%s frame %d: decoded %v", c.file, i, m.Bounds())
			}
			if !c.animated && !bytes.Equal(still, b) && c.file != "pigo-alpha.webp" {
				t.Errorf("%s: the still of a simple file is not the file", c.file)
			}
		}
	}
	// The frames of the animation are the picture and its mirror at half
	// brightness (see testdata/decode/README.md).
	info, _ := ParseWebP(nil, readFixture(t, "pigo-anim.webp"))
	a := decodeRGB(t, info.Frames[0].AppendStill(nil), preprocess.FormatWebP, 96, 120)
	b := decodeRGB(t, info.Frames[1].AppendStill(nil), preprocess.FormatWebP, 96, 120)
	if meanRGB(a) < 1.5*meanRGB(b) {
		t.Errorf("frame means %.1f and %.1f: want the second about half the first", meanRGB(a), meanRGB(b))
	}
}

func meanRGB(m RGB) float64 {
	var s int
	for y := 0; y < m.Height; y++ {
		for _, v := range m.Row(y) {
			s += int(v)
		}
	}
	return float64(s) / float64(3*m.Width*m.Height)
}

// Re-assembling the frames of a parsed animation with our writer gives a
// file that parses to the same description.
func TestAnimationWriterRoundTrip(t *testing.T) {
	b := readFixture(t, "pigo-anim.webp")
	info, err := ParseWebP(nil, b)
	if err != nil {
		t.Fatal(err)
	}
	out, err := reassemble(info)
	if err != nil {
		t.Fatal(err)
	}
	again, err := ParseWebP(nil, out)
	if err != nil {
		t.Fatal(err)
	}
	if err := sameInfo(info, again); err != nil {
		t.Error(err)
	}
	// img2webp writes the same layout (VP8X, ANIM, ANMF with VP8 inside),
	// so the bytes are identical too, but for the VP8X flags and the RIFF
	// size, which both writers compute the same way.
	if !bytes.Equal(out, b) {
		t.Errorf("re-assembled file differs from img2webp's (%d vs %d bytes)", len(out), len(b))
	}
}

// reassemble writes info's frames as an animation with our writer.
func reassemble(info WebPInfo) ([]byte, error) {
	var flags byte = vp8xAnimation
	if info.Alpha {
		flags |= vp8xAlpha
	}
	out := appendAnimHeader(nil, flags, info.Width, info.Height, info.Background, info.LoopCount)
	for _, f := range info.Frames {
		var ff byte
		if !f.Blend {
			ff |= anmfNoBlend
		}
		if f.Dispose {
			ff |= anmfDispose
		}
		out = appendANMF(out, f.X, f.Y, f.Width, f.Height, f.DurationMs, ff, f.Data)
	}
	return finishRIFF(out, 0)
}

// sameInfo compares two descriptions, frame data by content.
func sameInfo(a, b WebPInfo) error {
	if a.Width != b.Width || a.Height != b.Height || a.Animated != b.Animated || a.Alpha != b.Alpha ||
		a.LoopCount != b.LoopCount || a.Background != b.Background || len(a.Frames) != len(b.Frames) {
		return errors.New("canvas or animation parameters differ")
	}
	for i := range a.Frames {
		fa, fb := a.Frames[i], b.Frames[i]
		if !bytes.Equal(fa.Data, fb.Data) {
			return errors.New("frame data differs")
		}
		if fa.X != fb.X || fa.Y != fb.Y || fa.Width != fb.Width || fa.Height != fb.Height || fa.DurationMs != fb.DurationMs ||
			fa.Blend != fb.Blend || fa.Dispose != fb.Dispose || fa.Lossless != fb.Lossless || fa.Alpha != fb.Alpha {
			return errors.New("frame parameters differ")
		}
	}
	return nil
}

func TestParseWebPMalformed(t *testing.T) {
	anim := readFixture(t, "pigo-anim.webp")
	info, err := ParseWebP(nil, anim)
	if err != nil {
		t.Fatal(err)
	}
	anmf0 := info.Frames[0].Offset - 8 - anmfHeader // offset of the first ANMF chunk
	le := binary.LittleEndian
	mut := func(f func(b []byte) []byte) []byte { return f(bytes.Clone(anim)) }
	cases := map[string][]byte{
		"empty":             nil,
		"short":             anim[:11],
		"not RIFF":          mut(func(b []byte) []byte { b[0] = 'X'; return b }),
		"not WEBP":          mut(func(b []byte) []byte { b[8] = 'X'; return b }),
		"truncated":         anim[:len(anim)-1],
		"odd RIFF size":     mut(func(b []byte) []byte { le.PutUint32(b[4:], le.Uint32(b[4:])-1); return b }),
		"RIFF size past":    mut(func(b []byte) []byte { le.PutUint32(b[4:], le.Uint32(b[4:])+2); return b }),
		"tiny RIFF size":    mut(func(b []byte) []byte { le.PutUint32(b[4:], 4); return b }),
		"first chunk":       mut(func(b []byte) []byte { copy(b[12:], "ANIM"); return b }),
		"VP8X short":        mut(func(b []byte) []byte { le.PutUint32(b[16:], 8); return b }),
		"chunk past RIFF":   mut(func(b []byte) []byte { le.PutUint32(b[anmf0+4:], 1<<20); return b }),
		"frame outside":     mut(func(b []byte) []byte { b[anmf0+8] = 1; return b }), // X = 2
		"frame size":        mut(func(b []byte) []byte { b[anmf0+8+6]--; return b }), // width 95 vs bitstream 96
		"no ANIM":           mut(func(b []byte) []byte { copy(b[30:], "XXXX"); return b }),
		"no animation flag": mut(func(b []byte) []byte { b[20] &^= vp8xAnimation; return b }),
		"VP8 start code":    mut(func(b []byte) []byte { b[info.Frames[0].Offset+8+3] = 0; return b }),
		"VP8 key frame":     mut(func(b []byte) []byte { b[info.Frames[0].Offset+8] |= 1; return b }),
		"sub-chunk past":    mut(func(b []byte) []byte { le.PutUint32(b[info.Frames[0].Offset+4:], 1<<20); return b }),
		"frame no image":    mut(func(b []byte) []byte { copy(b[info.Frames[0].Offset:], "XXXX"); return b }),
		"no frames": func() []byte {
			b := bytes.Clone(anim[:anmf0])
			le.PutUint32(b[4:], uint32(len(b)-8))
			return b
		}(),
		"missing padding": func() []byte {
			// A frame ending in a 1-byte unknown chunk without its padding
			// byte (the ANMF chunk itself is padded).
			i := info
			i.Frames = append([]WebPFrame(nil), info.Frames...)
			i.Frames[0].Data = append(bytes.Clone(i.Frames[0].Data), 'X', 'X', 'X', 'X', 1, 0, 0, 0, 7)
			b, err := reassemble(i)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}(),
		"stray bytes": func() []byte {
			b := append(bytes.Clone(anim), 0, 0, 0, 0)
			le.PutUint32(b[4:], uint32(len(b)-8))
			return b
		}(),
	}
	lossless := readFixture(t, "pigo-lossless.webp")
	cases["VP8L signature"] = func() []byte { b := bytes.Clone(lossless); b[20] = 0; return b }()
	cases["VP8L version"] = func() []byte { b := bytes.Clone(lossless); b[24] |= 0x20; return b }()
	alpha := readFixture(t, "pigo-alpha.webp")
	cases["ALPH alone"] = func() []byte {
		// Rename the VP8 chunk after the ALPH chunk.
		i := bytes.Index(alpha, []byte("VP8 "))
		b := bytes.Clone(alpha)
		copy(b[i:], "XXXX")
		return b
	}()
	for name, b := range cases {
		_, err := ParseWebP(nil, b)
		var we *WebPError
		if !errors.Is(err, ErrMalformedWebP) || !errors.As(err, &we) {
			t.Errorf("%s: %v, want a *WebPError", name, err)
			continue
		}
		t.Logf("%s: %v", name, err)
	}
	// Bytes after the RIFF chunk are ignored, as libwebp ignores them.
	if _, err := ParseWebP(nil, append(bytes.Clone(anim), 1, 2, 3)); err != nil {
		t.Errorf("trailing bytes: %v", err)
	}
}
