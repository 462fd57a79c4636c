package detect

import (
	"cmp"
	"math"
	"slices"
)

// Cluster merges overlapping windows as pigo's ClusterDetections does and
// appends the clusters to dst: windows are sorted by score (in place, as
// pigo sorts them), and each window not yet taken starts a cluster of every
// window whose overlap with it exceeds iou; a cluster is the integer mean of
// its windows' centres and sides with the sum of their scores. The result
// equals pigo's for the same input order. It does not allocate once the
// Scanner's scratch has grown to len(dets).
func (s *Scanner) Cluster(dst, dets []Window, iou float64) []Window {
	// The same pattern-defeating quicksort as sort.Slice, so equal scores
	// end in pigo's order.
	slices.SortFunc(dets, func(a, b Window) int { return cmp.Compare(a.Q, b.Q) })
	if cap(s.assigned) < len(dets) {
		s.assigned = make([]bool, len(dets))
	}
	assigned := s.assigned[:len(dets)]
	clear(assigned)
	for i := range dets {
		if assigned[i] {
			continue
		}
		var r, c, sc, n int
		var q float32
		for j := range dets {
			if windowIoU(dets[i], dets[j]) > iou {
				assigned[j] = true
				r += dets[j].Row
				c += dets[j].Col
				sc += dets[j].Scale
				q += dets[j].Q
				n++
			}
		}
		if n > 0 {
			dst = append(dst, Window{r / n, c / n, sc / n, q})
		}
	}
	return dst
}

// windowIoU is pigo's overlap measure of two square windows.
func windowIoU(a, b Window) float64 {
	r1, c1, s1 := float64(a.Row), float64(a.Col), float64(a.Scale)
	r2, c2, s2 := float64(b.Row), float64(b.Col), float64(b.Scale)
	overRow := math.Max(0, math.Min(r1+s1/2, r2+s2/2)-math.Max(r1-s1/2, r2-s2/2))
	overCol := math.Max(0, math.Min(c1+s1/2, c2+s2/2)-math.Max(c1-s1/2, c2-s2/2))
	return overRow * overCol / (s1*s1 + s2*s2 - overRow*overCol)
}
