package detect

import "math"

// haarGroup is a merged detection: the mean rectangle of its raw windows,
// their number and summed last-stage margins.
type haarGroup struct {
	x, y, w, h int32
	n          int
	margin     float64
}

// groupScratch is groupRects' reusable memory.
type groupScratch struct {
	parent []int32
	label  []int32
	sums   []groupSum
	groups []haarGroup
}

// groupSum accumulates one class.
type groupSum struct {
	x, y, w, h int64
	n          int
	margin     float64
}

// similarRects is OpenCV's SimilarRects predicate.
func similarRects(a, b *haarHit, eps float64) bool {
	delta := eps * float64(min(a.w, b.w)+min(a.h, b.h)) * 0.5
	return math.Abs(float64(a.x-b.x)) <= delta &&
		math.Abs(float64(a.y-b.y)) <= delta &&
		math.Abs(float64(a.x+a.w-b.x-b.w)) <= delta &&
		math.Abs(float64(a.y+a.h-b.y-b.h)) <= delta
}

// cvRoundMul is saturate_cast<int>(v*s) for an int v and a float s: the
// float32 product rounded half to even.
func cvRoundMul(v int64, s float32) int32 {
	return int32(math.RoundToEven(float64(float32(v) * s)))
}

// groupRects appends to dst the groups of raw, as OpenCV's
// groupRectangles(rectList, groupThreshold, eps) makes them: the classes
// of the transitive closure of similarRects, each averaged (sums times the
// float32 1/n, rounded), those of no more than threshold windows dropped,
// and those inside a larger group with more windows (by OpenCV's rule)
// dropped. With threshold <= 0 every raw window is its own group, as
// OpenCV returns them ungrouped. The order is that of each class's first
// window.
func groupRects(dst []haarGroup, raw []haarHit, threshold int, eps float64, s *groupScratch) []haarGroup {
	n := len(raw)
	if n == 0 {
		return dst
	}
	if threshold <= 0 {
		for i := range raw {
			r := &raw[i]
			dst = append(dst, haarGroup{x: r.x, y: r.y, w: r.w, h: r.h, n: 1, margin: float64(r.margin)})
		}
		return dst
	}
	if cap(s.parent) < n {
		s.parent, s.label = make([]int32, n), make([]int32, n)
	}
	parent, label := s.parent[:n], s.label[:n]
	for i := range parent {
		parent[i] = int32(i)
	}
	find := func(i int32) int32 {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	// The classes are the connected components of the (symmetric)
	// predicate, whatever the union order; OpenCV's partition finds the
	// same ones.
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			if similarRects(&raw[i], &raw[j], eps) {
				a, b := find(int32(i)), find(int32(j))
				if a != b {
					if a < b {
						parent[b] = a
					} else {
						parent[a] = b
					}
				}
			}
		}
	}
	// Number the classes by first window; the roots are the smallest
	// members, so a root precedes its class.
	s.sums = s.sums[:0]
	for i := range label {
		r := find(int32(i))
		if r == int32(i) {
			label[i] = int32(len(s.sums))
			s.sums = append(s.sums, groupSum{})
		} else {
			label[i] = label[r]
		}
		g := &s.sums[label[i]]
		h := &raw[i]
		// OpenCV sums in int, which no plane of MaxDimension overflows.
		g.x += int64(h.x)
		g.y += int64(h.y)
		g.w += int64(h.w)
		g.h += int64(h.h)
		g.n++
		g.margin += float64(h.margin)
	}
	s.groups = s.groups[:0]
	for i := range s.sums {
		g := &s.sums[i]
		sc := 1 / float32(g.n)
		s.groups = append(s.groups, haarGroup{
			x: cvRoundMul(g.x, sc), y: cvRoundMul(g.y, sc),
			w: cvRoundMul(g.w, sc), h: cvRoundMul(g.h, sc),
			n: g.n, margin: g.margin,
		})
	}
	for i := range s.groups {
		r1 := &s.groups[i]
		n1 := r1.n
		if n1 <= threshold {
			continue
		}
		inside := false
		for j := range s.groups {
			r2 := &s.groups[j]
			n2 := r2.n
			if j == i || n2 <= threshold {
				continue
			}
			dx := int32(math.RoundToEven(float64(r2.w) * eps))
			dy := int32(math.RoundToEven(float64(r2.h) * eps))
			if r1.x >= r2.x-dx && r1.y >= r2.y-dy &&
				r1.x+r1.w <= r2.x+r2.w+dx && r1.y+r1.h <= r2.y+r2.h+dy &&
				(n2 > max(3, n1) || n1 < 3) {
				inside = true
				break
			}
		}
		if !inside {
			dst = append(dst, *r1)
		}
	}
	return dst
}
