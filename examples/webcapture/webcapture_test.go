package webcapture

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// The handler serves the page, the assets and config.js, and forwards
// POST /send with the key, which never reaches the page.
func TestHandler(t *testing.T) {
	if _, err := Handler(nil); !errors.Is(err, ErrConfig) {
		t.Errorf("Handler(nil): %v, want ErrConfig", err)
	}
	var gotKey, gotType, gotBody string
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotKey, gotType = r.Header.Get("Ocp-Apim-Subscription-Key"), r.Header.Get("Content-Type")
		b, _ := io.ReadAll(r.Body)
		gotBody = string(b)
		w.WriteHeader(http.StatusTeapot)
		io.WriteString(w, `{"ok":1}`)
	}))
	defer up.Close()
	h, err := Handler(&Config{Assets: &Assets{Wasm: []byte("\x00asm"), WasmExec: []byte("// go")}, Forward: up.URL, Key: "secret-key"})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	get := func(path string) (string, string) {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s: %s", path, resp.Status)
		}
		return string(b), resp.Header.Get("Content-Type")
	}
	for path, want := range map[string]string{"/": "<video", "/app.js": "getUserMedia", "/worker.js": "wasm_exec.js", "/wasm_exec.js": "// go", "/config.js": `sendURL: "send"`} {
		if body, _ := get(path); !strings.Contains(body, want) {
			t.Errorf("GET %s: no %q in %.80q", path, want, body)
		}
	}
	if _, ct := get("/facegate.wasm"); ct != "application/wasm" {
		t.Errorf("facegate.wasm served as %q", ct)
	}
	for _, p := range []string{"/", "/app.js", "/config.js"} {
		if body, _ := get(p); strings.Contains(body, "secret-key") {
			t.Errorf("%s shows the key", p)
		}
	}
	resp, err := http.Post(srv.URL+"/send", "multipart/form-data; boundary=b", strings.NewReader("--b--"))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusTeapot || string(b) != `{"ok":1}` || gotKey != "secret-key" || gotType != "multipart/form-data; boundary=b" || gotBody != "--b--" {
		t.Errorf("forward: %d %s; upstream saw key %q type %q body %q", resp.StatusCode, b, gotKey, gotType, gotBody)
	}
}

// Only loopback addresses count as loopback.
func TestIsLoopback(t *testing.T) {
	for addr, want := range map[string]bool{"127.0.0.1:8788": true, "[::1]:80": true, "localhost:1": true, "0.0.0.0:80": false, ":80": false, "10.0.0.1:80": false, "bad": false} {
		if got := IsLoopback(addr); got != want {
			t.Errorf("IsLoopback(%q) = %v", addr, got)
		}
	}
}
