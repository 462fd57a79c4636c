package preprocess

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/facegate/facegate/internal/hostile"
)

// decodeDir holds the fixtures, derived from testdata/faces/pigo-sample.jpg
// (see its README.md).
const decodeDir = "../testdata/decode"

type decodeFixture struct {
	path   string // relative to the package directory
	format ImageFormat
	w, h   int
}

var decodeFixtures = []decodeFixture{
	{"../testdata/faces/pigo-sample.jpg", FormatJPEG, 320, 400},
	{decodeDir + "/pigo-small.jpg", FormatJPEG, 96, 120},
	{decodeDir + "/pigo-small.png", FormatPNG, 96, 120},
	{decodeDir + "/pigo-anim.gif", FormatGIF, 96, 120},
	{decodeDir + "/pigo-small.bmp", FormatBMP, 96, 120},
	{decodeDir + "/pigo-lossy.webp", FormatWebP, 96, 120},
	{decodeDir + "/pigo-lossless.webp", FormatWebP, 96, 120},
	{decodeDir + "/pigo-alpha.webp", FormatWebP, 96, 120},
}

func decReadFixture(tb testing.TB, path string) []byte {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func decMust(tb testing.TB, b []byte, lim *DecodeLimits) (image.Image, ImageFormat) {
	tb.Helper()
	m, f, err := DecodeBytes(b, lim)
	if err != nil {
		tb.Fatalf("DecodeBytes: %v", err)
	}
	return m, f
}

func TestDecodeFixtures(t *testing.T) {
	for _, fx := range decodeFixtures {
		t.Run(filepath.Base(fx.path), func(t *testing.T) {
			b := decReadFixture(t, fx.path)
			want := image.Rect(0, 0, fx.w, fx.h)

			m, f, err := Decode(bytes.NewReader(b), nil)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if f != fx.format || m.Bounds() != want {
				t.Fatalf("Decode: %v %v, want %v %v", f, m.Bounds(), fx.format, want)
			}
			m2, f2 := decMust(t, b, nil)
			if f2 != fx.format || m2.Bounds() != want {
				t.Fatalf("DecodeBytes: %v %v, want %v %v", f2, m2.Bounds(), fx.format, want)
			}
			if d := decMaxDiff(m, m2); d != 0 {
				t.Fatalf("Decode and DecodeBytes differ by %d", d)
			}
			cfg, f3, err := DecodeConfig(bytes.NewReader(b), nil)
			if err != nil || f3 != fx.format || cfg.Width != fx.w || cfg.Height != fx.h {
				t.Fatalf("DecodeConfig: %v %v %dx%d, want %v %dx%d", err, f3, cfg.Width, cfg.Height, fx.format, fx.w, fx.h)
			}
			if got, err := SniffFormat(b); got != fx.format || err != nil {
				t.Fatalf("SniffFormat: %v %v", got, err)
			}
		})
	}
}

// TestDecodeJPEGMatchesStdlib checks the JPEG path returns exactly what
// image/jpeg does.
func TestDecodeJPEGMatchesStdlib(t *testing.T) {
	for _, fx := range decodeFixtures {
		if fx.format != FormatJPEG {
			continue
		}
		b := decReadFixture(t, fx.path)
		m, _ := decMust(t, b, nil)
		ref, err := jpeg.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if m.Bounds() != ref.Bounds() {
			t.Fatalf("%s: bounds %v, image/jpeg %v", fx.path, m.Bounds(), ref.Bounds())
		}
		// image/jpeg itself decodes exactly; libjpeg-turbo's IDCT is
		// a level off in some Y, Cb or Cr samples
		// (TestJPEGTurboDecodeMatchesStdlib), which the YCbCr to RGB
		// conversion can make up to 3 levels of R, G or B.
		bound := uint32(0)
		if JPEGTurboDecode {
			bound = 3 * 0x101
		}
		if d := decMaxDiff(m, ref); d > bound {
			t.Fatalf("%s: pixels differ from image/jpeg by up to %d (bound %d)", fx.path, d, bound)
		}
	}
}

// TestDecodeFixturePixels cross-checks the formats: the lossless ones were
// encoded from the same picture and must agree exactly, the lossy ones
// approximately.
func TestDecodeFixturePixels(t *testing.T) {
	ref, _ := decMust(t, decReadFixture(t, decodeDir+"/pigo-small.png"), nil)
	if decMeanDiff(ref, image.NewUniform(color.Black)) < 40 {
		t.Fatal("reference PNG is nearly black")
	}
	for _, c := range []struct {
		name    string
		maxMean float64 // mean absolute difference per channel
	}{
		{"pigo-small.bmp", 0},
		{"pigo-lossless.webp", 0},
		{"pigo-small.jpg", 5},
		// 2.8 measured; 11.8 without webpFullRange (golang/go#40173).
		{"pigo-lossy.webp", 5},
		{"pigo-anim.gif", 14}, // Plan 9 palette, dithered
	} {
		m, _ := decMust(t, decReadFixture(t, decodeDir+"/"+c.name), nil)
		if d := decMeanDiff(m, ref); d > c.maxMean {
			t.Errorf("%s: mean difference from the PNG %.2f > %.2f", c.name, d, c.maxMean)
		}
	}

	// The alpha WebP has alpha rising from 0 (top row) to 255 (bottom).
	m, _ := decMust(t, decReadFixture(t, decodeDir+"/pigo-alpha.webp"), nil)
	if _, ok := m.(*image.NYCbCrA); !ok {
		t.Errorf("alpha WebP decoded to %T", m)
	}
	_, _, _, top := m.At(48, 0).RGBA()
	_, _, _, bottom := m.At(48, 119).RGBA()
	if top > 0x0800 || bottom < 0xf000 {
		t.Errorf("alpha WebP: alpha top %#x bottom %#x", top, bottom)
	}
}

func TestWebPFullRange(t *testing.T) {
	for _, c := range []struct{ in, y, c uint8 }{
		{0, 0, 0}, {16, 0, 0}, {128, 130, 128}, {235, 255, 250}, {240, 255, 255}, {255, 255, 255},
	} {
		if webpLUT[0][c.in] != c.y || webpLUT[1][c.in] != c.c {
			t.Errorf("%d -> luma %d chroma %d, want %d %d", c.in, webpLUT[0][c.in], webpLUT[1][c.in], c.y, c.c)
		}
	}
	m := image.NewYCbCr(image.Rect(0, 0, 2, 2), image.YCbCrSubsampleRatio420)
	m.Y = []uint8{16, 235, 126, 16}
	m.Cb[0], m.Cr[0] = 128, 240
	webpFullRange(m)
	if m.Y[0] != 0 || m.Y[1] != 255 || m.Cb[0] != 128 || m.Cr[0] != 255 {
		t.Errorf("got Y %v Cb %v Cr %v", m.Y, m.Cb, m.Cr)
	}
}

// TestDecodeGIFFirstFrame checks the first frame of the two-frame GIF is
// returned, not the second (mirrored and darkened) one.
func TestDecodeGIFFirstFrame(t *testing.T) {
	b := decReadFixture(t, decodeDir+"/pigo-anim.gif")
	all, err := gif.DecodeAll(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if len(all.Image) != 2 {
		t.Fatalf("fixture has %d frames, want 2", len(all.Image))
	}
	m, _ := decMust(t, b, nil)
	if d := decMaxDiff(m, all.Image[0]); d != 0 {
		t.Errorf("differs from frame 0 by %d", d)
	}
	if d := decMeanDiff(m, all.Image[1]); d < 20 {
		t.Errorf("too close to frame 1 (mean difference %.2f)", d)
	}
}

// TestDecodeGIFSubFrame: a first frame covering part of the logical screen
// is drawn onto a transparent canvas of the screen's size.
func TestDecodeGIFSubFrame(t *testing.T) {
	pal := color.Palette{color.RGBA{255, 0, 0, 255}, color.RGBA{0, 0, 255, 255}}
	frame := image.NewPaletted(image.Rect(2, 3, 6, 5), pal)
	for i := range frame.Pix {
		frame.Pix[i] = 1
	}
	var buf bytes.Buffer
	err := gif.EncodeAll(&buf, &gif.GIF{
		Image:  []*image.Paletted{frame},
		Delay:  []int{0},
		Config: image.Config{ColorModel: pal, Width: 8, Height: 7},
	})
	if err != nil {
		t.Fatal(err)
	}
	m, f := decMust(t, buf.Bytes(), nil)
	if f != FormatGIF || m.Bounds() != image.Rect(0, 0, 8, 7) {
		t.Fatalf("got %v %v, want gif 8x7", f, m.Bounds())
	}
	for y := 0; y < 7; y++ {
		for x := 0; x < 8; x++ {
			want := color.NRGBA{}
			if image.Pt(x, y).In(frame.Rect) {
				want = color.NRGBA{0, 0, 255, 255}
			}
			if got := color.NRGBAModel.Convert(m.At(x, y)); got != want {
				t.Fatalf("(%d,%d) = %v, want %v", x, y, got, want)
			}
		}
	}
}

func TestDecodeTruncated(t *testing.T) {
	for _, fx := range decodeFixtures {
		b := decReadFixture(t, fx.path)
		n := len(b)
		cuts := []int{0, 1, 2, 3, 5, 8, 12, 16, 20, 26, 30, 40, 64, 100, n / 8, n / 4, n / 3, n / 2, 3 * n / 4, n - 2, n - 1}
		if fx.format == FormatGIF {
			// Only the first frame is read: cutting the second one off
			// leaves a valid first frame. It ends past 5000 bytes.
			cuts = []int{0, 1, 2, 3, 5, 8, 12, 13, 14, 20, 100, 780, 800, 1000, 2000, 4000, 5000}
		}
		for _, c := range cuts {
			if c >= n {
				continue
			}
			for _, read := range []bool{false, true} {
				var err error
				if read {
					_, _, err = Decode(bytes.NewReader(b[:c]), nil)
				} else {
					_, _, err = DecodeBytes(b[:c], nil)
				}
				if !errors.Is(err, ErrDecode) || errors.Is(err, ErrTooLarge) {
					t.Errorf("%s cut at %d/%d: err = %v, want ErrDecode", fx.path, c, n, err)
				}
				var de *DecodeError
				if !errors.As(err, &de) {
					t.Errorf("%s cut at %d: %T is not a *DecodeError", fx.path, c, err)
				}
			}
		}
	}
}

func TestDecodeTruncatedUnexpectedEOF(t *testing.T) {
	// The underlying decoder error stays visible.
	b := decReadFixture(t, decodeDir+"/pigo-small.bmp")
	_, f, err := DecodeBytes(b[:len(b)/2], nil)
	if !errors.Is(err, ErrDecode) || !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("err = %v, want ErrDecode and io.ErrUnexpectedEOF", err)
	}
	var de *DecodeError
	if !errors.As(err, &de) || de.Op != "decode" || de.Format != FormatBMP || f != FormatBMP {
		t.Fatalf("err = %#v, format %v", err, f)
	}
}

// --- Decompression bombs: headers claiming huge sizes, with little data. ---

// The crafted files are internal/hostile's, shared with cmd/facegate's
// tests that measure the command on them.
var (
	pngChunk  = hostile.PNGChunk
	gifBomb   = hostile.GIFScreen
	bmpBomb   = hostile.BMP
	jpegBomb  = hostile.JPEGClaiming
	vp8lSolid = hostile.VP8LSolid
	riffChunk = hostile.RIFFChunk
	webpFile  = hostile.WebP
	vp8xChunk = hostile.VP8XChunk
)

// pngBomb is an RGB PNG of w x h whose IDAT holds one compressed megabyte
// of zeros.
func pngBomb(w, h uint32) []byte { return hostile.PNG(w, h, 8, 2, 0, 1<<20) }

type decBomb struct {
	name string
	data []byte
}

// decodeBombs all claim more than DefaultDecodeLimits allow.
func decodeBombs() []decBomb {
	return []decBomb{
		{"png 100000x100000", pngBomb(100000, 100000)},
		{"png 30000x30000", pngBomb(30000, 30000)},
		{"png 1x2000000000", pngBomb(1, 2000000000)},
		{"gif 65535x65535", gifBomb(65535, 65535)},
		{"gif 20000x20000", gifBomb(20000, 20000)},
		{"bmp 1000000x1000000", bmpBomb(1000000, 1000000)},
		{"bmp 30000x30000", bmpBomb(30000, 30000)},
		{"bmp 30000x-30000", bmpBomb(30000, -30000)},
		{"bmp 2x-2147483648", bmpBomb(2, -2147483648)},
		{"jpeg 65500x65500", jpegBomb(65500, 65500)},
		{"jpeg 20000x20000", jpegBomb(20000, 20000)},
		{"webp vp8l 16384x16384", webpFile(riffChunk("VP8L", vp8lSolid(16384, 16384)))},
		{"webp vp8x 16777216x16777216", webpFile(vp8xChunk(0, 1<<24, 1<<24), riffChunk("VP8L", vp8lSolid(16, 16)))},
		{"webp vp8x 16x16 with vp8l 16384x16384", webpFile(vp8xChunk(0, 16, 16), riffChunk("VP8L", vp8lSolid(16384, 16384)))},
	}
}

// decAllocPerCall returns the bytes allocated per call of f, on average.
func decAllocPerCall(f func()) uint64 {
	const runs = 20
	f() // warm up
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for range runs {
		f()
	}
	runtime.ReadMemStats(&after)
	return (after.TotalAlloc - before.TotalAlloc) / runs
}

func TestDecodeBombs(t *testing.T) {
	for _, bm := range decodeBombs() {
		t.Run(bm.name, func(t *testing.T) {
			var err error
			start := time.Now()
			alloc := decAllocPerCall(func() { _, _, err = DecodeBytes(bm.data, nil) })
			if el := time.Since(start); el > 2*time.Second {
				t.Errorf("21 calls took %v", el)
			}
			if !errors.Is(err, ErrTooLarge) || errors.Is(err, ErrDecode) {
				t.Fatalf("err = %v, want ErrTooLarge", err)
			}
			var de *DecodeError
			if !errors.As(err, &de) || de.Op != "limit" {
				t.Fatalf("err = %#v, want a *DecodeError with Op limit", err)
			}
			if alloc > 1<<20 {
				t.Errorf("DecodeBytes allocated %d bytes per call", alloc)
			}
			alloc = decAllocPerCall(func() { _, _, err = Decode(bytes.NewReader(bm.data), nil) })
			if !errors.Is(err, ErrTooLarge) {
				t.Fatalf("Decode: err = %v, want ErrTooLarge", err)
			}
			if alloc > 1<<20 {
				t.Errorf("Decode allocated %d bytes per call", alloc)
			}
			if _, _, err := DecodeConfig(bytes.NewReader(bm.data), nil); !errors.Is(err, ErrTooLarge) &&
				bm.name != "webp vp8x 16x16 with vp8l 16384x16384" { // only Decode looks past the canvas
				t.Fatalf("DecodeConfig: err = %v, want ErrTooLarge", err)
			}
		})
	}
}

// TestDecodeWebPCanvasMismatch: an extended WebP whose bitstream is larger
// than its canvas, though within the limits, is refused before x/image/webp
// allocates the bitstream's size (here 4*7000*7000 bytes).
func TestDecodeWebPCanvasMismatch(t *testing.T) {
	b := webpFile(vp8xChunk(0, 16, 16), riffChunk("VP8L", vp8lSolid(7000, 7000)))
	var err error
	alloc := decAllocPerCall(func() { _, _, err = DecodeBytes(b, nil) })
	if !errors.Is(err, ErrDecode) {
		t.Fatalf("err = %v, want ErrDecode", err)
	}
	if alloc > 1<<20 {
		t.Errorf("allocated %d bytes per call", alloc)
	}
	// The same bitstream at the canvas size decodes.
	ok := webpFile(vp8xChunk(0, 16, 16), riffChunk("VP8L", vp8lSolid(16, 16)))
	if m, _ := decMust(t, ok, nil); m.Bounds() != image.Rect(0, 0, 16, 16) {
		t.Fatalf("bounds %v", m.Bounds())
	}
}

func TestDecodeLimitPixelsAndDimension(t *testing.T) {
	// Each decBomb-shaped header decodes its size in DecodeConfig when the
	// limits allow it, so the limit, not a malformed header, refused it.
	cfg, f, err := DecodeConfig(bytes.NewReader(jpegBomb(20000, 20000)), &DecodeLimits{MaxPixels: 1 << 40})
	if err != nil || f != FormatJPEG || cfg.Width != 20000 {
		t.Fatalf("DecodeConfig: %v %v %v", cfg, f, err)
	}

	b := decReadFixture(t, decodeDir+"/pigo-small.png") // 96x120 = 11520 pixels
	for _, c := range []struct {
		lim  DecodeLimits
		want error
	}{
		{DecodeLimits{MaxPixels: 96*120 - 1}, ErrTooLarge},
		{DecodeLimits{MaxPixels: 96 * 120}, nil},
		{DecodeLimits{MaxDimension: 119}, ErrTooLarge},
		{DecodeLimits{MaxDimension: 120}, nil},
		{DecodeLimits{MaxDimension: 95, MaxPixels: 1 << 40}, ErrTooLarge},
	} {
		_, _, err := DecodeBytes(b, &c.lim)
		if c.want == nil && err != nil || c.want != nil && !errors.Is(err, c.want) {
			t.Errorf("%+v: err = %v, want %v", c.lim, err, c.want)
		}
		_, _, err = DecodeConfig(bytes.NewReader(b), &c.lim)
		if c.want == nil && err != nil || c.want != nil && !errors.Is(err, c.want) {
			t.Errorf("DecodeConfig %+v: err = %v, want %v", c.lim, err, c.want)
		}
	}
}

// decCountingReader yields an endless stream: prefix, then zeros.
type decCountingReader struct {
	prefix []byte
	n      int64
}

func (r *decCountingReader) Read(p []byte) (int, error) {
	for i := range p {
		if r.n < int64(len(r.prefix)) {
			p[i] = r.prefix[r.n]
		} else {
			p[i] = 0
		}
		r.n++
	}
	return len(p), nil
}

func TestDecodeMaxBytes(t *testing.T) {
	b := decReadFixture(t, decodeDir+"/pigo-small.png")
	n := int64(len(b))
	if _, _, err := DecodeBytes(b, &DecodeLimits{MaxBytes: n}); err != nil {
		t.Fatalf("MaxBytes = len: %v", err)
	}
	if _, _, err := Decode(bytes.NewReader(b), &DecodeLimits{MaxBytes: n}); err != nil {
		t.Fatalf("Decode, MaxBytes = len: %v", err)
	}
	_, f, err := DecodeBytes(b, &DecodeLimits{MaxBytes: n - 1})
	if !errors.Is(err, ErrTooLarge) || f != FormatPNG {
		t.Fatalf("MaxBytes = len-1: %v %v, want png ErrTooLarge", f, err)
	}
	if _, _, err := Decode(bytes.NewReader(b), &DecodeLimits{MaxBytes: n - 1}); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("Decode, MaxBytes = len-1: %v, want ErrTooLarge", err)
	}

	// An endless stream is refused after MaxBytes+1 bytes.
	r := &decCountingReader{prefix: b}
	if _, _, err := Decode(r, &DecodeLimits{MaxBytes: 1 << 20}); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("endless stream: %v, want ErrTooLarge", err)
	}
	if r.n > 1<<20+1 {
		t.Fatalf("read %d bytes for a limit of %d", r.n, 1<<20)
	}
	// DecodeConfig reads the header only.
	r = &decCountingReader{prefix: b}
	if _, _, err := DecodeConfig(r, nil); err != nil {
		t.Fatalf("DecodeConfig on endless stream: %v", err)
	}
	if r.n > 64<<10 {
		t.Fatalf("DecodeConfig read %d bytes", r.n)
	}
}

type decFailingReader struct{}

var errDecReaderBroke = errors.New("reader broke")

func (decFailingReader) Read([]byte) (int, error) { return 0, errDecReaderBroke }

func TestDecodeErrors(t *testing.T) {
	webpAnim := decReadFixture(t, decodeDir+"/pigo-anim.webp")
	// The same animation with the VP8X animation flag cleared: the ANIM
	// and ANMF chunks still give it away.
	webpAnimNoFlag := bytes.Clone(webpAnim)
	webpAnimNoFlag[20] &^= 1 << 1
	for _, c := range []struct {
		name   string
		data   []byte
		format ImageFormat
		op     string
	}{
		{"empty", nil, ImageFormatUnknown, "sniff"},
		{"unknown magic", []byte("hello, world, this is not an image"), ImageFormatUnknown, "sniff"},
		{"almost png", []byte("\x89PNG\r\n\x1a"), ImageFormatUnknown, "sniff"},
		{"riff not webp", []byte("RIFF\x04\x00\x00\x00WAVE"), ImageFormatUnknown, "sniff"},
		{"jpeg magic only", []byte{0xff, 0xd8, 0xff}, FormatJPEG, "config"},
		{"bmp unsupported", append([]byte("BM"), make([]byte, 60)...), FormatBMP, "config"},
		{"png empty", pngBomb(0, 0), FormatPNG, "config"},
		{"gif 0x0", gifBomb(0, 0), FormatGIF, "config"},
		{"animated webp", webpAnim, FormatWebP, "config"},
		{"animated webp without flag", webpAnimNoFlag, FormatWebP, "config"},
		{"webp without bitstream", webpFile(vp8xChunk(0, 16, 16)), FormatWebP, "config"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, f, err := DecodeBytes(c.data, nil)
			if !errors.Is(err, ErrDecode) || errors.Is(err, ErrTooLarge) {
				t.Fatalf("err = %v, want ErrDecode", err)
			}
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("%T is not a *DecodeError", err)
			}
			if f != c.format || de.Format != c.format || de.Op != c.op || de.Err == nil {
				t.Fatalf("format %v, error %+v; want format %v op %s", f, de, c.format, c.op)
			}
			if _, _, err := Decode(bytes.NewReader(c.data), nil); !errors.Is(err, ErrDecode) {
				t.Fatalf("Decode: err = %v, want ErrDecode", err)
			}
		})
	}
	if _, _, err := DecodeConfig(bytes.NewReader(webpAnim), nil); !errors.Is(err, ErrDecode) {
		t.Errorf("DecodeConfig of an animated WebP: %v, want ErrDecode", err)
	}

	// A failing reader is reported with the reader's error.
	for _, fn := range []func() error{
		func() error { _, _, err := Decode(decFailingReader{}, nil); return err },
		func() error { _, _, err := DecodeConfig(decFailingReader{}, nil); return err },
	} {
		err := fn()
		var de *DecodeError
		if !errors.Is(err, ErrDecode) || !errors.Is(err, errDecReaderBroke) || !errors.As(err, &de) || de.Op != "read" {
			t.Errorf("failing reader: err = %v", err)
		}
	}
}

func TestDecodeErrorText(t *testing.T) {
	_, _, err := DecodeBytes([]byte("nope"), nil)
	if got, want := err.Error(), "preprocess: decoding error: sniff: unknown format"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	_, _, err = DecodeBytes(pngBomb(100000, 100000), nil)
	if got, want := err.Error(), "preprocess: input too large: png limit: 100000x100000 exceeds the 32768-pixel dimension limit"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestSniffFormat(t *testing.T) {
	for _, c := range []struct {
		in   string
		want ImageFormat
	}{
		{"\xff\xd8\xff\xe0", FormatJPEG},
		{"\x89PNG\r\n\x1a\n", FormatPNG},
		{"GIF87a", FormatGIF},
		{"GIF89a", FormatGIF},
		{"BM", FormatBMP},
		{"RIFF\x00\x00\x00\x00WEBP", FormatWebP},
		{"GIF90a", ImageFormatUnknown},
		{"\xff\xd8", ImageFormatUnknown},
		{"RIFF\x00\x00\x00\x00WEB", ImageFormatUnknown},
		{"", ImageFormatUnknown},
	} {
		got, err := SniffFormat([]byte(c.in))
		if got != c.want || (err == nil) != (c.want != ImageFormatUnknown) {
			t.Errorf("SniffFormat(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
		if err != nil && !errors.Is(err, ErrDecode) {
			t.Errorf("SniffFormat(%q): %v does not wrap ErrDecode", c.in, err)
		}
	}
}

func TestImageFormatString(t *testing.T) {
	want := map[ImageFormat]string{
		ImageFormatUnknown: "unknown", FormatJPEG: "jpeg", FormatPNG: "png",
		FormatGIF: "gif", FormatBMP: "bmp", FormatWebP: "webp", 200: "unknown",
	}
	for f, s := range want {
		if f.String() != s {
			t.Errorf("%d.String() = %q, want %q", f, f.String(), s)
		}
	}
}

func TestDecodeLimitsResolve(t *testing.T) {
	if got := (*DecodeLimits)(nil).resolve(); got != DefaultDecodeLimits {
		t.Errorf("nil: %+v", got)
	}
	got := (&DecodeLimits{MaxPixels: 7, MaxBytes: -1}).resolve()
	want := DefaultDecodeLimits
	want.MaxPixels = 7
	if got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

// TestDecodeGuard checks a panicking decoder becomes ErrDecode.
func TestDecodeGuard(t *testing.T) {
	err := decGuard(FormatPNG, "decode", func() error {
		var s []int
		_ = s[3]
		return nil
	})
	var de *DecodeError
	if !errors.Is(err, ErrDecode) || !errors.As(err, &de) || de.Op != "decode" || de.Format != FormatPNG {
		t.Fatalf("err = %v", err)
	}
	if err := decGuard(FormatPNG, "decode", func() error { return nil }); err != nil {
		t.Fatalf("no panic: %v", err)
	}
}

// decMaxDiff is the largest difference of any 16-bit channel of a and b over
// a's bounds.
func decMaxDiff(a, b image.Image) uint32 {
	var d uint32
	r := a.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			r1, g1, b1, a1 := a.At(x, y).RGBA()
			r2, g2, b2, a2 := b.At(x, y).RGBA()
			d = max(d, decAbsDiff(r1, r2), decAbsDiff(g1, g2), decAbsDiff(b1, b2), decAbsDiff(a1, a2))
		}
	}
	return d
}

// decMeanDiff is the mean absolute difference of the 8-bit R, G and B channels
// of a and b over a's bounds.
func decMeanDiff(a, b image.Image) float64 {
	var sum float64
	r := a.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			r1, g1, b1, _ := a.At(x, y).RGBA()
			r2, g2, b2, _ := b.At(x, y).RGBA()
			sum += float64(decAbsDiff(r1>>8, r2>>8) + decAbsDiff(g1>>8, g2>>8) + decAbsDiff(b1>>8, b2>>8))
		}
	}
	return sum / float64(3*r.Dx()*r.Dy())
}

func decAbsDiff(a, b uint32) uint32 {
	if a > b {
		return a - b
	}
	return b - a
}

func ExampleDecode() {
	f, err := os.Open("../testdata/decode/pigo-small.png")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()
	m, format, err := Decode(f, nil)
	if errors.Is(err, ErrDecode) {
		fmt.Println(ServiceTextDecode)
		return
	}
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(format, m.Bounds().Dx(), "x", m.Bounds().Dy())
	// Output: png 96 x 120
}
