package encode

import (
	"bytes"
	"image"
	"image/jpeg"
	"testing"
)

// FuzzAppendJPEG encodes images of arbitrary small sizes, row paddings,
// qualities and pixels (libjpeg-turbo with -tags turbojpeg, reading the caller's
// Go buffer with its stride): the file must decode by image/jpeg to the
// image's size, land after dst's prefix, and an out-of-range quality must
// fail without touching dst.
func FuzzAppendJPEG(f *testing.F) {
	f.Add(uint8(1), uint8(1), uint8(0), uint8(90), []byte{1, 2, 3})
	f.Add(uint8(17), uint8(9), uint8(5), uint8(1), []byte("faces"))
	f.Add(uint8(64), uint8(3), uint8(1), uint8(100), []byte{255, 0})
	f.Fuzz(func(t *testing.T, w8, h8, pad8, q8 uint8, seed []byte) {
		w, h, pad, q := int(w8%80)+1, int(h8%80)+1, int(pad8%7), int(q8%102)
		stride := 3*w + pad
		pix := make([]byte, stride*(h-1)+3*w) // the last row unpadded: no slack to read
		for i := range pix {
			if len(seed) > 0 {
				pix[i] = seed[i%len(seed)] + byte(i/len(seed))
			}
		}
		img := RGB{Pix: pix, Stride: stride, Width: w, Height: h}
		prefix := []byte("pre")
		got, err := AppendJPEG(prefix, img, &JPEGOptions{Quality: q})
		if q > 100 {
			if err == nil || len(got) != len(prefix) {
				t.Fatalf("quality %d: err %v, %d bytes", q, err, len(got))
			}
			return
		}
		if err != nil {
			t.Fatalf("%dx%d stride %d q%d: %v", w, h, stride, q, err)
		}
		if !bytes.HasPrefix(got, prefix) {
			t.Fatal("dst's prefix lost")
		}
		m, err := jpeg.Decode(bytes.NewReader(got[len(prefix):]))
		if err != nil {
			t.Fatalf("%dx%d q%d: image/jpeg: %v", w, h, q, err)
		}
		if m.Bounds() != image.Rect(0, 0, w, h) {
			t.Fatalf("decoded %v, want %dx%d", m.Bounds(), w, h)
		}
	})
}
