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
	bench, benchtime, tags   string
	count                    int
	tolerance, alpha, confid float64
	baseline, readme         string
	in, out                  string
	update                   bool
}

const usageHead = `usage: go run ./bench/gate [flags]

Runs the gate's benchmarks (package bench) -count times, divides each
facegate result by its in-run peer, and compares the ratios with the
baseline: FAIL when a ratio is worse by more than -tolerance, significantly
(U test against the baseline made -tolerance worse, p < -alpha), or when a
benchmark that did not allocate now does.
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
	fs.StringVar(&o.bench, "bench", defaultBench(), "`regexp` of the benchmarks to run")
	fs.IntVar(&o.count, "count", 6, "`runs` of each benchmark (at least 5)")
	fs.StringVar(&o.benchtime, "benchtime", "100ms", "`duration` (or Nx) of each benchmark per run")
	fs.StringVar(&o.tags, "tags", "", "build `tags` for the benchmarks (e.g. purego)")
	fs.Float64Var(&o.tolerance, "tolerance", 0.25, "allowed slowdown of a ratio, as a `fraction`")
	fs.Float64Var(&o.alpha, "alpha", 0.05, "significance `level` of the Mann-Whitney U test")
	fs.Float64Var(&o.confid, "confidence", 0.95, "`level` of the medians' confidence intervals")
	fs.StringVar(&o.baseline, "baseline", "", "baseline `file` (default bench/baseline.json)")
	fs.BoolVar(&o.update, "update", false, "write the baseline from this run instead of comparing")
	fs.StringVar(&o.readme, "readme", "", "rewrite the benchmark table between the markers in `file`")
	fs.StringVar(&o.in, "in", "", "read benchmark output from `file` instead of running")
	fs.StringVar(&o.out, "out", "", "save the benchmark output to `file`")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitPass
		}
		return exitMisuse
	}
	misuse := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "gate: "+format+"\n", a...)
		return exitMisuse
	}
	switch {
	case fs.NArg() > 0:
		return misuse("unexpected arguments %q (flags only; -h for help)", fs.Args())
	case o.count < 5:
		return misuse("-count %d: at least 5 runs are needed for the U test to reach p < 0.05", o.count)
	case !(o.tolerance > 0):
		return misuse("-tolerance %v: want a positive fraction, such as 0.25", o.tolerance)
	case !(o.alpha > 0 && o.alpha < 1), !(o.confid > 0 && o.confid < 1):
		return misuse("-alpha and -confidence must be between 0 and 1")
	case o.in != "" && o.out != "":
		return misuse("-in and -out together: nothing would be run to save")
	}
	if o.baseline == "" {
		dir, err := benchDir(o.tags)
		if err != nil {
			return misuse("finding package bench (run from the module): %v", err)
		}
		o.baseline = filepath.Join(dir, "baseline.json")
	}

	var raw []byte
	var err error
	if o.in != "" {
		if raw, err = os.ReadFile(o.in); err != nil {
			return misuse("%v", err)
		}
	} else {
		if raw, err = runBenchmarks(&o, stderr); err != nil {
			return misuse("running the benchmarks: %v", err)
		}
		if o.out != "" {
			if err := os.WriteFile(o.out, raw, 0o644); err != nil {
				return misuse("%v", err)
			}
		}
	}
	name := o.in
	if name == "" {
		name = "benchmark output"
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
		b := newBaseline(cur, m, &o)
		if err := b.write(o.baseline); err != nil {
			return misuse("%v", err)
		}
		printBaseline(stdout, b)
		fmt.Fprintf(stdout, "gate: baseline written to %s (%d benchmarks)\n", o.baseline, len(b.Benchmarks))
		return exitPass
	}
	base, err := readBaseline(o.baseline)
	if err != nil {
		return misuse("%v (create it with -update)", err)
	}
	rows := compare(base, cur, &o)
	printReport(stdout, rows, base, m, &o)
	for _, r := range rows {
		if r.fail {
			return exitRegression
		}
	}
	return exitPass
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
