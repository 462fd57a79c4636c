package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
)

// The README lines the table goes between.
const (
	beginMarker = "<!-- bench:begin -->"
	endMarker   = "<!-- bench:end -->"
)

// readmeTable renders a run as Markdown: one row per facegate benchmark and
// peer (one row, without a peer, for a stage that has none), stages in
// frame order, with medians over the runs and the median of the paired
// ratios.
func readmeTable(rs *resultSet, m machine) string {
	var b strings.Builder
	runs := 0
	for _, s := range rs.byName {
		runs = max(runs, len(s.sec))
	}
	bt := rs.config["benchtime"]
	if bt != "" {
		bt = ", -benchtime " + bt
	}
	fmt.Fprintf(&b, "On %s; medians of %d runs%s. Regenerate with `go run ./bench/gate -bench . -readme README.md`.\n",
		m, runs, bt)
	b.WriteString("Ratio: facegate's time over the peer's, measured in the same runs (below 1, facegate is faster).\n\n")
	b.WriteString("| stage | frame | facegate | allocs/op | peer | peer time | peer allocs/op | ratio |\n")
	b.WriteString("| --- | --- | ---: | ---: | --- | ---: | ---: | ---: |\n")
	var fg []*series
	for _, n := range rs.order {
		if s := rs.byName[n]; s.impl == facegate {
			fg = append(fg, s)
		}
	}
	stageRank := func(s string) int {
		if i := slices.Index(stages, s); i >= 0 {
			return i
		}
		return len(stages)
	}
	slices.SortStableFunc(fg, func(a, b *series) int { return stageRank(a.stage) - stageRank(b.stage) })
	for _, s := range fg {
		head := fmt.Sprintf("| %s | %s | %s | %s |", s.stage, s.size, fmtNs(median(s.sec)*1e9), fmtCount(median(s.allocs)))
		peers := rs.peers(s)
		if len(peers) == 0 {
			b.WriteString(head + " - | - | - | - |\n")
		}
		// The reference peer first, then the others in run order.
		slices.SortStableFunc(peers, func(a, b *series) int {
			return boolInt(b.impl == refs[s.stage]) - boolInt(a.impl == refs[s.stage])
		})
		for _, p := range peers {
			r := median(pairedRatios(s, p))
			fmt.Fprintf(&b, "%s %s | %s | %s | %s |\n", head, p.impl, fmtNs(median(p.sec)*1e9), fmtCount(median(p.allocs)), fmtRatioX(r))
		}
	}
	return b.String()
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// fmtRatioX formats a ratio with the speed-up it means.
func fmtRatioX(r float64) string {
	switch {
	case r < 1:
		return fmt.Sprintf("%s (%.3g× faster)", fmtRatio(r), 1/r)
	case r > 1:
		return fmt.Sprintf("%s (%.3g× slower)", fmtRatio(r), r)
	}
	return fmtRatio(r)
}

// rewriteReadme replaces the lines between the markers in path with table.
func rewriteReadme(path, table string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	out, err := replaceBetween(data, table)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if bytes.Equal(out, data) {
		return nil
	}
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	return os.WriteFile(path, out, fi.Mode().Perm())
}

// replaceBetween returns doc with the text between the marker lines
// replaced by table (the marker lines are kept).
func replaceBetween(doc []byte, table string) ([]byte, error) {
	i := bytes.Index(doc, []byte(beginMarker))
	j := bytes.Index(doc, []byte(endMarker))
	switch {
	case i < 0 || j < 0:
		return nil, errors.New("no " + beginMarker + " ... " + endMarker + " lines to write the table between")
	case j < i || bytes.Count(doc, []byte(beginMarker)) > 1 || bytes.Count(doc, []byte(endMarker)) > 1:
		return nil, errors.New("the bench markers are out of order or repeated")
	}
	start := i + len(beginMarker)
	if k := bytes.IndexByte(doc[start:], '\n'); k >= 0 && k < j-start {
		start += k + 1
	} else {
		return nil, errors.New("the bench markers must be on lines of their own")
	}
	end := bytes.LastIndexByte(doc[:j], '\n') + 1
	var out bytes.Buffer
	out.Write(doc[:start])
	out.WriteString(table)
	if !strings.HasSuffix(table, "\n") {
		out.WriteByte('\n')
	}
	out.Write(doc[end:])
	return out.Bytes(), nil
}
