// Package check is the logic of facegate's WebAssembly entry point
// (wasm/facegate), kept free of syscall/js so that ordinary tests measure
// it, allocations included, and compare it with the browser's results:
// a Checker takes RGBA frames (canvas getImageData's bytes), runs a
// facegate.Pipeline and a facegate.Sequence, answers each frame with JSON
// (verdict, reasons with the service's messages, target box, pupils, pose,
// measures) written into a reused buffer, keeps the crops of spaced
// accepted frames, and builds and validates the liveness request from
// them.
//
// The request holds JPEG stills: the encode package's WebP encoder needs
// cgo, which js/wasm does not have, so animated WebP is not offered.
package check
