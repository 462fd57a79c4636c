package emulate

import (
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"github.com/facegate/facegate/payload/servicetest"
)

// faulter draws the fault of each request from a seeded generator. Every
// request draws the same count of numbers, so the n-th request's fault
// depends only on the seed and n.
type faulter struct {
	f   Faults
	mu  sync.Mutex
	rng *rand.Rand
}

func newFaulter(f Faults) *faulter {
	if f.RetryAfter <= 0 {
		f.RetryAfter = time.Second
	}
	return &faulter{f: f, rng: rand.New(rand.NewPCG(f.Seed, f.Seed^0x9e3779b97f4a7c15))}
}

// draw returns the next request's fault, if it gets one.
func (fl *faulter) draw() (servicetest.Fault, bool) {
	fl.mu.Lock()
	a, b, c := fl.rng.Float64(), fl.rng.Float64(), fl.rng.Float64()
	fl.mu.Unlock()
	switch {
	case a < fl.f.Rate429:
		return servicetest.Fault{Status: http.StatusTooManyRequests, Wait: fl.f.RetryAfter}, true
	case b < fl.f.Rate5xx:
		if c < 0.5 {
			return servicetest.Fault{Status: http.StatusInternalServerError}, true
		}
		return servicetest.Fault{Status: http.StatusServiceUnavailable}, true
	}
	return servicetest.Fault{}, false
}
