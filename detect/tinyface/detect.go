package tinyface

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/facegate/facegate/internal/nn"
)

// ErrInput is the error, wrapped with details, for an image or options
// Detect cannot use. Test with errors.Is.
var ErrInput = errors.New("tinyface: bad input")

// Defaults and limits of Options.
const (
	// DefaultInputSize is face-api's default inputSize.
	DefaultInputSize = 416
	// DefaultScoreThreshold is face-api's default scoreThreshold.
	DefaultScoreThreshold = 0.5
	// DefaultIoUThreshold is face-api's IOU_THRESHOLD for this detector.
	DefaultIoUThreshold = defaultIoU
	// MaxInputSize bounds Options.InputSize (and so the Detector's
	// buffers, about 46 MB at this size).
	MaxInputSize = 1024
	// MaxImageSide bounds an image's width and height.
	MaxImageSide = 1 << 15
)

// Options are the detection parameters. The zero value means face-api's
// defaults: TinyFaceDetectorOptions{inputSize: 416, scoreThreshold: 0.5}
// and the tiny face detector's NMS IoU threshold 0.4.
type Options struct {
	// InputSize is the side of the square the image is resized to: a
	// multiple of 32 from 32 to MaxInputSize; 0 means 416. The network
	// predicts on a grid of InputSize/32 cells a side: larger finds smaller
	// faces and costs more (roughly with InputSize squared).
	InputSize int
	// ScoreThreshold keeps the boxes whose score is above it; 0 means 0.5.
	// It must be in (0, 1).
	ScoreThreshold float64
	// IoUThreshold is the non-maximum suppression threshold: a box whose
	// intersection over union with a higher-scoring kept box is above it is
	// dropped. 0 means 0.4; it must be in (0, 1].
	IoUThreshold float64
}

func (o Options) resolve() (Options, error) {
	if o.InputSize == 0 {
		o.InputSize = DefaultInputSize
	}
	if o.ScoreThreshold == 0 {
		o.ScoreThreshold = DefaultScoreThreshold
	}
	if o.IoUThreshold == 0 {
		o.IoUThreshold = DefaultIoUThreshold
	}
	if o.InputSize < 32 || o.InputSize > MaxInputSize || o.InputSize%32 != 0 {
		return o, fmt.Errorf("%w: InputSize %d, want a multiple of 32 from 32 to %d", ErrInput, o.InputSize, MaxInputSize)
	}
	if !(o.ScoreThreshold > 0 && o.ScoreThreshold < 1) {
		return o, fmt.Errorf("%w: ScoreThreshold %v, want it in (0, 1)", ErrInput, o.ScoreThreshold)
	}
	if !(o.IoUThreshold > 0 && o.IoUThreshold <= 1) {
		return o, fmt.Errorf("%w: IoUThreshold %v, want it in (0, 1]", ErrInput, o.IoUThreshold)
	}
	return o, nil
}

// Box is a detected face: a rectangle in the input image's pixel
// coordinates (X, Y the top-left corner, which can lie outside the image,
// as can the far edges) and the network's confidence, in (0, 1).
type Box struct {
	X, Y, W, H float64
	Score      float64
}

// Detector runs the TinyFaceDetector network. Its weights are read-only,
// but it owns the scratch buffers of a forward pass: it is not safe for
// concurrent use; use one Detector per goroutine (New is cheap next to a
// detection: the model is parsed from embedded bytes).
type Detector struct {
	m *model

	size int // the InputSize the buffers are laid out for, 0 before the first call

	// per-size tables and activations
	xs, ys []nn.Tap     // resize taps per output column and row
	in     []float32    // InputSize^2 x 3, normalised
	col    []float32    // one row of conv0's im2col: (InputSize-2) x 27
	rowA   []float32    // one conv output row
	rowB   []float32    // the next conv output row
	dwRow  []float32    // one depthwise output row
	pad    [5][]float32 // zero-bordered inputs of conv1..conv5
	dims   [6]int       // side of conv1..conv5's input, then of the grid
	full5  []float32    // conv5's output
	pool5  []float32    // conv5's output after the stride-1 max pool
	out    []float32    // conv8's output: grid^2 x 25

	cands []cand
	order []int32
	gone  []bool
}

// cand is a box above the score threshold, relative to the image
// (face-api's relativeBox: x and width in units of the image width).
type cand struct {
	x, y, w, h, score float64
}

// New returns a Detector with the embedded face-api.js TinyFaceDetector
// weights.
func New() (*Detector, error) {
	return NewFromWeights(embeddedManifest, embeddedWeights)
}

// NewFromWeights returns a Detector with the weights of a tfjs weights
// manifest (the JSON of tiny_face_detector_model-weights_manifest.json) and
// the concatenation of the weight files it names. The tensors must be the
// TinyFaceDetector's: same names and shapes. Errors wrap ErrModel.
func NewFromWeights(manifest, weights []byte) (*Detector, error) {
	ts, err := nn.ReadWeights(manifest, weights)
	if err != nil {
		return nil, modelErr(err)
	}
	m, err := buildModel(ts)
	if err != nil {
		return nil, err
	}
	return &Detector{m: m}, nil
}

// Detect appends to dst the faces found in an RGB image (3 bytes a pixel,
// w x h pixels, rows stride bytes apart) and returns the extended slice,
// ordered by decreasing score. It follows face-api.js's
// detectAllFaces(img, new TinyFaceDetectorOptions(...)): the image is
// padded with black at the bottom or right to a square, resized to
// InputSize with tf.image.resizeBilinear (no corner alignment, no half-pixel
// centres), normalised, run through the network, decoded and suppressed.
// After the first call for an InputSize it does not allocate when dst has
// room.
func (d *Detector) Detect(dst []Box, rgb []byte, w, h, stride int, o Options) ([]Box, error) {
	return d.detect(dst, rgb, w, h, stride, 3, o)
}

// DetectGray is Detect for a luma plane (1 byte a pixel, rows stride bytes
// apart): the result equals Detect's for the RGB image with the luma in
// each of R, G and B.
func (d *Detector) DetectGray(dst []Box, gray []byte, w, h, stride int, o Options) ([]Box, error) {
	return d.detect(dst, gray, w, h, stride, 1, o)
}

func (d *Detector) detect(dst []Box, pix []byte, w, h, stride, bpp int, o Options) ([]Box, error) {
	o, err := o.resolve()
	if err != nil {
		return dst, err
	}
	if err := nn.CheckImage(pix, w, h, stride, bpp, MaxImageSide); err != nil {
		return dst, fmt.Errorf("%w: %w", ErrInput, err)
	}
	d.layout(o.InputSize)
	d.preprocess(pix, w, h, stride, bpp)
	d.forward()
	return d.decode(dst, w, h, o), nil
}

// layout sizes the buffers for input size s, reusing their memory.
func (d *Detector) layout(s int) {
	if d.size == s {
		return
	}
	d.size = s
	d.xs = grow(d.xs, s)
	d.ys = grow(d.ys, s)
	d.in = grow(d.in, s*s*3)
	c0 := s - 2 // conv0 is 'valid'
	d.col = grow(d.col, c0*27)
	side := c0 / 2
	rowMax, dwMax := c0*channels[0], 0
	for i := range d.pad {
		sc := &d.m.sep[i]
		d.dims[i] = side
		d.pad[i] = grow(d.pad[i], (side+2)*(side+2)*sc.Cin)
		clear(d.pad[i]) // the border must be zero; the inside is rewritten
		rowMax = max(rowMax, side*sc.Cout)
		dwMax = max(dwMax, side*sc.Cin)
		if i < 4 {
			side = (side + 1) / 2
		}
	}
	d.dims[5] = side
	d.rowA = grow(d.rowA, rowMax)
	d.rowB = grow(d.rowB, rowMax)
	d.dwRow = grow(d.dwRow, dwMax)
	d.full5 = grow(d.full5, side*side*channels[5])
	d.pool5 = grow(d.pool5, side*side*channels[5])
	d.out = grow(d.out, side*side*outChans)
	cells := side * side * numAnchors
	d.cands = slices.Grow(d.cands[:0], cells)
	d.order = grow(d.order, cells)
	d.gone = grow(d.gone, cells)
}

func grow[T any](b []T, n int) []T {
	if cap(b) < n {
		return make([]T, n)
	}
	return b[:n]
}

// preprocess writes the normalised network input: face-api's NetInput
// toBatchTensor(inputSize, isCenterInputs=false) (padToSquare at the bottom
// or right with zeros, then resizeBilinear(alignCorners=false,
// halfPixelCenters=false) unless the square is already inputSize), then
// (x - MEAN_RGB) / 255 in float32.
func (d *Detector) preprocess(pix []byte, w, h, stride, bpp int) {
	nn.Input(d.in, d.size*3, pix, w, h, stride, bpp, false, &meanRGB, d.xs, d.ys)
}

// forward runs the network on d.in into d.out (face-api's runMobilenet
// with isFirstLayerConv2d).
func (d *Detector) forward() {
	m, s := d.m, d.size
	// conv0: 3x3 'valid' convolution + bias + leaky, then 2x2 max pool,
	// stride 2, into conv1's zero-bordered input.
	c0 := s - 2
	side := d.dims[0]
	for py := 0; py < side; py++ {
		d.conv0Row(2*py, d.rowA)
		d.conv0Row(2*py+1, d.rowB)
		o := ((py+1)*(side+2) + 1) * channels[0]
		nn.PoolRow2(d.pad[0][o:o+side*channels[0]], d.rowA, d.rowB, c0, channels[0])
	}
	// conv1..conv4: separable conv + bias + leaky, 2x2 max pool stride 2.
	for i := 0; i < 4; i++ {
		sc := &m.sep[i]
		side, next := d.dims[i], d.dims[i+1]
		for py := 0; py < next; py++ {
			d.sepRow(i, 2*py, d.rowA)
			rb := d.rowB
			if 2*py+1 < side {
				d.sepRow(i, 2*py+1, rb)
			} else {
				rb = nil
			}
			o := ((py+1)*(next+2) + 1) * sc.Cout
			nn.PoolRow2(d.pad[i+1][o:o+next*sc.Cout], d.rowA, rb, side, sc.Cout)
		}
	}
	// conv5, then a 2x2 max pool with stride 1 ('same': the window is
	// clipped at the bottom and right).
	n, c := d.dims[5], channels[5]
	for y := 0; y < n; y++ {
		d.sepRow(4, y, d.full5[y*n*c:(y+1)*n*c])
	}
	full, pool := d.full5[:n*n*c], d.pool5[:n*n*c]
	for y := 0; y < n; y++ {
		y1 := min(y+1, n-1)
		for x := 0; x < n; x++ {
			x1 := min(x+1, n-1)
			dst := pool[(y*n+x)*c : (y*n+x)*c+c]
			a := full[(y*n+x)*c : (y*n+x)*c+c]
			b := full[(y*n+x1)*c : (y*n+x1)*c+c]
			e := full[(y1*n+x)*c : (y1*n+x)*c+c]
			f := full[(y1*n+x1)*c : (y1*n+x1)*c+c]
			for i := range dst {
				dst[i] = max(a[i], b[i], e[i], f[i])
			}
		}
	}
	// conv8: 1x1 convolution + bias, no activation.
	nn.MatMul(d.out, pool, n*n, c, m.conv8w, m.conv8b, outChans, nn.Linear)
}

// conv0Row computes row y of conv0's output (after bias and leaky).
func (d *Detector) conv0Row(y int, dst []float32) {
	s := d.size
	c0 := s - 2
	col := d.col[:c0*27]
	for ky := 0; ky < 3; ky++ {
		src := d.in[(y+ky)*s*3 : (y+ky+1)*s*3]
		for x := 0; x < c0; x++ {
			copy(col[x*27+ky*9:x*27+ky*9+9], src[x*3:x*3+9])
		}
	}
	nn.MatMul(dst, col, c0, 27, d.m.conv0w, d.m.conv0b, channels[0], nn.Leaky)
}

// sepRow computes row y of separable layer i's output (after bias and
// leaky) from its zero-bordered input.
func (d *Detector) sepRow(i, y int, dst []float32) {
	sc := &d.m.sep[i]
	side := d.dims[i]
	rl := (side + 2) * sc.Cin
	p := d.pad[i]
	nn.DepthwiseRow(d.dwRow, p[y*rl:(y+1)*rl], p[(y+1)*rl:(y+2)*rl], p[(y+2)*rl:(y+3)*rl], sc.DW, side, sc.Cin, 1)
	nn.MatMul(dst, d.dwRow, side, sc.Cin, sc.PW, sc.Bias, sc.Cout, nn.Leaky)
}

// decode turns conv8's output into boxes as face-api's
// TinyYolov2Base.extractBoxes, nonMaxSuppression and FaceDetection do, and
// appends them to dst in NMS order (decreasing score).
func (d *Detector) decode(dst []Box, w, h int, o Options) []Box {
	s := float64(d.size)
	n := d.dims[5]
	nf := float64(n)
	// computeReshapedDimensions and the correction factors.
	scale := s / float64(max(w, h))
	// (face-api divides by zero for an image over InputSize*2 times wider
	// than high, or higher than wide; here the side rounds up to 1.)
	rw := max(1, math.Round(float64(w)*scale))
	rh := max(1, math.Round(float64(h)*scale))
	is := max(rw, rh)
	cfx, cfy := is/rw, is/rh

	out := d.out[:n*n*outChans]
	cands := d.cands[:0]
	for row := 0; row < n; row++ {
		for col := 0; col < n; col++ {
			cell := out[(row*n+col)*outChans : (row*n+col+1)*outChans]
			for a := 0; a < numAnchors; a++ {
				v := cell[a*boxValues : a*boxValues+boxValues]
				score := sigmoid(float64(v[4]))
				if !(score > o.ScoreThreshold) {
					continue
				}
				ctx := ((float64(col) + sigmoid(float64(v[0]))) / nf) * cfx
				cty := ((float64(row) + sigmoid(float64(v[1]))) / nf) * cfy
				wl := ((math.Exp(float64(v[2])) * anchors[a][0]) / nf) * cfx
				hl := ((math.Exp(float64(v[3])) * anchors[a][1]) / nf) * cfy
				x, y := ctx-wl/2, cty-hl/2
				// new BoundingBox(x, y, x+wl, y+hl): width = right - left.
				cands = append(cands, cand{x: x, y: y, w: (x + wl) - x, h: (y + hl) - y, score: score})
			}
		}
	}
	d.cands = cands

	// face-api's nonMaxSuppression: a stable ascending sort by score, then
	// popping from the end, so ties go to the later box.
	order := d.order[:len(cands)]
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(i, j int32) int {
		si, sj := cands[i].score, cands[j].score
		switch {
		case si > sj:
			return -1
		case si < sj:
			return 1
		}
		return int(j - i)
	})
	gone := d.gone[:len(cands)]
	clear(gone)
	fw, fh := float64(w), float64(h)
	for k, i := range order {
		if gone[i] {
			continue
		}
		ci := &cands[i]
		for _, j := range order[k+1:] {
			if !gone[j] && !(iou(ci, &cands[j], s) <= o.IoUThreshold) {
				gone[j] = true
			}
		}
		// ObjectDetection scales the relative box to the image, and
		// FaceDetection scales it back and again.
		bx, by, bw, bh := ci.x*fw, ci.y*fh, ci.w*fw, ci.h*fh
		ix, iy := 1/fw, 1/fh
		bx, by, bw, bh = float64(bx*ix)*fw, float64(by*iy)*fh, float64(bw*ix)*fw, float64(bh*iy)*fh
		dst = append(dst, Box{X: bx, Y: by, W: bw, H: bh, Score: ci.score})
	}
	return dst
}

// iou is face-api's iou of the two boxes scaled by s (Box.rescale(inputSize)).
func iou(a, b *cand, s float64) float64 {
	// The conversions keep the products rounded (no fused multiply-add), as
	// in JavaScript.
	ax, ay, aw, ah := float64(a.x*s), float64(a.y*s), float64(a.w*s), float64(a.h*s)
	bx, by, bw, bh := float64(b.x*s), float64(b.y*s), float64(b.w*s), float64(b.h*s)
	w := max(0, min(ax+aw, bx+bw)-max(ax, bx))
	h := max(0, min(ay+ah, by+bh)-max(ay, by))
	inter := w * h
	return inter / (float64(aw*ah) + float64(bw*bh) - inter)
}

func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }
