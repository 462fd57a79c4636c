// Package report writes facegate's HTML report: one self-contained file
// (no network, no external assets) with the counts of frames per reason,
// histograms of blur, exposure, yaw, pitch and face size with the policy's
// thresholds drawn as lines, and a paged grid of thumbnails of the rejected
// frames, filterable by reason. It opens from disk in any browser.
//
// At most MaxThumbs thumbnails are embedded (as JPEG data: URIs, about 5 to
// 10 KB each at ThumbWidth pixels), so a report of 10,000 frames stays
// under about 20 MB; the counts and histograms always cover every frame.
package report

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"image"
	"io"
	"math"
	"slices"

	"github.com/facegate/facegate/encode"
)

// MaxThumbs is the most thumbnails a report embeds; rejected frames past
// it are counted and binned but shown without a picture.
const MaxThumbs = 2000

// ThumbWidth is the width, in pixels, thumbnails are scaled to.
const ThumbWidth = 240

// ThumbQuality is the JPEG quality of the embedded thumbnails.
const ThumbQuality = 70

// PageSize is the number of thumbnails on one page of the grid.
const PageSize = 48

// ErrNoFrames is returned by Write for a report without frames.
var ErrNoFrames = errors.New("report: no frames")

// Frame is one judged frame, as a check run describes it.
type Frame struct {
	// File is the frame's file; Index its number in its sequence.
	File  string
	Index int
	// Verdict is "accept", "reject" or "error".
	Verdict string
	// Reasons are the codes of the rejections (for "error", empty);
	// Messages the service's messages, or the error, for display.
	Reasons  []string
	Messages []string
	// The target face's measures; nil without a target.
	FaceSize, Blur, Exposure, Yaw, Pitch *float64
	// Thumb is a JPEG of the annotated frame (see Thumbnail); nil when
	// none was made.
	Thumb []byte
}

// Thresholds are the policy's limits drawn on the histograms.
type Thresholds struct {
	MinFace                  int
	MaxBlur                  float64
	MinExposure, MaxExposure float64
	MaxYaw, MaxPitch         float64
}

// Report is what Write renders.
type Report struct {
	Title      string
	Frames     []Frame
	Thresholds Thresholds
}

// Counts are the totals of a report.
type Counts struct {
	Frames, Accepted, Rejected, Errors int
	// ByReason counts the rejected frames holding each reason code (a
	// frame with two reasons counts under both), as check's summary does.
	ByReason map[string]int
}

// Count sums frames up.
func Count(frames []Frame) Counts {
	c := Counts{ByReason: map[string]int{}}
	for i := range frames {
		f := &frames[i]
		switch f.Verdict {
		case "accept":
			c.Frames++
			c.Accepted++
		case "reject":
			c.Frames++
			c.Rejected++
			seen := map[string]bool{}
			for _, r := range f.Reasons {
				if !seen[r] {
					seen[r] = true
					c.ByReason[r]++
				}
			}
		default:
			c.Errors++
		}
	}
	return c
}

// Histogram is a count of values in equal bins from Lo to Hi; values
// outside are counted in the first or last bin, NaN is left out.
type Histogram struct {
	Lo, Hi float64
	Bins   []int
}

// Bin counts values into n bins from lo to hi (n at least 1, hi > lo).
func Bin(values []float64, lo, hi float64, n int) Histogram {
	n = max(n, 1)
	if !(hi > lo) {
		hi = lo + 1
	}
	h := Histogram{Lo: lo, Hi: hi, Bins: make([]int, n)}
	for _, v := range values {
		if math.IsNaN(v) {
			continue
		}
		i := int(math.Floor((v - lo) / (hi - lo) * float64(n)))
		h.Bins[min(max(i, 0), n-1)]++
	}
	return h
}

// Thumbnail encodes an (annotated, already scaled) image as the JPEG a
// report embeds.
func Thumbnail(m image.Image) ([]byte, error) {
	rgb, err := encode.FromImage(nil, m)
	if err != nil {
		return nil, err
	}
	return encode.AppendJPEG(nil, rgb, &encode.JPEGOptions{Quality: ThumbQuality})
}

// Write renders r as one HTML file to w.
func Write(w io.Writer, r *Report) error {
	if len(r.Frames) == 0 {
		return ErrNoFrames
	}
	c := Count(r.Frames)
	reasons := make([]reasonRow, 0, len(c.ByReason))
	for code, n := range c.ByReason {
		reasons = append(reasons, reasonRow{code, n})
	}
	slices.SortFunc(reasons, func(a, b reasonRow) int {
		if a.N != b.N {
			return b.N - a.N
		}
		if a.Code < b.Code {
			return -1
		}
		return 1
	})
	t := r.Thresholds
	var faces []float64
	maxFace := float64(2 * max(t.MinFace, 1))
	for i := range r.Frames {
		if p := r.Frames[i].FaceSize; p != nil {
			faces = append(faces, *p)
			maxFace = max(maxFace, *p)
		}
	}
	d := page{Title: r.Title, C: c, Reasons: reasons, PageSize: PageSize, MaxThumbs: MaxThumbs}
	if d.Title == "" {
		d.Title = "facegate report"
	}
	d.Hists = []template.HTML{
		histSVG("blur", Bin(values(r.Frames, func(f *Frame) *float64 { return f.Blur }), 0, 1, 20), t.MaxBlur),
		histSVG("exposure", Bin(values(r.Frames, func(f *Frame) *float64 { return f.Exposure }), 0, 1, 20), t.MinExposure, t.MaxExposure),
		histSVG("yaw", Bin(values(r.Frames, func(f *Frame) *float64 { return f.Yaw }), -90, 90, 36), -t.MaxYaw, t.MaxYaw),
		histSVG("pitch", Bin(values(r.Frames, func(f *Frame) *float64 { return f.Pitch }), -90, 90, 36), -t.MaxPitch, t.MaxPitch),
		histSVG("face size (px)", Bin(faces, 0, math.Ceil(maxFace/10)*10+10, 25), float64(t.MinFace)),
	}
	thumbs := 0
	for i := range r.Frames {
		f := &r.Frames[i]
		if f.Verdict == "accept" {
			continue
		}
		cell := cell{File: f.File, Index: f.Index, Verdict: f.Verdict, Reasons: f.Reasons, Messages: f.Messages}
		if f.Verdict == "error" {
			cell.Reasons = []string{"error"}
		}
		if f.Thumb != nil && thumbs < MaxThumbs {
			thumbs++
			cell.Src = template.URL("data:image/jpeg;base64," + b64(f.Thumb))
		}
		d.Cells = append(d.Cells, cell)
	}
	if c.Errors > 0 {
		d.Reasons = append(d.Reasons, reasonRow{"error", c.Errors})
	}
	var buf bytes.Buffer
	if err := pageTmpl.Execute(&buf, &d); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

func values(frames []Frame, get func(*Frame) *float64) []float64 {
	var v []float64
	for i := range frames {
		if p := get(&frames[i]); p != nil {
			v = append(v, *p)
		}
	}
	return v
}

type reasonRow struct {
	Code string
	N    int
}

type cell struct {
	File     string
	Index    int
	Verdict  string
	Reasons  []string
	Messages []string
	Src      template.URL
}

type page struct {
	Title     string
	C         Counts
	Reasons   []reasonRow
	Hists     []template.HTML
	Cells     []cell
	PageSize  int
	MaxThumbs int
}
