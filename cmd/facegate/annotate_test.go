package main

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
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
		"in/chelsea_png.png":                    {451, 300},
		"in/pigo-anim_gif/000000.png":           {96, 120},
		"in/pigo-anim_gif/000001.png":           {96, 120},
		"in/seq/000000_jpg.png":                 {400, 300},
		"in/seq/000005_jpg.png":                 {400, 300},
		"in/seq/000010_jpg.png":                 {400, 300},
		"in/in-01.png":                          {0, 0},
		"in/seq/seq-01.png":                     {0, 0},
		"in/pigo-anim_gif/pigo-anim_gif-01.png": {0, 0},
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
		if name == "in/seq/seq-01.png" && (w < 2*160 || w > 3*180 || h < 2*120) {
			t.Errorf("%s: %dx%d is not 2 columns of 2 rows of 160 px thumbnails", name, w, h)
		}
	}
	if len(got) != len(want) {
		t.Errorf("wrote %v, want %d files", sortedNames(got), len(want))
	}
	if !strings.Contains(r.stdout, "6 images written") || !strings.Contains(r.stdout, "3 contact sheets (3 pages)") {
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

// A contact sheet too large for one page is paged: no page is over
// maxSheetSide on a side, -cols is reduced when a row would not fit, the
// pages are named <sequence>-NN.png from 01, and every frame has exactly
// one tile across the pages.
func TestAnnotateContactPages(t *testing.T) {
	dir := t.TempDir()
	seq := filepath.Join(dir, "seq")
	entries, err := os.ReadDir(filepath.Join(repoRoot, "testdata/sequences/cap12"))
	if err != nil {
		t.Fatal(err)
	}
	const n = 31 // 1024 px thumbnails: 3 columns of 5 rows a page, 3 pages
	for _, e := range entries[:n] {
		copyFile(t, "testdata/sequences/cap12/"+e.Name(), seq)
	}
	out := filepath.Join(dir, "out")
	r := runFG(t, runOpts{}, "annotate", "-o", out, "-seq", "dir", "-thumb", "1024", "-cols", "8", seq)
	if r.code != exitOK {
		t.Fatalf("exit code %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stdout, "1 contact sheets (3 pages)") {
		t.Errorf("stdout: %s", r.stdout)
	}
	tiles := 0
	for i := 1; ; i++ {
		name := filepath.Join(out, "seq", fmt.Sprintf("seq-%02d.png", i))
		b, err := os.ReadFile(name)
		if err != nil {
			if i != 4 {
				t.Errorf("%d pages, want 3: %v", i-1, err)
			}
			break
		}
		cfg, err := png.DecodeConfig(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if cfg.Width > maxSheetSide || cfg.Height > maxSheetSide {
			t.Errorf("%s: %dx%d, over %d px", name, cfg.Width, cfg.Height, maxSheetSide)
		}
		m, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		k := countTiles(m)
		if !strings.Contains(r.stdout, fmt.Sprintf("seq-%02d.png: %d frames", i, k)) {
			t.Errorf("%s: %d tiles, stdout: %s", name, k, r.stdout)
		}
		tiles += k
	}
	if tiles != n {
		t.Errorf("%d tiles across the pages, want %d frames", tiles, n)
	}
	if got := readTree(t, out); len(got) != n+3 {
		t.Errorf("wrote %d files, want %d frames and 3 pages: %v", len(got), n, sortedNames(got))
	}
	// A shorter sheet (more columns a page) removes the pages it no
	// longer has.
	r = runFG(t, runOpts{}, "annotate", "-o", out, "-seq", "dir", "-thumb", "256", seq)
	if r.code != exitOK || !strings.Contains(r.stdout, "1 contact sheets (1 pages)") {
		t.Fatalf("exit code %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if got := readTree(t, out); len(got) != n+1 || got["seq/seq-01.png"] == nil {
		t.Errorf("after a shorter sheet: %v", sortedNames(got))
	}
}

// countTiles counts the cells of a contact sheet page: the top left
// corners of the frames drawn in a verdict's colour on the sheet's
// background.
func countTiles(m image.Image) int {
	b := m.Bounds()
	is := func(x, y int, cs ...color.RGBA) bool {
		r, g, bl, _ := m.At(x, y).RGBA()
		for _, c := range cs {
			if uint32(c.R)*0x101 == r && uint32(c.G)*0x101 == g && uint32(c.B)*0x101 == bl {
				return true
			}
		}
		return false
	}
	n := 0
	for y := b.Min.Y + 1; y < b.Max.Y; y++ {
		for x := b.Min.X + 1; x < b.Max.X; x++ {
			if is(x, y, colAccept, colReject, colError) && is(x-1, y, colSheet) && is(x, y-1, colSheet) && is(x-1, y-1, colSheet) {
				n++
			}
		}
	}
	return n
}

// Inputs of the same name from different folders (files x/a.jpg and
// y/a.jpg, directories p/d and q/d) get outputs of their own, named the
// same whatever the order of the arguments.
func TestAnnotateSameNames(t *testing.T) {
	dir := t.TempDir()
	put := func(src, dst string) {
		b, err := os.ReadFile(filepath.Join(repoRoot, src))
		if err != nil {
			t.Fatal(err)
		}
		os.MkdirAll(filepath.Dir(dst), 0o755)
		if err := os.WriteFile(dst, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	x, y := filepath.Join(dir, "x", "a.png"), filepath.Join(dir, "y", "a.png")
	p, q := filepath.Join(dir, "p", "d"), filepath.Join(dir, "q", "d")
	put("testdata/negatives/chelsea.png", x) // 451x300
	put("testdata/faces/pigo-sample.jpg", y)
	put("testdata/negatives/chelsea.png", filepath.Join(p, "f.png"))
	put("testdata/faces/pigo-sample.jpg", filepath.Join(q, "f.png"))
	sizeOf := func(name string) image.Point {
		f, _ := os.Open(name)
		defer f.Close()
		cfg, _, err := image.DecodeConfig(f)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return image.Pt(cfg.Width, cfg.Height)
	}
	var trees []map[string]bool
	for _, args := range [][]string{{x, y, p, q}, {q, y, p, x, x}} {
		out := filepath.Join(t.TempDir(), "out")
		r := runFG(t, runOpts{}, append([]string{"annotate", "-o", out, "-seq", "none"}, args...)...)
		if r.code != exitOK || !strings.Contains(r.stdout, "4 images written") {
			t.Fatalf("%v: exit %d\n%s%s", args, r.code, r.stdout, r.stderr)
		}
		tree := map[string]bool{}
		sizes := map[image.Point]int{}
		for name := range readTree(t, out) {
			tree[name] = true
			if strings.Contains(name, "_png") { // not a contact sheet
				sizes[sizeOf(filepath.Join(out, name))]++
			}
		}
		// Each source drawn once, at its own size.
		if len(sizes) != 2 || sizes[sizeOf(x)] != 2 || sizes[sizeOf(y)] != 2 {
			t.Errorf("%v: drawn sizes %v in %v", args, sizes, tree)
		}
		trees = append(trees, tree)
	}
	if fmt.Sprint(trees[0]) != fmt.Sprint(trees[1]) {
		t.Errorf("the outputs depend on the order of the arguments:\n%v\n%v", trees[0], trees[1])
	}
	for name := range trees[0] {
		if !strings.HasPrefix(name, "a_png-") && !strings.HasPrefix(name, "d-") && name != "out-01.png" {
			t.Errorf("%s: not named after its input", name)
		}
	}
}
