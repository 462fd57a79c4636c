package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The report of the bundled stills and the cap12 sequence: its totals and
// per-reason counts are check's summary, its grid holds one thumbnail per
// rejected frame, and a hostile file name is escaped.
func TestReport(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in")
	copyFile(t, "testdata/faces/bob.jpg", in)
	copyFile(t, "testdata/negatives/chelsea.png", in)
	hostile := filepath.Join(in, `<script>alert(1).png`)
	b, err := os.ReadFile(filepath.Join(repoRoot, "testdata/negatives/chelsea.png"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(hostile, b, 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "r.html")
	r := runFG(t, runOpts{}, "report", in, "-seq", "none", "-o", out) // flags after the path
	check := runFG(t, runOpts{}, "check", "-format", "jsonl", "-seq", "none", in)
	if r.code != check.code {
		t.Errorf("report exit %d, check exit %d; stderr: %s", r.code, check.code, r.stderr)
	}
	lines := strings.Split(strings.TrimSpace(check.stdout), "\n")
	var sum summaryJSON
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &sum); err != nil {
		t.Fatal(err)
	}
	html, err := os.ReadFile(out)
	if err != nil {
		t.Fatalf("%v; stderr: %s", err, r.stderr)
	}
	s := string(html)
	for id, want := range map[string]int{"n-frames": sum.Frames, "n-accepted": sum.Accepted, "n-rejected": sum.Rejected, "n-errors": sum.Errors} {
		m := regexp.MustCompile(`id="` + id + `">(\d+)<`).FindStringSubmatch(s)
		if m == nil || m[1] != strconv.Itoa(want) {
			t.Errorf("%s: %v, want %d", id, m, want)
		}
	}
	if sum.Rejected == 0 || len(sum.ByReason) == 0 {
		t.Fatalf("test data gives no rejection: %+v", sum)
	}
	for code, n := range sum.ByReason {
		if !strings.Contains(s, `data-reason="`+code+`">`+code+` <span class="n">`+strconv.Itoa(n)+`</span>`) {
			t.Errorf("reason %s: count %d not shown", code, n)
		}
	}
	if n := strings.Count(s, `src="data:image/jpeg;base64,`); n != sum.Rejected {
		t.Errorf("%d thumbnails, want %d (the rejected frames)", n, sum.Rejected)
	}
	if strings.Contains(s, "<script>alert") || !strings.Contains(s, "&lt;script&gt;alert(1).png") {
		t.Error("hostile file name not escaped")
	}
	if !strings.Contains(r.stdout, "report: "+out) {
		t.Errorf("stdout: %q", r.stdout)
	}
}

func TestReportUsage(t *testing.T) {
	if r := runFG(t, runOpts{}, "report"); r.code != exitUsage || !strings.Contains(r.stderr, "no PATH") {
		t.Errorf("no path: exit %d, stderr %q", r.code, r.stderr)
	}
	r := runFG(t, runOpts{}, "report", "-bogus", "x")
	if r.code != exitUsage || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 || !strings.Contains(r.stderr, "-bogus") {
		t.Errorf("unknown flag: exit %d, stderr %q", r.code, r.stderr)
	}
	dir := t.TempDir()
	r = runFG(t, runOpts{}, "report", "-o", filepath.Join(dir, "r.html"), filepath.Join(dir, "missing.jpg"))
	if r.code != exitUnreadable {
		t.Errorf("missing input: exit %d, want 3; stderr %q", r.code, r.stderr)
	}
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	r = runFG(t, runOpts{}, "report", "-o", filepath.Join(file, "r.html"), filepath.Join(repoRoot, "testdata/faces/bob.jpg"))
	if r.code != exitUnreadable {
		t.Errorf("unwritable output: exit %d, want 3; stderr %q", r.code, r.stderr)
	}
}
