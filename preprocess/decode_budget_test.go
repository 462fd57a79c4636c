package preprocess

import (
	"bytes"
	"errors"
	"image"
	"image/jpeg"
	"strings"
	"testing"
	"time"

	"github.com/facegate/facegate/internal/hostile"
)

// pngBombDepth is pngBomb with a chosen bit depth, colour type and
// interlace method.
func pngBombDepth(w, h uint32, depth, ctype, interlace byte) []byte {
	return hostile.PNG(w, h, depth, ctype, interlace, 1<<16)
}

var jpegProgressive4 = hostile.JPEGProgressiveCMYK

// manyScans is a real baseline JPEG with its scan repeated n times.
func manyScans(_ *testing.T, n int) []byte { return hostile.JPEGScans(n) }

// Files within the pixel limit whose decoding would take far more memory
// than the pixels suggest are refused from their header, before the
// decoder allocates: issue 14's 16-bit PNG (660 to 970 MB), 4-component
// progressive JPEG (1.4 GB) and 28-byte lossless WebP (277 MB).
func TestDecodeMemoryBudget(t *testing.T) {
	for _, c := range []struct {
		name string
		data []byte
	}{
		{"png rgba16 7000x7000", pngBombDepth(7000, 7000, 16, 6, 0)},
		{"png rgb8 interlaced 7000x7000", pngBombDepth(7000, 7000, 8, 2, 1)},
		{"jpeg progressive cmyk 7000x7000", jpegProgressive4(7000, 7000)},
		{"webp vp8l 7000x7000", webpFile(riffChunk("VP8L", vp8lSolid(7000, 7000)))},
	} {
		t.Run(c.name, func(t *testing.T) {
			var err error
			alloc := decAllocPerCall(func() { _, _, err = DecodeBytes(c.data, nil) })
			var de *DecodeError
			if !errors.Is(err, ErrTooLarge) || !errors.As(err, &de) || de.Op != "limit" || !strings.Contains(err.Error(), "memory limit") {
				t.Fatalf("err = %v, want the memory limit (ErrTooLarge)", err)
			}
			if alloc > 1<<20 {
				t.Errorf("allocated %d bytes per call before refusing", alloc)
			}
			// A caller that can afford it raises the budget: then the
			// header passes the check (not decoded here: hundreds of
			// MB).
			f, _ := SniffFormat(c.data)
			cfg, err := decLibConfig(f, bytes.NewReader(c.data))
			if err != nil {
				t.Fatal(err)
			}
			l := (&DecodeLimits{MaxMemory: 8 << 30}).resolve()
			if err := decBudget(f, c.data, cfg, l); err != nil {
				t.Errorf("with an 8 GiB budget: %v", err)
			}
		})
	}
	// Ordinary frames pass: a 4K RGBA-sized budget is far under the
	// default.
	small := pngBombDepth(3840, 2160, 8, 6, 0)
	if _, _, err := DecodeBytes(small, nil); errors.Is(err, ErrTooLarge) {
		t.Errorf("a 4K PNG header: %v", err)
	}
}

// A progressive JPEG's scans are counted before decoding: over MaxScans,
// ErrTooLarge at once (issue 14: 105 KB of scans took 8.3 s to decode).
func TestDecodeJPEGScanLimit(t *testing.T) {
	ok := manyScans(t, 3)
	if _, _, err := DecodeBytes(ok, nil); err != nil {
		t.Fatalf("3 scans: %v", err)
	}
	bomb := manyScans(t, 5000)
	start := time.Now()
	_, _, err := DecodeBytes(bomb, nil)
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "5000 scans") {
		t.Fatalf("5000 scans: err = %v", err)
	}
	if el := time.Since(start); el > time.Second {
		t.Errorf("refusing took %v", el)
	}
	if _, _, err := DecodeBytes(bomb, &DecodeLimits{MaxScans: 10000}); errors.Is(err, ErrTooLarge) {
		t.Errorf("MaxScans 10000: %v", err)
	}
}

func TestJPEGLayout(t *testing.T) {
	comps, prog, scans, err := jpegLayout(jpegProgressive4(10, 10))
	if err != nil || comps != 4 || !prog || scans != 1 {
		t.Errorf("progressive CMYK: %d %v %d %v", comps, prog, scans, err)
	}
	var buf bytes.Buffer
	jpeg.Encode(&buf, image.NewRGBA(image.Rect(0, 0, 17, 9)), nil)
	comps, prog, scans, err = jpegLayout(buf.Bytes())
	if err != nil || comps != 3 || prog || scans != 1 {
		t.Errorf("baseline YCbCr: %d %v %d %v", comps, prog, scans, err)
	}
	if _, _, _, err := jpegLayout([]byte{0xff, 0xd8, 0xff, 0xd9}); err == nil {
		t.Error("no SOF: no error")
	}
}
