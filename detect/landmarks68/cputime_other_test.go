//go:build !linux

package landmarks68

import "time"

func threadCPU() (time.Duration, bool) { return 0, false }
