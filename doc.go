// Package facegate decides, per camera frame and with no allocation in
// steady state, whether the Face liveness service would accept the frame,
// and names the service's answer when it would not.
//
// A Pipeline takes frames as the camera gives them (preprocess.Frame: NV12,
// NV21, I420, RGBA, ...; or decoded images), finds faces with the detect
// package, follows them with the track package (ending every track at a
// cut to another shot, Options.SceneCut), picks the target face as
// the service does (the largest face of the first frame, or the face in a
// rectangle the caller gives once), and applies the gates of a Policy:
// minimum face size scaled to the image, blur, exposure, frontal pose, the
// face inside the frame. Each failure is a Reason whose Code predicts one
// service answer (payload.Rule) and carries the service's exact message,
// the measured value and the threshold:
//
//	pl, _ := facegate.New(nil) // facegate.DefaultPolicy()
//	res, err := pl.Process(&frame)
//	if err == nil && !res.Verdict.Accept {
//		for _, r := range res.Verdict.Reasons() {
//			fmt.Println(r.Code, r.Message(), r.Value, r.Threshold)
//		}
//	}
//
// A Sequence collects the accepted frames of a capture with their target
// rectangles and crops, for a liveness request built with the payload
// package, and judges the coverage of the target across the frames.
//
// The Blur and Exposure scales follow the service's face attributes (0..1,
// with low/medium/high and under/good/over cut at 0.25 and 0.75); the
// README's calibration tables (go run ./bench/calibrate) show how they
// respond to blur and exposure applied to real faces.
package facegate
