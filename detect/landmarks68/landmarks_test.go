package landmarks68

import (
	"errors"
	"image"
	"testing"

	"github.com/facegate/facegate/internal/nn/nntest"
)

// TestGrayIsReplicatedRGB checks LocateGray against Locate on the luma in
// R, G and B, and LocateGrayRegion against LocateGray on the crop, with
// strides wider than the rows.
func TestGrayIsReplicatedRGB(t *testing.T) {
	rgb, w, h := loadRGB(t, "detect/testdata/dlib-2008_001322.jpg")
	const pad = 7
	gray, rep := nntest.GrayAndRGB(rgb, w, h, pad)
	n, _ := New()
	r := image.Rect(210, 200, 310, 301)
	off := r.Min.Y*(w+pad) + r.Min.X
	var a, b, c [NumPoints]Point
	if err := n.LocateGray(&a, gray[off:], r.Dx(), r.Dy(), w+pad); err != nil {
		t.Fatal(err)
	}
	if err := n.Locate(&b, rep[r.Min.Y*(3*w+pad)+3*r.Min.X:], r.Dx(), r.Dy(), 3*w+pad); err != nil {
		t.Fatal(err)
	}
	if a != b {
		t.Fatalf("gray %v\nrgb %v", a, b)
	}
	if err := n.LocateGrayRegion(&c, gray, w, h, w+pad, r); err != nil {
		t.Fatal(err)
	}
	for i := range c {
		if c[i].X != a[i].X+float64(r.Min.X) || c[i].Y != a[i].Y+float64(r.Min.Y) {
			t.Fatalf("point %d: region %v, crop %v + %v", i, c[i], a[i], r.Min)
		}
	}
}

// TestRegionClipped checks that a box reaching past the plane's edges gives
// the landmarks of the box clipped to the plane.
func TestRegionClipped(t *testing.T) {
	rgb, w, h := loadRGB(t, "detect/testdata/dlib-2008_002079.jpg")
	gray := nntest.Luma(rgb)
	n, _ := New()
	for _, box := range []image.Rectangle{
		image.Rect(-12, 165, 88, 261),
		image.Rect(w-50, h-40, w+30, h+35),
		image.Rect(-5, -5, w+5, h+5),
	} {
		if raceShort() && box.Min.X >= 0 {
			continue // one box is enough under -race -short
		}
		r := box.Intersect(image.Rect(0, 0, w, h))
		var a, b [NumPoints]Point
		if err := n.LocateGrayRegion(&a, gray, w, h, w, box); err != nil {
			t.Fatal(err)
		}
		if err := n.LocateGrayRegion(&b, gray, w, h, w, r); err != nil {
			t.Fatal(err)
		}
		if a != b {
			t.Errorf("box %v: %v\nclipped %v: %v", box, a, r, b)
		}
	}
}

func TestBadInput(t *testing.T) {
	n, _ := New()
	img := make([]byte, 3*10*10)
	var dst [NumPoints]Point
	for _, c := range []struct {
		name         string
		pix          []byte
		w, h, stride int
	}{
		{"zero width", img, 0, 10, 30},
		{"negative height", img, 10, -1, 30},
		{"short stride", img, 10, 10, 29},
		{"short buffer", img[:299], 10, 10, 30},
		{"huge", img, MaxImageSide + 1, 1, 3 * (MaxImageSide + 1)},
	} {
		if err := n.Locate(&dst, c.pix, c.w, c.h, c.stride); !errors.Is(err, ErrInput) {
			t.Errorf("Locate %s: err %v, want ErrInput", c.name, err)
		}
	}
	if err := n.LocateGray(&dst, img[:99], 10, 10, 10); !errors.Is(err, ErrInput) {
		t.Errorf("LocateGray short buffer: err %v, want ErrInput", err)
	}
	for _, box := range []image.Rectangle{
		image.Rect(10, 0, 20, 10), // right of the plane
		image.Rect(-5, 3, 0, 8),   // left of it
		image.Rect(3, 3, 3, 8),    // empty
	} {
		if err := n.LocateGrayRegion(&dst, img[:100], 10, 10, 10, box); !errors.Is(err, ErrInput) {
			t.Errorf("LocateGrayRegion %v: err %v, want ErrInput", box, err)
		}
	}
	if err := n.LocateGrayRegion(&dst, img[:99], 10, 10, 10, image.Rect(0, 0, 5, 5)); !errors.Is(err, ErrInput) {
		t.Errorf("LocateGrayRegion short plane: err %v, want ErrInput", err)
	}
	// Extreme aspect ratios, tiny crops and a crop of exactly InputSize
	// (no resize) run.
	sizes := [][2]int{{1, 1}, {1, 300}, {300, 1}, {InputSize, InputSize}, {InputSize, 50}}
	if raceShort() {
		sizes = sizes[:2]
	}
	for _, s := range sizes {
		if err := n.LocateGray(&dst, make([]byte, s[0]*s[1]), s[0], s[1], s[0]); err != nil {
			t.Errorf("%dx%d: %v", s[0], s[1], err)
		}
	}
}

// raceShort reports whether the tests run with -race -short, where a
// forward pass takes over half a second: the tests then do less.
func raceShort() bool { return testing.Short() && nntest.RaceEnabled }
