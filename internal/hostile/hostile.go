// Package hostile builds crafted image files for facegate's tests: headers
// that claim far more pixels, memory, scans or frames than their few bytes
// hold, the inputs issue 14 found to hurt the decoders. The preprocess
// tests check the library refuses them; cmd/facegate's tests run the
// command on them and measure its time and peak memory.
//
// Every builder is deterministic and allocates only the file it returns.
package hostile

import (
	"bytes"
	"compress/lzw"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
)

// PNGChunk is one PNG chunk: length, type, data and CRC.
func PNGChunk(typ string, data []byte) []byte {
	b := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	b = append(b, typ...)
	b = append(b, data...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b[4:]))
}

// PNG is a PNG of w x h with the given bit depth, colour type and
// interlace method whose IDAT holds zlib-compressed zeros (zeros bytes of
// them: a megabyte compresses to about a kilobyte).
func PNG(w, h uint32, depth, ctype, interlace byte, zeros int) []byte {
	ihdr := binary.BigEndian.AppendUint32(nil, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, depth, ctype, 0, 0, interlace)
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(make([]byte, zeros))
	zw.Close()
	b := []byte("\x89PNG\r\n\x1a\n")
	b = append(b, PNGChunk("IHDR", ihdr)...)
	b = append(b, PNGChunk("IDAT", z.Bytes())...)
	return append(b, PNGChunk("IEND", nil)...)
}

// GIFScreen is a GIF whose logical screen and first frame are w x h, with a
// few bytes of LZW data.
func GIFScreen(w, h uint16) []byte {
	b := []byte("GIF89a")
	b = binary.LittleEndian.AppendUint16(b, w)
	b = binary.LittleEndian.AppendUint16(b, h)
	b = append(b, 0x80, 0, 0, 0, 0, 0, 255, 255, 255) // 2-colour global table
	b = append(b, ',', 0, 0, 0, 0)
	b = binary.LittleEndian.AppendUint16(b, w)
	b = binary.LittleEndian.AppendUint16(b, h)
	b = append(b, 0, 2) // no local table; LZW minimum code size 2
	var z bytes.Buffer
	zw := lzw.NewWriter(&z, lzw.LSB, 2)
	zw.Write(make([]byte, 200))
	zw.Close()
	b = append(b, byte(z.Len()))
	b = append(b, z.Bytes()...)
	return append(b, 0, ';')
}

// GIFFrames is a valid animated GIF of n frames, each filling a w x h
// screen with one colour: a frame of 1920x1080 costs about 3 KB of LZW
// data, so 600 of them make the 1.8 MB file that took a decoder keeping
// every frame 2 GB.
func GIFFrames(w, h, n int) []byte {
	pal := color.Palette{color.Gray{0}, color.Gray{128}, color.Gray{200}, color.Gray{255}}
	one := &gif.GIF{
		Image: []*image.Paletted{image.NewPaletted(image.Rect(0, 0, w, h), pal)},
		Delay: []int{4},
	}
	for i := range one.Image[0].Pix {
		one.Image[0].Pix[i] = 2
	}
	var buf bytes.Buffer
	if err := gif.EncodeAll(&buf, one); err != nil {
		panic(err)
	}
	b := buf.Bytes()
	// The frame is everything from its graphic control extension to the
	// trailer; repeat it.
	start := bytes.Index(b, []byte{0x21, 0xf9, 0x04})
	if start < 0 || b[len(b)-1] != ';' {
		panic("hostile: unexpected GIF layout")
	}
	frame := b[start : len(b)-1]
	out := make([]byte, 0, start+n*len(frame)+1)
	out = append(out, b[:start]...)
	for range n {
		out = append(out, frame...)
	}
	return append(out, ';')
}

// BMP is a 24-bit BITMAPINFOHEADER BMP of w x h (h < 0: top-down) with a
// few pixel bytes.
func BMP(w, h int32) []byte {
	b := []byte("BM")
	b = binary.LittleEndian.AppendUint32(b, 54+64)
	b = binary.LittleEndian.AppendUint32(b, 0)
	b = binary.LittleEndian.AppendUint32(b, 54) // pixel offset
	b = binary.LittleEndian.AppendUint32(b, 40) // info header size
	b = binary.LittleEndian.AppendUint32(b, uint32(w))
	b = binary.LittleEndian.AppendUint32(b, uint32(h))
	b = binary.LittleEndian.AppendUint16(b, 1)  // planes
	b = binary.LittleEndian.AppendUint16(b, 24) // bits per pixel
	b = append(b, make([]byte, 24)...)          // BI_RGB, sizes, resolution, colours
	return append(b, make([]byte, 64)...)
}

// JPEGClaiming is a real 8x8 grey baseline JPEG whose SOF0 is patched to
// claim w x h: the tables and scan are valid, so only a limit stops a
// decoder from allocating the claimed size.
func JPEGClaiming(w, h uint16) []byte {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, image.NewGray(image.Rect(0, 0, 8, 8)), nil); err != nil {
		panic(err)
	}
	b := buf.Bytes()
	i := bytes.Index(b, []byte{0xff, 0xc0})
	if i < 0 {
		panic("hostile: no SOF0")
	}
	binary.BigEndian.PutUint16(b[i+5:], h)
	binary.BigEndian.PutUint16(b[i+7:], w)
	return b
}

// JPEGProgressiveCMYK is a 4-component progressive JPEG header of w x h:
// SOI, SOF2 and one scan, no real data (Go's decoder keeps 4 planes of
// coefficients, 8 bytes a sample, for a progressive image).
func JPEGProgressiveCMYK(w, h uint16) []byte {
	b := []byte{0xff, 0xd8}
	sof := []byte{0xff, 0xc2, 0, 8 + 3*4, 8}
	sof = binary.BigEndian.AppendUint16(sof, h)
	sof = binary.BigEndian.AppendUint16(sof, w)
	sof = append(sof, 4)
	for c := byte(1); c <= 4; c++ {
		sof = append(sof, c, 0x11, 0)
	}
	b = append(b, sof...)
	b = append(b, 0xff, 0xda, 0, 8, 1, 1, 0, 0, 0, 0) // SOS, one component
	b = append(b, 0x12, 0x34, 0xff, 0x00, 0x56)       // entropy-coded bytes, a stuffed 0xff
	return append(b, 0xff, 0xd9)
}

// JPEGScans is a real 64x64 baseline JPEG with its scan repeated n times
// before EOI: a stand-in for a progressive file of thousands of scans
// (each scan is decoded over the whole image).
func JPEGScans(n int) []byte {
	var buf bytes.Buffer
	m := image.NewGray(image.Rect(0, 0, 64, 64))
	for i := range m.Pix {
		m.Pix[i] = uint8(i * 7)
	}
	if err := jpeg.Encode(&buf, m, nil); err != nil {
		panic(err)
	}
	b := buf.Bytes()
	sos := bytes.Index(b, []byte{0xff, 0xda})
	eoi := len(b) - 2
	scan := b[sos:eoi]
	out := append([]byte(nil), b[:eoi]...)
	for range n - 1 {
		out = append(out, scan...)
	}
	return append(out, 0xff, 0xd9)
}

// VP8LSolid is a VP8L bitstream of w x h (at most 16384) in which every
// pixel costs zero bits: no transforms, no colour cache, and five
// single-symbol Huffman codes. Eight bytes decode to 4*w*h bytes.
func VP8LSolid(w, h int) []byte {
	var bits uint64
	n := 0
	put := func(v uint64, k int) { bits |= v << n; n += k }
	put(0x2f, 8)
	put(uint64(w-1), 14)
	put(uint64(h-1), 14)
	put(0, 1) // alpha hint
	put(0, 3) // version
	put(0, 1) // no transform
	put(0, 1) // no colour cache
	put(0, 1) // no meta Huffman image
	for range 5 {
		// simple code, one symbol, 1-bit symbol, symbol 0
		put(1, 1)
		put(0, 1)
		put(0, 1)
		put(0, 1)
	}
	return binary.LittleEndian.AppendUint64(nil, bits)[:(n+7)/8]
}

// RIFFChunk is one RIFF chunk, padded to an even length.
func RIFFChunk(id string, data []byte) []byte {
	b := append([]byte(id), binary.LittleEndian.AppendUint32(nil, uint32(len(data)))...)
	b = append(b, data...)
	if len(data)%2 == 1 {
		b = append(b, 0)
	}
	return b
}

// WebP is a RIFF WEBP file of the given chunks.
func WebP(chunks ...[]byte) []byte {
	var body []byte
	for _, c := range chunks {
		body = append(body, c...)
	}
	b := []byte("RIFF")
	b = binary.LittleEndian.AppendUint32(b, uint32(4+len(body)))
	b = append(b, "WEBP"...)
	return append(b, body...)
}

// VP8XChunk declares a w x h canvas (up to 1<<24) with the given flags
// (0x02: animation, 0x10: alpha).
func VP8XChunk(flags byte, w, h int) []byte {
	d := []byte{flags, 0, 0, 0}
	d = append(d, byte(w-1), byte((w-1)>>8), byte((w-1)>>16))
	d = append(d, byte(h-1), byte((h-1)>>8), byte((h-1)>>16))
	return RIFFChunk("VP8X", d)
}

// AnimatedWebP is an animated WebP of a w x h canvas with n frames, each a
// VP8LSolid of fw x fh at the top left, 40 ms long: a few dozen bytes a
// frame, whatever their size.
func AnimatedWebP(w, h, n, fw, fh int) []byte {
	chunks := [][]byte{VP8XChunk(0x02, w, h), RIFFChunk("ANIM", []byte{0, 0, 0, 0, 0, 0})}
	frame := []byte{0, 0, 0, 0, 0, 0}
	frame = append(frame, byte(fw-1), byte((fw-1)>>8), byte((fw-1)>>16))
	frame = append(frame, byte(fh-1), byte((fh-1)>>8), byte((fh-1)>>16))
	frame = append(frame, 40, 0, 0, 0) // duration, flags: blend, no dispose
	frame = append(frame, RIFFChunk("VP8L", VP8LSolid(fw, fh))...)
	anmf := RIFFChunk("ANMF", frame)
	for range n {
		chunks = append(chunks, anmf)
	}
	return WebP(chunks...)
}
