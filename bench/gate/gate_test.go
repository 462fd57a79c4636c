package main

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// bench is one synthetic benchmark: its name (Stage/impl/case), ns/op
// before jitter, and allocs/op and B/op.
type bench struct {
	name          string
	ns            float64
	allocs, bytes int
}

// synth writes runs of benches in the benchmark format, as the gate's runs
// produce them (one block per run), each ns/op multiplied by 1 + a
// uniform jitter in [-jitter, jitter].
func synth(seed uint64, runs int, jitter float64, benches ...bench) string {
	rng := rand.New(rand.NewPCG(seed, 7))
	var b strings.Builder
	b.WriteString("go: go1.26.0\ncpu-model: Synthetic CPU\ncores: 2\nbenchtime: 100ms\n")
	for range runs {
		b.WriteString("goos: linux\ngoarch: amd64\npkg: github.com/facegate/facegate/bench\ncpu: Synthetic\n")
		for _, x := range benches {
			ns := x.ns * (1 + jitter*(2*rng.Float64()-1))
			fmt.Fprintf(&b, "Benchmark%s-2 \t     100\t %.0f ns/op\t 123.45 MB/s\t %d B/op\t %d allocs/op\n", x.name, ns, x.bytes, x.allocs)
		}
		b.WriteString("PASS\n")
	}
	return b.String()
}

// baseBenches are a typical run: three stages with peers, one without.
var baseBenches = []bench{
	{"Luma/facegate/1080p", 250e3, 0, 0}, {"Luma/plain/1080p", 4e6, 0, 0},
	{"Resize/facegate/1080p", 90e3, 0, 0}, {"Resize/xdraw/1080p", 1e6, 0, 0},
	{"CropEncode/facegate/1080p", 5e6, 5, 30000}, {"CropEncode/stdlib/1080p", 7e6, 8, 4600},
	{"Payload/facegate/1080p", 9e3, 0, 0},
}

// with returns baseBenches with the named benchmark changed by f.
func with(name string, f func(*bench)) []bench {
	out := append([]bench(nil), baseBenches...)
	for i := range out {
		if out[i].name == name {
			f(&out[i])
			return out
		}
	}
	panic("no benchmark " + name)
}

func without(name string) []bench {
	var out []bench
	for _, b := range baseBenches {
		if b.name != name {
			out = append(out, b)
		}
	}
	return out
}

// gate writes the baseline run and the new run to files, makes the
// baseline with -update, then runs the gate on the new run. It returns the
// exit code and the report.
func gate(t *testing.T, baseRun, newRun string, extra ...string) (int, string) {
	t.Helper()
	dir := t.TempDir()
	bl := filepath.Join(dir, "baseline.json")
	for name, text := range map[string]string{"base.txt": baseRun, "new.txt": newRun} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var out, errb bytes.Buffer
	if code := run([]string{"-in", filepath.Join(dir, "base.txt"), "-baseline", bl, "-update"}, &out, &errb); code != exitPass {
		t.Fatalf("-update: exit %d\n%s%s", code, out.String(), errb.String())
	}
	out.Reset()
	errb.Reset()
	code := run(append([]string{"-in", filepath.Join(dir, "new.txt"), "-baseline", bl}, extra...), &out, &errb)
	return code, out.String() + errb.String()
}

// verdict returns the verdict column of name's row in a report.
func verdict(t *testing.T, report, name string) string {
	t.Helper()
	for _, line := range strings.Split(report, "\n") {
		if f := strings.Fields(line); len(f) > 0 && f[0] == name {
			i := strings.Index(line, "FAIL")
			if i < 0 {
				i = strings.Index(line, " ok")
			}
			if i < 0 {
				i = strings.Index(line, "new")
			}
			if i < 0 {
				t.Fatalf("no verdict in %q", line)
			}
			return strings.TrimSpace(line[i:])
		}
	}
	t.Fatalf("no row for %s in\n%s", name, report)
	return ""
}

func TestSlowdownFails(t *testing.T) {
	base := synth(1, 6, 0.05, baseBenches...)
	now := synth(2, 6, 0.05, with("Luma/facegate/1080p", func(b *bench) { b.ns *= 10 })...)
	code, rep := gate(t, base, now)
	if code != exitRegression {
		t.Fatalf("exit %d, want %d\n%s", code, exitRegression, rep)
	}
	if v := verdict(t, rep, "Luma/facegate/1080p"); v != "FAIL (slower)" {
		t.Errorf("Luma: %q\n%s", v, rep)
	}
	for _, n := range []string{"Resize/facegate/1080p", "CropEncode/facegate/1080p", "Payload/facegate/1080p"} {
		if v := verdict(t, rep, n); v != "ok" {
			t.Errorf("%s: %q, want ok\n%s", n, v, rep)
		}
	}
	if !strings.Contains(rep, "gate: FAIL: 1 of 4 benchmarks regressed: Luma/facegate/1080p") {
		t.Errorf("no summary line:\n%s", rep)
	}
}

// TestJustOverTolerance: a consistent 40% slowdown (ratio 1.4x, beyond the
// 25% tolerance) with little noise fails; the same at -tolerance 0.5
// passes.
func TestJustOverTolerance(t *testing.T) {
	base := synth(3, 6, 0.03, baseBenches...)
	now := synth(4, 6, 0.03, with("Resize/facegate/1080p", func(b *bench) { b.ns *= 1.4 })...)
	if code, rep := gate(t, base, now); code != exitRegression || verdict(t, rep, "Resize/facegate/1080p") != "FAIL (slower)" {
		t.Errorf("40%% slower: exit %d\n%s", code, rep)
	}
	if code, rep := gate(t, base, now, "-tolerance", "0.5"); code != exitPass {
		t.Errorf("40%% slower at -tolerance 0.5: exit %d\n%s", code, rep)
	}
}

// TestNoisePasses: every benchmark jittered by ±20% per run, and facegate's
// Resize 10% slower (significant, but within the tolerance): pass.
func TestNoisePasses(t *testing.T) {
	for seed := uint64(10); seed < 20; seed++ {
		base := synth(seed, 6, 0.2, baseBenches...)
		now := synth(seed+100, 6, 0.2, with("Resize/facegate/1080p", func(b *bench) { b.ns *= 1.1 })...)
		if code, rep := gate(t, base, now); code != exitPass {
			t.Fatalf("seed %d: exit %d\n%s", seed, code, rep)
		}
	}
}

// TestLargeButInsignificant: a median 30% worse is not enough when the
// samples overlap (p >= alpha): one of six runs of the baseline was slow
// and two of six now are fast.
func TestLargeButInsignificant(t *testing.T) {
	mk := func(ratios ...float64) string {
		var b strings.Builder
		b.WriteString("goos: linux\ngoarch: amd64\ncpu: Synthetic\n")
		for _, r := range ratios {
			fmt.Fprintf(&b, "BenchmarkLuma/facegate/1080p-2 100 %.0f ns/op 0 B/op 0 allocs/op\n", r*1e6)
			fmt.Fprintf(&b, "BenchmarkLuma/plain/1080p-2 100 %.0f ns/op 0 B/op 0 allocs/op\n", 1e6)
		}
		return b.String()
	}
	base := mk(0.10, 0.10, 0.11, 0.10, 0.18, 0.10)
	now := mk(0.13, 0.14, 0.09, 0.135, 0.09, 0.13)
	code, rep := gate(t, base, now)
	if code != exitPass || !strings.Contains(rep, "+30.0%") {
		t.Errorf("exit %d, want pass with a +30.0%% change\n%s", code, rep)
	}
}

func TestAllocationFails(t *testing.T) {
	base := synth(5, 6, 0.05, baseBenches...)
	now := synth(6, 6, 0.05, with("Payload/facegate/1080p", func(b *bench) { b.allocs, b.bytes = 1, 64 })...)
	code, rep := gate(t, base, now)
	if code != exitRegression || verdict(t, rep, "Payload/facegate/1080p") != "FAIL (allocates)" {
		t.Errorf("exit %d\n%s", code, rep)
	}
	// Bytes without a whole allocation per op (an allocation every few
	// iterations) count too.
	now = synth(6, 6, 0.05, with("Luma/facegate/1080p", func(b *bench) { b.bytes = 16 })...)
	if code, rep := gate(t, base, now); code != exitRegression || verdict(t, rep, "Luma/facegate/1080p") != "FAIL (allocates)" {
		t.Errorf("B/op only: exit %d\n%s", code, rep)
	}
	// A benchmark that allocated in the baseline may allocate more.
	now = synth(6, 6, 0.05, with("CropEncode/facegate/1080p", func(b *bench) { b.allocs++ })...)
	if code, rep := gate(t, base, now); code != exitPass {
		t.Errorf("CropEncode one more allocation: exit %d\n%s", code, rep)
	}
}

func TestMissingFails(t *testing.T) {
	base := synth(7, 6, 0.05, baseBenches...)
	code, rep := gate(t, base, synth(8, 6, 0.05, without("Resize/facegate/1080p")...))
	if code != exitRegression || verdict(t, rep, "Resize/facegate/1080p") != "FAIL (missing)" {
		t.Errorf("facegate missing: exit %d\n%s", code, rep)
	}
	code, rep = gate(t, base, synth(8, 6, 0.05, without("Resize/xdraw/1080p")...))
	if code != exitRegression || verdict(t, rep, "Resize/facegate/1080p") != "FAIL (missing Resize/xdraw/1080p)" {
		t.Errorf("peer missing: exit %d\n%s", code, rep)
	}
	// A benchmark the baseline does not have is reported, not judged.
	extra := append(append([]bench(nil), baseBenches...), bench{"Luma/facegate/720p", 1e5, 0, 0}, bench{"Luma/plain/720p", 2e6, 0, 0})
	code, rep = gate(t, base, synth(8, 6, 0.05, extra...))
	if code != exitPass || !strings.Contains(verdict(t, rep, "Luma/facegate/720p"), "new") {
		t.Errorf("new benchmark: exit %d\n%s", code, rep)
	}
}

// TestPairing: ratios pair the k-th results of a benchmark and its peer,
// whether the runs are interleaved (the gate's runs) or in blocks
// (go test -count), and names lose their GOMAXPROCS suffix.
func TestPairing(t *testing.T) {
	interleaved := `cpu: X
BenchmarkLuma/facegate/1080p-2  10  100 ns/op  0 allocs/op
BenchmarkLuma/plain/1080p-2     10  1000 ns/op  0 allocs/op
BenchmarkLuma/facegate/1080p-2  10  200 ns/op  0 allocs/op
BenchmarkLuma/plain/1080p-2     10  4000 ns/op  0 allocs/op
`
	blocks := `cpu: X
BenchmarkLuma/facegate/1080p  10  100 ns/op  0 allocs/op
BenchmarkLuma/facegate/1080p  10  200 ns/op  0 allocs/op
BenchmarkLuma/plain/1080p     10  1000 ns/op  0 allocs/op
BenchmarkLuma/plain/1080p     10  4000 ns/op  0 allocs/op
`
	for name, text := range map[string]string{"interleaved": interleaved, "blocks": blocks} {
		rs, err := parseResults(strings.NewReader(text), name)
		if err != nil {
			t.Fatal(err)
		}
		es := rs.entries()
		if len(es) != 1 || es[0].Name != "Luma/facegate/1080p" || es[0].Ref != "Luma/plain/1080p" {
			t.Fatalf("%s: entries %+v", name, es)
		}
		if got := es[0].Ratios; len(got) != 2 || !near(got[0], 0.1) || !near(got[1], 0.05) {
			t.Errorf("%s: ratios %v, want [0.1 0.05]", name, got)
		}
		if !near(es[0].NsPerOp, 150) || es[0].AllocsPerOp != 0 {
			t.Errorf("%s: ns/op %v allocs %v", name, es[0].NsPerOp, es[0].AllocsPerOp)
		}
	}
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Abs(b) }

// TestDefaultBench: the gate's -bench selects, level by level as go test
// matches it, the facegate and reference benchmarks of the gate's cases.
func TestDefaultBench(t *testing.T) {
	levels := strings.Split(defaultBench(), "/")
	if len(levels) != 3 {
		t.Fatalf("%q: %d levels", defaultBench(), len(levels))
	}
	matches := func(name string) bool {
		for i, part := range strings.Split("Benchmark"+name, "/") {
			if !regexp.MustCompile(levels[i]).MatchString(part) {
				return false
			}
		}
		return true
	}
	for name, want := range map[string]bool{
		"Luma/facegate/1080p": true, "Luma/plain/480p": true, "Resize/xdraw/1080p": true,
		"Detect/pigo/480p": true, "Landmarks/facegate/1080p": true, "CropEncode/stdlib/1080p": true,
		"Payload/facegate/1080p": true,
		"Luma/facegate/720p":     false, "Luma/imaging/1080p": false, "Resize/xdraw-catmullrom/1080p": false,
		"Resize/imaging/480p": false, "Lumas/facegate/1080p": false,
	} {
		if got := matches(name); got != want {
			t.Errorf("%s: matched %v, want %v", name, got, want)
		}
	}
}

func TestMisuse(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.txt")
	os.WriteFile(in, []byte(synth(1, 6, 0.05, baseBenches...)), 0o644)
	bl := filepath.Join(dir, "baseline.json")
	for _, args := range [][]string{
		{"-count", "3", "-in", in, "-baseline", bl},
		{"-tolerance", "0", "-in", in, "-baseline", bl},
		{"-in", in, "-baseline", bl},                                      // no baseline yet
		{"-in", filepath.Join(dir, "none.txt"), "-baseline", bl},          // no input
		{"-in", in, "-baseline", bl, "-update", "-readme", in},            // no markers
		{"-in", in, "-baseline", bl, "stray"},                             // an argument
		{"-nosuchflag"},                                                   // a flag
		{"-in", in, "-out", filepath.Join(dir, "o.txt"), "-baseline", bl}, // nothing to save
	} {
		var out, errb bytes.Buffer
		if code := run(args, &out, &errb); code != exitMisuse {
			t.Errorf("%q: exit %d, want %d\n%s%s", args, code, exitMisuse, out.String(), errb.String())
		}
	}
	// A baseline needs every stage's reference peer.
	noPeer := filepath.Join(dir, "nopeer.txt")
	os.WriteFile(noPeer, []byte(synth(1, 6, 0.05, without("Luma/plain/1080p")...)), 0o644)
	if code := run([]string{"-in", noPeer, "-baseline", bl, "-update"}, io.Discard, io.Discard); code != exitMisuse {
		t.Errorf("-update without a peer: exit %d", code)
	}
	os.WriteFile(filepath.Join(dir, "empty.txt"), []byte("PASS\nok\n"), 0o644)
	var out, errb bytes.Buffer
	if code := run([]string{"-in", filepath.Join(dir, "empty.txt"), "-baseline", bl, "-update"}, &out, &errb); code != exitMisuse {
		t.Errorf("no results: exit %d", code)
	}
}

func TestReadme(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.txt")
	text := synth(1, 6, 0, append(baseBenches, bench{"Luma/imaging/1080p", 8e6, 8, 8e6})...)
	os.WriteFile(in, []byte(text), 0o644)
	readme := filepath.Join(dir, "README.md")
	doc := "# facegate\n\nintro\n\n" + beginMarker + "\nold table\n" + endMarker + "\n\nafter\n"
	os.WriteFile(readme, []byte(doc), 0o644)
	var out, errb bytes.Buffer
	if code := run([]string{"-in", in, "-baseline", filepath.Join(dir, "b.json"), "-update", "-readme", readme}, &out, &errb); code != exitPass {
		t.Fatalf("exit %d\n%s%s", code, out.String(), errb.String())
	}
	got, _ := os.ReadFile(readme)
	s := string(got)
	if !strings.HasPrefix(s, "# facegate\n\nintro\n\n"+beginMarker+"\n") || !strings.HasSuffix(s, "\n"+endMarker+"\n\nafter\n") || strings.Contains(s, "old table") {
		t.Fatalf("README not rewritten between the markers:\n%s", s)
	}
	for _, want := range []string{
		"On Synthetic CPU (2 cores), linux/amd64, go1.26.0; medians of 6 runs, -benchtime 100ms.",
		"| Luma | 1080p | 250 µs | 0 | plain | 4 ms | 0 | 0.0625 (16× faster) |",
		"| Luma | 1080p | 250 µs | 0 | imaging | 8 ms | 8 | 0.0312 (32× faster) |",
		"| CropEncode | 1080p | 5 ms | 5 | stdlib | 7 ms | 8 | 0.714 (1.4× faster) |",
		"| Payload | 1080p | 9 µs | 0 | - | - | - | - |",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("README lacks %q:\n%s", want, s)
		}
	}
	// The reference peer comes first, and the run is idempotent.
	if strings.Index(s, "| plain |") > strings.Index(s, "| imaging |") {
		t.Errorf("the reference peer is not first:\n%s", s)
	}
	run([]string{"-in", in, "-baseline", filepath.Join(dir, "b.json"), "-update", "-readme", readme}, &out, &errb)
	if again, _ := os.ReadFile(readme); string(again) != s {
		t.Errorf("a second rewrite changed the README")
	}
}

// TestBaselineRoundTrip: -update writes what the comparison reads, with
// the ratios rounded, and the same run compared with it passes with no
// change.
func TestBaselineRoundTrip(t *testing.T) {
	text := synth(9, 6, 0.1, baseBenches...)
	code, rep := gate(t, text, text)
	if code != exitPass {
		t.Fatalf("exit %d\n%s", code, rep)
	}
	for _, n := range []string{"Luma/facegate/1080p", "Resize/facegate/1080p", "CropEncode/facegate/1080p"} {
		for _, line := range strings.Split(rep, "\n") {
			if f := strings.Fields(line); len(f) > 6 && f[0] == n {
				// The baseline's ratios are rounded to 5 digits, so the
				// ranks may interleave: p is high, not exactly 1.
				if p, err := strconv.ParseFloat(f[6], 64); f[5] != "+0.0%" || err != nil || p < 0.5 {
					t.Errorf("the same run should compare equal (change +0.0%%, p near 1): %s", line)
				}
			}
		}
	}
}
