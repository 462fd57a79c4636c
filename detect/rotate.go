package detect

import (
	"fmt"
	"image"
	"math"

	"github.com/facegate/facegate/preprocess"
)

// TurnSteps is the number of steps in a full turn for RotatePlane and
// TurnedPlane: a step is 11.25 degrees, the resolution of
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

// ScanFactor is the factor Detect box-downscales a plane by before
// scanning for faces of minFace pixels and more: max(1,
// minFace/DetectSide).
func (d *HaarDetector) ScanFactor(minFace int) int {
	return max(1, minFace/d.o.DetectSide)
}

// TurnedPlane is a plane box-downscaled and then turned (RotatePlane),
// to be scanned for faces tilted by about the turn the other way, with
// the boxes found mapped back by Back. The zero value is ready; in steady
// state (planes no larger than before) Turn does not allocate.
type TurnedPlane struct {
	// Plane is the downscaled, turned plane; valid until the next Turn.
	Plane preprocess.Plane
	// K is the downscale factor and Step the turn, in steps of
	// 1/TurnSteps of a turn, clockwise as displayed.
	K, Step int

	w, h          int // the source plane's size
	small, turned []byte
	down          preprocess.Downscaler
}

// Turn fills t with luma (one channel) box-downscaled by k (its
// (W/k) x (H/k) blocks, as Detect downscales) and turned by step.
func (t *TurnedPlane) Turn(luma preprocess.Plane, k, step int) error {
	if err := luma.Validate(); err != nil {
		return err
	}
	if luma.Channels > 1 {
		return fmt.Errorf("%w: turning needs a one-channel plane, have %d", ErrParams, luma.Channels)
	}
	if k < 1 || k > preprocess.MaxDownscale {
		return fmt.Errorf("%w: downscale factor %d", ErrParams, k)
	}
	sw, sh := luma.Width/k, luma.Height/k
	n := sw * sh
	if cap(t.small) < n {
		t.small = make([]byte, n)
		t.turned = make([]byte, n)
	}
	small := preprocess.GrayPlane(t.small[:n], sw, sw, sh)
	if err := t.down.Downscale(small, luma, k); err != nil {
		return err
	}
	t.Plane = preprocess.GrayPlane(t.turned[:n], sw, sw, sh)
	t.K, t.Step, t.w, t.h = k, step, luma.Width, luma.Height
	return RotatePlane(t.Plane, small, step)
}

// Back maps a box of Plane to the source plane's coordinates: a box of
// its size times K about its centre turned back, shifted inside the
// source plane (and clipped to it if larger). It is axis-aligned, so a
// little smaller than the turned face's extent.
func (t *TurnedPlane) Back(r image.Rectangle) image.Rectangle {
	k := t.K
	cx, cy := turnPoint(float64(r.Min.X+r.Max.X)/2, float64(r.Min.Y+r.Max.Y)/2, t.Plane.Width, t.Plane.Height, t.Step)
	bw, bh := r.Dx()*k, r.Dy()*k
	x0 := int(math.Round(cx*float64(k))) - bw/2
	y0 := int(math.Round(cy*float64(k))) - bh/2
	x0 = max(0, min(x0, t.w-bw))
	y0 = max(0, min(y0, t.h-bh))
	return image.Rect(x0, y0, x0+bw, y0+bh).Intersect(image.Rect(0, 0, t.w, t.h))
}
