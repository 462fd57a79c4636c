package detect

import (
	"errors"
	"image"
	"math"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/facegate/facegate/preprocess"
)

// FuzzParseCascade: truncated, corrupt or absurd cascades give ErrCascade,
// never a panic, and whatever parses can run.
func FuzzParseCascade(f *testing.F) {
	face, err := os.ReadFile("cascades/facefinder")
	if err != nil {
		f.Fatal(err)
	}
	loc, _ := os.ReadFile("cascades/puploc")
	f.Add(face[:16+(4*64-4+4*64+4)]) // header and one tree of a 468-tree file
	f.Add(face[:100])
	f.Add(loc[:16])
	f.Add(loc[:5000])
	small := append([]byte{0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0}, 0, 0, 0, 0, 0, 0, 0x80, 0x3f, 0, 0, 0, 0xbf, 0, 0, 0, 0)
	f.Add(small) // a valid one-tree face cascade of depth 1
	f.Fuzz(func(t *testing.T, b []byte) {
		if c, err := ParseFaceCascade(b); err != nil {
			if !errors.Is(err, ErrCascade) {
				t.Fatalf("error %v does not wrap ErrCascade", err)
			}
		} else {
			p := preprocess.GrayPlane(make([]byte, 32*32), 32, 32, 32)
			if _, err := NewScanner(c).Scan(nil, p, ScanParams{MinSize: 4, MaxSize: 32, ShiftFactor: 0.2, ScaleFactor: 1.3}); err != nil {
				t.Fatal(err)
			}
		}
		if c, err := ParseLocCascade(b); err != nil {
			if !errors.Is(err, ErrCascade) {
				t.Fatalf("error %v does not wrap ErrCascade", err)
			}
		} else {
			p := preprocess.GrayPlane(make([]byte, 32*32), 32, 32, 32)
			var s locScratch
			c.locate(&p, 16, 16, 8, 5, newPerturbations(1), true, &s)
		}
	})
}

// FuzzDetect: random planes of random sizes and strides never panic and, once
// warm, never allocate.
func FuzzDetect(f *testing.F) {
	f.Add(uint64(1), uint16(64), uint16(48), uint8(0))
	f.Add(uint64(2), uint16(1), uint16(1), uint8(3))
	f.Add(uint64(3), uint16(300), uint16(17), uint8(1))
	d, err := NewDetector(nil, &Options{MinFace: 16, MinScore: -1, Perturbs: 9})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, seed uint64, w, h uint16, pad uint8) {
		w, h = w%400+1, h%400+1
		r := rand.New(rand.NewPCG(seed, 0))
		stride := int(w) + int(pad)
		pix := make([]byte, stride*int(h))
		for i := range pix {
			pix[i] = byte(r.Uint32())
		}
		p := preprocess.GrayPlane(pix, stride, int(w), int(h))
		faces, err := d.Detect(make([]Face, 0, 64), p)
		if err != nil {
			t.Fatal(err)
		}
		for _, fc := range faces {
			if fc.PupilsFound && (fc.EyeDistance < 0 || fc.EyeDistance > float64(w)+float64(h)) {
				t.Fatalf("eye distance %v in a %dx%d plane", fc.EyeDistance, w, h)
			}
		}
		if n := testing.AllocsPerRun(2, func() { _, _ = d.Detect(faces[:0], p) }); n != 0 && len(faces) < cap(faces) {
			t.Fatalf("%v allocations on a warm detector", n)
		}
	})
}

// FuzzLocalise: any face rectangle, however huge, inverted or far outside
// the plane, gives ErrParams or a localisation, never a panic (issue 14: a
// 2^33 px box overflowed the bounds arithmetic), and pupils found lie near
// the plane, and a pose found is a measured one.
func FuzzLocalise(f *testing.F) {
	f.Add(int64(40), int64(30), int64(160), int64(150), uint16(200), uint16(150))
	f.Add(int64(0), int64(0), int64(1)<<33, int64(1)<<33, uint16(200), uint16(150))
	f.Add(int64(-1)<<62, int64(-1)<<62, int64(1)<<62, int64(1)<<62, uint16(64), uint16(64))
	f.Add(int64(math.MinInt64), int64(0), int64(math.MaxInt64), int64(10), uint16(64), uint16(64))
	f.Add(int64(-40), int64(-40), int64(120), int64(120), uint16(200), uint16(150))
	f.Add(int64(10), int64(10), int64(5), int64(5), uint16(1), uint16(1))
	d, err := NewDetector(nil, &Options{Perturbs: 5})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, x0, y0, x1, y1 int64, w, h uint16) {
		w, h = w%300+1, h%300+1
		pix := make([]byte, int(w)*int(h))
		for i := range pix {
			pix[i] = byte(i*7 + i/int(w)*13)
		}
		p := preprocess.GrayPlane(pix, int(w), int(w), int(h))
		fc := Face{Rect: image.Rectangle{Min: image.Point{X: int(x0), Y: int(y0)}, Max: image.Point{X: int(x1), Y: int(y1)}}}
		if err := d.Localise(&fc, p); err != nil {
			if !errors.Is(err, ErrParams) {
				t.Fatalf("box %v: error %v does not wrap ErrParams", fc.Rect, err)
			}
			return
		}
		lim := 4 * float64(max(w, h))
		for _, q := range fc.Pupils {
			if fc.PupilsFound && (math.Abs(q.X) > lim || math.Abs(q.Y) > lim) {
				t.Fatalf("box %v in a %dx%d plane: pupil at %v", fc.Rect, w, h, q)
			}
		}
		// A pose found is a measured one: finite angles within the
		// mapping's range, from landmark geometry MeasurePose takes.
		if fc.PoseFound {
			_, ok := MeasurePose(&fc)
			p := fc.Pose
			if !ok || math.IsNaN(p.Yaw+p.Pitch+p.Roll) || math.Abs(p.Yaw) > yawLinear+yawCurve+1e-9 || math.Abs(p.Pitch) > maxPoseDeg || math.Abs(p.Roll) > 180 {
				t.Fatalf("box %v in a %dx%d plane: pose %+v (measured %v)", fc.Rect, w, h, p, ok)
			}
		}
	})
}
