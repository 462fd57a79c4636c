package preprocess

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"math/rand/v2"
	"testing"
)

// resizeWith runs one resize with the given variant active.
func resizeWith(t *testing.T, v variant, rz *Resizer, src Plane) []byte {
	t.Helper()
	restore, ok := forceVariant(v)
	if !ok {
		t.Fatalf("cannot force %v", v)
	}
	defer restore()
	dst := newPlane(rz.dstW, rz.dstH, rz.cn)
	if err := rz.Resize(dst, src); err != nil {
		t.Fatal(err)
	}
	return dst.Pix
}

// TestResizeVariantsAgree checks that every kernel variant gives the generic
// kernels' bytes, for every filter and mode, on random planes with odd
// sizes, strides and offsets and on real photographs.
func TestResizeVariantsAgree(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	type tc struct {
		name string
		src  Plane
		dw   int
		dh   int
	}
	var cases []tc
	for _, cn := range []int{1, 2, 3, 4} {
		for i := 0; i < 40; i++ {
			sw, sh := 1+r.IntN(130), 1+r.IntN(41)|1
			dw, dh := 1+r.IntN(130), 1+r.IntN(40)
			if i%4 == 0 { // integer factors: the box path
				kx, ky := 1+r.IntN(4), 1+r.IntN(4)
				dw, dh = 1+r.IntN(40), 1+r.IntN(12)
				sw, sh = dw*kx, dh*ky
			}
			cases = append(cases, tc{fmt.Sprintf("rand/cn%d/%dx%d-%dx%d", cn, sw, sh, dw, dh), randPlane(r, sw, sh, cn), dw, dh})
		}
	}
	gray := testGray(t, "faces/obama-1080p.jpg")
	rgba := testRGBA(t, "faces/pigo-sample.jpg")
	cases = append(cases,
		tc{"obama/480x270", gray, 480, 270},
		tc{"obama/640x360", gray, 640, 360},
		tc{"obama/crop-odd-301x177", sub(t, gray, image.Rect(701, 203, 1300, 801)), 301, 177},
		tc{"obama/up-300x300", sub(t, gray, image.Rect(900, 300, 1000, 400)), 300, 300},
		tc{"pigo-rgba/160x200", rgba, 160, 200},
		tc{"pigo-rgba/111x97", rgba, 111, 97},
	)
	// Integer factors 2..8 from 1080p (the SIMD box kernels) and from odd
	// crops, whose rows end inside a kernel block.
	for _, k := range []int{3, 5, 6, 8} {
		cases = append(cases, tc{fmt.Sprintf("obama/factor%d", k), gray, 1920 / k, 1080 / k})
	}
	for k := 2; k <= 8; k++ {
		w, h := 10*k+1, 7+2*k
		cases = append(cases, tc{fmt.Sprintf("obama/crop-factor%d-%dx%d", k, w, h),
			sub(t, gray, image.Rect(701, 203, 701+k*w, 203+k*h)), w, h})
	}
	for _, c := range cases {
		for _, f := range []Filter{Area, Bilinear} {
			rz, err := NewResizer(c.src.Width, c.src.Height, c.dw, c.dh, c.src.channels(), f)
			if err != nil {
				t.Fatalf("%s %v: %v", c.name, f, err)
			}
			want := resizeWith(t, variantGeneric, rz, c.src)
			for _, v := range availableVariants()[1:] {
				if got := resizeWith(t, v, rz, c.src); !bytes.Equal(got, want) {
					t.Fatalf("%s %v: %v differs from generic", c.name, f, v)
				}
			}
		}
	}
}

// TestResizeBoxIsExactAverage checks the integer-factor Area path against a
// direct computation of the rounded box mean.
func TestResizeBoxIsExactAverage(t *testing.T) {
	r := rand.New(rand.NewPCG(23, 24))
	src := randPlane(r, 64, 36, 1)
	rz, err := NewResizer(64, 36, 16, 9, 1, Area)
	if err != nil {
		t.Fatal(err)
	}
	if rz.mode != modeBox {
		t.Fatalf("mode %d, want the box path", rz.mode)
	}
	dst := newPlane(16, 9, 1)
	if err := rz.Resize(dst, src); err != nil {
		t.Fatal(err)
	}
	for y := 0; y < 9; y++ {
		for x := 0; x < 16; x++ {
			s := 0
			for k := 0; k < 4; k++ {
				for j := 0; j < 4; j++ {
					s += int(src.Row(4*y + k)[4*x+j])
				}
			}
			want := s / 16
			if rem := s % 16; rem > 8 || (rem == 8 && want%2 == 1) { // half to even
				want++
			}
			if got := int(dst.Row(y)[x]); got != want {
				t.Fatalf("(%d,%d): got %d want %d", x, y, got, want)
			}
		}
	}
}

// TestResizeIdentityAndConstant: same-size resizes copy; constant planes stay
// constant under every filter and size.
func TestResizeIdentityAndConstant(t *testing.T) {
	r := rand.New(rand.NewPCG(25, 26))
	src := randPlane(r, 37, 23, 3)
	for _, f := range []Filter{Area, Bilinear} {
		rz, _ := NewResizer(37, 23, 37, 23, 3, f)
		dst := newPlane(37, 23, 3)
		if err := rz.Resize(dst, src); err != nil {
			t.Fatal(err)
		}
		for y := 0; y < 23; y++ {
			if !bytes.Equal(dst.Row(y), src.Row(y)) {
				t.Fatalf("%v: identity resize changed row %d", f, y)
			}
		}
	}
	for _, v := range []byte{0, 1, 127, 254, 255} {
		c := Plane{Pix: bytes.Repeat([]byte{v}, 50*30), Stride: 50, Width: 50, Height: 30}
		for _, size := range [][2]int{{25, 15}, {17, 11}, {1, 1}, {120, 70}, {50, 7}} {
			for _, f := range []Filter{Area, Bilinear} {
				rz, _ := NewResizer(50, 30, size[0], size[1], 1, f)
				dst := newPlane(size[0], size[1], 1)
				if err := rz.Resize(dst, c); err != nil {
					t.Fatal(err)
				}
				if bytes.Count(dst.Pix, []byte{v}) != len(dst.Pix) {
					t.Fatalf("%v %v: constant %d not preserved: %v", f, size, v, dst.Pix[:8])
				}
			}
		}
	}
}

func TestResizeErrors(t *testing.T) {
	if _, err := NewResizer(0, 10, 5, 5, 1, Area); !errors.Is(err, ErrGeometry) {
		t.Fatalf("zero size: %v", err)
	}
	if _, err := NewResizer(1<<20, 10, 5, 5, 1, Area); !errors.Is(err, ErrGeometry) {
		t.Fatalf("absurd size: %v", err)
	}
	if _, err := NewResizer(10, 10, 5, 5, 5, Area); !errors.Is(err, ErrUnsupported) {
		t.Fatalf("5 channels: %v", err)
	}
	if _, err := NewResizer(10, 10, 5, 5, 1, Filter(9)); !errors.Is(err, ErrUnsupported) {
		t.Fatalf("bad filter: %v", err)
	}
	rz, _ := NewResizer(10, 10, 5, 5, 1, Bilinear)
	if err := rz.Resize(newPlane(5, 5, 1), newPlane(11, 10, 1)); !errors.Is(err, ErrGeometry) {
		t.Fatalf("wrong source size: %v", err)
	}
	if err := rz.Resize(newPlane(5, 5, 3), newPlane(10, 10, 1)); !errors.Is(err, ErrGeometry) {
		t.Fatalf("wrong channels: %v", err)
	}
	short := Plane{Pix: make([]byte, 99), Stride: 10, Width: 10, Height: 10}
	if err := rz.Resize(newPlane(5, 5, 1), short); !errors.Is(err, ErrInvalidFrame) {
		t.Fatalf("short source: %v", err)
	}
	var fe *FrameError
	if err := rz.Resize(newPlane(5, 5, 1), short); !errors.As(err, &fe) || fe.Field != "pix" {
		t.Fatalf("FrameError detail: %v", err)
	}
}

func TestResizeAllocs(t *testing.T) {
	gray := testGray(t, "faces/obama-1080p.jpg")
	for _, c := range []struct {
		dw, dh int
		f      Filter
	}{{480, 270, Area}, {640, 360, Bilinear}, {700, 400, Area}, {2000, 1100, Area}} {
		rz, err := NewResizer(1920, 1080, c.dw, c.dh, 1, c.f)
		if err != nil {
			t.Fatal(err)
		}
		dst := newPlane(c.dw, c.dh, 1)
		if n := testing.AllocsPerRun(3, func() { _ = rz.Resize(dst, gray) }); n != 0 {
			t.Fatalf("%dx%d %v: %v allocations per Resize", c.dw, c.dh, c.f, n)
		}
	}
}
