package facegate_test

import (
	"errors"
	"image"
	"image/color"
	"image/draw"
	"testing"

	xdraw "golang.org/x/image/draw"

	"github.com/facegate/facegate"
	"github.com/facegate/facegate/track"
)

// placed returns a 640x480 grey frame holding the face of the dlib image
// whose box is face (a side of 90 px), with 0.6 of its side around it,
// scaled by scale and placed at 20+off, 20+off; and where the face's box
// lands.
func placed(tb testing.TB, scale float64, off int) (*image.RGBA, image.Rectangle) {
	src := loadRGBA(tb, "../detect/testdata/dlib-2008_001322.jpg")
	face := image.Rect(344, 155, 434, 245)
	crop := face.Inset(-54).Intersect(src.Bounds())
	w, h := int(float64(crop.Dx())*scale), int(float64(crop.Dy())*scale)
	dst := image.NewRGBA(image.Rect(0, 0, 640, 480))
	draw.Draw(dst, dst.Bounds(), &image.Uniform{color.Gray{Y: 128}}, image.Point{}, draw.Src)
	at := image.Pt(20+off, 20+off)
	xdraw.CatmullRom.Scale(dst, image.Rectangle{Min: at, Max: at.Add(image.Pt(w, h))}, src, crop, xdraw.Src, nil)
	tr := func(p image.Point) image.Point {
		return at.Add(image.Pt(int(float64(p.X-crop.Min.X)*scale), int(float64(p.Y-crop.Min.Y)*scale)))
	}
	return dst, image.Rectangle{Min: tr(face.Min), Max: tr(face.Max)}
}

// A frontal face that the plain scan's grid steps over (a face of the dlib
// training set, about 90 to 120 px, on a 640x480 frame) is found by the
// dense scan (Options.NoDenseScan turns it off), where it is: the plain
// scan, with or without the dense scan's help, finds nothing else. The
// other fallbacks are off, so that the dense scan is what finds it.
func TestDenseScanFindsFaceBetweenWindows(t *testing.T) {
	for _, c := range []struct {
		scale float64
		off   int
	}{{1, 0}, {1, 3}, {1.1, 0}, {1.25, 0}} {
		m, want := placed(t, c.scale, c.off)
		for _, off := range []bool{false, true} {
			pl := newPipeline(t, facegate.DefaultPolicy(), &facegate.Options{NoDenseScan: off,
				NoEqualizedScan: true, NoFrontalHaarScan: true, NoProfileScan: true, NoProfileLBPScan: true, NoRolledScan: true, NoTurnedProfileScan: true, NoDenseProfileScan: true})
			res := process(t, pl, m)
			if off {
				if len(res.Faces) != 0 {
					t.Errorf("scale %v, offset %d: the plain scan alone finds %d faces (%v); the test needs a face it misses", c.scale, c.off, len(res.Faces), res.Faces[0].Rect)
				}
				continue
			}
			if res.Target < 0 || len(res.Faces) != 1 {
				t.Errorf("scale %v, offset %d: with the dense scan, target %d of %d faces; want the one face", c.scale, c.off, res.Target, len(res.Faces))
				continue
			}
			f := res.Faces[res.Target]
			if iou := track.IoU(f.Rect, want); iou < 0.4 {
				t.Errorf("scale %v, offset %d: dense face %v overlaps the face %v by IoU %.2f; want 0.4 or more", c.scale, c.off, f.Rect, want, iou)
			}
			if res.Verdict.Has(facegate.NoFace) {
				t.Errorf("scale %v, offset %d: a target and no-face", c.scale, c.off)
			}
		}
	}
}

// The dense scan puts no face in a face-less frame, though it runs there
// with every other fallback.
func TestDenseScanNoFaceInEmptyFrame(t *testing.T) {
	for _, name := range []string{"negatives/chelsea.png"} {
		res := process(t, newPipeline(t, facegate.DefaultPolicy(), nil), loadRGBA(t, name))
		if len(res.Faces) != 0 || !res.Verdict.Has(facegate.NoFace) || !res.HaarScan {
			t.Errorf("%s: %d faces, no-face %v, fallbacks ran %v; want 0, true, true", name, len(res.Faces), res.Verdict.Has(facegate.NoFace), res.HaarScan)
		}
	}
}

// The dense scan takes some turned and tilted faces, which the profile
// scans are for, for frontal ones; their landmarks scatter, and a face
// the dense scan found is of unknown pose below a confidence of 0.5, so
// that it is judged not frontal however low the policy's
// MinPoseConfidence (0 by default). The face: the tilted profile of
// TestTurnedProfileScanFindsTiltedProfile, with the turned scan off.
func TestDenseScanUnsurePoseIsNotFrontal(t *testing.T) {
	m := rotated(turnedCrop(t, "dlib-2008_002079.jpg", image.Rect(33, 190, 85, 242)), -35)
	res := process(t, newPipeline(t, facegate.DefaultPolicy(), &facegate.Options{NoTurnedProfileScan: true}), m)
	if !res.DenseScan || res.Target < 0 {
		t.Fatalf("dense scan %v, target %d; want a target from the dense scan", res.DenseScan, res.Target)
	}
	f := res.Faces[res.Target]
	if f.Pose.Confidence >= 0.5 {
		t.Fatalf("pose confidence %.2f; the test needs an unsure pose", f.Pose.Confidence)
	}
	if err := res.Verdict.Err(); !errors.Is(err, facegate.NotFrontal) || errors.Is(err, facegate.NoFace) {
		t.Errorf("verdict %v, want not frontal", err)
	}
	if !res.Verdict.Has(facegate.PoseUnknown) {
		t.Errorf("no pose-unknown warning")
	}
}

// The service's target is the largest face. When every face a full scan
// finds is too small, the dense scan looks for a larger one that the
// scans missed: here the face of TestDenseScanFindsFaceBetweenWindows,
// larger (about 145 px), beside a smaller face the plain scan finds (bob,
// about 100 px). Without the dense scan the small face is the target and
// the frame is too small; with it the larger face is.
func TestDenseScanFindsLargerFaceBesideSmallOne(t *testing.T) {
	big, want := placed(t, 1.6, 0)
	frame := image.NewRGBA(image.Rect(0, 0, 960, 540))
	draw.Draw(frame, frame.Rect, &image.Uniform{color.Gray{Y: 128}}, image.Point{}, draw.Src)
	draw.Draw(frame, big.Rect, big, image.Point{}, draw.Src)
	bob := loadRGBA(t, "faces/bob.jpg")
	small := image.Rect(700, 100, 700+bob.Rect.Dx()*35/100, 100+bob.Rect.Dy()*35/100)
	xdraw.CatmullRom.Scale(frame, small, bob, bob.Rect, xdraw.Src, nil)
	for _, off := range []bool{false, true} {
		res := process(t, newPipeline(t, facegate.DefaultPolicy(), &facegate.Options{NoDenseScan: off}), frame)
		if res.Target < 0 {
			t.Fatalf("dense scan off %v: no target", off)
		}
		got := res.Faces[res.Target].Rect
		if off {
			if !got.Overlaps(small) || !res.Verdict.Has(facegate.FaceTooSmall) || res.DenseScan {
				t.Errorf("without the dense scan: target %v (small face at %v), too small %v, dense %v; want the small face, too small",
					got, small, res.Verdict.Has(facegate.FaceTooSmall), res.DenseScan)
			}
			continue
		}
		if iou := track.IoU(got, want); iou < 0.4 || !res.DenseScan || res.Verdict.Has(facegate.FaceTooSmall) || len(res.Faces) != 2 {
			t.Errorf("with the dense scan: target %v, IoU %.2f with the larger face %v, dense %v, too small %v, %d faces; want the larger face of 2, not too small",
				got, iou, want, res.DenseScan, res.Verdict.Has(facegate.FaceTooSmall), len(res.Faces))
		}
	}
}
