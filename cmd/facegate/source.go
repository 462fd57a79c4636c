package main

import (
	"errors"
	"flag"
	"fmt"
	"image"
	"image/draw"
	"image/gif"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/facegate/facegate/encode"
	"github.com/facegate/facegate/preprocess"
)

// unitKind says how the frames of a unit are read and whether they are
// tracked across.
type unitKind uint8

const (
	kindStill  unitKind = iota // one image file, judged alone
	kindFrames                 // a directory of frames, in name order: one sequence
	kindGIF                    // a GIF: every frame, one sequence
	kindWebP                   // an animated WebP: every frame, one sequence
	kindVideo                  // a video decoded by ffmpeg: one sequence
)

// unit is what one Pipeline judges from its Reset to the next: a still
// image, or the frames of one sequence.
type unit struct {
	kind unitKind
	// path is the image, container or directory.
	path string
	// files are a kindFrames unit's frames, in name order.
	files []string
}

// sequence reports whether the unit's frames are tracked as one sequence.
func (u *unit) sequence() bool { return u.kind != kindStill }

// frameIn is one decoded frame of a unit.
type frameIn struct {
	file  string      // the frame's file (the container for GIF, WebP, video)
	index int         // the frame's number in its unit, from 0
	img   image.Image // the frame; nil when err is set
	err   error       // why the frame could not be read
}

// Extensions, lower case.
var (
	imageExts = []string{".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp"}
	videoExts = []string{".mp4", ".mov", ".m4v", ".webm", ".mkv", ".avi"}
)

func extOf(name string) string { return strings.ToLower(filepath.Ext(name)) }

func isImageName(name string) bool { return slices.Contains(imageExts, extOf(name)) }
func isVideoName(name string) bool { return slices.Contains(videoExts, extOf(name)) }

// seqMode says which directories are sequences.
type seqMode string

const (
	seqAuto seqMode = "auto" // directories whose images share one size and follow on from each other
	seqDirs seqMode = "dir"  // every directory with images
	seqNone seqMode = "none" // none: every image judged alone
)

// String returns the mode's name.
func (m *seqMode) String() string { return string(*m) }

// Set parses auto, dir or none.
func (m *seqMode) Set(s string) error {
	switch seqMode(s) {
	case seqAuto, seqDirs, seqNone:
		*m = seqMode(s)
		return nil
	}
	return fmt.Errorf("want auto, dir or none, not %q", s)
}

// pathError is a path that could not be listed or opened.
type pathError struct {
	path string
	err  error
}

// errNotRegular is the error for a path that names a named pipe, a
// device or a socket: the commands read regular files only (opening a
// named pipe would block until something writes to it, and a device can
// be endless).
var errNotRegular = errors.New("not a regular file (a pipe, device or socket)")

// regularFile returns nil when p is a regular file (after symbolic
// links), else an *fs.PathError wrapping errNotRegular or the stat error.
func regularFile(p string) error {
	st, err := os.Stat(p)
	if err != nil {
		return err
	}
	if !st.Mode().IsRegular() {
		return &fs.PathError{Op: "open", Path: p, Err: errNotRegular}
	}
	return nil
}

// openInput opens an input file for reading, refusing what is not a
// regular file before opening it (see errNotRegular).
func openInput(p string) (*os.File, error) {
	if err := regularFile(p); err != nil {
		return nil, err
	}
	return os.Open(p)
}

// collect turns command-line paths into units, in order: each path in
// turn; in a directory, its own images (one sequence, or stills) and
// multi-frame files in name order, then its subdirectories in name order.
// Directories named in skip (a command's own output) are not entered.
func collect(paths []string, mode seqMode, skip ...string) ([]unit, []pathError) {
	c := collector{mode: mode}
	for _, s := range skip {
		if a, err := filepath.Abs(s); err == nil {
			c.skip = append(c.skip, a)
		}
	}
	var units []unit
	var errs []pathError
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			errs = append(errs, pathError{p, err})
			continue
		}
		if !st.IsDir() {
			if !st.Mode().IsRegular() {
				errs = append(errs, pathError{p, &fs.PathError{Op: "open", Path: p, Err: errNotRegular}})
				continue
			}
			units = append(units, fileUnit(p))
			continue
		}
		u, e := c.dir(p)
		units = append(units, u...)
		errs = append(errs, e...)
	}
	return units, errs
}

// collector walks directories for collect.
type collector struct {
	mode seqMode
	skip []string // absolute paths
}

// skipped reports whether dir is one of the directories not to enter.
func (c *collector) skipped(dir string) bool {
	a, err := filepath.Abs(dir)
	return err == nil && slices.Contains(c.skip, a)
}

// fileUnit classifies one file given by path.
func fileUnit(p string) unit {
	switch {
	case isVideoName(p):
		return unit{kind: kindVideo, path: p}
	case extOf(p) == ".gif":
		return unit{kind: kindGIF, path: p}
	case extOf(p) == ".webp" && animatedWebPFile(p):
		return unit{kind: kindWebP, path: p}
	}
	return unit{kind: kindStill, path: p}
}

// animatedWebPFile reports whether the file's header declares an animation.
func animatedWebPFile(p string) bool {
	f, err := openInput(p)
	if err != nil {
		return false
	}
	defer f.Close()
	var h [21]byte
	if _, err := io.ReadFull(f, h[:]); err != nil {
		return false
	}
	return string(h[0:4]) == "RIFF" && string(h[8:12]) == "WEBP" && string(h[12:16]) == "VP8X" && h[20]&2 != 0
}

// dir returns the units of a directory and of its subdirectories.
func (c *collector) dir(dir string) ([]unit, []pathError) {
	if c.skipped(dir) {
		return nil, nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, []pathError{{dir, err}}
	}
	var units []unit
	var errs []pathError
	var files, stills, subdirs []string
	for _, e := range entries { // ReadDir sorts by name
		p := filepath.Join(dir, e.Name())
		if e.IsDir() {
			subdirs = append(subdirs, p)
			continue
		}
		if !e.Type().IsRegular() && (e.Type()&os.ModeSymlink == 0 || regularFile(p) != nil) {
			continue // pipes, devices, sockets, and links to them or to nothing
		}
		if !isImageName(p) && !isVideoName(p) {
			continue
		}
		files = append(files, p)
		if fileUnit(p).kind == kindStill {
			stills = append(stills, p)
		}
	}
	seq := len(stills) > 0 && isSequence(stills, c.mode)
	if seq {
		units = append(units, unit{kind: kindFrames, path: dir, files: stills})
	}
	for _, p := range files {
		u := fileUnit(p)
		if u.kind == kindStill && seq {
			continue // a frame of the directory's sequence
		}
		units = append(units, u)
	}
	for _, d := range subdirs {
		u, e := c.dir(d)
		units = append(units, u...)
		errs = append(errs, e...)
	}
	return units, errs
}

// isSequence decides whether a directory's still images are the frames of
// one sequence: always with -seq dir, never with -seq none, and with -seq
// auto when there are at least two, their headers declare one size, and
// neighbouring images look like frames of one recording (see
// looksContinuous): a dataset of same-sized portraits is judged image by
// image.
func isSequence(files []string, mode seqMode) bool {
	switch mode {
	case seqDirs:
		return true
	case seqNone:
		return false
	}
	if len(files) < 2 {
		return false
	}
	var size image.Point
	for i, p := range files {
		f, err := openInput(p)
		if err != nil {
			return false
		}
		cfg, _, err := preprocess.DecodeConfig(f, nil)
		f.Close()
		if err != nil {
			return false
		}
		s := image.Pt(cfg.Width, cfg.Height)
		if i > 0 && s != size {
			return false
		}
		size = s
	}
	return looksContinuous(files)
}

// Continuity test for -seq auto: up to continuityPairs pairs of
// neighbouring images, spread over the directory, are shrunk to
// thumbSide x thumbSide luma thumbnails; a pair is continuous when the
// mean absolute difference of its thumbnails is below continuityMAD grey
// levels, and the directory is a sequence when at least three quarters of
// its pairs are. Frames of one recording, even a few frames apart, differ
// by a few levels (the bundled capture, 6 frames a second: under 1; public
// clips with motion: up to 13, a scene cut 29); independent photographs,
// even same-sized portraits, by tens (neighbours among 80 AFLW2000-3D
// portraits of 450x450: 19 and more).
const (
	continuityPairs = 6
	thumbSide       = 32
	continuityMAD   = 15
)

// looksContinuous reports whether neighbouring images of files (in name
// order) look like frames of one recording (see continuityMAD). A pair
// with an image that cannot be decoded is left out (the frame's error is
// reported when it is judged); when no pair can be compared, the shared
// size decides alone.
func looksContinuous(files []string) bool {
	pairs := min(continuityPairs, len(files)-1)
	var a, b [thumbSide * thumbSide]byte
	var th thumbnailer
	compared, continuous := 0, 0
	for k := range pairs {
		i := k * (len(files) - 1) / pairs
		if th.thumbnail(a[:], files[i]) != nil || th.thumbnail(b[:], files[i+1]) != nil {
			continue
		}
		compared++
		var sum int
		for j := range a {
			sum += max(int(a[j])-int(b[j]), int(b[j])-int(a[j]))
		}
		if sum < continuityMAD*len(a) {
			continuous++
		}
	}
	return compared == 0 || 4*continuous >= 3*compared
}

// thumbnailer makes thumbnails with reused buffers.
type thumbnailer struct {
	rgba, luma []byte
}

// thumbnail decodes the image at p (within the decoding limits) and
// area-resamples its luma into dst, thumbSide x thumbSide.
func (t *thumbnailer) thumbnail(dst []byte, p string) error {
	img, err := decodeFile(p)
	if err != nil {
		return err
	}
	var f preprocess.Frame
	if f, t.rgba, err = preprocess.FromImage(t.rgba, img); err != nil {
		return err
	}
	if n := f.Width * f.Height; len(t.luma) < n {
		t.luma = make([]byte, n)
	}
	luma, err := f.Luma(t.luma)
	if err != nil {
		return err
	}
	r, err := preprocess.NewResizer(luma.Width, luma.Height, thumbSide, thumbSide, 1, preprocess.Area)
	if err != nil {
		return err
	}
	return r.Resize(preprocess.GrayPlane(dst, thumbSide, thumbSide, thumbSide), luma)
}

// noteSequences tells w, for -seq auto, which directories were taken as
// one sequence, so that nobody mistakes a dataset for a video unawares.
func noteSequences(w io.Writer, cmd string, units []unit, mode seqMode) {
	if mode != seqAuto {
		return
	}
	for i := range units {
		if u := &units[i]; u.kind == kindFrames {
			fmt.Fprintf(w, "facegate %s: %s: %d same-sized images that follow on from each other, judged as one sequence (-seq none judges each alone)\n", cmd, u.path, len(u.files))
		}
	}
}

// decodeFile decodes one still image within preprocess's default limits.
func decodeFile(p string) (image.Image, error) {
	f, err := openInput(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	img, _, err := preprocess.Decode(f, &decodeLimits)
	return img, err
}

// each calls fn with every frame of the unit, in order. A frame that cannot
// be decoded is passed with its error; an error that ends the unit early
// (a container that cannot be read, ffmpeg missing) is returned, as is the
// first error fn returns.
func (u *unit) each(fn func(*frameIn) error) error {
	switch u.kind {
	case kindStill:
		img, err := decodeFile(u.path)
		return fn(&frameIn{file: u.path, img: img, err: err})
	case kindFrames:
		for i, p := range u.files {
			img, err := decodeFile(p)
			if err := fn(&frameIn{file: p, index: i, img: img, err: err}); err != nil {
				return err
			}
		}
		return nil
	case kindGIF:
		return eachGIF(u.path, fn)
	case kindWebP:
		return eachWebP(u.path, fn)
	case kindVideo:
		return eachVideo(u.path, fn)
	}
	return fmt.Errorf("unknown unit kind %d", u.kind)
}

// readLimited reads a whole file of at most preprocess's default byte
// limit.
func readLimited(p string) ([]byte, error) {
	f, err := openInput(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	max := decodeLimits.MaxBytes
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("%w: %s is over %d bytes", preprocess.ErrTooLarge, p, max)
	}
	return b, nil
}

// eachGIF composes every frame of a GIF on its logical screen, as a browser
// shows them (disposal methods honoured).
func eachGIF(p string, fn func(*frameIn) error) error {
	b, err := readLimited(p)
	if err != nil {
		return err
	}
	// One frame at a time (preprocess.EachGIFFrame), on a canvas within
	// the memory budget.
	var canvas, saved *image.NRGBA
	return preprocess.EachGIFFrame(b, &decodeLimits, func(screen image.Rectangle, fr *preprocess.GIFFrame) error {
		if canvas == nil {
			if err := animationBudget(screen.Dx(), screen.Dy()); err != nil {
				return err
			}
			canvas = image.NewNRGBA(screen)
		}
		if fr.Disposal == gif.DisposalPrevious {
			if saved == nil {
				saved = image.NewNRGBA(screen)
			}
			copy(saved.Pix, canvas.Pix)
		}
		draw.Draw(canvas, fr.Image.Rect, fr.Image, fr.Image.Rect.Min, draw.Over)
		out := image.NewNRGBA(screen)
		copy(out.Pix, canvas.Pix)
		if err := fn(&frameIn{file: p, index: fr.Index, img: out}); err != nil {
			return err
		}
		switch fr.Disposal {
		case gif.DisposalBackground:
			draw.Draw(canvas, fr.Image.Rect, image.Transparent, image.Point{}, draw.Src)
		case gif.DisposalPrevious:
			copy(canvas.Pix, saved.Pix)
		}
		return nil
	})
}

// animationBudget refuses (preprocess.ErrTooLarge) an animation whose
// compositing would take more than the memory budget (-max-memory): the
// canvas, the frame handed out and the saved canvas of a "previous"
// disposal, 4 bytes a pixel each, besides the frame being decoded.
func animationBudget(w, h int) error {
	need := 3 * 4 * int64(w) * int64(h)
	if max := decodeLimits.MaxMemory; need > max {
		return fmt.Errorf("%w: a %dx%d animation needs about %d MiB to composite, over the %d MiB memory limit",
			preprocess.ErrTooLarge, w, h, need>>20, max>>20)
	}
	return nil
}

// eachWebP decodes every frame of an animated WebP (such as a liveness
// video) and composes it on the canvas.
func eachWebP(p string, fn func(*frameIn) error) error {
	b, err := readLimited(p)
	if err != nil {
		return err
	}
	info, err := encode.ParseWebP(nil, b)
	if err != nil {
		return err
	}
	if err := preprocessSizeCheck(info.Width, info.Height); err != nil {
		return err
	}
	if err := animationBudget(info.Width, info.Height); err != nil {
		return err
	}
	if n, max := len(info.Frames), decodeLimits.MaxFrames; n > max {
		return fmt.Errorf("%w: %d frames, over the limit of %d", preprocess.ErrTooLarge, n, max)
	}
	var total int64
	for _, fr := range info.Frames {
		total += int64(fr.Width) * int64(fr.Height)
	}
	if max := decodeLimits.MaxTotalPixels; total > max {
		return fmt.Errorf("%w: the frames hold %d pixels in all, over the limit of %d", preprocess.ErrTooLarge, total, max)
	}
	canvas := image.NewNRGBA(image.Rect(0, 0, info.Width, info.Height))
	var still []byte
	for i := range info.Frames {
		fr := &info.Frames[i]
		still = fr.AppendStill(still[:0])
		img, _, err := preprocess.DecodeBytes(still, &decodeLimits)
		if err != nil {
			return fmt.Errorf("frame %d: %w", i, err)
		}
		r := image.Rect(fr.X, fr.Y, fr.X+fr.Width, fr.Y+fr.Height)
		op := draw.Src
		if fr.Blend {
			op = draw.Over
		}
		draw.Draw(canvas, r, img, img.Bounds().Min, op)
		out := image.NewNRGBA(canvas.Rect)
		copy(out.Pix, canvas.Pix)
		if err := fn(&frameIn{file: p, index: i, img: out}); err != nil {
			return err
		}
		if fr.Dispose {
			draw.Draw(canvas, r, image.Transparent, image.Point{}, draw.Src)
		}
	}
	return nil
}

// preprocessSizeCheck applies preprocess's default pixel limits to a
// container's declared size.
func preprocessSizeCheck(w, h int) error {
	l := decodeLimits
	if w <= 0 || h <= 0 || w > l.MaxDimension || h > l.MaxDimension || int64(w)*int64(h) > l.MaxPixels {
		return fmt.Errorf("%w: %dx%d is empty or over the limits", preprocess.ErrTooLarge, w, h)
	}
	return nil
}

// decodeLimits bound every image, animation and video frame the command
// reads: preprocess's defaults, with MaxMemory set by -max-memory.
var decodeLimits = preprocess.DefaultDecodeLimits

// addDecodeFlags registers -max-memory, the decoding budget, on a command
// that reads images.
func addDecodeFlags(fs *flag.FlagSet) {
	fs.Func("max-memory", fmt.Sprintf("decoding budget in MiB: a file whose decoding (or an animation whose compositing) would need more is refused (default %d)", preprocess.DefaultDecodeLimits.MaxMemory>>20), func(s string) error {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 16 || n > 1<<20 {
			return fmt.Errorf("want a whole number of MiB from 16 to %d", 1<<20)
		}
		decodeLimits.MaxMemory = n << 20
		return nil
	})
}
