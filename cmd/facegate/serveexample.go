package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/facegate/facegate/examples/webcapture"
)

const serveExampleManual = `
Usage: facegate serve-example [-addr HOST:PORT] [-forward URL] [-public]

Serve-example builds the WebAssembly entry point (wasm/facegate, with the
go command in PATH: run it from a checkout of facegate) and serves the web
capture page of examples/webcapture: it opens the camera, checks every
frame in a Web Worker, tells the person what to do (move closer, hold
still, more light, ...), and once enough frames pass offers the liveness
request (JPEG stills) for download, or, with -forward, sends it through
this server to URL with the key $FACE_API_KEY (never printed), say to
facegate emulate.

It listens on loopback only (127.0.0.1:8788) unless -public: a browser
opens the camera only on https or on localhost anyway.

On start, one line on stdout: the URL to open. SIGINT or SIGTERM stop it.

Exit status: 0 after a signal, 1 when the build or the listen fails, 2 on
misuse (a non-loopback -addr without -public).

Examples:

  facegate serve-example             # then open http://127.0.0.1:8788/
  facegate emulate -key k &
  FACE_API_KEY=k facegate serve-example \
    -forward http://127.0.0.1:8787/face/v1.1-preview.1/detectLiveness/singleModal
`

func runServeExample(e *env, args []string) int {
	fs := newFlagSet(e, "serve-example", serveExampleManual)
	addr := fs.String("addr", "127.0.0.1:8788", "the `HOST:PORT` to listen on")
	forward := fs.String("forward", "", "the `URL` the page's Send button posts the request to (through this server)")
	public := fs.Bool("public", false, "allow an -addr that is not loopback")
	if code, ok := parseFlags(e, fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		return usageError(e, fs, "no arguments expected")
	}
	if !*public && !webcapture.IsLoopback(*addr) {
		return usageError(e, fs, "-addr %s is not loopback: give -public to serve it anyway", *addr)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	fmt.Fprintln(e.stderr, "facegate serve-example: building the WebAssembly...")
	assets, err := webcapture.Build(ctx, ".")
	if err != nil {
		fmt.Fprintf(e.stderr, "facegate serve-example: %v\n", err)
		return exitRejected
	}
	h, err := webcapture.Handler(&webcapture.Config{Assets: assets, Forward: *forward, Key: e.getenv("FACE_API_KEY")})
	if err != nil {
		fmt.Fprintf(e.stderr, "facegate serve-example: %v\n", err)
		return exitRejected
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(e.stderr, "facegate serve-example: %v\n", err)
		return exitRejected
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(e.stdout, "facegate serve-example: serving http://%s/\n", ln.Addr())
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
	}()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintf(e.stderr, "facegate serve-example: %v\n", err)
		return exitRejected
	}
	return exitOK
}
