package main

import (
	"fmt"
	"io"
	"os"
	"strconv"

	"golang.org/x/term"
)

// isTerminal reports whether f is a terminal.
func isTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }

// columnsOf is the width a table written to f must fit: the terminal's
// when f is one, else $COLUMNS when it is a positive number, else 80 on a
// terminal whose size cannot be read and 0 (no limit) elsewhere.
func columnsOf(f *os.File, getenv func(string) string) int {
	if w, _, err := term.GetSize(int(f.Fd())); err == nil && w > 0 {
		return w
	}
	if n, err := strconv.Atoi(getenv("COLUMNS")); err == nil && n > 0 {
		return n
	}
	if isTerminal(f) {
		return 80
	}
	return 0
}

// termSafe writes to a terminal with its control characters made visible:
// C0 controls other than tab and newline (ESC, BEL, CR, backspace, ...),
// DEL and the C1 controls (U+0080 to U+009F, which some terminals obey
// like ESC sequences) become \xNN or \u00NN. File names are the user's
// data: one named "a\x1b]0;title\a.jpg" must not retitle the terminal,
// clear the screen or hide lines. The commands' own output holds no
// control characters but tab and newline; the progress bar, which redraws
// its line with CR, writes to the terminal directly (env.progress).
type termSafe struct {
	w       io.Writer
	pending bool // the last Write ended with 0xC2, the first byte of a C1 control in UTF-8
	buf     []byte
}

// Write escapes p's control characters and writes the result; it reports
// len(p) when the escaped text was written in full.
func (t *termSafe) Write(p []byte) (int, error) {
	b := t.buf[:0]
	i := 0
	if t.pending {
		t.pending = false
		if len(p) > 0 && p[0] >= 0x80 && p[0] <= 0x9f {
			b = fmt.Appendf(b, `\u00%02x`, p[0])
			i = 1
		} else {
			b = append(b, 0xc2)
		}
	}
	for ; i < len(p); i++ {
		c := p[i]
		switch {
		case c == '\t' || c == '\n':
			b = append(b, c)
		case c < 0x20 || c == 0x7f:
			b = fmt.Appendf(b, `\x%02x`, c)
		case c == 0xc2 && i+1 == len(p):
			t.pending = true
		case c == 0xc2 && p[i+1] >= 0x80 && p[i+1] <= 0x9f:
			b = fmt.Appendf(b, `\u00%02x`, p[i+1])
			i++
		default:
			b = append(b, c)
		}
	}
	t.buf = b
	if _, err := t.w.Write(b); err != nil {
		return 0, err
	}
	return len(p), nil
}
