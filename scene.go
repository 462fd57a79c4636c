package facegate

import (
	"image"

	"github.com/facegate/facegate/preprocess"
)

// DefaultSceneCut is the default Options.SceneCut, in luma levels; see
// Options.SceneCut for its basis.
const DefaultSceneCut = 16

// sceneGrid is the side of the thumbnail of block means the scene-cut
// measure compares: sceneGrid x sceneGrid blocks.
const (
	sceneGrid    = 16
	sceneSamples = 8 // samples per block side, at most
)

// sceneThumb is a sceneGrid x sceneGrid thumbnail of a frame's luma: the
// mean of each block, from a sparse, fixed-size sample of its pixels.
type sceneThumb [sceneGrid * sceneGrid]float32

// sceneStep returns the sampling step along a side of n pixels.
func sceneStep(n int) int { return max(1, n/(sceneGrid*sceneSamples)) }

// sample fills t from luma, sampling every sceneStep-th pixel of every
// sceneStep-th row (about 128 x 128 samples whatever the frame's size).
// With f non-nil each sampled row of f is first converted into luma (RGB
// frames are converted lazily).
func (t *sceneThumb) sample(luma preprocess.Plane, f *preprocess.Frame) error {
	w, h := luma.Width, luma.Height
	sx, sy := sceneStep(w), sceneStep(h)
	var sum [sceneGrid * sceneGrid]uint32
	var cnt [sceneGrid * sceneGrid]uint32
	for y := 0; y < h; y += sy {
		if f != nil {
			if err := f.LumaRect(luma, image.Rect(0, y, w, y+1)); err != nil {
				return err
			}
		}
		row := luma.Row(y)[:w]
		by := y * sceneGrid / h * sceneGrid
		for x := 0; x < w; x += sx {
			k := by + x*sceneGrid/w
			sum[k] += uint32(row[x])
			cnt[k]++
		}
	}
	for k := range t {
		if cnt[k] > 0 {
			t[k] = float32(sum[k]) / float32(cnt[k])
		} else {
			t[k] = 0
		}
	}
	return nil
}

// sceneChange returns the mean absolute difference, in luma levels (0 to
// 255), between the block means of two thumbnails after removing their
// mean difference, so that a change of exposure or gain over the whole
// frame does not count as a change of scene.
func sceneChange(a, b *sceneThumb) float64 {
	var mean float64
	for k := range a {
		mean += float64(a[k] - b[k])
	}
	mean /= float64(len(a))
	var s float64
	for k := range a {
		d := float64(a[k]-b[k]) - mean
		if d < 0 {
			d = -d
		}
		s += d
	}
	return s / float64(len(a))
}

// detectCut measures the frame's change of scene against the previous
// frame and reports whether it is a cut. The first frame after New or
// Reset is never a cut.
func (pl *Pipeline) detectCut(f *preprocess.Frame, luma preprocess.Plane) (bool, error) {
	if pl.opts.NoSceneCut {
		return false, nil
	}
	conv := f
	if pl.lumaFull {
		conv = nil
	}
	cur := &pl.scene[pl.sceneCur]
	if err := cur.sample(luma, conv); err != nil {
		return false, err
	}
	pl.sceneCur ^= 1
	if !pl.sceneOK {
		pl.sceneOK = true
		pl.sceneDiff = 0
		return false, nil
	}
	pl.sceneDiff = sceneChange(cur, &pl.scene[pl.sceneCur])
	return pl.sceneDiff >= pl.opts.SceneCut, nil
}
