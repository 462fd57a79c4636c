package preprocess

import (
	"image"
	"math"
	"slices"
	"sync"
)

// EdgeBlur estimates how blurred the edges of a region are, in pixels of
// the plane: the standard deviation of the Gaussian that would have blurred
// ideal steps into them. It reads the region at full resolution, so that
// a blur of a few pixels at capture resolution is seen whatever the size
// of the face it blurs.
//
// The method is the re-blur ratio of Zhuo and Sim ("Defocus map estimation
// from a single image", 2011), in one dimension along rows and columns: at
// a step blurred by sigma, the central difference peaks at a height
// proportional to 1/sigma; blurred again by a known Gaussian (sigma 2.5), it
// peaks at 1/sqrt(sigma^2+1). The ratio of the two peaks gives sigma
// without knowing the step's height, so the estimate does not depend on
// contrast. Per line, the peaks of the central difference that are local
// maxima and rise above the line's noise are edges; each gives one
// estimate, through a table of the ratio of a sampled, pixel-integrated
// blurred step (so that sub-pixel sigmas are not overestimated). Lines run
// in four directions: rows, columns and both diagonals (whose estimates are
// scaled by sqrt 2, the diagonal pixel spacing). A motion blur smears along
// one direction and leaves edges parallel to it sharp, so it shows in the
// direction nearest its own and hardly in the others; the estimate is the
// largest of the four.
//
// The zero value is ready; after the first regions of a given size,
// Measure does not allocate. An EdgeBlur is not safe for concurrent use.
type EdgeBlur struct {
	// Sigma is the estimate, in the direction where it is largest: over
	// the stronger half of that direction's edges, the blur that 30% of
	// them do not exceed (the sharper edges tell the optics' blur; the
	// softer ones include shading that was never sharp). 0 when no edge
	// was found.
	Sigma float64
	// Rows, Cols, Diag and AntiDiag are the estimates along rows, columns,
	// the diagonal (down and right) and the anti-diagonal (down and left);
	// Edges counts the edges found.
	Rows, Cols, Diag, AntiDiag float64
	Edges                      int
	// Aligned are the estimates along rows, columns, the diagonal and the
	// anti-diagonal (in that order) from the edges whose gradient lies
	// within 22.5 degrees of the line, so that each reads the blur across
	// the edges of its own 45-degree sector of orientations: over the
	// stronger half of those edges, the median blur. Where fewer than
	// alignedMinEdges such edges were found (a strong motion blur can
	// flatten all the edges across it), the direction's estimate over all
	// its edges (Rows, Cols, Diag or AntiDiag).
	Aligned [4]float64
	// Motion is how much more the region is blurred in one direction than
	// across it, the mark of a motion blur (a line PSF smears the edges
	// across its direction and leaves those along it sharp, where a
	// defocus or a Gaussian blurs all alike): the largest, over the four
	// directions, of Aligned[d] - 0.6*Aligned[perpendicular of d], the
	// rows' estimate weighted by 0.8 (motionRowWeight); in pixels. The
	// region's own anisotropy reads too (a face's, a profile's), so
	// Motion tells a motion blur only beyond what sharp faces read; see
	// facegate.MotionBlurFull.
	Motion float64

	pw, ph, pstride int  // the plane's geometry
	px, py          int  // the direction across the current scan's lines
	inside          bool // every pixel across from the region's is in the plane

	diff  []int32 // a line's central differences
	mag   []int32 // and their magnitudes
	line  []byte  // a strided line's pixels, gathered
	found []edge

	strengths [2*255 + 1]int32  // histogram of the edges' strengths
	sigmas    [ratioCount]int32 // histogram of their blur, in ratioStep bins
	// The same for the aligned edges.
	alignedStrengths [2*255 + 1]int32
	alignedSigmas    [ratioCount]int32
}

// edge is one edge's strength (the central difference's peak, 0..510) and
// its re-blurred difference (at least 1), whose ratio gives its blur.
type edge struct {
	reblurred int32
	strength  int16
	aligned   bool // the gradient lies within 22.5 degrees of the line
}

// The motion measure's parameters (see EdgeBlur.Motion), calibrated on the
// calibrate part of the rejection corpus (go run ./bench/rejection): an
// edge is aligned with its line when the central difference across the
// line is at most alignedGate (tan 22.5 degrees, in 1/1024) of the one
// along it; a direction's estimate needs alignedMinEdges aligned edges.
// The rows' estimate is weighted by motionRowWeight because a sharp face's
// vertical edges (the sides of the nose, the cheeks' contours) are largely
// shading and read softer than its horizontal features (eyes, brows,
// mouth): on the calibrate part's good frames the rows' aligned estimate
// is 0.3 px above the columns' (median), and the faces that read most
// anisotropic are read so along rows. motionAcross is the share of the
// perpendicular direction's estimate subtracted: of 0.5 to 0.65, the one
// that best separates the calibrate part's good frames from its motion
// blurs of 10 px and more.
const (
	alignedGate     = 424 // tan(22.5°) * 1024
	alignedMinEdges = 8
	motionRowWeight = 0.8
	motionAcross    = 0.6
)

// Edge detection parameters: an edge's central difference must reach
// edgeMinStep grey levels (over two pixels) and edgeNoiseShare of the
// strongest edge on its line; at most edgeMaxLines lines per direction are
// read, evenly spaced. The second blur has sigma reblurSigma: wide enough
// that blurs of 2 to 8 pixels still change the ratio measurably (with a
// sigma of 1, the ratio of a 3 px and a 5 px blur differ by 3%).
const (
	edgeMinStep    = 8
	edgeNoiseShare = 0.25
	edgeMaxLines   = 64
	edgeMaxSigma   = 12
	edgeQuantile   = 0.3
	reblurRadius   = 8
	reblurSigma    = 2.5
)

// reblur are the weights of the Gaussian of sigma reblurSigma, summing to
// 1<<12, that blur the central differences a second time.
var reblur = func() (k [2*reblurRadius + 1]int32) {
	var w [2*reblurRadius + 1]float64
	var s float64
	for i := range w {
		x := float64(i - reblurRadius)
		w[i] = math.Exp(-x * x / (2 * reblurSigma * reblurSigma))
		s += w[i]
	}
	var t int32
	for i := range w {
		k[i] = int32(math.Round(w[i] / s * 4096))
		t += k[i]
	}
	k[reblurRadius] += 4096 - t
	return k
}()

// Measure estimates the blur of the edges inside r (p's coordinates; p has
// one channel). Errors wrap ErrGeometry or ErrInvalidFrame. A region
// smaller than 16x16 finds no edge.
func (e *EdgeBlur) Measure(p Plane, r image.Rectangle) error {
	if err := measureCheck(&p, r); err != nil {
		return err
	}
	e.Sigma, e.Rows, e.Cols, e.Diag, e.AntiDiag, e.Edges = 0, 0, 0, 0, 0, 0
	e.Aligned, e.Motion = [4]float64{}, 0
	w, h := r.Dx(), r.Dy()
	if w < 16 || h < 16 {
		return nil
	}
	ratioOnce.Do(buildRatios)
	n := max(w, h)
	if cap(e.diff) < n {
		e.diff = make([]int32, n)
		e.mag = make([]int32, n)
		e.line = make([]byte, n)
	}
	if c := 4 * edgeMaxLines * (n/2 + 1); cap(e.found) < c {
		e.found = make([]edge, 0, c)
	}
	e.found = e.found[:0]
	e.pw, e.ph, e.pstride = p.Width, p.Height, p.Stride
	e.inside = r.Inset(-1).In(image.Rect(0, 0, p.Width, p.Height))
	// Rows: vertical edges.
	e.px, e.py = 0, 1
	o := r.Min.Y*p.Stride + r.Min.X
	step := (h + edgeMaxLines - 1) / edgeMaxLines
	for y := step / 2; y < h; y += step {
		e.scanLine(p.Pix, o+y*p.Stride, 1, w)
	}
	nRows := len(e.found)
	e.px, e.py = 1, 0
	step = (w + edgeMaxLines - 1) / edgeMaxLines
	for x := step / 2; x < w; x += step {
		e.scanLine(p.Pix, o+x, p.Stride, h)
	}
	nCols := len(e.found)
	// Diagonals, evenly spaced over the w+h-1 of each direction; lines
	// too short to hold an edge and its re-blur window are skipped.
	step = (w + h + edgeMaxLines - 1) / edgeMaxLines
	e.px, e.py = 1, -1
	e.scanDiagonals(p, r, step, false)
	nDiag := len(e.found)
	e.px, e.py = 1, 1
	e.scanDiagonals(p, r, step, true)
	e.Rows, e.Aligned[0] = e.directionSigmas(e.found[:nRows], 1)
	e.Cols, e.Aligned[1] = e.directionSigmas(e.found[nRows:nCols], 1)
	e.Diag, e.Aligned[2] = e.directionSigmas(e.found[nCols:nDiag], math.Sqrt2)
	e.AntiDiag, e.Aligned[3] = e.directionSigmas(e.found[nDiag:], math.Sqrt2)
	e.Sigma = max(e.Rows, e.Cols, e.Diag, e.AntiDiag)
	e.Edges = len(e.found)
	e.Motion = motionExcess(e.Aligned)
	return nil
}

// scanDiagonals scans r's diagonals (down and right; down and left when
// anti), one every step along the top and side edges.
func (e *EdgeBlur) scanDiagonals(p Plane, r image.Rectangle, step int, anti bool) {
	w, h := r.Dx(), r.Dy()
	for s := step / 2; s < w+h-1; s += step {
		x, y := s, 0
		if s >= w {
			x, y = w-1, s-w+1
		}
		// The line starts at (x, y) and runs down, to the left (anti) or
		// to the right, until it leaves r.
		n := min(h-y, x+1)
		dx := -1
		if !anti {
			x, dx = w-1-x, 1
		}
		if n > 2*reblurRadius+2 {
			e.scanLine(p.Pix, (r.Min.Y+y)*p.Stride+r.Min.X+x, p.Stride+dx, n)
		}
	}
}

// scanLine finds the edges of the line of n >= 3 pixels pix[o], pix[o+st],
// ... and appends their strength and re-blurred difference (the blur is
// looked up for the edges directionSigmas keeps only).
func (e *EdgeBlur) scanLine(pix []byte, o, st, n int) {
	d, m := e.diff[:n], e.mag[:n]
	full := pix
	line := pix[o : o+(n-1)*st+1]
	if st != 1 {
		line = gatherLine(e.line[:n], line, st)
	}
	d[0], d[n-1], m[0], m[n-1] = 0, 0, 0, 0
	peak := lineDiff(d[1:n-1], m[1:n-1], line)
	thr := max(edgeMinStep, int32(float64(peak)*edgeNoiseShare))
	lo, hi := reblurRadius+1, n-reblurRadius-1
	for i := lo; i < hi; i++ {
		a := m[i]
		if a < thr || a < m[i-1] || a <= m[i+1] {
			continue
		}
		// The re-blur, whose weights are symmetric about the centre,
		// negated with the difference (by its sign mask, not a branch:
		// the edges' signs are as likely either way).
		win := (*[2*reblurRadius + 1]int32)(d[i-reblurRadius : i+reblurRadius+1])
		b := reblur[reblurRadius] * win[reblurRadius]
		for k := 1; k <= reblurRadius; k++ {
			b += reblur[reblurRadius+k] * (win[reblurRadius+k] + win[reblurRadius-k])
		}
		sign := win[reblurRadius] >> 31
		b = (b ^ sign) - sign
		// The difference across the line at the edge, the plane's
		// border pixels repeated.
		q := o + i*st
		var c int32
		if e.inside {
			off := e.py*e.pstride + e.px
			c = abs32(int32(full[q+off]) - int32(full[q-off]))
		} else {
			x, y := q%e.pstride, q/e.pstride
			x0, y0 := min(max(x-e.px, 0), e.pw-1), min(max(y-e.py, 0), e.ph-1)
			x1, y1 := min(max(x+e.px, 0), e.pw-1), min(max(y+e.py, 0), e.ph-1)
			c = abs32(int32(full[y1*e.pstride+x1]) - int32(full[y0*e.pstride+x0]))
		}
		e.found = append(e.found, edge{strength: int16(a), reblurred: max(b, 1), aligned: c*1024 <= a*alignedGate})
	}
}

// gatherLine copies the pixels src[0], src[st], ... into dst (len(dst)
// of them), so that lineDiff reads a strided line contiguously.
func gatherLine(dst, src []byte, st int) []byte {
	src = src[:(len(dst)-1)*st+1]
	for i, q := 0, 0; i < len(dst); i, q = i+1, q+st {
		dst[i] = src[q]
	}
	return dst
}

// directionSigmas is one direction's estimates, counted in histograms:
// all, the edgeQuantile quantile of the blur of the stronger half of es
// (by strength; edges as strong as the weakest of that half are in it
// too), and aligned, the median blur of the stronger half of its aligned
// edges (all when fewer than alignedMinEdges are aligned); both times
// scale, the pixel spacing of es's lines. One pass counts both strength
// histograms, one more both blur histograms, each edge's blur looked up
// once.
func (e *EdgeBlur) directionSigmas(es []edge, scale float64) (all, aligned float64) {
	if len(es) == 0 {
		return 0, 0
	}
	clear(e.strengths[:])
	clear(e.alignedStrengths[:])
	var na int32
	for _, x := range es {
		e.strengths[x.strength]++
		if x.aligned {
			e.alignedStrengths[x.strength]++
			na++
		}
	}
	cut := strongerHalf(&e.strengths, int32(len(es)))
	acut := int32(len(e.strengths)) // above every strength: no aligned edge counted
	if na >= alignedMinEdges {
		acut = strongerHalf(&e.alignedStrengths, na)
	}
	clear(e.sigmas[:])
	clear(e.alignedSigmas[:])
	var n, nal int32
	for _, x := range es {
		st := int32(x.strength)
		inAll, inAligned := st >= cut, x.aligned && st >= acut
		if !inAll && !inAligned {
			continue
		}
		b := sigmaBin(float64(x.strength) * 4096 / float64(x.reblurred))
		if inAll {
			e.sigmas[b]++
			n++
		}
		if inAligned {
			e.alignedSigmas[b]++
			nal++
		}
	}
	all = binQuantile(&e.sigmas, int32(float64(n-1)*edgeQuantile)+1) * scale
	if na < alignedMinEdges {
		return all, all
	}
	return all, binQuantile(&e.alignedSigmas, (nal-1)/2+1) * scale // the median
}

// strongerHalf is the strength from which (counting down from the
// strongest) the histogram h of count edges holds at least half of them.
func strongerHalf(h *[2*255 + 1]int32, count int32) int32 {
	half := (count + 1) / 2
	cut, n := int32(len(h)-1), int32(0)
	for ; cut > 0; cut-- {
		if n += h[cut]; n >= half {
			break
		}
	}
	return cut
}

// binQuantile is the blur, in pixels, of the edge of 1-based rank in the
// blur histogram h.
func binQuantile(h *[ratioCount]int32, rank int32) float64 {
	var c int32
	for b, k := range h {
		if c += k; c >= rank {
			return float64(b) * ratioStep
		}
	}
	return edgeMaxSigma
}

// motionExcess is EdgeBlur.Motion from the four directions' aligned
// estimates (rows, columns, diagonal, anti-diagonal).
func motionExcess(a [4]float64) float64 {
	w := [4]float64{motionRowWeight, 1, 1, 1}
	perp := [4]int{1, 0, 3, 2}
	var m float64
	for d := range a {
		m = max(m, w[d]*a[d]-motionAcross*a[perp[d]])
	}
	return m
}

func abs32(v int32) int32 {
	if v < 0 {
		return -v
	}
	return v
}

// The ratio table: ratios[i] is the peak ratio of a step blurred by
// sigma = i*ratioStep, sampled with pixel integration, averaged over the
// step's sub-pixel positions. It falls as sigma grows.
const (
	ratioStep  = 0.05
	ratioCount = int(edgeMaxSigma/ratioStep) + 1
)

var (
	ratioOnce sync.Once
	ratios    [ratioCount]float64
	// ratioBins maps a ratio, on a uniform grid from 1 to ratios[0], to
	// its blur bin (sigmaOfRatio, rounded to ratioStep).
	ratioBins [ratioLUT]uint16
)

const ratioLUT = 4096

// sigmaBinOfRatio is sigmaOfRatio in ratioStep bins, through ratioBins.
func sigmaBinOfRatio(r float64) uint16 {
	ratioOnce.Do(buildRatios)
	return sigmaBin(r)
}

// sigmaBin is sigmaBinOfRatio once the tables are built.
func sigmaBin(r float64) uint16 {
	if r >= ratios[0] {
		return 0
	}
	i := int((r - 1) / (ratios[0] - 1) * ratioLUT)
	if i < 0 {
		return uint16(ratioCount - 1)
	}
	return ratioBins[i]
}

// sigmaOfRatio inverts the ratio table (linear between its entries).
func sigmaOfRatio(r float64) float64 {
	if r >= ratios[0] {
		return 0
	}
	if r <= ratios[ratioCount-1] {
		return edgeMaxSigma
	}
	// ratios falls: find the first entry at or below r.
	i, _ := slices.BinarySearchFunc(ratios[:], r, func(e, t float64) int {
		switch {
		case e > t:
			return -1
		case e < t:
			return 1
		}
		return 0
	})
	hi, lo := ratios[i-1], ratios[i]
	return (float64(i-1) + (hi-r)/(hi-lo)) * ratioStep
}

// buildRatios simulates the measurement on sampled steps.
func buildRatios() {
	const width = 64
	var v [width]float64
	var d [width]float64
	for i := range ratios {
		s := float64(i) * ratioStep
		var sum float64
		const offsets = 8
		for o := range offsets {
			x0 := width/2 + float64(o)/offsets
			for x := range v {
				v[x] = pixelStep(float64(x), x0, s)
			}
			for x := 1; x < width-1; x++ {
				d[x] = v[x+1] - v[x-1]
			}
			// The peak of the central difference, and the re-blurred
			// difference there, as Measure takes them.
			p := 1
			for x := 2; x < width-1; x++ {
				if d[x] > d[p] {
					p = x
				}
			}
			var b float64
			for k, wt := range reblur {
				b += float64(wt) / 4096 * d[p+k-reblurRadius]
			}
			sum += d[p] / b
		}
		ratios[i] = sum / offsets
	}
	for i := range ratioBins {
		r := 1 + (float64(i)+0.5)/ratioLUT*(ratios[0]-1)
		ratioBins[i] = uint16(math.Round(sigmaOfRatio(r) / ratioStep))
	}
}

// pixelStep is the mean over pixel x (x..x+1) of a unit step at x0
// blurred by a Gaussian of sigma s.
func pixelStep(x, x0, s float64) float64 {
	if s < 1e-3 {
		switch {
		case x+1 <= x0:
			return 0
		case x >= x0:
			return 1
		}
		return x + 1 - x0
	}
	// The integral of the Gaussian CDF over [a, b], divided by b-a.
	F := func(t float64) float64 {
		z := t / s
		return t*0.5*(1+math.Erf(z/math.Sqrt2)) + s*math.Exp(-z*z/2)/math.Sqrt(2*math.Pi)
	}
	return F(x+1-x0) - F(x-x0)
}
