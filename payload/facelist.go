package payload

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/facegate/facegate/preprocess"
)

// FaceListAPIVersion is the API version of the face list endpoints.
const FaceListAPIVersion = "v1.0"

// Face list limits from the add-face page.
const (
	// MaxFaceListIDLength is the longest faceListId.
	MaxFaceListIDLength = 64
	// MinDetectableFace is the smallest face (width and height, in
	// pixels) the face list service detects.
	MinDetectableFace = 36
	// MaxDetectableFace is the largest.
	MaxDetectableFace = 4096
	// MaxFaceListFaces is the most faces a face list holds; adding one
	// more is answered 403 QuotaExceeded.
	MaxFaceListFaces = 1000
	// UnknownFaceCount in AddFaceRequest.FaceCount skips the one-face
	// check.
	UnknownFaceCount = -1
)

// ValidFaceListID reports whether id is 1 to 64 of a-z, 0-9, '-' and '_'
// (^[a-z0-9_-]{1,64}$).
func ValidFaceListID(id string) bool {
	if len(id) < 1 || len(id) > MaxFaceListIDLength {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// AddFaceRequest adds a face to a face list:
// POST {endpoint}/face/v1.0/facelists/{faceListId}/persistedFaces
// ?userData=U&targetFace=left,top,width,height, with the image bytes
// (application/octet-stream) or, when URL is set, {"url": URL}
// (application/json).
type AddFaceRequest struct {
	FaceListID string
	// UserData is optional data stored with the face, at most
	// MaxUserDataBytes.
	UserData string
	// TargetFace, when set, is the face to add; without it the image
	// must hold exactly one face.
	TargetFace *Rect
	// Image is the image (JPEG, PNG, GIF, BMP), MinFileBytes to
	// MaxFaceListImageBytes. Exactly one of Image and URL is used.
	Image []byte
	// URL is an http or https address the service downloads the image
	// from.
	URL string
	// FaceCount is the number of faces the caller's detector found in
	// TargetFace (or in the image without one): the service takes
	// exactly one. UnknownFaceCount skips the check (a URL the caller
	// has not fetched).
	FaceCount int
}

// Validate predicts the service's answer, checking in this order (the
// emulator checks in the same order): the faceListId (RuleFaceListID, a
// 404), userData (RuleUserDataTooLong), targetFace's form (positive size,
// non-negative corner: RuleTargetFaceInvalid), the URL (RuleInvalidURL) or
// the image's size (RuleImageSize) and format (RuleImageUnsupported),
// targetFace against the image (RuleTargetFaceOutOfRange when they do not
// intersect), the face's size (MinDetectableFace..MaxDetectableFace, else
// RuleNoFace), and FaceCount (0: RuleNoFace, more than 1:
// RuleMultipleFaces). Setting both Image and URL gives an error wrapping
// ErrInvalid. Whether the list exists and is full is the service's state:
// the emulator answers those.
func (r *AddFaceRequest) Validate() error {
	if !ValidFaceListID(r.FaceListID) {
		return ruleErr(RuleFaceListID, "faceListId", strconv.Quote(r.FaceListID))
	}
	if len(r.UserData) > MaxUserDataBytes {
		return ruleErr(RuleUserDataTooLong, "userData", fmt.Sprintf("%d bytes, over %d", len(r.UserData), MaxUserDataBytes))
	}
	if t := r.TargetFace; t != nil && (t.Left < 0 || t.Top < 0 || t.Width <= 0 || t.Height <= 0) {
		return ruleErr(RuleTargetFaceInvalid, "targetFace", fmt.Sprintf("%+v", *t))
	}
	if r.URL != "" && r.Image != nil {
		return fmt.Errorf("%w: both Image and URL are set", ErrInvalid)
	}
	if r.URL != "" {
		if !validImageURL(r.URL) {
			return ruleErr(RuleInvalidURL, "url", "not an absolute http(s) URL")
		}
	} else {
		info, rerr := checkFaceListImage(r.Image)
		if rerr != nil {
			return rerr
		}
		if t := r.TargetFace; t != nil && t.Rectangle().Intersect(image0(info)).Empty() {
			return ruleErr(RuleTargetFaceOutOfRange, "targetFace", fmt.Sprintf("%+v does not meet the %dx%d image", *t, info.Width, info.Height))
		}
	}
	if t := r.TargetFace; t != nil {
		if t.Width < MinDetectableFace || t.Height < MinDetectableFace {
			return &RuleError{Rule: RuleNoFace, Field: "targetFace", extra: ErrFaceTooSmall,
				Reason: fmt.Sprintf("%dx%d is under the %d px detectable face", t.Width, t.Height, MinDetectableFace)}
		}
		if t.Width > MaxDetectableFace || t.Height > MaxDetectableFace {
			return ruleErr(RuleNoFace, "targetFace", fmt.Sprintf("%dx%d is over the %d px detectable face", t.Width, t.Height, MaxDetectableFace))
		}
	}
	switch {
	case r.FaceCount == 0:
		return ruleErr(RuleNoFace, "FaceCount", "no face")
	case r.FaceCount > 1:
		return ruleErr(RuleMultipleFaces, "FaceCount", strconv.Itoa(r.FaceCount)+" faces")
	}
	return nil
}

// checkFaceListImage checks a face list image's size and format.
func checkFaceListImage(b []byte) (MediaInfo, *RuleError) {
	if len(b) < MinFileBytes || len(b) > MaxFaceListImageBytes {
		return MediaInfo{}, ruleErr(RuleImageSize, "image", fmt.Sprintf("%d bytes, not in %d..%d", len(b), MinFileBytes, MaxFaceListImageBytes))
	}
	info, err := ProbeMedia(b)
	if err != nil {
		return info, ruleErr(RuleImageUnsupported, "image", err.Error())
	}
	if info.Format == preprocess.FormatWebP {
		return info, ruleErr(RuleImageUnsupported, "image", "WebP is not a face list format")
	}
	return info, nil
}

// image0 returns the image's bounds.
func image0(info MediaInfo) image.Rectangle { return image.Rect(0, 0, info.Width, info.Height) }

// validImageURL reports whether s is an absolute http or https URL with a
// host.
func validImageURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" &&
		!strings.ContainsAny(s, " \t\r\n")
}

// ParseTargetFace parses the targetFace query value "left,top,width,height"
// (four decimal integers, no spaces), as the emulator reads it.
func ParseTargetFace(s string) (Rect, bool) {
	parts := strings.Split(s, ",")
	if len(parts) != 4 {
		return Rect{}, false
	}
	var v [4]int
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || len(p) > 10 {
			return Rect{}, false
		}
		v[i] = n
	}
	return Rect{Left: v[0], Top: v[1], Width: v[2], Height: v[3]}, true
}

// FormatTargetFace formats r as the targetFace query value
// "left,top,width,height".
func FormatTargetFace(r Rect) string {
	return strconv.Itoa(r.Left) + "," + strconv.Itoa(r.Top) + "," + strconv.Itoa(r.Width) + "," + strconv.Itoa(r.Height)
}

// URLFor returns the request URL under endpoint.
func (r *AddFaceRequest) URLFor(endpoint string) (string, error) {
	q := url.Values{}
	if r.UserData != "" {
		q.Set("userData", r.UserData)
	}
	if r.TargetFace != nil {
		q.Set("targetFace", FormatTargetFace(*r.TargetFace))
	}
	return joinURL(endpoint, q, "face", FaceListAPIVersion, "facelists", r.FaceListID, "persistedFaces")
}

// Body returns the request body and its Content-Type: {"url": URL} as
// application/json when URL is set, else Image as
// application/octet-stream.
func (r *AddFaceRequest) Body() ([]byte, string) {
	if r.URL != "" {
		b, _ := json.Marshal(struct {
			URL string `json:"url"`
		}{r.URL})
		return b, "application/json"
	}
	return r.Image, "application/octet-stream"
}

// NewRequest returns the HTTP request, with the key and Accept headers
// set, a known ContentLength and a GetBody. It does not call Validate.
func (r *AddFaceRequest) NewRequest(ctx context.Context, endpoint, key string) (*http.Request, error) {
	u, err := r.URLFor(endpoint)
	if err != nil {
		return nil, err
	}
	body, ct := r.Body()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	req.Header.Set("Content-Type", ct)
	if err := setAuth(req.Header, key); err != nil {
		return nil, err
	}
	return req, nil
}

// PersistedFace is the 200 answer of an add-face call.
type PersistedFace struct {
	PersistedFaceID string `json:"persistedFaceId"`
}
