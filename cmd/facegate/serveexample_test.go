package main

import (
	"strings"
	"testing"
)

// serve-example refuses a non-loopback address without -public, and
// arguments, with exit code 2, before building anything.
func TestServeExampleMisuse(t *testing.T) {
	for _, args := range [][]string{
		{"serve-example", "-addr", "0.0.0.0:8788"},
		{"serve-example", "-addr", "10.1.2.3:80"},
		{"serve-example", "extra"},
	} {
		r := runFG(t, runOpts{}, args...)
		if r.code != exitUsage {
			t.Errorf("%v: exit %d, want %d; stderr %s", args, r.code, exitUsage, r.stderr)
		}
		if strings.Contains(r.stderr, "building") {
			t.Errorf("%v: built before checking the flags", args)
		}
	}
	r := runFG(t, runOpts{}, "serve-example", "-h")
	if !strings.Contains(r.stderr+r.stdout, "loopback") {
		t.Errorf("manual does not mention loopback: %s", r.stderr)
	}
}
