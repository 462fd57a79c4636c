package payload_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/facegate/facegate/payload"
	"github.com/facegate/facegate/payload/servicetest"
)

// fakeSleep records the waits and returns at once (or runs hook).
type fakeSleep struct {
	mu    sync.Mutex
	waits []time.Duration
	hook  func(ctx context.Context) error
}

func (s *fakeSleep) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.waits = append(s.waits, d)
	s.mu.Unlock()
	if s.hook != nil {
		return s.hook(ctx)
	}
	return ctx.Err()
}

func newTestClient(t *testing.T, srv *servicetest.Server, sl *fakeSleep, opts ...payload.Option) *payload.Client {
	t.Helper()
	opts = append([]payload.Option{payload.WithHTTPClient(srv.Client()), payload.WithSleep(sl.sleep)}, opts...)
	c, err := payload.NewClient(srv.URL, srv.Key(), opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func validRequest(t testing.TB) *payload.LivenessRequest {
	f := getFixtures(t)
	return oneImage("a.jpg", f.good, payload.Frame{TargetFace: rect(80, 40, 160, 160)})
}

func TestClientRateLimitThenSuccess(t *testing.T) {
	for _, header := range []bool{true, false} {
		srv := servicetest.NewServer(nil)
		defer srv.Close()
		srv.Inject(servicetest.Fault{Status: 429, Times: 2, Wait: 26 * time.Second, NoRetryAfter: !header})
		sl := &fakeSleep{}
		c := newTestClient(t, srv, sl)
		res, err := c.DetectLiveness(context.Background(), validRequest(t))
		if err != nil {
			t.Fatal(err)
		}
		if res.LivenessDecision != payload.DecisionRealFace {
			t.Errorf("decision %q", res.LivenessDecision)
		}
		if fmt.Sprint(sl.waits) != "[26s 26s]" || srv.Requests() != 3 {
			t.Errorf("Retry-After header %v: waits %v, %d requests", header, sl.waits, srv.Requests())
		}
	}
}

func TestClientTimeoutRetries(t *testing.T) {
	srv := servicetest.NewServer(nil)
	defer srv.Close()
	srv.Timeout(2)
	sl := &fakeSleep{}
	c := newTestClient(t, srv, sl, payload.WithDefaultWait(500*time.Millisecond))
	if _, err := c.ListSessions(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(sl.waits) != "[500ms 1s]" || srv.Requests() != 3 {
		t.Errorf("waits %v, %d requests", sl.waits, srv.Requests())
	}
}

func TestClientBoundedAttempts(t *testing.T) {
	srv := servicetest.NewServer(nil)
	defer srv.Close()
	srv.RateLimit(10, 2*time.Second)
	sl := &fakeSleep{}
	c := newTestClient(t, srv, sl, payload.WithMaxAttempts(3))
	_, err := c.DetectLiveness(context.Background(), validRequest(t))
	var se *payload.ServiceError
	if !errors.Is(err, payload.ErrRateLimited) || !errors.As(err, &se) || se.RetryAfter != 2*time.Second {
		t.Fatalf("err = %v", err)
	}
	if srv.Requests() != 3 || len(sl.waits) != 2 {
		t.Errorf("%d requests, waits %v", srv.Requests(), sl.waits)
	}
}

func TestClientMaxWait(t *testing.T) {
	srv := servicetest.NewServer(nil)
	defer srv.Close()
	srv.RateLimit(1, 2*time.Minute)
	sl := &fakeSleep{}
	c := newTestClient(t, srv, sl, payload.WithMaxWait(time.Minute))
	_, err := c.ListSessions(context.Background(), nil)
	var se *payload.ServiceError
	if !errors.As(err, &se) || se.RetryAfter != 2*time.Minute || len(sl.waits) != 0 || srv.Requests() != 1 {
		t.Fatalf("err = %v, waits %v", err, sl.waits)
	}
}

func TestClientContextCancel(t *testing.T) {
	srv := servicetest.NewServer(nil)
	defer srv.Close()
	srv.RateLimit(5, time.Second)
	ctx, cancel := context.WithCancel(context.Background())
	sl := &fakeSleep{hook: func(ctx context.Context) error { cancel(); return ctx.Err() }}
	c := newTestClient(t, srv, sl)
	_, err := c.DetectLiveness(ctx, validRequest(t))
	var se *payload.ServiceError
	if !errors.Is(err, context.Canceled) || !errors.As(err, &se) || se.StatusCode != 429 {
		t.Fatalf("err = %v", err)
	}
	if srv.Requests() != 1 {
		t.Errorf("%d requests", srv.Requests())
	}
	// Already cancelled: nothing is sent.
	if _, err := c.ListSessions(ctx, nil); !errors.Is(err, context.Canceled) || srv.Requests() != 1 {
		t.Errorf("cancelled: %v, %d requests", err, srv.Requests())
	}
	// The real sleep returns when the context is done.
	c2, _ := payload.NewClient(srv.URL, srv.Key(), payload.WithHTTPClient(srv.Client()))
	ctx2, cancel2 := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel2()
	start := time.Now()
	if _, err := c2.ListSessions(ctx2, nil); !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 900*time.Millisecond {
		t.Errorf("real sleep: %v after %v", err, time.Since(start))
	}
}

func TestClientRetryAfterDate(t *testing.T) {
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	var n int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n++; n == 1 {
			w.Header().Set("Retry-After", now.Add(45*time.Second).Format(http.TimeFormat))
			w.WriteHeader(429)
			return
		}
		w.Write([]byte("[]"))
	}))
	defer srv.Close()
	sl := &fakeSleep{}
	c, _ := payload.NewClient(srv.URL, "k", payload.WithSleep(sl.sleep), payload.WithClock(func() time.Time { return now }))
	if _, err := c.ListSessions(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(sl.waits) != "[45s]" {
		t.Errorf("waits %v", sl.waits)
	}
}

func TestClientValidatesFirst(t *testing.T) {
	small := payload.FaceObservation{Size: 100} // under the minimum face
	srv := servicetest.NewServer(&servicetest.Options{
		Observe: func(*servicetest.Frame) payload.FaceObservation { return small },
	})
	defer srv.Close()
	c := newTestClient(t, srv, &fakeSleep{})
	r := validRequest(t)
	r.Frames[0].Face = &small
	_, err := c.DetectLiveness(context.Background(), r)
	var re *payload.RuleError
	if !errors.As(err, &re) || re.Rule != payload.RuleFaceNotFoundInRect || srv.Requests() != 0 {
		t.Fatalf("err = %v, %d requests", err, srv.Requests())
	}
	// Without validation the service answers the same.
	c = newTestClient(t, srv, &fakeSleep{}, payload.WithoutValidation())
	_, err = c.DetectLiveness(context.Background(), r)
	if !errors.Is(err, re.Rule) || srv.Requests() != 1 {
		t.Fatalf("err = %v", err)
	}
}

// TestKeyRedaction: the key never shows in errors or in a formatted
// Client.
func TestKeyRedaction(t *testing.T) {
	const key = "s3cret-KEY-0123456789abcdef"
	srv := servicetest.NewServer(&servicetest.Options{Key: "another-key"})
	defer srv.Close()
	c, err := payload.NewClient(srv.URL, key, payload.WithHTTPClient(srv.Client()), payload.WithSleep((&fakeSleep{}).sleep))
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	_, err = c.DetectLiveness(context.Background(), validRequest(t))
	if !errors.Is(err, payload.ErrUnauthorized) {
		t.Fatalf("wrong key: %v", err)
	}
	texts = append(texts, err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err))
	_, err = c.ListSessions(context.Background(), &payload.ListSessionsRequest{Top: 5000})
	texts = append(texts, err.Error())
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
		texts = append(texts, fmt.Sprintf(verb, c), fmt.Sprintf(verb, *c), fmt.Sprintf(verb, []any{c}),
			fmt.Sprintf(verb, struct{ C *payload.Client }{c}), fmt.Sprintf(verb, struct{ C payload.Client }{*c}))
	}
	texts = append(texts, c.String(), c.GoString())
	// A transport error: the server is gone.
	srv.Close()
	_, err = c.ListSessions(context.Background(), nil)
	if err == nil {
		t.Fatal("no error from a closed server")
	}
	texts = append(texts, err.Error())
	// Refused keys are not quoted.
	for _, bad := range []string{key + "\r\n", ""} {
		if _, err := payload.NewClient("https://example.com", bad); err == nil {
			t.Errorf("key %q accepted", bad)
		} else {
			texts = append(texts, err.Error())
		}
	}
	for _, s := range texts {
		if strings.Contains(s, key) || strings.Contains(s, "s3cret") {
			t.Errorf("the key shows in %q", s)
		}
	}
	if !strings.Contains(c.String(), "[redacted]") {
		t.Errorf("String() = %s", c.String())
	}
}

func TestNewClientOptions(t *testing.T) {
	for _, ep := range []string{"", "westus.api.cognitive.microsoft.com", "ftp://x", "https://x/?a=b"} {
		if _, err := payload.NewClient(ep, "k"); !errors.Is(err, payload.ErrInvalid) {
			t.Errorf("endpoint %q: %v", ep, err)
		}
	}
	for _, o := range []payload.Option{payload.WithMaxAttempts(0), payload.WithHTTPClient(nil), payload.WithSleep(nil),
		payload.WithClock(nil), payload.WithMaxWait(-1), payload.WithDefaultWait(-1)} {
		if _, err := payload.NewClient("https://x", "k", o); !errors.Is(err, payload.ErrInvalid) {
			t.Errorf("option accepted: %v", err)
		}
	}
	c, err := payload.NewClient("https://westus.api.cognitive.microsoft.com/", "k")
	if err != nil || c.Endpoint() != "https://westus.api.cognitive.microsoft.com/" {
		t.Fatal(err)
	}
	u, _ := validRequest(t).URL(c.Endpoint())
	if u != "https://westus.api.cognitive.microsoft.com/face/v1.1-preview.1/detectLiveness/singleModal" {
		t.Errorf("URL %s", u)
	}
}

// TestClientConcurrent shares one Client and one emulator between
// goroutines (run with -race).
func TestClientConcurrent(t *testing.T) {
	srv := servicetest.NewServer(nil)
	defer srv.Close()
	srv.CreateFaceList("shared")
	srv.RateLimit(3, time.Second)
	c := newTestClient(t, srv, &fakeSleep{})
	f := getFixtures(t)
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx := context.Background()
			for range 4 {
				var err error
				switch g % 3 {
				case 0:
					_, err = c.DetectLiveness(ctx, validRequest(t))
				case 1:
					_, err = c.AddFace(ctx, &payload.AddFaceRequest{FaceListID: "shared", Image: f.good, FaceCount: 1})
				case 2:
					_, err = c.ListSessions(ctx, &payload.ListSessionsRequest{Top: 10})
				}
				if err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if faces, _ := srv.FaceListFaces("shared"); len(faces) != 8 {
		t.Errorf("%d faces", len(faces))
	}
}

// The key and the body never follow a redirect: a 307 or 308 from the
// endpoint to another host (or from https to http) is an error, whatever
// http.Client the caller gives; the other server gets nothing (issue 14).
func TestClientDoesNotFollowRedirects(t *testing.T) {
	const key = "redirect-KEY-0123456789abcdef"
	var mu sync.Mutex
	var leaked []string
	thief := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		leaked = append(leaked, r.Method+" "+r.URL.Path+" key="+r.Header.Get("Ocp-Apim-Subscription-Key"))
		mu.Unlock()
	}))
	defer thief.Close()
	for _, status := range []int{301, 302, 303, 307, 308} {
		origin := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, thief.URL+r.URL.Path, status)
		}))
		permissive := *origin.Client()
		permissive.CheckRedirect = func(*http.Request, []*http.Request) error { return nil } // follow anything
		for name, hc := range map[string]*http.Client{"test client": origin.Client(), "permissive client": &permissive} {
			c, err := payload.NewClient(origin.URL, key, payload.WithHTTPClient(hc), payload.WithSleep((&fakeSleep{}).sleep))
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.DetectLiveness(context.Background(), validRequest(t))
			if err == nil || strings.Contains(err.Error(), key) {
				t.Errorf("%d, %s: err %v", status, name, err)
			}
			if err := c.DeleteSession(context.Background(), &payload.DeleteSessionRequest{ID: "0c7b1e8a-4a4a-4b8e-9f55-3c1e5b1d2f00"}); err == nil {
				t.Errorf("%d, %s: delete followed the redirect", status, name)
			}
		}
		origin.Close()
	}
	mu.Lock()
	defer mu.Unlock()
	if len(leaked) != 0 {
		t.Errorf("the other server was called %d times: %q", len(leaked), leaked)
	}
}

// An answer that echoes the key in another case does not carry it into the
// error's text (issue 14).
func TestKeyRedactedInAnyCase(t *testing.T) {
	const key = "MiXeD-case-KEY-0123456789abcdef"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		k := r.Header.Get("Ocp-Apim-Subscription-Key")
		w.WriteHeader(401)
		fmt.Fprintf(w, `{"error":{"code":"%s","message":"Key %s or %s is invalid."}}`, strings.ToUpper(k), strings.ToLower(k), k)
	}))
	defer srv.Close()
	c, err := payload.NewClient(srv.URL, key, payload.WithHTTPClient(srv.Client()), payload.WithSleep((&fakeSleep{}).sleep))
	if err != nil {
		t.Fatal(err)
	}
	err = c.DeleteSession(context.Background(), &payload.DeleteSessionRequest{ID: "abc"})
	if !errors.Is(err, payload.ErrUnauthorized) {
		t.Fatalf("%v", err)
	}
	for _, s := range []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)} {
		if strings.Contains(strings.ToLower(s), strings.ToLower(key)) {
			t.Errorf("the key shows in %q", s)
		}
	}
}

// Without an http.Client of the caller's, each attempt is bounded by
// DefaultTimeout (issue 14: http.DefaultClient waits for ever); a given
// client's Timeout is kept.
func TestClientDefaultTimeout(t *testing.T) {
	c, err := payload.NewClient("https://example.com", "k")
	if err != nil {
		t.Fatal(err)
	}
	if want := "timeout: " + payload.DefaultTimeout.String(); !strings.Contains(c.String(), want) {
		t.Errorf("%s lacks %q", c, want)
	}
	hang := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-hang }))
	defer srv.Close()
	defer close(hang)
	c, err = payload.NewClient(srv.URL, "k", payload.WithHTTPClient(&http.Client{Timeout: 100 * time.Millisecond}), payload.WithMaxAttempts(1))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = c.ListSessions(context.Background(), nil)
	var ne interface{ Timeout() bool }
	if !errors.As(err, &ne) || !ne.Timeout() || time.Since(start) > 5*time.Second {
		t.Errorf("hanging server: %v after %v", err, time.Since(start))
	}
}

// recorder is a loopback test server that records the requests it gets
// (method, Host, path and the key header), answering with h.
type recorder struct {
	*httptest.Server
	mu   sync.Mutex
	seen []seenRequest
}

type seenRequest struct{ Method, Host, Path, Key string }

func newRecorder(t *testing.T, tls bool, h http.HandlerFunc) *recorder {
	t.Helper()
	rec := &recorder{}
	wrapped := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.mu.Lock()
		rec.seen = append(rec.seen, seenRequest{r.Method, r.Host, r.URL.Path, r.Header.Get("Ocp-Apim-Subscription-Key")})
		rec.mu.Unlock()
		h(w, r)
	})
	if tls {
		rec.Server = httptest.NewTLSServer(wrapped)
	} else {
		rec.Server = httptest.NewServer(wrapped)
	}
	t.Cleanup(rec.Close)
	return rec
}

// requests returns the requests seen so far.
func (r *recorder) requests() []seenRequest {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]seenRequest(nil), r.seen...)
}

// assertNoKeyIn fails if any text holds key, in any case.
func assertNoKeyIn(t *testing.T, key string, texts ...string) {
	t.Helper()
	for _, s := range texts {
		if strings.Contains(strings.ToLower(s), strings.ToLower(key)) {
			t.Errorf("the key shows in %q", s)
		}
	}
}

// errTexts is err formatted with the verbs a caller may log it with.
func errTexts(err error) []string {
	if err == nil {
		return nil
	}
	return []string{err.Error(), fmt.Sprintf("%v", err), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err), fmt.Sprintf("%q", err)}
}

// A GET follows a redirect to the endpoint's own origin (relative, or
// absolute with the scheme and host in another case), with the key; the
// answer at the end is the call's.
func TestClientFollowsSameOriginGET(t *testing.T) {
	const key = "same-origin-KEY-0123456789abcdef"
	var srv *recorder
	srv = newRecorder(t, false, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/moved":
			w.Header().Set("Location", "HTTP://LocalHost:"+srv.URL[strings.LastIndex(srv.URL, ":")+1:]+"/final?x=1")
			w.WriteHeader(http.StatusTemporaryRedirect)
		case "/final":
			w.Write([]byte(`[{"id":"s1"}]`))
		default:
			http.Redirect(w, r, "/moved", http.StatusFound)
		}
	})
	endpoint := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)
	c, err := payload.NewClient(endpoint, key, payload.WithHTTPClient(srv.Client()))
	if err != nil {
		t.Fatal(err)
	}
	ss, err := c.ListSessions(context.Background(), nil)
	if err != nil || len(ss) != 1 || ss[0].ID != "s1" {
		t.Fatalf("sessions %v, err %v", ss, err)
	}
	seen := srv.requests()
	if len(seen) != 3 || seen[1].Path != "/moved" || seen[2].Path != "/final" {
		t.Fatalf("requests %+v", seen)
	}
	for _, r := range seen {
		if r.Key != key || r.Method != http.MethodGet {
			t.Errorf("request %+v: method or key lost", r)
		}
	}
}

// The redirects a Client refuses come back as a *RedirectError naming the
// Location: a GET's to another origin (another port, https to http),
// beyond MaxRedirects, or to a Location that is no URL; a POST's or a
// DELETE's, even to the same origin. The key never leaves the origin.
func TestClientRedirectError(t *testing.T) {
	const key = "redirect-error-KEY-0123456789abcdef"
	thief := newRecorder(t, false, func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("[]")) })
	var hops int
	var mu sync.Mutex
	origin := newRecorder(t, false, func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasPrefix(r.URL.Path, "/loop"):
			mu.Lock()
			hops++
			n := hops
			mu.Unlock()
			http.Redirect(w, r, fmt.Sprintf("/loop%d", n), http.StatusFound)
		case r.URL.Path == "/face/v1.1-preview.1/detectLiveness/singleModal/sessions" && r.URL.Query().Get("start") == "elsewhere":
			// The Location echoes the key in another case.
			w.Header().Set("Location", thief.URL+"/steal?k="+strings.ToUpper(r.Header.Get("Ocp-Apim-Subscription-Key")))
			w.WriteHeader(http.StatusFound)
		case r.URL.Query().Get("start") == "bad":
			w.Header().Set("Location", "/%zz")
			w.WriteHeader(http.StatusMovedPermanently)
		case r.URL.Query().Get("start") == "loop":
			http.Redirect(w, r, "/loop", http.StatusFound)
		default: // POST and DELETE: a 307 to the same origin
			w.Header().Set("Location", "/same-origin")
			w.WriteHeader(http.StatusTemporaryRedirect)
		}
	})
	c, err := payload.NewClient(origin.URL, key, payload.WithHTTPClient(origin.Client()), payload.WithSleep((&fakeSleep{}).sleep))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	_, errElsewhere := c.ListSessions(ctx, &payload.ListSessionsRequest{Start: "elsewhere"})
	_, errBad := c.ListSessions(ctx, &payload.ListSessionsRequest{Start: "bad"})
	_, errLoop := c.ListSessions(ctx, &payload.ListSessionsRequest{Start: "loop"})
	_, errPost := c.DetectLiveness(ctx, validRequest(t))
	errDelete := c.DeleteSession(ctx, &payload.DeleteSessionRequest{ID: "abc"})
	for _, tc := range []struct {
		name     string
		err      error
		status   int
		method   string
		location string
	}{
		{"cross-origin", errElsewhere, 302, "GET", thief.URL + "/steal?k=[redacted]"},
		{"unparsable Location", errBad, 301, "GET", "/%zz"},
		{"over MaxRedirects", errLoop, 302, "GET", fmt.Sprintf("/loop%d", payload.MaxRedirects)},
		{"POST", errPost, 307, "POST", "/same-origin"},
		{"DELETE", errDelete, 307, "DELETE", "/same-origin"},
	} {
		var re *payload.RedirectError
		if !errors.As(tc.err, &re) {
			t.Errorf("%s: %v is not a *RedirectError", tc.name, tc.err)
			continue
		}
		if re.Status != tc.status || re.Method != tc.method || re.Location != tc.location {
			t.Errorf("%s: %+v", tc.name, *re)
		}
		var se *payload.ServiceError
		if !errors.Is(tc.err, payload.ErrRedirect) || !errors.Is(tc.err, payload.ErrUnexpectedStatus) || !errors.As(tc.err, &se) || se.StatusCode != tc.status {
			t.Errorf("%s: %v does not match ErrRedirect, ErrUnexpectedStatus and *ServiceError", tc.name, tc.err)
		}
		if !strings.Contains(tc.err.Error(), strconv.Quote(tc.location)) {
			t.Errorf("%s: %q does not name the Location", tc.name, tc.err)
		}
		assertNoKeyIn(t, key, errTexts(tc.err)...)
	}
	if n := len(thief.requests()); n != 0 {
		t.Errorf("the other origin got %d requests: %+v", n, thief.requests())
	}
	// 1 elsewhere, 1 bad, 1+MaxRedirects loop, 1 POST, 1 DELETE.
	if n := len(origin.requests()); n != 4+1+payload.MaxRedirects {
		t.Errorf("%d requests to the origin: %+v", n, origin.requests())
	}
}

// An http:// endpoint is refused unless it is loopback or the caller opts
// in with WithInsecureHTTP: the key would cross the network in clear text.
func TestNewClientPlainHTTP(t *testing.T) {
	for _, ep := range []string{"http://westus.api.cognitive.microsoft.com", "HTTP://Example.COM:8080/base", "http://localhost.example.com",
		"http://127.0.0.1.nip.io", "http://[::2]", "http://0.0.0.0:80", "http://10.0.0.1", "http://2130706433"} {
		_, err := payload.NewClient(ep, "k")
		if !errors.Is(err, payload.ErrInvalid) || !strings.Contains(err.Error(), "clear text") {
			t.Errorf("%s: %v", ep, err)
		}
		if _, err := payload.NewClient(ep, "k", payload.WithInsecureHTTP()); err != nil {
			t.Errorf("%s with WithInsecureHTTP: %v", ep, err)
		}
	}
	for _, ep := range []string{"http://localhost", "http://LocalHost:5000/", "http://127.0.0.1:8080", "http://127.3.2.1", "http://[::1]:8080",
		"http://[::ffff:127.0.0.1]", "https://westus.api.cognitive.microsoft.com", "https://10.0.0.1"} {
		if _, err := payload.NewClient(ep, "k"); err != nil {
			t.Errorf("%s: %v", ep, err)
		}
	}
}
