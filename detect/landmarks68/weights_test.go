package landmarks68

import (
	"testing"

	"github.com/facegate/facegate/internal/nn"
	"github.com/facegate/facegate/internal/nn/nntest"
)

// TestWeights reads the embedded weights and checks that NewFromWeights
// refuses weights that do not parse or do not fit FaceLandmark68Net with
// an ErrModel.
func TestWeights(t *testing.T) {
	ts := nntest.CheckWeights(t, nntest.Weights{
		Manifest: embeddedManifest,
		Bin:      embeddedWeights,
		Tensors:  49,
		Values:   356840,
		New: func(manifest, bin []byte) error {
			_, err := NewFromWeights(manifest, bin)
			return err
		},
		ErrModel: ErrModel,
		Misfits: [][2]string{
			{`"dense2/conv3/bias"`, `"dense2/conv3/biasx"`},
			{`"fc/bias","shape":[136]`, `"fc/bias","shape":[8,17]`},
		},
	})
	// dense0/conv0/bias[0] = min + scale*q, as tf.io.decodeWeights computes it.
	if got, want := ts[1].Data[0], nn.Dequant(float64(embeddedWeights[864]), 0.004396426443960153, -0.7298067896973853); got != want {
		t.Fatalf("dense0/conv0/bias[0] = %v, want %v", got, want)
	}
}
