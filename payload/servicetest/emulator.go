package servicetest

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"image"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/facegate/facegate/payload"
)

// DefaultKey is the subscription key an Emulator accepts when
// Options.Key is empty.
const DefaultKey = "servicetest-key"

// Options configure an Emulator. A nil *Options means the zero value:
// DefaultKey, the default model versions and quality thresholds, a frontal
// face found on every frame, one face in every face list image.
type Options struct {
	// Key is the subscription key the emulator accepts in
	// Ocp-Apim-Subscription-Key (default DefaultKey); Keys are accepted
	// too. Any other key, and a request without a key or an accepted
	// bearer token, answers 401 before the path is looked at, as the
	// service's gateway does.
	Key  string
	Keys []string
	// BearerTokens are the Microsoft Entra ID (AAD) access tokens the
	// emulator accepts in "Authorization: Bearer <token>", in place of a
	// key. The emulator does not read the tokens: they are opaque
	// strings, compared whole.
	BearerTokens []string
	// ModelVersions are accepted in addition to
	// payload.DefaultModelVersions.
	ModelVersions []string
	// Quality are the thresholds the face's exposure and sharpness are
	// measured against (payload.CheckQuality) in every still image with
	// a target rectangle; nil means payload.DefaultQuality.
	Quality *payload.QualityOptions
	// NoQuality turns the measures off.
	NoQuality bool
	// MinFaceFrames is as payload.ValidateOptions.MinFaceFrames.
	MinFaceFrames int
	// Observe stands in for the service's face detector on liveness
	// frames: what it reports is answered as Validate maps a
	// payload.FaceObservation (payload.FaceRule). nil reports a frontal
	// face on every frame.
	Observe func(f *Frame) payload.FaceObservation
	// CountFaces stands in for the face list's detector: the faces in
	// target (the whole image when no targetFace was given). nil means
	// one.
	CountFaces func(img image.Image, target image.Rectangle) int
	// FetchURL downloads the image of a face list call made with a URL.
	// nil answers every such call "Failed to download from target
	// server" (the emulator never goes to the network).
	FetchURL func(ctx context.Context, url string) ([]byte, error)
	// Decision is the livenessDecision of a 200 answer (default
	// payload.DecisionRealFace).
	Decision string
	// MaxBodyBytes bounds a request body (default 128 MiB); a longer
	// one is answered 413.
	MaxBodyBytes int64
	// SeedShapes answers in the shapes of the seed pages' examples where
	// they disagree with the published REST specification (see the table
	// in the package documentation): the v1.1-preview.1 session list with
	// sessionId and sessionStartDateTime in epoch milliseconds, and a
	// FaceListNotFound message that names the list. The default follows
	// the specification.
	SeedShapes bool
	// Now is the emulator's clock, for the createdDateTime of sessions
	// created without one; nil means time.Now.
	Now func() time.Time
}

// Frame is one liveness frame as the emulator read it from the wire, given
// to Options.Observe.
type Frame struct {
	Index       int    // the imageData entry
	FileName    string // its Content part
	FrameNumber int
	// Image is the decoded image, nil for a video frame (animated WebP
	// frames are not decoded).
	Image image.Image
	// Target is the targetFaceRectangle; HasTarget reports whether one
	// was given.
	Target    image.Rectangle
	HasTarget bool
}

// Fault is an answer the emulator gives instead of serving a request, for
// the next Times authorised requests.
type Fault struct {
	// Status is the HTTP status: 429 (with Wait), 408, 403 (call volume
	// quota), 409, 500, ...
	Status int
	// Times is how many requests get the fault (default 1).
	Times int
	// Wait is the wait of a 429, said in the message ("Try again in N
	// seconds.", N rounded up) and in a Retry-After header.
	Wait time.Duration
	// NoRetryAfter leaves the Retry-After header out, so only the
	// message says the wait.
	NoRetryAfter bool
	// Code and Message replace the documented body's.
	Code, Message string
}

// Emulator is an in-process stand-in for the Face service's liveness,
// session and face list endpoints, an http.Handler. It reads requests from
// the wire (mime/multipart for liveness bodies), applies the documented
// rules in the order payload's Validate does, and answers with the
// documented statuses, codes and texts. It keeps face lists and sessions
// in memory. It is safe for concurrent use.
type Emulator struct {
	opts     Options
	vopts    payload.ValidateOptions
	mu       sync.Mutex
	faults   []Fault
	lists    map[string][]string
	listInfo map[string]faceListInfo
	sessions [2]map[string]payload.Session
	deleted  [2]map[string]bool
	requests int
	nextID   uint64
}

// New returns an Emulator.
func New(opts *Options) *Emulator {
	e := &Emulator{}
	if opts != nil {
		e.opts = *opts
	}
	if e.opts.Key == "" {
		e.opts.Key = DefaultKey
	}
	if e.opts.Decision == "" {
		e.opts.Decision = payload.DecisionRealFace
	}
	if e.opts.MaxBodyBytes <= 0 {
		e.opts.MaxBodyBytes = 128 << 20
	}
	e.vopts = payload.ValidateOptions{ModelVersions: e.opts.ModelVersions, MinFaceFrames: e.opts.MinFaceFrames}
	e.lists = map[string][]string{}
	for i := range e.sessions {
		e.sessions[i] = map[string]payload.Session{}
		e.deleted[i] = map[string]bool{}
	}
	return e
}

// Server is an Emulator behind an httptest.Server: point a payload.Client
// at URL with Key.
type Server struct {
	*httptest.Server
	*Emulator
}

// NewServer starts an Emulator on a loopback address. Close it when done.
func NewServer(opts *Options) *Server {
	e := New(opts)
	return &Server{Server: httptest.NewServer(e), Emulator: e}
}

// Key returns the subscription key the emulator accepts.
func (e *Emulator) Key() string { return e.opts.Key }

// Inject queues a fault: the next f.Times authorised requests get it
// (after any fault queued before).
func (e *Emulator) Inject(f Fault) {
	if f.Times <= 0 {
		f.Times = 1
	}
	e.mu.Lock()
	e.faults = append(e.faults, f)
	e.mu.Unlock()
}

// RateLimit answers the next times requests 429, "Rate limit is exceeded.
// Try again in N seconds.", with a Retry-After header of N.
func (e *Emulator) RateLimit(times int, wait time.Duration) {
	e.Inject(Fault{Status: http.StatusTooManyRequests, Times: times, Wait: wait})
}

// Timeout answers the next times requests 408 OperationTimeOut.
func (e *Emulator) Timeout(times int) {
	e.Inject(Fault{Status: http.StatusRequestTimeout, Times: times})
}

// Requests returns how many requests the emulator has received.
func (e *Emulator) Requests() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.requests
}

// CreateFaceList creates an empty face list (the add-face endpoint answers
// 404 for a list that does not exist). An invalid ID is refused.
func (e *Emulator) CreateFaceList(id string) error {
	if !payload.ValidFaceListID(id) {
		return errors.New("servicetest: invalid face list id " + strconv.Quote(id))
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if _, ok := e.lists[id]; !ok {
		e.lists[id] = nil
	}
	return nil
}

// FaceListFaces returns the persistedFaceIds of a face list, in the order
// they were added, and whether the list exists.
func (e *Emulator) FaceListFaces(id string) ([]string, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	faces, ok := e.lists[id]
	return append([]string(nil), faces...), ok
}

// AddSession adds (or replaces) a liveness session of the kind. An empty
// ID gets a generated one, which is returned; a zero CreatedDateTime gets
// the emulator's clock (Options.Now).
func (e *Emulator) AddSession(kind payload.SessionKind, s payload.Session) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	if s.ID == "" {
		s.ID = e.newIDLocked()
	}
	if s.CreatedDateTime.IsZero() {
		s.CreatedDateTime = e.now() // never year 0001 on the wire
	}
	k := kindIndex(kind)
	e.sessions[k][s.ID] = s
	delete(e.deleted[k], s.ID)
	return s.ID
}

// Sessions returns the sessions of the kind, ordered by ID.
func (e *Emulator) Sessions(kind payload.SessionKind) []payload.Session {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.sortedSessionsLocked(kindIndex(kind))
}

func kindIndex(k payload.SessionKind) int {
	if k == payload.SessionLivenessWithVerify {
		return 1
	}
	return 0
}

// newIDLocked returns a fresh GUID-shaped id.
func (e *Emulator) newIDLocked() string {
	e.nextID++
	s := strconv.FormatUint(e.nextID, 16)
	s = strings.Repeat("0", 12-min(12, len(s))) + s
	return "00000000-0000-4000-8000-" + s
}

// ServeHTTP serves a request as the service's gateway does: the key or
// bearer token first (401), then the route (404 "Resource not found" for a
// path or API version the service does not have, 405 for a known path
// with another method), then a fault (WithFault, or one queued with
// Inject), then the endpoint.
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	e.requests++
	e.mu.Unlock()
	h, later, wrongMethod := e.route(r)
	if !e.authorised(r) {
		writeError(w, http.StatusUnauthorized, "Unspecified",
			"Access denied due to invalid subscription key. Make sure you are subscribed to an API you are trying to call and provide the right key.", later)
		return
	}
	if wrongMethod {
		writeError(w, http.StatusMethodNotAllowed, "MethodNotAllowed", "The requested method is not allowed.", false)
		return
	}
	if h == nil {
		writeStatusError(w, http.StatusNotFound, notFoundMessage)
		return
	}
	if f, ok := e.takeFault(r); ok {
		writeFault(w, f, later)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, e.opts.MaxBodyBytes)
	h(w, r)
}

// apiVersions are the API versions the emulator serves: face lists in
// v1.0; the liveness call in v1.1-preview.1; sessions (list, delete) in
// v1.1-preview.1 and v1.2-preview.1, under
// detectLiveness[WithVerify]/singleModal/sessions (list, get, delete);
// and in v1.2 under detectLiveness[WithVerify]-sessions (create, get,
// delete). Any other version, as any other path, is answered 404.
var apiVersions = []string{payload.FaceListAPIVersion, payload.LivenessAPIVersion, "v1.2-preview.1", GAVersion}

// notFoundMessage is the gateway's answer to a path it does not route,
// {"error":{"statusCode":404,"message":...}}.
const notFoundMessage = "Resource not found"

// authorised reports whether r carries an accepted subscription key or
// bearer token.
func (e *Emulator) authorised(r *http.Request) bool {
	if key := r.Header.Get("Ocp-Apim-Subscription-Key"); key != "" {
		return oneOf(key, e.opts.Key) || oneOf(key, e.opts.Keys...)
	}
	scheme, token, found := strings.Cut(r.Header.Get("Authorization"), " ")
	return found && strings.EqualFold(scheme, "Bearer") && token != "" && oneOf(token, e.opts.BearerTokens...)
}

// oneOf reports whether s equals one of secrets, comparing each in
// constant time.
func oneOf(s string, secrets ...string) bool {
	ok := false
	for _, x := range secrets {
		ok = subtle.ConstantTimeCompare([]byte(s), []byte(x)) == 1 || ok
	}
	return ok
}

// faultKey is the context key of WithFault.
type faultKey struct{}

// WithFault returns a context whose request gets fault f instead of the
// endpoint's answer, at the place a queued fault would be given (after the
// key and the route are checked), before any fault queued with Inject and
// without taking one. It lets a server in front of the Emulator decide the
// fault of each request itself (payload/servicetest/emulate draws them at
// a rate) while the Emulator keeps its sessions, face lists and count of
// requests.
func WithFault(ctx context.Context, f Fault) context.Context {
	return context.WithValue(ctx, faultKey{}, f)
}

// takeFault returns the fault r gets: its context's (WithFault), else the
// next queued one.
func (e *Emulator) takeFault(r *http.Request) (Fault, bool) {
	if f, ok := r.Context().Value(faultKey{}).(Fault); ok {
		return f, true
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.faults) == 0 {
		return Fault{}, false
	}
	f := e.faults[0]
	if e.faults[0].Times--; e.faults[0].Times <= 0 {
		e.faults = e.faults[1:]
	}
	return f, true
}

// route returns the handler for r, nil for an unknown path; wrongMethod
// reports a known path with another method; later reports a later API
// version (error codes also in x-ms-error-code). Like the service's, the
// routes ignore case (an SDK writes "persistedfaces" or "singlemodal");
// the IDs in them keep theirs.
func (e *Emulator) route(r *http.Request) (h http.HandlerFunc, later, wrongMethod bool) {
	segs := strings.Split(strings.Trim(r.URL.EscapedPath(), "/"), "/")
	for i, s := range segs {
		u, err := url.PathUnescape(s)
		if err != nil {
			return nil, false, false
		}
		segs[i] = u
	}
	if len(segs) < 3 || !strings.EqualFold(segs[0], "face") {
		return nil, false, false
	}
	i := slices.IndexFunc(apiVersions, func(v string) bool { return strings.EqualFold(v, segs[1]) })
	if i < 0 {
		return nil, false, false // an API version the emulator does not have
	}
	version := apiVersions[i]
	later = version != payload.LivenessAPIVersion && version != payload.FaceListAPIVersion
	rest := segs[2:]
	is := func(method string, f http.HandlerFunc) (http.HandlerFunc, bool, bool) {
		if r.Method != method {
			return nil, later, true
		}
		return f, later, false
	}
	at := func(i int, name string) bool { return len(rest) > i && strings.EqualFold(rest[i], name) }
	switch {
	case version == payload.LivenessAPIVersion && len(rest) == 2 && at(0, "detectLiveness") && at(1, "singleModal"):
		return is(http.MethodPost, e.serveLiveness)
	case version != payload.FaceListAPIVersion && version != GAVersion && len(rest) >= 3 && (at(0, "detectLiveness") || at(0, "detectLivenessWithVerify")) &&
		at(1, "singleModal") && at(2, "sessions"):
		kind := payload.SessionLiveness
		if at(0, "detectLivenessWithVerify") {
			kind = payload.SessionLivenessWithVerify
		}
		switch len(rest) {
		case 3:
			if r.Method == http.MethodPost {
				return func(w http.ResponseWriter, r *http.Request) { e.serveCreateSession(w, r, kind, false) }, later, false
			}
			return is(http.MethodGet, func(w http.ResponseWriter, r *http.Request) { e.serveListSessions(w, r, kind, version) })
		case 4:
			id := rest[3]
			switch r.Method {
			case http.MethodGet:
				return func(w http.ResponseWriter, r *http.Request) { e.serveGetSession(w, r, kind, id, version) }, later, false
			default:
				return is(http.MethodDelete, func(w http.ResponseWriter, r *http.Request) { e.serveDeleteSession(w, r, kind, id, later, false) })
			}
		}
	case version == GAVersion && (len(rest) == 1 || len(rest) == 2) && (at(0, "detectLiveness-sessions") || at(0, "detectLivenessWithVerify-sessions")):
		kind := payload.SessionLiveness
		if at(0, "detectLivenessWithVerify-sessions") {
			kind = payload.SessionLivenessWithVerify
		}
		if len(rest) == 1 {
			return is(http.MethodPost, func(w http.ResponseWriter, r *http.Request) { e.serveCreateSession(w, r, kind, true) })
		}
		id := rest[1]
		if r.Method == http.MethodGet {
			return func(w http.ResponseWriter, r *http.Request) { e.serveGetSession(w, r, kind, id, version) }, later, false
		}
		return is(http.MethodDelete, func(w http.ResponseWriter, r *http.Request) { e.serveDeleteSession(w, r, kind, id, later, true) })
	case version == payload.FaceListAPIVersion && len(rest) == 2 && at(0, "facelists"):
		id := rest[1]
		switch r.Method {
		case http.MethodPut:
			return func(w http.ResponseWriter, r *http.Request) { e.serveCreateFaceList(w, r, id) }, later, false
		case http.MethodGet:
			return func(w http.ResponseWriter, r *http.Request) { e.serveGetFaceList(w, r, id) }, later, false
		default:
			return is(http.MethodDelete, func(w http.ResponseWriter, r *http.Request) { e.serveDeleteFaceList(w, r, id) })
		}
	case version == payload.FaceListAPIVersion && len(rest) == 3 && at(0, "facelists") && at(2, "persistedFaces"):
		id := rest[1]
		return is(http.MethodPost, func(w http.ResponseWriter, r *http.Request) { e.serveAddFace(w, r, id) })
	}
	return nil, false, false
}

// writeJSON writes a JSON answer.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(b)
}

type codeBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

type statusCodeBody struct {
	Error struct {
		StatusCode int    `json:"statusCode"`
		Message    string `json:"message"`
	} `json:"error"`
}

// writeError writes {"error":{"code","message"}}, with the same code in
// an x-ms-error-code header on every answer, whatever the API version (the
// service's REST specification declares that header on every error
// response). later is kept for the callers; it no longer changes the
// answer.
func writeError(w http.ResponseWriter, status int, code, message string, later bool) {
	_ = later
	var b codeBody
	b.Error.Code, b.Error.Message = code, message
	w.Header().Set("x-ms-error-code", code)
	writeJSON(w, status, b)
}

// writeStatusError writes {"error":{"statusCode","message"}}, the shape
// of the 403 and 429 answers.
func writeStatusError(w http.ResponseWriter, status int, message string) {
	var b statusCodeBody
	b.Error.StatusCode, b.Error.Message = status, message
	writeJSON(w, status, b)
}

// writeRule answers a documented rule.
func writeRule(w http.ResponseWriter, r payload.Rule, later bool) {
	writeError(w, r.Status(), r.Code(), r.Text(), later)
}

// Messages of the gateway's answers, from the pages.
const (
	quotaMessage     = "Out of call volume quota. Quota will be replenished in 2 days."
	timeoutMessage   = "Request Timeout."
	rateLimitMessage = "Rate limit is exceeded. Try again in %d seconds."
	// conflictMessage is the 409 of the specification's add-face example.
	conflictMessage = "There is a conflict operation on requested resource, please try later."
	// jsonParseMessage is the 400 for a body that is not JSON, in the
	// add-face page's example (seed 004) and the specification's.
	jsonParseMessage = "JSON parsing error."
)

// writeJSONParseError answers a body that does not parse as JSON.
func writeJSONParseError(w http.ResponseWriter) {
	writeError(w, http.StatusBadRequest, "BadArgument", jsonParseMessage, true)
}

func writeFault(w http.ResponseWriter, f Fault, later bool) {
	msg := f.Message
	switch f.Status {
	case http.StatusTooManyRequests:
		secs := int64((f.Wait + time.Second - 1) / time.Second)
		if msg == "" {
			msg = "Rate limit is exceeded. Try again in " + strconv.FormatInt(secs, 10) + " seconds."
		}
		if !f.NoRetryAfter {
			w.Header().Set("Retry-After", strconv.FormatInt(secs, 10))
		}
		writeStatusError(w, f.Status, msg)
	case http.StatusForbidden:
		if msg == "" {
			msg = quotaMessage
		}
		if f.Code != "" {
			writeError(w, f.Status, f.Code, msg, later)
			return
		}
		writeStatusError(w, f.Status, msg)
	case http.StatusRequestTimeout:
		code := f.Code
		if code == "" {
			code = "OperationTimeOut"
		}
		if msg == "" {
			msg = timeoutMessage
		}
		writeError(w, f.Status, code, msg, later)
	case http.StatusConflict:
		// The add-face page's 409: ConcurrentOperationConflict.
		code := f.Code
		if code == "" {
			code = "ConcurrentOperationConflict"
		}
		if msg == "" {
			msg = conflictMessage
		}
		writeError(w, f.Status, code, msg, later)
	default:
		code := f.Code
		if code == "" {
			code = strings.ReplaceAll(http.StatusText(f.Status), " ", "")
		}
		if msg == "" {
			msg = http.StatusText(f.Status) + "."
		}
		writeError(w, f.Status, code, msg, later)
	}
}

// writeTooLarge answers a body over MaxBodyBytes.
func writeTooLarge(w http.ResponseWriter) {
	writeError(w, http.StatusRequestEntityTooLarge, "BadArgument", "Request body too large.", false)
}

func isTooLarge(err error) bool {
	var mbe *http.MaxBytesError
	return errors.As(err, &mbe)
}
