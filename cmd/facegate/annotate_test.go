package main

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Annotated frames are PNGs of the frames' size; each directory and
// sequence gets a contact sheet.
func TestAnnotate(t *testing.T) {
	dir := t.TempDir()
	seq := filepath.Join(dir, "in", "seq")
	for _, f := range []string{"000000.jpg", "000005.jpg", "000010.jpg"} {
		copyFile(t, "testdata/sequences/cap12/"+f, seq)
	}
	copyFile(t, "testdata/negatives/chelsea.png", filepath.Join(dir, "in"))
	copyFile(t, "testdata/decode/pigo-anim.gif", filepath.Join(dir, "in"))
	out := filepath.Join(dir, "out")
	r := runFG(t, runOpts{}, "annotate", "-o", out, "-cols", "2", filepath.Join(dir, "in"))
	if r.code != exitOK {
		t.Fatalf("exit code %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	want := map[string][2]int{ // file: size
		"in/chelsea_png.png":           {451, 300},
		"in/pigo-anim_gif/000000.png":  {96, 120},
		"in/pigo-anim_gif/000001.png":  {96, 120},
		"in/seq/000000_jpg.png":        {400, 300},
		"in/seq/000005_jpg.png":        {400, 300},
		"in/seq/000010_jpg.png":        {400, 300},
		"in/contact.png":               {0, 0},
		"in/seq/contact.png":           {0, 0},
		"in/pigo-anim_gif/contact.png": {0, 0},
	}
	got := readTree(t, out)
	for name, size := range want {
		b, ok := got[name]
		if !ok {
			t.Errorf("%s not written", name)
			continue
		}
		m, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		w, h := m.Bounds().Dx(), m.Bounds().Dy()
		if size[0] != 0 && (w != size[0] || h != size[1]) {
			t.Errorf("%s: %dx%d, want %dx%d", name, w, h, size[0], size[1])
		}
		if name == "in/seq/contact.png" && (w < 2*160 || w > 3*180 || h < 2*120) {
			t.Errorf("%s: %dx%d is not 2 columns of 2 rows of 160 px thumbnails", name, w, h)
		}
	}
	if len(got) != len(want) {
		t.Errorf("wrote %v, want %d files", sortedNames(got), len(want))
	}
	if !strings.Contains(r.stdout, "6 images written") || !strings.Contains(r.stdout, "3 contact sheets") {
		t.Errorf("stdout: %s", r.stdout)
	}
	// The drawing changed the pixels: a red box and text on the rejected
	// frame, compared with the source.
	src, _ := os.ReadFile(filepath.Join(dir, "in", "chelsea.png"))
	orig, _ := png.Decode(bytes.NewReader(src))
	ann, _ := png.Decode(bytes.NewReader(got["in/chelsea_png.png"]))
	if r1, g1, b1, _ := ann.At(5, 5).RGBA(); func() bool { r0, g0, b0, _ := orig.At(5, 5).RGBA(); return r0 == r1 && g0 == g1 && b0 == b1 }() {
		t.Errorf("no caption band drawn on the rejected frame")
	}
}

func sortedNames(m map[string][]byte) []string {
	var s []string
	for k := range m {
		s = append(s, k)
	}
	return s
}
