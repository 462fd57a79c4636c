package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/image/draw"
	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"

	"github.com/facegate/facegate"
	"github.com/facegate/facegate/detect"
	"github.com/facegate/facegate/preprocess"
)

const annotateManual = `
Usage: facegate annotate [-o DIR] [-seq auto|dir|none] [-thumb W] [-cols N] PATH...

Annotate draws what facegate check finds on every frame and writes it as a
PNG under DIR (default "annotated"): every face's box (the target's in
green when the frame is accepted, red when it is rejected; other faces in
yellow), the pupils (cyan crosses), the landmarks (magenta dots), and at
the top the verdict, the frame number, the target's measures, each
rejection with the service's message and the warnings' codes.

PATHs are read as facegate check reads them (images, directories
recursively, sequences, GIFs, animated WebPs, videos through ffmpeg). The
output mirrors them: a directory PATH d gives DIR/d/... ("." and ".."
are named after the directory they are), a file gives DIR/...; an image
a/b.jpg gives a/b_jpg.png, frame 7 of a/clip.mp4 gives
a/clip_mp4/000007.png. PATHs whose outputs would share a name (x/a.jpg
and y/a.jpg, or two directories named d) are told apart by a suffix made
from their absolute paths, the same whatever their order: a_jpg-1f2e3d4c.png,
d-5a6b7c8d/...

Each output directory also gets a contact sheet: a grid of thumbnails
(-cols per row, -thumb pixels wide) of the annotated frames in order, each
framed in its verdict's colour (green accept, red reject, gray unreadable)
with its frame number and name. A directory of images, a directory
sequence, and each GIF, WebP or video thus get one sheet. A sheet is paged
so that no page is over 4096 pixels on a side (fewer columns than -cols
when they would not fit): the pages of DIR/a/clip_mp4 are
DIR/a/clip_mp4/clip_mp4-01.png, clip_mp4-02.png, and so on.

Exit status: 0 when every frame was drawn (whatever the verdicts: annotate
rejects nothing, so it never exits 1), 2 on misuse, 3 when a file could
not be read or decoded or an output could not be written (reported on
stderr, the others still drawn).

Examples:

  facegate annotate testdata/faces testdata/negatives/chelsea.png
  facegate annotate -o /tmp/cap12 -cols 10 testdata/sequences/cap12
`

// Colours of the drawings.
var (
	colAccept   = color.RGBA{0, 200, 60, 255}
	colReject   = color.RGBA{235, 30, 30, 255}
	colOther    = color.RGBA{250, 210, 0, 255}
	colPupil    = color.RGBA{0, 220, 255, 255}
	colLandmark = color.RGBA{255, 0, 220, 255}
	colError    = color.RGBA{128, 128, 128, 255}
	colText     = color.RGBA{255, 255, 255, 255}
	colBand     = color.RGBA{0, 0, 0, 170}
	colSheet    = color.RGBA{24, 24, 24, 255}
)

// thumb is one cell of a contact sheet.
type thumb struct {
	img   *image.RGBA // nil for an unreadable frame
	label string
	col   color.RGBA
}

func runAnnotate(e *env, args []string) int {
	fs := newFlagSet(e, "annotate", annotateManual)
	addDecodeFlags(fs)
	outDir := fs.String("o", "annotated", "write the PNGs under `DIR`")
	mode := seqAuto
	fs.Var(&mode, "seq", "which directories are sequences: `auto`, dir or none (as in check)")
	thumbW := fs.Int("thumb", 160, "thumbnail width in the contact sheets, in pixels")
	cols := fs.Int("cols", 8, "thumbnails per row in the contact sheets")
	pf := addPolicyFlags(fs)
	if code, ok := parseFlags(e, fs, args); !ok {
		return code
	}
	policy, code, ok := pf.resolve(e)
	if !ok {
		return code
	}
	switch {
	case fs.NArg() == 0:
		return usageError(e, fs, "no PATH given")
	case *thumbW < 32 || *thumbW > 1024:
		return usageError(e, fs, "-thumb %d: want 32 to 1024", *thumbW)
	case *cols < 1 || *cols > 100:
		return usageError(e, fs, "-cols %d: want 1 to 100", *cols)
	}
	pl, err := facegate.New(policy)
	if err != nil {
		fmt.Fprintf(e.stderr, "facegate annotate: %v\n", err)
		return exitUnreadable
	}
	prog := newProgress(e, -1, "annotating", "frames")
	errs := 0
	report := func(format string, args ...any) {
		errs++
		prog.printf(e, "facegate annotate: "+format+"\n", args...)
	}
	sheets := map[string][]thumb{}
	var sheetOrder []string
	addThumb := func(dir string, t thumb) {
		if _, ok := sheets[dir]; !ok {
			sheetOrder = append(sheetOrder, dir)
		}
		sheets[dir] = append(sheets[dir], t)
	}
	written := 0
	roots := argRoots(fs.Args())
	for ai, arg := range fs.Args() {
		if roots[ai].dup {
			continue // named twice: drawn once
		}
		units, perrs := collect([]string{arg}, mode, *outDir)
		noteSequences(e.stderr, "annotate", units, mode)
		for _, pe := range perrs {
			report("%s: %v", pe.path, pe.err)
		}
		for i := range units {
			u := &units[i]
			end, err := judgeUnit(pl, pf.target.r, u, func(j *judgedFrame) error {
				prog.add(1)
				out := annotatedName(*outDir, roots[ai], u, j.in)
				label := thumbLabel(u, j.in)
				if j.err != nil {
					report("%s: %v", j.in.file, j.err)
					addThumb(filepath.Dir(out), thumb{label: label, col: colError})
					return nil
				}
				m := annotateFrame(j.in.img, j.res, j.rec)
				if err := writePNG(out, m); err != nil {
					report("%v", err)
				} else {
					written++
				}
				col := colAccept
				if !j.res.Verdict.Accept {
					col = colReject
				}
				addThumb(filepath.Dir(out), thumb{img: scaleTo(m, *thumbW, thumbHeight(*thumbW)), label: label, col: col})
				return nil
			})
			if err == nil {
				err = end.err
			}
			if err != nil {
				report("%s: %v", u.path, err)
			}
		}
	}
	prog.finish()
	pages := 0
	for _, dir := range sheetOrder {
		ts := sheets[dir]
		c, perPage := sheetLayout(len(ts), *thumbW, *cols)
		n := 0
		for ; n*perPage < len(ts); n++ {
			page := ts[n*perPage : min(len(ts), (n+1)*perPage)]
			name := sheetPageName(dir, n+1)
			if err := writePNG(name, contactSheet(page, *thumbW, c)); err != nil {
				report("%v", err)
				continue
			}
			pages++
			fmt.Fprintf(e.stdout, "%s: %d frames\n", name, len(page))
		}
		// The pages a longer sheet left there in an earlier run.
		for n++; os.Remove(sheetPageName(dir, n)) == nil; n++ {
		}
	}
	fmt.Fprintf(e.stdout, "annotate: %d images written under %s, %d contact sheets (%d pages), %d errors\n", written, *outDir, len(sheetOrder), pages, errs)
	return exitCode(false, errs > 0)
}

// argRoot is the top of a command-line argument's outputs.
type argRoot struct {
	arg  string // the argument, cleaned
	dir  bool   // a directory
	name string // its outputs' top name under -o, suffixed when shared
	dup  bool   // the same path as an earlier argument
}

// argRoots names the top of each argument's outputs: a directory's base
// name (that of its absolute path for "." and ".."), a file's outputName
// (a/b.jpg: b_jpg). Arguments that are different paths but get the same
// name (x/a.jpg and y/a.jpg) have "-" and 8 hex digits of a hash of their
// absolute path appended to it, so that the names depend on the paths
// alone, not on their order. An argument naming the same path as an
// earlier one is marked dup.
func argRoots(args []string) []argRoot {
	roots := make([]argRoot, len(args))
	paths := map[string][]string{} // name: absolute paths
	abs := make([]string, len(args))
	for i, arg := range args {
		r := argRoot{arg: filepath.Clean(arg)}
		a, err := filepath.Abs(r.arg)
		if err != nil {
			a = r.arg
		}
		abs[i] = a
		st, err := os.Stat(r.arg)
		r.dir = err == nil && st.IsDir()
		r.name = filepath.Base(a)
		if r.name == string(filepath.Separator) {
			r.name = ""
		}
		if !r.dir {
			r.name = outputName(r.name)
		}
		if slices.Contains(paths[r.name], a) {
			r.dup = true
		} else {
			paths[r.name] = append(paths[r.name], a)
		}
		roots[i] = r
	}
	for i := range roots {
		if len(paths[roots[i].name]) > 1 {
			h := sha256.Sum256([]byte(abs[i]))
			roots[i].name += "-" + hex.EncodeToString(h[:4])
		}
	}
	return roots
}

// annotatedName is the PNG a frame is drawn into: under its argument's
// root name (see argRoots), its path relative to a directory argument, the
// extension folded into the name (b.jpg: b_jpg.png), and a directory per
// multi-frame file (clip.mp4: clip_mp4/000007.png).
func annotatedName(outDir string, root argRoot, u *unit, in *frameIn) string {
	name := root.name
	if root.dir {
		rel := filepath.Base(in.file)
		if r, err := filepath.Rel(root.arg, in.file); err == nil && filepath.IsLocal(r) {
			rel = r
		}
		name = path.Join(name, outputName(filepath.ToSlash(rel)))
	}
	switch u.kind {
	case kindGIF, kindWebP, kindVideo:
		name += fmt.Sprintf("/%06d.png", in.index)
	default:
		name += ".png"
	}
	return filepath.Join(outDir, filepath.FromSlash(name))
}

// thumbLabel names a frame under its thumbnail.
func thumbLabel(u *unit, in *frameIn) string {
	if u.kind == kindStill {
		return filepath.Base(in.file)
	}
	if u.kind == kindFrames {
		return strconv.Itoa(in.index) + " " + filepath.Base(in.file)
	}
	return "frame " + strconv.Itoa(in.index)
}

func writePNG(name string, m image.Image) error {
	var b bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&b, m); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return writeFileAtomic(name, b.Bytes())
}

// annotateFrame draws a frame's faces, pupils, landmarks and verdict on a
// copy of it.
func annotateFrame(src image.Image, r *facegate.Result, rec *frameJSON) *image.RGBA {
	b := src.Bounds()
	m := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(m, m.Rect, src, b.Min, draw.Src)
	w := max(1, min(b.Dx(), b.Dy())/200)
	for i := range r.Faces {
		f := &r.Faces[i]
		col, t := colOther, w
		if i == r.Target {
			col, t = colReject, w+1
			if r.Verdict.Accept {
				col = colAccept
			}
		}
		strokeRect(m, f.Rect, t, col)
		if f.PupilsFound {
			for _, p := range f.Pupils {
				cross(m, p, max(3, f.Rect.Dx()/25), w, colPupil)
			}
		}
		if f.LandmarksFound {
			for _, p := range f.Landmarks {
				if p != (detect.Point{}) {
					dot(m, p, max(2, f.Rect.Dx()/60), colLandmark)
				}
			}
		}
	}
	drawText(m, captionLines(rec))
	return m
}

// captionLines is the text written on an annotated frame.
func captionLines(rec *frameJSON) []string {
	head := strings.ToUpper(rec.Verdict) + "  frame " + strconv.Itoa(rec.Frame)
	if rec.Target != nil {
		head += fmt.Sprintf("  face %d/%d  blur %s  expo %s  yaw %s pitch %s roll %s",
			*rec.FaceSize, rec.MinFace, fmtNum(rec.Blur, 2), fmtNum(rec.Exposure, 2),
			fmtNum(rec.Yaw, 0), fmtNum(rec.Pitch, 0), fmtNum(rec.Roll, 0))
	}
	lines := []string{head}
	for _, x := range rec.Reasons {
		lines = append(lines, x.Code+": "+x.Message)
	}
	if len(rec.Warnings) > 0 {
		var codes []string
		for _, x := range rec.Warnings {
			codes = append(codes, x.Code)
		}
		lines = append(lines, "warnings: "+strings.Join(codes, ", "))
	}
	return lines
}

// fillRect fills r (clipped to m) with c, blending by its alpha.
func fillRect(m *image.RGBA, r image.Rectangle, c color.RGBA) {
	draw.Draw(m, r.Intersect(m.Rect), image.NewUniform(c), image.Point{}, draw.Over)
}

// strokeRect draws r's outline, t pixels wide, inside r.
func strokeRect(m *image.RGBA, r image.Rectangle, t int, c color.RGBA) {
	fillRect(m, image.Rect(r.Min.X, r.Min.Y, r.Max.X, r.Min.Y+t), c)
	fillRect(m, image.Rect(r.Min.X, r.Max.Y-t, r.Max.X, r.Max.Y), c)
	fillRect(m, image.Rect(r.Min.X, r.Min.Y, r.Min.X+t, r.Max.Y), c)
	fillRect(m, image.Rect(r.Max.X-t, r.Min.Y, r.Max.X, r.Max.Y), c)
}

func cross(m *image.RGBA, p detect.Point, arm, t int, c color.RGBA) {
	x, y := int(p.X), int(p.Y)
	fillRect(m, image.Rect(x-arm, y-t/2, x+arm+1, y-t/2+t), c)
	fillRect(m, image.Rect(x-t/2, y-arm, x-t/2+t, y+arm+1), c)
}

func dot(m *image.RGBA, p detect.Point, r int, c color.RGBA) {
	x, y := int(p.X), int(p.Y)
	fillRect(m, image.Rect(x-r, y-r, x+r+1, y+r+1), c)
}

// drawText writes lines at the top of m on a dark band, wrapped to the
// image's width, in basicfont's 7x13 face, enlarged by a whole factor on
// large images so that it stays readable.
func drawText(m *image.RGBA, lines []string) {
	const cw, lh, pad = 7, 14, 4
	k := max(1, m.Rect.Dx()/640)
	perLine := max(8, (m.Rect.Dx()/k-2*pad)/cw)
	var wrapped []string
	for _, l := range lines {
		wrapped = append(wrapped, wrap(l, perLine)...)
	}
	maxLines := max(1, (m.Rect.Dy()/k-2*pad)/lh)
	if len(wrapped) > maxLines {
		wrapped = wrapped[:maxLines]
	}
	width := 0
	for _, l := range wrapped {
		width = max(width, len(l))
	}
	band := image.Rect(0, 0, width*cw+2*pad, len(wrapped)*lh+2*pad)
	// The text is drawn at 1x on a copy of the band, then scaled k times.
	t := image.NewRGBA(band)
	draw.NearestNeighbor.Scale(t, band, m, image.Rect(0, 0, band.Dx()*k, band.Dy()*k), draw.Src, nil)
	fillRect(t, band, colBand)
	d := font.Drawer{Dst: t, Src: image.NewUniform(colText), Face: basicfont.Face7x13}
	for i, l := range wrapped {
		d.Dot = fixed.P(pad, pad+(i+1)*lh-3)
		d.DrawString(l)
	}
	draw.NearestNeighbor.Scale(m, image.Rect(0, 0, band.Dx()*k, band.Dy()*k), t, band, draw.Src, nil)
}

// wrap splits s into lines of at most n bytes, at spaces when it can.
func wrap(s string, n int) []string {
	var out []string
	for len(s) > n {
		cut := strings.LastIndexByte(s[:n+1], ' ')
		if cut <= 0 {
			cut = n
		}
		out = append(out, s[:cut])
		s = strings.TrimLeft(s[cut:], " ")
	}
	return append(out, s)
}

// scaleTo returns m scaled to fit a w x h box, keeping its proportions.
func scaleTo(m *image.RGBA, w, h int) *image.RGBA {
	sw, sh := max(1, m.Rect.Dx()), max(1, m.Rect.Dy())
	tw, th := w, max(1, sh*w/sw)
	if th > h {
		tw, th = max(1, sw*h/sh), h
	}
	t := image.NewRGBA(image.Rect(0, 0, tw, th))
	// The project's one resampler (OpenCV's INTER_AREA); it cannot fail
	// on these sizes, but a failure falls back to a bilinear scale.
	rs, err := preprocess.NewResizer(sw, sh, tw, th, 4, preprocess.Area)
	if err == nil {
		err = rs.Resize(preprocess.Plane{Pix: t.Pix, Stride: t.Stride, Width: tw, Height: th, Channels: 4},
			preprocess.Plane{Pix: m.Pix, Stride: m.Stride, Width: sw, Height: sh, Channels: 4})
	}
	if err != nil || m.Rect.Min != (image.Point{}) {
		draw.ApproxBiLinear.Scale(t, t.Rect, m, m.Rect, draw.Src, nil)
	}
	return t
}

// thumbHeight is the height of a contact sheet's cells for thumbnails w
// pixels wide (4:3).
func thumbHeight(w int) int { return w * 3 / 4 }

// The geometry of a contact sheet: the frame around a thumbnail, the
// label's height under it, the gap between cells and around the grid, and
// the largest side of a page.
const (
	sheetBorder  = 3
	sheetLabelH  = 16
	sheetGap     = 6
	maxSheetSide = 4096
)

// sheetCell is the size of a contact sheet's cell, gap included, for
// thumbnails w pixels wide.
func sheetCell(w int) (cw, ch int) {
	return w + 2*sheetBorder + sheetGap, thumbHeight(w) + 2*sheetBorder + sheetLabelH + sheetGap
}

// sheetPageName is page n (from 1) of the contact sheet of the output
// directory dir: dir/<name of dir>-NN.png.
func sheetPageName(dir string, n int) string {
	base := filepath.Base(dir)
	if a, err := filepath.Abs(dir); err == nil {
		base = filepath.Base(a)
	}
	if base == string(filepath.Separator) {
		base = "contact"
	}
	return filepath.Join(dir, fmt.Sprintf("%s-%02d.png", base, n))
}

// sheetLayout returns the columns and the thumbnails per page of a contact
// sheet of n thumbnails w pixels wide, at most cols a row: as many columns
// as asked when they fit in maxSheetSide, fewer otherwise, and as many
// rows as fit.
func sheetLayout(n, w, cols int) (c, perPage int) {
	cw, ch := sheetCell(w)
	c = max(1, min(cols, n, (maxSheetSide-sheetGap)/cw))
	return c, c * max(1, (maxSheetSide-sheetGap)/ch)
}

// contactSheet lays thumbnails out in a grid of cols columns (one page:
// see sheetLayout): each cell holds the thumbnail, centred, framed in its
// colour, with its label under it.
func contactSheet(ts []thumb, w, cols int) *image.RGBA {
	const border, labelH, gap = sheetBorder, sheetLabelH, sheetGap
	cellH := thumbHeight(w)
	cols = min(cols, max(1, len(ts)))
	rows := (len(ts) + cols - 1) / cols
	cw, ch := sheetCell(w)
	sheet := image.NewRGBA(image.Rect(0, 0, cols*cw+gap, rows*ch+gap))
	draw.Draw(sheet, sheet.Rect, image.NewUniform(colSheet), image.Point{}, draw.Src)
	d := font.Drawer{Dst: sheet, Src: image.NewUniform(colText), Face: basicfont.Face7x13}
	for i, t := range ts {
		x0, y0 := gap+(i%cols)*cw, gap+(i/cols)*ch
		frame := image.Rect(x0, y0, x0+w+2*border, y0+cellH+2*border)
		fillRect(sheet, frame, t.col)
		inner := frame.Inset(border)
		fillRect(sheet, inner, colSheet)
		if t.img != nil {
			tw, th := t.img.Rect.Dx(), t.img.Rect.Dy()
			at := inner.Min.Add(image.Pt((w-tw)/2, (cellH-th)/2))
			draw.Draw(sheet, image.Rectangle{at, at.Add(image.Pt(tw, th))}, t.img, image.Point{}, draw.Src)
		}
		label := t.label
		if n := (w + 2*border) / 7; len(label) > n {
			label = label[:n]
		}
		d.Dot = fixed.P(x0, frame.Max.Y+labelH-4)
		d.DrawString(label)
	}
	return sheet
}
