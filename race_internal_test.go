//go:build race

package facegate

// RaceEnabled tells the tests that the race detector (and checkptr) is
// on: the tests of the fallback scans then scan less, as every scan runs
// some 50 times slower; the other test runs cover the full sizes.
const RaceEnabled = true
