package policy

import (
	"sort"
	"strconv"

	"github.com/styrke-iam/styrke/policy/internal/jsonenc"
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
	e.b = jsonenc.AppendString(e.b, p.ID)
	e.key(1, "name", false)
	e.b = jsonenc.AppendString(e.b, p.Name)
	e.key(1, "contextWords", false)
	e.strs(1, p.ContextWords)
	e.key(1, "minLength", false)
	e.int(p.MinLength)
	e.key(1, "maxLength", false)
	e.int(p.MaxLength)
	e.key(1, "threshold", false)
	e.b = jsonenc.AppendFloat(e.b, p.Threshold)
	e.key(1, "minGuessesLog10", false)
	e.b = jsonenc.AppendFloat(e.b, p.MinGuessesLog10)
	e.key(1, "historySize", false)
	e.int(p.HistorySize)
	e.key(1, "breachThreshold", false)
	e.int(p.BreachThreshold)
	e.key(1, "breachCheck", false)
	e.b = jsonenc.AppendString(e.b, p.BreachCheck)
	e.key(1, "activationTTL", false)
	e.b = jsonenc.AppendString(e.b, p.ActivationTTL)
	e.key(1, "score", false)
	e.score(1, &p.Score)
	if a := p.AllowedCharacters; a != nil {
		e.key(1, "allowedCharacters", false)
		e.b = append(e.b, '{')
		e.key(2, "classes", true)
		e.strs(2, a.Classes)
		e.key(2, "extra", false)
		e.b = jsonenc.AppendString(e.b, a.Extra)
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
	e.b = jsonenc.AppendString(e.b, name)
	e.b = append(e.b, ':', ' ')
}

// close ends an object or array whose members were at depth+1.
func (e *canonEncoder) close(depth int, c byte) {
	e.newline(depth)
	e.b = append(e.b, c)
}

func (e *canonEncoder) int(n int) { e.b = strconv.AppendInt(e.b, int64(n), 10) }

func (e *canonEncoder) bool(v bool) { e.b = strconv.AppendBool(e.b, v) }

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
		e.b = jsonenc.AppendString(e.b, s)
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
			e.b = jsonenc.AppendFloat(e.b, t.Points)
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
	e.b = jsonenc.AppendString(e.b, s.Categories)
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
			e.b = jsonenc.AppendFloat(e.b, r.Points)
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
