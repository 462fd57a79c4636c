// Package payload builds and checks the requests facegate sends to the
// Azure Face service, and decodes its answers.
//
// It covers single-modal liveness detection
// (POST {endpoint}/face/v1.1-preview.1/detectLiveness/singleModal), adding a
// face to a face list (POST .../face/v1.0/facelists/{id}/persistedFaces), and
// listing and deleting liveness sessions. Each request type has a Validate
// that predicts, before anything is sent, every rejection the service's
// pages document, as a *RuleError carrying the service's status, code and
// exact message (a Rule); and a NewRequest that builds the *http.Request.
// A Client sends them, retrying 408 and 429 answers. The package
// payload/servicetest is an in-process emulator of the service that answers
// with the same rules, read from the wire.
//
// The package imports no detector: what only a face detector can know
// (whether a face is in a rectangle, whether it is frontal) comes from the
// caller as a FaceObservation per frame. Exposure and sharpness can be
// measured here (ValidateOptions.Quality).
//
// # Liveness requests
//
// A LivenessRequest is the metadata's imageData entries (Frames) and the
// Content parts (Files). WriteTo streams the multipart/form-data body: the
// Metadata part (Content-Disposition: form-data; name="Metadata",
// Content-Type: application/json; charset=utf-8), then one Content part per
// file (name="Content"; filename="..."; Content-Type:
// application/octet-stream) in the order the metadata first names them. It
// writes the files from the caller's slices without copying and, in steady
// state, without allocating. ContentType gives the matching header; set
// Boundary for reproducible bodies.
//
// Validate predicts the fourteen 400 answers of the liveness page
// (LivenessRules):
//
//	Rule                      predicted from
//	RuleModelVersion          ModelVersion not in DefaultModelVersions or ValidateOptions.ModelVersions
//	RuleMetadataMissing       no Frames (the emulator: no Metadata part, unreadable JSON, no imageData)
//	RuleContentMissing        no Files (the emulator: no Content part)
//	RuleFileNameMismatch      a frame naming no file, a file no frame names, a name given twice
//	                          (the emulator also: parts out of the metadata's order)
//	RuleTargetOutOfRange      targetFaceRectangle not inside the image; imageCropOffsets placing
//	                          the image outside the full frame
//	RuleDecoding              format sniffed from the bytes (preprocess.SniffFormat) not JPEG,
//	                          PNG, GIF, BMP or WebP, a malformed header (preprocess.DecodeConfig),
//	                          a negative frameNumber, frame numbers not increasing within a video
//	                          or past its last frame
//	RuleImageTooLarge         an image over MaxImageBytes, a video (WebP) over MaxVideoBytes
//	RuleImageTooSmall         a file under MinFileBytes
//	RuleFaceNotFoundInRect    an observed face Size under MinFaceSize (also ErrFaceTooSmall), or
//	                          observed Missing
//	RuleFaceNotFoundInFrames  fewer frames with a face than ValidateOptions.MinFaceFrames
//	RuleFaceBlurred           measured (CheckQuality) or observed
//	RuleFaceOverExposed       measured or observed
//	RuleFaceUnderExposed      measured or observed
//	RuleFaceNotFrontal        observed
//
// # Readings of the pages
//
// Sizes: the pages say "1KB", "6MB", "25MB", "4MB"; the service counts in
// binary units (1 KB = 1024 bytes, 1 MB = 2^20 bytes), and a file exactly
// at a bound is accepted: MinFileBytes = 1024, MaxImageBytes = 6 MiB,
// MaxVideoBytes = 25 MiB, MaxFaceListImageBytes = 4 MiB, MaxUserDataBytes =
// 1024 (counted in UTF-8 bytes).
//
// Minimum face: the liveness page calls 128x128 (scaled up for images over
// 1920x1080) the minimum detectable face size, and lists no message of its
// own for it. A face under it is not detected, so a detected face
// (FaceObservation.Size) under MinFaceSize of its image is predicted as
// "Face not found within target rectangle." (RuleFaceNotFoundInRect, also
// matching ErrFaceTooSmall). The minimum bounds the face, not the client's
// target rectangle: the page's own example request sends a 100x100
// targetFaceRectangle, and Validate accepts it;
// "Image size is too small." is the file size rule, the counterpart of
// "Image size is too large.". The size is that of the uploaded image (the
// crop), which is what the service detects in. MinFaceSize is
// ceil(128 * max(1, W/1920, H/1080)): the page requires 128 for every
// image up to 1920x1080, so the factor is never below 1.
//
// Messages: three liveness messages continue after their first sentence
// (an example of the required part headers, a link to the model versions);
// Rule.Text is the message as the page gives it and Rule.Short its first
// sentence, which is what Rule.Matches compares with an answer. The page
// lost the link that ends RuleModelVersion's message.
//
// Videos: a WebP file is a video (the page supports WebP for videos only),
// whose frame count is its ANMF chunks; frame numbers are checked against
// it. GIFs are images: the service reads their first frame.
//
// # Errors
//
// Every error wraps a sentinel. A *RuleError matches ErrInvalid, its Rule
// (errors.Is(err, payload.RuleImageTooLarge)) and the sentinel of the
// status the service would answer (ErrBadRequest, ErrNotFound). A
// *ServiceError decodes both published error bodies
// ({"error":{"code","message"}} and {"error":{"statusCode","message"}}),
// the x-ms-error-code header, and the wait from Retry-After or from "Try
// again in N seconds."; it matches the sentinel of its status
// (ErrRateLimited, ErrQuota, ...) and the Rule its message carries, so
// errors.Is(serviceErr, ruleErr.Rule) compares a prediction with an answer.
//
// # Client
//
// NewClient takes the endpoint, the key and functional options (the
// *http.Client, attempts, wait caps, an injectable sleep and clock). It
// validates before sending, retries 408 and 429 after the wait the service
// asks for (never longer than WithMaxWait), and stops when the context is
// done. The key is never part of an error or of a formatted Client, and
// never leaves the endpoint's origin: the Client follows a redirect only
// for a GET, only to the same scheme, host and port, at most MaxRedirects
// times, and returns any other 3xx answer as a *RedirectError (ErrRedirect).
// An http:// endpoint is refused unless it is loopback or WithInsecureHTTP
// is given.
package payload
