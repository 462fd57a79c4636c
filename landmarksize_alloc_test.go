//go:build !race

package facegate_test

import "testing"

// A face near the minimum costs the landmark network no allocation, on
// every frame of a stream and from a Reset.
func TestLandmarkSizeAllocs(t *testing.T) {
	f := nearMinimum(t)
	pl := lmPipeline(t, nil)
	for range 3 {
		if r, err := pl.Process(&f); err != nil || !r.LandmarkSize {
			t.Fatalf("err %v, LandmarkSize %v", err, r != nil && r.LandmarkSize)
		}
	}
	if n := testing.AllocsPerRun(20, func() { pl.Reset(); pl.Process(&f) }); n != 0 {
		t.Errorf("%v allocations a frame from a Reset", n)
	}
	if n := testing.AllocsPerRun(20, func() { pl.Process(&f) }); n != 0 {
		t.Errorf("%v allocations a followed frame", n)
	}
}
