//go:build cgo && turbojpeg

package preprocess

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"path/filepath"
	"testing"

	"github.com/facegate/facegate/internal/hostile"
)

// turboMaxDiff bounds, per sample, how far libjpeg-turbo's accurate integer
// IDCT (jidctint) lands from image/jpeg's (a float-free port of the same
// algorithm with other rounding) on the test JPEGs; turboMeanDiff bounds the
// mean over all samples. Measured: see TestJPEGTurboDecodeMatchesStdlib's log.
const (
	turboMaxDiff  = 1
	turboMeanDiff = 0.03
)

// turboTestJPEGs are the JPEG fixtures, the face pictures, and a grayscale
// file and a 4:4:4 file made from one, all of them read as image/jpeg reads
// them.
func turboTestJPEGs(tb testing.TB) map[string][]byte {
	tb.Helper()
	out := map[string][]byte{}
	paths, _ := filepath.Glob("../testdata/faces/*.jpg")
	paths = append(paths, decodeDir+"/pigo-small.jpg", "../testdata/sequences/cap12/000000.jpg")
	for _, p := range paths {
		out[filepath.Base(p)] = decReadFixture(tb, p)
	}
	src, err := jpeg.Decode(bytes.NewReader(out["pigo-sample.jpg"]))
	if err != nil {
		tb.Fatal(err)
	}
	y := src.(*image.YCbCr)
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, &image.Gray{Pix: y.Y, Stride: y.YStride, Rect: y.Rect}, &jpeg.Options{Quality: 85}); err != nil {
		tb.Fatal(err)
	}
	out["gray"] = bytes.Clone(buf.Bytes())
	// An odd size exercises the partial MCUs at the right and bottom.
	buf.Reset()
	if err := jpeg.Encode(&buf, y.SubImage(image.Rect(3, 5, 300, 393)), &jpeg.Options{Quality: 95}); err != nil {
		tb.Fatal(err)
	}
	out["odd-297x388"] = bytes.Clone(buf.Bytes())
	for _, r := range []image.Rectangle{image.Rect(0, 0, 297, 388), image.Rect(0, 0, 297, 384), image.Rect(0, 0, 304, 388), image.Rect(2, 4, 299, 392), image.Rect(3, 5, 300, 393)} {
		buf.Reset()
		if err := jpeg.Encode(&buf, y.SubImage(r), &jpeg.Options{Quality: 95}); err != nil {
			tb.Fatal(err)
		}
		out[fmt.Sprint("x", r)] = bytes.Clone(buf.Bytes())
	}
	return out
}

// TestJPEGTurboDecodeMatchesStdlib: the libjpeg-turbo path gives the type,
// bounds, subsampling and, within turboMaxDiff, the samples of image/jpeg.
func TestJPEGTurboDecodeMatchesStdlib(t *testing.T) {
	for name, b := range turboTestJPEGs(t) {
		m, _ := decMust(t, b, nil)
		ref, err := jpeg.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		var got, want [][]byte
		switch r := ref.(type) {
		case *image.YCbCr:
			g, ok := m.(*image.YCbCr)
			if !ok || g.SubsampleRatio != r.SubsampleRatio || g.Rect != r.Rect {
				t.Fatalf("%s: got %T, image/jpeg %T %v %v", name, m, ref, r.SubsampleRatio, r.Rect)
			}
			cw, ch := g.COffset(g.Rect.Max.X-1, g.Rect.Max.Y-1)-g.COffset(0, g.Rect.Max.Y-1)+1, 0
			for y := 0; y < g.Rect.Max.Y; y++ {
				if y == 0 || g.COffset(0, y) != g.COffset(0, y-1) {
					ch++
				}
			}
			got = [][]byte{turboRows(g.Y, g.YStride, g.Rect.Dx(), g.Rect.Dy()), turboRows(g.Cb, g.CStride, cw, ch), turboRows(g.Cr, g.CStride, cw, ch)}
			want = [][]byte{turboRows(r.Y, r.YStride, g.Rect.Dx(), g.Rect.Dy()), turboRows(r.Cb, r.CStride, cw, ch), turboRows(r.Cr, r.CStride, cw, ch)}
		case *image.Gray:
			g, ok := m.(*image.Gray)
			if !ok || g.Rect != r.Rect {
				t.Fatalf("%s: got %T, image/jpeg %T %v", name, m, ref, r.Rect)
			}
			got = [][]byte{turboRows(g.Pix, g.Stride, g.Rect.Dx(), g.Rect.Dy())}
			want = [][]byte{turboRows(r.Pix, r.Stride, g.Rect.Dx(), g.Rect.Dy())}
		default:
			t.Fatalf("%s: image/jpeg gave %T", name, ref)
		}
		maxd, sum, n := 0, 0, 0
		for i := range got {
			if len(got[i]) != len(want[i]) {
				t.Fatalf("%s: plane %d has %d samples, image/jpeg %d", name, i, len(got[i]), len(want[i]))
			}
			for j := range got[i] {
				d := int(got[i][j]) - int(want[i][j])
				d = max(d, -d)
				maxd = max(maxd, d)
				sum += d
				n++
			}
		}
		mean := float64(sum) / float64(n)
		t.Logf("%s %v: max abs diff %d, mean %.4f over %d samples", name, m.Bounds().Size(), maxd, mean, n)
		if maxd > turboMaxDiff || mean > turboMeanDiff {
			t.Errorf("%s: max abs diff %d (bound %d), mean %.4f (bound %.3f)", name, maxd, turboMaxDiff, mean, turboMeanDiff)
		}
	}
}

// turboRows returns the w x h samples of a plane of stride bytes a row,
// packed: image/jpeg pads its planes to whole MCUs, libjpeg-turbo's are
// image.NewYCbCr's.
func turboRows(p []byte, stride, w, h int) []byte {
	out := make([]byte, 0, w*h)
	for y := range h {
		out = append(out, p[y*stride:y*stride+w]...)
	}
	return out
}

// TestJPEGTurboDecodeHeaderLimits: tjDecompressHeader3's size goes through
// the limits before anything is allocated, and a size that disagrees with
// image/jpeg's header leaves the file to image/jpeg.
func TestJPEGTurboDecodeHeaderLimits(t *testing.T) {
	bomb := hostile.JPEGClaiming(30000, 30000)
	cfg := image.Config{Width: 30000, Height: 30000}
	var err error
	alloc := decAllocPerCall(func() { _, _, err = decTurboJPEG(bomb, cfg, DefaultDecodeLimits) })
	var de *DecodeError
	if !errors.Is(err, ErrTooLarge) || !errors.As(err, &de) || de.Op != "limit" {
		t.Fatalf("30000x30000: err = %v, want ErrTooLarge from the limit", err)
	}
	if alloc > 64<<10 {
		t.Errorf("30000x30000: %d bytes allocated per call", alloc)
	}
	small := hostile.JPEGClaiming(8, 8)
	// A header libjpeg-turbo cannot read, or reads otherwise than
	// image/jpeg, is left to image/jpeg.
	if m, ok, err := decTurboJPEG(small, image.Config{Width: 16, Height: 8}, DefaultDecodeLimits); ok || m != nil || err != nil {
		t.Fatalf("size mismatch: %v %v %v, want it left to image/jpeg", m, ok, err)
	}
	if m, ok, err := decTurboJPEG([]byte("\xff\xd8\xff\xe0junk"), image.Config{Width: 8, Height: 8}, DefaultDecodeLimits); ok || m != nil || err != nil {
		t.Fatalf("junk header: %v %v %v, want it left to image/jpeg", m, ok, err)
	}
	if m, ok, err := decTurboJPEG(small, image.Config{Width: 8, Height: 8}, DefaultDecodeLimits); !ok || err != nil || m.Bounds().Dx() != 8 {
		t.Fatalf("8x8: %v %v %v, want it decoded by libjpeg-turbo", m, ok, err)
	}
	// Within DecodeBytes the same bomb stops at image/jpeg's header.
	if _, _, err := DecodeBytes(bomb, nil); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("DecodeBytes: err = %v, want ErrTooLarge", err)
	}
}

// TestJPEGTurboDecodeTruncated: a file cut short is ErrDecode, as with
// image/jpeg, though libjpeg-turbo only warns about it (the file is left
// to image/jpeg).
func TestJPEGTurboDecodeTruncated(t *testing.T) {
	b := decReadFixture(t, "../testdata/faces/pigo-sample.jpg")
	for _, n := range []int{len(b) / 3, len(b) / 2, len(b) - 2} {
		if _, _, err := DecodeBytes(b[:n], nil); !errors.Is(err, ErrDecode) {
			t.Errorf("%d of %d bytes: err = %v, want ErrDecode", n, len(b), err)
		}
	}
}

// FuzzJPEGTurboDecode checks that the libjpeg-turbo path never crashes,
// fails only with ErrDecode or ErrTooLarge, and that what it decodes
// image/jpeg decodes too, to the same bounds. Its corpus is kept in
// testdata/fuzz/FuzzJPEGTurboDecode.
func FuzzJPEGTurboDecode(f *testing.F) {
	for _, b := range decTinyImages(f) {
		if bytes.HasPrefix(b, []byte{0xff, 0xd8}) {
			f.Add(b)
		}
	}
	f.Add(decReadFixture(f, decodeDir+"/pigo-small.jpg"))
	f.Add(hostile.JPEGClaiming(300, 200))
	f.Add(hostile.JPEGScans(3))
	f.Fuzz(func(t *testing.T, data []byte) {
		lim := fuzzDecodeLimits
		m, _, err := DecodeBytes(data, &lim)
		if err != nil {
			if !errors.Is(err, ErrDecode) && !errors.Is(err, ErrTooLarge) {
				t.Fatalf("error %v wraps neither ErrDecode nor ErrTooLarge", err)
			}
			return
		}
		r := m.Bounds()
		if int64(r.Dx())*int64(r.Dy()) > lim.MaxPixels {
			t.Fatalf("bounds %v over the limits", r)
		}
		for y := r.Min.Y; y < r.Max.Y; y++ {
			for x := r.Min.X; x < r.Max.X; x++ {
				m.At(x, y).RGBA()
			}
		}
		if ref, err := jpeg.Decode(bytes.NewReader(data)); err == nil && ref.Bounds() != r {
			t.Fatalf("bounds %v, image/jpeg %v", r, ref.Bounds())
		}
	})
}
