// Package webcapture is facegate's web capture example: a static page (HTML
// and plain JavaScript, in static/) that opens the camera, checks every
// frame in a Web Worker running facegate's WebAssembly build
// (wasm/facegate), tells the person what to do, and offers the liveness
// request once enough frames pass. Handler serves it; Build compiles the
// WebAssembly and copies the Go toolchain's wasm_exec.js (neither is
// committed: both are made at serve time from the Go installation, so they
// always match the Go that built them). `facegate serve-example` wires it.
package webcapture

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

//go:embed static
var static embed.FS

// Static returns the page's files (index.html, app.js, worker.js).
func Static() fs.FS {
	sub, err := fs.Sub(static, "static")
	if err != nil { // cannot happen: the directory is embedded
		return static
	}
	return sub
}

// WasmPackage is the import path of the WebAssembly entry point.
const WasmPackage = "github.com/facegate/facegate/wasm/facegate"

// ErrBuild is wrapped by the errors of Build.
var ErrBuild = errors.New("webcapture: building the WebAssembly failed")

// Assets are the two files the page needs next to its static files.
type Assets struct {
	// Wasm is wasm/facegate built with GOOS=js GOARCH=wasm.
	Wasm []byte
	// WasmExec is $(go env GOROOT)/lib/wasm/wasm_exec.js of the same Go.
	WasmExec []byte
}

// Build compiles wasm/facegate with the go command found in PATH (its
// module must be the current directory's, or a parent's: run it from a
// checkout of facegate) and reads that Go's wasm_exec.js.
func Build(ctx context.Context, dir string) (*Assets, error) {
	tmp, err := os.MkdirTemp("", "facegate-wasm-")
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBuild, err)
	}
	defer os.RemoveAll(tmp)
	out := filepath.Join(tmp, "facegate.wasm")
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-ldflags=-s -w", "-o", out, WasmPackage)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm", "CGO_ENABLED=0")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("%w: go build: %v: %s", ErrBuild, err, strings.TrimSpace(stderr.String()))
	}
	wasm, err := os.ReadFile(out)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBuild, err)
	}
	root, err := exec.CommandContext(ctx, "go", "env", "GOROOT").Output()
	if err != nil {
		return nil, fmt.Errorf("%w: go env GOROOT: %v", ErrBuild, err)
	}
	execJS, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(root)), "lib", "wasm", "wasm_exec.js"))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBuild, err)
	}
	return &Assets{Wasm: wasm, WasmExec: execJS}, nil
}

// Config is what Handler serves.
type Config struct {
	// Assets are the WebAssembly build and its loader (required).
	Assets *Assets
	// Forward, when set, is the URL the page's "Send" button posts the
	// request to, through the handler (POST /send): say, a `facegate
	// emulate` endpoint's .../detectLiveness/singleModal. The page itself
	// never sees the key.
	Forward string
	// Key is sent as Ocp-Apim-Subscription-Key with forwarded requests.
	// It is never written to the page or to logs.
	Key string
	// Client forwards the requests (nil: a client with a 30 s timeout).
	Client *http.Client
}

// ErrConfig is returned by Handler for a Config without Assets.
var ErrConfig = errors.New("webcapture: Config needs Assets")

// Handler serves the page, facegate.wasm, wasm_exec.js, config.js and, with
// Config.Forward, POST /send.
func Handler(c *Config) (http.Handler, error) {
	if c == nil || c.Assets == nil || len(c.Assets.Wasm) == 0 || len(c.Assets.WasmExec) == 0 {
		return nil, ErrConfig
	}
	client := c.Client
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	mux := http.NewServeMux()
	mux.Handle("GET /", http.FileServerFS(Static()))
	serveBytes := func(b []byte, ctype string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", ctype)
			w.Header().Set("Content-Length", strconv.Itoa(len(b)))
			w.Write(b)
		}
	}
	mux.Handle("GET /facegate.wasm", serveBytes(c.Assets.Wasm, "application/wasm"))
	mux.Handle("GET /wasm_exec.js", serveBytes(c.Assets.WasmExec, "text/javascript; charset=utf-8"))
	send := ""
	if c.Forward != "" {
		send = "send"
	}
	mux.Handle("GET /config.js", serveBytes([]byte("window.facegateConfig = {sendURL: "+strconv.Quote(send)+"};\n"), "text/javascript; charset=utf-8"))
	if c.Forward != "" {
		mux.HandleFunc("POST /send", func(w http.ResponseWriter, r *http.Request) {
			body, err := io.ReadAll(io.LimitReader(r.Body, 64<<20))
			if err != nil {
				http.Error(w, "reading the request: "+err.Error(), http.StatusBadRequest)
				return
			}
			req, err := http.NewRequestWithContext(r.Context(), http.MethodPost, c.Forward, bytes.NewReader(body))
			if err != nil {
				http.Error(w, "bad forward URL", http.StatusInternalServerError)
				return
			}
			req.Header.Set("Content-Type", r.Header.Get("Content-Type"))
			if c.Key != "" {
				req.Header.Set("Ocp-Apim-Subscription-Key", c.Key)
			}
			resp, err := client.Do(req)
			if err != nil {
				http.Error(w, "forwarding: "+redact(err.Error(), c.Key), http.StatusBadGateway)
				return
			}
			defer resp.Body.Close()
			w.Header().Set("Content-Type", resp.Header.Get("Content-Type"))
			w.WriteHeader(resp.StatusCode)
			io.Copy(w, io.LimitReader(resp.Body, 1<<20))
		})
	}
	return mux, nil
}

// redact removes the key from s.
func redact(s, key string) string {
	if key == "" {
		return s
	}
	return strings.ReplaceAll(s, key, "[key]")
}

// IsLoopback reports whether addr (HOST:PORT) names a loopback host
// (127.0.0.0/8, ::1 or localhost).
func IsLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
