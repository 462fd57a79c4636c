package servicetest

import (
	"bytes"
	"testing"
)

// FuzzReadForm: the emulator's multipart reader never panics on any body,
// keeps within its limits, and the liveness rules run on whatever it read.
func FuzzReadForm(f *testing.F) {
	f.Add(rawBody(rawPart{metaHeader, meta("a.jpg")}, rawPart{contentHeader("a.jpg"), []byte("\xff\xd8\xff")}))
	lim := formLimits{maxMetadata: 1 << 12, maxContent: 1 << 12, maxParts: 16}
	e := New(&Options{NoQuality: true})
	f.Fuzz(func(t *testing.T, body []byte) {
		form, _ := readForm(bytes.NewReader(body), "b0undary", lim)
		if form == nil {
			t.Fatal("nil form")
		}
		if int64(len(form.metadata)) > lim.maxMetadata || len(form.contents) > lim.maxParts {
			t.Fatalf("over the limits: %d metadata bytes, %d parts", len(form.metadata), len(form.contents))
		}
		for _, c := range form.contents {
			if int64(len(c.data)) > lim.maxContent || c.size < int64(len(c.data)) {
				t.Fatalf("part %q: %d bytes kept of %d", c.filename, len(c.data), c.size)
			}
		}
		rule, res := e.judgeLiveness("", form)
		if (rule == 0) == (res == nil) {
			t.Fatalf("rule %v and result %v", rule, res)
		}
	})
}
