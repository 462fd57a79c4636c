package main

import (
	"cmp"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
)

// counter counts frames per verdict (or per code).
type counter map[string]int

// String lists the counts, largest first: "accept 12, blurred 3".
func (c counter) String() string {
	type kv struct {
		k string
		n int
	}
	var s []kv
	for k, n := range c {
		s = append(s, kv{k, n})
	}
	slices.SortFunc(s, func(a, b kv) int {
		if a.n != b.n {
			return b.n - a.n
		}
		return strings.Compare(a.k, b.k)
	})
	parts := make([]string, len(s))
	for i, e := range s {
		parts[i] = fmt.Sprintf("%s %d", e.k, e.n)
	}
	return strings.Join(parts, ", ")
}

// caught reports whether facegate's verdict goes the label's way: a good
// frame accepted, any other frame rejected (for whatever reason).
func caught(label string, m *Measured) bool {
	if m.Error != "" {
		return false
	}
	if label == LabelGood {
		return m.Accept
	}
	return !m.Accept
}

// asLabelled reports whether facegate's verdict is the label's: a good
// frame accepted, any other frame rejected with the label's own code.
func asLabelled(label string, m *Measured) bool {
	if label == LabelGood {
		return caught(label, m)
	}
	return m.Error == "" && m.Has(expectedCode(label))
}

// labelTally sums up the scored frames of one label.
type labelTally struct {
	Label string
	// Frames, Caught (caught) and Right (asLabelled, for reject labels).
	Frames, Caught, Right int
	Verdicts              counter
}

// tallyLabels tallies the scored frames per label, in labelOrder (labels
// without scored frames are left out).
func tallyLabels(outs []outcome) []labelTally {
	by := map[string]*labelTally{}
	for _, o := range outs {
		if !o.L.Scored {
			continue
		}
		t := by[o.L.Label]
		if t == nil {
			t = &labelTally{Label: o.L.Label, Verdicts: counter{}}
			by[o.L.Label] = t
		}
		t.Frames++
		if caught(o.L.Label, o.M) {
			t.Caught++
		}
		if o.L.Label != LabelGood && asLabelled(o.L.Label, o.M) {
			t.Right++
		}
		t.Verdicts[o.M.Verdict()]++
	}
	var out []labelTally
	for _, l := range labelOrder {
		if t := by[l]; t != nil {
			out = append(out, *t)
		}
	}
	return out
}

// totals sums up the scored frames.
type totals struct {
	// Rejects is the scored frames of reject labels; Caught and Right
	// those rejected, and rejected with the label's own code.
	Rejects, Caught, Right int
	// Good is the scored good frames; GoodRejected those rejected, by
	// verdict in GoodCodes.
	Good, GoodRejected int
	GoodCodes          counter
	// Unscored is the frames left out.
	Unscored int
	// Elsewhere is the frames, scored or not, with a labelled face whose
	// target facegate found somewhere else (targetOnFace false); Files the
	// first of them.
	Elsewhere int
	Files     []string
}

// tallyTotals sums the scored frames up; unscored frames are only counted.
func tallyTotals(outs []outcome) totals {
	t := totals{GoodCodes: counter{}}
	for _, o := range outs {
		if o.L.Face != nil && o.M.Target != nil && !targetOnFace(o.L, o.M) {
			t.Elsewhere++
			if len(t.Files) < 5 {
				t.Files = append(t.Files, o.L.File)
			}
		}
		switch {
		case !o.L.Scored:
			t.Unscored++
		case o.L.Label == LabelGood:
			t.Good++
			if !caught(LabelGood, o.M) {
				t.GoodRejected++
				t.GoodCodes[o.M.Verdict()]++
			}
		default:
			t.Rejects++
			if caught(o.L.Label, o.M) {
				t.Caught++
			}
			if asLabelled(o.L.Label, o.M) {
				t.Right++
			}
		}
	}
	return t
}

// row is one line of a breakdown: the frames of one key and label, scored
// or not.
type row struct {
	Key    string
	order  float64
	Label  string
	Scored bool
	// Frames, AsLabelled (asLabelled), the verdicts, the values of the
	// breakdown's measure, and how many frames had the pose found.
	Frames, AsLabelled int
	Verdicts           counter
	Values             []float64
	PoseFound          int
}

// breakdown groups frames by key (frames for which ok is false are left
// out) and label, scored or not; rows come in key order, then label order,
// scored before not scored. value, when not nil, gives the measure whose
// median a row shows (frames where ok is false add none).
func breakdown(outs []outcome, key func(o outcome) (k string, order float64, ok bool), value func(o outcome) (float64, bool)) []*row {
	type id struct {
		k, label string
		scored   bool
	}
	by := map[id]*row{}
	var rows []*row
	for _, o := range outs {
		k, ord, ok := key(o)
		if !ok {
			continue
		}
		i := id{k, o.L.Label, o.L.Scored}
		r := by[i]
		if r == nil {
			r = &row{Key: k, order: ord, Label: o.L.Label, Scored: o.L.Scored, Verdicts: counter{}}
			by[i] = r
			rows = append(rows, r)
		}
		r.Frames++
		if asLabelled(o.L.Label, o.M) {
			r.AsLabelled++
		}
		r.Verdicts[o.M.Verdict()]++
		if o.M.PoseFound {
			r.PoseFound++
		}
		if value != nil {
			if v, ok := value(o); ok {
				r.Values = append(r.Values, v)
			}
		}
	}
	slices.SortStableFunc(rows, func(a, b *row) int {
		if c := cmp.Compare(a.order, b.order); c != 0 {
			return c
		}
		if c := cmp.Compare(slices.Index(labelOrder, a.Label), slices.Index(labelOrder, b.Label)); c != 0 {
			return c
		}
		return cmpBool(b.Scored, a.Scored)
	})
	return rows
}

// median of values (NaN for none).
func median(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	s := slices.Clone(v)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// pct formats a share of n out of d.
func pct(n, d int) string {
	if d == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f%%", 100*float64(n)/float64(d))
}

// The breakdowns' keys.

// blurKey: the blurred frames (every blur, whatever its label) by kind and
// sigma.
func blurKey(o outcome) (string, float64, bool) {
	if o.L.BlurKind == "" || o.L.BlurSigma == nil {
		return "", 0, false
	}
	s := *o.L.BlurSigma
	if o.L.BlurKind == BlurMotion {
		return fmt.Sprintf("motion σ %g (L %d)", s, o.L.MotionLength), 100 + s, true
	}
	return fmt.Sprintf("gaussian σ %g", s), s, true
}

// relBlurEdges bins the blur sigma relative to a 128-pixel face.
var relBlurEdges = []float64{0, 0.5, 1, 1.5, 2, 3, 4, 6}

// relBlurKey: the blurred frames by sigma scaled to a 128-pixel face
// (sigma * 128 / face_side), which is what a size-normalised measure sees.
func relBlurKey(o outcome) (string, float64, bool) {
	if o.L.BlurSigma == nil || o.L.FaceSide <= 0 {
		return "", 0, false
	}
	return binOf(*o.L.BlurSigma*128/o.L.FaceSide, relBlurEdges)
}

// binOf names the bin of v among ascending edges: "a–b", or "≥ last".
func binOf(v float64, edges []float64) (string, float64, bool) {
	for i := len(edges) - 1; i >= 0; i-- {
		if v >= edges[i] {
			if i == len(edges)-1 {
				return fmt.Sprintf("≥ %g", edges[i]), edges[i], true
			}
			return fmt.Sprintf("%g–%g", edges[i], edges[i+1]), edges[i], true
		}
	}
	return "", 0, false
}

// yawKey: the pose frames by 15-degree bin of the labelled yaw; those not
// frontal by pitch or roll apart.
func yawKey(o outcome) (string, float64, bool) {
	if o.L.Kind != KindPose || o.L.Yaw == nil {
		return "", 0, false
	}
	y := *o.L.Yaw
	if math.Abs(y) <= yawUnscored {
		return fmt.Sprintf("|yaw| ≤ %d, |pitch| or |roll| > %d", yawUnscored, tiltUnscored), 1000, true
	}
	b := yawBin(y)
	return fmt.Sprintf("[%d, %d)", b, b+15), float64(b), true
}

// toneKey: the exposure frames by transform, darkest first.
func toneKey(o outcome) (string, float64, bool) {
	switch {
	case o.L.Gain != nil:
		t := toneLUT(ToneGain, *o.L.Gain)
		return fmt.Sprintf("gain %g", *o.L.Gain), float64(t[128]), true
	case o.L.Gamma != nil:
		t := toneLUT(ToneGamma, *o.L.Gamma)
		return fmt.Sprintf("gamma %g", *o.L.Gamma), float64(t[128]), true
	}
	return "", 0, false
}

// sizeKey: the good and face-too-small frames by frame size.
func sizeKey(o outcome) (string, float64, bool) {
	if o.L.Label != LabelGood && o.L.Label != LabelTooSmall {
		return "", 0, false
	}
	return fmt.Sprintf("%dx%d", o.L.Width, o.L.Height), float64(o.L.Width), true
}

// ratioEdges bins the size ratio of good and face-too-small frames.
var ratioEdges = []float64{0.8, 0.85, 0.9, 0.95, 1.05, 1.15, 1.3, 1.6, 2.0}

// ratioKey: the good and face-too-small frames by size ratio.
func ratioKey(o outcome) (string, float64, bool) {
	if (o.L.Label != LabelGood && o.L.Label != LabelTooSmall) || o.L.Face == nil {
		return "", 0, false
	}
	// A frame's ratio is its label's range (the crop's rounding can put a
	// face a hair beyond it): 0.80-0.95 for face-too-small, 1.05-2.0 for
	// good.
	v := o.L.SizeRatio
	if o.L.Label == LabelTooSmall {
		v = min(v, smallMax-1e-6)
	} else {
		v = min(max(v, goodMin), goodMax-1e-6)
	}
	return binOf(v, ratioEdges)
}

// compositionKey: the good frames built as such by faces, background and
// upscale.
func compositionKey(o outcome) (string, float64, bool) {
	if o.L.Kind != KindGood {
		return "", 0, false
	}
	bg, ord := "scene", 0.0
	if !strings.HasPrefix(o.L.Background, "scene:") {
		bg, ord = "gradient or gray", 1
	}
	up := "upscale ≤ 1.5"
	if o.L.Upscale > 1.5 {
		up, ord = "upscale > 1.5", ord+0.5
	}
	return fmt.Sprintf("%d face(s), %s, %s", o.L.Faces, bg, up), float64(o.L.Faces)*10 + ord, true
}

// targetOnFace reports whether facegate's target is the labelled face:
// the target box's centre lies within the labelled box grown by half a
// side above (a detector's box includes the forehead) and a third on the
// other sides. It is false when there is no target or no labelled face.
func targetOnFace(l *Label, m *Measured) bool {
	if m.Target == nil || l.Face == nil {
		return false
	}
	f, t := l.Face, m.Target
	cx, cy := t.X+t.W/2, t.Y+t.H/2
	s := max(f.W, f.H)
	return cx >= f.X-s/3 && cx <= f.X+f.W+s/3 && cy >= f.Y-s/2 && cy <= f.Y+f.H+s/3
}

// sideRatio is the detected target's side over the labelled face side.
func sideRatio(o outcome) (float64, bool) {
	if o.M.Target == nil || o.L.FaceSide <= 0 {
		return 0, false
	}
	return float64(o.M.Side) / o.L.FaceSide, true
}

func blurValue(o outcome) (float64, bool) { return o.M.Blur, o.M.Target != nil }

func exposureValue(o outcome) (float64, bool) { return o.M.Exposure, o.M.Target != nil }

func yawValue(o outcome) (float64, bool) { return math.Abs(o.M.Yaw), o.M.PoseFound }

// writeReport prints the tables for outs.
func writeReport(w io.Writer, title string, outs []outcome) {
	t := tallyTotals(outs)
	fmt.Fprintf(w, "## %s\n\n%d frames: %d scored, %d not scored (shown in the breakdowns only).\n\n", title, len(outs), len(outs)-t.Unscored, t.Unscored)

	fmt.Fprintf(w, "Scored frames per label. Caught: a reject label's frames rejected (for good: accepted); right reason: rejected with the label's own code.\n\n")
	fmt.Fprintf(w, "| label | frames | caught | right reason | verdicts |\n| --- | ---: | ---: | ---: | --- |\n")
	for _, lt := range tallyLabels(outs) {
		right := fmt.Sprintf("%d (%s)", lt.Right, pct(lt.Right, lt.Frames))
		c := fmt.Sprintf("%d (%s)", lt.Caught, pct(lt.Caught, lt.Frames))
		if lt.Label == LabelGood {
			right = fmt.Sprintf("good frames rejected: %d (%s)", lt.Frames-lt.Caught, pct(lt.Frames-lt.Caught, lt.Frames))
			c = fmt.Sprintf("%d accepted (%s)", lt.Caught, pct(lt.Caught, lt.Frames))
		}
		fmt.Fprintf(w, "| %s | %d | %s | %s | %s |\n", lt.Label, lt.Frames, c, right, lt.Verdicts)
	}
	fmt.Fprintf(w, "\n| totals (scored frames) | frames | share | verdicts |\n| --- | ---: | ---: | --- |\n")
	fmt.Fprintf(w, "| rejects caught | %d / %d | %s | |\n", t.Caught, t.Rejects, pct(t.Caught, t.Rejects))
	fmt.Fprintf(w, "| right reason overall | %d / %d | %s | |\n", t.Right, t.Rejects, pct(t.Right, t.Rejects))
	fmt.Fprintf(w, "| good frames rejected | %d / %d | %s | %s |\n\n", t.GoodRejected, t.Good, pct(t.GoodRejected, t.Good), t.GoodCodes)
	if t.Elsewhere > 0 {
		fmt.Fprintf(w, "Frames whose target is not the labelled face (scored or not): %d (%s).\n\n", t.Elsewhere, strings.Join(t.Files, ", "))
	}

	writeBreakdown(w, "Blurred frames by blur (sigma in capture pixels; sigma 1 is labelled good, sigma 2 is not scored)",
		"blur", "median Blur", breakdown(outs, blurKey, blurValue), false)
	writeBreakdown(w, "Blurred frames by sigma relative to a 128-pixel face (sigma × 128 / face_side)",
		"relative sigma", "median Blur", breakdown(outs, relBlurKey, blurValue), false)
	writeBreakdown(w, "Not-frontal frames by 15-degree bin of the labelled yaw",
		"yaw bin (°)", "median measured |yaw|", breakdown(outs, yawKey, yawValue), true)
	writeBreakdown(w, "Exposure frames by transform, darkest first",
		"transform", "median Exposure", breakdown(outs, toneKey, exposureValue), false)
	writeBreakdown(w, "Good and face-too-small frames by frame size",
		"frame", "median detected side / labelled side", breakdown(outs, sizeKey, sideRatio), false)
	writeBreakdown(w, "Good and face-too-small frames by size ratio (labelled side / minimum)",
		"size ratio", "median detected side / labelled side", breakdown(outs, ratioKey, sideRatio), false)
	writeBreakdown(w, "Good frames (built as good) by composition",
		"composition", "median Blur", breakdown(outs, compositionKey, blurValue), false)
}

// writeBreakdown prints one breakdown table.
func writeBreakdown(w io.Writer, title, keyHead, valueHead string, rows []*row, pose bool) {
	if len(rows) == 0 {
		return
	}
	fmt.Fprintf(w, "%s:\n\n| %s | label | frames | as labelled | %s |", title, keyHead, valueHead)
	if pose {
		fmt.Fprintf(w, " pose found |")
	}
	fmt.Fprintf(w, " verdicts |\n| --- | --- | ---: | ---: | ---: |")
	if pose {
		fmt.Fprintf(w, " ---: |")
	}
	fmt.Fprintf(w, " --- |\n")
	for _, r := range rows {
		label := r.Label
		if !r.Scored {
			label += " (not scored)"
		}
		med := "-"
		if m := median(r.Values); !math.IsNaN(m) {
			med = fmt.Sprintf("%.2f", m)
		}
		fmt.Fprintf(w, "| %s | %s | %d | %d (%s) | %s |", r.Key, label, r.Frames, r.AsLabelled, pct(r.AsLabelled, r.Frames), med)
		if pose {
			fmt.Fprintf(w, " %d |", r.PoseFound)
		}
		fmt.Fprintf(w, " %s |\n", r.Verdicts)
	}
	fmt.Fprintln(w)
}

// writeMisjudged lists the scored frames whose verdict is not the label's.
func writeMisjudged(w io.Writer, outs []outcome) {
	fmt.Fprintf(w, "Misjudged scored frames (good rejected; others not rejected with their own code):\n\n")
	fmt.Fprintf(w, "| file | label | verdict | size | side / min | upscale | blur | exposure | yaw label / measured | warnings |\n")
	fmt.Fprintf(w, "| --- | --- | --- | --- | --- | ---: | ---: | ---: | --- | --- |\n")
	for _, o := range outs {
		if !o.L.Scored || asLabelled(o.L.Label, o.M) {
			continue
		}
		yaw := "-"
		if o.L.Yaw != nil {
			yaw = fmt.Sprintf("%.0f", *o.L.Yaw)
		}
		if o.M.PoseFound {
			yaw += fmt.Sprintf(" / %.0f", o.M.Yaw)
		} else {
			yaw += " / -"
		}
		detail := o.L.Kind
		switch {
		case o.L.BlurSigma != nil:
			detail = fmt.Sprintf("%s σ %g", o.L.BlurKind, *o.L.BlurSigma)
		case o.L.Gain != nil:
			detail = fmt.Sprintf("gain %g", *o.L.Gain)
		case o.L.Gamma != nil:
			detail = fmt.Sprintf("gamma %g", *o.L.Gamma)
		}
		fmt.Fprintf(w, "| %s | %s (%s) | %s | %dx%d | %.0f→%d / %d | %.2f | %.2f | %.2f | %s | %s |\n",
			o.L.File, o.L.Label, detail, o.M.Verdict(), o.L.Width, o.L.Height, o.L.FaceSide, o.M.Side, o.L.MinFace,
			o.L.Upscale, o.M.Blur, o.M.Exposure, yaw, strings.Join(o.M.Warnings, " "))
	}
	fmt.Fprintln(w)
}
