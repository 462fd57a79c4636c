package servicetest

import (
	"encoding/json"
	"image"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/facegate/facegate/payload"
	"github.com/facegate/facegate/preprocess"
)

// serveAddFace answers POST .../facelists/{id}/persistedFaces, checking in
// the order payload.AddFaceRequest.Validate documents.
func (e *Emulator) serveAddFace(w http.ResponseWriter, r *http.Request, id string) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || (mt != "application/octet-stream" && mt != "application/json") {
		writeError(w, http.StatusUnsupportedMediaType, "BadArgument", "Invalid Media Type", false)
		return
	}
	if !payload.ValidFaceListID(id) {
		writeRule(w, payload.RuleFaceListID, false)
		return
	}
	e.mu.Lock()
	_, exists := e.lists[id]
	e.mu.Unlock()
	if !exists {
		writeError(w, http.StatusNotFound, "FaceListNotFound", "Face list '"+id+"' is not found.", false)
		return
	}
	q := r.URL.Query()
	if ud := q.Get("userData"); len(ud) > payload.MaxUserDataBytes {
		writeRule(w, payload.RuleUserDataTooLong, false)
		return
	}
	var target *payload.Rect
	if q.Has("targetFace") {
		t, ok := payload.ParseTargetFace(q.Get("targetFace"))
		if !ok || t.Left < 0 || t.Top < 0 || t.Width <= 0 || t.Height <= 0 {
			writeRule(w, payload.RuleTargetFaceInvalid, false)
			return
		}
		target = &t
	}
	var data []byte
	if mt == "application/json" {
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil && isTooLarge(err) {
			writeTooLarge(w)
			return
		}
		var req struct {
			URL *string `json:"url"`
		}
		if err != nil || json.Unmarshal(body, &req) != nil || req.URL == nil {
			writeRule(w, payload.RuleBadJSON, false)
			return
		}
		if !validURL(*req.URL) {
			writeRule(w, payload.RuleInvalidURL, false)
			return
		}
		if e.opts.FetchURL == nil {
			writeRule(w, payload.RuleDownloadFailed, false)
			return
		}
		if data, err = e.opts.FetchURL(r.Context(), *req.URL); err != nil {
			writeRule(w, payload.RuleDownloadFailed, false)
			return
		}
	} else {
		data, err = io.ReadAll(io.LimitReader(r.Body, payload.MaxFaceListImageBytes+1))
		if err != nil {
			if isTooLarge(err) {
				writeTooLarge(w)
			} else {
				writeRule(w, payload.RuleImageSize, false)
			}
			return
		}
	}
	if len(data) < payload.MinFileBytes || len(data) > payload.MaxFaceListImageBytes {
		writeRule(w, payload.RuleImageSize, false)
		return
	}
	info, err := payload.ProbeMedia(data)
	if err != nil || info.Format == preprocess.FormatWebP {
		writeRule(w, payload.RuleImageUnsupported, false)
		return
	}
	bounds := image.Rect(0, 0, info.Width, info.Height)
	area := bounds
	if target != nil {
		// The corner is not negative and the size is positive, so the
		// rectangle meets the image unless it starts past it.
		if target.Left >= info.Width || target.Top >= info.Height {
			writeRule(w, payload.RuleTargetFaceOutOfRange, false)
			return
		}
		if target.Width < payload.MinDetectableFace || target.Height < payload.MinDetectableFace ||
			target.Width > payload.MaxDetectableFace || target.Height > payload.MaxDetectableFace {
			writeRule(w, payload.RuleNoFace, false)
			return
		}
		area = target.Rectangle().Intersect(bounds)
	}
	faces := 1
	if e.opts.CountFaces != nil {
		img, _, err := preprocess.DecodeBytes(data, &preprocess.DecodeLimits{MaxBytes: payload.MaxFaceListImageBytes})
		if err != nil {
			writeRule(w, payload.RuleImageUnsupported, false)
			return
		}
		faces = e.opts.CountFaces(img, area)
	}
	switch {
	case faces <= 0:
		writeRule(w, payload.RuleNoFace, false)
		return
	case faces > 1:
		writeRule(w, payload.RuleMultipleFaces, false)
		return
	}
	e.mu.Lock()
	faceIDs, ok := e.lists[id]
	if !ok {
		e.mu.Unlock()
		writeError(w, http.StatusNotFound, "FaceListNotFound", "Face list '"+id+"' is not found.", false)
		return
	}
	if len(faceIDs) >= payload.MaxFaceListFaces {
		e.mu.Unlock()
		writeError(w, http.StatusForbidden, "QuotaExceeded", "Face number reached limit.", false)
		return
	}
	pid := e.newIDLocked()
	e.lists[id] = append(faceIDs, pid)
	e.mu.Unlock()
	writeJSON(w, http.StatusOK, payload.PersistedFace{PersistedFaceID: pid})
}

// validURL is the emulator's own reading of "Invalid image URL.": an
// absolute http or https URL with a host and no white space.
func validURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" &&
		!strings.ContainsAny(s, " \t\r\n")
}
