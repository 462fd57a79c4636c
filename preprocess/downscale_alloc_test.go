//go:build !race

package preprocess

import (
	"math/rand/v2"
	"testing"
)

func TestDownscalerAllocs(t *testing.T) {
	r := rand.New(rand.NewPCG(73, 74))
	src := randPlane(r, 640, 480, 1)
	var d Downscaler
	dst := newPlane(160, 120, 1)
	small := newPlane(100, 60, 1)
	_ = d.Downscale(dst, src, 4)
	if n := testing.AllocsPerRun(20, func() {
		_ = d.Downscale(dst, src, 4)
		_ = d.Downscale(small, src, 3) // a narrower source reuses the scratch
	}); n != 0 {
		t.Errorf("Downscale allocates %v times per run", n)
	}
}
