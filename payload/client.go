package payload

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Client calls the Face service. It validates each request before sending
// it (see WithValidateOptions), retries 408 and 429 answers after the wait
// the service asks for, within bounds, and stops at once when the context
// is done. It follows a redirect only for a GET, to the endpoint's own
// origin (see RedirectError). It is safe for concurrent use.
//
// The subscription key is never part of an error, and formatting a Client
// with any verb (%v, %+v, %#v, %s, %q) prints "[redacted]" in its place.
type Client struct {
	endpoint    string
	key         secret
	hc          *http.Client
	maxAttempts int
	maxWait     time.Duration
	defaultWait time.Duration
	sleep       func(context.Context, time.Duration) error
	now         func() time.Time
	vopts       *ValidateOptions
	noValidate  bool
	insecure    bool // WithInsecureHTTP
}

// secret holds the key behind a pointer: printing a struct that holds it,
// even through reflection, shows an address, never the key.
type secret struct{ p *string }

func (s secret) get() string { return *s.p }

// String returns "[redacted]".
func (s secret) String() string { return "[redacted]" }

// GoString returns "[redacted]".
func (s secret) GoString() string { return "[redacted]" }

// Option configures a Client.
type Option func(*Client) error

// Client defaults.
const (
	// DefaultMaxAttempts is the attempts per call, the first included.
	DefaultMaxAttempts = 4
	// DefaultMaxWait is the longest wait before a retry.
	DefaultMaxWait = 60 * time.Second
	// DefaultWait is the wait before retrying an answer that names
	// none, doubled at each further attempt.
	DefaultWait = time.Second
	// DefaultTimeout bounds each request (connecting, sending it,
	// reading the answer; a followed redirect is another request) when
	// no http.Client is given: a 25 MB video over a 2 Mbit/s uplink
	// takes about 100 s.
	DefaultTimeout = 3 * time.Minute
	// MaxRedirects is how many redirects the Client follows in one
	// attempt: only those of a GET, each to the endpoint's own origin.
	MaxRedirects = 5
	// maxResponseBytes bounds a success answer's body.
	maxResponseBytes = MaxSessionListBytes
)

// WithHTTPClient sets the *http.Client requests go through (default: a
// client with http.DefaultTransport and a Timeout of DefaultTimeout). Its
// Timeout applies as it is (0: none but the context's), to each request
// the Client sends. Its CheckRedirect is not used: the Client itself
// decides on every 3xx answer, following only a GET's redirect to the
// endpoint's own origin (see RedirectError).
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) error {
		if hc == nil {
			return fmt.Errorf("%w: nil *http.Client", ErrInvalid)
		}
		c.hc = hc
		return nil
	}
}

// WithMaxAttempts bounds the attempts per call, the first included
// (default DefaultMaxAttempts; 1 disables retries).
func WithMaxAttempts(n int) Option {
	return func(c *Client) error {
		if n < 1 {
			return fmt.Errorf("%w: max attempts %d, want at least 1", ErrInvalid, n)
		}
		c.maxAttempts = n
		return nil
	}
}

// WithMaxWait caps the wait before a retry (default DefaultMaxWait): when
// the service asks for a longer wait, the Client returns its answer at
// once (a *ServiceError with RetryAfter) instead of waiting.
func WithMaxWait(d time.Duration) Option {
	return func(c *Client) error {
		if d < 0 {
			return fmt.Errorf("%w: negative max wait", ErrInvalid)
		}
		c.maxWait = d
		return nil
	}
}

// WithDefaultWait sets the wait before retrying an answer that names none
// (default DefaultWait), doubled at each further attempt.
func WithDefaultWait(d time.Duration) Option {
	return func(c *Client) error {
		if d < 0 {
			return fmt.Errorf("%w: negative default wait", ErrInvalid)
		}
		c.defaultWait = d
		return nil
	}
}

// WithSleep replaces the wait between attempts (for tests). sleep must
// return early with ctx.Err() when ctx is done.
func WithSleep(sleep func(ctx context.Context, d time.Duration) error) Option {
	return func(c *Client) error {
		if sleep == nil {
			return fmt.Errorf("%w: nil sleep", ErrInvalid)
		}
		c.sleep = sleep
		return nil
	}
}

// WithClock replaces time.Now, used to read a Retry-After date.
func WithClock(now func() time.Time) Option {
	return func(c *Client) error {
		if now == nil {
			return fmt.Errorf("%w: nil clock", ErrInvalid)
		}
		c.now = now
		return nil
	}
}

// WithValidateOptions sets the options DetectLiveness validates with
// (default nil, the defaults).
func WithValidateOptions(o *ValidateOptions) Option {
	return func(c *Client) error {
		c.vopts = o
		return nil
	}
}

// WithoutValidation makes the Client send requests without validating
// them first, leaving every rejection to the service.
func WithoutValidation() Option {
	return func(c *Client) error {
		c.noValidate = true
		return nil
	}
}

// WithInsecureHTTP lets NewClient take an http:// endpoint whose host is
// not loopback. The subscription key then travels in clear text: anyone
// on the path can read it and call the service with it. Use it only
// behind a gateway on a network you trust; loopback endpoints
// (localhost, 127.0.0.0/8, ::1) need no option.
func WithInsecureHTTP() Option {
	return func(c *Client) error {
		c.insecure = true
		return nil
	}
}

// NewClient returns a Client for endpoint (the resource's address, such as
// https://westus.api.cognitive.microsoft.com) and subscription key.
//
// An http:// endpoint is refused (ErrInvalid), since the key would cross
// the network in clear text, unless its host is loopback (localhost,
// 127.0.0.0/8, ::1: an emulator, a local proxy) or WithInsecureHTTP is
// given.
func NewClient(endpoint, key string, opts ...Option) (*Client, error) {
	if _, err := joinURL(endpoint, nil); err != nil {
		return nil, err
	}
	u, err := url.Parse(endpoint)
	if err != nil { // joinURL parsed it
		return nil, fmt.Errorf("%w: endpoint: %w", ErrInvalid, err)
	}
	if err := checkKey(key); err != nil {
		return nil, err
	}
	k := key
	c := &Client{
		endpoint:    endpoint,
		key:         secret{&k},
		hc:          &http.Client{Timeout: DefaultTimeout},
		maxAttempts: DefaultMaxAttempts,
		maxWait:     DefaultMaxWait,
		defaultWait: DefaultWait,
		sleep:       sleepContext,
		now:         time.Now,
	}
	for _, o := range opts {
		if err := o(c); err != nil {
			return nil, err
		}
	}
	if u.Scheme == "http" && !c.insecure && !isLoopback(u.Hostname()) {
		return nil, fmt.Errorf("%w: endpoint %q is http:// to a host that is not loopback: the key would travel in clear text "+
			"(use https://, or WithInsecureHTTP to accept that)", ErrInvalid, redactFold(u.Redacted(), key))
	}
	// The key travels in a header that Go's redirect policy forwards, to
	// any host and from https to http, and Go fails on a Location it
	// cannot parse before any CheckRedirect is asked: the Client takes
	// every 3xx answer as it is and decides itself (Client.send). A
	// shallow copy of the given http.Client is used, its Transport
	// wrapped by holdRedirects.
	hc := *c.hc
	base := hc.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	hc.Transport = holdRedirects{base}
	hc.CheckRedirect = refuseRedirect
	c.hc = &hc
	return c, nil
}

// isLoopback reports whether host (a URL's Hostname) is "localhost" or a
// loopback address (127.0.0.0/8, ::1, also IPv4-mapped).
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	a, err := netip.ParseAddr(host)
	return err == nil && a.Unmap().IsLoopback()
}

// redactFold replaces every occurrence of key in s, compared without
// regard to case (indexFold), with "[redacted]".
func redactFold(s, key string) string {
	if key == "" {
		return s
	}
	var b strings.Builder
	last := 0
	for {
		i := indexFold(s[last:], key)
		if i < 0 {
			break
		}
		b.WriteString(s[last : last+i])
		b.WriteString("[redacted]")
		last += i + len(key)
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// transportError is a failed round trip (connection, TLS, timeout): its
// text is the underlying error's with the key redacted in any case;
// errors.Is and errors.As see the underlying error.
type transportError struct {
	err error
	key secret
}

func (e *transportError) Error() string { return redactFold("payload: "+e.err.Error(), e.key.get()) }
func (e *transportError) Unwrap() error { return e.err }

// redactedError is err with the key redacted, in any case, from its text;
// errors.Is and errors.As see err. It carries an error whose text may
// quote the answer (a decoding error) out of the Client.
type redactedError struct {
	err error
	key secret
}

func (e *redactedError) Error() string { return redactFold(e.err.Error(), e.key.get()) }
func (e *redactedError) Unwrap() error { return e.err }

// redacted returns err, wrapped in a redactedError if its text holds the
// key in any case.
func (c *Client) redacted(err error) error {
	if err == nil || indexFold(err.Error(), c.key.get()) < 0 {
		return err
	}
	return &redactedError{err: err, key: c.key}
}

// refuseRedirect makes an http.Client return a redirect response as it is.
// With holdRedirects under it, it is only a second line of defence.
func refuseRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// heldLocation is the header holdRedirects moves a 3xx answer's Location
// to.
const heldLocation = "X-Payload-Held-Location"

// holdRedirects is the Transport of the Client's http.Client: it moves the
// Location of every 3xx answer to heldLocation (dropping any
// heldLocation the server sent), so that http.Client returns the answer as
// it is, neither following nor parsing it, and Client.send decides.
type holdRedirects struct{ base http.RoundTripper }

// RoundTrip implements http.RoundTripper.
func (t holdRedirects) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(req)
	if err != nil || resp == nil || resp.StatusCode < 300 || resp.StatusCode > 399 {
		return resp, err
	}
	h := resp.Header.Clone()
	if h == nil {
		h = http.Header{}
	}
	delete(h, heldLocation)
	if loc, ok := h["Location"]; ok {
		h[heldLocation] = loc
		delete(h, "Location")
	}
	resp.Header = h
	return resp, nil
}

// CloseIdleConnections closes the idle connections of the wrapped
// Transport, if it has a CloseIdleConnections method.
func (t holdRedirects) CloseIdleConnections() {
	if ci, ok := t.base.(interface{ CloseIdleConnections() }); ok {
		ci.CloseIdleConnections()
	}
}

func sleepContext(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Endpoint returns the endpoint the Client calls.
func (c *Client) Endpoint() string { return c.endpoint }

// String describes the Client without its key.
func (c *Client) String() string {
	ep := c.endpoint
	if u, err := url.Parse(ep); err == nil {
		ep = u.Redacted()
	}
	return "payload.Client{endpoint: " + strconv.Quote(ep) + ", key: [redacted], maxAttempts: " +
		strconv.Itoa(c.maxAttempts) + ", maxWait: " + c.maxWait.String() + ", timeout: " + c.hc.Timeout.String() + "}"
}

// GoString is String: the key is never printed.
func (c *Client) GoString() string { return "&" + c.String() }

// Format implements fmt.Formatter so that every verb prints String (or
// GoString for %#v), never the key.
func (c *Client) Format(f fmt.State, verb rune) {
	switch {
	case verb == 'v' && f.Flag('#'):
		io.WriteString(f, c.GoString())
	case verb == 'q':
		io.WriteString(f, strconv.Quote(c.String()))
	default:
		io.WriteString(f, c.String())
	}
}

// LivenessResult is the 200 answer of a liveness call.
type LivenessResult struct {
	// LivenessDecision is DecisionRealFace, DecisionSpoofFace or
	// DecisionUncertain.
	LivenessDecision    string `json:"livenessDecision"`
	TargetFaceRectangle Rect   `json:"targetFaceRectangle"`
	TargetFileName      string `json:"targetFileName"`
	TargetFrameNumber   int    `json:"targetFrameNumber"`
	ModelVersionUsed    string `json:"modelVersionUsed"`
}

// DetectLiveness validates r (unless WithoutValidation) and sends it. A
// request Validate refuses is returned as its *RuleError without a call.
func (c *Client) DetectLiveness(ctx context.Context, r *LivenessRequest) (*LivenessResult, error) {
	if !c.noValidate {
		if err := r.Validate(c.vopts); err != nil {
			return nil, err
		}
	}
	body, err := c.do(ctx, r.NewRequest)
	if err != nil {
		return nil, err
	}
	var res LivenessResult
	if err := json.Unmarshal(body, &res); err != nil {
		return nil, c.redacted(malformed("liveness answer", err))
	}
	return &res, nil
}

// AddFace validates r (unless WithoutValidation) and sends it.
func (c *Client) AddFace(ctx context.Context, r *AddFaceRequest) (*PersistedFace, error) {
	if !c.noValidate {
		if err := r.Validate(); err != nil {
			return nil, err
		}
	}
	body, err := c.do(ctx, r.NewRequest)
	if err != nil {
		return nil, err
	}
	var res PersistedFace
	if err := json.Unmarshal(body, &res); err != nil {
		return nil, c.redacted(malformed("add-face answer", err))
	}
	return &res, nil
}

// ListSessions validates r (unless WithoutValidation; nil means the
// defaults) and lists the sessions.
func (c *Client) ListSessions(ctx context.Context, r *ListSessionsRequest) ([]Session, error) {
	if r == nil {
		r = &ListSessionsRequest{}
	}
	if !c.noValidate {
		if err := r.Validate(); err != nil {
			return nil, err
		}
	}
	body, err := c.do(ctx, r.NewRequest)
	if err != nil {
		return nil, err
	}
	ss, err := DecodeSessions(body)
	if err != nil {
		// A member's error quotes it: a server echoing the key in one
		// does not carry it into the error's text.
		return nil, c.redacted(err)
	}
	return ss, nil
}

// GetSession gets one session. The answer is read in any of the published
// shapes (see Session): the previews' (id, ISO 8601 date-times) and
// v1.2's (sessionId, status, modelVersion).
func (c *Client) GetSession(ctx context.Context, r *GetSessionRequest) (*Session, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	body, err := c.do(ctx, r.NewRequest)
	if err != nil {
		return nil, err
	}
	if len(body) > MaxSessionListBytes {
		return nil, malformed("session over "+strconv.Itoa(MaxSessionListBytes)+" bytes", nil)
	}
	var s Session
	if err := json.Unmarshal(body, &s); err != nil {
		if !errors.Is(err, ErrMalformed) {
			err = malformed("session", err)
		}
		return nil, c.redacted(err)
	}
	return &s, nil
}

// DeleteSession deletes a session.
func (c *Client) DeleteSession(ctx context.Context, r *DeleteSessionRequest) error {
	if err := r.Validate(); err != nil {
		return err
	}
	_, err := c.do(ctx, r.NewRequest)
	return err
}

// do sends the request build makes, retrying 408 and 429 answers, and
// returns the body of a 2xx answer.
func (c *Client) do(ctx context.Context, build func(context.Context, string, string) (*http.Request, error)) ([]byte, error) {
	for attempt := 1; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		req, err := build(ctx, c.endpoint, c.key.get())
		if err != nil {
			return nil, err
		}
		resp, err := c.send(req)
		if err != nil {
			return nil, err
		}
		if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
			body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes+1))
			resp.Body.Close()
			if err != nil {
				return nil, &transportError{err: fmt.Errorf("reading the answer: %w", err), key: c.key}
			}
			if len(body) > maxResponseBytes {
				return nil, malformed("answer over "+strconv.Itoa(maxResponseBytes)+" bytes", nil)
			}
			return body, nil
		}
		se := c.serviceError(resp)
		if !se.Temporary() || attempt >= c.maxAttempts {
			return nil, se
		}
		wait := se.RetryAfter
		if wait == 0 {
			wait = c.defaultWait << min(attempt-1, 16)
		}
		if wait > c.maxWait {
			return nil, se
		}
		if err := c.sleep(ctx, wait); err != nil {
			return nil, fmt.Errorf("payload: waiting %v to retry: %w (last answer: %w)", wait, err, se)
		}
	}
}

// serviceError reads the error answer in resp and closes its body.
func (c *Client) serviceError(resp *http.Response) *ServiceError {
	se := readServiceError(resp, c.now)
	// Defence in depth: an answer that echoes the key, in any case,
	// does not carry it into the error.
	k := c.key.get()
	se.Message, se.Code = redactFold(se.Message, k), redactFold(se.Code, k)
	io.Copy(io.Discard, io.LimitReader(resp.Body, maxErrorBody))
	resp.Body.Close()
	return se
}

// send sends req and returns the answer that is not a redirect. It
// follows the redirects of a GET without a body whose Location is on the
// origin (scheme, host and port) of req, at most MaxRedirects of them,
// sending the same headers, the key included; any other 3xx answer is a
// *RedirectError, and the key is never sent elsewhere. A failed round
// trip is a *transportError.
func (c *Client) send(req *http.Request) (*http.Response, error) {
	first := req
	for hops := 0; ; hops++ {
		resp, err := c.hc.Do(req)
		if err != nil {
			return nil, &transportError{err: err, key: c.key}
		}
		if resp.StatusCode < 300 || resp.StatusCode > 399 {
			return resp, nil
		}
		next, why := redirectHop(first, req, resp, hops)
		if next == nil {
			return nil, &RedirectError{
				Status:   resp.StatusCode,
				Method:   req.Method,
				Location: redactFold(resp.Header.Get(heldLocation), c.key.get()),
				Answer:   c.serviceError(resp),
				reason:   why,
			}
		}
		io.Copy(io.Discard, io.LimitReader(resp.Body, maxErrorBody))
		resp.Body.Close()
		req = next
	}
}

// redirectHop returns the request that follows the 3xx answer resp to req
// (the hops-th redirect of first), or nil and why it is not followed.
func redirectHop(first, req *http.Request, resp *http.Response, hops int) (*http.Request, string) {
	switch resp.StatusCode {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther, http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
	default:
		return nil, "not a redirect"
	}
	if first.Method != http.MethodGet || (first.Body != nil && first.Body != http.NoBody) {
		return nil, "only a GET's redirect is followed"
	}
	loc := resp.Header.Get(heldLocation)
	if loc == "" {
		return nil, "" // Error says "no Location"
	}
	u, err := req.URL.Parse(loc)
	if err != nil {
		return nil, "Location is not a URL"
	}
	if !sameOrigin(first.URL, u) {
		if strings.EqualFold(first.URL.Scheme, "https") && !strings.EqualFold(u.Scheme, "https") {
			return nil, "from https to another scheme"
		}
		return nil, "to another origin"
	}
	if hops >= MaxRedirects {
		return nil, "over " + strconv.Itoa(MaxRedirects) + " redirects"
	}
	next := first.Clone(first.Context())
	next.URL, next.Host = u, ""
	return next, ""
}

// sameOrigin reports whether a and b have the same scheme, host and port,
// the scheme and host compared without regard to case and an absent port
// taken as the scheme's default (https 443, http 80).
func sameOrigin(a, b *url.URL) bool {
	return strings.EqualFold(a.Scheme, b.Scheme) && a.Hostname() != "" &&
		strings.EqualFold(a.Hostname(), b.Hostname()) && originPort(a) == originPort(b)
}

// originPort is u's port, or its scheme's default port.
func originPort(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
		return "443"
	case "http":
		return "80"
	}
	return ""
}
