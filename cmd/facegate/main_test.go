package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"image"
	"image/jpeg"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	xdraw "golang.org/x/image/draw"
)

// The tests run the real command: TestMain re-executes the test binary as
// facegate when runMainEnv is set, so every test goes through main, its
// flag parsing, streams and exit codes.
const runMainEnv = "FACEGATE_TEST_RUN_MAIN"

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

func TestMain(m *testing.M) {
	if os.Getenv(runMainEnv) == "1" {
		main()
		os.Exit(0) // main exits itself; never reached
	}
	flag.Parse()
	os.Exit(m.Run())
}

// repoRoot is the module root, where the shared testdata is.
const repoRoot = "../.."

// result is one run of the command.
type result struct {
	stdout, stderr string
	code           int
}

// runOpts tune a run.
type runOpts struct {
	dir   string   // working directory (default: the package's)
	env   []string // extra environment, KEY=value
	noEnv bool     // start from an empty environment (plus env)
	stdin io.Reader
	// timeout, when set, kills the command after that long and fails the
	// test (for inputs that could make it hang).
	timeout time.Duration
}

// runFG runs the command with args and returns its output and exit code.
func runFG(t *testing.T, o runOpts, args ...string) result {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if o.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, o.timeout)
		defer cancel()
	}
	cmd := exec.CommandContext(ctx, exe, args...)
	cmd.Dir = o.dir
	base := os.Environ()
	if o.noEnv {
		base = nil
	}
	cmd.Env = append(append(base, runMainEnv+"=1"), o.env...)
	cmd.Stdin = o.stdin
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("facegate %s: still running after %v (killed)\n%s%s", strings.Join(args, " "), o.timeout, stdout.String(), stderr.String())
	}
	code := 0
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		code = ee.ExitCode()
	case err != nil:
		t.Fatalf("facegate %s: %v", strings.Join(args, " "), err)
	}
	return result{stdout.String(), stderr.String(), code}
}

// copyFile copies a file of the repository's testdata into dir.
func copyFile(t *testing.T, src, dstDir string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot, src))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dstDir, 0o755); err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(dstDir, filepath.Base(src))
	if err := os.WriteFile(dst, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return dst
}

func TestUsage(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string // in stdout (code 0) or stderr
	}{
		{"no command", nil, exitUsage, "Usage:"},
		{"unknown command", []string{"frobnicate"}, exitUsage, `unknown command "frobnicate"`},
		{"help", []string{"-h"}, exitOK, "Commands:"},
		{"check no path", []string{"check"}, exitUsage, "no PATH given"},
		{"check bad flag", []string{"check", "-frob", "x.jpg"}, exitUsage, "facegate check: unknown flag -frob (run 'facegate check -h' for usage)\n"},
		{"check bad seq", []string{"check", "-seq", "sometimes", "x.jpg"}, exitUsage, "want auto, dir or none"},
		{"prep one arg", []string{"prep", "src"}, exitUsage, "want SRC and DST"},
		{"prep bad shard", []string{"prep", "-shard", "2/2", "a", "b"}, exitUsage, "want i/n"},
		{"prep bad j", []string{"prep", "-j", "0", "a", "b"}, exitUsage, "-j 0"},
		{"prep small face", []string{"prep", "-face", "100", "a", "b"}, exitUsage, "-face 100"},
		{"payload no seq", []string{"payload"}, exitUsage, "want one SEQ"},
		{"payload send without env", []string{"payload", "-send", "x"}, exitUsage, "FACE_ENDPOINT and FACE_API_KEY"},
		{"annotate no path", []string{"annotate"}, exitUsage, "no PATH given"},
		{"version extra", []string{"version", "x"}, exitUsage, "no arguments expected"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runFG(t, runOpts{env: []string{"FACE_ENDPOINT=", "FACE_API_KEY="}}, tc.args...)
			if r.code != tc.code {
				t.Errorf("exit code %d, want %d\nstdout: %s\nstderr: %s", r.code, tc.code, r.stdout, r.stderr)
			}
			out := r.stderr
			if tc.code == exitOK {
				out = r.stdout
			}
			if !strings.Contains(out, tc.want) {
				t.Errorf("output lacks %q:\n%s", tc.want, out)
			}
		})
	}
}

// Every command's -h prints its manual, with examples and exit codes, on
// stdout and exits 0.
func TestManuals(t *testing.T) {
	for _, c := range commands {
		t.Run(c.name, func(t *testing.T) {
			r := runFG(t, runOpts{}, c.name, "-h")
			if r.code != exitOK {
				t.Fatalf("exit code %d; stderr: %s", r.code, r.stderr)
			}
			for _, want := range []string{"Usage: facegate " + c.name, "Exit status", "Example", "Flags:"} {
				if c.name == "version" && want == "Flags:" {
					continue
				}
				if !strings.Contains(r.stdout, want) {
					t.Errorf("manual lacks %q:\n%s", want, r.stdout)
				}
			}
		})
	}
}

func TestVersion(t *testing.T) {
	r := runFG(t, runOpts{}, "version")
	if r.code != exitOK {
		t.Fatalf("exit code %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{"facegate ", "go: go1.", "kernels: ", "webp: "} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("version output lacks %q:\n%s", want, r.stdout)
		}
	}
}

// enlargedCap12 writes the first n frames of testdata/sequences/cap12 (all
// when n is 0), enlarged 1.5 times with Catmull-Rom into 600x450 JPEGs
// (quality 92, names kept), into a new temporary directory and returns it.
// As recorded, the clip's face (about 110 px) is under the service's 128 px
// minimum; enlarged, it is about 165 px, a sequence the service accepts.
func enlargedCap12(t *testing.T, n int) string {
	t.Helper()
	src := filepath.Join(repoRoot, "testdata/sequences/cap12")
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 || n > len(entries) {
		n = len(entries)
	}
	dir := filepath.Join(t.TempDir(), "cap12x1.5")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, e := range entries[:n] {
		f, err := os.Open(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		img, err := jpeg.Decode(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		b := img.Bounds()
		dst := image.NewRGBA(image.Rect(0, 0, b.Dx()*3/2, b.Dy()*3/2))
		xdraw.CatmullRom.Scale(dst, dst.Bounds(), img, b, xdraw.Src, nil)
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, dst, &jpeg.Options{Quality: 92}); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, e.Name()), buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// runIn runs the command in this process, its streams captured, as a
// script would see them (stdout and stderr not terminals).
func runIn(args ...string) result {
	var out, errb bytes.Buffer
	code := run(&env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, getenv: func(string) string { return "" }}, args)
	return result{out.String(), errb.String(), code}
}

// The exit codes of every command: 0 all accepted, 1 some rejected, 3
// some input unreadable, and 3 wins over 1.
func TestExitCodeRule(t *testing.T) {
	good := filepath.Join(repoRoot, "testdata/faces/pigo-sample.jpg")
	rejected := filepath.Join(repoRoot, "testdata/negatives/chelsea.png")
	broken := filepath.Join(t.TempDir(), "broken.jpg")
	if err := os.WriteFile(broken, []byte("\xff\xd8\xffnot really a jpeg"), 0o644); err != nil {
		t.Fatal(err)
	}
	brokenDir := t.TempDir()
	copyFile(t, "testdata/faces/pigo-sample.jpg", brokenDir)
	if err := os.WriteFile(filepath.Join(brokenDir, "zz-broken.jpg"), []byte("\xff\xd8\xffnot a jpeg"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	for _, tc := range []struct {
		name string
		args []string
		code int
	}{
		{"check good", []string{"check", good}, exitOK},
		{"check rejected", []string{"check", rejected}, exitRejected},
		{"check corrupt and good", []string{"check", broken, good}, exitUnreadable},
		{"check corrupt and rejected", []string{"check", rejected, broken}, exitUnreadable},
		{"payload good", []string{"payload", "-o", filepath.Join(out, "b1"), good}, exitOK},
		{"payload rejected", []string{"payload", "-o", filepath.Join(out, "b2"), rejected}, exitRejected},
		{"payload corrupt frame", []string{"payload", "-o", filepath.Join(out, "b3"), brokenDir}, exitUnreadable},
		{"annotate corrupt and good", []string{"annotate", "-o", filepath.Join(out, "a"), "-seq", "none", brokenDir}, exitUnreadable},
		{"annotate rejected", []string{"annotate", "-o", filepath.Join(out, "a2"), rejected}, exitOK},
		{"prep corrupt and good", []string{"prep", "-j", "1", brokenDir, filepath.Join(out, "p")}, exitUnreadable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runIn(tc.args...)
			if r.code != tc.code {
				t.Errorf("exit code %d, want %d\nstdout: %.2000s\nstderr: %.2000s", r.code, tc.code, r.stdout, r.stderr)
			}
		})
	}
}

// An unknown flag is one line on stderr, not the manual, for every command.
func TestUnknownFlagOneLine(t *testing.T) {
	for _, c := range commands {
		r := runIn(c.name, "x", "-foo")
		want := "facegate " + c.name + ": unknown flag -foo (run 'facegate " + c.name + " -h' for usage)\n"
		if r.code != exitUsage || r.stderr != want || r.stdout != "" {
			t.Errorf("%s -foo: exit %d, stdout %q, stderr %q; want %q", c.name, r.code, r.stdout, r.stderr, want)
		}
	}
	r := runIn("check", "-seq", "sometimes", "x.jpg")
	if r.code != exitUsage || strings.Count(r.stderr, "\n") != 1 || !strings.Contains(r.stderr, "want auto, dir or none") {
		t.Errorf("bad value: exit %d, stderr %q", r.code, r.stderr)
	}
}

// Flags may follow the paths; "--" ends them, and a "--" that is a flag's
// value does not.
func TestFlagsAfterPaths(t *testing.T) {
	good := filepath.Join(repoRoot, "testdata/faces/pigo-sample.jpg")
	r := runIn("check", good, "-json")
	if r.code != exitOK || !strings.HasPrefix(r.stdout, `{"type":"frame"`) {
		t.Errorf("check PATH -json: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = runIn("check", "-json", "--", good, "-seq")
	if r.code != exitUnreadable || !strings.Contains(r.stdout, `"file":"-seq"`) || !strings.Contains(r.stdout, `"verdict":"accept"`) {
		t.Errorf("check -- PATH -seq: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, tc := range []struct {
		args []string
		pos  []string
		json bool
	}{
		{[]string{"a", "-json", "b"}, []string{"a", "b"}, true},
		{[]string{"-o", "--", "a", "-json"}, []string{"a"}, true},
		{[]string{"-json", "--", "-o", "x"}, []string{"-o", "x"}, true},
		{[]string{"a", "--", "--", "b"}, []string{"a", "--", "b"}, false},
		{[]string{"-o=--", "--", "-json"}, []string{"-json"}, false},
	} {
		var out bytes.Buffer
		e := &env{stdout: &out, stderr: &out}
		fs := newFlagSet(e, "t", "")
		jsonOut := fs.Bool("json", false, "")
		fs.String("o", "", "")
		if code, ok := parseFlags(e, fs, tc.args); !ok {
			t.Errorf("%q: exit %d: %s", tc.args, code, out.String())
			continue
		}
		if got := fs.Args(); !slices.Equal(got, tc.pos) {
			t.Errorf("%q: positional %q, want %q", tc.args, got, tc.pos)
		}
		if *jsonOut != tc.json {
			t.Errorf("%q: -json %v, want %v", tc.args, *jsonOut, tc.json)
		}
	}
}
