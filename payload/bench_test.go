package payload_test

import (
	"fmt"
	"io"
	"testing"

	"github.com/facegate/facegate/payload"
)

// benchRequest is n frames of a capture: one JPEG per frame (distinct
// files, about 48 KB each), each with a target rectangle, crop offsets
// and an illumination color.
func benchRequest(tb testing.TB, n int) *payload.LivenessRequest {
	f := getFixtures(tb)
	r := &payload.LivenessRequest{ModelVersion: payload.ModelVersionLatest}
	colors := []string{"Red", "Green", "Blue"}
	for i := range n {
		name := fmt.Sprintf("frame-%03d.jpg", i)
		r.Frames = append(r.Frames, payload.Frame{FileName: name, FrameNumber: i, CreationTimeMillis: 1700000000000 + int64(33*i),
			TargetFace: rect(80, 40, 160, 160), IlluminatedColor: colors[i%3],
			CropOffsets: &payload.CropOffsets{X: 800, Y: 400, FullWidth: 1920, FullHeight: 1080}})
		r.Files = append(r.Files, payload.File{Name: name, Data: f.good})
	}
	return r
}

// BenchmarkLivenessBody builds and streams the multipart body (metadata
// JSON, part headers, files) to io.Discard. The n-frames cases use a
// random boundary, as production does; with a caller's boundary WriteTo
// also scans the files for it.
func BenchmarkLivenessBody(b *testing.B) {
	for _, c := range []struct {
		name     string
		n        int
		boundary string
	}{{"1-frame", 1, ""}, {"10-frames", 10, ""}, {"10-frames-fixed-boundary", 10, "facegate-bench"}} {
		b.Run(c.name, func(b *testing.B) {
			r := benchRequest(b, c.n)
			r.Boundary = c.boundary
			size, err := r.Len()
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(size)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := r.WriteTo(io.Discard); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkValidate validates a 10-frame request: headers only, and with
// the faces decoded and measured.
func BenchmarkValidate(b *testing.B) {
	r := benchRequest(b, 10)
	for _, c := range []struct {
		name string
		opts *payload.ValidateOptions
	}{{"10-frames", nil}, {"10-frames-measured", &payload.ValidateOptions{Quality: &payload.QualityOptions{}}}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := r.Validate(c.opts); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
