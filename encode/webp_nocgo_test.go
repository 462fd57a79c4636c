//go:build !cgo

package encode

import (
	"errors"
	"testing"
)

// Without cgo, WebP encoding reports ErrNoWebP and leaves dst alone, while
// the rest of the package, the WebP parser included, works.
func TestNoCgoWebP(t *testing.T) {
	if WebPAvailable {
		t.Fatal("WebPAvailable in a build without cgo")
	}
	src := noise(32, 32, 1)
	dst := []byte("dst")
	b, err := AppendWebP(dst, src, nil)
	if !errors.Is(err, ErrNoWebP) || string(b) != "dst" {
		t.Errorf("AppendWebP: %q, %v; want ErrNoWebP and dst unchanged", b, err)
	}
	b, err = AppendAnimatedWebP(dst, []AnimFrame{{Image: src}, {Image: src, TimestampMs: 40}}, nil)
	if !errors.Is(err, ErrNoWebP) || string(b) != "dst" {
		t.Errorf("AppendAnimatedWebP: %q, %v; want ErrNoWebP and dst unchanged", b, err)
	}
	if err.Error() != "encode: webp encoding needs cgo" {
		t.Errorf("message %q", err)
	}
	// Input errors still come first.
	if _, err := AppendWebP(nil, RGB{}, nil); !errors.Is(err, ErrInvalidImage) {
		t.Errorf("invalid image: %v", err)
	}
	if _, err := ParseWebP(nil, readFixture(t, "pigo-anim.webp")); err != nil {
		t.Errorf("ParseWebP: %v", err)
	}
	if _, err := AppendJPEG(nil, src, nil); err != nil {
		t.Errorf("AppendJPEG: %v", err)
	}
}
