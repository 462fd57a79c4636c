package detect

import (
	"fmt"
	"image"
	"math"

	"github.com/facegate/facegate/preprocess"
)

// TurnSteps is the number of steps in a full turn for RotatePlane and
// HaarDetector.DetectTurned: a step is 11.25 degrees, the resolution of
// the quantised rotation tables the pixel-comparison cascade turns its
// probes with (qCos, qSin).
const TurnSteps = 32

// turnTable returns 256 times the cosine and sine of step steps.
func turnTable(step int) (qc, qs int) {
	i := ((step % TurnSteps) + TurnSteps) % TurnSteps
	return qCos[i], qSin[i]
}

// RotatePlane writes into dst src turned clockwise (as displayed, rows
// running down) by step/TurnSteps of a turn about the planes' centre:
// the content at src's point p appears in dst at centre + R(p - centre).
// The planes have one channel and the same size; dst's pixels whose source
// falls outside src take the nearest edge pixel's value. Samples are
// bilinear with 8-bit weights and the rotation's cosine and sine are
// quantised to 1/256 (the tables of the rotated pixel-comparison scan), so
// the result is the same on every platform. dst must not overlap src.
func RotatePlane(dst, src preprocess.Plane, step int) error {
	if err := src.Validate(); err != nil {
		return err
	}
	if err := dst.Validate(); err != nil {
		return err
	}
	if src.Channels > 1 || dst.Channels > 1 {
		return fmt.Errorf("%w: rotation needs one-channel planes, have %d and %d", ErrParams, src.Channels, dst.Channels)
	}
	if dst.Width != src.Width || dst.Height != src.Height {
		return fmt.Errorf("%w: rotation needs planes of one size, have %dx%d and %dx%d", ErrParams, dst.Width, dst.Height, src.Width, src.Height)
	}
	w, h := src.Width, src.Height
	if w == 0 || h == 0 {
		return nil
	}
	qc, qs := turnTable(step)
	// Coordinates are in half pixels from the centre (dx2 = 2x+1-w), so
	// that qc*dx2 + qs*dy2 is the source offset in 1/512 pixel; adding
	// 256*(w-1) makes it the source sample position (pixel centres at
	// whole numbers) in 1/512 pixel.
	for y := range h {
		dy2 := 2*y + 1 - h
		fx := qc*(1-w) + qs*dy2 + 256*(w-1)
		fy := -qs*(1-w) + qc*dy2 + 256*(h-1)
		row := dst.Row(y)
		for x := range row {
			row[x] = bilinear(&src, fx, fy)
			fx += 2 * qc
			fy -= 2 * qs
		}
	}
	return nil
}

// bilinear samples p at (fx/512, fy/512), pixel centres at whole numbers,
// clamped to the plane.
func bilinear(p *preprocess.Plane, fx, fy int) byte {
	ix, iy := fx>>9, fy>>9
	wx, wy := (fx>>1)&255, (fy>>1)&255
	x0, x1 := clampInt(ix, p.Width-1), clampInt(ix+1, p.Width-1)
	y0, y1 := clampInt(iy, p.Height-1), clampInt(iy+1, p.Height-1)
	r0, r1 := p.Pix[y0*p.Stride:], p.Pix[y1*p.Stride:]
	top := int(r0[x0])*(256-wx) + int(r0[x1])*wx
	bot := int(r1[x0])*(256-wx) + int(r1[x1])*wx
	return byte((top*(256-wy) + bot*wy + 1<<15) >> 16)
}

func clampInt(v, hi int) int { return max(0, min(v, hi)) }

// turnPoint maps a point of a w x h plane turned by step (RotatePlane's
// dst) back to the unturned plane (RotatePlane's src), in pixel-edge
// coordinates (the plane spans 0..w).
func turnPoint(x, y float64, w, h, step int) (float64, float64) {
	qc, qs := turnTable(step)
	c, s := float64(qc)/256, float64(qs)/256
	cx, cy := float64(w)/2, float64(h)/2
	dx, dy := x-cx, y-cy
	return cx + c*dx + s*dy, cy - s*dx + c*dy
}

// DetectTurned is Detect over the whole of luma turned by
// step/TurnSteps of a turn (RotatePlane: clockwise as displayed), for
// faces whose head is tilted by about that much the other way. The plane
// is first box-downscaled by max(1, minFace/DetectSide), as Detect does,
// then turned, then scanned with Detect. Each face's box is the found
// box's size, about its centre mapped back to luma's coordinates and
// shifted inside the plane; it is therefore axis-aligned and a little
// smaller than the turned face's extent. Profile labels are kept (a
// tilt does not change the side the nose points to). step 0 is Detect on
// the whole plane, but for the downscaling before the scan. In steady
// state it does not allocate.
func (d *HaarDetector) DetectTurned(dst []Face, luma preprocess.Plane, minFace, maxFace, step int) ([]Face, error) {
	if err := luma.Validate(); err != nil {
		return dst, err
	}
	if luma.Channels > 1 {
		return dst, fmt.Errorf("%w: detection needs a one-channel plane, have %d", ErrParams, luma.Channels)
	}
	if minFace < 1 || maxFace < minFace {
		return dst, fmt.Errorf("%w: face sizes %d..%d", ErrParams, minFace, maxFace)
	}
	k := max(1, minFace/d.o.DetectSide)
	sw, sh := luma.Width/k, luma.Height/k
	minSize, maxSize := (minFace+k-1)/k, maxFace/k
	if sw < d.winW || sh < d.winH || maxSize < minSize || sw < minSize || sh < minSize {
		d.lastWindows = 0
		return dst, nil
	}
	n := sw * sh
	if cap(d.turnSrc) < n {
		d.turnSrc = make([]byte, n)
		d.turnDst = make([]byte, n)
	}
	small := preprocess.GrayPlane(d.turnSrc[:n], sw, sw, sh)
	if err := d.down.Downscale(small, luma, k); err != nil {
		return dst, err
	}
	turned := preprocess.GrayPlane(d.turnDst[:n], sw, sw, sh)
	if err := RotatePlane(turned, small, step); err != nil {
		return dst, err
	}
	first := len(dst)
	dst, err := d.Detect(dst, turned, image.Rect(0, 0, sw, sh), minSize, maxSize)
	if err != nil {
		return dst, err
	}
	bounds := image.Rect(0, 0, luma.Width, luma.Height)
	for i := first; i < len(dst); i++ {
		r := dst[i].Rect
		cx, cy := turnPoint(float64(r.Min.X+r.Max.X)/2, float64(r.Min.Y+r.Max.Y)/2, sw, sh, step)
		bw, bh := r.Dx()*k, r.Dy()*k
		x0 := int(math.Round(cx*float64(k))) - bw/2
		y0 := int(math.Round(cy*float64(k))) - bh/2
		x0 = max(0, min(x0, bounds.Max.X-bw))
		y0 = max(0, min(y0, bounds.Max.Y-bh))
		dst[i].Rect = image.Rect(x0, y0, x0+bw, y0+bh).Intersect(bounds)
	}
	return dst, nil
}
