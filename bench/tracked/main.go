// Command tracked measures the early exit of the tracked localisation
// (facegate.Options.FullLocalisation, detect.Detector.LocaliseTracked)
// against the full one on image sequences: it runs each directory's frames
// (sorted by name) through two Pipelines, one with the defaults and one
// with FullLocalisation, and compares the target's pupils, pose landmarks,
// pose and verdict frame by frame.
//
//	go run ./bench/tracked [-scale 1.5] [-v] DIR...
//
// For each directory it prints the frames with a target, how many of them
// continued the last frame's target (the frames the early exit applies
// to), how many targets differ between the runs (a lower bound of the
// frames that took the early exit: the others were localised in full, or
// the exit found the same points), the largest distance between the two runs' pupils and pose
// landmarks on each frame relative to the full run's eye distance (median
// and maximum over the frames; and the maximum in pixels), the largest differences of yaw, pitch,
// roll and pose confidence, and the frames whose verdicts differ. With -v
// it also lists each frame whose points differ by more than 5% of the eye
// distance, whose pose confidence differs, or whose verdict differs, with
// both runs' angles and confidences.
package main

import (
	"flag"
	"fmt"
	"image"
	_ "image/jpeg"
	_ "image/png"
	"log"
	"math"
	"os"
	"path/filepath"
	"slices"

	xdraw "golang.org/x/image/draw"

	"github.com/facegate/facegate"
	"github.com/facegate/facegate/detect"
)

func main() {
	scale := flag.Float64("scale", 1, "resize every frame by this factor first (bilinear)")
	flag.BoolVar(&verbose, "v", false, "list the frames whose points, pose confidence or verdict differ")
	flag.Parse()
	if flag.NArg() == 0 {
		log.Fatal("usage: tracked [-scale F] DIR...")
	}
	fmt.Printf("%-40s %6s %7s %5s %8s %8s %6s %6s %6s %6s %6s %s\n", "sequence", "target", "tracked", "moved", "rel med", "rel max", "px max", "dyaw", "dpitch", "droll", "dconf", "verdicts differ")
	for _, dir := range flag.Args() {
		if err := compare(dir, *scale); err != nil {
			log.Fatal(err)
		}
	}
}

// verbose is the -v flag.
var verbose bool

func compare(dir string, scale float64) error {
	names, err := filepath.Glob(filepath.Join(dir, "*"))
	if err != nil {
		return err
	}
	slices.Sort(names)
	fast, err := facegate.NewWithOptions(nil, nil)
	if err != nil {
		return err
	}
	full, err := facegate.NewWithOptions(nil, &facegate.Options{FullLocalisation: true})
	if err != nil {
		return err
	}
	var rel []float64
	pxMax := 0.0
	var dyaw, dpitch, droll, dconf float64
	targets, tracked, differ, moved := 0, 0, 0, 0
	var lastID uint64
	var lastPupils bool
	var diffFrames []string
	for _, name := range names {
		img, err := load(name, scale)
		if err != nil {
			continue // not an image
		}
		a, err := fast.ProcessImage(img)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		b, err := full.ProcessImage(img)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if !slices.Equal(codes(a.Verdict), codes(b.Verdict)) || a.Verdict.Accept != b.Verdict.Accept {
			differ++
			diffFrames = append(diffFrames, fmt.Sprintf("%s %v/%v", filepath.Base(name), codes(a.Verdict), codes(b.Verdict)))
		}
		fa, oka := a.TargetFace()
		fb, okb := b.TargetFace()
		if oka != okb || a.TargetID != b.TargetID {
			return fmt.Errorf("%s: the runs' targets differ", name)
		}
		if !oka {
			lastID, lastPupils = 0, false
			continue
		}
		targets++
		if !a.SceneCut && lastPupils && a.TargetID == lastID {
			tracked++
		}
		lastID, lastPupils = a.TargetID, fb.PupilsFound
		if fa.PupilsFound != fb.PupilsFound || fa.PoseFound != fb.PoseFound {
			rel = append(rel, math.Inf(1))
			continue
		}
		if fa != fb {
			moved++
		}
		if !fb.PupilsFound {
			continue
		}
		m := 0.0
		for i := range 2 {
			m = max(m, dist(fa.Pupils[i], fb.Pupils[i]))
		}
		for _, l := range detect.PoseLandmarks {
			m = max(m, dist(fa.Landmarks[l], fb.Landmarks[l]))
		}
		rel = append(rel, m/fb.EyeDistance)
		pxMax = max(pxMax, m)
		if verbose && (m/fb.EyeDistance > 0.05 || math.Abs(fa.Pose.Confidence-fb.Pose.Confidence) > 0.01 || !slices.Equal(codes(a.Verdict), codes(b.Verdict))) {
			fmt.Printf("  %s eye %.0f rel %.3f fast %+.1f/%+.1f/%+.1f c%.2f full %+.1f/%+.1f/%+.1f c%.2f\n", filepath.Base(name), fb.EyeDistance, m/fb.EyeDistance, fa.Pose.Yaw, fa.Pose.Pitch, fa.Pose.Roll, fa.Pose.Confidence, fb.Pose.Yaw, fb.Pose.Pitch, fb.Pose.Roll, fb.Pose.Confidence)
		}
		if fb.PoseFound {
			dyaw = max(dyaw, math.Abs(fa.Pose.Yaw-fb.Pose.Yaw))
			dpitch = max(dpitch, math.Abs(fa.Pose.Pitch-fb.Pose.Pitch))
			droll = max(droll, math.Abs(fa.Pose.Roll-fb.Pose.Roll))
			dconf = max(dconf, math.Abs(fa.Pose.Confidence-fb.Pose.Confidence))
		}
	}
	slices.Sort(rel)
	med, mx := 0.0, 0.0
	if len(rel) > 0 {
		med, mx = rel[len(rel)/2], rel[len(rel)-1]
	}
	fmt.Printf("%-40s %6d %7d %5d %8.4f %8.4f %6.2f %6.2f %6.2f %6.2f %6.3f %d %v\n", filepath.Base(filepath.Dir(dir))+"/"+filepath.Base(dir), targets, tracked, moved, med, mx, pxMax, dyaw, dpitch, droll, dconf, differ, diffFrames)
	return nil
}

func codes(v facegate.Verdict) []facegate.Code {
	var c []facegate.Code
	for _, r := range v.Reasons() {
		c = append(c, r.Code)
	}
	return c
}

func dist(a, b detect.Point) float64 { return math.Hypot(a.X-b.X, a.Y-b.Y) }

func load(name string, scale float64) (image.Image, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil || scale == 1 {
		return img, err
	}
	r := img.Bounds()
	dst := image.NewRGBA(image.Rect(0, 0, int(float64(r.Dx())*scale+0.5), int(float64(r.Dy())*scale+0.5)))
	xdraw.ApproxBiLinear.Scale(dst, dst.Rect, img, r, xdraw.Src, nil)
	return dst, nil
}
