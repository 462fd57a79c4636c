//go:build external

package preprocess

// These tests compare with OpenCV through Debian's python3-opencv; .ci/run
// installs it and runs them with -tags external. Set FACEGATE_PYTHON to choose
// the interpreter (default: the first of /usr/bin/python3 and python3 that
// imports cv2).

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
)

func opencvPython(t *testing.T) string {
	t.Helper()
	cands := []string{os.Getenv("FACEGATE_PYTHON"), "/usr/bin/python3", "python3"}
	for _, c := range cands {
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

type cvJob struct {
	Op     string `json:"op"`
	In     string `json:"in"`
	W      int    `json:"w"`
	H      int    `json:"h"`
	Cn     int    `json:"cn"`
	Dw     int    `json:"dw,omitempty"`
	Dh     int    `json:"dh,omitempty"`
	Interp string `json:"interp,omitempty"`
	Out    string `json:"out"`
}

// runOpenCV runs the jobs in one Python process.
func runOpenCV(t *testing.T, jobs []cvJob) {
	t.Helper()
	in, err := json.Marshal(jobs)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(opencvPython(t), filepath.Join("testdata", "opencv_ref.py"))
	cmd.Stdin = bytes.NewReader(in)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("opencv_ref.py: %v\n%s", err, out)
	}
	t.Logf("OpenCV %s", bytes.TrimSpace(out))
}

func writePlane(t *testing.T, dir, name string, p Plane) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, packed(p).Pix, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestOpenCVResize: Area and Bilinear within +-1 of cv2.resize on real
// images, gray, RGB and RGBA, down and up, integer and fractional factors.
func TestOpenCVResize(t *testing.T) {
	dir := t.TempDir()
	gray := testGray(t, "faces/obama-1080p.jpg")
	face := sub(t, gray, image.Rect(700, 100, 1220, 700))
	rgba := testRGBA(t, "faces/pigo-sample.jpg")
	rgb := newPlane(rgba.Width, rgba.Height, 3)
	for i := 0; i < rgba.Width*rgba.Height; i++ {
		copy(rgb.Pix[3*i:3*i+3], rgba.Pix[4*i:])
	}
	chelsea := testGray(t, "negatives/chelsea.png")
	type tc struct {
		name   string
		src    Plane
		dw, dh int
	}
	cases := []tc{
		{"obama-1080p", gray, 480, 270},
		{"obama-1080p", gray, 640, 360},
		{"obama-1080p", gray, 384, 216},
		{"obama-1080p", gray, 800, 450},
		{"obama-1080p", gray, 700, 400},
		{"obama-1080p", gray, 1280, 720},
		{"obama-face", face, 128, 128},
		{"obama-face", face, 347, 401},
		{"obama-face", face, 700, 809},
		{"pigo-rgba", rgba, 160, 200},
		{"pigo-rgba", rgba, 213, 267},
		{"pigo-rgb", rgb, 107, 133},
		{"pigo-rgb", rgb, 500, 625},
		{"chelsea", chelsea, 150, 100},
		{"chelsea", chelsea, 451, 77},
	}
	var jobs []cvJob
	inputs := map[string]string{}
	for _, c := range cases {
		in, ok := inputs[c.name]
		if !ok {
			in = writePlane(t, dir, c.name+".raw", c.src)
			inputs[c.name] = in
		}
		for _, interp := range []string{"area", "linear"} {
			jobs = append(jobs, cvJob{Op: "resize", In: in, W: c.src.Width, H: c.src.Height, Cn: c.src.channels(),
				Dw: c.dw, Dh: c.dh, Interp: interp, Out: filepath.Join(dir, fmt.Sprintf("%s-%dx%d-%s.out", c.name, c.dw, c.dh, interp))})
		}
	}
	runOpenCV(t, jobs)
	for i, j := range jobs {
		c := cases[i/2]
		f := Area
		if j.Interp == "linear" {
			f = Bilinear
		}
		want, err := os.ReadFile(j.Out)
		if err != nil {
			t.Fatal(err)
		}
		rz, err := NewResizer(c.src.Width, c.src.Height, c.dw, c.dh, c.src.channels(), f)
		if err != nil {
			t.Fatal(err)
		}
		got := newPlane(c.dw, c.dh, c.src.channels())
		if err := rz.Resize(got, c.src); err != nil {
			t.Fatal(err)
		}
		if len(want) != len(got.Pix) {
			t.Fatalf("%s: OpenCV wrote %d bytes, want %d", j.Out, len(want), len(got.Pix))
		}
		worst, off := 0, 0
		for k := range want {
			d := int(got.Pix[k]) - int(want[k])
			d = max(d, -d)
			worst = max(worst, d)
			if d != 0 {
				off++
			}
		}
		t.Logf("%-12s %dx%dx%d -> %dx%d %-8v max |diff| %d, %6.3f%% of samples differ",
			c.name, c.src.Width, c.src.Height, c.src.channels(), c.dw, c.dh, f, worst, 100*float64(off)/float64(len(want)))
		if worst > 1 {
			t.Errorf("%s %dx%d %v: max |diff| %d against cv2.resize, want <= 1", c.name, c.dw, c.dh, f, worst)
		}
	}
}

// TestOpenCVLaplacianVariance: within 1e-6 relative of
// cv2.Laplacian(img, cv2.CV_64F).var().
func TestOpenCVLaplacianVariance(t *testing.T) {
	dir := t.TempDir()
	names := []string{"faces/obama-480p.jpg", "faces/obama-1080p.jpg", "faces/pigo-sample.jpg", "faces/bob.jpg", "negatives/chelsea.png"}
	var jobs []cvJob
	var planes []Plane
	for i, n := range names {
		p := testGray(t, n)
		planes = append(planes, p)
		in := writePlane(t, dir, strconv.Itoa(i)+".raw", p)
		jobs = append(jobs, cvJob{Op: "laplacian_var", In: in, W: p.Width, H: p.Height, Cn: 1, Out: in + ".var"})
	}
	// Odd-sized crops exercise the border columns and the kernel tails.
	crop := sub(t, planes[2], image.Rect(13, 7, 13+151, 7+97))
	planes = append(planes, crop)
	names = append(names, "pigo crop 151x97")
	in := writePlane(t, dir, "crop.raw", crop)
	jobs = append(jobs, cvJob{Op: "laplacian_var", In: in, W: crop.Width, H: crop.Height, Cn: 1, Out: in + ".var"})
	runOpenCV(t, jobs)
	for i, j := range jobs {
		b, err := os.ReadFile(j.Out)
		if err != nil {
			t.Fatal(err)
		}
		want, err := strconv.ParseFloat(string(b), 64)
		if err != nil {
			t.Fatal(err)
		}
		p := packed(planes[i])
		got, err := LaplacianVariance(p, image.Rect(0, 0, p.Width, p.Height))
		if err != nil {
			t.Fatal(err)
		}
		rel := math.Abs(got-want) / want
		t.Logf("%-24s ours %.10g  OpenCV %.10g  relative %.2g", names[i], got, want, rel)
		if rel > 1e-6 {
			t.Errorf("%s: relative difference %.3g > 1e-6", names[i], rel)
		}
	}
}
