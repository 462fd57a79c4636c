// Package nn holds what the pure-Go ports of face-api.js's networks
// (detect/landmarks68, detect/tinyface) share: the reader of tfjs weights
// manifests and their uint8/uint16-quantized weight files, the check of the
// tensors against a network's names and shapes, tfjs's resizeBilinear
// taps, and the float32 kernels (matrix multiply with bias and activation,
// 3x3 depthwise rows, 2x2 max-pool rows) over HWC activations.
//
// The kernels sum in the order of the tfjs CPU kernels face-api.js runs on,
// so that the ports' outputs equal face-api.js's to an ulp now and then.
package nn
