package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// frameSize is a capture size and its share of each kind of frame.
type frameSize struct {
	W, H  int
	Share float64
}

// defaultSizes are the capture sizes of the corpus.
var defaultSizes = []frameSize{{640, 480, 0.30}, {1280, 720, 0.30}, {1920, 1080, 0.25}, {3840, 2160, 0.15}}

// Kinds of frame: how a frame was built (its label may differ: a frame
// blurred by sigma 1 is good).
const (
	KindGood     = "good"     // a good face
	KindSmall    = "small"    // a good face below the minimum size
	KindBlur     = "blur"     // a good frame blurred
	KindExposure = "exposure" // a good frame under a tone transform
	KindPose     = "pose"     // a face that is not frontal
	KindNoFace   = "no-face"  // a background alone
)

// blurSetting is one blur of the blurred frames, with its frame count.
type blurSetting struct {
	Kind  string // "gaussian" or "motion"
	Sigma float64
	N     int
}

// Blur kinds.
const (
	BlurGaussian = "gaussian"
	BlurMotion   = "motion"
)

// blurSettings: every Gaussian sigma and every motion length, 15 frames
// each at scale 1 (120 scored blurred, 30 good, 30 in between).
var blurSettings = []blurSetting{
	{BlurGaussian, 1, 15}, {BlurGaussian, 2, 15}, {BlurGaussian, 3, 15}, {BlurGaussian, 4, 15},
	{BlurGaussian, 5, 15}, {BlurGaussian, 6, 15}, {BlurGaussian, 8, 15},
	{BlurMotion, 1, 15}, {BlurMotion, 2, 15}, {BlurMotion, 3, 15}, {BlurMotion, 5, 15}, {BlurMotion, 8, 15},
}

// toneSetting is one tone transform of the exposure frames.
type toneSetting struct {
	Kind  string // ToneGain or ToneGamma
	Value float64
	N     int
}

// toneSettings: 60 scored under-exposed, 60 scored over-exposed and 40 in
// between at scale 1.
var toneSettings = []toneSetting{
	{ToneGain, 0.15, 15}, {ToneGain, 0.25, 15}, {ToneGamma, 3.0, 15}, {ToneGamma, 4.0, 15},
	{ToneGain, 2.5, 20}, {ToneGain, 3.5, 20}, {ToneGamma, 0.2, 20},
	{ToneGain, 0.4, 10}, {ToneGain, 1.8, 10}, {ToneGamma, 2.0, 10}, {ToneGamma, 0.35, 10},
}

// Frame counts at scale 1.
const (
	nGood        = 230 // good frames (and 30 more from the sigma-1 blurs)
	nSmall       = 120
	nNoFace      = 60
	nPoseBin     = 25  // per 15-degree yaw bin beyond 45 degrees: 6 bins, 150 frames
	nPoseMidBin  = 15  // per bin of 30 < |yaw| <= 45 (not scored): 2 bins
	secondEvery  = 5   // one good frame in secondEvery has a second face
	goodLowShare = 0.6 // good sizes: this share at goodMin..goodLowMax, the rest up to goodMax
)

// config is what a build is made of.
type config struct {
	Seed uint64
	// Scale multiplies every frame count (at least one frame per setting).
	Scale float64
	Sizes []frameSize
}

// spec is one frame to build: everything about it that its label depends
// on. The rest (background, position) is drawn when it is rendered, from
// its own generator.
type spec struct {
	Index  int
	Label  string
	Scored bool
	Kind   string
	Part   string
	W, H   int
	// Ratio is the face's wanted reference side over the frame's minimum.
	Ratio float64
	Src   *sourceFace // nil for no-face
	// Second, when not nil, is pasted beside the target at SecondRatio of
	// its side.
	Second      *sourceFace
	SecondRatio float64
	BlurKind    string
	Sigma       float64
	Tone        string
	ToneValue   float64
}

// deck deals source faces round-robin in a shuffled order, skipping those
// that do not fit.
type deck struct {
	list []*sourceFace
	next int
}

func newDeck(faces []*sourceFace, rng *rand.Rand) *deck {
	d := &deck{list: slices.Clone(faces)}
	rng.Shuffle(len(d.list), func(i, j int) { d.list[i], d.list[j] = d.list[j], d.list[i] })
	return d
}

// pick returns the next face ok accepts, or nil.
func (d *deck) pick(ok func(*sourceFace) bool) *sourceFace {
	n := len(d.list)
	for k := range n {
		f := d.list[(d.next+k)%n]
		if ok == nil || ok(f) {
			d.next = (d.next + k + 1) % n
			return f
		}
	}
	return nil
}

// planner deals frames.
type planner struct {
	cfg   config
	rng   *rand.Rand
	specs []*spec
	// good holds the frontal faces per part; pose the not-frontal faces per
	// part, scored flag and yaw bin (tilt: the pitch/roll ones).
	good  map[string]*deck
	pose  map[poseKey]*deck
	parts int // frames dealt so far, to alternate the parts
}

type poseKey struct {
	part   string
	scored bool
	bin    int // yawBin; tiltBin for |pitch| or |roll| beyond tiltUnscored
}

// tiltBin is the poseKey.bin of the faces that are not frontal by pitch or
// roll.
const tiltBin = 1000

// count scales a frame count.
func (c *config) count(n int) int { return max(1, int(math.Round(float64(n)*c.Scale))) }

// plan deals every frame of the corpus.
func plan(cfg config, faces []*sourceFace) ([]*spec, error) {
	p := &planner{cfg: cfg, rng: rand.New(rand.NewPCG(cfg.Seed, 0x706c616e)), good: map[string]*deck{}, pose: map[poseKey]*deck{}}
	byGood := map[string][]*sourceFace{}
	byPose := map[poseKey][]*sourceFace{}
	var keys []poseKey
	for _, f := range faces {
		switch {
		case f.Label == LabelGood:
			byGood[f.Part] = append(byGood[f.Part], f)
		case f.Label == LabelNotFrontal && f.Set == poseSet:
			k := poseKey{f.Part, f.Scored, yawBin(f.Yaw)}
			if math.Abs(f.Yaw) <= yawUnscored {
				k.bin = tiltBin
			}
			if byPose[k] == nil {
				keys = append(keys, k)
			}
			byPose[k] = append(byPose[k], f)
		}
	}
	for _, part := range []string{PartCalibrate, PartReport} {
		if len(byGood[part]) == 0 {
			return nil, fmt.Errorf("no frontal source face in part %s", part)
		}
		p.good[part] = newDeck(byGood[part], p.rng)
	}
	slices.SortFunc(keys, func(a, b poseKey) int {
		if a.part != b.part {
			return cmpString(a.part, b.part)
		}
		if a.scored != b.scored {
			return cmpBool(a.scored, b.scored)
		}
		return a.bin - b.bin
	})
	for _, k := range keys {
		p.pose[k] = newDeck(byPose[k], p.rng)
	}

	if err := p.goodFrames(); err != nil {
		return nil, err
	}
	if err := p.smallFrames(); err != nil {
		return nil, err
	}
	if err := p.blurFrames(); err != nil {
		return nil, err
	}
	if err := p.exposureFrames(); err != nil {
		return nil, err
	}
	p.noFaceFrames()
	if err := p.poseFrames(keys); err != nil {
		return nil, err
	}
	for i, s := range p.specs {
		s.Index = i
	}
	return p.specs, nil
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case !a:
		return -1
	}
	return 1
}

// sizes deals n frame sizes in the configured shares (largest remainders),
// shuffled.
func (p *planner) sizes(n int) []frameSize {
	type rem struct {
		i int
		r float64
	}
	counts := make([]int, len(p.cfg.Sizes))
	var rems []rem
	tot, left := 0.0, n
	for _, s := range p.cfg.Sizes {
		tot += s.Share
	}
	for i, s := range p.cfg.Sizes {
		x := float64(n) * s.Share / tot
		counts[i] = int(x)
		left -= counts[i]
		rems = append(rems, rem{i, x - float64(counts[i])})
	}
	slices.SortStableFunc(rems, func(a, b rem) int {
		switch {
		case a.r > b.r:
			return -1
		case a.r < b.r:
			return 1
		}
		return 0
	})
	for i := 0; i < left; i++ {
		counts[rems[i%len(rems)].i]++
	}
	var out []frameSize
	for i, c := range counts {
		for range c {
			out = append(out, p.cfg.Sizes[i])
		}
	}
	p.rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// part alternates the parts frame by frame.
func (p *planner) part() string {
	p.parts++
	if p.parts%2 == 1 {
		return PartCalibrate
	}
	return PartReport
}

// fits reports whether a source face scaled to side stays within the
// upscale limit.
func fits(f *sourceFace, side float64) bool { return side/f.Side <= maxUpscale+1e-9 }

// goodRatio draws a good size: mostly just above the minimum, else up to
// goodMax.
func (p *planner) goodRatio() float64 {
	if p.rng.Float64() < goodLowShare {
		return goodMin + p.rng.Float64()*(goodLowMax-goodMin)
	}
	return goodLowMax + p.rng.Float64()*(goodMax-goodLowMax)
}

// face deals a frontal face of part for a frame of size sz, drawing the
// ratio with draw until a face fits (a drawn ratio no face of the part
// fits is drawn again).
func (p *planner) face(d *deck, sz frameSize, draw func() float64) (*sourceFace, float64, error) {
	min := float64(minFace(sz.W, sz.H))
	for range 50 {
		r := draw()
		if f := d.pick(func(f *sourceFace) bool { return fits(f, r*min) }); f != nil {
			return f, r, nil
		}
	}
	return nil, 0, fmt.Errorf("no source face fits a %dx%d frame within %gx upscale", sz.W, sz.H, maxUpscale)
}

// goodSpec deals a good face (part, size, source, ratio) of a kind.
func (p *planner) goodSpec(kind string, sz frameSize, draw func() float64) (*spec, error) {
	part := p.part()
	f, r, err := p.face(p.good[part], sz, draw)
	if err != nil {
		return nil, err
	}
	return &spec{Label: LabelGood, Scored: true, Kind: kind, Part: part, W: sz.W, H: sz.H, Ratio: r, Src: f}, nil
}

func (p *planner) goodFrames() error {
	n := p.cfg.count(nGood)
	for i, sz := range p.sizes(n) {
		s, err := p.goodSpec(KindGood, sz, p.goodRatio)
		if err != nil {
			return err
		}
		// One good frame in secondEvery gets a second, smaller face.
		if i%secondEvery == secondEvery/2 {
			s.SecondRatio = 0.4 + 0.2*p.rng.Float64()
			side := s.SecondRatio * s.Ratio * float64(minFace(sz.W, sz.H))
			s.Second = p.good[s.Part].pick(func(f *sourceFace) bool { return f.File != s.Src.File && fits(f, side) })
		}
		p.specs = append(p.specs, s)
	}
	return nil
}

func (p *planner) smallFrames() error {
	for _, sz := range p.sizes(p.cfg.count(nSmall)) {
		s, err := p.goodSpec(KindSmall, sz, func() float64 { return smallMin + p.rng.Float64()*(smallMax-smallMin) })
		if err != nil {
			return err
		}
		s.Label, s.Scored, _ = sizeLabel(s.Ratio)
		p.specs = append(p.specs, s)
	}
	return nil
}

func (p *planner) blurFrames() error {
	for _, b := range blurSettings {
		for _, sz := range p.sizes(p.cfg.count(b.N)) {
			s, err := p.goodSpec(KindBlur, sz, p.goodRatio)
			if err != nil {
				return err
			}
			s.BlurKind, s.Sigma = b.Kind, b.Sigma
			s.Label, s.Scored = blurLabel(b.Sigma)
			p.specs = append(p.specs, s)
		}
	}
	return nil
}

func (p *planner) exposureFrames() error {
	for _, t := range toneSettings {
		for _, sz := range p.sizes(p.cfg.count(t.N)) {
			s, err := p.goodSpec(KindExposure, sz, p.goodRatio)
			if err != nil {
				return err
			}
			s.Tone, s.ToneValue = t.Kind, t.Value
			s.Label, s.Scored = exposureLabel(t.Kind, t.Value)
			p.specs = append(p.specs, s)
		}
	}
	return nil
}

func (p *planner) noFaceFrames() {
	for _, sz := range p.sizes(p.cfg.count(nNoFace)) {
		p.specs = append(p.specs, &spec{Label: LabelNoFace, Scored: true, Kind: KindNoFace, Part: p.part(), W: sz.W, H: sz.H})
	}
}

// poseFrames deals the not-frontal frames: nPoseBin per yaw bin beyond 45
// degrees (scored) and nPoseMidBin per bin of 30..45 degrees (not scored),
// half of each from each part, and one frame per face that is not frontal
// by pitch or roll (not scored), in the face's part.
func (p *planner) poseFrames(keys []poseKey) error {
	ratio := func() float64 { return goodMin + p.rng.Float64()*(poseSizeMax-goodMin) }
	type group struct {
		scored bool
		bin    int
	}
	done := map[group]bool{}
	for _, k := range keys {
		g := group{k.scored, k.bin}
		if done[g] {
			continue
		}
		done[g] = true
		if g.bin == tiltBin {
			var fs []*sourceFace
			for _, part := range []string{PartCalibrate, PartReport} {
				fs = append(fs, p.pose[poseKey{part, g.scored, g.bin}].faces()...)
			}
			n := max(1, int(math.Round(float64(len(fs))*min(1, p.cfg.Scale))))
			for i, sz := range p.sizes(n) {
				d := &deck{list: fs[i : i+1]}
				f, r, err := p.face(d, sz, ratio)
				if err != nil {
					return err
				}
				p.specs = append(p.specs, &spec{Label: LabelNotFrontal, Scored: g.scored, Kind: KindPose, Part: f.Part,
					W: sz.W, H: sz.H, Ratio: r, Src: f})
			}
			continue
		}
		n := p.cfg.count(nPoseMidBin)
		if g.scored {
			n = p.cfg.count(nPoseBin)
		}
		for _, sz := range p.sizes(n) {
			part := p.part()
			d := p.pose[poseKey{part, g.scored, g.bin}]
			if len(d.faces()) == 0 { // this bin has faces in the other part only
				part = otherPart(part)
				d = p.pose[poseKey{part, g.scored, g.bin}]
			}
			f, r, err := p.face(d, sz, ratio)
			if err != nil {
				return err
			}
			p.specs = append(p.specs, &spec{Label: LabelNotFrontal, Scored: g.scored, Kind: KindPose, Part: part,
				W: sz.W, H: sz.H, Ratio: r, Src: f})
		}
	}
	return nil
}

// faces returns the deck's faces (none for a nil deck).
func (d *deck) faces() []*sourceFace {
	if d == nil {
		return nil
	}
	return d.list
}

func otherPart(p string) string {
	if p == PartCalibrate {
		return PartReport
	}
	return PartCalibrate
}
