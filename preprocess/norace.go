//go:build !race

package preprocess

func raceReadBytes([]byte)  {}
func raceWriteBytes([]byte) {}
func raceReadU16([]uint16)  {}
func raceWriteU16([]uint16) {}
func raceReadU32([]uint32)  {}
func raceWriteU32([]uint32) {}
