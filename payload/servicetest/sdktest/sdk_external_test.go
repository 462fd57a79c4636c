//go:build external

package sdktest

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/facegate/facegate/payload/servicetest/emulate"
)

// pinned are the versions package.json asks for, checked in what npm ci
// installed.
var pinned = map[string]string{
	"@azure-rest/ai-vision-face":    "1.0.0-beta.1",
	"@azure/cognitiveservices-face": "5.0.0",
	"@azure/core-auth":              "1.10.1",
}

// checks are the lines test.mjs prints when every check passes.
var checks = []string{
	"ok   rest: list liveness sessions with a key",
	"ok   rest: a wrong key is 401",
	"ok   rest: a bearer token (TokenCredential) is accepted",
	"ok   rest: deleting an unknown session is 404 SessionNotFound",
	"ok   cognitiveservices-face: add a face to a face list",
	"ok   cognitiveservices-face: an unknown face list is 404",
	"ok   cognitiveservices-face: a wrong key is 401",
}

func TestSDKs(t *testing.T) {
	for _, tool := range []string{"node", "npm"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not on PATH", tool)
		}
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

	const key, token, list = "sdktest-key-71c0", "sdktest-token-e5a2", "sdktest"
	cert := filepath.Join(dir, "emulate.pem")
	var log lockedBuffer
	srv, err := emulate.New(&emulate.Config{Addr: "127.0.0.1:0", Keys: []string{key}, BearerTokens: []string{token},
		TLS: true, CertFile: cert, Log: &log})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Emulator().CreateFaceList(list); err != nil {
		t.Fatal(err)
	}
	if err := srv.Listen(); err != nil {
		t.Fatal(err)
	}
	sctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(sctx) }()
	defer func() {
		stop()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	}()

	image, err := filepath.Abs("../../../testdata/faces/obama-1080p.jpg")
	if err != nil {
		t.Fatal(err)
	}
	node := exec.CommandContext(ctx, "node", "test.mjs")
	node.Dir = dir
	node.Env = append(os.Environ(),
		"FACE_ENDPOINT="+srv.URL(), "FACE_KEY="+key, "FACE_TOKEN="+token,
		"FACE_LIST="+list, "FACE_IMAGE="+image, "NODE_EXTRA_CA_CERTS="+cert)
	out, err := node.CombinedOutput()
	if err != nil {
		t.Errorf("node test.mjs: %v", err)
	}
	for _, want := range checks {
		if !strings.Contains(string(out), want+"\n") {
			t.Errorf("test.mjs did not print %q", want)
		}
	}
	t.Logf("test.mjs:\n%s\nemulator log:\n%s", out, log.String())
	for _, secret := range []string{key, token} {
		if strings.Contains(log.String(), secret) {
			t.Errorf("the emulator's log holds %q", secret)
		}
	}
	if faces, _ := srv.Emulator().FaceListFaces(list); len(faces) != 1 {
		t.Errorf("face list %q holds %d faces, want the 1 the SDK added", list, len(faces))
	}
}
