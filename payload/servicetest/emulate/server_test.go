package emulate

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	testKey   = "k-3f9a-secret-key"
	testToken = "eyJ0eXAiOiJKV1QifQ.test-token"
)

// sessionsPath is a route the emulator serves with a GET (an empty list).
const sessionsPath = "/face/v1.1-preview.1/detectLiveness/singleModal/sessions"

// syncBuffer is a log sink safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// start runs a server of cfg on 127.0.0.1:0 until the test ends, and
// checks that it shuts down and returns nil.
func start(t *testing.T, cfg Config) *Server {
	t.Helper()
	cfg.Addr = "127.0.0.1:0"
	s, err := New(&cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Listen(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Serve: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("Serve did not return after the context was cancelled")
		}
	})
	return s
}

func get(t *testing.T, c *http.Client, url string, hdr ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

func TestKeysAndTokens(t *testing.T) {
	var log syncBuffer
	s := start(t, Config{Keys: []string{"other-key", testKey}, BearerTokens: []string{testToken}, Log: &log})
	if !strings.HasPrefix(s.URL(), "http://127.0.0.1:") {
		t.Fatalf("URL %q", s.URL())
	}
	c := http.DefaultClient
	for _, tc := range []struct {
		name   string
		hdr    []string
		status int
	}{
		{"no credentials", nil, 401},
		{"wrong key", []string{"Ocp-Apim-Subscription-Key", "wrong"}, 401},
		{"the default servicetest key", []string{"Ocp-Apim-Subscription-Key", "servicetest-key"}, 401},
		{"right key", []string{"Ocp-Apim-Subscription-Key", testKey}, 200},
		{"second key", []string{"Ocp-Apim-Subscription-Key", "other-key"}, 200},
		{"bearer token", []string{"Authorization", "Bearer " + testToken}, 200},
		{"wrong token", []string{"Authorization", "Bearer nope"}, 401},
		{"token as key", []string{"Ocp-Apim-Subscription-Key", testToken}, 401},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := get(t, c, s.URL()+sessionsPath+"?subscription-key="+testKey, tc.hdr...)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tc.status, body)
			}
			if tc.status == 200 && !json.Valid(body) {
				t.Errorf("body is not JSON: %s", body)
			}
		})
	}
	// Routed: an unknown path with a right key is the gateway's 404.
	resp, _ := get(t, c, s.URL()+"/face/v1.0/nothing", "Ocp-Apim-Subscription-Key", testKey)
	if resp.StatusCode != 404 {
		t.Errorf("unknown path: status %d, want 404", resp.StatusCode)
	}

	out := log.String()
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 9 {
		t.Errorf("%d log lines, want 9:\n%s", len(lines), out)
	}
	for _, secret := range []string{testKey, testToken, "other-key", "subscription-key"} {
		if strings.Contains(out, secret) {
			t.Errorf("the log holds %q:\n%s", secret, out)
		}
	}
	f := strings.Fields(lines[3])
	if len(f) != 6 || f[1] != "GET" || f[2] != sessionsPath || f[3] != "200" || !strings.HasSuffix(f[5], "B") || f[5] == "0B" {
		t.Errorf("log line %q: want time GET %s 200 duration bytes", lines[3], sessionsPath)
	}
	if _, err := time.ParseDuration(f[4]); err != nil {
		t.Errorf("log line %q: duration: %v", lines[3], err)
	}
}

// A token-only server accepts no key at all.
func TestTokenOnly(t *testing.T) {
	s := start(t, Config{BearerTokens: []string{testToken}})
	resp, _ := get(t, http.DefaultClient, s.URL()+sessionsPath, "Ocp-Apim-Subscription-Key", "servicetest-key")
	if resp.StatusCode != 401 {
		t.Errorf("servicetest's default key: status %d, want 401", resp.StatusCode)
	}
	resp, _ = get(t, http.DefaultClient, s.URL()+sessionsPath, "Authorization", "Bearer "+testToken)
	if resp.StatusCode != 200 {
		t.Errorf("token: status %d, want 200", resp.StatusCode)
	}
}

func TestTLS(t *testing.T) {
	certFile := filepath.Join(t.TempDir(), "emulate.pem")
	var log syncBuffer
	s := start(t, Config{Keys: []string{testKey}, TLS: true, CertFile: certFile, Log: &log})
	if !strings.HasPrefix(s.URL(), "https://127.0.0.1:") {
		t.Fatalf("URL %q", s.URL())
	}
	pemBytes, err := os.ReadFile(certFile)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(pemBytes, s.CertPEM()) {
		t.Error("the file's PEM differs from CertPEM")
	}
	if bytes.Contains(pemBytes, []byte("PRIVATE")) {
		t.Error("the certificate file holds a private key")
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pemBytes) {
		t.Fatalf("no certificate in %s", certFile)
	}
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	defer c.CloseIdleConnections()
	port := s.URL()[strings.LastIndex(s.URL(), ":"):]
	for _, host := range []string{"127.0.0.1", "localhost"} {
		resp, body := get(t, c, "https://"+host+port+sessionsPath, "Ocp-Apim-Subscription-Key", testKey)
		if resp.StatusCode != 200 {
			t.Errorf("%s: status %d: %s", host, resp.StatusCode, body)
		}
	}
	resp, _ := get(t, c, s.URL()+sessionsPath, "Ocp-Apim-Subscription-Key", "wrong")
	if resp.StatusCode != 401 {
		t.Errorf("wrong key over TLS: status %d, want 401", resp.StatusCode)
	}
	// A client that does not trust the certificate is refused.
	if _, err := (&http.Client{Transport: &http.Transport{}}).Get(s.URL() + sessionsPath); err == nil {
		t.Error("a client without the certificate connected")
	}
	// The refused handshake is in the log, not on the process's stderr.
	for deadline := time.Now().Add(5 * time.Second); !strings.Contains(log.String(), "emulate: http: TLS handshake error"); {
		if time.Now().After(deadline) {
			t.Errorf("the log lacks the refused handshake:\n%s", log.String())
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	block, _ := pemDecode(pemBytes)
	cert, err := x509.ParseCertificate(block)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if now.Before(cert.NotBefore) || now.After(cert.NotAfter) {
		t.Errorf("certificate valid %v..%v, not now", cert.NotBefore, cert.NotAfter)
	}
	if err := cert.VerifyHostname("::1"); err != nil {
		t.Errorf("::1: %v", err)
	}
}

func TestFaults(t *testing.T) {
	s := start(t, Config{Keys: []string{testKey}, Faults: Faults{Rate429: 1, RetryAfter: 3 * time.Second}})
	for range 3 {
		resp, body := get(t, http.DefaultClient, s.URL()+sessionsPath, "Ocp-Apim-Subscription-Key", testKey)
		if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "3" || !strings.Contains(string(body), "Try again in 3 seconds") {
			t.Fatalf("status %d, Retry-After %q, body %s; want 429, 3", resp.StatusCode, resp.Header.Get("Retry-After"), body)
		}
	}
	// The service's order holds: a wrong key is 401, not the fault.
	resp, _ := get(t, http.DefaultClient, s.URL()+sessionsPath, "Ocp-Apim-Subscription-Key", "wrong")
	if resp.StatusCode != 401 {
		t.Errorf("wrong key under faults: status %d, want 401", resp.StatusCode)
	}
	// Faulted requests are the emulator's own: it counts them.
	if n := s.Emulator().Requests(); n != 4 {
		t.Errorf("Requests() = %d after 4 requests", n)
	}

	s = start(t, Config{Keys: []string{testKey}, Faults: Faults{Rate5xx: 1, Seed: 7}})
	seen := map[int]int{}
	for range 40 {
		resp, body := get(t, http.DefaultClient, s.URL()+sessionsPath, "Ocp-Apim-Subscription-Key", testKey)
		if resp.StatusCode != 500 && resp.StatusCode != 503 {
			t.Fatalf("status %d: %s; want 500 or 503", resp.StatusCode, body)
		}
		seen[resp.StatusCode]++
	}
	if seen[500] == 0 || seen[503] == 0 {
		t.Errorf("statuses %v: want both 500 and 503", seen)
	}
}

// The faults drawn depend only on the seed and the request's rank.
func TestFaultsDeterministic(t *testing.T) {
	seq := func(seed uint64) string {
		fl := newFaulter(Faults{Rate429: 0.2, Rate5xx: 0.3, Seed: seed})
		var b strings.Builder
		for range 200 {
			f, ok := fl.draw()
			if !ok {
				b.WriteByte('.')
				continue
			}
			b.WriteString(map[int]string{429: "r", 500: "i", 503: "u"}[f.Status])
		}
		return b.String()
	}
	a, b, c := seq(1), seq(1), seq(2)
	if a != b {
		t.Errorf("seed 1 twice:\n%s\n%s", a, b)
	}
	if a == c {
		t.Errorf("seeds 1 and 2 draw the same faults")
	}
	n429 := strings.Count(a, "r")
	if n429 < 20 || n429 > 60 {
		t.Errorf("%d 429s in 200 at rate 0.2", n429)
	}
	if strings.Count(a, ".") == 0 || strings.Count(a, "i") == 0 || strings.Count(a, "u") == 0 {
		t.Errorf("draws %s lack a kind", a)
	}
	none := newFaulter(Faults{Seed: 3})
	for range 100 {
		if _, ok := none.draw(); ok {
			t.Fatal("a fault at rates 0")
		}
	}
}

func TestLatency(t *testing.T) {
	const d = 150 * time.Millisecond
	s := start(t, Config{Keys: []string{testKey}, Faults: Faults{Latency: d}})
	t0 := time.Now()
	resp, _ := get(t, http.DefaultClient, s.URL()+sessionsPath, "Ocp-Apim-Subscription-Key", testKey)
	if el := time.Since(t0); el < d {
		t.Errorf("answered in %v, want at least %v", el, d)
	}
	if resp.StatusCode != 200 {
		t.Errorf("status %d", resp.StatusCode)
	}
}

// Shutdown waits for a running request, then Serve returns nil.
func TestShutdown(t *testing.T) {
	s, err := New(&Config{Addr: "127.0.0.1:0", Keys: []string{testKey}, Faults: Faults{Latency: 300 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Listen(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx) }()
	status := make(chan int, 1)
	go func() {
		req, _ := http.NewRequest(http.MethodGet, s.URL()+sessionsPath, nil)
		req.Header.Set("Ocp-Apim-Subscription-Key", testKey)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			status <- -1
			return
		}
		resp.Body.Close()
		status <- resp.StatusCode
	}()
	time.Sleep(100 * time.Millisecond) // the request is in its latency
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Serve: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return")
	}
	if got := <-status; got != 200 {
		t.Errorf("the request running at shutdown: status %d, want 200", got)
	}
	if _, err := http.Get(s.URL() + sessionsPath); err == nil {
		t.Error("the server still answers after Serve returned")
	}
	if err := s.Serve(context.Background()); !errors.Is(err, ErrStarted) {
		t.Errorf("second Serve: %v, want ErrStarted", err)
	}
}

func TestConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
		want error
	}{
		{"no credentials", Config{}, ErrNoCredentials},
		{"empty key", Config{Keys: []string{""}}, ErrEmptySecret},
		{"tls without file", Config{Keys: []string{"k"}, TLS: true}, ErrNoCertFile},
	} {
		if _, err := New(&tc.cfg); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
	for _, r := range []float64{-0.1, 1.5} {
		_, err := New(&Config{Keys: []string{"k"}, Faults: Faults{Rate5xx: r}})
		var re *RateError
		if !errors.As(err, &re) || re.Name != "Rate5xx" || re.Rate != r {
			t.Errorf("rate %v: %v, want a RateError", r, err)
		}
	}
	if _, err := New(nil); !errors.Is(err, ErrNoCredentials) {
		t.Errorf("nil config: %v", err)
	}
	s, _ := New(&Config{Keys: []string{"k"}})
	if err := s.Serve(context.Background()); !errors.Is(err, ErrNotListening) {
		t.Errorf("Serve before Listen: %v", err)
	}
}

func pemDecode(b []byte) ([]byte, []byte) {
	block, rest := pem.Decode(b)
	if block == nil {
		return nil, rest
	}
	return block.Bytes, rest
}

func TestRedact(t *testing.T) {
	s, err := New(&Config{Keys: []string{"k", "long-secret-key"}, BearerTokens: []string{"tok/en"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ in, want string }{
		{"/face/v1.0/facelists/kk/persistedfaces", "/face/v1.0/facelists/kk/persistedfaces"},
		{"/face/v1.0/facelists/k/persistedfaces", "/face/v1.0/facelists/[REDACTED]/persistedfaces"},
		{"/face/x-long-secret-key-y/a", "/face/[REDACTED]/a"},
		{"/face/tok%2Fen", "/face/[REDACTED]"},
	} {
		if got := s.redact(tc.in); got != tc.want {
			t.Errorf("redact(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if _, err := New(&Config{Keys: []string{"k"}, Faults: Faults{Latency: -time.Second}}); !errors.Is(err, ErrLatency) {
		t.Errorf("negative latency: %v, want ErrLatency", err)
	}
}

// TestCertSubjectsDiffer: each certificate has a subject of its own, so
// that the PEMs of two servers trusted in one bundle each verify their
// server (TLS stacks such as OpenSSL, under node's NODE_EXTRA_CA_CERTS,
// look a root up by subject; sdktest trusts two servers at once).
func TestCertSubjectsDiffer(t *testing.T) {
	now := time.Now()
	_, a, err := selfSigned(now)
	if err != nil {
		t.Fatal(err)
	}
	_, b, err := selfSigned(now)
	if err != nil {
		t.Fatal(err)
	}
	subject := func(p []byte) string {
		blk, _ := pem.Decode(p)
		c, err := x509.ParseCertificate(blk.Bytes)
		if err != nil {
			t.Fatal(err)
		}
		return c.Subject.String()
	}
	if sa, sb := subject(a), subject(b); sa == sb || !strings.Contains(sa, "facegate emulate") {
		t.Errorf("subjects %q and %q, want two different ones naming facegate emulate", sa, sb)
	}
}
