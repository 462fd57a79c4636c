//go:build !amd64 || purego || noasm

package detect

import "github.com/facegate/facegate/preprocess"

// keepKernel is false: there is no keep16 without assembly (tests switch
// it).
var keepKernel = false

// keep is keepGeneric where there is no assembly.
func keep(centre, win []int32, out []float32, thr float32) int {
	return keepGeneric(centre, win, out, thr)
}

// treeStep is treeStepGeneric where there is no assembly.
func treeStep(centre, win []int32, out []float32, idx []int32, probes []uint64, preds []float32, thr float32, pix []byte, depth, trees int) int {
	return treeStepGeneric(centre, win, out, idx, probes, preds, thr, pix, depth, trees)
}

// leafRows is whether scans walk the first tree along the rows
// (firstTreeRow): not by default without assembly, where it is
// firstGeneric; tests switch it.
var leafRows = false

// firstKernel is firstGo, the only kernel without assembly (see
// walk_asm.go).
var firstKernel = firstGo

// firstGo is firstGeneric, the kernel firstTree runs without assembly.
const firstGo = 0

// firstKernels are the kernels firstTree can run.
func firstKernels() []int { return []int{firstGo} }

// firstTree is firstGeneric where there is no assembly.
func firstTree(centre, win []int32, out []float32, live int, pix []byte, base, n, winBase int, probes []uint64, preds []float32, lut *[16]byte, pat []uint32) int {
	return firstGeneric(centre, win, out, live, pix, base, n, winBase, probes, preds, lut, pat)
}

// lowest is lowestGeneric where there is no assembly.
func lowest(s []float32) float32 { return lowestGeneric(s) }

// lowestKernel is false: there is no lowest8 without assembly (tests
// switch it).
var lowestKernel = false

// locStage reports that it did not run the stage: regress walks the trees
// in Go (walkInside) where there is no assembly.
func locStage(codes []int8, preds []float32, p *preprocess.Plane, depth, trees int, flip bool, s *locScratch, n int) bool {
	return false
}

// dealRow is dealGeneric for the whole row.
func dealRow(dst, src []byte, w, step int) { dealGeneric(dst, src, w, step, 0) }

// dealKernel is false: there are no deal kernels without assembly (tests
// switch it).
var dealKernel = false
