//go:build !linux

package nntest

import "time"

// ThreadCPU returns false: a thread's CPU time is read on linux only.
func ThreadCPU() (time.Duration, bool) { return 0, false }
