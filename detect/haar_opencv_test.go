//go:build external

package detect

// These tests compare the profile detector with OpenCV's
// CascadeClassifier::detectMultiScale through Debian's python3-opencv
// (detect/testdata/haar_opencv.py); .ci/run runs them with -tags external.
// Set FACEGATE_PYTHON to choose the interpreter (default: the first of
// /usr/bin/python3 and python3 that imports cv2).

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"image"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/facegate/facegate/preprocess"
)

func haarPython(t *testing.T) string {
	t.Helper()
	for _, c := range []string{os.Getenv("FACEGATE_PYTHON"), "/usr/bin/python3", "python3"} {
		if c == "" {
			continue
		}
		if err := exec.Command(c, "-c", "import cv2").Run(); err == nil {
			return c
		}
	}
	t.Fatal("no Python with cv2: install Debian's python3-opencv (.ci/run does) or set FACEGATE_PYTHON")
	return ""
}

type haarCVJob struct {
	Raw       string  `json:"raw"`
	W         int     `json:"w"`
	H         int     `json:"h"`
	Flip      bool    `json:"flip"`
	Scale     float64 `json:"scale"`
	Neighbors int     `json:"neighbors"`
	Min       int     `json:"min"`
	Max       int     `json:"max"`
	Cascade   string  `json:"cascade"`
}

type haarCVResult struct {
	Rects [][4]int `json:"rects"`
	MS    float64  `json:"ms"`
}

// runHaarOpenCV runs the jobs in one Python process.
func runHaarOpenCV(t *testing.T, jobs []haarCVJob) []haarCVResult {
	t.Helper()
	in, err := json.Marshal(jobs)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(haarPython(t), filepath.Join("testdata", "haar_opencv.py"))
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("haar_opencv.py: %v\n%s", err, stderr.Bytes())
	}
	var res []haarCVResult
	if err := json.Unmarshal(out, &res); err != nil || len(res) != len(jobs) {
		t.Fatalf("haar_opencv.py output: %v (%d results for %d jobs)", err, len(res), len(jobs))
	}
	return res
}

// embeddedCascadeFile writes the embedded cascade, uncompressed, for OpenCV
// to load: both sides read the same bytes.
func embeddedCascadeFile(t *testing.T, dir string) string {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(profileCascadeGz))
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "haarcascade_profileface.xml")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func writeRaw(t *testing.T, dir, name string, p preprocess.Plane) string {
	t.Helper()
	b := make([]byte, 0, p.Width*p.Height)
	for y := 0; y < p.Height; y++ {
		b = append(b, p.Row(y)...)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// haarImages are the images the OpenCV tests run on, with the smallest
// face looked for in each.
var haarImages = []struct {
	name    string
	minFace int
}{
	{"faces/obama-1080p.jpg", 96},
	{"faces/obama-480p.jpg", 48},
	{"faces/pigo-sample.jpg", 40},
	{"faces/bob.jpg", 40},
	{"negatives/chelsea.png", 40},
	{"../detect/testdata/dlib-2008_002079.jpg", 30},
	{"../detect/testdata/kaggle-mask-89.png", 30},
}

func rectKey(r [4]int) string { return fmt.Sprint(r) }

func hitRects(hs []haarHit) [][4]int {
	var out [][4]int
	for _, h := range hs {
		out = append(out, [4]int{int(h.x), int(h.y), int(h.w), int(h.h)})
	}
	return out
}

func groupRectsOf(gs []haarGroup) [][4]int {
	var out [][4]int
	for _, g := range gs {
		out = append(out, [4]int{int(g.x), int(g.y), int(g.w), int(g.h)})
	}
	return out
}

// sameRects compares two lists of rectangles as multisets.
func sameRects(a, b [][4]int) (missing, extra int) {
	count := map[string]int{}
	for _, r := range a {
		count[rectKey(r)]++
	}
	for _, r := range b {
		count[rectKey(r)]--
	}
	for _, n := range count {
		if n > 0 {
			missing += n
		} else {
			extra -= n
		}
	}
	return missing, extra
}

// TestHaarOpenCVExact: on the plane OpenCV is given, with OpenCV's step
// rule, the raw windows (minNeighbors 0) and the grouped faces
// (minNeighbors 1 and 3) of each orientation are exactly
// detectMultiScale's on the plane and on the mirrored plane; with our
// default step of 1 and windows of 40 px and more (where OpenCV's step is
// 1 too), likewise.
func TestHaarOpenCVExact(t *testing.T) {
	dir := t.TempDir()
	cascade := embeddedCascadeFile(t, dir)
	c, err := ProfileFaceCascade()
	if err != nil {
		t.Fatal(err)
	}
	type run struct {
		name      string
		plane     preprocess.Plane
		min, max  int
		cvStep    bool
		neighbors int
	}
	var runs []run
	for i, im := range haarImages {
		p := testLuma(t, im.name)
		// Planes of at most about 500 px across keep OpenCV's time down.
		k := max(1, p.Width/500)
		if k > 1 {
			small := preprocess.GrayPlane(make([]byte, (p.Width/k)*(p.Height/k)), p.Width/k, p.Width/k, p.Height/k)
			var d preprocess.Downscaler
			if err := d.Downscale(small, p, k); err != nil {
				t.Fatal(err)
			}
			p = small
		}
		name := fmt.Sprintf("%s/%dx%d", im.name, p.Width, p.Height)
		runs = append(runs,
			run{name, p, 20, 0, true, 0},
			run{name, p, 20, 0, true, 1},
			run{name, p, 20, 0, true, 3},
			run{name, p, 40 + 3*i, 200, false, 0},
			run{name, p, 40 + 3*i, 0, false, 3})
	}
	var jobs []haarCVJob
	for i, r := range runs {
		raw := writeRaw(t, dir, fmt.Sprintf("%d.gray", i), r.plane)
		for _, flip := range []bool{false, true} {
			jobs = append(jobs, haarCVJob{Raw: raw, W: r.plane.Width, H: r.plane.Height, Flip: flip,
				Scale: 1.1, Neighbors: r.neighbors, Min: r.min, Max: r.max, Cascade: cascade})
		}
	}
	res := runHaarOpenCV(t, jobs)
	total, groups := 0, 0
	for i, r := range runs {
		s := haarScanner{c: c, orients: 2, cvStep: r.cvStep}
		maxSize := r.max
		if maxSize == 0 {
			maxSize = min(r.plane.Width, r.plane.Height)
		}
		s.scan(&r.plane, r.min, maxSize, 1.1, 1)
		for o := range 2 {
			want := res[2*i+o].Rects
			var got [][4]int
			if r.neighbors == 0 {
				got = hitRects(s.hits[o])
				total += len(got)
			} else {
				var gs groupScratch
				got = groupRectsOf(groupRects(nil, s.hits[o], r.neighbors, 0.2, &gs))
				groups += len(got)
			}
			// OpenCV's CascadeClassifier::detectMultiScale ends with
			// clipObjects: every rectangle cut to the image.
			for k, g := range got {
				c := image.Rect(g[0], g[1], g[0]+g[2], g[1]+g[3]).Intersect(image.Rect(0, 0, r.plane.Width, r.plane.Height))
				got[k] = [4]int{c.Min.X, c.Min.Y, c.Dx(), c.Dy()}
			}
			if m, e := sameRects(want, got); m != 0 || e != 0 {
				slices.SortFunc(want, func(a, b [4]int) int { return slices.Compare(a[:], b[:]) })
				slices.SortFunc(got, func(a, b [4]int) int { return slices.Compare(a[:], b[:]) })
				t.Logf("want %v\ngot  %v", want, got)
				t.Errorf("%s min %d step %v neighbours %d orientation %d: %d of OpenCV's %d rectangles missing, %d extra",
					r.name, r.min, map[bool]string{true: "OpenCV's", false: "1"}[r.cvStep], r.neighbors, o, m, len(want), e)
			}
		}
	}
	t.Logf("%d raw windows and %d groups over %d runs, both orientations: all equal to OpenCV's", total, groups, len(runs))
}

// iou is the intersection over union of two rectangles.
func iou(a, b image.Rectangle) float64 {
	in := a.Intersect(b)
	if in.Empty() {
		return 0
	}
	i := float64(in.Dx() * in.Dy())
	return i / (float64(a.Dx()*a.Dy()+b.Dx()*b.Dy()) - i)
}

// TestHaarOpenCVAgreement: Detect with the default options (which scans a
// box-downscaled plane for faces of 40 px and more) against OpenCV's
// detectMultiScale on the full-resolution image and its mirror, with the
// same scale factor, minNeighbors and minimum size: the faces of each
// orientation should match one for one with IoU >= 0.5 for the large
// majority. It also times both on the 1080p frame.
func TestHaarOpenCVAgreement(t *testing.T) {
	dir := t.TempDir()
	cascade := embeddedCascadeFile(t, dir)
	d, err := NewProfileDetector(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	images := slices.Clone(haarImages)
	// The webcam frames of testdata/sequences/cap12: a face turned a
	// little, which the profile cascade finds too, every 15th frame.
	for f := 0; f < 300; f += 15 {
		images = append(images, struct {
			name    string
			minFace int
		}{fmt.Sprintf("sequences/cap12/%06d.jpg", f), 40})
	}
	var jobs []haarCVJob
	planes := make([]preprocess.Plane, len(images))
	for i, im := range images {
		planes[i] = testLuma(t, im.name)
		raw := writeRaw(t, dir, fmt.Sprintf("%d.gray", i), planes[i])
		for _, flip := range []bool{false, true} {
			jobs = append(jobs, haarCVJob{Raw: raw, W: planes[i].Width, H: planes[i].Height, Flip: flip,
				Scale: 1.1, Neighbors: 3, Min: im.minFace, Cascade: cascade})
		}
	}
	res := runHaarOpenCV(t, jobs)
	var nCV, nUs, mCV, mUs int
	for i, im := range images {
		p := planes[i]
		faces, err := d.Detect(nil, p, image.Rect(0, 0, p.Width, p.Height), im.minFace, min(p.Width, p.Height))
		if err != nil {
			t.Fatal(err)
		}
		_ = faces
		k := max(1, im.minFace/d.o.DetectSide)
		for o := range 2 {
			var ours []image.Rectangle
			for _, g := range d.groups[o] {
				ours = append(ours, image.Rect(int(g.x)*k, int(g.y)*k, int(g.x+g.w)*k, int(g.y+g.h)*k))
			}
			var theirs []image.Rectangle
			for _, r := range res[2*i+o].Rects {
				x := r[0]
				if o == 1 {
					x = p.Width - r[0] - r[2]
				}
				theirs = append(theirs, image.Rect(x, r[1], x+r[2], r[1]+r[3]))
			}
			matched := func(a, b []image.Rectangle) int {
				n := 0
				for _, r := range a {
					if slices.ContainsFunc(b, func(q image.Rectangle) bool { return iou(r, q) >= 0.5 }) {
						n++
					}
				}
				return n
			}
			mc, mu := matched(theirs, ours), matched(ours, theirs)
			nCV, nUs, mCV, mUs = nCV+len(theirs), nUs+len(ours), mCV+mc, mUs+mu
			t.Logf("%s (min %d, k %d) orientation %d: OpenCV %d faces, %d matched; ours %d, %d matched", im.name, im.minFace, k, o, len(theirs), mc, len(ours), mu)
		}
	}
	agree := float64(mCV+mUs) / float64(nCV+nUs)
	t.Logf("agreement: %d of OpenCV's %d faces and %d of our %d have a counterpart with IoU >= 0.5 (%.0f%%)", mCV, nCV, mUs, nUs, 100*agree)
	if agree < 0.75 {
		t.Errorf("agreement %.2f, want at least 0.75", agree)
	}

	// Time on the 1080p frame, faces from 96 px, both orientations.
	p := planes[0]
	r := image.Rect(0, 0, p.Width, p.Height)
	faces, _ := d.Detect(nil, p, r, 96, 1080)
	const n = 5
	t0 := time.Now()
	for range n {
		faces, _ = d.Detect(faces[:0], p, r, 96, 1080)
	}
	ours := time.Since(t0) / n
	cv := res[0].MS + res[1].MS
	t.Logf("1920x1080, faces 96-1080 px, both orientations, one thread: ours %.1f ms (%d windows), OpenCV detectMultiScale %.1f ms", float64(ours)/1e6, d.lastWindows, cv)
}
