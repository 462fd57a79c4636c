//go:build !amd64 || purego || noasm

package detect

// treeStep is treeStepGeneric where there is no assembly.
func treeStep(centre, win []int32, out []float32, idx []int32, probes []uint64, preds []float32, thr float32, pix []byte, depth int) int {
	return treeStepGeneric(centre, win, out, idx, probes, preds, thr, pix, depth)
}
