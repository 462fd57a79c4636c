package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

// Exit codes shared by every command. When a run both rejects a frame and
// fails to read an input, exitUnreadable wins: a script must learn that the
// dataset was not fully judged (exitCode).
const (
	exitOK         = 0 // everything accepted / done
	exitRejected   = 1 // a frame rejected, a request refused
	exitUsage      = 2 // bad flags, missing arguments
	exitUnreadable = 3 // an input could not be read or decoded, or an output not written
)

// exitCode is the exit code of a run that rejected something (rejected)
// and failed to read or write something (unreadable): 3 wins over 1.
func exitCode(rejected, unreadable bool) int {
	switch {
	case unreadable:
		return exitUnreadable
	case rejected:
		return exitRejected
	}
	return exitOK
}

// env is what a command runs with: its streams and the environment. main
// fills it from the process; it keeps the commands free of globals.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	// stdoutTTY and stderrTTY report whether the streams are terminals.
	stdoutTTY, stderrTTY bool
	// columns is the width a table on stdout must fit: the terminal's, or
	// $COLUMNS; 0 means no limit.
	columns int
	// progress is where a progress bar is drawn: the terminal behind
	// stderr, unfiltered (stderr itself escapes control characters on a
	// terminal; see termSafe). Nil means stderr.
	progress io.Writer
}

// newEnv is main's env: the streams that are terminals escape control
// characters (termSafe), since file names are printed on them.
func newEnv(stdin io.Reader, stdout, stderr io.Writer, stdoutTTY, stderrTTY bool, getenv func(string) string) *env {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr, getenv: getenv, stdoutTTY: stdoutTTY, stderrTTY: stderrTTY, progress: stderr}
	if stdoutTTY {
		e.stdout = &termSafe{w: stdout}
	}
	if stderrTTY {
		e.stderr = &termSafe{w: stderr}
	}
	return e
}

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(e *env, args []string) int
}

var commands []command

func init() {
	commands = []command{
		{"check", "judge images, directories, sequences and videos as the service would", runCheck},
		{"prep", "crop, resize and encode the target faces of a dataset, with a manifest", runPrep},
		{"payload", "build (and optionally send) the liveness request for a sequence", runPayload},
		{"annotate", "draw faces, pupils, landmarks and reasons; contact sheets", runAnnotate},
		{"report", "one self-contained HTML report: counts, histograms, rejected frames", runReport},
		{"emulate", "serve an emulator of the Face service locally, for developing an app", runEmulate},
		{"serve-example", "serve the web capture example page (WebAssembly check in the browser) on loopback", runServeExample},
		{"version", "print the module version, Go version and kernel variant", runVersion},
	}
}

const mainUsage = `facegate checks camera frames before they are sent to the Face liveness
service, and prepares what is sent.

Usage:

	facegate <command> [flags] [arguments]

Commands:

%s
Run "facegate <command> -h" for a command's manual. Flags may come before
or after the arguments (facegate check dir -json); "--" ends the flags.

Policy (check, prep, payload, annotate, report): the thresholds the frames are
judged by are facegate.DefaultPolicy's unless -policy FILE (JSON with the
field names of facegate.Policy; fields left out keep their defaults) or
the flags -min-face, -max-blur, -exposure lo,hi, -max-yaw, -max-pitch,
-max-roll change them (the flags win over the file); -target x,y,w,h
names the target face; -print-policy prints the policy in effect as a
-policy file and exits.

Exit codes (every command):
  0  success (for check: every frame accepted)
  1  a frame rejected (check), a sequence or request refused (payload)
  2  misuse (unknown command or flag, bad flag value, missing arguments)
  3  an input could not be read or decoded, or an output could not be
     written (reported; the other inputs are still processed)
When a run has both rejected frames and unreadable inputs, 3 wins over 1:
the dataset was not fully judged.

Examples:

	facegate check photo.jpg frames/ clip.mp4
	facegate check -json testdata/sequences/cap12 | jq -c 'select(.verdict=="reject")'
	facegate prep -j 4 dataset/ prepared/
	facegate payload -o body.bin testdata/faces/obama-1080p.jpg
	facegate annotate -o annotated testdata/faces
	facegate report -o report.html testdata/faces
`

func usageText() string {
	var b strings.Builder
	for _, c := range commands {
		fmt.Fprintf(&b, "\t%-9s %s\n", c.name, c.summary)
	}
	return fmt.Sprintf(mainUsage, b.String())
}

func main() {
	e := newEnv(os.Stdin, os.Stdout, os.Stderr, isTerminal(os.Stdout), isTerminal(os.Stderr), os.Getenv)
	e.columns = columnsOf(os.Stdout, os.Getenv)
	os.Exit(run(e, os.Args[1:]))
}

// run dispatches to a command and returns the exit code.
func run(e *env, args []string) int {
	if len(args) == 0 {
		fmt.Fprint(e.stderr, usageText())
		return exitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		if len(args) > 1 && args[0] == "help" {
			return run(e, []string{args[1], "-h"})
		}
		fmt.Fprint(e.stdout, usageText())
		return exitOK
	}
	for _, c := range commands {
		if c.name == args[0] {
			return c.run(e, args[1:])
		}
	}
	fmt.Fprintf(e.stderr, "facegate: unknown command %q\n\n%s", args[0], usageText())
	return exitUsage
}

// newFlagSet returns a FlagSet whose Usage prints the command's manual to
// the env's stdout (for -h) or stderr (for an error).
func newFlagSet(e *env, name, manual string) *flag.FlagSet {
	fs := flag.NewFlagSet("facegate "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprint(w, strings.TrimLeft(manual, "\n"))
		fmt.Fprintf(w, "\nFlags:\n\n")
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args, flags and positional arguments in any order
// (facegate check dir -json); "--" ends the flags. Afterwards fs.Args()
// holds the positional arguments in order. ok is false when the command
// must stop with code: -h prints the manual on stdout and exits 0; a bad
// flag prints one line on stderr and exits 2.
func parseFlags(e *env, fs *flag.FlagSet, args []string) (code int, ok bool) {
	fs.SetOutput(io.Discard)
	var pos []string
	for {
		err := fs.Parse(args)
		switch {
		case errors.Is(err, flag.ErrHelp):
			fs.SetOutput(e.stdout)
			fs.Usage()
			return exitOK, false
		case err != nil:
			msg := err.Error()
			if name, ok := strings.CutPrefix(msg, "flag provided but not defined: "); ok {
				msg = "unknown flag " + name
			}
			fmt.Fprintf(e.stderr, "%s: %s (run '%s -h' for usage)\n", fs.Name(), msg, fs.Name())
			return exitUsage, false
		}
		rest := fs.Args()
		if endedByDashes(fs, args[:len(args)-len(rest)]) {
			pos = append(pos, rest...)
			break
		}
		if len(rest) == 0 {
			break
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
	// Leave the positional arguments in fs.Args(); "--" keeps them from
	// being read as flags again.
	fs.Parse(append([]string{"--"}, pos...))
	fs.SetOutput(e.stderr)
	return 0, true
}

// endedByDashes reports whether fs.Parse, having consumed the arguments
// consumed (all flags, as it succeeded), stopped at a "--" that ends the
// flags, and not at one that is the value of a flag, as in -o --.
func endedByDashes(fs *flag.FlagSet, consumed []string) bool {
	for i := 0; i < len(consumed); i++ {
		a := consumed[i]
		if a == "--" {
			return i == len(consumed)-1
		}
		if strings.Contains(a, "=") {
			continue
		}
		f := fs.Lookup(strings.TrimLeft(a, "-"))
		if f == nil {
			continue
		}
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); !ok || !b.IsBoolFlag() {
			i++ // its value
		}
	}
	return false
}

// usageError reports misuse of a command and returns exitUsage.
func usageError(e *env, fs *flag.FlagSet, format string, args ...any) int {
	fmt.Fprintf(e.stderr, "%s: %s\n", fs.Name(), fmt.Sprintf(format, args...))
	fmt.Fprintf(e.stderr, "Run '%s -h' for usage.\n", fs.Name())
	return exitUsage
}
