package payload

import (
	"net/http"
	"strconv"
	"strings"
)

// Rule names one documented rejection of the Face service: the status, the
// error code and the message text the service answers with. A Rule is an
// error, so a caller can test for one with errors.Is on what Validate
// returns (a *RuleError) and on what the service answered (a
// *ServiceError whose status and message match the rule).
//
// The texts are copied from the service's pages (see the package
// documentation for where SERVICE.md and the pages differ).
type Rule uint8

// Liveness detection (POST .../detectLiveness/singleModal): every 400 the
// page documents, all with the code "BadRequest".
const (
	_ Rule = iota
	// RuleModelVersion: the model-version query parameter is not one of
	// the accepted versions.
	RuleModelVersion
	// RuleMetadataMissing: no Metadata part, an empty or unreadable one,
	// or one that lists no images.
	RuleMetadataMissing
	// RuleContentMissing: no Content part.
	RuleContentMissing
	// RuleFileNameMismatch: a fileName in the metadata has no Content
	// part of that filename, a Content part is not named in the
	// metadata, or the parts are not in the metadata's order.
	RuleFileNameMismatch
	// RuleTargetOutOfRange: a targetFaceRectangle is not inside its
	// image, or imageCropOffsets put the image outside the full frame.
	RuleTargetOutOfRange
	// RuleDecoding: a file is in no supported format or its header is
	// malformed, or the frame numbers of a file do not fit it.
	RuleDecoding
	// RuleImageTooLarge: a file over MaxImageBytes (images) or
	// MaxVideoBytes (videos).
	RuleImageTooLarge
	// RuleImageTooSmall: a file under MinFileBytes.
	RuleImageTooSmall
	// RuleFaceNotFoundInRect: no face in a target rectangle, including a
	// rectangle smaller than MinFaceSize (the smallest detectable face).
	RuleFaceNotFoundInRect
	// RuleFaceNotFoundInFrames: a face in too few of the frames.
	RuleFaceNotFoundInFrames
	// RuleFaceBlurred: the face is too blurred.
	RuleFaceBlurred
	// RuleFaceOverExposed: the face is over exposed.
	RuleFaceOverExposed
	// RuleFaceUnderExposed: the face is under exposed.
	RuleFaceUnderExposed
	// RuleFaceNotFrontal: the face is not frontal.
	RuleFaceNotFrontal
)

// Face list, add a face (POST .../facelists/{faceListId}/persistedFaces).
const (
	// RuleFaceListID: the faceListId is not 1 to 64 of a-z, 0-9, '-'
	// and '_'. The service answers 404 FaceListNotFound.
	RuleFaceListID Rule = iota + 32
	// RuleBadJSON: a JSON body that is not {"url": "..."}.
	RuleBadJSON
	// RuleUserDataTooLong: userData over MaxUserDataBytes.
	RuleUserDataTooLong
	// RuleTargetFaceInvalid: targetFace is not four integers
	// left,top,width,height with a positive width and height.
	RuleTargetFaceInvalid
	// RuleTargetFaceOutOfRange: targetFace does not intersect the image.
	RuleTargetFaceOutOfRange
	// RuleInvalidURL: the url is not an absolute http or https URL.
	RuleInvalidURL
	// RuleDownloadFailed: the service could not fetch the url (only the
	// emulator and the service answer it; Validate cannot predict it).
	RuleDownloadFailed
	// RuleMultipleFaces: more than one face in the image or targetFace.
	RuleMultipleFaces
	// RuleNoFace: no detectable face (including a targetFace outside
	// MinDetectableFace..MaxDetectableFace).
	RuleNoFace
	// RuleImageUnsupported: the image is in no supported format.
	RuleImageUnsupported
	// RuleImageSize: the image is under MinFileBytes or over
	// MaxFaceListImageBytes.
	RuleImageSize
)

// Liveness sessions (GET .../sessions).
const (
	// RuleSessionStart: start is longer than MaxSessionStart.
	RuleSessionStart Rule = iota + 64
	// RuleSessionTop: top is outside 1..MaxSessionTop.
	RuleSessionTop
)

type ruleInfo struct {
	name   string
	status int
	code   string
	text   string // the message, as the page gives it
	short  string // the part of text that identifies the rule in an answer
}

var rules = map[Rule]ruleInfo{
	// The seed page lost the link that ends this message ("... found at
	// <link>"); the short form is what SERVICE.md lists.
	RuleModelVersion:         {"model-version", 400, "BadRequest", "Incorrect model-version. Please specify one of the valid model versions found at", "Incorrect model-version."},
	RuleMetadataMissing:      {"metadata-missing", 400, "BadRequest", "A value for the 'Metadata' property was not provided. Required header example: Content-Type: application/json; charset=utf-8 Content-Disposition: form-data; name=Metadata", "A value for the 'Metadata' property was not provided."},
	RuleContentMissing:       {"content-missing", 400, "BadRequest", "A value for the 'Content' property was not provided. Required header example: Content-Type: application/octet-stream; Content-Disposition: form-data; name=Content", "A value for the 'Content' property was not provided."},
	RuleFileNameMismatch:     {"filename-mismatch", 400, "BadRequest", "Filename specified in 'Metadata' is not found in the 'Content'", ""},
	RuleTargetOutOfRange:     {"target-out-of-range", 400, "BadRequest", "Target face rectangle specified is out of range and not contained within image.", ""},
	RuleDecoding:             {"decoding", 400, "BadRequest", "Decoding error, content not in expected format.", ""},
	RuleImageTooLarge:        {"image-too-large", 400, "BadRequest", "Image size is too large.", ""},
	RuleImageTooSmall:        {"image-too-small", 400, "BadRequest", "Image size is too small.", ""},
	RuleFaceNotFoundInRect:   {"face-not-found-in-rect", 400, "BadRequest", "Face not found within target rectangle.", ""},
	RuleFaceNotFoundInFrames: {"face-not-found-in-frames", 400, "BadRequest", "Face not found across sufficient frames.", ""},
	RuleFaceBlurred:          {"face-blurred", 400, "BadRequest", "Face is too blurred and cannot be clearly seen.", ""},
	RuleFaceOverExposed:      {"face-over-exposed", 400, "BadRequest", "Face is over exposed and cannot be clearly seen.", ""},
	RuleFaceUnderExposed:     {"face-under-exposed", 400, "BadRequest", "Face is under exposed and cannot be clearly seen.", ""},
	RuleFaceNotFrontal:       {"face-not-frontal", 400, "BadRequest", "Face is not frontal and liveness classification cannot be run on face.", ""},

	RuleFaceListID:           {"facelist-id", 404, "FaceListNotFound", "Face list ID is invalid. Valid format should be a string composed by numbers, English letters in lower case, '-', '_', and no longer than 64 characters.", ""},
	RuleBadJSON:              {"bad-json", 400, "BadArgument", "Bad and unrecognizable JSON body.", ""},
	RuleUserDataTooLong:      {"userdata-too-long", 400, "BadArgument", "'userData' is too long.", ""},
	RuleTargetFaceInvalid:    {"targetface-invalid", 400, "BadArgument", "Invalid argument targetFace. Caused by invalid string format or invalid left/top/height/width value.", ""},
	RuleTargetFaceOutOfRange: {"targetface-out-of-range", 400, "BadArgument", "Argument targetFace out of range, targetFace is valid but it's intersection with the entire image is empty.", ""},
	RuleInvalidURL:           {"invalid-url", 400, "InvalidURL", "Invalid image URL.", ""},
	RuleDownloadFailed:       {"download-failed", 400, "InvalidURL", "Failed to download from target server. Remote server error returned.", ""},
	RuleMultipleFaces:        {"multiple-faces", 400, "InvalidImage", "There is more than 1 face in the image or in the specified targetFace area.", ""},
	RuleNoFace:               {"no-face", 400, "InvalidImage", "No face detected in the image or in the specified targetFace area.", ""},
	RuleImageUnsupported:     {"image-unsupported", 400, "InvalidImage", "Decoding error, image format unsupported.", ""},
	RuleImageSize:            {"image-size", 400, "InvalidImageSize", "Image size is too small or too big.", ""},

	RuleSessionStart: {"session-start", 400, "BadArgument", "Start parameter is invalid. Please specify the 'Id' field of the last entry to continue the listing process.", ""},
	RuleSessionTop:   {"session-top", 400, "BadArgument", "Top parameter is invalid. Valid range is between 1 and 1000 inclusive.", ""},
}

// LivenessRules lists the fourteen documented 400 answers of the liveness
// page, in the page's order.
var LivenessRules = []Rule{
	RuleModelVersion, RuleMetadataMissing, RuleContentMissing, RuleFileNameMismatch,
	RuleTargetOutOfRange, RuleDecoding, RuleImageTooLarge, RuleImageTooSmall,
	RuleFaceNotFoundInRect, RuleFaceNotFoundInFrames, RuleFaceBlurred,
	RuleFaceOverExposed, RuleFaceUnderExposed, RuleFaceNotFrontal,
}

// Status returns the HTTP status the service answers with (400, or 404 for
// RuleFaceListID), or 0 for an unknown Rule.
func (r Rule) Status() int { return rules[r].status }

// Code returns the error code of the service's JSON body, such as
// "BadRequest" or "InvalidImage".
func (r Rule) Code() string { return rules[r].code }

// Text returns the message the service answers with, as its page gives it.
func (r Rule) Text() string { return rules[r].text }

// Short returns the leading part of Text that identifies the rule in an
// answer: Text itself for most rules, the first sentence where the page
// adds an example or a link after it.
func (r Rule) Short() string {
	if s := rules[r].short; s != "" {
		return s
	}
	return rules[r].text
}

// String returns the rule's name, such as "target-out-of-range".
func (r Rule) String() string {
	if i, ok := rules[r]; ok {
		return i.name
	}
	return "rule(" + strconv.Itoa(int(r)) + ")"
}

// Error implements error: "payload: 400 BadRequest: <Text>".
func (r Rule) Error() string {
	i, ok := rules[r]
	if !ok {
		return "payload: " + r.String()
	}
	return "payload: " + strconv.Itoa(i.status) + " " + i.code + ": " + i.text
}

// Is reports whether the rule belongs to target: ErrInvalid (every Rule)
// or the sentinel of the status the service answers with (ErrBadRequest,
// ErrNotFound).
func (r Rule) Is(target error) bool {
	if target == ErrInvalid {
		return true
	}
	s := r.Status()
	return s != 0 && statusSentinel(s) == target
}

// Matches reports whether a service answer is this rule: same status and a
// message that starts with Short (the service may add a link or an example
// after it).
func (r Rule) Matches(status int, message string) bool {
	i, ok := rules[r]
	return ok && status == i.status && strings.HasPrefix(strings.TrimSpace(message), r.Short())
}

// RuleForAnswer returns the Rule a service answer (status and message)
// matches, or 0 and false.
func RuleForAnswer(status int, message string) (Rule, bool) {
	best, n := Rule(0), 0
	for r := range rules {
		if r.Matches(status, message) && len(r.Short()) > n {
			best, n = r, len(r.Short())
		}
	}
	return best, n > 0
}

// RuleError is a rejection Validate predicts: the Rule (the service's
// status, code and text), where in the request, and why.
type RuleError struct {
	Rule   Rule
	Field  string // where: "model-version", "imageData[2].targetFaceRectangle", "Content[video.webp]", ...
	Reason string // why, in a few words; never contains the subscription key
	extra  error  // an additional sentinel, such as ErrFaceTooSmall
}

// Error implements error.
func (e *RuleError) Error() string {
	var b strings.Builder
	b.WriteString(e.Rule.Error())
	if e.Field != "" {
		b.WriteString(" (")
		b.WriteString(e.Field)
		if e.Reason != "" {
			b.WriteString(": ")
			b.WriteString(e.Reason)
		}
		b.WriteString(")")
	} else if e.Reason != "" {
		b.WriteString(" (")
		b.WriteString(e.Reason)
		b.WriteString(")")
	}
	return b.String()
}

// Unwrap returns the Rule, and the additional sentinel if any, so that
// errors.Is matches the Rule, ErrInvalid, the status sentinel
// (ErrBadRequest, ErrNotFound) and, for a face under MinFaceSize,
// ErrFaceTooSmall.
func (e *RuleError) Unwrap() []error {
	if e.extra != nil {
		return []error{e.Rule, e.extra}
	}
	return []error{e.Rule}
}

// Status returns the status the service would answer with.
func (e *RuleError) Status() int { return e.Rule.Status() }

// Text returns the message the service would answer with.
func (e *RuleError) Text() string { return e.Rule.Text() }

func ruleErr(r Rule, field, reason string) *RuleError {
	return &RuleError{Rule: r, Field: field, Reason: reason}
}

// statusSentinel maps an HTTP status to its sentinel error.
func statusSentinel(status int) error {
	switch {
	case status == http.StatusBadRequest:
		return ErrBadRequest
	case status == http.StatusUnauthorized:
		return ErrUnauthorized
	case status == http.StatusForbidden:
		return ErrQuota
	case status == http.StatusNotFound:
		return ErrNotFound
	case status == http.StatusRequestTimeout:
		return ErrTimeout
	case status == http.StatusConflict:
		return ErrConflict
	case status == http.StatusRequestEntityTooLarge:
		return ErrTooLarge
	case status == http.StatusUnsupportedMediaType:
		return ErrUnsupportedMedia
	case status == http.StatusTooManyRequests:
		return ErrRateLimited
	case status >= 500 && status <= 599:
		return ErrServer
	}
	return ErrUnexpectedStatus
}

var _ error = Rule(0)
