package payload_test

// A hostile or broken service, on loopback httptest servers: redirects
// away from the origin, authentication and rate-limit storms, bodies that
// trickle, never end, or are not the JSON they claim. In every case the
// call ends with a typed error in bounded time and memory, the key never
// shows in the error's text (in any case), and no server but the origin
// gets a request.

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/facegate/facegate/payload"
)

const hostileKey = "Hostile-Key-0123456789ABCDEFabcdef"

// hostile is an origin server and a thief server the origin points every
// answer's Location at. When the test ends, it checks that the thief got
// nothing and that every request the origin got was addressed to it with
// the key.
type hostile struct {
	origin, thief *recorder
	sleep         *fakeSleep
}

func newHostile(t *testing.T, tls bool, h http.HandlerFunc) *hostile {
	t.Helper()
	hs := &hostile{sleep: &fakeSleep{}}
	hs.thief = newRecorder(t, false, func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("[]")) })
	hs.origin = newRecorder(t, tls, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", hs.thief.URL+r.URL.Path) // followed by no one
		h(w, r)
	})
	host := strings.TrimPrefix(strings.TrimPrefix(hs.origin.URL, "https://"), "http://")
	t.Cleanup(func() {
		if seen := hs.thief.requests(); len(seen) != 0 {
			t.Errorf("another origin got %d requests: %+v", len(seen), seen)
		}
		for _, r := range hs.origin.requests() {
			if r.Host != host || r.Key != hostileKey {
				t.Errorf("the origin got a request for %q with key %q", r.Host, r.Key)
			}
		}
	})
	return hs
}

// client returns a Client for the origin, with the fake sleep.
func (hs *hostile) client(t *testing.T, opts ...payload.Option) *payload.Client {
	t.Helper()
	opts = append([]payload.Option{payload.WithHTTPClient(hs.origin.Client()), payload.WithSleep(hs.sleep.sleep)}, opts...)
	c, err := payload.NewClient(hs.origin.URL, hostileKey, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// call is one of the Client's calls.
type call struct {
	name string
	do   func(context.Context, *payload.Client) error
}

func allCalls(t *testing.T) []call {
	f := getFixtures(t)
	return []call{
		{"GET", func(ctx context.Context, c *payload.Client) error { _, err := c.ListSessions(ctx, nil); return err }},
		{"DELETE", func(ctx context.Context, c *payload.Client) error {
			return c.DeleteSession(ctx, &payload.DeleteSessionRequest{ID: "0c7b1e8a-4a4a-4b8e-9f55-3c1e5b1d2f00"})
		}},
		{"POST liveness", func(ctx context.Context, c *payload.Client) error {
			_, err := c.DetectLiveness(ctx, validRequest(t))
			return err
		}},
		{"POST face", func(ctx context.Context, c *payload.Client) error {
			_, err := c.AddFace(ctx, &payload.AddFaceRequest{FaceListID: "list", Image: f.good, FaceCount: 1})
			return err
		}},
	}
}

// keyFree fails if err's text, in any format, holds the key in any case.
func keyFree(t *testing.T, err error) {
	t.Helper()
	assertNoKeyIn(t, hostileKey, errTexts(err)...)
}

func TestHostileRedirects(t *testing.T) {
	ctx := context.Background()
	statuses := []int{301, 302, 303, 307, 308}

	// wantRedirect checks err is a *RedirectError for status.
	wantRedirect := func(t *testing.T, what string, err error, status int) {
		t.Helper()
		var re *payload.RedirectError
		if !errors.As(err, &re) || !errors.Is(err, payload.ErrRedirect) || re.Status != status {
			t.Errorf("%s: %v", what, err)
		}
		keyFree(t, err)
	}

	t.Run("another port", func(t *testing.T) {
		for _, status := range statuses {
			hs := newHostile(t, false, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(status) })
			permissive := *hs.origin.Client()
			permissive.CheckRedirect = func(*http.Request, []*http.Request) error { return nil }
			for _, hc := range []*http.Client{hs.origin.Client(), &permissive} {
				c := hs.client(t, payload.WithHTTPClient(hc))
				for _, cl := range allCalls(t) {
					wantRedirect(t, fmt.Sprint(status, " ", cl.name), cl.do(ctx, c), status)
				}
			}
			if n := len(hs.origin.requests()); n != 2*4 {
				t.Errorf("%d: %d requests to the origin", status, n)
			}
		}
	})

	t.Run("localhost for 127.0.0.1", func(t *testing.T) {
		// Same server, same port, but another host name: another origin.
		hs := newHostile(t, false, func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/landed" {
				w.Header().Set("Location", "http://"+strings.Replace(r.Host, "127.0.0.1", "LOCALHOST", 1)+"/landed")
				w.WriteHeader(http.StatusFound)
				return
			}
			w.Write([]byte("[]"))
		})
		_, err := hs.client(t).ListSessions(ctx, nil)
		wantRedirect(t, "localhost", err, 302)
		for _, r := range hs.origin.requests() {
			if r.Path == "/landed" {
				t.Errorf("followed to %+v", r)
			}
		}
	})

	t.Run("127.0.0.2", func(t *testing.T) {
		l, err := net.Listen("tcp", "127.0.0.2:0")
		if err != nil {
			t.Skipf("no 127.0.0.2: %v", err)
		}
		var got atomic.Int32
		other := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got.Add(1) }))
		other.Listener.Close()
		other.Listener = l
		other.Start()
		defer other.Close()
		hs := newHostile(t, false, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Location", other.URL+r.URL.Path)
			w.WriteHeader(http.StatusTemporaryRedirect)
		})
		c := hs.client(t)
		for _, cl := range allCalls(t) {
			wantRedirect(t, cl.name, cl.do(ctx, c), 307)
		}
		if got.Load() != 0 {
			t.Errorf("127.0.0.2 got %d requests", got.Load())
		}
	})

	t.Run("https to http", func(t *testing.T) {
		for _, status := range statuses {
			hs := newHostile(t, true, func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Query().Get("start") == "same-port" {
					// The origin's own host and port, in clear text.
					w.Header().Set("Location", "http://"+r.Host+r.URL.Path)
				}
				w.WriteHeader(status)
			})
			c := hs.client(t)
			for _, cl := range allCalls(t) {
				wantRedirect(t, fmt.Sprint(status, " ", cl.name), cl.do(ctx, c), status)
			}
			_, err := c.ListSessions(ctx, &payload.ListSessionsRequest{Start: "same-port"})
			wantRedirect(t, "same port", err, status)
			var re *payload.RedirectError
			if errors.As(err, &re) && !strings.HasPrefix(re.Location, "http://127.0.0.1:") {
				t.Errorf("Location %q", re.Location)
			}
		}
	})

	t.Run("307 and 308 with a body", func(t *testing.T) {
		// Even to the origin itself: the body (a face) is not sent twice.
		for _, status := range []int{307, 308} {
			for _, loc := range []string{"/face/v1.1-preview.1/detectLiveness/singleModal", "elsewhere"} {
				hs := newHostile(t, false, func(w http.ResponseWriter, r *http.Request) {
					if loc != "elsewhere" {
						w.Header().Set("Location", loc)
					}
					w.WriteHeader(status)
				})
				c := hs.client(t)
				for _, cl := range allCalls(t)[2:] {
					err := cl.do(ctx, c)
					wantRedirect(t, fmt.Sprint(status, " ", loc, " ", cl.name), err, status)
					var re *payload.RedirectError
					if errors.As(err, &re) && re.Method != http.MethodPost {
						t.Errorf("method %q", re.Method)
					}
				}
				if n := len(hs.origin.requests()); n != 2 {
					t.Errorf("%d %s: %d requests", status, loc, n)
				}
			}
		}
	})
}

// 401 and 403 answers are not retried: one request each, whatever
// Retry-After says, and the service's code comes back.
func TestHostileAuthStorms(t *testing.T) {
	for _, tc := range []struct {
		status int
		code   string
		class  error
	}{
		{401, "PermissionDenied", payload.ErrUnauthorized},
		{403, "QuotaExceeded", payload.ErrQuota},
	} {
		hs := newHostile(t, false, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "1")
			w.Header().Set("x-ms-error-code", tc.code)
			w.WriteHeader(tc.status)
			// The message echoes the key in three cases.
			k := r.Header.Get("Ocp-Apim-Subscription-Key")
			fmt.Fprintf(w, `{"error":{"message":"key %s (%s, %s) refused"}}`, k, strings.ToUpper(k), strings.ToLower(k))
		})
		c := hs.client(t)
		for i, cl := range allCalls(t) {
			err := cl.do(context.Background(), c)
			var se *payload.ServiceError
			if !errors.Is(err, tc.class) || !errors.As(err, &se) || se.StatusCode != tc.status || se.Code != tc.code {
				t.Errorf("%d %s: %v", tc.status, cl.name, err)
			}
			keyFree(t, err)
			if n := len(hs.origin.requests()); n != i+1 {
				t.Errorf("%d %s: %d requests", tc.status, cl.name, n)
			}
		}
		if len(hs.sleep.waits) != 0 {
			t.Errorf("%d: waited %v", tc.status, hs.sleep.waits)
		}
	}
}

// 429 storms: bounded attempts, bounded waits, MaxWait honoured, a done
// context ends the wait.
func TestHostileRateLimitStorms(t *testing.T) {
	ctx := context.Background()
	storm := func(retryAfter, message string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if retryAfter != "" {
				w.Header().Set("Retry-After", retryAfter)
			}
			w.WriteHeader(http.StatusTooManyRequests)
			fmt.Fprintf(w, `{"error":{"code":"429","message":%q}}`, message+" "+r.Header.Get("Ocp-Apim-Subscription-Key"))
		}
	}
	sum := func(ds []time.Duration) (s time.Duration) {
		for _, d := range ds {
			s += d
		}
		return s
	}
	for _, tc := range []struct {
		name       string
		h          http.HandlerFunc
		opts       []payload.Option
		requests   int
		waits      string
		retryAfter time.Duration
	}{
		{"Retry-After each time", storm("2", "Rate limit is exceeded."), []payload.Option{payload.WithMaxAttempts(5)}, 5, "[2s 2s 2s 2s]", 2 * time.Second},
		{"no wait named: doubling up to MaxWait", storm("", "Rate limit is exceeded."),
			[]payload.Option{payload.WithMaxAttempts(50), payload.WithDefaultWait(time.Second), payload.WithMaxWait(5 * time.Second)}, 4, "[1s 2s 4s]", 0},
		{"Retry-After over MaxWait", storm("3600", "Rate limit is exceeded."), nil, 1, "[]", time.Hour},
		{"a day in the text", storm("", "Ⱥtry again in 86400 seconds."), nil, 1, "[]", 24 * time.Hour},
		{"beyond a day", storm("99999999999999999999", "Try again in 999999999 seconds."), nil, 1, "[]", 24 * time.Hour},
		{"Retry-After garbage", storm("soon, "+hostileKey, "Ⱥtry again in "), []payload.Option{payload.WithDefaultWait(time.Second)}, payload.DefaultMaxAttempts, "[1s 2s 4s]", 0},
	} {
		hs := newHostile(t, false, tc.h)
		c := hs.client(t, tc.opts...)
		_, err := c.ListSessions(ctx, nil)
		var se *payload.ServiceError
		if !errors.Is(err, payload.ErrRateLimited) || !errors.As(err, &se) || se.RetryAfter != tc.retryAfter {
			t.Errorf("%s: %v", tc.name, err)
		}
		keyFree(t, err)
		if n := len(hs.origin.requests()); n != tc.requests || fmt.Sprint(hs.sleep.waits) != tc.waits {
			t.Errorf("%s: %d requests, waits %v", tc.name, n, hs.sleep.waits)
		}
		if total := sum(hs.sleep.waits); total > time.Duration(len(hs.sleep.waits))*payload.DefaultMaxWait {
			t.Errorf("%s: waited %v in all", tc.name, total)
		}
	}

	// The real sleep: a context deadline ends the wait at once.
	hs := newHostile(t, false, storm("30", "Rate limit is exceeded."))
	c, err := payload.NewClient(hs.origin.URL, hostileKey, payload.WithHTTPClient(hs.origin.Client()))
	if err != nil {
		t.Fatal(err)
	}
	cctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = c.DetectLiveness(cctx, validRequest(t))
	if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, payload.ErrRateLimited) || time.Since(start) > time.Second {
		t.Errorf("deadline: %v after %v", err, time.Since(start))
	}
	keyFree(t, err)
	if n := len(hs.origin.requests()); n != 1 {
		t.Errorf("deadline: %d requests", n)
	}
}

// trickle answers status and writes body one byte every 100ms, until
// the client goes away.
func trickle(status int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		w.(http.Flusher).Flush()
		for i := range len(body) {
			select {
			case <-r.Context().Done():
				return
			case <-time.After(100 * time.Millisecond):
			}
			if _, err := w.Write([]byte{body[i]}); err != nil {
				return
			}
			w.(http.Flusher).Flush()
		}
	}
}

// A body that trickles in is ended by the http.Client's Timeout or by the
// context's deadline.
func TestHostileSlowLoris(t *testing.T) {
	long := `[{"id":"` + strings.Repeat("a", 200) + `"}]`
	isTimeout := func(err error) bool {
		var ne interface{ Timeout() bool }
		return errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
	}
	t.Run("2xx, client timeout", func(t *testing.T) {
		hs := newHostile(t, false, trickle(200, long))
		hc := *hs.origin.Client()
		hc.Timeout = 300 * time.Millisecond
		c := hs.client(t, payload.WithHTTPClient(&hc))
		start := time.Now()
		_, err := c.ListSessions(context.Background(), nil)
		if !isTimeout(err) || time.Since(start) > 2*time.Second {
			t.Errorf("%v after %v", err, time.Since(start))
		}
		keyFree(t, err)
	})
	t.Run("2xx, context deadline", func(t *testing.T) {
		hs := newHostile(t, false, trickle(200, long))
		hc := *hs.origin.Client()
		hc.Timeout = 0
		c := hs.client(t, payload.WithHTTPClient(&hc))
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := c.DetectLiveness(ctx, validRequest(t))
		if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 2*time.Second {
			t.Errorf("%v after %v", err, time.Since(start))
		}
		keyFree(t, err)
	})
	t.Run("401, client timeout", func(t *testing.T) {
		hs := newHostile(t, false, trickle(401, `{"error":{"code":"401","message":"`+strings.Repeat("x", 200)+`"}}`))
		hc := *hs.origin.Client()
		hc.Timeout = 300 * time.Millisecond
		c := hs.client(t, payload.WithHTTPClient(&hc))
		start := time.Now()
		err := c.DeleteSession(context.Background(), &payload.DeleteSessionRequest{ID: "abc"})
		// What came in time is the answer.
		if !errors.Is(err, payload.ErrUnauthorized) || time.Since(start) > 2*time.Second {
			t.Errorf("%v after %v", err, time.Since(start))
		}
		keyFree(t, err)
	})
}

// endless writes prefix, then unit over and over (up to limit bytes in
// all), counting what it wrote.
func endless(status int, prefix, unit string, limit int, wrote *atomic.Int64) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(status)
		n, _ := w.Write([]byte(prefix))
		wrote.Add(int64(n))
		chunk := []byte(strings.Repeat(unit, 64<<10/len(unit)))
		for total := n; total < limit; total += len(chunk) {
			n, err := w.Write(chunk)
			wrote.Add(int64(n))
			if err != nil {
				return
			}
		}
	}
}

// allocated returns the bytes allocated while f runs (by the whole
// process: the server too).
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// Answers too large to be the service's: read up to a bound, in bounded
// memory.
func TestHostileOversized(t *testing.T) {
	const offered = 512 << 20
	t.Run("2xx", func(t *testing.T) {
		var wrote atomic.Int64
		hs := newHostile(t, false, endless(200, "[", `{"id":"0c7b1e8a-4a4a-4b8e-9f55-3c1e5b1d2f00"},`, offered, &wrote))
		c := hs.client(t)
		var err error
		alloc := allocated(func() { _, err = c.ListSessions(context.Background(), nil) })
		if !errors.Is(err, payload.ErrMalformed) || !strings.Contains(err.Error(), "answer over") {
			t.Errorf("%v", err)
		}
		keyFree(t, err)
		if alloc > 64<<20 || wrote.Load() > 128<<20 {
			t.Errorf("%d MiB allocated, %d MiB sent", alloc>>20, wrote.Load()>>20)
		}
	})
	t.Run("error bodies", func(t *testing.T) {
		for _, status := range []int{400, 429, 500} {
			var wrote atomic.Int64
			hs := newHostile(t, false, endless(status, `{"error":{"code":"`+hostileKey+`","message":"`, strings.ToLower(hostileKey)+" ", offered, &wrote))
			c := hs.client(t, payload.WithMaxAttempts(3))
			var err error
			alloc := allocated(func() { err = c.DeleteSession(context.Background(), &payload.DeleteSessionRequest{ID: "abc"}) })
			var se *payload.ServiceError
			if !errors.As(err, &se) || se.StatusCode != status || len(se.Message) > 64<<10 {
				t.Errorf("%d: %.200v", status, err)
			}
			keyFree(t, err)
			want := 1
			if status == 429 {
				want = 3
			}
			if n := len(hs.origin.requests()); n != want {
				t.Errorf("%d: %d requests", status, n)
			}
			if alloc > 16<<20 || wrote.Load() > 64<<20 {
				t.Errorf("%d: %d MiB allocated, %d MiB sent", status, alloc>>20, wrote.Load()>>20)
			}
		}
	})
}

// 2xx answers that are not the documented JSON: a typed error (or, for a
// document that decodes, a result), never a panic; a member quoted in a
// decoding error does not carry the key.
func TestHostileMalformedJSON(t *testing.T) {
	deep := func(open string, n int) string { return strings.Repeat(open, n) }
	k, lk, uk := hostileKey, strings.ToLower(hostileKey), strings.ToUpper(hostileKey)
	bodies := []struct {
		name string
		body string
		fail bool // every call must fail
	}{
		{"empty", "", true},
		{"truncated", `[{"id":"a","createdDateTime":"2023-`, true},
		{"truncated object", `{"livenessDecision":"realface","targetFaceRectangle":{"top":`, true},
		{"wrong types", `{"livenessDecision":42,"persistedFaceId":[],"id":{}}`, true},
		{"array of wrong types", `[{"id":5,"livenessDecision":[]}]`, true},
		{"nested arrays", deep("[", 100000), true},
		{"nested objects", deep(`{"a":`, 100000), true},
		{"nested closed", deep("[", 100000) + deep("]", 100000), true},
		{"huge numbers", `[{"id":"a","authTokenTimeToLiveInSeconds":1e400,"targetFrameNumber":1e400,"createdDateTime":` + strings.Repeat("9", 5000) + `}]`, true},
		{"huge number", strings.Repeat("9", 1<<20), true},
		{"invalid UTF-8 outside strings", "\xff\xfe[]", true},
		{"invalid UTF-8 in strings", `[{"id":"\xff\xfe","livenessDecision":"\xc0\x80"}]`, false},
		{"NUL", "[\x00]", true},
		{"key in a date", `[{"id":"a","createdDateTime":"` + k + `"}]`, true},
		{"key in an id", `[{"id":{"` + lk + `":1},"targetFrameNumber":"` + uk + `"}]`, true},
		{"key in a number", `[{"id":"a","authTokenTimeToLiveInSeconds":"` + uk + `"}]`, true},
		{"key bare", `[{"id":"a","sessionStartDateTime":` + lk + `}]`, true},
	}
	var cur atomic.Pointer[string]
	hs := newHostile(t, false, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(*cur.Load()))
	})
	c := hs.client(t)
	for _, b := range bodies {
		cur.Store(&b.body)
		for _, cl := range allCalls(t) {
			if cl.name == "DELETE" {
				continue // its answer's body is not read
			}
			err := cl.do(context.Background(), c)
			if (err != nil || b.fail) && !errors.Is(err, payload.ErrMalformed) {
				t.Errorf("%s, %s: %v", b.name, cl.name, err)
			}
			keyFree(t, err)
		}
	}
	// The same documents as error answers.
	hs2 := newHostile(t, false, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadRequest)
		w.Write([]byte(*cur.Load()))
	})
	c2 := hs2.client(t)
	for _, b := range bodies {
		cur.Store(&b.body)
		err := c2.DeleteSession(context.Background(), &payload.DeleteSessionRequest{ID: "abc"})
		var se *payload.ServiceError
		if !errors.As(err, &se) || se.StatusCode != 400 || !errors.Is(err, payload.ErrBadRequest) {
			t.Errorf("%s as a 400: %.200v", b.name, err)
		}
		keyFree(t, err)
	}
}

// A server that hangs up mid-answer, or no server at all: a transport
// error, which does not quote the key (here also in the URL's query).
func TestHostileTransportErrors(t *testing.T) {
	hs := newHostile(t, false, func(w http.ResponseWriter, r *http.Request) {
		conn, buf, err := http.NewResponseController(w).Hijack()
		if err != nil {
			return
		}
		buf.WriteString("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n[{\"id\":")
		buf.Flush()
		conn.Close()
	})
	_, err := hs.client(t).ListSessions(context.Background(), &payload.ListSessionsRequest{Start: strings.ToLower(hostileKey)})
	if err == nil || errors.Is(err, payload.ErrMalformed) {
		t.Errorf("hang-up: %v", err)
	}
	keyFree(t, err)

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	c, err := payload.NewClient("http://"+addr, hostileKey, payload.WithMaxAttempts(1))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.ListSessions(context.Background(), &payload.ListSessionsRequest{Start: strings.ToUpper(hostileKey)})
	if err == nil || !strings.Contains(err.Error(), "[redacted]") {
		t.Errorf("nothing listening: %v", err)
	}
	keyFree(t, err)
}
