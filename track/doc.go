// Package track follows faces across camera frames: a Tracker associates
// each frame's detections to tracks by box overlap (IoU), and a Target picks
// the one face the Face liveness service would follow and reports, per
// frame, whether that face is in view.
//
// # Association
//
// Tracker.Update takes the boxes detected in one frame and matches them to
// the live tracks greedily: every (track, detection) pair whose IoU reaches
// Options.MinIoU is a candidate; candidates are taken confirmed tracks
// first, then in descending IoU (ties: older track, then lower detection
// index), and a pair is accepted when neither its track nor its detection
// is taken yet. Detections left over start new, unconfirmed tracks; tracks
// left over are missed, keep their last box, and end after more than
// Options.MaxMissed consecutive misses. A track is confirmed once it has
// Options.ConfirmHits hits.
//
// Confirmed tracks choose first because detectors emit duplicates: pigo's
// clustering, for one, sometimes reports a second box almost on top of a
// face (IoU about 0.94). The duplicate starts a new track; in the next frame
// the face's single box may overlap the duplicate's box a little more than
// the face's own track's box, and in plain IoU order the duplicate would
// take the face over (on testdata/sequences/cap12 it does, twice). Given
// first choice, the established track keeps the face and the unconfirmed
// duplicate, missed from then on, ends. Within each group the order is
// plain descending IoU.
//
// Greedy matching rather than an optimal assignment (the Hungarian
// algorithm) is deliberate. A capture frame holds one face, sometimes two or
// three, and faces rarely overlap, so the candidate graph is tiny and
// sparse. When every detection overlaps at most one track at or above
// MinIoU, no two tracks compete for a detection, and greedy matching
// (whatever the group order) is optimal both in the number of matches and
// in total IoU. Greedy needs no cost matrix and no allocation, only a sort
// of the few candidate pairs. It can differ from the optimum when one detection
// overlaps two tracks: if track A overlaps detection 1 by 0.9 and
// detection 2 by 0.5, and track B overlaps only detection 1 by 0.6, greedy
// gives detection 1 to A and leaves B missed and detection 2 to start a new
// track, where the optimum pairs A with 2 and B with 1. With faces this needs
// two heavily overlapping faces, where IoU alone cannot tell them apart
// anyway: boxes of the same size crossing on the same line swap identities
// near the frame where they coincide, with greedy and with the Hungarian
// algorithm alike (each face's next box overlaps the other face's last box
// best); keeping them apart would take motion prediction or appearance.
// Faces passing at different heights or depths (different box sizes) keep
// their identities.
//
// # The target face
//
// The liveness service, given no rectangle, takes the largest face in the
// first image; given a rectangle on an image, it follows that face. Target
// reproduces that choice over the Tracker's tracks: by default the largest
// face of the first frame that has one, or, after SetRect, the face whose
// box best overlaps the caller's rectangle. When the target's track ends,
// a new track near its last box can take over for a few frames (the
// re-entry rule, see Target); otherwise the target is lost.
// Target.Coverage counts the frames the target was in view.
//
// IoU cannot tell a cut to another shot from motion: a face of the next
// shot that overlaps the target's last box continues its track. A caller
// that detects cuts (the facegate Pipeline does, see its Options.SceneCut)
// calls Tracker.Cut and Target.Cut: every track ends and the target, once
// chosen, is lost, with no re-entry.
//
// # Buffers
//
// Both types grow their buffers only when a frame has more boxes or tracks
// than any before; in steady state Update does not allocate. The slice
// Tracker.Update returns belongs to the Tracker. Neither type is safe for
// concurrent use.
package track
