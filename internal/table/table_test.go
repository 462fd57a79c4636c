package table

import (
	"strings"
	"testing"
)

var testCols = []Column{
	{Header: "FILE", Priority: 1, Elide: Middle, MinWidth: 16},
	{Header: "SIZE", Priority: 5},
	{Header: "BLUR", Priority: 2, Right: true},
	{Header: "VERDICT", Priority: 1},
	{Header: "REASON", Priority: 2, Elide: End, MinWidth: 12},
}

var testRows = [][]string{
	{"a/very/long/directory/name/that/goes/on/and/on/frame000001.jpg", "1920x1080", "0.31", "reject", "face-too-small: Face not found within target rectangle."},
	{"b.jpg", "640x480", "0.12", "accept", ""},
	{"c.jpg"}, // short row
}

func TestRenderFits(t *testing.T) {
	for _, width := range []int{30, 40, 80, 200} {
		var b strings.Builder
		if err := Render(&b, testCols, testRows, width); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
		if len(lines) != 1+len(testRows) {
			t.Fatalf("width %d: %d lines:\n%s", width, len(lines), b.String())
		}
		for _, l := range lines {
			if Width(l) > width {
				t.Errorf("width %d: line of %d: %q", width, Width(l), l)
			}
			if strings.HasSuffix(l, " ") {
				t.Errorf("width %d: trailing space: %q", width, l)
			}
		}
		out := b.String()
		if !strings.Contains(out, "FILE") || !strings.Contains(out, "VERDICT") || !strings.Contains(out, "reject") {
			t.Errorf("width %d: the most important columns are missing:\n%s", width, out)
		}
		if width == 200 {
			if !strings.Contains(out, testRows[0][0]) || !strings.Contains(out, testRows[0][4]) || !strings.Contains(out, "SIZE") {
				t.Errorf("width 200 shortened something:\n%s", out)
			}
		}
		if width == 80 {
			if !strings.Contains(out, "a/very/long") || !strings.Contains(out, "000001.jpg") || !strings.Contains(out, "…") {
				t.Errorf("width 80: the file name is not elided in the middle:\n%s", out)
			}
		}
		if width == 40 && strings.Contains(out, "SIZE") {
			t.Errorf("width 40 keeps the least important column:\n%s", out)
		}
	}
}

func TestElide(t *testing.T) {
	for _, tc := range []struct {
		s    string
		w    int
		e    Elision
		want string
	}{
		{"abcdefghij", 10, Middle, "abcdefghij"},
		{"abcdefghij", 5, Middle, "ab…ij"},
		{"abcdefghij", 6, Middle, "abc…ij"},
		{"abcdefghij", 5, End, "abcd…"},
		{"abcdefghij", 1, End, "…"},
		{"abcdefghij", 0, End, ""},
		{"héllo wörld", 6, End, "héllo…"},
	} {
		if got := Elide(tc.s, tc.w, tc.e); got != tc.want || Width(got) > tc.w {
			t.Errorf("Elide(%q, %d, %d) = %q, want %q", tc.s, tc.w, tc.e, got, tc.want)
		}
	}
}

// With no width limit every column is shown in full.
func TestRenderUnlimited(t *testing.T) {
	var b strings.Builder
	Render(&b, testCols, testRows, 0)
	if !strings.Contains(b.String(), testRows[0][0]) || !strings.Contains(b.String(), "SIZE") {
		t.Errorf("shortened without a limit:\n%s", b.String())
	}
}
