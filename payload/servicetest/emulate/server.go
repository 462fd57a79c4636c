package emulate

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/facegate/facegate/payload/servicetest"
)

// DefaultAddr is the listen address of a Config without one.
const DefaultAddr = "127.0.0.1:8787"

// DefaultShutdownTimeout bounds a graceful shutdown when
// Config.ShutdownTimeout is zero.
const DefaultShutdownTimeout = 5 * time.Second

// Errors of New and Listen.
var (
	// ErrNoCredentials: a Config accepts no key and no token, so every
	// request would be answered 401.
	ErrNoCredentials = errors.New("emulate: no key and no bearer token to accept")
	// ErrNoCertFile: TLS was asked for without a file to write the
	// certificate to, so no client could trust it.
	ErrNoCertFile = errors.New("emulate: TLS needs a file to write the certificate to")
	// ErrEmptySecret: an empty string among the keys or tokens.
	ErrEmptySecret = errors.New("emulate: empty key or bearer token")
	// ErrLatency: a negative Faults.Latency.
	ErrLatency = errors.New("emulate: negative latency")
	// ErrStarted: Listen or Serve called twice.
	ErrStarted = errors.New("emulate: server already started")
	// ErrNotListening: Serve called before Listen.
	ErrNotListening = errors.New("emulate: Serve before Listen")
)

// RateError reports a fault rate outside 0..1.
type RateError struct {
	Name string  // "Rate429" or "Rate5xx"
	Rate float64 // the rate given
}

func (e *RateError) Error() string {
	return "emulate: " + e.Name + " " + strconv.FormatFloat(e.Rate, 'g', -1, 64) + " is not in 0..1"
}

// Faults are the answers a Server gives instead of serving a request, at
// random but deterministically for a Seed: the n-th request draws the same
// numbers whatever the timing.
type Faults struct {
	// Rate429 is the share of requests (0..1) answered 429 "Rate limit
	// is exceeded. Try again in N seconds." with a Retry-After header.
	Rate429 float64
	// RetryAfter is the wait a 429 asks for (default 1s).
	RetryAfter time.Duration
	// Rate5xx is the share of the other requests (0..1) answered 500 or
	// 503, half each.
	Rate5xx float64
	// Latency is added before every answer.
	Latency time.Duration
	// Seed seeds the draws.
	Seed uint64
}

// Config configures a Server. Keys or BearerTokens must not both be empty.
type Config struct {
	// Addr is the TCP address to listen on (default DefaultAddr);
	// "127.0.0.1:0" picks a free port.
	Addr string
	// Keys are the subscription keys accepted in
	// Ocp-Apim-Subscription-Key.
	Keys []string
	// BearerTokens are the tokens accepted in "Authorization: Bearer
	// <token>" (Microsoft Entra ID style; compared whole, never parsed).
	BearerTokens []string
	// TLS serves HTTPS with a self-signed certificate generated in
	// memory, whose PEM Listen writes to CertFile (required with TLS).
	TLS      bool
	CertFile string
	// Faults are injected at the given rates.
	Faults Faults
	// Log receives one line per request; nil logs nothing.
	Log io.Writer
	// ShutdownTimeout bounds the graceful shutdown once the context of
	// Serve is done (default DefaultShutdownTimeout); requests still
	// running then are cut.
	ShutdownTimeout time.Duration
	// Emulator are the emulator's other options (model versions,
	// quality thresholds, ...); its Key, Keys and BearerTokens are
	// replaced by the ones above.
	Emulator *servicetest.Options
}

// Server is a servicetest.Emulator served on a TCP address, over HTTP or
// HTTPS, with fault injection and request logging. Create it with New,
// then Listen and Serve (or Run).
type Server struct {
	cfg      Config
	emu      *servicetest.Emulator
	faults   *faulter
	handler  http.Handler
	mu       sync.Mutex
	logMu    sync.Mutex
	ln       net.Listener
	started  bool
	certPEM  []byte
	secrets  []string // the keys and tokens, for redact
	tlsConf  *tls.Config
	shutdown time.Duration
}

// New checks cfg and returns a Server that is not listening yet.
func New(cfg *Config) (*Server, error) {
	s := &Server{}
	if cfg != nil {
		s.cfg = *cfg
	}
	c := &s.cfg
	if len(c.Keys) == 0 && len(c.BearerTokens) == 0 {
		return nil, ErrNoCredentials
	}
	s.secrets = append(append([]string(nil), c.Keys...), c.BearerTokens...)
	for _, k := range s.secrets {
		if k == "" {
			return nil, ErrEmptySecret
		}
	}
	if c.TLS && c.CertFile == "" {
		return nil, ErrNoCertFile
	}
	for _, r := range []struct {
		name string
		rate float64
	}{{"Rate429", c.Faults.Rate429}, {"Rate5xx", c.Faults.Rate5xx}} {
		if !(r.rate >= 0 && r.rate <= 1) { // NaN too
			return nil, &RateError{Name: r.name, Rate: r.rate}
		}
	}
	if c.Faults.Latency < 0 {
		return nil, ErrLatency
	}
	if c.Addr == "" {
		c.Addr = DefaultAddr
	}
	s.shutdown = c.ShutdownTimeout
	if s.shutdown <= 0 {
		s.shutdown = DefaultShutdownTimeout
	}
	var emuOpts servicetest.Options
	if c.Emulator != nil {
		emuOpts = *c.Emulator
	}
	emuOpts.Keys = append([]string(nil), c.Keys...)
	emuOpts.BearerTokens = append([]string(nil), c.BearerTokens...)
	if len(c.Keys) > 0 {
		emuOpts.Key = c.Keys[0]
	} else {
		// servicetest accepts its DefaultKey when Key is empty; with
		// tokens only, no key may be accepted: an unguessable one.
		var b [32]byte
		if _, err := rand.Read(b[:]); err != nil {
			return nil, fmt.Errorf("emulate: %w", err)
		}
		emuOpts.Key = hex.EncodeToString(b[:])
	}
	s.emu = servicetest.New(&emuOpts)
	s.faults = newFaulter(c.Faults)
	s.handler = s.logged(http.HandlerFunc(s.serve))
	return s, nil
}

// Emulator returns the emulator behind the server, to add sessions or
// face lists, or queue faults (servicetest.Emulator.Inject).
func (s *Server) Emulator() *servicetest.Emulator { return s.emu }

// Handler returns the server's handler: faults and latency, then the
// emulator, logged.
func (s *Server) Handler() http.Handler { return s.handler }

// Listen binds the address and, with TLS, generates the certificate and
// writes its PEM to CertFile.
func (s *Server) Listen() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln != nil || s.started {
		return ErrStarted
	}
	if s.cfg.TLS {
		cert, pemBytes, err := selfSigned(time.Now())
		if err != nil {
			return err
		}
		if err := writeCert(s.cfg.CertFile, pemBytes); err != nil {
			return err
		}
		s.certPEM = pemBytes
		s.tlsConf = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("emulate: %w", err)
	}
	s.ln = ln
	return nil
}

// URL returns the endpoint to give an app ("http://127.0.0.1:8787" or
// "https://..."), empty before Listen.
func (s *Server) URL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln == nil {
		return ""
	}
	scheme := "http"
	if s.cfg.TLS {
		scheme = "https"
	}
	return scheme + "://" + s.ln.Addr().String()
}

// CertPEM returns the PEM of the TLS certificate, nil without TLS or
// before Listen.
func (s *Server) CertPEM() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.certPEM
}

// Serve serves until ctx is done, then shuts down gracefully: it stops
// accepting, waits for the requests running (at most ShutdownTimeout) and
// returns nil. An error of the listener is returned as it happens.
func (s *Server) Serve(ctx context.Context) error {
	s.mu.Lock()
	if s.ln == nil {
		s.mu.Unlock()
		return ErrNotListening
	}
	if s.started {
		s.mu.Unlock()
		return ErrStarted
	}
	s.started = true
	ln := s.ln
	s.mu.Unlock()

	// The server's own errors (a TLS handshake a client refused, for
	// one that does not trust the certificate) go to the log too.
	errLog := io.Discard
	if s.cfg.Log != nil {
		errLog = &lockedWriter{mu: &s.logMu, w: s.cfg.Log}
	}
	srv := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 30 * time.Second,
		TLSConfig:         s.tlsConf,
		ErrorLog:          log.New(errLog, "emulate: ", 0),
	}
	if s.tlsConf != nil {
		ln = tls.NewListener(ln, s.tlsConf)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("emulate: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.shutdown)
	defer cancel()
	err := srv.Shutdown(sctx)
	<-errc // http.ErrServerClosed
	if err != nil {
		srv.Close()
		return fmt.Errorf("emulate: shutdown: %w", err)
	}
	return nil
}

// Run is Listen then Serve.
func (s *Server) Run(ctx context.Context) error {
	if err := s.Listen(); err != nil {
		return err
	}
	return s.Serve(ctx)
}

// serve applies the latency and the drawn fault, then the emulator.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	f, faulty := s.faults.draw()
	if d := s.cfg.Faults.Latency; d > 0 {
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	if faulty {
		// The emulator answers with the fault where a queued one would
		// be given, so that the service's order holds (401 before the
		// route, 404 and 405 before a fault).
		r = r.WithContext(servicetest.WithFault(r.Context(), f))
	}
	s.emu.ServeHTTP(w, r)
}
