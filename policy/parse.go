package policy

import (
	"errors"
	"math"
	"strconv"

	"github.com/styrke-iam/styrke/policy/internal/jsondec"
)

// This file walks the tree that internal/jsondec parses (so that the
// WebAssembly module needs neither the standard JSON package nor
// reflection) into a Policy, naming the full path of every field it
// rejects.

// ErrMalformed is wrapped by every error Parse returns for a document that
// is not a well-formed policy: a *SyntaxError (not JSON) or a *FieldError
// (JSON, but an unknown field, a duplicate key or a value of the wrong type).
var ErrMalformed = errors.New("malformed policy")

// SyntaxError is a document that is not JSON, or is larger or deeper than
// Parse accepts. Offset is the byte offset where the problem was found.
type SyntaxError struct {
	_      [0]func() // not comparable: no equality code in the module (errors are compared as pointers)
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
	_    [0]func() // not comparable: no equality code in the module (errors are compared as pointers)
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

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func indexPath(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }

func wrongType(path, want string, v *jsondec.Value) error {
	got := v.KindName()
	return &FieldError{Path: path, Want: want, Got: got, Msg: "want " + want + ", got " + got}
}

func unknownField(path string) error {
	return &FieldError{Path: path, Msg: "unknown field"}
}

// fields calls f for every key of the object v, in document order; f reports
// whether it knows the key, and an unknown key is an error naming its path.
func fields(v *jsondec.Value, path string, f func(key string, val *jsondec.Value, path string) (bool, error)) error {
	if v.Kind != jsondec.Object {
		return wrongType(path, "an object", v)
	}
	for i, k := range v.Keys {
		kp := joinPath(path, k)
		known, err := f(k, &v.Elems[i], kp)
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

func decodeInt(v *jsondec.Value, path string) (int, error) {
	if v.Kind != jsondec.Number {
		return 0, wrongType(path, "an integer", v)
	}
	if v.Num != math.Trunc(v.Num) || math.Abs(v.Num) > maxExactInt {
		return 0, &FieldError{Path: path, Want: "an integer", Got: "a number", Msg: "want an integer, got a number that is not a whole number within ±2^53"}
	}
	return int(v.Num), nil
}

func decodeFloat(v *jsondec.Value, path string) (float64, error) {
	if v.Kind != jsondec.Number {
		return 0, wrongType(path, "a number", v)
	}
	return v.Num, nil
}

func decodeString(v *jsondec.Value, path string) (string, error) {
	if v.Kind != jsondec.String {
		return "", wrongType(path, "a string", v)
	}
	return v.Str, nil
}

func decodeBool(v *jsondec.Value, path string) (bool, error) {
	if v.Kind != jsondec.Bool {
		return false, wrongType(path, "a boolean", v)
	}
	return v.Bool, nil
}

func decodeStrings(v *jsondec.Value, path string) ([]string, error) {
	if v.Kind != jsondec.Array {
		return nil, wrongType(path, "an array of strings", v)
	}
	out := make([]string, len(v.Elems))
	for i := range v.Elems {
		s, err := decodeString(&v.Elems[i], indexPath(path, i))
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
func decodePolicy(doc *jsondec.Value) (Policy, error) {
	p := Policy{
		MinLength:       defaultMinLength,
		MaxLength:       defaultMaxLength,
		Threshold:       defaultThreshold,
		MinGuessesLog10: DefaultMinGuessesLog10,
		HistorySize:     defaultHistory,
		BreachThreshold: defaultBreachHits,
		Score:           DefaultScoreRules(),
	}
	err := fields(doc, "", func(key string, v *jsondec.Value, path string) (bool, error) {
		if v.Kind == jsondec.Null {
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

func decodeScore(v *jsondec.Value, path string, s *ScoreRules) error {
	return fields(v, path, func(key string, v *jsondec.Value, path string) (bool, error) {
		var err error
		switch key {
		case "tiers":
			if v.Kind != jsondec.Null {
				s.Tiers, err = decodeTiers(v, path)
			}
		case "occurrenceLimit":
			if v.Kind != jsondec.Null {
				s.OccurrenceLimit, err = decodeInt(v, path)
			}
		case "repeatScores":
			if v.Kind != jsondec.Null {
				s.RepeatScores, err = decodeBool(v, path)
			}
		case "categories":
			if v.Kind != jsondec.Null {
				var c string
				c, err = decodeString(v, path)
				if c != "" {
					s.Categories = c
				}
			}
		case "bonus":
			if v.Kind != jsondec.Null {
				s.Bonus, err = decodeBonus(v, path)
			}
		default:
			return false, nil
		}
		return true, err
	})
}

// decodeArray decodes v, an array (what names it in the error when it is
// not), element by element: field decodes element i's fields as fields'
// callback does.
func decodeArray(v *jsondec.Value, path, what string, field func(i int, key string, v *jsondec.Value, path string) (bool, error)) error {
	if v.Kind != jsondec.Array {
		return wrongType(path, what, v)
	}
	for i := range v.Elems {
		err := fields(&v.Elems[i], indexPath(path, i), func(key string, v *jsondec.Value, path string) (bool, error) {
			return field(i, key, v, path)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func decodeTiers(v *jsondec.Value, path string) ([]Tier, error) {
	out := make([]Tier, len(v.Elems))
	err := decodeArray(v, path, "an array of tiers", func(i int, key string, v *jsondec.Value, path string) (bool, error) {
		t := &out[i]
		var err error
		switch key {
		case "from":
			if v.Kind != jsondec.Null {
				t.From, err = decodeInt(v, path)
			}
		case "points":
			if v.Kind != jsondec.Null {
				t.Points, err = decodeFloat(v, path)
			}
		case "floor":
			if v.Kind != jsondec.Null {
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
	return out, nil
}

func decodeBonus(v *jsondec.Value, path string) ([]BonusRule, error) {
	out := make([]BonusRule, len(v.Elems))
	err := decodeArray(v, path, "an array of bonus rules", func(i int, key string, v *jsondec.Value, path string) (bool, error) {
		b := &out[i]
		var err error
		switch key {
		case "points":
			if v.Kind != jsondec.Null {
				b.Points, err = decodeFloat(v, path)
			}
		case "categories":
			if v.Kind != jsondec.Null {
				b.Categories, err = decodeInt(v, path)
			}
		case "minEach":
			if v.Kind != jsondec.Null {
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
	return out, nil
}

func decodeAllowed(v *jsondec.Value, path string) (*AllowedCharacters, error) {
	a := &AllowedCharacters{}
	err := fields(v, path, func(key string, v *jsondec.Value, path string) (bool, error) {
		var err error
		switch key {
		case "classes":
			if v.Kind != jsondec.Null {
				a.Classes, err = decodeStrings(v, path)
			}
		case "extra":
			if v.Kind != jsondec.Null {
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

func decodeClasses(v *jsondec.Value, path string) (map[string]int, error) {
	if v.Kind != jsondec.Object {
		return nil, wrongType(path, "an object of counts", v)
	}
	m := make(map[string]int, len(v.Keys))
	for i, k := range v.Keys {
		n, err := decodeInt(&v.Elems[i], joinPath(path, k))
		if err != nil {
			return nil, err
		}
		m[k] = n
	}
	return m, nil
}
