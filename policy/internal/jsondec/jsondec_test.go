package jsondec_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/policy/internal/jsondec"
)

// toAny turns a parsed tree into what encoding/json decodes into an any.
func toAny(v *jsondec.Value) any {
	switch v.Kind {
	case jsondec.Null:
		return nil
	case jsondec.Bool:
		return v.Bool
	case jsondec.Number:
		return v.Num
	case jsondec.String:
		return v.Str
	case jsondec.Array:
		out := make([]any, len(v.Elems))
		for i := range v.Elems {
			out[i] = toAny(&v.Elems[i])
		}
		return out
	}
	out := make(map[string]any, len(v.Keys))
	for i, k := range v.Keys {
		out[k] = toAny(&v.Elems[i])
	}
	return out
}

// refParse is encoding/json's verdict and value; ok is false where it
// refuses the document.
func refParse(data []byte) (v any, ok bool) {
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&v); err != nil {
		return nil, false
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, false // more after the value
	}
	return v, true
}

var docs = []string{
	`{}`, `[]`, `null`, `true`, `false`, `0`, `-0`, `1.5e3`, `-0.5E-3`, `"x"`, ` {"a" : [1, 2, {"b": null}] } `,
	`{"a":"\/\\\"\b\f\n\r\t\u0041\u00C5\ud83d\ude00"}`, `["x\ud800y\udc00z\ud800\u0041", "\ud83d\ud83d\ude00"]`,
	`{"name":"Universitetet i \"Tromsø\" <&>","words":["æøå","\u2028"]}`, `[1e308, 123456789012345678901234567890]`,
	// refused by both
	``, ` `, `{`, `}`, `[1,]`, `{"a":1,}`, `{'a':1}`, `{"a" 1}`, `01`, `+1`, `1.`, `.5`, `1e`, `1e+`, `-`, `tru`, `nul`,
	`"\x"`, `"\u12"`, "\"a\nb\"", `1e400`, `{} {}`, `{}x`, `[` + strings.Repeat("[", 10) + `]`,
}

// TestParseMatchesEncodingJSON: Parse accepts what encoding/json accepts,
// with the same values, and refuses what it refuses. (Parse also refuses a
// duplicate key, nesting deeper than MaxDepth and invalid UTF-8, where
// encoding/json takes the last value, goes 10,000 deep and reads U+FFFD:
// see TestParseStricter.)
func TestParseMatchesEncodingJSON(t *testing.T) {
	for _, d := range docs {
		want, wantOK := refParse([]byte(d))
		got, se := jsondec.Parse([]byte(d))
		if !wantOK {
			assert.NotNil(t, se, "%q is refused", d)
			continue
		}
		if assert.Nil(t, se, "%q", d) {
			assert.Equal(t, want, toAny(&got), "%q", d)
		}
	}
}

// TestParseStricter: a duplicate key, a document nested deeper than
// MaxDepth and invalid UTF-8 in a string are refused, each with the offset
// of the problem.
func TestParseStricter(t *testing.T) {
	tests := []struct {
		name, doc string
		offset    int
	}{
		{"duplicate key", `{"id":"a","id":"b"}`, 10},
		{"nested duplicate key", `{"score":{"bonus":[],"bonus":[]}}`, 21},
		{"invalid UTF-8", "{\"id\":\"a\xffb\"}", 8},
		{"too deep", strings.Repeat("[", jsondec.MaxDepth+1) + strings.Repeat("]", jsondec.MaxDepth+1), jsondec.MaxDepth},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, se := jsondec.Parse([]byte(tt.doc))
			require.NotNil(t, se)
			assert.Equal(t, tt.offset, se.Offset, "doc %q: %v", tt.doc, se)
		})
	}
	_, se := jsondec.Parse([]byte(strings.Repeat("[", jsondec.MaxDepth) + strings.Repeat("]", jsondec.MaxDepth)))
	assert.Nil(t, se, "MaxDepth levels are allowed")
}

// TestKindName: what each kind is called in an error message.
func TestKindName(t *testing.T) {
	for doc, want := range map[string]string{`null`: "null", `true`: "a boolean", `1`: "a number", `"s"`: "a string", `[]`: "an array", `{}`: "an object"} {
		v, se := jsondec.Parse([]byte(doc))
		require.Nil(t, se)
		assert.Equal(t, want, v.KindName(), doc)
	}
}

// FuzzParse: Parse agrees with encoding/json but for TestParseStricter's
// refusals, and never panics.
func FuzzParse(f *testing.F) {
	for _, d := range docs {
		f.Add([]byte(d))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, se := jsondec.Parse(data)
		want, wantOK := refParse(data)
		if se == nil {
			if !wantOK {
				t.Fatalf("Parse accepts what encoding/json refuses")
			}
			if g := toAny(&got); !assert.ObjectsAreEqual(want, g) {
				t.Fatalf("Parse's value differs from encoding/json's")
			}
			return
		}
		if wantOK && !strings.Contains(se.Msg, "duplicate key") && !strings.Contains(se.Msg, "nested more than") && !strings.Contains(se.Msg, "invalid UTF-8") {
			t.Fatalf("Parse refuses what encoding/json accepts: %v", se)
		}
	})
}

// TestMessagesNameTheCharacter: a syntax error names the character it
// found as a person can find it in the document: a printable ASCII
// character quoted, any other by its code point (a byte of a multi-byte
// character was shown as the Latin-1 letter of that byte, 'Ã' for é),
// a byte that is no UTF-8 by its value; a duplicate key quoted, with
// the characters that would not show escaped.
func TestMessagesNameTheCharacter(t *testing.T) {
	for _, c := range []struct{ doc, msg string }{
		{`{"a": x}`, "unexpected character 'x' looking for a value"},
		{`{"a": '}`, `unexpected character '\'' looking for a value`},
		{`{"a": \}`, `unexpected character '\\' looking for a value`},
		{`{"a": é}`, "unexpected character U+00E9 looking for a value"},
		{"{\"a\": \u200b1}", "unexpected character U+200B looking for a value"},
		{"{\"a\": \U0001F600}", "unexpected character U+1F600 looking for a value"},
		{"{\"a\": \x7f}", "unexpected character U+007F looking for a value"},
		{"{\"a\": \xc3}", "unexpected byte 0xC3 (not UTF-8) looking for a value"},
		{`{"a": "\q"}`, `invalid escape: a backslash before character 'q' in a string`},
		{`{"a": "\é"}`, `invalid escape: a backslash before character U+00E9 in a string`},
		{`{"a": "\'"}`, `invalid escape: a backslash before character '\'' in a string`},
		{`{"ø": 1, "ø": 2}`, `duplicate key "ø"`},
		{`{"a\u0001": 1, "a\u0001": 2}`, `duplicate key "a\u0001"`},
		{`{"<b>": 1, "<b>": 2}`, `duplicate key "<b>"`},
		{`{"a\"\\": 1, "a\"\\": 2}`, `duplicate key "a\"\\"`},
		{"{\"\u2028\x7f\": 1, \"\u2028\x7f\": 2}", `duplicate key "\u2028\u007f"`},
	} {
		_, err := jsondec.Parse([]byte(c.doc))
		var se *jsondec.SyntaxError
		require.ErrorAs(t, err, &se, c.doc)
		assert.Equal(t, c.msg, se.Msg, c.doc)
	}
}
