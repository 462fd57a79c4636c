//go:build external

// The video tests need ffmpeg (Debian's, installed by .ci/run): they run
// with -tags external.

package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// makeVideo encodes cap12's first n frames, enlarged to 600x450 (see
// enlargedCap12), into an MP4 with ffmpeg. ffmpeg
// is required (CI installs Debian's ffmpeg): the test fails without it.
func makeVideo(t *testing.T, n int) string {
	t.Helper()
	bin, err := exec.LookPath("ffmpeg")
	if err != nil {
		t.Fatalf("ffmpeg is required for the video tests (Debian: apt-get install ffmpeg): %v", err)
	}
	frames := filepath.Join(t.TempDir(), "frames")
	enlarged := enlargedCap12(t, n)
	entries, err := os.ReadDir(enlarged)
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range entries[:n] {
		b, err := os.ReadFile(filepath.Join(enlarged, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		os.MkdirAll(frames, 0o755)
		if err := os.WriteFile(filepath.Join(frames, filepathFrame(i)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	video := filepath.Join(t.TempDir(), "clip.mp4")
	cmd := exec.Command(bin, "-nostdin", "-v", "error", "-framerate", "10", "-i", filepath.Join(frames, "f%03d.jpg"),
		"-c:v", "mpeg4", "-q:v", "3", "-pix_fmt", "yuv420p", video)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg: %v\n%s", err, out)
	}
	return video
}

func filepathFrame(i int) string {
	return "f" + string(rune('0'+i/100)) + string(rune('0'+i/10%10)) + string(rune('0'+i%10)) + ".jpg"
}

// check reads every frame of a video through ffmpeg, as one sequence.
func TestCheckVideo(t *testing.T) {
	video := makeVideo(t, 8)
	r := runFG(t, runOpts{}, "check", "-json", video)
	if r.code != exitOK && r.code != exitRejected {
		t.Fatalf("exit code %d: %s", r.code, r.stderr)
	}
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != 8+1 {
		t.Fatalf("%d lines, want 8 frames and a summary:\n%s\n%s", len(lines), r.stdout, r.stderr)
	}
	for i, l := range lines[:8] {
		var f frameJSON
		if err := json.Unmarshal([]byte(l), &f); err != nil {
			t.Fatal(err)
		}
		if f.File != video || f.Sequence != video || f.Frame != i || f.Width != 600 || f.Height != 450 || f.Target == nil {
			t.Errorf("frame %d: %s", i, l)
		}
	}
	var sum summaryJSON
	json.Unmarshal([]byte(lines[8]), &sum)
	if sum.Frames != 8 || len(sum.Sequences) != 1 || sum.Sequences[0].Held != 8 {
		t.Errorf("summary: %s", lines[8])
	}
}

// prep and payload read videos too: one crop per frame, one request.
func TestVideoPrepAndPayload(t *testing.T) {
	video := makeVideo(t, 6)
	src := filepath.Join(t.TempDir(), "src")
	os.MkdirAll(src, 0o755)
	b, _ := os.ReadFile(video)
	os.WriteFile(filepath.Join(src, "clip.mp4"), b, 0o644)
	dst := filepath.Join(t.TempDir(), "dst")
	r := runFG(t, runOpts{}, "prep", src, dst)
	if r.code != exitOK || !strings.Contains(r.stdout, "1 files: 1 processed") {
		t.Fatalf("prep: exit %d: %s%s", r.code, r.stdout, r.stderr)
	}
	for i := range 6 {
		if _, err := os.Stat(filepath.Join(dst, "clip_mp4", "00000"+string(rune('0'+i))+".jpg")); err != nil {
			t.Errorf("frame %d: %v", i, err)
		}
	}
	body := filepath.Join(t.TempDir(), "body.bin")
	r = runFG(t, runOpts{}, "payload", "-max", "3", "-o", body, video)
	if m := regexp.MustCompile(`files: ([1-3]), frames: ([1-3]) \(of ([0-9]+) accepted, 6 seen\)`).FindStringSubmatch(r.stdout); r.code != exitOK ||
		!strings.Contains(r.stdout, "validation: ok") || m == nil || m[1] != m[2] {
		t.Errorf("payload: exit %d: %s%s", r.code, r.stdout, r.stderr)
	}
}

// A video whose file name looks like an ffmpeg protocol ("concat:...") is
// read as the plain file of that name.
func TestCheckVideoProtocolName(t *testing.T) {
	video := makeVideo(t, 4)
	odd := filepath.Join(filepath.Dir(video), "concat:clip.mp4")
	if err := os.Rename(video, odd); err != nil {
		t.Fatal(err)
	}
	r := runFG(t, runOpts{}, "check", "-json", odd)
	if n := strings.Count(r.stdout, `"type":"frame"`); n != 4 {
		t.Errorf("%d frames read from %s, want 4\n%s%s", n, odd, r.stdout, r.stderr)
	}
}
