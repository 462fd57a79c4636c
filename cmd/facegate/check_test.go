package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/facegate/facegate/internal/hostile"
	xdraw "golang.org/x/image/draw"
)

// The golden JSON Lines of check on the cap12 sequence and three stills.
// Regenerate with go test ./cmd/facegate/ -run Golden -update after a
// deliberate change of the pipeline or of the output.
func TestCheckGolden(t *testing.T) {
	args := []string{"check", "-json", "testdata/sequences/cap12", "testdata/faces/pigo-sample.jpg",
		"testdata/faces/bob.jpg", "testdata/negatives/chelsea.png"}
	r := runFG(t, runOpts{dir: repoRoot}, args...)
	if r.code != exitRejected { // chelsea.png and small faces in cap12
		t.Errorf("exit code %d, want %d; stderr: %s", r.code, exitRejected, r.stderr)
	}
	golden := filepath.Join("testdata", "golden", "check.jsonl")
	if *update {
		if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, []byte(r.stdout), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got := r.stdout; got != string(want) {
		gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
		for i := range max(len(gl), len(wl)) {
			g, w := "", ""
			if i < len(gl) {
				g = gl[i]
			}
			if i < len(wl) {
				w = wl[i]
			}
			if g != w {
				t.Fatalf("output differs from %s at line %d (go test -run Golden -update rewrites it):\ngot:  %s\nwant: %s", golden, i+1, g, w)
			}
		}
	}

	// The golden holds what the manual promises.
	lines := bytes.Split(bytes.TrimSpace(want), []byte("\n"))
	if len(lines) != 60+3+1 {
		t.Fatalf("%d lines, want 64", len(lines))
	}
	var first map[string]any
	if err := json.Unmarshal(lines[0], &first); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"file", "frame", "width", "height", "faces", "target", "blur", "exposure", "yaw", "pitch", "roll", "verdict", "reasons", "warnings"} {
		if _, ok := first[k]; !ok {
			t.Errorf("frame object lacks %q", k)
		}
	}
	face := first["faces"].([]any)[0].(map[string]any)
	for _, k := range []string{"x", "y", "w", "h", "score", "left_eye", "right_eye"} {
		if _, ok := face[k]; !ok {
			t.Errorf("face object lacks %q", k)
		}
	}
	var chelsea frameJSON
	if err := json.Unmarshal(lines[62], &chelsea); err != nil {
		t.Fatal(err)
	}
	if chelsea.File != "testdata/negatives/chelsea.png" || chelsea.Verdict != "reject" || chelsea.Target != nil ||
		len(chelsea.Reasons) != 1 || chelsea.Reasons[0].Code != "no-face" || chelsea.Reasons[0].Message != "Face not found within target rectangle." {
		t.Errorf("chelsea: %s", lines[62])
	}
	var sum summaryJSON
	if err := json.Unmarshal(lines[63], &sum); err != nil {
		t.Fatal(err)
	}
	if sum.Type != "summary" || sum.Frames != 63 || sum.Accepted+sum.Rejected != 63 || sum.CallsSaved != sum.Rejected ||
		sum.ByReason["no-face"] != 1 || len(sum.Sequences) != 1 || sum.Sequences[0].Frames != 60 {
		t.Errorf("summary: %s", lines[63])
	}
}

// Every float in check's output has at most 3 decimals.
func TestCheckRounding(t *testing.T) {
	r := runFG(t, runOpts{dir: repoRoot}, "check", "-json", "testdata/faces/obama-480p.jpg")
	for _, tok := range strings.FieldsFunc(r.stdout, func(c rune) bool { return strings.ContainsRune(`,:[]{}"`, c) }) {
		if i := strings.IndexByte(tok, '.'); i >= 0 && strings.Trim(tok, "-0123456789.") == "" && len(tok)-i-1 > 3 {
			t.Errorf("%s has more than 3 decimals", tok)
		}
	}
}

func TestCheckExitCodes(t *testing.T) {
	for _, tc := range []struct {
		path string
		code int
	}{
		{"testdata/faces/pigo-sample.jpg", exitOK},
		{"testdata/negatives/chelsea.png", exitRejected},
		{"testdata/does-not-exist.jpg", exitUnreadable},
	} {
		r := runFG(t, runOpts{dir: repoRoot}, "check", tc.path)
		if r.code != tc.code {
			t.Errorf("check %s: exit code %d, want %d\n%s%s", tc.path, r.code, tc.code, r.stdout, r.stderr)
		}
	}
	// Nothing to check is not a success.
	r := runFG(t, runOpts{}, "check", t.TempDir())
	if r.code != exitUnreadable || !strings.Contains(r.stderr, "no image or video found") {
		t.Errorf("empty directory: exit code %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// A file that cannot be decoded is reported and the others still checked.
func TestCheckDecodeErrorContinues(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a-broken.jpg"), []byte("\xff\xd8\xffnot really a jpeg"), 0o644); err != nil {
		t.Fatal(err)
	}
	copyFile(t, "testdata/faces/pigo-sample.jpg", dir)
	r := runFG(t, runOpts{}, "check", "-json", dir)
	if r.code != exitUnreadable {
		t.Errorf("exit code %d, want 3", r.code)
	}
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != 3 || !strings.Contains(lines[0], `"type":"error"`) || !strings.Contains(lines[1], `"verdict":"accept"`) ||
		!strings.Contains(lines[2], `"errors":1`) {
		t.Errorf("output:\n%s", r.stdout)
	}
	if !strings.Contains(r.stderr, "a-broken.jpg") {
		t.Errorf("stderr does not name the broken file: %s", r.stderr)
	}
}

// Directories: same-size images are one sequence (tracked), others stills;
// -seq none judges each alone; a GIF is a sequence of its frames.
func TestCheckSequencesAndGIF(t *testing.T) {
	dir := t.TempDir()
	seq := filepath.Join(dir, "seq")
	for _, f := range []string{"000000.jpg", "000005.jpg", "000010.jpg"} {
		copyFile(t, "testdata/sequences/cap12/"+f, seq)
	}
	copyFile(t, "testdata/faces/bob.jpg", filepath.Join(dir, "stills"))
	copyFile(t, "testdata/faces/pigo-sample.jpg", filepath.Join(dir, "stills"))
	copyFile(t, "testdata/decode/pigo-anim.gif", dir)

	decode := func(out string) (frames []frameJSON, sum summaryJSON) {
		for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
			var probe struct{ Type string }
			json.Unmarshal([]byte(l), &probe)
			switch probe.Type {
			case "frame":
				var f frameJSON
				json.Unmarshal([]byte(l), &f)
				frames = append(frames, f)
			case "summary":
				json.Unmarshal([]byte(l), &sum)
			default:
				t.Errorf("unexpected line %s", l)
			}
		}
		return frames, sum
	}
	r := runFG(t, runOpts{}, "check", "-json", dir)
	frames, sum := decode(r.stdout)
	if len(frames) != 2+3+2 {
		t.Fatalf("%d frames, want 7:\n%s", len(frames), r.stdout)
	}
	// Name order: the GIF at the top, then seq/, then stills/.
	for i, want := range []struct {
		file     string
		frame    int
		sequence string
	}{
		{"pigo-anim.gif", 0, "pigo-anim.gif"}, {"pigo-anim.gif", 1, "pigo-anim.gif"},
		{"seq/000000.jpg", 0, "seq"}, {"seq/000005.jpg", 1, "seq"}, {"seq/000010.jpg", 2, "seq"},
		{"stills/bob.jpg", 0, ""}, {"stills/pigo-sample.jpg", 0, ""},
	} {
		f := frames[i]
		seqWant := want.sequence
		if seqWant != "" {
			seqWant = filepath.Join(dir, seqWant)
		}
		if f.File != filepath.Join(dir, want.file) || f.Frame != want.frame || f.Sequence != seqWant {
			t.Errorf("frame %d: file %s frame %d sequence %q, want %s %d %q", i, f.File, f.Frame, f.Sequence, want.file, want.frame, seqWant)
		}
	}
	if len(sum.Sequences) != 2 {
		t.Errorf("sequences %+v, want the GIF and seq/", sum.Sequences)
	}
	// One track through the sequence.
	for _, f := range frames[2:5] {
		if f.Target == nil || f.Faces[*f.Target].Track != 1 {
			t.Errorf("%s: target %v, faces %+v: want track 1", f.File, f.Target, f.Faces)
		}
	}

	r = runFG(t, runOpts{}, "check", "-json", "-seq", "none", seq)
	frames, sum = decode(r.stdout)
	if len(frames) != 3 || len(sum.Sequences) != 0 {
		t.Fatalf("-seq none: %d frames, %d sequences", len(frames), len(sum.Sequences))
	}
	for _, f := range frames {
		if f.Sequence != "" || f.Frame != 0 {
			t.Errorf("-seq none: %s is in sequence %q frame %d", f.File, f.Sequence, f.Frame)
		}
	}
}

// On a terminal check writes a table; the summary names the calls saved.
// (The table writer is exercised directly: a test has no terminal.)
func TestCheckTable(t *testing.T) {
	var out bytes.Buffer
	e := &env{stdout: &out, stderr: &out, getenv: os.Getenv, stdoutTTY: true}
	code := run(e, []string{"check", filepath.Join(repoRoot, "testdata/faces/pigo-sample.jpg"), filepath.Join(repoRoot, "testdata/negatives/chelsea.png")})
	if code != exitRejected {
		t.Errorf("exit code %d", code)
	}
	s := out.String()
	for _, want := range []string{"FILE", "VERDICT", "REASONS", "pigo-sample.jpg", "200/128", "accept",
		"no-face: Face not found within target rectangle.", "2 frames checked: 1 accepted, 1 rejected; 1 calls saved",
		"rejected frames by reason:"} {
		if !strings.Contains(s, want) {
			t.Errorf("table lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, `"type"`) {
		t.Errorf("table output is JSON:\n%s", s)
	}
}

// -max-memory sets the decoding budget of every command that reads images:
// an animation whose compositing fits the default 256 MiB is checked, and
// refused under a 64 MiB budget (preprocess.ErrTooLarge's text); a budget
// that is not a number of MiB is misuse.
func TestCheckMaxMemory(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "anim.gif")
	if err := os.WriteFile(p, hostile.GIFFrames(3000, 2000, 2), 0o644); err != nil {
		t.Fatal(err)
	}
	r := runFG(t, runOpts{}, "check", "-json", "-seq", "none", p)
	if strings.Contains(r.stdout, `"type":"error"`) || !strings.Contains(r.stdout, `"verdict"`) {
		t.Errorf("default budget: want verdicts, got exit %d:\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = runFG(t, runOpts{}, "check", "-json", "-seq", "none", "-max-memory", "64", p)
	if r.code != exitUnreadable || !strings.Contains(r.stdout, "over the 64 MiB memory limit") {
		t.Errorf("-max-memory 64: exit %d, want %d and the limit named:\n%s%s", r.code, exitUnreadable, r.stdout, r.stderr)
	}
	for _, bad := range []string{"lots", "0", "8"} {
		if r := runFG(t, runOpts{}, "check", "-max-memory", bad, p); r.code != exitUsage {
			t.Errorf("-max-memory %s: exit %d, want %d", bad, r.code, exitUsage)
		}
	}
}

// A dataset of same-sized, unrelated images is judged image by image under
// the default -seq auto (a sequence would make the first face the target
// and call the others no-face); frames of one recording still form a
// sequence, and stderr says so.
func TestCheckDatasetIsNotASequence(t *testing.T) {
	dir := t.TempDir()
	portraits := filepath.Join(dir, "portraits")
	if err := os.MkdirAll(portraits, 0o755); err != nil {
		t.Fatal(err)
	}
	for i, src := range []string{"faces/bob.jpg", "faces/pigo-sample.jpg", "faces/obama-480p.jpg", "negatives/chelsea.png"} {
		img, err := decodeFile(filepath.Join(repoRoot, "testdata", src))
		if err != nil {
			t.Fatal(err)
		}
		dst := image.NewRGBA(image.Rect(0, 0, 320, 240))
		xdraw.ApproxBiLinear.Scale(dst, dst.Bounds(), img, img.Bounds(), xdraw.Src, nil)
		f, err := os.Create(filepath.Join(portraits, fmt.Sprintf("%03d.png", i)))
		if err != nil {
			t.Fatal(err)
		}
		if err := png.Encode(f, dst); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	r := runFG(t, runOpts{}, "check", "-json", portraits)
	n := 0
	for _, l := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		var f frameJSON
		if json.Unmarshal([]byte(l), &f) != nil || f.Type != "frame" {
			continue
		}
		n++
		if f.Sequence != "" {
			t.Errorf("%s: judged as frame %d of sequence %q", f.File, f.Frame, f.Sequence)
		}
	}
	if n != 4 {
		t.Errorf("%d frames, want 4:\n%s", n, r.stdout)
	}
	if strings.Contains(r.stderr, "one sequence") {
		t.Errorf("stderr says a sequence was assumed:\n%s", r.stderr)
	}

	seq := filepath.Join(dir, "seq")
	for _, f := range []string{"000000.jpg", "000005.jpg", "000010.jpg", "000015.jpg"} {
		copyFile(t, "testdata/sequences/cap12/"+f, seq)
	}
	r = runFG(t, runOpts{}, "check", "-json", seq)
	if !strings.Contains(r.stdout, `"sequence":"`+seq+`"`) {
		t.Errorf("the capture's frames are not a sequence:\n%s", r.stdout)
	}
	if want := seq + ": 4 same-sized images that follow on from each other, judged as one sequence"; !strings.Contains(r.stderr, want) {
		t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
	}
}

// -format csv: a header row and one record per frame or error, read back
// with encoding/csv.
func TestCheckCSV(t *testing.T) {
	dir := t.TempDir()
	copyFile(t, "testdata/faces/pigo-sample.jpg", dir)
	copyFile(t, "testdata/negatives/chelsea.png", dir)
	os.WriteFile(filepath.Join(dir, "zz, \"broken\".jpg"), []byte("\xff\xd8\xffnot a jpeg"), 0o644)
	r := runIn("check", "-seq", "none", dir, "-format", "csv")
	if r.code != exitUnreadable {
		t.Errorf("exit %d, want 3", r.code)
	}
	recs, err := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
	if err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	if len(recs) != 4 || !slices.Equal(recs[0], csvHeader) {
		t.Fatalf("records:\n%q", recs)
	}
	byFile := map[string]map[string]string{}
	for _, rec := range recs[1:] {
		m := map[string]string{}
		for i, h := range csvHeader {
			m[h] = rec[i]
		}
		byFile[filepath.Base(m["file"])] = m
	}
	if m := byFile["pigo-sample.jpg"]; m["verdict"] != "accept" || m["face_size"] != "200" || m["blur"] == "" || m["width"] == "" {
		t.Errorf("pigo-sample: %v", m)
	}
	if m := byFile["chelsea.png"]; m["verdict"] != "reject" || !strings.Contains(m["reasons"], "no-face") || m["face_size"] != "" {
		t.Errorf("chelsea: %v", m)
	}
	if m := byFile[`zz, "broken".jpg`]; m["verdict"] != "error" || m["error"] == "" {
		t.Errorf("broken: %v", m)
	}
	if r := runIn("check", "-json", "-format", "csv", dir); r.code != exitUsage {
		t.Errorf("-json -format csv: exit %d", r.code)
	}
	if r := runIn("check", "-format", "xml", dir); r.code != exitUsage || !strings.Contains(r.stderr, "want table, jsonl or csv") {
		t.Errorf("-format xml: exit %d %s", r.code, r.stderr)
	}
}

// The table fits $COLUMNS: at 80 the key columns, wider more; no line is
// wider than the width.
func TestCheckTableWidth(t *testing.T) {
	dir := t.TempDir()
	long := filepath.Join(dir, "a-directory-name-long-enough-to-need-eliding", "and-a-long-file-name")
	os.MkdirAll(long, 0o755)
	copyFile(t, "testdata/faces/obama-480p.jpg", long)
	copyFile(t, "testdata/negatives/chelsea.png", dir)
	for _, tc := range []struct {
		width      int
		want, lack []string
	}{
		{80, []string{"FILE", "FACE/MIN", "BLUR", "EXPO", "YAW", "VERDICT", "REASONS", "104/128", "face-too-small", "…", "480p.jpg"}, []string{"PITCH", "WARNINGS"}},
		{200, []string{"FILE", "FRAME", "PITCH", "ROLL", "EYES", "SIZE", "VERDICT", "REASONS", "no-face: Face not found within target rectangle."}, nil},
	} {
		r := runFG(t, runOpts{env: []string{"COLUMNS=" + strconv.Itoa(tc.width)}}, "check", "-seq", "none", "-format", "table", dir)
		if r.code != exitRejected {
			t.Errorf("%d: exit %d\n%s", tc.width, r.code, r.stderr)
		}
		for line := range strings.Lines(r.stdout) {
			if n := utf8.RuneCountInString(strings.TrimSuffix(line, "\n")); n > tc.width {
				t.Errorf("%d: a line of %d: %q", tc.width, n, line)
			}
		}
		for _, w := range tc.want {
			if !strings.Contains(r.stdout, w) {
				t.Errorf("%d: lacks %q:\n%s", tc.width, w, r.stdout)
			}
		}
		for _, w := range tc.lack {
			if strings.Contains(r.stdout, w) {
				t.Errorf("%d: has %q:\n%s", tc.width, w, r.stdout)
			}
		}
	}
}
