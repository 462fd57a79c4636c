package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"golang.org/x/perf/benchmath"
)

// records is bench/baseline.json: the figures of the gate's benchmarks
// and their peers, one record per machine (CPU model, architecture and
// tags), written by -update. The README's table is made from such a run.
// The gate does not compare with them: its reference is the base revision,
// measured in the same run (see compareAB).
type records struct {
	Note    string     `json:"note"`
	Records []baseline `json:"records"`
}

// baseline is one machine's record.
type baseline struct {
	Updated    string  `json:"updated"`
	Machine    machine `json:"machine"`
	Bench      string  `json:"bench"`
	Benchtime  string  `json:"benchtime,omitempty"`
	Count      int     `json:"count"`
	Benchmarks []entry `json:"benchmarks"`
}

const recordsNote = "Written by go run ./bench/gate -update: one record per machine (CPU model, GOARCH, tags). " +
	"Ratios are facegate's sec/op over its peer's (the ref) in the same run, one per run; ns_per_op and " +
	"allocations are medians of facegate's results (-1: not reported). A record of figures: the gate " +
	"compares the working tree with a base revision run beside it, never with these."

func newBaseline(cur []entry, m machine, o *options, runs int) *baseline {
	b := &baseline{Updated: time.Now().UTC().Format(time.DateOnly), Machine: m,
		Bench: o.bench, Benchtime: o.benchtime, Count: runs}
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

// sameMachine reports whether two records are of the same machine.
func sameMachine(a, b machine) bool {
	return a.CPU == b.CPU && a.GOOS == b.GOOS && a.GOARCH == b.GOARCH && a.Tags == b.Tags
}

// writeRecord puts b into the records file at path, in place of the
// record of the same machine (or after the others), creating the file when
// there is none.
func writeRecord(path string, b *baseline) error {
	rs, err := readRecords(path)
	if errors.Is(err, fs.ErrNotExist) {
		rs, err = &records{}, nil
	}
	if err != nil {
		return err
	}
	rs.Note = recordsNote
	i := slices.IndexFunc(rs.Records, func(r baseline) bool { return sameMachine(r.Machine, b.Machine) })
	if i >= 0 {
		rs.Records[i] = *b
	} else {
		rs.Records = append(rs.Records, *b)
	}
	data, err := json.MarshalIndent(rs, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(data, '\n'), 0o644)
}

// readRecords reads a records file.
func readRecords(path string) (*records, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var rs records
	if err := json.Unmarshal(data, &rs); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	for i, r := range rs.Records {
		if len(r.Benchmarks) == 0 {
			return nil, fmt.Errorf("%s: record %d (%s) has no benchmarks", path, i+1, r.Machine)
		}
	}
	return &rs, nil
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
