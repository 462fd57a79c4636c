//go:build race

package detect

// haarRace: the race detector (with checkptr) is on; the profile
// detector's tests then scan less, as they run about 50 times slower.
const haarRace = true
