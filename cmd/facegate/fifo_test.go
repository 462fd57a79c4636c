//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A named pipe called frame.jpg (or any non-regular file) is refused with
// a clear error by check, and skipped inside directories by check,
// payload and prep, instead of blocking them forever on open.
func TestNonRegularFilesRefused(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "frame.jpg")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	copyFile(t, "testdata/faces/pigo-sample.jpg", dir)
	if err := os.Symlink(fifo, filepath.Join(dir, "link.webp")); err != nil {
		t.Fatal(err)
	}
	o := runOpts{timeout: 60 * time.Second}

	r := runFG(t, o, "check", "-json", fifo)
	if r.code != exitUnreadable || !strings.Contains(r.stdout, "not a regular file") {
		t.Errorf("check on a named pipe: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// In a directory, the pipe and the link to it are not inputs: the
	// still is checked, nothing else.
	r = runFG(t, o, "check", "-json", "-seq", "none", dir)
	if r.code != exitOK || strings.Count(r.stdout, `"type":"frame"`) != 1 || strings.Contains(r.stdout, "frame.jpg") {
		t.Errorf("check on the directory: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	out := filepath.Join(t.TempDir(), "out")
	r = runFG(t, o, "prep", dir, out)
	if r.code != exitOK || strings.Contains(r.stdout+r.stderr, "frame.jpg") {
		t.Errorf("prep: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = runFG(t, o, "payload", "-json", fifo)
	if r.code == exitOK || !strings.Contains(r.stdout+r.stderr, "not a regular file") {
		t.Errorf("payload on a named pipe: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}
