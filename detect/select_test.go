package detect

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestSelectRanksEqualsSort: the elements selectRanks places at its ranks
// are those slices.Sort puts there, on random values with and without
// ties (few distinct values, sorted, reversed), NaNs, and every length up
// to MaxPerturbs with locate's ranks.
func TestSelectRanksEqualsSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for iter := range 20000 {
		n := 1 + rng.IntN(MaxPerturbs)
		if iter < MaxPerturbs {
			n = 1 + iter
		}
		a := make([]float32, n)
		distinct := []int{2, 5, 1 << 20}[rng.IntN(3)]
		for i := range a {
			a[i] = float32(rng.IntN(distinct)) + rng.Float32()*float32(rng.IntN(2))
		}
		switch rng.IntN(8) {
		case 0:
			slices.Sort(a)
		case 1:
			slices.Sort(a)
			slices.Reverse(a)
		case 2:
			a[rng.IntN(n)] = float32(math.NaN())
		}
		want := slices.Clone(a)
		slices.Sort(want)
		var ks [3]int
		if rng.IntN(2) == 0 {
			m := min(n-1, int(math.Round(float64(n)/2)))
			ks = [3]int{n / 4, m, min(n-1, 3*n/4)}
		} else {
			for i := range ks {
				ks[i] = rng.IntN(n)
			}
			slices.Sort(ks[:])
		}
		got := slices.Clone(a)
		selectRanks(got, ks[0], ks[1], ks[2])
		for _, k := range ks {
			if math.Float32bits(got[k]) != math.Float32bits(want[k]) {
				t.Fatalf("%v, ranks %v: element %d is %v, sorted %v", a, ks, k, got[k], want[k])
			}
		}
		slices.Sort(got)
		if !slices.EqualFunc(got, want, func(x, y float32) bool { return math.Float32bits(x) == math.Float32bits(y) }) {
			t.Fatalf("%v: selectRanks lost or changed elements", a)
		}
	}
}
