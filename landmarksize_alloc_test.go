//go:build !race

package facegate_test

import (
	"testing"

	"github.com/facegate/facegate"
	"github.com/facegate/facegate/preprocess"
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
	noAllocs(t, pl, &f, 20)
}

// The landmark yaw of an unsure pose (two runs of the network, one on a
// followed frame) costs no allocation either.
func TestLandmarkYawAllocs(t *testing.T) {
	f := rgbaFrame(yawFace(t))
	pl := lmPipeline(t, &facegate.Options{NoTurnedCheck: true})
	for range 3 {
		if r, err := pl.Process(&f); err != nil || !r.LandmarkYawFound {
			t.Fatalf("err %v, LandmarkYawFound %v", err, r != nil && r.LandmarkYawFound)
		}
	}
	noAllocs(t, pl, &f, 10)
}

// noAllocs checks that processing f allocates nothing, from a Reset and on
// a followed frame, over runs runs each.
func noAllocs(t *testing.T, pl *facegate.Pipeline, f *preprocess.Frame, runs int) {
	t.Helper()
	if n := testing.AllocsPerRun(runs, func() { pl.Reset(); pl.Process(f) }); n != 0 {
		t.Errorf("%v allocations a frame from a Reset", n)
	}
	if n := testing.AllocsPerRun(runs, func() { pl.Process(f) }); n != 0 {
		t.Errorf("%v allocations a followed frame", n)
	}
}
