package landmarks68

import (
	"errors"
	"strings"
	"testing"
)

func TestReadWeightsEmbedded(t *testing.T) {
	ts, err := readWeights(embeddedManifest, embeddedWeights)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, x := range ts {
		n += len(x.data)
	}
	if n != 356840 || len(ts) != 49 {
		t.Fatalf("%d tensors, %d values; want 49, 356840", len(ts), n)
	}
	// dense0/conv0/bias[0] = min + scale*q, as tf.io.decodeWeights computes it.
	if got, want := ts[1].data[0], dequant(float64(embeddedWeights[864]), 0.004396426443960153, -0.7298067896973853); got != want {
		t.Fatalf("dense0/conv0/bias[0] = %v, want %v", got, want)
	}
}

const smallManifest = `[{"paths":["x.bin"],"weights":[
{"name":"a","shape":[2],"dtype":"float32","quantization":{"dtype":"uint8","scale":0.5,"min":-1}},
{"name":"b","shape":[1],"dtype":"float32","quantization":{"dtype":"uint16","scale":2,"min":1}},
{"name":"c","shape":[1],"dtype":"float32"}]}]`

func TestReadWeightsFormats(t *testing.T) {
	bin := []byte{0, 4, 3, 0, 0, 0, 0x40, 0x40} // a = {-1, 1}; b = 7; c = 3.0
	ts, err := readWeights([]byte(smallManifest), bin)
	if err != nil {
		t.Fatal(err)
	}
	got := []float32{ts[0].data[0], ts[0].data[1], ts[1].data[0], ts[2].data[0]}
	want := []float32{-1, 1, 7, 3}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("values %v, want %v", got, want)
		}
	}
}

func TestReadWeightsErrors(t *testing.T) {
	bin := []byte{0, 4, 3, 0, 0, 0, 0x40, 0x40}
	for _, c := range []struct {
		name, manifest string
		bin            []byte
	}{
		{"short bin", smallManifest, bin[:7]},
		{"long bin", smallManifest, append(bin[:8:8], 0)},
		{"not json", "{", bin},
		{"trailing", smallManifest + "[]", bin},
		{"no weights", `[]`, nil},
		{"dup", strings.Replace(smallManifest, `"name":"b"`, `"name":"a"`, 1), bin},
		{"dtype", strings.Replace(smallManifest, `"dtype":"float32"}`, `"dtype":"int32"}`, 1), bin},
		{"quant dtype", strings.Replace(smallManifest, `"uint16"`, `"float16"`, 1), bin},
		{"no scale", strings.Replace(smallManifest, `"scale":2,`, ``, 1), bin},
		{"zero dim", strings.Replace(smallManifest, `[2]`, `[0]`, 1), bin},
		{"neg dim", strings.Replace(smallManifest, `[2]`, `[-2]`, 1), bin},
		{"rank 0", strings.Replace(smallManifest, `[2]`, `[]`, 1), bin},
		{"rank 5", strings.Replace(smallManifest, `[2]`, `[1,1,1,1,2]`, 1), bin},
		{"huge", strings.Replace(smallManifest, `[2]`, `[65536,65536,65536]`, 1), bin},
		{"overflowing dim", strings.Replace(smallManifest, `[2]`, `[1e30]`, 1), bin},
		{"nan float", smallManifest, []byte{0, 4, 3, 0, 0, 0, 0xc0, 0x7f}},
		{"no paths", strings.Replace(smallManifest, `"paths":["x.bin"],`, ``, 1), bin},
		{"too big", smallManifest + strings.Repeat(" ", maxManifestBytes), bin},
	} {
		_, err := readWeights([]byte(c.manifest), c.bin)
		if !errors.Is(err, ErrModel) {
			t.Errorf("%s: err %v, want ErrModel", c.name, err)
		}
	}
}

func TestNewFromWeightsArchitecture(t *testing.T) {
	m := string(embeddedManifest)
	for name, manifest := range map[string]string{
		"renamed":  strings.Replace(m, `"dense2/conv3/bias"`, `"dense2/conv3/biasx"`, 1),
		"reshaped": strings.Replace(m, `"fc/bias","shape":[136]`, `"fc/bias","shape":[8,17]`, 1),
	} {
		if manifest == m {
			t.Fatalf("%s: replacement did not apply", name)
		}
		if _, err := NewFromWeights([]byte(manifest), embeddedWeights); !errors.Is(err, ErrModel) {
			t.Errorf("%s: err %v, want ErrModel", name, err)
		}
	}
	// An extra tensor (with its bytes) is refused too.
	i := strings.LastIndex(m, "]")
	extra := m[:i] + `,{"paths":["y.bin"],"weights":[{"name":"extra","shape":[1],"dtype":"float32","quantization":{"dtype":"uint8","scale":1,"min":0}}]}]`
	if _, err := readWeights([]byte(extra), append(embeddedWeights[:len(embeddedWeights):len(embeddedWeights)], 1)); err != nil {
		t.Fatalf("extra: readWeights: %v", err)
	}
	if _, err := NewFromWeights([]byte(extra), append(embeddedWeights[:len(embeddedWeights):len(embeddedWeights)], 1)); !errors.Is(err, ErrModel) {
		t.Errorf("extra: err %v, want ErrModel", err)
	}
	if _, err := NewFromWeights(embeddedManifest, embeddedWeights[1:]); !errors.Is(err, ErrModel) {
		t.Errorf("short: err %v, want ErrModel", err)
	}
}

func FuzzReadWeights(f *testing.F) {
	f.Add([]byte(smallManifest), []byte{0, 4, 3, 0, 0, 0, 0x40, 0x40})
	// The embedded model (350 KB) is left out: the fuzzer's minimisation of
	// an input that large stalls; TestNewFromWeightsArchitecture covers it.
	f.Fuzz(func(t *testing.T, manifest, bin []byte) {
		ts, err := readWeights(manifest, bin)
		if err != nil {
			if !errors.Is(err, ErrModel) {
				t.Fatalf("error %v does not wrap ErrModel", err)
			}
			return
		}
		total := 0
		for _, x := range ts {
			n := 1
			for _, d := range x.shape {
				n *= d
			}
			if n != len(x.data) {
				t.Fatalf("%s: shape %v, %d values", x.name, x.shape, len(x.data))
			}
			total += n
		}
		if total > len(bin) {
			t.Fatalf("%d values from %d bytes", total, len(bin))
		}
		if _, err := buildModel(ts); err == nil {
			// Weights of the right architecture: they must run.
			d, err := NewFromWeights(manifest, bin)
			if err != nil {
				t.Fatal(err)
			}
			var dst [NumPoints]Point
			if err := d.LocateGray(&dst, make([]byte, 40*30), 40, 30, 40); err != nil {
				t.Fatal(err)
			}
		}
	})
}
