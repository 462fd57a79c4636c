package payload

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Client calls the Face service. It validates each request before sending
// it (see WithValidateOptions), retries 408 and 429 answers after the wait
// the service asks for, within bounds, and stops at once when the context
// is done. It is safe for concurrent use.
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
	// DefaultTimeout bounds each attempt (connecting, sending the
	// request, reading the answer) when no http.Client is given: a 25 MB
	// video over a 2 Mbit/s uplink takes about 100 s.
	DefaultTimeout = 3 * time.Minute
	// maxResponseBytes bounds a success answer's body.
	maxResponseBytes = MaxSessionListBytes
)

// WithHTTPClient sets the *http.Client requests go through (default: a
// client with http.DefaultTransport and a Timeout of DefaultTimeout). Its
// Timeout applies as it is (0: none but the context's); its CheckRedirect
// is not used: the Client never follows a redirect.
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

// NewClient returns a Client for endpoint (the resource's address, such as
// https://westus.api.cognitive.microsoft.com) and subscription key.
func NewClient(endpoint, key string, opts ...Option) (*Client, error) {
	if _, err := joinURL(endpoint, nil); err != nil {
		return nil, err
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
	// The key travels in a header that Go's redirect policy forwards, to
	// any host and from https to http: the Client follows no redirect,
	// whatever the given http.Client's policy (a shallow copy of it, with
	// the same Transport, is used). A 3xx answer is an error
	// (ErrUnexpectedStatus).
	hc := *c.hc
	hc.CheckRedirect = refuseRedirect
	c.hc = &hc
	return c, nil
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

// refuseRedirect makes an http.Client return a redirect response as it is.
func refuseRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

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
		return nil, malformed("liveness answer", err)
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
		return nil, malformed("add-face answer", err)
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
	return DecodeSessions(body)
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
		resp, err := c.hc.Do(req)
		if err != nil {
			return nil, &transportError{err: err, key: c.key}
		}
		if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
			body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes+1))
			resp.Body.Close()
			if err != nil {
				return nil, fmt.Errorf("payload: reading the answer: %w", err)
			}
			if len(body) > maxResponseBytes {
				return nil, malformed("answer over "+strconv.Itoa(maxResponseBytes)+" bytes", nil)
			}
			return body, nil
		}
		se := readServiceError(resp, c.now)
		// Defence in depth: an answer that echoes the key, in any case,
		// does not carry it into the error.
		k := c.key.get()
		se.Message, se.Code = redactFold(se.Message, k), redactFold(se.Code, k)
		io.Copy(io.Discard, io.LimitReader(resp.Body, maxErrorBody))
		resp.Body.Close()
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
