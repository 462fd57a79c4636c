// Package bench holds facegate's benchmarks per stage of the frame path,
// each measured side by side with a peer in the same run, and (in
// bench/gate) the latency-regression gate CI runs on them.
//
// The package has no API: everything is in its _test.go files.
//
// # Names
//
// Benchmarks are named Benchmark<Stage>/<impl>/<case>: impl is facegate or
// a peer, case the frame size, 480p (640x480), 720p (1280x720) or 1080p
// (1920x1080). The frames are the real photograph
// testdata/faces/obama-1080p.jpg, resized once at setup to 720p and
// centre-cropped to 4:3 and resized to 480p (x/image/draw CatmullRom), so
// every case has real content and a face of proportional size (312, 206
// and 151 px as Detector finds it).
//
//	Stage       facegate                              peers
//	Luma        Frame{RGBA}.Luma (SIMD)               plain: a Go loop with color.RGBToYCbCr's rounding;
//	                                                  imaging: imaging.Grayscale (NRGBA out, allocates)
//	Resize      Resizer, Area, to 1/4 (1 channel)     xdraw: x/image/draw ApproxBiLinear (its fastest),
//	                                                  into an *image.RGBA (its fast path for a gray source);
//	                                                  xdraw-catmullrom: CatmullRom (quality like Area's),
//	                                                  planned once with NewScaler;
//	                                                  imaging: imaging.Resize with Box
//	Detect      Detector, MinFace 100 at 1080p        pigo: RunCascade + ClusterDetections on the same
//	            scaled to the case, no landmarks      plane, sizes, shift 0.1, scale 1.1 and IoU 0.2
//	Landmarks   Detector.Localise: pupils, the five   pigo: puploc twice + GetLandmarkPoint for lp93,
//	            landmarks and pose of the found face  lp84, lp84 mirrored, lp81, lp82, 63 perturbations
//	CropEncode  I420 frame: CropResizer (Area) to     stdlib: *image.YCbCr SubImage + x/image/draw
//	            400x400 RGB + encode.AppendJPEG (90)  ApproxBiLinear to 400x400 RGBA + image/jpeg (90)
//	Payload     LivenessRequest.WriteTo of 10 frames  none
//	            (400x400 JPEG face crops) into a
//	            reused buffer
//
// CropEncode crops the face box grown to twice its side (the 600x600 crop
// at 1080p), as a payload's face crop.
//
// Every benchmark does its setup (decoding, planning, warm-up) before the
// timer, reports allocations, and sets bytes to the frame the stage
// consumes (4*w*h for Luma's RGBA, 1.5*w*h for CropEncode's I420, w*h for
// the luma stages, the body for Payload), so MB/s over the frame size is
// frames per second.
//
// Run them with
//
//	go test -run '^$' -bench . -benchtime 200ms ./bench/
//
// and read a ratio from one run; benchstat compares runs.
//
// # The gate
//
// go run ./bench/gate builds these benchmarks at a base revision and in
// the working tree, runs facegate's own at 480p and 1080p interleaved on
// the same machine, and fails on a significant slowdown beyond its
// tolerance or on any extra allocation. bench/baseline.json keeps a record
// of figures per machine, with the peers' ratios; the gate does not
// compare with it. See its documentation (go doc ./bench/gate).
package bench
