package landmarks68

import (
	"errors"
	"fmt"
	"image"
	"math"
	"sync"

	"github.com/facegate/facegate/internal/nn"
)

// ErrInput is the error, wrapped with details, for an image or region the
// Locate methods cannot use. Test with errors.Is.
var ErrInput = errors.New("landmarks68: bad input")

const (
	// NumPoints is the number of landmarks: the 68 points of the iBUG 300-W
	// markup (0-16 jaw, 17-21 and 22-26 brows, 27-35 nose, 36-41 and 42-47
	// eyes, 48-67 mouth; left and right as seen in the image).
	NumPoints = 68
	// InputSize is the side of the square the face crop is resized to.
	InputSize = 112
	// MaxImageSide bounds the width and height of an image (and of a
	// plane given to LocateGrayRegion).
	MaxImageSide = 1 << 15
)

// Point is a landmark position in pixels, as face-api.js reports it: X
// the column, Y the row (fractional, not rounded), from the top-left corner
// of the crop or plane.
type Point struct {
	X, Y float64
}

// Sides of the activations: block b's output is side[b] pixels a side.
var side = [4]int{InputSize / 2, InputSize / 4, InputSize / 8, InputSize / 16}

// Net runs the FaceLandmark68Net network. Its weights are read-only, but it
// owns the scratch buffers of a forward pass: it is not safe for concurrent
// use; use one Net per goroutine (New parses the embedded weights, a few
// milliseconds, and allocates about 3 MB of buffers).
type Net struct {
	m *model

	xs, ys [InputSize]nn.Tap // resize taps per output column and row

	in  []float32 // (InputSize+2)^2 x 3, normalised, zero-bordered
	col []float32 // dense0/conv0's im2col: 56^2 x 27
	pad []float32 // zero-bordered input of a depthwise convolution
	dw  []float32 // a depthwise convolution's output
	a   [4][]float32
	// a[0..3]: out1..out4 of the current dense block (plain HWC)

	feat [features]float32 // the average pool's output
	out  [numOut]float32   // the fully connected layer's output
}

// New returns a Net with the embedded face-api.js FaceLandmark68Net
// weights. The weights are parsed once and shared, read-only, by every Net
// New returns; each Net has its own buffers (about 3 MB).
func New() (*Net, error) {
	m, err := embeddedModel()
	if err != nil {
		return nil, err
	}
	return newNet(m), nil
}

// embeddedModel parses the embedded weights on first use.
var embeddedModel = sync.OnceValues(func() (*model, error) {
	return parseModel(embeddedManifest, embeddedWeights)
})

// NewFromWeights returns a Net with the weights of a tfjs weights manifest
// (the JSON of face_landmark_68_model-weights_manifest.json) and the
// concatenation of the weight files it names. The tensors must be
// FaceLandmark68Net's: same names and shapes. Errors wrap ErrModel.
func NewFromWeights(manifest, weights []byte) (*Net, error) {
	m, err := parseModel(manifest, weights)
	if err != nil {
		return nil, err
	}
	return newNet(m), nil
}

func parseModel(manifest, weights []byte) (*model, error) {
	ts, err := nn.ReadWeights(manifest, weights)
	if err != nil {
		return nil, modelErr(err)
	}
	return buildModel(ts)
}

// newNet returns a Net running m, with its buffers.
func newNet(m *model) *Net {
	s0 := side[0]
	n := &Net{
		m:   m,
		in:  make([]float32, (InputSize+2)*(InputSize+2)*3),
		col: make([]float32, s0*s0*27),
		pad: make([]float32, (s0+2)*(s0+2)*channels[0]),
		dw:  make([]float32, s0*s0*channels[0]),
	}
	// Every later block holds fewer values: side halves, channels double.
	for i := range n.a {
		n.a[i] = make([]float32, s0*s0*channels[0])
	}
	return n
}

// Locate writes to dst the 68 landmarks of the face in an RGB crop (3
// bytes a pixel, w x h pixels, rows stride bytes apart), in the crop's
// pixel coordinates. It follows face-api.js's
// nets.faceLandmark68Net.detectLandmarks(crop): the crop is padded with
// black to a square, centred (the odd pixel of padding goes after), resized
// to 112 x 112 with tf.image.resizeBilinear (no corner alignment, no
// half-pixel centres), normalised ((v - mean RGB) / 255), run through the
// network and mapped back to the crop. It does not allocate.
func (n *Net) Locate(dst *[NumPoints]Point, pix []byte, w, h, stride int) error {
	if err := checkImage(pix, w, h, stride, 3); err != nil {
		return err
	}
	n.run(dst, pix, w, h, stride, 3)
	return nil
}

// LocateGray is Locate for a luma crop (1 byte a pixel, rows stride bytes
// apart): the result equals Locate's for the RGB crop with the luma in each
// of R, G and B.
func (n *Net) LocateGray(dst *[NumPoints]Point, luma []byte, w, h, stride int) error {
	if err := checkImage(luma, w, h, stride, 1); err != nil {
		return err
	}
	n.run(dst, luma, w, h, stride, 1)
	return nil
}

// LocateGrayRegion is LocateGray for the face in box of a luma plane (w x
// h pixels, rows stride bytes apart), typically a face detector's box. The
// crop is box clipped to the plane, as face-api's extractFaces and
// extractFaceTensors cut it (Box.clipAtImageBorders); it must not be empty.
// The landmarks are in the plane's coordinates: the crop's plus the clipped
// box's top-left corner. (face-api's withFaceLandmarks shifts by the
// unclipped box's corner instead, which misplaces the landmarks of a box
// reaching past the top or left edge by the part outside.)
func (n *Net) LocateGrayRegion(dst *[NumPoints]Point, luma []byte, w, h, stride int, box image.Rectangle) error {
	if err := checkImage(luma, w, h, stride, 1); err != nil {
		return err
	}
	r := box.Intersect(image.Rect(0, 0, w, h))
	if r.Empty() {
		return fmt.Errorf("%w: region %v does not overlap the %dx%d plane", ErrInput, box, w, h)
	}
	n.run(dst, luma[r.Min.Y*stride+r.Min.X:], r.Dx(), r.Dy(), stride, 1)
	ox, oy := float64(r.Min.X), float64(r.Min.Y)
	for i := range dst {
		dst[i].X += ox
		dst[i].Y += oy
	}
	return nil
}

func checkImage(pix []byte, w, h, stride, bpp int) error {
	if err := nn.CheckImage(pix, w, h, stride, bpp, MaxImageSide); err != nil {
		return fmt.Errorf("%w: %w", ErrInput, err)
	}
	return nil
}

func (n *Net) run(dst *[NumPoints]Point, pix []byte, w, h, stride, bpp int) {
	n.preprocess(pix, w, h, stride, bpp)
	n.forward()
	n.postprocess(dst, w, h)
}

// preprocess writes the normalised network input: face-api's NetInput
// toBatchTensor(112, isCenterInputs=true) (padToSquare centred: of the
// dimDiff zero rows or columns, round(dimDiff/2) go after the image and the
// rest before; then resizeBilinear(alignCorners=false,
// halfPixelCenters=false) unless the square is already 112), then
// (x - meanRGB) / 255 in float32.
func (n *Net) preprocess(pix []byte, w, h, stride, bpp int) {
	const s = InputSize + 2 // the bordered row
	nn.Input(n.in[(s+1)*3:], s*3, pix, w, h, stride, bpp, true, &meanRGB, n.xs[:], n.ys[:])
}

// forward runs the network on n.in into n.out: face-api's
// FaceFeatureExtractor (denseBlock4 four times, then avgPool 7x7 stride 2
// 'valid') and the fully connected layer.
func (n *Net) forward() {
	m := n.m
	for b := range 4 {
		s, c := side[b], channels[b]
		hw := s * s
		a1, a2, a3, a4 := n.a[0][:hw*c], n.a[1][:hw*c], n.a[2][:hw*c], n.a[3][:hw*c]
		// out1 = relu(conv0(x)), stride 2.
		if b == 0 {
			n.im2col()
			nn.MatMul(a1, n.col, hw, 27, m.conv0w, m.conv0b, c, nn.ReLU)
		} else {
			n.sep(&m.dense[b].sep[0], side[b-1], 2, a1, nn.ReLU)
		}
		clearBorder(n.pad, s, c)
		// out2 = sep(out1); out3 = sep(relu(out1 + out2));
		// out4 = sep(relu(out1 + (out2 + out3))).
		n.setPad(s, c, 1)
		n.sep(&m.dense[b].sep[1], s, 1, a2, nn.Linear)
		n.setPad(s, c, 2)
		n.sep(&m.dense[b].sep[2], s, 1, a3, nn.Linear)
		n.setPad(s, c, 3)
		n.sep(&m.dense[b].sep[3], s, 1, a4, nn.Linear)
		// The block's output: relu(out1 + (out2 + (out3 + out4))), into
		// n.pad for the next block, or in place of out1 for the pool.
		if b < 3 {
			n.setPad(s, c, 4)
		} else {
			sum4(a1, a1, a2, a3, a4)
		}
	}
	// avgPool 7x7, stride 2, 'valid' on 7x7: the mean of each channel,
	// summed and divided in float64 as tfjs's pool does.
	s, c := side[3], channels[3]
	last := n.a[0][:s*s*c]
	for ch := range n.feat {
		var sum float64
		for p := 0; p < s*s; p++ {
			sum += float64(last[p*c+ch])
		}
		n.feat[ch] = float32(sum / float64(s*s))
	}
	// The fully connected layer, as tfjs's CPU matMul sums: blocks of 48
	// inputs summed in float64, each block's sum added to a float32.
	const block = 48
	for o := range n.out {
		var acc float32
		for k0 := 0; k0 < features; k0 += block {
			var sum float64
			for k := k0; k < min(k0+block, features); k++ {
				sum += float64(n.feat[k]) * float64(m.fcw[k*numOut+o])
			}
			acc = float32(float64(acc) + sum)
		}
		n.out[o] = acc + m.fcb[o]
	}
}

// im2col lays out dense0/conv0's input patches: 3x3 stride 2 'same' on 112
// (tfjs pads only the bottom row and right column).
func (n *Net) im2col() {
	const s = InputSize + 2
	so := side[0]
	col := n.col[:so*so*27]
	for oy := range so {
		for ky := range 3 {
			src := n.in[(2*oy+ky+1)*s*3 : (2*oy+ky+2)*s*3]
			for ox := range so {
				d := (oy*so+ox)*27 + ky*9
				copy(col[d:d+9], src[(2*ox+1)*3:(2*ox+1)*3+9])
			}
		}
	}
}

// sep runs the depthwise separable convolution sc with the given stride on
// n.pad (an input sin pixels a side, zero-bordered) into out (plain HWC),
// with bias and the activation act (nn.ReLU or nn.Linear).
func (n *Net) sep(sc *nn.SepConv, sin, stride int, out []float32, act nn.Act) {
	so := sin / stride
	rl := (sin + 2) * sc.Cin
	p := n.pad
	for y := range so {
		r := stride*y + stride - 1 // bordered row of the first tap
		nn.DepthwiseRow(n.dw[y*so*sc.Cin:(y+1)*so*sc.Cin], p[r*rl:(r+1)*rl], p[(r+1)*rl:(r+2)*rl], p[(r+2)*rl:(r+3)*rl], sc.DW, so, sc.Cin, stride)
	}
	nn.MatMul(out, n.dw, so*so, sc.Cin, sc.PW, sc.Bias, sc.Cout, act)
}

// setPad writes the inside of n.pad, laid out for an s x s x c activation,
// from the first k outputs of the dense block, n.a[0..k-1] (out1..outk):
// out1 for k = 1, else relu(out1 + (out2 + (... + outk))), summed from the
// right as face-api's denseBlock4 does.
func (n *Net) setPad(s, c, k int) {
	rl := (s + 2) * c
	rn := s * c
	for y := range s {
		dst := n.pad[(y+1)*rl+c : (y+1)*rl+c+rn]
		a1 := n.a[0][y*rn : (y+1)*rn]
		a2 := n.a[1][y*rn : (y+1)*rn]
		a3 := n.a[2][y*rn : (y+1)*rn]
		switch k {
		case 1:
			copy(dst, a1)
		case 2:
			a2 = a2[:len(dst)]
			a1 = a1[:len(dst)]
			for i := range dst {
				dst[i] = nn.Relu(a1[i] + a2[i])
			}
		case 3:
			a1, a2, a3 = a1[:len(dst)], a2[:len(dst)], a3[:len(dst)]
			for i := range dst {
				dst[i] = nn.Relu(a1[i] + (a2[i] + a3[i]))
			}
		default:
			sum4(dst, a1, a2, a3, n.a[3][y*rn:(y+1)*rn])
		}
	}
}

// sum4 sets dst[i] = relu(a1[i] + (a2[i] + (a3[i] + a4[i]))).
func sum4(dst, a1, a2, a3, a4 []float32) {
	a1, a2, a3, a4 = a1[:len(dst)], a2[:len(dst)], a3[:len(dst)], a4[:len(dst)]
	for i := range dst {
		dst[i] = nn.Relu(a1[i] + (a2[i] + (a3[i] + a4[i])))
	}
}

// clearBorder zeroes the one-pixel border of p laid out for an s x s x c
// activation.
func clearBorder(p []float32, s, c int) {
	rl := (s + 2) * c
	clear(p[:rl])
	clear(p[(s+1)*rl : (s+2)*rl])
	for y := 1; y <= s; y++ {
		clear(p[y*rl : y*rl+c])
		clear(p[y*rl+(s+1)*c : (y+1)*rl])
	}
}

// postprocess maps the network's output to crop pixels as face-api's
// FaceLandmark68NetBase.postProcess and FaceLandmarks do: the outputs are
// relative to the padded square, so x' = (x*112 - padX) / (w*scale) in
// float32, scale = 112/max(w, h) and padX half the difference of the
// scaled sides (on the short side only); then X = x' * w in float64.
func (n *Net) postprocess(dst *[NumPoints]Point, w, h int) {
	scale := InputSize / float64(max(w, h))
	iw, ih := float64(w)*scale, float64(h)*scale
	var padX, padY float64
	if iw < ih {
		padX = math.Abs(iw-ih) / 2
	}
	if ih < iw {
		padY = math.Abs(iw-ih) / 2
	}
	fw, fh := float32(iw), float32(ih)
	px, py := float32(padX), float32(padY)
	for i := range dst {
		x := (n.out[2*i]*InputSize - px) / fw
		y := (n.out[2*i+1]*InputSize - py) / fh
		dst[i] = Point{X: float64(x) * float64(w), Y: float64(y) * float64(h)}
	}
}
