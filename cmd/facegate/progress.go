package main

import (
	"fmt"

	"github.com/facegate/facegate/internal/progress"
)

// progressBar shows a progress line on stderr when stderr is a terminal
// and the run is long (internal/progress: after 2 s, or at once for a
// known total of 500 items or more), with the rate and, when the total is
// known, the time left; nothing otherwise (logs and pipes get the final
// report only).
type progressBar struct {
	m *progress.Meter
}

// newProgress returns a line counting to max items (-1: unknown, a count
// and a rate), described by what; items names them ("frames").
func newProgress(e *env, max int, what, items string) *progressBar {
	if !e.stderrTTY {
		return &progressBar{}
	}
	w := e.progress
	if w == nil {
		w = e.stderr
	}
	m := &progress.Meter{W: w, What: what, Items: items, Total: max}
	m.Start()
	return &progressBar{m: m}
}

func (p *progressBar) add(n int) {
	if p.m != nil {
		p.m.Add(n)
	}
}

// finish clears the line.
func (p *progressBar) finish() {
	if p.m != nil {
		p.m.Finish()
	}
}

// printf writes a line above the progress line (or plain, without one).
func (p *progressBar) printf(e *env, format string, args ...any) {
	if p.m != nil {
		p.m.Clear()
	}
	fmt.Fprintf(e.stderr, format, args...)
}
