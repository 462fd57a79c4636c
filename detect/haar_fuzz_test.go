package detect

import (
	"bytes"
	"compress/gzip"
	"errors"
	"image"
	"io"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/facegate/facegate/preprocess"
)

// FuzzParseHaarCascade: whatever the input, ParseHaarCascade returns a
// cascade or an error wrapping ErrCascade, never panics, and a cascade it
// returns can scan a plane (both orientations, batched and serial paths
// agreeing) and drive a HaarDetector without panicking or allocating
// once warm. Seeded with small valid cascades and the head of the
// embedded one; the corpus is in testdata/fuzz/FuzzParseHaarCascade.
func FuzzParseHaarCascade(f *testing.F) {
	f.Add([]byte(edgeCascade("1.5")))
	f.Add([]byte(tinyCascadeXML(5, "-0.25", haarRectXML{0, 0, 5, 4, "-1."}, haarRectXML{1, 1, 3, 1, "3."}, haarRectXML{1, 2, 3, 1, "-2."})))
	f.Add([]byte(tinyCascadeXML(4, "1e-3", haarRectXML{0, 0, 2, 4, "0.5"})))
	zr, err := gzip.NewReader(bytes.NewReader(profileCascadeGz))
	if err != nil {
		f.Fatal(err)
	}
	full, err := io.ReadAll(zr)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(full[:4096]) // truncated in the first stages
	p := fuzzPlane()
	f.Fuzz(func(t *testing.T, b []byte) { checkHaarInput(t, b, &p) })
}

// FuzzHaarCascadeValues: cascades that are valid XML with fuzzed numbers
// (window, rectangles, weights, thresholds, leaves), so that the fuzzer
// spends its time on the checks and the evaluation rather than on XML
// syntax: the same properties as FuzzParseHaarCascade, and in particular
// the batched scan equal to the serial one whatever the numbers.
func FuzzHaarCascadeValues(f *testing.F) {
	f.Add(uint8(6), uint8(3), uint8(0), uint8(3), uint8(6), int16(2), "1.5", "-1.", "1.", "0.", false)
	f.Add(uint8(20), uint8(5), uint8(2), uint8(7), uint8(9), int16(3), "-1e-3", "0.25", "-0.75", "-0.5", true)
	f.Add(uint8(4), uint8(0), uint8(0), uint8(1), uint8(1), int16(-7), "1e-30", "1e-30", "-1e-30", "1e-20", false)
	p := fuzzPlane()
	f.Fuzz(func(t *testing.T, side, x, y, w, h uint8, weight int16, thr, left, right, stageThr string, third bool) {
		rects := []haarRectXML{{0, 0, int(side), int(side), "-1."}, {int(x), int(y), int(w), int(h), strconv.Itoa(int(weight))}}
		if third {
			rects = append(rects, haarRectXML{int(y), int(x), int(h), int(w), strconv.FormatFloat(float64(weight)/3, 'g', -1, 64)})
		}
		xml := tinyCascadeXML(int(side), thr, rects...)
		xml = strings.Replace(xml, "-1. 1.</leafValues>", left+" "+right+"</leafValues>", 1)
		xml = strings.Replace(xml, "<stageThreshold>0.", "<stageThreshold>"+stageThr, 1)
		checkHaarInput(t, []byte(xml), &p)
	})
}

// fuzzPlane is a 48x40 plane of noise.
func fuzzPlane() preprocess.Plane {
	p := preprocess.GrayPlane(make([]byte, 48*40), 48, 48, 40)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range p.Pix {
		p.Pix[i] = byte(r.Uint32())
	}
	return p
}

// checkHaarInput is the fuzz targets' check of one input.
func checkHaarInput(t *testing.T, b []byte, pp *preprocess.Plane) {
	p := *pp
	c, err := ParseHaarCascade(b)
	if err != nil {
		if !errors.Is(err, ErrCascade) {
			t.Fatalf("error %v does not wrap ErrCascade", err)
		}
		var he *HaarError
		if !errors.As(err, &he) {
			t.Fatalf("error %v is not a *HaarError", err)
		}
		return
	}
	var hits [2][2][]haarHit
	for i, serial := range []bool{false, true} {
		s := haarScanner{c: c, orients: 2, serial: serial}
		s.scan(&p, 1, 40, 1.3, 1)
		hits[i] = s.hits
	}
	for o := range 2 {
		a, b := hits[0][o], hits[1][o]
		slices.SortFunc(a, cmpHit)
		slices.SortFunc(b, cmpHit)
		if !slices.Equal(a, b) {
			t.Fatalf("orientation %d: batched %d windows, serial %d, not equal", o, len(a), len(b))
		}
	}
	if c.width > 40 {
		return // no window fits the plane
	}
	d, err := NewProfileDetector(c, &HaarOptions{ScaleFactor: 1.3})
	if err != nil {
		if !errors.Is(err, ErrParams) {
			t.Fatal(err)
		}
		return
	}
	faces := make([]Face, 0, 1024)
	faces, err = d.Detect(faces, p, image.Rect(0, 0, 48, 40), c.width, 40)
	if err != nil {
		t.Fatal(err)
	}
	for _, fc := range faces {
		if !fc.Rect.In(image.Rect(0, 0, 48, 40)) || fc.Rect.Dx() != fc.Rect.Dy() || fc.Profile == 0 {
			t.Fatalf("face %+v", fc)
		}
	}
	if haarRace {
		return // allocation counts are checked without the race detector
	}
	if n := testing.AllocsPerRun(2, func() { faces, _ = d.Detect(faces[:0], p, image.Rect(0, 0, 48, 40), c.width, 40) }); n != 0 {
		t.Fatalf("%v allocations on a warm detector", n)
	}
}
