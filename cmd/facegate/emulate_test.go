package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// lockedBuffer collects a child's stderr while the test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// startEmulate runs "facegate emulate args..." with env and returns the
// line it printed on start and a stop function that sends sig and returns
// the exit code and the stderr.
func startEmulate(t *testing.T, env []string, args ...string) (line string, stop func(sig os.Signal) (int, string)) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	cmd := exec.CommandContext(ctx, exe, append([]string{"emulate", "-addr", "127.0.0.1:0"}, args...)...)
	cmd.Env = append(append(os.Environ(), runMainEnv+"=1"), env...)
	var stderr lockedBuffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waited := false
	wait := func() int {
		waited = true
		err := cmd.Wait()
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		if err != nil {
			t.Errorf("wait: %v", err)
		}
		return 0
	}
	t.Cleanup(func() {
		if !waited {
			cmd.Process.Kill()
			wait()
		}
		cancel()
	})
	line, err = bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("no start line: %v\nstderr: %s", err, stderr.String())
	}
	go io.Copy(io.Discard, out)
	return strings.TrimSpace(line), func(sig os.Signal) (int, string) {
		if err := cmd.Process.Signal(sig); err != nil {
			t.Fatal(err)
		}
		code := wait()
		if ctx.Err() != nil {
			t.Fatal("facegate emulate did not stop on the signal")
		}
		return code, stderr.String()
	}
}

// urlOf returns the URL of the start line "facegate emulate: serving URL ...".
func urlOf(t *testing.T, line string) string {
	t.Helper()
	f := strings.Fields(line)
	if len(f) < 4 || f[2] != "serving" {
		t.Fatalf("start line %q", line)
	}
	return f[3]
}

func emulateGet(t *testing.T, c *http.Client, url, header, value string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url+"/face/v1.1-preview.1/detectLiveness/singleModal/sessions", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set(header, value)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

func TestEmulate(t *testing.T) {
	const key = "env-key-5b1d7e"
	line, stop := startEmulate(t, []string{"FACE_API_KEY=" + key}, "-token", "tok-1", "-fail-429", "0")
	url := urlOf(t, line)
	if !strings.HasPrefix(url, "http://127.0.0.1:") {
		t.Fatalf("URL %q", url)
	}
	if strings.Contains(line, key) {
		t.Errorf("the start line holds the key: %q", line)
	}
	c := &http.Client{}
	// -token given: $FACE_API_KEY is not used.
	if got := emulateGet(t, c, url, "Ocp-Apim-Subscription-Key", key); got != 401 {
		t.Errorf("$FACE_API_KEY with -token: status %d, want 401", got)
	}
	if got := emulateGet(t, c, url, "Authorization", "Bearer tok-1"); got != 200 {
		t.Errorf("token: status %d, want 200", got)
	}
	c.CloseIdleConnections()
	code, stderr := stop(os.Interrupt)
	if code != exitOK {
		t.Errorf("exit code %d after SIGINT, want 0; stderr: %s", code, stderr)
	}
	if n := strings.Count(stderr, "\n"); n != 2 {
		t.Errorf("%d log lines, want 2:\n%s", n, stderr)
	}
	if !strings.Contains(stderr, " GET /face/v1.1-preview.1/detectLiveness/singleModal/sessions 401 ") {
		t.Errorf("log lacks the 401 request:\n%s", stderr)
	}
	for _, secret := range []string{key, "tok-1"} {
		if strings.Contains(stderr, secret) {
			t.Errorf("stderr holds %q:\n%s", secret, stderr)
		}
	}
}

func TestEmulateEnvKeyTLS(t *testing.T) {
	const key = "env-key-9c2e"
	cert := filepath.Join(t.TempDir(), "emulate.pem")
	line, stop := startEmulate(t, []string{"FACE_API_KEY=" + key}, "-tls", "-cert", cert, "-quiet", "-fail-5xx", "1")
	url := urlOf(t, line)
	if !strings.HasPrefix(url, "https://127.0.0.1:") || !strings.Contains(line, cert) {
		t.Fatalf("start line %q: want an https URL and %s", line, cert)
	}
	pemBytes, err := os.ReadFile(cert)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pemBytes) {
		t.Fatalf("no certificate in %s", cert)
	}
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	if got := emulateGet(t, c, url, "Ocp-Apim-Subscription-Key", key); got != 500 && got != 503 {
		t.Errorf("$FACE_API_KEY at -fail-5xx 1: status %d, want 500 or 503", got)
	}
	if got := emulateGet(t, c, url, "Ocp-Apim-Subscription-Key", "wrong"); got != 401 {
		t.Errorf("wrong key: status %d, want 401", got)
	}
	c.CloseIdleConnections()
	code, stderr := stop(syscall.SIGTERM)
	if code != exitOK {
		t.Errorf("exit code %d after SIGTERM, want 0; stderr: %s", code, stderr)
	}
	if stderr != "" {
		t.Errorf("-quiet: stderr %q", stderr)
	}
}

func TestEmulateUsage(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no key", nil, "no key or token to accept"},
		{"tls without cert", []string{"-key", "k", "-tls"}, "-tls needs -cert FILE"},
		{"cert without tls", []string{"-key", "k", "-cert", "x.pem"}, "-cert is for -tls"},
		{"bad rate", []string{"-key", "k", "-fail-429", "1.5"}, "-fail-429 1.5: want a rate in 0..1"},
		{"argument", []string{"-key", "k", "extra"}, "no arguments expected"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runFG(t, runOpts{env: []string{"FACE_API_KEY="}, timeout: time.Minute}, append([]string{"emulate"}, tc.args...)...)
			if r.code != exitUsage {
				t.Errorf("exit code %d, want %d\nstderr: %s", r.code, exitUsage, r.stderr)
			}
			if first, _, _ := strings.Cut(r.stderr, "\n"); !strings.Contains(first, tc.want) {
				t.Errorf("first line %q lacks %q", first, tc.want)
			}
		})
	}
	// An address in use is exit 1.
	line, stop := startEmulate(t, nil, "-key", "k")
	addr := strings.TrimPrefix(urlOf(t, line), "http://")
	r := runFG(t, runOpts{timeout: time.Minute}, "emulate", "-key", "k", "-addr", addr)
	if r.code != exitRejected || !strings.Contains(r.stderr, "address already in use") {
		t.Errorf("address in use: exit %d, stderr %q; want 1", r.code, r.stderr)
	}
	if code, _ := stop(os.Interrupt); code != exitOK {
		t.Errorf("exit %d", code)
	}
}
