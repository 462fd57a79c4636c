// Package encode turns the RGB face crops of preprocess into the files the
// Face service accepts: JPEG, PNG and BMP stills, fitted into the service's
// byte limits, and animated WebP for the liveness video.
//
// # Stills
//
// The input is an RGB: packed 8-bit R,G,B rows, the layout
// preprocess.CropResizer writes (FromPlane wraps a 3-channel
// preprocess.Plane, FromImage converts any image.Image). AppendJPEG uses the
// standard library's image/jpeg (baseline, 4:2:0), or libjpeg-turbo with the
// same settings in builds with cgo and -tags turbojpeg (see JPEGTurbo),
// AppendPNG image/png and
// AppendBMP writes 24-bit BMP (byte for byte what golang.org/x/image/bmp
// writes). Each appends the file to a caller-owned dst, the way strconv's
// Append functions do. An Encoder keeps the conversion buffers between calls
// so that, once warm, encoding allocates as little as the standard encoders
// allow (see the benchmarks); the package-level functions borrow an Encoder
// from a pool.
//
// # Fitting into the byte limits
//
// Fit encodes a JPEG whose size lands inside a Range. It binary-searches the
// highest quality in [FitOptions.MinQuality, FitOptions.MaxQuality] whose file
// is at most Range.Max, and when even the lowest quality is too large it
// downscales the image (preprocess.Resizer, Area filter), but never so far
// that the face rectangle the caller names drops below FitOptions.MinFace
// pixels: then it fails with a *FitError wrapping ErrTooLarge. A file under
// Range.Min (a tiny or flat image) is first given a higher quality, up to 100;
// if even that is too small, Fit fails with ErrTooSmall rather than padding
// the file, since such an image would not pass the service's face checks
// anyway.
//
// The service's limits read "1 KB to 6 MB" (images), "1 KB to 25 MB" (video)
// and "1 KB to 4 MB" (face lists), without saying whether a KB is 1000 or 1024
// bytes. The ranges here take the stricter reading at each end: at least 1024
// bytes and at most 6,000,000 (25,000,000; 4,000,000) bytes, so a file inside
// them satisfies both readings. See LivenessImageRange, LivenessVideoRange and
// FaceListImageRange.
//
// # Animated WebP
//
// AppendAnimatedWebP encodes each frame as a lossy (VP8) or lossless (VP8L)
// still with libwebp through github.com/chai2010/webp, lifts the bitstream
// chunk out of the still, and writes the animation container itself: RIFF,
// WEBP, VP8X (animation flag, canvas size), ANIM (background colour, loop
// count) and one ANMF chunk per frame, with the frame durations taken from
// the differences of the frames' timestamps. If the file would exceed the
// range (LivenessVideoRange by default) it lowers the quality.
//
// libwebp needs cgo. Without cgo (CGO_ENABLED=0) the package still builds and
// everything but WebP encoding works: AppendWebP and AppendAnimatedWebP
// return ErrNoWebP, and WebPAvailable is false.
//
// ParseWebP is a pure-Go reader of the WebP container (simple, extended and
// animated files): it walks the RIFF chunks with bounds checks and reports
// the canvas, the animation parameters and every frame with its duration and
// bitstream. The tests use it to check the files written here, and it is
// fuzzed.
//
// # Errors
//
// Every error wraps one of the package's sentinels (ErrInvalidImage,
// ErrInvalidOptions, ErrTooLarge, ErrTooSmall, ErrNoWebP, ErrEncode,
// ErrMalformedWebP), so callers can branch with errors.Is; *InputError,
// *FitError and *WebPError carry the detail for errors.As.
package encode
