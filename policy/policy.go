// Package policy holds the whole password policy of an institution and the
// strength score of Sikt's Felles IAM "Passordpolicy" (2025).
//
// The package is pure: it imports only a small part of the standard library
// (no time, fmt, reflect, os or embed, which would swell the WebAssembly
// module; TestWasmDependencies keeps it so), does no IO, reads no clock and
// never touches syscall/js.
// The same code runs in the CLI, the server and, compiled to WebAssembly, in
// the browser.
//
// A Policy is plain data, loaded from JSON with [Parse] (unknown fields are
// rejected) and checked with [Policy.Problems], which reports every problem at
// once. Institution policies are embedded from institutions/*.json and
// returned by [Lookup]; [Default] is Felles IAM's typical policy.
//
// [Evaluate] scores a password and applies every rule, returning a [Result],
// the one wire contract that the CLI, the WebAssembly module and the server
// all return as JSON.
package policy

import (
	"errors"
	"strconv"
	"strings"

	"github.com/styrke-iam/styrke/policy/internal/jsondec"
	"github.com/styrke-iam/styrke/policy/internal/jsonenc"
)

// Policy is one institution's password policy. The zero value is not useful;
// start from [Default] or [Parse], which fills every omitted field with its
// default.
type Policy struct {
	// ID is the institution's short identifier, e.g. "uit" or "default".
	ID string `json:"id"`
	// Name is the institution's display name. It also counts as a context
	// word: a password containing it is rejected.
	Name string `json:"name"`
	// ContextWords are words a password must not contain, such as
	// "universitetetitroms" or "arcticuniversityofnorway". Matched on the
	// folded password.
	ContextWords []string `json:"contextWords"`
	// MinLength is the least number of Unicode code points [16]; at least 8.
	MinLength int `json:"minLength"`
	// MaxLength is the greatest number of Unicode code points [127]; within
	// 64..127 (Active Directory's limit) and at least MinLength.
	MaxLength int `json:"maxLength"`
	// Threshold is the least score that passes the score rule [32].
	Threshold float64 `json:"threshold"`
	// MinGuessesLog10 is the common rule's least number of guesses, as a
	// power of ten [DefaultMinGuessesLog10]: a password that the guess
	// estimator (package guess) finds in fewer guesses is refused. An
	// institution may raise it: at least DefaultMinGuessesLog10 (the common
	// list is pruned against it) and at most MaxGuessesLog10.
	MinGuessesLog10 float64 `json:"minGuessesLog10"`
	// HistorySize is how many earlier passwords may not be reused [5]; 0..24.
	// The server checks it; the package only reports the fact it is given.
	HistorySize int `json:"historySize"`
	// BreachThreshold: a password seen this many times or more in the breach
	// corpus is rejected [1]; at least 1.
	BreachThreshold int `json:"breachThreshold"`
	// BreachCheck says what the server does when the breach service cannot
	// be reached: "prefer" [default] accepts on the other rules, "require"
	// rejects with "try again shortly".
	BreachCheck string `json:"breachCheck"`
	// ActivationTTL is how long an activation link lives, as a Go duration
	// ["72h"]; 10m..720h.
	ActivationTTL string `json:"activationTTL"`
	// Score holds the parameters of the strength score [Sikt 2025].
	Score ScoreRules `json:"score"`
	// AllowedCharacters, when set, is a whitelist of characters (optional,
	// for institutions migrating from OneWelcome or Novell). Felles IAM
	// itself uses no composition rules.
	AllowedCharacters *AllowedCharacters `json:"allowedCharacters,omitempty"`
	// RequiredClasses, when set, is the least number of characters of each
	// class ("upper", "lower", "digit", "special"); optional, off by default.
	RequiredClasses map[string]int `json:"requiredClasses,omitempty"`
}

// AllowedCharacters is a whitelist: a character is allowed when its class is
// listed in Classes or it occurs in Extra.
type AllowedCharacters struct {
	// Classes lists whole classes: "upper", "lower", "digit", "special".
	Classes []string `json:"classes"`
	// Extra lists further allowed characters, e.g. " " or "æøåÆØÅ".
	Extra string `json:"extra"`
}

// ScoreRules are the parameters of the strength score. [DefaultScoreRules]
// returns Sikt's 2025 rules.
type ScoreRules struct {
	// Tiers give the points a character earns by its 1-based position. They
	// are ordered by From, and the first starts at 1; a tier lasts until the
	// next one's From.
	Tiers []Tier `json:"tiers"`
	// OccurrenceLimit: only the first N occurrences of a code point earn
	// points [4]; 0 means no limit. Occurrences that earned nothing still
	// count toward N.
	OccurrenceLimit int `json:"occurrenceLimit"`
	// RepeatScores says whether a character equal to the one immediately
	// before it earns points [false].
	RepeatScores bool `json:"repeatScores"`
	// Categories says how characters are put into the four categories:
	// "unicode" [default]: Lu upper, Ll lower, Nd digit, everything else
	// special; "ascii": A-Z upper, a-z lower, 0-9 digit, ASCII punctuation and
	// space special, every other character in no category ("none").
	Categories string `json:"categories"`
	// Bonus rules are tried in order; the first that holds is awarded and
	// no other.
	Bonus []BonusRule `json:"bonus"`
}

// Tier is one band of positions and the points each character in it earns.
type Tier struct {
	_ [0]func() // not comparable: no equality code in the module (see Param)
	// From is the first 1-based position of the band.
	From int `json:"from"`
	// Points is what each scoring character in the band earns.
	Points float64 `json:"points"`
	// Floor rounds the band's total down to a whole number (Cerebrum's
	// int(count*1.5)). The characters' points then sum to the floored total:
	// the last scoring character of the band absorbs the difference.
	Floor bool `json:"floor,omitempty"`
}

// BonusRule awards Points when at least Categories of the four categories
// each have at least MinEach characters in the password (every character
// counts here, scoring or not).
type BonusRule struct {
	_          [0]func() // not comparable: no equality code in the module (see Param)
	Points     float64   `json:"points"`
	Categories int       `json:"categories"`
	MinEach    int       `json:"minEach"`
}

// Category names, as used in [Char] and [Policy.RequiredClasses].
const (
	Upper   = "upper"
	Lower   = "lower"
	Digit   = "digit"
	Special = "special"
	// NoCategory is a character that the "ascii" categorisation puts in no
	// category.
	NoCategory = "none"
)

// Categorisations for [ScoreRules.Categories].
const (
	CategoriesUnicode = "unicode"
	CategoriesASCII   = "ascii"
)

// Breach check modes for [Policy.BreachCheck].
const (
	BreachPrefer  = "prefer"
	BreachRequire = "require"
)

// Limits on policy fields, checked by [Policy.Problems].
const (
	MinMinLength      = 8
	MinMaxLength      = 64
	MaxMaxLength      = 127
	MaxHistorySize    = 24
	MaxContextWords   = 200
	MaxWordLength     = 127
	MaxIDLength       = 64
	MaxNameLength     = 200
	MaxTiers          = 16
	MaxBonusRules     = 8
	MaxOccurrence     = 127
	MaxThreshold      = 1000
	MaxPointsPerChar  = 100
	MaxGuessesLog10   = 40
	DefaultTTL        = "72h"
	defaultMinLength  = 16
	defaultMaxLength  = 127
	defaultThreshold  = 32
	defaultHistory    = 5
	defaultBreachHits = 1
)

// DefaultMinGuessesLog10 is the default of Policy.MinGuessesLog10: 10^20
// guesses. It was chosen on the sets of BENCHMARKS.md ("Guessable
// passwords"): predictable long passwords fall below it, random passphrases
// and strings lie above it (the highest exponent at which each random set
// is still accepted at 99% or more; see policy/SPEC.md).
const DefaultMinGuessesLog10 = 20.0

// DefaultScoreRules returns Sikt's 2025 score: 4 points for the first
// character, 2 for positions 2-8, 1.5 for 9-20 and 1 from 21; only the first
// 4 occurrences of a character and only characters that differ from the one
// before score; Unicode categories; +8 when all four categories have two
// characters each, else +6 when three categories are present.
func DefaultScoreRules() ScoreRules {
	return ScoreRules{
		Tiers: []Tier{
			{From: 1, Points: 4},
			{From: 2, Points: 2},
			{From: 9, Points: 1.5},
			{From: 21, Points: 1},
		},
		OccurrenceLimit: 4,
		RepeatScores:    false,
		Categories:      CategoriesUnicode,
		Bonus: []BonusRule{
			{Points: 8, Categories: 4, MinEach: 2},
			{Points: 6, Categories: 3, MinEach: 1},
		},
	}
}

// Default returns Felles IAM's typical policy (seed 004): 16 to 127
// characters, threshold 32, the last 5 passwords remembered, rejected when
// breached once. It is the embedded "default" institution.
func Default() Policy {
	p, err := Lookup("default")
	if err != nil {
		panic("policy: embedded default policy is broken: " + err.Error())
	}
	return p
}

// withDefaults fills every zero-valued field with its default.
func (p Policy) withDefaults() Policy {
	if p.MinLength == 0 {
		p.MinLength = defaultMinLength
	}
	if p.MaxLength == 0 {
		p.MaxLength = defaultMaxLength
	}
	if p.Threshold == 0 {
		p.Threshold = defaultThreshold
	}
	if p.MinGuessesLog10 == 0 {
		p.MinGuessesLog10 = DefaultMinGuessesLog10
	}
	if p.BreachThreshold == 0 {
		p.BreachThreshold = defaultBreachHits
	}
	if p.BreachCheck == "" {
		p.BreachCheck = BreachPrefer
	}
	if p.ActivationTTL == "" {
		p.ActivationTTL = DefaultTTL
	}
	if p.ContextWords == nil {
		p.ContextWords = []string{}
	}
	d := DefaultScoreRules()
	if p.Score.Tiers == nil {
		p.Score.Tiers = d.Tiers
	}
	if p.Score.Categories == "" {
		p.Score.Categories = d.Categories
	}
	if p.Score.Bonus == nil {
		p.Score.Bonus = d.Bonus
	}
	return p
}

// MaxPolicyBytes is the largest policy document Parse accepts.
const MaxPolicyBytes = 64 << 10

// ErrInvalid is wrapped by every error that Parse returns for a policy that
// is well-formed JSON but breaks a limit; use errors.As with *ProblemsError
// to get the list.
var ErrInvalid = errors.New("invalid policy")

// Problem is one thing wrong with a policy: the field (JSON path), the value
// class found and what is allowed. It never holds a password.
type Problem struct {
	_       [0]func() // not comparable: no equality code in the module (see Param)
	Field   string    `json:"field"`
	Message string    `json:"message"`
}

// ProblemsError carries every problem found in a policy.
type ProblemsError struct {
	Problems []Problem
}

// Error lists the problems, one per line after the first.
func (e *ProblemsError) Error() string {
	var b strings.Builder
	b.WriteString("invalid policy: ")
	b.WriteString(strconv.Itoa(len(e.Problems)))
	b.WriteString(" problem(s)")
	for _, p := range e.Problems {
		b.WriteString("; ")
		b.WriteString(p.Field)
		b.WriteString(": ")
		b.WriteString(p.Message)
	}
	return b.String()
}

// Unwrap makes errors.Is(err, ErrInvalid) hold.
func (e *ProblemsError) Unwrap() error { return ErrInvalid }

// Parse reads one policy from JSON. It accepts exactly one JSON object of at
// most MaxPolicyBytes, nested at most 32 levels deep. Malformed JSON, a
// duplicate key, trailing data or an oversized document is a *SyntaxError;
// an unknown field or a value of the wrong type is a *FieldError naming the
// full path (e.g. "score.tiers[2].pointz"); both wrap ErrMalformed. A field
// that is omitted or null takes its default (historySize,
// score.occurrenceLimit and score.repeatScores keep an explicit 0 or false;
// other zero values are replaced by their defaults). The result is then
// checked with Problems, and a *ProblemsError (wrapping ErrInvalid) lists
// every problem at once; the Policy is returned with it.
func Parse(data []byte) (Policy, error) {
	if len(data) > MaxPolicyBytes {
		return Policy{}, &SyntaxError{Offset: MaxPolicyBytes, Msg: "document is " + strconv.Itoa(len(data)) + " bytes, limit " + strconv.Itoa(MaxPolicyBytes)}
	}
	doc, se := jsondec.Parse(data)
	if se != nil {
		return Policy{}, &SyntaxError{Offset: se.Offset, Msg: se.Msg}
	}
	p, err := decodePolicy(&doc)
	if err != nil {
		return Policy{}, err
	}
	if probs := p.Problems(); len(probs) > 0 {
		return p, &ProblemsError{Problems: probs}
	}
	return p, nil
}

//go:generate go run ./internal/genembed

// Lookup returns the embedded policy of the institution with this id, or an
// error wrapping ErrUnknownInstitution.
func Lookup(id string) (Policy, error) {
	for _, in := range institutions {
		if in.id != id {
			continue
		}
		p, err := Parse([]byte(in.json))
		if err != nil {
			return Policy{}, &lookupError{id: id, err: err}
		}
		return p, nil
	}
	return Policy{}, &lookupError{id: id, err: ErrUnknownInstitution}
}

// lookupError names the institution whose policy Lookup could not return.
type lookupError struct {
	_   [0]func() // not comparable: no equality code in the module (errors are compared as pointers)
	id  string
	err error
}

func (e *lookupError) Error() string { return "policy " + jsonenc.Quote(e.id) + ": " + e.err.Error() }

func (e *lookupError) Unwrap() error { return e.err }

// ErrUnknownInstitution is returned by Lookup for an id with no embedded
// policy.
var ErrUnknownInstitution = errors.New("unknown institution")

// Institutions returns the ids of every embedded policy, sorted.
func Institutions() []string {
	ids := make([]string, len(institutions))
	for i, in := range institutions {
		ids[i] = in.id
	}
	return ids
}
