package nntest

import (
	"syscall"
	"time"
)

// ThreadCPU returns the CPU time of the calling OS thread (linux
// RUSAGE_THREAD), for benchmarks on a machine that is not quiet; false
// where it cannot be read.
func ThreadCPU() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(1 /* RUSAGE_THREAD */, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
