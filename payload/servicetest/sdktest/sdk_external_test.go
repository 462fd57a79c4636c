//go:build external

package sdktest

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/facegate/facegate/payload/servicetest"
	"github.com/facegate/facegate/payload/servicetest/emulate"
)

// pinned are the versions package.json asks for, checked in what npm ci
// installed (the two aliases are @azure-rest/ai-vision-face).
var pinned = map[string]string{
	"face-beta1":                    "1.0.0-beta.1",
	"face-beta3":                    "1.0.0-beta.3",
	"@azure/cognitiveservices-face": "5.0.0",
	"@azure/core-auth":              "1.10.1",
}

// checks are the lines test.mjs prints, over HTTP and over HTTPS, when
// every check passes; it must print no other check.
var checks = []string{
	"ok   beta1: detectLiveness session create, list, get, delete",
	"ok   beta1: detectLivenessWithVerify session create, list, get, delete",
	"ok   beta1: get and delete an unknown session are 404 SessionNotFound",
	"ok   beta1: a wrong key is 401",
	"ok   beta1: create session with a body other than JSON is 415",
	"ok   beta1: 429 with Retry-After",
	"ok   beta1: a bearer token (TokenCredential) is accepted over https, refused by the SDK over http",
	"ok   beta1: liveness singleModal, a real frame 200 and a malformed one 400",
	"ok   beta3: detectLiveness-sessions create, get, delete (v1.2 has no list)",
	"ok   beta3: detectLivenessWithVerify-sessions create, get, delete (v1.2 has no list)",
	"ok   beta3: get and delete an unknown session are 404 SessionNotFound",
	"ok   beta3: a wrong key is 401",
	"ok   beta3: create session with a body other than JSON is 415, without livenessOperationMode 400",
	"ok   beta3: 429 with Retry-After",
	"ok   beta3: a bearer token (TokenCredential) is accepted over https, refused by the SDK over http",
	"ok   beta3: liveness singleModal, a real frame 200 and a malformed one 400",
	"ok   cognitiveservices-face: create, get, add faces by stream and by URL, delete a face list",
	"ok   cognitiveservices-face: an unknown face list is 404 FaceListNotFound",
	"ok   cognitiveservices-face: a URL the service cannot download is 400 InvalidURL",
	"ok   cognitiveservices-face: a wrong key is 401",
	"ok   cognitiveservices-face: 429 with Retry-After",
}

const (
	key, token = "sdktest-key-71c0", "sdktest-token-e5a2"
	// imageURL is the only URL the emulator "downloads" (FetchURL): it
	// answers the bundled image, and any other URL fails.
	imageURL   = "https://images.example/sdktest/face.jpg"
	retryAfter = 2 * time.Second
)

// TestSDKs runs test.mjs against emulators served over HTTP, then over
// HTTPS. Under the external tag it never skips: CI (.ci/run) installs node
// and npm, and a machine without them fails here.
func TestSDKs(t *testing.T) {
	for _, tool := range []string{"node", "npm"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is not on PATH: this test (build tag external) needs node >= 20 and npm; .ci/run installs Debian's nodejs and npm", tool)
		}
	}
	if out, err := exec.Command("node", "-p", "process.versions.node.split('.')[0]").Output(); err != nil {
		t.Fatalf("node: %v", err)
	} else if major, _ := strconv.Atoi(strings.TrimSpace(string(out))); major < 20 {
		t.Fatalf("node %s is too old: the pinned SDKs (@azure/core-auth 1.10) need node >= 20", strings.TrimSpace(string(out)))
	}
	dir := t.TempDir()
	for _, name := range []string{"package.json", "package-lock.json", "test.mjs"} {
		b, err := os.ReadFile(filepath.Join("testdata/node", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	npm := exec.CommandContext(ctx, "npm", "ci", "--no-audit", "--no-fund")
	npm.Dir = dir
	if out, err := npm.CombinedOutput(); err != nil {
		t.Fatalf("npm ci: %v\n%s", err, out)
	}
	for pkg, want := range pinned {
		b, err := os.ReadFile(filepath.Join(dir, "node_modules", pkg, "package.json"))
		if err != nil {
			t.Fatalf("npm ci did not install %s: %v", pkg, err)
		}
		var meta struct{ Version string }
		if err := json.Unmarshal(b, &meta); err != nil {
			t.Fatalf("%s: %v", pkg, err)
		}
		if meta.Version != want {
			t.Errorf("%s %s installed, want %s", pkg, meta.Version, want)
		}
	}
	image, err := filepath.Abs("../../../testdata/faces/obama-1080p.jpg")
	if err != nil {
		t.Fatal(err)
	}
	for _, tls := range []bool{false, true} {
		name := "http"
		if tls {
			name = "https"
		}
		t.Run(name, func(t *testing.T) { runSDKs(t, ctx, dir, image, tls) })
	}
}

// runSDKs starts the emulator and one that answers every request 429,
// over HTTPS when tls is set, and runs test.mjs against them.
func runSDKs(t *testing.T, ctx context.Context, dir, image string, tls bool) {
	imageBytes, err := os.ReadFile(image)
	if err != nil {
		t.Fatal(err)
	}
	fetch := func(ctx context.Context, url string) ([]byte, error) {
		if url != imageURL {
			return nil, errors.New("sdktest: no such image")
		}
		return imageBytes, nil
	}
	var log lockedBuffer
	start := func(faults emulate.Faults, cert string) *emulate.Server {
		srv, err := emulate.New(&emulate.Config{Addr: "127.0.0.1:0", Keys: []string{key}, BearerTokens: []string{token},
			TLS: tls, CertFile: cert, Log: &log, Faults: faults, Emulator: &servicetest.Options{FetchURL: fetch}})
		if err != nil {
			t.Fatal(err)
		}
		if err := srv.Listen(); err != nil {
			t.Fatal(err)
		}
		sctx, stop := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- srv.Serve(sctx) }()
		t.Cleanup(func() {
			stop()
			if err := <-done; err != nil {
				t.Errorf("Serve: %v", err)
			}
		})
		return srv
	}
	var cert, cert429 string
	if tls {
		cert, cert429 = filepath.Join(t.TempDir(), "emulate.pem"), filepath.Join(t.TempDir(), "emulate-429.pem")
	}
	srv := start(emulate.Faults{}, cert)
	srv429 := start(emulate.Faults{Rate429: 1, RetryAfter: retryAfter}, cert429)
	for _, s := range []*emulate.Server{srv, srv429} {
		if want := map[bool]string{false: "http://", true: "https://"}[tls]; !strings.HasPrefix(s.URL(), want) {
			t.Fatalf("emulator URL %s, want %s...", s.URL(), want)
		}
	}

	node := exec.CommandContext(ctx, "node", "test.mjs")
	node.Dir = dir
	node.Env = append(os.Environ(),
		"FACE_ENDPOINT="+srv.URL(), "FACE_ENDPOINT_429="+srv429.URL(),
		"FACE_RETRY_AFTER="+strconv.Itoa(int(retryAfter/time.Second)),
		"FACE_KEY="+key, "FACE_TOKEN="+token, "FACE_IMAGE="+image, "FACE_IMAGE_URL="+imageURL,
		"NODE_EXTRA_CA_CERTS=")
	if tls {
		// Both servers' certificates, in one bundle.
		bundle := filepath.Join(t.TempDir(), "ca.pem")
		if err := os.WriteFile(bundle, append(srv.CertPEM(), srv429.CertPEM()...), 0o644); err != nil {
			t.Fatal(err)
		}
		node.Env[len(node.Env)-1] = "NODE_EXTRA_CA_CERTS=" + bundle
	}
	out, err := node.CombinedOutput()
	if err != nil {
		t.Errorf("node test.mjs: %v", err)
	}
	var printed []string
	for _, line := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(line, "ok   ") || strings.HasPrefix(line, "FAIL ") {
			printed = append(printed, line)
		}
	}
	if strings.Join(printed, "\n") != strings.Join(checks, "\n") {
		t.Errorf("test.mjs printed\n%s\nwant\n%s", strings.Join(printed, "\n"), strings.Join(checks, "\n"))
	}
	t.Logf("test.mjs:\n%s\nemulator log:\n%s", out, log.String())
	for _, secret := range []string{key, token} {
		if strings.Contains(log.String(), secret) {
			t.Errorf("the emulator's log holds %q", secret)
		}
	}
}
