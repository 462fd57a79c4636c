package facegate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"
)

// ReadPolicy reads a Policy written as one JSON object whose keys are
// exactly the names of Policy's fields ("MinFaceSize", "MaxBlur", ...), as
// WriteJSON writes it. Fields the object leaves out keep DefaultPolicy's
// values. Keys that are not field names (compared with case) are an error
// wrapping ErrPolicy that names every one of them; so is a value of the
// wrong type. The result is not validated: a caller that changes fields
// afterwards (command-line flags) validates the whole, as New does.
func ReadPolicy(r io.Reader) (*Policy, error) {
	data, err := io.ReadAll(io.LimitReader(r, 1<<20))
	if err != nil {
		return nil, err
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("%w: not a JSON object: %v", ErrPolicy, err)
	}
	fields := policyFields()
	var unknown []string
	for k := range raw {
		if !slices.Contains(fields, k) {
			unknown = append(unknown, fmt.Sprintf("%q", k))
		}
	}
	if len(unknown) > 0 {
		slices.Sort(unknown)
		return nil, fmt.Errorf("%w: unknown field(s) %s (the fields are %s)", ErrPolicy, strings.Join(unknown, ", "), strings.Join(fields, ", "))
	}
	p := DefaultPolicy()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(p); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrPolicy, err)
	}
	return p, nil
}

// WriteJSON writes p as an indented JSON object, every field under its
// name, that ReadPolicy reads back to p.
func (p *Policy) WriteJSON(w io.Writer) error {
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// policyFields returns the names of Policy's fields, in order.
func policyFields() []string {
	t := reflect.TypeFor[Policy]()
	names := make([]string, 0, t.NumField())
	for i := range t.NumField() {
		names = append(names, t.Field(i).Name)
	}
	return names
}
