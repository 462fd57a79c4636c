// Package sdktest runs Azure's Face SDKs for JavaScript against the
// emulator served by package emulate (facegate emulate), so that the
// emulator's routes, shapes and credentials are checked against the
// clients apps actually use, not only against this module's own.
//
// The Node project is in testdata/node: package.json pins
// @azure-rest/ai-vision-face 1.0.0-beta.1 (API v1.1-preview.1: liveness
// sessions), @azure/cognitiveservices-face 5.0.0 (API v1.0: face lists)
// and @azure/core-auth 1.10.1, and package-lock.json is committed. The
// test, behind the build tag external since it needs node, npm and the
// npm registry, copies the project to a temporary directory, runs npm ci
// there, starts an emulator over HTTPS and runs test.mjs against it:
//
//	go test -tags external ./payload/servicetest/sdktest
//
// The package has no API.
package sdktest
