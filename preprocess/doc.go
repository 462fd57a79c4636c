// Package preprocess turns camera frames into the planes the rest of facegate
// works on, without heap allocations on the per-frame path.
//
// A Frame describes a camera buffer (Gray8, NV12, NV21, I420, RGBA, BGRA,
// RGB24) without copying it. Frame.Luma returns the luma plane: a view into
// the frame for the YUV and gray formats, a SIMD conversion into a
// caller-owned buffer for the RGB formats. A Resizer is planned once for a
// source size, a destination size and a Filter (Area, with OpenCV's
// INTER_AREA semantics, or Bilinear, with INTER_LINEAR's) and then reused for
// every frame. A CropResizer crops a YUV frame, resizes it and converts it to
// RGB in one call, ready for encoding. LaplacianVariance and MeasureLuma
// measure sharpness and exposure over a rectangle. Decode reads still images
// (JPEG, PNG, GIF, BMP, WebP) behind byte and pixel limits.
//
// # Kernels
//
// The inner loops run on rows and exist twice: a portable Go version (the
// reference, in kernels_generic.go) and assembly (AVX2 on amd64, generated
// with avo from _gen). The variant is chosen once at start-up with
// github.com/klauspost/cpuid/v2; both give the same bytes, which the tests
// check on random and real images. Build with -tags purego (or noasm) to use
// only the Go kernels.
//
// # Color conventions
//
// RGB to luma uses the BT.601 weights with the rounding of the standard
// library's color.RGBToYCbCr: Y = (19595 R + 38470 G + 7471 B + 1<<15) >> 16.
// YUV to RGB is full-range (JFIF) BT.601 with the rounding and clamping of
// color.YCbCrToRGB. Alpha is ignored.
package preprocess
