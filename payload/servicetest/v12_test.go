package servicetest

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/facegate/facegate/payload"
)

// TestGASessions: v1.2 creates, gets and deletes sessions under
// detectLiveness[WithVerify]-sessions; delete answers 204 (the
// specification's DeleteLivenessWithVerifySession example); v1.2 has no
// list.
func TestGASessions(t *testing.T) {
	clock := time.Date(2026, 12, 6, 3, 0, 0, 0, time.UTC)
	e := New(&Options{Now: func() time.Time { return clock }})
	for _, kind := range []string{"detectLiveness-sessions", "detectLivenessWithVerify-sessions"} {
		base := "/face/v1.2/" + kind
		status, body, _ := do(t, e, "POST", base, "application/json",
			[]byte(`{"livenessOperationMode":"Passive","deviceCorrelationIdSetInClient":true,"deviceCorrelationId":"dev-1","authTokenTimeToLiveInSeconds":60}`))
		if status != 200 {
			t.Fatalf("%s create: %d %s", kind, status, body)
		}
		var created struct {
			SessionID, AuthToken, Status, ModelVersion string
			Results                                    map[string][]any
		}
		if err := json.Unmarshal([]byte(body), &created); err != nil || created.SessionID == "" || created.AuthToken == "" ||
			created.Status != "NotStarted" || created.Results["attempts"] == nil {
			t.Fatalf("%s create: %s (%v)", kind, body, err)
		}
		if _, ok := created.Results["verifyReferences"]; ok != strings.Contains(kind, "Verify") {
			t.Errorf("%s create: verifyReferences in %s", kind, body)
		}
		status, got, _ := do(t, e, "GET", base+"/"+created.SessionID, "", nil)
		if status != 200 || got != body {
			t.Errorf("%s get: %d %s, want 200 %s", kind, status, got, body)
		}
		if status, body, _ := do(t, e, "GET", base, "", nil); status != 405 {
			t.Errorf("%s list: %d %s, want 405 (v1.2 has no list)", kind, status, body)
		}
		if status, body, _ := do(t, e, "DELETE", base+"/"+created.SessionID, "", nil); status != 204 || body != "" {
			t.Errorf("%s delete: %d %q, want 204", kind, status, body)
		}
		status, body, h := do(t, e, "GET", base+"/"+created.SessionID, "", nil)
		if status != 404 || h.Get("x-ms-error-code") != "SessionNotFound" || !strings.Contains(body, `"code":"SessionNotFound"`) {
			t.Errorf("%s get after delete: %d %s %v", kind, status, body, h)
		}
	}
	// The time to live is bounded: 60 (accepted) to 86400, 59 refused.
	for ttl, want := range map[string]int{"60": 200, "86400": 200, "59": 400, "86401": 400} {
		status, body, _ := do(t, e, "POST", "/face/v1.2/detectLiveness-sessions", "application/json",
			[]byte(`{"livenessOperationMode":"Passive","authTokenTimeToLiveInSeconds":`+ttl+`}`))
		if status != want {
			t.Errorf("ttl %s: %d %s, want %d", ttl, status, body, want)
		}
	}
	if status, body, h := do(t, e, "POST", "/face/v1.2/detectLiveness-sessions", "application/json", []byte(`{`)); status != 400 ||
		body != `{"error":{"code":"BadArgument","message":"JSON parsing error."}}` || h.Get("x-ms-error-code") != "BadArgument" {
		t.Errorf("bad JSON: %d %s", status, body)
	}
}

// TestPreviewGetSession: GET of one session in the previews answers the
// preview's shape with ISO 8601 date-times from the emulator's clock
// (never year 0001 for a session added without one).
func TestPreviewGetSession(t *testing.T) {
	clock := time.Date(2026, 12, 6, 3, 0, 0, 0, time.UTC)
	e := New(&Options{Now: func() time.Time { return clock }})
	id := e.AddSession(payload.SessionLiveness, payload.Session{AuthTokenTimeToLiveInSeconds: 600})
	for _, v := range []string{"v1.1-preview.1", "v1.2-preview.1"} {
		status, body, _ := do(t, e, "GET", "/face/"+v+"/detectLiveness/singleModal/sessions/"+id, "", nil)
		if status != 200 {
			t.Fatalf("%s: %d %s", v, status, body)
		}
		var got map[string]any
		if err := json.Unmarshal([]byte(body), &got); err != nil {
			t.Fatal(err)
		}
		if got["id"] != id || got["createdDateTime"] != "2026-12-06T03:00:00.000Z" || got["status"] != "NotStarted" {
			t.Errorf("%s: %s", v, body)
		}
		if status, _, _ := do(t, e, "GET", "/face/"+v+"/detectLiveness/singleModal/sessions/nope", "", nil); status != 404 {
			t.Errorf("%s unknown: %d", v, status)
		}
	}
	// The list too shows the clock's date.
	if _, body, _ := do(t, e, "GET", sessionsPath, "", nil); strings.Contains(body, "0001-") || !strings.Contains(body, "2026-12-06") {
		t.Errorf("list: %s", body)
	}
}

// TestErrorShape: every {"error":{"code"}} answer carries the same code in
// x-ms-error-code, whatever the API version; an injected 409 is
// ConcurrentOperationConflict.
func TestErrorShape(t *testing.T) {
	e := New(nil)
	status, body, h := do(t, e, "POST", "/face/v1.0/facelists/absent/persistedFaces", "application/octet-stream", noiseJPEG(t, 64, 64, 1))
	if status != 404 || h.Get("x-ms-error-code") != "FaceListNotFound" || !strings.Contains(body, `"code":"FaceListNotFound"`) {
		t.Errorf("v1.0 404: %d %s %v", status, body, h)
	}
	status, body, h = do(t, e, "GET", "/face/v1.0/facelists/absent", "", nil)
	if status != 404 || h.Get("x-ms-error-code") != "FaceListNotFound" || !strings.Contains(body, `"code":"FaceListNotFound"`) {
		t.Errorf("get unknown list: %d %s %v", status, body, h)
	}
	status, body, h = do(t, e, "GET", sessionsPath+"?top=0", "", nil)
	if status != 400 || h.Get("x-ms-error-code") != "BadArgument" {
		t.Errorf("v1.1-preview.1 400: %d %s %v", status, body, h)
	}
	e.Inject(Fault{Status: 409})
	status, body, h = do(t, e, "GET", sessionsPath, "", nil)
	if status != 409 || !strings.Contains(body, `"code":"ConcurrentOperationConflict"`) || h.Get("x-ms-error-code") != "ConcurrentOperationConflict" {
		t.Errorf("409: %d %s %v", status, body, h)
	}
}

// TestEmptyTop: top= with no value is the default, as an absent top; top=0
// stays refused.
func TestEmptyTop(t *testing.T) {
	e := New(nil)
	e.AddSession(payload.SessionLiveness, payload.Session{})
	if status, body, _ := do(t, e, "GET", sessionsPath+"?top=", "", nil); status != 200 || !strings.Contains(body, `"id"`) {
		t.Errorf("top=: %d %s", status, body)
	}
	if status, body, _ := do(t, e, "GET", sessionsPath+"?top=0", "", nil); status != 400 {
		t.Errorf("top=0: %d %s", status, body)
	}
}

// TestAddFaceSniffed: an add-face body without a Content-Type is taken as
// an image when it sniffs as one; a body that is not an image stays 415.
func TestAddFaceSniffed(t *testing.T) {
	e := New(nil)
	if err := e.CreateFaceList("mylist"); err != nil {
		t.Fatal(err)
	}
	path := "/face/v1.0/facelists/mylist/persistedFaces"
	if status, body, _ := do(t, e, "POST", path, "", noiseJPEG(t, 256, 256, 2)); status != 200 || !strings.Contains(body, "persistedFaceId") {
		t.Errorf("JPEG without Content-Type: %d %s", status, body)
	}
	if status, body, _ := do(t, e, "POST", path, "", []byte(strings.Repeat("not an image ", 200))); status != 415 {
		t.Errorf("text without Content-Type: %d %s", status, body)
	}
}

// TestUserDataLimit: userData of 1024 bytes (1 KB, seed 004; SERVICE.md:
// 1 KB is 1024 bytes) is accepted, 1025 refused.
func TestUserDataLimit(t *testing.T) {
	e := New(nil)
	if err := e.CreateFaceList("mylist"); err != nil {
		t.Fatal(err)
	}
	img := noiseJPEG(t, 256, 256, 3)
	for n, want := range map[int]int{1024: 200, 1025: 400} {
		status, body, _ := do(t, e, "POST", "/face/v1.0/facelists/mylist/persistedFaces?userData="+strings.Repeat("u", n), "application/octet-stream", img)
		if status != want {
			t.Errorf("userData of %d bytes: %d %s, want %d", n, status, body, want)
		}
	}
}

// TestSeedShapes: by default the v1.1-preview.1 list follows the REST
// specification (id, ISO 8601 date-times); with SeedShapes it follows seed
// 000's example (sessionId, epoch milliseconds). payload.DecodeSessions
// reads both. The FaceListNotFound text follows the specification, or
// the seed's example body.
func TestSeedShapes(t *testing.T) {
	start := time.Date(2024, 3, 5, 11, 7, 28, 540e6, time.UTC)
	for _, seed := range []bool{false, true} {
		e := New(&Options{SeedShapes: seed})
		e.AddSession(payload.SessionLiveness, payload.Session{ID: "b12e", SessionStartDateTime: start, CreatedDateTime: start})
		_, body, _ := do(t, e, "GET", sessionsPath, "", nil)
		want := `"id":"b12e"`
		wantStart := `"sessionStartDateTime":"2024-03-05T11:07:28.540Z"`
		if seed {
			want, wantStart = `"sessionId":"b12e"`, `"sessionStartDateTime":1709636848540`
		}
		if !strings.Contains(body, want) || !strings.Contains(body, wantStart) {
			t.Errorf("SeedShapes %v: %s", seed, body)
		}
		got, err := payload.DecodeSessions([]byte(body))
		if err != nil || len(got) != 1 || got[0].ID != "b12e" || !got[0].SessionStartDateTime.Equal(start) {
			t.Errorf("SeedShapes %v: decoded %+v, %v", seed, got, err)
		}
		_, body, _ = do(t, e, "GET", "/face/v1.0/facelists/absent", "", nil)
		wantMsg := `"Face list is not found."`
		if seed {
			wantMsg = `"Face list 'absent' is not found."`
		}
		if !strings.Contains(body, wantMsg) {
			t.Errorf("SeedShapes %v: %s", seed, body)
		}
	}
}

// TestStartOrder: start is at most 64 characters (UTF-16 code units), not
// bytes; ids are listed in the service's string order.
func TestStartOrder(t *testing.T) {
	e := New(nil)
	for _, id := range []string{"b", "a", "\uff61", "\U0001F600"} {
		e.AddSession(payload.SessionLiveness, payload.Session{ID: id})
	}
	if status, body, _ := do(t, e, "GET", sessionsPath+"?start="+strings.Repeat("%C3%A9", 64), "", nil); status != 200 {
		t.Errorf("64 characters (128 bytes): %d %s", status, body)
	}
	if status, body, _ := do(t, e, "GET", sessionsPath+"?start="+strings.Repeat("%C3%A9", 65), "", nil); status != 400 {
		t.Errorf("65 characters: %d %s", status, body)
	}
	var ids []string
	for _, s := range e.Sessions(payload.SessionLiveness) {
		ids = append(ids, s.ID)
	}
	// In UTF-16 the surrogate pair (0xD83D...) sorts before U+FF61; in
	// UTF-8 bytes it would sort after.
	if got := strings.Join(ids, ","); got != "a,b,\U0001F600,\uff61" {
		t.Errorf("order %q", got)
	}
}

// TestCreateSessionMediaType: create answers 415 to a body that is not
// application/json, as the other session operations do.
func TestCreateSessionMediaType(t *testing.T) {
	e := New(nil)
	status, body, h := do(t, e, "POST", "/face/v1.2/detectLiveness-sessions", "text/plain", []byte(`{"livenessOperationMode":"Passive"}`))
	if status != 415 || body != `{"error":{"code":"BadArgument","message":"Invalid Media Type."}}` || h.Get("x-ms-error-code") != "BadArgument" {
		t.Errorf("%d %s", status, body)
	}
	if status, body, _ := do(t, e, "POST", "/face/v1.2/detectLiveness-sessions", "application/json", []byte(`{}`)); status != 400 {
		t.Errorf("no livenessOperationMode: %d %s", status, body)
	}
}

// TestPreviewCreateSession: the previews create sessions too (POST on
// .../singleModal/sessions), answering only sessionId and authToken, as the
// v1.1-preview.1 specification's CreateLivenessSession example
// (specification/ai/Face/examples/v1.1-preview.1/LivenessSessionOperations_CreateLivenessSession.json,
// commit 91f024a5400af56e139f4bc23c72153e3ec179dc); the session is then
// listed, got in the preview's shape, and deleted. @azure-rest/ai-vision-face
// 1.0.0-beta.1 calls it (sdktest).
func TestPreviewCreateSession(t *testing.T) {
	e := New(nil)
	for _, version := range []string{"v1.1-preview.1", "v1.2-preview.1"} {
		for _, kind := range []string{"detectLiveness", "detectLivenessWithVerify"} {
			base := "/face/" + version + "/" + kind + "/singleModal/sessions"
			status, body, _ := do(t, e, "POST", base, "application/json",
				[]byte(`{"livenessOperationMode":"Passive","sendResultsToClient":true,"deviceCorrelationIdSetInClient":true,"deviceCorrelationId":"your_device_correlation_id","authTokenTimeToLiveInSeconds":60}`))
			var created map[string]any
			if status != 200 || json.Unmarshal([]byte(body), &created) != nil {
				t.Fatalf("%s create: %d %s", base, status, body)
			}
			id, _ := created["sessionId"].(string)
			if tok, _ := created["authToken"].(string); id == "" || tok == "" || len(created) != 2 {
				t.Errorf("%s create: %s, want sessionId and authToken only", base, body)
			}
			if status, body, _ := do(t, e, "GET", base, "", nil); status != 200 || !strings.Contains(body, `"id":"`+id+`"`) {
				t.Errorf("%s list: %d %s, want the new session", base, status, body)
			}
			if status, body, _ := do(t, e, "GET", base+"/"+id, "", nil); status != 200 || !strings.Contains(body, `"authTokenTimeToLiveInSeconds":60`) ||
				!strings.Contains(body, `"deviceCorrelationId":"your_device_correlation_id"`) {
				t.Errorf("%s get: %d %s", base, status, body)
			}
			if status, body, _ := do(t, e, "DELETE", base+"/"+id, "", nil); status != 200 {
				t.Errorf("%s delete: %d %s, want 200", base, status, body)
			}
			if status, _, _ := do(t, e, "POST", base, "text/plain", []byte(`{}`)); status != 415 {
				t.Errorf("%s create as text/plain: %d, want 415", base, status)
			}
		}
	}
}
