// Package servicetest is an in-process emulator of the Azure Face service's
// liveness, session and face list endpoints, for testing code that calls
// them without a subscription or a network.
//
// NewServer starts an Emulator on a loopback httptest.Server. It reads
// requests from the wire — liveness bodies with mime/multipart, so it sees
// exactly what a client sent, not the client's structures — and answers as
// the service's pages and its published REST specification
// (specification/ai/Face in Azure/azure-rest-api-specs) document:
//
//   - POST /face/v1.1-preview.1/detectLiveness/singleModal: 415 with
//     {"error":{"code":"UnsupportedMediaType","message":"Invalid Media Type."}}
//     for anything but multipart/form-data; then every documented 400, in
//     the order payload.LivenessRequest.Validate checks them and with the
//     same texts (payload.LivenessRules); else 200 with livenessDecision,
//     targetFaceRectangle, targetFileName, targetFrameNumber and
//     modelVersionUsed. Face exposure and sharpness are measured
//     (payload.CheckQuality); whether a face is present, frontal and large
//     enough (payload.MinFaceSize bounds the detected face, not the
//     target rectangle) is what Options.Observe reports, standing in for
//     the service's detector.
//   - v1.1-preview.1 and v1.2-preview.1,
//     .../{detectLiveness,detectLivenessWithVerify}/singleModal/sessions:
//     POST creates a session from a JSON body as v1.2 does and answers
//     sessionId and authToken (the v1.1-preview.1 CreateLivenessSession
//     example); GET lists the sessions added with AddSession, by id after start
//     (payload.CompareIDs), at most top (an empty top= is the default);
//     GET .../{id} answers one session (id, ISO 8601 createdDateTime and
//     sessionStartDateTime, sessionExpired, deviceCorrelationId,
//     authTokenTimeToLiveInSeconds, status); DELETE .../{id} answers 200,
//     then 400 InvalidSessionId, and 404 SessionNotFound for unknown ids.
//   - v1.2 (GA), /face/v1.2/{detectLiveness,detectLivenessWithVerify}-sessions:
//     POST creates a session from the JSON body (livenessOperationMode,
//     deviceCorrelationId, authTokenTimeToLiveInSeconds 60 to 86400) and
//     answers sessionId, authToken, status, modelVersion and results; GET
//     .../{sessionId} answers the same shape; DELETE .../{sessionId}
//     answers 204. The v1.2 specification has no list: GET on the
//     collection answers 405.
//   - v1.0 face lists: PUT /face/v1.0/facelists/{id} creates one (JSON
//     name, userData, recognitionModel), GET answers faceListId, name,
//     userData, recognitionModel (with returnRecognitionModel=true) and
//     persistedFaces, DELETE deletes it; an unknown list is 404
//     FaceListNotFound for each. POST .../persistedFaces applies the face
//     list rules of payload.AddFaceRequest.Validate (a body without a
//     Content-Type is taken as an image when it sniffs as one), and 403
//     QuotaExceeded once a list holds 1000 faces. Options.CountFaces
//     stands in for the detector, Options.FetchURL for downloads.
//
// Session dates come from the emulator's clock (Options.Now), never the
// zero time.
//
// Requests are served in the service's order: first the credentials (an
// Ocp-Apim-Subscription-Key in Options.Key or Options.Keys, or
// "Authorization: Bearer" with a token in Options.BearerTokens; else 401,
// whatever the path), then the route: paths and API versions match
// whatever their case, as the service's do (SDKs write "persistedfaces"
// and "singlemodal"); an unknown path, an API version the emulator does
// not serve (v1.0 for face lists, v1.1-preview.1 for the liveness call and
// sessions, v1.2-preview.1 and v1.2 for sessions) or an operation a
// version does not have is answered 404 {"error":{"statusCode":404,
// "message":"Resource not found"}}, the gateway's answer; a known path
// with another method 405. Inject, RateLimit and Timeout queue gateway
// answers (429 with "Try again in N seconds." and Retry-After, 408, 403
// quota, 409 ConcurrentOperationConflict, ...) for the next requests.
//
// # Error answers
//
// Every answer of the {"error":{"code","message"}} shape carries the same
// code in an x-ms-error-code header, whatever the API version. The
// gateway's {"error":{"statusCode","message"}} answers (401 is not one of
// them; 403 quota, 404 "Resource not found", 429) have no code, and no
// header. A body that is not JSON (add face by URL, create face list,
// create session) answers 400 BadArgument "JSON parsing error.", the text
// of the add-face page's example and of the specification's examples; JSON
// that parses but lacks what the operation needs answers the add-face
// page's "Bad and unrecognizable JSON body." (payload.RuleBadJSON). The
// service's text for a JSON error in the v1.2 create-session body is not
// published; the emulator uses the same "JSON parsing error.".
//
// # Where a seed page's example and the specification disagree
//
// The emulator follows the specification; Options.SeedShapes answers as the
// seed page's example instead. payload's decoders read both.
//
//	what                                 seed page (example)                          specification (example)                 payload reads
//	v1.1-preview.1 session list item     sessionId (seed 000)                         id                                      both (Session)
//	v1.1-preview.1 sessionStartDateTime  epoch milliseconds, a number (seed 000)      ISO 8601 string                         both (Session)
//	add face, 404 FaceListNotFound text  "Face list 'sample_list' is not found."      "Face list is not found." (also         any text (ServiceError)
//	                                     (seed 004's example body)                    seed 004's table)
//	add face, 415 text                   "Invalid Media Type" (seed 004)              "Invalid Media Type."                   any text
//	add face, 400 for a body not JSON    table: "Bad and unrecognizable JSON body."   "JSON parsing error."                   any text
//	                                     example: "JSON parsing error." (seed 004)
//	delete session status                200 (seed 001, v1.1-preview.1)               200 in the previews, 204 in v1.2        any 2xx
//	session id field in v1.2             -                                            sessionId (create, get)                 both (Session)
//
// The last rows are not disagreements the option changes: the JSON-parse
// row has the seed's example and the specification agree, and the
// emulator uses both texts as said under Error answers.
//
// The golden tests in spec_test.go send the specification's examples to
// the emulator; testdata/spec/README.md names the examples, their commits,
// and the examples that cannot pass, with the reason.
//
// The emulator is as strict as payload's Validate (the same byte limits,
// counted in binary units, and the same minimum face), so a request it
// accepts is one the service should accept as far as its pages tell.
package servicetest
