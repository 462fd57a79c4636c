package detect

import (
	"fmt"
	"os"
	"testing"

	pigo "github.com/esimov/pigo/core"
	"github.com/facegate/facegate/preprocess"
)

func pigoFace(tb testing.TB) *pigo.Pigo {
	tb.Helper()
	b, err := os.ReadFile("cascades/facefinder")
	if err != nil {
		tb.Fatal(err)
	}
	p, err := pigo.NewPigo().Unpack(b)
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

func pigoParams(p preprocess.Plane, sp ScanParams) pigo.CascadeParams {
	return pigo.CascadeParams{MinSize: sp.MinSize, MaxSize: sp.MaxSize, ShiftFactor: sp.ShiftFactor, ScaleFactor: sp.ScaleFactor,
		ImageParams: pigo.ImageParams{Pixels: p.Pix, Rows: p.Height, Cols: p.Width, Dim: p.Stride}}
}

var oracleParams = []ScanParams{
	{MinSize: 20, MaxSize: 1000, ShiftFactor: 0.1, ScaleFactor: 1.1},
	{MinSize: 100, MaxSize: 1000, ShiftFactor: 0.1, ScaleFactor: 1.1},
	{MinSize: 37, MaxSize: 333, ShiftFactor: 0.15, ScaleFactor: 1.25},
	{MinSize: 9, MaxSize: 60, ShiftFactor: 0.05, ScaleFactor: 1.05},
}

// TestScanEqualsPigo: the raw windows and the clusters equal pigo's
// RunCascade and ClusterDetections on the same plane and parameters.
func TestScanEqualsPigo(t *testing.T) {
	pg := pigoFace(t)
	sc := NewScanner(mustCascades(t).Face)
	for _, name := range testImages {
		p := testLuma(t, name)
		for _, sp := range oracleParams {
			if sp.MinSize < 30 && p.Width > 1000 {
				continue // pigo needs seconds there; the smaller images cover small sizes
			}
			t.Run(fmt.Sprintf("%s/%d-%d/%v/%v", name, sp.MinSize, sp.MaxSize, sp.ShiftFactor, sp.ScaleFactor), func(t *testing.T) {
				dets := pg.RunCascade(pigoParams(p, sp), 0)
				want := toWindows(dets)
				wantC := toWindows(pg.ClusterDetections(dets, 0.2)) // sorts dets
				// Without and with the first tree along the rows
				// (firstTreeRow), by each kernel the CPU can run
				// (first64, first32, firstGeneric).
				// Then the best kernel with the first tree walked on the
				// plane split by phase at no step, at steps up to 12, and
				// with the split by dealGeneric only (phaseMaxStep,
				// dealKernel).
				defer func(v bool, k, m int, d bool) {
					leafRows, firstKernel, phaseMaxStep, dealKernel = v, k, m, d
				}(leafRows, firstKernel, phaseMaxStep, dealKernel)
				type variant struct {
					kern, phase int
					deal        bool
				}
				best, deal := firstKernels()[0], dealKernel
				vs := []variant{{-1, dealMax, deal}}
				for _, k := range firstKernels() {
					vs = append(vs, variant{k, dealMax, deal})
				}
				vs = append(vs, variant{best, 0, deal}, variant{best, 12, deal}, variant{best, 12, false})
				for _, v := range vs {
					leafRows, firstKernel, phaseMaxStep, dealKernel = v.kern >= 0, max(v.kern, 0), v.phase, v.deal
					what := fmt.Sprintf("first-tree kernel %d, phase up to step %d, deal kernels %v", v.kern, v.phase, v.deal)
					got, err := sc.Scan(nil, p, sp)
					if err != nil {
						t.Fatal(err)
					}
					compareWindows(t, what+": raw", got, want)
					gotC := sc.Cluster(nil, got, 0.2)
					compareWindows(t, what+": clustered", gotC, wantC)
					t.Logf("%s: %d windows, %d clusters", what, len(got), len(gotC))
				}
			})
		}
	}
}

// TestScanRotatedEqualsPigo: rotated scans agree on landscape planes.
func TestScanRotatedEqualsPigo(t *testing.T) {
	pg := pigoFace(t)
	sc := NewScanner(mustCascades(t).Face)
	p := testLuma(t, "faces/obama-480p.jpg")
	for _, a := range []float64{0.05, 0.3, 0.9} {
		sp := ScanParams{MinSize: 60, MaxSize: 400, ShiftFactor: 0.1, ScaleFactor: 1.1, Angle: a}
		want := toWindows(pg.RunCascade(pigoParams(p, sp), a))
		got, err := sc.Scan(nil, p, sp)
		if err != nil {
			t.Fatal(err)
		}
		compareWindows(t, fmt.Sprintf("angle %v", a), got, want)
	}
}

// TestScanStrideIndependent: a plane with padding gives the same windows.
func TestScanStrideIndependent(t *testing.T) {
	p := testLuma(t, "faces/pigo-sample.jpg")
	wide := preprocess.GrayPlane(make([]byte, (p.Width+37)*p.Height), p.Width+37, p.Width, p.Height)
	for y := 0; y < p.Height; y++ {
		copy(wide.Row(y), p.Row(y))
	}
	sc := NewScanner(mustCascades(t).Face)
	sp := oracleParams[0]
	a, _ := sc.Scan(nil, p, sp)
	b, _ := sc.Scan(nil, wide, sp)
	compareWindows(t, "strided", b, a)
	if len(a) == 0 {
		t.Fatal("no windows on a face image")
	}
}

func toWindows(d []pigo.Detection) []Window {
	w := make([]Window, len(d))
	for i, x := range d {
		w[i] = Window{x.Row, x.Col, x.Scale, x.Q}
	}
	return w
}

func compareWindows(t *testing.T, what string, got, want []Window) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d windows, pigo %d", what, len(got), len(want))
	}
	for i := range got {
		g, w := got[i], want[i]
		d := g.Q - w.Q
		if g.Row != w.Row || g.Col != w.Col || g.Scale != w.Scale || d > 1e-6 || d < -1e-6 {
			t.Fatalf("%s: window %d is %+v, pigo %+v", what, i, g, w)
		}
	}
}
