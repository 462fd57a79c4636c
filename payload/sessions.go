package payload

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// Limits of the session list's query.
const (
	// MaxSessionStart is the longest start value.
	MaxSessionStart = 64
	// MaxSessionTop is the largest top value (and the default).
	MaxSessionTop = 1000
)

// SessionKind is the kind of liveness session, the path segment before
// /singleModal/sessions.
type SessionKind uint8

// The session kinds.
const (
	// SessionLiveness: .../detectLiveness/singleModal/sessions.
	SessionLiveness SessionKind = iota
	// SessionLivenessWithVerify:
	// .../detectLivenessWithVerify/singleModal/sessions.
	SessionLivenessWithVerify
)

// String returns the path segment: "detectLiveness" or
// "detectLivenessWithVerify".
func (k SessionKind) String() string {
	if k == SessionLivenessWithVerify {
		return "detectLivenessWithVerify"
	}
	return "detectLiveness"
}

// Session is one item of a session list. It decodes both published shapes:
// the v1.1-preview.1 one (sessionId; sessionStartDateTime in epoch
// milliseconds) and the later one (id; date-times as strings). Either
// date-time form is accepted in every date-time member.
type Session struct {
	ID string // sessionId, or id
	// CreatedDateTime is when the session was created.
	CreatedDateTime time.Time
	// SessionStartDateTime is when the client started the session; the
	// zero Time when absent or null.
	SessionStartDateTime time.Time
	// AuthTokenTimeToLiveInSeconds is how long the session's token lives
	// (60 to 86400, default 600, in the later version).
	AuthTokenTimeToLiveInSeconds int
	// DeviceCorrelationID identifies the end-user device.
	DeviceCorrelationID string
	// SessionExpired reports whether the session's token has expired.
	SessionExpired bool
	// Status is the session's status ("NotStarted", "Running",
	// "Succeeded", ...), given by a single session's answer; empty in
	// list items.
	Status string
	// ModelVersion is the v1.2 answer's modelVersion; empty elsewhere.
	ModelVersion string
}

type wireSession struct {
	SessionID json.RawMessage `json:"sessionId"`
	ID        json.RawMessage `json:"id"`
	Created   json.RawMessage `json:"createdDateTime"`
	Start     json.RawMessage `json:"sessionStartDateTime"`
	TTL       json.RawMessage `json:"authTokenTimeToLiveInSeconds"`
	Device    *string         `json:"deviceCorrelationId"`
	Expired   *bool           `json:"sessionExpired"`
	Status    *string         `json:"status"`
	Model     *string         `json:"modelVersion"`
}

// UnmarshalJSON decodes a session list item in either shape. An item
// with neither sessionId nor id, or a member of the wrong type, gives an
// error wrapping ErrMalformed.
func (s *Session) UnmarshalJSON(b []byte) error {
	var w wireSession
	if err := json.Unmarshal(b, &w); err != nil {
		return malformed("session", err)
	}
	var out Session
	id, err := sessionID(w.SessionID)
	if err != nil {
		return err
	}
	if id == "" {
		if id, err = sessionID(w.ID); err != nil {
			return err
		}
	}
	if id == "" {
		return malformed("session: no sessionId or id", nil)
	}
	out.ID = id
	if out.CreatedDateTime, err = parseDateTime(w.Created); err != nil {
		return malformed("session createdDateTime", err)
	}
	if out.SessionStartDateTime, err = parseDateTime(w.Start); err != nil {
		return malformed("session sessionStartDateTime", err)
	}
	if len(w.TTL) > 0 && string(w.TTL) != "null" {
		f, err := strconv.ParseFloat(string(w.TTL), 64)
		if err != nil || f != math.Trunc(f) || f < 0 || f > math.MaxInt32 {
			return malformed("session authTokenTimeToLiveInSeconds "+clip(string(w.TTL)), nil)
		}
		out.AuthTokenTimeToLiveInSeconds = int(f)
	}
	if w.Device != nil {
		out.DeviceCorrelationID = *w.Device
	}
	if w.Expired != nil {
		out.SessionExpired = *w.Expired
	}
	if w.Status != nil {
		out.Status = *w.Status
	}
	if w.Model != nil {
		out.ModelVersion = *w.Model
	}
	*s = out
	return nil
}

// sessionID reads an id: a string, or (the v1.1 page types sessionId as
// an Array) an array whose first element is a string.
func sessionID(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s, nil
	}
	var a []string
	if err := json.Unmarshal(raw, &a); err == nil {
		if len(a) > 0 {
			return a[0], nil
		}
		return "", nil
	}
	return "", malformed("session id "+clip(string(raw)), nil)
}

// parseDateTime reads a date-time as an RFC 3339 string (a missing zone
// means UTC) or a number of milliseconds since the Unix epoch. Absent and
// null give the zero Time.
func parseDateTime(raw json.RawMessage) (time.Time, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return time.Time{}, nil
	}
	if raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return time.Time{}, err
		}
		s = strings.TrimSpace(s)
		if s == "" {
			return time.Time{}, nil
		}
		for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999"} {
			if t, err := time.Parse(layout, s); err == nil {
				return t.UTC(), nil
			}
		}
		return time.Time{}, fmt.Errorf("%q is not an RFC 3339 date-time", clip(s))
	}
	if n, err := strconv.ParseInt(string(raw), 10, 64); err == nil {
		return time.UnixMilli(n).UTC(), nil
	}
	f, err := strconv.ParseFloat(string(raw), 64)
	if err != nil || math.IsNaN(f) || math.Abs(f) > 1<<53 {
		return time.Time{}, fmt.Errorf("%s is not a date-time", clip(string(raw)))
	}
	return time.UnixMilli(int64(math.Round(f))).UTC(), nil
}

// MaxSessionListBytes bounds the session list DecodeSessions reads.
const MaxSessionListBytes = 8 << 20

// DecodeSessions decodes a session list answer (a JSON array of items in
// either shape, see Session). A document over MaxSessionListBytes, or not
// an array of valid items, gives an error wrapping ErrMalformed.
func DecodeSessions(b []byte) ([]Session, error) {
	if len(b) > MaxSessionListBytes {
		return nil, malformed("session list over "+strconv.Itoa(MaxSessionListBytes)+" bytes", nil)
	}
	var out []Session
	if err := json.Unmarshal(b, &out); err != nil {
		if errors.Is(err, ErrMalformed) {
			return nil, err
		}
		return nil, malformed("session list", err)
	}
	if out == nil {
		return nil, malformed("session list: null", nil)
	}
	return out, nil
}

// ListSessionsRequest lists liveness sessions:
// GET {endpoint}/face/{APIVersion}/{Kind}/singleModal/sessions?start=S&top=N.
type ListSessionsRequest struct {
	Kind SessionKind
	// APIVersion defaults to LivenessAPIVersion; the later shape comes
	// with, for instance, "v1.2-preview.1".
	APIVersion string
	// Start lists the sessions after this id; empty means from the
	// first. At most MaxSessionStart characters.
	Start string
	// Top is how many to list, 1 to MaxSessionTop; 0 means absent (the
	// service's default, 1000).
	Top int
}

// Validate predicts the service's 400 answers: RuleSessionStart for a
// start over MaxSessionStart characters (counted as StartLength),
// RuleSessionTop for a top outside 1..MaxSessionTop (0 is absent, and
// fine). APIVersion SessionsGAVersion, which has no list operation, gives
// an error wrapping ErrInvalid.
func (r *ListSessionsRequest) Validate() error {
	if isGA(r.APIVersion) {
		return fmt.Errorf("%w: API version %s has no session list", ErrInvalid, r.APIVersion)
	}
	if n := StartLength(r.Start); n > MaxSessionStart {
		return ruleErr(RuleSessionStart, "start", fmt.Sprintf("%d characters, over %d", n, MaxSessionStart))
	}
	if r.Top != 0 && (r.Top < 1 || r.Top > MaxSessionTop) {
		return ruleErr(RuleSessionTop, "top", strconv.Itoa(r.Top))
	}
	return nil
}

func apiVersion(v string) string {
	if v == "" {
		return LivenessAPIVersion
	}
	return v
}

// URLFor returns the request URL under endpoint.
func (r *ListSessionsRequest) URLFor(endpoint string) (string, error) {
	if isGA(r.APIVersion) {
		return "", r.Validate()
	}
	q := url.Values{}
	if r.Start != "" {
		q.Set("start", r.Start)
	}
	if r.Top != 0 {
		q.Set("top", strconv.Itoa(r.Top))
	}
	return joinURL(endpoint, q, sessionPath(r.APIVersion, r.Kind)...)
}

// NewRequest returns the HTTP request, with the key and Accept headers
// set. It does not call Validate.
func (r *ListSessionsRequest) NewRequest(ctx context.Context, endpoint, key string) (*http.Request, error) {
	return newBodylessRequest(ctx, http.MethodGet, endpoint, key, r.URLFor)
}

// DeleteSessionRequest deletes a liveness session:
// DELETE {endpoint}/face/{APIVersion}/{Kind}/singleModal/sessions/{ID}, or
// for SessionsGAVersion {endpoint}/face/v1.2/{Kind}-sessions/{ID} (which
// answers 204).
type DeleteSessionRequest struct {
	Kind       SessionKind
	APIVersion string // defaults to LivenessAPIVersion
	ID         string
}

// Validate refuses an empty ID with an error wrapping ErrInvalid (the
// service's pages document no format for session ids).
func (r *DeleteSessionRequest) Validate() error {
	if r.ID == "" {
		return fmt.Errorf("%w: empty session id", ErrInvalid)
	}
	return nil
}

// URLFor returns the request URL under endpoint; the ID is escaped as one
// path segment.
func (r *DeleteSessionRequest) URLFor(endpoint string) (string, error) {
	if err := r.Validate(); err != nil {
		return "", err
	}
	return joinURL(endpoint, nil, sessionPath(r.APIVersion, r.Kind, r.ID)...)
}

// NewRequest returns the HTTP request, with the key and Accept headers
// set.
func (r *DeleteSessionRequest) NewRequest(ctx context.Context, endpoint, key string) (*http.Request, error) {
	return newBodylessRequest(ctx, http.MethodDelete, endpoint, key, r.URLFor)
}

// SessionsGAVersion is the generally available API version of liveness
// sessions. Its paths differ from the previews':
// /face/v1.2/detectLiveness-sessions/{sessionId} and
// /face/v1.2/detectLivenessWithVerify-sessions/{sessionId}; it has no list.
const SessionsGAVersion = "v1.2"

func isGA(v string) bool { return strings.EqualFold(v, SessionsGAVersion) }

// sessionPath returns the path segments of a session (or, without id, of
// the collection) in the API version.
func sessionPath(version string, kind SessionKind, id ...string) []string {
	v := apiVersion(version)
	if isGA(v) {
		return append([]string{"face", v, kind.String() + "-sessions"}, id...)
	}
	return append([]string{"face", v, kind.String(), "singleModal", "sessions"}, id...)
}

// GetSessionRequest gets one liveness session:
// GET {endpoint}/face/{APIVersion}/{Kind}/singleModal/sessions/{ID}, or for
// SessionsGAVersion {endpoint}/face/v1.2/{Kind}-sessions/{ID}.
type GetSessionRequest struct {
	Kind       SessionKind
	APIVersion string // defaults to LivenessAPIVersion
	ID         string
}

// Validate refuses an empty ID with an error wrapping ErrInvalid.
func (r *GetSessionRequest) Validate() error {
	if r.ID == "" {
		return fmt.Errorf("%w: empty session id", ErrInvalid)
	}
	return nil
}

// URLFor returns the request URL under endpoint; the ID is escaped as one
// path segment.
func (r *GetSessionRequest) URLFor(endpoint string) (string, error) {
	if err := r.Validate(); err != nil {
		return "", err
	}
	return joinURL(endpoint, nil, sessionPath(r.APIVersion, r.Kind, r.ID)...)
}

// NewRequest returns the HTTP request, with the key and Accept headers
// set.
func (r *GetSessionRequest) NewRequest(ctx context.Context, endpoint, key string) (*http.Request, error) {
	return newBodylessRequest(ctx, http.MethodGet, endpoint, key, r.URLFor)
}

func newBodylessRequest(ctx context.Context, method, endpoint, key string, urlFor func(string) (string, error)) (*http.Request, error) {
	u, err := urlFor(endpoint)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, method, u, nil)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	if err := setAuth(req.Header, key); err != nil {
		return nil, err
	}
	return req, nil
}

// clip shortens a value quoted in an error to its first 64 bytes (whole
// runes), so that a hostile answer cannot make an error megabytes long.
func clip(s string) string {
	const n = 64
	if len(s) <= n {
		return s
	}
	i := n
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "..."
}

// StartLength is the length of a session list's start as the service
// counts it against MaxSessionStart ("no more than 64 characters"): in
// UTF-16 code units, the length of a string on the service's .NET
// platform (an assumption the pages do not state; for the ASCII GUIDs the
// service hands out it is the number of bytes). A rune outside the Basic
// Multilingual Plane counts 2, any other rune 1; so a start of 64
// non-ASCII BMP characters (over 64 bytes) is accepted.
func StartLength(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// CompareIDs orders session ids as the service lists them ("ordered by
// sessionId in ascending order", seed 003): as strings compared
// ordinally in UTF-16 code units, the service's string order, not as
// bytes of UTF-8 (the two differ only for runes from U+E000 up against
// runes outside the Basic Multilingual Plane). It returns -1, 0 or +1.
func CompareIDs(a, b string) int {
	ua, ub := utf16.Encode([]rune(a)), utf16.Encode([]rune(b))
	for i := 0; i < len(ua) && i < len(ub); i++ {
		if ua[i] != ub[i] {
			if ua[i] < ub[i] {
				return -1
			}
			return 1
		}
	}
	switch {
	case len(ua) < len(ub):
		return -1
	case len(ua) > len(ub):
		return 1
	}
	return 0
}
