package detect

import (
	"embed"
	"sync"
)

// pigo's trained cascades (github.com/esimov/pigo v1.4.6, MIT licence in
// cascades/LICENSE), embedded so that the library needs no files at run time.
//
//go:embed cascades/facefinder cascades/puploc cascades/lps cascades/LICENSE
var cascadeFiles embed.FS

// Landmark names a point found by one of pigo's landmark cascades.
type Landmark uint8

// The landmarks facegate locates. Each mouth corner is the same cascade
// (lp84) run mirrored.
const (
	NoseTip          Landmark = iota // lp93
	MouthCornerLeft                  // lp84, on the image's left
	MouthCornerRight                 // lp84 mirrored
	UpperLip                         // lp81
	LowerLip                         // lp82
	numLandmarks
)

var landmarkNames = [numLandmarks]string{"nose tip", "left mouth corner", "right mouth corner", "upper lip", "lower lip"}

// String returns the landmark's name.
func (l Landmark) String() string {
	if l < numLandmarks {
		return landmarkNames[l]
	}
	return "unknown landmark"
}

// landmarkCascade says which cascade file and mirroring finds a landmark.
var landmarkCascade = [numLandmarks]struct {
	file string
	flip bool
}{
	NoseTip:          {"lp93", false},
	MouthCornerLeft:  {"lp84", false},
	MouthCornerRight: {"lp84", true},
	UpperLip:         {"lp81", false},
	LowerLip:         {"lp82", false},
}

// Cascades are the parsed cascades a Detector uses. They are read-only and
// shared: DefaultCascades parses the embedded files once per process.
type Cascades struct {
	Face      *FaceCascade
	Pupil     *LocCascade
	Landmarks map[string]*LocCascade // by pigo's file name: "lp93", "lp84", ...
}

var (
	defaultOnce     sync.Once
	defaultCascades *Cascades
	defaultErr      error
)

// DefaultCascades returns pigo's embedded cascades, parsed on first use.
func DefaultCascades() (*Cascades, error) {
	defaultOnce.Do(func() { defaultCascades, defaultErr = loadEmbedded() })
	return defaultCascades, defaultErr
}

func loadEmbedded() (*Cascades, error) {
	read := func(name string) []byte {
		b, err := cascadeFiles.ReadFile("cascades/" + name)
		if err != nil {
			panic("detect: embedded cascade missing: " + name) // a build defect, not input
		}
		return b
	}
	c := &Cascades{Landmarks: map[string]*LocCascade{}}
	var err error
	if c.Face, err = ParseFaceCascade(read("facefinder")); err != nil {
		return nil, err
	}
	if c.Pupil, err = ParseLocCascade(read("puploc")); err != nil {
		return nil, err
	}
	entries, _ := cascadeFiles.ReadDir("cascades/lps")
	for _, e := range entries {
		lc, err := ParseLocCascade(read("lps/" + e.Name()))
		if err != nil {
			return nil, err
		}
		c.Landmarks[e.Name()] = lc
	}
	return c, nil
}
