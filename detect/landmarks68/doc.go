// Package landmarks68 is a pure-Go port of face-api.js's FaceLandmark68Net,
// a convolutional network that places the 68 facial landmarks of the
// iBUG 300-W markup (jaw, brows, nose, eyes, mouth) on a face crop, with
// its trained weights embedded.
//
// # The model
//
// FaceLandmark68Net (github.com/justadudewhohacks/face-api.js, Vincent
// Mühler) regresses the landmarks directly: a feature extractor of four
// dense blocks (face-api's denseBlock4: four 3x3 convolutions, each fed
// the ReLU of the sum of the block's earlier outputs; the first a plain
// convolution from RGB, the others depthwise separable; each block halves
// the side, 112 to 56, 28, 14, 7, with 32, 64, 128 and 256 channels), a
// 7x7 average pool, and a fully connected layer from the 256 features to
// an x and a y, relative to the 112x112 input, for each landmark. The
// weights are 356,840 parameters quantized to uint8 (349 KB). The files in
// model/ are copied byte for byte from the npm package @vladmandic/face-api
// 1.7.15 (Vladimir Mandic), the maintained fork, which ships face-api.js's
// weights unchanged. face-api.js and the fork are under the MIT licence:
// see model/LICENSE, which must accompany copies of the weights.
//
// # Equality with face-api.js
//
// Locate reproduces nets.faceLandmark68Net.detectLandmarks(crop) on a
// tensor input (tfjs CPU backend). Preprocessing (NetInput.toBatchTensor
// with isCenterInputs true): the crop is padded with zeros to a square,
// centred, the odd row or column of padding going after the image
// (padToSquare appends round(diff/2)); resized to 112x112 with
// tf.image.resizeBilinear (alignCorners false, halfPixelCenters false:
// source = dst*side/112, computed in float64 as tfjs does); then each
// channel has the mean RGB (122.782, 117.001, 104.298) subtracted and is
// divided by 255, in float32. The network runs in float32 with tfjs's
// summation orders (tfjs 'same' padding of a stride-2 convolution on an
// even side pads only the bottom row and right column). Postprocessing
// (FaceLandmark68NetBase.postProcess): x' = (x*112 - padX)/(w*s), y' alike,
// s = 112/max(w, h) and padX = |w*s - h*s|/2 on the short side only, then
// X = x'*w. When the sides differ by an odd number of pixels face-api
// subtracts half the difference, while the padding before the image is
// the smaller half: its points then lie half a crop pixel left of (or
// above) where the network put them. This port reproduces that too.
//
// The tests compare with outputs of face-api.js itself
// (testdata/gen_golden.mjs) on six crops (colour and gray, square, wide,
// tall, upscaled, one clipped at the image edge): the points agree to
// better than 1e-4 px and the network's raw outputs to about 1e-7
// (relative); the tests hold 0.05 px and 1e-4.
//
// # Input conventions
//
// Locate takes an 8-bit RGB crop, 3 bytes a pixel, rows stride bytes
// apart. LocateGray takes one 8-bit channel (luma) and behaves as Locate on
// the RGB crop with that value in R, G and B; the network was trained on
// colour, so gray input may cost some accuracy. LocateGrayRegion takes a
// luma plane and a face box (from a face detector), clips the box to the
// plane and returns the points in the plane's coordinates. The crop should
// hold the face roughly as face-api's detectors box it; points are float64
// pixels and may fall outside the crop.
//
// # Cost
//
// A call costs about 52 million multiply-adds whatever the crop size (the
// crop is resized to 112x112 first), some 20 ms on one core of a
// 2020s x86 server in pure Go. A Net allocates its buffers (about 3 MB)
// in New and does not allocate in the Locate methods. A Net is not safe
// for concurrent use: use one a goroutine.
package landmarks68
