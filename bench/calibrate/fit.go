package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"slices"

	"github.com/facegate/facegate/bench/internal/facedata"
)

// fitPose reads a -posedump file and fits, by least squares on the faces of
// the calibrate part found by the frontal cascade within +-60 degrees of
// yaw (the range the mapping is meant for), detect's pose mapping:
//
//	yaw   = yawGain * asin(yawSine), in degrees
//	pitch = pitchGain * (pitchRest - noseHeight)
//
// The yaw fit is trimmed: faces whose residual exceeds 3 robust standard
// deviations (1.4826 MAD) are dropped and the gain refitted, until the kept
// set settles, so that landmark failures (a nose found on the wrong side)
// do not drag it. A cubic term was tried and left out: its fit made the
// mapping fall again beyond 65 degrees. It prints the coefficients and
// their in-sample errors; the report part is never read. AFLW2000-3D's yaw
// sign is the opposite of ours: its label is negated.
func fitPose(file string) error {
	fh, err := os.Open(file)
	if err != nil {
		return err
	}
	defer fh.Close()
	var xs, ys, hs, ps []float64
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		var l poseDumpLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			return err
		}
		if l.Part != facedata.PartCalibrate || !l.Found || l.Profile || !l.GeomOK || math.Abs(l.Yaw) > 60 {
			continue
		}
		xs = append(xs, math.Asin(l.YawSine)*180/math.Pi)
		ys = append(ys, -l.Yaw)
		hs = append(hs, l.NoseHeight)
		ps = append(ps, l.Pitch)
	}
	if err := sc.Err(); err != nil {
		return err
	}
	if len(xs) < 10 {
		return fmt.Errorf("%s: only %d calibrate faces to fit on", file, len(xs))
	}
	keep := make([]bool, len(xs))
	for i := range keep {
		keep[i] = true
	}
	var g float64
	kept := len(xs)
	for range 10 {
		var sxy, sxx float64
		for i, x := range xs {
			if keep[i] {
				sxy += x * ys[i]
				sxx += x * x
			}
		}
		g = sxy / sxx
		var res []float64
		for i, x := range xs {
			if keep[i] {
				res = append(res, math.Abs(ys[i]-g*x))
			}
		}
		slices.Sort(res)
		lim := 3 * 1.4826 * res[len(res)/2]
		n := 0
		for i, x := range xs {
			keep[i] = math.Abs(ys[i]-g*x) <= lim
			n += b2i(keep[i])
		}
		if n == kept {
			break
		}
		kept = n
	}
	// pitch = p0 + p1*h, then pitchGain = -p1, pitchRest = p0/pitchGain.
	var sh, sp, shh, shp float64
	for i, h := range hs {
		sh += h
		sp += ps[i]
		shh += h * h
		shp += h * ps[i]
	}
	n := float64(len(hs))
	p1 := (n*shp - sh*sp) / (n*shh - sh*sh)
	p0 := (sp - p1*sh) / n
	var ey, ep float64
	for i, x := range xs {
		ey += math.Abs(math.Abs(ys[i]) - math.Abs(g*x))
		ep += math.Abs(ps[i] - (p0 + p1*hs[i]))
	}
	fmt.Printf("fitted on %d calibrate faces (|yaw| <= 60, frontal cascade; yaw on the %d kept by the trim):\n", len(xs), kept)
	fmt.Printf("yawGain = %.3f\npitchGain = %.1f\npitchRest = %.3f\n", g, -p1, p0/-p1)
	fmt.Printf("in-sample mean |error| over all %d: |yaw| %.1f, pitch %.1f\n", len(xs), ey/n, ep/n)
	return nil
}
