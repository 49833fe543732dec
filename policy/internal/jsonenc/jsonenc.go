// Package jsonenc appends JSON values the way encoding/json writes them,
// without encoding/json (and reflect) in the WebAssembly module: the
// policy's Canonical form and the Result's JSON are built from these.
// TestAppendStringMatchesEncodingJSON, TestAppendFloatMatchesEncodingJSON
// and TestAppendNumberMatchesStrconv hold them to the standard library.
package jsonenc

import (
	"math"
	"strconv"
	"unicode/utf8"
)

const hexDigits = "0123456789abcdef"

// shortEscapes holds, for each control character that has one, the letter
// of its short escape (\b \t \n \f \r); 0 for the others.
const shortEscapes = "\x00\x00\x00\x00\x00\x00\x00\x00btn\x00fr\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"

// AppendString appends s quoted as encoding/json writes a string (HTML
// escaping on): ", \ and the control characters escaped (\b \f \n \r \t
// short, others as \u00XX), <, > and & as \u003c, \u003e and \u0026, U+2028
// and U+2029 escaped, and each invalid UTF-8 byte as \ufffd.
func AppendString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c < 0x20 && shortEscapes[c] != 0:
				b = append(b, '\\', shortEscapes[c])
			case c < 0x20 || c == '<' || c == '>' || c == '&':
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
		default:
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}

// AppendFloat appends f as encoding/json writes a float64: like %f from
// 1e-6 and below 1e21, in exponent form otherwise (with a negative
// two-digit exponent shortened, 1e-07 as 1e-7). NaN and the infinities,
// which JSON cannot hold and encoding/json refuses, are written as null.
func AppendFloat(b []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(b, "null"...)
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		n := len(b)
		if n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

// AppendNumber appends f as the shortest decimal that reads back as f, never
// in exponent form (strconv's 'f' format with precision -1, as encoding/json
// writes numbers under 1e21), and 0 for NaN, the infinities and any number
// beyond ±1e300 (which JSON cannot hold or a Result never has). Integers and
// halves (the score's usual points) take a fast path.
func AppendNumber(b []byte, f float64) []byte {
	if f != f || f > 1e300 || f < -1e300 {
		return append(b, '0')
	}
	if f >= 1e15 || f <= -1e15 {
		return strconv.AppendFloat(b, f, 'f', -1, 64)
	}
	if f == float64(int64(f)) {
		return strconv.AppendInt(b, int64(f), 10)
	}
	// Halves (the usual fractional points: 1.5, 2.5) need no shortest-float
	// search; TestAppendNumMatchesStrconv holds the output to strconv's.
	if h := 2 * f; h == float64(int64(h)) {
		if f < 0 {
			b = append(b, '-')
			f = -f
		}
		b = strconv.AppendInt(b, int64(f), 10)
		return append(b, '.', '5')
	}
	return strconv.AppendFloat(b, f, 'f', -1, 64)
}

// Quote returns s between double quotes for a message (an error naming a
// key or an id): '"' and '\' escaped, and what would not show, the control
// characters, DEL and the line and paragraph separators, as JSON's \u
// escapes. Other characters stay as they are, so "ø" reads as ø. (Not
// strconv.Quote: its tables of printable code points would be in the
// WebAssembly module for the messages alone.)
func Quote(s string) string {
	b := []byte{'"'}
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b = append(b, '\\', byte(r))
		case r < 0x20 || r == 0x7f || r == 0x2028 || r == 0x2029:
			b = append(b, '\\', 'u', hexDigits[r>>12], hexDigits[r>>8&0xf], hexDigits[r>>4&0xf], hexDigits[r&0xf])
		default:
			b = utf8.AppendRune(b, r)
		}
	}
	return string(append(b, '"'))
}
