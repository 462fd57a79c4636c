package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/facegate/facegate"
)

// readPolicyOut parses -print-policy's output.
func readPolicyOut(t *testing.T, r result) *facegate.Policy {
	t.Helper()
	if r.code != exitOK {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
	}
	p, err := facegate.ReadPolicy(strings.NewReader(r.stdout))
	if err != nil {
		t.Fatalf("-print-policy output is not a policy file: %v\n%s", err, r.stdout)
	}
	return p
}

// Every command takes the policy flags; -print-policy needs no argument.
func TestPolicyFlagsEveryCommand(t *testing.T) {
	for _, name := range []string{"check", "prep", "payload", "annotate"} {
		p := readPolicyOut(t, runIn(name, "-max-yaw", "20", "-print-policy"))
		want := facegate.DefaultPolicy()
		want.MaxYaw = 20
		if *p != *want {
			t.Errorf("%s: policy %+v, want %+v", name, *p, *want)
		}
	}
}

// -print-policy's output is a -policy file; flags override the file.
func TestPolicyFileRoundTrip(t *testing.T) {
	p1 := readPolicyOut(t, runIn("check", "-min-face", "140", "-max-blur", "0.6", "-exposure", "0.2,0.8",
		"-max-yaw", "25", "-max-pitch", "20", "-max-roll", "15", "-print-policy"))
	want := facegate.DefaultPolicy()
	want.MinFaceSize, want.MaxBlur, want.MinExposure, want.MaxExposure = 140, 0.6, 0.2, 0.8
	want.MaxYaw, want.MaxPitch, want.MaxRoll = 25, 20, 15
	if *p1 != *want {
		t.Fatalf("policy %+v, want %+v", *p1, *want)
	}
	file := filepath.Join(t.TempDir(), "policy.json")
	r := runIn("check", "-max-blur", "0.6", "-min-face", "140", "-exposure", "0.2,0.8", "-max-yaw", "25",
		"-max-pitch", "20", "-max-roll", "15", "-print-policy")
	if err := os.WriteFile(file, []byte(r.stdout), 0o644); err != nil {
		t.Fatal(err)
	}
	if p2 := readPolicyOut(t, runIn("check", "-policy", file, "-print-policy")); *p2 != *want {
		t.Errorf("read back: %+v, want %+v", *p2, *want)
	}
	want.MaxBlur = 0.5
	if p3 := readPolicyOut(t, runIn("check", "-policy", file, "-max-blur", "0.5", "-print-policy")); *p3 != *want {
		t.Errorf("flag over file: %+v, want %+v", *p3, *want)
	}
}

// Bad values are misuse, with one line naming the flag or the field.
func TestPolicyFlagErrors(t *testing.T) {
	dir := t.TempDir()
	unknown := filepath.Join(dir, "unknown.json")
	os.WriteFile(unknown, []byte(`{"MaxBlur": 0.5, "MaxBlurr": 0.4, "max_yaw": 3}`), 0o644)
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"MaxBlur": 3}`), 0o644)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-policy", unknown}, `unknown field(s) "MaxBlurr", "max_yaw"`},
		{[]string{"-policy", bad}, "-policy " + bad + ": facegate: invalid policy: MaxBlur = 3"},
		{[]string{"-policy", filepath.Join(dir, "none.json")}, "no such file"},
		{[]string{"-max-blur", "NaN"}, `invalid value "NaN" for flag -max-blur: want a finite number`},
		{[]string{"-max-yaw", "-3"}, `invalid value "-3" for flag -max-yaw`},
		{[]string{"-min-face", "-5"}, `invalid value "-5" for flag -min-face`},
		{[]string{"-max-blur", "2"}, "-max-blur 2: facegate: invalid policy: MaxBlur = 2"},
		{[]string{"-max-roll", "91"}, "-max-roll 91: facegate: invalid policy: MaxRoll = 91"},
		{[]string{"-exposure", "0.8,0.2"}, `invalid value "0.8,0.2" for flag -exposure: want lo,hi`},
		{[]string{"-exposure", "0.2"}, `invalid value "0.2" for flag -exposure`},
		{[]string{"-target", "1,2,3"}, `invalid value "1,2,3" for flag -target: want x,y,w,h`},
		{[]string{"-target", "1,2,0,4"}, `for flag -target`},
	} {
		r := runIn(append([]string{"check"}, append(tc.args, "x.jpg")...)...)
		if r.code != exitUsage || !strings.Contains(r.stderr, tc.want) || strings.Count(r.stderr, "\n") != 1 {
			t.Errorf("check %q: exit %d, stderr %q; want 2 and %q", tc.args, r.code, r.stderr, tc.want)
		}
	}
}

// The policy and the target change the verdicts.
func TestPolicyFlagsJudge(t *testing.T) {
	good := filepath.Join(repoRoot, "testdata/faces/pigo-sample.jpg")
	for _, tc := range []struct {
		args   []string
		code   int
		reason string
	}{
		{nil, exitOK, ""},
		{[]string{"-min-face", "400"}, exitRejected, `"code":"face-too-small"`},
		{[]string{"-target", "0,0,20,20"}, exitRejected, `"reasons":[{"code":"no-face"`},
	} {
		r := runIn(append(append([]string{"check", "-json"}, tc.args...), good)...)
		if r.code != tc.code || !strings.Contains(r.stdout, tc.reason) {
			t.Errorf("check %q: exit %d, want %d with %s\n%s%s", tc.args, r.code, tc.code, tc.reason, r.stdout, r.stderr)
		}
	}
}
