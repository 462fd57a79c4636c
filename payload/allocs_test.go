//go:build !race

package payload_test

// Allocation tests are built only without the race detector, whose
// instrumentation allocates and under which sync.Pool drops items.

import (
	"io"
	"testing"
)

func TestWriteToAllocs(t *testing.T) {
	r := benchRequest(t, 10)
	r.WriteTo(io.Discard)
	if n := testing.AllocsPerRun(50, func() { r.WriteTo(io.Discard) }); n != 0 {
		t.Errorf("WriteTo allocates %v times", n)
	}
}
