// Package progress draws a one-line progress report on a terminal: the
// items done (of the total, when known), the rate and, with a total, the
// time left. Short runs draw nothing: the line appears once a run has
// lasted Delay, or at once when the total is known to be at least
// MinItems.
package progress

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// Defaults of Meter's settings.
const (
	DefaultDelay    = 2 * time.Second
	DefaultMinItems = 500
	DefaultInterval = 200 * time.Millisecond
)

// Meter counts items and redraws its line on W. Its methods may be called
// from several goroutines.
type Meter struct {
	W     io.Writer
	What  string // "checking"
	Items string // "frames"
	// Total is the number of items, or -1 when unknown.
	Total int
	// Delay, MinItems and Interval (between redraws) default to the
	// package's constants when zero.
	Delay    time.Duration
	MinItems int
	Interval time.Duration
	// Now is the clock (time.Now when nil), for tests.
	Now func() time.Time

	mu     sync.Mutex
	start  time.Time
	n      int
	drawn  time.Time // last redraw; zero when the line is not shown
	shown  bool
	width  int // of the line drawn, to clear it
	closed bool
}

func (m *Meter) now() time.Time {
	if m.Now != nil {
		return m.Now()
	}
	return time.Now()
}

// Start sets the start of the run; Add calls it on first use.
func (m *Meter) Start() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.start.IsZero() {
		m.start = m.now()
	}
}

// Add counts n more items done and redraws the line when it is due.
func (m *Meter) Add(n int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return
	}
	now := m.now()
	if m.start.IsZero() {
		m.start = now
	}
	m.n += n
	delay, minItems, interval := or(m.Delay, DefaultDelay), or(m.MinItems, DefaultMinItems), or(m.Interval, DefaultInterval)
	if !m.shown && now.Sub(m.start) < delay && (m.Total < minItems) {
		return
	}
	if m.shown && now.Sub(m.drawn) < interval && m.n != m.Total {
		return
	}
	m.shown, m.drawn = true, now
	line := Line(m.What, m.Items, m.n, m.Total, now.Sub(m.start))
	pad := max(0, m.width-len(line))
	m.width = len(line)
	fmt.Fprintf(m.W, "\r%s%s", line, strings.Repeat(" ", pad))
}

// Clear erases the line (before other output on the same terminal); the
// next Add draws it again.
func (m *Meter) Clear() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.clear()
}

func (m *Meter) clear() {
	if m.width > 0 {
		fmt.Fprintf(m.W, "\r%s\r", strings.Repeat(" ", m.width))
		m.width = 0
		m.drawn = time.Time{}
	}
}

// Finish erases the line for good.
func (m *Meter) Finish() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.clear()
	m.closed = true
}

func or[T comparable](v, d T) T {
	var zero T
	if v == zero {
		return d
	}
	return v
}

// Line is the progress line for n items done of total (-1: unknown) after
// elapsed: "checking: 120/400 frames, 35.2 frames/s, 8s left".
func Line(what, items string, n, total int, elapsed time.Duration) string {
	var b strings.Builder
	b.WriteString(what + ": ")
	if total >= 0 {
		fmt.Fprintf(&b, "%d/%d %s", n, total, items)
	} else {
		fmt.Fprintf(&b, "%d %s", n, items)
	}
	if elapsed <= 0 || n == 0 {
		return b.String()
	}
	rate := float64(n) / elapsed.Seconds()
	fmt.Fprintf(&b, ", %.1f %s/s", rate, items)
	if total >= n {
		left := time.Duration(float64(total-n) / rate * float64(time.Second))
		fmt.Fprintf(&b, ", %s left", left.Round(time.Second))
	}
	return b.String()
}
