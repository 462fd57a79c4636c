package main

import (
	"errors"
	"flag"
	"fmt"
	"image"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/facegate/facegate"
)

// policyFlags are the flags shared by check, prep, payload and annotate
// that set the facegate.Policy the frames are judged by, and the target
// rectangle.
type policyFlags struct {
	fs     *flag.FlagSet
	file   string
	print  bool
	target rectValue
	// The values of the policy flags, applied over the file when given.
	minFace                   intValue
	maxBlur, maxYaw, maxPitch floatValue
	maxRoll                   floatValue
	exposure                  rangeValue
	fieldOf                   map[string]string // flag name -> Policy field, for errors
	apply                     map[string]func(*facegate.Policy)
}

// addPolicyFlags defines the policy flags on fs.
func addPolicyFlags(fs *flag.FlagSet) *policyFlags {
	d := facegate.DefaultPolicy()
	pf := &policyFlags{fs: fs, fieldOf: map[string]string{}, apply: map[string]func(*facegate.Policy){}}
	fs.StringVar(&pf.file, "policy", "", "read the policy from `FILE`: JSON with facegate.Policy's field names (-print-policy writes one); the flags below override it")
	fs.BoolVar(&pf.print, "print-policy", false, "print the policy in effect as JSON (a -policy file) and exit")
	fs.Var(&pf.target, "target", "the target face is the one overlapping `x,y,w,h` (pixels of the first frame), as the service's targetFaceRectangle")
	def := func(name, field string, v flag.Value, usage string, apply func(*facegate.Policy)) {
		fs.Var(v, name, usage)
		pf.fieldOf[name], pf.apply[name] = field, apply
	}
	pf.minFace.v = d.MinFaceSize
	def("min-face", "MinFaceSize", &pf.minFace, "smallest face side in `pixels` up to 1920x1080, scaled for larger images (MinFaceSize)",
		func(p *facegate.Policy) { p.MinFaceSize = pf.minFace.v })
	pf.maxBlur.v = d.MaxBlur
	def("max-blur", "MaxBlur", &pf.maxBlur, "reject a face whose blur (0 sharp .. 1) is at least `B`, in (0, 1] (MaxBlur)",
		func(p *facegate.Policy) { p.MaxBlur = pf.maxBlur.v })
	pf.exposure = rangeValue{d.MinExposure, d.MaxExposure}
	def("exposure", "MinExposure..MaxExposure", &pf.exposure, "accept a face whose exposure (0 dark .. 1 bright) is in `lo,hi`: lo inclusive, hi exclusive (MinExposure, MaxExposure)",
		func(p *facegate.Policy) { p.MinExposure, p.MaxExposure = pf.exposure.lo, pf.exposure.hi })
	pf.maxYaw.v, pf.maxPitch.v, pf.maxRoll.v = d.MaxYaw, d.MaxPitch, d.MaxRoll
	def("max-yaw", "MaxYaw", &pf.maxYaw, "largest |yaw| of a frontal face, in `degrees`, (0, 90] (MaxYaw)",
		func(p *facegate.Policy) { p.MaxYaw = pf.maxYaw.v })
	def("max-pitch", "MaxPitch", &pf.maxPitch, "largest |pitch| of a frontal face, in `degrees`, (0, 90] (MaxPitch)",
		func(p *facegate.Policy) { p.MaxPitch = pf.maxPitch.v })
	def("max-roll", "MaxRoll", &pf.maxRoll, "largest |roll| of a frontal face, in `degrees`, (0, 90] (MaxRoll)",
		func(p *facegate.Policy) { p.MaxRoll = pf.maxRoll.v })
	return pf
}

// policy returns the policy in effect: DefaultPolicy, or the -policy
// file, with the flags given over it, validated. Errors are misuse.
func (pf *policyFlags) policy() (*facegate.Policy, error) {
	p := facegate.DefaultPolicy()
	if pf.file != "" {
		f, err := os.Open(pf.file)
		if err != nil {
			return nil, fmt.Errorf("-policy: %v", err)
		}
		p, err = facegate.ReadPolicy(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("-policy %s: %v", pf.file, err)
		}
	}
	var given []string
	pf.fs.Visit(func(f *flag.Flag) {
		if apply, ok := pf.apply[f.Name]; ok {
			apply(p)
			given = append(given, f.Name)
		}
	})
	if err := p.Validate(); err != nil {
		var pe *facegate.PolicyError
		for _, name := range given {
			if errors.As(err, &pe) && pe.Field == pf.fieldOf[name] {
				return nil, fmt.Errorf("-%s %s: %v", name, pf.fs.Lookup(name).Value, err)
			}
		}
		if pf.file != "" {
			return nil, fmt.Errorf("-policy %s: %v", pf.file, err)
		}
		return nil, err
	}
	return p, nil
}

// resolve is what a command does with the flags after parsing: the policy
// and the target, or the exit code when the command must stop (after
// -print-policy, or on a bad policy).
func (pf *policyFlags) resolve(e *env) (p *facegate.Policy, code int, ok bool) {
	p, err := pf.policy()
	if err != nil {
		fmt.Fprintf(e.stderr, "%s: %v (run '%s -h' for usage)\n", pf.fs.Name(), err, pf.fs.Name())
		return nil, exitUsage, false
	}
	if pf.print {
		if err := p.WriteJSON(e.stdout); err != nil {
			fmt.Fprintf(e.stderr, "%s: %v\n", pf.fs.Name(), err)
			return nil, exitUnreadable, false
		}
		return nil, exitOK, false
	}
	return p, 0, true
}

// parseNumber parses a finite, non-negative number.
func parseNumber(s string) (float64, error) {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
		return 0, fmt.Errorf("want a finite number of 0 or more, not %q", s)
	}
	return v, nil
}

// floatValue is a flag holding a finite, non-negative number.
type floatValue struct{ v float64 }

func (f *floatValue) String() string { return strconv.FormatFloat(f.v, 'g', -1, 64) }

// Set parses a finite number of 0 or more.
func (f *floatValue) Set(s string) (err error) { f.v, err = parseNumber(s); return err }

// intValue is a flag holding a positive integer.
type intValue struct{ v int }

func (f *intValue) String() string { return strconv.Itoa(f.v) }

// Set parses an integer of 1 or more.
func (f *intValue) Set(s string) error {
	v, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || v < 1 {
		return fmt.Errorf("want a whole number of pixels, 1 or more, not %q", s)
	}
	f.v = v
	return nil
}

// rangeValue is a flag holding lo,hi.
type rangeValue struct{ lo, hi float64 }

func (r *rangeValue) String() string {
	return strconv.FormatFloat(r.lo, 'g', -1, 64) + "," + strconv.FormatFloat(r.hi, 'g', -1, 64)
}

// Set parses lo,hi with 0 <= lo < hi <= 1.
func (r *rangeValue) Set(s string) error {
	a, b, ok := strings.Cut(s, ",")
	lo, err1 := parseNumber(a)
	hi, err2 := parseNumber(b)
	if !ok || err1 != nil || err2 != nil || !(lo < hi && hi <= 1) {
		return fmt.Errorf("want lo,hi with 0 <= lo < hi <= 1, not %q", s)
	}
	r.lo, r.hi = lo, hi
	return nil
}

// rectValue is a flag holding a rectangle as x,y,w,h.
type rectValue struct{ r image.Rectangle }

func (v *rectValue) String() string {
	if v.r.Empty() {
		return ""
	}
	return fmt.Sprintf("%d,%d,%d,%d", v.r.Min.X, v.r.Min.Y, v.r.Dx(), v.r.Dy())
}

// Set parses x,y,w,h with x, y >= 0 and w, h > 0.
func (v *rectValue) Set(s string) error {
	parts := strings.Split(s, ",")
	var n [4]int
	bad := errors.New("want x,y,w,h in pixels: x and y 0 or more, w and h 1 or more, not " + strconv.Quote(s))
	if len(parts) != 4 {
		return bad
	}
	for i, p := range parts {
		k, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil || k < 0 || (i >= 2 && k < 1) || k > 1<<20 {
			return bad
		}
		n[i] = k
	}
	v.r = image.Rect(n[0], n[1], n[0]+n[2], n[1]+n[3])
	return nil
}
