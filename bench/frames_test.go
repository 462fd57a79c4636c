package bench

import (
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"sync"
	"testing"

	xdraw "golang.org/x/image/draw"

	"github.com/facegate/facegate/detect"
	"github.com/facegate/facegate/preprocess"
)

// frameCase is one frame size: the real photograph at that size, as RGBA
// (what Luma reads), as I420 (what CropEncode reads: a camera's YUV 4:2:0,
// which the standard library holds as an *image.YCbCr) and as luma (what
// the detection stages read), with the face found in it.
type frameCase struct {
	name  string
	scale float64 // of the 1080p frame
	rgba  *image.RGBA
	frame preprocess.Frame // RGBA, viewing rgba.Pix
	yuv   *image.YCbCr     // 4:2:0
	i420  preprocess.Frame // I420, viewing yuv's planes
	luma  preprocess.Plane // packed; the same bytes as yuv.Y
	face  image.Rectangle  // the best face Detector finds, MinFace scaled
}

func (c *frameCase) w() int { return c.rgba.Rect.Dx() }
func (c *frameCase) h() int { return c.rgba.Rect.Dy() }

// rgbaBytes, yuvBytes and lumaBytes are the sizes of the frame the stages
// consume.
func (c *frameCase) rgbaBytes() int64 { return int64(len(c.rgba.Pix)) }
func (c *frameCase) yuvBytes() int64  { return int64(len(c.yuv.Y) + len(c.yuv.Cb) + len(c.yuv.Cr)) }
func (c *frameCase) lumaBytes() int64 { return int64(len(c.luma.Pix)) }

// minFace is the detection stages' smallest face: 100 px at 1080p, scaled.
func (c *frameCase) minFace() int { return int(100*c.scale + 0.5) }

// crop returns the face box grown by grow times its side on each side,
// kept square, with even origin and side (as 4:2:0 crops need), and
// shifted to fit the frame (shrunk only when taller than the frame).
func (c *frameCase) crop(grow float64) image.Rectangle {
	f := c.face
	side := f.Dx() + 2*int(grow*float64(f.Dx())+0.5)
	side = min(side+side&1, c.h()) // even; frame sizes are even
	x0 := ((f.Min.X+f.Max.X)/2 - side/2) &^ 1
	y0 := ((f.Min.Y+f.Max.Y)/2 - side/2) &^ 1
	x0 = max(0, min(x0, c.w()-side))
	y0 = max(0, min(y0, c.h()-side))
	return image.Rect(x0, y0, x0+side, y0+side)
}

var (
	casesOnce sync.Once
	cases     []*frameCase
	casesErr  error
)

// frameCases returns the 480p, 720p and 1080p cases, built once per
// process.
func frameCases(tb testing.TB) []*frameCase {
	tb.Helper()
	casesOnce.Do(func() { cases, casesErr = buildCases() })
	if casesErr != nil {
		tb.Fatal(casesErr)
	}
	return cases
}

func buildCases() ([]*frameCase, error) {
	f, err := os.Open(filepath.Join("..", "testdata", "faces", "obama-1080p.jpg"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	img, err := jpeg.Decode(f)
	if err != nil {
		return nil, err
	}
	if b := img.Bounds(); b.Dx() != 1920 || b.Dy() != 1080 {
		return nil, fmt.Errorf("obama-1080p.jpg is %v, want 1920x1080", b)
	}
	full := image.NewRGBA(image.Rect(0, 0, 1920, 1080))
	xdraw.Draw(full, full.Rect, img, img.Bounds().Min, xdraw.Src)

	scaled := func(src *image.RGBA, sr image.Rectangle, w, h int) *image.RGBA {
		dst := image.NewRGBA(image.Rect(0, 0, w, h))
		xdraw.CatmullRom.Scale(dst, dst.Rect, src, sr, xdraw.Src, nil)
		return dst
	}
	out := []*frameCase{
		// 4:3 from the 16:9 frame: the centre 1440x1080, which holds the face.
		{name: "480p", scale: 480.0 / 1080, rgba: scaled(full, image.Rect(240, 0, 1680, 1080), 640, 480)},
		{name: "720p", scale: 720.0 / 1080, rgba: scaled(full, full.Rect, 1280, 720)},
		{name: "1080p", scale: 1, rgba: full},
	}
	for _, c := range out {
		w, h := c.w(), c.h()
		c.frame = preprocess.Frame{Format: preprocess.RGBA, Width: w, Height: h,
			Planes: [3][]byte{c.rgba.Pix}, Strides: [3]int{c.rgba.Stride}}
		c.yuv = toI420(c.rgba)
		c.i420 = preprocess.Frame{Format: preprocess.I420, Width: w, Height: h,
			Planes: [3][]byte{c.yuv.Y, c.yuv.Cb, c.yuv.Cr}, Strides: [3]int{c.yuv.YStride, c.yuv.CStride, c.yuv.CStride}}
		c.luma = preprocess.GrayPlane(c.yuv.Y, w, w, h)
		d, err := detect.NewDetector(nil, &detect.Options{MinFace: c.minFace(), SkipLandmarks: true})
		if err != nil {
			return nil, err
		}
		faces, err := d.Detect(nil, c.luma)
		if err != nil {
			return nil, err
		}
		if len(faces) == 0 {
			return nil, fmt.Errorf("%s: no face found", c.name)
		}
		c.face = faces[0].Rect
	}
	return out, nil
}

// plainLuma is the straightforward loop Luma is measured against: BT.601
// luma rounded as color.RGBToYCbCr rounds it.
func plainLuma(dst []byte, m *image.RGBA) {
	w, h := m.Rect.Dx(), m.Rect.Dy()
	for y := 0; y < h; y++ {
		row := m.Pix[y*m.Stride : y*m.Stride+4*w]
		out := dst[y*w : y*w+w]
		for x := range out {
			r, g, b := uint32(row[4*x]), uint32(row[4*x+1]), uint32(row[4*x+2])
			out[x] = uint8((19595*r + 38470*g + 7471*b + 1<<15) >> 16)
		}
	}
}

// toI420 converts m to YCbCr 4:2:0 as a JPEG encoder would:
// color.RGBToYCbCr per pixel, chroma averaged over 2x2 blocks (rounded).
// The luma equals plainLuma's.
func toI420(m *image.RGBA) *image.YCbCr {
	w, h := m.Rect.Dx(), m.Rect.Dy()
	out := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	plainLuma(out.Y, m)
	for y := 0; y < h; y += 2 {
		for x := 0; x < w; x += 2 {
			var cb, cr int
			for _, d := range [4][2]int{{0, 0}, {1, 0}, {0, 1}, {1, 1}} {
				p := m.Pix[(y+d[1])*m.Stride+4*(x+d[0]):]
				_, u, v := color.RGBToYCbCr(p[0], p[1], p[2])
				cb, cr = cb+int(u), cr+int(v)
			}
			i := out.COffset(x, y)
			out.Cb[i], out.Cr[i] = uint8((cb+2)/4), uint8((cr+2)/4)
		}
	}
	return out
}

// asGray views a packed luma plane as an *image.Gray (no copy).
func asGray(p preprocess.Plane) *image.Gray {
	return &image.Gray{Pix: p.Pix, Stride: p.Stride, Rect: image.Rect(0, 0, p.Width, p.Height)}
}

// TestFrames checks the cases: sizes, a face of proportional size, and
// plainLuma equal to color.RGBToYCbCr's luma and to Frame.Luma.
func TestFrames(t *testing.T) {
	want := map[string][2]int{"480p": {640, 480}, "720p": {1280, 720}, "1080p": {1920, 1080}}
	for _, c := range frameCases(t) {
		if got := [2]int{c.w(), c.h()}; got != want[c.name] {
			t.Errorf("%s: %dx%d", c.name, got[0], got[1])
		}
		side := float64(c.face.Dx()) / c.scale
		if side < 200 || side > 400 {
			t.Errorf("%s: face %v, %.0f px at 1080p; want about 300", c.name, c.face, side)
		}
		for _, g := range []float64{0.25, 0.5} {
			if r := c.crop(g); !r.In(c.rgba.Rect) || r.Dx() != r.Dy() || (r.Min.X|r.Min.Y|r.Dx())&1 != 0 {
				t.Errorf("%s: crop(%v) = %v, not an even square in the frame", c.name, g, r)
			}
		}
		for i := 0; i < len(c.luma.Pix); i += 997 {
			p := c.rgba.Pix[4*i:]
			if y, _, _ := color.RGBToYCbCr(p[0], p[1], p[2]); c.luma.Pix[i] != y {
				t.Fatalf("%s: plainLuma at %d = %d, color.RGBToYCbCr %d", c.name, i, c.luma.Pix[i], y)
			}
		}
		l, err := c.frame.Luma(make([]byte, c.w()*c.h()))
		if err != nil {
			t.Fatal(err)
		}
		for y := 0; y < l.Height; y++ {
			if string(l.Row(y)) != string(c.luma.Row(y)) {
				t.Fatalf("%s: Frame.Luma differs from plainLuma in row %d", c.name, y)
			}
		}
	}
}
