// Package browsertest starts Debian's headless Chromium for the tests that
// look at facegate's pages in a real browser (the HTML report, the
// WebAssembly capture example). It is the one place that knows the
// executable and the flags a closed CI network needs.
//
// Those tests carry the "external" build tag and run in .ci/run, which
// installs the chromium package; without it New fails the test with the
// command to install it, and never skips.
package browsertest

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// ErrNoChromium is returned by Path when no Chromium executable is found.
var ErrNoChromium = errors.New("browsertest: no chromium executable (apt-get install chromium, or set FACEGATE_CHROMIUM)")

// Path returns the Chromium executable: $FACEGATE_CHROMIUM if set, else
// the first of chromium, chromium-browser, google-chrome on $PATH or at
// Debian's /usr/bin/chromium.
func Path() (string, error) {
	if p := os.Getenv("FACEGATE_CHROMIUM"); p != "" {
		return p, nil
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "/usr/bin/chromium"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", ErrNoChromium
}

// Options returns the allocator options for a headless, sandbox-free
// Chromium that makes no background connections (a closed network refuses
// them, many at a time, and slows the start), with a fresh profile in dir.
// extra flags (for example a fake camera) are appended.
func Options(exe, dir string, extra ...chromedp.ExecAllocatorOption) []chromedp.ExecAllocatorOption {
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.UserDataDir(dir),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(1280, 900),
	}
	return append(opts, extra...)
}

// New starts Chromium for t and returns a browser context whose deadline
// is timeout from now; the browser is closed when the test ends. Extra
// allocator options (chromedp.Flag(...)) are passed through. The test
// fails, never skips, when Chromium is missing.
func New(t testing.TB, timeout time.Duration, extra ...chromedp.ExecAllocatorOption) context.Context {
	t.Helper()
	exe, err := Path()
	if err != nil {
		t.Fatal(err)
	}
	actx, acancel := chromedp.NewExecAllocator(context.Background(), Options(exe, t.TempDir(), extra...)...)
	bctx, cancel := chromedp.NewContext(actx, chromedp.WithLogf(t.Logf))
	t.Cleanup(func() {
		cancel()
		acancel()
	})
	// Start the browser now, on a context without a deadline (a deadline
	// on the first run would stop the whole browser), so a missing library
	// or a bad flag fails here with Chromium's own message rather than in
	// the first action.
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("browsertest: starting %s: %v", exe, err)
	}
	ctx, tcancel := context.WithTimeout(bctx, timeout)
	t.Cleanup(tcancel)
	return ctx
}
