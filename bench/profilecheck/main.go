// Command profilecheck measures the profile-face detector (detect's
// HaarDetector, OpenCV's Haar profile cascade run on the image and its
// mirror) on the AFLW2000-3D pose set of the shared facedata collection,
// per 15-degree bin of yaw, next to OpenCV's own detectMultiScale with the
// same settings and to facegate's frontal detector.
//
//	go run ./bench/profilecheck -data ../shared/facedata
//
// A face counts as found when a detection's box contains the centre of the
// annotated box (the extent of the 68 landmarks). For the faces found it
// prints the median ratio of the detection's side to the annotated box's
// longer side, and how often the detection's Profile agrees with the sign
// of yaw (in this set yaw > 0 means the nose points to the image's left:
// ProfileNoseLeft). The set is research-only: it is read here, never by
// tests.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"image"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/facegate/facegate/bench/internal/facedata"
	"github.com/facegate/facegate/detect"
)

func main() {
	data := flag.String("data", "../shared/facedata", "the facedata folder")
	minFace := flag.Int("min", 60, "smallest face looked for, pixels")
	python := flag.String("python", "/usr/bin/python3", "Python with cv2 for OpenCV's column (empty: skip it)")
	var o detect.HaarOptions
	flag.Float64Var(&o.ScaleFactor, "scale", 1.1, "HaarOptions.ScaleFactor (OpenCV gets the same)")
	flag.IntVar(&o.MinNeighbors, "neighbors", 3, "HaarOptions.MinNeighbors (OpenCV gets the same)")
	flag.IntVar(&o.Step, "step", 0, "HaarOptions.Step (0: its default)")
	flag.IntVar(&o.DetectSide, "detect-side", 0, "HaarOptions.DetectSide (0: its default)")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: profilecheck [flags]\n\n%s\n\nflags:\n", strings.TrimSpace(usage))
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 0 {
		flag.Usage()
		os.Exit(2)
	}
	cvNeighbors := max(0, o.MinNeighbors)
	if o.MinNeighbors == 0 {
		o.MinNeighbors = -1 // HaarOptions: 0 is the default (3), negative is none
	}
	if err := run(*data, *minFace, *python, &o, cvNeighbors); err != nil {
		fmt.Fprintln(os.Stderr, "profilecheck:", err)
		os.Exit(1)
	}
}

const usage = `Recall of the profile detector per yaw bin on aflw2000_3d_pose, next to
OpenCV's detectMultiScale with the same cascade and settings.`

const binWidth = 15

// bin is the tally of one yaw bin.
type bin struct {
	faces               int
	ours, cv, frontal   int
	either              int // our frontal or profile detector
	ratios, cvRatios    []float64
	dirRight, dirChecks int // our Profile agreeing with the sign of yaw
	cvDir, cvDirChecks  int
}

func run(data string, minFace int, python string, o *detect.HaarOptions, cvNeighbors int) error {
	set, err := facedata.LoadSet(data, "aflw2000_3d_pose")
	if err != nil {
		return err
	}
	pd, err := detect.NewProfileDetector(nil, o)
	if err != nil {
		return err
	}
	fd, err := detect.NewDetector(nil, &detect.Options{MinFace: minFace, SkipLandmarks: true})
	if err != nil {
		return err
	}
	var paths []string
	for _, im := range set.Images {
		paths = append(paths, filepath.Join(data, im.File))
	}
	var cv [][]cvBox
	if python != "" {
		if cv, err = opencv(python, paths, minFace, o.ScaleFactor, cvNeighbors); err != nil {
			return err
		}
	}
	bins := make([]bin, 180/binWidth)
	var faces, frontal []detect.Face
	var elapsed time.Duration
	for i, im := range set.Images {
		if len(im.Faces) != 1 || im.Faces[0].Pose == nil || im.Faces[0].X == nil {
			continue
		}
		f := im.Faces[0]
		yaw := f.Pose.Yaw
		b := &bins[min(len(bins)-1, max(0, int(math.Floor((yaw+90)/binWidth))))]
		b.faces++
		g, err := facedata.LoadGray(paths[i])
		if err != nil {
			return fmt.Errorf("%s: %w", im.File, err)
		}
		p := facedata.Plane(g)
		cx, cy := *f.X+*f.W/2, *f.Y+*f.H/2
		side := math.Max(*f.W, *f.H)
		contains := func(r image.Rectangle) bool {
			return float64(r.Min.X) <= cx && cx <= float64(r.Max.X) && float64(r.Min.Y) <= cy && cy <= float64(r.Max.Y)
		}
		// The sign of yaw gives the nose's direction: yaw > 0, image left.
		want := detect.ProfileNoseRight
		if yaw > 0 {
			want = detect.ProfileNoseLeft
		}

		t0 := time.Now()
		faces, err = pd.Detect(faces[:0], p, g.Rect, minFace, min(p.Width, p.Height))
		elapsed += time.Since(t0)
		if err != nil {
			return err
		}
		hit := false
		for _, d := range faces { // strongest first
			if contains(d.Rect) {
				hit = true
				b.ours++
				b.ratios = append(b.ratios, float64(d.Rect.Dx())/side)
				b.dirChecks++
				if d.Profile == want {
					b.dirRight++
				}
				break
			}
		}
		frontal, err = fd.Detect(frontal[:0], p)
		if err != nil {
			return err
		}
		if slices.ContainsFunc(frontal, func(d detect.Face) bool { return contains(d.Rect) }) {
			b.frontal++
			hit = true
		}
		if hit {
			b.either++
		}
		if cv != nil {
			for _, d := range cv[i] { // OpenCV's order: orientation, then its list
				r := image.Rect(d[0], d[1], d[0]+d[2], d[1]+d[3])
				if contains(r) {
					b.cv++
					b.cvRatios = append(b.cvRatios, float64(r.Dx())/side)
					b.cvDirChecks++
					if (d[4] == 0) == (want == detect.ProfileNoseLeft) {
						b.cvDir++
					}
					break
				}
			}
		}
	}

	fmt.Printf("aflw2000_3d_pose, faces from %d px; profile options %+v; OpenCV: detectMultiScale(scaleFactor %.2f, minNeighbors %d, minSize %d) on the image and its mirror\n\n",
		minFace, *o, o.ScaleFactor, cvNeighbors, minFace)
	fmt.Println("| yaw (deg) | faces | profile (ours) | OpenCV profile | frontal (ours) | frontal or profile | median side / box, ours | OpenCV | direction right, ours | OpenCV |")
	fmt.Println("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
	var tot bin
	for k, b := range bins {
		lo := -90 + k*binWidth
		fmt.Printf("| %d..%d | %d | %d | %s | %d | %d | %s | %s | %s | %s |\n", lo, lo+binWidth, b.faces, b.ours, cvCount(cv, b.cv),
			b.frontal, b.either, median(b.ratios), median(b.cvRatios), frac(b.dirRight, b.dirChecks), cvFrac(cv, b.cvDir, b.cvDirChecks))
		tot.faces += b.faces
		tot.ours += b.ours
		tot.cv += b.cv
		tot.frontal += b.frontal
		tot.either += b.either
		tot.ratios = append(tot.ratios, b.ratios...)
		tot.cvRatios = append(tot.cvRatios, b.cvRatios...)
		tot.dirRight += b.dirRight
		tot.dirChecks += b.dirChecks
		tot.cvDir += b.cvDir
		tot.cvDirChecks += b.cvDirChecks
	}
	fmt.Printf("| all | %d | %d | %s | %d | %d | %s | %s | %s | %s |\n", tot.faces, tot.ours, cvCount(cv, tot.cv), tot.frontal, tot.either,
		median(tot.ratios), median(tot.cvRatios), frac(tot.dirRight, tot.dirChecks), cvFrac(cv, tot.cvDir, tot.cvDirChecks))
	var beyond, beyondOurs, beyondCV, beyondFrontal int
	for k, b := range bins {
		lo := -90 + k*binWidth
		if lo >= 45 || lo+binWidth <= -45 {
			beyond += b.faces
			beyondOurs += b.ours
			beyondCV += b.cv
			beyondFrontal += b.frontal
		}
	}
	fmt.Printf("\nbeyond 45 degrees of yaw: %d faces; profile detector %d, OpenCV %s, frontal detector %d\n", beyond, beyondOurs, cvCount(cv, beyondCV), beyondFrontal)
	fmt.Printf("profile detector: %.1f ms per %dx%d image on average\n", float64(elapsed)/float64(tot.faces)/1e6, 450, 450)
	return nil
}

func median(v []float64) string {
	if len(v) == 0 {
		return "-"
	}
	s := slices.Clone(v)
	slices.Sort(s)
	m := s[len(s)/2]
	if len(s)%2 == 0 {
		m = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return fmt.Sprintf("%.2f", m)
}

func frac(n, d int) string {
	if d == 0 {
		return "-"
	}
	return fmt.Sprintf("%d/%d", n, d)
}

func cvCount(cv [][]cvBox, n int) string {
	if cv == nil {
		return "-"
	}
	return fmt.Sprint(n)
}

func cvFrac(cv [][]cvBox, n, d int) string {
	if cv == nil {
		return "-"
	}
	return frac(n, d)
}

// cvBox is x, y, w, h in the image and the orientation: 0 found on the
// image (nose left), 1 on its mirror (nose right).
type cvBox [5]int

// opencvScript runs OpenCV's profile cascade on each image and its mirror.
const opencvScript = `
import json, sys
import cv2
cv2.setNumThreads(1)
job = json.load(sys.stdin)
c = cv2.CascadeClassifier("/usr/share/opencv4/haarcascades/haarcascade_profileface.xml")
out = []
for path in job["images"]:
    g = cv2.imread(path, cv2.IMREAD_GRAYSCALE)
    boxes = []
    for o, img in enumerate([g, cv2.flip(g, 1)]):
        for x, y, w, h in c.detectMultiScale(img, scaleFactor=job["scale"], minNeighbors=job["neighbors"], minSize=(job["min"], job["min"])):
            if o == 1:
                x = g.shape[1] - x - w
            boxes.append([int(x), int(y), int(w), int(h), o])
    out.append(boxes)
json.dump(out, sys.stdout)
`

func opencv(python string, paths []string, minFace int, scale float64, neighbors int) ([][]cvBox, error) {
	in, _ := json.Marshal(map[string]any{"images": paths, "min": minFace, "scale": scale, "neighbors": neighbors})
	cmd := exec.Command(python, "-c", opencvScript)
	cmd.Stdin = bytes.NewReader(in)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("OpenCV: %w (install python3-opencv and opencv-data, or pass -python '')", err)
	}
	var res [][]cvBox
	if err := json.Unmarshal(out, &res); err != nil {
		return nil, err
	}
	if len(res) != len(paths) {
		return nil, fmt.Errorf("OpenCV: %d results for %d images", len(res), len(paths))
	}
	return res, nil
}
