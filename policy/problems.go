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

	if p.ID == "" {
		ps.bad("id", "is empty; want 1 to "+strconv.Itoa(MaxIDLength)+" characters of a-z, 0-9, - and _")
	} else if n := utf8.RuneCountInString(p.ID); n > MaxIDLength {
		ps.bad("id", "is "+strconv.Itoa(n)+" characters; want 1 to "+strconv.Itoa(MaxIDLength))
	} else if i, r := badIDRune(p.ID); i > 0 {
		// The character named ("Test Inst" had "9 characters or ones
		// outside a-z …", which left the reader to find the space).
		what := "U+" + strconv.FormatInt(int64(r), 16)
		if r == ' ' {
			what = "a space"
		} else if r > ' ' && r < 0x7f {
			what = "\"" + string(r) + "\""
		}
		ps.bad("id", "has "+what+" at character "+strconv.Itoa(i)+"; want only a-z, 0-9, - and _")
	}
	if n := utf8.RuneCountInString(p.Name); n > MaxNameLength || !utf8.ValidString(p.Name) {
		ps.bad("name", "is "+strconv.Itoa(n)+" characters or not valid UTF-8; want at most "+strconv.Itoa(MaxNameLength))
	}
	// A list over its cap is said once, and only its first cap's items are
	// checked one by one: 64 KB of empty items made 40,000 problems, a 2 MB
	// answer to a 72 KB request to /api/validate.
	words := p.ContextWords
	if len(words) > MaxContextWords {
		ps.bad("contextWords", "has "+strconv.Itoa(len(words))+" words; want at most "+strconv.Itoa(MaxContextWords))
		words = words[:MaxContextWords]
	}
	for i, w := range words {
		n := utf8.RuneCountInString(w)
		if f := utf8.RuneCountInString(Fold(w)); f < n {
			// Invisible characters do not count: the context rule skips a
			// word that folds to under 3 (newContextWord), without a word.
			n = f
		}
		if n < 3 || n > MaxWordLength || !utf8.ValidString(w) {
			ps.bad("contextWords["+strconv.Itoa(i)+"]", "is "+strconv.Itoa(n)+" characters, invisible ones not counted; want 3 to "+strconv.Itoa(MaxWordLength))
		}
	}
	ps.outside("minLength", p.MinLength, MinMinLength, MaxMaxLength, "")
	if !ps.outside("maxLength", p.MaxLength, MinMaxLength, MaxMaxLength, " (Active Directory's limit)") && p.MaxLength < p.MinLength {
		ps.bad("maxLength", "is "+strconv.Itoa(p.MaxLength)+", below minLength "+strconv.Itoa(p.MinLength))
	}
	if !(p.Threshold > 0 && p.Threshold <= MaxThreshold) {
		ps.bad("threshold", "is "+ftoa(p.Threshold)+"; want more than 0 and at most "+strconv.Itoa(MaxThreshold))
	}
	// Not below the default: the embedded common list leaves out what the
	// estimator refuses at the default (see policy/internal/gencommon).
	if !(p.MinGuessesLog10 >= DefaultMinGuessesLog10 && p.MinGuessesLog10 <= MaxGuessesLog10) {
		ps.bad("minGuessesLog10", "is "+ftoa(p.MinGuessesLog10)+"; want at least "+ftoa(DefaultMinGuessesLog10)+" (the default; an institution may only raise it) and at most "+strconv.Itoa(MaxGuessesLog10))
	}
	ps.outside("historySize", p.HistorySize, 0, MaxHistorySize, "")
	if p.BreachThreshold < 1 {
		ps.bad("breachThreshold", "is "+strconv.Itoa(p.BreachThreshold)+"; want 1 or more")
	}
	if p.BreachCheck != BreachPrefer && p.BreachCheck != BreachRequire {
		ps.bad("breachCheck", "is not one of \"prefer\" or \"require\"")
	}
	if d, ok := duration.Parse(p.ActivationTTL); !ok {
		ps.bad("activationTTL", "is not a duration such as \"72h\"")
	} else if d < 10*duration.Minute || d > 720*duration.Hour {
		ps.bad("activationTTL", "is "+p.ActivationTTL+"; want 10m to 720h") // as typed: "5m", not Go's "5m0s"
	}
	p.Score.problems(&ps)
	if a := p.AllowedCharacters; a != nil {
		if len(a.Classes) == 0 && a.Extra == "" {
			ps.bad("allowedCharacters", "allows nothing; list classes or extra characters")
		}
		for i, c := range a.Classes {
			if classIndex(c) == catNone {
				ps.bad("allowedCharacters.classes["+strconv.Itoa(i)+"]", "is not one of upper, lower, digit, special")
			}
		}
		if !utf8.ValidString(a.Extra) || utf8.RuneCountInString(a.Extra) > 256 {
			ps.bad("allowedCharacters.extra", "is not valid UTF-8 of at most 256 characters")
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
		ps.bad("requiredClasses", "has a key that is not one of upper, lower, digit, special")
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
				ps.bad("requiredClasses."+c, "asks for a character allowedCharacters does not allow; no password could pass")
			}
		}
	}
	if sum > p.MaxLength && p.MaxLength > 0 {
		ps.bad("requiredClasses", "asks for "+strconv.Itoa(sum)+" characters in all, more than maxLength "+strconv.Itoa(p.MaxLength))
	}
	return ps
}

// ftoa formats f as the policy's JSON has it.
func ftoa(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

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
	tiers, bonus := s.Tiers, s.Bonus // their first caps' items, as contextWords
	if len(tiers) == 0 || len(tiers) > MaxTiers {
		ps.bad("score.tiers", "has "+strconv.Itoa(len(tiers))+" tiers; want 1 to "+strconv.Itoa(MaxTiers))
		tiers = tiers[:min(len(tiers), MaxTiers)]
	}
	for i, t := range tiers {
		f := "tiers[" + strconv.Itoa(i) + "]"
		switch {
		case i == 0 && t.From != 1:
			ps.bad("score."+f+".from", "is "+strconv.Itoa(t.From)+"; the first tier must start at 1")
		case i > 0 && t.From <= tiers[i-1].From:
			ps.bad("score."+f+".from", "is "+strconv.Itoa(t.From)+"; want more than the tier before ("+strconv.Itoa(tiers[i-1].From)+")")
		case t.From > MaxMaxLength:
			ps.bad("score."+f+".from", "is "+strconv.Itoa(t.From)+"; want at most "+strconv.Itoa(MaxMaxLength))
		}
		if !(t.Points >= 0 && t.Points <= MaxPointsPerChar) {
			ps.bad("score."+f+".points", "is out of range; want 0 to "+strconv.Itoa(MaxPointsPerChar))
		}
	}
	if s.OccurrenceLimit < 0 || s.OccurrenceLimit > MaxOccurrence {
		ps.bad("score.occurrenceLimit", "is "+strconv.Itoa(s.OccurrenceLimit)+"; want 0 (no limit) to "+strconv.Itoa(MaxOccurrence))
	}
	if s.Categories != CategoriesUnicode && s.Categories != CategoriesASCII {
		ps.bad("score.categories", "is not one of \"unicode\" or \"ascii\"")
	}
	if len(bonus) > MaxBonusRules {
		ps.bad("score.bonus", "has "+strconv.Itoa(len(bonus))+" rules; want at most "+strconv.Itoa(MaxBonusRules))
		bonus = bonus[:MaxBonusRules]
	}
	for i, b := range bonus {
		f := "bonus[" + strconv.Itoa(i) + "]"
		if !(b.Points >= 0 && b.Points <= MaxThreshold) {
			ps.bad("score."+f+".points", "is out of range; want 0 to "+strconv.Itoa(MaxThreshold))
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
