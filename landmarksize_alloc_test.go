//go:build !race

package facegate_test

import (
	"testing"

	"github.com/facegate/facegate"
)

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

// The landmark yaw of an unsure pose (two runs of the network) costs no
// allocation either.
func TestLandmarkYawAllocs(t *testing.T) {
	f := rgbaFrame(yawFace(t))
	pl := lmPipeline(t, &facegate.Options{NoTurnedCheck: true})
	for range 3 {
		if r, err := pl.Process(&f); err != nil || !r.LandmarkYawFound {
			t.Fatalf("err %v, LandmarkYawFound %v", err, r != nil && r.LandmarkYawFound)
		}
	}
	if n := testing.AllocsPerRun(10, func() { pl.Reset(); pl.Process(&f) }); n != 0 {
		t.Errorf("%v allocations a frame from a Reset", n)
	}
	if n := testing.AllocsPerRun(10, func() { pl.Process(&f) }); n != 0 {
		t.Errorf("%v allocations a followed frame", n)
	}
}
