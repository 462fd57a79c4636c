package servicetest

import (
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"strings"

	"github.com/facegate/facegate/payload"
)

// formPart is one Content part as read from the wire.
type formPart struct {
	filename    string
	hasFilename bool
	data        []byte // at most formLimits.maxContent bytes
	size        int64  // the part's full size, even when data was cut short
}

// form is a liveness body as read from the wire, in part order.
type form struct {
	hasMetadata bool
	metadata    []byte // the first Metadata part, at most maxMetadata bytes
	metaSize    int64
	contents    []formPart
}

// formLimits bound what readForm keeps.
type formLimits struct {
	maxMetadata int64 // bytes of Metadata kept; a longer part is unreadable
	maxContent  int64 // bytes of each Content part kept; the rest is counted
	maxParts    int   // parts read; more ends the form
}

var defaultFormLimits = formLimits{
	maxMetadata: payload.MaxMetadataBytes,
	maxContent:  payload.MaxVideoBytes + 1,
	maxParts:    1024,
}

// errTooManyParts ends a form with more than maxParts parts.
var errTooManyParts = errors.New("servicetest: too many parts")

// readForm reads a multipart/form-data body with mime/multipart: the first
// part named Metadata and every part named Content (names matched without
// regard to case, as ASP.NET binds them). It keeps what it read before an
// error and returns the error: a malformed body counts as ending there,
// and a part cut short by the error is dropped.
func readForm(r io.Reader, boundary string, lim formLimits) (*form, error) {
	mr := multipart.NewReader(r, boundary)
	f := &form{}
	for n := 0; ; n++ {
		p, err := mr.NextRawPart()
		if err == io.EOF {
			return f, nil
		}
		if err != nil {
			return f, err
		}
		if n >= lim.maxParts {
			return f, errTooManyParts
		}
		name, filename, hasFilename := dispositionNames(p.Header.Get("Content-Disposition"))
		switch {
		case strings.EqualFold(name, "Metadata") && !f.hasMetadata:
			data, size, err := readCapped(p, lim.maxMetadata)
			if err != nil {
				return f, err
			}
			f.hasMetadata, f.metadata, f.metaSize = true, data, size
		case strings.EqualFold(name, "Content"):
			data, size, err := readCapped(p, lim.maxContent)
			if err != nil {
				return f, err
			}
			f.contents = append(f.contents, formPart{filename: filename, hasFilename: hasFilename, data: data, size: size})
		default:
			if _, err := io.Copy(io.Discard, p); err != nil {
				return f, err
			}
		}
	}
}

// readCapped reads r to its end, keeping at most max bytes, and returns
// the full size.
func readCapped(r io.Reader, max int64) ([]byte, int64, error) {
	data, err := io.ReadAll(io.LimitReader(r, max))
	if err != nil {
		return nil, 0, err
	}
	rest, err := io.Copy(io.Discard, r)
	return data, int64(len(data)) + rest, err
}

// dispositionNames returns the name and filename parameters of a
// Content-Disposition header. Besides RFC 7578's form it reads the page's
// own example, which puts spaces around '=' and does not quote
// (form-data; name = Content; filename = video.webp).
func dispositionNames(cd string) (name, filename string, hasFilename bool) {
	if typ, params, err := mime.ParseMediaType(cd); err == nil {
		if typ != "form-data" {
			return "", "", false
		}
		filename, hasFilename = params["filename"]
		return params["name"], filename, hasFilename
	}
	fields := strings.Split(cd, ";")
	if !strings.EqualFold(strings.TrimSpace(fields[0]), "form-data") {
		return "", "", false
	}
	for _, kv := range fields[1:] {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			continue
		}
		k, v = strings.ToLower(strings.TrimSpace(k)), strings.TrimSpace(v)
		if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
			v = v[1 : len(v)-1]
		}
		switch k {
		case "name":
			name = v
		case "filename":
			filename, hasFilename = v, true
		}
	}
	return name, filename, hasFilename
}
