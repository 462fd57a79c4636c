package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/facegate/facegate"
	"github.com/facegate/facegate/preprocess"
)

// Measured is what facegate found on a frame.
type Measured struct {
	// Error is set when the frame could not be decoded or processed.
	Error string `json:"error,omitempty"`
	// Accept is the verdict; Reasons its rejection codes and Warnings its
	// warning codes, in the verdict's order.
	Accept   bool     `json:"accept"`
	Reasons  []string `json:"reasons"`
	Warnings []string `json:"warnings"`
	// Faces is the number of faces found; MinFace the policy's minimum
	// face side for the frame.
	Faces   int `json:"faces"`
	MinFace int `json:"min_face"`
	// Target is the target face's box (nil when there is none), Side its
	// side and Score its detection score.
	Target *Box    `json:"target"`
	Side   int     `json:"side"`
	Score  float64 `json:"score"`
	// FaceSize is Result.FaceSize, the side the size rule is applied to;
	// FallbackScan says the full scan's fallbacks ran (Result.HaarScan:
	// the plain and equalised scans found no face, so the target came
	// from a fallback scan) and DenseScan that the dense scan found the
	// target (Result.DenseScan).
	FaceSize     int  `json:"face_size"`
	FallbackScan bool `json:"fallback_scan"`
	DenseScan    bool `json:"dense_scan"`
	// LandmarkSize says FaceSize came from the 68 landmarks
	// (Result.LandmarkSize); LandmarkYaw is Result.LandmarkYaw, present
	// when the 68 landmarks read the yaw of an unsure pose.
	LandmarkSize bool     `json:"landmark_size,omitempty"`
	LandmarkYaw  *float64 `json:"landmark_yaw,omitempty"`
	// TurnedFace and TurnedFaceScore are Result.TurnedFace and its score,
	// present when the turned-face network found a face in a frame where
	// no scan did; LandmarkYaw is then that face's.
	TurnedFace      *Box    `json:"turned_face,omitempty"`
	TurnedFaceScore float64 `json:"turned_face_score,omitempty"`
	// TargetUnconfirmed is Result.TargetUnconfirmed: the face network did
	// not confirm a fallback scan's target.
	TargetUnconfirmed bool `json:"target_unconfirmed,omitempty"`
	// The target's Quality; BlurSigma and MotionBlur (pixels) are the
	// edge blur and the motion excess behind Blur.
	Blur       float64 `json:"blur"`
	BlurSigma  float64 `json:"blur_sigma"`
	MotionBlur float64 `json:"motion_blur"`
	Exposure   float64 `json:"exposure"`
	Sharpness  float64 `json:"sharpness"`
	MeanLuma   float64 `json:"mean_luma"`
	// LumaQuartiles are the face region's luma quartiles.
	LumaQuartiles [3]float64 `json:"luma_quartiles"`
	// DarkShare and BrightShare are the face region's crushed and clipped
	// shares.
	DarkShare   float64 `json:"dark_share"`
	BrightShare float64 `json:"bright_share"`
	// PoseConfidence is the target's pose confidence (0..1) and Profile
	// its profile direction (0: found by a frontal cascade).
	PoseConfidence float64 `json:"pose_confidence"`
	Profile        int     `json:"profile"`
	// The target's head pose, in degrees, when PoseFound.
	PoseFound bool    `json:"pose_found"`
	Yaw       float64 `json:"yaw"`
	Pitch     float64 `json:"pitch"`
	Roll      float64 `json:"roll"`
	// EyeDistance is the distance between the target's pupils (0 when
	// they were not found); Pupils and Landmarks are the points found
	// (landmarks indexed by detect.Landmark), in frame pixels.
	EyeDistance float64      `json:"eye_distance,omitempty"`
	Pupils      [][2]float64 `json:"pupils,omitempty"`
	Landmarks   [][2]float64 `json:"landmarks,omitempty"`
}

// Has reports whether the verdict holds the rejection code.
func (m *Measured) Has(code string) bool {
	for _, r := range m.Reasons {
		if r == code {
			return true
		}
	}
	return false
}

// Verdict is "accept", "error", or the rejection codes joined by "+".
func (m *Measured) Verdict() string {
	switch {
	case m.Error != "":
		return "error"
	case m.Accept:
		return "accept"
	}
	return strings.Join(m.Reasons, "+")
}

// measuredOf copies what the tables and the JSON lines need from a Result.
func measuredOf(res *facegate.Result) *Measured {
	m := &Measured{Accept: res.Verdict.Accept, Reasons: []string{}, Warnings: []string{},
		Faces: len(res.Faces), MinFace: res.MinFaceSize}
	for _, r := range res.Verdict.Reasons() {
		if r.Code.Warning() {
			m.Warnings = append(m.Warnings, r.Code.String())
		} else {
			m.Reasons = append(m.Reasons, r.Code.String())
		}
	}
	if res.LandmarkYawFound { // the target's, or the turned face's
		y := res.LandmarkYaw
		m.LandmarkYaw = &y
	}
	if res.TurnedFaceFound {
		t := res.TurnedFace
		m.TurnedFace = &Box{float64(t.Min.X), float64(t.Min.Y), float64(t.Dx()), float64(t.Dy())}
		m.TurnedFaceScore = res.TurnedFaceScore
	}
	m.TargetUnconfirmed = res.TargetUnconfirmed
	if res.Target >= 0 && res.Target < len(res.Faces) {
		f := res.Faces[res.Target]
		m.Target = &Box{float64(f.Rect.Min.X), float64(f.Rect.Min.Y), float64(f.Rect.Dx()), float64(f.Rect.Dy())}
		m.Side = min(f.Rect.Dx(), f.Rect.Dy())
		m.FaceSize, m.FallbackScan, m.DenseScan = res.FaceSize, res.HaarScan, res.DenseScan
		m.LandmarkSize = res.LandmarkSize
		m.Score = float64(f.Score)
		m.PoseFound = f.PoseFound
		if f.PoseFound {
			m.Yaw, m.Pitch, m.Roll = f.Pose.Yaw, f.Pose.Pitch, f.Pose.Roll
			m.PoseConfidence = f.Pose.Confidence
		}
		m.Profile = int(f.Profile)
		if f.PupilsFound {
			m.EyeDistance = f.EyeDistance
			for _, p := range f.Pupils {
				m.Pupils = append(m.Pupils, [2]float64{p.X, p.Y})
			}
		}
		if f.LandmarksFound {
			for _, p := range f.Landmarks {
				m.Landmarks = append(m.Landmarks, [2]float64{p.X, p.Y})
			}
		}
		q := res.Quality
		m.Blur, m.Exposure, m.Sharpness, m.MeanLuma = q.Blur, q.Exposure, q.Sharpness, q.MeanLuma
		m.BlurSigma, m.MotionBlur = q.BlurSigma, q.MotionBlur
		m.LumaQuartiles, m.DarkShare, m.BrightShare = q.LumaQuartiles, q.DarkShare, q.BrightShare
	}
	return m
}

// outcome is a frame's label and what facegate measured on it.
type outcome struct {
	L *Label
	M *Measured
}

// frameLine is one line of score's -json output.
type frameLine struct {
	*Label
	Measured *Measured `json:"measured"`
	// TargetOnFace: facegate's target is the labelled face (see
	// targetOnFace); absent for no-face frames.
	TargetOnFace *bool `json:"target_on_face,omitempty"`
}

// selectPart keeps the labels of a part ("all" keeps every label).
func selectPart(labels []*Label, part string) []*Label {
	if part == "all" {
		return labels
	}
	var out []*Label
	for _, l := range labels {
		if l.Part == part {
			out = append(out, l)
		}
	}
	return out
}

// judge runs facegate on the frames of the corpus folder dir, each alone
// (a Pipeline per worker from facegate.New(nil), Reset before every
// frame; JPEGs decoded by preprocess.Decode), as facegate check -seq none
// does. A frame the library panics on is recorded with the panic as its
// error, and its worker goes on with a new Pipeline.
func judge(dir string, labels []*Label, workers int) ([]outcome, error) {
	outs := make([]outcome, len(labels))
	next := make(chan int)
	var wg sync.WaitGroup
	for range max(1, workers) {
		pl, err := facegate.New(nil)
		if err != nil {
			return nil, err
		}
		wg.Go(func() {
			for i := range next {
				m, panicked := judgeFrame(pl, filepath.Join(dir, labels[i].File))
				outs[i] = outcome{labels[i], m}
				if panicked {
					if p, err := facegate.New(nil); err == nil {
						pl = p
					}
				}
			}
		})
	}
	for i := range labels {
		next <- i
	}
	close(next)
	wg.Wait()
	return outs, nil
}

// judgeFrame decodes and judges one frame; panicked tells that the
// pipeline panicked (the panic is the Measured's error).
func judgeFrame(pl *facegate.Pipeline, path string) (m *Measured, panicked bool) {
	defer func() {
		if r := recover(); r != nil {
			m, panicked = &Measured{Error: fmt.Sprintf("panic: %v", r)}, true
		}
	}()
	f, err := os.Open(path)
	if err != nil {
		return &Measured{Error: err.Error()}, false
	}
	img, _, err := preprocess.Decode(f, nil)
	f.Close()
	if err != nil {
		return &Measured{Error: err.Error()}, false
	}
	pl.Reset()
	res, err := pl.ProcessImage(img)
	if err != nil {
		return &Measured{Error: err.Error()}, false
	}
	return measuredOf(res), false
}

// writeFrameLines writes a JSON line per frame.
func writeFrameLines(path string, outs []outcome) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	enc := json.NewEncoder(w)
	for _, o := range outs {
		line := frameLine{Label: o.L, Measured: o.M}
		if o.L.Face != nil {
			on := targetOnFace(o.L, o.M)
			line.TargetOnFace = &on
		}
		if err := enc.Encode(line); err != nil {
			f.Close()
			return err
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// errorCount counts the frames facegate could not judge.
func errorCount(outs []outcome) (int, string) {
	n, first := 0, ""
	for _, o := range outs {
		if o.M.Error != "" {
			if n == 0 {
				first = fmt.Sprintf("%s: %s", o.L.File, o.M.Error)
			}
			n++
		}
	}
	return n, first
}
