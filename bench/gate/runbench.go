package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// runBenchmarks builds package bench's test binary once (with o.tags) and
// runs its benchmarks runs times, one process per run, so that the k-th
// results of all benchmarks are measured close together in time. It
// returns the runs' output after a header of configuration lines (go,
// cpu-model, cores, tags) in the benchmark format.
func runBenchmarks(o *options, runs int, progress io.Writer) ([]byte, error) {
	dir, err := benchDir(o.tags)
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "facegate-gate-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	bin := filepath.Join(tmp, "bench.test")
	args := []string{"test", "-c", "-o", bin}
	if o.tags != "" {
		args = append(args, "-tags", o.tags)
	}
	args = append(args, benchPkg)
	fmt.Fprintf(progress, "gate: go %s\n", strings.Join(args, " "))
	build := exec.Command("go", args...)
	build.Stdout, build.Stderr = progress, progress
	if err := build.Run(); err != nil {
		return nil, fmt.Errorf("building the benchmarks: %w", err)
	}

	var out bytes.Buffer
	fmt.Fprintf(&out, "go: %s\n", goVersion())
	if m := cpuModel(); m != "" {
		fmt.Fprintf(&out, "cpu-model: %s\n", m)
	}
	fmt.Fprintf(&out, "cores: %d\n", runtime.NumCPU())
	if o.tags != "" {
		fmt.Fprintf(&out, "tags: %s\n", o.tags)
	}
	fmt.Fprintf(&out, "benchtime: %s\n", o.benchtime)
	runArgs := []string{"-test.run", "^$", "-test.bench", o.bench, "-test.benchtime", o.benchtime, "-test.count", "1"}
	fmt.Fprintf(progress, "gate: %d runs of (in %s) bench.test %s\n", runs, dir, strings.Join(runArgs, " "))
	start := time.Now()
	for i := range runs {
		var run bytes.Buffer
		cmd := exec.Command(bin, runArgs...)
		cmd.Dir = dir // the benchmarks read ../testdata
		cmd.Stdout, cmd.Stderr = &run, &run
		err := cmd.Run()
		if err != nil {
			return nil, fmt.Errorf("run %d: %w\n%s", i+1, err, run.Bytes())
		}
		if !bytes.Contains(run.Bytes(), []byte("\nBenchmark")) {
			return nil, fmt.Errorf("run %d: no benchmark matches -bench %q", i+1, o.bench)
		}
		out.Write(run.Bytes())
		fmt.Fprintf(progress, "gate: run %d of %d done (%s)\n", i+1, runs, time.Since(start).Round(100*time.Millisecond))
	}
	return out.Bytes(), nil
}

// goVersion is the version of the go command that builds the benchmarks.
func goVersion() string {
	out, err := exec.Command("go", "env", "GOVERSION").Output()
	if v := strings.TrimSpace(string(out)); err == nil && v != "" {
		return v
	}
	return runtime.Version()
}

// cpuModel is the processor's model name from /proc/cpuinfo (Linux), or ""
// (the benchmarks' own "cpu:" line then names it).
func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}
