package tinyface

import (
	"testing"

	"github.com/facegate/facegate/internal/nn"
	"github.com/facegate/facegate/internal/nn/nntest"
)

// TestWeights reads the embedded weights and checks that NewFromWeights
// refuses weights that do not parse or do not fit the TinyFaceDetector
// with an ErrModel.
func TestWeights(t *testing.T) {
	ts := nntest.CheckWeights(t, nntest.Weights{
		Manifest: embeddedManifest,
		Bin:      embeddedWeights,
		Tensors:  19,
		Values:   193321,
		New: func(manifest, bin []byte) error {
			_, err := NewFromWeights(manifest, bin)
			return err
		},
		ErrModel: ErrModel,
		Misfits: [][2]string{
			{`"conv3/bias"`, `"conv3/biasx"`},
			{`"conv8/bias","shape":[25]`, `"conv8/bias","shape":[5,5]`},
		},
	})
	// conv0/bias[0] = min + scale*q, as tf.io.decodeWeights computes it.
	if got, want := ts[1].Data[0], nn.Dequant(float64(embeddedWeights[432]), 0.005263455241334205, -0.9211046672334858); got != want {
		t.Fatalf("conv0/bias[0] = %v, want %v", got, want)
	}
}
