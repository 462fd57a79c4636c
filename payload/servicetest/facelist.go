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
	ct := r.Header.Get("Content-Type")
	var sniffed []byte
	if ct == "" {
		// No Content-Type: the body is taken as an image when it sniffs
		// as one (the service reads the bytes, not the header), else 415.
		var err error
		sniffed, err = io.ReadAll(io.LimitReader(r.Body, payload.MaxFaceListImageBytes+1))
		if err != nil && isTooLarge(err) {
			writeTooLarge(w)
			return
		}
		if _, perr := payload.ProbeMedia(sniffed); perr != nil {
			e.writeAddFaceMediaType(w)
			return
		}
		ct = "application/octet-stream"
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil || (mt != "application/octet-stream" && mt != "application/json") {
		e.writeAddFaceMediaType(w)
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
		e.faceListNotFound(w, id)
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
		if err != nil || !json.Valid(body) {
			writeJSONParseError(w)
			return
		}
		if json.Unmarshal(body, &req) != nil || req.URL == nil {
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
	} else if sniffed != nil {
		data = sniffed
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
		e.faceListNotFound(w, id)
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

// faceListInfo is what a create call stored about a face list.
type faceListInfo struct {
	Name, UserData, RecognitionModel string
}

// faceListNotFound answers 404 FaceListNotFound, the service's code for a
// list that does not exist: "Face list is not found." as the
// specification's example and the add-face page's table say, or, with
// Options.SeedShapes, "Face list '<id>' is not found." as that page's
// example body.
func (e *Emulator) faceListNotFound(w http.ResponseWriter, id string) {
	msg := "Face list is not found."
	if e.opts.SeedShapes {
		msg = "Face list '" + id + "' is not found."
	}
	writeError(w, http.StatusNotFound, "FaceListNotFound", msg, false)
}

// serveCreateFaceList answers PUT /face/v1.0/facelists/{id} with a JSON
// body {"name", "userData", "recognitionModel"}: 200 with an empty body,
// 409 FaceListExists for a list that exists.
func (e *Emulator) serveCreateFaceList(w http.ResponseWriter, r *http.Request, id string) {
	if !payload.ValidFaceListID(id) {
		writeRule(w, payload.RuleFaceListID, false)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil && isTooLarge(err) {
		writeTooLarge(w)
		return
	}
	var req struct {
		Name             *string `json:"name"`
		UserData         string  `json:"userData"`
		RecognitionModel string  `json:"recognitionModel"`
	}
	if err != nil || !json.Valid(body) {
		writeJSONParseError(w)
		return
	}
	if json.Unmarshal(body, &req) != nil {
		writeRule(w, payload.RuleBadJSON, false)
		return
	}
	if req.Name == nil || *req.Name == "" {
		writeError(w, http.StatusBadRequest, "BadArgument", "Name is empty.", false)
		return
	}
	if len(req.UserData) > payload.MaxUserDataBytes {
		writeRule(w, payload.RuleUserDataTooLong, false)
		return
	}
	if req.RecognitionModel == "" {
		req.RecognitionModel = "recognition_01"
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if _, ok := e.lists[id]; ok {
		writeError(w, http.StatusConflict, "FaceListExists", "Face list already exists.", false)
		return
	}
	e.lists[id] = nil
	if e.listInfo == nil {
		e.listInfo = map[string]faceListInfo{}
	}
	e.listInfo[id] = faceListInfo{Name: *req.Name, UserData: req.UserData, RecognitionModel: req.RecognitionModel}
	w.WriteHeader(http.StatusOK)
}

// serveGetFaceList answers GET /face/v1.0/facelists/{id}: faceListId,
// name, userData, recognitionModel (when returnRecognitionModel=true) and
// persistedFaces; 404 FaceListNotFound for an unknown list.
func (e *Emulator) serveGetFaceList(w http.ResponseWriter, r *http.Request, id string) {
	e.mu.Lock()
	faces, ok := e.lists[id]
	info := e.listInfo[id]
	e.mu.Unlock()
	if !ok {
		e.faceListNotFound(w, id)
		return
	}
	type face struct {
		PersistedFaceID string `json:"persistedFaceId"`
	}
	out := struct {
		FaceListID       string `json:"faceListId"`
		Name             string `json:"name"`
		UserData         string `json:"userData,omitempty"`
		RecognitionModel string `json:"recognitionModel,omitempty"`
		PersistedFaces   []face `json:"persistedFaces"`
	}{FaceListID: id, Name: info.Name, UserData: info.UserData, PersistedFaces: []face{}}
	if info.Name == "" {
		out.Name = id
	}
	if strings.EqualFold(r.URL.Query().Get("returnRecognitionModel"), "true") {
		out.RecognitionModel = info.RecognitionModel
		if out.RecognitionModel == "" {
			out.RecognitionModel = "recognition_01"
		}
	}
	for _, f := range faces {
		out.PersistedFaces = append(out.PersistedFaces, face{PersistedFaceID: f})
	}
	writeJSON(w, http.StatusOK, out)
}

// serveDeleteFaceList answers DELETE /face/v1.0/facelists/{id}: 200, or
// 404 FaceListNotFound.
func (e *Emulator) serveDeleteFaceList(w http.ResponseWriter, r *http.Request, id string) {
	e.mu.Lock()
	_, ok := e.lists[id]
	delete(e.lists, id)
	delete(e.listInfo, id)
	e.mu.Unlock()
	if !ok {
		e.faceListNotFound(w, id)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// writeAddFaceMediaType answers 415 to an add-face call: "Invalid Media
// Type." as the specification's example, or, with Options.SeedShapes,
// "Invalid Media Type" (no period) as the add-face page's (seed 004).
func (e *Emulator) writeAddFaceMediaType(w http.ResponseWriter) {
	msg := "Invalid Media Type."
	if e.opts.SeedShapes {
		msg = "Invalid Media Type"
	}
	writeError(w, http.StatusUnsupportedMediaType, "BadArgument", msg, false)
}
