package facegate

import (
	"image"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/facegate/facegate/detect"
	"github.com/facegate/facegate/preprocess"
)

// mirrorPlane is p mirrored left to right, in a new buffer.
func mirrorPlane(p preprocess.Plane) preprocess.Plane {
	m := preprocess.GrayPlane(make([]byte, p.Width*p.Height), p.Width, p.Width, p.Height)
	for y := range p.Height {
		for x := range p.Width {
			m.Pix[y*m.Stride+p.Width-1-x] = p.Pix[y*p.Stride+x]
		}
	}
	return m
}

// cropPlane copies r (within p) into a new plane.
func cropPlane(p preprocess.Plane, r image.Rectangle) preprocess.Plane {
	c := preprocess.GrayPlane(make([]byte, r.Dx()*r.Dy()), r.Dx(), r.Dx(), r.Dy())
	for y := range r.Dy() {
		copy(c.Pix[y*c.Stride:(y+1)*c.Stride], p.Pix[(r.Min.Y+y)*p.Stride+r.Min.X:])
	}
	return c
}

// mirrorBox is the box mirrorNose localises on the mirror image of a
// w-wide frame for box: its centre column (Min.X + Dx/2, where
// localisation starts) mirrored, the rows kept.
func mirrorBox(box image.Rectangle, w int) image.Rectangle {
	s := box.Dx()
	c := w - 1 - (box.Min.X + s/2)
	return image.Rect(c-s/2, box.Min.Y, c-s/2+s, box.Max.Y)
}

// The mirror check is symmetric: a face localised on a frame and the
// mirror face localised on the mirror frame are each other's mirror
// check, so their nose distances are the same number, whether the box
// lies inside the frame, at its edges or partly beyond them (cut frames
// of odd and even widths), and whatever the box's parity (where both
// localisations find a pose: the landmark cascades are not symmetric, and
// a face cut at an edge keeps its pose on one side only; the whole frame
// and the tight crop do on both). That holds only
// if mirrorNose's mirror image covers all the pixels localisation reads
// (localiseMargin) and maps boxes and points back exactly.
func TestMirrorNoseSymmetric(t *testing.T) {
	pl, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	luma := testLuma(t, "faces/obama-480p.jpg")
	det, err := detect.NewDetector(nil, &detect.Options{MinFace: 40})
	if err != nil {
		t.Fatal(err)
	}
	faces, err := det.Detect(nil, luma)
	if err != nil || len(faces) == 0 {
		t.Fatalf("%d faces (%v)", len(faces), err)
	}
	box := faces[0].Rect
	s := box.Dx()
	cases := 0
	// Frames cut out of the image: the face whole, cut at its centre on
	// each side, and a pixel either way of that (odd and even widths).
	for _, cut := range []image.Rectangle{
		image.Rect(0, 0, luma.Width, luma.Height),
		image.Rect(box.Min.X+s/2, 0, luma.Width, luma.Height),
		image.Rect(box.Min.X+s/2+1, 0, luma.Width, luma.Height),
		image.Rect(0, 0, box.Min.X+s/2+1, luma.Height),
		image.Rect(0, 0, box.Min.X+s/2+2, luma.Height),
		image.Rect(0, box.Min.Y+s/2, luma.Width, luma.Height),
		image.Rect(0, 0, luma.Width, box.Min.Y+s/2+1),
		image.Rect(box.Min.X-s/4, box.Min.Y-s/4, box.Max.X+s/4+1, box.Max.Y+s/4),
	} {
		p := cropPlane(luma, cut)
		m := mirrorPlane(p)
		for _, ds := range []int{0, 1, -1} {
			f := detect.Face{Rect: image.Rect(box.Min.X, box.Min.Y, box.Max.X+ds, box.Max.Y+ds).Sub(cut.Min)}
			g := detect.Face{Rect: mirrorBox(f.Rect, p.Width)}
			if err := pl.det.Localise(&f, p); err != nil {
				t.Fatal(err)
			}
			if err := pl.det.Localise(&g, m); err != nil {
				t.Fatal(err)
			}
			if !f.PoseFound || !g.PoseFound {
				t.Logf("frame %v, box %v: pose found %v, on the mirror frame %v", cut, f.Rect, f.PoseFound, g.PoseFound)
				continue
			}
			d1, ok1, err1 := pl.mirrorNose(&f, p)
			d2, ok2, err2 := pl.mirrorNose(&g, m)
			if err1 != nil || err2 != nil || !ok1 || !ok2 {
				t.Fatalf("frame %v, box %v: mirrorNose %v %v, mirror %v %v", cut, f.Rect, ok1, err1, ok2, err2)
			}
			if math.Abs(d1-d2) > 1e-9 {
				t.Errorf("frame %v (%dx%d), box %v: nose distance %.4f, on the mirror frame %.4f", cut, p.Width, p.Height, f.Rect, d1, d2)
			}
			cases++
		}
	}
	if cases < 6 {
		t.Errorf("only %d cases with a pose on both sides", cases)
	}
}

// The turned check's mirror halves on degenerate geometry: in tiny and
// odd-sized frames, boxes of sides 1 to twice the frame's at every
// position where they overlap it (down to their first or last column or
// row only) give no error and no panic from mirrorNose and mirrorFrontal
// wherever Localise takes them (checkTurned follows a Localise, and an
// error would fail Process).
func TestMirrorCheckTinyFrames(t *testing.T) {
	pl, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(13, 18))
	for _, sz := range []image.Point{{1, 1}, {2, 3}, {7, 5}, {24, 24}, {33, 17}} {
		p := preprocess.GrayPlane(make([]byte, sz.X*sz.Y), sz.X, sz.X, sz.Y)
		for i := range p.Pix {
			p.Pix[i] = byte(rng.IntN(256))
		}
		for _, side := range []int{1, 2, 3, 8, 31, 2 * max(sz.X, sz.Y)} {
			if side > 2*max(sz.X, sz.Y) {
				continue // Localise's own limit
			}
			for _, x := range []int{-side + 1, -side / 2, 0, sz.X/2 - side/2, sz.X - side, sz.X - 1} {
				for _, y := range []int{-side + 1, 0, sz.Y - 1} {
					face := detect.Face{Rect: image.Rect(x, y, x+side, y+side)}
					if err := pl.det.Localise(&face, p); err != nil {
						t.Fatalf("%v frame, box %v: Localise: %v", sz, face.Rect, err)
					}
					if _, _, err := pl.mirrorNose(&face, p); err != nil {
						t.Errorf("%v frame, box %v: mirrorNose: %v", sz, face.Rect, err)
					}
					if _, err := pl.mirrorFrontal(&face, p); err != nil {
						t.Errorf("%v frame, box %v: mirrorFrontal: %v", sz, face.Rect, err)
					}
				}
			}
		}
	}
}
