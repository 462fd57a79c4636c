package detect

import (
	"errors"
	"image"
	"testing"

	"github.com/facegate/facegate/preprocess"
)

// FuzzParseLBPCascade: whatever the input, ParseLBPCascade returns a
// cascade or an error that is an *LBPError wrapping ErrCascade, never
// panics, and a cascade it returns scans a plane exactly as the reference
// evaluation does (at scale 1, both orientations), scans a pyramid and
// drives a profile HaarDetector without panicking, and without allocating
// once warm. Seeded with small valid cascades and the embedded one, whole
// and cut short; the corpus is in testdata/fuzz/FuzzParseLBPCascade.
func FuzzParseLBPCascade(f *testing.F) {
	f.Add([]byte(handLBPCascade(187)))
	f.Add([]byte(lbpCascadeXML(6, 3, [][4]int{{0, 0, 2, 1}, {0, 0, 1, 1}},
		lbpStageXML{"-1", []lbpStumpXML{{0, []int{187}, "-0.75", "0.25"}, {0, []int{38}, "0.5", "0.125"}}},
		lbpStageXML{"0.", []lbpStumpXML{{1, []int{133}, "-9", "0.25"}}})))
	full := embeddedLBPXML(f)
	f.Add(full)
	f.Add(full[:4096]) // cut in the first stages
	p := fuzzPlane()
	f.Fuzz(func(t *testing.T, b []byte) { checkLBPInput(t, b, &p) })
}

// FuzzLBPCascadeValues: cascades that are valid XML with fuzzed numbers
// (window, grid, subset words, leaves, thresholds), so that the fuzzer
// spends its time on the checks and the evaluation rather than on XML
// syntax: the same properties as FuzzParseLBPCascade, in particular the
// scan equal to the reference evaluation whatever the numbers.
func FuzzLBPCascadeValues(f *testing.F) {
	f.Add(uint8(6), uint8(3), uint8(0), uint8(0), uint8(2), uint8(1), uint64(0), uint64(1)<<59, "1.", "-1.", "0.") // code 187
	f.Add(uint8(20), uint8(34), uint8(2), uint8(5), uint8(3), uint8(4), uint64(0xfffdbfdffb1956e3), uint64(0x8f0b7f1a5d2b9e41), "-0.8", "0.6", "-0.59")
	f.Add(uint8(3), uint8(3), uint8(0), uint8(0), uint8(1), uint8(1), ^uint64(0), uint64(1), "1e-30", "-1e-30", "1e-20")
	p := fuzzPlane()
	f.Fuzz(func(t *testing.T, w, h, x, y, bw, bh uint8, lo, hi uint64, left, right, stageThr string) {
		var codes []int
		for i := range 128 {
			if lo>>i&1 != 0 {
				codes = append(codes, i)
			}
			if hi>>i&1 != 0 {
				codes = append(codes, 128+i)
			}
		}
		xml := lbpCascadeXML(int(w), int(h), [][4]int{{int(x), int(y), int(bw), int(bh)}, {0, 0, 1, 1}},
			lbpStageXML{stageThr, []lbpStumpXML{{0, codes, left, right}, {1, codes[:len(codes)/2], right, left}}})
		checkLBPInput(t, []byte(xml), &p)
	})
}

// checkLBPInput is the fuzz targets' check of one input.
func checkLBPInput(t *testing.T, b []byte, pp *preprocess.Plane) {
	p := *pp
	c, err := ParseLBPCascade(b)
	if err != nil {
		if !errors.Is(err, ErrCascade) {
			t.Fatalf("error %v does not wrap ErrCascade", err)
		}
		var le *LBPError
		if !errors.As(err, &le) {
			t.Fatalf("error %v is not an *LBPError", err)
		}
		return
	}
	if c.width <= p.Width && c.height <= p.Height {
		checkLBPScale1(t, c, &p)
	}
	s := lbpScanner{c: c, orients: 2, cvStep: true}
	s.scan(&p, 1, 48, 1.3, 1)
	d, err := NewProfileLBPDetector(c, &HaarOptions{ScaleFactor: 1.3})
	if err != nil {
		if !errors.Is(err, ErrParams) {
			t.Fatal(err)
		}
		return
	}
	faces := make([]Face, 0, 1024)
	minFace := min(c.width, 40)
	faces, err = d.Detect(faces, p, image.Rect(0, 0, 48, 40), minFace, 48)
	if err != nil {
		t.Fatal(err)
	}
	for _, fc := range faces {
		if !fc.Rect.In(image.Rect(0, 0, 48, 40)) || min(fc.Rect.Dx(), fc.Rect.Dy()) < minFace || fc.Profile == 0 {
			t.Fatalf("face %+v", fc)
		}
	}
	if haarRace {
		return // allocation counts are checked without the race detector
	}
	if n := testing.AllocsPerRun(2, func() { faces, _ = d.Detect(faces[:0], p, image.Rect(0, 0, 48, 40), minFace, 48) }); n != 0 {
		t.Fatalf("%v allocations on a warm detector", n)
	}
}
