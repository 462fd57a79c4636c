// Command gate is facegate's latency-regression gate. It runs a fixed set
// of the benchmarks in package bench several times, divides each facegate
// result by the result of its peer in the same run (the stage's reference:
// a plain Go loop, x/image/draw, pigo, the standard library), and compares
// these ratios with the baseline committed in bench/baseline.json.
//
// Usage, from the module's directory:
//
//	go run ./bench/gate [flags]
//
// A ratio, not a time, is compared: the facegate benchmark and its peer run
// a fraction of a second apart in the same process, so a slower or busier
// machine moves both and the ratio little. Each of the -count runs is a
// separate execution of the test binary (built once, with -tags), so run k
// of every benchmark happens at about the same time; the k-th facegate
// result is divided by the k-th peer result.
//
// The verdict, per benchmark:
//
//   - FAIL (slower) when the median ratio exceeds the baseline's by more
//     than -tolerance AND the runs are significantly worse than the
//     baseline's runs made -tolerance worse (each baseline ratio times
//     1+tolerance): the Mann-Whitney U test of golang.org/x/perf/benchmath
//     (AssumeNothing, as benchstat) gives p < -alpha (column p>tol). So a
//     change within the tolerance never fails, and one beyond it fails only
//     when the samples establish it; a noisy run or two cannot. (Column p
//     is the plain test against the baseline, as benchstat reports it.)
//   - FAIL (allocates) when the baseline's facegate benchmark made no
//     allocation (0 allocs/op and 0 B/op) and the median run now does.
//   - FAIL (missing) when a baseline benchmark, or its peer, is absent.
//   - ok otherwise; "faster" marks a significant improvement beyond the
//     tolerance (refresh the baseline on purpose with -update).
//
// Flags:
//
//	-bench re       the benchmarks to run (default: the gate's set, see below)
//	-count n        runs, at least 5 (default 6)
//	-benchtime d    per benchmark and run (default 100ms)
//	-tags list      build tags for the benchmarks, e.g. purego
//	-tolerance f    allowed slowdown of a ratio (default 0.25: 25%)
//	-alpha f        significance level of the U test (default 0.05)
//	-confidence f   of the medians' intervals in the table (default 0.95)
//	-baseline file  (default bench/baseline.json)
//	-update         write the baseline from this run instead of comparing
//	-readme file    rewrite the benchmark table between the lines
//	                <!-- bench:begin --> and <!-- bench:end --> of file
//	-in file        read benchmark output (go test -bench format) instead of
//	                running; pairs the k-th results of each name
//	-out file       save the benchmark output of this run
//
// The gate's set is the 480p and 1080p cases of every stage with a peer,
// each facegate benchmark with its reference peer, and Payload (no peer:
// only its allocations are gated). To regenerate the README's table over
// every benchmark and peer:
//
//	go run ./bench/gate -bench . -readme README.md
//
// Exit status: 0 pass, 1 regression, 2 misuse or a failure to run or read
// the benchmarks. (go run reports every non-zero status as 1: build the
// command to tell them apart, as .ci/run does.)
// Command gate is facegate's latency-regression gate: an A/B comparison of
// the working tree with a base revision, both built and run on this
// machine, in this run.
//
// Usage, from the module's directory (a git checkout):
//
//	go run ./bench/gate [flags]
//
// It exports the base revision's files (git archive) into a temporary
// directory, builds the test binary of package bench there and in the
// working tree, and runs both in -rounds rounds of -count runs each,
// alternating which side goes first, so that a machine that grows busier
// or quieter weighs on both alike. SIMD code's speed against anything
// else is a property of the CPU, so no committed figure can gate every
// machine; the same code measured beside itself can.
//
// The verdict, per benchmark (sec/op, the medians of each side's runs):
//
//   - FAIL (slower) when the new median is worse than the base's by more
//     than -tolerance AND the new runs are significantly slower than the
//     base's runs made -tolerance slower: the Mann-Whitney U test of
//     golang.org/x/perf/benchmath (AssumeNothing, as benchstat) gives p <
//     -alpha (column p>tol). So a change within the tolerance never fails,
//     and one beyond it fails only when the runs establish it. (Column p
//     is the plain test of new against base, as benchstat reports it.)
//   - FAIL (allocates) when the new median allocs/op is above the base's,
//     by any amount: allocations are counted, not timed.
//   - ok otherwise; "faster" marks a significant improvement beyond the
//     tolerance. Benchmarks only one side has are listed, not judged.
//
// The base revision, without -base: HEAD when the working tree has changes
// (the change under test is uncommitted), else HEAD~1 (the change is the
// last commit, as on a clean CI checkout). -new-tags builds the new side
// with more tags: .ci/run checks that -base HEAD -new-tags purego (the
// same code with the pure-Go kernels) fails, which proves the gate can
// see a slowdown on whatever CPU CI has.
//
// Flags:
//
//	-base rev       base revision (default: HEAD or HEAD~1, see above)
//	-new-tags list  build tags for the new side only, e.g. purego
//	-tags list      build tags for both sides
//	-bench re       the benchmarks (default: facegate's, every stage, 480p and 1080p)
//	-rounds n       rounds (default 8)
//	-count n        runs of each side per round (default 1; rounds*count >= 5)
//	-benchtime d    per benchmark and run (default 100ms)
//	-tolerance f    allowed slowdown (default 0.10: 10%)
//	-alpha f        significance level of the U test (default 0.05)
//	-confidence f   of the medians' intervals in the table (default 0.95)
//	-in-base file, -in-new file    compare saved outputs instead of running
//	-out-base file, -out-new file  save the outputs of this run
//
// Records (no comparison): -update runs the working tree's benchmarks and
// their peers (a plain Go loop, x/image/draw, pigo, the standard library)
// rounds*count times and writes this machine's record into -baseline
// (default bench/baseline.json, one record per CPU model, GOARCH and
// tags); -readme file rewrites the benchmark table between the lines
// <!-- bench:begin --> and <!-- bench:end --> of file from the same run;
// -in file reads such a run instead. To regenerate the README's table over
// every benchmark and peer:
//
//	go run ./bench/gate -bench . -readme README.md
//
// Exit status: 0 pass, 1 regression, 2 misuse or a failure to build, run
// or read the benchmarks. (go run reports every non-zero status as 1:
// build the command to tell them apart, as .ci/run does.)
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

const (
	exitPass       = 0
	exitRegression = 1
	exitMisuse     = 2
)

// benchPkg is the import path of the benchmarks.
const benchPkg = "github.com/facegate/facegate/bench"

// options are the command's flags.
type options struct {
	bench, benchtime, tags, newTags string
	base                            string
	rounds, count                   int
	tolerance, alpha, confid        float64
	baseline, readme                string
	in, inBase, inNew               string
	outBase, outNew                 string
	update                          bool
	benchSet                        bool // -bench was given
}

const usageHead = `usage: go run ./bench/gate [flags]

Builds package bench's benchmarks at a base revision (default HEAD when the
working tree has changes, else HEAD~1) and in the working tree, runs them
interleaved on this machine, and fails when the working tree is slower by
more than -tolerance, significantly (Mann-Whitney U, p < -alpha), or
allocates more. -update and -readme record figures instead.
Exit status 0 pass, 1 regression, 2 misuse. See go doc ./bench/gate.

`

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func run(args []string, stdout, stderr io.Writer) int {
	var o options
	fs := flag.NewFlagSet("gate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usageHead)
		fs.PrintDefaults()
	}
	fs.StringVar(&o.bench, "bench", "", "`regexp` of the benchmarks to run (default: the gate's set)")
	fs.StringVar(&o.base, "base", "", "base `revision` (default HEAD with uncommitted changes, else HEAD~1)")
	fs.StringVar(&o.newTags, "new-tags", "", "build `tags` for the new side only (e.g. purego)")
	fs.StringVar(&o.tags, "tags", "", "build `tags` for both sides")
	fs.IntVar(&o.rounds, "rounds", 8, "`rounds`, each running both sides, in alternating order")
	fs.IntVar(&o.count, "count", 1, "`runs` of each side per round")
	fs.StringVar(&o.benchtime, "benchtime", "100ms", "`duration` (or Nx) of each benchmark per run")
	fs.Float64Var(&o.tolerance, "tolerance", 0.10, "allowed slowdown, as a `fraction`")
	fs.Float64Var(&o.alpha, "alpha", 0.05, "significance `level` of the Mann-Whitney U test")
	fs.Float64Var(&o.confid, "confidence", 0.95, "`level` of the medians' confidence intervals")
	fs.StringVar(&o.inBase, "in-base", "", "compare the base side's saved output `file` (with -in-new)")
	fs.StringVar(&o.inNew, "in-new", "", "compare the new side's saved output `file` (with -in-base)")
	fs.StringVar(&o.outBase, "out-base", "", "save the base side's output to `file`")
	fs.StringVar(&o.outNew, "out-new", "", "save the new side's output to `file`")
	fs.BoolVar(&o.update, "update", false, "record this machine's figures in -baseline instead of comparing")
	fs.StringVar(&o.readme, "readme", "", "record: rewrite the benchmark table between the markers in `file`")
	fs.StringVar(&o.in, "in", "", "record: read benchmark output from `file` instead of running")
	fs.StringVar(&o.baseline, "baseline", "", "record: the records `file` (default bench/baseline.json)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitPass
		}
		return exitMisuse
	}
	fs.Visit(func(f *flag.Flag) { o.benchSet = o.benchSet || f.Name == "bench" })
	misuse := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "gate: "+format+"\n", a...)
		return exitMisuse
	}
	record := o.update || o.readme != ""
	switch {
	case fs.NArg() > 0:
		return misuse("unexpected arguments %q (flags only; -h for help)", fs.Args())
	case o.rounds < 1 || o.count < 1 || o.rounds*o.count < 5:
		return misuse("-rounds %d -count %d: at least 5 runs a side are needed for the U test to reach p < 0.05", o.rounds, o.count)
	case !(o.tolerance > 0):
		return misuse("-tolerance %v: want a positive fraction, such as 0.10", o.tolerance)
	case !(o.alpha > 0 && o.alpha < 1), !(o.confid > 0 && o.confid < 1):
		return misuse("-alpha and -confidence must be between 0 and 1")
	case (o.inBase == "") != (o.inNew == ""):
		return misuse("-in-base and -in-new go together")
	case o.inBase != "" && (o.outBase != "" || o.outNew != ""):
		return misuse("-in-base with -out-base or -out-new: nothing would be run to save")
	case record && (o.inBase != "" || o.outBase != "" || o.outNew != "" || o.base != "" || o.newTags != ""):
		return misuse("-update and -readme record the working tree's figures: no -base, -new-tags, -in-base, -out-base")
	case !record && o.in != "":
		return misuse("-in reads a run to record (with -update or -readme); compare saved runs with -in-base and -in-new")
	}
	if record {
		return runRecord(&o, stdout, stderr, misuse)
	}
	if !o.benchSet {
		o.bench = abBench()
	}

	var baseRaw, newRaw []byte
	if o.inBase != "" {
		var err error
		if baseRaw, err = os.ReadFile(o.inBase); err != nil {
			return misuse("%v", err)
		}
		if newRaw, err = os.ReadFile(o.inNew); err != nil {
			return misuse("%v", err)
		}
	} else {
		root, err := moduleRoot()
		if err != nil {
			return misuse("finding the module (run from its directory): %v", err)
		}
		base, cur, err := runAB(&o, root, stderr)
		if err != nil {
			return misuse("%v", err)
		}
		baseRaw, newRaw = base.out.Bytes(), cur.out.Bytes()
		for _, s := range [][2]string{{o.outBase, string(baseRaw)}, {o.outNew, string(newRaw)}} {
			if s[0] != "" {
				if err := os.WriteFile(s[0], []byte(s[1]), 0o644); err != nil {
					return misuse("%v", err)
				}
			}
		}
	}
	baseRS, err := parseResults(strings.NewReader(string(baseRaw)), "base")
	if err != nil {
		return misuse("%v", err)
	}
	newRS, err := parseResults(strings.NewReader(string(newRaw)), "new")
	if err != nil {
		return misuse("%v", err)
	}
	if len(baseRS.order) == 0 || len(newRS.order) == 0 {
		return misuse("no benchmark results to compare (base %d, new %d)", len(baseRS.order), len(newRS.order))
	}
	rows := compareAB(baseRS, newRS, &o)
	printAB(stdout, rows, baseRS, newRS, &o)
	for _, r := range rows {
		if r.fail {
			return exitRegression
		}
	}
	return exitPass
}

// runRecord is -update and -readme: one side, the working tree, with the
// peers; this machine's record and the README's table.
func runRecord(o *options, stdout, stderr io.Writer, misuse func(string, ...any) int) int {
	if !o.benchSet {
		o.bench = defaultBench()
	}
	runs := o.rounds * o.count
	if o.baseline == "" && o.update {
		dir, err := benchDir(o.tags)
		if err != nil {
			return misuse("finding package bench (run from the module): %v", err)
		}
		o.baseline = filepath.Join(dir, "baseline.json")
	}
	var raw []byte
	var err error
	name := o.in
	if o.in != "" {
		if raw, err = os.ReadFile(o.in); err != nil {
			return misuse("%v", err)
		}
	} else {
		name = "benchmark output"
		if raw, err = runBenchmarks(o, runs, stderr); err != nil {
			return misuse("running the benchmarks: %v", err)
		}
	}
	rs, err := parseResults(strings.NewReader(string(raw)), name)
	if err != nil {
		return misuse("%v", err)
	}
	cur := rs.entries()
	if len(cur) == 0 {
		return misuse("%s holds no facegate benchmark results", name)
	}
	m := rs.machine()
	if o.readme != "" {
		if err := rewriteReadme(o.readme, readmeTable(rs, m)); err != nil {
			return misuse("%v", err)
		}
		fmt.Fprintf(stderr, "gate: wrote the benchmark table into %s\n", o.readme)
	}
	if o.update {
		for _, e := range cur {
			if e.refMissing {
				return misuse("-update: %s has no %s in the run, so no ratio to keep", e.Name, e.Ref)
			}
		}
		b := newBaseline(cur, m, o, runs)
		if err := writeRecord(o.baseline, b); err != nil {
			return misuse("%v", err)
		}
		printBaseline(stdout, b)
		fmt.Fprintf(stdout, "gate: record of %s written to %s (%d benchmarks)\n", m, o.baseline, len(b.Benchmarks))
	}
	return exitPass
}

// moduleRoot is the directory of the main module.
func moduleRoot() (string, error) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}").Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			err = fmt.Errorf("%v: %s", err, strings.TrimSpace(string(ee.Stderr)))
		}
		return "", err
	}
	return strings.TrimSpace(string(out)), nil
}

// benchDir is the directory of package bench, where its tests run.
func benchDir(tags string) (string, error) {
	args := []string{"list", "-f", "{{.Dir}}"}
	if tags != "" {
		args = append(args, "-tags", tags)
	}
	out, err := exec.Command("go", append(args, benchPkg)...).Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			err = fmt.Errorf("%v: %s", err, strings.TrimSpace(string(ee.Stderr)))
		}
		return "", err
	}
	return strings.TrimSpace(string(out)), nil
}
