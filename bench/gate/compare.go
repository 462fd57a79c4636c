package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"golang.org/x/perf/benchmath"
)

// baseline is the committed reference the gate compares with
// (bench/baseline.json).
type baseline struct {
	Note       string  `json:"note"`
	Updated    string  `json:"updated"`
	Machine    machine `json:"machine"`
	Bench      string  `json:"bench"`
	Benchtime  string  `json:"benchtime,omitempty"`
	Count      int     `json:"count"`
	Benchmarks []entry `json:"benchmarks"`
}

const baselineNote = "Written by go run ./bench/gate -update. Ratios are facegate's sec/op over its peer's " +
	"(the ref) in the same run, one per run; ns_per_op and allocations are medians of facegate's " +
	"results (-1: not reported). The gate compares ratios and allocations, never absolute times."

func newBaseline(cur []entry, m machine, o *options) *baseline {
	b := &baseline{Note: baselineNote, Updated: time.Now().UTC().Format(time.DateOnly), Machine: m,
		Bench: o.bench, Benchtime: o.benchtime, Count: o.count}
	if o.in != "" {
		b.Bench, b.Benchtime, b.Count = "(read from "+o.in+")", "", 0
	}
	for _, e := range cur {
		e.Ratios = append([]float64(nil), e.Ratios...)
		for i, r := range e.Ratios {
			e.Ratios[i] = round(r, 5)
		}
		e.NsPerOp, e.RefNsPerOp = round(e.NsPerOp, 4), round(e.RefNsPerOp, 4)
		e.AllocsPerOp, e.BytesPerOp = orMinus1(e.AllocsPerOp), orMinus1(e.BytesPerOp)
		b.Benchmarks = append(b.Benchmarks, e)
	}
	return b
}

// round rounds x to n significant digits.
func round(x float64, n int) float64 {
	if x == 0 || math.IsNaN(x) || math.IsInf(x, 0) {
		return x
	}
	v, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'g', n, 64), 64)
	return v
}

func orMinus1(x float64) float64 {
	if math.IsNaN(x) {
		return -1
	}
	return x
}

func (b *baseline) write(path string) error {
	data, err := json.MarshalIndent(b, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(data, '\n'), 0o644)
}

func readBaseline(path string) (*baseline, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var b baseline
	if err := json.Unmarshal(data, &b); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	if len(b.Benchmarks) == 0 {
		return nil, fmt.Errorf("%s: no benchmarks", path)
	}
	return &b, nil
}

// row is the verdict on one benchmark.
type row struct {
	name, ref         string
	hasRatio          bool
	base, now         benchmath.Summary // of the ratios
	change            float64           // now.Center/base.Center - 1
	p                 float64           // U test, now against the baseline
	pTol              float64           // U test, now against the baseline times 1+tolerance
	nBase, nNow       int               // ratio samples
	baseAllocs, baseB float64
	nowAllocs, nowB   float64
	verdict           string
	fail              bool
	warnings          []string
}

// compare judges the run's entries against the baseline's, in the
// baseline's order, then the run's new benchmarks.
func compare(base *baseline, cur []entry, o *options) []row {
	now := map[string]entry{}
	for _, e := range cur {
		now[e.Name] = e
	}
	thr := &benchmath.Thresholds{CompareAlpha: o.alpha}
	var rows []row
	seen := map[string]bool{}
	for _, b := range base.Benchmarks {
		seen[b.Name] = true
		r := row{name: b.Name, ref: b.Ref, baseAllocs: b.AllocsPerOp, baseB: b.BytesPerOp,
			nowAllocs: math.NaN(), nowB: math.NaN(), change: math.NaN(), p: math.NaN(), pTol: math.NaN(), verdict: "ok"}
		e, ok := now[b.Name]
		if !ok {
			r.verdict, r.fail = "FAIL (missing)", true
			rows = append(rows, r)
			continue
		}
		r.nowAllocs, r.nowB = e.AllocsPerOp, e.BytesPerOp
		if len(b.Ratios) > 0 {
			if len(e.Ratios) == 0 {
				r.verdict, r.fail = "FAIL (missing "+b.Ref+")", true
				rows = append(rows, r)
				continue
			}
			r.hasRatio = true
			sb := benchmath.NewSample(append([]float64(nil), b.Ratios...), thr)
			sn := benchmath.NewSample(append([]float64(nil), e.Ratios...), thr)
			r.base = benchmath.AssumeNothing.Summary(sb, o.confid)
			r.now = benchmath.AssumeNothing.Summary(sn, o.confid)
			r.change = r.now.Center/r.base.Center - 1
			c := benchmath.AssumeNothing.Compare(sb, sn)
			r.p, r.nBase, r.nNow = c.P, c.N1, c.N2
			// The samples against the baseline's made worse by the
			// tolerance: is the ratio beyond the tolerance, significantly?
			shifted := make([]float64, len(b.Ratios))
			for i, x := range b.Ratios {
				shifted[i] = x * (1 + o.tolerance)
			}
			cs := benchmath.AssumeNothing.Compare(benchmath.NewSample(shifted, thr), sn)
			r.pTol = cs.P
			for _, w := range append(append(sn.Warnings, r.now.Warnings...), c.Warnings...) {
				r.warnings = append(r.warnings, w.Error())
			}
			switch {
			case r.change > o.tolerance && cs.P < cs.Alpha:
				r.verdict, r.fail = "FAIL (slower)", true
			case r.change < -o.tolerance && c.P < c.Alpha:
				r.verdict = "ok (faster)"
			}
		}
		if b.AllocsPerOp == 0 && b.BytesPerOp <= 0 && (e.AllocsPerOp > 0 || e.BytesPerOp > 0) {
			if r.fail {
				r.verdict = "FAIL (slower, allocates)"
			} else {
				r.verdict, r.fail = "FAIL (allocates)", true
			}
		}
		rows = append(rows, r)
	}
	for _, e := range cur {
		if !seen[e.Name] {
			rows = append(rows, row{name: e.Name, ref: e.Ref, verdict: "new (not in the baseline)",
				nowAllocs: e.AllocsPerOp, nowB: e.BytesPerOp, baseAllocs: math.NaN(), baseB: math.NaN(),
				change: math.NaN(), p: math.NaN(), pTol: math.NaN()})
		}
	}
	return rows
}

// printReport writes the verdict table and a summary line.
func printReport(w io.Writer, rows []row, base *baseline, m machine, o *options) {
	fmt.Fprintf(w, "ratio = facegate sec/op / peer sec/op in the same run (lower is faster); medians of %s runs\n", runsOf(rows))
	fmt.Fprintf(w, "FAIL when the median ratio is worse than the baseline's by more than %.0f%% and the runs are significantly worse\n"+
		"than the baseline's made %.0f%% worse (Mann-Whitney U: column p>tol < %v); or when a 0-alloc benchmark allocates\n",
		100*o.tolerance, 100*o.tolerance, o.alpha)
	fmt.Fprintf(w, "now:      %s\nbaseline: %s (%s)\n", m, base.Machine, base.Updated)
	if base.Machine.CPU != m.CPU || base.Machine.GOARCH != m.GOARCH {
		fmt.Fprintf(w, "note: the baseline comes from another machine; ratios transfer better than times, but not perfectly\n")
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "benchmark\tpeer\tbaseline\tnow\t±\tchange\tp\tp>tol\tallocs/op\tverdict")
	var failed []string
	var warnings []string
	for _, r := range rows {
		peer := "-"
		if r.ref != "" {
			peer = strings.Split(r.ref, "/")[1]
		}
		bs, ns, ci, ch, p, pt := "-", "-", "", "-", "-", "-"
		if r.hasRatio {
			bs, ns = fmtRatio(r.base.Center), fmtRatio(r.now.Center)
			ci = r.now.PctRangeString()
			ch = fmt.Sprintf("%+.1f%%", 100*r.change)
			p = fmtP(r.p)
			if r.change > o.tolerance { // only then does the shifted test decide
				pt = fmtP(r.pTol)
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.name, peer, bs, ns, ci, ch, p, pt,
			fmtAllocs(r.baseAllocs, r.nowAllocs), r.verdict)
		if r.fail {
			failed = append(failed, r.name)
		}
		for _, wn := range r.warnings {
			warnings = append(warnings, r.name+": "+wn)
		}
	}
	tw.Flush()
	for _, wn := range warnings {
		fmt.Fprintf(w, "warning: %s\n", wn)
	}
	fmt.Fprintln(w)
	if len(failed) > 0 {
		fmt.Fprintf(w, "gate: FAIL: %d of %d benchmarks regressed: %s\n", len(failed), len(rows), strings.Join(failed, ", "))
	} else {
		fmt.Fprintf(w, "gate: PASS (%d benchmarks)\n", len(rows))
	}
}

// printBaseline writes the table of a new baseline.
func printBaseline(w io.Writer, b *baseline) {
	fmt.Fprintf(w, "baseline on %s\n\n", b.Machine)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "benchmark\tpeer\tratio\t±\tfacegate\tpeer time\tallocs/op")
	for _, e := range b.Benchmarks {
		peer, ratio, ci, rt := "-", "-", "", "-"
		if e.Ref != "" {
			peer = strings.Split(e.Ref, "/")[1]
		}
		if len(e.Ratios) > 0 {
			s := benchmath.AssumeNothing.Summary(benchmath.NewSample(append([]float64(nil), e.Ratios...), &benchmath.DefaultThresholds), 0.95)
			ratio, ci, rt = fmtRatio(s.Center), s.PctRangeString(), fmtNs(e.RefNsPerOp)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", e.Name, peer, ratio, ci, fmtNs(e.NsPerOp), rt, fmtCount(e.AllocsPerOp))
	}
	tw.Flush()
}

func runsOf(rows []row) string {
	for _, r := range rows {
		if r.hasRatio {
			return fmt.Sprintf("%d (baseline) and %d (now)", r.nBase, r.nNow)
		}
	}
	return "the"
}

func fmtP(p float64) string {
	if p < 0.001 {
		return "<0.001"
	}
	return fmt.Sprintf("%.3f", p)
}

func fmtRatio(x float64) string {
	switch {
	case math.IsNaN(x):
		return "-"
	case x >= 10:
		return fmt.Sprintf("%.1f", x)
	}
	return strconv.FormatFloat(round(x, 3), 'f', -1, 64)
}

func fmtCount(x float64) string {
	if math.IsNaN(x) || x < 0 {
		return "-"
	}
	return strconv.FormatFloat(x, 'f', -1, 64)
}

func fmtAllocs(base, now float64) string {
	if math.IsNaN(base) {
		return fmtCount(now)
	}
	return fmtCount(base) + " → " + fmtCount(now)
}

// fmtNs formats nanoseconds with three significant digits and a unit.
func fmtNs(ns float64) string {
	switch {
	case math.IsNaN(ns) || ns <= 0:
		return "-"
	case ns < 1e3:
		return fmt.Sprintf("%.3g ns", ns)
	case ns < 1e6:
		return fmt.Sprintf("%.3g µs", ns/1e3)
	case ns < 1e9:
		return fmt.Sprintf("%.3g ms", ns/1e6)
	}
	return fmt.Sprintf("%.3g s", ns/1e9)
}
