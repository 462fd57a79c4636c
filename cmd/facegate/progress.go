package main

import (
	"fmt"
	"time"

	"github.com/schollz/progressbar/v3"
)

// progress shows a progress bar on stderr when stderr is a terminal, and
// nothing otherwise (logs and pipes get the final report only).
type progress struct {
	bar *progressbar.ProgressBar
}

// newProgress returns a bar counting to max items (-1: unknown, a spinner
// with a count), described by what; items names them ("frames").
func newProgress(e *env, max int, what, items string) *progress {
	if !e.stderrTTY {
		return &progress{}
	}
	w := e.progress
	if w == nil {
		w = e.stderr
	}
	bar := progressbar.NewOptions(max,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(what),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString(items),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionSpinnerType(14),
	)
	return &progress{bar: bar}
}

func (p *progress) add(n int) {
	if p.bar != nil {
		p.bar.Add(n)
	}
}

// finish clears the bar.
func (p *progress) finish() {
	if p.bar != nil {
		p.bar.Finish()
		p.bar.Clear()
	}
}

// printf writes a line above the bar (or plain, without one).
func (p *progress) printf(e *env, format string, args ...any) {
	if p.bar != nil {
		p.bar.Clear()
	}
	fmt.Fprintf(e.stderr, format, args...)
}
