package main

import (
	"archive/tar"
	"bytes"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
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

// gate writes the base side's output and the new side's to files and
// compares them with -in-base and -in-new. It returns the exit code and
// the report.
func gate(t *testing.T, baseRun, newRun string, extra ...string) (int, string) {
	t.Helper()
	dir := t.TempDir()
	for name, text := range map[string]string{"base.txt": baseRun, "new.txt": newRun} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var out, errb bytes.Buffer
	code := run(append([]string{"-in-base", filepath.Join(dir, "base.txt"), "-in-new", filepath.Join(dir, "new.txt")}, extra...), &out, &errb)
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
				i = strings.Index(line, "new (")
			}
			if i < 0 {
				i = strings.Index(line, "gone")
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
	base := synth(1, 8, 0.05, baseBenches...)
	now := synth(2, 8, 0.05, with("Luma/facegate/1080p", func(b *bench) { b.ns *= 10 })...)
	code, rep := gate(t, base, now)
	if code != exitRegression {
		t.Fatalf("exit %d, want %d\n%s", code, exitRegression, rep)
	}
	if v := verdict(t, rep, "Luma/facegate/1080p"); v != "FAIL (slower)" {
		t.Errorf("Luma: %q\n%s", v, rep)
	}
	for _, n := range []string{"Resize/facegate/1080p", "CropEncode/facegate/1080p", "Payload/facegate/1080p", "Luma/plain/1080p"} {
		if v := verdict(t, rep, n); v != "ok" {
			t.Errorf("%s: %q, want ok\n%s", n, v, rep)
		}
	}
	if !strings.Contains(rep, "gate: FAIL: 1 of 7 benchmarks regressed: Luma/facegate/1080p") {
		t.Errorf("no summary line:\n%s", rep)
	}
}

// TestTwentyPercentFails: the slowdown the gate must catch, a consistent
// 20% on one benchmark, with the noise of a quiet machine (±5% per run),
// fails at the default tolerance; at -tolerance 0.25 it passes.
func TestTwentyPercentFails(t *testing.T) {
	for seed := uint64(20); seed < 30; seed++ {
		base := synth(seed, 8, 0.05, baseBenches...)
		now := synth(seed+100, 8, 0.05, with("Resize/facegate/1080p", func(b *bench) { b.ns *= 1.2 })...)
		if code, rep := gate(t, base, now); code != exitRegression || verdict(t, rep, "Resize/facegate/1080p") != "FAIL (slower)" {
			t.Fatalf("seed %d: 20%% slower: exit %d\n%s", seed, code, rep)
		}
		if code, rep := gate(t, base, now, "-tolerance", "0.25"); code != exitPass {
			t.Fatalf("seed %d: 20%% slower at -tolerance 0.25: exit %d\n%s", seed, code, rep)
		}
	}
}

// TestNoisePasses: every benchmark jittered by ±15% per run on both sides,
// and Resize 5% slower (within the tolerance): pass.
func TestNoisePasses(t *testing.T) {
	for seed := uint64(10); seed < 20; seed++ {
		base := synth(seed, 8, 0.15, baseBenches...)
		now := synth(seed+100, 8, 0.15, with("Resize/facegate/1080p", func(b *bench) { b.ns *= 1.05 })...)
		if code, rep := gate(t, base, now); code != exitPass {
			t.Fatalf("seed %d: exit %d\n%s", seed, code, rep)
		}
	}
}

// TestLargeButInsignificant: a median 30% worse is not enough when the
// runs overlap (p >= alpha): one of six base runs was slow and two of six
// new runs are fast.
func TestLargeButInsignificant(t *testing.T) {
	mk := func(ms ...float64) string {
		var b strings.Builder
		b.WriteString("goos: linux\ngoarch: amd64\ncpu: Synthetic\n")
		for _, m := range ms {
			fmt.Fprintf(&b, "BenchmarkLuma/facegate/1080p-2 100 %.0f ns/op 0 B/op 0 allocs/op\n", m*1e6)
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

// Allocations are compared exactly: one more allocation per op fails, in a
// benchmark that allocated before too; fewer pass.
func TestAllocationFails(t *testing.T) {
	base := synth(5, 8, 0.05, baseBenches...)
	now := synth(6, 8, 0.05, with("Payload/facegate/1080p", func(b *bench) { b.allocs, b.bytes = 1, 64 })...)
	code, rep := gate(t, base, now)
	if code != exitRegression || verdict(t, rep, "Payload/facegate/1080p") != "FAIL (allocates)" {
		t.Errorf("exit %d\n%s", code, rep)
	}
	now = synth(6, 8, 0.05, with("CropEncode/facegate/1080p", func(b *bench) { b.allocs++ })...)
	if code, rep := gate(t, base, now); code != exitRegression || verdict(t, rep, "CropEncode/facegate/1080p") != "FAIL (allocates)" {
		t.Errorf("CropEncode one more allocation: exit %d\n%s", code, rep)
	}
	now = synth(6, 8, 0.05, with("CropEncode/facegate/1080p", func(b *bench) { b.allocs-- })...)
	if code, rep := gate(t, base, now); code != exitPass {
		t.Errorf("CropEncode one allocation fewer: exit %d\n%s", code, rep)
	}
	// Slower and allocating: both named.
	now = synth(6, 8, 0.05, with("Luma/facegate/1080p", func(b *bench) { b.ns *= 3; b.allocs = 2 })...)
	if code, rep := gate(t, base, now); code != exitRegression || verdict(t, rep, "Luma/facegate/1080p") != "FAIL (slower, allocates)" {
		t.Errorf("slower and allocating: exit %d\n%s", code, rep)
	}
}

// Benchmarks only one side has are listed, not judged.
func TestOneSidedBenchmarks(t *testing.T) {
	base := synth(7, 8, 0.05, baseBenches...)
	code, rep := gate(t, base, synth(8, 8, 0.05, without("Resize/facegate/1080p")...))
	if code != exitPass || verdict(t, rep, "Resize/facegate/1080p") != "gone (only in the base)" {
		t.Errorf("removed benchmark: exit %d\n%s", code, rep)
	}
	extra := append(append([]bench(nil), baseBenches...), bench{"Luma/facegate/720p", 1e5, 3, 10})
	code, rep = gate(t, base, synth(8, 8, 0.05, extra...))
	if code != exitPass || verdict(t, rep, "Luma/facegate/720p") != "new (only in the working tree)" {
		t.Errorf("new benchmark: exit %d\n%s", code, rep)
	}
}

// The same runs on both sides compare equal.
func TestSameRunsPass(t *testing.T) {
	text := synth(9, 8, 0.1, baseBenches...)
	code, rep := gate(t, text, text)
	if code != exitPass {
		t.Fatalf("exit %d\n%s", code, rep)
	}
	for _, line := range strings.Split(rep, "\n") {
		if f := strings.Fields(line); len(f) > 0 && strings.Contains(f[0], "/1080p") {
			if !strings.Contains(line, "+0.0%") || !strings.Contains(line, " 1.000 ") {
				t.Errorf("the same runs should compare equal (change +0.0%%, p 1.000): %s", line)
			}
		}
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
		{"-rounds", "2", "-count", "2", "-in-base", in, "-in-new", in}, // 4 runs a side
		{"-tolerance", "0", "-in-base", in, "-in-new", in},             // no tolerance
		{"-in-base", in}, // one side
		{"-in-base", filepath.Join(dir, "none.txt"), "-in-new", in},              // no input
		{"-in-base", in, "-in-new", in, "-out-new", filepath.Join(dir, "o.txt")}, // nothing to save
		{"-in", in}, // -in without a record
		{"-update", "-base", "HEAD", "-in", in, "-baseline", bl},                              // a record has no base
		{"-in", in, "-baseline", bl, "-update", "-readme", in},                                // no markers
		{"-in-base", in, "-in-new", in, "stray"},                                              // an argument
		{"-nosuchflag"},                                                                       // a flag
		{"-in-base", filepath.Join(dir, "empty.txt"), "-in-new", filepath.Join(dir, "e.txt")}, // missing files
	} {
		var out, errb bytes.Buffer
		if code := run(args, &out, &errb); code != exitMisuse {
			t.Errorf("%q: exit %d, want %d\n%s%s", args, code, exitMisuse, out.String(), errb.String())
		}
	}
	// A record needs every stage's reference peer.
	noPeer := filepath.Join(dir, "nopeer.txt")
	os.WriteFile(noPeer, []byte(synth(1, 6, 0.05, without("Luma/plain/1080p")...)), 0o644)
	if code := run([]string{"-in", noPeer, "-baseline", bl, "-update"}, io.Discard, io.Discard); code != exitMisuse {
		t.Errorf("-update without a peer: exit %d", code)
	}
	empty := filepath.Join(dir, "empty.txt")
	os.WriteFile(empty, []byte("PASS\nok\n"), 0o644)
	if code := run([]string{"-in", empty, "-baseline", bl, "-update"}, io.Discard, io.Discard); code != exitMisuse {
		t.Errorf("no results: exit %d", code)
	}
	if code := run([]string{"-in-base", empty, "-in-new", in}, io.Discard, io.Discard); code != exitMisuse {
		t.Errorf("no base results: exit %d", code)
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

// TestRecords: -update writes this machine's record; a second run on the
// same machine replaces it, a run on another machine is added beside it.
func TestRecords(t *testing.T) {
	dir := t.TempDir()
	bl := filepath.Join(dir, "baseline.json")
	update := func(text string) {
		t.Helper()
		in := filepath.Join(dir, "in.txt")
		os.WriteFile(in, []byte(text), 0o644)
		var out, errb bytes.Buffer
		if code := run([]string{"-in", in, "-baseline", bl, "-update"}, &out, &errb); code != exitPass {
			t.Fatalf("exit %d\n%s%s", code, out.String(), errb.String())
		}
	}
	update(synth(9, 6, 0.1, baseBenches...))
	update(synth(10, 6, 0.1, with("Luma/facegate/1080p", func(b *bench) { b.ns = 125e3 })...))
	other := strings.Replace(synth(11, 6, 0.1, baseBenches...), "cpu-model: Synthetic CPU", "cpu-model: Other CPU", 1)
	update(other)
	rs, err := readRecords(bl)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs.Records) != 2 || rs.Records[0].Machine.CPU != "Synthetic CPU" || rs.Records[1].Machine.CPU != "Other CPU" {
		t.Fatalf("records %+v", rs.Records)
	}
	for _, e := range rs.Records[0].Benchmarks {
		if e.Name == "Luma/facegate/1080p" && (e.NsPerOp < 110e3 || e.NsPerOp > 140e3 || len(e.Ratios) != 6 || e.Ref != "Luma/plain/1080p") {
			t.Errorf("the replaced record: %+v", e)
		}
	}
	if !strings.Contains(rs.Note, "never with these") {
		t.Errorf("note %q", rs.Note)
	}
}

// TestABDefaultBench: the A/B gate's default set is facegate's benchmarks
// of every stage at the gate's cases, without the peers.
func TestABDefaultBench(t *testing.T) {
	levels := strings.Split(abBench(), "/")
	if len(levels) != 3 {
		t.Fatalf("%q: %d levels", abBench(), len(levels))
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
		"Luma/facegate/1080p": true, "Pipeline/facegate/480p": true, "Payload/facegate/1080p": true,
		"Luma/plain/1080p": false, "Detect/pigo/480p": false, "Luma/facegate/720p": false, "Lumas/facegate/1080p": false,
	} {
		if got := matches(name); got != want {
			t.Errorf("%s: matched %v, want %v", name, got, want)
		}
	}
}

// TestResolveBase: without -base, HEAD when the working tree has changes,
// HEAD~1 when it is clean, HEAD in a repository of one commit; and the
// exported tree holds the base's files, not the working tree's.
func TestResolveBase(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Fatalf("git is needed: %v", err)
	}
	dir := t.TempDir()
	sh := func(args ...string) string {
		t.Helper()
		out, err := git(dir, args...)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	sh("init", "-q")
	sh("config", "user.email", "gate@test")
	sh("config", "user.name", "gate")
	write := func(text string) {
		if err := os.WriteFile(filepath.Join(dir, "f.txt"), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("one\n")
	sh("add", "f.txt")
	sh("commit", "-qm", "one")
	first := sh("rev-parse", "HEAD")
	var note bytes.Buffer
	if name, c, err := resolveBase(dir, "", &note); err != nil || name != "HEAD" || c != first || !strings.Contains(note.String(), "no parent") {
		t.Errorf("one commit: %s %s %v (%q)", name, c, err, note.String())
	}
	write("two\n")
	sh("commit", "-qam", "two")
	second := sh("rev-parse", "HEAD")
	if name, c, err := resolveBase(dir, "", io.Discard); err != nil || name != "HEAD~1" || c != first {
		t.Errorf("clean tree: %s %s %v, want HEAD~1 %s", name, c, err, first)
	}
	write("three, not committed\n")
	if name, c, err := resolveBase(dir, "", io.Discard); err != nil || name != "HEAD" || c != second {
		t.Errorf("changed tree: %s %s %v, want HEAD %s", name, c, err, second)
	}
	if _, _, err := resolveBase(dir, "no-such-rev", io.Discard); err == nil {
		t.Error("an unknown -base resolved")
	}
	out := t.TempDir()
	if err := exportTree(dir, second, out); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(out, "f.txt")); err != nil || string(b) != "two\n" {
		t.Errorf("exported f.txt = %q, %v; want the base's", b, err)
	}
}

// extractTar refuses entries that would leave the directory.
func TestExtractTarStaysInside(t *testing.T) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	tw.WriteHeader(&tar.Header{Name: "../escape.txt", Mode: 0o644, Size: 1, Typeflag: tar.TypeReg})
	tw.Write([]byte("x"))
	tw.Close()
	dir := t.TempDir()
	if err := extractTar(&buf, filepath.Join(dir, "in")); err == nil || !strings.Contains(err.Error(), "leaves the tree") {
		t.Errorf("err = %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "escape.txt")); err == nil {
		t.Error("the entry was written outside")
	}
}
