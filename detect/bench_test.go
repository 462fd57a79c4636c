package detect

import (
	"testing"

	"github.com/facegate/facegate/preprocess"
)

var benchCases = []struct {
	name  string
	image string
	sp    ScanParams
}{
	{"1080p-min100", "faces/obama-1080p.jpg", ScanParams{MinSize: 100, MaxSize: 1000, ShiftFactor: 0.1, ScaleFactor: 1.1}},
	{"480p-min20", "faces/obama-480p.jpg", ScanParams{MinSize: 20, MaxSize: 480, ShiftFactor: 0.1, ScaleFactor: 1.1}},
}

// BenchmarkScan: facegate's Scan+Cluster and pigo's RunCascade+
// ClusterDetections on the same plane and parameters, one goroutine.
func BenchmarkScan(b *testing.B) {
	pg := pigoFace(b)
	sc := NewScanner(mustCascades(b).Face)
	for _, c := range benchCases {
		p := testLuma(b, c.image)
		var raw, clusters []Window
		b.Run("facegate/"+c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				raw, _ = sc.Scan(raw[:0], p, c.sp)
				clusters = sc.Cluster(clusters[:0], raw, 0.2)
			}
		})
		b.Run("pigo/"+c.name, func(b *testing.B) {
			cp := pigoParams(p, c.sp)
			b.ReportAllocs()
			for b.Loop() {
				_ = pg.ClusterDetections(pg.RunCascade(cp, 0), 0.2)
			}
		})
	}
}

// BenchmarkDetect: the Detector (downscale, scan, cluster; no landmarks)
// against pigo's RunCascade + ClusterDetections at the same face sizes on
// the same frame, one goroutine (and Workers: 2), in steady state: one
// call before timing.
func BenchmarkDetect(b *testing.B) {
	pg := pigoFace(b)
	for _, c := range benchCases {
		p := testLuma(b, c.image)
		d, err := NewDetector(nil, &Options{MinFace: c.sp.MinSize, MaxFace: c.sp.MaxSize, SkipLandmarks: true})
		if err != nil {
			b.Fatal(err)
		}
		// One call before timing plans the frame size and fills the probe
		// tables the scales reach, as the frames before it in a stream do.
		faces, _ := d.Detect(make([]Face, 0, 16), p)
		b.Run("facegate/"+c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				faces, _ = d.Detect(faces[:0], p)
			}
		})
		b.Run("pigo/"+c.name, func(b *testing.B) {
			cp := pigoParams(p, c.sp)
			b.ReportAllocs()
			for b.Loop() {
				_ = pg.ClusterDetections(pg.RunCascade(cp, 0), 0.2)
			}
		})
		d2, err := NewDetector(nil, &Options{MinFace: c.sp.MinSize, MaxFace: c.sp.MaxSize, SkipLandmarks: true, Workers: 2})
		if err != nil {
			b.Fatal(err)
		}
		faces, _ = d2.Detect(faces[:0], p)
		b.Run("facegate-2workers/"+c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				faces, _ = d2.Detect(faces[:0], p)
			}
		})
	}
	// Pupils and landmarks cost per face.
	p := testLuma(b, "faces/obama-1080p.jpg")
	d, _ := NewDetector(nil, &Options{MinFace: 100})
	faces := make([]Face, 0, 16)
	b.Run("facegate-landmarks/1080p-min100", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			faces, _ = d.Detect(faces[:0], p)
		}
	})
}

var _ = preprocess.Area

// localiseCase is the face the localisation benchmarks start from: the
// first found on obama-1080p.jpg (faces of 100 px and more), its centre and
// side, with the detector and the plane.
func localiseCase(b *testing.B) (d *Detector, p preprocess.Plane, cx, cy, side int) {
	b.Helper()
	p = testLuma(b, "faces/obama-1080p.jpg")
	d, err := NewDetector(nil, &Options{MinFace: 100})
	if err != nil {
		b.Fatal(err)
	}
	faces, _ := d.Detect(nil, p)
	if len(faces) == 0 {
		b.Fatal("no face")
	}
	r := faces[0].Rect
	return d, p, (r.Min.X + r.Max.X) / 2, (r.Min.Y + r.Max.Y) / 2, r.Dx()
}

// BenchmarkLocalise: pupils, landmarks and pose of one face found at
// 1080p (no scan), facegate against pigo's puploc and flploc with the same
// perturbations; facegate-tracked is LocaliseTracked's early exit on the
// same face.
func BenchmarkLocalise(b *testing.B) {
	d, p, cx, cy, side := localiseCase(b)
	b.Run("facegate/1080p", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var f Face
			d.localise(&f, &p, cy, cx, side, noEarlyExit)
			if !f.LandmarksFound {
				b.Fatal("landmarks lost")
			}
		}
	})
	// LocaliseTracked's early exit (TrackedPerturbs starts each).
	b.Run("facegate-tracked/1080p", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var f Face
			if !d.localise(&f, &p, cy, cx, side, trackedEarlyExit) || !f.LandmarksFound {
				b.Fatal("no early exit")
			}
		}
	})
}
