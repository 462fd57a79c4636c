package facegate

import (
	"github.com/facegate/facegate/preprocess"
)

// DefaultSceneCut is the default Options.SceneCut, in luma levels; see
// Options.SceneCut for its basis.
const DefaultSceneCut = 16

// sceneGrid is the side of the thumbnail of block means the scene-cut
// measure compares: sceneGrid x sceneGrid blocks.
const (
	sceneGrid    = 16
	sceneSamples = 4 // samples per block side, at most
)

// sceneThumb is a sceneGrid x sceneGrid thumbnail of a frame's luma: the
// mean of each block, from a sparse, fixed-size sample of its pixels.
type sceneThumb [sceneGrid * sceneGrid]float32

// sceneStep returns the sampling step along a side of n pixels.
func sceneStep(n int) int { return max(1, n/(sceneGrid*sceneSamples)) }

// sample fills t from the frame: from luma when f is nil, else from f's
// own pixels (an RGB frame whose luma is converted lazily), weighting them
// with the BT.601 luma weights. It samples every sceneStep-th pixel of
// every sceneStep-th row, about 64 x 64 samples whatever the frame's
// size, and divides only once per block and row.
func (t *sceneThumb) sample(luma preprocess.Plane, f *preprocess.Frame) {
	w, h := luma.Width, luma.Height
	sx, sy := sceneStep(w), sceneStep(h)
	// Per block column: its first sample and its number of samples.
	var x0, nx [sceneGrid]int
	for bx := range sceneGrid {
		a, b := bx*w/sceneGrid, (bx+1)*w/sceneGrid
		x0[bx] = a + (b-a)%sx/2
		nx[bx] = (b - x0[bx] + sx - 1) / sx
	}
	bpp, c0, c1, c2 := 1, 0, 0, 0
	var src preprocess.Plane
	if f != nil {
		src = preprocess.Plane{Pix: f.Planes[0], Stride: f.Strides[0], Width: w, Height: h}
		switch f.Format {
		case preprocess.RGBA:
			bpp, c0, c1, c2 = 4, 0, 1, 2
		case preprocess.BGRA:
			bpp, c0, c1, c2 = 4, 2, 1, 0
		default: // RGB24
			bpp, c0, c1, c2 = 3, 0, 1, 2
		}
	}
	for by := range sceneGrid {
		a, b := by*h/sceneGrid, (by+1)*h/sceneGrid
		var sum [sceneGrid]uint32
		ny := 0
		for y := a + (b-a)%sy/2; y < b; y += sy {
			ny++
			if f == nil {
				row := luma.Pix[y*luma.Stride : y*luma.Stride+w]
				for bx := range sceneGrid {
					s := uint32(0)
					for x, n := x0[bx], nx[bx]; n > 0; x, n = x+sx, n-1 {
						s += uint32(row[x])
					}
					sum[bx] += s
				}
				continue
			}
			row := src.Pix[y*src.Stride : y*src.Stride+w*bpp]
			for bx := range sceneGrid {
				s := uint32(0)
				for x, n := x0[bx]*bpp, nx[bx]; n > 0; x, n = x+sx*bpp, n-1 {
					s += (19595*uint32(row[x+c0]) + 38470*uint32(row[x+c1]) + 7471*uint32(row[x+c2]) + 1<<15) >> 16
				}
				sum[bx] += s
			}
		}
		for bx := range sceneGrid {
			if n := ny * nx[bx]; n > 0 {
				t[by*sceneGrid+bx] = float32(sum[bx]) / float32(n)
			} else {
				t[by*sceneGrid+bx] = 0
			}
		}
	}
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
func (pl *Pipeline) detectCut(f *preprocess.Frame, luma preprocess.Plane) bool {
	if pl.opts.NoSceneCut {
		return false
	}
	conv := f
	if pl.lumaFull {
		conv = nil
	}
	cur := &pl.scene[pl.sceneCur]
	cur.sample(luma, conv)
	pl.sceneCur ^= 1
	if !pl.sceneOK {
		pl.sceneOK = true
		pl.sceneDiff = 0
		return false
	}
	pl.sceneDiff = sceneChange(cur, &pl.scene[pl.sceneCur])
	return pl.sceneDiff >= pl.opts.SceneCut
}
