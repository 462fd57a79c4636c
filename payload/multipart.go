package payload

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"sync"
)

// The part headers of a liveness body.
const (
	metadataPartHeader = "Content-Disposition: form-data; name=\"Metadata\"\r\n" +
		"Content-Type: application/json; charset=utf-8\r\n\r\n"
	contentPartHeaderStart = "Content-Disposition: form-data; name=\"Content\"; filename=\""
	contentPartHeaderEnd   = "\"\r\nContent-Type: application/octet-stream\r\n\r\n"
)

// checkBoundary applies RFC 2046's rules, as mime/multipart's SetBoundary
// does: 1 to 70 characters from a small set, not ending in a space.
func checkBoundary(b string) error {
	if len(b) < 1 || len(b) > 70 {
		return fmt.Errorf("%w: boundary must be 1 to 70 characters, have %d", ErrInvalid, len(b))
	}
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9':
		case strings.IndexByte("'()+_,-./:=?", c) >= 0:
		case c == ' ' && i != len(b)-1:
		default:
			return fmt.Errorf("%w: boundary has the invalid character %q at %d", ErrInvalid, c, i)
		}
	}
	return nil
}

// boundary returns the boundary in use, choosing a random one on first
// use. The second result reports whether the files must be checked for it
// (a caller's boundary may occur in them; a random 128-bit one will not).
func (r *LivenessRequest) boundary() (string, bool, error) {
	if r.Boundary == "" {
		var b [16]byte
		if _, err := rand.Read(b[:]); err != nil {
			return "", false, fmt.Errorf("payload: choosing a boundary: %w", err)
		}
		r.Boundary = "facegate-" + hex.EncodeToString(b[:])
		r.randBoundary = r.Boundary
	}
	if r.Boundary == r.randBoundary {
		return r.Boundary, false, nil
	}
	if err := checkBoundary(r.Boundary); err != nil {
		return "", false, err
	}
	return r.Boundary, true, nil
}

// ContentType returns the request's Content-Type,
// "multipart/form-data; boundary=...", choosing the boundary if Boundary
// is empty. It returns "" if Boundary is invalid (WriteTo says why).
func (r *LivenessRequest) ContentType() string {
	b, _, err := r.boundary()
	if err != nil {
		return ""
	}
	return mime.FormatMediaType("multipart/form-data", map[string]string{"boundary": b})
}

// layout is a body cut into text segments (boundaries, part headers, the
// metadata JSON) interleaved with the files' bytes: text[cuts[0]:cuts[1]],
// file order[0], text[cuts[1]:cuts[2]], file order[1], ..., the last text
// segment.
type layout struct {
	text  []byte
	cuts  []int
	order []int
}

var layoutPool = sync.Pool{New: func() any { return &layout{text: make([]byte, 0, 4096)} }}

// build lays out the body of r with boundary b. Files are in the order the
// frames first name them, then any file no frame names, in Files order.
func (r *LivenessRequest) build(l *layout, b string) {
	l.text, l.cuts, l.order = l.text[:0], l.cuts[:0], l.order[:0]
	for i := range r.Frames {
		name := r.Frames[i].FileName
		for j := range r.Files {
			if r.Files[j].Name == name && !containsInt(l.order, j) {
				l.order = append(l.order, j)
				break
			}
		}
	}
	for j := range r.Files {
		if !containsInt(l.order, j) {
			l.order = append(l.order, j)
		}
	}
	t := l.text
	l.cuts = append(l.cuts, 0)
	t = append(t, "--"...)
	t = append(t, b...)
	t = append(t, "\r\n"+metadataPartHeader...)
	t = r.AppendMetadata(t)
	for _, j := range l.order {
		t = append(t, "\r\n--"...)
		t = append(t, b...)
		t = append(t, "\r\n"+contentPartHeaderStart...)
		t = appendQuotedParam(t, r.Files[j].Name)
		t = append(t, contentPartHeaderEnd...)
		l.cuts = append(l.cuts, len(t))
	}
	t = append(t, "\r\n--"...)
	t = append(t, b...)
	t = append(t, "--\r\n"...)
	l.cuts = append(l.cuts, len(t))
	l.text = t
}

func containsInt(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// appendQuotedParam escapes a quoted-string's backslashes and quotes, as
// mime/multipart does for filenames.
func appendQuotedParam(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '"' || c == '\\' {
			dst = append(dst, '\\')
		}
		dst = append(dst, s[i])
	}
	return dst
}

// prepare checks that r can be written and lays it out.
func (r *LivenessRequest) prepare() (*layout, error) {
	b, check, err := r.boundary()
	if err != nil {
		return nil, err
	}
	if err := r.checkWire(); err != nil {
		return nil, err
	}
	if check {
		delim := "\r\n--" + b
		for i := range r.Files {
			d := r.Files[i].Data
			if bytes.Contains(d, []byte(delim)) || bytes.HasPrefix(d, []byte(delim[2:])) {
				return nil, fmt.Errorf("%w: the boundary %q occurs in file %q", ErrInvalid, b, r.Files[i].Name)
			}
		}
	}
	l := layoutPool.Get().(*layout)
	r.build(l, b)
	return l, nil
}

func (l *layout) release() {
	if cap(l.text) <= 1<<20 {
		layoutPool.Put(l)
	}
}

// WriteTo writes the multipart/form-data body to w: the Metadata part
// (Content-Disposition: form-data; name="Metadata", Content-Type:
// application/json; charset=utf-8) with AppendMetadata's JSON, then one
// Content part per file (name="Content"; filename="..."; Content-Type:
// application/octet-stream) in the order the frames first name them, each
// with the file's bytes unchanged. Files no frame names follow (Validate
// refuses them; the service answers RuleFileNameMismatch). The files are
// written straight from Files, without copying.
//
// It does not call Validate. It fails, writing nothing, with an error
// wrapping ErrInvalid when the request cannot be put on the wire (see
// Validate), or when a caller's Boundary occurs in a file. In steady state
// it does not allocate.
func (r *LivenessRequest) WriteTo(w io.Writer) (int64, error) {
	l, err := r.prepare()
	if err != nil {
		return 0, err
	}
	defer l.release()
	var n int64
	write := func(p []byte) error {
		m, err := w.Write(p)
		n += int64(m)
		return err
	}
	for k, j := range l.order {
		if err := write(l.text[l.cuts[k]:l.cuts[k+1]]); err != nil {
			return n, err
		}
		if err := write(r.Files[j].Data); err != nil {
			return n, err
		}
	}
	k := len(l.order)
	err = write(l.text[l.cuts[k]:l.cuts[k+1]])
	return n, err
}

// Len returns the number of bytes WriteTo writes, or an error if it would
// fail.
func (r *LivenessRequest) Len() (int64, error) {
	l, err := r.prepare()
	if err != nil {
		return 0, err
	}
	defer l.release()
	n := int64(len(l.text))
	for _, j := range l.order {
		n += int64(len(r.Files[j].Data))
	}
	return n, nil
}

// Reader returns the body as an io.Reader of Len bytes that reads the
// files in place (the body is laid out once; the files are not copied).
func (r *LivenessRequest) Reader() (io.Reader, int64, error) {
	l, err := r.prepare()
	if err != nil {
		return nil, 0, err
	}
	text := bytes.Clone(l.text)
	rs := make([]io.Reader, 0, 2*len(l.order)+1)
	n := int64(len(text))
	for k, j := range l.order {
		rs = append(rs, bytes.NewReader(text[l.cuts[k]:l.cuts[k+1]]), bytes.NewReader(r.Files[j].Data))
		n += int64(len(r.Files[j].Data))
	}
	k := len(l.order)
	rs = append(rs, bytes.NewReader(text[l.cuts[k]:l.cuts[k+1]]))
	l.release()
	return io.MultiReader(rs...), n, nil
}

// URL returns the request URL under endpoint (scheme and host, such as
// https://westus.api.cognitive.microsoft.com):
// {endpoint}/face/v1.1-preview.1/detectLiveness/singleModal, with
// ?model-version=V when ModelVersion is set.
func (r *LivenessRequest) URL(endpoint string) (string, error) {
	q := url.Values{}
	if r.ModelVersion != "" {
		q.Set("model-version", r.ModelVersion)
	}
	return joinURL(endpoint, q, "face", LivenessAPIVersion, "detectLiveness", "singleModal")
}

// NewRequest returns the HTTP request: POST to URL(endpoint), with
// Ocp-Apim-Subscription-Key: key, Accept: application/json, Content-Type:
// ContentType(), a known ContentLength, and a GetBody so it can be sent
// again. The body reads the files in place: they must not change until the
// request is done. It does not call Validate.
func (r *LivenessRequest) NewRequest(ctx context.Context, endpoint, key string) (*http.Request, error) {
	u, err := r.URL(endpoint)
	if err != nil {
		return nil, err
	}
	body, n, err := r.Reader()
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, body)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	req.ContentLength = n
	req.GetBody = func() (io.ReadCloser, error) {
		b, _, err := r.Reader()
		if err != nil {
			return nil, err
		}
		return io.NopCloser(b), nil
	}
	req.Header.Set("Content-Type", r.ContentType())
	if err := setAuth(req.Header, key); err != nil {
		return nil, err
	}
	return req, nil
}

// setAuth sets the key and Accept headers. A key that cannot be a header
// value is refused without quoting it.
func setAuth(h http.Header, key string) error {
	if err := checkKey(key); err != nil {
		return err
	}
	h.Set("Ocp-Apim-Subscription-Key", key)
	h.Set("Accept", "application/json")
	return nil
}

func checkKey(key string) error {
	if key == "" {
		return fmt.Errorf("%w: empty subscription key", ErrInvalid)
	}
	for i := 0; i < len(key); i++ {
		if c := key[i]; c < 0x20 || c == 0x7f {
			return fmt.Errorf("%w: the subscription key has a control character", ErrInvalid)
		}
	}
	return nil
}

// joinURL appends the path segments (each escaped, so an ID cannot add
// segments) and the query to endpoint, which must be an absolute http or
// https URL without a query (a trailing slash is dropped).
func joinURL(endpoint string, q url.Values, segs ...string) (string, error) {
	u, err := url.Parse(endpoint)
	if err != nil {
		return "", fmt.Errorf("%w: endpoint: %w", ErrInvalid, err)
	}
	if (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", fmt.Errorf("%w: endpoint %q is not an absolute http(s) URL", ErrInvalid, u.Redacted())
	}
	if u.RawQuery != "" || u.Fragment != "" || u.ForceQuery {
		return "", fmt.Errorf("%w: endpoint %q has a query or fragment", ErrInvalid, u.Redacted())
	}
	p, raw := strings.TrimRight(u.Path, "/"), strings.TrimRight(u.EscapedPath(), "/")
	for _, s := range segs {
		p += "/" + s
		raw += "/" + url.PathEscape(s)
	}
	u.Path, u.RawPath = p, raw
	u.RawQuery = q.Encode()
	return u.String(), nil
}
