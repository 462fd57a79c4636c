package payload_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/facegate/facegate/payload"
)

// FuzzParseMetadata: whatever ParseMetadata accepts, AppendMetadata writes
// as valid JSON that parses back to the same request.
func FuzzParseMetadata(f *testing.F) {
	f.Add([]byte(`{"metadata":{"imageType":0,"imageData":[{"fileName":"a.jpg","frameNumber":0}]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := payload.ParseMetadata(data)
		if err != nil {
			return
		}
		out := r.AppendMetadata(nil)
		if !json.Valid(out) {
			t.Fatalf("AppendMetadata wrote invalid JSON: %s", out)
		}
		back, err := payload.ParseMetadata(out)
		if err != nil {
			t.Fatalf("our own metadata does not parse: %v\n%s", err, out)
		}
		if back.ImageType != r.ImageType || !reflect.DeepEqual(back.Frames, r.Frames) {
			t.Fatalf("round trip differs:\n%+v\n%+v", r.Frames, back.Frames)
		}
	})
}

// encodeSessions writes sessions in the later shape, date-times as
// strings when they fit RFC 3339 and as epoch milliseconds otherwise.
func encodeSessions(ss []payload.Session) []byte {
	dt := func(t time.Time) any {
		switch {
		case t.IsZero():
			return nil
		case t.Year() >= 0 && t.Year() <= 9999:
			return t.Format(time.RFC3339Nano)
		}
		return json.Number(strconv.FormatInt(t.UnixMilli(), 10))
	}
	items := make([]map[string]any, len(ss))
	for i, s := range ss {
		items[i] = map[string]any{"id": s.ID, "createdDateTime": dt(s.CreatedDateTime), "sessionStartDateTime": dt(s.SessionStartDateTime),
			"authTokenTimeToLiveInSeconds": s.AuthTokenTimeToLiveInSeconds, "deviceCorrelationId": s.DeviceCorrelationID,
			"sessionExpired": s.SessionExpired}
	}
	b, err := json.Marshal(items)
	if err != nil {
		panic(err)
	}
	return b
}

// FuzzDecodeSessions: DecodeSessions never panics, and what it accepts
// re-encodes and decodes to the same sessions.
func FuzzDecodeSessions(f *testing.F) {
	f.Add([]byte(`[{"sessionId":"a","createdDateTime":"2023-10-27T00:41:03.761Z","sessionStartDateTime":1698103899886}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		ss, err := payload.DecodeSessions(data)
		if err != nil {
			return
		}
		back, err := payload.DecodeSessions(encodeSessions(ss))
		if err != nil {
			t.Fatalf("re-encoded list does not decode: %v", err)
		}
		if len(back) != len(ss) {
			t.Fatalf("%d sessions, %d back", len(ss), len(back))
		}
		for i := range ss {
			a, b := ss[i], back[i]
			if a.ID != b.ID || !a.CreatedDateTime.Equal(b.CreatedDateTime) || !a.SessionStartDateTime.Equal(b.SessionStartDateTime) ||
				a.AuthTokenTimeToLiveInSeconds != b.AuthTokenTimeToLiveInSeconds || a.DeviceCorrelationID != b.DeviceCorrelationID ||
				a.SessionExpired != b.SessionExpired || a.ID == "" {
				t.Fatalf("session %d: %+v came back %+v", i, a, b)
			}
		}
	})
}

// FuzzDecodeServiceError: any answer decodes, with a bounded wait.
func FuzzDecodeServiceError(f *testing.F) {
	f.Add(429, []byte(`{"error":{"statusCode":429,"message":"Rate limit is exceeded. Try again in 26 seconds."}}`), "26", "")
	f.Fuzz(func(t *testing.T, status int, body []byte, retryAfter, errorCode string) {
		h := http.Header{}
		h.Set("Retry-After", retryAfter)
		h.Set("x-ms-error-code", errorCode)
		e := payload.DecodeServiceError(status, h, body)
		if e.StatusCode != status || e.RetryAfter < 0 || e.RetryAfter > 24*time.Hour {
			t.Fatalf("%+v", e)
		}
		_ = e.Error()
	})
}

// fuzzKey is the key of FuzzClientAnswer's Client; $K, $k and $U in the
// fuzzed answer become it as is, lower-cased and upper-cased, so that the
// answer can echo it.
const fuzzKey = "Fuzz-Key-0123456789abcdefABCDEF"

var fuzzKeyReplacer = strings.NewReplacer("$K", fuzzKey, "$k", strings.ToLower(fuzzKey), "$U", strings.ToUpper(fuzzKey))

// fakeService is an http.RoundTripper, no network, that gives every
// request the same answer and records the URLs asked for and the keys
// sent.
type fakeService struct {
	status int
	header http.Header
	body   []byte

	mu   sync.Mutex
	urls []*url.URL
	keys []string
}

func (f *fakeService) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		io.Copy(io.Discard, r.Body)
		r.Body.Close()
	}
	f.mu.Lock()
	f.urls = append(f.urls, r.URL)
	f.keys = append(f.keys, r.Header.Get("Ocp-Apim-Subscription-Key"))
	f.mu.Unlock()
	return &http.Response{
		StatusCode: f.status, Status: strconv.Itoa(f.status), Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: f.header.Clone(), Body: io.NopCloser(bytes.NewReader(f.body)), ContentLength: int64(len(f.body)), Request: r,
	}, nil
}

// FuzzClientAnswer: whatever the service answers (status, Retry-After,
// Location, x-ms-error-code, body), a call ends without a panic, with
// nil or a typed error (*ServiceError, *RedirectError, ErrMalformed) that
// does not show the key in any case, after a bounded number of requests,
// none of them to another origin than the endpoint's.
func FuzzClientAnswer(f *testing.F) {
	deep := strings.Repeat("[", 100000)
	for _, s := range []struct {
		status                        int
		op                            uint8
		retryAfter, location, errCode string
		body                          string
	}{
		{429, 0, "", "", "", `{"error":{"statusCode":429,"message":"ȺȺȺȺȺȺȺȺtry again in "}}`},
		{429, 2, "1", "", "", `{"error":{"statusCode":429,"message":"ȺȺȺȺ Try again in 5 seconds."}}`},
		{307, 2, "", "https://other.example.com/steal?k=$K", "", ""},
		{308, 3, "", "/face/v1.1-preview.1/facelists/list/persistedfaces", "", `{"error":{"code":"$U"}}`},
		{302, 0, "", "/face/v1.1-preview.1/moved", "", ""},
		{301, 0, "", "HTTPS://FACE.EXAMPLE.COM:443/x?$k", "", ""},
		{302, 0, "", "http://face.example.com/downgrade", "", ""},
		{303, 1, "", "/%zz", "", ""},
		{200, 0, "", "", "", `[{"id":"a","createdDateTime":"$K"}]`},
		{200, 0, "", "", "", `[{"id":{"$k":1},"authTokenTimeToLiveInSeconds":"$U"}]`},
		{401, 3, "", "", "$U", `{"error":{"code":"$k","message":"$K"}}`},
		{200, 2, "", "", "", `{"livenessDecision":"realface","targetFrameNumber":1e400}`},
		{200, 0, "", "", "", deep},
		{408, 1, "3", "", "OperationTimeOut", `{"error":{"code":"OperationTimeOut","message":"Request Timeout."}}`},
	} {
		f.Add(s.status, s.op, s.retryAfter, s.location, s.errCode, []byte(s.body))
	}
	f.Fuzz(func(t *testing.T, status int, op uint8, retryAfter, location, errCode string, body []byte) {
		const maxAttempts = 3
		h := http.Header{}
		for k, v := range map[string]string{"Retry-After": retryAfter, "Location": location, "X-Ms-Error-Code": errCode} {
			if v != "" {
				h[k] = []string{fuzzKeyReplacer.Replace(v)}
			}
		}
		fake := &fakeService{status: status, header: h, body: []byte(fuzzKeyReplacer.Replace(string(body)))}
		c, err := payload.NewClient("https://face.example.com", fuzzKey, payload.WithHTTPClient(&http.Client{Transport: fake}),
			payload.WithSleep(func(context.Context, time.Duration) error { return nil }), payload.WithMaxAttempts(maxAttempts),
			payload.WithoutValidation())
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		switch op % 4 {
		case 0:
			_, err = c.ListSessions(ctx, &payload.ListSessionsRequest{Top: 10})
		case 1:
			err = c.DeleteSession(ctx, &payload.DeleteSessionRequest{ID: "0c7b1e8a-4a4a-4b8e-9f55-3c1e5b1d2f00"})
		case 2:
			_, err = c.DetectLiveness(ctx, &payload.LivenessRequest{Frames: []payload.Frame{{FileName: "a.jpg"}},
				Files: []payload.File{{Name: "a.jpg", Data: []byte("\xff\xd8 not much of a JPEG")}}})
		case 3:
			_, err = c.AddFace(ctx, &payload.AddFaceRequest{FaceListID: "list", Image: []byte("\xff\xd8 not much of a JPEG"), FaceCount: 1})
		}
		if err != nil {
			lk := strings.ToLower(fuzzKey)
			for _, s := range []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err), fmt.Sprintf("%q", err)} {
				if strings.Contains(strings.ToLower(s), lk) {
					t.Fatalf("the key shows in %q", s)
				}
			}
			var se *payload.ServiceError
			var re *payload.RedirectError
			switch {
			case errors.As(err, &re):
				if re.Status != status || status < 300 || status > 399 || !errors.Is(err, payload.ErrRedirect) {
					t.Fatalf("redirect error %+v for status %d", re, status)
				}
			case errors.As(err, &se):
				if se.StatusCode != status || status >= 200 && status <= 399 {
					t.Fatalf("service error %+v for status %d", se, status)
				}
			case errors.Is(err, payload.ErrMalformed):
				if status < 200 || status > 299 {
					t.Fatalf("malformed %v for status %d", err, status)
				}
			default:
				t.Fatalf("untyped error %T: %v", err, err)
			}
		} else if status < 200 || status > 299 {
			t.Fatalf("no error for status %d", status)
		}
		if n := len(fake.urls); n < 1 || n > maxAttempts*(1+payload.MaxRedirects) {
			t.Fatalf("%d requests", n)
		}
		for i, u := range fake.urls {
			if u.Scheme != "https" || !strings.EqualFold(u.Hostname(), "face.example.com") || (u.Port() != "" && u.Port() != "443") || fake.keys[i] != fuzzKey {
				t.Fatalf("request %d to %s with key %q", i, u, fake.keys[i])
			}
		}
	})
}
