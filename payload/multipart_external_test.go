//go:build external

package payload_test

// This test reads our multipart bodies with a second, independent parser:
// Python's email package. .ci/run runs it with -tags external; set
// FACEGATE_PYTHON to choose the interpreter (default /usr/bin/python3, then
// python3).

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/facegate/facegate/payload"
)

func python(t *testing.T) string {
	t.Helper()
	for _, c := range []string{os.Getenv("FACEGATE_PYTHON"), "/usr/bin/python3", "python3"} {
		if c == "" {
			continue
		}
		if err := exec.Command(c, "-c", "import email.parser").Run(); err == nil {
			return c
		}
	}
	t.Fatal("no python3 with the email package: install python3 or set FACEGATE_PYTHON")
	return ""
}

type pyPart struct {
	Name           string `json:"name"`
	Filename       string `json:"filename"`
	MediaType      string `json:"media_type"`
	Charset        string `json:"charset"`
	RawContentType string `json:"raw_content_type"`
	Data           []byte `json:"data"` // base64 in the JSON
}

type pyResult struct {
	Multipart bool     `json:"multipart"`
	Defects   []string `json:"defects"`
	Parts     []pyPart `json:"parts"`
}

func parseWithPython(t *testing.T, contentType string, body []byte) pyResult {
	t.Helper()
	cmd := exec.Command(python(t), filepath.Join("testdata", "multipart_email.py"), contentType)
	cmd.Stdin = bytes.NewReader(body)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python: %v\n%s", err, stderr.String())
	}
	var res pyResult
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("python output %q: %v", out, err)
	}
	return res
}

// TestMultipartWithPythonEmail: Python reads the same parts, names,
// filenames, content types and bytes as we wrote.
func TestMultipartWithPythonEmail(t *testing.T) {
	f := getFixtures(t)
	// Binary data with every byte value, CR and LF runs, and a line that
	// looks like a boundary but is not ours.
	var tricky []byte
	for i := range 4096 {
		tricky = append(tricky, byte(i), byte(i*7))
	}
	tricky = append(tricky, "\r\n--facegate-not-the-boundary\r\n\r\n\n\r"...)
	requests := map[string]*payload.LivenessRequest{
		"page-example-and-stills": seedRequest(t), // names with a quote and a backslash
		"random-boundary":         validRequest(t),
		"binary": {Frames: []payload.Frame{{FileName: "frame 0.bmp"}, {FileName: "x.bin", FrameNumber: 1}, {FileName: "éclair.gif", FrameNumber: 2}},
			Files:    []payload.File{{Name: "x.bin", Data: tricky}, {Name: "frame 0.bmp", Data: f.bmpImg}, {Name: "éclair.gif", Data: f.gifImg}},
			Boundary: "a'()+_,-./:=? b"},
		"ten-frames": benchRequest(t, 10),
	}
	for name, r := range requests {
		t.Run(name, func(t *testing.T) {
			var body bytes.Buffer
			if _, err := r.WriteTo(&body); err != nil {
				t.Fatal(err)
			}
			res := parseWithPython(t, r.ContentType(), body.Bytes())
			if !res.Multipart || len(res.Defects) != 0 {
				t.Fatalf("python: multipart %v, defects %v", res.Multipart, res.Defects)
			}
			want := []pyPart{{Name: "Metadata", MediaType: "application/json", Charset: "utf-8",
				RawContentType: "application/json; charset=utf-8", Data: r.AppendMetadata(nil)}}
			seen := map[string]bool{}
			for _, fr := range r.Frames {
				if seen[fr.FileName] {
					continue
				}
				seen[fr.FileName] = true
				for _, file := range r.Files {
					if file.Name == fr.FileName {
						want = append(want, pyPart{Name: "Content", Filename: file.Name, MediaType: "application/octet-stream",
							RawContentType: "application/octet-stream", Data: file.Data})
					}
				}
			}
			if len(res.Parts) != len(want) {
				t.Fatalf("python read %d parts, want %d", len(res.Parts), len(want))
			}
			for i, w := range want {
				g := res.Parts[i]
				if g.Name != w.Name || g.Filename != w.Filename || g.MediaType != w.MediaType || g.Charset != w.Charset ||
					g.RawContentType != w.RawContentType || !bytes.Equal(g.Data, w.Data) {
					t.Errorf("part %d: python read name %q filename %q type %q charset %q raw %q, %d bytes (equal %v); want %q %q %q %q %q, %d bytes",
						i, g.Name, g.Filename, g.MediaType, g.Charset, g.RawContentType, len(g.Data), bytes.Equal(g.Data, w.Data),
						w.Name, w.Filename, w.MediaType, w.Charset, w.RawContentType, len(w.Data))
				}
			}
		})
	}
}
