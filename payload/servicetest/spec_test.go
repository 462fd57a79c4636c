package servicetest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/facegate/facegate/payload"
)

// specCase is a golden file of testdata/spec: one response of one example
// of the Face REST specification, as a request to send and the answer's
// expected status and JSON shape (see testdata/spec/README.md).
type specCase struct {
	Example     string `json:"example"`
	Commit      string `json:"commit"`
	OperationID string `json:"operationId"`
	Response    string `json:"response"`
	Note        string `json:"note"`
	// Set up before the request.
	Sessions []struct {
		Kind    string `json:"kind"`
		ID      string `json:"id"`
		Started bool   `json:"started"`
	} `json:"sessions"`
	FaceLists []string      `json:"faceLists"`
	Before    []specRequest `json:"before"`
	specRequest
	Status    int               `json:"status"`
	Shape     json.RawMessage   `json:"shape"`     // field names and types: "string", "number", "boolean", "null"; [] any array, [x] an array of x
	Exact     json.RawMessage   `json:"exact"`     // the whole body (error answers, deterministic)
	EmptyBody bool              `json:"emptyBody"` // no body at all
	Extra     map[string]string `json:"extra"`     // fields the emulator adds, and why
}

type specRequest struct {
	Method      string          `json:"method"`
	Path        string          `json:"path"`
	Query       string          `json:"query"`
	ContentType string          `json:"contentType"`
	Body        json.RawMessage `json:"body"`
	RawBody     *string         `json:"rawBody"`
	BodyImage   bool            `json:"bodyImage"` // a test JPEG
}

// TestSpecExamples sends each golden file's request to a fresh emulator
// and compares the status and the JSON shape (field names and types; ids
// and dates may differ) with the example's.
func TestSpecExamples(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "spec", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	img := noiseJPEG(t, 256, 256, 7)
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".json"), func(t *testing.T) {
			b, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var c specCase
			dec := json.NewDecoder(bytes.NewReader(b))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&c); err != nil {
				t.Fatal(err)
			}
			e := New(&Options{FetchURL: func(context.Context, string) ([]byte, error) { return img, nil }})
			for _, s := range c.Sessions {
				kind := payload.SessionLiveness
				if s.Kind == "detectLivenessWithVerify" {
					kind = payload.SessionLivenessWithVerify
				}
				ps := payload.Session{ID: s.ID, AuthTokenTimeToLiveInSeconds: 60, DeviceCorrelationID: "device", SessionExpired: true}
				if s.Started {
					ps.SessionStartDateTime = time.Date(2024, 3, 5, 11, 7, 28, 0, time.UTC)
				}
				e.AddSession(kind, ps)
			}
			for _, id := range c.FaceLists {
				if err := e.CreateFaceList(id); err != nil {
					t.Fatal(err)
				}
			}
			for _, r := range c.Before {
				if status, body, _ := sendSpec(t, e, r, img); status/100 != 2 {
					t.Fatalf("setup %s %s: %d %s", r.Method, r.Path, status, body)
				}
			}
			status, body, h := sendSpec(t, e, c.specRequest, img)
			if status != c.Status {
				t.Fatalf("%s %s: %d %s, want %d (%s)", c.Method, c.Path, status, body, c.Status, c.Example)
			}
			switch {
			case c.EmptyBody:
				if body != "" {
					t.Errorf("body %q, want none", body)
				}
			case c.Exact != nil:
				var got, want any
				json.Unmarshal(c.Exact, &want)
				if err := json.Unmarshal([]byte(body), &got); err != nil || !reflect.DeepEqual(got, want) {
					t.Errorf("body %s, want %s", body, c.Exact)
				}
				var we struct{ Error struct{ Code string } }
				json.Unmarshal(c.Exact, &we)
				if code := h.Get("x-ms-error-code"); code != we.Error.Code || code == "" {
					t.Errorf("x-ms-error-code %q, want %q", code, we.Error.Code)
				}
			default:
				var got, want any
				if err := json.Unmarshal([]byte(body), &got); err != nil {
					t.Fatalf("body %q: %v", body, err)
				}
				if err := json.Unmarshal(c.Shape, &want); err != nil {
					t.Fatal(err)
				}
				if diffs := shapeDiff("$", shapeOf(got), want, c.Extra); len(diffs) > 0 {
					t.Errorf("%s\nbody %s", strings.Join(diffs, "\n"), body)
				}
			}
		})
	}
}

func sendSpec(t *testing.T, e *Emulator, r specRequest, img []byte) (int, string, http.Header) {
	t.Helper()
	var body []byte
	switch {
	case r.BodyImage:
		body = img
	case r.RawBody != nil:
		body = []byte(*r.RawBody)
	case r.Body != nil:
		body = r.Body
	}
	path := r.Path
	if r.Query != "" {
		path += "?" + r.Query
	}
	return do(t, e, r.Method, path, r.ContentType, body)
}

// shapeOf replaces every value of a decoded JSON document by its type's
// name, keeping objects and arrays (an array by its first element).
func shapeOf(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, x := range v {
			out[k] = shapeOf(x)
		}
		return out
	case []any:
		if len(v) == 0 {
			return []any{}
		}
		return []any{shapeOf(v[0])}
	case string:
		return "string"
	case float64:
		return "number"
	case bool:
		return "boolean"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", v)
}

// shapeDiff lists where got differs from want: a field missing or of
// another type, or a field want does not have (unless extra names it at
// the top level). An empty array in want accepts any array.
func shapeDiff(at string, got, want any, extra map[string]string) []string {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: %v, want an object", at, got)}
		}
		var out []string
		keys := slices.Sorted(func(yield func(string) bool) {
			for k := range w {
				if !yield(k) {
					return
				}
			}
		})
		for _, k := range keys {
			gv, ok := g[k]
			if !ok {
				out = append(out, fmt.Sprintf("%s.%s: missing", at, k))
				continue
			}
			out = append(out, shapeDiff(at+"."+k, gv, w[k], nil)...)
		}
		var more []string
		for k := range g {
			if _, ok := w[k]; !ok {
				if _, ok := extra[k]; !ok {
					more = append(more, k)
				}
			}
		}
		sort.Strings(more)
		for _, k := range more {
			out = append(out, fmt.Sprintf("%s.%s: not in the example", at, k))
		}
		return out
	case []any:
		g, ok := got.([]any)
		if !ok {
			return []string{fmt.Sprintf("%s: %v, want an array", at, got)}
		}
		if len(w) == 0 || len(g) == 0 {
			if len(w) > 0 {
				return []string{at + ": empty array, want items"}
			}
			return nil
		}
		return shapeDiff(at+"[0]", g[0], w[0], nil)
	default:
		if got != want {
			return []string{fmt.Sprintf("%s: %v, want %v", at, got, want)}
		}
	}
	return nil
}

// TestShapeDiffFails: the comparison catches a missing field, a wrong type,
// an unexpected field and an empty list where items are expected.
func TestShapeDiffFails(t *testing.T) {
	want := map[string]any{"id": "string", "n": "number", "items": []any{map[string]any{"a": "boolean"}}}
	for _, got := range []any{
		map[string]any{"n": "number", "items": []any{map[string]any{"a": "boolean"}}},
		map[string]any{"id": "number", "n": "number", "items": []any{map[string]any{"a": "boolean"}}},
		map[string]any{"id": "string", "n": "number", "x": "string", "items": []any{map[string]any{"a": "boolean"}}},
		map[string]any{"id": "string", "n": "number", "items": []any{}},
		map[string]any{"id": "string", "n": "number", "items": []any{map[string]any{"a": "string"}}},
	} {
		if len(shapeDiff("$", got, want, nil)) == 0 {
			t.Errorf("%v passed against %v", got, want)
		}
	}
	ok := map[string]any{"id": "string", "n": "number", "items": []any{map[string]any{"a": "boolean"}}}
	if d := shapeDiff("$", ok, want, nil); len(d) > 0 {
		t.Errorf("equal shapes: %v", d)
	}
}
