package preprocess

import (
	"encoding/binary"
	"errors"
	"image"
)

// decBudget estimates, from the header alone, the bytes a decoder will hold
// for an image of f: the decoded image and the decoder's own buffers, as
// the standard library's and x/image's decoders allocate them. It refuses
// (ErrTooLarge) an estimate over l.MaxMemory and a JPEG of more than
// l.MaxScans scans, before anything is decoded: the pixel limit alone is
// not a memory limit (a 16-bit PNG takes 8 bytes a pixel, a progressive
// JPEG 2 bytes a pixel per component on top of its output), and a
// progressive JPEG's decoding time grows with its scans.
func decBudget(f ImageFormat, b []byte, cfg image.Config, l DecodeLimits) error {
	px := int64(cfg.Width) * int64(cfg.Height)
	var perPixel int64 // bytes per pixel, in eighths (lossy WebP needs 1.5)
	switch f {
	case FormatJPEG:
		comps, progressive, scans, err := jpegLayout(b)
		if err != nil {
			return decErr(f, "config", err)
		}
		if scans > l.MaxScans {
			return decLimitErr(f, "%d scans exceed the limit of %d", scans, l.MaxScans)
		}
		// The output holds every component at full resolution at most;
		// a progressive decoder also keeps each component's DCT
		// coefficients (64 int16 per 8x8 block) until the last scan.
		perPixel = 8 * int64(comps)
		if progressive {
			perPixel += 8 * 2 * int64(comps)
		}
	case FormatPNG:
		bpp, interlaced := pngLayout(b)
		perPixel = 8 * bpp
		if interlaced {
			perPixel *= 2 // each pass's image, then the whole one
		}
	case FormatGIF:
		perPixel = 8 * 5 // the paletted frame, then the screen in NRGBA
	case FormatBMP:
		perPixel = 8 * 4
	case FormatWebP:
		if webpLossless(b) {
			perPixel = 8 * 8 // ARGB words, then NRGBA
		} else {
			perPixel = 8*3/2 + 8 // YCbCr 4:2:0 and an alpha plane
		}
	}
	if need := px * perPixel / 8; need > l.MaxMemory {
		return decLimitErr(f, "%dx%d needs about %d MiB to decode, over the %d MiB memory limit",
			cfg.Width, cfg.Height, need>>20, l.MaxMemory>>20)
	}
	return nil
}

// jpegLayout walks a JPEG's markers: the number of components and whether
// the frame is progressive (from the SOFn marker), and the number of scans
// (SOS markers). Entropy-coded data is skipped byte by byte, so the cost
// is one pass over the input.
func jpegLayout(b []byte) (comps int, progressive bool, scans int, err error) {
	p := 2 // after SOI
	for p+4 <= len(b) {
		if b[p] != 0xff {
			// Entropy-coded data after a SOS: up to the next marker
			// that is not a stuffed zero or a restart marker.
			p++
			continue
		}
		m := b[p+1]
		switch {
		case m == 0xff: // fill byte
			p++
			continue
		case m == 0x00 || (m >= 0xd0 && m <= 0xd7): // stuffed zero, RSTn
			p += 2
			continue
		case m == 0xd9: // EOI
			return comps, progressive, scans, nil
		}
		n := int(binary.BigEndian.Uint16(b[p+2 : p+4]))
		if n < 2 || p+2+n > len(b) {
			break // truncated: the decoder will say so
		}
		seg := b[p+4 : p+2+n]
		switch {
		case m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc: // SOFn
			if len(seg) >= 6 {
				comps = int(seg[5])
				progressive = m == 0xc2 || m == 0xc6 || m == 0xca || m == 0xce
			}
		case m == 0xda: // SOS
			scans++
		}
		p += 2 + n
	}
	if comps == 0 {
		return 0, false, scans, errors.New("no frame header (SOFn) before the end of the data")
	}
	return comps, progressive, scans, nil
}

// pngLayout reads a PNG's IHDR: the bytes per pixel of the image the
// standard decoder returns for its colour type and depth, and whether it
// is interlaced. (png.DecodeConfig has read the same header without error.)
func pngLayout(b []byte) (bpp int64, interlaced bool) {
	if len(b) < 29 {
		return 8, false
	}
	depth, ctype := b[24], b[25]
	interlaced = b[28] == 1
	// Gray and paletted images come back as Gray or Paletted (1 byte a
	// pixel), the others as RGBA or NRGBA (4); 16-bit depths double it.
	bpp = 4
	if ctype == 0 || ctype == 3 {
		bpp = 1
	}
	if depth == 16 {
		bpp *= 2
	}
	return bpp, interlaced
}

// webpLossless reports whether the first image chunk of a WebP file is a
// lossless (VP8L) bitstream.
func webpLossless(b []byte) bool {
	for p := 12; p+8 <= len(b); {
		switch string(b[p : p+4]) {
		case "VP8L":
			return true
		case "VP8 ":
			return false
		}
		n := int64(binary.LittleEndian.Uint32(b[p+4 : p+8]))
		next := int64(p) + 8 + n + n&1
		if next > int64(len(b)) {
			return false
		}
		p = int(next)
	}
	return false
}
