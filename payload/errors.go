package payload

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Sentinel errors. Every error this package returns wraps one of them.
var (
	// ErrInvalid reports a request the service would reject, found before
	// anything is sent: every *RuleError and every Rule matches it, and
	// so do requests that cannot be put on the wire (a file name with a
	// line break, a boundary that occurs in a file).
	ErrInvalid = errors.New("payload: invalid request")
	// ErrFaceTooSmall additionally marks the RuleError of a target
	// rectangle under MinFaceSize (the service answers
	// RuleFaceNotFoundInRect) or outside the face list's detectable
	// range (RuleNoFace).
	ErrFaceTooSmall = errors.New("payload: face smaller than the service detects")
	// ErrMalformed reports a response, or a document given to a decoder,
	// that does not have the documented shape.
	ErrMalformed = errors.New("payload: malformed document")

	// ErrBadRequest is the class of 400 answers.
	ErrBadRequest = errors.New("payload: bad request (400)")
	// ErrUnauthorized is the class of 401 answers: a wrong or blocked key.
	ErrUnauthorized = errors.New("payload: unauthorized (401)")
	// ErrQuota is the class of 403 answers: out of call volume quota, or
	// a face list full (QuotaExceeded).
	ErrQuota = errors.New("payload: quota exceeded (403)")
	// ErrNotFound is the class of 404 answers: face list or session not
	// found, or an invalid face list ID.
	ErrNotFound = errors.New("payload: not found (404)")
	// ErrTimeout is the class of 408 answers (OperationTimeOut); the
	// Client retries them.
	ErrTimeout = errors.New("payload: operation timed out (408)")
	// ErrConflict is the class of 409 answers
	// (ConcurrentOperationConflict).
	ErrConflict = errors.New("payload: conflicting operation (409)")
	// ErrTooLarge is the class of 413 answers.
	ErrTooLarge = errors.New("payload: request too large (413)")
	// ErrUnsupportedMedia is the class of 415 answers: a Content-Type
	// the endpoint does not take.
	ErrUnsupportedMedia = errors.New("payload: unsupported media type (415)")
	// ErrRateLimited is the class of 429 answers; the Client retries
	// them after the wait the service asks for.
	ErrRateLimited = errors.New("payload: rate limited (429)")
	// ErrServer is the class of 5xx answers.
	ErrServer = errors.New("payload: service error (5xx)")
	// ErrUnexpectedStatus is the class of any other non-2xx answer,
	// including a 3xx answer the Client does not follow.
	ErrUnexpectedStatus = errors.New("payload: unexpected status")
	// ErrRedirect is the class of the 3xx answers the Client does not
	// follow: every *RedirectError matches it.
	ErrRedirect = errors.New("payload: redirect not followed")
)

// RedirectError is a 3xx answer the Client did not follow. The Client
// follows a redirect only for a GET (which has no body), only to the
// endpoint's own origin (same scheme, host and port), and at most
// MaxRedirects times; it refuses any other, so that neither the key nor
// the request's body reaches another server, or crosses from https to
// http.
//
// errors.Is matches ErrRedirect, and, through Answer, ErrUnexpectedStatus
// (as a 3xx answer did before the Client followed any redirect);
// errors.As finds Answer as a *ServiceError.
type RedirectError struct {
	Status int    // the 3xx status
	Method string // the method of the request the answer is to
	// Location is the answer's Location header as given (neither
	// resolved nor checked), the key redacted from it in any case; empty
	// when the answer had none.
	Location string
	// Answer is the answer decoded as an error answer (its body's text,
	// code and Retry-After, the key redacted); it may be nil.
	Answer *ServiceError

	reason string // why it was not followed, for Error
}

// Error implements error: "payload: redirect not followed: service
// answered 307 to POST, Location "https://..." (why not)".
func (e *RedirectError) Error() string {
	var b strings.Builder
	b.WriteString("payload: redirect not followed: service answered ")
	b.WriteString(strconv.Itoa(e.Status))
	if e.Method != "" {
		b.WriteString(" to ")
		b.WriteString(e.Method)
	}
	if e.Location != "" {
		b.WriteString(", Location ")
		b.WriteString(strconv.Quote(e.Location))
	} else {
		b.WriteString(", no Location")
	}
	if e.reason != "" {
		b.WriteString(" (")
		b.WriteString(e.reason)
		b.WriteString(")")
	}
	return b.String()
}

// Is reports whether target is ErrRedirect.
func (e *RedirectError) Is(target error) bool { return target == ErrRedirect }

// Unwrap returns Answer, or nil when it is nil.
func (e *RedirectError) Unwrap() error {
	if e.Answer == nil {
		return nil
	}
	return e.Answer
}

// ServiceError is an error answer of the service, decoded from either
// documented body shape ({"error":{"code","message"}} and
// {"error":{"statusCode","message"}}) and the x-ms-error-code and
// Retry-After headers.
//
// errors.Is matches the sentinel of its status (ErrRateLimited for a 429,
// ...) and the Rule its status and message match, so a prediction of
// Validate can be compared with the answer: errors.Is(svcErr, ruleErr.Rule).
type ServiceError struct {
	StatusCode int    // the HTTP status
	Code       string // the body's code, else the x-ms-error-code header; may be empty
	Message    string // the body's message, or the body's text when it is not JSON
	// RetryAfter is the wait the service asks for: the larger of the
	// Retry-After (or retry-after-ms) header and "Try again in N
	// seconds." in the message; 0 when neither is present.
	RetryAfter time.Duration
}

// Error implements error: "payload: service answered 429 (code): message".
func (e *ServiceError) Error() string {
	var b strings.Builder
	b.WriteString("payload: service answered ")
	b.WriteString(strconv.Itoa(e.StatusCode))
	if e.Code != "" {
		b.WriteString(" ")
		b.WriteString(e.Code)
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if e.RetryAfter > 0 {
		b.WriteString(" (retry after ")
		b.WriteString(e.RetryAfter.String())
		b.WriteString(")")
	}
	return b.String()
}

// Is matches the sentinel of the status and any Rule whose status and text
// the answer carries.
func (e *ServiceError) Is(target error) bool {
	if r, ok := target.(Rule); ok {
		return r.Matches(e.StatusCode, e.Message)
	}
	return statusSentinel(e.StatusCode) == target
}

// Rule returns the documented Rule the answer matches, if any.
func (e *ServiceError) Rule() (Rule, bool) { return RuleForAnswer(e.StatusCode, e.Message) }

// Temporary reports whether the request may succeed if sent again after
// RetryAfter: a 408 or a 429.
func (e *ServiceError) Temporary() bool {
	return e.StatusCode == http.StatusRequestTimeout || e.StatusCode == http.StatusTooManyRequests
}

// maxErrorBody bounds how much of an error body is read.
const maxErrorBody = 64 << 10

// ReadServiceError reads the error answer in resp (at most 64 KiB of its
// body; the caller still closes it) into a *ServiceError. Retry-After as an
// HTTP date is measured from time.Now.
func ReadServiceError(resp *http.Response) *ServiceError {
	return readServiceError(resp, time.Now)
}

func readServiceError(resp *http.Response, now func() time.Time) *ServiceError {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	return decodeServiceError(resp.StatusCode, resp.Header, body, now)
}

// DecodeServiceError decodes an error answer from its status, headers and
// body. It never fails: a body in neither documented shape becomes the
// Message as text. Retry-After as an HTTP date is measured from time.Now.
func DecodeServiceError(status int, header http.Header, body []byte) *ServiceError {
	return decodeServiceError(status, header, body, time.Now)
}

type errorBody struct {
	Error *struct {
		Code       json.RawMessage `json:"code"`
		StatusCode json.RawMessage `json:"statusCode"`
		Message    json.RawMessage `json:"message"`
	} `json:"error"`
	// Some gateways answer {"statusCode": 401, "message": "..."}.
	StatusCode json.RawMessage `json:"statusCode"`
	Message    json.RawMessage `json:"message"`
}

func decodeServiceError(status int, header http.Header, body []byte, now func() time.Time) *ServiceError {
	e := &ServiceError{StatusCode: status}
	body = bytes.TrimSpace(body)
	var eb errorBody
	var str string
	err := json.Unmarshal(body, &eb)
	switch {
	case len(body) == 0:
	case err == nil && eb.Error != nil:
		e.Code = jsonText(eb.Error.Code)
		e.Message = jsonText(eb.Error.Message)
	case err == nil && len(eb.Message) > 0:
		e.Message = jsonText(eb.Message)
	case json.Unmarshal(body, &str) == nil:
		e.Message = str
	default:
		// Not JSON (the page's own 409 example has an unquoted code):
		// pick the fields out leniently, else keep the text.
		e.Code = lenientField(body, "code")
		e.Message = lenientField(body, "message")
		if e.Message == "" {
			e.Message = string(bytes.ToValidUTF8(body, []byte("\uFFFD")))
		}
	}
	if e.Code == "" && header != nil {
		e.Code = header.Get("x-ms-error-code")
	}
	e.RetryAfter = max(retryAfterHeader(header, now), retryAfterText(e.Message))
	return e
}

// jsonText returns a JSON string's value, or a scalar's text.
func jsonText(raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return string(bytes.TrimSpace(raw))
}

// lenientField finds "name": value in a body that is not quite JSON and
// returns the value: a quoted string (with JSON escapes) or a bare word.
func lenientField(body []byte, name string) string {
	key := []byte(`"` + name + `"`)
	i := bytes.Index(body, key)
	if i < 0 {
		return ""
	}
	rest := bytes.TrimLeft(body[i+len(key):], " \t\r\n")
	if len(rest) == 0 || rest[0] != ':' {
		return ""
	}
	rest = bytes.TrimLeft(rest[1:], " \t\r\n")
	if len(rest) > 0 && rest[0] == '"' {
		for j := 1; j < len(rest); j++ {
			switch rest[j] {
			case '\\':
				j++
			case '"':
				var s string
				if json.Unmarshal(rest[:j+1], &s) == nil {
					return s
				}
				return ""
			}
		}
		return ""
	}
	j := bytes.IndexAny(rest, ",}\r\n")
	if j < 0 {
		j = len(rest)
	}
	return strings.TrimSpace(string(bytes.ToValidUTF8(rest[:j], nil)))
}

// maxRetryAfter bounds a wait read from the service, so arithmetic on it
// cannot overflow; the Client's MaxWait is far below it.
const maxRetryAfter = 24 * time.Hour

// retryAfterHeader reads Retry-After (seconds or an HTTP date), or the
// millisecond variants Azure sends.
func retryAfterHeader(h http.Header, now func() time.Time) time.Duration {
	if h == nil {
		return 0
	}
	var d time.Duration
	for _, k := range []string{"Retry-After-Ms", "X-Ms-Retry-After-Ms"} {
		if v := strings.TrimSpace(h.Get(k)); v != "" {
			if n, err := strconv.ParseInt(v, 10, 64); err == nil && n > 0 {
				d = max(d, clampWait(time.Duration(min(n, int64(maxRetryAfter/time.Millisecond)))*time.Millisecond))
			}
		}
	}
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return d
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n > 0 {
			d = max(d, clampWait(time.Duration(min(n, int64(maxRetryAfter/time.Second)))*time.Second))
		}
		return d
	}
	if t, err := http.ParseTime(v); err == nil && now != nil {
		d = max(d, clampWait(t.Sub(now())))
	}
	return d
}

// indexFold is the byte index in s of the first window of sub's byte
// length that equals sub without regard to case (strings.EqualFold), or
// -1. Unlike searching a lower-cased copy, its index is s's own.
func indexFold(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(sub)], sub) {
			return i
		}
	}
	return -1
}

// retryAfterText reads the wait from "... Try again in N seconds." (or
// "N second"), matching the words without regard to case. The search runs
// on msg itself: a lower-cased copy can differ in byte length (Ⱥ is 2
// bytes, ⱥ 3), and its indices would not fit msg.
func retryAfterText(msg string) time.Duration {
	const p = "try again in "
	i := indexFold(msg, p)
	if i < 0 {
		return 0
	}
	rest := msg[i+len(p):]
	j := 0
	for j < len(rest) && j < 9 && rest[j] >= '0' && rest[j] <= '9' {
		j++
	}
	unit := strings.TrimLeft(rest[j:], " ")
	if j == 0 || len(unit) < len("second") || !strings.EqualFold(unit[:len("second")], "second") {
		return 0
	}
	n, _ := strconv.Atoi(rest[:j])
	return clampWait(time.Duration(n) * time.Second)
}

func clampWait(d time.Duration) time.Duration {
	return max(0, min(d, maxRetryAfter))
}

// malformed returns an error wrapping ErrMalformed.
func malformed(what string, err error) error {
	if err == nil {
		return fmt.Errorf("%w: %s", ErrMalformed, what)
	}
	return fmt.Errorf("%w: %s: %w", ErrMalformed, what, err)
}
