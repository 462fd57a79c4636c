//go:build race

package preprocess

import (
	"runtime"
	"unsafe"
)

// The race detector does not see memory touched by assembly; the wrappers
// report it with these.

func raceReadBytes(b []byte) {
	if len(b) > 0 {
		runtime.RaceReadRange(unsafe.Pointer(&b[0]), len(b))
	}
}

func raceWriteBytes(b []byte) {
	if len(b) > 0 {
		runtime.RaceWriteRange(unsafe.Pointer(&b[0]), len(b))
	}
}

func raceReadU16(b []uint16) {
	if len(b) > 0 {
		runtime.RaceReadRange(unsafe.Pointer(&b[0]), 2*len(b))
	}
}

func raceWriteU16(b []uint16) {
	if len(b) > 0 {
		runtime.RaceWriteRange(unsafe.Pointer(&b[0]), 2*len(b))
	}
}

func raceReadI16(b []int16) {
	if len(b) > 0 {
		runtime.RaceReadRange(unsafe.Pointer(&b[0]), 2*len(b))
	}
}

func raceWriteI16(b []int16) {
	if len(b) > 0 {
		runtime.RaceWriteRange(unsafe.Pointer(&b[0]), 2*len(b))
	}
}

func raceWriteI32(b []int32) {
	if len(b) > 0 {
		runtime.RaceWriteRange(unsafe.Pointer(&b[0]), 4*len(b))
	}
}

func raceReadU32(b []uint32) {
	if len(b) > 0 {
		runtime.RaceReadRange(unsafe.Pointer(&b[0]), 4*len(b))
	}
}

func raceReadI32(b []int32) {
	if len(b) > 0 {
		runtime.RaceReadRange(unsafe.Pointer(&b[0]), 4*len(b))
	}
}
