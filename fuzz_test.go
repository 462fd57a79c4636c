package facegate_test

import (
	"image"
	"testing"

	"github.com/facegate/facegate"
	"github.com/facegate/facegate/preprocess"
)

// FuzzProcess feeds random frames, of any format, size and content, to one
// pipeline in a row: it must return an error or a consistent result, never
// panic.
func FuzzProcess(f *testing.F) {
	f.Add(uint8(0), uint16(64), uint16(48), []byte{1, 2, 3})
	f.Add(uint8(3), uint16(640), uint16(2), []byte{255})
	f.Add(uint8(1), uint16(1), uint16(1), []byte{})
	pl, err := facegate.NewWithOptions(nil, &facegate.Options{RescanEvery: 2})
	if err != nil {
		f.Fatal(err)
	}
	formats := []preprocess.Format{preprocess.Gray8, preprocess.NV12, preprocess.I420, preprocess.RGBA, preprocess.BGRA, preprocess.RGB24}
	f.Fuzz(func(t *testing.T, fi uint8, w16, h16 uint16, seed []byte) {
		w, h := int(w16%700), int(h16%500)
		format := formats[int(fi)%len(formats)]
		bpp := map[preprocess.Format]int{preprocess.RGBA: 4, preprocess.BGRA: 4, preprocess.RGB24: 3}[format]
		if bpp == 0 {
			bpp = 1
		}
		size := w*h*bpp + w*h // room for chroma
		pix := make([]byte, size)
		for i := range pix {
			if len(seed) > 0 {
				pix[i] = seed[i%len(seed)] + byte(i*7/(w+1))
			}
		}
		fr := preprocess.Frame{Format: format, Width: w, Height: h, Planes: [3][]byte{pix, pix, pix}, Strides: [3]int{w * bpp, w, w / 2}}
		if format == preprocess.NV12 {
			fr.Strides[1] = w + w%2
		}
		res, err := pl.Process(&fr)
		if err != nil {
			return
		}
		if res.Width != w || res.Height != h || res.Target >= len(res.Faces) || len(res.TrackIDs) != len(res.Faces) {
			t.Fatalf("inconsistent result: %dx%d target %d of %d faces", res.Width, res.Height, res.Target, len(res.Faces))
		}
		for _, fc := range res.Faces {
			if !fc.Rect.In(image.Rect(0, 0, w, h)) {
				t.Fatalf("face %v outside the %dx%d frame", fc.Rect, w, h)
			}
		}
		if res.Verdict.Accept != (res.Verdict.Err() == nil) {
			t.Fatal("Accept and Err disagree")
		}
	})
}
