package main

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/facegate/facegate/encode"
	"github.com/facegate/facegate/payload"
	"github.com/facegate/facegate/payload/servicetest"
	"github.com/facegate/facegate/preprocess"
)

const testKey = "k3y-0f-the-t3st-that-must-never-show"

// The request built from cap12's frames (enlarged: as recorded, their face
// is too small for the service) is valid, and the emulator of the
// service accepts it, sent by -send and posted from the written body; the
// key never appears in the output.
func TestPayloadSend(t *testing.T) {
	srv := servicetest.NewServer(&servicetest.Options{Key: testKey})
	defer srv.Close()
	envs := []string{"FACE_ENDPOINT=" + srv.URL, "FACE_API_KEY=" + testKey}
	cap12 := enlargedCap12(t, 0)

	for _, video := range []bool{false, true} {
		name := map[bool]string{false: "stills", true: "video"}[video]
		t.Run(name, func(t *testing.T) {
			body := filepath.Join(t.TempDir(), "body.bin")
			args := []string{"payload", "-send", "-json", "-o", body}
			if video {
				args = append(args, "-video", "-max", "12")
			}
			r := runFG(t, runOpts{env: envs}, append(args, cap12)...)
			if strings.Contains(r.stdout+r.stderr, testKey) {
				t.Fatalf("the key appears in the output")
			}
			if video && !encode.WebPAvailable {
				// Built without cgo (no C compiler): the animated WebP
				// cannot be made, and the command says why.
				if r.code == exitOK || !strings.Contains(r.stderr, "webp encoding needs cgo") {
					t.Fatalf("without cgo: exit code %d\n%s%s", r.code, r.stdout, r.stderr)
				}
				return
			}
			if r.code != exitOK {
				t.Fatalf("exit code %d\n%s%s", r.code, r.stdout, r.stderr)
			}
			var rep payloadReport
			if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
				t.Fatalf("%v: %s", err, r.stdout)
			}
			wantFrames, wantFiles := 10, 10
			if video {
				wantFrames, wantFiles = 12, 1
			}
			if !rep.Valid || rep.Frames != wantFrames || rep.Files != wantFiles || rep.Seen != 60 ||
				rep.Answer == nil || rep.Answer.LivenessDecision != payload.DecisionRealFace {
				t.Fatalf("report %s", r.stdout)
			}
			b, err := os.ReadFile(body)
			if err != nil {
				t.Fatal(err)
			}
			if int64(len(b)) != rep.Bytes {
				t.Errorf("body %d bytes, report %d", len(b), rep.Bytes)
			}
			checkBody(t, b, rep.ContentType, video)

			// The written body, posted as it is, is accepted too.
			req, _ := http.NewRequest("POST", srv.URL+"/face/v1.1-preview.1/detectLiveness/singleModal", bytes.NewReader(b))
			req.Header.Set("Content-Type", rep.ContentType)
			req.Header.Set("Ocp-Apim-Subscription-Key", testKey)
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			answer, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || !strings.Contains(string(answer), `"livenessDecision":"realface"`) {
				t.Errorf("posting the body: %d %s", resp.StatusCode, answer)
			}
		})
	}
}

// checkBody parses a written body: every image decodes, and each frame's
// metadata puts the target inside its image, at least the minimum face,
// with crop offsets inside the 600x450 frame.
func checkBody(t *testing.T, b []byte, contentType string, video bool) {
	t.Helper()
	_, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		t.Fatal(err)
	}
	mr := multipart.NewReader(bytes.NewReader(b), params["boundary"])
	var meta *payload.LivenessRequest
	files := map[string][]byte{}
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(p)
		if p.FormName() == "Metadata" {
			if meta, err = payload.ParseMetadata(data); err != nil {
				t.Fatal(err)
			}
			continue
		}
		files[p.FileName()] = data
	}
	if meta == nil {
		t.Fatal("no Metadata part")
	}
	sizes := map[string]image2{}
	for name, data := range files {
		if video {
			info, err := encode.ParseWebP(nil, data)
			if err != nil || !info.Animated {
				t.Fatalf("%s: %v, animated %v", name, err, info.Animated)
			}
			if len(info.Frames) != len(meta.Frames) {
				t.Errorf("%s: %d frames, metadata %d", name, len(info.Frames), len(meta.Frames))
			}
			sizes[name] = image2{info.Width, info.Height}
			continue
		}
		img, _, err := preprocess.DecodeBytes(data, nil)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		sizes[name] = image2{img.Bounds().Dx(), img.Bounds().Dy()}
	}
	for i, f := range meta.Frames {
		sz, ok := sizes[f.FileName]
		if !ok || f.TargetFace == nil || f.CropOffsets == nil {
			t.Fatalf("frame %d: file %q (found %v), target %v, offsets %v", i, f.FileName, ok, f.TargetFace, f.CropOffsets)
		}
		tr, c := *f.TargetFace, *f.CropOffsets
		if tr.Left < 0 || tr.Top < 0 || tr.Left+tr.Width > sz.w || tr.Top+tr.Height > sz.h || tr.Width < 128 || tr.Height < 128 {
			t.Errorf("frame %d: target %+v in a %dx%d image", i, tr, sz.w, sz.h)
		}
		if c.FullWidth != 600 || c.FullHeight != 450 || c.X < 0 || c.Y < 0 || c.X+sz.w > 600 || c.Y+sz.h > 450 {
			t.Errorf("frame %d: crop offsets %+v for a %dx%d image", i, c, sz.w, sz.h)
		}
		if video && f.FrameNumber != i {
			t.Errorf("frame %d: frameNumber %d", i, f.FrameNumber)
		}
	}
}

type image2 struct{ w, h int }

// The emulator's refusals come back redacted, with exit code 1; a body is
// never written to a terminal; a rejected sequence builds nothing.
func TestPayloadFailures(t *testing.T) {
	srv := servicetest.NewServer(&servicetest.Options{Key: "another-key"})
	defer srv.Close()
	cap12 := enlargedCap12(t, 10)

	r := runFG(t, runOpts{env: []string{"FACE_ENDPOINT=" + srv.URL, "FACE_API_KEY=" + testKey}}, "payload", "-send", "-max", "2", cap12)
	if r.code != exitRejected || strings.Contains(r.stdout+r.stderr, testKey) || !strings.Contains(r.stdout, "answer: error:") {
		t.Errorf("wrong key: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	// No face at all: the sequence is rejected before anything is built.
	dir := t.TempDir()
	copyFile(t, "testdata/negatives/chelsea.png", dir)
	body := filepath.Join(dir, "body.bin")
	r = runFG(t, runOpts{}, "payload", "-o", body, dir)
	if r.code != exitRejected || !strings.Contains(r.stderr, "Face not found within target rectangle.") {
		t.Errorf("no face: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if _, err := os.Stat(body); err == nil {
		t.Errorf("a body was written for a rejected sequence")
	}

	// To stdout when it is not a terminal, with the report on stderr.
	r = runFG(t, runOpts{}, "payload", "-max", "1", filepath.Join(repoRoot, "testdata/faces/pigo-sample.jpg"))
	if r.code != exitOK || !strings.HasPrefix(r.stdout, "--facegate-") || !strings.Contains(r.stderr, "validation: ok") {
		t.Errorf("body on stdout: exit %d, stdout %.60q, stderr %s", r.code, r.stdout, r.stderr)
	}
	// Never to a terminal.
	var out bytes.Buffer
	code := run(&env{stdout: &out, stderr: &out, getenv: func(string) string { return "" }, stdoutTTY: true},
		[]string{"payload", filepath.Join(repoRoot, "testdata/faces/pigo-sample.jpg")})
	if code != exitUsage || !strings.Contains(out.String(), "refusing to write the multipart body to a terminal") {
		t.Errorf("terminal: exit %d: %s", code, out.String())
	}
}

// payload -json always prints one JSON report: the parts of the request,
// or every reason it would be refused.
func TestPayloadJSONReport(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(repoRoot, "testdata/faces/pigo-sample.jpg")
	r := runIn("payload", "-json", "-o", filepath.Join(dir, "body.bin"), good)
	var rep payloadReport
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil || r.code != exitOK {
		t.Fatalf("good: exit %d, %v\n%s%s", r.code, err, r.stdout, r.stderr)
	}
	body, _ := os.ReadFile(filepath.Join(dir, "body.bin"))
	if !rep.Valid || len(rep.Reasons) != 0 || len(rep.Parts) != 2 || rep.Parts[0].Name != "Metadata" || rep.Parts[0].Bytes == 0 ||
		rep.Parts[1].FileName != "frame000000.jpg" || rep.Parts[1].Bytes < 1000 || int64(len(body)) != rep.Bytes {
		t.Errorf("good: report %+v (body %d bytes)", rep, len(body))
	}

	r = runIn("payload", "-json", "-o", filepath.Join(dir, "none.bin"), filepath.Join(repoRoot, "testdata/negatives/chelsea.png"))
	rep = payloadReport{}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil || r.code != exitRejected {
		t.Fatalf("rejected: exit %d, %v\n%s%s", r.code, err, r.stdout, r.stderr)
	}
	noFace := slices.ContainsFunc(rep.Reasons, func(r reasonJSON) bool {
		return r.Code == "no-face" && r.Message == "Face not found within target rectangle."
	})
	if rep.Valid || len(rep.Parts) != 0 || !noFace {
		t.Errorf("rejected: report %+v", rep)
	}

	broken := filepath.Join(dir, "broken.jpg")
	os.WriteFile(broken, []byte("\xff\xd8\xffnot a jpeg"), 0o644)
	r = runIn("payload", "-json", "-o", filepath.Join(dir, "b.bin"), broken)
	rep = payloadReport{}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil || r.code != exitUnreadable || rep.Error == "" || rep.Valid {
		t.Errorf("unreadable: exit %d, %v, report %+v\n%s", r.code, err, rep, r.stderr)
	}
}
