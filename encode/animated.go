package encode

import (
	"encoding/binary"
	"image/color"
	"strconv"
)

// AnimFrame is one frame of an animation: the image and when it was
// captured, in milliseconds on any clock (only differences matter).
type AnimFrame struct {
	Image       RGB
	TimestampMs int64
}

// AppendAnimatedWebP appends frames as an animated WebP file to dst and
// returns the extended slice. It borrows an Encoder from a pool; see
// Encoder.AppendAnimatedWebP.
func AppendAnimatedWebP(dst []byte, frames []AnimFrame, o *WebPOptions) ([]byte, error) {
	e := getEncoder()
	defer putEncoder(e)
	return e.AppendAnimatedWebP(dst, frames, o)
}

// AppendAnimatedWebP appends frames as an animated WebP file to dst and
// returns the extended slice: the liveness video.
//
// The frames must have the same size, at most MaxWebPDimension on each
// side, and strictly increasing timestamps. Each frame is encoded by libwebp
// as a still (lossy VP8 at o.Quality, or lossless VP8L), and its bitstream
// chunk is wrapped in an ANMF chunk covering the whole canvas, with no
// blending and no disposal. A frame's duration is the difference between its
// timestamp and the next frame's; the last frame repeats the previous
// duration, or lasts o.DefaultFrameMs if it is the only one. The container is
// RIFF, WEBP, VP8X (animation flag, canvas size), ANIM (o.Background,
// o.LoopCount), then the ANMF chunks.
//
// If the file is larger than o.Range.Max (LivenessVideoRange.Max by
// default), the frames are re-encoded at lower qualities, by binary search
// down to o.MinQuality, and the highest quality that fits is kept. If even
// that is too large (or a lossless file is), or the file is under
// o.Range.Min, it returns a *FitError wrapping ErrTooLarge or ErrTooSmall.
// Without cgo it returns ErrNoWebP. On error dst is returned unchanged in
// length.
func (e *Encoder) AppendAnimatedWebP(dst []byte, frames []AnimFrame, o *WebPOptions) ([]byte, error) {
	p, err := o.resolve()
	if err != nil {
		return dst, err
	}
	if err := e.checkFrames(frames, p.defaultMs); err != nil {
		return dst, err
	}
	n0 := len(dst)
	w, h := frames[0].Image.Width, frames[0].Image.Height
	fitErr := func(kind error, q, n int, reason string) error {
		return &FitError{Range: p.limits, Bytes: n, Quality: q, Width: w, Height: h, Scale: 1, Reason: reason, kind: kind}
	}

	// The first attempt goes straight into dst.
	dst, err = e.appendAnimation(dst, frames, p, p.quality)
	if err != nil {
		return dst[:n0], err
	}
	n := len(dst) - n0
	if n < int(p.limits.Min) {
		return dst[:n0], fitErr(ErrTooSmall, p.quality, n, "the animation is under the minimum size")
	}
	if n <= int(p.limits.Max) {
		return dst, nil
	}
	if p.lossless || p.minQuality == p.quality {
		return dst[:n0], fitErr(ErrTooLarge, p.quality, n, "no lower quality allowed")
	}
	// Too large: binary search [minQuality, quality) in scratch buffers.
	dst = dst[:n0]
	e.trial, err = e.appendAnimation(e.trial[:0], frames, p, p.minQuality)
	if err != nil {
		return dst, err
	}
	if len(e.trial) > int(p.limits.Max) {
		return dst, fitErr(ErrTooLarge, p.minQuality, len(e.trial), "even the minimum quality is too large")
	}
	e.best, e.trial = e.trial, e.best
	a, b := p.minQuality, p.quality // a fits, b does not
	for b-a > 1 {
		m := (a + b) / 2
		e.trial, err = e.appendAnimation(e.trial[:0], frames, p, m)
		if err != nil {
			return dst, err
		}
		if len(e.trial) <= int(p.limits.Max) {
			e.best, e.trial = e.trial, e.best
			a = m
		} else {
			b = m
		}
	}
	if len(e.best) < int(p.limits.Min) {
		return dst, fitErr(ErrTooSmall, a, len(e.best), "no quality gives a file inside the range")
	}
	return append(dst, e.best...), nil
}

// checkFrames validates the frames and computes their durations into e.durs.
func (e *Encoder) checkFrames(frames []AnimFrame, defaultMs int) error {
	if len(frames) == 0 {
		return imageErr("frames", "none")
	}
	w, h := frames[0].Image.Width, frames[0].Image.Height
	for i := range frames {
		m := frames[i].Image
		if err := checkWebPSize(m, "size"); err != nil {
			return &InputError{Field: frameField(i), Reason: err.Error(), kind: ErrInvalidImage}
		}
		if m.Width != w || m.Height != h {
			return imageErr(frameField(i), "%dx%d differs from the first frame's %dx%d", m.Width, m.Height, w, h)
		}
	}
	e.durs = e.durs[:0]
	for i := 0; i+1 < len(frames); i++ {
		t0, t1 := frames[i].TimestampMs, frames[i+1].TimestampMs
		if t1 <= t0 {
			return imageErr(frameField(i+1), "timestamp %d ms does not follow %d ms", t1, t0)
		}
		if t1-t0 > maxFrameMs {
			return imageErr(frameField(i), "lasts %d ms, over WebP's %d", t1-t0, maxFrameMs)
		}
		e.durs = append(e.durs, int(t1-t0))
	}
	last := defaultMs
	if n := len(e.durs); n > 0 {
		last = e.durs[n-1]
	}
	e.durs = append(e.durs, last)
	return nil
}

func frameField(i int) string { return "frame " + strconv.Itoa(i) }

// appendAnimation encodes every frame at quality q and appends the animated
// file to dst.
func (e *Encoder) appendAnimation(dst []byte, frames []AnimFrame, p webpParams, q int) ([]byte, error) {
	n0 := len(dst)
	w, h := frames[0].Image.Width, frames[0].Image.Height
	dst = appendAnimHeader(dst, vp8xAnimation, w, h, p.bg, p.loop)
	for i := range frames {
		still, err := e.encodeStill(frames[i].Image, q, p.lossless)
		if err != nil {
			return dst[:n0], err
		}
		info, err := ParseWebP(e.frames[:0], still)
		if err != nil || len(info.Frames) != 1 || info.Frames[0].Width != w || info.Frames[0].Height != h || info.Frames[0].Alpha {
			// libwebp wrote something other than an opaque still of the frame.
			if err == nil {
				err = webpErr(0, "", "libwebp's still is not a single opaque %dx%d image", w, h)
			}
			return dst[:n0], encErr("webp", err)
		}
		e.frames = info.Frames[:0]
		f := &info.Frames[0]
		dst = appendANMF(dst, 0, 0, w, h, e.durs[i], anmfNoBlend, f.Data)
	}
	return finishRIFF(dst, n0)
}

// appendAnimHeader appends the RIFF header (size to be patched by
// finishRIFF), the VP8X chunk and the ANIM chunk of an animation.
func appendAnimHeader(dst []byte, flags byte, w, h int, bg color.NRGBA, loop int) []byte {
	dst = append(dst, fccRIFF[:]...)
	dst = append(dst, 0, 0, 0, 0)
	dst = append(dst, fccWEBP[:]...)
	dst = appendVP8X(dst, flags, w, h)
	dst = append(dst, fccANIM[:]...)
	dst = binary.LittleEndian.AppendUint32(dst, animPayload)
	dst = append(dst, bg.B, bg.G, bg.R, bg.A)
	return binary.LittleEndian.AppendUint16(dst, uint16(loop))
}

// appendVP8X appends a VP8X chunk: flags, then the canvas size minus one as
// two 24-bit fields.
func appendVP8X(dst []byte, flags byte, w, h int) []byte {
	dst = append(dst, fccVP8X[:]...)
	dst = binary.LittleEndian.AppendUint32(dst, vp8xPayload)
	dst = append(dst, flags, 0, 0, 0)
	dst = appendLE24(dst, uint32(w-1))
	return appendLE24(dst, uint32(h-1))
}

// appendANMF appends an ANMF chunk: the frame's offset (halved), size minus
// one, duration and flags, then its image chunks (data, already padded), and
// a padding byte if data is odd.
func appendANMF(dst []byte, x, y, w, h, durationMs int, flags byte, data []byte) []byte {
	dst = append(dst, fccANMF[:]...)
	dst = binary.LittleEndian.AppendUint32(dst, uint32(anmfHeader+len(data)))
	dst = appendLE24(dst, uint32(x/2))
	dst = appendLE24(dst, uint32(y/2))
	dst = appendLE24(dst, uint32(w-1))
	dst = appendLE24(dst, uint32(h-1))
	dst = appendLE24(dst, uint32(durationMs))
	dst = append(dst, flags)
	dst = append(dst, data...)
	if len(data)%2 != 0 {
		dst = append(dst, 0)
	}
	return dst
}

// finishRIFF patches the size of the RIFF chunk that starts at dst[start].
func finishRIFF(dst []byte, start int) ([]byte, error) {
	size := len(dst) - start - 8
	if uint64(size) > 1<<32-2 {
		return dst[:start], &FitError{Bytes: len(dst) - start, Reason: "over the 4 GiB RIFF limit", kind: ErrTooLarge}
	}
	binary.LittleEndian.PutUint32(dst[start+4:], uint32(size))
	return dst, nil
}

func appendLE24(dst []byte, v uint32) []byte {
	return append(dst, byte(v), byte(v>>8), byte(v>>16))
}
