//go:build external && cgo

package encode

// These tests check our animated WebP files with libwebp's own tools, from
// Debian's webp package (.ci/run installs it and runs them with -tags
// external): webpinfo validates the container and bitstreams, webpmux -info
// lists the frames, webpmux -get extracts each frame and dwebp decodes it.

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/facegate/facegate/preprocess"
)

func webpTool(t *testing.T, name string, args ...string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s not found: install Debian's webp package (.ci/run does)", name)
	}
	out, err := exec.Command(path, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

func TestExternalAnimatedWebP(t *testing.T) {
	for _, c := range []struct {
		name string
		n    int
		o    *WebPOptions
	}{
		{"lossy", 10, nil},
		{"lossless", 3, &WebPOptions{Lossless: true, LoopCount: 2}}, // lossless is slow: fewer frames
	} {
		t.Run(c.name, func(t *testing.T) {
			frames := animFrames(t, c.n)
			b, err := AppendAnimatedWebP(nil, frames, c.o)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			in := filepath.Join(dir, "anim.webp")
			if err := os.WriteFile(in, b, 0o644); err != nil {
				t.Fatal(err)
			}

			// webpinfo parses every chunk and bitstream header.
			if out := webpTool(t, "webpinfo", in); !strings.Contains(out, "No error detected.") {
				t.Fatalf("webpinfo:\n%s", out)
			}

			// webpmux -info: canvas, frame count, and one line per frame:
			// No.: width height alpha x_offset y_offset duration dispose blend image_size compression
			out := webpTool(t, "webpmux", "-info", in)
			loop := 0
			if c.o != nil {
				loop = c.o.LoopCount
			}
			for _, want := range []string{
				"Canvas size: 400 x 400",
				"Features present: animation",
				fmt.Sprintf("Loop Count : %d", loop),
				fmt.Sprintf("Number of frames: %d", c.n),
			} {
				if !strings.Contains(out, want) {
					t.Errorf("webpmux -info lacks %q:\n%s", want, out)
				}
			}
			compression := "lossy"
			if c.o != nil && c.o.Lossless {
				compression = "lossless"
			}
			line := regexp.MustCompile(`(?m)^\s*(\d+):\s+(\d+)\s+(\d+)\s+(\w+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\w+)\s+(\w+)\s+(\d+)\s+(\w+)\s*$`)
			rows := line.FindAllStringSubmatch(out, -1)
			if len(rows) != len(frames) {
				t.Fatalf("webpmux -info lists %d frames:\n%s", len(rows), out)
			}
			for i, r := range rows {
				want := []string{strconv.Itoa(i + 1), "400", "400", "no", "0", "0", strconv.Itoa(wantDurations(c.n)[i]), "none", "no"}
				if got := r[1:10]; strings.Join(got, " ") != strings.Join(want, " ") {
					t.Errorf("frame %d: webpmux says %v, want %v", i+1, got, want)
				}
				if r[11] != compression {
					t.Errorf("frame %d: %s, want %s", i+1, r[11], compression)
				}
			}

			// Every frame extracts and decodes with libwebp, close to its
			// source.
			for i := range frames {
				n := strconv.Itoa(i + 1)
				fw, fp := filepath.Join(dir, "f"+n+".webp"), filepath.Join(dir, "f"+n+".png")
				webpTool(t, "webpmux", "-get", "frame", n, in, "-o", fw)
				webpTool(t, "dwebp", fw, "-o", fp)
				png, err := os.ReadFile(fp)
				if err != nil {
					t.Fatal(err)
				}
				got := decodeRGB(t, png, preprocess.FormatPNG, cropSize, cropSize)
				p := psnr(t, frames[i].Image, got)
				if compression == "lossless" && p < 1000 || p < 33 {
					t.Errorf("frame %d: dwebp's decoding has PSNR %.2f dB against the source", i+1, p)
				}
			}
		})
	}
}
