package preprocess

import (
	"bytes"
	"fmt"
	"image"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"unsafe"
)

// areaFloatRef is the former float32 fractional Area path (OpenCV's
// INTER_AREA evaluated with float coverage weights), kept as the reference
// the fixed-point path is measured against.
func areaFloatRef(src Plane, dw, dh int) []byte {
	sw, sh, cn := src.Width, src.Height, src.channels()
	type tap struct {
		di, si int
		alpha  float32
	}
	taps := func(ssize, dsize, cn int) []tap {
		scale, _ := cvScale(ssize, dsize)
		var tab []tap
		for d := 0; d < dsize; d++ {
			fs1 := float64(d) * scale
			fs2 := fs1 + scale
			cell := math.Min(scale, float64(ssize)-fs1)
			s1, s2 := int(math.Ceil(fs1)), int(math.Floor(fs2))
			s2 = min(s2, ssize-1)
			s1 = min(s1, s2)
			if float64(s1)-fs1 > 1e-3 {
				tab = append(tab, tap{d * cn, (s1 - 1) * cn, float32((float64(s1) - fs1) / cell)})
			}
			for s := s1; s < s2; s++ {
				tab = append(tab, tap{d * cn, s * cn, float32(1 / cell)})
			}
			if fs2-float64(s2) > 1e-3 {
				tab = append(tab, tap{d * cn, s2 * cn, float32(math.Min(math.Min(fs2-float64(s2), 1), cell) / cell)})
			}
		}
		return tab
	}
	xtab, ytab := taps(sw, dw, cn), taps(sh, dh, 1)
	out := make([]byte, dw*dh*cn)
	h := make([]float32, dw*cn)
	vsum := make([]float32, dw*cn)
	for dy := 0; dy < dh; dy++ {
		clear(vsum)
		for _, yt := range ytab {
			if yt.di != dy {
				continue
			}
			clear(h)
			row := src.Row(yt.si)
			for _, xt := range xtab {
				for c := 0; c < cn; c++ {
					h[xt.di+c] += float32(float32(row[xt.si+c]) * xt.alpha)
				}
			}
			for i, v := range h {
				vsum[i] += float32(v * yt.alpha)
			}
		}
		for i, v := range vsum {
			out[dy*dw*cn+i] = roundToU8(v)
		}
	}
	return out
}

// TestResizeAreaFixedPoint: the fixed-point fractional Area path is within 1
// of the float32 evaluation of the same weights, on random planes of odd
// sizes and channel counts and on real photographs at the fractional sizes
// the pipeline and the benchmarks use, for every kernel variant.
func TestResizeAreaFixedPoint(t *testing.T) {
	r := rand.New(rand.NewPCG(31, 32))
	type tc struct {
		name   string
		src    Plane
		dw, dh int
	}
	var cases []tc
	for _, cn := range []int{1, 2, 3, 4} {
		for i := 0; i < 25; i++ {
			sw, sh := 2+r.IntN(200), 2+r.IntN(60)
			dw, dh := 1+r.IntN(sw), 1+r.IntN(sh)
			cases = append(cases, tc{fmt.Sprintf("rand/cn%d/%dx%d-%dx%d", cn, sw, sh, dw, dh), randPlane(r, sw, sh, cn), dw, dh})
		}
	}
	gray := testGray(t, "faces/obama-1080p.jpg")
	rgba := testRGBA(t, "faces/pigo-sample.jpg")
	cases = append(cases,
		tc{"obama/800x450", gray, 800, 450},
		tc{"obama/701x389", gray, 701, 389},
		tc{"obama/crop-odd-251x177", sub(t, gray, image.Rect(701, 203, 1300, 801)), 251, 177},
		tc{"pigo-rgba/113x97", rgba, 113, 97},
	)
	for _, c := range cases {
		rz, err := NewResizer(c.src.Width, c.src.Height, c.dw, c.dh, c.src.channels(), Area)
		if err != nil {
			t.Fatal(err)
		}
		if rz.mode != modeArea {
			continue // an integer factor: the box path
		}
		want := areaFloatRef(c.src, c.dw, c.dh)
		for _, v := range availableVariants() {
			got := resizeWith(t, v, rz, c.src)
			off := 0
			for i := range got {
				d := int(got[i]) - int(want[i])
				if d > 1 || d < -1 {
					t.Fatalf("%s %v: byte %d is %d, float reference %d", c.name, v, i, got[i], want[i])
				}
				if d != 0 {
					off++
				}
			}
			if v == variantGeneric {
				t.Logf("%s: %d of %d bytes differ by 1 from the float reference", c.name, off, len(got))
			}
		}
	}
}

// TestResizeAreaWide: the fractional Area filter gives the generic
// kernels' bytes in every variant with the wide horizontal kernel on and
// off, on the 1080p photograph at every fractional factor of
// BenchmarkAreaFactors and other fractional sizes, on odd crops of it and
// on random gray planes of odd sizes (the wide kernel off, factors below 2
// take areaFused); on CPUs with the wide kernels the factors up to 3.3
// must have their tables, and with AVX2 factors 1.5 and 2.4 areaColsLanes'
// or areaFused's, factor 3.3 areaColsPairs', every size of 2 taps a pixel
// from 16 source pixels on areaFused's.
func TestResizeAreaWide(t *testing.T) {
	r := rand.New(rand.NewPCG(47, 48))
	gray := testGray(t, "faces/obama-1080p.jpg")
	type tc struct {
		name   string
		src    Plane
		dw, dh int
		wide   bool // planArea must make wide tables (where the CPU runs them)
		lanes  bool // and areaColsLanes' or areaFused's
	}
	var cases []tc
	for _, f := range areaFactors {
		if strings.Contains(f.name, ".") {
			cases = append(cases, tc{"obama/factor" + f.name, gray, f.dw, f.dh, f.name != "4.5", f.name == "1.5" || f.name == "2.4"})
		}
	}
	for _, sz := range [][2]int{{1919, 1079}, {1700, 1000}, {1279, 719}, {1000, 371}, {701, 389}, {555, 333}, {250, 140}} {
		cases = append(cases, tc{fmt.Sprintf("obama/%dx%d", sz[0], sz[1]), gray, sz[0], sz[1], sz[0] >= 555, sz[0] >= 701})
	}
	cases = append(cases,
		tc{"obama/crop-odd-251x177", sub(t, gray, image.Rect(701, 203, 1300, 801)), 251, 177, true, true},
		tc{"obama/crop-1921-1279x9", sub(t, gray, image.Rect(0, 3, 1920, 30)), 1279, 9, true, true},
	)
	for i := 0; i < 30; i++ {
		sw, sh := 2+r.IntN(300), 2+r.IntN(30)
		dw, dh := sw*(30+r.IntN(70))/100, 1+r.IntN(sh)
		if dw < 1 {
			dw = 1
		}
		cases = append(cases, tc{fmt.Sprintf("rand/%dx%d-%dx%d", sw, sh, dw, dh), randPlane(r, sw, sh, 1), dw, dh, false, false})
	}
	for _, k := range []int{1, 3, 5, 7, 13, 29, 101} { // factors 1.5 and 1.25: 2 taps a pixel
		cases = append(cases,
			tc{fmt.Sprintf("rand/%dx5-%dx3", 3*k, 2*k), randPlane(r, 3*k, 5, 1), 2 * k, 3, false, true},
			tc{fmt.Sprintf("rand/%dx5-%dx4", 5*k, 4*k), randPlane(r, 5*k, 5, 1), 4 * k, 4, false, true})
	}
	src1921, src1000 := randPlane(r, 1921, 7, 1), randPlane(r, 1000, 9, 1)
	cases = append(cases, tc{"rand/1921x7-1279x5", src1921, 1279, 5, true, true}, tc{"rand/1921x7-1000x3", src1921, 1000, 3, true, true},
		tc{"rand/1000x9-371x4", src1000, 371, 4, true, true})
	for _, c := range cases {
		rz, err := NewResizer(c.src.Width, c.src.Height, c.dw, c.dh, 1, Area)
		if err != nil {
			t.Fatal(err)
		}
		if rz.mode != modeArea {
			continue
		}
		if c.wide && areaWideCPU && rz.awTab == nil {
			t.Fatalf("%s: no wide tables", c.name)
		}
		if (c.lanes || rz.axn == 2) && areaLanesCPU && rz.alTab == nil && rz.afTab == nil {
			t.Fatalf("%s: no tables for areaColsLanes or areaFused", c.name)
		}
		if c.name == "obama/factor3.3" && areaLanesCPU && rz.apTab == nil {
			t.Fatalf("%s: no tables for areaColsPairs", c.name)
		}
		if rz.axn == 2 && c.src.Width >= 16 && areaLanesCPU && rz.afTab == nil {
			t.Fatalf("%s: no tables for areaFused", c.name)
		}
		want := resizeWith(t, variantGeneric, rz, c.src)
		for _, v := range availableVariants()[1:] {
			for _, wide := range wideLumaModes() {
				restore := setWideArea(wide)
				got := resizeWith(t, v, rz, c.src)
				restore()
				if !bytes.Equal(got, want) {
					t.Fatalf("%s %v wide=%v: differs from generic", c.name, v, wide)
				}
			}
		}
	}
}

// TestAreaTwoTapsFused: planAreaFused makes tables for every Area
// downscale of 2 taps a pixel from 16 source pixels on, and planAreaLanes
// in its first shape ({4, 2}) below (so on AVX2 CPUs resizeArea never
// takes areaCols for them; areaCols has no AVX2 kernel for 2 taps): source
// widths 1 to 300 to every destination width, and widths of frames to
// every destination width at factors 1 to 2.02. Eight consecutive outputs
// of at most 2 taps each span at most 16 pixels.
func TestAreaTwoTapsFused(t *testing.T) {
	check := func(srcW, dstW int) {
		xt := areaTaps(srcW, dstW, 1)
		for i := 0; i < len(xt); {
			j := i
			for j < len(xt) && xt[j].di == xt[i].di {
				j++
			}
			if j-i > 2 {
				return
			}
			i = j
		}
		rz, err := NewResizer(srcW, 3, dstW, 2, 1, Area)
		if err != nil {
			t.Fatal(err)
		}
		if rz.mode != modeArea || rz.axn != 2 {
			t.Fatalf("%d->%d: mode %v, %d taps", srcW, dstW, rz.mode, rz.axn)
		}
		if srcW >= 16 {
			if _, tab := planAreaFused(rz.axofs[:dstW], rz.axw, 2, srcW); tab == nil {
				t.Fatalf("%d->%d: no fused tables", srcW, dstW)
			}
		} else if _, tab := planAreaLanes(rz.axofs[:dstW], rz.axw, 2, srcW+8, areaLaneShapes[0]); tab == nil {
			t.Fatalf("%d->%d: no lane tables in shape %v", srcW, dstW, areaLaneShapes[0])
		}
	}
	for srcW := 1; srcW <= 300; srcW++ {
		for dstW := 1; dstW <= srcW; dstW++ {
			check(srcW, dstW)
		}
	}
	for _, srcW := range []int{641, 1280, 1920} {
		for dstW := srcW * 99 / 200; dstW <= srcW; dstW++ {
			check(srcW, dstW)
		}
	}
}

// TestAlignedInt16s: alignedInt16s gives n zeroed samples at a cache line,
// with no room past them.
func TestAlignedInt16s(t *testing.T) {
	for n := 1; n <= 100; n++ {
		s := alignedInt16s(n)
		if len(s) != n || cap(s) != n || uintptr(unsafe.Pointer(&s[0]))%64 != 0 {
			t.Fatalf("n=%d: len %d cap %d at %p", n, len(s), cap(s), &s[0])
		}
		for i, v := range s {
			if v != 0 {
				t.Fatalf("n=%d: sample %d is %d", n, i, v)
			}
		}
	}
}

// BenchmarkResizeAreaFraction compares the fixed-point fractional path with
// the float reference and the factor-4 box path from 1080p.
func BenchmarkResizeAreaFraction(b *testing.B) {
	gray := testGray(b, "faces/obama-1080p.jpg")
	for _, sz := range [][2]int{{800, 450}, {480, 270}} {
		rz, err := NewResizer(1920, 1080, sz[0], sz[1], 1, Area)
		if err != nil {
			b.Fatal(err)
		}
		dst := newPlane(sz[0], sz[1], 1)
		b.Run(fmt.Sprintf("fixed/%dx%d", sz[0], sz[1]), func(b *testing.B) {
			for b.Loop() {
				_ = rz.Resize(dst, gray)
			}
		})
		if sz[0] == 800 {
			b.Run("floatref/800x450", func(b *testing.B) {
				for b.Loop() {
					areaFloatRef(gray, 800, 450)
				}
			})
		}
	}
}

// areaFactors are the downscales of the 1080p frame BenchmarkAreaFactors
// measures: the integer factors the box path serves and fractional ones,
// factor 4 first (the reference of the others).
var areaFactors = []struct {
	name   string
	dw, dh int
}{
	{"4", 480, 270}, {"2", 960, 540}, {"3", 640, 360}, {"5", 384, 216}, {"6", 320, 180}, {"8", 240, 135},
	{"1.5", 1280, 720}, {"2.4", 800, 450}, {"3.3", 582, 327}, {"4.5", 427, 240},
}

// BenchmarkAreaFactors is the Area filter from the 1080p luma plane of a
// photograph at integer and fractional factors. Besides ns/op, each case
// reports vs-f4, its time over factor 4's, and vs-f4/px, its time per
// output pixel over factor 4's, factor 4 measured just before it in the same
// run (it runs first; a -bench pattern that leaves it out leaves the metrics
// out). The cases run twice: as the CPU has them, then under noavx512/ with
// the AVX-512 Area kernels switched off (setWideArea(false)), as on a CPU
// with AVX2 only, factor 4 again first (its box kernels are AVX2 either way).
func BenchmarkAreaFactors(b *testing.B) {
	gray := testGray(b, "faces/obama-1080p.jpg")
	for _, wide := range []bool{true, false} {
		prefix := ""
		if !wide {
			prefix = "noavx512/"
		}
		f4 := 0.0 // factor 4's ns/op in this group
		for _, c := range areaFactors {
			b.Run(fmt.Sprintf("%sfactor%s/%dx%d", prefix, c.name, c.dw, c.dh), func(b *testing.B) {
				defer setWideArea(wide)()
				rz, err := NewResizer(gray.Width, gray.Height, c.dw, c.dh, 1, Area)
				if err != nil {
					b.Fatal(err)
				}
				dst := newPlane(c.dw, c.dh, 1)
				b.ReportAllocs()
				for b.Loop() {
					if err := rz.Resize(dst, gray); err != nil {
						b.Fatal(err)
					}
				}
				ns := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
				if c.name == "4" {
					f4 = ns
				}
				if f4 > 0 {
					b.ReportMetric(ns/f4, "vs-f4")
					b.ReportMetric(ns/f4*480*270/float64(c.dw*c.dh), "vs-f4/px")
				}
			})
		}
	}
}
