package policy

import (
	"strconv"
	"unicode/utf8"
)

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
	b = appendNum(b, r.Score)
	b = append(b, `,"bonus":`...)
	b = appendNum(b, r.Bonus)
	b = append(b, `,"threshold":`...)
	b = appendNum(b, r.Threshold)
	b = append(b, `,"ok":`...)
	b = strconv.AppendBool(b, r.OK)
	b = append(b, `,"chars":[`...)
	for i, c := range r.Chars {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"points":`...)
		b = appendNum(b, c.Points)
		b = append(b, `,"category":`...)
		b = appendString(b, c.Category.String())
		b = append(b, `,"note":`...)
		b = appendString(b, c.Note.String())
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
		b = appendString(b, f)
	}
	return append(b, "]}"...)
}

// MarshalJSON returns AppendJSON's bytes, so that standard-library JSON users get
// the same wire form.
func (r Result) MarshalJSON() ([]byte, error) { return r.AppendJSON(nil), nil }

// AppendJSON appends the violation as {"rule":..,"params":{..},"message":..}.
func (v Violation) AppendJSON(b []byte) []byte {
	b = append(b, `{"rule":`...)
	b = appendString(b, v.Rule)
	b = append(b, `,"params":{`...)
	for j, p := range v.Params {
		if j > 0 {
			b = append(b, ',')
		}
		b = appendString(b, p.Name)
		b = append(b, ':')
		if p.Value.IsStr {
			b = appendString(b, p.Value.Str)
		} else {
			b = appendNum(b, p.Value.Num)
		}
	}
	b = append(b, `},"message":`...)
	b = appendString(b, v.Message)
	return append(b, '}')
}

// MarshalJSON returns AppendJSON's bytes.
func (v Violation) MarshalJSON() ([]byte, error) { return v.AppendJSON(nil), nil }

// appendNum writes f as JSON: the shortest decimal that round-trips, like
// the standard JSON package, and 0 for NaN or infinities (which JSON cannot hold).
func appendNum(b []byte, f float64) []byte {
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

const hexDigits = "0123456789abcdef"

// appendString writes s as a JSON string, escaping what JSON requires and
// the HTML-sensitive <, >, & as the standard JSON package does; invalid UTF-8 becomes
// U+FFFD.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
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
