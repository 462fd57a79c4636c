package servicetest

import (
	"mime"
	"net/http"
	"sort"
	"strconv"

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

// sessionLater is an item of the later list: id, and date-times as
// strings.
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
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// serveListSessions answers GET .../sessions?start=S&top=N: the sessions
// with an id greater than start, in id order, at most top.
func (e *Emulator) serveListSessions(w http.ResponseWriter, r *http.Request, kind payload.SessionKind, version string) {
	later := version != payload.LivenessAPIVersion
	if checkJSONMedia(w, r, later) {
		return
	}
	q := r.URL.Query()
	start := q.Get("start")
	if len(start) > payload.MaxSessionStart {
		writeRule(w, payload.RuleSessionStart, later)
		return
	}
	top := payload.MaxSessionTop
	if q.Has("top") {
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
		if s.ID > start && len(items) < top {
			items = append(items, s)
		}
	}
	if !later {
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
// that exists, 400 InvalidSessionId for one deleted before, 404
// SessionNotFound for one never seen.
func (e *Emulator) serveDeleteSession(w http.ResponseWriter, r *http.Request, kind payload.SessionKind, id string, later bool) {
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
