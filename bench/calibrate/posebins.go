package main

import (
	"encoding/json"
	"fmt"
	"image"
	"math"
	"os"
	"path/filepath"
	"slices"

	"github.com/facegate/facegate"
	"github.com/facegate/facegate/bench/internal/facedata"
	"github.com/facegate/facegate/detect"
)

// poseFace is one labelled face of aflw2000_3d_pose as the pipeline saw it.
type poseFace struct {
	part                string
	yaw, pitch, roll    float64 // labels, degrees (yaw: the set's sign)
	box                 image.Rectangle
	found, profile      bool
	net                 bool // found by the turned-face network only (Result.TurnedFace)
	confident           bool // a pose the policy trusts
	estYaw, estP, estR  float64
	notFrontal, unknown bool
	sideRatio           float64 // landmark box's larger side over the detector's side
}

// poseDumpLine is one face of -posedump: its labels and what the pipeline
// estimated (zero when not found).
type poseDumpLine struct {
	File             string `json:"file"`
	Part             string `json:"part"`
	Yaw, Pitch, Roll float64
	Found, Profile   bool
	Confidence       float64
	EstYaw, EstPitch float64
	EstRoll          float64
	// The landmark geometry detect maps to angles (detect.PoseGeometry),
	// for -fit; GeomOK is false when it was not available.
	YawSine, NoseHeight float64
	GeomOK              bool
	// What the pose estimate reads, in image pixels, for -fit to try other
	// models on: the detector's box (x0, y0, x1, y1), the pupils (image
	// left, then right), the nose tip and the mouth corners (left, right),
	// and the eye distance.
	Rect        [4]int        `json:",omitempty"`
	Pupils      [2][2]float64 `json:",omitempty"`
	Nose        [2]float64    `json:",omitempty"`
	Mouth       [2][2]float64 `json:",omitempty"`
	EyeDistance float64       `json:",omitempty"`
	// Mirrored marks a calibrate face run again mirrored left to right
	// (labels: yaw and roll negated), for -fit's augmentation; such lines
	// are not in the tables.
	Mirrored bool `json:",omitempty"`
	// NotFrontal and Unknown are the verdict's not-frontal and
	// pose-unknown reasons; Reasons all its reject codes; LandmarkYaw the
	// 68-landmark yaw when it was read (Result.LandmarkYawFound).
	NotFrontal, Unknown bool     `json:",omitempty"`
	Reasons             []string `json:",omitempty"`
	LandmarkYaw         *float64 `json:",omitempty"`
}

// poseDumpOf is the -posedump line of a face as the pipeline saw it.
func poseDumpOf(file, part string, yaw, pitch, roll float64, res *facegate.Result, box image.Rectangle) poseDumpLine {
	l := poseDumpLine{File: file, Part: part, Yaw: yaw, Pitch: pitch, Roll: roll}
	l.NotFrontal, l.Unknown = res.Verdict.Has(facegate.NotFrontal), res.Verdict.Has(facegate.PoseUnknown)
	for _, r := range res.Verdict.Reasons() {
		l.Reasons = append(l.Reasons, r.Code.String())
	}
	if res.LandmarkYawFound {
		y := res.LandmarkYaw
		l.LandmarkYaw = &y
	}
	f, ok := res.TargetFace()
	if !ok || !center(box).In(f.Rect) {
		return l
	}
	l.Found, l.Profile = true, f.Profile != 0
	l.EstYaw, l.EstPitch, l.EstRoll = f.Pose.Yaw, f.Pose.Pitch, f.Pose.Roll
	if l.Profile || !f.PoseFound {
		return l
	}
	l.Confidence = f.Pose.Confidence
	l.YawSine, l.NoseHeight, _, l.GeomOK = detect.PoseGeometry(&f)
	l.Rect = [4]int{f.Rect.Min.X, f.Rect.Min.Y, f.Rect.Max.X, f.Rect.Max.Y}
	for i, q := range f.Pupils {
		l.Pupils[i] = [2]float64{q.X, q.Y}
	}
	n := f.Landmarks[detect.NoseTip]
	ml, mr := f.Landmarks[detect.MouthCornerLeft], f.Landmarks[detect.MouthCornerRight]
	l.Nose, l.Mouth = [2]float64{n.X, n.Y}, [2][2]float64{{ml.X, ml.Y}, {mr.X, mr.Y}}
	l.EyeDistance = f.EyeDistance
	return l
}

// mirror returns g flipped left to right.
func mirror(g *image.Gray) *image.Gray {
	b := g.Bounds()
	m := image.NewGray(b)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			m.SetGray(b.Max.X-1-(x-b.Min.X), y, g.GrayAt(x, y))
		}
	}
	return m
}

// poseBinsTable runs the pipeline on every face of aflw2000_3d_pose (each
// image alone, minimum face size lowered so that only the pose decides)
// and prints, per 15-degree yaw bin and per part, how the faces were found
// and judged and the error of the angles, then the summary figures of the
// frontal gate and the calibration of FaceSideScale.
func poseBinsTable(data, dump string) error {
	a, err := facedata.LoadSet(data, "aflw2000_3d_pose")
	if err != nil {
		return err
	}
	p := facegate.DefaultPolicy()
	p.MinFaceSize = 40
	pl, err := facegate.New(p)
	if err != nil {
		return err
	}
	var faces []poseFace
	var dumped []byte
	for _, im := range a.Images {
		if len(im.Faces) != 1 || im.Faces[0].Pose == nil || im.Faces[0].X == nil {
			continue
		}
		lf := im.Faces[0]
		g, err := facedata.LoadGray(filepath.Join(data, im.File))
		if err != nil {
			return err
		}
		pl.Reset()
		res, err := pl.ProcessImage(g)
		if err != nil {
			return err
		}
		box := image.Rect(int(*lf.X), int(*lf.Y), int(*lf.X+*lf.W), int(*lf.Y+*lf.H))
		pf := poseFace{part: facedata.Part(im.File), yaw: lf.Pose.Yaw, pitch: lf.Pose.Pitch, roll: lf.Pose.Roll, box: box}
		if f, ok := res.TargetFace(); ok && center(box).In(f.Rect) {
			pf.found, pf.profile = true, f.Profile != 0
			pf.confident = f.PoseFound && f.Pose.Confidence >= p.MinPoseConfidence
			pf.estYaw, pf.estP, pf.estR = f.Pose.Yaw, f.Pose.Pitch, f.Pose.Roll
			pf.notFrontal = res.Verdict.Has(facegate.NotFrontal)
			pf.unknown = res.Verdict.Has(facegate.PoseUnknown)
			pf.sideRatio = float64(max(box.Dx(), box.Dy())) / float64(f.Rect.Dx())
		} else if !ok && res.TurnedFaceFound && center(box).In(res.TurnedFace) {
			pf.found, pf.net = true, true
			pf.notFrontal = res.Verdict.Has(facegate.NotFrontal)
			pf.unknown = res.Verdict.Has(facegate.PoseUnknown)
		}
		faces = append(faces, pf)
		if dump != "" {
			line, _ := json.Marshal(poseDumpOf(im.File, pf.part, pf.yaw, pf.pitch, pf.roll, res, box))
			dumped = append(append(dumped, line...), '\n')
			if pf.part == facedata.PartCalibrate {
				pl.Reset()
				mres, err := pl.ProcessImage(mirror(g))
				if err != nil {
					return err
				}
				b := g.Bounds()
				mbox := image.Rect(b.Min.X+b.Max.X-box.Max.X, box.Min.Y, b.Min.X+b.Max.X-box.Min.X, box.Max.Y)
				ml := poseDumpOf(im.File, pf.part, -pf.yaw, pf.pitch, -pf.roll, mres, mbox)
				ml.Mirrored = true
				line, _ := json.Marshal(ml)
				dumped = append(append(dumped, line...), '\n')
			}
		}
	}
	if dump != "" {
		if err := os.WriteFile(dump, dumped, 0o644); err != nil {
			return err
		}
	}
	fmt.Printf("Head pose on aflw2000_3d_pose (%d faces, 450x450, each alone; minimum face lowered to 40 px). Errors are |label - estimate| on faces found with a confident pose (yaw compared as |yaw|: the set's sign is the opposite of ours):\n\n", len(faces))
	for _, part := range []string{facedata.PartCalibrate, facedata.PartReport} {
		fmt.Printf("%s part:\n\n", part)
		fmt.Println("| yaw bin | faces | found | by the profile cascade | by the turned-face network | pose unknown | rejected not frontal | \\|yaw\\| error mean / median | pitch error mean / median | roll error mean / median |")
		fmt.Println("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
		for lo := -90; lo < 90; lo += 15 {
			var n, found, prof, net, unk, nf int
			var ey, ep, er []float64
			for _, f := range faces {
				if f.part != part || int(math.Floor(f.yaw/15))*15 != lo && !(lo == 75 && f.yaw >= 90) {
					continue
				}
				n++
				if !f.found {
					continue
				}
				found++
				prof += b2i(f.profile)
				net += b2i(f.net)
				unk += b2i(f.unknown)
				nf += b2i(f.notFrontal)
				if f.confident && !f.profile {
					ey = append(ey, math.Abs(math.Abs(f.yaw)-math.Abs(f.estYaw)))
					ep = append(ep, math.Abs(f.pitch-f.estP))
					er = append(er, math.Abs(f.roll-f.estR))
				}
			}
			fmt.Printf("| %d..%d | %d | %d | %d | %d | %d | %d | %s | %s | %s |\n", lo, lo+15, n, found, prof, net, unk, nf, meanMedian(ey), meanMedian(ep), meanMedian(er))
		}
		fmt.Println()
		var within []float64
		var beyond, beyondTurned, frontal, agree, foundAll int
		for _, f := range faces {
			if f.part != part {
				continue
			}
			if math.Abs(f.yaw) <= 60 && f.found && f.confident && !f.profile {
				within = append(within, math.Abs(math.Abs(f.yaw)-math.Abs(f.estYaw)))
			}
			if math.Abs(f.yaw) > 45 {
				beyond++
				beyondTurned += b2i(f.found && (f.notFrontal || f.unknown))
			}
			if f.found {
				foundAll++
				truth := math.Abs(f.yaw) <= p.MaxYaw && math.Abs(f.pitch) <= p.MaxPitch && math.Abs(f.roll) <= p.MaxRoll
				agree += b2i(truth != f.notFrontal)
				frontal += b2i(truth)
			}
		}
		fmt.Printf("- |yaw| error, faces within +-60 degrees found with a confident frontal-cascade pose: %s (%d faces)\n", meanMedian(within), len(within))
		fmt.Printf("- faces beyond +-45 degrees found and rejected as not frontal or marked unknown: %d of %d (%s); the others are called no-face or accepted\n", beyondTurned, beyond, share(beyondTurned, beyond))
		fmt.Printf("- frontal agreement (|yaw| <= %.0f, |pitch| <= %.0f, |roll| <= %.0f by the labels, against 'not rejected as not frontal'), faces found: %d of %d (%s; %d frontal by the labels)\n\n", p.MaxYaw, p.MaxPitch, p.MaxRoll, agree, foundAll, share(agree, foundAll), frontal)
	}
	fmt.Println("FaceSideScale: the landmark box's larger side over the detector's side, frontal faces (|yaw| <= 15, |pitch| <= 30) found by the frontal cascade:")
	fmt.Println()
	fmt.Println("| part | faces | p10 | p25 | median | p75 | p90 |")
	fmt.Println("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
	for _, part := range []string{facedata.PartCalibrate, facedata.PartReport} {
		var r []float64
		for _, f := range faces {
			if f.part == part && f.found && !f.profile && math.Abs(f.yaw) <= 15 && math.Abs(f.pitch) <= 30 {
				r = append(r, f.sideRatio)
			}
		}
		slices.Sort(r)
		fmt.Printf("| %s | %d | %.3f | %.3f | %.3f | %.3f | %.3f |\n", part, len(r), pct(r, 10), pct(r, 25), pct(r, 50), pct(r, 75), pct(r, 90))
	}
	fmt.Println()
	return nil
}

func center(r image.Rectangle) image.Point { return r.Min.Add(r.Max).Div(2) }

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func meanMedian(v []float64) string {
	if len(v) == 0 {
		return "-"
	}
	s := slices.Clone(v)
	slices.Sort(s)
	var sum float64
	for _, x := range s {
		sum += x
	}
	m := s[len(s)/2]
	if len(s)%2 == 0 {
		m = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return fmt.Sprintf("%.1f / %.1f", sum/float64(len(s)), m)
}
