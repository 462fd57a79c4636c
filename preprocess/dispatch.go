package preprocess

// variant is a family of kernels. It is chosen once, at package
// initialisation, from what the CPU supports (cpuid/v2 on amd64), and read
// by the wrappers in the dispatch_*.go files through a switch of direct
// calls.
type variant uint8

const (
	variantGeneric variant = iota // portable Go, always available
	variantAVX2                   // amd64 AVX2
	variantNEON                   // arm64 Advanced SIMD
)

// String names the variant as KernelVariant reports it.
func (v variant) String() string {
	switch v {
	case variantGeneric:
		return "generic"
	case variantAVX2:
		return "avx2"
	case variantNEON:
		return "neon"
	}
	return "unknown"
}

// activeVariant is the variant the wrappers call.
var activeVariant = bestVariant()

// KernelVariant names the kernel family in use: "generic" for the portable
// Go kernels (always the case under -tags purego or noasm), "avx2" on amd64
// CPUs with AVX2, "neon" on arm64.
func KernelVariant() string { return activeVariant.String() }

// forceVariant makes v the active variant until restore is called. It is
// for tests and benchmarks that compare variants; it reports false when the
// machine cannot run v. It is not safe to call while kernels run.
func forceVariant(v variant) (restore func(), ok bool) {
	supported := false
	for _, s := range availableVariants() {
		supported = supported || s == v
	}
	if !supported {
		return func() {}, false
	}
	prev := activeVariant
	activeVariant = v
	return func() { activeVariant = prev }, true
}
