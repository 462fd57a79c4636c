package landmarks68

import (
	"syscall"
	"time"
)

// threadCPU returns the CPU time of the calling OS thread (linux
// RUSAGE_THREAD), for benchmarks on a machine that is not quiet.
func threadCPU() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(1 /* RUSAGE_THREAD */, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
