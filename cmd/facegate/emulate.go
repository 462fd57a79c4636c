package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/facegate/facegate/payload/servicetest/emulate"
)

const emulateManual = `
Usage: facegate emulate [-addr HOST:PORT] [-key KEY]... [-token TOKEN]...
                        [-tls -cert FILE] [-fail-429 RATE] [-fail-5xx RATE]
                        [-latency DURATION] [-seed N] [-quiet]

Emulate serves an emulator of the Face service's liveness, session and
face list endpoints (the one of package payload/servicetest) on a local
address, for developing an app without a subscription or a network. It
answers as the service's pages document: 401 for a missing or wrong key
or token, 404 "Resource not found" for a path or API version the service
does not have, every documented 400 of the liveness call, and 200 with a
liveness decision otherwise.

Point the app, curl or an SDK at the URL printed on start as the endpoint,
with one of the keys (header Ocp-Apim-Subscription-Key) or one of the
tokens ("Authorization: Bearer TOKEN", as an Entra ID credential sends).
-key may be repeated; without -key and -token, $FACE_API_KEY is the key;
with neither, emulate refuses to start. Keys and tokens are never printed
or logged.

With -tls, the server speaks HTTPS with a self-signed certificate (ECDSA
P-256, for 127.0.0.1, ::1 and localhost) generated on start; its PEM is
written to -cert FILE for the app to trust (curl --cacert FILE, or
NODE_EXTRA_CA_CERTS=FILE for Node SDKs). The private key stays in memory.

Faults: -fail-429 answers that share of the requests (0..1) 429 "Rate
limit is exceeded" with Retry-After: 1, -fail-5xx that share of the
others 500 or 503, and -latency delays every answer; the faults are drawn
from -seed, so a run with the same seed and the same requests fails the
same ones. A wrong key is still 401.

On start, one line on stdout: the URL (and with -tls the certificate's
path). Then one line per request on stderr (time, method, path without the
query, status, duration, bytes), unless -quiet. SIGINT or SIGTERM shut the
server down gracefully (running requests get 5s to finish).

Exit status: 0 after a shutdown by signal, 1 when the address cannot be
listened on or the certificate cannot be written, 2 on misuse (bad flag,
no key or token, -tls without -cert, a rate outside 0..1).

Examples:

  facegate emulate -key k
  curl -H 'Ocp-Apim-Subscription-Key: k' \
    http://127.0.0.1:8787/face/v1.1-preview.1/detectLiveness/singleModal/sessions
  facegate emulate -tls -cert /tmp/emulate.pem -key k -addr 127.0.0.1:8443
  facegate emulate -token dev-token   # clients send "Authorization: Bearer dev-token"
  facegate emulate -key k -fail-429 0.1 -fail-5xx 0.05 -latency 300ms -seed 42
`

// stringsFlag is a repeatable string flag.
type stringsFlag []string

func (s *stringsFlag) String() string { return fmt.Sprintf("%d given", len(*s)) }

func (s *stringsFlag) Set(v string) error {
	if v == "" {
		return errors.New("empty value")
	}
	*s = append(*s, v)
	return nil
}

func runEmulate(e *env, args []string) int {
	fs := newFlagSet(e, "emulate", emulateManual)
	addr := fs.String("addr", emulate.DefaultAddr, "the `HOST:PORT` to listen on")
	var keys, tokens stringsFlag
	fs.Var(&keys, "key", "a subscription `KEY` to accept (repeatable; default $FACE_API_KEY)")
	fs.Var(&tokens, "token", "a bearer `TOKEN` to accept in \"Authorization: Bearer\" (repeatable)")
	useTLS := fs.Bool("tls", false, "serve HTTPS with a self-signed certificate")
	certFile := fs.String("cert", "", "where to write the certificate's PEM (`FILE`; required with -tls)")
	fail429 := fs.Float64("fail-429", 0, "the share (`RATE`, 0..1) of requests answered 429")
	fail5xx := fs.Float64("fail-5xx", 0, "the share (`RATE`, 0..1) of requests answered 500 or 503")
	latency := fs.Duration("latency", 0, "a `DURATION` added to every answer")
	seed := fs.Uint64("seed", 1, "the seed `N` the faults are drawn from")
	quiet := fs.Bool("quiet", false, "log no requests")
	if code, ok := parseFlags(e, fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		return usageError(e, fs, "no arguments expected")
	}
	if len(keys) == 0 && len(tokens) == 0 {
		if k := e.getenv("FACE_API_KEY"); k != "" {
			keys = append(keys, k)
		}
	}
	cfg := &emulate.Config{
		Addr: *addr, Keys: keys, BearerTokens: tokens,
		TLS: *useTLS, CertFile: *certFile,
		Faults: emulate.Faults{Rate429: *fail429, Rate5xx: *fail5xx, Latency: *latency, Seed: *seed},
	}
	if !*quiet {
		cfg.Log = e.stderr
	}
	if *certFile != "" && !*useTLS {
		return usageError(e, fs, "-cert is for -tls")
	}
	srv, err := emulate.New(cfg)
	var re *emulate.RateError
	switch {
	case errors.Is(err, emulate.ErrNoCredentials):
		return usageError(e, fs, "no key or token to accept: give -key or -token, or set FACE_API_KEY")
	case errors.Is(err, emulate.ErrNoCertFile):
		return usageError(e, fs, "-tls needs -cert FILE, where the certificate is written for the app to trust")
	case errors.As(err, &re):
		flagName := map[string]string{"Rate429": "-fail-429", "Rate5xx": "-fail-5xx"}[re.Name]
		return usageError(e, fs, "%s %v: want a rate in 0..1", flagName, re.Rate)
	case err != nil:
		return usageError(e, fs, "%v", strings.TrimPrefix(err.Error(), "emulate: "))
	}
	if err := srv.Listen(); err != nil {
		fmt.Fprintf(e.stderr, "facegate emulate: %v\n", err)
		return exitRejected
	}
	if *useTLS {
		fmt.Fprintf(e.stdout, "facegate emulate: serving %s (certificate: %s)\n", srv.URL(), *certFile)
	} else {
		fmt.Fprintf(e.stdout, "facegate emulate: serving %s\n", srv.URL())
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := srv.Serve(ctx); err != nil {
		fmt.Fprintf(e.stderr, "facegate emulate: %v\n", err)
		return exitRejected
	}
	return exitOK
}

var _ flag.Value = (*stringsFlag)(nil)
