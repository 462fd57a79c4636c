package encode

import (
	"bytes"
	"encoding/binary"
	"errors"
	"testing"
)

// FuzzParseWebP feeds ParseWebP arbitrary bytes. It must never panic or read
// out of bounds, must fail only with a *WebPError, and what it accepts must
// be self-consistent: frames inside the canvas, Data the input at Offset,
// every frame re-wrapped as a still parses to the same frame, and an
// animation re-assembled by our writer parses to the same description.
//
// The seeds are the WebP files of testdata/decode (written by libwebp: simple
// lossy and lossless, extended with alpha, animated), with their bitstreams
// cut to the headers ParseWebP reads, and the corpus in
// testdata/fuzz/FuzzParseWebP (small files this package wrote). Small seeds
// matter: the fuzzer minimizes every new input in time quadratic in its
// length, and a 12 kB seed would leave it minimizing for the whole run.
func FuzzParseWebP(f *testing.F) {
	for _, name := range []string{"pigo-lossy.webp", "pigo-lossless.webp", "pigo-alpha.webp", "pigo-anim.webp"} {
		b, err := skeleton(readFixture(f, name))
		if err != nil {
			f.Fatalf("%s: %v", name, err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		info, err := ParseWebP(nil, b)
		if err != nil {
			var we *WebPError
			if !errors.As(err, &we) || !errors.Is(err, ErrMalformedWebP) {
				t.Fatalf("error %v is not a *WebPError", err)
			}
			return
		}
		if len(info.Frames) == 0 || info.Width < 1 || info.Height < 1 {
			t.Fatalf("accepted with no frames or an empty canvas: %+v", info)
		}
		if !info.Animated && len(info.Frames) != 1 {
			t.Fatalf("a still with %d frames", len(info.Frames))
		}
		for i, fr := range info.Frames {
			if fr.X < 0 || fr.Y < 0 || fr.Width < 1 || fr.Height < 1 || fr.X+fr.Width > info.Width || fr.Y+fr.Height > info.Height {
				t.Fatalf("frame %d %dx%d at (%d,%d) outside the %dx%d canvas", i, fr.Width, fr.Height, fr.X, fr.Y, info.Width, info.Height)
			}
			if fr.Offset < 0 || fr.Offset+len(fr.Data) > len(b) || !bytes.Equal(b[fr.Offset:fr.Offset+len(fr.Data)], fr.Data) {
				t.Fatalf("frame %d: Data is not the input at Offset %d", i, fr.Offset)
			}
			still := fr.AppendStill(nil)
			si, err := ParseWebP(nil, still)
			if err != nil {
				t.Fatalf("frame %d as a still: %v", i, err)
			}
			g := si.Frames[0]
			if len(si.Frames) != 1 || g.Width != fr.Width || g.Height != fr.Height || g.Lossless != fr.Lossless ||
				g.Alpha != fr.Alpha || !bytes.Equal(g.Data, fr.Data) {
				t.Fatalf("frame %d as a still parses to %+v, want %+v", i, g, fr)
			}
		}
		if info.Animated {
			out, err := reassemble(info)
			if err != nil {
				t.Fatal(err)
			}
			again, err := ParseWebP(nil, out)
			if err != nil {
				t.Fatalf("re-assembled animation: %v", err)
			}
			if err := sameInfo(info, again); err != nil {
				t.Fatalf("re-assembled animation: %v", err)
			}
		}
	})
}

// skeleton returns the WebP file b with every bitstream cut to the header
// ParseWebP reads (the VP8 first-partition size zeroed to match) and every
// ALPH chunk to its first byte: the container structure without the pixels.
func skeleton(b []byte) ([]byte, error) {
	info, err := ParseWebP(nil, b)
	if err != nil {
		return nil, err
	}
	for i := range info.Frames {
		fr := &info.Frames[i]
		var data []byte
		for r := (chunkReader{b: fr.Data, end: len(fr.Data)}); ; {
			c, ok, err := r.next()
			if err != nil {
				return nil, err
			}
			if !ok {
				break
			}
			p := c.payload
			switch c.id {
			case fccALPH:
				p = p[:1]
			case fccVP8L:
				p = p[:5]
			case fccVP8:
				p = append([]byte{p[0] & 0x1f, 0, 0}, p[3:10]...)
			}
			data = append(data, c.id[:]...)
			data = binary.LittleEndian.AppendUint32(data, uint32(len(p)))
			data = append(data, p...)
			if len(p)%2 != 0 {
				data = append(data, 0)
			}
		}
		fr.Data = data
	}
	if info.Animated {
		return reassemble(info)
	}
	return info.Frames[0].AppendStill(nil), nil
}
