package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Without ffmpeg on PATH, a video is reported as an error naming the
// Debian package, the other files are still checked, and the exit code is 1.
func TestCheckVideoWithoutFFmpeg(t *testing.T) {
	video := filepath.Join(t.TempDir(), "clip.mp4")
	if err := os.WriteFile(video, []byte("not decoded: ffmpeg is looked up first"), 0o644); err != nil {
		t.Fatal(err)
	}
	empty := t.TempDir()
	r := runFG(t, runOpts{noEnv: true, env: []string{"PATH=" + empty}}, "check", "-json", video, filepath.Join(repoRoot, "testdata/faces/pigo-sample.jpg"))
	if r.code != exitUnreadable {
		t.Errorf("exit code %d, want 3", r.code)
	}
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != 3 || !strings.Contains(lines[0], `"type":"error"`) || !strings.Contains(lines[0], "install the Debian package ffmpeg") ||
		!strings.Contains(lines[1], `"verdict":"accept"`) {
		t.Errorf("output:\n%s", r.stdout)
	}
	if !strings.Contains(r.stderr, "apt-get install ffmpeg") {
		t.Errorf("stderr: %s", r.stderr)
	}
}

// ffmpeg reads the named file and nothing else: the input is an absolute
// file: URL and no other protocol is allowed, so names such as
// "concat:a|b" or "http://..." cannot make it open anything else.
func TestFFmpegArgsOnlyLocalFiles(t *testing.T) {
	for _, name := range []string{"clip.mp4", "concat:a.mp4|b.mp4", "http://example.com/x.mp4", "-i.mp4"} {
		args := ffmpegArgs(name)
		joined := strings.Join(args, " ")
		if !strings.Contains(joined, "-protocol_whitelist file -i file:/") {
			t.Errorf("%q: args %q", name, args)
		}
		abs, err := filepath.Abs(name)
		if err != nil {
			t.Fatal(err)
		}
		for i, a := range args {
			if a == "-i" && (i+1 >= len(args) || args[i+1] != "file:"+abs) {
				t.Errorf("%q: input %q", name, args[i+1])
			}
		}
	}
}
