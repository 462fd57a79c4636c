// Package sdktest runs Azure's Face SDKs for JavaScript against the
// emulator served by package emulate (facegate emulate), so that the
// emulator's routes, shapes and credentials are checked against the
// clients apps actually use, not only against this module's own.
//
// The Node project is in testdata/node: package.json pins
// @azure-rest/ai-vision-face twice under npm aliases, face-beta1
// (1.0.0-beta.1, API v1.1-preview.1) and face-beta3 (1.0.0-beta.3, API
// v1.2), @azure/cognitiveservices-face 5.0.0 (API v1.0: face lists) and
// @azure/core-auth 1.10.1; package-lock.json is committed. The test,
// behind the build tag external since it needs node (>= 20), npm and the
// npm registry, copies the project to a temporary directory, runs npm ci
// there, and runs test.mjs twice: against emulators served over HTTP, then
// over HTTPS (NODE_EXTRA_CA_CERTS names the PEMs the servers write). Each
// run has a second emulator that answers every request 429 (fault rate 1)
// for the SDKs' 429 checks. test.mjs drives, with each SDK:
//
//   - beta.1: create, list, get and delete sessions of both kinds; 404
//     SessionNotFound for an unknown session; 401 for a wrong key; 415
//     for a create body other than JSON; 429 with Retry-After; a bearer
//     token, accepted over HTTPS and refused by the SDK itself over HTTP
//     ("not permitted for non-TLS protected (non-https) URLs", as
//     documented); the v1.1-preview.1 liveness call (multipart, through
//     the SDK's pipeline) with testdata/faces/obama-1080p.jpg, 200, and
//     with bytes that are no image, 400 "Decoding error, content not in
//     expected format.", and as JSON, 415.
//   - beta.3: the same on v1.2's detectLiveness[WithVerify]-sessions
//     (create, get, delete answering 204; v1.2 has no list), and the
//     liveness call through beta.3's pipeline set to v1.1-preview.1.
//   - cognitiveservices-face: create a face list, add faces by stream and
//     by URL, get it, delete it; 404 FaceListNotFound; 400 InvalidURL for
//     a URL that cannot be downloaded; 401; 429 with Retry-After.
//
// Over HTTP the REST clients are given allowInsecureConnection, which
// @azure-rest/core-client requires for an http:// endpoint.
//
//	go test -tags external ./payload/servicetest/sdktest
//
// Under the tag the test never skips: without node or npm it fails (.ci/run
// installs Debian's nodejs and npm). The package has no API.
package sdktest
