package tinyface

import (
	_ "embed"
	"fmt"

	"github.com/facegate/facegate/internal/nn"
)

//go:embed model/tiny_face_detector_model-weights_manifest.json
var embeddedManifest []byte

//go:embed model/tiny_face_detector_model.bin
var embeddedWeights []byte

// The network's channel counts: conv0 is a 3x3 convolution from RGB to 16
// channels, conv1..conv5 depthwise separable 3x3 convolutions, conv8 a 1x1
// convolution to numAnchors x 5 box values per cell (face-api's filterSizes
// [3, 16, 32, 64, 128, 256, 512]; with seven of them there is no conv6 or
// conv7).
var channels = [6]int{16, 32, 64, 128, 256, 512}

const (
	numAnchors = 5
	boxValues  = 5 // x, y, w, h, objectness: one class, so no class scores
	outChans   = numAnchors * boxValues
)

// anchors are face-api's BOX_ANCHORS (tinyFaceDetector/const.ts), in cells.
var anchors = [numAnchors][2]float64{
	{1.603231, 2.094468},
	{6.041143, 7.080126},
	{2.882459, 3.518061},
	{4.266906, 5.178857},
	{9.041765, 10.66308},
}

// meanRGB is face-api's MEAN_RGB, subtracted (as float32) before dividing
// by 255.
var meanRGB = [3]float32{117.001, 114.697, 97.404}

// defaultIoU is face-api's IOU_THRESHOLD for the tiny face detector.
const defaultIoU = 0.4

// model holds the weights in the layouts the kernels read.
type model struct {
	conv0w []float32 // [16][27]: k = ky*9 + kx*3 + c
	conv0b []float32 // [16]
	sep    [5]nn.SepConv
	conv8w []float32 // [25][512]
	conv8b []float32 // [25]
}

func modelSpecs() []nn.Spec {
	s := []nn.Spec{
		{Name: "conv0/filters", Shape: []int{3, 3, 3, channels[0]}},
		{Name: "conv0/bias", Shape: []int{channels[0]}},
	}
	for i := 1; i <= 5; i++ {
		cin, cout := channels[i-1], channels[i]
		p := fmt.Sprintf("conv%d/", i)
		s = append(s, nn.SepSpecs(p, cin, cout)...)
	}
	return append(s,
		nn.Spec{Name: "conv8/filters", Shape: []int{1, 1, channels[5], outChans}},
		nn.Spec{Name: "conv8/bias", Shape: []int{outChans}})
}

// buildModel checks the tensors against the architecture (every expected
// name once, with its shape, and nothing else) and lays them out.
func buildModel(ts []nn.Tensor) (*model, error) {
	get, err := nn.Select(ts, modelSpecs())
	if err != nil {
		return nil, modelErr(err)
	}

	m := &model{
		conv0w: nn.Transpose(get["conv0/filters"], 27, channels[0]),
		conv0b: get["conv0/bias"],
		conv8w: nn.Transpose(get["conv8/filters"], channels[5], outChans),
		conv8b: get["conv8/bias"],
	}
	for i := 1; i <= 5; i++ {
		p := fmt.Sprintf("conv%d/", i)
		cin, cout := channels[i-1], channels[i]
		m.sep[i-1] = nn.NewSepConv(get, p, cin, cout)
	}
	return m, nil
}
