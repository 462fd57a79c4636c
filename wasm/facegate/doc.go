// Command facegate (wasm/facegate) is facegate's WebAssembly entry point,
// built with GOOS=js GOARCH=wasm. It registers a global facegate object in
// JavaScript:
//
//	facegate.check(rgba, w, h, out) checks one RGBA frame (canvas getImageData's data),
//	                              writes the result as JSON into the Uint8Array out and
//	                              returns its length (negative: out is too small)
//	facegate.build()              builds and validates the liveness request from the
//	                              accepted frames: {contentType, body (Uint8Array), error}
//	facegate.reset()              starts a new sequence
//
// The logic lives in package wasm/check (Checker, no build tag), so that
// normal tests measure it, allocations included; main_js.go only moves bytes
// between JavaScript and Go: one js.CopyBytesToGo of the pixels into a
// reused buffer per frame, one js.CopyBytesToJS of the JSON result.
//
// The request holds JPEG stills: the encode package's WebP encoder needs
// cgo, which js/wasm does not have, so animated WebP is not available here.
// The detection and image kernels are the pure-Go ones: the assembly is
// built for amd64 and arm64 only.
package main
