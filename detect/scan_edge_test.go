package detect

import (
	"fmt"
	"image"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/facegate/facegate/preprocess"
)

// cropStrided copies r of p into a plane whose stride is pad bytes more
// than its width.
func cropStrided(p preprocess.Plane, r image.Rectangle, pad int) preprocess.Plane {
	w := r.Dx()
	c := preprocess.GrayPlane(make([]byte, (w+pad)*r.Dy()), w+pad, w, r.Dy())
	for y := range r.Dy() {
		copy(c.Pix[y*c.Stride:y*c.Stride+w], p.Pix[(r.Min.Y+y)*p.Stride+r.Min.X:])
		for x := w; x < w+pad; x++ {
			c.Pix[y*c.Stride+x] = byte(31 * x) // padding the scan must not read
		}
	}
	return c
}

// The scan's row kernels at the edges of their blocks: planes cut from a
// face photograph (so that windows pass every stage) whose rows hold,
// at the smallest window, just below, at and just above 32, 64 and 96
// positions (firstTreeRow's whole blocks and tailPattern's last block),
// one position, or none (a plane narrower or lower than a window), with
// odd and even strides, give exactly pigo's windows with every first-tree
// kernel the CPU runs and without the first tree along the rows, from
// one Scanner reused across all of the sizes (its probe tables filled per
// tree on first use for each stride and scale).
func TestScanRowEdgesEqualsPigo(t *testing.T) {
	pg := pigoFace(t)
	sc := NewScanner(mustCascades(t).Face)
	// obama-480p shrunk 4 times: its face (a box of 128 at 377,41) is
	// about 32 pixels, at the smallest windows' scales.
	full := testLuma(t, "faces/obama-480p.jpg")
	src := preprocess.GrayPlane(make([]byte, (full.Width/4)*(full.Height/4)), full.Width/4, full.Width/4, full.Height/4)
	for y := range src.Height {
		for x := range src.Width {
			sum := 0
			for k := range 16 {
				sum += int(full.Pix[(4*y+k/4)*full.Stride+4*x+k%4])
			}
			src.Pix[y*src.Stride+x] = byte((sum + 8) / 16)
		}
	}
	defer func(v bool, k int) { leafRows, firstKernel = v, k }(leafRows, firstKernel)
	sp := ScanParams{MinSize: 20, MaxSize: 1000, ShiftFactor: 0.05, ScaleFactor: 1.1}
	off := sp.MinSize/2 + 1
	total := 0
	for _, npos := range []int{-3, 0, 1, 31, 32, 33, 63, 64, 65, 95, 96, 97, 129} {
		for _, rows := range []int{sp.MinSize - 1, 2*off - 1, 57} {
			for _, pad := range []int{0, 1, 7} {
				w := max(1, npos+2*off-1)
				// Centred on the face (about 110, 26).
				x0, y0 := max(0, 110-w/2), max(0, 26-rows/2)
				r := image.Rect(x0, y0, x0+w, y0+rows).Intersect(image.Rect(0, 0, src.Width, src.Height))
				p := cropStrided(src, r, pad)
				want := toWindows(pg.RunCascade(pigoParams(p, sp), 0))
				total += len(want)
				for _, kern := range append([]int{-1}, firstKernels()...) {
					leafRows, firstKernel = kern >= 0, max(kern, 0)
					got, err := sc.Scan(nil, p, sp)
					if err != nil {
						t.Fatal(err)
					}
					compareWindows(t, fmt.Sprintf("%dx%d stride %d, kernel %d", p.Width, p.Height, p.Stride, kern), got, want)
				}
			}
		}
	}
	t.Logf("%d windows in all", total)
	if total < 100 {
		t.Fatalf("%d windows on the cut planes, want the face's", total)
	}
}

// A Detector reused across frame sizes (shrinking and growing, odd
// strides, the same size again) and at the extremes of MinFace and
// MaxFace finds exactly what a fresh Detector finds on each frame, with
// one worker and with two.
func TestDetectorReusedAcrossSizes(t *testing.T) {
	big := testLuma(t, "faces/obama-480p.jpg")
	small := testLuma(t, "faces/pigo-sample.jpg")
	planes := []preprocess.Plane{
		big,
		cropStrided(small, image.Rect(0, 0, small.Width, small.Height), 3),
		cropStrided(big, image.Rect(101, 7, big.Width-33, big.Height-1), 1),
		small,
		big,
		cropStrided(big, image.Rect(0, 0, 23, 19), 0), // smaller than MinFace
	}
	for _, workers := range []int{1, 2} {
		o := Options{MinFace: 20, Workers: workers, SkipLandmarks: true}
		reused, err := NewDetector(nil, &o)
		if err != nil {
			t.Fatal(err)
		}
		for i, p := range planes {
			for _, lim := range [][2]int{{20, min(p.Width, p.Height)}, {1, 1 << 20}, {min(p.Width, p.Height), min(p.Width, p.Height)}, {90, 91}} {
				fresh, err := NewDetector(nil, &o)
				if err != nil {
					t.Fatal(err)
				}
				region := image.Rect(0, 0, p.Width, p.Height)
				want, err1 := fresh.DetectRegion(nil, p, region, lim[0], lim[1])
				got, err2 := reused.DetectRegion(nil, p, region, lim[0], lim[1])
				if (err1 == nil) != (err2 == nil) {
					t.Fatalf("workers %d, plane %d, sizes %v: errors %v and %v", workers, i, lim, err2, err1)
				}
				if !slices.Equal(got, want) || !slices.Equal(reused.raw, fresh.raw) {
					t.Fatalf("workers %d, plane %d (%dx%d stride %d), sizes %v: reused detector %d faces (%d windows), fresh %d (%d)",
						workers, i, p.Width, p.Height, p.Stride, lim, len(got), len(reused.raw), len(want), len(fresh.raw))
				}
			}
		}
	}
}

// TestLowest: the lowest score that bounds a stage (lowest, by lowest8
// where the CPU runs it, and lowestGeneric) equals the smallest of the
// scores, as min finds it, for every length from 1 to 70
// (the four running minima and the tail), with the smallest at every
// position, on random scores, ties and both zeros (equal as floats).
func TestLowest(t *testing.T) {
	rng := rand.New(rand.NewPCG(47, 53))
	kernel := lowestKernel
	defer func() { lowestKernel = kernel }()
	for n := 1; n <= 70; n++ {
		for at := range n {
			s := make([]float32, n)
			for k := range s {
				s[k] = rng.Float32()*20 - 5
				if n%5 == 0 {
					s[k] = float32(rng.IntN(3)) // ties
				}
			}
			s[at] = -6 - rng.Float32()
			if n%7 == 0 {
				s[at] = 0 // with -0 elsewhere: either zero is the lowest
				s[(at+1)%n] = float32(math.Copysign(0, -1))
				for k := range s {
					if k != at && k != (at+1)%n {
						s[k] = 1 + rng.Float32()
					}
				}
			}
			want := s[0]
			for _, v := range s[1:] {
				want = min(want, v)
			}
			for _, kern := range []bool{true, false} {
				lowestKernel = kern && kernel
				if got := lowest(s); got != want {
					t.Fatalf("kernel %v: %d scores, lowest at %d: lowest %v, min %v (%v)", lowestKernel, n, at, got, want, s)
				}
			}
			if got := lowestGeneric(s); got != want {
				t.Fatalf("%d scores, lowest at %d: lowestGeneric %v, min %v (%v)", n, at, got, want, s)
			}
		}
	}
}
