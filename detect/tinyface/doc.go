// Package tinyface is a pure-Go port of face-api.js's TinyFaceDetector, a
// small convolutional face detector, with its trained weights embedded.
//
// # The model
//
// TinyFaceDetector is the Tiny YOLO v2 style detector of face-api.js
// (github.com/justadudewhohacks/face-api.js, Vincent Mühler): a 3x3
// convolution and five depthwise separable convolutions (16 to 512
// channels, leaky ReLU, 2x2 max pools) over a 416x416 (by default) RGB
// input, and a 1x1 convolution predicting, on a grid of InputSize/32 cells,
// five anchor boxes a cell (offsets, log sizes, objectness). Its author
// trained it on about 14,000 images labelled with face bounding boxes; the
// weights are 193,321 parameters quantized to uint8 (190 KB). The files in
// model/ are copied byte for byte from the npm package
// @vladmandic/face-api 1.7.15 (Vladimir Mandic), the maintained fork, which
// ships face-api.js's weights unchanged. face-api.js and the fork are under
// the MIT licence: see model/LICENSE, which must accompany copies of the
// weights.
//
// # Equality with face-api.js
//
// Detect reproduces detectAllFaces(input, new TinyFaceDetectorOptions(...))
// on a tensor input (tfjs CPU backend): the image is padded with zeros at
// the bottom or right to a square (padToSquare, not centred), resized to
// InputSize x InputSize with tf.image.resizeBilinear (alignCorners false,
// halfPixelCenters false: source = dst*side/InputSize, computed in float64
// as tfjs does), then each channel has face-api's MEAN_RGB
// (117.001, 114.697, 97.404) subtracted and is divided by 255. The network
// runs in float32; boxes are decoded as TinyYolov2Base.extractBoxes does
// (score = sigmoid(objectness), there being one class; centre = (cell +
// sigmoid(t))/grid; size = exp(t)*anchor/grid; both corrected for the
// padding), suppressed with face-api's own greedy non-maximum suppression
// (IoU above 0.4 drops the lower score) and scaled to the image. The tests
// compare with outputs of face-api.js itself (testdata/gen_golden.mjs):
// boxes agree to well under a thousandth of a pixel, and the network's raw
// output to about 1e-5.
//
// # Input conventions
//
// Detect takes 8-bit RGB, 3 bytes a pixel, rows stride bytes apart.
// DetectGray takes one 8-bit channel (luma) and behaves as Detect on the
// RGB image with that value in R, G and B; the network was trained on
// colour, so gray input costs some accuracy. Box coordinates are in the
// input's pixels, float64, and may extend beyond the image.
//
// # Cost
//
// Detection costs about 190 million multiply-adds at InputSize 416 and
// scales with InputSize squared; a Detector keeps all its buffers, so
// after the first call at a given InputSize Detect does not allocate. A
// Detector is not safe for concurrent use.
package tinyface
