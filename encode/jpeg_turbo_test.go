package encode

import (
	"testing"

	"github.com/facegate/facegate/preprocess"
)

// TestJPEGTurboMatchesStdlib: AppendJPEG (libjpeg-turbo with -tags turbojpeg,
// image/jpeg otherwise) and image/jpeg's encoder (appendStdJPEG) at the same
// quality decode, by image/jpeg, to nearly the same pixels: PSNR between the
// two decodes >= 44 dB and no channel value apart by more than 24 (measured
// 46-50 dB and 6-20 on the face crop with libjpeg-turbo 2.1.5), and sizes
// within 15%. Without cgo the two paths are the same code and the decodes
// are identical.
func TestJPEGTurboMatchesStdlib(t *testing.T) {
	img := faceCrop(t)
	for _, q := range []int{50, 75, 90, 100} {
		got, err := AppendJPEG(nil, img, &JPEGOptions{Quality: q})
		if err != nil {
			t.Fatal(err)
		}
		var e Encoder
		ref, err := e.appendStdJPEG(nil, img, q)
		if err != nil {
			t.Fatal(err)
		}
		a := decodeRGB(t, got, preprocess.FormatJPEG, img.Width, img.Height)
		b := decodeRGB(t, ref, preprocess.FormatJPEG, img.Width, img.Height)
		p := psnr(t, a, b)
		maxd := 0
		for y := 0; y < a.Height; y++ {
			ra, rb := a.Row(y), b.Row(y)
			for i := range ra {
				maxd = max(maxd, abs(int(ra[i])-int(rb[i])))
			}
		}
		t.Logf("q%d turbo=%v: %d bytes vs %d, PSNR %.1f dB, max diff %d", q, JPEGTurbo, len(got), len(ref), p, maxd)
		if p < 44 || maxd > 24 {
			t.Errorf("q%d: PSNR %.1f dB (want >= 44), max diff %d (want <= 24)", q, p, maxd)
		}
		if r := float64(len(got)) / float64(len(ref)); r < 0.85 || r > 1.15 {
			t.Errorf("q%d: %d bytes, image/jpeg %d: ratio %.2f", q, len(got), len(ref), r)
		}
		if !JPEGTurbo && string(got) != string(ref) {
			t.Errorf("q%d: without libjpeg-turbo AppendJPEG differs from image/jpeg", q)
		}
	}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
