// Package table renders rows of text as aligned columns that fit a width:
// the columns that matter least are left out first, and the cells of the
// columns that may shrink are elided (in the middle, for file names, or
// at the end) so that no line is wider than the terminal.
package table

import (
	"io"
	"slices"
	"strings"
	"unicode/utf8"
)

// Elision is how a cell too long for its column is shortened.
type Elision uint8

const (
	// Fixed columns never shrink: the column is left out instead.
	Fixed Elision = iota
	// Middle keeps the start and the end, "…" between (file names).
	Middle
	// End keeps the start, "…" last (messages).
	End
)

// Column describes one column.
type Column struct {
	Header string
	// Priority orders the columns by importance: when the width is too
	// small, the columns of the largest Priority are left out first
	// (those of the same Priority right to left).
	Priority int
	// Elide is how the column's cells shrink; MinWidth is the narrowest
	// it shrinks to (at least its header, and never below 4).
	Elide    Elision
	MinWidth int
	// Right aligns the cells to the right (numbers).
	Right bool
}

// gap is the space between columns.
const gap = 2

// Width returns the display width of s, one per rune.
func Width(s string) int { return utf8.RuneCountInString(s) }

// Elide shortens s to at most w runes as e says (End for Fixed).
func Elide(s string, w int, e Elision) string {
	n := Width(s)
	if n <= w {
		return s
	}
	if w <= 0 {
		return ""
	}
	r := []rune(s)
	if w == 1 {
		return "…"
	}
	if e == Middle {
		head := w / 2
		tail := w - 1 - head
		return string(r[:head]) + "…" + string(r[len(r)-tail:])
	}
	return string(r[:w-1]) + "…"
}

// Layout chooses the columns shown and their widths for rows within
// width (0: no limit): the indexes of the columns kept, in their order,
// and each one's width.
func Layout(cols []Column, rows [][]string, width int) (keep []int, widths []int) {
	natural := make([]int, len(cols))
	for i, c := range cols {
		natural[i] = Width(c.Header)
		for _, r := range rows {
			if i < len(r) {
				natural[i] = max(natural[i], Width(r[i]))
			}
		}
	}
	minOf := func(i int) int {
		if cols[i].Elide == Fixed {
			return natural[i]
		}
		return min(natural[i], max(cols[i].MinWidth, Width(cols[i].Header), 4))
	}
	keep = make([]int, len(cols))
	for i := range keep {
		keep[i] = i
	}
	total := func(w func(int) int) int {
		t := 0
		for _, i := range keep {
			t += w(i)
		}
		return t + gap*max(0, len(keep)-1)
	}
	// Leave out the least important columns until the rest fit at their
	// narrowest.
	for width > 0 && len(keep) > 1 && total(minOf) > width {
		drop := 0
		for k, i := range keep {
			if cols[i].Priority >= cols[keep[drop]].Priority {
				drop = k
			}
		}
		keep = slices.Delete(keep, drop, drop+1)
	}
	widths = make([]int, len(keep))
	for k, i := range keep {
		widths[k] = natural[i]
	}
	if width <= 0 || total(func(i int) int { return natural[i] }) <= width {
		return keep, widths
	}
	// Shrink the elidable columns, the widest first, down to their
	// minimum, until the line fits.
	over := total(func(i int) int { return natural[i] }) - width
	for over > 0 {
		best := -1
		for k, i := range keep {
			if widths[k] > minOf(i) && (best < 0 || widths[k]-minOf(i) > widths[best]-minOf(keep[best])) {
				best = k
			}
		}
		if best < 0 {
			break
		}
		widths[best]--
		over--
	}
	return keep, widths
}

// Render writes the header and rows in columns no wider than width (0:
// no limit). A row shorter than cols leaves its last cells empty. Lines
// carry no trailing spaces; one that would still be too wide (a single
// column wider than width) is cut at width.
func Render(w io.Writer, cols []Column, rows [][]string, width int) error {
	keep, widths := Layout(cols, rows, width)
	var out strings.Builder
	emit := func(cells []string, header bool) {
		var l strings.Builder
		for k, i := range keep {
			cell := ""
			switch {
			case header:
				cell = cols[i].Header
			case i < len(cells):
				cell = cells[i]
			}
			cell = Elide(cell, widths[k], cols[i].Elide)
			pad := strings.Repeat(" ", widths[k]-Width(cell))
			if k > 0 {
				l.WriteString(strings.Repeat(" ", gap))
			}
			if cols[i].Right {
				l.WriteString(pad + cell)
			} else {
				l.WriteString(cell + pad)
			}
		}
		s := strings.TrimRight(l.String(), " ")
		if width > 0 {
			s = Elide(s, width, End)
		}
		out.WriteString(s)
		out.WriteByte('\n')
	}
	emit(nil, true)
	for _, r := range rows {
		emit(r, false)
	}
	_, err := io.WriteString(w, out.String())
	return err
}
