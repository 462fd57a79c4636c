package bench

import (
	"image"
	_ "image/png"
	"os"
	"path/filepath"
	"testing"

	xdraw "golang.org/x/image/draw"

	pigo "github.com/esimov/pigo/core"

	"github.com/facegate/facegate"
	"github.com/facegate/facegate/preprocess"
	"github.com/facegate/facegate/track"
)

// naivePigo is the pipeline a capture app would write with pigo alone:
// RGBA -> RgbToGrayscale -> RunCascade at full resolution ->
// ClusterDetections -> puploc on each face, as pigo's command does.
type naivePigo struct {
	face    *pigo.Pigo
	pupil   *pigo.PuplocCascade
	minSize int
}

func (n *naivePigo) run(img *image.RGBA) int {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	gray := pigo.RgbToGrayscale(img)
	ip := pigo.ImageParams{Pixels: gray, Rows: h, Cols: w, Dim: w}
	cp := pigo.CascadeParams{MinSize: n.minSize, MaxSize: min(w, h), ShiftFactor: 0.1, ScaleFactor: 1.1, ImageParams: ip}
	found := 0
	for _, d := range n.face.ClusterDetections(n.face.RunCascade(cp, 0), 0.2) {
		if d.Q <= 5 {
			continue
		}
		found++
		s := float32(d.Scale)
		n.pupil.RunDetector(pigo.Puploc{Row: d.Row - int(0.075*s), Col: d.Col - int(0.175*s), Scale: s * 0.25, Perturbs: 63}, ip, 0, false)
		n.pupil.RunDetector(pigo.Puploc{Row: d.Row - int(0.075*s), Col: d.Col + int(0.185*s), Scale: s * 0.25, Perturbs: 63}, ip, 0, false)
	}
	return found
}

// BenchmarkPipeline is the whole per-frame check: facegate's
// Pipeline.Process on the RGBA frame, as a camera stream runs it (a full
// scan every 15th frame, local search around the tracked face between),
// against the naive pigo pipeline on the same frame. Both search faces
// down to 96 px at 1080p (0.75 of the service's 128 px minimum), scaled
// with the frame. Extra cases: "-nv12" gives facegate the camera's YUV
// frame; "-fullscan" scans every frame in full.
func BenchmarkPipeline(b *testing.B) {
	for _, c := range frameCases(b) {
		nv := c.i420 // the camera's 4:2:0 frame
		for _, v := range []struct {
			suffix string
			frame  *preprocess.Frame
			rescan int
		}{{"", &c.frame, 0}, {"-nv12", &nv, 0}, {"-fullscan", &c.frame, 1}} {
			if v.suffix != "" && c.name != "1080p" {
				continue
			}
			b.Run("facegate/"+c.name+v.suffix, func(b *testing.B) {
				pol := facegate.DefaultPolicy()
				pl, err := facegate.NewWithOptions(pol, &facegate.Options{RescanEvery: v.rescan})
				if err != nil {
					b.Fatal(err)
				}
				for range 30 { // into steady state
					if _, err := pl.Process(v.frame); err != nil {
						b.Fatal(err)
					}
				}
				b.SetBytes(c.rgbaBytes())
				b.ReportAllocs()
				for b.Loop() {
					if res, err := pl.Process(v.frame); err != nil || res.Target < 0 {
						b.Fatalf("no target: %v", err)
					}
				}
			})
		}
		b.Run("pigo/"+c.name, func(b *testing.B) {
			n := &naivePigo{face: pigoFace(b), pupil: pigoLoc(b, "puploc"), minSize: int(96*c.scale + 0.5)}
			b.SetBytes(c.rgbaBytes())
			b.ReportAllocs()
			for b.Loop() {
				if n.run(c.rgba) == 0 {
					b.Fatal("pigo found no face")
				}
			}
		})
	}
}

// BenchmarkTrack is the tracker and target update for a frame with three
// faces, one moving.
func BenchmarkTrack(b *testing.B) {
	for _, c := range frameCases(b) {
		b.Run("facegate/"+c.name, func(b *testing.B) {
			trk, err := track.NewTracker(nil)
			if err != nil {
				b.Fatal(err)
			}
			tgt := track.NewTarget(0)
			boxes := []image.Rectangle{c.face, c.face.Add(image.Pt(c.w()/3, 0)), c.face.Add(image.Pt(-c.w()/4, c.h()/8))}
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				i++
				boxes[0] = c.face.Add(image.Pt(i%7, i%5))
				tgt.Update(trk.Update(boxes))
			}
		})
	}
}

// BenchmarkGates is the quality measure of the target face (blur,
// exposure) on the frame's luma.
func BenchmarkGates(b *testing.B) {
	for _, c := range frameCases(b) {
		b.Run("facegate/"+c.name, func(b *testing.B) {
			var m facegate.Meter
			var q facegate.Quality
			b.ReportAllocs()
			for b.Loop() {
				if err := m.Measure(&q, c.luma, c.face); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkNoFace is Pipeline.Process on a 1080p frame without a face (the
// cat photograph of testdata/negatives scaled to 1920x1080): "still" is a
// first frame (Reset before each), a full scan followed by every fallback
// scan (contrast-normalised, frontal Haar, rolled, profile Haar and LBP,
// turned profile, dense, dense profile) and the turned-face network;
// "still-no-dense-profile" the same without the dense profile scan
// (Options.NoDenseProfileScan), "still-no-turned-face-net" without the
// network (Options.NoTurnedFaceNet);
// "stream" a run of
// such frames, where the Haar scans and the network run on every 15th
// frame only, and "stream-no-turned-face-net" the same without the
// network;
// "plain-scan" the still with the fallbacks off, what a face-free frame
// cost before them.
func BenchmarkNoFace(b *testing.B) {
	f, err := os.Open(filepath.Join("..", "testdata", "negatives", "chelsea.png"))
	if err != nil {
		b.Fatal(err)
	}
	src, _, err := image.Decode(f)
	f.Close()
	if err != nil {
		b.Fatal(err)
	}
	rgba := image.NewRGBA(image.Rect(0, 0, 1920, 1080))
	xdraw.ApproxBiLinear.Scale(rgba, rgba.Rect, src, src.Bounds(), xdraw.Src, nil)
	frame := preprocess.Frame{Format: preprocess.RGBA, Width: 1920, Height: 1080,
		Planes: [3][]byte{rgba.Pix}, Strides: [3]int{rgba.Stride}}
	for _, c := range []struct {
		name  string
		opts  facegate.Options
		reset bool
	}{
		{"still", facegate.Options{}, true},
		{"still-no-dense", facegate.Options{NoDenseScan: true}, true},
		{"still-no-dense-profile", facegate.Options{NoDenseProfileScan: true}, true},
		{"still-no-turned-face-net", facegate.Options{NoTurnedFaceNet: true}, true},
		{"stream", facegate.Options{}, false},
		{"stream-no-turned-face-net", facegate.Options{NoTurnedFaceNet: true}, false},
		{"plain-scan", facegate.Options{NoEqualizedScan: true, NoFrontalHaarScan: true, NoProfileScan: true, NoProfileLBPScan: true, NoRolledScan: true, NoTurnedProfileScan: true, NoDenseScan: true, NoDenseProfileScan: true, NoTurnedFaceNet: true}, true},
	} {
		b.Run("facegate/"+c.name, func(b *testing.B) {
			pl, err := facegate.NewWithOptions(nil, &c.opts)
			if err != nil {
				b.Fatal(err)
			}
			for range 2 {
				if _, err := pl.Process(&frame); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportAllocs()
			for b.Loop() {
				if c.reset {
					pl.Reset()
				}
				if res, err := pl.Process(&frame); err != nil || len(res.Faces) != 0 {
					b.Fatalf("%v, %d faces", err, len(res.Faces))
				}
			}
		})
	}
}
