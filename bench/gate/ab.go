package main

import (
	"archive/tar"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"text/tabwriter"
	"time"

	"golang.org/x/perf/benchmath"
)

// side is one side of the A/B comparison: a source tree, the test binary
// of its package bench, and the benchmark output of its runs.
type side struct {
	label string // "base" or "new"
	desc  string // the revision, or "working tree", and tags
	root  string // the module's directory
	tags  string
	bin   string
	out   bytes.Buffer
}

// abBench is the A/B gate's default set: facegate's own benchmarks of every
// stage at the gate's cases. The peers are left out: the base revision is
// the reference now.
func abBench() string {
	alt := func(xs []string) string { return "^(" + strings.Join(xs, "|") + ")$" }
	return "^Benchmark" + alt(stages)[1:] + "/^" + facegate + "$/" + alt(gateCases)
}

// git runs git in dir and returns its trimmed standard output.
func git(dir string, args ...string) (string, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	var errb bytes.Buffer
	cmd.Stderr = &errb
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("git %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(errb.String()))
	}
	return strings.TrimSpace(string(out)), nil
}

// resolveBase names the base revision and its commit. Without -base, the
// change under test is the working tree's edits when there are any (base
// HEAD), else the last commit (base HEAD~1; HEAD itself, said so, in a
// repository of one commit or a shallow clone).
func resolveBase(root, rev string, note io.Writer) (name, commit string, err error) {
	if rev == "" {
		status, err := git(root, "status", "--porcelain")
		if err != nil {
			return "", "", err
		}
		rev = "HEAD~1"
		if status != "" {
			rev = "HEAD"
		}
		if rev == "HEAD~1" {
			if _, err := git(root, "rev-parse", "--verify", "--quiet", "HEAD~1^{commit}"); err != nil {
				fmt.Fprintf(note, "gate: HEAD has no parent here (one commit, or a shallow clone): comparing HEAD with itself\n")
				rev = "HEAD"
			}
		}
	}
	commit, err = git(root, "rev-parse", "--verify", rev+"^{commit}")
	if err != nil {
		return "", "", fmt.Errorf("-base %s: %w", rev, err)
	}
	return rev, commit, nil
}

// exportTree writes the files of commit into dir (git archive, extracted
// here: no worktree to clean up, no change to the repository).
func exportTree(root, commit, dir string) error {
	cmd := exec.Command("git", "archive", "--format=tar", commit)
	cmd.Dir = root
	var errb bytes.Buffer
	cmd.Stderr = &errb
	pipe, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	xerr := extractTar(pipe, dir)
	io.Copy(io.Discard, pipe)
	if err := cmd.Wait(); err != nil {
		return fmt.Errorf("git archive %s: %v: %s", commit, err, strings.TrimSpace(errb.String()))
	}
	return xerr
}

// extractTar writes the regular files and directories of a tar stream
// under dir, refusing names that would leave it.
func extractTar(r io.Reader, dir string) error {
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		name := filepath.FromSlash(h.Name)
		if !filepath.IsLocal(name) {
			return fmt.Errorf("archive entry %q leaves the tree", h.Name)
		}
		p := filepath.Join(dir, name)
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(p, 0o755); err != nil {
				return err
			}
		case tar.TypeReg:
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				return err
			}
			f, err := os.OpenFile(p, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
			if err != nil {
				return err
			}
			_, err = io.Copy(f, tr)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return err
			}
		}
		// Symlinks and the pax header of git archive are not needed to
		// build the benchmarks.
	}
}

// build compiles s's package bench into a test binary in tmp.
func (s *side) build(tmp string, progress io.Writer) error {
	s.bin = filepath.Join(tmp, s.label+".test")
	args := []string{"test", "-c", "-o", s.bin}
	if s.tags != "" {
		args = append(args, "-tags", s.tags)
	}
	args = append(args, "./bench")
	fmt.Fprintf(progress, "gate: %s: (in %s) go %s\n", s.label, s.root, strings.Join(args, " "))
	cmd := exec.Command("go", args...)
	cmd.Dir = s.root
	cmd.Stdout, cmd.Stderr = progress, progress
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("building the %s benchmarks (%s): %w", s.label, s.desc, err)
	}
	return nil
}

// runOnce runs s's benchmarks -count times in one process, appending the
// output.
func (s *side) runOnce(o *options) error {
	args := []string{"-test.run", "^$", "-test.bench", o.bench, "-test.benchtime", o.benchtime,
		"-test.count", fmt.Sprint(o.count)}
	var run bytes.Buffer
	cmd := exec.Command(s.bin, args...)
	cmd.Dir = filepath.Join(s.root, "bench") // the benchmarks read ../testdata
	cmd.Stdout, cmd.Stderr = &run, &run
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %w\n%s", s.label, err, run.Bytes())
	}
	if !bytes.Contains(run.Bytes(), []byte("\nBenchmark")) {
		return fmt.Errorf("%s: no benchmark matches -bench %q", s.label, o.bench)
	}
	s.out.Write(run.Bytes())
	return nil
}

// runAB builds the base revision's and the working tree's benchmarks and
// runs them in o.rounds rounds of o.count runs each, alternating which
// side goes first (base, new; new, base; ...) so that a machine growing
// busier or quieter during the run weighs on both sides alike.
func runAB(o *options, root string, progress io.Writer) (base, cur *side, err error) {
	rev, commit, err := resolveBase(root, o.base, progress)
	if err != nil {
		return nil, nil, err
	}
	tmp, err := os.MkdirTemp("", "facegate-gate-")
	if err != nil {
		return nil, nil, err
	}
	defer os.RemoveAll(tmp)
	src := filepath.Join(tmp, "base")
	if err := exportTree(root, commit, src); err != nil {
		return nil, nil, err
	}
	if _, err := os.Stat(filepath.Join(src, "bench")); err != nil {
		return nil, nil, fmt.Errorf("the base revision %s has no package bench: give another with -base", rev)
	}
	short := commit[:min(12, len(commit))]
	base = &side{label: "base", desc: rev + " (" + short + ")" + tagsDesc(o.tags), root: src, tags: o.tags}
	cur = &side{label: "new", desc: "working tree" + tagsDesc(joinTags(o.tags, o.newTags)), root: root, tags: joinTags(o.tags, o.newTags)}
	for _, s := range []*side{base, cur} {
		if err := s.build(tmp, progress); err != nil {
			return nil, nil, err
		}
		header(&s.out, s)
	}
	start := time.Now()
	for r := range o.rounds {
		order := []*side{base, cur}
		if r%2 == 1 {
			order[0], order[1] = cur, base
		}
		for _, s := range order {
			if err := s.runOnce(o); err != nil {
				return nil, nil, err
			}
		}
		fmt.Fprintf(progress, "gate: round %d of %d done (%s)\n", r+1, o.rounds, time.Since(start).Round(100*time.Millisecond))
	}
	return base, cur, nil
}

func tagsDesc(tags string) string {
	if tags == "" {
		return ""
	}
	return ", -tags " + tags
}

func joinTags(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "," + b
}

// header writes the configuration lines of a side's output.
func header(w io.Writer, s *side) {
	fmt.Fprintf(w, "go: %s\n", goVersion())
	if m := cpuModel(); m != "" {
		fmt.Fprintf(w, "cpu-model: %s\n", m)
	}
	fmt.Fprintf(w, "cores: %d\n", runtime.NumCPU())
	if s.tags != "" {
		fmt.Fprintf(w, "tags: %s\n", s.tags)
	}
	fmt.Fprintf(w, "revision: %s\n", s.desc)
}

// abRow is the verdict on one benchmark of the A/B comparison.
type abRow struct {
	name               string
	base, now          benchmath.Summary // of sec/op
	change             float64           // now.Center/base.Center - 1
	p, pTol            float64           // U tests: new against base, and against base made tolerance worse
	nBase, nNow        int
	baseAllocs, allocs float64 // medians of allocs/op (NaN: not reported)
	baseBytes, bytes   float64
	verdict            string
	fail               bool
	warnings           []string
}

// compareAB judges every benchmark of the new side against the base side:
// in the base's order, then the benchmarks only one side has (reported,
// not judged).
//
//   - FAIL (slower): the median sec/op is worse than the base's by more
//     than o.tolerance AND the new runs are significantly slower than the
//     base's runs made o.tolerance slower (Mann-Whitney U test of
//     benchmath, AssumeNothing as benchstat, p < o.alpha). A change within
//     the tolerance never fails; one beyond it fails only when the runs
//     establish it.
//   - FAIL (allocates): the median allocs/op is above the base's, by any
//     amount (allocations are counted, not timed: they are compared
//     exactly).
func compareAB(base, cur *resultSet, o *options) []abRow {
	thr := &benchmath.Thresholds{CompareAlpha: o.alpha}
	var rows []abRow
	for _, n := range base.order {
		b := base.byName[n]
		r := abRow{name: n, change: math.NaN(), p: math.NaN(), pTol: math.NaN(),
			baseAllocs: median(b.allocs), baseBytes: median(b.bytes), allocs: math.NaN(), bytes: math.NaN(), verdict: "ok"}
		c := cur.byName[n]
		if c == nil {
			r.verdict = "gone (only in the base)"
			rows = append(rows, r)
			continue
		}
		r.allocs, r.bytes = median(c.allocs), median(c.bytes)
		sb := benchmath.NewSample(append([]float64(nil), b.sec...), thr)
		sn := benchmath.NewSample(append([]float64(nil), c.sec...), thr)
		r.base = benchmath.AssumeNothing.Summary(sb, o.confid)
		r.now = benchmath.AssumeNothing.Summary(sn, o.confid)
		r.change = r.now.Center/r.base.Center - 1
		cmp := benchmath.AssumeNothing.Compare(sb, sn)
		r.p, r.nBase, r.nNow = cmp.P, cmp.N1, cmp.N2
		shifted := make([]float64, len(b.sec))
		for i, x := range b.sec {
			shifted[i] = x * (1 + o.tolerance)
		}
		cs := benchmath.AssumeNothing.Compare(benchmath.NewSample(shifted, thr), sn)
		r.pTol = cs.P
		for _, w := range append(append(sn.Warnings, r.now.Warnings...), cmp.Warnings...) {
			r.warnings = append(r.warnings, w.Error())
		}
		switch {
		case r.change > o.tolerance && cs.P < cs.Alpha:
			r.verdict, r.fail = "FAIL (slower)", true
		case r.change < -o.tolerance && cmp.P < cmp.Alpha:
			r.verdict = "ok (faster)"
		}
		if !math.IsNaN(r.baseAllocs) && !math.IsNaN(r.allocs) && r.allocs > r.baseAllocs {
			if r.fail {
				r.verdict = "FAIL (slower, allocates)"
			} else {
				r.verdict, r.fail = "FAIL (allocates)", true
			}
		}
		rows = append(rows, r)
	}
	for _, n := range cur.order {
		if base.byName[n] == nil {
			c := cur.byName[n]
			rows = append(rows, abRow{name: n, verdict: "new (only in the working tree)", change: math.NaN(), p: math.NaN(), pTol: math.NaN(),
				baseAllocs: math.NaN(), baseBytes: math.NaN(), allocs: median(c.allocs), bytes: median(c.bytes)})
		}
	}
	return rows
}

// printAB writes the verdict table and a summary line.
func printAB(w io.Writer, rows []abRow, base, cur *resultSet, o *options) {
	fmt.Fprintf(w, "base: %s\nnew:  %s\non:   %s\n", revisionOf(base, "base"), revisionOf(cur, "new"), cur.machine())
	fmt.Fprintf(w, "sec/op medians of %s runs a side, the sides interleaved; FAIL when new is slower than base by more than %.0f%%\n"+
		"and its runs are significantly slower than base's made %.0f%% slower (Mann-Whitney U: column p>tol < %v), or when it allocates more\n\n",
		runsOfAB(rows), 100*o.tolerance, 100*o.tolerance, o.alpha)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "benchmark\tbase\tnew\t±\tchange\tp\tp>tol\tallocs/op\tverdict")
	var failed, warnings []string
	for _, r := range rows {
		bs, ns, ci, ch, p, pt := "-", "-", "", "-", "-", "-"
		if !math.IsNaN(r.change) {
			bs, ns, ci = fmtNs(r.base.Center*1e9), fmtNs(r.now.Center*1e9), r.now.PctRangeString()
			ch, p = fmt.Sprintf("%+.1f%%", 100*r.change), fmtP(r.p)
			if r.change > o.tolerance { // only then does the shifted test decide
				pt = fmtP(r.pTol)
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.name, bs, ns, ci, ch, p, pt, fmtAllocs(r.baseAllocs, r.allocs), r.verdict)
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

func revisionOf(rs *resultSet, def string) string {
	if r := rs.config["revision"]; r != "" {
		return r
	}
	return def
}

func runsOfAB(rows []abRow) string {
	for _, r := range rows {
		if !math.IsNaN(r.change) {
			if r.nBase == r.nNow {
				return fmt.Sprint(r.nBase)
			}
			return fmt.Sprintf("%d (base) and %d (new)", r.nBase, r.nNow)
		}
	}
	return "the"
}
