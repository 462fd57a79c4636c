package preprocess

import (
	"image"
	"math"
	"strconv"
)

// MaxDimension bounds the width and height this package accepts for frames,
// planes and plans. It keeps every size product far from integer overflow.
const MaxDimension = 1 << 15

// Format is the pixel layout of a camera frame.
type Format uint8

// The frame formats. The YUV formats have full-resolution luma first.
const (
	FormatUnknown Format = iota
	Gray8                // one plane, 1 byte per pixel
	NV12                 // Y plane, then interleaved U,V at half resolution (Android, iOS)
	NV21                 // Y plane, then interleaved V,U at half resolution (Android camera1)
	I420                 // Y plane, U plane, V plane; chroma at half resolution
	RGBA                 // one plane, R,G,B,A bytes per pixel
	BGRA                 // one plane, B,G,R,A bytes per pixel (iOS kCVPixelFormatType_32BGRA)
	RGB24                // one plane, R,G,B bytes per pixel
	I422                 // Y plane, U plane, V plane; chroma at half horizontal resolution
	I444                 // Y plane, U plane, V plane; chroma at full resolution (JPEG 4:4:4)
)

var formatNames = [...]string{"unknown", "Gray8", "NV12", "NV21", "I420", "RGBA", "BGRA", "RGB24", "I422", "I444"}

// String returns the format's name.
func (f Format) String() string {
	if int(f) < len(formatNames) {
		return formatNames[f]
	}
	return "Format(" + strconv.Itoa(int(f)) + ")"
}

// IsYUV reports whether f is one of the YUV formats (luma plane first).
func (f Format) IsYUV() bool {
	switch f {
	case NV12, NV21, I420, I422, I444:
		return true
	}
	return false
}

// chromaShift returns log2 of the chroma subsampling on each axis.
func (f Format) chromaShift() (sx, sy int) {
	switch f {
	case NV12, NV21, I420:
		return 1, 1
	case I422:
		return 1, 0
	}
	return 0, 0
}

// planeCount is how many planes a frame of format f has.
func (f Format) planeCount() int {
	switch f {
	case Gray8, RGBA, BGRA, RGB24:
		return 1
	case NV12, NV21:
		return 2
	case I420, I422, I444:
		return 3
	}
	return 0
}

// bytesPerPixel of the first plane.
func (f Format) bytesPerPixel() int {
	switch f {
	case RGBA, BGRA:
		return 4
	case RGB24:
		return 3
	}
	return 1
}

// Plane is a rectangle of 8-bit samples, Channels interleaved bytes per
// pixel: row y starts at Pix[y*Stride] and holds Width*Channels bytes.
// Channels 0 is read as 1, so a gray Plane can be written as a literal
// without it.
type Plane struct {
	Pix      []byte
	Stride   int
	Width    int
	Height   int
	Channels int
}

// GrayPlane returns a one-channel Plane over pix.
func GrayPlane(pix []byte, stride, width, height int) Plane {
	return Plane{Pix: pix, Stride: stride, Width: width, Height: height, Channels: 1}
}

// channels returns the number of interleaved bytes per pixel.
func (p *Plane) channels() int {
	if p.Channels == 0 {
		return 1
	}
	return p.Channels
}

// Row returns row y's Width*Channels bytes. y must be in [0, Height).
func (p *Plane) Row(y int) []byte {
	o := y * p.Stride
	return p.Pix[o : o+p.Width*p.channels() : o+p.Width*p.channels()]
}

// Validate reports whether p's buffer holds its geometry.
func (p *Plane) Validate() error {
	cn := p.channels()
	switch {
	case cn < 1 || cn > 4:
		return frameErr("channels", "%d, want 1 to 4", p.Channels)
	case p.Width <= 0 || p.Height <= 0:
		return frameErr("size", "%dx%d is empty", p.Width, p.Height)
	case p.Width > MaxDimension || p.Height > MaxDimension:
		return frameErr("size", "%dx%d exceeds %d", p.Width, p.Height, MaxDimension)
	case p.Stride < p.Width*cn:
		return frameErr("stride", "%d is less than a row of %d bytes", p.Stride, p.Width*cn)
	case p.Stride > math.MaxInt32/MaxDimension:
		return frameErr("stride", "%d is absurd", p.Stride)
	}
	if need := (p.Height-1)*p.Stride + p.Width*cn; len(p.Pix) < need {
		return frameErr("pix", "%d bytes, need %d", len(p.Pix), need)
	}
	return nil
}

// SubPlane returns the part of p inside r, sharing p's pixels. A p that
// does not hold its geometry (a negative stride, a short buffer) is an
// error wrapping ErrInvalidFrame, as Validate reports it.
func (p *Plane) SubPlane(r image.Rectangle) (Plane, error) {
	if err := p.Validate(); err != nil {
		return Plane{}, err
	}
	if r.Empty() || !r.In(image.Rect(0, 0, p.Width, p.Height)) {
		return Plane{}, geomErr("rectangle", "%v is empty or outside %dx%d", r, p.Width, p.Height)
	}
	cn := p.channels()
	o := r.Min.Y*p.Stride + r.Min.X*cn
	end := (r.Max.Y-1)*p.Stride + r.Max.X*cn
	if end > len(p.Pix) {
		return Plane{}, frameErr("pix", "%d bytes, need %d", len(p.Pix), end)
	}
	return Plane{Pix: p.Pix[o:end], Stride: p.Stride, Width: r.Dx(), Height: r.Dy(), Channels: cn}, nil
}

// Frame describes a camera frame in place: it never copies the planes.
// Planes and Strides are indexed by plane: Y (or the packed plane), then
// the chroma planes (one interleaved plane for NV12/NV21, U then V for I420).
type Frame struct {
	Format  Format
	Width   int
	Height  int
	Planes  [3][]byte
	Strides [3]int
}

// Validate checks that the frame's planes hold its geometry: a known format,
// sizes within MaxDimension, even sizes where chroma is subsampled, strides at least
// a row, and planes long enough for every row. It returns an error wrapping
// ErrInvalidFrame, never panics, and does not allocate when the frame is valid.
func (f *Frame) Validate() error {
	n := f.Format.planeCount()
	if n == 0 {
		return frameErr("format", "%v is not a frame format", f.Format)
	}
	if f.Width <= 0 || f.Height <= 0 {
		return frameErr("size", "%dx%d is empty", f.Width, f.Height)
	}
	if f.Width > MaxDimension || f.Height > MaxDimension {
		return frameErr("size", "%dx%d exceeds %d", f.Width, f.Height, MaxDimension)
	}
	if sx, sy := f.Format.chromaShift(); f.Width%(1<<sx) != 0 || f.Height%(1<<sy) != 0 {
		return frameErr("size", "%dx%d: %v's subsampled chroma needs sizes divisible by %dx%d", f.Width, f.Height, f.Format, 1<<sx, 1<<sy)
	}
	for i := 0; i < 3; i++ {
		if i >= n {
			continue
		}
		rowBytes, rows := f.planeGeometry(i)
		s := f.Strides[i]
		if s < rowBytes {
			return frameErr(planeField("stride", i), "%d is less than a row of %d bytes", s, rowBytes)
		}
		if s > math.MaxInt32/MaxDimension {
			return frameErr(planeField("stride", i), "%d is absurd", s)
		}
		if need := (rows-1)*s + rowBytes; len(f.Planes[i]) < need {
			return frameErr(planeField("plane", i), "%d bytes, need %d", len(f.Planes[i]), need)
		}
	}
	return nil
}

// planeGeometry returns the bytes in one row and the rows of plane i.
func (f *Frame) planeGeometry(i int) (rowBytes, rows int) {
	if i == 0 {
		return f.Width * f.Format.bytesPerPixel(), f.Height
	}
	sx, sy := f.Format.chromaShift()
	cw, ch := f.Width>>sx, f.Height>>sy
	if f.Format == NV12 || f.Format == NV21 {
		return 2 * cw, ch
	}
	return cw, ch
}

// plane returns plane i as a Plane. The frame must be valid.
func (f *Frame) plane(i int) Plane {
	rowBytes, rows := f.planeGeometry(i)
	cn := 1
	switch {
	case i == 0:
		cn = f.Format.bytesPerPixel()
	case f.Format == NV12 || f.Format == NV21:
		cn = 2
	}
	return Plane{Pix: f.Planes[i], Stride: f.Strides[i], Width: rowBytes / cn, Height: rows, Channels: cn}
}

func planeField(name string, i int) string { return name + " " + strconv.Itoa(i) }
