//go:build !race

package detect

const haarRace = false
