package landmarks68

import (
	_ "embed"
	"fmt"

	"github.com/facegate/facegate/internal/nn"
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

// denseBlock is one of face-api's denseBlock4: conv0 (a plain 3x3
// convolution in block 0, else separable, stride 2) and conv1..conv3
// (separable, stride 1); in block 0 sep[0] is unused.
type denseBlock struct {
	sep [4]nn.SepConv
}

// model holds the weights in the layouts the kernels read.
type model struct {
	conv0w []float32 // dense0/conv0: [32][27], k = ky*9 + kx*3 + c
	conv0b []float32 // [32]
	dense  [4]denseBlock
	fcw    []float32 // [256][136] as stored: input-major
	fcb    []float32 // [136]
}

func modelSpecs() []nn.Spec {
	s := []nn.Spec{
		{Name: "dense0/conv0/filters", Shape: []int{3, 3, 3, channels[0]}},
		{Name: "dense0/conv0/bias", Shape: []int{channels[0]}},
	}
	eachSep(func(_, _, cin, cout int, p string) {
		s = append(s, nn.SepSpecs(p, cin, cout)...)
	})
	return append(s,
		nn.Spec{Name: "fc/weights", Shape: []int{features, numOut}},
		nn.Spec{Name: "fc/bias", Shape: []int{numOut}})
}

// buildModel checks the tensors against the architecture (every expected
// name once, with its shape, and nothing else) and lays them out.
func buildModel(ts []nn.Tensor) (*model, error) {
	get, err := nn.Select(ts, modelSpecs())
	if err != nil {
		return nil, modelErr(err)
	}

	m := &model{
		conv0w: nn.Transpose(get["dense0/conv0/filters"], 27, channels[0]),
		conv0b: get["dense0/conv0/bias"],
		fcw:    get["fc/weights"],
		fcb:    get["fc/bias"],
	}
	eachSep(func(b, j, cin, cout int, p string) {
		m.dense[b].sep[j] = nn.NewSepConv(get, p, cin, cout)
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
