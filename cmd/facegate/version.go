package main

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/facegate/facegate/encode"
	"github.com/facegate/facegate/preprocess"
)

const versionManual = `
Usage: facegate version

Version prints the facegate module version (from the build information:
"(devel)" for a build from a checkout, with the VCS revision when Go
recorded one), the Go version and platform, the SIMD kernel variant the
preprocess package chose for this CPU, and whether WebP encoding (cgo and
libwebp, needed by payload -video) is available.

Exit status: 0, or 2 on misuse (an argument).

Example:

  facegate version
`

func runVersion(e *env, args []string) int {
	fs := newFlagSet(e, "version", versionManual)
	if code, ok := parseFlags(e, fs, args); !ok {
		return code
	}
	if fs.NArg() != 0 {
		return usageError(e, fs, "no arguments expected")
	}
	version, revision := "(unknown)", ""
	if bi, ok := debug.ReadBuildInfo(); ok {
		version = bi.Main.Version
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				revision = s.Value
			case "vcs.modified":
				if s.Value == "true" && revision != "" {
					revision += "+dirty"
				}
			}
		}
	}
	fmt.Fprintf(e.stdout, "facegate %s", version)
	if revision != "" {
		fmt.Fprintf(e.stdout, " (%s)", revision)
	}
	fmt.Fprintln(e.stdout)
	fmt.Fprintf(e.stdout, "go: %s %s/%s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
	fmt.Fprintf(e.stdout, "kernels: %s\n", preprocess.KernelVariant())
	fmt.Fprintf(e.stdout, "webp: %v\n", encode.WebPAvailable)
	return exitOK
}
