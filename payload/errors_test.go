package payload_test

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/facegate/facegate/payload"
)

func TestDecodeServiceError(t *testing.T) {
	h := func(kv ...string) http.Header {
		hd := http.Header{}
		for i := 0; i+1 < len(kv); i += 2 {
			hd.Set(kv[i], kv[i+1])
		}
		return hd
	}
	cases := []struct {
		name   string
		status int
		header http.Header
		body   string
		want   payload.ServiceError
		class  error
	}{
		{"code-shape", 404, nil, `{"error":{"code":"SessionNotFound","message":"Session Id is not found. The session id is expired or does not exist."}}`,
			payload.ServiceError{StatusCode: 404, Code: "SessionNotFound", Message: "Session Id is not found. The session id is expired or does not exist."}, payload.ErrNotFound},
		{"statusCode-shape", 403, nil, `{"error":{"statusCode":403,"message":"Out of call volume quota. Quota will be replenished in 2 days."}}`,
			payload.ServiceError{StatusCode: 403, Message: "Out of call volume quota. Quota will be replenished in 2 days."}, payload.ErrQuota},
		{"x-ms-error-code", 400, h("x-ms-error-code", "InvalidSessionId"), `{"error":{"statusCode":400,"message":"m"}}`,
			payload.ServiceError{StatusCode: 400, Code: "InvalidSessionId", Message: "m"}, payload.ErrBadRequest},
		{"body-code-wins", 400, h("x-ms-error-code", "Other"), `{"error":{"code":"BadArgument","message":"m"}}`,
			payload.ServiceError{StatusCode: 400, Code: "BadArgument", Message: "m"}, payload.ErrBadRequest},
		{"wait-in-text", 429, nil, `{"error":{"statusCode":429,"message":"Rate limit is exceeded. Try again in 26 seconds."}}`,
			payload.ServiceError{StatusCode: 429, Message: "Rate limit is exceeded. Try again in 26 seconds.", RetryAfter: 26 * time.Second}, payload.ErrRateLimited},
		{"retry-after-header", 429, h("Retry-After", "7"), `{"error":{"statusCode":429,"message":"Rate limit is exceeded."}}`,
			payload.ServiceError{StatusCode: 429, Message: "Rate limit is exceeded.", RetryAfter: 7 * time.Second}, payload.ErrRateLimited},
		{"larger-wait-wins", 429, h("Retry-After", "3"), `{"error":{"statusCode":429,"message":"Rate limit is exceeded. Try again in 26 seconds."}}`,
			payload.ServiceError{StatusCode: 429, Message: "Rate limit is exceeded. Try again in 26 seconds.", RetryAfter: 26 * time.Second}, payload.ErrRateLimited},
		{"retry-after-ms", 429, h("retry-after-ms", "1500"), ``,
			payload.ServiceError{StatusCode: 429, RetryAfter: 1500 * time.Millisecond}, payload.ErrRateLimited},
		{"one-second", 429, nil, `{"error":{"statusCode":429,"message":"Try again in 1 second."}}`,
			payload.ServiceError{StatusCode: 429, Message: "Try again in 1 second.", RetryAfter: time.Second}, payload.ErrRateLimited},
		// Characters whose lower case has another byte length before the
		// wait (Ⱥ is 2 bytes, ⱥ 3; İ is 2, i 1): the wait is still read,
		// and nothing panics (issue 14).
		{"unicode-before-wait", 429, nil, `{"error":{"statusCode":429,"message":"ȺȺȺȺ Try again in 5 seconds."}}`,
			payload.ServiceError{StatusCode: 429, Message: "ȺȺȺȺ Try again in 5 seconds.", RetryAfter: 5 * time.Second}, payload.ErrRateLimited},
		{"unicode-at-end", 429, nil, `{"error":{"statusCode":429,"message":"ȺȺȺȺȺȺȺȺtry again in "}}`,
			payload.ServiceError{StatusCode: 429, Message: "ȺȺȺȺȺȺȺȺtry again in "}, payload.ErrRateLimited},
		{"shorter-lower-case", 429, nil, `{"error":{"statusCode":429,"message":"İİİİ Try again in 12 seconds."}}`,
			payload.ServiceError{StatusCode: 429, Message: "İİİİ Try again in 12 seconds.", RetryAfter: 12 * time.Second}, payload.ErrRateLimited},
		// The add-face page's 409 example is not JSON (unquoted code).
		{"seed-409", 409, nil, `{
    "error":{
        "code": ConcurrentOperationConflict,
        "message": "There is a conflict operation on resource 'sample_group', please try later."
    }
}`, payload.ServiceError{StatusCode: 409, Code: "ConcurrentOperationConflict", Message: "There is a conflict operation on resource 'sample_group', please try later."}, payload.ErrConflict},
		{"timeout", 408, nil, `{"error":{"code":"OperationTimeOut","message":"Request Timeout."}}`,
			payload.ServiceError{StatusCode: 408, Code: "OperationTimeOut", Message: "Request Timeout."}, payload.ErrTimeout},
		{"text", 401, nil, `Invalid subscription Key or user/plan is blocked.`,
			payload.ServiceError{StatusCode: 401, Message: "Invalid subscription Key or user/plan is blocked."}, payload.ErrUnauthorized},
		{"json-string", 408, nil, `"OperationTimeOut."`, payload.ServiceError{StatusCode: 408, Message: "OperationTimeOut."}, payload.ErrTimeout},
		{"415", 415, nil, `{"error":{"code":"UnsupportedMediaType","message":"Invalid Media Type."}}`,
			payload.ServiceError{StatusCode: 415, Code: "UnsupportedMediaType", Message: "Invalid Media Type."}, payload.ErrUnsupportedMedia},
		{"500", 503, nil, ``, payload.ServiceError{StatusCode: 503}, payload.ErrServer},
		{"418", 418, nil, ``, payload.ServiceError{StatusCode: 418}, payload.ErrUnexpectedStatus},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := payload.DecodeServiceError(c.status, c.header, []byte(c.body))
			if *got != c.want {
				t.Errorf("got %+v\nwant %+v", *got, c.want)
			}
			if !errors.Is(got, c.class) {
				t.Errorf("errors.Is(%v, %v) = false", got, c.class)
			}
			var se *payload.ServiceError
			if !errors.As(error(got), &se) {
				t.Error("errors.As failed")
			}
		})
	}
}

func TestRetryAfterPastDate(t *testing.T) {
	// A date in the past asks for no wait. (A future date is measured
	// with the Client's clock: TestClientRetryAfterDate.)
	past := payload.DecodeServiceError(429, http.Header{"Retry-After": {"Mon, 02 Jan 2006 15:04:05 GMT"}}, nil)
	if past.RetryAfter != 0 {
		t.Errorf("a past date: %v", past.RetryAfter)
	}
}

func TestRuleMatching(t *testing.T) {
	// The service may end the model-version message with a link.
	msg := "Incorrect model-version. Please specify one of the valid model versions found at https://aka.ms/example"
	se := payload.DecodeServiceError(400, nil, []byte(`{"error":{"code":"BadRequest","message":"`+msg+`"}}`))
	if !errors.Is(se, payload.RuleModelVersion) || errors.Is(se, payload.RuleMetadataMissing) {
		t.Errorf("%v", se)
	}
	if r, ok := payload.RuleForAnswer(400, "Image size is too small."); !ok || r != payload.RuleImageTooSmall {
		t.Errorf("RuleForAnswer = %v %v", r, ok)
	}
	if _, ok := payload.RuleForAnswer(404, "Image size is too small."); ok {
		t.Error("status ignored")
	}
	if !errors.Is(payload.RuleFaceListID, payload.ErrNotFound) || !errors.Is(payload.RuleDecoding, payload.ErrBadRequest) || !errors.Is(payload.RuleDecoding, payload.ErrInvalid) {
		t.Error("Rule.Is")
	}
	seen := map[string]bool{}
	for _, r := range payload.LivenessRules {
		if r.Status() != 400 || r.Code() != "BadRequest" || r.Text() == "" || seen[r.String()] {
			t.Errorf("rule %v: %d %s %q", r, r.Status(), r.Code(), r.Text())
		}
		seen[r.String()] = true
	}
}
