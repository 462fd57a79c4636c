//go:build purego || noasm || !amd64

package preprocess

// The fractional Area filter's table-driven horizontal passes have SIMD
// kernels on amd64 only (dispatch_amd64.go); elsewhere their generic twins
// run.

// areaWideCPU is false: there are no wide horizontal Area kernels here.
const areaWideCPU = false

// setWideArea is a no-op here (see areaWideCPU).
func setWideArea(bool) (restore func()) { return func() {} }

// areaWideOn is false here (see areaWideCPU).
func areaWideOn() bool { return false }

// areaColsWide is areaColsWide_I16_U8_generic here.
func areaColsWide(dst []byte, vacc []int16, base []int32, tab []uint16, np int, _ bool) {
	areaColsWide_I16_U8_generic(dst, vacc, base, tab, np)
}

// areaLanesCPU is false: there are no SIMD lane kernels here.
const areaLanesCPU = false

// areaLanesOn is false here (see areaLanesCPU).
func areaLanesOn() bool { return false }

// areaColsLanes is areaColsLanes_I16_U8_generic here.
func areaColsLanes(dst []byte, vacc []int16, base []int32, tab []uint16, s areaLaneShape) {
	areaColsLanes_I16_U8_generic(dst, vacc, base, tab, s.k, s.r)
}

// areaFused is areaFused_U8_U8_generic here.
func areaFused(dst, rows []byte, stride int, m []uint16, base []int32, tab []uint16) {
	areaFused_U8_U8_generic(dst, rows, stride, m, base, tab)
}

// areaColsPairs is areaColsPairs_I16_U8_generic here.
func areaColsPairs(dst []byte, vacc []int16, xofs []int32, tab []uint16) {
	areaColsPairs_I16_U8_generic(dst, vacc, xofs, tab)
}
