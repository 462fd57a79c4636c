package payload

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/facegate/facegate/preprocess"
)

// Byte limits of the service's pages. The pages say "1KB", "6MB", ...;
// the service counts in binary units (SERVICE.md: "1 KB means 1024
// bytes"), so a KB is 2^10 bytes and an MB 2^20 bytes, and a file exactly
// at a limit is accepted.
const (
	// MinFileBytes is the smallest file the service takes (1 KB, seed
	// 002 "from 1KB", 1024 bytes), for images, videos and face list
	// images alike.
	MinFileBytes = 1 << 10
	// MaxImageBytes is the largest liveness image (seed 002: "1KB to
	// 6MB", 6 x 2^20 bytes).
	MaxImageBytes = 6 << 20
	// MaxVideoBytes is the largest liveness video, an animated WebP
	// (seed 002: "1KB to 25MB", 25 x 2^20 bytes).
	MaxVideoBytes = 25 << 20
	// MaxFaceListImageBytes is the largest face list image (seed 004:
	// "1KB to 4MB", 4 x 2^20 bytes).
	MaxFaceListImageBytes = 4 << 20
	// MaxUserDataBytes is the longest face list userData (seed 004:
	// "maximum length is 1KB"; SERVICE.md: 1 KB is 1024 bytes), counted
	// in UTF-8 bytes.
	MaxUserDataBytes = 1 << 10
)

// MediaInfo is what ProbeMedia reads from a file's header.
type MediaInfo struct {
	Format preprocess.ImageFormat // the sniffed container
	// Video reports a WebP file, which the liveness service takes as a
	// video stream (and bounds by MaxVideoBytes); every other supported
	// format is an image.
	Video bool
	// Animated reports a WebP with the animation flag and ANMF frames.
	Animated bool
	// Width and Height are the image size, or a video's canvas size.
	Width, Height int
	// Frames is the number of frames: the ANMF chunks of an animated
	// WebP, 1 for anything else (a GIF counts as its first frame, the
	// only one the service reads).
	Frames int
}

// probeLimits bound ProbeMedia's header reads: no supported upload is wider
// or taller than this.
var probeLimits = &preprocess.DecodeLimits{MaxBytes: 1 << 62, MaxPixels: 1 << 40, MaxDimension: 1 << 24}

// ProbeMedia sniffs a file's format from its magic bytes (with
// preprocess.SniffFormat) and reads its size from the header (with
// preprocess.DecodeConfig, or the VP8X chunk of an animated WebP), without
// decoding pixels. Content in no supported format or with a malformed
// header gives an error wrapping preprocess.ErrDecode, which predicts
// RuleDecoding.
func ProbeMedia(b []byte) (MediaInfo, error) {
	f, err := preprocess.SniffFormat(b)
	if err != nil {
		return MediaInfo{}, err
	}
	info := MediaInfo{Format: f, Video: f == preprocess.FormatWebP, Frames: 1}
	if f == preprocess.FormatWebP && len(b) >= 30 && string(b[12:16]) == "VP8X" && b[20]&0x02 != 0 {
		return probeAnimatedWebP(b, info)
	}
	cfg, _, err := preprocess.DecodeConfig(bytes.NewReader(b), probeLimits)
	if err != nil {
		return info, err
	}
	info.Width, info.Height = cfg.Width, cfg.Height
	return info, nil
}

var errWebP = errors.New("malformed animated WebP")

// probeAnimatedWebP reads the canvas size from the VP8X chunk and counts
// the ANMF chunks (https://developers.google.com/speed/webp/docs/riff_container).
func probeAnimatedWebP(b []byte, info MediaInfo) (MediaInfo, error) {
	bad := func(why string) (MediaInfo, error) {
		return info, fmt.Errorf("%w: %w: %s", preprocess.ErrDecode, errWebP, why)
	}
	if n := binary.LittleEndian.Uint32(b[16:20]); n < 10 {
		return bad("short VP8X chunk")
	}
	info.Animated = true
	info.Width = 1 + int(uint32(b[24])|uint32(b[25])<<8|uint32(b[26])<<16)
	info.Height = 1 + int(uint32(b[27])|uint32(b[28])<<8|uint32(b[29])<<16)
	end := uint64(len(b))
	if n := uint64(binary.LittleEndian.Uint32(b[4:8])) + 8; n < end {
		end = n
	}
	frames := 0
	for p := uint64(12); p+8 <= end; {
		id := string(b[p : p+4])
		n := uint64(binary.LittleEndian.Uint32(b[p+4 : p+8]))
		if p+8+n > end {
			return bad("chunk " + id + " runs past the end of the file")
		}
		if id == "ANMF" {
			if n < 16 {
				return bad("short ANMF chunk")
			}
			frames++
		}
		p += 8 + n + n&1
	}
	if frames == 0 {
		return bad("no ANMF frame")
	}
	info.Frames = frames
	return info, nil
}
