package bench

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"testing"

	"github.com/disintegration/imaging"
	pigo "github.com/esimov/pigo/core"
	xdraw "golang.org/x/image/draw"

	"github.com/facegate/facegate/detect"
	"github.com/facegate/facegate/encode"
	"github.com/facegate/facegate/payload"
	"github.com/facegate/facegate/preprocess"
)

// The stages in frame order. Pipeline and Track/Gates, the root package's
// stages, belong after Payload once the root package exists.

func BenchmarkLuma(b *testing.B) {
	for _, c := range frameCases(b) {
		dst := make([]byte, c.w()*c.h())
		b.Run("facegate/"+c.name, func(b *testing.B) {
			fr := c.frame
			b.SetBytes(c.rgbaBytes())
			b.ReportAllocs()
			for b.Loop() {
				if _, err := fr.Luma(dst); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("plain/"+c.name, func(b *testing.B) {
			b.SetBytes(c.rgbaBytes())
			b.ReportAllocs()
			for b.Loop() {
				plainLuma(dst, c.rgba)
			}
		})
		b.Run("imaging/"+c.name, func(b *testing.B) {
			b.SetBytes(c.rgbaBytes())
			b.ReportAllocs()
			for b.Loop() {
				_ = imaging.Grayscale(c.rgba)
			}
		})
	}
}

// areaSizes are the Area downscales of the 1080p frame that BenchmarkArea
// measures: factors 2, 3, 4 and 5 (the detector's pyramid and MinFace
// levels) and 2.4, a fractional one.
var areaSizes = [][2]int{{960, 540}, {640, 360}, {480, 270}, {384, 216}, {800, 450}}

// BenchmarkArea is the Area filter at every kind of factor from the 1080p
// luma plane, each case named by its output size; its peer is x/image/draw's
// ApproxBiLinear, as in BenchmarkResize. bench/area_opencv.py times OpenCV's
// INTER_AREA on the same frame and sizes.
func BenchmarkArea(b *testing.B) {
	for _, c := range frameCases(b) {
		if c.name != "1080p" {
			continue
		}
		sw, sh := c.w(), c.h()
		src := asGray(c.luma)
		for _, sz := range areaSizes {
			dw, dh := sz[0], sz[1]
			name := fmt.Sprintf("%s-%dx%d", c.name, dw, dh)
			b.Run("facegate/"+name, func(b *testing.B) {
				rz, err := preprocess.NewResizer(sw, sh, dw, dh, 1, preprocess.Area)
				if err != nil {
					b.Fatal(err)
				}
				dst := preprocess.GrayPlane(make([]byte, dw*dh), dw, dw, dh)
				b.SetBytes(c.lumaBytes())
				b.ReportAllocs()
				for b.Loop() {
					if err := rz.Resize(dst, c.luma); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("xdraw/"+name, func(b *testing.B) {
				dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
				b.SetBytes(c.lumaBytes())
				b.ReportAllocs()
				for b.Loop() {
					xdraw.ApproxBiLinear.Scale(dst, dst.Rect, src, src.Rect, xdraw.Src, nil)
				}
			})
		}
	}
}

// BenchmarkResize is the detection downscale: the luma plane to a quarter
// of its width and height. x/image/draw writes into an *image.RGBA: that
// is its fast path for a gray source (into an *image.Gray it goes through
// the generic path, allocating per pixel, several times slower).
func BenchmarkResize(b *testing.B) {
	for _, c := range frameCases(b) {
		sw, sh := c.w(), c.h()
		dw, dh := sw/4, sh/4
		src := asGray(c.luma)
		b.Run("facegate/"+c.name, func(b *testing.B) {
			rz, err := preprocess.NewResizer(sw, sh, dw, dh, 1, preprocess.Area)
			if err != nil {
				b.Fatal(err)
			}
			dst := preprocess.GrayPlane(make([]byte, dw*dh), dw, dw, dh)
			b.SetBytes(c.lumaBytes())
			b.ReportAllocs()
			for b.Loop() {
				if err := rz.Resize(dst, c.luma); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("xdraw/"+c.name, func(b *testing.B) {
			dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
			b.SetBytes(c.lumaBytes())
			b.ReportAllocs()
			for b.Loop() {
				xdraw.ApproxBiLinear.Scale(dst, dst.Rect, src, src.Rect, xdraw.Src, nil)
			}
		})
		b.Run("xdraw-catmullrom/"+c.name, func(b *testing.B) {
			dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
			sc := xdraw.CatmullRom.NewScaler(dw, dh, sw, sh) // planned once, as a Resizer
			b.SetBytes(c.lumaBytes())
			b.ReportAllocs()
			for b.Loop() {
				sc.Scale(dst, dst.Rect, src, src.Rect, xdraw.Src, nil)
			}
		})
		b.Run("imaging/"+c.name, func(b *testing.B) {
			b.SetBytes(c.lumaBytes())
			b.ReportAllocs()
			for b.Loop() {
				_ = imaging.Resize(src, dw, dh, imaging.Box)
			}
		})
	}
}

// BenchmarkDetect is the face scan and clustering of a whole frame, faces
// from 100 px at 1080p (scaled to the case) to the frame's height, no
// landmarks.
func BenchmarkDetect(b *testing.B) {
	pg := pigoFace(b)
	for _, c := range frameCases(b) {
		b.Run("facegate/"+c.name, func(b *testing.B) {
			d, err := detect.NewDetector(nil, &detect.Options{MinFace: c.minFace(), SkipLandmarks: true})
			if err != nil {
				b.Fatal(err)
			}
			faces, err := d.Detect(make([]detect.Face, 0, 16), c.luma) // plans the frame size
			if err != nil || len(faces) == 0 {
				b.Fatalf("warm-up: %d faces, %v", len(faces), err)
			}
			b.SetBytes(c.lumaBytes())
			b.ReportAllocs()
			for b.Loop() {
				faces, _ = d.Detect(faces[:0], c.luma)
			}
		})
		b.Run("pigo/"+c.name, func(b *testing.B) {
			cp := pigo.CascadeParams{MinSize: c.minFace(), MaxSize: min(c.w(), c.h()), ShiftFactor: 0.1, ScaleFactor: 1.1,
				ImageParams: pigo.ImageParams{Pixels: c.luma.Pix, Rows: c.h(), Cols: c.w(), Dim: c.luma.Stride}}
			b.SetBytes(c.lumaBytes())
			b.ReportAllocs()
			for b.Loop() {
				_ = pg.ClusterDetections(pg.RunCascade(cp, 0), 0.2)
			}
		})
	}
}

// landmarkCascades are the localisations facegate's Detector runs after
// the pupils, in its order: pigo's file and whether it runs mirrored.
var landmarkCascades = []struct {
	file string
	flip bool
}{{"lp93", false}, {"lp84", false}, {"lp84", true}, {"lp81", false}, {"lp82", false}}

// BenchmarkLandmarks is the localisation of both pupils and five
// landmarks on the face Detector found (no scan): Detector.Localise (which
// adds the pose) against pigo's puploc and flploc.
func BenchmarkLandmarks(b *testing.B) {
	pup := pigoLoc(b, "puploc")
	lps := map[string]*pigo.PuplocCascade{}
	for _, l := range landmarkCascades {
		lps[l.file] = pigoLoc(b, "lps/"+l.file)
	}
	for _, c := range frameCases(b) {
		d, err := detect.NewDetector(nil, nil) // pupils and all five landmarks
		if err != nil {
			b.Fatal(err)
		}
		f := detect.Face{Rect: c.face}
		if err := d.Localise(&f, c.luma); err != nil || !f.LandmarksFound {
			b.Fatalf("%s: no landmarks on %v: %v", c.name, c.face, err)
		}
		face := c.face
		b.Run("facegate/"+c.name, func(b *testing.B) {
			b.SetBytes(c.lumaBytes())
			b.ReportAllocs()
			for b.Loop() {
				f = detect.Face{Rect: face}
				if err := d.Localise(&f, c.luma); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("pigo/"+c.name, func(b *testing.B) {
			img := pigo.ImageParams{Pixels: c.luma.Pix, Rows: c.h(), Cols: c.w(), Dim: c.luma.Stride}
			row, col := (face.Min.Y+face.Max.Y)/2, (face.Min.X+face.Max.X)/2
			s := float32(face.Dx())
			b.SetBytes(c.lumaBytes())
			b.ReportAllocs()
			for b.Loop() {
				left := pup.RunDetector(pigo.Puploc{Row: row - int(0.075*s), Col: col - int(0.175*s), Scale: s * 0.25, Perturbs: detect.MaxPerturbs}, img, 0, false)
				right := pup.RunDetector(pigo.Puploc{Row: row - int(0.075*s), Col: col + int(0.185*s), Scale: s * 0.25, Perturbs: detect.MaxPerturbs}, img, 0, false)
				for _, l := range landmarkCascades {
					_ = lps[l.file].GetLandmarkPoint(left, right, img, detect.MaxPerturbs, l.flip)
				}
			}
		})
	}
}

// BenchmarkCropEncode is the face crop a payload carries: the face box
// grown to twice its side, cut from the I420 frame, resized to 400x400 and
// encoded as JPEG (quality 90).
func BenchmarkCropEncode(b *testing.B) {
	const side = 400
	for _, c := range frameCases(b) {
		crop := c.crop(0.5)
		b.Run("facegate/"+c.name, func(b *testing.B) {
			cr, err := preprocess.NewCropResizer(preprocess.I420, crop.Dx(), crop.Dy(), side, side, preprocess.Area)
			if err != nil {
				b.Fatal(err)
			}
			rgb := encode.NewRGB(nil, side, side)
			dst := make([]byte, 0, 1<<20)
			b.SetBytes(c.yuvBytes())
			b.ReportAllocs()
			for b.Loop() {
				if err := cr.CropResize(rgb.Pix, &c.i420, crop); err != nil {
					b.Fatal(err)
				}
				if dst, err = encode.AppendJPEG(dst[:0], rgb, nil); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(dst)), "file-bytes")
		})
		b.Run("stdlib/"+c.name, func(b *testing.B) {
			out := image.NewRGBA(image.Rect(0, 0, side, side))
			var buf bytes.Buffer
			buf.Grow(1 << 20)
			b.SetBytes(c.yuvBytes())
			b.ReportAllocs()
			for b.Loop() {
				sub := c.yuv.SubImage(crop) // the crop: a view, no copy
				xdraw.ApproxBiLinear.Scale(out, out.Rect, sub, crop, xdraw.Src, nil)
				buf.Reset()
				if err := jpeg.Encode(&buf, out, &jpeg.Options{Quality: encode.DefaultJPEGQuality}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(buf.Len()), "file-bytes")
		})
	}
}

// livenessRequest builds a 10-frame liveness request from the case's
// face: 400x400 JPEG crops of a window sliding right by 1/60 of its side
// per frame, with the face rectangle and an illumination color per frame.
// No crop offsets: they describe a crop at the frame's scale, and these
// are resized.
func livenessRequest(tb testing.TB, c *frameCase) *payload.LivenessRequest {
	tb.Helper()
	const side, n = 400, 10
	crop := c.crop(0.5)
	cr, err := preprocess.NewCropResizer(preprocess.I420, crop.Dx(), crop.Dy(), side, side, preprocess.Area)
	if err != nil {
		tb.Fatal(err)
	}
	rgb := encode.NewRGB(nil, side, side)
	r := &payload.LivenessRequest{ModelVersion: payload.ModelVersionLatest}
	colors := []string{"Red", "Green", "Blue"}
	for i := range n {
		w := crop.Add(image.Pt(i*crop.Dx()/60&^1, 0))
		if w.Max.X > c.w() {
			w = w.Add(image.Pt(c.w()-w.Max.X, 0))
		}
		if err := cr.CropResize(rgb.Pix, &c.i420, w); err != nil {
			tb.Fatal(err)
		}
		data, err := encode.AppendJPEG(nil, rgb, nil)
		if err != nil {
			tb.Fatal(err)
		}
		// The face in the crop's coordinates, scaled to the 400x400 file.
		f := c.face.Sub(w.Min)
		k := float64(side) / float64(w.Dx())
		face := payload.Rect{Left: int(float64(f.Min.X) * k), Top: int(float64(f.Min.Y) * k),
			Width: int(float64(f.Dx()) * k), Height: int(float64(f.Dy()) * k)}
		name := fmt.Sprintf("frame-%02d.jpg", i)
		r.Frames = append(r.Frames, payload.Frame{FileName: name, FrameNumber: i, CreationTimeMillis: 1700000000000 + int64(33*i),
			TargetFace: &face, IlluminatedColor: colors[i%3]})
		r.Files = append(r.Files, payload.File{Name: name, Data: data})
	}
	if err := r.Validate(nil); err != nil {
		tb.Fatalf("%s: the request is not valid: %v", c.name, err)
	}
	return r
}

// BenchmarkPayload streams a 10-frame liveness request (metadata JSON,
// part headers, the ten JPEG crops) into a reused buffer. No peer.
func BenchmarkPayload(b *testing.B) {
	for _, c := range frameCases(b) {
		b.Run("facegate/"+c.name, func(b *testing.B) {
			r := livenessRequest(b, c)
			size, err := r.Len()
			if err != nil {
				b.Fatal(err)
			}
			var buf bytes.Buffer
			buf.Grow(int(size))
			b.SetBytes(size)
			b.ReportAllocs()
			for b.Loop() {
				buf.Reset()
				if _, err := r.WriteTo(&buf); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// pigoFace is pigo's face cascade, unpacked by pigo from the file detect
// embeds.
func pigoFace(tb testing.TB) *pigo.Pigo {
	tb.Helper()
	p, err := pigo.NewPigo().Unpack(cascadeFile(tb, "facefinder"))
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

// pigoLoc is a pigo pupil or landmark cascade, unpacked by pigo.
func pigoLoc(tb testing.TB, name string) *pigo.PuplocCascade {
	tb.Helper()
	c, err := pigo.NewPuplocCascade().UnpackCascade(cascadeFile(tb, name))
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

func cascadeFile(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("..", "detect", "cascades", filepath.FromSlash(name)))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}
