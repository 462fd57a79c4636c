//go:build external

package webcapture

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/facegate/facegate/internal/browsertest"
	"github.com/facegate/facegate/payload"
	"github.com/facegate/facegate/wasm/check"
)

// parityFrames is how many frames of each scene the parity page checks.
const parityFrames = 8

// parityPage runs the WebAssembly build on the page's main thread over the
// frames the test serves raw, and leaves the JSON results in window.parity.
const parityPage = `<!doctype html><title>parity</title><script src="/wasm_exec.js"></script><script>
window.parity = null;
window.onFacegateReady = async () => {
  const out = new Uint8Array(1 << 16), dec = new TextDecoder(), res = [];
  for (let i = 0; i < NFRAMES; i++) {
    const b = new Uint8Array(await (await fetch("/frames/" + i)).arrayBuffer());
    const n = facegate.check(b, 640, 480, out);
    res.push(typeof n === "number" ? dec.decode(out.subarray(0, n)) : JSON.stringify(n));
  }
  window.parity = res;
};
const go = new Go();
WebAssembly.instantiateStreaming(fetch("/facegate.wasm"), go.importObject).then((r) => go.run(r.instance));
</script>`

// TestBrowser runs the capture page in Debian's headless Chromium with a
// fake camera fed from .y4m files made from testdata: the good clip gets
// ready and yields a request payload's validator accepts, the blurred,
// dark and empty ones show the right advice; the WebAssembly verdicts
// equal the native ones on the same frames. It prints the per-frame times,
// the .wasm size and the time to the first verdict. With
// FACEGATE_UPDATE_SCREENSHOT=1 it writes docs/webcapture.png.
func TestBrowser(t *testing.T) {
	bctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	assets, err := Build(bctx, ".")
	if err != nil {
		t.Fatal(err)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(assets.Wasm)
	zw.Close()
	t.Logf("facegate.wasm: %d bytes raw, %d bytes gzipped", len(assets.Wasm), gz.Len())

	scenes := []scene{sceneGood, sceneBlurred, sceneDark, sceneEmpty}
	var parity [][]byte
	for _, s := range scenes {
		fr := sceneFrames(t, s, 640, 480)
		for i := 0; i < parityFrames; i++ {
			parity = append(parity, fr[i%len(fr)])
		}
	}
	h, err := Handler(&Config{Assets: assets})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/", h)
	mux.HandleFunc("GET /parity.html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, strings.Replace(parityPage, "NFRAMES", strconv.Itoa(len(parity)), 1))
	})
	mux.HandleFunc("GET /frames/{i}", func(w http.ResponseWriter, r *http.Request) {
		i, err := strconv.Atoi(r.PathValue("i"))
		if err != nil || i < 0 || i >= len(parity) {
			http.NotFound(w, r)
			return
		}
		w.Write(parity[i])
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	t.Run("parity", func(t *testing.T) {
		ctx := browsertest.New(t, 180*time.Second)
		if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/parity.html")); err != nil {
			t.Fatal(err)
		}
		got, err := chromedp.Run(ctx, chromedp.Poll[[]string]("window.parity", chromedp.WithPollingTimeout(170*time.Second)))
		if err != nil {
			t.Fatal(err)
		}
		c, err := check.NewChecker()
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(parity) {
			t.Fatalf("browser checked %d frames, want %d", len(got), len(parity))
		}
		for i, px := range parity {
			out, _, err := c.Check(px, 640, 480)
			if err != nil {
				t.Fatal(err)
			}
			nat, web := summary(t, out), summary(t, []byte(got[i]))
			if nat != web {
				t.Errorf("frame %d: native %s, browser %s", i, nat, web)
			}
		}
	})

	for _, tc := range []struct {
		s          scene
		w, h       int
		wantAdvice string
	}{
		{sceneGood, 640, 480, "Ready"},
		{sceneBlurred, 640, 480, "Hold still"},
		{sceneDark, 640, 480, "More light"},
		{sceneEmpty, 640, 480, "Put your face in the picture"},
		{sceneGood, 1280, 720, "Ready"},
	} {
		name := fmt.Sprintf("%s-%dx%d", tc.s, tc.w, tc.h)
		t.Run(name, func(t *testing.T) {
			y4m := filepath.Join(t.TempDir(), "cam.y4m")
			if err := writeY4M(y4m, sceneFrames(t, tc.s, tc.w, tc.h), tc.w, tc.h, 30); err != nil {
				t.Fatal(err)
			}
			ctx := browsertest.New(t, 150*time.Second,
				chromedp.Flag("use-fake-device-for-media-stream", true),
				chromedp.Flag("use-fake-ui-for-media-stream", true),
				chromedp.Flag("use-file-for-fake-video-capture", y4m))
			url := fmt.Sprintf("%s/?w=%d&h=%d", srv.URL, tc.w, tc.h)
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(900, 820), chromedp.Navigate(url)); err != nil {
				t.Fatal(err)
			}
			cond := "!!(facegateState.error || facegateState.frames >= 12)"
			if tc.s == sceneGood {
				cond = "!!(facegateState.error || facegateState.request)"
			}
			if _, err := chromedp.Run(ctx, chromedp.Poll[bool](cond, chromedp.WithPollingTimeout(140*time.Second))); err != nil {
				st, _ := chromedp.Run(ctx, chromedp.Evaluate[string]("JSON.stringify({f: facegateState.frames, a: facegateState.advice, e: facegateState.error})"))
				t.Fatalf("waiting for %s: %v; state %s", cond, err, st)
			}
			st, err := chromedp.Run(ctx, chromedp.Evaluate[struct {
				Advice         string    `json:"advice"`
				Error          *string   `json:"error"`
				FrameMs        []float64 `json:"frameMs"`
				FirstVerdictMs float64   `json:"firstVerdictMs"`
				Width          int       `json:"width"`
				Height         int       `json:"height"`
				Body           string    `json:"body"`
				ContentType    string    `json:"contentType"`
			}](`(() => { const s = facegateState, r = s.request; let b = "";
				if (r) { const u = r.body; for (let i = 0; i < u.length; i += 0x8000) b += String.fromCharCode.apply(null, u.subarray(i, i + 0x8000)); }
				return {advice: s.advice, error: s.error, frameMs: s.frameMs, firstVerdictMs: s.firstVerdictMs, width: s.width, height: s.height,
					body: r ? btoa(b) : "", contentType: r ? r.contentType : ""}; })()`))
			if err != nil {
				t.Fatal(err)
			}
			if st.Error != nil {
				t.Fatalf("page error: %s", *st.Error)
			}
			if st.Width != tc.w || st.Height != tc.h {
				t.Errorf("camera gave %dx%d, want %dx%d", st.Width, st.Height, tc.w, tc.h)
			}
			ms := slices.Clone(st.FrameMs)
			sort.Float64s(ms)
			t.Logf("%s: per-frame time in headless Chromium at %dx%d: median %.1f ms, p90 %.1f ms over %d frames; first verdict %.0f ms after page load; advice %q",
				name, st.Width, st.Height, ms[len(ms)/2], ms[len(ms)*9/10], len(ms), st.FirstVerdictMs, st.Advice)
			if !strings.Contains(st.Advice, tc.wantAdvice) {
				t.Errorf("advice %q, want %q", st.Advice, tc.wantAdvice)
			}
			if tc.s != sceneGood {
				return
			}
			body, err := base64.StdEncoding.DecodeString(st.Body)
			if err != nil {
				t.Fatal(err)
			}
			req := parseRequest(t, st.ContentType, body)
			if err := req.Validate(nil); err != nil {
				t.Errorf("the page's request fails payload's validation: %v", err)
			}
			t.Logf("%s: request of %d bytes, %d frames, accepted by payload.Validate", name, len(body), len(req.Frames))
			shot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
			if err != nil {
				t.Fatal(err)
			}
			p := filepath.Join(t.ArtifactDir(), "webcapture.png")
			if os.Getenv("FACEGATE_UPDATE_SCREENSHOT") != "" && tc.w == 640 {
				p = "../../docs/webcapture.png"
				if len(shot) > 300<<10 {
					t.Errorf("screenshot of %d bytes, want < 300 KB", len(shot))
				}
			}
			if err := os.WriteFile(p, shot, 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("screenshot (%d bytes): %s", len(shot), p)
		})
	}
}

// summary is a result's verdict, reason codes and target box.
func summary(t *testing.T, js []byte) string {
	t.Helper()
	var r struct {
		Accept  bool `json:"accept"`
		Reasons []struct {
			Code string `json:"code"`
		} `json:"reasons"`
		Target *struct{ X, Y, W, H int } `json:"target"`
	}
	if err := json.Unmarshal(js, &r); err != nil {
		t.Fatalf("%v in %s", err, js)
	}
	s := fmt.Sprintf("accept=%v", r.Accept)
	for _, x := range r.Reasons {
		s += " " + x.Code
	}
	if r.Target != nil {
		s += fmt.Sprintf(" target=%+v", *r.Target)
	}
	return s
}

// parseRequest reads the page's multipart body back into a request.
func parseRequest(t *testing.T, ctype string, body []byte) *payload.LivenessRequest {
	t.Helper()
	_, params, err := mime.ParseMediaType(ctype)
	if err != nil {
		t.Fatalf("content type %q: %v", ctype, err)
	}
	mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	var req *payload.LivenessRequest
	var files []payload.File
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(p)
		if err != nil {
			t.Fatal(err)
		}
		switch strings.ToLower(p.FormName()) {
		case "metadata":
			if req, err = payload.ParseMetadata(data); err != nil {
				t.Fatal(err)
			}
		case "content":
			files = append(files, payload.File{Name: p.FileName(), Data: data})
		}
	}
	if req == nil {
		t.Fatal("no Metadata part")
	}
	req.Files = files
	return req
}
