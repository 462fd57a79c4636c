//go:build external

package detect

// These tests compare the LBP profile detector with OpenCV's
// CascadeClassifier::detectMultiScale through Debian's python3-opencv,
// with haar_opencv_test.go's helpers and detect/testdata/haar_opencv.py
// (which loads whatever cascade it is given); .ci/run runs them with
// -tags external.

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"image"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/facegate/facegate/preprocess"
)

// embeddedLBPFile writes the embedded LBP cascade, uncompressed, for
// OpenCV to load: both sides read the same bytes.
func embeddedLBPFile(t *testing.T, dir string) string {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(profileLBPGz))
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "lbpcascade_profileface.xml")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// upscalePlane repeats each pixel of p k x k times: the test images'
// faces at k times the size, where the LBP cascade, which finds few faces
// below 40 px, finds some.
func upscalePlane(p preprocess.Plane, k int) preprocess.Plane {
	w, h := p.Width*k, p.Height*k
	u := preprocess.GrayPlane(make([]byte, w*h), w, w, h)
	for y := range h {
		row := p.Row(y / k)
		for x := range w {
			u.Pix[y*w+x] = row[x/k]
		}
	}
	return u
}

// lbpPlanes are the planes the exact test runs on: the Haar tests'
// images (at most about 500 px across) and three of them pixel-doubled.
// Every plane is scanned as it is and mirrored (the mirror of a face
// turned one way is a synthetic face turned the other way), by both
// sides.
func lbpPlanes(t *testing.T) (names []string, planes []preprocess.Plane) {
	for _, im := range haarImages {
		p := testLuma(t, im.name)
		if k := p.Width / 500; k > 1 {
			small := preprocess.GrayPlane(make([]byte, (p.Width/k)*(p.Height/k)), p.Width/k, p.Width/k, p.Height/k)
			var d preprocess.Downscaler
			if err := d.Downscale(small, p, k); err != nil {
				t.Fatal(err)
			}
			p = small
		}
		names = append(names, fmt.Sprintf("%s/%dx%d", im.name, p.Width, p.Height))
		planes = append(planes, p)
	}
	for _, name := range []string{"../detect/testdata/dlib-2008_002079.jpg", "faces/bob.jpg", "sequences/cap12/000150.jpg", "sequences/cap12/000290.jpg"} {
		p := upscalePlane(testLuma(t, name), 2)
		names = append(names, fmt.Sprintf("%s x2/%dx%d", name, p.Width, p.Height))
		planes = append(planes, p)
	}
	// The left of the dlib photograph, where the LBP cascade finds the
	// young man turned to his left, tripled.
	dl := testLuma(t, "../detect/testdata/dlib-2008_002079.jpg")
	left, err := dl.SubPlane(image.Rect(0, 100, 200, 300))
	if err != nil {
		t.Fatal(err)
	}
	names = append(names, "dlib-2008_002079.jpg 0,100-200,300 x3/600x600")
	planes = append(planes, upscalePlane(left, 3))
	return names, planes
}

// clipRects is OpenCV's clipObjects, which CascadeClassifier's
// detectMultiScale ends with: every rectangle cut to the image.
func clipRects(rs [][4]int, w, h int) [][4]int {
	for k, g := range rs {
		c := image.Rect(g[0], g[1], g[0]+g[2], g[1]+g[3]).Intersect(image.Rect(0, 0, w, h))
		rs[k] = [4]int{c.Min.X, c.Min.Y, c.Dx(), c.Dy()}
	}
	return rs
}

// TestLBPOpenCVExact: on the plane OpenCV is given, with OpenCV's step
// rule, the raw windows (minNeighbors 0) and the grouped faces
// (minNeighbors 1 and 3) of each orientation are exactly
// detectMultiScale's with lbpcascade_profileface.xml on the plane and on
// the mirrored plane; with our default step of 1 and windows of 40 px
// wide and more (where OpenCV's step is 1 too), likewise. No tolerance.
func TestLBPOpenCVExact(t *testing.T) {
	dir := t.TempDir()
	cascade := embeddedLBPFile(t, dir)
	c, err := ProfileLBPCascade()
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
	names, planes := lbpPlanes(t)
	for i, p := range planes {
		runs = append(runs,
			run{names[i], p, 20, 0, true, 0},
			run{names[i], p, 20, 0, true, 1},
			run{names[i], p, 20, 0, true, 3},
			run{names[i], p, 40 + 3*i, 300, false, 0},
			run{names[i], p, 40 + 3*i, 0, false, 1},
			run{names[i], p, 40 + 3*i, 0, false, 3})
	}
	var jobs []haarCVJob
	for i, r := range runs {
		raw := writeRaw(t, dir, fmt.Sprintf("%d.gray", i), r.plane)
		for _, flip := range []bool{false, true} {
			jobs = append(jobs, haarCVJob{Raw: raw, W: r.plane.Width, H: r.plane.Height, Flip: flip,
				Scale: 1.1, Neighbors: r.neighbors, Min: r.min, Max: r.max, Cascade: cascade})
		}
	}
	t0 := time.Now()
	res := runHaarOpenCV(t, jobs)
	t.Logf("OpenCV: %v", time.Since(t0))
	t0 = time.Now()
	defer func() { t.Logf("ours: %v", time.Since(t0)) }()
	var total, groups [4]int // by neighbours
	for i, r := range runs {
		s := lbpScanner{c: c, orients: 2, cvStep: r.cvStep}
		maxSize := r.max
		if maxSize == 0 {
			maxSize = max(r.plane.Width, r.plane.Height)
		}
		s.scan(&r.plane, r.min, maxSize, 1.1, 1)
		for o := range 2 {
			want := res[2*i+o].Rects
			var got [][4]int
			if r.neighbors == 0 {
				got = hitRects(s.hits[o])
				total[0] += len(got)
			} else {
				var gs groupScratch
				got = groupRectsOf(groupRects(nil, s.hits[o], r.neighbors, 0.2, &gs))
				groups[r.neighbors] += len(got)
			}
			got = clipRects(got, r.plane.Width, r.plane.Height)
			if m, e := sameRects(want, got); m != 0 || e != 0 {
				slices.SortFunc(want, func(a, b [4]int) int { return slices.Compare(a[:], b[:]) })
				slices.SortFunc(got, func(a, b [4]int) int { return slices.Compare(a[:], b[:]) })
				t.Logf("want %v\ngot  %v", want, got)
				t.Errorf("%s min %d step %v neighbours %d orientation %d: %d of OpenCV's %d rectangles missing, %d extra",
					r.name, r.min, map[bool]string{true: "OpenCV's", false: "1"}[r.cvStep], r.neighbors, o, m, len(want), e)
			}
		}
	}
	t.Logf("%d raw windows, %d groups of 2+ and %d of 4+ windows over %d runs, both orientations: all equal to OpenCV's",
		total[0], groups[1], groups[3], len(runs))
	if groups[3] == 0 {
		t.Error("no group of 4+ windows: the grouping is not compared")
	}
}

// TestLBPOpenCVDetect: Detect itself against detectMultiScale on the
// whole image and its mirror (Detect's faces of each Profile against
// OpenCV's on the image or on the mirror, mirrored back). Without
// downscaling (DetectSide at least minFace) and with faces from 40 px
// wide, where OpenCV's step is 1 as Detect's, the faces are OpenCV's
// exactly, with minNeighbors 1 and 3. (Two cases would differ, and do not
// occur here: a box that rounding leaves sticking out of the image, which
// OpenCV clips and Detect moves inside, and faces of opposite
// orientations overlapping by MergeIoU, which Detect merges.) With the
// default options (the plane box-downscaled by minFace/20, step 1 at every
// scale) they are near OpenCV's: logged, as matches with IoU >= 0.5. It
// also times both on a 1280x720 frame.
func TestLBPOpenCVDetect(t *testing.T) {
	dir := t.TempDir()
	cascade := embeddedLBPFile(t, dir)
	def, err := NewProfileLBPDetector(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	names, planes := lbpPlanes(t)
	const minFace = 40
	neighbours := []int{1, 3} // the last is the default's
	var jobs []haarCVJob
	for i, p := range planes {
		raw := writeRaw(t, dir, fmt.Sprintf("%d.gray", i), p)
		for _, n := range neighbours {
			for _, flip := range []bool{false, true} {
				jobs = append(jobs, haarCVJob{Raw: raw, W: p.Width, H: p.Height, Flip: flip,
					Scale: 1.1, Neighbors: n, Min: minFace, Cascade: cascade})
			}
		}
	}
	// The 1080p photograph cropped to 1280x720 around the face, for the
	// timing; faces from 96 px.
	full := testLuma(t, "faces/obama-1080p.jpg")
	hd, err := full.SubPlane(image.Rect(320, 180, 1600, 900))
	if err != nil {
		t.Fatal(err)
	}
	hdRaw := writeRaw(t, dir, "hd.gray", hd)
	for _, flip := range []bool{false, true} {
		jobs = append(jobs, haarCVJob{Raw: hdRaw, W: hd.Width, H: hd.Height, Flip: flip, Scale: 1.1, Neighbors: 3, Min: 96, Cascade: cascade})
	}
	res := runHaarOpenCV(t, jobs)
	// theirs is OpenCV's faces of job j's orientation o in the plane's
	// coordinates.
	theirs := func(j, o int, w int) [][4]int {
		var out [][4]int
		for _, r := range res[j+o].Rects {
			if o == 1 {
				r[0] = w - r[0] - r[2]
			}
			out = append(out, r)
		}
		return out
	}
	// ours is Detect's faces of Profile o (0 nose left, 1 nose right).
	ours := func(faces []Face, o int) [][4]int {
		var out [][4]int
		for _, f := range faces {
			if f.Profile == [2]Profile{ProfileNoseLeft, ProfileNoseRight}[o] {
				out = append(out, [4]int{f.Rect.Min.X, f.Rect.Min.Y, f.Rect.Dx(), f.Rect.Dy()})
			}
		}
		return out
	}
	matched := func(a, b [][4]int) int {
		n := 0
		for _, x := range a {
			if slices.ContainsFunc(b, func(y [4]int) bool {
				return iou(image.Rect(x[0], x[1], x[0]+x[2], x[1]+x[3]), image.Rect(y[0], y[1], y[0]+y[2], y[1]+y[3])) >= 0.5
			}) {
				n++
			}
		}
		return n
	}
	var nExact [4]int
	nCV, nUs, mCV, mUs := 0, 0, 0, 0
	for i, p := range planes {
		r := image.Rect(0, 0, p.Width, p.Height)
		for k, n := range neighbours {
			j := 2 * (len(neighbours)*i + k) // the job of the image and neighbours
			exact, err := NewProfileLBPDetector(nil, &HaarOptions{DetectSide: 4096, MinNeighbors: n})
			if err != nil {
				t.Fatal(err)
			}
			faces, err := exact.Detect(nil, p, r, minFace, max(p.Width, p.Height))
			if err != nil {
				t.Fatal(err)
			}
			for o := range 2 {
				got, want := ours(faces, o), theirs(j, o, p.Width)
				if m, e := sameRects(want, got); m != 0 || e != 0 {
					t.Errorf("%s orientation %d neighbours %d: Detect %v, OpenCV %v", names[i], o, n, got, want)
				}
				nExact[n] += len(got)
			}
		}
		faces, err := def.Detect(nil, p, r, minFace, max(p.Width, p.Height))
		if err != nil {
			t.Fatal(err)
		}
		j := 2 * (len(neighbours)*i + len(neighbours) - 1)
		for o := range 2 {
			got, want := ours(faces, o), theirs(j, o, p.Width)
			mc, mu := matched(want, got), matched(got, want)
			nCV, nUs, mCV, mUs = nCV+len(want), nUs+len(got), mCV+mc, mUs+mu
			if len(want)+len(got) > 0 {
				t.Logf("%s orientation %d, default options: OpenCV %d faces, %d matched; ours %d, %d matched", names[i], o, len(want), mc, len(got), mu)
			}
		}
	}
	t.Logf("without downscaling: %d faces with minNeighbors 1 and %d with 3, all OpenCV's", nExact[1], nExact[3])
	t.Logf("default options: %d of OpenCV's %d faces and %d of our %d have a counterpart with IoU >= 0.5", mCV, nCV, mUs, nUs)
	if nExact[3] == 0 {
		t.Error("no faces: the exact comparison compares nothing")
	}

	// Time on the 1280x720 crop, faces from 96 px, both orientations.
	r := image.Rect(0, 0, hd.Width, hd.Height)
	faces, _ := def.Detect(nil, hd, r, 96, 720)
	const n = 10
	t0 := time.Now()
	for range n {
		faces, _ = def.Detect(faces[:0], hd, r, 96, 720)
	}
	took := time.Since(t0) / n
	t.Logf("1280x720, faces 96-720 px, both orientations, one thread: ours %.2f ms (%d windows), OpenCV detectMultiScale on the full-resolution frame %.1f ms",
		float64(took)/1e6, def.lastWindows, res[len(res)-2].MS+res[len(res)-1].MS)
}
