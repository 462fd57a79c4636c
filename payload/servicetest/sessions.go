package servicetest

import (
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"sort"
	"strconv"
	"time"

	"github.com/facegate/facegate/payload"
)

// checkJSONMedia answers 415 when a session request carries a body type
// other than application/json; it reports whether it did.
func checkJSONMedia(w http.ResponseWriter, r *http.Request, later bool) bool {
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return false
	}
	if mt, _, err := mime.ParseMediaType(ct); err == nil && mt == "application/json" {
		return false
	}
	writeError(w, http.StatusUnsupportedMediaType, "BadArgument", "Invalid Media Type.", later)
	return true
}

// sessionV11 is an item of the v1.1-preview.1 list: sessionId, and
// sessionStartDateTime in epoch milliseconds, as that page's example.
type sessionV11 struct {
	SessionID            string `json:"sessionId"`
	CreatedDateTime      string `json:"createdDateTime"`
	AuthTokenTTL         int    `json:"authTokenTimeToLiveInSeconds"`
	SessionStartDateTime *int64 `json:"sessionStartDateTime,omitempty"`
	DeviceCorrelationID  string `json:"deviceCorrelationId"`
	SessionExpired       bool   `json:"sessionExpired"`
}

// sessionLater is an item of the list in the specification's shape (and
// seed 003's): id, and date-times as ISO 8601 strings.
type sessionLater struct {
	ID                   string  `json:"id"`
	CreatedDateTime      string  `json:"createdDateTime"`
	SessionStartDateTime *string `json:"sessionStartDateTime,omitempty"`
	SessionExpired       bool    `json:"sessionExpired"`
	DeviceCorrelationID  string  `json:"deviceCorrelationId"`
	AuthTokenTTL         int     `json:"authTokenTimeToLiveInSeconds"`
}

const dateTimeLayout = "2006-01-02T15:04:05.000Z07:00"

func (e *Emulator) sortedSessionsLocked(k int) []payload.Session {
	out := make([]payload.Session, 0, len(e.sessions[k]))
	for _, s := range e.sessions[k] {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return payload.CompareIDs(out[i].ID, out[j].ID) < 0 })
	return out
}

// serveListSessions answers GET .../sessions?start=S&top=N: the sessions
// with an id greater than start, in id order (payload.CompareIDs), at most
// top; in the specification's shape (id, ISO 8601 date-times) for every
// version, or for v1.1-preview.1 in seed 000's (sessionId, epoch
// milliseconds) with Options.SeedShapes.
func (e *Emulator) serveListSessions(w http.ResponseWriter, r *http.Request, kind payload.SessionKind, version string) {
	later := version != payload.LivenessAPIVersion
	if checkJSONMedia(w, r, later) {
		return
	}
	q := r.URL.Query()
	start := q.Get("start")
	if payload.StartLength(start) > payload.MaxSessionStart {
		writeRule(w, payload.RuleSessionStart, later)
		return
	}
	top := payload.MaxSessionTop
	// An empty top= is the default, as an absent one.
	if q.Get("top") != "" {
		n, err := strconv.Atoi(q.Get("top"))
		if err != nil || n < 1 || n > payload.MaxSessionTop {
			writeRule(w, payload.RuleSessionTop, later)
			return
		}
		top = n
	}
	e.mu.Lock()
	all := e.sortedSessionsLocked(kindIndex(kind))
	e.mu.Unlock()
	var items []payload.Session
	for _, s := range all {
		if payload.CompareIDs(s.ID, start) > 0 && len(items) < top {
			items = append(items, s)
		}
	}
	if !later && e.opts.SeedShapes {
		out := make([]sessionV11, 0, len(items))
		for _, s := range items {
			it := sessionV11{SessionID: s.ID, CreatedDateTime: s.CreatedDateTime.UTC().Format(dateTimeLayout),
				AuthTokenTTL: s.AuthTokenTimeToLiveInSeconds, DeviceCorrelationID: s.DeviceCorrelationID, SessionExpired: s.SessionExpired}
			if !s.SessionStartDateTime.IsZero() {
				ms := s.SessionStartDateTime.UnixMilli()
				it.SessionStartDateTime = &ms
			}
			out = append(out, it)
		}
		writeJSON(w, http.StatusOK, out)
		return
	}
	out := make([]sessionLater, 0, len(items))
	for _, s := range items {
		it := sessionLater{ID: s.ID, CreatedDateTime: s.CreatedDateTime.UTC().Format(dateTimeLayout),
			AuthTokenTTL: s.AuthTokenTimeToLiveInSeconds, DeviceCorrelationID: s.DeviceCorrelationID, SessionExpired: s.SessionExpired}
		if !s.SessionStartDateTime.IsZero() {
			t := s.SessionStartDateTime.UTC().Format(dateTimeLayout)
			it.SessionStartDateTime = &t
		}
		out = append(out, it)
	}
	writeJSON(w, http.StatusOK, out)
}

// serveDeleteSession answers DELETE .../sessions/{id}: 200 for a session
// that exists (204 when status204, API version v1.2), 400 InvalidSessionId for one deleted before, 404
// SessionNotFound for one never seen.
func (e *Emulator) serveDeleteSession(w http.ResponseWriter, r *http.Request, kind payload.SessionKind, id string, later, status204 bool) {
	if checkJSONMedia(w, r, later) {
		return
	}
	k := kindIndex(kind)
	e.mu.Lock()
	_, ok := e.sessions[k][id]
	wasDeleted := e.deleted[k][id]
	if ok {
		delete(e.sessions[k], id)
		e.deleted[k][id] = true
	}
	e.mu.Unlock()
	switch {
	case ok && status204:
		w.WriteHeader(http.StatusNoContent)
	case ok:
		w.WriteHeader(http.StatusOK)
	case wasDeleted:
		writeError(w, http.StatusBadRequest, "InvalidSessionId",
			"Unable to find Session ID. The session has expired or the administrator has deleted the session.", later)
	default:
		writeError(w, http.StatusNotFound, "SessionNotFound",
			"Session Id is not found. The session id is expired or does not exist.", later)
	}
}

// GAVersion is the generally available API version the emulator serves
// liveness sessions in: /face/v1.2/detectLiveness-sessions[/{sessionId}]
// and /face/v1.2/detectLivenessWithVerify-sessions[/{sessionId}], with
// create (POST), get (GET) and delete (DELETE, 204). The specification of
// v1.2 has no list operation, so GET on the collection answers 405.
const GAVersion = "v1.2"

// gaModelVersion is the modelVersion of a v1.2 session, the one the
// specification's examples show.
const gaModelVersion = "2024-11-15"

// sessionGA is a v1.2 liveness session as the specification's create and
// get answers show it.
type sessionGA struct {
	SessionID    string    `json:"sessionId"`
	AuthToken    string    `json:"authToken"`
	Status       string    `json:"status"`
	ModelVersion string    `json:"modelVersion"`
	Results      gaResults `json:"results"`
}

type gaResults struct {
	Attempts         []any  `json:"attempts"`
	VerifyReferences *[]any `json:"verifyReferences,omitempty"`
}

// createSessionBody is the JSON body of a v1.2 create call.
type createSessionBody struct {
	LivenessOperationMode          string `json:"livenessOperationMode"`
	DeviceCorrelationIDSetInClient bool   `json:"deviceCorrelationIdSetInClient"`
	DeviceCorrelationID            string `json:"deviceCorrelationId"`
	AuthTokenTimeToLiveInSeconds   *int   `json:"authTokenTimeToLiveInSeconds"`
}

// Bounds of authTokenTimeToLiveInSeconds (seed 003 and the
// specification: 60 to 86400, default 600).
const (
	minSessionTTL     = 60
	maxSessionTTL     = 86400
	defaultSessionTTL = 600
)

// now is the emulator's clock.
func (e *Emulator) now() time.Time {
	if e.opts.Now != nil {
		return e.opts.Now()
	}
	return time.Now()
}

// gaShape is the v1.2 answer for a stored session.
func gaShape(kind payload.SessionKind, s payload.Session) sessionGA {
	out := sessionGA{SessionID: s.ID, AuthToken: "servicetest-token-" + s.ID, Status: "NotStarted",
		ModelVersion: gaModelVersion, Results: gaResults{Attempts: []any{}}}
	if kind == payload.SessionLivenessWithVerify {
		refs := []any{}
		out.Results.VerifyReferences = &refs
	}
	return out
}

// serveCreateSession answers POST /face/v1.2/{kind}-sessions (ga) and
// POST /face/{preview}/{kind}/singleModal/sessions: 200 with the new
// session, in v1.2 the LivenessSession shape, in the previews only
// sessionId and authToken (the v1.1-preview.1 specification's
// CreateLivenessSession example; the emulator reads the JSON body of
// CreateLivenessWithVerifySession, not its multipart form with a verify
// image); 415 for a body type other than application/json (as the
// other session operations); 400 BadArgument for a body that is not JSON
// ("JSON parsing error."), without livenessOperationMode, or with a time
// to live outside 60 to 86400 seconds.
func (e *Emulator) serveCreateSession(w http.ResponseWriter, r *http.Request, kind payload.SessionKind, ga bool) {
	if checkJSONMedia(w, r, true) {
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil && isTooLarge(err) {
		writeTooLarge(w)
		return
	}
	var req createSessionBody
	if err != nil || !json.Valid(body) {
		writeJSONParseError(w)
		return
	}
	if json.Unmarshal(body, &req) != nil {
		writeRule(w, payload.RuleBadJSON, true)
		return
	}
	if req.LivenessOperationMode == "" {
		writeError(w, http.StatusBadRequest, "BadArgument", "'livenessOperationMode' is required.", true)
		return
	}
	ttl := defaultSessionTTL
	if req.AuthTokenTimeToLiveInSeconds != nil {
		ttl = *req.AuthTokenTimeToLiveInSeconds
		if ttl < minSessionTTL || ttl > maxSessionTTL {
			writeError(w, http.StatusBadRequest, "BadArgument", "'authTokenTimeToLiveInSeconds' is out of range; valid range is 60 to 86400.", true)
			return
		}
	}
	id := e.AddSession(kind, payload.Session{AuthTokenTimeToLiveInSeconds: ttl, DeviceCorrelationID: req.DeviceCorrelationID})
	e.mu.Lock()
	s := e.sessions[kindIndex(kind)][id]
	e.mu.Unlock()
	if !ga {
		created := gaShape(kind, s)
		writeJSON(w, http.StatusOK, struct {
			SessionID string `json:"sessionId"`
			AuthToken string `json:"authToken"`
		}{created.SessionID, created.AuthToken})
		return
	}
	writeJSON(w, http.StatusOK, gaShape(kind, s))
}

// serveGetSession answers GET .../{sessionId}: for v1.2 the
// specification's LivenessSession (sessionId, authToken, status,
// modelVersion, results); for the preview versions the preview's shape
// (id, ISO 8601 createdDateTime and sessionStartDateTime, sessionExpired,
// deviceCorrelationId, authTokenTimeToLiveInSeconds, status). An unknown
// id answers 404 SessionNotFound.
func (e *Emulator) serveGetSession(w http.ResponseWriter, r *http.Request, kind payload.SessionKind, id, version string) {
	if checkJSONMedia(w, r, true) {
		return
	}
	e.mu.Lock()
	s, ok := e.sessions[kindIndex(kind)][id]
	e.mu.Unlock()
	if !ok {
		writeError(w, http.StatusNotFound, "SessionNotFound",
			"Session Id is not found. The session id is expired or does not exist.", true)
		return
	}
	if version == GAVersion {
		writeJSON(w, http.StatusOK, gaShape(kind, s))
		return
	}
	type previewSession struct {
		sessionLater
		Status string `json:"status"`
	}
	it := sessionLater{ID: s.ID, CreatedDateTime: s.CreatedDateTime.UTC().Format(dateTimeLayout),
		AuthTokenTTL: s.AuthTokenTimeToLiveInSeconds, DeviceCorrelationID: s.DeviceCorrelationID, SessionExpired: s.SessionExpired}
	if !s.SessionStartDateTime.IsZero() {
		t := s.SessionStartDateTime.UTC().Format(dateTimeLayout)
		it.SessionStartDateTime = &t
	}
	writeJSON(w, http.StatusOK, previewSession{sessionLater: it, Status: "NotStarted"})
}
