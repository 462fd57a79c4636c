package facegate

import "testing"

// exposure maps quartiles to the 0..1 scale: the anchors land on the
// default policy's limits, and a face left dark beside a lit cheek (dark
// median, bright upper quartile) reads as under exposed.
func TestExposureAnchors(t *testing.T) {
	p := DefaultPolicy()
	for _, c := range []struct {
		name           string
		q50, q75, clip float64
		under, over    bool
	}{
		{"middle grey", 128, 160, 0, false, false},
		{"dark-skinned face in good light", 80, 110, 0, false, false},
		{"upper quartile at the dark anchor", 40, ExposureDarkQ75 - 1, 0, true, false},
		{"dark median beside a lit cheek", 35, 150, 0, true, false},
		{"median at the dark anchor", ExposureDarkMedian + 1, 150, 0, false, false},
		{"bright median", ExposureBrightMedian, 230, 0, false, true},
		{"clipped", 150, 255, ExposureClippedShare, false, true},
	} {
		e := exposure(c.q50, c.q75, c.clip)
		if under := e < p.MinExposure; under != c.under {
			t.Errorf("%s: exposure %.3f, under exposed %v, want %v", c.name, e, under, c.under)
		}
		if over := e >= p.MaxExposure; over != c.over {
			t.Errorf("%s: exposure %.3f, over exposed %v, want %v", c.name, e, over, c.over)
		}
	}
}
