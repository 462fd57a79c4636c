package payload_test

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strconv"
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
