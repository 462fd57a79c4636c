package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"io"
	"os"
	"strings"
	"time"

	"github.com/facegate/facegate"
	"github.com/facegate/facegate/encode"
	"github.com/facegate/facegate/payload"
	"github.com/facegate/facegate/preprocess"
)

const payloadManual = `
Usage: facegate payload [-o FILE] [-video] [-send] [flags] SEQ

Payload builds the single-modal liveness request for one sequence: SEQ is
a directory of frames (its images in name order; subdirectories are not
read), a GIF, an animated WebP or a video (through ffmpeg), or one image.

Every frame goes through the pipeline, as facegate check judges it. The
sequence itself must hold the target face in enough frames and have an
accepted frame, or payload stops with the reason (exit 1) and builds
nothing: the call would be answered with a 400. From the accepted frames
it picks -max, evenly spread (all with -max 0), and crops each around the
target face (-margin face sides on each side, clipped to the frame). Then:

  - stills (the default): one JPEG per frame, named frameNNNNNN.jpg after
    the source frame, fitted into the service's image byte limits;
  - -video: one animated WebP, video.webp, whose frames all have one size
    (the largest crop, moved to stay in the frame), one imageData entry
    per frame; frame times are -interval apart on the source frames'
    numbers. WebP needs cgo (libwebp): a build without cgo reports it.

Each imageData entry carries the target face in the uploaded image's
coordinates (targetFaceRectangle) and where the crop sat in the frame
(imageCropOffsets). The request is validated as payload.Validate predicts
the service (with the face measures of payload.DefaultQuality), then:

  - the multipart body is written to -o FILE; without -o (and without
    -send) to stdout, unless stdout is a terminal (misuse: use -o or a
    redirection);
  - a report is printed: content type, body size, files, frames, and the
    validation result (ok, or the status and the service's message). It
    goes to stdout, or to stderr when the body is on stdout. With -json
    it is always one JSON object, whatever happens:
      {"content_type","bytes","files","frames","accepted","seen","valid",
       "status","message","field","reason","answer","error",
       "parts":[{"name":"Metadata","bytes":..},
                {"name":"Content","filename":"frame000000.jpg","bytes":..}],
       "reasons":[{"code":"face-too-small","message":"Face not found
                   within target rectangle."}]}
    "parts" is the request that would be sent (absent when none was
    built); "reasons" every reason it would be refused: the sequence's
    rejections, or the rule the built request breaks (empty when valid);
    "error" a failure to read, build, write or send;
  - with -send, the request is posted to $FACE_ENDPOINT (such as
    https://westus.api.cognitive.microsoft.com) with the key
    $FACE_API_KEY, and the answer is printed. The key is never printed:
    errors are redacted.

Exit status: 0 when the request is valid (and, with -send, the service
answered 200), 1 when the sequence is rejected, the request is invalid or
the call fails, 2 on misuse (bad flags, no SEQ, -send without
$FACE_ENDPOINT or $FACE_API_KEY, a body for a terminal), 3 when a frame
cannot be read or decoded or the body cannot be written (3 wins over 1:
nothing is judged from a sequence that was not fully read).

Examples:

  facegate payload -o body.bin testdata/faces/obama-1080p.jpg
  facegate payload -video -max 20 -o video.bin frames/
  facegate payload frames/ > body.bin
  FACE_ENDPOINT=https://... FACE_API_KEY=... facegate payload -send clip.mp4
`

// partJSON is one part of the multipart body.
type partJSON struct {
	Name     string `json:"name"`               // "Metadata" or "Content"
	FileName string `json:"filename,omitempty"` // a Content part's file
	Bytes    int    `json:"bytes"`              // the part's data, without its headers
}

// partsOf lists req's parts.
func partsOf(req *payload.LivenessRequest) []partJSON {
	parts := []partJSON{{Name: "Metadata", Bytes: len(req.AppendMetadata(nil))}}
	for _, f := range req.Files {
		parts = append(parts, partJSON{Name: "Content", FileName: f.Name, Bytes: len(f.Data)})
	}
	return parts
}

// payloadReport is payload's report, in its -json form.
type payloadReport struct {
	ContentType string `json:"content_type"`
	Bytes       int64  `json:"bytes"`
	Files       int    `json:"files"`
	Frames      int    `json:"frames"`
	Accepted    int    `json:"accepted"`
	Seen        int    `json:"seen"`
	Valid       bool   `json:"valid"`
	Status      int    `json:"status,omitempty"`
	Message     string `json:"message,omitempty"`
	Field       string `json:"field,omitempty"`
	Reason      string `json:"reason,omitempty"`
	// Answer is the service's 200 answer with -send; Error its failure.
	Answer *payload.LivenessResult `json:"answer,omitempty"`
	Error  string                  `json:"error,omitempty"`
	// Parts are the multipart parts of the request that would be sent:
	// the metadata, then each file; absent when no request was built.
	Parts []partJSON `json:"parts,omitempty"`
	// Reasons are every reason the request would be refused: the
	// sequence's rejections (facegate's codes and the service's
	// messages) or the rule the built request breaks. Empty when valid.
	Reasons []reasonJSON `json:"reasons"`
}

func runPayload(e *env, args []string) int {
	fs := newFlagSet(e, "payload", payloadManual)
	addDecodeFlags(fs)
	outName := fs.String("o", "", "write the multipart body to `FILE`")
	video := fs.Bool("video", false, "send one animated WebP of the crops instead of JPEG stills")
	send := fs.Bool("send", false, "post the request to $FACE_ENDPOINT with $FACE_API_KEY")
	maxFrames := fs.Int("max", 10, "frames in the request, evenly spread over the accepted ones (0: all)")
	margin := fs.Float64("margin", 1, "crop margin on each side of the face, in face sides")
	interval := fs.Duration("interval", 100*time.Millisecond, "time between source frames (frame times of the request)")
	modelVersion := fs.String("model-version", "", "the model-version query parameter (empty: latest)")
	timeout := fs.Duration("timeout", 2*time.Minute, "with -send, give up after this long")
	jsonOut := fs.Bool("json", false, "print the report as one JSON object")
	pf := addPolicyFlags(fs)
	if code, ok := parseFlags(e, fs, args); !ok {
		return code
	}
	pp, code, ok := pf.resolve(e)
	if !ok {
		return code
	}
	switch {
	case fs.NArg() != 1:
		return usageError(e, fs, "want one SEQ, got %d arguments", fs.NArg())
	case *maxFrames < 0:
		return usageError(e, fs, "-max %d: want 0 or more", *maxFrames)
	case !(*margin >= 0 && *margin <= 10):
		return usageError(e, fs, "-margin %v: want 0 to 10", *margin)
	case *interval <= 0:
		return usageError(e, fs, "-interval %v: want a positive duration", *interval)
	}
	endpoint, key := e.getenv("FACE_ENDPOINT"), e.getenv("FACE_API_KEY")
	if *send && (endpoint == "" || key == "") {
		return usageError(e, fs, "-send needs FACE_ENDPOINT and FACE_API_KEY in the environment")
	}
	bodyToStdout := *outName == "" && !*send
	if bodyToStdout && e.stdoutTTY {
		return usageError(e, fs, "refusing to write the multipart body to a terminal: use -o FILE or a redirection")
	}
	redact := func(s string) string {
		if key != "" {
			s = strings.ReplaceAll(s, key, "[redacted]")
		}
		return s
	}
	repOut := e.stdout
	if bodyToStdout {
		repOut = e.stderr
	}
	rep := payloadReport{Reasons: []reasonJSON{}}
	// stop ends the command with code; with -json the report is printed
	// whatever happened.
	stop := func(code int) int {
		if *jsonOut {
			repOut.Write(marshalLine(&rep))
		}
		return code
	}
	fail := func(format string, args ...any) int {
		rep.Error = redact(fmt.Sprintf(format, args...))
		fmt.Fprintf(e.stderr, "facegate payload: %s\n", rep.Error)
		return stop(exitRejected)
	}
	// failRead is fail for an input that cannot be read or decoded, or an
	// output that cannot be written.
	failRead := func(format string, args ...any) int {
		fail(format, args...)
		return exitUnreadable
	}

	u := payloadUnit(fs.Arg(0))
	policy := *pp
	pl, err := facegate.New(&policy)
	if err != nil {
		return fail("%v", err)
	}
	var frameErr error
	end, err := judgeUnit(pl, pf.target.r, &u, func(j *judgedFrame) error {
		if j.err != nil && frameErr == nil {
			frameErr = fmt.Errorf("%s: frame %d: %w", j.in.file, j.in.index, j.err)
		}
		return nil
	})
	switch {
	case err != nil:
		return failRead("%v", err)
	case end.err != nil:
		return failRead("%s: %v", u.path, end.err)
	case frameErr != nil:
		return failRead("%v", frameErr)
	}
	held, seen := end.seq.Coverage()
	rep.Accepted, rep.Seen = len(end.seq.Captures), seen
	if v := end.seq.Verdict(&policy); !v.Accept {
		fmt.Fprintf(e.stderr, "facegate payload: %s: the sequence would be rejected (target face in %d of %d frames, %d accepted):\n", u.path, held, seen, len(end.seq.Captures))
		rep.Reasons, _ = splitReasons(v)
		for _, r := range rep.Reasons {
			fmt.Fprintf(e.stderr, "  %s: %s\n", r.Code, r.Message)
		}
		return stop(exitRejected)
	}
	caps := pickCaptures(end.seq.Captures, *maxFrames)

	req, err := buildRequest(&u, caps, *video, *margin, *interval, &policy)
	if err != nil {
		if errors.Is(err, encode.ErrNoWebP) {
			return fail("-video: %v (this facegate was built without cgo; rebuild with CGO_ENABLED=1 and libwebp)", err)
		}
		return fail("%v", err)
	}
	req.ModelVersion = *modelVersion

	rep.ContentType, rep.Files, rep.Frames, rep.Parts = req.ContentType(), len(req.Files), len(req.Frames), partsOf(req)
	vopts := &payload.ValidateOptions{Quality: &payload.DefaultQuality}
	verr := req.Validate(vopts)
	rep.Valid = verr == nil
	var re *payload.RuleError
	switch {
	case errors.As(verr, &re):
		rep.Status, rep.Message, rep.Field, rep.Reason = re.Status(), re.Text(), re.Field, re.Reason
		rep.Reasons = append(rep.Reasons, reasonJSON{Code: re.Rule.String(), Message: re.Text()})
	case verr != nil:
		rep.Reason = verr.Error()
		rep.Reasons = append(rep.Reasons, reasonJSON{Code: "invalid", Message: rep.Reason})
	}
	n, err := req.Len()
	if err != nil {
		return fail("%v", err)
	}
	rep.Bytes = n

	var body bytes.Buffer
	if *outName != "" || bodyToStdout {
		if _, err := req.WriteTo(&body); err != nil {
			return fail("%v", err)
		}
	}
	if *outName != "" {
		if err := writeFileAtomic(*outName, body.Bytes()); err != nil {
			return failRead("%v", err)
		}
	}
	if bodyToStdout {
		if _, err := e.stdout.Write(body.Bytes()); err != nil {
			return failRead("writing the body: %v", err)
		}
	}

	code = exitOK
	if !rep.Valid {
		code = exitRejected
	}
	if *send && rep.Valid {
		ctx, cancel := context.WithTimeout(context.Background(), *timeout)
		defer cancel()
		c, err := payload.NewClient(endpoint, key, payload.WithValidateOptions(vopts))
		if err == nil {
			rep.Answer, err = c.DetectLiveness(ctx, req)
		}
		if err != nil {
			rep.Error = redact(err.Error())
			var se *payload.ServiceError
			if errors.As(err, &se) {
				rep.Status, rep.Message = se.StatusCode, redact(se.Message)
			}
			code = exitRejected
		}
	}
	writeReport(repOut, &rep, *jsonOut, *send)
	return code
}

// writeReport prints payload's report.
func writeReport(w io.Writer, r *payloadReport, jsonOut, sent bool) {
	if jsonOut {
		w.Write(marshalLine(r))
		return
	}
	fmt.Fprintf(w, "content-type: %s\n", r.ContentType)
	fmt.Fprintf(w, "bytes: %d\n", r.Bytes)
	fmt.Fprintf(w, "files: %d, frames: %d (of %d accepted, %d seen)\n", r.Files, r.Frames, r.Accepted, r.Seen)
	if r.Valid {
		fmt.Fprintln(w, "validation: ok")
	} else {
		fmt.Fprintf(w, "validation: %d %s (%s: %s)\n", r.Status, r.Message, r.Field, r.Reason)
	}
	if !sent || !r.Valid {
		return
	}
	if r.Error != "" {
		fmt.Fprintf(w, "answer: error: %s\n", r.Error)
		return
	}
	b, _ := json.Marshal(r.Answer)
	fmt.Fprintf(w, "answer: %s\n", b)
}

// payloadUnit reads SEQ: a directory is always one sequence of its images.
func payloadUnit(p string) unit {
	if st, err := os.Stat(p); err == nil && st.IsDir() {
		u := unit{kind: kindFrames, path: p}
		if entries, err := os.ReadDir(p); err == nil {
			for _, e := range entries {
				q := p + string(os.PathSeparator) + e.Name()
				if !e.IsDir() && isImageName(q) && regularFile(q) == nil && fileUnit(q).kind == kindStill {
					u.files = append(u.files, q)
				}
			}
		}
		return u
	}
	return fileUnit(p)
}

// pickCaptures returns at most n captures evenly spread over caps, the
// first and the last included (all of them for n == 0).
func pickCaptures(caps []facegate.Capture, n int) []facegate.Capture {
	if n == 0 || len(caps) <= n {
		return caps
	}
	out := make([]facegate.Capture, 0, n)
	for k := range n {
		i := 0
		if n > 1 {
			i = (k*(len(caps)-1) + (n-1)/2) / (n - 1)
		}
		out = append(out, caps[i])
	}
	return out
}

// buildRequest decodes the unit again and builds the request from the
// chosen captures.
func buildRequest(u *unit, caps []facegate.Capture, video bool, margin float64, interval time.Duration, p *facegate.Policy) (*payload.LivenessRequest, error) {
	byIndex := make(map[int]int, len(caps))
	for i, c := range caps {
		byIndex[c.Index] = i
	}
	req := &payload.LivenessRequest{}
	var anim []encode.AnimFrame
	var cr cropper
	var frameBuf []byte
	size := image.Point{}
	if video {
		for _, c := range caps {
			cc := cropAroundRect(c.Target, margin, c.Width, c.Height)
			size.X, size.Y = max(size.X, cc.Dx()), max(size.Y, cc.Dy())
		}
		size.X, size.Y = size.X&^1, size.Y&^1
	}
	enc := encode.NewEncoder()
	ms := interval.Milliseconds()
	err := u.each(func(in *frameIn) error {
		k, ok := byIndex[in.index]
		if !ok {
			return nil
		}
		if in.err != nil {
			return in.err
		}
		c := &caps[k]
		fr, buf, err := preprocess.FromImage(frameBuf[:0], in.img)
		frameBuf = buf
		if err != nil {
			return err
		}
		if fr.Width != c.Width || fr.Height != c.Height {
			return fmt.Errorf("%s: frame %d changed size between reads", in.file, in.index)
		}
		var crop image.Rectangle
		if video {
			crop = alignCrop(fixedCrop(c.Target, size, fr.Width, fr.Height), &fr)
		} else {
			crop = cropAround(c.Target, margin, &fr)
		}
		img, err := cr.cropResize(&fr, crop, crop.Dx(), crop.Dy())
		if err != nil {
			return err
		}
		target := c.Target.Intersect(crop).Sub(crop.Min)
		off := payload.CropOffsets{X: crop.Min.X, Y: crop.Min.Y, FullWidth: fr.Width, FullHeight: fr.Height}
		f := payload.Frame{FrameNumber: k, CreationTimeMillis: int64(c.Index) * ms, CropOffsets: &off}
		if video {
			f.FileName = "video.webp"
			cp := encode.NewRGB(nil, img.Width, img.Height)
			copy(cp.Pix, img.Pix)
			anim = append(anim, encode.AnimFrame{Image: cp, TimestampMs: int64(c.Index) * ms})
		} else {
			f.FileName = fmt.Sprintf("frame%06d.jpg", c.Index)
			data, fit, err := enc.Fit(nil, img, encode.LivenessImageRange, &encode.FitOptions{Face: target, MinFace: p.MinFaceFor(crop.Dx(), crop.Dy())})
			if err != nil {
				return fmt.Errorf("%s: frame %d: %w", in.file, in.index, err)
			}
			target = fit.Face
			req.Files = append(req.Files, payload.File{Name: f.FileName, Data: data})
		}
		t := payload.RectOf(target)
		f.TargetFace = &t
		// The target is the detected face: its size is what the
		// service's minimum face bounds (payload.FaceObservation.Size).
		f.Face = &payload.FaceObservation{Size: min(t.Width, t.Height)}
		req.Frames = append(req.Frames, f)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(req.Frames) != len(caps) {
		return nil, fmt.Errorf("%s: read %d of the %d chosen frames again", u.path, len(req.Frames), len(caps))
	}
	if video {
		data, err := encode.AppendAnimatedWebP(nil, anim, nil)
		if err != nil {
			return nil, err
		}
		req.Files = []payload.File{{Name: "video.webp", Data: data}}
	}
	return req, nil
}

// cropAroundRect is cropAround without the alignment, on a w x h frame.
func cropAroundRect(face image.Rectangle, margin float64, w, h int) image.Rectangle {
	m := int(margin * float64(face.Dx()))
	return face.Inset(-m).Intersect(image.Rect(0, 0, w, h))
}

// fixedCrop returns a rectangle of the given size (at most the frame's)
// centred on the face and moved to lie inside the w x h frame.
func fixedCrop(face image.Rectangle, size image.Point, w, h int) image.Rectangle {
	size.X, size.Y = min(size.X, w), min(size.Y, h)
	c := face.Min.Add(face.Max).Div(2)
	x := min(max(c.X-size.X/2, 0), w-size.X)
	y := min(max(c.Y-size.Y/2, 0), h-size.Y)
	// Even origin, for 4:2:0 frames; stays inside as size and w are even.
	x, y = x&^1, y&^1
	return image.Rect(x, y, x+size.X, y+size.Y)
}
