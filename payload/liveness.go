package payload

import (
	"fmt"
	"image"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/facegate/facegate/preprocess"
)

// LivenessAPIVersion is the API version of the liveness endpoints.
const LivenessAPIVersion = "v1.1-preview.1"

// The model versions the liveness page lists: "latest" is the
// "2020-02-15-preview.01" model, and no model-version means "latest".
const (
	// ModelVersion20200215 is the one liveness model the page lists.
	ModelVersion20200215 = "2020-02-15-preview.01"
	// ModelVersionLatest names the latest model (ModelVersion20200215).
	ModelVersionLatest = "latest"
)

// DefaultModelVersions are the model-version values the service accepts.
// ValidateOptions.ModelVersions adds to them.
var DefaultModelVersions = []string{ModelVersion20200215, ModelVersionLatest}

// The liveness decisions of a 200 answer.
const (
	// DecisionRealFace: a live face.
	DecisionRealFace = "realface"
	// DecisionSpoofFace: a spoof (a photo, a screen, a mask).
	DecisionSpoofFace = "spoofface"
	// DecisionUncertain: no classification could be made.
	DecisionUncertain = "uncertain"
)

// Rect is a rectangle in the service's JSON form
// ({"top","left","width","height"}): the top-left corner and the size, in
// pixels.
type Rect struct {
	Left   int `json:"left"`
	Top    int `json:"top"`
	Width  int `json:"width"`
	Height int `json:"height"`
}

// RectOf returns the Rect of an image.Rectangle.
func RectOf(r image.Rectangle) Rect {
	return Rect{Left: r.Min.X, Top: r.Min.Y, Width: r.Dx(), Height: r.Dy()}
}

// Rectangle returns r as an image.Rectangle.
func (r Rect) Rectangle() image.Rectangle {
	return image.Rect(r.Left, r.Top, r.Left+r.Width, r.Top+r.Height)
}

// inside reports whether r is non-empty and inside a w x h image, without
// overflowing on hostile values.
func (r Rect) inside(w, h int) bool {
	return r.Left >= 0 && r.Top >= 0 && r.Width > 0 && r.Height > 0 &&
		r.Left <= w && r.Width <= w-r.Left && r.Top <= h && r.Height <= h-r.Top
}

// CropOffsets says where an uploaded image was cropped from the full camera
// frame (the imageCropOffsets of the metadata).
type CropOffsets struct {
	X          int `json:"cropOffsetX"`          // left of the crop in the full frame
	Y          int `json:"cropOffsetY"`          // top of the crop in the full frame
	FullWidth  int `json:"fullFrameImageWidth"`  // width of the full frame
	FullHeight int `json:"fullFrameImageHeight"` // height of the full frame
}

// FaceObservation is what the caller's pipeline (detector, tracker,
// measures) found on a frame. It is not sent; Validate maps it to the
// service's answers. The zero value says nothing is wrong.
type FaceObservation struct {
	// Missing: no face was found in the target rectangle, or, for a
	// frame without one, in the image.
	Missing bool
	// Blurred, OverExposed, UnderExposed and NotFrontal: the face is
	// too blurred, over or under exposed, or turned away.
	Blurred, OverExposed, UnderExposed, NotFrontal bool
	// Size is the detected face's smaller side in pixels, 0 when not
	// measured. A face under MinFaceSize of its image is not detected
	// (the liveness page's minimum applies to the detected face, not to
	// the client's target rectangle): it counts as Missing.
	Size int
}

// tooSmall reports whether the observed face is under the minimum of a
// w x h image.
func (o *FaceObservation) tooSmall(w, h int) bool {
	return o != nil && o.Size > 0 && o.Size < MinFaceSize(w, h)
}

// Frame is one imageData entry of the metadata: one image, or one frame of
// a video, of the sequence.
type Frame struct {
	FileName    string // the Content part holding the image or video
	FrameNumber int    // the frame in a video (0-based); by convention the index in the sequence for images
	// CreationTimeMillis is imageCreationTimeInMilliSeconds: when the
	// camera captured the frame.
	CreationTimeMillis int64
	// TargetFace, when set, is the focus face in the uploaded image's
	// coordinates (targetFaceRectangle).
	TargetFace *Rect
	// CropOffsets, when set, says where the uploaded image sat in the
	// full camera frame (imageCropOffsets).
	CropOffsets *CropOffsets
	// IlluminatedColor, when not empty, is the screen color lighting the
	// face (activeIlluminationInformation.illuminatedColor), such as
	// "Red" or "Green".
	IlluminatedColor string
	// Face, when set, is the caller's observation of the frame, used by
	// Validate only; it is never sent.
	Face *FaceObservation
}

// File is one Content part: an image (JPEG, PNG, GIF, BMP) or a video
// (animated WebP). The format is sniffed from Data, never from Name.
type File struct {
	Name string // the filename, matched with Frame.FileName
	Data []byte // the file's bytes; not copied, and not modified
}

// LivenessRequest is a single-modal liveness detection call:
// POST {endpoint}/face/v1.1-preview.1/detectLiveness/singleModal.
//
// Validate predicts the service's 400 answers; WriteTo, ContentType, Len,
// Reader and NewRequest put the request on the wire. A request must not be
// modified while a body built from it is being read. The first of those
// methods called on a request without a Boundary sets one: call
// ContentType once before sharing such a request between goroutines.
type LivenessRequest struct {
	// ModelVersion is the model-version query parameter; empty means
	// absent ("latest").
	ModelVersion string
	// ImageType is the metadata's imageType (0 in the page's example).
	ImageType int
	// Frames are the metadata's imageData entries, in sequence order.
	Frames []Frame
	// Files are the Content parts. WriteTo writes them in the order the
	// Frames first name them, whatever their order here.
	Files []File
	// Boundary is the multipart boundary. Empty means a random one,
	// chosen on first use and then kept here; set it for reproducible
	// bodies (tests, golden files). It must be 1 to 70 of the characters
	// RFC 2046 allows and must not occur in any file.
	Boundary string

	randBoundary string // the boundary this package chose, not checked against the files
}

// ValidateOptions tunes Validate. A nil *ValidateOptions means the zero
// value: the default model versions, no pixel measures, and a face needed
// in half of the frames.
type ValidateOptions struct {
	// ModelVersions are accepted in addition to DefaultModelVersions.
	ModelVersions []string
	// Quality, when set, makes Validate decode every still image that
	// has a target rectangle and measure the face's exposure and
	// sharpness with CheckQuality, as the emulator does (the service's
	// thresholds are not published). Decoding also catches an image
	// whose header is sound but whose pixels are not (RuleDecoding).
	// Videos are not decoded.
	Quality *QualityOptions
	// MinFaceFrames is how many frames must not be observed Missing
	// (FaceObservation) for the service to track the face; 0 means half
	// of the frames, rounded up. Frames without an observation count as
	// having a face.
	MinFaceFrames int
}

// Reference sizes of the minimum face rule.
const (
	// MinFaceBase is the smallest detectable face in an image no larger
	// than MinFaceRefWidth x MinFaceRefHeight.
	MinFaceBase = 128
	// MinFaceRefWidth is the widest image MinFaceBase applies to.
	MinFaceRefWidth = 1920
	// MinFaceRefHeight is the tallest image MinFaceBase applies to.
	MinFaceRefHeight = 1080
)

// MinFaceSize returns the smallest face (width and height, in pixels) the
// liveness service detects in a w x h image: MinFaceBase for images up to
// 1920x1080, and proportionally more for larger ones,
// ceil(128 * max(1, w/1920, h/1080)).
func MinFaceSize(w, h int) int {
	m := MinFaceBase
	if w > MinFaceRefWidth {
		m = max(m, int((int64(w)*MinFaceBase+MinFaceRefWidth-1)/MinFaceRefWidth))
	}
	if h > MinFaceRefHeight {
		m = max(m, int((int64(h)*MinFaceBase+MinFaceRefHeight-1)/MinFaceRefHeight))
	}
	return m
}

// AcceptsModelVersion reports whether v is a model-version the options
// accept (empty counts as absent, which is accepted). o may be nil.
func (o *ValidateOptions) AcceptsModelVersion(v string) bool {
	if v == "" || slices.Contains(DefaultModelVersions, v) {
		return true
	}
	return o != nil && slices.Contains(o.ModelVersions, v)
}

// minFaceFrames returns the frames needed with a face among n.
func (o *ValidateOptions) minFaceFrames(n int) int {
	if o != nil && o.MinFaceFrames > 0 {
		return min(o.MinFaceFrames, n)
	}
	return (n + 1) / 2
}

// Validate predicts the service's answer to r, checking, in this order
// (the emulator in payload/servicetest checks in the same order):
//
//  1. the model-version (RuleModelVersion);
//  2. that there are Frames (RuleMetadataMissing) and Files
//     (RuleContentMissing);
//  3. that every Frame names a File and every File is named by a Frame,
//     once each (RuleFileNameMismatch);
//  4. for each file in the order the frames first name it: its size
//     (under MinFileBytes: RuleImageTooSmall; over MaxImageBytes, or
//     MaxVideoBytes for a WebP: RuleImageTooLarge), then its format and
//     header (RuleDecoding), sniffed from the bytes;
//  5. for each frame: its frameNumber (negative, not increasing within a
//     video, or past a video's last frame: RuleDecoding), its crop offsets
//     (the image must lie inside the full frame: RuleTargetOutOfRange), its
//     target rectangle (inside the image: RuleTargetOutOfRange; its size
//     is not bounded, the liveness page's own example uses 100x100);
//  6. for each frame, the face: an observed Size under MinFaceSize of the
//     image in a target rectangle (RuleFaceNotFoundInRect, also matching
//     ErrFaceTooSmall), Missing in a target rectangle
//     (RuleFaceNotFoundInRect), over exposed, under exposed, blurred
//     (measured when Quality is set, or observed), not frontal;
//  7. that enough frames have a face (RuleFaceNotFoundInFrames).
//
// It returns the first failure as a *RuleError, or an error wrapping
// ErrInvalid for a request that cannot be written at all (a file name with
// control characters or invalid UTF-8, a bad Boundary). opts may be nil.
func (r *LivenessRequest) Validate(opts *ValidateOptions) error {
	if !opts.AcceptsModelVersion(r.ModelVersion) {
		return ruleErr(RuleModelVersion, "model-version", strconv.Quote(r.ModelVersion)+" is not a known model version")
	}
	if err := r.checkWire(); err != nil {
		return err
	}
	if len(r.Frames) == 0 {
		return ruleErr(RuleMetadataMissing, "Metadata", "no imageData entries")
	}
	if len(r.Files) == 0 {
		return ruleErr(RuleContentMissing, "Content", "no files")
	}
	// 3. Names.
	index := make(map[string]int, len(r.Files))
	for i, f := range r.Files {
		if f.Name == "" {
			return ruleErr(RuleFileNameMismatch, fmt.Sprintf("Files[%d]", i), "empty file name")
		}
		if _, dup := index[f.Name]; dup {
			return ruleErr(RuleFileNameMismatch, "Content["+f.Name+"]", "given twice")
		}
		index[f.Name] = i
	}
	named := make([]bool, len(r.Files))
	order := make([]int, 0, len(r.Files))
	for i, fr := range r.Frames {
		j, ok := index[fr.FileName]
		if !ok {
			return ruleErr(RuleFileNameMismatch, fmt.Sprintf("imageData[%d].fileName", i), strconv.Quote(fr.FileName)+" is not a Content part")
		}
		if !named[j] {
			named[j] = true
			order = append(order, j)
		}
	}
	for j, ok := range named {
		if !ok {
			return ruleErr(RuleFileNameMismatch, "Content["+r.Files[j].Name+"]", "not named in the metadata")
		}
	}
	// 4. Files.
	infos := make([]MediaInfo, len(r.Files))
	for _, j := range order {
		info, rerr := checkLivenessFile(r.Files[j].Data)
		if rerr != nil {
			rerr.Field = "Content[" + r.Files[j].Name + "]"
			return rerr
		}
		infos[j] = info
	}
	// 5. Frames against their files.
	last := make([]int, len(r.Files))
	for i := range last {
		last[i] = -1
	}
	for i := range r.Frames {
		fr := &r.Frames[i]
		j := index[fr.FileName]
		if rerr := checkLivenessFrame(fr.FrameNumber, fr.CropOffsets, fr.TargetFace, infos[j], last[j]); rerr != nil {
			rerr.Field = fmt.Sprintf("imageData[%d].%s", i, rerr.Field)
			return rerr
		}
		last[j] = fr.FrameNumber
	}
	// 6. Faces. One decoded image at a time: the last file's is kept for
	// its following frames and dropped before the next file is decoded,
	// so a request of many large images never holds them all.
	measure := opts != nil && opts.Quality != nil
	curFile, curImg := -1, image.Image(nil)
	for i := range r.Frames {
		fr := &r.Frames[i]
		var measured error
		j := index[fr.FileName]
		if measure && fr.TargetFace != nil && !infos[j].Video {
			if curFile != j {
				curFile, curImg = -1, nil
				img, err := decodeFrameImage(r.Files[j].Data)
				if err != nil {
					return &RuleError{Rule: RuleDecoding, Field: "Content[" + fr.FileName + "]", Reason: err.Error()}
				}
				curFile, curImg = j, img
			}
			measured = CheckQuality(curImg, fr.TargetFace.Rectangle(), opts.Quality)
			if measured != nil {
				if _, ok := measured.(Rule); !ok {
					return fmt.Errorf("%w: imageData[%d]: measuring the face: %w", ErrInvalid, i, measured)
				}
			}
		}
		if fr.Face.tooSmall(infos[j].Width, infos[j].Height) && fr.TargetFace != nil {
			m := MinFaceSize(infos[j].Width, infos[j].Height)
			return &RuleError{Rule: RuleFaceNotFoundInRect, Field: fmt.Sprintf("imageData[%d]", i), extra: ErrFaceTooSmall,
				Reason: fmt.Sprintf("a %d px face is under the %d px minimum face for a %dx%d image", fr.Face.Size, m, infos[j].Width, infos[j].Height)}
		}
		if rule := FaceRule(fr.TargetFace != nil, fr.Face, measured); rule != 0 {
			return ruleErr(rule, fmt.Sprintf("imageData[%d]", i), faceReason(rule, measured))
		}
	}
	// 7. Enough frames with a face.
	found := 0
	for i := range r.Frames {
		j := index[r.Frames[i].FileName]
		if f := r.Frames[i].Face; f == nil || (!f.Missing && !f.tooSmall(infos[j].Width, infos[j].Height)) {
			found++
		}
	}
	if need := opts.minFaceFrames(len(r.Frames)); found < need {
		return ruleErr(RuleFaceNotFoundInFrames, "imageData", fmt.Sprintf("a face in %d of %d frames, need %d", found, len(r.Frames), need))
	}
	return nil
}

func faceReason(rule Rule, measured error) string {
	if measured != nil && measured == rule {
		return "measured"
	}
	return "observed"
}

// decodeFrameImage decodes an image file of a request for measuring (within
// preprocess's limits, its memory budget included). A variable so that a
// test can watch what is decoded and when it is released.
var decodeFrameImage = func(b []byte) (image.Image, error) {
	img, _, err := preprocess.DecodeBytes(b, &preprocess.DecodeLimits{MaxBytes: MaxVideoBytes})
	return img, err
}

// FaceRule maps what is known of a frame's face to the service's answer,
// in the order the service is assumed to check: a face Missing from a
// target rectangle (RuleFaceNotFoundInRect; without a rectangle a missing
// face only counts against RuleFaceNotFoundInFrames), over exposed, under
// exposed, blurred (each either measured, a Rule from CheckQuality, or
// observed), not frontal. It returns 0 when nothing is wrong. obs and
// measured may be nil.
func FaceRule(hasTarget bool, obs *FaceObservation, measured error) Rule {
	var o FaceObservation
	if obs != nil {
		o = *obs
	}
	switch {
	case hasTarget && o.Missing:
		return RuleFaceNotFoundInRect
	case measured == RuleFaceOverExposed || o.OverExposed:
		return RuleFaceOverExposed
	case measured == RuleFaceUnderExposed || o.UnderExposed:
		return RuleFaceUnderExposed
	case measured == RuleFaceBlurred || o.Blurred:
		return RuleFaceBlurred
	case o.NotFrontal:
		return RuleFaceNotFrontal
	}
	return 0
}

// checkLivenessFile checks one file's size and format. Field is left to
// the caller.
func checkLivenessFile(b []byte) (MediaInfo, *RuleError) {
	info, perr := ProbeMedia(b)
	limit, kind := MaxImageBytes, "image"
	if info.Video {
		limit, kind = MaxVideoBytes, "video"
	}
	switch {
	case len(b) < MinFileBytes:
		return info, &RuleError{Rule: RuleImageTooSmall, Reason: fmt.Sprintf("%d bytes, under %d", len(b), MinFileBytes)}
	case len(b) > limit:
		return info, &RuleError{Rule: RuleImageTooLarge, Reason: fmt.Sprintf("%d bytes, over the %s limit of %d", len(b), kind, limit)}
	case perr != nil:
		return info, &RuleError{Rule: RuleDecoding, Reason: perr.Error()}
	}
	return info, nil
}

// checkLivenessFrame checks a frame's number, crop offsets and target
// rectangle against its file. prev is the previous frame number of the
// same file, -1 for the first. Field is relative to the frame.
func checkLivenessFrame(num int, crop *CropOffsets, target *Rect, info MediaInfo, prev int) *RuleError {
	switch {
	case num < 0:
		return &RuleError{Rule: RuleDecoding, Field: "frameNumber", Reason: fmt.Sprintf("%d is negative", num)}
	case info.Video && prev >= 0 && num <= prev:
		return &RuleError{Rule: RuleDecoding, Field: "frameNumber", Reason: fmt.Sprintf("%d does not follow %d in the video", num, prev)}
	case info.Video && num >= info.Frames:
		return &RuleError{Rule: RuleDecoding, Field: "frameNumber", Reason: fmt.Sprintf("%d, but the video has %d frames", num, info.Frames)}
	}
	w, h := info.Width, info.Height
	if c := crop; c != nil {
		full := Rect{Left: c.X, Top: c.Y, Width: w, Height: h}
		if c.FullWidth <= 0 || c.FullHeight <= 0 || !full.inside(c.FullWidth, c.FullHeight) {
			return &RuleError{Rule: RuleTargetOutOfRange, Field: "imageCropOffsets",
				Reason: fmt.Sprintf("a %dx%d image at (%d,%d) is not inside the %dx%d full frame", w, h, c.X, c.Y, c.FullWidth, c.FullHeight)}
		}
	}
	if t := target; t != nil {
		if !t.inside(w, h) {
			return &RuleError{Rule: RuleTargetOutOfRange, Field: "targetFaceRectangle",
				Reason: fmt.Sprintf("%v is not inside the %dx%d image", *t, w, h)}
		}
	}
	return nil
}

// checkWire reports what cannot be put on the wire: a bad Boundary or a
// file name that cannot be written in a Content-Disposition header.
func (r *LivenessRequest) checkWire() error {
	if r.Boundary != "" {
		if err := checkBoundary(r.Boundary); err != nil {
			return err
		}
	}
	for i := range r.Frames {
		if err := checkFileName(r.Frames[i].FileName); err != nil {
			return fmt.Errorf("%w (imageData[%d].fileName)", err, i)
		}
	}
	for i := range r.Files {
		if err := checkFileName(r.Files[i].Name); err != nil {
			return fmt.Errorf("%w (Files[%d].Name)", err, i)
		}
	}
	return nil
}

// checkFileName refuses names that cannot be written in a quoted header
// parameter: control characters and invalid UTF-8.
func checkFileName(s string) error {
	if !utf8.ValidString(s) {
		return fmt.Errorf("%w: file name %q is not valid UTF-8", ErrInvalid, s)
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7f {
			return fmt.Errorf("%w: file name %q has a control character", ErrInvalid, s)
		}
	}
	return nil
}
