package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"image"
	"image/png"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/image/draw"

	"github.com/facegate/facegate"
	"github.com/facegate/facegate/encode"
	"github.com/facegate/facegate/preprocess"
	"github.com/facegate/facegate/track"
)

// prepSource builds a small dataset: faces of several sizes (small/half.png,
// pigo-sample at half size, has a face of about 120 px that must be
// enlarged, obama-1080p's 308 px one must be reduced), a negative in a
// subdirectory, and an animated GIF.
func prepSource(t *testing.T) string {
	src := filepath.Join(t.TempDir(), "src")
	copyFile(t, "testdata/faces/pigo-sample.jpg", src)
	copyFile(t, "testdata/faces/obama-1080p.jpg", src)
	copyFile(t, "testdata/negatives/chelsea.png", filepath.Join(src, "neg"))
	copyFile(t, "testdata/decode/pigo-anim.gif", filepath.Join(src, "neg"))

	b, err := os.ReadFile(filepath.Join(repoRoot, "testdata/faces/pigo-sample.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	img, _, err := preprocess.DecodeBytes(b, nil)
	if err != nil {
		t.Fatal(err)
	}
	half := image.NewRGBA(image.Rect(0, 0, img.Bounds().Dx()/2, img.Bounds().Dy()/2))
	draw.ApproxBiLinear.Scale(half, half.Rect, img, img.Bounds(), draw.Src, nil)
	var buf bytes.Buffer
	if err := png.Encode(&buf, half); err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(filepath.Join(src, "small"), 0o755)
	if err := os.WriteFile(filepath.Join(src, "small", "half.png"), buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return src
}

// readTree returns every file under dir by relative path.
func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func readManifest(t *testing.T, name string) []manifestJSON {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []manifestJSON
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var m manifestJSON
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("%s: %v", sc.Text(), err)
		}
		out = append(out, m)
	}
	return out
}

func TestPrep(t *testing.T) {
	src := prepSource(t)
	dst1 := filepath.Join(t.TempDir(), "dst")
	r := runFG(t, runOpts{}, "prep", "-j", "1", src, dst1)
	if r.code != exitOK {
		t.Fatalf("exit code %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stdout, "5 files: 5 processed, 0 skipped, 0 errors; 3 images written, 3 frames without a target face") {
		t.Errorf("summary: %s", r.stdout)
	}

	recs := readManifest(t, filepath.Join(dst1, "manifest.jsonl"))
	var sources []string
	for _, m := range recs {
		sources = append(sources, m.Source)
	}
	wantSources := "neg/chelsea.png neg/pigo-anim.gif neg/pigo-anim.gif obama-1080p.jpg pigo-sample.jpg small/half.png"
	if got := strings.Join(sources, " "); got != wantSources {
		t.Errorf("manifest sources %q, want %q (sorted)", got, wantSources)
	}
	pl, err := facegate.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	policy := facegate.DefaultPolicy()
	outputs := map[string]string{
		"small/half.png": "small/half_png.jpg", "obama-1080p.jpg": "obama-1080p_jpg.jpg", "pigo-sample.jpg": "pigo-sample_jpg.jpg",
	}
	for _, m := range recs {
		want := outputs[m.Source]
		if m.Output != want {
			t.Errorf("%s: output %q, want %q", m.Source, m.Output, want)
		}
		if m.Output == "" {
			if m.Verdict != "reject" || m.Face != nil {
				t.Errorf("%s: no output but verdict %s, face %v", m.Source, m.Verdict, m.Face)
			}
			continue
		}
		b, err := os.ReadFile(filepath.Join(dst1, m.Output))
		if err != nil {
			t.Fatal(err)
		}
		if !encode.LivenessImageRange.Contains(len(b)) || len(b) != m.Bytes {
			t.Errorf("%s: %d bytes (manifest %d), outside %+v", m.Output, len(b), m.Bytes, encode.LivenessImageRange)
		}
		img, format, err := preprocess.DecodeBytes(b, nil)
		if err != nil || format != preprocess.FormatJPEG {
			t.Fatalf("%s: %v %v", m.Output, format, err)
		}
		w, h := img.Bounds().Dx(), img.Bounds().Dy()
		if w != m.OutWidth || h != m.OutHeight {
			t.Errorf("%s: %dx%d, manifest %dx%d", m.Output, w, h, m.OutWidth, m.OutHeight)
		}
		// The size rule, on the manifest's face in the written image.
		min := policy.MinFaceFor(w, h)
		face := m.Face.Rectangle()
		if m.MinFace != min || face.Dx() < min || face.Dy() < min || !face.In(img.Bounds()) {
			t.Errorf("%s: face %v in %dx%d, min face %d (manifest %d)", m.Output, face, w, h, min, m.MinFace)
		}
		if m.FaceSize != nil && *m.FaceSize > 256 && (face.Dx() > 260 || face.Dx() < 250) {
			t.Errorf("%s: a %d px face became %d px, want about 256", m.Output, *m.FaceSize, face.Dx())
		}
		// The crop offsets put the crop inside the source frame.
		c := m.CropOffsets
		if c == nil || c.FullWidth != m.Width || c.FullHeight != m.Height || c.X != m.Crop.X || c.Y != m.Crop.Y {
			t.Errorf("%s: crop offsets %+v, crop %+v, frame %dx%d", m.Output, c, m.Crop, m.Width, m.Height)
		}
		// The detector finds the face where the manifest says.
		pl.Reset()
		res, err := pl.ProcessImage(img)
		if err != nil {
			t.Fatal(err)
		}
		f, ok := res.TargetFace()
		if !ok || track.IoU(f.Rect, face) < 0.5 {
			t.Errorf("%s: re-detected face %v (found %v), manifest %v", m.Output, f.Rect, ok, face)
		}
	}
	if m := recs[len(recs)-1]; m.Source != "small/half.png" || m.FaceSize == nil || *m.FaceSize >= 128 ||
		m.Verdict != "reject" || m.Reasons[0].Code != "face-too-small" || m.Scale == nil || *m.Scale <= 1 {
		t.Errorf("the small face was not enlarged: %s", marshalLine(&m))
	}

	// A second run does no work: nothing processed, no file touched.
	before := map[string]time.Time{}
	filepath.WalkDir(dst1, func(p string, d fs.DirEntry, err error) error {
		if info, err := d.Info(); err == nil && !d.IsDir() {
			before[p] = info.ModTime()
		}
		return nil
	})
	time.Sleep(10 * time.Millisecond)
	tree1 := readTree(t, dst1)
	r = runFG(t, runOpts{}, "prep", src, dst1)
	if r.code != exitOK || !strings.Contains(r.stdout, "5 files: 0 processed, 5 skipped, 0 errors; 0 images written") {
		t.Errorf("rerun: exit %d: %s%s", r.code, r.stdout, r.stderr)
	}
	for p, mt := range before {
		info, err := os.Stat(p)
		if err != nil || !info.ModTime().Equal(mt) {
			t.Errorf("rerun touched %s", p)
		}
	}
	if len(before) != len(tree1) {
		t.Errorf("%d files before, %d after", len(before), len(tree1))
	}

	// -j 2 gives the same bytes, manifest included.
	dst2 := filepath.Join(t.TempDir(), "dst")
	if r := runFG(t, runOpts{}, "prep", "-j", "2", src, dst2); r.code != exitOK {
		t.Fatalf("-j 2: exit %d: %s", r.code, r.stderr)
	}
	compareTrees(t, tree1, readTree(t, dst2), "-j 2")

	// A deleted output is made again, and only it.
	os.Remove(filepath.Join(dst2, "pigo-sample_jpg.jpg"))
	r = runFG(t, runOpts{}, "prep", "-j", "2", src, dst2)
	if !strings.Contains(r.stdout, "1 processed, 4 skipped") {
		t.Errorf("after deleting an output: %s", r.stdout)
	}
	compareTrees(t, tree1, readTree(t, dst2), "resumed")

	// Shards: each writes its own manifest; a run without -shard merges
	// them with no image work, into the same manifest.
	dst3 := filepath.Join(t.TempDir(), "dst")
	for _, s := range []string{"0/2", "1/2"} {
		if r := runFG(t, runOpts{}, "prep", "-shard", s, src, dst3); r.code != exitOK || !strings.Contains(r.stdout, "(shard "+s+")") {
			t.Fatalf("shard %s: exit %d: %s%s", s, r.code, r.stdout, r.stderr)
		}
	}
	m0 := readManifest(t, filepath.Join(dst3, "manifest-0-of-2.jsonl"))
	m1 := readManifest(t, filepath.Join(dst3, "manifest-1-of-2.jsonl"))
	if len(m0)+len(m1) != len(recs) || m0[0].Source != "neg/chelsea.png" || m1[0].Source != "neg/pigo-anim.gif" {
		t.Errorf("shard manifests: %d + %d lines, want %d; first %s and %s", len(m0), len(m1), len(recs), m0[0].Source, m1[0].Source)
	}
	r = runFG(t, runOpts{}, "prep", src, dst3)
	if !strings.Contains(r.stdout, "0 processed, 5 skipped") {
		t.Errorf("merge run: %s", r.stdout)
	}
	tree3 := readTree(t, dst3)
	delete(tree3, "manifest-0-of-2.jsonl")
	delete(tree3, "manifest-1-of-2.jsonl")
	compareTrees(t, tree1, tree3, "shards merged")
}

func compareTrees(t *testing.T, want, got map[string][]byte, what string) {
	t.Helper()
	for name, b := range want {
		if !bytes.Equal(got[name], b) {
			t.Errorf("%s: %s differs", what, name)
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("%s: extra file %s", what, name)
		}
	}
}

// An interrupted run leaves a journal; the next run picks it up and
// processes only what it lacks.
func TestPrepJournal(t *testing.T) {
	src := prepSource(t)
	dst := filepath.Join(t.TempDir(), "dst")
	if r := runFG(t, runOpts{}, "prep", src, dst); r.code != exitOK {
		t.Fatal(r.stderr)
	}
	recs := readManifest(t, filepath.Join(dst, "manifest.jsonl"))
	// Keep the first source's lines as the journal of a run cut short,
	// with a torn last line.
	var journal []byte
	for _, m := range recs {
		if m.Source == recs[0].Source {
			journal = append(journal, marshalLine(&m)...)
		}
	}
	journal = append(journal, `{"source":"neg/chel`...)
	os.Remove(filepath.Join(dst, "manifest.jsonl"))
	if err := os.WriteFile(filepath.Join(dst, "manifest.jsonl.partial"), journal, 0o644); err != nil {
		t.Fatal(err)
	}
	r := runFG(t, runOpts{}, "prep", src, dst)
	if r.code != exitOK || !strings.Contains(r.stdout, "4 processed, 1 skipped") {
		t.Errorf("exit %d: %s%s", r.code, r.stdout, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(dst, "manifest.jsonl.partial")); err == nil {
		t.Errorf("the journal is left behind")
	}
	if got := readManifest(t, filepath.Join(dst, "manifest.jsonl")); len(got) != len(recs) {
		t.Errorf("%d manifest lines, want %d", len(got), len(recs))
	}
}

// DST may lie inside SRC: prep does not read its own outputs back.
func TestPrepDstInsideSrc(t *testing.T) {
	src := t.TempDir()
	copyFile(t, "testdata/faces/pigo-sample.jpg", src)
	dst := filepath.Join(src, "prepared")
	for i, want := range []string{"1 files: 1 processed, 0 skipped", "1 files: 0 processed, 1 skipped"} {
		r := runFG(t, runOpts{}, "prep", src, dst)
		if r.code != exitOK || !strings.Contains(r.stdout, want) {
			t.Errorf("run %d: exit %d: %s%s", i, r.code, r.stdout, r.stderr)
		}
	}
}

// A manifest is data: on resume, a record whose output is not the one prep
// would write for its source (here a path outside DST, which exists) does
// not make the source count as done; it is redone and the manifest names
// its own output again. Same-named sources of different folders get
// different outputs. An interrupted run's stale temporary file is removed;
// a fresh one (another shard may be writing it) is left alone.
func TestPrepResumeDistrustsManifest(t *testing.T) {
	src := t.TempDir()
	copyFile(t, "testdata/faces/pigo-sample.jpg", filepath.Join(src, "x"))
	copyFile(t, "testdata/faces/pigo-sample.jpg", filepath.Join(src, "y"))
	root := t.TempDir()
	dst := filepath.Join(root, "dst")
	if r := runFG(t, runOpts{}, "prep", src, dst); r.code != exitOK || !strings.Contains(r.stdout, "2 processed") {
		t.Fatalf("exit %d: %s%s", r.code, r.stdout, r.stderr)
	}
	recs := readManifest(t, filepath.Join(dst, "manifest.jsonl"))
	outs := map[string]string{}
	for _, m := range recs {
		outs[m.Source] = m.Output
	}
	if outs["x/pigo-sample.jpg"] == "" || outs["x/pigo-sample.jpg"] == outs["y/pigo-sample.jpg"] {
		t.Fatalf("outputs of same-named sources: %v", outs)
	}
	// The crafted manifest: x's output points outside DST, at a file
	// that exists.
	outside := filepath.Join(root, "outside.jpg")
	os.WriteFile(outside, []byte("x"), 0o644)
	var crafted []byte
	for _, m := range recs {
		if m.Source == "x/pigo-sample.jpg" {
			m.Output = "../outside.jpg"
		}
		crafted = append(crafted, marshalLine(&m)...)
	}
	os.WriteFile(filepath.Join(dst, "manifest.jsonl"), crafted, 0o644)
	stale := filepath.Join(dst, "x", ".pigo-sample_jpg.jpg.tmp123456")
	fresh := filepath.Join(dst, "y", ".pigo-sample_jpg.jpg.tmp654321")
	os.WriteFile(stale, []byte("half"), 0o644)
	os.WriteFile(fresh, []byte("half"), 0o644)
	old := time.Now().Add(-time.Hour)
	os.Chtimes(stale, old, old)

	r := runFG(t, runOpts{}, "prep", src, dst)
	if r.code != exitOK || !strings.Contains(r.stdout, "1 processed, 1 skipped") {
		t.Errorf("resume: exit %d: %s%s", r.code, r.stdout, r.stderr)
	}
	for _, m := range readManifest(t, filepath.Join(dst, "manifest.jsonl")) {
		if m.Output != outs[m.Source] {
			t.Errorf("%s: output %q after resume, want %q", m.Source, m.Output, outs[m.Source])
		}
	}
	if _, err := os.Stat(stale); err == nil {
		t.Error("the stale temporary file is still there")
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Errorf("the fresh temporary file was removed: %v", err)
	}
}

func TestOwnOutput(t *testing.T) {
	for _, c := range []struct {
		m    manifestJSON
		want bool
	}{
		{manifestJSON{Source: "a/b.png", Output: "a/b_png.jpg"}, true},
		{manifestJSON{Source: "a/clip.mp4", Frame: 3, Output: "a/clip_mp4/000003.jpg"}, true},
		{manifestJSON{Source: "a/clip.mp4", Frame: 3, Output: "a/clip_mp4/000004.jpg"}, false},
		{manifestJSON{Source: "a/b.png", Output: "../b_png.jpg"}, false},
		{manifestJSON{Source: "../a/b.png", Output: "../a/b_png.jpg"}, false},
		{manifestJSON{Source: "a/b.png", Output: "/etc/passwd"}, false},
		{manifestJSON{Source: "a/b.png", Output: "c/b_png.jpg"}, false},
	} {
		if got := ownOutput(c.m); got != c.want {
			t.Errorf("%+v: %v", c.m, got)
		}
	}
	for name, want := range map[string]bool{".a.jpg.tmp123": true, ".a.jpg.tmp": false, "a.jpg.tmp1": false, ".a.jpg.tmp12x": false} {
		if isTempName(name) != want {
			t.Errorf("isTempName(%q) = %v", name, !want)
		}
	}
}

// Resume redoes a source whose file changed (size or modification time)
// and every source when the settings changed; the others are skipped.
func TestPrepResumeChanged(t *testing.T) {
	src := t.TempDir()
	copyFile(t, "testdata/faces/pigo-sample.jpg", src)
	copyFile(t, "testdata/negatives/chelsea.png", filepath.Join(src, "neg"))
	copyFile(t, "testdata/decode/pigo-anim.gif", filepath.Join(src, "neg"))
	dst := filepath.Join(t.TempDir(), "dst")
	run := func(want string, args ...string) []manifestJSON {
		t.Helper()
		r := runFG(t, runOpts{}, append(append([]string{"prep"}, args...), src, dst)...)
		if r.code != exitOK || !strings.Contains(r.stdout, want) {
			t.Fatalf("%v: exit %d, want %q: %s%s", args, r.code, want, r.stdout, r.stderr)
		}
		return readManifest(t, filepath.Join(dst, "manifest.jsonl"))
	}
	recs := run("3 files: 3 processed, 0 skipped")
	for _, m := range recs {
		if m.SourceSize == 0 || m.SourceMtime == "" || m.Settings == "" {
			t.Fatalf("%s: no stamp in the manifest: %s", m.Source, marshalLine(&m))
		}
	}
	run("3 files: 0 processed, 3 skipped")

	// The negative becomes a face (new content, new size and time): it
	// alone is done again, and now has an output.
	chelsea := filepath.Join(src, "neg", "chelsea.png")
	b, err := os.ReadFile(filepath.Join(repoRoot, "testdata/faces/pigo-sample.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(chelsea, b, 0o644); err != nil {
		t.Fatal(err)
	}
	recs = run("3 files: 1 processed, 2 skipped")
	for _, m := range recs {
		if m.Source == "neg/chelsea.png" && (m.Output != "neg/chelsea_png.jpg" || m.SourceSize != int64(len(b))) {
			t.Errorf("the changed source was not redone: %s", marshalLine(&m))
		}
	}
	// The same bytes with a new modification time: done again too.
	later := time.Now().Add(time.Hour)
	os.Chtimes(filepath.Join(src, "pigo-sample.jpg"), later, later)
	run("3 files: 1 processed, 2 skipped")
	// Other settings: everything is done again, with the new ones.
	for _, m := range run("3 files: 3 processed, 0 skipped", "-margin", "0.5") {
		if m.Settings == recs[0].Settings {
			t.Errorf("%s: settings %s unchanged", m.Source, m.Settings)
		}
	}
	run("3 files: 0 processed, 3 skipped", "-margin", "0.5")
}
