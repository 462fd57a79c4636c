package nn

import (
	"errors"
	"strings"
	"testing"
)

const smallManifest = `[{"paths":["x.bin"],"weights":[
{"name":"a","shape":[2],"dtype":"float32","quantization":{"dtype":"uint8","scale":0.5,"min":-1}},
{"name":"b","shape":[1],"dtype":"float32","quantization":{"dtype":"uint16","scale":2,"min":1}},
{"name":"c","shape":[1],"dtype":"float32"}]}]`

// smallBin is smallManifest's weights: a = {-1, 1}; b = 7; c = 3.0.
var smallBin = []byte{0, 4, 3, 0, 0, 0, 0x40, 0x40}

func TestReadWeightsFormats(t *testing.T) {
	ts, err := ReadWeights([]byte(smallManifest), smallBin)
	if err != nil {
		t.Fatal(err)
	}
	got := []float32{ts[0].Data[0], ts[0].Data[1], ts[1].Data[0], ts[2].Data[0]}
	want := []float32{-1, 1, 7, 3}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("values %v, want %v", got, want)
		}
	}
	if ts[0].Name != "a" || len(ts[0].Shape) != 1 || ts[0].Shape[0] != 2 {
		t.Fatalf("first tensor %q %v, want a [2]", ts[0].Name, ts[0].Shape)
	}
}

func TestDequant(t *testing.T) {
	// 0.1*3 is 0.30000000000000004 in float64; with min -0.3 the float64
	// sum is 5.6e-17, which a fused multiply-add or a float32 product
	// would not give.
	if got := Dequant(3, 0.1, -0.3); got != float32(5.551115123125783e-17) {
		t.Fatalf("Dequant(3, 0.1, -0.3) = %v", got)
	}
}

func TestReadWeightsErrors(t *testing.T) {
	bin := smallBin
	for _, c := range []struct {
		name, manifest string
		bin            []byte
	}{
		{"short bin", smallManifest, bin[:7]},
		{"long bin", smallManifest, append(bin[:8:8], 0)},
		{"not json", "{", bin},
		{"trailing", smallManifest + "[]", bin},
		{"no weights", `[]`, nil},
		{"empty name", strings.Replace(smallManifest, `"name":"b"`, `"name":""`, 1), bin},
		{"long name", strings.Replace(smallManifest, `"name":"b"`, `"name":"`+strings.Repeat("b", maxNameLen+1)+`"`, 1), bin},
		{"too many", `[{"paths":["x.bin"],"weights":[` + strings.Repeat(`{"name":"a","shape":[1],"dtype":"float32"},`, maxWeightEntries) + `{"name":"a","shape":[1],"dtype":"float32"}]}]`, nil},
		{"dup", strings.Replace(smallManifest, `"name":"b"`, `"name":"a"`, 1), bin},
		{"dtype", strings.Replace(smallManifest, `"dtype":"float32"}`, `"dtype":"int32"}`, 1), bin},
		{"quant dtype", strings.Replace(smallManifest, `"uint16"`, `"float16"`, 1), bin},
		{"no scale", strings.Replace(smallManifest, `"scale":2,`, ``, 1), bin},
		{"inf scale", strings.Replace(smallManifest, `"scale":2,`, `"scale":1e999,`, 1), bin},
		{"zero dim", strings.Replace(smallManifest, `[2]`, `[0]`, 1), bin},
		{"neg dim", strings.Replace(smallManifest, `[2]`, `[-2]`, 1), bin},
		{"rank 0", strings.Replace(smallManifest, `[2]`, `[]`, 1), bin},
		{"rank 5", strings.Replace(smallManifest, `[2]`, `[1,1,1,1,2]`, 1), bin},
		{"huge", strings.Replace(smallManifest, `[2]`, `[65536,65536,65536]`, 1), bin},
		{"too many elements", strings.Replace(smallManifest, `[2]`, `[4194304]`, 1), bin},
		{"overflowing dim", strings.Replace(smallManifest, `[2]`, `[1e30]`, 1), bin},
		{"nan float", smallManifest, []byte{0, 4, 3, 0, 0, 0, 0xc0, 0x7f}},
		{"overflowing dequant", strings.Replace(smallManifest, `"scale":2,`, `"scale":1e300,`, 1), []byte{0, 4, 3, 0, 0, 0, 0x40, 0x40}},
		{"no paths", strings.Replace(smallManifest, `"paths":["x.bin"],`, ``, 1), bin},
		{"too big", smallManifest + strings.Repeat(" ", maxManifestBytes), bin},
	} {
		if c.manifest == smallManifest && c.name != "short bin" && c.name != "long bin" && c.name != "nan float" && c.name != "too big" {
			t.Fatalf("%s: the replacement did not apply", c.name)
		}
		if _, err := ReadWeights([]byte(c.manifest), c.bin); !errors.Is(err, ErrWeights) {
			t.Errorf("%s: err %v, want ErrWeights", c.name, err)
		}
	}
}

func TestSelect(t *testing.T) {
	ts, err := ReadWeights([]byte(smallManifest), smallBin)
	if err != nil {
		t.Fatal(err)
	}
	specs := []Spec{{"c", []int{1}}, {"a", []int{2}}, {"b", []int{1}}}
	get, err := Select(ts, specs)
	if err != nil {
		t.Fatal(err)
	}
	if len(get) != 3 || get["a"][1] != 1 || get["b"][0] != 7 || get["c"][0] != 3 {
		t.Fatalf("Select: %v", get)
	}
	for name, s := range map[string][]Spec{
		"missing":    {{"a", []int{2}}, {"b", []int{1}}, {"d", []int{1}}},
		"reshaped":   {{"a", []int{1, 2}}, {"b", []int{1}}, {"c", []int{1}}},
		"unexpected": {{"a", []int{2}}, {"b", []int{1}}},
	} {
		if _, err := Select(ts, s); !errors.Is(err, ErrWeights) {
			t.Errorf("%s: err %v, want ErrWeights", name, err)
		}
	}
}

func TestTranspose(t *testing.T) {
	got := Transpose([]float32{1, 2, 3, 4, 5, 6}, 2, 3)
	want := []float32{1, 4, 2, 5, 3, 6}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("Transpose: %v, want %v", got, want)
		}
	}
}

func FuzzReadWeights(f *testing.F) {
	f.Add([]byte(smallManifest), smallBin)
	// The networks' embedded models (190 and 350 KB) are left out: the
	// fuzzer's minimisation of an input that large stalls; their packages'
	// tests read them.
	f.Fuzz(func(t *testing.T, manifest, bin []byte) {
		ts, err := ReadWeights(manifest, bin)
		if err != nil {
			if !errors.Is(err, ErrWeights) {
				t.Fatalf("error %v does not wrap ErrWeights", err)
			}
			return
		}
		total := 0
		specs := make([]Spec, len(ts))
		for i, x := range ts {
			n := 1
			for _, d := range x.Shape {
				n *= d
			}
			if n != len(x.Data) {
				t.Fatalf("%s: shape %v, %d values", x.Name, x.Shape, len(x.Data))
			}
			total += n
			specs[i] = Spec{x.Name, x.Shape}
		}
		if total > len(bin) {
			t.Fatalf("%d values from %d bytes", total, len(bin))
		}
		// What was read selects as itself.
		if get, err := Select(ts, specs); err != nil || len(get) != len(ts) {
			t.Fatalf("Select of its own specs: %d tensors of %d, err %v", len(get), len(ts), err)
		}
	})
}
