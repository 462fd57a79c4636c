package main

import (
	"bufio"
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"io/fs"
	"math"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/facegate/facegate"
	"github.com/facegate/facegate/encode"
	"github.com/facegate/facegate/payload"
	"github.com/facegate/facegate/preprocess"
)

const prepManual = `
Usage: facegate prep [-j N] [-shard i/n] [-margin M] [-face N] SRC DST

Prep prepares a dataset for the liveness service. For every image under SRC
(recursively; JPEG, PNG, BMP, WebP, and every frame of GIFs, animated WebPs
and videos), it finds the target face (the largest; in a multi-frame file,
the face tracked from the first frame that has one), and writes under DST:

  - the crop around it: the face grown by M face sides on each side
    (-margin, default 1: a crop three faces wide, as facegate.Sequence
    makes for a request), clipped to the frame;
  - resized so that the face meets the service's size rule: a face smaller
    than the policy's minimum for the crop (128 px up to 1920x1080) is
    enlarged to that minimum; a face larger than N px (-face, default 256,
    above the service's advised 200 px) is reduced to N px; faces in
    between keep their pixels;
  - encoded as JPEG within the service's image byte limits (1024 to
    6,000,000 bytes; encode.Fit lowers the quality, then the size, never
    below the minimum face);
  - named after the source, mirroring SRC's directories: a/b/c.png gives
    a/b/c_png.jpg, and frame 7 of a/clip.mp4 gives a/clip_mp4/000007.jpg;
  - one line per frame in DST/manifest.jsonl, sorted by source then frame:

    {"source":"a/b/c.png","frame":0,"output":"a/b/c_png.jpg",
     "width":640,"height":480,"crop":{"x":..,"y":..,"w":..,"h":..},
     "crop_offsets":{"cropOffsetX":..,"cropOffsetY":..,
                     "fullFrameImageWidth":640,"fullFrameImageHeight":480},
     "out_width":..,"out_height":..,"scale":..,"bytes":..,"quality":..,
     "face":{"left":..,"top":..,"width":..,"height":..},"min_face":128,
     "face_size":..,"eye_distance":..,"blur":..,"exposure":..,
     "yaw":..,"pitch":..,"roll":..,"verdict":"accept","reasons":[..],
     "warnings":[..],"source_size":..,"source_mtime":"..","settings":".."}

    "crop" is in the source frame; "crop_offsets" is the same crop as the
    liveness metadata's imageCropOffsets; "face" is the target face in the
    written image (the metadata's targetFaceRectangle) and "min_face" the
    rule for the written image's size; "scale" is output over crop width.
    The measures, verdict, reasons and warnings are the source frame's, as
    facegate check reports them (a crop is written for rejected frames
    too: filter on "verdict"). A frame without a target face has no
    "output", "crop" or "face". "source_size" and "source_mtime" are the
    source file's size and modification time when it was read, and
    "settings" a hash of the options and policy it was prepared with.

Prep is resumable: a rerun skips every source the manifest (or the journal
of an interrupted run, manifest*.jsonl.partial) already holds, whose
outputs exist, whose size and modification time are those recorded, and
that was prepared with the same options and policy (-margin, -face, the
policy's thresholds), and does no work for it; a source that changed, or
that was prepared with other settings, is done again. The manifest is
rewritten only if its content changes. Sources removed from SRC leave the
manifest.
Output is deterministic: the same SRC gives the same bytes whatever -j.

Sharding: -shard i/n processes only the files whose index in the sorted
list of sources is i modulo n, and writes DST/manifest-i-of-n.jsonl. Shards
may run on several machines sharing DST (or be copied into one DST); then
run prep once more without -shard: it finds every source in the shard
manifests, does no image work, and writes the merged DST/manifest.jsonl.

A progress bar is drawn on stderr when it is a terminal. The last line on
stdout sums up the run ("N files: P processed, S skipped, E errors; ...").

Exit status: 0 when every file was processed or skipped (frames without a
face included: prep rejects nothing, so it never exits 1), 2 on misuse,
3 when a file could not be read, decoded or written (reported on stderr,
the others still processed).

Examples:

  facegate prep dataset/ prepared/
  facegate prep -j 8 -face 300 dataset/ prepared/
  facegate prep -shard 0/2 dataset/ prepared/ & facegate prep -shard 1/2 dataset/ prepared/; wait
  facegate prep dataset/ prepared/       # merges the shard manifests
  jq -r 'select(.verdict=="accept") | .output' prepared/manifest.jsonl
`

// prepOpts are prep's settings.
type prepOpts struct {
	src, dst string
	margin   float64
	faceMax  int
	policy   facegate.Policy
	settings string          // settingsHash, set once the options are known
	target   image.Rectangle // -target; empty: the service's choice
}

// manifestJSON is one line of prep's manifest.
type manifestJSON struct {
	Source      string               `json:"source"`
	Frame       int                  `json:"frame"`
	Output      string               `json:"output,omitempty"`
	Width       int                  `json:"width"`
	Height      int                  `json:"height"`
	Crop        *rectJSON            `json:"crop,omitempty"`
	CropOffsets *payload.CropOffsets `json:"crop_offsets,omitempty"`
	OutWidth    int                  `json:"out_width,omitempty"`
	OutHeight   int                  `json:"out_height,omitempty"`
	Scale       *num                 `json:"scale,omitempty"`
	Bytes       int                  `json:"bytes,omitempty"`
	Quality     int                  `json:"quality,omitempty"`
	Face        *payload.Rect        `json:"face,omitempty"`
	MinFace     int                  `json:"min_face,omitempty"`
	judgementJSON
	SourceSize  int64  `json:"source_size"`
	SourceMtime string `json:"source_mtime"`
	Settings    string `json:"settings"`
}

// sourceStamp is what a manifest records of a source file to tell, on
// resume, whether it changed: its size and modification time.
type sourceStamp struct {
	size  int64
	mtime string // RFC 3339, nanoseconds, UTC
}

// stampOf returns the stamp of the file at p.
func stampOf(p string) (sourceStamp, error) {
	st, err := os.Stat(p)
	if err != nil {
		return sourceStamp{}, err
	}
	return sourceStamp{st.Size(), st.ModTime().UTC().Format(time.RFC3339Nano)}, nil
}

// settingsHash is the manifest's "settings": 16 hex digits of a hash of
// the options, policy and target that shape prep's outputs and verdicts.
func (o *prepOpts) settingsHash() string {
	h := sha256.Sum256(marshalLine(struct {
		Margin  float64
		FaceMax int
		Policy  facegate.Policy
		Target  image.Rectangle
	}{o.margin, o.faceMax, o.policy, o.target}))
	return hex.EncodeToString(h[:8])
}

// rectJSON is a rectangle as x, y, w, h.
type rectJSON struct {
	X int `json:"x"`
	Y int `json:"y"`
	W int `json:"w"`
	H int `json:"h"`
}

func rectOf(r image.Rectangle) *rectJSON {
	return &rectJSON{r.Min.X, r.Min.Y, r.Dx(), r.Dy()}
}

// shard is a -shard i/n flag.
type shard struct{ i, n int }

// String returns the flag as i/n.
func (s *shard) String() string { return fmt.Sprintf("%d/%d", s.i, s.n) }

// Set parses i/n, with 0 <= i < n.
func (s *shard) Set(v string) error {
	a, b, ok := strings.Cut(v, "/")
	i, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || n < 1 || i < 0 || i >= n {
		return fmt.Errorf("want i/n with 0 <= i < n, not %q", v)
	}
	s.i, s.n = i, n
	return nil
}

// manifestName returns the manifest file of a shard.
func (s *shard) manifestName() string {
	if s.n <= 1 {
		return "manifest.jsonl"
	}
	return fmt.Sprintf("manifest-%d-of-%d.jsonl", s.i, s.n)
}

func runPrep(e *env, args []string) int {
	fs := newFlagSet(e, "prep", prepManual)
	addDecodeFlags(fs)
	jobs := fs.Int("j", runtime.GOMAXPROCS(0), "parallel workers")
	sh := shard{0, 1}
	fs.Var(&sh, "shard", "process only the files whose index is `i/n` (i modulo n)")
	margin := fs.Float64("margin", 1, "crop margin on each side of the face, in face sides")
	faceMax := fs.Int("face", 256, "larger faces are reduced to this side, in pixels (0: never)")
	pf := addPolicyFlags(fs)
	if code, ok := parseFlags(e, fs, args); !ok {
		return code
	}
	pp, code, ok := pf.resolve(e)
	if !ok {
		return code
	}
	policy := *pp
	switch {
	case fs.NArg() != 2:
		return usageError(e, fs, "want SRC and DST, got %d arguments", fs.NArg())
	case *jobs < 1:
		return usageError(e, fs, "-j %d: want at least 1", *jobs)
	case !(*margin >= 0 && *margin <= 10):
		return usageError(e, fs, "-margin %v: want 0 to 10", *margin)
	case *faceMax != 0 && *faceMax < policy.MinFaceSize:
		return usageError(e, fs, "-face %d: want 0 or at least the minimum face, %d", *faceMax, policy.MinFaceSize)
	}
	o := &prepOpts{src: fs.Arg(0), dst: fs.Arg(1), margin: *margin, faceMax: *faceMax, policy: policy, target: pf.target.r}
	if st, err := os.Stat(o.src); err != nil || !st.IsDir() {
		if err == nil {
			err = errors.New("not a directory")
		}
		return usageError(e, fs, "SRC %s: %v", o.src, err)
	}
	if err := os.MkdirAll(o.dst, 0o755); err != nil {
		fmt.Fprintf(e.stderr, "facegate prep: %v\n", err)
		return exitUnreadable
	}

	sources, err := listSources(o.src, o.dst)
	if err != nil {
		fmt.Fprintf(e.stderr, "facegate prep: %v\n", err)
		return exitUnreadable
	}
	var mine []string
	for i, s := range sources {
		if i%sh.n == sh.i {
			mine = append(mine, s)
		}
	}
	removeStaleTemps(o.dst)
	known := readManifests(o.dst)
	o.settings = o.settingsHash()
	var todo []string
	done := map[string][]manifestJSON{}
	for _, s := range mine {
		if recs, ok := known[s]; ok && outputsExist(o.dst, recs) && o.upToDate(s, recs) {
			done[s] = recs
			continue
		}
		todo = append(todo, s)
	}

	manifest := filepath.Join(o.dst, sh.manifestName())
	journalPath := manifest + ".partial"
	var journal *os.File
	if len(todo) > 0 {
		journal, err = os.OpenFile(journalPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			fmt.Fprintf(e.stderr, "facegate prep: %v\n", err)
			return exitUnreadable
		}
	}

	prog := newProgress(e, len(todo), "prep", "files")
	results := make(chan prepResult)
	work := make(chan string)
	var wg sync.WaitGroup
	for range min(*jobs, max(1, len(todo))) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w, err := newPrepWorker(o)
			for s := range work {
				if err != nil {
					results <- prepResult{source: s, err: err}
					continue
				}
				results <- w.process(s)
			}
		}()
	}
	go func() {
		for _, s := range todo {
			work <- s
		}
		close(work)
		wg.Wait()
		close(results)
	}()

	var processed, errs, written, noFace int
	for r := range results {
		prog.add(1)
		if r.err != nil {
			errs++
			prog.printf(e, "facegate prep: %s: %v\n", filepath.Join(o.src, filepath.FromSlash(r.source)), r.err)
			continue
		}
		processed++
		for _, m := range r.recs {
			if m.Output != "" {
				written++
			} else {
				noFace++
			}
		}
		done[r.source] = r.recs
		var b bytes.Buffer
		for i := range r.recs {
			b.Write(marshalLine(&r.recs[i]))
		}
		if _, err := journal.Write(b.Bytes()); err != nil {
			errs++
			prog.printf(e, "facegate prep: journal: %v\n", err)
		}
	}
	prog.finish()
	if journal != nil {
		journal.Close()
	}

	// The manifest: every done source of this shard, sorted.
	var all []manifestJSON
	for _, s := range mine {
		all = append(all, done[s]...)
	}
	slices.SortStableFunc(all, func(a, b manifestJSON) int {
		return cmp.Or(strings.Compare(a.Source, b.Source), cmp.Compare(a.Frame, b.Frame))
	})
	var buf bytes.Buffer
	for i := range all {
		buf.Write(marshalLine(&all[i]))
	}
	if old, err := os.ReadFile(manifest); err != nil || !bytes.Equal(old, buf.Bytes()) {
		if err := writeFileAtomic(manifest, buf.Bytes()); err != nil {
			errs++
			fmt.Fprintf(e.stderr, "facegate prep: %v\n", err)
		}
	}
	if errs == 0 {
		os.Remove(journalPath) // the manifest holds it all now
	}
	shardNote := ""
	if sh.n > 1 {
		shardNote = " (shard " + sh.String() + ")"
	}
	fmt.Fprintf(e.stdout, "prep: %d files%s: %d processed, %d skipped, %d errors; %d images written, %d frames without a target face; manifest %s\n",
		len(mine), shardNote, processed, len(mine)-len(todo), errs, written, noFace, manifest)
	return exitCode(false, errs > 0)
}

// marshalLine returns v as one JSON line.
func marshalLine(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
	return b.Bytes()
}

// listSources returns the images and videos under src, as slash-separated
// paths relative to it, sorted. The directory dst (prep's output, which
// may lie inside src) is not entered.
func listSources(src, dst string) ([]string, error) {
	var out []string
	skip, _ := filepath.Abs(dst)
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if a, _ := filepath.Abs(p); a == skip {
				return filepath.SkipDir
			}
			return nil
		}
		if !(isImageName(p) || isVideoName(p)) || regularFile(p) != nil {
			return nil // not an input, or a pipe, device or socket
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		out = append(out, filepath.ToSlash(rel))
		return nil
	})
	slices.Sort(out)
	return out, err
}

// readManifests reads every manifest and journal in dst, grouped by
// source. Lines that do not parse (the torn end of an interrupted journal)
// are ignored; a source's lines from one file replace those of another.
func readManifests(dst string) map[string][]manifestJSON {
	known := map[string][]manifestJSON{}
	var names []string
	for _, pat := range []string{"manifest*.jsonl", "manifest*.jsonl.partial"} {
		m, _ := filepath.Glob(filepath.Join(dst, pat))
		names = append(names, m...)
	}
	for _, name := range names {
		f, err := openInput(name)
		if err != nil {
			continue
		}
		bySource := map[string][]manifestJSON{}
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var m manifestJSON
			if json.Unmarshal(sc.Bytes(), &m) != nil || m.Source == "" {
				continue
			}
			bySource[m.Source] = append(bySource[m.Source], m)
		}
		f.Close()
		for s, recs := range bySource {
			known[s] = recs
		}
	}
	return known
}

// outputsExist reports whether every output a source's records name is in
// dst, as a regular file, and is the output prep itself would write for
// that source and frame (see ownOutput): a manifest is data, and one that
// names other paths (outside dst, another source's) is not trusted, the
// source is done again.
func outputsExist(dst string, recs []manifestJSON) bool {
	for _, m := range recs {
		if m.Output == "" {
			continue
		}
		if !ownOutput(m) || regularFile(filepath.Join(dst, filepath.FromSlash(m.Output))) != nil {
			return false
		}
	}
	return true
}

// upToDate reports whether a source's records were made from the file as
// it is now (same size and modification time) and with o's settings.
func (o *prepOpts) upToDate(source string, recs []manifestJSON) bool {
	st, err := stampOf(filepath.Join(o.src, filepath.FromSlash(source)))
	if err != nil {
		return false
	}
	for _, m := range recs {
		if m.SourceSize != st.size || m.SourceMtime != st.mtime || m.Settings != o.settings {
			return false
		}
	}
	return true
}

// ownOutput reports whether a record's output is the name prep gives the
// crop of its source's frame: outputName(source)+".jpg" for a still (frame
// 0), outputName(source)+"/NNNNNN.jpg" for a frame of a multi-frame file.
func ownOutput(m manifestJSON) bool {
	if !filepath.IsLocal(filepath.FromSlash(m.Source)) || m.Frame < 0 {
		return false
	}
	base := outputName(m.Source)
	return (m.Frame == 0 && m.Output == base+".jpg") || m.Output == base+"/"+fmt.Sprintf("%06d.jpg", m.Frame)
}

// isTempName reports whether a file name is one of writeFileAtomic's
// temporary files (".NAME.tmpDIGITS").
func isTempName(name string) bool {
	i := strings.LastIndex(name, ".tmp")
	if !strings.HasPrefix(name, ".") || i <= 1 || i+4 == len(name) {
		return false
	}
	for _, c := range name[i+4:] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// staleTempAge is the age from which a temporary file is taken for the
// leftover of an interrupted run: younger ones may belong to another shard
// writing into the same folder now.
const staleTempAge = 10 * time.Minute

// removeStaleTemps deletes the temporary files an interrupted run left
// under dst (a killed prep cannot remove them itself).
func removeStaleTemps(dst string) {
	filepath.WalkDir(dst, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() || !isTempName(d.Name()) {
			return nil
		}
		if info, err := d.Info(); err == nil && time.Since(info.ModTime()) > staleTempAge {
			os.Remove(p)
		}
		return nil
	})
}

// outputName maps a source to its output: a/b/c.png to a/b/c_png for a
// still (.jpg appended), and to the directory a/clip_mp4 for a multi-frame
// file. Extensions hold no "_", so the mapping is one to one.
func outputName(source string) string {
	ext := path.Ext(source)
	return strings.TrimSuffix(source, ext) + "_" + strings.TrimPrefix(ext, ".")
}

// writeFileAtomic writes b to name through a temporary file and a rename,
// so that a reader or an interrupted run never sees half a file.
func writeFileAtomic(name string, b []byte) error {
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".tmp*")
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(f.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(f.Name(), name)
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}

// prepResult is what a worker did with one source.
type prepResult struct {
	source string
	recs   []manifestJSON
	err    error
}

// prepWorker processes sources with its own pipeline and buffers.
type prepWorker struct {
	o     *prepOpts
	pl    *facegate.Pipeline
	crop  cropper
	enc   *encode.Encoder
	frame []byte
	out   []byte
}

func newPrepWorker(o *prepOpts) (*prepWorker, error) {
	p := o.policy
	pl, err := facegate.New(&p)
	if err != nil {
		return nil, err
	}
	return &prepWorker{o: o, pl: pl, enc: encode.NewEncoder()}, nil
}

// process judges every frame of one source and writes the crops.
func (w *prepWorker) process(source string) prepResult {
	res := prepResult{source: source}
	p := filepath.Join(w.o.src, filepath.FromSlash(source))
	// The stamp is taken before reading: a source changed while it is
	// read no longer matches it, and is done again by the next run.
	stamp, err := stampOf(p)
	if err != nil {
		res.err = err
		return res
	}
	u := fileUnit(p)
	base := outputName(source)
	w.pl.Reset()
	if !w.o.target.Empty() {
		w.pl.SetTarget(w.o.target)
	}
	err = u.each(func(in *frameIn) error {
		if in.err != nil {
			return in.err
		}
		fr, buf, err := preprocess.FromImage(w.frame[:0], in.img)
		w.frame = buf
		if err != nil {
			return err
		}
		r, err := w.pl.Process(&fr)
		if err != nil {
			return err
		}
		out := base + ".jpg"
		if u.sequence() {
			out = base + "/" + fmt.Sprintf("%06d.jpg", in.index)
		}
		m, err := w.frameRecord(source, in.index, out, &fr, r)
		if err != nil {
			return fmt.Errorf("frame %d: %w", in.index, err)
		}
		m.SourceSize, m.SourceMtime, m.Settings = stamp.size, stamp.mtime, w.o.settings
		res.recs = append(res.recs, m)
		return nil
	})
	if err != nil {
		res.err = err
	}
	return res
}

// frameRecord crops, resizes, encodes and writes the target face of one
// frame, and describes it.
func (w *prepWorker) frameRecord(source string, index int, out string, fr *preprocess.Frame, r *facegate.Result) (manifestJSON, error) {
	j := frameOf(source, index, "", r)
	m := manifestJSON{Source: source, Frame: index, Width: r.Width, Height: r.Height, judgementJSON: j.judgementJSON}
	face, ok := r.TargetFace()
	if !ok {
		return m, nil
	}
	crop := cropAround(face.Rect, w.o.margin, fr)
	if crop.Empty() {
		return m, nil
	}
	inCrop := face.Rect.Intersect(crop).Sub(crop.Min)
	// The size rule applies to the face size the pipeline estimates
	// (Result.FaceSize), a fixed share of the detector's box.
	sizeScale := float64(r.FaceSize) / float64(min(face.Rect.Dx(), face.Rect.Dy()))
	dw, dh := w.outputSize(crop.Dx(), crop.Dy(), int(float64(min(inCrop.Dx(), inCrop.Dy()))*sizeScale))
	img, err := w.crop.cropResize(fr, crop, dw, dh)
	if err != nil {
		return m, err
	}
	faceOut := scaleFace(inCrop, crop.Dx(), crop.Dy(), dw, dh)
	// Fit keeps the box, not the face size, above its minimum.
	minFace := int(math.Ceil(float64(w.o.policy.MinFaceFor(dw, dh)) / sizeScale))
	var fit encode.FitResult
	w.out, fit, err = w.enc.Fit(w.out[:0], img, encode.LivenessImageRange, &encode.FitOptions{Face: faceOut, MinFace: minFace})
	if err != nil {
		return m, err
	}
	if err := writeFileAtomic(filepath.Join(w.o.dst, filepath.FromSlash(out)), w.out); err != nil {
		return m, err
	}
	faceRect := payload.RectOf(fit.Face)
	off := payload.CropOffsets{X: crop.Min.X, Y: crop.Min.Y, FullWidth: r.Width, FullHeight: r.Height}
	m.Output, m.Crop, m.CropOffsets = out, rectOf(crop), &off
	m.OutWidth, m.OutHeight, m.Scale = fit.Width, fit.Height, numPtr(float64(fit.Width)/float64(crop.Dx()))
	m.Bytes, m.Quality, m.Face, m.MinFace = fit.Bytes, fit.Quality, &faceRect, w.o.policy.MinFaceFor(fit.Width, fit.Height)
	return m, nil
}

// outputSize is the size a cw x ch crop is resized to so that its face of
// side s meets the size rule: enlarged to the policy's minimum when
// smaller, reduced to faceMax when larger, kept otherwise.
func (w *prepWorker) outputSize(cw, ch, s int) (int, int) {
	p := &w.o.policy
	if s <= 0 {
		return cw, ch
	}
	switch {
	case s < p.MinFaceFor(cw, ch):
		// Enlarge; a larger image may need a larger face: grow the
		// target until the rule holds for the enlarged size too.
		target := p.MinFaceFor(cw, ch)
		for range 8 {
			k := float64(target) / float64(s)
			dw, dh := int(math.Ceil(float64(cw)*k)), int(math.Ceil(float64(ch)*k))
			if need := p.MinFaceFor(dw, dh); need > target {
				target = need
				continue
			}
			return dw, dh
		}
	case w.o.faceMax > 0 && s > w.o.faceMax:
		k := float64(w.o.faceMax) / float64(s)
		return max(1, int(math.Round(float64(cw)*k))), max(1, int(math.Round(float64(ch)*k)))
	}
	return cw, ch
}
