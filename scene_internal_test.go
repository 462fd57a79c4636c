package facegate

import (
	"testing"

	"github.com/facegate/facegate/preprocess"
)

// BenchmarkSceneSample is the scene-cut measure's sampling of a 1080p
// frame: from a full luma plane (YUV frames), and converting the sampled
// rows of an RGBA frame.
func BenchmarkSceneSample(b *testing.B) {
	const w, h = 1920, 1080
	rgba := make([]byte, 4*w*h)
	for i := range rgba {
		rgba[i] = byte(i * 7)
	}
	luma := preprocess.GrayPlane(make([]byte, w*h), w, w, h)
	f := preprocess.Frame{Format: preprocess.RGBA, Width: w, Height: h, Planes: [3][]byte{rgba}, Strides: [3]int{4 * w}}
	var t sceneThumb
	b.Run("luma", func(b *testing.B) {
		for b.Loop() {
			t.sample(luma, nil)
		}
	})
	b.Run("rgba", func(b *testing.B) {
		for b.Loop() {
			t.sample(luma, &f)
		}
	})
}
