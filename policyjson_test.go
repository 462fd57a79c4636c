package facegate_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/facegate/facegate"
)

func TestPolicyJSONRoundTrip(t *testing.T) {
	p := facegate.DefaultPolicy()
	p.MinFaceSize, p.MaxBlur, p.MaxYaw, p.UnknownPoseWarns = 150, 0.6, 22.5, true
	var b bytes.Buffer
	if err := p.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `"MinFaceSize": 150`) {
		t.Errorf("field names are not Policy's:\n%s", b.String())
	}
	q, err := facegate.ReadPolicy(&b)
	if err != nil {
		t.Fatal(err)
	}
	if *q != *p {
		t.Errorf("round trip: got %+v, want %+v", *q, *p)
	}
}

func TestReadPolicy(t *testing.T) {
	p, err := facegate.ReadPolicy(strings.NewReader(`{"MaxBlur": 0.5}`))
	if err != nil {
		t.Fatal(err)
	}
	want := facegate.DefaultPolicy()
	want.MaxBlur = 0.5
	if *p != *want {
		t.Errorf("a partial file: got %+v, want the defaults with MaxBlur 0.5", *p)
	}
	for _, tc := range []struct{ in, want string }{
		{`{"MaxBlur": 0.5, "MaxBlurr": 1, "minFaceSize": 3}`, `unknown field(s) "MaxBlurr", "minFaceSize"`},
		{`{"MaxBlur": "high"}`, "MaxBlur"},
		{`[1]`, "not a JSON object"},
		{`{"MaxBlur": 0.5} trailing`, "not a JSON object"},
	} {
		_, err := facegate.ReadPolicy(strings.NewReader(tc.in))
		if !errors.Is(err, facegate.ErrPolicy) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want ErrPolicy naming %q", tc.in, err, tc.want)
		}
	}
}

// Validate names the field in a *PolicyError that is ErrPolicy.
func TestPolicyErrorField(t *testing.T) {
	p := facegate.DefaultPolicy()
	p.MaxRoll = 91
	err := p.Validate()
	var pe *facegate.PolicyError
	if !errors.As(err, &pe) || pe.Field != "MaxRoll" || pe.Value != "91" || !errors.Is(err, facegate.ErrPolicy) ||
		err.Error() != "facegate: invalid policy: MaxRoll = 91" {
		t.Errorf("err = %v (%#v)", err, pe)
	}
}
