package jsonenc_test

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/policy/internal/jsonenc"
)

// trickyRunes exercise every branch of AppendString.
var trickyRunes = []string{"a", "Z", "0", " ", "\"", "\\", "/", "<", ">", "&", "\b", "\f", "\n", "\r", "\t",
	"\x00", "\x1f", "\x7f", "æ", "Ø", "\u2028", "\u2029", "\U0001F600", "\xff", "\xc3", "é", "\ufffd"}

// TestAppendStringMatchesEncodingJSON: every tricky rune alone, every pair,
// and 20,000 random strings of them are written as json.Marshal writes
// them, after what b already held.
func TestAppendStringMatchesEncodingJSON(t *testing.T) {
	check := func(s string) {
		t.Helper()
		want, err := json.Marshal(s)
		require.NoError(t, err)
		if got := jsonenc.AppendString([]byte("x"), s); string(got) != "x"+string(want) {
			require.Equal(t, "x"+string(want), string(got), "%+q", s)
		}
	}
	for _, a := range trickyRunes {
		for _, b := range trickyRunes {
			check(a + b)
		}
	}
	r := rand.New(rand.NewPCG(7, 8))
	for range 20000 {
		var b strings.Builder
		for range r.IntN(12) {
			b.WriteString(trickyRunes[r.IntN(len(trickyRunes))])
		}
		check(b.String())
	}
	check("")
}

// TestAppendFloatMatchesEncodingJSON: floats of every magnitude, both sides
// of the exponent-form limits, are written as json.Marshal writes them; NaN
// and the infinities as null.
func TestAppendFloatMatchesEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	fs := []float64{0, math.Copysign(0, -1), 1, -1, 0.5, 1e-6, 9.99999e-7, 1e-7, 1e20, 1e21, 9.99e20, -1e21, 1e-300, math.MaxFloat64, math.SmallestNonzeroFloat64}
	for range 20000 {
		fs = append(fs, r.NormFloat64()*math.Pow(10, float64(r.IntN(60)-30)))
	}
	for _, f := range fs {
		want, err := json.Marshal(f)
		require.NoError(t, err)
		if got := jsonenc.AppendFloat(nil, f); string(got) != string(want) {
			require.Equal(t, string(want), string(got), "%v", f)
		}
	}
	for _, f := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		assert.Equal(t, "null", string(jsonenc.AppendFloat(nil, f)), "%v", f)
	}
}

// TestAppendNumberMatchesStrconv: the integer and half fast paths write what
// the shortest-float formatting writes (and what encoding/json writes), for
// every half in a wide range and for values that are neither.
func TestAppendNumberMatchesStrconv(t *testing.T) {
	check := func(f float64) {
		t.Helper()
		want := strconv.FormatFloat(f, 'f', -1, 64)
		if f == 0 {
			want = "0" // -0 as well
		}
		require.Equal(t, want, string(jsonenc.AppendNumber(nil, f)), "%v", f)
	}
	for i := -20001; i <= 20001; i++ {
		check(float64(i) / 2)
	}
	for _, f := range []float64{0.25, -0.75, 1.1, 37.125, 1e14 + 0.5, -1e14 - 0.5, 999999999999999.5, 1e15, -1e15, 1e20, 3.0000000000000004} {
		check(f)
	}
	assert.Equal(t, "0", string(jsonenc.AppendNumber(nil, math.NaN())))
	assert.Equal(t, "0", string(jsonenc.AppendNumber(nil, math.Inf(1))))
}

// TestQuote: a message's quoting escapes what would not show (control
// characters, DEL, the line and paragraph separators) and the quote and
// backslash, keeps every other character as it is, reads back as the same
// string with a JSON decoder when the input is valid UTF-8, and writes a
// byte that is no UTF-8 as U+FFFD.
func TestQuote(t *testing.T) {
	for in, want := range map[string]string{
		"":                 `""`,
		"default":          `"default"`,
		`a"b\c`:            `"a\"b\\c"`,
		"\x00\t\n\x1b\x7f": `"\u0000\u0009\u000a\u001b\u007f"`,
		"bø æ 🙂 <&>":       `"bø æ 🙂 <&>"`,
		"a\u2028b\u2029":   `"a\u2028b\u2029"`,
		"\xff":             `"` + "\ufffd" + `"`,
	} {
		assert.Equal(t, want, jsonenc.Quote(in), "%q", in)
	}
	for _, a := range trickyRunes {
		for _, b := range trickyRunes {
			s := a + b
			var back string
			require.NoError(t, json.Unmarshal([]byte(jsonenc.Quote(s)), &back), "%q", s)
			if utf8.ValidString(s) {
				assert.Equal(t, s, back, "%q", s)
			}
		}
	}
}
