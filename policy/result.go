package policy

import "github.com/styrke-iam/styrke/policy/internal/jsonenc"

// Input is what Evaluate judges: the password as typed and what is known of
// its owner. The optional facts come from IO that the package does not do.
type Input struct {
	// Password is judged exactly as typed: never trimmed or normalised.
	Password string
	// Username is the account name; a password containing it (3+ code
	// points, case-insensitive, on the folded copy) is rejected.
	Username string
	// Name is the person's full name; a password containing any part of it
	// of 4+ code points (split on spaces and hyphens) is rejected.
	Name string
	// BirthDate is the person's date of birth, "YYYY-MM-DD" (the server
	// reads it from the identity number ID-porten gives); a password
	// containing it as people write dates ("24071985", "24.07.85",
	// "1985-07-24", "24juli") is rejected. Empty or not such a date: not
	// checked.
	BirthDate string
	// Phone is the person's phone number, written in any way ("+47 924 56
	// 789"); a password containing its last eight digits (six or seven
	// when it has no more), even with spaces or dots between them, is
	// rejected. Fewer than six digits: not checked.
	Phone string
	// BreachCount, when known, is how often the breach corpus has seen the
	// password; nil means the check was not made.
	BreachCount *int
	// Reused, when known, says whether the password matched one of the
	// account's last HistorySize passwords; nil means not checked.
	Reused *bool
	// Lang is the language of messages and feedback: "nb" (default), "nn"
	// or "en". Any other value means "nb".
	Lang string
}

// Result is the verdict on one password: the wire contract that the CLI, the
// WebAssembly module and the server all return as JSON (see AppendJSON).
type Result struct {
	// Score is the sum of every character's points plus the bonus.
	Score float64 `json:"score"`
	// Bonus is the bonus awarded (0, or one bonus rule's points).
	Bonus float64 `json:"bonus"`
	// Threshold is the policy's passing score.
	Threshold float64 `json:"threshold"`
	// OK is true when there are no violations.
	OK bool `json:"ok"`
	// Chars has one entry per Unicode code point of the password, in order.
	Chars []Char `json:"chars"`
	// Violations lists every rule the password breaks, in a stable order.
	Violations []Violation `json:"violations"`
	// Feedback gives the person one or two concrete next steps.
	Feedback []string `json:"feedback"`
}

// Char is what one character earned. It never holds the character. It has
// no pointers, so a Result's chars cost the garbage collector nothing.
type Char struct {
	// Points earned by this character.
	Points float64 `json:"points"`
	// Category is the character's category; JSON "upper", "lower",
	// "digit", "special" or "none".
	Category Category `json:"category"`
	// Note says why the character earned nothing; JSON "repeat",
	// "occurrence_limit", or "" when it scored.
	Note Note `json:"note"`
	// Pattern is true when the common rule failed and the character belongs
	// to one of the guessable patterns it found (a word, a year, a keyboard
	// row, a repeat...); JSON "pattern":true, left out when false.
	Pattern bool `json:"pattern,omitempty"`
}

// Category is one of the four character categories, or none.
type Category uint8

// Categories of a Char.
const (
	CategoryUpper Category = iota
	CategoryLower
	CategoryDigit
	CategorySpecial
	// CategoryNone is a character that the "ascii" categorisation puts in no
	// category.
	CategoryNone
)

// String returns the category's wire name: Upper, Lower, Digit, Special or
// NoCategory.
func (c Category) String() string {
	if int(c) < len(categoryNames) {
		return categoryNames[c]
	}
	return NoCategory
}

// MarshalJSON writes the category's wire name as a JSON string.
func (c Category) MarshalJSON() ([]byte, error) { return jsonenc.AppendString(nil, c.String()), nil }

// Note says why a character earned nothing.
type Note uint8

// Notes on a Char.
const (
	// NoteNone: the character scored (or its tier gives no points).
	NoteNone Note = iota
	// NoteRepeat: it equals the character immediately before it.
	NoteRepeat
	// NoteOccurrenceLimit: it is past the occurrence limit of its code point.
	NoteOccurrenceLimit
)

var noteNames = [...]string{"", "repeat", "occurrence_limit"}

// String returns the note's wire name: "", "repeat" or "occurrence_limit".
func (n Note) String() string {
	if int(n) < len(noteNames) {
		return noteNames[n]
	}
	return ""
}

// MarshalJSON writes the note's wire name as a JSON string.
func (n Note) MarshalJSON() ([]byte, error) { return jsonenc.AppendString(nil, n.String()), nil }

// Violation is one broken rule: a stable code, its parameters and a message
// in the requested language. Neither params nor message ever hold the
// password.
type Violation struct {
	Rule    string  `json:"rule"`
	Params  []Param `json:"params"`
	Message string  `json:"message"`
}

// Param is one named parameter of a violation. Params are a list, not a map,
// so that their JSON order is stable; they are written as one JSON object.
type Param struct {
	// noCompare makes Param not comparable, so that the module carries
	// no equality functions for it and the arrays Evaluate's rules build
	// of it (about 3.8 KB of WebAssembly); no code compares Params with ==.
	_     [0]func()
	Name  string
	Value ParamValue
}

// ParamValue is a number or a string.
type ParamValue struct {
	_     [0]func() // not comparable: no equality code in the module (see Param)
	Num   float64
	Str   string
	IsStr bool
}

// Rule codes of violations, in the order Evaluate reports them.
const (
	RuleTooShort            = "too_short"
	RuleTooLong             = "too_long"
	RuleDisallowedCharacter = "disallowed_character"
	RuleControlCharacter    = "control_character"
	RuleMissingClass        = "missing_class"
	RuleUsername            = "username"
	RuleName                = "name"
	RuleBirthDate           = "birthdate"
	RulePhone               = "phone"
	RuleContext             = "context"
	RuleCommon              = "common"
	RuleWeak                = "weak"
	RuleBreached            = "breached"
	RuleReused              = "reused"
)

// Rules lists every rule code in report order.
var Rules = []string{
	RuleTooShort, RuleTooLong, RuleDisallowedCharacter, RuleControlCharacter, RuleMissingClass,
	RuleUsername, RuleName, RuleBirthDate, RulePhone, RuleContext, RuleCommon, RuleWeak, RuleBreached,
	RuleReused,
}

// Languages Evaluate can write messages in. The first is the default.
var Languages = []string{"nb", "nn", "en"}
