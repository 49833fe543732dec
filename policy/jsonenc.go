package policy

import (
	"math"
	"sort"
	"strconv"
	"unicode/utf8"
)

// Canonical returns the policy as indented JSON with every field present, in
// a stable order: the form that `styrke policy show` prints and that
// [Policy.Version] hashes. Omitted fields are first filled with their
// defaults; allowedCharacters is left out when nil and requiredClasses when
// empty, and requiredClasses' keys are sorted.
//
// The bytes are exactly those of the standard JSON package's MarshalIndent(p, "", "  ")
// followed by a newline (HTML-sensitive characters escaped, floats formatted
// as the standard JSON package does), written by hand to keep the standard JSON package out of the
// WebAssembly module. A NaN or infinite number, which JSON cannot hold and
// Problems rejects, is written as null.
func (p Policy) Canonical() []byte {
	p = p.withDefaults()
	e := canonEncoder{b: make([]byte, 0, 1024)}
	e.b = append(e.b, '{')
	e.key(1, "id", true)
	e.str(p.ID)
	e.key(1, "name", false)
	e.str(p.Name)
	e.key(1, "contextWords", false)
	e.strs(1, p.ContextWords)
	e.key(1, "minLength", false)
	e.int(p.MinLength)
	e.key(1, "maxLength", false)
	e.int(p.MaxLength)
	e.key(1, "threshold", false)
	e.float(p.Threshold)
	e.key(1, "minGuessesLog10", false)
	e.float(p.MinGuessesLog10)
	e.key(1, "historySize", false)
	e.int(p.HistorySize)
	e.key(1, "breachThreshold", false)
	e.int(p.BreachThreshold)
	e.key(1, "breachCheck", false)
	e.str(p.BreachCheck)
	e.key(1, "activationTTL", false)
	e.str(p.ActivationTTL)
	e.key(1, "score", false)
	e.score(1, &p.Score)
	if a := p.AllowedCharacters; a != nil {
		e.key(1, "allowedCharacters", false)
		e.b = append(e.b, '{')
		e.key(2, "classes", true)
		e.strs(2, a.Classes)
		e.key(2, "extra", false)
		e.str(a.Extra)
		e.close(1, '}')
	}
	if len(p.RequiredClasses) > 0 {
		e.key(1, "requiredClasses", false)
		keys := make([]string, 0, len(p.RequiredClasses))
		for k := range p.RequiredClasses {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		e.b = append(e.b, '{')
		for i, k := range keys {
			e.key(2, k, i == 0)
			e.int(p.RequiredClasses[k])
		}
		e.close(1, '}')
	}
	e.close(0, '}')
	return append(e.b, '\n')
}

// canonEncoder appends indented JSON in the standard JSON package's MarshalIndent layout.
type canonEncoder struct{ b []byte }

func (e *canonEncoder) newline(depth int) {
	e.b = append(e.b, '\n')
	for range depth {
		e.b = append(e.b, ' ', ' ')
	}
}

// key starts a member at depth: a comma unless it is the first, a new line,
// the indent and the quoted name.
func (e *canonEncoder) key(depth int, name string, first bool) {
	if !first {
		e.b = append(e.b, ',')
	}
	e.newline(depth)
	e.str(name)
	e.b = append(e.b, ':', ' ')
}

// close ends an object or array whose members were at depth+1.
func (e *canonEncoder) close(depth int, c byte) {
	e.newline(depth)
	e.b = append(e.b, c)
}

func (e *canonEncoder) int(n int) { e.b = strconv.AppendInt(e.b, int64(n), 10) }

func (e *canonEncoder) bool(v bool) { e.b = strconv.AppendBool(e.b, v) }

// float formats f as the standard JSON package does: %f-like below 1e21 and from 1e-6,
// exponent form otherwise with a two-digit negative exponent shortened.
func (e *canonEncoder) float(f float64) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		e.b = append(e.b, "null"...)
		return
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	e.b = strconv.AppendFloat(e.b, f, format, -1, 64)
	if format == 'e' {
		n := len(e.b)
		if n >= 4 && e.b[n-4] == 'e' && e.b[n-3] == '-' && e.b[n-2] == '0' {
			e.b[n-2] = e.b[n-1]
			e.b = e.b[:n-1]
		}
	}
}

// strs writes a string array whose elements sit at depth+1; nil is null and
// empty is [].
func (e *canonEncoder) strs(depth int, ss []string) {
	switch {
	case ss == nil:
		e.b = append(e.b, "null"...)
		return
	case len(ss) == 0:
		e.b = append(e.b, '[', ']')
		return
	}
	e.b = append(e.b, '[')
	for i, s := range ss {
		if i > 0 {
			e.b = append(e.b, ',')
		}
		e.newline(depth + 1)
		e.str(s)
	}
	e.close(depth, ']')
}

func (e *canonEncoder) score(depth int, s *ScoreRules) {
	e.b = append(e.b, '{')
	e.key(depth+1, "tiers", true)
	switch {
	case s.Tiers == nil:
		e.b = append(e.b, "null"...)
	case len(s.Tiers) == 0:
		e.b = append(e.b, '[', ']')
	default:
		e.b = append(e.b, '[')
		for i, t := range s.Tiers {
			if i > 0 {
				e.b = append(e.b, ',')
			}
			e.newline(depth + 2)
			e.b = append(e.b, '{')
			e.key(depth+3, "from", true)
			e.int(t.From)
			e.key(depth+3, "points", false)
			e.float(t.Points)
			if t.Floor {
				e.key(depth+3, "floor", false)
				e.bool(true)
			}
			e.close(depth+2, '}')
		}
		e.close(depth+1, ']')
	}
	e.key(depth+1, "occurrenceLimit", false)
	e.int(s.OccurrenceLimit)
	e.key(depth+1, "repeatScores", false)
	e.bool(s.RepeatScores)
	e.key(depth+1, "categories", false)
	e.str(s.Categories)
	e.key(depth+1, "bonus", false)
	switch {
	case s.Bonus == nil:
		e.b = append(e.b, "null"...)
	case len(s.Bonus) == 0:
		e.b = append(e.b, '[', ']')
	default:
		e.b = append(e.b, '[')
		for i, r := range s.Bonus {
			if i > 0 {
				e.b = append(e.b, ',')
			}
			e.newline(depth + 2)
			e.b = append(e.b, '{')
			e.key(depth+3, "points", true)
			e.float(r.Points)
			e.key(depth+3, "categories", false)
			e.int(r.Categories)
			e.key(depth+3, "minEach", false)
			e.int(r.MinEach)
			e.close(depth+2, '}')
		}
		e.close(depth+1, ']')
	}
	e.close(depth, '}')
}

// str writes s quoted as the standard JSON package does with HTML escaping on: ", \ and
// control characters escaped (\b \f \n \r \t short, others \u00XX), <, > and
// & as \u003c, \u003e, \u0026, U+2028 and U+2029 escaped, invalid UTF-8 as
// \ufffd.
func (e *canonEncoder) str(s string) {
	b := append(e.b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	e.b = append(b, '"')
}
