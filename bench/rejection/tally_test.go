package main

import (
	"bytes"
	"math"
	"strings"
	"testing"
)

// o makes an outcome: a label and a verdict ("accept" or codes).
func o(label string, scored bool, reasons ...string) outcome {
	m := &Measured{Accept: len(reasons) == 0, Reasons: reasons}
	if len(reasons) == 1 && reasons[0] == "error" {
		m = &Measured{Error: "broken"}
	}
	return outcome{&Label{Label: label, Scored: scored, Width: 640, Height: 480}, m}
}

func TestCaughtAndAsLabelled(t *testing.T) {
	for _, c := range []struct {
		out              outcome
		caught, labelled bool
	}{
		{o(LabelGood, true), true, true},
		{o(LabelGood, true, "blurred"), false, false},
		{o(LabelGood, true, "error"), false, false},
		{o(LabelBlurred, true, "blurred"), true, true},
		{o(LabelBlurred, true, "under-exposed", "blurred"), true, true},
		{o(LabelBlurred, true, "no-face"), true, false},
		{o(LabelBlurred, true), false, false},
		{o(LabelTooSmall, true, "face-too-small"), true, true},
		{o(LabelTooSmall, true, "no-face"), true, false}, // same service answer, but not the code
		{o(LabelNotFrontal, true, "no-face"), true, false},
		{o(LabelNotFrontal, true, "not-frontal"), true, true},
		{o(LabelNoFace, true, "no-face"), true, true},
		{o(LabelNoFace, true, "error"), false, false},
	} {
		if got := caught(c.out.L.Label, c.out.M); got != c.caught {
			t.Errorf("caught(%s, %v) = %v", c.out.L.Label, c.out.M.Verdict(), got)
		}
		if got := asLabelled(c.out.L.Label, c.out.M); got != c.labelled {
			t.Errorf("asLabelled(%s, %v) = %v", c.out.L.Label, c.out.M.Verdict(), got)
		}
	}
}

func TestTally(t *testing.T) {
	outs := []outcome{
		o(LabelGood, true),
		o(LabelGood, true),
		o(LabelGood, true, "blurred"),
		o(LabelGood, true, "no-face"),
		o(LabelGood, false, "no-face"), // never counted
		o(LabelBlurred, true, "blurred"),
		o(LabelBlurred, true, "blurred", "under-exposed"),
		o(LabelBlurred, true, "no-face"),
		o(LabelBlurred, true),
		o(LabelBlurred, false), // sigma 2: not counted
		o(LabelBlurred, false, "blurred"),
		o(LabelNotFrontal, true, "no-face"),
		o(LabelNotFrontal, true, "not-frontal"),
		o(LabelNoFace, true, "no-face"),
	}
	got := tallyLabels(outs)
	want := []labelTally{
		{Label: LabelGood, Frames: 4, Caught: 2},
		{Label: LabelNoFace, Frames: 1, Caught: 1, Right: 1},
		{Label: LabelBlurred, Frames: 4, Caught: 3, Right: 2},
		{Label: LabelNotFrontal, Frames: 2, Caught: 2, Right: 1},
	}
	if len(got) != len(want) {
		t.Fatalf("tallyLabels: %d labels, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Label != w.Label || g.Frames != w.Frames || g.Caught != w.Caught || g.Right != w.Right {
			t.Errorf("tally %d = %+v, want %+v", i, g, w)
		}
	}
	if v := got[2].Verdicts.String(); v != "accept 1, blurred 1, blurred+under-exposed 1, no-face 1" {
		t.Errorf("blurred verdicts = %q", v)
	}

	tot := tallyTotals(outs)
	if tot.Rejects != 7 || tot.Caught != 6 || tot.Right != 4 || tot.Good != 4 || tot.GoodRejected != 2 || tot.Unscored != 3 {
		t.Errorf("totals = %+v", tot)
	}
	if s := tot.GoodCodes.String(); s != "blurred 1, no-face 1" {
		t.Errorf("good codes = %q", s)
	}
}

func TestBreakdown(t *testing.T) {
	sig := func(k string, s float64, label string, scored bool, reasons ...string) outcome {
		out := o(label, scored, reasons...)
		out.L.BlurKind, out.L.BlurSigma, out.L.FaceSide = k, ptr(s), 128
		out.M.Blur, out.M.Target = s/10, &Box{}
		return out
	}
	outs := []outcome{
		sig(BlurGaussian, 3, LabelBlurred, true, "blurred"),
		sig(BlurGaussian, 3, LabelBlurred, true),
		sig(BlurGaussian, 1, LabelGood, true),
		sig(BlurGaussian, 2, LabelBlurred, false),
		sig(BlurMotion, 2, LabelBlurred, false, "blurred"),
		o(LabelGood, true), // no blur: not in this breakdown
	}
	rows := breakdown(outs, blurKey, blurValue)
	var keys []string
	for _, r := range rows {
		k := r.Key + "/" + r.Label
		if !r.Scored {
			k += "/unscored"
		}
		keys = append(keys, k)
	}
	want := "gaussian σ 1/good gaussian σ 2/blurred/unscored gaussian σ 3/blurred motion σ 2 (L 0)/blurred/unscored"
	if strings.Join(keys, " ") != want {
		t.Errorf("rows %q, want %q", strings.Join(keys, " "), want)
	}
	if r := rows[2]; r.Frames != 2 || r.AsLabelled != 1 || median(r.Values) != 0.3 {
		t.Errorf("gaussian 3 row = %+v", r)
	}
	var b bytes.Buffer
	writeBreakdown(&b, "t", "blur", "median Blur", rows, false)
	if !strings.Contains(b.String(), "| gaussian σ 2 | blurred (not scored) | 1 | 0 (0.0%) | 0.20 | accept 1 |") {
		t.Errorf("unscored row not marked:\n%s", b.String())
	}
	// The totals of the same frames leave the unscored ones out.
	b.Reset()
	writeReport(&b, "t", outs)
	if !strings.Contains(b.String(), "| rejects caught | 1 / 2 | 50.0% | |") {
		t.Errorf("report totals:\n%s", b.String())
	}
}

func TestYawAndToneKeys(t *testing.T) {
	pose := func(yaw float64) outcome {
		out := o(LabelNotFrontal, true)
		out.L.Kind, out.L.Yaw = KindPose, ptr(yaw)
		return out
	}
	for yaw, want := range map[float64]string{-80: "[-90, -75)", 50: "[45, 60)", 40: "[30, 45)", 10: "|yaw| ≤ 30, |pitch| or |roll| > 35"} {
		if k, _, ok := yawKey(pose(yaw)); !ok || k != want {
			t.Errorf("yawKey(%g) = %q, %v; want %q", yaw, k, ok, want)
		}
	}
	g := o(LabelUnderExposed, true)
	g.L.Gamma = ptr(4)
	d := o(LabelUnderExposed, true)
	d.L.Gain = ptr(0.25)
	kg, og, _ := toneKey(g)
	kd, od, _ := toneKey(d)
	if kg != "gamma 4" || kd != "gain 0.25" || !(og < od) {
		t.Errorf("toneKey: %q %g, %q %g", kg, og, kd, od)
	}
}

func TestMedianAndBins(t *testing.T) {
	if !math.IsNaN(median(nil)) || median([]float64{3, 1, 2}) != 2 || median([]float64{4, 1, 2, 3}) != 2.5 {
		t.Error("median")
	}
	for v, want := range map[float64]string{0.3: "0–0.5", 1: "1–1.5", 7: "≥ 6"} {
		if k, _, _ := binOf(v, relBlurEdges); k != want {
			t.Errorf("binOf(%g) = %q, want %q", v, k, want)
		}
	}
	if _, _, ok := binOf(0.5, ratioEdges); ok {
		t.Error("binOf below the first edge should be left out")
	}
}

func TestTargetOnFace(t *testing.T) {
	l := &Label{Face: &Box{100, 100, 90, 100}}
	for _, c := range []struct {
		target *Box
		want   bool
	}{
		{&Box{80, 50, 130, 130}, true},    // a detector's box, higher and larger
		{&Box{95, 95, 100, 100}, true},    // the same face
		{&Box{300, 100, 100, 100}, false}, // beside it
		{&Box{100, 250, 60, 60}, false},   // below
		{nil, false},
	} {
		if got := targetOnFace(l, &Measured{Target: c.target}); got != c.want {
			t.Errorf("targetOnFace(%+v) = %v, want %v", c.target, got, c.want)
		}
	}
	if targetOnFace(&Label{}, &Measured{Target: &Box{0, 0, 10, 10}}) {
		t.Error("a no-face frame has no labelled face")
	}
	tot := tallyTotals([]outcome{{&Label{Label: LabelGood, Scored: true, File: "a", Face: l.Face}, &Measured{Accept: true, Target: &Box{300, 100, 100, 100}}}})
	if tot.Elsewhere != 1 || tot.Files[0] != "a" {
		t.Errorf("totals: %+v", tot)
	}
}
