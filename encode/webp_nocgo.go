//go:build !cgo

package encode

// WebPAvailable reports whether this build can encode WebP. libwebp is
// reached through cgo: this build has CGO_ENABLED=0, so AppendWebP and
// AppendAnimatedWebP return ErrNoWebP. ParseWebP works in every build.
const WebPAvailable = false

// webpScratch is empty without cgo.
type webpScratch struct{}

// encodeStill cannot encode without cgo.
func (e *Encoder) encodeStill(RGB, int, bool) ([]byte, error) { return nil, ErrNoWebP }
