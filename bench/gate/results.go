package main

import (
	"fmt"
	"io"
	"math"
	"runtime"
	"slices"
	"strings"

	"golang.org/x/perf/benchfmt"
)

// stages lists the stages of package bench in frame order, and refs the
// peer each stage's facegate results are divided by (none for Payload).
var (
	stages = []string{"Luma", "Resize", "Area", "Detect", "Landmarks", "Track", "Gates", "CropEncode", "Payload", "Pipeline", "JPEGEncode", "JPEGDecode"}
	refs   = map[string]string{
		"Luma":       "plain",  // a straightforward Go loop
		"Resize":     "xdraw",  // x/image/draw ApproxBiLinear
		"Area":       "xdraw",  // x/image/draw ApproxBiLinear
		"Detect":     "pigo",   // RunCascade + ClusterDetections
		"Landmarks":  "pigo",   // puploc + flploc
		"CropEncode": "stdlib", // x/image/draw + image/jpeg
		"Pipeline":   "pigo",   // RgbToGrayscale + RunCascade + ClusterDetections + puploc
		// The JPEG stages exist only in -tags turbojpeg builds (cgo and
		// libturbojpeg0-dev); .ci/run gates them with the tag when the
		// header is installed.
		"JPEGEncode": "libjpeg-turbo", // tjCompress2 called directly (bench/internal/tjpeer)
		"JPEGDecode": "libjpeg-turbo", // tjDecompressToYUVPlanes called directly
	}
	// gateCases are the frame sizes of every stage, and the output sizes
	// of Area's downscales of the 1080p frame (factors 2, 3, 4, 5, 2.4),
	// and JPEGDecode's files (a face crop and a camera frame).
	gateCases = []string{"480p", "1080p", "1080p-960x540", "1080p-640x360", "1080p-480x270", "1080p-384x216", "1080p-800x450", "400x400", "1920x1080"}
)

// facegate is the impl name of facegate's own benchmarks.
const facegate = "facegate"

// defaultBench is the gate's set: every stage, facegate and its reference
// peer, the gate's cases.
func defaultBench() string {
	impls := []string{facegate}
	for _, s := range stages {
		if r := refs[s]; r != "" && !slices.Contains(impls, r) {
			impls = append(impls, r)
		}
	}
	alt := func(xs []string) string { return "^(" + strings.Join(xs, "|") + ")$" }
	return "^Benchmark" + alt(stages)[1:] + "/" + alt(impls) + "/" + alt(gateCases)
}

// series is the results of one benchmark, in the order they were read.
type series struct {
	name              string // Stage/impl/case, without the GOMAXPROCS suffix
	stage, impl, size string
	sec               []float64 // sec/op
	allocs, bytes     []float64 // allocs/op and B/op (NaN when not reported)
}

// resultSet is a parsed benchmark output.
type resultSet struct {
	byName map[string]*series
	order  []string
	config map[string]string // the first value of each configuration key
}

// parseResults reads the Go benchmark format. Names Stage/impl/case are
// split; other names are kept whole (and never paired).
func parseResults(r io.Reader, fileName string) (*resultSet, error) {
	rs := &resultSet{byName: map[string]*series{}, config: map[string]string{}}
	br := benchfmt.NewReader(r, fileName)
	for br.Scan() {
		res, ok := br.Result().(*benchfmt.Result)
		if !ok {
			continue // syntax errors are unrelated lines (PASS, ok, logs)
		}
		for _, c := range res.Config {
			if _, seen := rs.config[c.Key]; !seen {
				rs.config[c.Key] = string(c.Value)
			}
		}
		base, parts := res.Name.Parts()
		if n := len(parts); n > 0 && strings.HasPrefix(string(parts[n-1]), "-") {
			parts = parts[:n-1] // GOMAXPROCS
		}
		s := &series{stage: string(base)}
		s.name = s.stage
		for _, p := range parts {
			s.name += string(p)
		}
		if len(parts) == 2 && parts[0][0] == '/' && parts[1][0] == '/' {
			s.impl, s.size = string(parts[0][1:]), string(parts[1][1:])
		}
		if old, ok := rs.byName[s.name]; ok {
			s = old
		} else {
			rs.byName[s.name] = s
			rs.order = append(rs.order, s.name)
		}
		sec, ok := res.Value("sec/op")
		if !ok {
			return nil, fmt.Errorf("%s: %s has no ns/op", fileName, s.name)
		}
		s.sec = append(s.sec, sec)
		s.allocs = append(s.allocs, valueOrNaN(res, "allocs/op"))
		s.bytes = append(s.bytes, valueOrNaN(res, "B/op"))
	}
	if err := br.Err(); err != nil {
		return nil, err
	}
	return rs, nil
}

func valueOrNaN(res *benchfmt.Result, unit string) float64 {
	if v, ok := res.Value(unit); ok {
		return v
	}
	return math.NaN()
}

// lookup returns the series of stage/impl/size, or nil.
func (rs *resultSet) lookup(stage, impl, size string) *series {
	return rs.byName[stage+"/"+impl+"/"+size]
}

// peers returns the other impls of s's stage and case, in run order.
func (rs *resultSet) peers(s *series) []*series {
	var out []*series
	for _, n := range rs.order {
		p := rs.byName[n]
		if p != s && p.impl != "" && p.stage == s.stage && p.size == s.size {
			out = append(out, p)
		}
	}
	return out
}

// entry summarises one facegate benchmark of a run (and of the baseline):
// its ratios to the reference peer, run by run, and its allocations.
type entry struct {
	Name        string    `json:"name"`          // Stage/facegate/case
	Ref         string    `json:"ref,omitempty"` // Stage/peer/case; empty for a stage without one
	Ratios      []float64 `json:"ratios,omitempty"`
	NsPerOp     float64   `json:"ns_per_op"`               // median
	RefNsPerOp  float64   `json:"ref_ns_per_op,omitempty"` // median
	AllocsPerOp float64   `json:"allocs_per_op"`           // median over runs
	BytesPerOp  float64   `json:"bytes_per_op"`            // median over runs

	refMissing bool // the stage has a reference, absent from the run
}

// entries summarises every facegate result of the run, in run order.
func (rs *resultSet) entries() []entry {
	var out []entry
	for _, n := range rs.order {
		s := rs.byName[n]
		if s.impl != facegate {
			continue
		}
		e := entry{Name: s.name, NsPerOp: median(s.sec) * 1e9, AllocsPerOp: median(s.allocs), BytesPerOp: median(s.bytes)}
		if r := refs[s.stage]; r != "" {
			e.Ref = s.stage + "/" + r + "/" + s.size
			if ref := rs.byName[e.Ref]; ref != nil {
				e.Ratios = pairedRatios(s, ref)
				e.RefNsPerOp = median(ref.sec) * 1e9
			} else {
				e.refMissing = true
			}
		}
		out = append(out, e)
	}
	return out
}

// pairedRatios divides the k-th result of s by the k-th of ref.
func pairedRatios(s, ref *series) []float64 {
	n := min(len(s.sec), len(ref.sec))
	out := make([]float64, n)
	for k := range n {
		out[k] = s.sec[k] / ref.sec[k]
	}
	return out
}

// median of xs ignoring NaNs (NaN when none is left).
func median(xs []float64) float64 {
	v := make([]float64, 0, len(xs))
	for _, x := range xs {
		if !math.IsNaN(x) {
			v = append(v, x)
		}
	}
	if len(v) == 0 {
		return math.NaN()
	}
	slices.Sort(v)
	if n := len(v); n%2 == 1 {
		return v[n/2]
	} else {
		return (v[n/2-1] + v[n/2]) / 2
	}
}

// machine describes where benchmarks ran.
type machine struct {
	CPU    string `json:"cpu"`
	Cores  string `json:"cores,omitempty"`
	GOOS   string `json:"goos"`
	GOARCH string `json:"goarch"`
	Go     string `json:"go"`
	Tags   string `json:"tags,omitempty"`
}

func (m machine) String() string {
	s := m.CPU
	if m.Cores != "" {
		s += " (" + m.Cores + " cores)"
	}
	s += ", " + m.GOOS + "/" + m.GOARCH + ", " + m.Go
	if m.Tags != "" {
		s += ", -tags " + m.Tags
	}
	return s
}

// machine reads the run's configuration: the gate's header lines (go,
// cpu-model, cores, tags) and go test's (goos, goarch, cpu). Without a go
// line, the version is this command's.
func (rs *resultSet) machine() machine {
	c := rs.config
	m := machine{CPU: c["cpu-model"], Cores: c["cores"], GOOS: c["goos"], GOARCH: c["goarch"], Go: c["go"], Tags: c["tags"]}
	if m.CPU == "" {
		m.CPU = c["cpu"]
	}
	if m.CPU == "" {
		m.CPU = "unknown CPU"
	}
	if m.Go == "" {
		m.Go = runtime.Version()
	}
	return m
}
