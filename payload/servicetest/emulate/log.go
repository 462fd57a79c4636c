package emulate

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// loggedWriter records the status and the bytes of an answer.
type loggedWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *loggedWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *loggedWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(p)
	w.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (w *loggedWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// logged writes one line per request to cfg.Log:
//
//	2026-12-06T03:04:05Z POST /face/v1.1-preview.1/detectLiveness/singleModal 200 12ms 345B
//
// The query is left out (an SDK may put a key there) and so are the
// headers; a path that holds an accepted key or token has it replaced by
// "[REDACTED]".
func (s *Server) logged(h http.Handler) http.Handler {
	if s.cfg.Log == nil {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		lw := &loggedWriter{ResponseWriter: w}
		h.ServeHTTP(lw, r)
		if lw.status == 0 {
			lw.status = http.StatusOK
		}
		line := fmt.Sprintf("%s %s %s %d %s %dB\n", start.UTC().Format(time.RFC3339),
			safe(r.Method), s.redact(safe(r.URL.EscapedPath())), lw.status,
			time.Since(start).Round(time.Millisecond), lw.bytes)
		s.logMu.Lock()
		s.cfg.Log.Write([]byte(line))
		s.logMu.Unlock()
	})
}

// redact replaces the segments of the escaped path p that are, or hold,
// an accepted key or token (escaped or not) with "[REDACTED]"; the other
// segments are kept whole, so that a short key does not mangle them
// unless it is one of them.
func (s *Server) redact(p string) string {
	segs := strings.Split(p, "/")
	for i, seg := range segs {
		un, err := url.PathUnescape(seg)
		if err != nil {
			un = seg
		}
		for _, k := range s.secrets {
			if seg == k || un == k || (len(k) >= minSecretInSegment && (strings.Contains(seg, k) || strings.Contains(un, k))) {
				segs[i] = "[REDACTED]"
				break
			}
		}
	}
	return strings.Join(segs, "/")
}

// minSecretInSegment is the length from which a key or token is looked
// for inside a path segment, not only as the whole segment.
const minSecretInSegment = 6

// safe quotes s when it holds spaces or control characters, so a line
// stays one line.
func safe(s string) string {
	for _, r := range s {
		if r <= ' ' || r == 0x7f {
			return fmt.Sprintf("%q", s)
		}
	}
	return s
}

// lockedWriter writes to w under mu, the lock of the request lines, so
// that lines do not interleave.
type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
