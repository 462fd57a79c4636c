package servicetest

import (
	"bytes"
	"image"
	"image/jpeg"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"

	"github.com/facegate/facegate/payload"
)

func noiseJPEG(t testing.TB, w, h int, seed uint64) []byte {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 1))
	m := image.NewGray(image.Rect(0, 0, w, h))
	for i := range m.Pix {
		m.Pix[i] = 60 + uint8(rng.IntN(140))
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, m, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// rawPart is a part of a hand-written multipart body.
type rawPart struct {
	header string // the header lines, each ending in CRLF
	body   []byte
}

// rawBody writes a multipart body with boundary "b0undary".
func rawBody(parts ...rawPart) []byte {
	var b bytes.Buffer
	for _, p := range parts {
		b.WriteString("--b0undary\r\n")
		b.WriteString(p.header)
		b.WriteString("\r\n")
		b.Write(p.body)
		b.WriteString("\r\n")
	}
	b.WriteString("--b0undary--\r\n")
	return b.Bytes()
}

const (
	metaHeader = "Content-Disposition: form-data; name=\"Metadata\"\r\nContent-Type: application/json; charset=utf-8\r\n"
	livenessCT = "multipart/form-data; boundary=b0undary"
)

func contentHeader(filename string) string {
	return "Content-Disposition: form-data; name=\"Content\"; filename=\"" + filename + "\"\r\nContent-Type: application/octet-stream\r\n"
}

func meta(names ...string) []byte {
	r := &payload.LivenessRequest{}
	for i, n := range names {
		r.Frames = append(r.Frames, payload.Frame{FileName: n, FrameNumber: i})
	}
	return r.AppendMetadata(nil)
}

// do sends a request to a fresh emulator and returns the status and body.
func do(t *testing.T, e *Emulator, method, path, contentType string, body []byte, hdr ...string) (int, string, http.Header) {
	t.Helper()
	req, err := http.NewRequest(method, "http://emulator"+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Ocp-Apim-Subscription-Key", e.Key())
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := newRecorder()
	e.ServeHTTP(rec, req)
	return rec.status, rec.body.String(), rec.header
}

type recorder struct {
	status int
	header http.Header
	body   bytes.Buffer
}

func newRecorder() *recorder                    { return &recorder{status: 200, header: http.Header{}} }
func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) Write(b []byte) (int, error) { return r.body.Write(b) }
func (r *recorder) WriteHeader(s int)           { r.status = s }

func ruleBody(r payload.Rule) string {
	return `{"error":{"code":"` + r.Code() + `","message":"` + r.Text() + `"}}`
}

const (
	livenessPath = "/face/v1.1-preview.1/detectLiveness/singleModal"
	sessionsPath = "/face/v1.1-preview.1/detectLiveness/singleModal/sessions"
)

// TestRawLivenessBodies sends bodies no payload.LivenessRequest writes.
func TestRawLivenessBodies(t *testing.T) {
	img := noiseJPEG(t, 160, 160, 1)
	img2 := noiseJPEG(t, 160, 160, 2)
	cases := []struct {
		name string
		body []byte
		want payload.Rule
	}{
		{"no-parts", []byte("--b0undary--\r\n"), payload.RuleMetadataMissing},
		{"no-metadata-part", rawBody(rawPart{contentHeader("a.jpg"), img}), payload.RuleMetadataMissing},
		{"metadata-not-json", rawBody(rawPart{metaHeader, []byte("{not json")}, rawPart{contentHeader("a.jpg"), img}), payload.RuleMetadataMissing},
		{"metadata-empty", rawBody(rawPart{metaHeader, nil}, rawPart{contentHeader("a.jpg"), img}), payload.RuleMetadataMissing},
		{"no-content-part", rawBody(rawPart{metaHeader, meta("a.jpg")}), payload.RuleContentMissing},
		{"content-without-filename", rawBody(rawPart{metaHeader, meta("a.jpg")},
			rawPart{"Content-Disposition: form-data; name=\"Content\"\r\n", img}), payload.RuleFileNameMismatch},
		{"content-twice", rawBody(rawPart{metaHeader, meta("a.jpg")}, rawPart{contentHeader("a.jpg"), img}, rawPart{contentHeader("a.jpg"), img}), payload.RuleFileNameMismatch},
		{"content-out-of-order", rawBody(rawPart{metaHeader, meta("a.jpg", "b.jpg")},
			rawPart{contentHeader("b.jpg"), img2}, rawPart{contentHeader("a.jpg"), img}), payload.RuleFileNameMismatch},
		{"truncated-body", rawBody(rawPart{metaHeader, meta("a.jpg")})[:40], payload.RuleMetadataMissing},
	}
	e := New(nil)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, body, _ := do(t, e, "POST", livenessPath, livenessCT, c.body)
			if status != 400 || body != ruleBody(c.want) {
				t.Errorf("answered %d %s, want 400 %s", status, body, ruleBody(c.want))
			}
		})
	}
	// The page's own rendering of the parts: spaces around '=', no
	// quotes, Content-Type before Content-Disposition.
	seedStyle := rawBody(
		rawPart{"Content-Type: application/json; charset = utf-8\r\nContent-Disposition: form-data; name = Metadata\r\n", meta("a.jpg", "b.jpg")},
		rawPart{"Content-Disposition: form-data; name = Content; filename = a.jpg\r\nContent-Type: application/octet-stream\r\n", img},
		rawPart{"Content-Disposition: form-data; name=content; filename=b.jpg\r\n", img2},
	)
	if status, body, _ := do(t, e, "POST", livenessPath, `multipart/form-data; boundary="b0undary"`, seedStyle); status != 200 {
		t.Errorf("seed-style body: %d %s", status, body)
	}
}

func TestLivenessMediaType(t *testing.T) {
	e := New(nil)
	body := rawBody(rawPart{metaHeader, meta("a.jpg")})
	for _, ct := range []string{"", "application/json", "multipart/form-data", "multipart/mixed; boundary=b0undary", "text/plain"} {
		status, got, _ := do(t, e, "POST", livenessPath, ct, body)
		// The exact body of the liveness page.
		if want := `{"error":{"code":"UnsupportedMediaType","message":"Invalid Media Type."}}`; status != 415 || got != want {
			t.Errorf("Content-Type %q: %d %s", ct, status, got)
		}
	}
}

func TestAuthAndRouting(t *testing.T) {
	e := New(&Options{Key: "right", Keys: []string{"second"}, BearerTokens: []string{"token-1"}})
	send := func(method, path string, hdr ...string) *recorder {
		t.Helper()
		req, _ := http.NewRequest(method, "http://emulator"+path, nil)
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		rec := newRecorder()
		e.ServeHTTP(rec, req)
		return rec
	}
	denied := `{"error":{"code":"Unspecified","message":"Access denied due to invalid subscription key. Make sure you are subscribed to an API you are trying to call and provide the right key."}}`
	notFound := `{"error":{"statusCode":404,"message":"Resource not found"}}`
	// The key is checked before the path: a wrong key on a wrong path
	// is a wrong key.
	for _, c := range []struct {
		name, method, path string
		hdr                []string
		status             int
		body               string
	}{
		{"wrong key", "POST", livenessPath, []string{"Ocp-Apim-Subscription-Key", "wrong"}, 401, denied},
		{"wrong key, unknown path", "GET", "/face/v1.0/nothing", []string{"Ocp-Apim-Subscription-Key", "wrong"}, 401, denied},
		{"no key", "GET", "/nothing", nil, 401, denied},
		{"wrong bearer token", "GET", sessionsPath, []string{"Authorization", "Bearer token-2"}, 401, denied},
		{"basic auth", "GET", sessionsPath, []string{"Authorization", "Basic token-1"}, 401, denied},
		{"bearer token", "GET", sessionsPath, []string{"Authorization", "Bearer token-1"}, 200, "[]"},
		{"bearer, any case", "GET", sessionsPath, []string{"Authorization", "bearer token-1"}, 200, "[]"},
		{"second key", "GET", sessionsPath, []string{"Ocp-Apim-Subscription-Key", "second"}, 200, "[]"},
		{"unknown path", "GET", "/face/v1.0/nothing", []string{"Ocp-Apim-Subscription-Key", "right"}, 404, notFound},
		{"unknown API version", "POST", "/face/v9.9/detectLiveness/singleModal", []string{"Ocp-Apim-Subscription-Key", "right"}, 404, notFound},
		{"liveness in v1.0", "POST", "/face/v1.0/detectLiveness/singleModal", []string{"Ocp-Apim-Subscription-Key", "right"}, 404, notFound},
		{"routes ignore case", "POST", "/Face/V1.1-PREVIEW.1/detectliveness/SINGLEMODAL", []string{"Ocp-Apim-Subscription-Key", "right"}, 415, ""},
		{"sessions, lower case", "GET", "/face/v1.2-preview.1/detectlivenesswithverify/singlemodal/sessions", []string{"Ocp-Apim-Subscription-Key", "right"}, 200, "[]"},
		{"known path, other method", "GET", livenessPath, []string{"Ocp-Apim-Subscription-Key", "right"}, 405, ""},
	} {
		rec := send(c.method, c.path, c.hdr...)
		if rec.status != c.status || (c.body != "" && rec.body.String() != c.body) {
			t.Errorf("%s: %d %s, want %d %s", c.name, rec.status, rec.body.String(), c.status, c.body)
		}
	}
	// An SDK's add-face path is lower case.
	if err := e.CreateFaceList("mylist"); err != nil {
		t.Fatal(err)
	}
	img := noiseJPEG(t, 256, 256, 1)
	status, body, _ := do(t, e, "POST", "/face/v1.0/facelists/mylist/persistedfaces", "application/octet-stream", img)
	if status != 200 || !strings.Contains(body, "persistedFaceId") {
		t.Errorf("add face, lower case: %d %s", status, body)
	}
}

func TestFaults(t *testing.T) {
	e := New(nil)
	e.RateLimit(2, 26e9)
	e.Timeout(1)
	e.Inject(Fault{Status: 403})
	e.Inject(Fault{Status: 429, Wait: 3e9, NoRetryAfter: true})
	path := "/face/v1.1-preview.1/detectLiveness/singleModal/sessions"
	want := []struct {
		status     int
		body       string
		retryAfter string
	}{
		{429, `{"error":{"statusCode":429,"message":"Rate limit is exceeded. Try again in 26 seconds."}}`, "26"},
		{429, `{"error":{"statusCode":429,"message":"Rate limit is exceeded. Try again in 26 seconds."}}`, "26"},
		{408, `{"error":{"code":"OperationTimeOut","message":"Request Timeout."}}`, ""},
		{403, `{"error":{"statusCode":403,"message":"Out of call volume quota. Quota will be replenished in 2 days."}}`, ""},
		{429, `{"error":{"statusCode":429,"message":"Rate limit is exceeded. Try again in 3 seconds."}}`, ""},
		{200, `[]`, ""},
	}
	for i, w := range want {
		status, body, h := do(t, e, "GET", path, "", nil)
		if status != w.status || body != w.body || h.Get("Retry-After") != w.retryAfter {
			t.Errorf("request %d: %d %s Retry-After %q, want %d %s %q", i, status, body, h.Get("Retry-After"), w.status, w.body, w.retryAfter)
		}
	}
	if n := e.Requests(); n != len(want) {
		t.Errorf("Requests() = %d", n)
	}
}

func TestReadFormLimits(t *testing.T) {
	big := bytes.Repeat([]byte{'x'}, 5000)
	body := rawBody(rawPart{metaHeader, big}, rawPart{contentHeader("a"), big}, rawPart{"Content-Disposition: form-data; name=\"Other\"\r\n", big})
	f, err := readForm(bytes.NewReader(body), "b0undary", formLimits{maxMetadata: 100, maxContent: 1000, maxParts: 10})
	if err != nil {
		t.Fatal(err)
	}
	if !f.hasMetadata || len(f.metadata) != 100 || f.metaSize != 5000 || len(f.contents) != 1 ||
		len(f.contents[0].data) != 1000 || f.contents[0].size != 5000 || f.contents[0].filename != "a" {
		t.Errorf("form: meta %d/%d, contents %d", len(f.metadata), f.metaSize, len(f.contents))
	}
	_, err = readForm(bytes.NewReader(body), "b0undary", formLimits{maxMetadata: 100, maxContent: 1000, maxParts: 2})
	if err != errTooManyParts {
		t.Errorf("parts limit: %v", err)
	}
}

// TestReadFormMatchesWriteTo reads what payload writes.
func TestReadFormMatchesWriteTo(t *testing.T) {
	r := &payload.LivenessRequest{
		Frames:   []payload.Frame{{FileName: `we"ird\name.jpg`}, {FileName: "b.jpg", FrameNumber: 1}},
		Files:    []payload.File{{Name: "b.jpg", Data: []byte("second\r\n--b0und")}, {Name: `we"ird\name.jpg`, Data: []byte("\r\nfirst\r\n")}},
		Boundary: "b0undary",
	}
	var b bytes.Buffer
	if _, err := r.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	f, err := readForm(&b, "b0undary", defaultFormLimits)
	if err != nil {
		t.Fatal(err)
	}
	if string(f.metadata) != string(r.AppendMetadata(nil)) || len(f.contents) != 2 ||
		f.contents[0].filename != `we"ird\name.jpg` || string(f.contents[0].data) != "\r\nfirst\r\n" ||
		f.contents[1].filename != "b.jpg" || string(f.contents[1].data) != "second\r\n--b0und" {
		t.Errorf("read back %+v", f)
	}
}

// A fault carried by the request's context is answered where a queued one
// would be, after the key and the route, and leaves the queue alone.
func TestWithFault(t *testing.T) {
	e := New(nil)
	e.Inject(Fault{Status: 403})
	path := "/face/v1.1-preview.1/detectLiveness/singleModal/sessions"
	send := func(key string, ctxFault bool) (int, string) {
		req, err := http.NewRequest("GET", "http://emulator"+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Ocp-Apim-Subscription-Key", key)
		if ctxFault {
			req = req.WithContext(WithFault(req.Context(), Fault{Status: 429, Wait: 2e9}))
		}
		rec := newRecorder()
		e.ServeHTTP(rec, req)
		return rec.status, rec.header.Get("Retry-After")
	}
	if status, ra := send(e.Key(), true); status != 429 || ra != "2" {
		t.Errorf("context fault: %d Retry-After %q, want 429 2", status, ra)
	}
	if status, _ := send("wrong", true); status != 401 {
		t.Errorf("context fault, wrong key: %d, want 401", status)
	}
	if status, _ := send(e.Key(), false); status != 403 {
		t.Errorf("after context faults: %d, want the queued 403", status)
	}
	if status, _ := send(e.Key(), false); status != 200 {
		t.Errorf("queue empty: %d, want 200", status)
	}
	if n := e.Requests(); n != 4 {
		t.Errorf("Requests() = %d, want 4", n)
	}
}
