//go:build !(js && wasm)

package main

import (
	"fmt"
	"os"
)

// main says how to build the package: it only runs in a browser.
func main() {
	fmt.Fprintln(os.Stderr, "facegate wasm: build with GOOS=js GOARCH=wasm and load it in a page (see examples/webcapture)")
	os.Exit(2)
}
