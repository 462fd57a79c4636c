package landmarks68

import (
	"fmt"
	"testing"
)

func BenchmarkMatmul(b *testing.B) {
	for _, sh := range [][3]int{{3136, 27, 32}, {3136, 32, 32}, {784, 64, 64}, {196, 128, 128}, {49, 256, 256}} {
		n, k, cout := sh[0], sh[1], sh[2]
		a := make([]float32, n*k)
		wt := make([]float32, cout*k)
		bias := make([]float32, cout)
		out := make([]float32, n*cout)
		for i := range a {
			a[i] = float32(i%7) * 0.1
		}
		for i := range wt {
			wt[i] = float32(i%5) * 0.1
		}
		b.Run(fmt.Sprint(n, "x", k, "x", cout), func(b *testing.B) {
			for b.Loop() {
				matmul(out, a, n, k, wt, bias, cout, true)
			}
			b.ReportMetric(float64(n*k*cout)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GMAC/s")
		})
	}
}
