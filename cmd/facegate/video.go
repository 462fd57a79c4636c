package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"image"
	"io"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/facegate/facegate/preprocess"
)

// errNoFFmpeg reports that videos cannot be read because ffmpeg is not
// installed.
var errNoFFmpeg = errors.New("ffmpeg is not installed (not found on PATH): install the Debian package ffmpeg (apt-get install ffmpeg) to read videos")

// ffmpegArgs decodes the first video stream of a file to PPM images on
// stdout, one per decoded frame (no frame dropped or duplicated, the
// rotation of phone videos applied). PPM images carry their size, so no
// ffprobe is needed and a size change mid-stream is read correctly.
//
// The input is named as a local file (the file: protocol with an absolute
// path) and ffmpeg may use no other protocol, so that a "file name" such as
// "concat:a|b", "http://host/x.mp4" or "subfile:..." is read as the plain
// file of that name, or fails, and never makes ffmpeg open anything else.
func ffmpegArgs(file string) []string {
	if abs, err := filepath.Abs(file); err == nil {
		file = abs
	}
	return []string{"-nostdin", "-hide_banner", "-v", "error", "-protocol_whitelist", "file", "-i", "file:" + file,
		"-map", "0:v:0", "-fps_mode", "passthrough", "-f", "image2pipe", "-c:v", "ppm", "-"}
}

// eachVideo decodes a video with ffmpeg and passes every frame to fn.
func eachVideo(file string, fn func(*frameIn) error) error {
	if err := regularFile(file); err != nil {
		return err
	}
	bin, err := exec.LookPath("ffmpeg")
	if err != nil {
		return errNoFFmpeg
	}
	cmd := exec.Command(bin, ffmpegArgs(file)...)
	var stderr bytes.Buffer
	cmd.Stderr = &limitedWriter{w: &stderr, n: 4096}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("ffmpeg: %w", err)
	}
	br := bufio.NewReaderSize(out, 1<<20)
	n := 0
	var ferr error
	for {
		img, err := readPPM(br)
		if err == io.EOF {
			break
		}
		if err != nil {
			ferr = err
			break
		}
		if err := fn(&frameIn{file: file, index: n, img: img}); err != nil {
			ferr = err
			break
		}
		n++
	}
	if ferr != nil {
		cmd.Process.Kill()
	}
	werr := cmd.Wait()
	switch {
	case ferr != nil:
		return ferr
	case werr != nil:
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = werr.Error()
		}
		return fmt.Errorf("%w: ffmpeg: %s", preprocess.ErrDecode, msg)
	case n == 0:
		return fmt.Errorf("%w: ffmpeg decoded no video frame", preprocess.ErrDecode)
	}
	return nil
}

// limitedWriter keeps the first n bytes written.
type limitedWriter struct {
	w io.Writer
	n int
}

// Write keeps what fits and reports all of p written.
func (l *limitedWriter) Write(p []byte) (int, error) {
	if l.n > 0 {
		k := min(l.n, len(p))
		l.w.Write(p[:k])
		l.n -= k
	}
	return len(p), nil
}

// readPPM reads one binary PPM (P6, maxval 255) into an RGBA image. It
// returns io.EOF at a clean end of stream.
func readPPM(r *bufio.Reader) (image.Image, error) {
	var magic [2]byte
	if _, err := io.ReadFull(r, magic[:]); err != nil {
		if err == io.EOF {
			return nil, io.EOF
		}
		return nil, fmt.Errorf("%w: ppm: %v", preprocess.ErrDecode, err)
	}
	if magic != [2]byte{'P', '6'} {
		return nil, fmt.Errorf("%w: ppm: bad magic %q", preprocess.ErrDecode, magic[:])
	}
	var v [3]int
	for i := range v {
		n, err := ppmInt(r)
		if err != nil {
			return nil, err
		}
		v[i] = n
	}
	w, h, maxval := v[0], v[1], v[2]
	if maxval != 255 {
		return nil, fmt.Errorf("%w: ppm: maxval %d, want 255", preprocess.ErrDecode, maxval)
	}
	if err := preprocessSizeCheck(w, h); err != nil {
		return nil, err
	}
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	row := make([]byte, 3*w)
	for y := 0; y < h; y++ {
		if _, err := io.ReadFull(r, row); err != nil {
			return nil, fmt.Errorf("%w: ppm: %v", preprocess.ErrDecode, err)
		}
		d := m.Pix[y*m.Stride : y*m.Stride+4*w]
		for x := 0; x < w; x++ {
			d[4*x], d[4*x+1], d[4*x+2], d[4*x+3] = row[3*x], row[3*x+1], row[3*x+2], 255
		}
	}
	return m, nil
}

// ppmInt reads whitespace (and comments), a decimal number, and the one
// whitespace byte after it.
func ppmInt(r *bufio.Reader) (int, error) {
	bad := func(err error) (int, error) {
		return 0, fmt.Errorf("%w: ppm header: %v", preprocess.ErrDecode, err)
	}
	c, err := r.ReadByte()
	for err == nil && (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '#') {
		if c == '#' {
			_, err = r.ReadString('\n')
			if err != nil {
				return bad(err)
			}
		}
		c, err = r.ReadByte()
	}
	if err != nil {
		return bad(err)
	}
	var digits []byte
	for err == nil && c >= '0' && c <= '9' && len(digits) < 9 {
		digits = append(digits, c)
		c, err = r.ReadByte()
	}
	if err != nil {
		return bad(err)
	}
	if len(digits) == 0 || !(c == ' ' || c == '\t' || c == '\n' || c == '\r') {
		return bad(fmt.Errorf("unexpected byte %q", c))
	}
	return strconv.Atoi(string(digits))
}
