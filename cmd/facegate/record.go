package main

import (
	"math"
	"strconv"

	"github.com/facegate/facegate"
	"github.com/facegate/facegate/detect"
)

// num is a float written in JSON rounded to 3 decimals, so that output is
// stable from run to run and machine to machine; NaN and infinities are
// written as null.
type num float64

func round3(v float64) float64 {
	r := math.Round(v*1000) / 1000
	if r == 0 {
		return 0 // no -0
	}
	return r
}

// MarshalJSON writes the rounded value.
func (v num) MarshalJSON() ([]byte, error) {
	f := float64(v)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, round3(f), 'f', -1, 64), nil
}

func numPtr(v float64) *num { n := num(v); return &n }

// point is an image position, written as [x, y].
type point [2]num

func pointOf(p detect.Point) point { return point{num(p.X), num(p.Y)} }

// faceJSON is one detected face.
type faceJSON struct {
	X     int    `json:"x"`
	Y     int    `json:"y"`
	W     int    `json:"w"`
	H     int    `json:"h"`
	Score num    `json:"score"`
	Track uint64 `json:"track"`
	// LeftEye and RightEye are the pupils, left and right as they appear
	// in the image; null when they were not found.
	LeftEye     *point         `json:"left_eye"`
	RightEye    *point         `json:"right_eye"`
	EyeDistance *num           `json:"eye_distance"`
	Landmarks   *landmarksJSON `json:"landmarks"`
	// Yaw, Pitch and Roll are in degrees; null without landmarks.
	Yaw   *num `json:"yaw"`
	Pitch *num `json:"pitch"`
	Roll  *num `json:"roll"`
}

// landmarksJSON are the landmarks the detector located from the pupils;
// those it was not asked for or did not locate are absent.
type landmarksJSON struct {
	NoseTip    *point `json:"nose_tip,omitempty"`
	MouthLeft  *point `json:"mouth_left,omitempty"`
	MouthRight *point `json:"mouth_right,omitempty"`
	UpperLip   *point `json:"upper_lip,omitempty"`
	LowerLip   *point `json:"lower_lip,omitempty"`
}

// landmarkPtr returns p, or nil for the zero point of a landmark that was
// not located.
func landmarkPtr(p detect.Point) *point {
	if p == (detect.Point{}) {
		return nil
	}
	q := pointOf(p)
	return &q
}

// reasonJSON is one reason of a verdict: a rejection or a warning.
type reasonJSON struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	Value     *num   `json:"value,omitempty"`
	Threshold *num   `json:"threshold,omitempty"`
}

// frameJSON is one line of check -json: a judged frame.
type frameJSON struct {
	Type string `json:"type"` // "frame"
	File string `json:"file"`
	// Frame is the frame's number in its sequence (0 for a still).
	Frame int `json:"frame"`
	// Sequence is the directory, GIF, WebP or video the frame belongs to;
	// absent for a still.
	Sequence string     `json:"sequence,omitempty"`
	Width    int        `json:"width"`
	Height   int        `json:"height"`
	MinFace  int        `json:"min_face"`
	Faces    []faceJSON `json:"faces"`
	// Target indexes Faces; null when the target face is not in the frame.
	Target *int `json:"target"`
	// SceneChange is Result.SceneChange: the frame's scene-change measure
	// against the previous frame of its sequence (0 for a still or a
	// sequence's first frame).
	SceneChange num `json:"scene_change"`
	judgementJSON
}

// judgementJSON is the target face's measures and the verdict, shared by
// check's frame lines and prep's manifest lines.
type judgementJSON struct {
	// The target face's measures; null without a target.
	FaceSize    *int `json:"face_size"`
	EyeDistance *num `json:"eye_distance"`
	Blur        *num `json:"blur"`
	Exposure    *num `json:"exposure"`
	Sharpness   *num `json:"sharpness"`
	MeanLuma    *num `json:"mean_luma"`
	Yaw         *num `json:"yaw"`
	Pitch       *num `json:"pitch"`
	Roll        *num `json:"roll"`
	// Verdict is "accept" or "reject"; Reasons are the rejections (each
	// predicting one answer of the service, with its exact message),
	// Warnings the advice that does not reject.
	Verdict  string       `json:"verdict"`
	Reasons  []reasonJSON `json:"reasons"`
	Warnings []reasonJSON `json:"warnings"`
}

// errorJSON is a file or frame that could not be read.
type errorJSON struct {
	Type  string `json:"type"` // "error"
	File  string `json:"file"`
	Frame *int   `json:"frame,omitempty"`
	Error string `json:"error"`
}

// sequenceJSON judges one sequence as a whole.
type sequenceJSON struct {
	Path     string       `json:"path"`
	Frames   int          `json:"frames"`
	Held     int          `json:"held"`
	Accepted int          `json:"accepted"`
	Coverage num          `json:"coverage"`
	Verdict  string       `json:"verdict"`
	Reasons  []reasonJSON `json:"reasons"`
}

// summaryJSON is the last line of check -json.
type summaryJSON struct {
	Type       string         `json:"type"` // "summary"
	Frames     int            `json:"frames"`
	Accepted   int            `json:"accepted"`
	Rejected   int            `json:"rejected"`
	Errors     int            `json:"errors"`
	ByReason   map[string]int `json:"by_reason"`
	Warnings   map[string]int `json:"warnings"`
	CallsSaved int            `json:"calls_saved"`
	Sequences  []sequenceJSON `json:"sequences"`
}

func verdictWord(accept bool) string {
	if accept {
		return "accept"
	}
	return "reject"
}

func reasonOf(r facegate.Reason) reasonJSON {
	j := reasonJSON{Code: r.Code.String(), Message: r.Message()}
	if r.Value != 0 || r.Threshold != 0 {
		j.Value, j.Threshold = numPtr(r.Value), numPtr(r.Threshold)
	}
	return j
}

// splitReasons returns the rejections and the warnings of a verdict, never
// nil.
func splitReasons(v *facegate.Verdict) (reasons, warnings []reasonJSON) {
	reasons, warnings = []reasonJSON{}, []reasonJSON{}
	for _, r := range v.Reasons() {
		if r.Code.Warning() {
			warnings = append(warnings, reasonOf(r))
		} else {
			reasons = append(reasons, reasonOf(r))
		}
	}
	return reasons, warnings
}

func faceOf(f *detect.Face, track uint64) faceJSON {
	j := faceJSON{X: f.Rect.Min.X, Y: f.Rect.Min.Y, W: f.Rect.Dx(), H: f.Rect.Dy(), Score: num(f.Score), Track: track}
	if f.PupilsFound {
		l, r := pointOf(f.Pupils[0]), pointOf(f.Pupils[1])
		j.LeftEye, j.RightEye, j.EyeDistance = &l, &r, numPtr(f.EyeDistance)
	}
	if f.LandmarksFound {
		lm := &f.Landmarks
		j.Landmarks = &landmarksJSON{
			NoseTip:    landmarkPtr(lm[detect.NoseTip]),
			MouthLeft:  landmarkPtr(lm[detect.MouthCornerLeft]),
			MouthRight: landmarkPtr(lm[detect.MouthCornerRight]),
			UpperLip:   landmarkPtr(lm[detect.UpperLip]),
			LowerLip:   landmarkPtr(lm[detect.LowerLip]),
		}
		j.Yaw, j.Pitch, j.Roll = numPtr(f.Pose.Yaw), numPtr(f.Pose.Pitch), numPtr(f.Pose.Roll)
	}
	return j
}

// frameOf describes a Result.
func frameOf(file string, index int, sequence string, r *facegate.Result) *frameJSON {
	j := &frameJSON{Type: "frame", File: file, Frame: index, Sequence: sequence,
		Width: r.Width, Height: r.Height, MinFace: r.MinFaceSize, Faces: []faceJSON{}, SceneChange: num(r.SceneChange),
		judgementJSON: judgementJSON{Verdict: verdictWord(r.Verdict.Accept)}}
	for i := range r.Faces {
		var id uint64
		if i < len(r.TrackIDs) {
			id = r.TrackIDs[i]
		}
		j.Faces = append(j.Faces, faceOf(&r.Faces[i], id))
	}
	if _, ok := r.TargetFace(); ok {
		t := r.Target
		size := r.FaceSize
		j.Target, j.FaceSize = &t, &size
		q := &r.Quality
		j.Blur, j.Exposure, j.Sharpness, j.MeanLuma = numPtr(q.Blur), numPtr(q.Exposure), numPtr(q.Sharpness), numPtr(q.MeanLuma)
		ft := &j.Faces[t]
		j.EyeDistance, j.Yaw, j.Pitch, j.Roll = ft.EyeDistance, ft.Yaw, ft.Pitch, ft.Roll
	}
	j.Reasons, j.Warnings = splitReasons(&r.Verdict)
	return j
}
