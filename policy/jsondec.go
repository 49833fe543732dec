package policy

import (
	"errors"
	"math"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// This file is a small strict JSON decoder for Policy, so that the package
// (compiled to WebAssembly) needs neither the standard JSON package nor reflection. It
// parses RFC 8259 JSON into a tiny tree and then walks the tree into a
// Policy, naming the full path of every field it rejects.

// ErrMalformed is wrapped by every error Parse returns for a document that
// is not a well-formed policy: a *SyntaxError (not JSON) or a *FieldError
// (JSON, but an unknown field, a duplicate key or a value of the wrong type).
var ErrMalformed = errors.New("malformed policy")

// SyntaxError is a document that is not JSON, or is larger or deeper than
// Parse accepts. Offset is the byte offset where the problem was found.
type SyntaxError struct {
	Offset int
	Msg    string
}

// Error says where and what.
func (e *SyntaxError) Error() string {
	return "parse policy: syntax error at byte " + strconv.Itoa(e.Offset) + ": " + e.Msg
}

// Unwrap makes errors.Is(err, ErrMalformed) hold.
func (e *SyntaxError) Unwrap() error { return ErrMalformed }

// FieldError is a well-formed JSON document whose field at Path (e.g.
// "score.tiers[2].points") is unknown, duplicated or of the wrong type. For
// a wrong type, Want and Got say what was expected and found ("an integer",
// "a string"); Msg is the whole explanation.
type FieldError struct {
	Path string
	Want string
	Got  string
	Msg  string
}

// Error names the path and the problem.
func (e *FieldError) Error() string {
	p := e.Path
	if p == "" {
		p = "(document)"
	}
	return "parse policy: " + p + ": " + e.Msg
}

// Unwrap makes errors.Is(err, ErrMalformed) hold.
func (e *FieldError) Unwrap() error { return ErrMalformed }

// maxJSONDepth bounds the nesting of a policy document; a policy needs 4.
const maxJSONDepth = 32

type jsonKind uint8

const (
	jsonNull jsonKind = iota
	jsonBool
	jsonNumber
	jsonString
	jsonArray
	jsonObject
)

// jsonValue is one node of the parsed tree. Objects keep their keys in
// document order, without duplicates.
type jsonValue struct {
	kind  jsonKind
	b     bool
	num   float64
	str   string
	elems []jsonValue // array elements, or object values
	keys  []string    // object keys, parallel to elems
}

type jsonParser struct {
	data  []byte
	pos   int
	depth int
}

// parseJSON parses exactly one JSON value, with optional white space around
// it and nothing else.
func parseJSON(data []byte) (jsonValue, error) {
	p := jsonParser{data: data}
	p.skipSpace()
	v, err := p.value()
	if err != nil {
		return jsonValue{}, err
	}
	p.skipSpace()
	if p.pos < len(p.data) {
		return jsonValue{}, p.fail("unexpected data after the JSON value")
	}
	return v, nil
}

func (p *jsonParser) fail(msg string) error { return &SyntaxError{Offset: p.pos, Msg: msg} }

func (p *jsonParser) skipSpace() {
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *jsonParser) value() (jsonValue, error) {
	if p.pos >= len(p.data) {
		return jsonValue{}, p.fail("unexpected end of input")
	}
	switch c := p.data[p.pos]; {
	case c == '{':
		return p.object()
	case c == '[':
		return p.array()
	case c == '"':
		s, err := p.string()
		return jsonValue{kind: jsonString, str: s}, err
	case c == 't':
		return jsonValue{kind: jsonBool, b: true}, p.literal("true")
	case c == 'f':
		return jsonValue{kind: jsonBool}, p.literal("false")
	case c == 'n':
		return jsonValue{kind: jsonNull}, p.literal("null")
	case c == '-' || c >= '0' && c <= '9':
		return p.number()
	default:
		return jsonValue{}, p.fail("unexpected character " + strconv.QuoteRune(rune(c)) + " looking for a value")
	}
}

func (p *jsonParser) literal(word string) error {
	if len(p.data)-p.pos < len(word) || string(p.data[p.pos:p.pos+len(word)]) != word {
		return p.fail("invalid literal, want " + word)
	}
	p.pos += len(word)
	return nil
}

func (p *jsonParser) enter() error {
	p.depth++
	if p.depth > maxJSONDepth {
		return p.fail("nested more than " + strconv.Itoa(maxJSONDepth) + " levels deep")
	}
	return nil
}

func (p *jsonParser) object() (jsonValue, error) {
	if err := p.enter(); err != nil {
		return jsonValue{}, err
	}
	p.pos++ // {
	v := jsonValue{kind: jsonObject, keys: []string{}, elems: []jsonValue{}}
	p.skipSpace()
	if p.pos < len(p.data) && p.data[p.pos] == '}' {
		p.pos++
		p.depth--
		return v, nil
	}
	for {
		p.skipSpace()
		if p.pos >= len(p.data) || p.data[p.pos] != '"' {
			return jsonValue{}, p.fail("want a string key")
		}
		keyAt := p.pos
		k, err := p.string()
		if err != nil {
			return jsonValue{}, err
		}
		for _, seen := range v.keys {
			if seen == k {
				return jsonValue{}, &SyntaxError{Offset: keyAt, Msg: "duplicate key " + strconv.Quote(k)}
			}
		}
		p.skipSpace()
		if p.pos >= len(p.data) || p.data[p.pos] != ':' {
			return jsonValue{}, p.fail("want ':' after an object key")
		}
		p.pos++
		p.skipSpace()
		e, err := p.value()
		if err != nil {
			return jsonValue{}, err
		}
		v.keys = append(v.keys, k)
		v.elems = append(v.elems, e)
		p.skipSpace()
		if p.pos >= len(p.data) {
			return jsonValue{}, p.fail("unexpected end of input in an object")
		}
		switch p.data[p.pos] {
		case ',':
			p.pos++
		case '}':
			p.pos++
			p.depth--
			return v, nil
		default:
			return jsonValue{}, p.fail("want ',' or '}' in an object")
		}
	}
}

func (p *jsonParser) array() (jsonValue, error) {
	if err := p.enter(); err != nil {
		return jsonValue{}, err
	}
	p.pos++ // [
	v := jsonValue{kind: jsonArray, elems: []jsonValue{}}
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
			return jsonValue{}, err
		}
		v.elems = append(v.elems, e)
		p.skipSpace()
		if p.pos >= len(p.data) {
			return jsonValue{}, p.fail("unexpected end of input in an array")
		}
		switch p.data[p.pos] {
		case ',':
			p.pos++
		case ']':
			p.pos++
			p.depth--
			return v, nil
		default:
			return jsonValue{}, p.fail("want ',' or ']' in an array")
		}
	}
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// number reads an RFC 8259 number as a float64.
func (p *jsonParser) number() (jsonValue, error) {
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
		return jsonValue{}, p.fail("invalid number: want a digit")
	}
	if p.pos < len(d) && d[p.pos] == '.' {
		p.pos++
		if p.pos >= len(d) || !isDigit(d[p.pos]) {
			return jsonValue{}, p.fail("invalid number: want a digit after '.'")
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
			return jsonValue{}, p.fail("invalid number: want a digit in the exponent")
		}
		for p.pos < len(d) && isDigit(d[p.pos]) {
			p.pos++
		}
	}
	f, err := strconv.ParseFloat(string(d[start:p.pos]), 64)
	if err != nil {
		return jsonValue{}, &SyntaxError{Offset: start, Msg: "number out of range"}
	}
	return jsonValue{kind: jsonNumber, num: f}, nil
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
func (p *jsonParser) hex4() (rune, bool) {
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
func (p *jsonParser) string() (string, error) {
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
				return "", p.fail("invalid escape " + strconv.QuoteRune(rune(e)) + " in a string")
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

// What each kind is called in a FieldError's Got.
func (v *jsonValue) kindName() string {
	switch v.kind {
	case jsonNull:
		return "null"
	case jsonBool:
		return "a boolean"
	case jsonNumber:
		return "a number"
	case jsonString:
		return "a string"
	case jsonArray:
		return "an array"
	default:
		return "an object"
	}
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func indexPath(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }

func wrongType(path, want string, v *jsonValue) error {
	got := v.kindName()
	return &FieldError{Path: path, Want: want, Got: got, Msg: "want " + want + ", got " + got}
}

func unknownField(path string) error {
	return &FieldError{Path: path, Msg: "unknown field"}
}

// fields calls f for every key of the object v, in document order; f reports
// whether it knows the key, and an unknown key is an error naming its path.
func fields(v *jsonValue, path string, f func(key string, val *jsonValue, path string) (bool, error)) error {
	if v.kind != jsonObject {
		return wrongType(path, "an object", v)
	}
	for i, k := range v.keys {
		kp := joinPath(path, k)
		known, err := f(k, &v.elems[i], kp)
		if err != nil {
			return err
		}
		if !known {
			return unknownField(kp)
		}
	}
	return nil
}

// Largest integer a float64 holds exactly; integers beyond are rejected.
const maxExactInt = 1 << 53

func decodeInt(v *jsonValue, path string) (int, error) {
	if v.kind != jsonNumber {
		return 0, wrongType(path, "an integer", v)
	}
	if v.num != math.Trunc(v.num) || math.Abs(v.num) > maxExactInt {
		return 0, &FieldError{Path: path, Want: "an integer", Got: "a number", Msg: "want an integer, got a number that is not a whole number within ±2^53"}
	}
	return int(v.num), nil
}

func decodeFloat(v *jsonValue, path string) (float64, error) {
	if v.kind != jsonNumber {
		return 0, wrongType(path, "a number", v)
	}
	return v.num, nil
}

func decodeString(v *jsonValue, path string) (string, error) {
	if v.kind != jsonString {
		return "", wrongType(path, "a string", v)
	}
	return v.str, nil
}

func decodeBool(v *jsonValue, path string) (bool, error) {
	if v.kind != jsonBool {
		return false, wrongType(path, "a boolean", v)
	}
	return v.b, nil
}

func decodeStrings(v *jsonValue, path string) ([]string, error) {
	if v.kind != jsonArray {
		return nil, wrongType(path, "an array of strings", v)
	}
	out := make([]string, len(v.elems))
	for i := range v.elems {
		s, err := decodeString(&v.elems[i], indexPath(path, i))
		if err != nil {
			return nil, err
		}
		out[i] = s
	}
	return out, nil
}

// decodePolicy walks a parsed document into a Policy. A field that is absent
// or null takes its default; an explicit zero is kept where the default is
// not zero and zero is meaningful (historySize, score.occurrenceLimit,
// score.repeatScores), and otherwise replaced by the default as withDefaults
// does.
func decodePolicy(doc *jsonValue) (Policy, error) {
	p := Policy{
		MinLength:       defaultMinLength,
		MaxLength:       defaultMaxLength,
		Threshold:       defaultThreshold,
		MinGuessesLog10: DefaultMinGuessesLog10,
		HistorySize:     defaultHistory,
		BreachThreshold: defaultBreachHits,
		Score:           DefaultScoreRules(),
	}
	err := fields(doc, "", func(key string, v *jsonValue, path string) (bool, error) {
		if v.kind == jsonNull {
			return knownPolicyField(key), nil
		}
		var err error
		switch key {
		case "id":
			p.ID, err = decodeString(v, path)
		case "name":
			p.Name, err = decodeString(v, path)
		case "contextWords":
			p.ContextWords, err = decodeStrings(v, path)
		case "minLength":
			p.MinLength, err = decodeInt(v, path)
		case "maxLength":
			p.MaxLength, err = decodeInt(v, path)
		case "threshold":
			p.Threshold, err = decodeFloat(v, path)
		case "minGuessesLog10":
			p.MinGuessesLog10, err = decodeFloat(v, path)
		case "historySize":
			p.HistorySize, err = decodeInt(v, path)
		case "breachThreshold":
			p.BreachThreshold, err = decodeInt(v, path)
		case "breachCheck":
			p.BreachCheck, err = decodeString(v, path)
		case "activationTTL":
			p.ActivationTTL, err = decodeString(v, path)
		case "score":
			err = decodeScore(v, path, &p.Score)
		case "allowedCharacters":
			p.AllowedCharacters, err = decodeAllowed(v, path)
		case "requiredClasses":
			p.RequiredClasses, err = decodeClasses(v, path)
		default:
			return false, nil
		}
		return true, err
	})
	if err != nil {
		return Policy{}, err
	}
	return p.withDefaults(), nil
}

func knownPolicyField(key string) bool {
	switch key {
	case "id", "name", "contextWords", "minLength", "maxLength", "threshold", "minGuessesLog10", "historySize",
		"breachThreshold", "breachCheck", "activationTTL", "score", "allowedCharacters", "requiredClasses":
		return true
	}
	return false
}

func decodeScore(v *jsonValue, path string, s *ScoreRules) error {
	return fields(v, path, func(key string, v *jsonValue, path string) (bool, error) {
		var err error
		switch key {
		case "tiers":
			if v.kind != jsonNull {
				s.Tiers, err = decodeTiers(v, path)
			}
		case "occurrenceLimit":
			if v.kind != jsonNull {
				s.OccurrenceLimit, err = decodeInt(v, path)
			}
		case "repeatScores":
			if v.kind != jsonNull {
				s.RepeatScores, err = decodeBool(v, path)
			}
		case "categories":
			if v.kind != jsonNull {
				var c string
				c, err = decodeString(v, path)
				if c != "" {
					s.Categories = c
				}
			}
		case "bonus":
			if v.kind != jsonNull {
				s.Bonus, err = decodeBonus(v, path)
			}
		default:
			return false, nil
		}
		return true, err
	})
}

func decodeTiers(v *jsonValue, path string) ([]Tier, error) {
	if v.kind != jsonArray {
		return nil, wrongType(path, "an array of tiers", v)
	}
	out := make([]Tier, len(v.elems))
	for i := range v.elems {
		t := &out[i]
		err := fields(&v.elems[i], indexPath(path, i), func(key string, v *jsonValue, path string) (bool, error) {
			var err error
			switch key {
			case "from":
				if v.kind != jsonNull {
					t.From, err = decodeInt(v, path)
				}
			case "points":
				if v.kind != jsonNull {
					t.Points, err = decodeFloat(v, path)
				}
			case "floor":
				if v.kind != jsonNull {
					t.Floor, err = decodeBool(v, path)
				}
			default:
				return false, nil
			}
			return true, err
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

func decodeBonus(v *jsonValue, path string) ([]BonusRule, error) {
	if v.kind != jsonArray {
		return nil, wrongType(path, "an array of bonus rules", v)
	}
	out := make([]BonusRule, len(v.elems))
	for i := range v.elems {
		b := &out[i]
		err := fields(&v.elems[i], indexPath(path, i), func(key string, v *jsonValue, path string) (bool, error) {
			var err error
			switch key {
			case "points":
				if v.kind != jsonNull {
					b.Points, err = decodeFloat(v, path)
				}
			case "categories":
				if v.kind != jsonNull {
					b.Categories, err = decodeInt(v, path)
				}
			case "minEach":
				if v.kind != jsonNull {
					b.MinEach, err = decodeInt(v, path)
				}
			default:
				return false, nil
			}
			return true, err
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

func decodeAllowed(v *jsonValue, path string) (*AllowedCharacters, error) {
	a := &AllowedCharacters{}
	err := fields(v, path, func(key string, v *jsonValue, path string) (bool, error) {
		var err error
		switch key {
		case "classes":
			if v.kind != jsonNull {
				a.Classes, err = decodeStrings(v, path)
			}
		case "extra":
			if v.kind != jsonNull {
				a.Extra, err = decodeString(v, path)
			}
		default:
			return false, nil
		}
		return true, err
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

func decodeClasses(v *jsonValue, path string) (map[string]int, error) {
	if v.kind != jsonObject {
		return nil, wrongType(path, "an object of counts", v)
	}
	m := make(map[string]int, len(v.keys))
	for i, k := range v.keys {
		n, err := decodeInt(&v.elems[i], joinPath(path, k))
		if err != nil {
			return nil, err
		}
		m[k] = n
	}
	return m, nil
}
