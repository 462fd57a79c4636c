//go:build race

package landmarks68

const raceEnabled = true
