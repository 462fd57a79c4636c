package preprocess

import "unsafe"

// alignedInt16s returns n zeroed int16s whose first one is at a 64-byte
// boundary (a cache line, and the size of a ZMM register), cut from an
// allocation 31 elements longer (Go's heap does not move objects).
func alignedInt16s(n int) []int16 {
	s := make([]int16, n+31)
	off := int(uintptr(unsafe.Pointer(&s[0]))%64) / 2
	if off != 0 {
		off = 32 - off
	}
	return s[off : off+n : off+n]
}
