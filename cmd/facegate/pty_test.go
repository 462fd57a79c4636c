//go:build linux || darwin

package main

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/creack/pty"
)

// On a real terminal (a pseudo-terminal of 80 and of 200 columns), check
// prints its table by default, sized to the terminal, with $COLUMNS unset.
func TestCheckTableOnTerminal(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	for _, cols := range []uint16{80, 200} {
		cmd := exec.Command(exe, "check", filepath.Join(repoRoot, "testdata/faces"), filepath.Join(repoRoot, "testdata/negatives/chelsea.png"))
		cmd.Env = append(os.Environ(), runMainEnv+"=1", "COLUMNS=")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		f, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 50, Cols: cols})
		if err != nil {
			t.Skipf("no pseudo-terminal: %v", err)
		}
		var out bytes.Buffer
		done := make(chan struct{})
		go func() { io.Copy(&out, f); close(done) }()
		werr := cmd.Wait()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
		}
		f.Close()
		var ee *exec.ExitError
		if !errors.As(werr, &ee) || ee.ExitCode() != exitRejected {
			t.Errorf("%d columns: %v; stderr: %s", cols, werr, stderr.String())
		}
		s := strings.ReplaceAll(out.String(), "\r\n", "\n")
		if !strings.HasPrefix(s, "FILE ") || !strings.Contains(s, "VERDICT") {
			t.Fatalf("%d columns: not a table:\n%s", cols, s)
		}
		for line := range strings.Lines(s) {
			if n := utf8.RuneCountInString(strings.TrimSuffix(line, "\n")); n > int(cols) {
				t.Errorf("%d columns: a line of %d: %q", cols, n, line)
			}
		}
		if (cols == 80) == strings.Contains(s, "PITCH") {
			t.Errorf("%d columns: PITCH shown only when wide:\n%s", cols, s)
		}
	}
}
