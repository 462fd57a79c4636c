package encode

import "image/color"

// Defaults of WebPOptions.
const (
	// DefaultWebPQuality is libwebp's lossy quality when none is given.
	DefaultWebPQuality = 80
	// DefaultWebPMinQuality is the lowest quality AppendAnimatedWebP lowers
	// to when fitting an animation into its Range.
	DefaultWebPMinQuality = 30
	// DefaultFrameMs is the duration of a lone frame.
	DefaultFrameMs = 100
)

// MaxWebPDimension is the largest width or height a VP8 or VP8L bitstream
// can carry.
const MaxWebPDimension = 16383

// maxFrameMs is the largest frame duration an ANMF chunk can carry (24 bits).
const maxFrameMs = 1<<24 - 1

// WebPOptions are the parameters of AppendWebP and AppendAnimatedWebP. A nil
// *WebPOptions means the defaults. The zero value of every field means its
// default.
type WebPOptions struct {
	// Quality is libwebp's lossy quality, 1 to 100; 0 means
	// DefaultWebPQuality. Ignored when Lossless is set.
	Quality int
	// Lossless selects VP8L (lossless) bitstreams instead of VP8 (lossy).
	Lossless bool

	// The fields below apply to AppendAnimatedWebP only.

	// Range bounds the animation's file size; the zero Range means
	// LivenessVideoRange. When the file at Quality is larger than
	// Range.Max the quality is lowered, down to MinQuality.
	Range Range
	// MinQuality is the lowest quality the fitting may use, 1 to Quality;
	// 0 means DefaultWebPMinQuality (or Quality, if that is lower).
	MinQuality int
	// LoopCount is how many times the animation plays, 0 to 65535; 0 means
	// forever.
	LoopCount int
	// Background is the canvas colour a player may show before the first
	// frame. The frames cover the whole canvas, so it is never visible in
	// them; the zero value is transparent black.
	Background color.NRGBA
	// DefaultFrameMs is the duration of the last frame when there is only
	// one frame (otherwise the last frame repeats the previous duration);
	// 0 means DefaultFrameMs.
	DefaultFrameMs int
}

// webpParams are WebPOptions resolved.
type webpParams struct {
	quality, minQuality int
	lossless            bool
	limits              Range
	loop                int
	bg                  color.NRGBA
	defaultMs           int
}

func (o *WebPOptions) resolve() (webpParams, error) {
	p := webpParams{quality: DefaultWebPQuality, minQuality: DefaultWebPMinQuality,
		limits: LivenessVideoRange, defaultMs: DefaultFrameMs}
	if o == nil {
		return p, nil
	}
	if o.Quality != 0 {
		p.quality = o.Quality
	}
	if p.quality < 1 || p.quality > 100 {
		return p, optErr("quality", "%d, want 1 to 100", o.Quality)
	}
	p.minQuality = min(p.minQuality, p.quality)
	if o.MinQuality != 0 {
		p.minQuality = o.MinQuality
	}
	if p.minQuality < 1 || p.minQuality > p.quality {
		return p, optErr("min quality", "%d, want 1 to the quality %d", o.MinQuality, p.quality)
	}
	p.lossless = o.Lossless
	if o.Range != (Range{}) {
		if err := o.Range.validate(); err != nil {
			return p, err
		}
		p.limits = o.Range
	}
	if o.LoopCount < 0 || o.LoopCount > 0xffff {
		return p, optErr("loop count", "%d, want 0 to 65535", o.LoopCount)
	}
	p.loop = o.LoopCount
	p.bg = o.Background
	if o.DefaultFrameMs < 0 || o.DefaultFrameMs > maxFrameMs {
		return p, optErr("default frame duration", "%d ms, want 0 to %d", o.DefaultFrameMs, maxFrameMs)
	}
	if o.DefaultFrameMs != 0 {
		p.defaultMs = o.DefaultFrameMs
	}
	return p, nil
}

func checkWebPSize(img RGB, field string) error {
	if err := img.Validate(); err != nil {
		return err
	}
	if img.Width > MaxWebPDimension || img.Height > MaxWebPDimension {
		return imageErr(field, "%dx%d exceeds WebP's %d", img.Width, img.Height, MaxWebPDimension)
	}
	return nil
}

// AppendWebP appends img encoded by libwebp as a still WebP file to dst and
// returns the extended slice. It borrows an Encoder from a pool; see
// Encoder.AppendWebP.
func AppendWebP(dst []byte, img RGB, o *WebPOptions) ([]byte, error) {
	e := getEncoder()
	defer putEncoder(e)
	return e.AppendWebP(dst, img, o)
}

// AppendWebP appends img encoded by libwebp (through
// github.com/chai2010/webp) as a simple still WebP file, lossy VP8 at
// o.Quality or lossless VP8L, to dst and returns the extended slice. Only
// Quality and Lossless of o apply. libwebp returns the file in a new slice,
// which is copied to dst: that slice is the allocation a warm Encoder cannot
// avoid. Without cgo it returns ErrNoWebP. On error dst is returned
// unchanged.
func (e *Encoder) AppendWebP(dst []byte, img RGB, o *WebPOptions) ([]byte, error) {
	p, err := o.resolve()
	if err != nil {
		return dst, err
	}
	if err := checkWebPSize(img, "size"); err != nil {
		return dst, err
	}
	b, err := e.encodeStill(img, p.quality, p.lossless)
	if err != nil {
		return dst, err
	}
	return append(dst, b...), nil
}
