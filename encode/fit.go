package encode

import (
	"image"
	"math"

	"github.com/facegate/facegate/preprocess"
)

// Range is an inclusive interval of file sizes in bytes.
type Range struct {
	Min int64
	Max int64
}

// Contains reports whether a file of n bytes is inside r.
func (r Range) Contains(n int) bool { return int64(n) >= r.Min && int64(n) <= r.Max }

func (r Range) validate() error {
	if r.Min < 0 || r.Max <= 0 || r.Min > r.Max {
		return optErr("range", "[%d, %d] is empty or negative", r.Min, r.Max)
	}
	return nil
}

// The byte limits of the Face service, read conservatively. The service says
// "1 KB" to "6 MB" (25 MB, 4 MB) without saying whether K and M are powers of
// 1000 or of 1024, so each bound takes the stricter reading: a minimum of
// 1024 bytes (not 1000) and a maximum of 6,000,000 bytes (not 6,291,456). A
// file inside these ranges is accepted under either reading.
var (
	// LivenessImageRange bounds a still image sent to liveness detection.
	LivenessImageRange = Range{Min: 1024, Max: 6_000_000}
	// LivenessVideoRange bounds an animated WebP sent to liveness
	// detection. It is AppendAnimatedWebP's default.
	LivenessVideoRange = Range{Min: 1024, Max: 25_000_000}
	// FaceListImageRange bounds an image added to a face list.
	FaceListImageRange = Range{Min: 1024, Max: 4_000_000}
)

// Defaults of FitOptions.
const (
	// DefaultFitMinQuality is the lowest JPEG quality Fit uses before it
	// downscales instead.
	DefaultFitMinQuality = 50
	// DefaultFitMaxQuality is the quality Fit starts from: above it JPEG
	// files grow fast for little visible gain.
	DefaultFitMaxQuality = 92
	// DefaultMinFace is the service's minimum face side, in pixels, for
	// images up to 1920x1080.
	DefaultMinFace = 128
)

// FitOptions are the parameters of Fit. A nil *FitOptions means the
// defaults: qualities DefaultFitMinQuality to DefaultFitMaxQuality and no
// face, hence no downscaling.
type FitOptions struct {
	// MinQuality and MaxQuality bound the JPEG qualities Fit chooses from;
	// 0 means DefaultFitMinQuality and DefaultFitMaxQuality. Fit takes the
	// highest quality in the interval whose file is small enough. Only to
	// reach Range.Min does it go above MaxQuality (up to 100).
	MinQuality int
	MaxQuality int
	// Face is the face rectangle in the image's coordinates. With an empty
	// Face, Fit never downscales: it could not tell what it would shrink.
	Face image.Rectangle
	// MinFace is the smallest side, in pixels, the face may have after
	// downscaling; 0 means DefaultMinFace. For an input larger than
	// 1920x1080 the service asks for a proportionally larger face (128 x
	// max(W/1920, H/1080)); passing that value, computed on the input size,
	// is safe, since downscaling only lowers the requirement.
	MinFace int
}

// FitResult describes the file Fit appended.
type FitResult struct {
	Format   preprocess.ImageFormat // always preprocess.FormatJPEG
	Quality  int                    // the JPEG quality chosen
	Scale    float64                // Width divided by the input width; 1 when not downscaled
	Width    int                    // the encoded image's width
	Height   int                    // the encoded image's height
	Face     image.Rectangle        // FitOptions.Face in the encoded image's coordinates (rounded outwards); empty without a face
	Bytes    int                    // the size of the file appended to dst
	Attempts int                    // how many encodings Fit tried
}

// fitParams are FitOptions resolved.
type fitParams struct {
	minQ, maxQ int
	face       image.Rectangle
	minFace    int
}

func (o *FitOptions) resolve(img RGB) (fitParams, error) {
	p := fitParams{minQ: DefaultFitMinQuality, maxQ: DefaultFitMaxQuality, minFace: DefaultMinFace}
	if o == nil {
		return p, nil
	}
	if o.MinQuality != 0 {
		p.minQ = o.MinQuality
	}
	if o.MaxQuality != 0 {
		p.maxQ = o.MaxQuality
	}
	if p.minQ < 1 || p.maxQ > 100 || p.minQ > p.maxQ {
		return p, optErr("quality", "[%d, %d] is not inside [1, 100]", p.minQ, p.maxQ)
	}
	if o.MinFace < 0 {
		return p, optErr("min face", "%d is negative", o.MinFace)
	}
	if o.MinFace != 0 {
		p.minFace = o.MinFace
	}
	if !o.Face.Empty() {
		if !o.Face.In(image.Rect(0, 0, img.Width, img.Height)) {
			return p, optErr("face", "%v is outside the %dx%d image", o.Face, img.Width, img.Height)
		}
		p.face = o.Face
	}
	return p, nil
}

// maxFitScales bounds the downscaling rounds of Fit.
const maxFitScales = 8

// Fit appends to dst a JPEG of img whose size is inside limits, and describes
// it. It borrows an Encoder from a pool; see Encoder.Fit.
func Fit(dst []byte, img RGB, limits Range, o *FitOptions) ([]byte, FitResult, error) {
	e := getEncoder()
	defer putEncoder(e)
	return e.Fit(dst, img, limits, o)
}

// Fit appends to dst a JPEG of img whose size is inside limits (for example
// LivenessImageRange), and describes it.
//
// It takes the highest quality in [MinQuality, MaxQuality] whose file is at
// most limits.Max, by binary search (JPEG size grows with quality; every file
// Fit returns was measured, so a non-monotonic step cannot make it return an
// oversized file). If even MinQuality is too large it downscales img with
// preprocess's Area filter, estimating the scale from the size overshoot,
// and searches again, for at most a few rounds; the scale never takes the
// face below MinFace pixels on either side, and without a face there is no
// downscaling. If the file at MaxQuality is under limits.Min it raises the
// quality towards 100 instead.
//
// When no file lands inside limits it returns a *FitError wrapping
// ErrTooLarge or ErrTooSmall; invalid input or options give an *InputError.
// On error dst is returned unchanged.
func (e *Encoder) Fit(dst []byte, img RGB, limits Range, o *FitOptions) ([]byte, FitResult, error) {
	if err := img.Validate(); err != nil {
		return dst, FitResult{}, err
	}
	if err := limits.validate(); err != nil {
		return dst, FitResult{}, err
	}
	p, err := o.resolve(img)
	if err != nil {
		return dst, FitResult{}, err
	}
	res := FitResult{Format: preprocess.FormatJPEG, Scale: 1, Width: img.Width, Height: img.Height, Face: p.face}
	cur := img
	defer func() { e.fitCur = RGB{} }() // do not keep the caller's pixels
	e.loadFitJPEG(cur)

	// Full size first: the common case is a single encoding at MaxQuality.
	q, n, err := e.searchQuality(&res, limits, p.minQ, p.maxQ)
	if err != nil {
		return dst, res, err
	}
	for round := 0; n > int(limits.Max); round++ {
		// Even MinQuality is too large at this scale: downscale.
		nw, nh, ok := nextScale(img.Width, img.Height, cur.Width, cur.Height, n, limits.Max, p)
		if !ok || round == maxFitScales {
			reason := "no face given, so no downscaling"
			switch {
			case ok:
				reason = "gave up after several downscaling rounds"
			case !p.face.Empty():
				reason = "downscaling further would take the face below the minimum face size"
			}
			return dst, res, e.fitErr(ErrTooLarge, limits, res, q, n, img.Width, reason)
		}
		if cur, err = e.downscale(img, nw, nh); err != nil {
			return dst, res, err
		}
		e.loadFitJPEG(cur)
		res.Width, res.Height = nw, nh
		res.Scale = float64(nw) / float64(img.Width)
		if q, n, err = e.searchQuality(&res, limits, p.minQ, p.maxQ); err != nil {
			return dst, res, err
		}
	}
	if n < int(limits.Min) {
		return dst, res, e.fitErr(ErrTooSmall, limits, res, q, n, img.Width, "no quality up to 100 gives a file of the minimum size")
	}
	if !p.face.Empty() {
		res.Face = scaleRect(p.face, img.Width, img.Height, res.Width, res.Height)
	}
	res.Quality, res.Bytes = q, n
	return append(dst, e.best...), res, nil
}

func (e *Encoder) fitErr(kind error, limits Range, res FitResult, q, n, w0 int, reason string) error {
	return &FitError{Range: limits, Bytes: n, Quality: q, Width: res.Width, Height: res.Height,
		Scale: float64(res.Width) / float64(w0), Reason: reason, kind: kind}
}

// searchQuality encodes the loaded image at several qualities and leaves in
// e.best the file of the highest quality in [minQ, maxQ] of at most
// limits.Max bytes, returning its quality and size. If none is small enough
// it returns minQ's (larger than limits.Max); if maxQ's is under limits.Min
// it returns the lowest quality above maxQ whose file reaches limits.Min, or
// 100's.
func (e *Encoder) searchQuality(res *FitResult, limits Range, minQ, maxQ int) (q, n int, err error) {
	lo, hi := int(limits.Min), int(limits.Max)
	try := func(q int) (int, error) {
		res.Attempts++
		e.trial, err = e.appendFitJPEG(e.trial[:0], q)
		return len(e.trial), err
	}
	keep := func() { e.best, e.trial = e.trial, e.best }

	n, err = try(maxQ)
	if err != nil {
		return 0, 0, err
	}
	keep()
	switch {
	case n >= lo && n <= hi:
		return maxQ, n, nil
	case n < lo:
		// Too small: raise the quality, to the lowest one that reaches lo.
		if maxQ == 100 {
			return maxQ, n, nil
		}
		bestQ, bestN := maxQ, n
		top, err := try(100)
		if err != nil {
			return 0, 0, err
		}
		if top < lo {
			keep()
			return 100, top, nil
		}
		if top <= hi {
			keep()
			bestQ, bestN = 100, top
		}
		a, b := maxQ, 100 // a is under lo, b reaches it
		for b-a > 1 {
			m := (a + b) / 2
			mn, err := try(m)
			if err != nil {
				return 0, 0, err
			}
			if mn < lo {
				a = m
				continue
			}
			if mn <= hi {
				keep()
				bestQ, bestN = m, mn
			}
			b = m
		}
		return bestQ, bestN, nil
	}
	// Too large at maxQ.
	if minQ == maxQ {
		return maxQ, n, nil
	}
	n, err = try(minQ)
	if err != nil {
		return 0, 0, err
	}
	keep()
	if n > hi {
		return minQ, n, nil
	}
	bestQ, bestN := minQ, n
	a, b := minQ, maxQ // a fits, b does not
	for b-a > 1 {
		m := (a + b) / 2
		mn, err := try(m)
		if err != nil {
			return 0, 0, err
		}
		if mn <= hi {
			keep()
			bestQ, bestN, a = m, mn, m
		} else {
			b = m
		}
	}
	return bestQ, bestN, nil
}

// nextScale picks the next, smaller size for an image of w0 x h0 that is at
// w x h and whose file at the lowest quality is n bytes, over limit. The file
// size is taken to scale with the pixel count, and the target is 10% under
// limit to absorb the error. Both axes take the same scale (up to rounding),
// and the scale never takes either side of the face below minFace. ok is
// false when no smaller size is allowed.
func nextScale(w0, h0, w, h, n int, limit int64, p fitParams) (nw, nh int, ok bool) {
	if p.face.Empty() {
		return 0, 0, false
	}
	s0 := float64(w) / float64(w0)
	s := s0 * math.Sqrt(0.9*float64(limit)/float64(n))
	s = min(s, 0.97*s0) // make progress
	s = max(s, float64(p.minFace)/float64(p.face.Dx()), float64(p.minFace)/float64(p.face.Dy()))
	if s >= s0 {
		return 0, 0, false
	}
	// face.Dx() * nw / w0 >= minFace, exactly, whatever the rounding of s.
	minW := ceilDiv(p.minFace*w0, p.face.Dx())
	minH := ceilDiv(p.minFace*h0, p.face.Dy())
	nw = min(max(int(math.Round(float64(w0)*s)), minW, 1), w)
	nh = min(max(int(math.Round(float64(h0)*s)), minH, 1), h)
	if nw == w && nh == h {
		return 0, 0, false
	}
	return nw, nh, true
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

// scaleRect maps r from a w0 x h0 image to a w x h one, rounding outwards.
func scaleRect(r image.Rectangle, w0, h0, w, h int) image.Rectangle {
	return image.Rect(r.Min.X*w/w0, r.Min.Y*h/h0, ceilDiv(r.Max.X*w, w0), ceilDiv(r.Max.Y*h, h0))
}

// downscale resizes img to w x h into e.scaled with the Area filter. The
// Resizer plans are kept, so that fitting frames of one size again and again
// plans each scale once.
func (e *Encoder) downscale(img RGB, w, h int) (RGB, error) {
	from, to := image.Pt(img.Width, img.Height), image.Pt(w, h)
	var rz *preprocess.Resizer
	for i := range e.resizers {
		if r := &e.resizers[i]; r.from == from && r.to == to {
			rz = r.rz
			break
		}
	}
	if rz == nil {
		var err error
		if rz, err = preprocess.NewResizer(img.Width, img.Height, w, h, 3, preprocess.Area); err != nil {
			return RGB{}, err
		}
		if len(e.resizers) == maxResizers {
			n := copy(e.resizers, e.resizers[1:])
			e.resizers = e.resizers[:n]
		}
		e.resizers = append(e.resizers, sizedResizer{from, to, rz})
	}
	out := NewRGB(e.scaled, w, h)
	e.scaled = out.Pix
	if err := rz.Resize(out.Plane(), img.Plane()); err != nil {
		return RGB{}, err
	}
	return out, nil
}
