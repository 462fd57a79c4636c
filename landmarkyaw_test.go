package facegate_test

import (
	"image"
	"math"
	"testing"

	"github.com/facegate/facegate"
)

// yawFace is the face of dlib's 2007_007763 that is turned from the
// camera (the one TestMirrorCheckRejectsFailedLandmarks uses): a
// frontal cascade finds it, its landmark pose is unsure and reads it
// within the yaw limit, and the 68 landmarks read it turned by about 30
// degrees.
func yawFace(t testing.TB) *image.RGBA {
	return turnedCrop(t, "dlib-2007_007763.jpg", image.Rect(309, 233, 354, 278))
}

// The yaw from the 68 landmarks: taken for an unsure pose, rejected
// beyond the policy's MaxYaw plus 5 degrees, with its value in the
// reason; the same face mirrored reads a yaw the other way (its box
// and landmarks differ: -32.5 and 39.5 degrees when written).
func TestLandmarkYaw(t *testing.T) {
	p := facegate.DefaultPolicy()
	p.MaxYaw = 25 // the limit then is 30 degrees, below this face's yaw
	m := yawFace(t)
	pl, err := facegate.NewWithOptions(p, &facegate.Options{NoTurnedCheck: true})
	if err != nil {
		t.Fatal(err)
	}
	r := process(t, pl, m)
	f, ok := r.TargetFace()
	if !ok || f.Profile != 0 || f.Pose.Confidence >= 0.5 || math.Abs(f.Pose.Yaw) > p.MaxYaw {
		t.Fatalf("target found %v, profile %v, pose %+v: want a frontal-cascade face with an unsure pose within the yaw limit", ok, f.Profile, f.Pose)
	}
	if !r.LandmarkYawFound || math.Abs(r.LandmarkYaw) < 30 || math.Abs(r.LandmarkYaw) > 60 {
		t.Fatalf("LandmarkYaw %.1f (found %v), want 30 to 60 degrees", r.LandmarkYaw, r.LandmarkYawFound)
	}
	var reason *facegate.Reason
	for _, x := range r.Verdict.Reasons() {
		if x.Code == facegate.NotFrontal {
			reason = &x
		}
	}
	if reason == nil || reason.Value != math.Abs(r.LandmarkYaw) || reason.Threshold != p.MaxYaw+5 {
		t.Fatalf("reasons %v: want not frontal by the landmark yaw %.1f against %v", r.Verdict.Reasons(), r.LandmarkYaw, p.MaxYaw+5)
	}

	// Followed (the same frame again): one run on the last crop, moved
	// with the box, reads about the same yaw. (The Result is the
	// Pipeline's: keep the yaw before the next frame.)
	yaw := r.LandmarkYaw
	for range 2 {
		r := process(t, pl, m)
		if !r.LandmarkYawFound || math.Abs(r.LandmarkYaw-yaw) > 4 {
			t.Errorf("frame %d, followed: LandmarkYaw %.1f (found %v), want within 4 degrees of %.1f", r.Index, r.LandmarkYaw, r.LandmarkYawFound, yaw)
		}
	}

	// Mirrored, the face turns the other way.
	mr := image.NewRGBA(m.Rect)
	for y := 0; y < m.Rect.Dy(); y++ {
		for x := 0; x < m.Rect.Dx(); x++ {
			copy(mr.Pix[y*mr.Stride+4*x:][:4], m.Pix[y*m.Stride+4*(m.Rect.Dx()-1-x):][:4])
		}
	}
	pl.Reset()
	rm := process(t, pl, mr)
	if !rm.LandmarkYawFound || rm.LandmarkYaw*yaw >= 0 || math.Abs(rm.LandmarkYaw) < 30 || math.Abs(rm.LandmarkYaw) > 60 {
		t.Errorf("mirrored: LandmarkYaw %.1f (found %v), want 30 to 60 degrees the other way from %.1f", rm.LandmarkYaw, rm.LandmarkYawFound, yaw)
	}

	// Off, the landmark pose alone passes the face.
	off, err := facegate.NewWithOptions(p, &facegate.Options{NoTurnedCheck: true, NoLandmarkYaw: true})
	if err != nil {
		t.Fatal(err)
	}
	if r := process(t, off, m); r.LandmarkYawFound || r.Verdict.Has(facegate.NotFrontal) {
		t.Errorf("NoLandmarkYaw: found %v, reasons %v; want neither the yaw nor not frontal", r.LandmarkYawFound, r.Verdict.Reasons())
	}

	// With the default MaxYaw of 30 the limit is 35 degrees: measured,
	// within it, not rejected.
	def := lmPipeline(t, &facegate.Options{NoTurnedCheck: true})
	if r := process(t, def, m); !r.LandmarkYawFound || math.Abs(r.LandmarkYaw) > 35 || r.Verdict.Has(facegate.NotFrontal) {
		t.Errorf("default policy: LandmarkYaw %.1f (found %v), reasons %v; want measured within 35 degrees and no not frontal", r.LandmarkYaw, r.LandmarkYawFound, r.Verdict.Reasons())
	}
}

// A sure landmark pose is not given to the network; neither is a
// blurred face.
func TestLandmarkYawNotTaken(t *testing.T) {
	r := process(t, lmPipeline(t, nil), loadRGBA(t, "faces/obama-1080p.jpg"))
	if f, ok := r.TargetFace(); !ok || f.Pose.Confidence < 0.5 || r.LandmarkYawFound {
		t.Errorf("a frontal face: target %v, confidence %.2f, LandmarkYawFound %v; want a sure pose and no landmark yaw", ok, f.Pose.Confidence, r.LandmarkYawFound)
	}
	r = process(t, lmPipeline(t, &facegate.Options{NoTurnedCheck: true}), boxBlur(yawFace(t), 4))
	if !r.Verdict.Has(facegate.Blurred) || r.LandmarkYawFound {
		t.Errorf("blurred: reasons %v, LandmarkYawFound %v; want blurred and no landmark yaw", r.Verdict.Reasons(), r.LandmarkYawFound)
	}
}

// BenchmarkLandmarkYaw is a frame whose face has an unsure pose (yawFace,
// followed), with the 68-landmark yaw and without it: the difference is
// the yaw's cost, two runs of the network.
func BenchmarkLandmarkYaw(b *testing.B) {
	m := yawFace(b)
	for _, c := range []struct {
		name string
		off  bool
	}{{"on", false}, {"off", true}} {
		b.Run(c.name, func(b *testing.B) {
			f := rgbaFrame(m)
			pl, err := facegate.NewWithOptions(nil, &facegate.Options{NoTurnedCheck: true, NoLandmarkYaw: c.off})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				r, err := pl.Process(&f)
				if err != nil || r.LandmarkYawFound == c.off {
					b.Fatalf("err %v, LandmarkYawFound %v", err, r != nil && r.LandmarkYawFound)
				}
			}
		})
	}
}
