package main

import (
	"bytes"
	"fmt"

	"github.com/facegate/facegate"
	"github.com/facegate/facegate/report"
)

const reportManual = `
Usage: facegate report [-o FILE] [-seq auto|dir|none] [policy flags] PATH...

Report checks the PATHs as facegate check does (same PATHs, same policy
flags, same verdicts) and writes one self-contained HTML file (no network,
no external files; it opens from disk in any browser) with:
  - the frames checked, accepted, rejected and unreadable, and the
    rejected frames per reason (check's summary);
  - histograms of the target faces' blur, exposure, yaw, pitch and face
    size, with the policy's thresholds drawn as dashed lines;
  - a paged grid of the rejected frames, annotated as facegate annotate
    draws them (boxes, pupils, landmarks, verdict and reasons), filterable
    by reason.
Thumbnails are 240 pixels wide JPEGs embedded in the file; at most 2000 are
embedded (about 5 to 10 KB each), so that a report of 10,000 frames stays
under about 20 MB; the counts and histograms cover every frame.

Exit status as check's: 0 every frame accepted, 1 some rejected, 2
misuse, 3 an input unreadable or the report not written.

Example:

	facegate report -o report.html testdata/faces
`

func runReport(e *env, args []string) int {
	fs := newFlagSet(e, "report", reportManual)
	addDecodeFlags(fs)
	out := fs.String("o", "report.html", "write the report to `FILE`")
	mode := seqAuto
	fs.Var(&mode, "seq", "which directories are sequences: `auto`, dir or none (as in check)")
	pf := addPolicyFlags(fs)
	if code, ok := parseFlags(e, fs, args); !ok {
		return code
	}
	policy, code, ok := pf.resolve(e)
	if !ok {
		return code
	}
	if fs.NArg() == 0 {
		return usageError(e, fs, "no PATH given")
	}
	pl, err := facegate.New(policy)
	if err != nil {
		fmt.Fprintf(e.stderr, "facegate report: %v\n", err)
		return exitUnreadable
	}
	prog := newProgress(e, -1, "checking", "frames")
	errs := 0
	complain := func(format string, args ...any) {
		errs++
		prog.printf(e, "facegate report: "+format+"\n", args...)
	}
	var frames []report.Frame
	thumbs := 0
	units, perrs := collect(fs.Args(), mode)
	noteSequences(e.stderr, "report", units, mode)
	for _, pe := range perrs {
		complain("%s: %v", pe.path, pe.err)
		frames = append(frames, report.Frame{File: pe.path, Verdict: "error", Messages: []string{pe.err.Error()}})
	}
	for i := range units {
		u := &units[i]
		end, err := judgeUnit(pl, pf.target.r, u, func(j *judgedFrame) error {
			prog.add(1)
			if j.err != nil {
				complain("%s: %v", j.in.file, j.err)
				frames = append(frames, report.Frame{File: j.in.file, Index: j.in.index, Verdict: "error", Messages: []string{j.err.Error()}})
				return nil
			}
			f := reportFrame(j.rec)
			if !j.res.Verdict.Accept && thumbs < report.MaxThumbs {
				m := annotateFrame(j.in.img, j.res, j.rec)
				t, err := report.Thumbnail(scaleTo(m, report.ThumbWidth, report.ThumbWidth*2))
				if err != nil {
					complain("%s: thumbnail: %v", j.in.file, err)
				} else {
					f.Thumb = t
					thumbs++
				}
			}
			frames = append(frames, f)
			return nil
		})
		if err == nil {
			err = end.err
		}
		if err != nil {
			complain("%s: %v", u.path, err)
		}
	}
	prog.finish()
	if len(frames) == 0 {
		fmt.Fprintf(e.stderr, "facegate report: no frames found\n")
		return exitUnreadable
	}
	r := &report.Report{Title: "facegate report", Frames: frames, Thresholds: report.Thresholds{
		MinFace: policy.MinFaceSize, MaxBlur: policy.MaxBlur,
		MinExposure: policy.MinExposure, MaxExposure: policy.MaxExposure,
		MaxYaw: policy.MaxYaw, MaxPitch: policy.MaxPitch,
	}}
	var buf bytes.Buffer
	if err := report.Write(&buf, r); err != nil {
		fmt.Fprintf(e.stderr, "facegate report: %v\n", err)
		return exitUnreadable
	}
	if err := writeFileAtomic(*out, buf.Bytes()); err != nil {
		fmt.Fprintf(e.stderr, "facegate report: %v\n", err)
		return exitUnreadable
	}
	c := report.Count(frames)
	fmt.Fprintf(e.stdout, "report: %s: %d frames, %d accepted, %d rejected, %d errors, %d thumbnails\n",
		*out, c.Frames, c.Accepted, c.Rejected, errs, thumbs)
	return exitCode(c.Rejected > 0, errs > 0)
}

// reportFrame is the report's view of a frame record.
func reportFrame(rec *frameJSON) report.Frame {
	f := report.Frame{File: rec.File, Index: rec.Frame, Verdict: rec.Verdict,
		Blur: fptr(rec.Blur), Exposure: fptr(rec.Exposure), Yaw: fptr(rec.Yaw), Pitch: fptr(rec.Pitch)}
	if rec.FaceSize != nil {
		v := float64(*rec.FaceSize)
		f.FaceSize = &v
	}
	for _, r := range rec.Reasons {
		f.Reasons = append(f.Reasons, r.Code)
		f.Messages = append(f.Messages, r.Message)
	}
	return f
}

func fptr(n *num) *float64 {
	if n == nil {
		return nil
	}
	v := float64(*n)
	return &v
}
