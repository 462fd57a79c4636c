package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math"
	"os"

	"github.com/facegate/facegate/bench/internal/facedata"
	"github.com/facegate/facegate/detect"
)

// fitPose reads a -posedump file and fits detect's pose mapping (see
// detect.estimatePose) on the faces of the calibrate part found by the
// frontal cascade within +-60 degrees of yaw (the range the mapping is
// meant for), each face also taken mirrored left to right (posebins runs
// the calibrate images mirrored too when it dumps):
//
//	yaw   = yawLinear*s + yawCurve*s*|s|             (s: YawSine)
//	pitch = pitchRest + pitchNose*h + pitchMouth*d   (h: NoseHeight, d: MouthDrop)
//
// with detect.MeasurePose's measures of the dumped points. The fit is by
// least absolute deviations (iteratively reweighted least squares, a fixed
// number of rounds, so that it is deterministic): the outliers are
// landmark failures, a nose found on the wrong side of a turned face,
// which pull a squared fit's yaw gain down by a tenth. Terms tried and
// left out, by two-fold cross-validation on the calibrate part: the
// pupils' midpoint relative to the detector's box centre, the ratio of
// the nose's distances to the pupils, the mouth corners' asymmetry about
// the nose and the eye distance over the box side for yaw (|yaw| error
// within 0.1 degree of these two terms, or worse; the last lowers it by
// 0.3 but reads a face with wide-set eyes in a tight box as frontal
// whatever its yawSine), and the eye line's and nose's height in the box
// and |roll| for pitch (within 0.1 degree). It prints the coefficients
// and the in-sample mean errors of the dumped estimates and of the fit;
// the report part is never read. AFLW2000-3D's yaw sign is the opposite of
// ours: its label is negated.
func fitPose(file string) error {
	fh, err := os.Open(file)
	if err != nil {
		return err
	}
	defer fh.Close()
	var yx, px [][]float64
	var ys, ps []float64
	var lines []poseDumpLine
	mirrored := 0
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		var l poseDumpLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			return err
		}
		if l.Part != facedata.PartCalibrate || !l.Found || l.Profile || !l.GeomOK || math.Abs(l.Yaw) > 60 {
			continue
		}
		m, ok := detect.MeasurePose(dumpedFace(&l))
		if !ok {
			continue
		}
		s := m.YawSine
		yx = append(yx, []float64{s, s * math.Abs(s)})
		ys = append(ys, -l.Yaw)
		px = append(px, []float64{1, m.NoseHeight, m.MouthDrop})
		ps = append(ps, l.Pitch)
		lines = append(lines, l)
		mirrored += b2i(l.Mirrored)
	}
	if err := sc.Err(); err != nil {
		return err
	}
	if len(ys) < 20 {
		return fmt.Errorf("%s: only %d calibrate faces to fit on", file, len(ys))
	}
	by, bp := leastAbsolute(yx, ys), leastAbsolute(px, ps)
	var n, eyDump, epDump, ey, ep float64
	for i, l := range lines {
		if l.Mirrored {
			continue
		}
		n++
		eyDump += math.Abs(math.Abs(l.Yaw) - math.Abs(l.EstYaw))
		epDump += math.Abs(l.Pitch - l.EstPitch)
		ey += math.Abs(math.Abs(l.Yaw) - math.Abs(dot(by, yx[i])))
		ep += math.Abs(l.Pitch - dot(bp, px[i]))
	}
	fmt.Printf("fitted on %d calibrate faces (|yaw| <= 60, frontal cascade; %d of them mirrored):\n", len(ys), mirrored)
	fmt.Printf("yawLinear = %.3g\nyawCurve = %.3g\npitchRest = %.3g\npitchNose = %.3g\npitchMouth = %.3g\n", by[0], by[1], bp[0], bp[1], bp[2])
	fmt.Printf("in-sample mean |error| over the %.0f faces not mirrored: |yaw| %.1f (dumped estimates %.1f), pitch %.1f (dumped %.1f)\n", n, ey/n, eyDump/n, ep/n, epDump/n)
	return nil
}

// dumpedFace is the face a -posedump line's points describe.
func dumpedFace(l *poseDumpLine) *detect.Face {
	f := &detect.Face{EyeDistance: l.EyeDistance}
	for i, q := range l.Pupils {
		f.Pupils[i] = detect.Point{X: q[0], Y: q[1]}
	}
	f.Landmarks[detect.NoseTip] = detect.Point{X: l.Nose[0], Y: l.Nose[1]}
	f.Landmarks[detect.MouthCornerLeft] = detect.Point{X: l.Mouth[0][0], Y: l.Mouth[0][1]}
	f.Landmarks[detect.MouthCornerRight] = detect.Point{X: l.Mouth[1][0], Y: l.Mouth[1][1]}
	return f
}

// leastAbsolute returns the coefficients b minimising the sum of
// |y[i] - b.x[i]|, by 100 rounds of weighted least squares with weights
// 1/max(|residual|, 0.5).
func leastAbsolute(x [][]float64, y []float64) []float64 {
	w := make([]float64, len(y))
	for i := range w {
		w[i] = 1
	}
	var b []float64
	for range 100 {
		b = weightedLeastSquares(x, y, w)
		for i := range y {
			w[i] = 1 / math.Max(math.Abs(y[i]-dot(b, x[i])), 0.5)
		}
	}
	return b
}

// weightedLeastSquares solves the normal equations of a weighted least
// squares fit by Gaussian elimination with partial pivoting.
func weightedLeastSquares(x [][]float64, y, w []float64) []float64 {
	k := len(x[0])
	a := make([][]float64, k)
	for i := range a {
		a[i] = make([]float64, k+1)
	}
	for r, xr := range x {
		for i := range k {
			for j := range k {
				a[i][j] += w[r] * xr[i] * xr[j]
			}
			a[i][k] += w[r] * xr[i] * y[r]
		}
	}
	for i := range k {
		p := i
		for j := i + 1; j < k; j++ {
			if math.Abs(a[j][i]) > math.Abs(a[p][i]) {
				p = j
			}
		}
		a[i], a[p] = a[p], a[i]
		for j := i + 1; j < k; j++ {
			f := a[j][i] / a[i][i]
			for q := i; q <= k; q++ {
				a[j][q] -= f * a[i][q]
			}
		}
	}
	b := make([]float64, k)
	for i := k - 1; i >= 0; i-- {
		v := a[i][k]
		for j := i + 1; j < k; j++ {
			v -= a[i][j] * b[j]
		}
		b[i] = v / a[i][i]
	}
	return b
}

func dot(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}
