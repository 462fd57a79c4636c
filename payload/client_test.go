package payload_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
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
	srv := servicetest.NewServer(nil)
	defer srv.Close()
	c := newTestClient(t, srv, &fakeSleep{})
	r := validRequest(t)
	r.Frames[0].TargetFace = rect(80, 40, 100, 100) // under the minimum face
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
