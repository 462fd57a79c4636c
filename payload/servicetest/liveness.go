package servicetest

import (
	"image"
	"math"
	"mime"
	"net/http"
	"strings"

	"github.com/facegate/facegate/payload"
	"github.com/facegate/facegate/preprocess"
)

// serveLiveness answers POST .../detectLiveness/singleModal.
func (e *Emulator) serveLiveness(w http.ResponseWriter, r *http.Request) {
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		writeError(w, http.StatusUnsupportedMediaType, "UnsupportedMediaType", "Invalid Media Type.", false)
		return
	}
	f, err := readForm(r.Body, params["boundary"], defaultFormLimits)
	if err != nil && isTooLarge(err) {
		writeTooLarge(w)
		return
	}
	rule, res := e.judgeLiveness(r.URL.Query().Get("model-version"), f)
	if rule != 0 {
		writeRule(w, rule, false)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// fits reports whether a w x h rectangle at (x, y) is non-empty and inside
// a W x H one, without overflowing on hostile values.
func fits(x, y, w, h, W, H int) bool {
	return W > 0 && H > 0 && x >= 0 && y >= 0 && w > 0 && h > 0 && w <= W && h <= H && x <= W-w && y <= H-h
}

// minFace is the minimum face rule, 128 * max(1, W/1920, H/1080) rounded
// up, computed here independently of payload.MinFaceSize.
func minFace(W, H int) int {
	return int(math.Ceil(max(128, 128*float64(W)/1920, 128*float64(H)/1080)))
}

// judgeLiveness applies the liveness rules to a body read from the wire,
// in the order payload.LivenessRequest.Validate documents, and returns the
// rule broken, or 0 and the 200 answer.
func (e *Emulator) judgeLiveness(modelVersion string, f *form) (payload.Rule, *payload.LivenessResult) {
	if !e.vopts.AcceptsModelVersion(modelVersion) {
		return payload.RuleModelVersion, nil
	}
	if !f.hasMetadata || f.metaSize > int64(len(f.metadata)) {
		return payload.RuleMetadataMissing, nil
	}
	meta, err := payload.ParseMetadata(f.metadata)
	if err != nil || len(meta.Frames) == 0 {
		return payload.RuleMetadataMissing, nil
	}
	frames := meta.Frames
	if len(f.contents) == 0 {
		return payload.RuleContentMissing, nil
	}

	// Every Content part has a distinct filename, every frame names one,
	// and the parts come in the order the frames first name them.
	byName := make(map[string]int, len(f.contents))
	for i, c := range f.contents {
		if _, dup := byName[c.filename]; dup || !c.hasFilename || c.filename == "" {
			return payload.RuleFileNameMismatch, nil
		}
		byName[c.filename] = i
	}
	next := 0
	seen := make([]bool, len(f.contents))
	for _, fr := range frames {
		i, ok := byName[fr.FileName]
		if !ok {
			return payload.RuleFileNameMismatch, nil
		}
		if !seen[i] {
			if i != next {
				return payload.RuleFileNameMismatch, nil
			}
			seen[i] = true
			next++
		}
	}
	if next != len(f.contents) {
		return payload.RuleFileNameMismatch, nil
	}

	// Files, in part order: size, then format and header.
	infos := make([]payload.MediaInfo, len(f.contents))
	for i, c := range f.contents {
		info, perr := payload.ProbeMedia(c.data)
		limit := int64(payload.MaxImageBytes)
		if info.Video {
			limit = payload.MaxVideoBytes
		}
		switch {
		case c.size < payload.MinFileBytes:
			return payload.RuleImageTooSmall, nil
		case c.size > limit:
			return payload.RuleImageTooLarge, nil
		case perr != nil:
			return payload.RuleDecoding, nil
		}
		infos[i] = info
	}

	// Frames: number, crop offsets, target rectangle, minimum face.
	last := make([]int, len(f.contents))
	for i := range last {
		last[i] = -1
	}
	for _, fr := range frames {
		ci := byName[fr.FileName]
		info := infos[ci]
		if fr.FrameNumber < 0 {
			return payload.RuleDecoding, nil
		}
		if info.Video && (fr.FrameNumber <= last[ci] || fr.FrameNumber >= info.Frames) {
			return payload.RuleDecoding, nil
		}
		last[ci] = fr.FrameNumber
		W, H := info.Width, info.Height
		if c := fr.CropOffsets; c != nil && !fits(c.X, c.Y, W, H, c.FullWidth, c.FullHeight) {
			return payload.RuleTargetOutOfRange, nil
		}
		if t := fr.TargetFace; t != nil {
			if !fits(t.Left, t.Top, t.Width, t.Height, W, H) {
				return payload.RuleTargetOutOfRange, nil
			}
		}
	}

	// Faces: measured, and as Observe reports them.
	// One decoded image at a time (the last file's, for its following
	// frames): a request of many large images never holds them all.
	quality := !e.opts.NoQuality
	curFile, curImg := -1, image.Image(nil)
	found := 0
	for i, fr := range frames {
		ci := byName[fr.FileName]
		var img image.Image
		if !infos[ci].Video && ((quality && fr.TargetFace != nil) || e.opts.Observe != nil) {
			if curFile != ci {
				curFile, curImg = -1, nil
				m, _, err := preprocess.DecodeBytes(f.contents[ci].data, &preprocess.DecodeLimits{MaxBytes: payload.MaxVideoBytes})
				if err != nil {
					return payload.RuleDecoding, nil
				}
				curFile, curImg = ci, m
			}
			img = curImg
		}
		var measured error
		if quality && fr.TargetFace != nil && img != nil {
			measured = payload.CheckQuality(img, fr.TargetFace.Rectangle(), e.opts.Quality)
		}
		var obs payload.FaceObservation
		if e.opts.Observe != nil {
			in := &Frame{Index: i, FileName: fr.FileName, FrameNumber: fr.FrameNumber, Image: img}
			if fr.TargetFace != nil {
				in.Target, in.HasTarget = fr.TargetFace.Rectangle(), true
			}
			obs = e.opts.Observe(in)
		}
		// The minimum face applies to the detected face (the 100x100
		// target rectangle of the liveness page's own example is
		// accepted): a smaller one is not detected.
		if obs.Size > 0 && obs.Size < minFace(infos[ci].Width, infos[ci].Height) {
			obs.Missing = true
		}
		if rule := payload.FaceRule(fr.TargetFace != nil, &obs, measured); rule != 0 {
			return rule, nil
		}
		if !obs.Missing {
			found++
		}
	}
	need := (len(frames) + 1) / 2
	if e.opts.MinFaceFrames > 0 {
		need = min(e.opts.MinFaceFrames, len(frames))
	}
	if found < need {
		return payload.RuleFaceNotFoundInFrames, nil
	}

	// 200: the first frame with a target rectangle, else the first frame.
	pick := 0
	for i, fr := range frames {
		if fr.TargetFace != nil {
			pick = i
			break
		}
	}
	fr := frames[pick]
	res := &payload.LivenessResult{
		LivenessDecision:  e.opts.Decision,
		TargetFileName:    fr.FileName,
		TargetFrameNumber: fr.FrameNumber,
		ModelVersionUsed:  modelVersion,
	}
	if modelVersion == "" || strings.EqualFold(modelVersion, payload.ModelVersionLatest) {
		res.ModelVersionUsed = payload.ModelVersion20200215
	}
	if fr.TargetFace != nil {
		res.TargetFaceRectangle = *fr.TargetFace
	} else {
		info := infos[byName[fr.FileName]]
		s := min(info.Width, info.Height) / 2
		res.TargetFaceRectangle = payload.Rect{Left: (info.Width - s) / 2, Top: (info.Height - s) / 2, Width: s, Height: s}
	}
	return 0, res
}
