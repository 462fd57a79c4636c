package facegate_test

import (
	"image"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/facegate/facegate"
	"github.com/facegate/facegate/preprocess"
)

// An RGB frame's luma is converted only where the pipeline reads it (about
// the tracked faces on a local search, whole on a full scan), and its
// scene samples are read from its pixels before a local search and from
// that luma after a full scan. Every Result is the one its luma alone (a
// Gray8 frame of the same luma) gives: the faces with their points, the
// verdict with its values, the quality, the tracks and the scene change,
// on the webcam clip (as recorded and enlarged; local searches and
// rescans, and a full scan on every frame), and on stills: one face,
// several, none, a face only the fallback scans find (dark, turned,
// between the plain scan's windows) and the 1080p frame the benchmarks
// scan, and the same with a target rectangle away from the faces (no
// face, judged by the whole frame's exposure); and two shots alternating,
// a scene cut on every frame.
func TestRGBAEqualsItsLuma(t *testing.T) {
	files, err := filepath.Glob("testdata/sequences/cap12/*.jpg")
	if err != nil || len(files) < 50 {
		t.Fatalf("%d frames, %v", len(files), err)
	}
	var clip, enlarged, stills []*image.RGBA
	for _, name := range files {
		m := loadRGBA(t, strings.TrimPrefix(name, "testdata/"))
		clip = append(clip, m)
		enlarged = append(enlarged, enlarge(m, 3, 2))
	}
	for _, name := range []string{"faces/obama-1080p.jpg", "faces/pigo-sample.jpg", "faces/bob.jpg", "faces/kaggle-mask-172.png", "negatives/chelsea.png"} {
		stills = append(stills, loadRGBA(t, name))
	}
	dark := mapLuma(loadRGBA(t, "faces/obama-480p.jpg"), func(v float64) float64 { return v * 0.2 })
	between, _ := placed(t, 1.1, 0)
	stills = append(stills, dark, between,
		rotated(turnedCrop(t, "dlib-2008_002079.jpg", image.Rect(62, 134, 99, 171)), -25),
		rotated(turnedCrop(t, "dlib-2008_002079.jpg", image.Rect(33, 190, 85, 242)), -35))
	// Two shots alternating: a cut on every frame.
	var shots []*image.RGBA
	for range 4 {
		shots = append(shots, canvas(stills[1], 400, 400, 1, 1), canvas(stills[2], 400, 400, 1, 1))
	}
	for _, rescan := range []int{0, 1} {
		for _, s := range []struct {
			name   string
			frames []*image.RGBA
			stills bool // Reset before each frame
			away   bool // and a target rectangle away from every face
		}{{"clip", clip, false, false}, {"clip-enlarged", enlarged, false, false}, {"stills", stills, true, false}, {"stills-target-away", stills, true, true}, {"cuts", shots, false, false}} {
			rgb := newPipeline(t, nil, &facegate.Options{RescanEvery: rescan})
			gray := newPipeline(t, nil, &facegate.Options{RescanEvery: rescan})
			full, cuts := 0, 0
			for i, m := range s.frames {
				if s.stills {
					rgb.Reset()
					gray.Reset()
				}
				if s.away {
					rgb.SetTarget(image.Rect(0, 0, 4, 4))
					gray.SetTarget(image.Rect(0, 0, 4, 4))
				}
				fr := rgbaFrame(m)
				l, err := fr.Luma(make([]byte, fr.Width*fr.Height))
				if err != nil {
					t.Fatal(err)
				}
				gf := preprocess.Frame{Format: preprocess.Gray8, Width: l.Width, Height: l.Height, Planes: [3][]byte{l.Pix}, Strides: [3]int{l.Stride}}
				a, err := rgb.Process(&fr)
				if err != nil {
					t.Fatal(err)
				}
				b, err := gray.Process(&gf)
				if err != nil {
					t.Fatal(err)
				}
				if a.FullScan {
					full++
				}
				if a.SceneCut {
					cuts++
				}
				if !reflect.DeepEqual(a.Faces, b.Faces) || a.Target != b.Target || a.FullScan != b.FullScan {
					t.Fatalf("%s %d (rescan %d): faces %+v target %d, its luma's %+v target %d", s.name, i, rescan, a.Faces, a.Target, b.Faces, b.Target)
				}
				if a.SceneChange != b.SceneChange || a.SceneCut != b.SceneCut || a.TargetID != b.TargetID || !reflect.DeepEqual(a.TrackIDs, b.TrackIDs) {
					t.Fatalf("%s %d (rescan %d): scene change %v (cut %v), target %d, tracks %v; its luma's %v (%v), %d, %v", s.name, i, rescan,
						a.SceneChange, a.SceneCut, a.TargetID, a.TrackIDs, b.SceneChange, b.SceneCut, b.TargetID, b.TrackIDs)
				}
				if ra, rb := a.Verdict.Reasons(), b.Verdict.Reasons(); !reflect.DeepEqual(ra, rb) || a.Quality != b.Quality {
					t.Fatalf("%s %d (rescan %d): verdict %+v quality %+v, its luma's %+v %+v", s.name, i, rescan, ra, a.Quality, rb, b.Quality)
				}
			}
			if full == 0 {
				t.Errorf("%s, rescan %d: no full scan", s.name, rescan)
			}
			if s.name == "cuts" && cuts < len(shots)-1 {
				t.Errorf("cuts, rescan %d: %d cuts in %d frames", rescan, cuts, len(shots))
			}
		}
	}
}
