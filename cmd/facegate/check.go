package main

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/facegate/facegate"
	"github.com/facegate/facegate/internal/table"
)

const checkManual = `
Usage: facegate check [-format table|jsonl|csv] [-seq auto|dir|none] [policy flags] PATH...

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

Output (-format; the default is table on a terminal, jsonl otherwise).
table: one row per frame (FACE/MIN is the target's side against the
minimum; EYES the distance between the pupils; BLUR and EXPO the
service's 0..1 scales; REASONS the rejections with the service's
message, one per line; WARNINGS the codes of the advice that does not
reject), then the summary. The table fits the terminal's width (or
$COLUMNS): at 80 columns it shows FILE (elided in the middle when long),
FACE/MIN, BLUR, EXPO, YAW, VERDICT and the first REASONS, cut at the
end; wider terminals add FRAME, PITCH, ROLL, SIZE, EYES, FACES, TARGET
and WARNINGS; the summary's lines are cut at the width too. Written to a file or pipe (-format table) it is not cut,
unless $COLUMNS is set.
csv: a header row, then one record per frame or error: file, frame,
sequence, width, height, faces, min_face, face_size, eye_distance, blur,
exposure, sharpness, mean_luma, yaw, pitch, roll, verdict ("accept",
"reject" or "error"), reasons and warnings (codes separated by ";"),
error; no summary (the exit code tells).
jsonl (or -json): JSON Lines, one object per frame, then one summary
object:

  {"type":"frame","file":"f.jpg","frame":0,"sequence":"dir",
   "width":400,"height":300,"min_face":128,
   "faces":[{"x":..,"y":..,"w":..,"h":..,"score":..,"track":1,
             "left_eye":[x,y],"right_eye":[x,y],"eye_distance":..,
             "landmarks":{"nose_tip":[x,y],"mouth_left":..,"mouth_right":..,
                          "upper_lip":..,"lower_lip":..},
             "yaw":..,"pitch":..,"roll":..}],
   "target":0,"scene_change":0,"face_size":110,"eye_distance":..,"blur":..,"exposure":..,
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
  (facegate.Options.FaceSizeScale). "scene_change" is
  facegate.Result.SceneChange, the frame's scene-change measure against
  the previous frame of its sequence (0 for a still). Floats are rounded to 3 decimals;
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
	jsonOut := fs.Bool("json", false, "write JSON Lines (the default when stdout is not a terminal): -format jsonl")
	format := fs.String("format", "", "the output: `table`, jsonl or csv (default: table on a terminal, jsonl otherwise)")
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
	switch {
	case *jsonOut && *format != "" && *format != "jsonl":
		return usageError(e, fs, "-json and -format %s: choose one", *format)
	case *jsonOut:
		*format = "jsonl"
	case *format == "":
		*format = "jsonl"
		if e.stdoutTTY {
			*format = "table"
		}
	case *format != "table" && *format != "jsonl" && *format != "csv":
		return usageError(e, fs, "-format %q: want table, jsonl or csv", *format)
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
	switch *format {
	case "table":
		rep = newTableReporter(out, e.columns)
	case "csv":
		rep = newCSVReporter(out, e.stderr)
	default:
		rep = newJSONReporter(out, e.stderr)
	}
	sum := &summaryJSON{Type: "summary", ByReason: map[string]int{}, Warnings: map[string]int{}, Sequences: []sequenceJSON{}}
	units, perrs := collect(fs.Args(), mode)
	noteSequences(e.stderr, "check", units, mode)
	// A progress line while checking, unless lines stream to the same
	// terminal.
	prog := &progressBar{}
	if *format == "table" || !e.stdoutTTY {
		prog = newProgress(e, knownFrames(units), "checking", "frames")
	}
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

// knownFrames is the number of frames in units when it is known before
// decoding (stills and directories of frames), -1 otherwise (animations
// and videos).
func knownFrames(units []unit) int {
	n := 0
	for i := range units {
		switch units[i].kind {
		case kindStill:
			n++
		case kindFrames:
			n += len(units[i].files)
		default:
			return -1
		}
	}
	return n
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
	logError(r.stderr, f)
}

// logError writes an error line to stderr, for the output formats whose
// errors are records a person watching the run does not see.
func logError(w io.Writer, f *errorJSON) {
	if f.Frame != nil {
		fmt.Fprintf(w, "facegate check: %s: frame %d: %s\n", f.File, *f.Frame, f.Error)
	} else {
		fmt.Fprintf(w, "facegate check: %s: %s\n", f.File, f.Error)
	}
}

func (r *jsonReporter) summary(s *summaryJSON) { r.enc.Encode(s) }

// tableReporter writes a table that fits the terminal (internal/table),
// then the summary as text. The rows are kept until the summary, as the
// widths depend on all of them.
type tableReporter struct {
	w     io.Writer
	width int
	rows  [][]string
	// messages maps each code seen to its message, for the legend.
	messages map[string]string
}

// tableColumns are check's columns, as tableReporter.frame fills them.
// At 80 columns the table shows the file (elided in the middle), the face
// size against the minimum, blur, exposure, yaw, the verdict and the
// first reason; wider terminals show the others, FRAME first.
var tableColumns = []table.Column{
	{Header: "FILE", Priority: 1, Elide: table.Middle, MinWidth: 20},
	{Header: "FRAME", Priority: 3, Right: true},
	{Header: "SIZE", Priority: 5},
	{Header: "FACES", Priority: 6, Right: true},
	{Header: "TARGET", Priority: 6},
	{Header: "FACE/MIN", Priority: 2, Right: true},
	{Header: "EYES", Priority: 5, Right: true},
	{Header: "BLUR", Priority: 2, Right: true},
	{Header: "EXPO", Priority: 2, Right: true},
	{Header: "YAW", Priority: 2, Right: true},
	{Header: "PITCH", Priority: 4, Right: true},
	{Header: "ROLL", Priority: 4, Right: true},
	{Header: "VERDICT", Priority: 1},
	{Header: "REASONS", Priority: 2, Elide: table.End, MinWidth: 20},
	{Header: "WARNINGS", Priority: 7, Elide: table.End},
}

// reasonsCol indexes REASONS in tableColumns.
const reasonsCol = 13

func newTableReporter(w io.Writer, width int) *tableReporter {
	return &tableReporter{w: w, width: width, messages: map[string]string{}}
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
	r.rows = append(r.rows, []string{f.File, strconv.Itoa(f.Frame), fmt.Sprintf("%dx%d", f.Width, f.Height),
		strconv.Itoa(len(f.Faces)), target, face, fmtNum(f.EyeDistance, 0),
		fmtNum(f.Blur, 2), fmtNum(f.Exposure, 2), fmtNum(f.Yaw, 0), fmtNum(f.Pitch, 0), fmtNum(f.Roll, 0),
		f.Verdict, first, strings.Join(warnings, ",")})
	for _, x := range reasons[min(1, len(reasons)):] {
		row := make([]string, reasonsCol+1)
		row[reasonsCol] = x
		r.rows = append(r.rows, row)
	}
}

func (r *tableReporter) error(f *errorJSON) {
	frame := "-"
	if f.Frame != nil {
		frame = strconv.Itoa(*f.Frame)
	}
	row := make([]string, reasonsCol+1)
	row[0], row[1], row[reasonsCol-1], row[reasonsCol] = f.File, frame, "error", f.Error
	r.rows = append(r.rows, row)
}

func (r *tableReporter) summary(s *summaryJSON) {
	table.Render(r.w, tableColumns, r.rows, r.width)
	var sb strings.Builder
	w := &sb
	defer func() {
		for line := range strings.Lines(sb.String()) {
			if r.width > 0 {
				line = table.Elide(strings.TrimSuffix(line, "\n"), r.width, table.End) + "\n"
			}
			io.WriteString(r.w, line)
		}
	}()
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

// csvReporter writes one CSV record per frame or error, after a header
// row; errors also go to stderr. The summary is left out: it is not a
// frame, and the exit code tells.
type csvReporter struct {
	w      *csv.Writer
	stderr io.Writer
}

// csvHeader names csvReporter's fields; "reasons" and "warnings" are
// codes separated by ";", "error" is set on the rows of errors.
var csvHeader = []string{"file", "frame", "sequence", "width", "height", "faces", "min_face", "face_size",
	"eye_distance", "blur", "exposure", "sharpness", "mean_luma", "yaw", "pitch", "roll", "verdict", "reasons", "warnings", "error"}

func newCSVReporter(w, stderr io.Writer) *csvReporter {
	c := csv.NewWriter(w)
	c.Write(csvHeader)
	return &csvReporter{c, stderr}
}

// csvNum is a measure rounded as in JSON; empty when absent.
func csvNum(v *num) string {
	if v == nil {
		return ""
	}
	b, _ := v.MarshalJSON()
	if string(b) == "null" {
		return ""
	}
	return string(b)
}

func codesOf(rs []reasonJSON) string {
	var c []string
	for _, x := range rs {
		c = append(c, x.Code)
	}
	return strings.Join(c, ";")
}

func (r *csvReporter) frame(f *frameJSON) {
	size := ""
	if f.FaceSize != nil {
		size = strconv.Itoa(*f.FaceSize)
	}
	r.w.Write([]string{f.File, strconv.Itoa(f.Frame), f.Sequence, strconv.Itoa(f.Width), strconv.Itoa(f.Height),
		strconv.Itoa(len(f.Faces)), strconv.Itoa(f.MinFace), size, csvNum(f.EyeDistance), csvNum(f.Blur), csvNum(f.Exposure),
		csvNum(f.Sharpness), csvNum(f.MeanLuma), csvNum(f.Yaw), csvNum(f.Pitch), csvNum(f.Roll),
		f.Verdict, codesOf(f.Reasons), codesOf(f.Warnings), ""})
}

func (r *csvReporter) error(f *errorJSON) {
	rec := make([]string, len(csvHeader))
	rec[0], rec[16], rec[19] = f.File, "error", f.Error
	if f.Frame != nil {
		rec[1] = strconv.Itoa(*f.Frame)
	}
	r.w.Write(rec)
	logError(r.stderr, f)
}

func (r *csvReporter) summary(*summaryJSON) { r.w.Flush() }

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
