package policy

import (
	"strconv"
	"unicode/utf8"

	"github.com/styrke-iam/styrke/policy/internal/duration"
	"github.com/styrke-iam/styrke/policy/internal/sha256"
)

// Problems checks every field of p against its limits and returns every
// problem found, in field order; nil means p is valid. A Problem names the
// field (as a JSON path), the value found and the range allowed.
func (p Policy) Problems() []Problem {
	var ps problems
	bad := ps.bad
	itoa := strconv.Itoa
	ftoa := func(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

	if p.ID == "" {
		bad("id", "is empty; want 1 to "+itoa(MaxIDLength)+" characters of a-z, 0-9, - and _")
	} else if n := utf8.RuneCountInString(p.ID); n > MaxIDLength {
		bad("id", "is "+itoa(n)+" characters; want 1 to "+itoa(MaxIDLength))
	} else if i, r := badIDRune(p.ID); i > 0 {
		// The character named ("Test Inst" had "9 characters or ones
		// outside a-z …", which left the reader to find the space).
		what := "U+" + strconv.FormatInt(int64(r), 16)
		if r == ' ' {
			what = "a space"
		} else if r > ' ' && r < 0x7f {
			what = "\"" + string(r) + "\""
		}
		bad("id", "has "+what+" at character "+itoa(i)+"; want only a-z, 0-9, - and _")
	}
	if n := utf8.RuneCountInString(p.Name); n > MaxNameLength || !utf8.ValidString(p.Name) {
		bad("name", "is "+itoa(n)+" characters or not valid UTF-8; want at most "+itoa(MaxNameLength))
	}
	if len(p.ContextWords) > MaxContextWords {
		bad("contextWords", "has "+itoa(len(p.ContextWords))+" words; want at most "+itoa(MaxContextWords))
	}
	for i, w := range p.ContextWords {
		if n := utf8.RuneCountInString(w); n < 3 || n > MaxWordLength || !utf8.ValidString(w) {
			bad("contextWords["+itoa(i)+"]", "is "+itoa(n)+" characters; want 3 to "+itoa(MaxWordLength))
		}
	}
	ps.outside("minLength", p.MinLength, MinMinLength, MaxMaxLength, "")
	if !ps.outside("maxLength", p.MaxLength, MinMaxLength, MaxMaxLength, " (Active Directory's limit)") && p.MaxLength < p.MinLength {
		bad("maxLength", "is "+itoa(p.MaxLength)+", below minLength "+itoa(p.MinLength))
	}
	if !(p.Threshold > 0 && p.Threshold <= MaxThreshold) {
		bad("threshold", "is "+ftoa(p.Threshold)+"; want more than 0 and at most "+itoa(MaxThreshold))
	}
	// Not below the default: the embedded common list leaves out what the
	// estimator refuses at the default (see policy/internal/gencommon).
	if !(p.MinGuessesLog10 >= DefaultMinGuessesLog10 && p.MinGuessesLog10 <= MaxGuessesLog10) {
		bad("minGuessesLog10", "is "+ftoa(p.MinGuessesLog10)+"; want at least "+ftoa(DefaultMinGuessesLog10)+" (the default; an institution may only raise it) and at most "+itoa(MaxGuessesLog10))
	}
	ps.outside("historySize", p.HistorySize, 0, MaxHistorySize, "")
	if p.BreachThreshold < 1 {
		bad("breachThreshold", "is "+itoa(p.BreachThreshold)+"; want 1 or more")
	}
	if p.BreachCheck != BreachPrefer && p.BreachCheck != BreachRequire {
		bad("breachCheck", "is not one of \"prefer\" or \"require\"")
	}
	if d, ok := duration.Parse(p.ActivationTTL); !ok {
		bad("activationTTL", "is not a duration such as \"72h\"")
	} else if d < 10*duration.Minute || d > 720*duration.Hour {
		bad("activationTTL", "is "+duration.Format(d)+"; want 10m to 720h")
	}
	p.Score.problems(&ps)
	if a := p.AllowedCharacters; a != nil {
		if len(a.Classes) == 0 && a.Extra == "" {
			bad("allowedCharacters", "allows nothing; list classes or extra characters")
		}
		for i, c := range a.Classes {
			if classIndex(c) == catNone {
				bad("allowedCharacters.classes["+itoa(i)+"]", "is not one of upper, lower, digit, special")
			}
		}
		if !utf8.ValidString(a.Extra) || utf8.RuneCountInString(a.Extra) > 256 {
			bad("allowedCharacters.extra", "is not valid UTF-8 of at most 256 characters")
		}
	}
	sum, known := 0, 0
	for _, c := range []string{Upper, Lower, Digit, Special} {
		n, ok := p.RequiredClasses[c]
		ps.outside("requiredClasses."+c, n, 0, MaxMaxLength, "")
		if ok {
			known++
		}
		sum += n
	}
	if len(p.RequiredClasses) > known { // counted, not ranged over: no map iteration in the module
		bad("requiredClasses", "has a key that is not one of upper, lower, digit, special")
	}
	if a := p.AllowedCharacters; a != nil {
		// A class asked for that no allowed character belongs to: no
		// password passes (every one is refused for one or the other).
		for k, c := range categoryNames[:4] {
			ok := p.RequiredClasses[c] == 0
			for _, n := range a.Classes {
				ok = ok || n == c
			}
			for _, r := range a.Extra {
				ok = ok || categorize(r, p.Score.Categories) == Category(k)
			}
			if !ok {
				bad("requiredClasses."+c, "asks for a character allowedCharacters does not allow; no password could pass")
			}
		}
	}
	if sum > p.MaxLength && p.MaxLength > 0 {
		bad("requiredClasses", "asks for "+itoa(sum)+" characters in all, more than maxLength "+itoa(p.MaxLength))
	}
	return ps
}

// problems collects the problems of a policy (Policy.Problems).
type problems []Problem

func (ps *problems) bad(field, msg string) { *ps = append(*ps, Problem{Field: field, Message: msg}) }

// outside adds field's problem "is v; want lo to hi", and note, when v is
// outside [lo, hi], and reports whether it did: the range checks' one
// message, written out once (the module's code for each concatenation is
// long).
func (ps *problems) outside(field string, v, lo, hi int, note string) bool {
	if v >= lo && v <= hi {
		return false
	}
	ps.bad(field, "is "+strconv.Itoa(v)+"; want "+strconv.Itoa(lo)+" to "+strconv.Itoa(hi)+note)
	return true
}

// problems adds s's problems to ps, their fields under "score.".
func (s ScoreRules) problems(ps *problems) {
	bad := func(field, msg string) { ps.bad("score."+field, msg) }
	itoa := strconv.Itoa
	if len(s.Tiers) == 0 || len(s.Tiers) > MaxTiers {
		bad("tiers", "has "+itoa(len(s.Tiers))+" tiers; want 1 to "+itoa(MaxTiers))
	}
	for i, t := range s.Tiers {
		f := "tiers[" + itoa(i) + "]"
		switch {
		case i == 0 && t.From != 1:
			bad(f+".from", "is "+itoa(t.From)+"; the first tier must start at 1")
		case i > 0 && t.From <= s.Tiers[i-1].From:
			bad(f+".from", "is "+itoa(t.From)+"; want more than the tier before ("+itoa(s.Tiers[i-1].From)+")")
		case t.From > MaxMaxLength:
			bad(f+".from", "is "+itoa(t.From)+"; want at most "+itoa(MaxMaxLength))
		}
		if !(t.Points >= 0 && t.Points <= MaxPointsPerChar) {
			bad(f+".points", "is out of range; want 0 to "+itoa(MaxPointsPerChar))
		}
	}
	if s.OccurrenceLimit < 0 || s.OccurrenceLimit > MaxOccurrence {
		bad("occurrenceLimit", "is "+itoa(s.OccurrenceLimit)+"; want 0 (no limit) to "+itoa(MaxOccurrence))
	}
	if s.Categories != CategoriesUnicode && s.Categories != CategoriesASCII {
		bad("categories", "is not one of \"unicode\" or \"ascii\"")
	}
	if len(s.Bonus) > MaxBonusRules {
		bad("bonus", "has "+itoa(len(s.Bonus))+" rules; want at most "+itoa(MaxBonusRules))
	}
	for i, b := range s.Bonus {
		f := "bonus[" + itoa(i) + "]"
		if !(b.Points >= 0 && b.Points <= MaxThreshold) {
			bad(f+".points", "is out of range; want 0 to "+itoa(MaxThreshold))
		}
		ps.outside("score."+f+".categories", b.Categories, 1, 4, "")
		ps.outside("score."+f+".minEach", b.MinEach, 1, MaxMaxLength, "")
	}
}

// badIDRune returns the 1-based position and the code point of id's first
// character outside a-z, 0-9, - and _, or 0.
func badIDRune(id string) (int, rune) {
	i := 0
	for _, r := range id {
		i++
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return i, r
		}
	}
	return 0, 0
}

const hexDigits = "0123456789abcdef"

// Version returns a short hash of the policy's canonical JSON: pages and the
// server both carry it, so that a page built from another policy than the
// server's is caught.
func (p Policy) Version() string {
	sum := sha256.Sum(p.Canonical())
	out := make([]byte, 0, 12)
	for _, c := range sum[:6] {
		out = append(out, hexDigits[c>>4], hexDigits[c&0xf])
	}
	return string(out)
}
