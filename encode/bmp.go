package encode

import (
	"encoding/binary"
	"slices"
)

// bmpHeaderSize is the BITMAPFILEHEADER (14 bytes) plus the
// BITMAPINFOHEADER (40 bytes).
const bmpHeaderSize = 14 + 40

// BMPSize returns the size in bytes of the BMP file AppendBMP writes for a
// w x h image: the 54-byte headers and h rows of 3*w bytes padded to a
// multiple of 4. It lets a caller check a BMP against a Range before
// encoding it.
func BMPSize(w, h int) int { return bmpHeaderSize + h*((3*w+3)&^3) }

// AppendBMP appends img encoded as an uncompressed 24-bit bottom-up BMP
// (BITMAPINFOHEADER) to dst and returns the extended slice: the same bytes
// golang.org/x/image/bmp writes for an opaque image, written directly, with
// no allocation beyond growing dst. The size is BMPSize(img.Width,
// img.Height). On error dst is returned unchanged.
func AppendBMP(dst []byte, img RGB) ([]byte, error) {
	if err := img.Validate(); err != nil {
		return dst, err
	}
	w, h := img.Width, img.Height
	step := (3*w + 3) &^ 3
	size := BMPSize(w, h)
	if uint64(size) > 1<<32-1 {
		return dst, imageErr("size", "%dx%d is too large for BMP", w, h)
	}
	n := len(dst)
	dst = slices.Grow(dst, size)[:n+size] // every byte is written below
	b := dst[n:]
	le := binary.LittleEndian
	b[0], b[1] = 'B', 'M'
	le.PutUint32(b[2:], uint32(size))
	le.PutUint32(b[6:], 0) // reserved
	le.PutUint32(b[10:], bmpHeaderSize)
	le.PutUint32(b[14:], 40) // BITMAPINFOHEADER
	le.PutUint32(b[18:], uint32(w))
	le.PutUint32(b[22:], uint32(h)) // positive: rows bottom-up
	le.PutUint16(b[26:], 1)         // colour planes
	le.PutUint16(b[28:], 24)        // bits per pixel
	le.PutUint32(b[30:], 0)         // BI_RGB
	le.PutUint32(b[34:], uint32(h*step))
	clear(b[38:bmpHeaderSize]) // resolution, palette counts
	for y := 0; y < h; y++ {
		src := img.Row(h - 1 - y)
		row := b[bmpHeaderSize+y*step : bmpHeaderSize+(y+1)*step]
		for x := 0; x < w; x++ {
			row[3*x], row[3*x+1], row[3*x+2] = src[3*x+2], src[3*x+1], src[3*x]
		}
		clear(row[3*w:])
	}
	return dst, nil
}
