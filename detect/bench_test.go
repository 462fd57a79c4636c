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

var _ = preprocess.Area
