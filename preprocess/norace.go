//go:build !race

package preprocess

func raceReadBytes([]byte)  {}
func raceWriteBytes([]byte) {}
func raceReadU16([]uint16)  {}
func raceWriteU16([]uint16) {}
func raceReadI16([]int16)   {}
func raceWriteI16([]int16)  {}
func raceWriteI32([]int32)  {}
func raceReadU32([]uint32)  {}
func raceReadI32([]int32)   {}
