package detect

import (
	"math"
	"runtime"

	"github.com/facegate/facegate/preprocess"
)

// minParallelPixels is the smallest scanned plane (after the downscale) a
// Detector with two workers splits: below it, handing rows over costs more
// than it saves.
const minParallelPixels = 100_000

// scanJob is the half of a scan a helper goroutine does: the odd rows of
// every scale. The Detector owns it; the helper writes out and rowEnd
// between receiving it and signalling done.
type scanJob struct {
	s      *Scanner // the helper's scratch; tables come in tabs
	p      preprocess.Plane
	sp     ScanParams
	tabs   []*probeTable
	out    []Window
	rowEnd []int32
}

// scanHelper is a goroutine scanning the jobs it receives until jobs is
// closed. It holds no reference to the Detector, so that the Detector can
// be collected, and its cleanup closes jobs.
func scanHelper(jobs <-chan *scanJob, done chan<- struct{}) {
	for j := range jobs {
		j.out, j.rowEnd = j.s.scanUpright(j.out[:0], j.p, &j.sp, j.tabs, 1, j.rowEnd[:0])
		done <- struct{}{}
	}
}

// parallelScan is Scan (upright) with the rows of every scale shared
// between the calling goroutine (even rows) and the helper (odd rows),
// merged back into pigo's order: the same windows, in the same order, as
// Scan.
func (d *Detector) parallelScan(dst []Window, p preprocess.Plane, sp ScanParams) ([]Window, error) {
	if err := sp.validate(); err != nil {
		return dst, err
	}
	if err := p.Validate(); err != nil {
		return dst, err
	}
	sp.fit(p)
	if d.jobs == nil {
		jobs, done := make(chan *scanJob), make(chan struct{})
		d.jobs, d.done = jobs, done
		d.job = &scanJob{s: NewScanner(d.cs.Face)}
		go scanHelper(jobs, done)
		runtime.AddCleanup(d, func(jobs chan *scanJob) { close(jobs) }, jobs)
	}
	// The tables are made here, before the helper starts: it only reads.
	tabs := d.scan.scanTables(p, &sp, true) // shared: filled first
	j := d.job
	j.p, j.sp, j.tabs = p, sp, tabs
	d.jobs <- j
	var ends []int32
	d.evenOut, ends = d.scan.scanUpright(d.evenOut[:0], p, &sp, tabs, 0, d.evenEnd[:0])
	d.evenEnd = ends
	<-d.done
	// Merge row by row, in the order Scan visits them.
	var ie, io, pe, po int
	rows, cols := p.Height, p.Width
	for scale := sp.MinSize; scale <= sp.MaxSize; scale = nextScale(scale, sp.ScaleFactor) {
		step := int(math.Max(sp.ShiftFactor*float64(scale), 1))
		offset := scale/2 + 1
		if scale < sp.SkipBelow || rows-offset < offset || cols-offset < offset {
			continue
		}
		i := 0
		for row := offset; row <= rows-offset; row, i = row+step, i+1 {
			if i&1 == 0 {
				end := int(d.evenEnd[ie])
				dst = append(dst, d.evenOut[pe:end]...)
				pe, ie = end, ie+1
			} else {
				end := int(j.rowEnd[io])
				dst = append(dst, j.out[po:end]...)
				po, io = end, io+1
			}
		}
	}
	return dst, nil
}
