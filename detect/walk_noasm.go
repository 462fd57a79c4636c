//go:build !amd64 || purego || noasm

package detect

import "github.com/facegate/facegate/preprocess"

// treeStep is treeStepGeneric where there is no assembly.
func treeStep(centre, win []int32, out []float32, idx []int32, probes []uint64, preds []float32, thr float32, pix []byte, depth, trees int) int {
	return treeStepGeneric(centre, win, out, idx, probes, preds, thr, pix, depth, trees)
}

// locStage reports that it did not run the stage: regress walks the trees
// in Go (walkInside) where there is no assembly.
func locStage(codes []int8, preds []float32, p *preprocess.Plane, depth, trees int, flip bool, s *locScratch, n int) bool {
	return false
}
