package facegate_test

import (
	"image"
	"os"
	"testing"

	pigo "github.com/esimov/pigo/core"

	"github.com/facegate/facegate"
	"github.com/facegate/facegate/preprocess"
)

// naivePigo is the pipeline a capture app would write with pigo alone:
// RGBA -> RgbToGrayscale -> RunCascade at full resolution ->
// ClusterDetections -> puploc on each face, as pigo's command does.
type naivePigo struct {
	face    *pigo.Pigo
	pupil   *pigo.PuplocCascade
	minSize int
}

func newNaivePigo(tb testing.TB, minSize int) *naivePigo {
	tb.Helper()
	fb, err := os.ReadFile("detect/cascades/facefinder")
	if err != nil {
		tb.Fatal(err)
	}
	face, err := pigo.NewPigo().Unpack(fb)
	if err != nil {
		tb.Fatal(err)
	}
	pb, err := os.ReadFile("detect/cascades/puploc")
	if err != nil {
		tb.Fatal(err)
	}
	pupil, err := pigo.NewPuplocCascade().UnpackCascade(pb)
	if err != nil {
		tb.Fatal(err)
	}
	return &naivePigo{face: face, pupil: pupil, minSize: minSize}
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

// BenchmarkPipeline: facegate's Process against the naive pigo pipeline on
// the same 1920x1080 frame with a face, one goroutine. facegate searches
// faces down to 96 px (0.75 of the 128 px minimum), pigo from 96 px too.
// Cases: "rgba" gives facegate the RGBA frame pigo gets; "nv12" the camera's
// frame; "steady" runs as a camera would (full scan every 10th frame,
// local search around the tracked face between); "fullscan" scans every
// frame in full.
func BenchmarkPipeline(b *testing.B) {
	m := loadRGBA(b, "faces/obama-1080p.jpg")
	nv, rgba := nv12(m), rgbaFrame(m)
	for _, c := range []struct {
		name   string
		rescan int
		frame  *preprocess.Frame
	}{
		{"1080p-rgba-steady", 15, &rgba},
		{"1080p-nv12-steady", 15, &nv},
		{"1080p-rgba-fullscan", 1, &rgba},
		{"1080p-nv12-fullscan", 1, &nv},
		{"1080p-nv12-localonly", 1000, &nv},
	} {
		b.Run("facegate/"+c.name, func(b *testing.B) {
			pl := newPipeline(b, nil, &facegate.Options{RescanEvery: c.rescan})
			for range 2 * c.rescan {
				pl.Process(c.frame)
			}
			b.SetBytes(int64(len(m.Pix)))
			b.ReportAllocs()
			for b.Loop() {
				if res, err := pl.Process(c.frame); err != nil || res.Target < 0 {
					b.Fatalf("no target: %v", err)
				}
			}
		})
	}
	b.Run("pigo/1080p-rgba", func(b *testing.B) {
		n := newNaivePigo(b, 96)
		b.SetBytes(int64(len(m.Pix)))
		b.ReportAllocs()
		for b.Loop() {
			if n.run(m) == 0 {
				b.Fatal("pigo found no face")
			}
		}
	})
}
