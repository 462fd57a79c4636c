package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestTermSafe(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"plain\tname\n", "plain\tname\n"},
		{"a\x1b]0;pwned\x07.jpg", `a\x1b]0;pwned\x07.jpg`},
		{"clear\x1b[2J\rover", `clear\x1b[2J\x0dover`},
		{"del\x7f", `del\x7f`},
		{"c1 \u009b31m", `c1 \u009b31m`},
		{"é ü 日本", "é ü 日本"}, // UTF-8 letters stay
	} {
		var b bytes.Buffer
		w := &termSafe{w: &b}
		if n, err := w.Write([]byte(c.in)); err != nil || n != len(c.in) || b.String() != c.want {
			t.Errorf("%q: wrote %q (%d, %v), want %q", c.in, b.String(), n, err, c.want)
		}
	}
	// A C1 control split across two writes is still caught, and a lone
	// 0xC2 prefix of a letter is kept.
	var b bytes.Buffer
	w := &termSafe{w: &b}
	w.Write([]byte("x\xc2"))
	w.Write([]byte("\x9by \xc2"))
	w.Write([]byte("\xa9"))
	if b.String() != `x\u009by ©` {
		t.Errorf("split writes: %q", b.String())
	}
}

// On a terminal, a file name with escape sequences is printed escaped by
// check (table and errors); in a pipe the JSON escapes it anyway.
func TestCheckEscapesNamesOnTerminal(t *testing.T) {
	dir := t.TempDir()
	b, err := os.ReadFile(filepath.Join(repoRoot, "testdata/faces/pigo-sample.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	good := filepath.Join(dir, "a\x1b]0;pwned\x07.jpg")
	bad := filepath.Join(dir, "b\x1b[2J.jpg")
	os.WriteFile(good, b, 0o644)
	os.WriteFile(bad, []byte("not a jpeg"), 0o644)
	var out, errb bytes.Buffer
	e := newEnv(strings.NewReader(""), &out, &errb, true, true, func(string) string { return "" })
	e.progress = &bytes.Buffer{} // the bar is not what is tested
	code := run(e, []string{"check", "-seq", "none", good, bad})
	all := out.String() + errb.String()
	if code != exitUnreadable || strings.ContainsAny(all, "\x1b\x07") {
		t.Fatalf("exit %d; raw control characters in the output:\n%q", code, all)
	}
	if !strings.Contains(all, `a\x1b]0;pwned\x07.jpg`) || !strings.Contains(all, `b\x1b[2J.jpg`) {
		t.Errorf("the names are not shown escaped:\n%s", all)
	}
}
