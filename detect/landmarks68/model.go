package landmarks68

import (
	_ "embed"
	"fmt"
	"slices"
)

//go:embed model/face_landmark_68_model-weights_manifest.json
var embeddedManifest []byte

//go:embed model/face_landmark_68_model.bin
var embeddedWeights []byte

// The network's shape: the input is InputSize x InputSize RGB; dense block
// i halves the side (112 to 56, 28, 14, 7) and has channels[i] channels;
// a 7x7 average pool leaves channels[3] features, and the fully connected
// layer maps them to an x and a y for each of the NumPoints landmarks.
var channels = [4]int{32, 64, 128, 256}

const (
	numOut   = 2 * NumPoints
	features = 256 // channels[3]
)

// meanRGB is face-api's mean RGB for the face feature extractor
// (FaceFeatureExtractor.forwardInput), subtracted (as float32) before
// dividing by 255.
var meanRGB = [3]float32{122.782, 117.001, 104.298}

// sepConv is one depthwise separable layer, laid out for HWC activations.
type sepConv struct {
	cin, cout int
	dw        []float32 // [9][cin]: tap ky*3+kx, then channel
	pw        []float32 // [cout][cin]: the pointwise filter transposed
	bias      []float32 // [cout]
}

// denseBlock is one of face-api's denseBlock4: conv0 (a plain 3x3
// convolution in block 0, else separable, stride 2) and conv1..conv3
// (separable, stride 1); in block 0 sep[0] is unused.
type denseBlock struct {
	sep [4]sepConv
}

// model holds the weights in the layouts the kernels read.
type model struct {
	conv0w []float32 // dense0/conv0: [32][27], k = ky*9 + kx*3 + c
	conv0b []float32 // [32]
	dense  [4]denseBlock
	fcw    []float32 // [256][136] as stored: input-major
	fcb    []float32 // [136]
}

// spec is the name and shape every tensor must have.
type spec struct {
	name  string
	shape []int
}

func modelSpecs() []spec {
	s := []spec{
		{"dense0/conv0/filters", []int{3, 3, 3, channels[0]}},
		{"dense0/conv0/bias", []int{channels[0]}},
	}
	eachSep(func(_, _, cin, cout int, p string) {
		s = append(s,
			spec{p + "depthwise_filter", []int{3, 3, cin, 1}},
			spec{p + "pointwise_filter", []int{1, 1, cin, cout}},
			spec{p + "bias", []int{cout}})
	})
	return append(s,
		spec{"fc/weights", []int{features, numOut}},
		spec{"fc/bias", []int{numOut}})
}

// buildModel checks the tensors against the architecture (every expected
// name once, with its shape, and nothing else) and lays them out.
func buildModel(ts []tensor) (*model, error) {
	byName := make(map[string]*tensor, len(ts))
	for i := range ts {
		byName[ts[i].name] = &ts[i]
	}
	specs := modelSpecs()
	get := make(map[string][]float32, len(specs))
	for _, s := range specs {
		t := byName[s.name]
		if t == nil {
			return nil, modelErr("weight %q missing", s.name)
		}
		if !slices.Equal(t.shape, s.shape) {
			return nil, modelErr("weight %q: shape %v, want %v", s.name, t.shape, s.shape)
		}
		get[s.name] = t.data
	}
	if len(ts) != len(specs) {
		for i := range ts {
			if get[ts[i].name] == nil {
				return nil, modelErr("unexpected weight %q", ts[i].name)
			}
		}
	}

	m := &model{
		conv0w: transpose(get["dense0/conv0/filters"], 27, channels[0]),
		conv0b: get["dense0/conv0/bias"],
		fcw:    get["fc/weights"],
		fcb:    get["fc/bias"],
	}
	eachSep(func(b, j, cin, cout int, p string) {
		m.dense[b].sep[j] = sepConv{
			cin:  cin,
			cout: cout,
			dw:   get[p+"depthwise_filter"],
			pw:   transpose(get[p+"pointwise_filter"], cin, cout),
			bias: get[p+"bias"],
		}
	})
	return m, nil
}

// eachSep calls fn for every depthwise separable convolution of the four
// dense blocks (all but the first block's first, a plain convolution):
// block b, convolution j, its input and output channels and its weights'
// name prefix.
func eachSep(fn func(b, j, cin, cout int, prefix string)) {
	for b := range 4 {
		for j := range 4 {
			if b == 0 && j == 0 {
				continue
			}
			cin, cout := channels[b], channels[b]
			if j == 0 {
				cin = channels[b-1]
			}
			fn(b, j, cin, cout, fmt.Sprintf("dense%d/conv%d/", b, j))
		}
	}
}

// transpose turns a rows x cols matrix into cols x rows.
func transpose(a []float32, rows, cols int) []float32 {
	t := make([]float32, len(a))
	for r := 0; r < rows; r++ {
		for c := 0; c < cols; c++ {
			t[c*rows+r] = a[r*cols+c]
		}
	}
	return t
}
