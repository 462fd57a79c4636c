package nntest

import (
	"errors"
	"strings"
	"testing"

	"github.com/facegate/facegate/internal/nn"
)

// Weights describes a network package's embedded weights for
// CheckWeights.
type Weights struct {
	Manifest, Bin   []byte // the embedded manifest and weights file
	Tensors, Values int    // how many tensors and values they hold
	// New is the package's NewFromWeights.
	New func(manifest, bin []byte) error
	// ErrModel is the package's error for weights it refuses.
	ErrModel error
	// Misfits are replacements (old, new) in the manifest that leave it
	// readable but no longer the network's: a renamed or reshaped tensor.
	Misfits [][2]string
}

// CheckWeights checks that w's embedded weights read as w says and
// returns them; and that New accepts them and refuses, with an error
// wrapping both ErrModel and nn.ErrWeights, each misfit, an extra tensor,
// a short weights file and a manifest that is not JSON.
func CheckWeights(t *testing.T, w Weights) []nn.Tensor {
	t.Helper()
	ts, err := nn.ReadWeights(w.Manifest, w.Bin)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, x := range ts {
		n += len(x.Data)
	}
	if len(ts) != w.Tensors || n != w.Values {
		t.Fatalf("%d tensors, %d values; want %d, %d", len(ts), n, w.Tensors, w.Values)
	}
	if err := w.New(w.Manifest, w.Bin); err != nil {
		t.Fatalf("embedded weights: %v", err)
	}

	m := string(w.Manifest)
	bin := w.Bin[:len(w.Bin):len(w.Bin)]
	type refused struct {
		name, manifest string
		bin            []byte
	}
	var cases []refused
	for _, r := range w.Misfits {
		mm := strings.Replace(m, r[0], r[1], 1)
		if mm == m {
			t.Fatalf("misfit %q: the replacement did not apply", r[0])
		}
		cases = append(cases, refused{"misfit " + r[0], mm, bin})
	}
	// An extra tensor (with its bytes) reads but is refused.
	i := strings.LastIndex(m, "]")
	extra := m[:i] + `,{"paths":["y.bin"],"weights":[{"name":"extra","shape":[1],"dtype":"float32","quantization":{"dtype":"uint8","scale":1,"min":0}}]}]`
	if _, err := nn.ReadWeights([]byte(extra), append(bin, 1)); err != nil {
		t.Fatalf("extra: nn.ReadWeights: %v", err)
	}
	cases = append(cases,
		refused{"extra", extra, append(bin, 1)},
		refused{"short", m, bin[1:]},
		refused{"not json", "{", bin})
	for _, c := range cases {
		err := w.New([]byte(c.manifest), c.bin)
		if !errors.Is(err, w.ErrModel) || !errors.Is(err, nn.ErrWeights) {
			t.Errorf("%s: err %v, want %v and nn.ErrWeights", c.name, err, w.ErrModel)
		}
	}
	return ts
}
