package payload_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/facegate/facegate/payload"
	"github.com/facegate/facegate/payload/servicetest"
)

func TestDecodeSessionsBothShapes(t *testing.T) {
	// The v1.1-preview.1 page's example.
	v11 := `[
  {
    "sessionId": "string",
    "createdDateTime": "2023-10-27T00:41:03.761Z",
    "authTokenTimeToLiveInSeconds": 600,
    "sessionStartDateTime": 1698103899886,
    "deviceCorrelationId": "723d6d03-ef33-40a8-9682-23a1feb7bccd",
    "sessionExpired": true
  }
]`
	// The later page's example.
	later := `[
  {
    "id": "b12e033e-bda7-4b83-a211-e721c661f30e",
    "createdDateTime": "2024-03-05T11:07:28.540Z",
    "sessionStartDateTime": "2024-03-05T11:07:28.540Z",
    "sessionExpired": true,
    "deviceCorrelationId": "your_device_correlation_id",
    "authTokenTimeToLiveInSeconds": 60
  }
]`
	got, err := payload.DecodeSessions([]byte(v11))
	if err != nil {
		t.Fatal(err)
	}
	want := payload.Session{ID: "string", CreatedDateTime: time.Date(2023, 10, 27, 0, 41, 3, 761e6, time.UTC),
		SessionStartDateTime: time.UnixMilli(1698103899886).UTC(), AuthTokenTimeToLiveInSeconds: 600,
		DeviceCorrelationID: "723d6d03-ef33-40a8-9682-23a1feb7bccd", SessionExpired: true}
	if len(got) != 1 || !reflect.DeepEqual(got[0], want) {
		t.Errorf("v1.1 shape: %+v", got)
	}
	got, err = payload.DecodeSessions([]byte(later))
	if err != nil {
		t.Fatal(err)
	}
	want = payload.Session{ID: "b12e033e-bda7-4b83-a211-e721c661f30e", CreatedDateTime: time.Date(2024, 3, 5, 11, 7, 28, 540e6, time.UTC),
		SessionStartDateTime: time.Date(2024, 3, 5, 11, 7, 28, 540e6, time.UTC), AuthTokenTimeToLiveInSeconds: 60,
		DeviceCorrelationID: "your_device_correlation_id", SessionExpired: true}
	if len(got) != 1 || !reflect.DeepEqual(got[0], want) {
		t.Errorf("later shape: %+v", got)
	}
	// Mixed forms, an array id (the v1.1 page types sessionId as an
	// Array), null and absent members.
	got, err = payload.DecodeSessions([]byte(`[{"sessionId":["a"],"createdDateTime":1698103899886,"sessionStartDateTime":null},
		{"id":"b","createdDateTime":"2024-03-05T11:07:28","authTokenTimeToLiveInSeconds":600.0}]`))
	if err != nil || len(got) != 2 || got[0].ID != "a" || !got[0].SessionStartDateTime.IsZero() ||
		got[0].CreatedDateTime.UnixMilli() != 1698103899886 || got[1].CreatedDateTime != time.Date(2024, 3, 5, 11, 7, 28, 0, time.UTC) ||
		got[1].AuthTokenTimeToLiveInSeconds != 600 {
		t.Errorf("mixed: %+v %v", got, err)
	}
	for _, bad := range []string{``, `null`, `{}`, `[{}]`, `[{"id":1}]`, `[{"id":"a","createdDateTime":"yesterday"}]`,
		`[{"id":"a","createdDateTime":true}]`, `[{"id":"a","authTokenTimeToLiveInSeconds":1.5}]`, `[{"id":"a","sessionExpired":"yes"}]`} {
		if _, err := payload.DecodeSessions([]byte(bad)); !errors.Is(err, payload.ErrMalformed) {
			t.Errorf("DecodeSessions(%s) = %v", bad, err)
		}
	}
}

func TestSessionsAgainstEmulator(t *testing.T) {
	srv := servicetest.NewServer(nil)
	defer srv.Close()
	c, err := payload.NewClient(srv.URL, srv.Key(), payload.WithHTTPClient(srv.Client()))
	if err != nil {
		t.Fatal(err)
	}
	created := time.Date(2024, 3, 5, 11, 7, 28, 540e6, time.UTC)
	for _, id := range []string{"c", "a", "d", "b"} {
		srv.AddSession(payload.SessionLiveness, payload.Session{ID: id, CreatedDateTime: created, AuthTokenTimeToLiveInSeconds: 600,
			SessionStartDateTime: created.Add(time.Minute), DeviceCorrelationID: "dev-" + id})
	}
	srv.AddSession(payload.SessionLivenessWithVerify, payload.Session{ID: "v1", CreatedDateTime: created})
	ctx := context.Background()
	for _, version := range []string{"", "v1.2-preview.1"} {
		got, err := c.ListSessions(ctx, &payload.ListSessionsRequest{APIVersion: version, Start: "a", Top: 2})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].ID != "b" || got[1].ID != "c" || got[0].DeviceCorrelationID != "dev-b" ||
			!got[0].CreatedDateTime.Equal(created) || !got[0].SessionStartDateTime.Equal(created.Add(time.Minute)) {
			t.Errorf("version %q: %+v", version, got)
		}
	}
	all, err := c.ListSessions(ctx, nil)
	if err != nil || len(all) != 4 {
		t.Fatalf("all: %v %v", all, err)
	}

	// Rules: Validate predicts, the emulator answers the same.
	for _, lr := range []struct {
		req  payload.ListSessionsRequest
		want payload.Rule
	}{
		{payload.ListSessionsRequest{Start: strings.Repeat("x", 65)}, payload.RuleSessionStart},
		{payload.ListSessionsRequest{Top: 1001}, payload.RuleSessionTop},
		{payload.ListSessionsRequest{Top: -1}, payload.RuleSessionTop},
	} {
		if err := lr.req.Validate(); !errors.Is(err, lr.want) {
			t.Errorf("%+v: Validate = %v", lr.req, err)
		}
		req, err := lr.req.NewRequest(ctx, srv.URL, srv.Key())
		if err != nil {
			t.Fatal(err)
		}
		status, se, body := doHTTP(t, srv.Client(), req)
		if status != 400 || se.Code != "BadArgument" || se.Message != lr.want.Text() {
			t.Errorf("%+v: emulator %d %s", lr.req, status, body)
		}
	}

	// Delete: 200, then 400 InvalidSessionId, and 404 for an unknown id.
	del := &payload.DeleteSessionRequest{ID: "a"}
	if err := c.DeleteSession(ctx, del); err != nil {
		t.Fatal(err)
	}
	var se *payload.ServiceError
	if err := c.DeleteSession(ctx, del); !errors.As(err, &se) || se.StatusCode != 400 || se.Code != "InvalidSessionId" {
		t.Errorf("second delete: %v", err)
	}
	if err := c.DeleteSession(ctx, &payload.DeleteSessionRequest{ID: "zz/../x"}); !errors.As(err, &se) || se.Code != "SessionNotFound" || !errors.Is(err, payload.ErrNotFound) {
		t.Errorf("unknown: %v", err)
	}
	if err := c.DeleteSession(ctx, &payload.DeleteSessionRequest{Kind: payload.SessionLivenessWithVerify, ID: "v1"}); err != nil {
		t.Errorf("with verify: %v", err)
	}
	if err := c.DeleteSession(ctx, &payload.DeleteSessionRequest{}); !errors.Is(err, payload.ErrInvalid) {
		t.Errorf("empty id: %v", err)
	}
	if n := len(srv.Sessions(payload.SessionLiveness)); n != 3 {
		t.Errorf("%d sessions left", n)
	}
	// The later version also sends the code in x-ms-error-code.
	req, _ := (&payload.DeleteSessionRequest{APIVersion: "v1.2-preview.1", ID: "nope"}).NewRequest(ctx, srv.URL, srv.Key())
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Header.Get("x-ms-error-code") != "SessionNotFound" {
		t.Errorf("x-ms-error-code %q", resp.Header.Get("x-ms-error-code"))
	}
	// 415: only application/json.
	req, _ = (&payload.ListSessionsRequest{}).NewRequest(ctx, srv.URL, srv.Key())
	req.Header.Set("Content-Type", "text/plain")
	if status, _, body := doHTTP(t, srv.Client(), req); status != 415 || string(body) != `{"error":{"code":"BadArgument","message":"Invalid Media Type."}}` {
		t.Errorf("415: %d %s", status, body)
	}
}

// A hostile answer cannot make an error megabytes long: the values an
// error quotes are clipped.
func TestDecodeSessionsErrorIsShort(t *testing.T) {
	long := strings.Repeat("é", 1<<19)
	for _, doc := range []string{
		`[{"id":"a","createdDateTime":"` + long + `"}]`,
		`[{"id":"a","createdDateTime":` + strings.Repeat("9", 1<<20) + `}]`,
		`[{"id":` + strings.Repeat("1", 1<<20) + `.5}]`,
	} {
		_, err := payload.DecodeSessions([]byte(doc))
		if !errors.Is(err, payload.ErrMalformed) {
			t.Fatalf("err = %v, want ErrMalformed", err)
		}
		if n := len(err.Error()); n > 1024 || !utf8.ValidString(err.Error()) {
			t.Errorf("error of %d bytes (valid UTF-8: %v)", n, utf8.ValidString(err.Error()))
		}
	}
}

// TestStartCountsCharacters: start is "no more than 64 characters" (seed
// 000), counted as the service counts a string (StartLength), not in
// bytes: 64 two-byte characters pass, 65 do not; an astral rune counts 2.
func TestStartCountsCharacters(t *testing.T) {
	for _, c := range []struct {
		start string
		ok    bool
	}{
		{strings.Repeat("é", 64), true},
		{strings.Repeat("é", 65), false},
		{strings.Repeat("a", 62) + "\U0001F600", true},
		{strings.Repeat("a", 63) + "\U0001F600", false},
	} {
		r := &payload.ListSessionsRequest{Start: c.start}
		if err := r.Validate(); (err == nil) != c.ok {
			t.Errorf("start of %d bytes: %v, want ok=%v", len(c.start), err, c.ok)
		}
	}
}

// TestClientSessionURLs: the client's session URLs exist in the emulator
// for every API version it serves, and GetSession reads both the
// previews' shape (id) and v1.2's (sessionId, status, modelVersion).
func TestClientSessionURLs(t *testing.T) {
	srv := servicetest.NewServer(nil)
	defer srv.Close()
	c, err := payload.NewClient(srv.URL, srv.Key(), payload.WithHTTPClient(srv.Client()))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, v := range []string{"", "v1.2-preview.1", payload.SessionsGAVersion} {
		for _, kind := range []payload.SessionKind{payload.SessionLiveness, payload.SessionLivenessWithVerify} {
			id := srv.AddSession(kind, payload.Session{DeviceCorrelationID: "dev"})
			s, err := c.GetSession(ctx, &payload.GetSessionRequest{Kind: kind, APIVersion: v, ID: id})
			if err != nil || s.ID != id || s.Status != "NotStarted" {
				t.Fatalf("%q %v get: %+v, %v", v, kind, s, err)
			}
			if v == payload.SessionsGAVersion {
				if s.ModelVersion == "" {
					t.Errorf("%q %v get: no modelVersion: %+v", v, kind, s)
				}
				if _, err := c.ListSessions(ctx, &payload.ListSessionsRequest{Kind: kind, APIVersion: v}); !errors.Is(err, payload.ErrInvalid) {
					t.Errorf("%q list: %v, want ErrInvalid (v1.2 has no list)", v, err)
				}
			} else {
				ss, err := c.ListSessions(ctx, &payload.ListSessionsRequest{Kind: kind, APIVersion: v})
				if err != nil || len(ss) == 0 || ss[len(ss)-1].ID != id || ss[len(ss)-1].CreatedDateTime.Year() < 2000 {
					t.Errorf("%q %v list: %+v, %v", v, kind, ss, err)
				}
			}
			if err := c.DeleteSession(ctx, &payload.DeleteSessionRequest{Kind: kind, APIVersion: v, ID: id}); err != nil {
				t.Errorf("%q %v delete: %v", v, kind, err)
			}
			if _, err := c.GetSession(ctx, &payload.GetSessionRequest{Kind: kind, APIVersion: v, ID: id}); !errors.Is(err, payload.ErrNotFound) {
				t.Errorf("%q %v get after delete: %v", v, kind, err)
			}
		}
	}
}
