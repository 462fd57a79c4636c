package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/facegate/facegate"
)

const checkManual = `
Usage: facegate check [-json] [-seq auto|dir|none] PATH...

Check judges every frame it is given as the Face liveness service would:
faces, the target face, blur, exposure, head pose, face size against the
minimum for the image size, inter-eye distance, and the verdict with each
reason in the service's own words. It ends with a summary: the frames
checked, the frames the service would reject, by reason, and the calls
checking saved (one per rejected frame: a call that would have been spent
on a 400 answer).

A PATH is
  - an image (JPEG, PNG, BMP, still WebP): judged alone;
  - a directory, read recursively: in each directory, its still images are
    one sequence or judged one by one (-seq auto, the default: a sequence
    when they share one size and neighbouring images look like frames of
    one recording, so that a dataset of same-sized portraits is judged
    image by image; stderr says when a directory is taken as a sequence;
    -seq dir: always; -seq none: never); animated GIFs, animated WebPs and
    videos in it are sequences of their own; then its subdirectories, in
    name order;
  - a GIF or an animated WebP: all its frames, as one sequence;
  - a video (.mp4, .mov, .m4v, .webm, .mkv, .avi): every frame, decoded by
    ffmpeg (the Debian package ffmpeg); without ffmpeg the file is reported
    as an error naming the package.
The frames of a sequence go through one pipeline, in order: faces are
tracked across them, and the target is the largest face of the first frame
that has one, as the service chooses it. A sequence is also judged as a
whole (the share of frames that hold the target face).

Output. On a terminal: a table, one row per frame (FACE is the target's
side against the minimum MIN; EYES the distance between the pupils; BLUR
and EXPO the service's 0..1 scales; REASONS the rejections with the
service's message; WARNINGS the codes of the advice that does not reject),
then the summary. Otherwise, or with -json: JSON Lines, one object per
frame, then one summary object:

  {"type":"frame","file":"f.jpg","frame":0,"sequence":"dir",
   "width":400,"height":300,"min_face":128,
   "faces":[{"x":..,"y":..,"w":..,"h":..,"score":..,"track":1,
             "left_eye":[x,y],"right_eye":[x,y],"eye_distance":..,
             "landmarks":{"nose_tip":[x,y],"mouth_left":..,"mouth_right":..,
                          "upper_lip":..,"lower_lip":..},
             "yaw":..,"pitch":..,"roll":..}],
   "target":0,"face_size":110,"eye_distance":..,"blur":..,"exposure":..,
   "sharpness":..,"mean_luma":..,"yaw":..,"pitch":..,"roll":..,
   "verdict":"accept"|"reject",
   "reasons":[{"code":"blurred","message":"Face is too blurred and cannot be clearly seen.","value":..,"threshold":..}],
   "warnings":[{"code":"below-optimal-size","message":"...","value":..,"threshold":..}]}

  "frame" counts from 0 in its sequence (0 for a still); "sequence" is
  absent for a still. "target" indexes "faces" and is null when the target
  face is not in the frame; the target's measures are then null too, as
  are eyes and pose that were not found. "reasons" holds only rejections
  (verdict "reject" exactly when it is not empty); "warnings" holds the
  advice (similar-faces, below-optimal-size, below-optimal-eye-distance,
  pose-unknown) and never rejects. "face_size" is the face size the
  service's minimum applies to: the target box's side times 0.81, the
  share of a detector box that the brow-to-chin face rectangle covers
  (facegate.Options.FaceSizeScale). Floats are rounded to 3 decimals;
  angles are in degrees, positions in pixels of the frame.

  A file or frame that cannot be read or decoded gives
  {"type":"error","file":..,"frame":..,"error":".."} (also written to
  stderr) and the other files are still checked; so do PATHs in which no
  image or video is found.

  {"type":"summary","frames":60,"accepted":..,"rejected":..,"errors":..,
   "by_reason":{"face-too-small":3},"warnings":{"below-optimal-size":60},
   "calls_saved":..,"sequences":[{"path":..,"frames":..,"held":..,
   "accepted":..,"coverage":..,"verdict":..,"reasons":[..]}]}

  "by_reason" counts the frames rejected for each code (a frame may count
  under several), "calls_saved" equals "rejected".

Exit status: 0 when every frame is accepted, 1 when a frame is rejected,
2 on misuse (bad flag, no PATH), 3 when a file or frame cannot be read or
decoded, no image is found, or the output cannot be written. 3 wins over
1: a run with rejected frames and an unreadable file exits 3, since the
dataset was not fully judged.

Examples:

  facegate check photo.jpg
  facegate check testdata/sequences/cap12 | tail
  facegate check -json testdata/faces | jq -c '{file, verdict, reasons: [.reasons[]?.code]}'
  facegate check -seq none shots/      # every image alone, even same-size ones
  facegate check clip.mp4              # needs ffmpeg
`

func runCheck(e *env, args []string) int {
	fs := newFlagSet(e, "check", checkManual)
	addDecodeFlags(fs)
	jsonOut := fs.Bool("json", false, "write JSON Lines (the default when stdout is not a terminal)")
	mode := seqAuto
	fs.Var(&mode, "seq", "which directories are sequences: `auto` (same-sized images that follow on from each other), dir (all), none")
	pf := addPolicyFlags(fs)
	if code, ok := parseFlags(e, fs, args); !ok {
		return code
	}
	p, code, ok := pf.resolve(e)
	if !ok {
		return code
	}
	if fs.NArg() == 0 {
		return usageError(e, fs, "no PATH given")
	}
	pl, err := facegate.New(p)
	if err != nil {
		fmt.Fprintf(e.stderr, "facegate check: %v\n", err)
		return exitUnreadable
	}
	policy := pl.Policy()

	out := bufio.NewWriter(e.stdout)
	defer out.Flush()
	var rep reporter
	if *jsonOut || !e.stdoutTTY {
		rep = newJSONReporter(out, e.stderr)
	} else {
		rep = newTableReporter(out)
	}
	// A spinner while checking, unless JSON streams to the same terminal.
	prog := &progress{}
	if !(*jsonOut && e.stdoutTTY) {
		prog = newProgress(e, -1, "checking", "frames")
	}

	sum := &summaryJSON{Type: "summary", ByReason: map[string]int{}, Warnings: map[string]int{}, Sequences: []sequenceJSON{}}
	units, perrs := collect(fs.Args(), mode)
	noteSequences(e.stderr, "check", units, mode)
	for _, pe := range perrs {
		sum.Errors++
		rep.error(&errorJSON{Type: "error", File: pe.path, Error: pe.err.Error()})
	}
	for i := range units {
		u := &units[i]
		end, err := judgeUnit(pl, pf.target.r, u, func(j *judgedFrame) error {
			prog.add(1)
			if j.err != nil {
				sum.Errors++
				var frame *int
				if u.sequence() {
					frame = &j.in.index
				}
				rep.error(&errorJSON{Type: "error", File: j.in.file, Frame: frame, Error: j.err.Error()})
				return nil
			}
			r := j.rec
			sum.Frames++
			if r.Verdict == "accept" {
				sum.Accepted++
			} else {
				sum.Rejected++
			}
			for _, x := range r.Reasons {
				sum.ByReason[x.Code]++
			}
			for _, x := range r.Warnings {
				sum.Warnings[x.Code]++
			}
			rep.frame(r)
			return nil
		})
		if err != nil {
			fmt.Fprintf(e.stderr, "facegate check: %v\n", err)
			return exitUnreadable
		}
		if end.err != nil {
			sum.Errors++
			rep.error(&errorJSON{Type: "error", File: u.path, Error: end.err.Error()})
		}
		if u.sequence() && end.frames > 1 {
			sum.Sequences = append(sum.Sequences, sequenceOf(u, &end, &policy))
		}
	}
	prog.finish()
	if sum.Frames == 0 && sum.Errors == 0 {
		sum.Errors++
		rep.error(&errorJSON{Type: "error", File: strings.Join(fs.Args(), " "), Error: "no image or video found"})
	}
	sum.CallsSaved = sum.Rejected
	rep.summary(sum)
	if err := out.Flush(); err != nil {
		fmt.Fprintf(e.stderr, "facegate check: writing the output: %v\n", err)
		return exitUnreadable
	}
	return exitCode(sum.Rejected > 0, sum.Errors > 0)
}

// reporter writes check's output.
type reporter interface {
	frame(*frameJSON)
	error(*errorJSON)
	summary(*summaryJSON)
}

// jsonReporter writes JSON Lines; errors also go to stderr, for whoever
// watches a run whose output goes to a file.
type jsonReporter struct {
	enc    *json.Encoder
	stderr io.Writer
}

func newJSONReporter(w, stderr io.Writer) *jsonReporter {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return &jsonReporter{enc, stderr}
}

func (r *jsonReporter) frame(f *frameJSON) { r.enc.Encode(f) }

func (r *jsonReporter) error(f *errorJSON) {
	r.enc.Encode(f)
	if f.Frame != nil {
		fmt.Fprintf(r.stderr, "facegate check: %s: frame %d: %s\n", f.File, *f.Frame, f.Error)
	} else {
		fmt.Fprintf(r.stderr, "facegate check: %s: %s\n", f.File, f.Error)
	}
}

func (r *jsonReporter) summary(s *summaryJSON) { r.enc.Encode(s) }

// tableReporter writes an aligned table, then the summary as text.
type tableReporter struct {
	w  io.Writer
	tw *tabwriter.Writer
	// messages maps each code seen to its message, for the legend.
	messages map[string]string
}

func newTableReporter(w io.Writer) *tableReporter {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "FILE\tFRAME\tSIZE\tFACES\tTARGET\tFACE/MIN\tEYES\tBLUR\tEXPO\tYAW\tPITCH\tROLL\tVERDICT\tREASONS\tWARNINGS")
	return &tableReporter{w: w, tw: tw, messages: map[string]string{}}
}

func fmtNum(v *num, prec int) string {
	if v == nil {
		return "-"
	}
	s := strconv.FormatFloat(float64(*v), 'f', prec, 64)
	if strings.Trim(s, "-0.") == "" {
		s = strings.TrimPrefix(s, "-") // no "-0"
	}
	return s
}

func (r *tableReporter) frame(f *frameJSON) {
	target, face := "-", "-/"+strconv.Itoa(f.MinFace)
	if f.Target != nil {
		t := f.Faces[*f.Target]
		target = fmt.Sprintf("%dx%d+%d+%d", t.W, t.H, t.X, t.Y)
		face = fmt.Sprintf("%d/%d", *f.FaceSize, f.MinFace)
	}
	var reasons, warnings []string
	for _, x := range f.Reasons {
		reasons = append(reasons, x.Code+": "+x.Message)
	}
	for _, x := range f.Warnings {
		warnings = append(warnings, x.Code)
		r.messages[x.Code] = x.Message
	}
	first := "-"
	if len(reasons) > 0 {
		first = reasons[0]
	}
	fmt.Fprintf(r.tw, "%s\t%d\t%dx%d\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n",
		f.File, f.Frame, f.Width, f.Height, len(f.Faces), target, face, fmtNum(f.EyeDistance, 0),
		fmtNum(f.Blur, 2), fmtNum(f.Exposure, 2), fmtNum(f.Yaw, 0), fmtNum(f.Pitch, 0), fmtNum(f.Roll, 0),
		f.Verdict, first, strings.Join(warnings, ","))
	for _, x := range reasons[min(1, len(reasons)):] {
		fmt.Fprintf(r.tw, "\t\t\t\t\t\t\t\t\t\t\t\t\t%s\t\n", x)
	}
}

func (r *tableReporter) error(f *errorJSON) {
	frame := "-"
	if f.Frame != nil {
		frame = strconv.Itoa(*f.Frame)
	}
	fmt.Fprintf(r.tw, "%s\t%s\t\t\t\t\t\t\t\t\t\t\terror\t%s\t\n", f.File, frame, f.Error)
}

func (r *tableReporter) summary(s *summaryJSON) {
	r.tw.Flush()
	w := r.w
	fmt.Fprintf(w, "\n%d frames checked: %d accepted, %d rejected", s.Frames, s.Accepted, s.Rejected)
	if s.Errors > 0 {
		fmt.Fprintf(w, ", %d errors", s.Errors)
	}
	fmt.Fprintf(w, "; %d calls saved\n", s.CallsSaved)
	if len(s.ByReason) > 0 {
		fmt.Fprintln(w, "rejected frames by reason:")
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		for _, c := range sortedByCount(s.ByReason) {
			fmt.Fprintf(tw, "  %d\t %s: %s\n", s.ByReason[c], c, messageOf(c))
		}
		tw.Flush()
	}
	if len(s.Warnings) > 0 {
		fmt.Fprintln(w, "warnings (the frame is still accepted):")
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		for _, c := range sortedByCount(s.Warnings) {
			fmt.Fprintf(tw, "  %d\t %s: %s\n", s.Warnings[c], c, r.messages[c])
		}
		tw.Flush()
	}
	for _, q := range s.Sequences {
		fmt.Fprintf(w, "sequence %s: %d frames, target in %d (%.0f%%), %d accepted: %s", q.Path, q.Frames, q.Held, 100*float64(q.Coverage), q.Accepted, q.Verdict)
		for _, x := range q.Reasons {
			fmt.Fprintf(w, "; %s: %s", x.Code, x.Message)
		}
		fmt.Fprintln(w)
	}
}

// sortedByCount returns the keys of m, the largest count first, then by
// name.
func sortedByCount(m map[string]int) []string {
	keys := slices.Collect(maps.Keys(m))
	slices.SortFunc(keys, func(a, b string) int {
		if m[a] != m[b] {
			return m[b] - m[a]
		}
		return strings.Compare(a, b)
	})
	return keys
}

// messageOf returns the service's message for a rejection code.
func messageOf(code string) string {
	for c := facegate.Code(1); c < 64; c++ {
		if c.String() == code {
			return c.Message()
		}
	}
	return ""
}
