// Package servicetest is an in-process emulator of the Azure Face service's
// liveness, session and face list endpoints, for testing code that calls
// them without a subscription or a network.
//
// NewServer starts an Emulator on a loopback httptest.Server. It reads
// requests from the wire — liveness bodies with mime/multipart, so it sees
// exactly what a client sent, not the client's structures — and answers as
// the service's pages document:
//
//   - POST /face/v1.1-preview.1/detectLiveness/singleModal: 415 with
//     {"error":{"code":"UnsupportedMediaType","message":"Invalid Media Type."}}
//     for anything but multipart/form-data; then every documented 400, in
//     the order payload.LivenessRequest.Validate checks them and with the
//     same texts (payload.LivenessRules); else 200 with livenessDecision,
//     targetFaceRectangle, targetFileName, targetFrameNumber and
//     modelVersionUsed. Face exposure and sharpness are measured
//     (payload.CheckQuality); whether a face is present and frontal is
//     what Options.Observe reports, standing in for the service's detector.
//   - GET and DELETE .../{detectLiveness,detectLivenessWithVerify}/singleModal/sessions[/{id}]:
//     the sessions added with AddSession, listed by id after start, at
//     most top, in the v1.1-preview.1 shape (sessionId, epoch
//     milliseconds) or, for later API versions, the later shape (id,
//     date-time strings, x-ms-error-code headers); deletion answers 200,
//     then 400 InvalidSessionId, and 404 SessionNotFound for unknown ids.
//   - POST /face/v1.0/facelists/{id}/persistedFaces: the face list rules of
//     payload.AddFaceRequest.Validate, lists created with CreateFaceList,
//     and 403 QuotaExceeded once a list holds 1000 faces. Options.CountFaces
//     stands in for the detector, Options.FetchURL for downloads.
//
// Requests are served in the service's order: first the credentials (an
// Ocp-Apim-Subscription-Key in Options.Key or Options.Keys, or
// "Authorization: Bearer" with a token in Options.BearerTokens; else 401,
// whatever the path), then the route: paths and API versions match
// whatever their case, as the service's do (SDKs write "persistedfaces"
// and "singlemodal"); an unknown path, an API version the emulator does
// not serve (v1.0 for face lists, v1.1-preview.1 for the liveness call and
// sessions, v1.2-preview.1 for sessions) or an operation a version does
// not have is answered 404 {"error":{"statusCode":404,"message":"Resource
// not found"}}, the gateway's answer; a known path with another method
// 405. Inject,
// RateLimit and Timeout queue gateway answers (429 with "Try again in N
// seconds." and Retry-After, 408, 403 quota, ...) for the next requests.
//
// The emulator is as strict as payload's Validate (the same byte limits and
// minimum face), so a request it accepts is one the service should accept
// as far as its pages tell.
package servicetest
