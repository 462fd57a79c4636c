//go:build race

package nntest

// RaceEnabled reports whether the race detector is on.
const RaceEnabled = true
