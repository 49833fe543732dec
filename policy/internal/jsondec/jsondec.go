// Package jsondec parses JSON into a small tree, without encoding/json
// (and reflect) in the WebAssembly module: policy.Parse walks the tree into
// a Policy. TestParseMatchesEncodingJSON and FuzzParse hold it to
// encoding/json: the same documents accepted, with the same values.
package jsondec

import (
	"strconv"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/styrke-iam/styrke/policy/internal/floatconv"
	"github.com/styrke-iam/styrke/policy/internal/jsonenc"
)

// MaxDepth bounds the nesting of a document; a policy needs 4.
const MaxDepth = 32

// Kind is the kind of a Value.
type Kind uint8

// The kinds of JSON values.
const (
	Null Kind = iota
	Bool
	Number
	String
	Array
	Object
)

// Value is one node of the parsed tree. Objects keep their keys in
// document order, without duplicates.
type Value struct {
	Kind  Kind
	Bool  bool     // a Bool's value
	Num   float64  // a Number's value
	Str   string   // a String's value
	Elems []Value  // array elements, or object values
	Keys  []string // object keys, parallel to Elems
}

// SyntaxError is a document that is not JSON or is nested deeper than
// MaxDepth: Offset is the byte offset where the problem was found.
type SyntaxError struct {
	_      [0]func() // not comparable: no equality code in the module (errors are compared as pointers)
	Offset int
	Msg    string
}

// Error says where and what.
func (e *SyntaxError) Error() string {
	return "syntax error at byte " + strconv.Itoa(e.Offset) + ": " + e.Msg
}

type parser struct {
	data  []byte
	pos   int
	depth int
}

// Parse parses exactly one JSON value (RFC 8259), with optional white space
// around it and nothing else. A duplicate object key is an error, as a
// number out of float64's range is; a string must be valid UTF-8 without
// control characters, and a lone surrogate escape becomes U+FFFD, as
// encoding/json has it. The error is a *SyntaxError, not an error: no
// interface value (and none of its method and equality code) is needed in
// the WebAssembly module.
func Parse(data []byte) (Value, *SyntaxError) {
	p := parser{data: data}
	p.skipSpace()
	v, err := p.value()
	if err != nil {
		return Value{}, err
	}
	p.skipSpace()
	if p.pos < len(p.data) {
		return Value{}, p.fail("unexpected data after the JSON value")
	}
	return v, nil
}

func (p *parser) fail(msg string) *SyntaxError { return &SyntaxError{Offset: p.pos, Msg: msg} }

const hexDigits = "0123456789ABCDEF"

// character names the character at byte at for a message: a printable
// ASCII character between single quotes ('x'; a quote or a backslash
// after a backslash, as Go quotes a rune), any other by its code point
// (U+00E9), and a byte that starts no UTF-8 character by its value.
// (strconv's quoting is not used: its tables of printable code points
// would be in the WebAssembly module for the messages alone.)
func (p *parser) character(at int) string {
	c := p.data[at]
	switch {
	case c == '\'' || c == '\\':
		return "character '\\" + string(c) + "'"
	case c >= 0x20 && c < 0x7f:
		return "character '" + string(c) + "'"
	}
	r, size := utf8.DecodeRune(p.data[at:])
	if r == utf8.RuneError && size == 1 {
		return "byte 0x" + string([]byte{hexDigits[c>>4], hexDigits[c&0xf]}) + " (not UTF-8)"
	}
	return "character " + codePoint(r)
}

// codePoint writes r as U+ and four to six hex digits.
func codePoint(r rune) string {
	n := 4
	for r>>(4*n) != 0 {
		n++
	}
	b := []byte("U+")
	for n--; n >= 0; n-- {
		b = append(b, hexDigits[r>>(4*n)&0xf])
	}
	return string(b)
}

func (p *parser) skipSpace() {
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *parser) value() (Value, *SyntaxError) {
	if p.pos >= len(p.data) {
		return Value{}, p.fail("unexpected end of input")
	}
	switch c := p.data[p.pos]; {
	case c == '{':
		return p.object()
	case c == '[':
		return p.array()
	case c == '"':
		s, err := p.string()
		return Value{Kind: String, Str: s}, err
	case c == 't':
		return Value{Kind: Bool, Bool: true}, p.literal("true")
	case c == 'f':
		return Value{Kind: Bool}, p.literal("false")
	case c == 'n':
		return Value{Kind: Null}, p.literal("null")
	case c == '-' || c >= '0' && c <= '9':
		return p.number()
	default:
		return Value{}, p.fail("unexpected " + p.character(p.pos) + " looking for a value")
	}
}

func (p *parser) literal(word string) *SyntaxError {
	if len(p.data)-p.pos < len(word) || string(p.data[p.pos:p.pos+len(word)]) != word {
		return p.fail("invalid literal, want " + word)
	}
	p.pos += len(word)
	return nil
}

func (p *parser) enter() *SyntaxError {
	p.depth++
	if p.depth > MaxDepth {
		return p.fail("nested more than " + strconv.Itoa(MaxDepth) + " levels deep")
	}
	return nil
}

func (p *parser) object() (Value, *SyntaxError) {
	if err := p.enter(); err != nil {
		return Value{}, err
	}
	p.pos++ // {
	v := Value{Kind: Object, Keys: []string{}, Elems: []Value{}}
	p.skipSpace()
	if p.pos < len(p.data) && p.data[p.pos] == '}' {
		p.pos++
		p.depth--
		return v, nil
	}
	for {
		p.skipSpace()
		if p.pos >= len(p.data) || p.data[p.pos] != '"' {
			return Value{}, p.fail("want a string key")
		}
		keyAt := p.pos
		k, err := p.string()
		if err != nil {
			return Value{}, err
		}
		for _, seen := range v.Keys {
			if seen == k {
				return Value{}, &SyntaxError{Offset: keyAt, Msg: "duplicate key " + jsonenc.Quote(k)}
			}
		}
		p.skipSpace()
		if p.pos >= len(p.data) || p.data[p.pos] != ':' {
			return Value{}, p.fail("want ':' after an object key")
		}
		p.pos++
		p.skipSpace()
		e, err := p.value()
		if err != nil {
			return Value{}, err
		}
		v.Keys = append(v.Keys, k)
		v.Elems = append(v.Elems, e)
		p.skipSpace()
		if p.pos >= len(p.data) {
			return Value{}, p.fail("unexpected end of input in an object")
		}
		switch p.data[p.pos] {
		case ',':
			p.pos++
		case '}':
			p.pos++
			p.depth--
			return v, nil
		default:
			return Value{}, p.fail("want ',' or '}' in an object")
		}
	}
}

func (p *parser) array() (Value, *SyntaxError) {
	if err := p.enter(); err != nil {
		return Value{}, err
	}
	p.pos++ // [
	v := Value{Kind: Array, Elems: []Value{}}
	p.skipSpace()
	if p.pos < len(p.data) && p.data[p.pos] == ']' {
		p.pos++
		p.depth--
		return v, nil
	}
	for {
		p.skipSpace()
		e, err := p.value()
		if err != nil {
			return Value{}, err
		}
		v.Elems = append(v.Elems, e)
		p.skipSpace()
		if p.pos >= len(p.data) {
			return Value{}, p.fail("unexpected end of input in an array")
		}
		switch p.data[p.pos] {
		case ',':
			p.pos++
		case ']':
			p.pos++
			p.depth--
			return v, nil
		default:
			return Value{}, p.fail("want ',' or ']' in an array")
		}
	}
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// number reads an RFC 8259 number as a float64.
func (p *parser) number() (Value, *SyntaxError) {
	start := p.pos
	d := p.data
	if p.pos < len(d) && d[p.pos] == '-' {
		p.pos++
	}
	switch {
	case p.pos < len(d) && d[p.pos] == '0':
		p.pos++
	case p.pos < len(d) && d[p.pos] >= '1' && d[p.pos] <= '9':
		for p.pos < len(d) && isDigit(d[p.pos]) {
			p.pos++
		}
	default:
		return Value{}, p.fail("invalid number: want a digit")
	}
	if p.pos < len(d) && d[p.pos] == '.' {
		p.pos++
		if p.pos >= len(d) || !isDigit(d[p.pos]) {
			return Value{}, p.fail("invalid number: want a digit after '.'")
		}
		for p.pos < len(d) && isDigit(d[p.pos]) {
			p.pos++
		}
	}
	if p.pos < len(d) && (d[p.pos] == 'e' || d[p.pos] == 'E') {
		p.pos++
		if p.pos < len(d) && (d[p.pos] == '+' || d[p.pos] == '-') {
			p.pos++
		}
		if p.pos >= len(d) || !isDigit(d[p.pos]) {
			return Value{}, p.fail("invalid number: want a digit in the exponent")
		}
		for p.pos < len(d) && isDigit(d[p.pos]) {
			p.pos++
		}
	}
	f, ok := floatconv.ParseFloat(string(d[start:p.pos]))
	if !ok {
		return Value{}, &SyntaxError{Offset: start, Msg: "number out of range"}
	}
	return Value{Kind: Number, Num: f}, nil
}

func hexVal(c byte) rune {
	switch {
	case c >= '0' && c <= '9':
		return rune(c - '0')
	case c >= 'a' && c <= 'f':
		return rune(c - 'a' + 10)
	case c >= 'A' && c <= 'F':
		return rune(c - 'A' + 10)
	}
	return -1
}

// hex4 reads the four hex digits of a \u escape at p.pos.
func (p *parser) hex4() (rune, bool) {
	if len(p.data)-p.pos < 4 {
		return 0, false
	}
	var r rune
	for i := range 4 {
		h := hexVal(p.data[p.pos+i])
		if h < 0 {
			return 0, false
		}
		r = r<<4 | h
	}
	p.pos += 4
	return r, true
}

// string reads a JSON string at p.pos (on its opening quote). Raw bytes must
// be valid UTF-8 and no control characters; \u escapes may form surrogate
// pairs, and a lone surrogate becomes U+FFFD, as the standard JSON package does.
func (p *parser) string() (string, *SyntaxError) {
	p.pos++ // "
	d := p.data
	start := p.pos
	// Fast path: no escapes, all ASCII or valid UTF-8.
	for p.pos < len(d) {
		c := d[p.pos]
		if c == '"' {
			s := string(d[start:p.pos])
			p.pos++
			return s, nil
		}
		if c == '\\' {
			break
		}
		if c < 0x20 {
			return "", p.fail("control character in a string")
		}
		if c < utf8.RuneSelf {
			p.pos++
			continue
		}
		r, size := utf8.DecodeRune(d[p.pos:])
		if r == utf8.RuneError && size == 1 {
			return "", p.fail("invalid UTF-8 in a string")
		}
		p.pos += size
	}
	buf := append([]byte(nil), d[start:p.pos]...)
	for p.pos < len(d) {
		c := d[p.pos]
		switch {
		case c == '"':
			p.pos++
			return string(buf), nil
		case c < 0x20:
			return "", p.fail("control character in a string")
		case c == '\\':
			p.pos++
			if p.pos >= len(d) {
				return "", p.fail("unexpected end of input in a string")
			}
			e := d[p.pos]
			p.pos++
			switch e {
			case '"', '\\', '/':
				buf = append(buf, e)
			case 'b':
				buf = append(buf, '\b')
			case 'f':
				buf = append(buf, '\f')
			case 'n':
				buf = append(buf, '\n')
			case 'r':
				buf = append(buf, '\r')
			case 't':
				buf = append(buf, '\t')
			case 'u':
				r, ok := p.hex4()
				if !ok {
					return "", p.fail("invalid \\u escape: want four hex digits")
				}
				if utf16.IsSurrogate(r) {
					r2 := utf8.RuneError
					if r < 0xDC00 && len(d)-p.pos >= 6 && d[p.pos] == '\\' && d[p.pos+1] == 'u' {
						save := p.pos
						p.pos += 2
						lo, ok := p.hex4()
						if ok {
							r2 = utf16.DecodeRune(r, lo)
						}
						if r2 == utf8.RuneError {
							p.pos = save // not a pair: the next escape stands alone
						}
					}
					r = r2
				}
				buf = utf8.AppendRune(buf, r)
			default:
				return "", p.fail("invalid escape: a backslash before " + p.character(p.pos-1) + " in a string")
			}
		case c < utf8.RuneSelf:
			buf = append(buf, c)
			p.pos++
		default:
			r, size := utf8.DecodeRune(d[p.pos:])
			if r == utf8.RuneError && size == 1 {
				return "", p.fail("invalid UTF-8 in a string")
			}
			buf = append(buf, d[p.pos:p.pos+size]...)
			p.pos += size
		}
	}
	return "", p.fail("unexpected end of input in a string")
}

// KindName is what the kind of v is called in an error message: "null",
// "a boolean", "a number", "a string", "an array" or "an object".
func (v *Value) KindName() string {
	switch v.Kind {
	case Null:
		return "null"
	case Bool:
		return "a boolean"
	case Number:
		return "a number"
	case String:
		return "a string"
	case Array:
		return "an array"
	default:
		return "an object"
	}
}
