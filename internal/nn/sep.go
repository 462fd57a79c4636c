package nn

// SepConv is one of face-api's depthwise separable 3x3 convolutions (a
// depthwise filter, a pointwise filter and a bias), laid out for HWC
// activations: DepthwiseRow then MatMul.
type SepConv struct {
	Cin, Cout int
	DW        []float32 // [9][Cin]: tap ky*3+kx, then channel
	PW        []float32 // [Cout][Cin]: the pointwise filter transposed
	Bias      []float32 // [Cout]
}

// SepSpecs returns the tensors of a separable convolution whose weights'
// names start with prefix: prefix+"depthwise_filter", "pointwise_filter"
// and "bias", shaped as face-api stores them.
func SepSpecs(prefix string, cin, cout int) []Spec {
	return []Spec{
		{prefix + "depthwise_filter", []int{3, 3, cin, 1}},
		{prefix + "pointwise_filter", []int{1, 1, cin, cout}},
		{prefix + "bias", []int{cout}},
	}
}

// NewSepConv lays out the separable convolution of SepSpecs(prefix, cin,
// cout) from the tensors Select returned.
func NewSepConv(get map[string][]float32, prefix string, cin, cout int) SepConv {
	return SepConv{
		Cin:  cin,
		Cout: cout,
		DW:   get[prefix+"depthwise_filter"],
		PW:   Transpose(get[prefix+"pointwise_filter"], cin, cout),
		Bias: get[prefix+"bias"],
	}
}
