package policy

import (
	"github.com/styrke-iam/styrke/policy/guess"

	"strings"
	"unicode"
	"unicode/utf8"
)

// Evaluate scores in.Password under p and applies every rule of p, in the
// order of Rules. The score is computed on the password exactly as typed;
// the username, name, context and common rules match on a folded copy (see
// Fold); the common rule also runs the guess estimator (package guess) and
// fails when it finds fewer than 10^p.MinGuessesLog10 guesses. Evaluate never fails and never panics, whatever the input: invalid
// UTF-8 counts one U+FFFD per bad byte, as Go's range over a string does.
// Evaluate is safe for concurrent use.
func Evaluate(p Policy, in Input) Result {
	return EvaluateIn(nil, p, in)
}

// EvaluateIn is Evaluate with Result.Chars stored in chars' array when it
// has room for one Char per code point of the password (its length does not
// matter; the Chars are overwritten). A caller that evaluates on every
// keystroke, as the browser's meter does, passes the previous Result's
// Chars and so saves the call's largest allocation (16 bytes a code point).
// The Result shares chars' array: the caller must not use an earlier
// Result's Chars after passing them in.
func EvaluateIn(chars []Char, p Policy, in Input) Result {
	st := scoreIn(chars, in.Password, p.Score)
	lang := langIndex(in.Lang)
	res := Result{
		Score:      st.sum + st.bonus,
		Bonus:      st.bonus,
		Threshold:  p.Threshold,
		Chars:      st.chars,
		Violations: []Violation{},
	}
	add := func(rule string, params ...Param) {
		res.Violations = append(res.Violations, Violation{
			Rule:    rule,
			Params:  params,
			Message: message(lang, rule, params),
		})
	}
	n := st.length
	if n < p.MinLength {
		add(RuleTooShort, num("min", float64(p.MinLength)), num("length", float64(n)))
	}
	if n > p.MaxLength {
		add(RuleTooLong, num("max", float64(p.MaxLength)), num("length", float64(n)))
	}
	if p.AllowedCharacters != nil {
		if bad := disallowed(in.Password, p.AllowedCharacters); bad > 0 {
			add(RuleDisallowedCharacter, num("count", float64(bad)))
		}
	}
	if hasControl(in.Password) {
		add(RuleControlCharacter)
	}
	for _, class := range []string{Upper, Lower, Digit, Special} {
		if want := p.RequiredClasses[class]; want > 0 {
			have := st.counts[classIndex(class)]
			if have < want {
				add(RuleMissingClass, str("class", class), num("min", float64(want)), num("have", float64(have)))
			}
		}
	}

	// Matching on the folded copy. Only computed when something needs it.
	// The folds live only in this call: on the stack when they fit.
	var pwBuf [2 * 160]byte
	base, folded := foldBothIn(pwBuf[:], in.Password)
	var userBuf [2 * 64]byte
	if _, u := foldBothIn(userBuf[:], in.Username); utf8.RuneCountInString(u) >= 3 && strings.Contains(folded, u) {
		add(RuleUsername)
	}
	if nameMatch(folded, in.Name) {
		add(RuleName)
	}
	if in.BirthDate != "" && birthDateMatch(base, in.BirthDate) {
		add(RuleBirthDate)
	}
	if in.Phone != "" && phoneMatch(base, in.Phone) {
		add(RulePhone)
	}
	if contextMatch(folded, base, in.Password, p) {
		add(RuleContext)
	}
	// The common rule: a whole-password pattern (commonMatch), or fewer
	// guesses than the policy's minimum by the estimator. Its characters
	// are marked in Chars.
	est := estimate(in.Password)
	if kind, ok := commonMatch(base, folded); ok || guessable(&est.Result, st.length, p) {
		kinds := kindsParam(est.Result, "password")
		if !ok {
			kind = est.Main.String()
		}
		params := [4]Param{str("kind", kind), str("kinds", kinds), num("guesses", roundGuesses(est.Log10))}
		n := 3
		if several := severalParam(est.Result); several != "" {
			params[n], n = str("several", several), n+1
		}
		add(RuleCommon, params[:n]...)
		for k := range est.n {
			res.Chars[est.at[k]].Pattern = est.Marked(k)
		}
	}
	if res.Score < p.Threshold {
		add(RuleWeak, num("score", res.Score), num("threshold", p.Threshold))
	}
	if in.BreachCount != nil && *in.BreachCount >= p.BreachThreshold {
		add(RuleBreached, num("count", float64(*in.BreachCount)))
	}
	if in.Reused != nil && *in.Reused {
		add(RuleReused, num("history", float64(p.HistorySize)))
	}
	res.OK = len(res.Violations) == 0
	res.Feedback = feedback(lang, p, &res, st)
	return res
}

// guessMargin: the estimator's verdict counts only when its patterns save
// at least this many powers of ten over brute force (10 guesses a code
// point), so that a short random password is "too short", not "common".
const guessMargin = 2

// hasControl reports whether s holds a control character (C0, DEL, C1) or
// U+FFFD, the replacement character, which is also what an invalid UTF-8
// byte reads as: nothing a person can type into a password field, and a
// sign that the password was mangled on its way. A loop of its own, not
// strings.IndexFunc: for the module, that was a call through a func value
// for every code point of every keystroke.
func hasControl(s string) bool {
	for _, r := range s {
		if r < 0x20 || r >= 0x7F && r <= 0x9F || r == utf8.RuneError {
			return true
		}
	}
	return false
}

func num(name string, v float64) Param { return Param{Name: name, Value: ParamValue{Num: v}} }
func str(name, v string) Param         { return Param{Name: name, Value: ParamValue{Str: v, IsStr: true}} }

// Get returns the parameter's value by name, and whether it was there.
func (v Violation) Get(name string) (ParamValue, bool) {
	for _, p := range v.Params {
		if p.Name == name {
			return p.Value, true
		}
	}
	return ParamValue{}, false
}

func classIndex(class string) Category {
	for i, n := range categoryNames[:4] {
		if n == class {
			return Category(i)
		}
	}
	return catNone
}

// containsRune is strings.ContainsRune (whose strings.IndexRune was 2.3 KB
// of the WebAssembly module's code; see withoutSpaces).
func containsRune(s string, r rune) bool {
	for _, c := range s {
		if c == r {
			return true
		}
	}
	return false
}

// disallowed counts the characters of password outside the whitelist a.
func disallowed(password string, a *AllowedCharacters) int {
	bad := 0
	for _, r := range password {
		if containsRune(a.Extra, r) {
			continue
		}
		cat := categorize(r, CategoriesUnicode).String()
		ok := false
		for _, c := range a.Classes {
			if c == cat {
				ok = true
				break
			}
		}
		if !ok {
			bad++
		}
	}
	return bad
}

// nameMatch reports whether the folded password contains a part of name of
// 4+ code points (folded); name is split on spaces and hyphens.
func nameMatch(folded, name string) bool {
	var partBuf [2 * 64]byte // each part's fold, used only in its iteration
	for name != "" {
		i := strings.IndexFunc(name, isNameSeparator)
		part := name
		if i >= 0 {
			part, name = name[:i], name[i:]
			_, size := utf8.DecodeRuneInString(name)
			name = name[size:]
		} else {
			name = ""
		}
		if _, f := foldBothIn(partBuf[:], part); utf8.RuneCountInString(f) >= 4 && strings.Contains(folded, f) {
			return true
		}
	}
	return false
}

func isNameSeparator(r rune) bool {
	return r == ' ' || r == '-' || r == '\t' || r == '\u00a0' || r == '\u2010' || r == '\u2011'
}

// contextMatch reports whether the folded password contains one of p's
// context words or p's name (with and without its spaces); a short one
// (see shortContext) only where a word starts (see startsWord). A word
// with æ, ø or å (or ae, oe, aa) is also matched in ASCII, by the
// skeletons of both (see skeleton). base is the password folded without
// the substitutions and typed as typed.
func contextMatch(folded, base, typed string, p Policy) bool {
	var name *contextWord
	if p.Name != "" {
		name = cachedWord(p.Name)
	}
	skeletons := false // a word has a skeleton of its own
	for _, w := range p.ContextWords {
		e := cachedWord(w)
		if e.long && containsContext(folded, e.folded, base, typed) {
			return true
		}
		skeletons = skeletons || e.skel != ""
	}
	if name != nil {
		// The name, and without its spaces: "UiTNorgesArktiskeUniversitet".
		if name.long && containsContext(folded, name.folded, base, typed) || name.joined != "" && containsContext(folded, name.joined, base, typed) {
			return true
		}
		skeletons = skeletons || name.skel != ""
	}
	if !skeletons {
		return false
	}
	// The password's skeleton, once for every word that has one.
	var buf [4 * MaxMaxLength]byte // a password's bytes, as a rule
	skel := skeletonIn(buf[:], folded)
	for _, w := range p.ContextWords {
		if e := cachedWord(w); e.skel != "" && containsContext(skel, e.skel, base, typed) {
			return true
		}
	}
	return name != nil && name.skel != "" && containsContext(skel, name.skel, base, typed)
}

// shortContext is the length (in code points of the folded word) under which a
// context word counts only where a word of the password starts: "sikt" is
// in "Sikt2026!" and "MinSikt", not in "forsiktig", "oversikt" or
// "ansikt"; "uit" not in "suite".
const shortContext = 5

// containsContext reports whether folded contains the folded context word
// w, where a word starts when w is short.
func containsContext(folded, w, base, typed string) bool {
	if utf8.RuneCountInString(w) >= shortContext {
		return strings.Contains(folded, w)
	}
	for off := 0; off < len(folded); {
		i := strings.Index(folded[off:], w)
		if i < 0 {
			return false
		}
		if startsWord(folded, base, typed, off+i) {
			return true
		}
		off += i + 1
	}
	return false
}

// startsWord reports whether a word starts at byte i of folded: at the
// start, after a code point that is no letter before the substitutions
// (read in base, which keeps the digits and symbols that folded turns into
// letters: "2024sikt"), or at a
// capital after a small letter (CamelCase, read in typed). The three are
// compared code point by code point, so where folding changed the count
// (NFKC, case folding of ß), only folded is read.
func startsWord(folded, base, typed string, i int) bool {
	if i == 0 {
		return true
	}
	k := utf8.RuneCountInString(folded[:i])
	prev, _ := utf8.DecodeLastRuneInString(folded[:i])
	n := k + utf8.RuneCountInString(folded[i:])
	if utf8.RuneCountInString(base) == n {
		prev = runeAt(base, k-1)
	}
	// A letter without case (CJK) counts as no letter: unicode.IsLetter's
	// tables would cost the module bytes.
	if !unicode.IsLower(prev) && !unicode.IsUpper(prev) {
		return true
	}
	return utf8.RuneCountInString(typed) == n && unicode.IsUpper(runeAt(typed, k)) && unicode.IsLower(runeAt(typed, k-1))
}

// runeAt returns the k-th code point of s.
func runeAt(s string, k int) rune {
	for _, r := range s {
		if k == 0 {
			return r
		}
		k--
	}
	return utf8.RuneError
}

// guessable reports whether the estimator's result est for a password of
// n code points fails the common rule under p: some pattern was found and
// it needs fewer than 10^MinGuessesLog10 guesses, and either the patterns
// save guessMargin powers of ten over brute force or the password is at
// least p.MinLength long and half of it or more is matched.
func guessable(est *guess.Result, n int, p Policy) bool {
	if est.Kinds == 0 || est.Log10 >= p.MinGuessesLog10 {
		return false
	}
	return est.Log10 < float64(n-guessMargin) || n >= p.MinLength && 2*est.MarkedCount() >= n
}
