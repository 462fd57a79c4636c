//go:build external

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"image/jpeg"
	"image/png"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/facegate/facegate/internal/browsertest"
	"github.com/facegate/facegate/report"
)

// The report opened from disk in headless Chromium: no console message or
// exception, the totals and per-reason counts equal check's JSON Lines
// summary, the first page holds thumbnails, and each reason's button shows
// exactly that reason's frames. It keeps a screenshot in the test's output
// directory; with -update it also rewrites docs/report.jpg, the README's.
func TestReportInBrowser(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in")
	copyFile(t, "testdata/faces/bob.jpg", filepath.Join(in, "stills"))
	copyFile(t, "testdata/faces/obama-480p.jpg", filepath.Join(in, "stills"))
	copyFile(t, "testdata/negatives/chelsea.png", filepath.Join(in, "stills"))
	cap12, err := filepath.Glob(filepath.Join(repoRoot, "testdata/sequences/cap12/*"))
	if err != nil || len(cap12) == 0 {
		t.Fatalf("cap12: %v", err)
	}
	for _, f := range cap12 {
		rel, _ := filepath.Rel(repoRoot, f)
		copyFile(t, rel, filepath.Join(in, "cap12"))
	}
	out := filepath.Join(dir, "report.html")
	r := runFG(t, runOpts{}, "report", "-o", out, in)
	if r.code != exitRejected {
		t.Fatalf("report: exit %d; stderr: %s", r.code, r.stderr)
	}
	check := runFG(t, runOpts{}, "check", "-format", "jsonl", in)
	lines := strings.Split(strings.TrimSpace(check.stdout), "\n")
	var sum summaryJSON
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &sum); err != nil {
		t.Fatal(err)
	}
	if len(sum.ByReason) < 2 || sum.Rejected <= report.PageSize {
		t.Fatalf("test data too plain (want 2 reasons and more than a page of rejections): %+v", sum)
	}

	ctx := browsertest.New(t, 60*time.Second)
	cctx, stop := context.WithCancel(ctx)
	var mu sync.Mutex
	var msgs []string
	var wg sync.WaitGroup
	messages := chromedp.Console(cctx)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for m, err := range messages {
			if err != nil {
				return
			}
			mu.Lock()
			msgs = append(msgs, m.String())
			mu.Unlock()
		}
	}()
	u := (&url.URL{Scheme: "file", Path: out}).String()
	if err := chromedp.Do(ctx, chromedp.Navigate(u), chromedp.WaitReady(chromedp.CSS("#grid"))); err != nil {
		t.Fatal(err)
	}
	eval := func(expr string) int {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[int](expr))
		if err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
		return v
	}
	num := func(id string) int {
		return eval(`Number(document.getElementById(` + strconv.Quote(id) + `).textContent)`)
	}
	for id, want := range map[string]int{"n-frames": sum.Frames, "n-accepted": sum.Accepted, "n-rejected": sum.Rejected, "n-errors": sum.Errors} {
		if got := num(id); got != want {
			t.Errorf("%s shows %d, the JSONL says %d", id, got, want)
		}
	}
	const visible = `Array.from(document.querySelectorAll("#grid .cell")).filter(c => !c.hidden && c.offsetParent !== null)`
	if got := eval(visible + `.length`); got != min(sum.Rejected, report.PageSize) {
		t.Errorf("first page shows %d frames, want %d", got, min(sum.Rejected, report.PageSize))
	}
	if got := eval(visible + `.filter(c => { const i = c.querySelector("img"); return i && i.complete && i.naturalWidth > 0 }).length`); got != min(sum.Rejected, report.PageSize) {
		t.Errorf("%d loaded thumbnails on the first page, want %d", got, min(sum.Rejected, report.PageSize))
	}
	if got := eval(`document.querySelectorAll("svg line.threshold").length`); got != 8 {
		t.Errorf("%d threshold lines, want 8", got)
	}
	shot := func(name string) []byte {
		b, err := chromedp.Run(ctx, chromedp.FullScreenshot(70))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(t.ArtifactDir(), name), b, 0o644); err != nil {
			t.Fatal(err)
		}
		return b
	}
	shot("report-full.jpg")
	// The README's: the viewport (totals, reasons, histograms, the grid's
	// first rows) as a JPEG.
	view, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	vm, err := png.Decode(bytes.NewReader(view))
	if err != nil {
		t.Fatal(err)
	}
	var readme bytes.Buffer
	if err := jpeg.Encode(&readme, vm, &jpeg.Options{Quality: 75}); err != nil {
		t.Fatal(err)
	}
	first := readme.Bytes()
	if err := os.WriteFile(filepath.Join(t.ArtifactDir(), "report.jpg"), first, 0o644); err != nil {
		t.Fatal(err)
	}
	for code, n := range sum.ByReason {
		sel := `#reasons button[data-reason="` + code + `"]`
		if got := eval(`Number(document.querySelector(` + strconv.Quote(sel+" .n") + `).textContent)`); got != n {
			t.Errorf("%s: button shows %d, the JSONL %d", code, got, n)
		}
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
			t.Fatal(err)
		}
		if got := num("shown"); got != n {
			t.Errorf("filter %s: %d shown, want %d", code, got, n)
		}
		if got := eval(visible + `.length`); got != min(n, report.PageSize) {
			t.Errorf("filter %s: %d visible, want %d", code, got, min(n, report.PageSize))
		}
		if got := eval(visible + `.filter(c => c.dataset.reasons.split(" ").includes(` + strconv.Quote(code) + `)).length`); got != min(n, report.PageSize) {
			t.Errorf("filter %s: %d visible frames hold the reason, want %d", code, got, min(n, report.PageSize))
		}
	}
	// Paging: the second page of all the rejected frames.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#reasons button[data-reason=""]`)), chromedp.Click(chromedp.CSS("#next"))); err != nil {
		t.Fatal(err)
	}
	if got, want := eval(visible+`.length`), min(sum.Rejected-report.PageSize, report.PageSize); got != want {
		t.Errorf("page 2 shows %d, want %d", got, want)
	}
	stop()
	wg.Wait()
	for _, m := range msgs {
		t.Errorf("console: %s", m)
	}
	if *update {
		if len(first) > 300<<10 {
			t.Fatalf("screenshot is %d bytes, over 300 KB", len(first))
		}
		if err := os.MkdirAll(filepath.Join(repoRoot, "docs"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(repoRoot, "docs", "report.jpg"), first, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
