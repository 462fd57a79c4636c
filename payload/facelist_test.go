package payload_test

import (
	"context"
	"errors"
	"image"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/facegate/facegate/payload"
	"github.com/facegate/facegate/payload/servicetest"
)

// doHTTP sends req and returns the status and the decoded error answer.
func doHTTP(t testing.TB, c *http.Client, req *http.Request) (int, *payload.ServiceError, []byte) {
	t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode == 200 {
		return 200, nil, body
	}
	return resp.StatusCode, payload.DecodeServiceError(resp.StatusCode, resp.Header, body), body
}

func TestAddFaceRules(t *testing.T) {
	f := getFixtures(t)
	still := readTestdata(t, "decode/pigo-lossy.webp")
	cases := []struct {
		name  string
		req   payload.AddFaceRequest
		faces int // what the emulator's detector counts
		want  payload.Rule
		extra error
	}{
		{name: "list-id", req: payload.AddFaceRequest{FaceListID: "Celebrities", Image: f.good, FaceCount: 1}, want: payload.RuleFaceListID},
		{name: "list-id-too-long", req: payload.AddFaceRequest{FaceListID: strings.Repeat("a", 65), Image: f.good, FaceCount: 1}, want: payload.RuleFaceListID},
		// userData: "The maximum length is 1KB" (seed 004), 1024 bytes
		// (SERVICE.md); 513 two-byte characters are 1026 bytes.
		{name: "user-data", req: payload.AddFaceRequest{FaceListID: "friends", UserData: strings.Repeat("é", 513), Image: f.good, FaceCount: 1}, want: payload.RuleUserDataTooLong},
		{name: "user-data-1025", req: payload.AddFaceRequest{FaceListID: "friends", UserData: strings.Repeat("u", 1025), Image: f.good, FaceCount: 1}, want: payload.RuleUserDataTooLong},
		{name: "user-data-1024", req: payload.AddFaceRequest{FaceListID: "friends", UserData: strings.Repeat("u", 1024), Image: f.good, FaceCount: 1}},
		{name: "target-invalid", req: payload.AddFaceRequest{FaceListID: "friends", TargetFace: rect(-1, 0, 50, 50), Image: f.good, FaceCount: 1}, want: payload.RuleTargetFaceInvalid},
		{name: "target-empty", req: payload.AddFaceRequest{FaceListID: "friends", TargetFace: rect(0, 0, 0, 50), Image: f.good, FaceCount: 1}, want: payload.RuleTargetFaceInvalid},
		{name: "url", req: payload.AddFaceRequest{FaceListID: "friends", URL: "ftp://example.com/1.jpg", FaceCount: payload.UnknownFaceCount}, want: payload.RuleInvalidURL},
		{name: "image-too-small", req: payload.AddFaceRequest{FaceListID: "friends", Image: f.tiny, FaceCount: 1}, want: payload.RuleImageSize},
		{name: "image-too-big", req: payload.AddFaceRequest{FaceListID: "friends", Image: f.huge[:payload.MaxFaceListImageBytes+1], FaceCount: 1}, want: payload.RuleImageSize},
		{name: "image-unsupported", req: payload.AddFaceRequest{FaceListID: "friends", Image: f.garbage, FaceCount: 1}, want: payload.RuleImageUnsupported},
		{name: "image-webp", req: payload.AddFaceRequest{FaceListID: "friends", Image: still, FaceCount: 1}, want: payload.RuleImageUnsupported},
		{name: "target-outside", req: payload.AddFaceRequest{FaceListID: "friends", TargetFace: rect(320, 10, 50, 50), Image: f.good, FaceCount: 1}, want: payload.RuleTargetFaceOutOfRange},
		{name: "face-too-small", req: payload.AddFaceRequest{FaceListID: "friends", TargetFace: rect(10, 10, 35, 50), Image: f.good, FaceCount: 1}, want: payload.RuleNoFace, extra: payload.ErrFaceTooSmall},
		{name: "no-face", req: payload.AddFaceRequest{FaceListID: "friends", Image: f.good, FaceCount: 0}, faces: 0, want: payload.RuleNoFace},
		{name: "two-faces", req: payload.AddFaceRequest{FaceListID: "friends", TargetFace: rect(10, 10, 300, 200), Image: f.good, FaceCount: 2}, faces: 2, want: payload.RuleMultipleFaces},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.req.Validate()
			if c.want == 0 {
				if err != nil {
					t.Fatalf("Validate = %v, want nil", err)
				}
			} else if !errors.Is(err, c.want) || (c.extra != nil && !errors.Is(err, c.extra)) {
				t.Fatalf("Validate = %v, want %v", err, c.want)
			}
			faces := c.faces
			if c.want == 0 {
				faces = 1
			}
			srv := servicetest.NewServer(&servicetest.Options{
				CountFaces: func(image.Image, image.Rectangle) int { return faces },
			})
			defer srv.Close()
			if err := srv.CreateFaceList("friends"); err != nil {
				t.Fatal(err)
			}
			req, err := c.req.NewRequest(context.Background(), srv.URL, srv.Key())
			if err != nil {
				t.Fatal(err)
			}
			status, se, body := doHTTP(t, srv.Client(), req)
			if c.want == 0 {
				if status != 200 {
					t.Fatalf("emulator answered %d %s, want 200", status, body)
				}
				return
			}
			if status != c.want.Status() || se == nil || se.Code != c.want.Code() || se.Message != c.want.Text() {
				t.Fatalf("emulator answered %d %s, want %d %s %q", status, body, c.want.Status(), c.want.Code(), c.want.Text())
			}
			if !errors.Is(se, c.want) {
				t.Errorf("errors.Is(%v, %v) = false", se, c.want)
			}
		})
	}
}

func TestAddFaceState(t *testing.T) {
	f := getFixtures(t)
	var fetched []string
	srv := servicetest.NewServer(&servicetest.Options{
		FetchURL: func(_ context.Context, u string) ([]byte, error) {
			fetched = append(fetched, u)
			if strings.Contains(u, "missing") {
				return nil, errors.New("404")
			}
			return f.good, nil
		},
	})
	defer srv.Close()
	c, err := payload.NewClient(srv.URL, srv.Key(), payload.WithHTTPClient(srv.Client()))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	add := &payload.AddFaceRequest{FaceListID: "friends", UserData: "Alice", TargetFace: rect(10, 10, 100, 100), Image: f.good, FaceCount: 1}
	if _, err := c.AddFace(ctx, add); !errors.Is(err, payload.ErrNotFound) || !strings.Contains(err.Error(), "Face list is not found.") {
		t.Fatalf("no list: %v", err)
	}
	srv.CreateFaceList("friends")
	for i := range payload.MaxFaceListFaces {
		pf, err := c.AddFace(ctx, add)
		if err != nil || pf.PersistedFaceID == "" {
			t.Fatalf("face %d: %v", i, err)
		}
	}
	_, err = c.AddFace(ctx, add)
	var se *payload.ServiceError
	if !errors.As(err, &se) || se.StatusCode != 403 || se.Code != "QuotaExceeded" || se.Message != "Face number reached limit." || !errors.Is(err, payload.ErrQuota) {
		t.Fatalf("face 1001: %v", err)
	}
	if faces, _ := srv.FaceListFaces("friends"); len(faces) != payload.MaxFaceListFaces {
		t.Errorf("%d faces", len(faces))
	}

	srv.CreateFaceList("urls")
	byURL := &payload.AddFaceRequest{FaceListID: "urls", URL: "https://example.com/alice.jpg", FaceCount: payload.UnknownFaceCount}
	if _, err := c.AddFace(ctx, byURL); err != nil {
		t.Fatalf("by URL: %v", err)
	}
	byURL.URL = "https://example.com/missing.jpg"
	if _, err := c.AddFace(ctx, byURL); !errors.Is(err, payload.RuleDownloadFailed) {
		t.Fatalf("failed download: %v", err)
	}
	if len(fetched) != 2 {
		t.Errorf("fetched %v", fetched)
	}
}

func TestAddFaceRawBodies(t *testing.T) {
	srv := servicetest.NewServer(nil)
	defer srv.Close()
	srv.CreateFaceList("friends")
	post := func(ct, body string) (int, string) {
		req, _ := http.NewRequest("POST", srv.URL+"/face/v1.0/facelists/friends/persistedFaces", strings.NewReader(body))
		req.Header.Set("Content-Type", ct)
		req.Header.Set("Ocp-Apim-Subscription-Key", srv.Key())
		status, _, b := doHTTP(t, srv.Client(), req)
		return status, string(b)
	}
	// Not JSON: "JSON parsing error." (the add-face page's example and
	// the REST specification's); JSON without a url: the page's table.
	if status, body := post("application/json", `{"url": `); status != 400 || body != `{"error":{"code":"BadArgument","message":"JSON parsing error."}}` {
		t.Errorf("not JSON: %d %s", status, body)
	}
	if status, body := post("application/json", `{"uri": "x"}`); status != 400 || body != `{"error":{"code":"BadArgument","message":"Bad and unrecognizable JSON body."}}` {
		t.Errorf("no url: %d %s", status, body)
	}
	if status, body := post("image/jpeg", "x"); status != 415 || body != `{"error":{"code":"BadArgument","message":"Invalid Media Type."}}` {
		t.Errorf("wrong media type: %d %s", status, body)
	}
	if status, body := post("application/json", `{"url":"https://example.com/a.jpg"}`); status != 400 || !strings.Contains(body, payload.RuleDownloadFailed.Text()) {
		t.Errorf("no fetcher: %d %s", status, body)
	}
}

func TestTargetFaceQuery(t *testing.T) {
	for s, ok := range map[string]bool{"10,10,100,100": true, "1,2,3": false, "a,b,c,d": false, "1,2,3,4,5": false, " 1,2,3,4": false, "-1,0,5,5": true} {
		if _, got := payload.ParseTargetFace(s); got != ok {
			t.Errorf("ParseTargetFace(%q) ok = %v", s, got)
		}
	}
	r := payload.Rect{Left: 10, Top: 20, Width: 30, Height: 40}
	if got, _ := payload.ParseTargetFace(payload.FormatTargetFace(r)); got != r {
		t.Errorf("round trip %v", got)
	}
}
