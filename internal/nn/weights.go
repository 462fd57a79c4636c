package nn

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
)

// ErrWeights is the error, wrapped with details, for a weights manifest or
// weights file that is malformed, over a budget, or does not fit the
// network's tensors. Test with errors.Is; the network packages wrap it in
// their own ErrModel.
var ErrWeights = errors.New("nn: bad weights")

// Budgets checked before anything is allocated from the manifest's numbers.
const (
	maxManifestBytes = 1 << 20 // the manifest JSON
	maxWeightEntries = 256     // weight entries over all groups
	maxNameLen       = 256     // one weight name
	maxRank          = 4       // dimensions of one tensor
	maxElements      = 1 << 22 // elements over all tensors (16 MiB of float32)
)

// Tensor is one named, dequantized weight tensor.
type Tensor struct {
	Name  string
	Shape []int
	Data  []float32 // len is the product of Shape
}

// The tfjs weights manifest (tf.io.WeightsManifestConfig): a list of groups,
// each listing the files its bytes are split into and its weights in order.
type manifestGroup struct {
	Paths   []string         `json:"paths"`
	Weights []manifestWeight `json:"weights"`
}

type manifestWeight struct {
	Name         string        `json:"name"`
	Shape        []int         `json:"shape"`
	Dtype        string        `json:"dtype"`
	Quantization *quantization `json:"quantization"`
}

type quantization struct {
	Dtype string   `json:"dtype"`
	Scale *float64 `json:"scale"`
	Min   *float64 `json:"min"`
}

func weightsErr(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrWeights}, args...)...)
}

// ReadWeights parses a tfjs weights manifest and the concatenation, in
// manifest order, of the weight files it names (bin), and returns the
// dequantized tensors in manifest order. It accepts what tf.io.decodeWeights
// accepts for float32 weights: raw little-endian float32, or uint8/uint16
// affine quantization (value = q*scale + min, rounded to float32). The
// manifest's size, its number of entries, names, ranks and the total number
// of elements are checked against fixed budgets before anything is
// allocated from them. Every error wraps ErrWeights.
func ReadWeights(manifest, bin []byte) ([]Tensor, error) {
	if len(manifest) > maxManifestBytes {
		return nil, weightsErr("manifest is %d bytes, more than %d", len(manifest), maxManifestBytes)
	}
	dec := json.NewDecoder(bytes.NewReader(manifest))
	var groups []manifestGroup
	if err := dec.Decode(&groups); err != nil {
		return nil, weightsErr("manifest: %v", err)
	}
	if dec.More() {
		return nil, weightsErr("manifest: data after the JSON value")
	}
	var entries []*manifestWeight
	for gi := range groups {
		g := &groups[gi]
		if len(g.Paths) == 0 && len(g.Weights) > 0 {
			return nil, weightsErr("manifest group %d lists weights but no files", gi)
		}
		for wi := range g.Weights {
			if len(entries) == maxWeightEntries {
				return nil, weightsErr("manifest lists more than %d weights", maxWeightEntries)
			}
			entries = append(entries, &g.Weights[wi])
		}
	}
	if len(entries) == 0 {
		return nil, weightsErr("manifest lists no weights")
	}

	// First pass: validate every entry and add up elements and bytes.
	seen := make(map[string]bool, len(entries))
	total, nbytes := 0, 0
	for _, e := range entries {
		if e.Name == "" || len(e.Name) > maxNameLen {
			return nil, weightsErr("weight name %.40q: empty or longer than %d bytes", e.Name, maxNameLen)
		}
		if seen[e.Name] {
			return nil, weightsErr("weight %q listed twice", e.Name)
		}
		seen[e.Name] = true
		if e.Dtype != "float32" {
			return nil, weightsErr("weight %q: dtype %.20q, want float32", e.Name, e.Dtype)
		}
		if len(e.Shape) == 0 || len(e.Shape) > maxRank {
			return nil, weightsErr("weight %q: rank %d, want 1 to %d", e.Name, len(e.Shape), maxRank)
		}
		n := 1
		for _, d := range e.Shape {
			if d < 1 || d > maxElements || n > maxElements/d {
				return nil, weightsErr("weight %q: shape %v out of range", e.Name, e.Shape)
			}
			n *= d
		}
		if n > maxElements-total {
			return nil, weightsErr("weights hold more than %d elements", maxElements)
		}
		total += n
		size := 4
		if q := e.Quantization; q != nil {
			switch q.Dtype {
			case "uint8":
				size = 1
			case "uint16":
				size = 2
			default:
				return nil, weightsErr("weight %q: quantization dtype %.20q, want uint8 or uint16", e.Name, q.Dtype)
			}
			if q.Scale == nil || q.Min == nil {
				return nil, weightsErr("weight %q: quantization without scale or min", e.Name)
			}
			if !finite(*q.Scale) || !finite(*q.Min) {
				return nil, weightsErr("weight %q: quantization scale %v, min %v", e.Name, *q.Scale, *q.Min)
			}
		}
		nbytes += n * size
	}
	if nbytes != len(bin) {
		return nil, weightsErr("manifest describes %d bytes of weights, the weights file has %d", nbytes, len(bin))
	}

	// Second pass: dequantize into one backing array.
	data := make([]float32, total)
	out := make([]Tensor, len(entries))
	for i, e := range entries {
		n := 1
		for _, d := range e.Shape {
			n *= d
		}
		t := Tensor{Name: e.Name, Shape: append([]int(nil), e.Shape...), Data: data[:n:n]}
		data = data[n:]
		switch q := e.Quantization; {
		case q == nil:
			for j := range t.Data {
				v := math.Float32frombits(binary.LittleEndian.Uint32(bin[4*j:]))
				if !finite(float64(v)) {
					return nil, weightsErr("weight %q: element %d is %v", e.Name, j, v)
				}
				t.Data[j] = v
			}
			bin = bin[4*n:]
		case q.Dtype == "uint8":
			for j := range t.Data {
				t.Data[j] = Dequant(float64(bin[j]), *q.Scale, *q.Min)
			}
			bin = bin[n:]
		default: // uint16
			for j := range t.Data {
				t.Data[j] = Dequant(float64(binary.LittleEndian.Uint16(bin[2*j:])), *q.Scale, *q.Min)
			}
			bin = bin[2*n:]
		}
		for j, v := range t.Data {
			if !finite(float64(v)) {
				return nil, weightsErr("weight %q: element %d dequantizes to %v", e.Name, j, v)
			}
		}
		out[i] = t
	}
	return out, nil
}

// Dequant is tfjs's q*scale + min, computed in float64 (without a fused
// multiply-add) and rounded to float32.
func Dequant(q, scale, min float64) float32 {
	return float32(float64(q*scale) + min)
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// Spec is the name and shape a network expects of one tensor.
type Spec struct {
	Name  string
	Shape []int
}

// Select checks ts against a network's specs (every spec's name present
// once, with its shape, and no tensor not in specs) and returns the
// tensors' data by name. Its errors wrap ErrWeights.
func Select(ts []Tensor, specs []Spec) (map[string][]float32, error) {
	byName := make(map[string]*Tensor, len(ts))
	for i := range ts {
		byName[ts[i].Name] = &ts[i]
	}
	get := make(map[string][]float32, len(specs))
	for _, s := range specs {
		t := byName[s.Name]
		if t == nil {
			return nil, weightsErr("weight %q missing", s.Name)
		}
		if !slices.Equal(t.Shape, s.Shape) {
			return nil, weightsErr("weight %q: shape %v, want %v", s.Name, t.Shape, s.Shape)
		}
		get[s.Name] = t.Data
	}
	if len(ts) != len(specs) {
		for i := range ts {
			if get[ts[i].Name] == nil {
				return nil, weightsErr("unexpected weight %q", ts[i].Name)
			}
		}
	}
	return get, nil
}

// Transpose returns the cols x rows transpose of a, a rows x cols matrix.
func Transpose(a []float32, rows, cols int) []float32 {
	t := make([]float32, len(a))
	for r := 0; r < rows; r++ {
		for c := 0; c < cols; c++ {
			t[c*rows+r] = a[r*cols+c]
		}
	}
	return t
}
