package policy

import (
	"strconv"

	"github.com/styrke-iam/styrke/policy/internal/jsonenc"
)

// AppendJSONString appends s as a JSON string, as AppendJSON writes its
// strings (invalid UTF-8 as U+FFFD; <, > and & escaped, as encoding/json
// does): for the WebAssembly module's own answers (its errors and a
// policy's problems), so that the module links one string encoder, not two.
func AppendJSONString(b []byte, s string) []byte { return jsonenc.AppendString(b, s) }

// AppendJSON appends the Result's JSON, the wire contract, to b:
//
//	{"score":37.5,"bonus":0,"threshold":32,"ok":false,
//	 "chars":[{"points":4,"category":"lower","note":""},{...,"pattern":true},...],
//	 "violations":[{"rule":"weak","params":{"score":4,"threshold":32},"message":"..."}],
//	 "feedback":["..."]}
//
// Field order is fixed, numbers use the shortest form that round-trips, and
// no field ever holds the password. It is hand-written (no reflection) so
// that the WebAssembly module can do without the standard JSON package.
func (r Result) AppendJSON(b []byte) []byte {
	b = append(b, `{"score":`...)
	b = jsonenc.AppendNumber(b, r.Score)
	b = append(b, `,"bonus":`...)
	b = jsonenc.AppendNumber(b, r.Bonus)
	b = append(b, `,"threshold":`...)
	b = jsonenc.AppendNumber(b, r.Threshold)
	b = append(b, `,"ok":`...)
	b = strconv.AppendBool(b, r.OK)
	b = append(b, `,"chars":[`...)
	for i, c := range r.Chars {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"points":`...)
		b = jsonenc.AppendNumber(b, c.Points)
		b = append(b, `,"category":`...)
		b = jsonenc.AppendString(b, c.Category.String())
		b = append(b, `,"note":`...)
		b = jsonenc.AppendString(b, c.Note.String())
		if c.Pattern {
			b = append(b, `,"pattern":true`...)
		}
		b = append(b, '}')
	}
	b = append(b, `],"violations":[`...)
	for i, v := range r.Violations {
		if i > 0 {
			b = append(b, ',')
		}
		b = v.AppendJSON(b)
	}
	b = append(b, `],"feedback":[`...)
	for i, f := range r.Feedback {
		if i > 0 {
			b = append(b, ',')
		}
		b = jsonenc.AppendString(b, f)
	}
	return append(b, "]}"...)
}

// MarshalJSON returns AppendJSON's bytes, so that standard-library JSON users get
// the same wire form.
func (r Result) MarshalJSON() ([]byte, error) { return r.AppendJSON(nil), nil }

// AppendJSON appends the violation as {"rule":..,"params":{..},"message":..}.
func (v Violation) AppendJSON(b []byte) []byte {
	b = append(b, `{"rule":`...)
	b = jsonenc.AppendString(b, v.Rule)
	b = append(b, `,"params":{`...)
	for j, p := range v.Params {
		if j > 0 {
			b = append(b, ',')
		}
		b = jsonenc.AppendString(b, p.Name)
		b = append(b, ':')
		if p.Value.IsStr {
			b = jsonenc.AppendString(b, p.Value.Str)
		} else {
			b = jsonenc.AppendNumber(b, p.Value.Num)
		}
	}
	b = append(b, `},"message":`...)
	b = jsonenc.AppendString(b, v.Message)
	return append(b, '}')
}

// MarshalJSON returns AppendJSON's bytes.
func (v Violation) MarshalJSON() ([]byte, error) { return v.AppendJSON(nil), nil }
