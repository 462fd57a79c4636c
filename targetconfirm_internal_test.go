//go:build !race

// The face network runs some 50 times slower under the race detector, where
// newPipeline turns it off; detect/tinyface's own tests run there.

package facegate

import (
	"image"
	"image/color"
	"image/draw"
	"slices"
	"testing"

	"github.com/facegate/facegate/detect/tinyface"
	"github.com/facegate/facegate/preprocess"
	xdraw "golang.org/x/image/draw"
)

// confirmTarget: the face network confirms a face's box and not a box of
// the same size off the face, nor one on a plain frame; a box too small
// to show it anything counts as confirmed; once warm it does not
// allocate, including after the network ran on a whole frame (its two
// input sizes share the buffers).
func TestConfirmTarget(t *testing.T) {
	pl, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	bob := frameOf(t, loadTestRGBA(t, "faces/bob.jpg"))
	r, err := pl.Process(&bob)
	if err != nil {
		t.Fatal(err)
	}
	if r.Target < 0 || r.HaarScan {
		t.Fatalf("bob.jpg: target %d, fallback scan %v; want the plain scan's face", r.Target, r.HaarScan)
	}
	face := r.Faces[r.Target].Rect
	// The same size over the shirt, below the face.
	off := face.Add(image.Pt(0, face.Dy()+10)).Intersect(image.Rect(0, 0, bob.Width, bob.Height))
	gray := image.NewRGBA(image.Rect(0, 0, 640, 480))
	draw.Draw(gray, gray.Rect, image.NewUniform(color.RGBA{128, 128, 128, 255}), image.Point{}, draw.Src)
	plain := frameOf(t, gray)
	for _, c := range []struct {
		name string
		f    *preprocess.Frame
		box  image.Rectangle
		want bool
	}{
		{"face", &bob, face, true},
		{"shirt", &bob, off, false},
		{"plain", &plain, image.Rect(200, 120, 440, 360), false},
		{"tiny", &plain, image.Rect(10, 10, 17, 17), true},
	} {
		got, err := pl.confirmTarget(c.box, c.f)
		if err != nil {
			t.Fatal(err)
		}
		if got != c.want {
			t.Errorf("%s %v: confirmed %v, want %v", c.name, c.box, got, c.want)
		}
	}
	// The network's run on a whole frame (the turned-face network's input
	// size) and the check, alternately, as on a stream.
	whole := make([]byte, 3*64*64)
	if n := testing.AllocsPerRun(3, func() {
		var err error
		if pl.tinyBoxes, err = pl.tiny.Detect(pl.tinyBoxes[:0], whole, 64, 64, 3*64, tinyface.Options{InputSize: turnedNetSide, ScoreThreshold: turnedNetScore}); err != nil {
			t.Fatal(err)
		}
		if _, err := pl.confirmTarget(face, &bob); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Errorf("confirmTarget after a whole-frame run: %v allocations", n)
	}
}

// loadTestRGBA is a bundled image (testImage) drawn into an RGBA image.
func loadTestRGBA(tb testing.TB, name string) *image.RGBA {
	tb.Helper()
	img := testImage(tb, name)
	m := image.NewRGBA(image.Rect(0, 0, img.Bounds().Dx(), img.Bounds().Dy()))
	draw.Draw(m, m.Rect, img, img.Bounds().Min, draw.Src)
	return m
}

// fallbackFace is the Kaggle mask set's maksssksksss299 (testdata/SOURCES.md),
// a young man's face against a wall, enlarged twice, with a plain gray
// square painted on the wall (plainSquare): the plain scans miss the face,
// a fallback scan finds it with a low score, and the face network
// confirms it.
func fallbackFace(t testing.TB) *image.RGBA {
	src := loadTestRGBA(t, "faces/kaggle-mask-299.png")
	m := image.NewRGBA(image.Rect(0, 0, 2*src.Rect.Dx(), 2*src.Rect.Dy()))
	xdraw.CatmullRom.Scale(m, m.Rect, src, src.Rect, xdraw.Src, nil)
	draw.Draw(m, plainSquare, image.NewUniform(color.RGBA{128, 128, 128, 255}), image.Point{}, draw.Src)
	return m
}

var plainSquare = image.Rect(10, 10, 230, 230)

// A frame accepted on a fallback scan's target is checked by the face
// network: a real face stays accepted; a target the network does not see
// (here the same face's measures moved onto the plain square) is rejected
// as not frontal, with its pose unknown, or only warned about with
// Policy.UnknownPoseWarns; NoTargetConfirm skips the check.
func TestTargetConfirm(t *testing.T) {
	frame := frameOf(t, fallbackFace(t))
	o := &Options{}
	pl, err := NewWithOptions(nil, o)
	if err != nil {
		t.Fatal(err)
	}
	r, err := pl.Process(&frame)
	if err != nil {
		t.Fatal(err)
	}
	if !r.HaarScan || r.Target < 0 || !r.Verdict.Accept || r.TargetUnconfirmed {
		t.Fatalf("face: fallback scan %v, target %d, reasons %v, unconfirmed %v; want a fallback target accepted", r.HaarScan, r.Target, r.Verdict.Reasons(), r.TargetUnconfirmed)
	}
	luma, err := frame.Luma(make([]byte, frame.Width*frame.Height))
	if err != nil {
		t.Fatal(err)
	}
	// The target's box moved onto the plain canvas, the rest as found.
	plain := plainSquare.Inset(10)
	// The 68 landmarks would read the square's own size and yaw.
	pl.opts.NoLandmarkSize, pl.opts.NoLandmarkYaw = true, true
	for _, c := range []struct {
		name             string
		warns, noConfirm bool
		want             []Code
	}{
		{"default", false, false, []Code{NotFrontal, PoseUnknown}},
		{"UnknownPoseWarns", true, false, []Code{PoseUnknown}},
		{"NoTargetConfirm", false, true, nil},
	} {
		pl.policy.UnknownPoseWarns, pl.confirm = c.warns, !c.noConfirm
		r.Faces[r.Target].Rect = plain
		if err := pl.judge(r, &frame, luma); err != nil {
			t.Fatal(err)
		}
		var got []Code
		for _, x := range r.Verdict.Reasons() {
			if x.Code != BelowOptimalEyeDistance && x.Code != BelowOptimalSize {
				got = append(got, x.Code)
			}
		}
		if !slices.Equal(got, c.want) || r.TargetUnconfirmed != !c.noConfirm || r.Verdict.Accept != (c.warns || c.noConfirm) {
			t.Errorf("%s: reasons %v (accept %v), unconfirmed %v; want %v", c.name, r.Verdict.Reasons(), r.Verdict.Accept, r.TargetUnconfirmed, c.want)
		}
	}
}

// BenchmarkConfirmTarget is the face network's check of a fallback scan's
// target on the 602 x 800 frame of TestTargetConfirm (the frame's
// downscale to the network's view included).
func BenchmarkConfirmTarget(b *testing.B) {
	frame := frameOf(b, fallbackFace(b))
	pl, err := New(nil)
	if err != nil {
		b.Fatal(err)
	}
	r, err := pl.Process(&frame)
	if err != nil || r.Target < 0 {
		b.Fatalf("no target: %v", err)
	}
	face := r.Faces[r.Target].Rect
	b.ReportAllocs()
	for b.Loop() {
		if _, err := pl.confirmTarget(face, &frame); err != nil {
			b.Fatal(err)
		}
	}
}
