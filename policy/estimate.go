package policy

import (
	"math"
	"strings"
	"unicode/utf8"

	"github.com/styrke-iam/styrke/policy/guess"
	"github.com/styrke-iam/styrke/policy/internal/once"
	"github.com/styrke-iam/styrke/policy/internal/unorm"
)

var (
	guessOnce once.Once
	guessDict *guess.Dictionary
)

// guessDictionary returns the estimator's dictionary: its embedded lists
// and the common-password list, built on first use (see Prepare).
func guessDictionary() *guess.Dictionary {
	guessOnce.Do(func() {
		guessDict = guess.NewDictionary(commonPasswords().list)
	})
	return guessDict
}

// estimation is the estimator's verdict on a password, with where in the
// password each code point it saw stands.
type estimation struct {
	guess.Result
	n  int                    // code points the estimator saw
	at [guess.MaxRunes]uint32 // at[k]: the index in the password of the estimator's code point k
}

// estimate runs the guess estimator on password: per code point as typed,
// case-folded one code point for one by Fold's table (so the Cyrillic and
// Greek lookalikes become Latin; a code point that folds to more than one,
// such as ß, stays as it is; fullwidth ASCII becomes ASCII, NFKC's part that
// dictionary words need), and with Fold's substitutions undone. The
// default-ignorable code points, which the table drops, are left out (and
// so never marked). The policy's context words are the context rule's,
// which refuses them outright. A password of more than guess.MaxRunes code
// points counts its further ones as brute force.
func estimate(password string) estimation {
	return estimateWith(password, guessDictionary)
}

// estimateWith is estimate with the dictionary dict returns (called only
// when the password has a code point to match).
func estimateWith(password string, dict func() *guess.Dictionary) (e estimation) {
	var typed, lower, folded [guess.MaxRunes]rune
	i, rest := 0, 0
	k := 0 // e.n, in a local while the loop runs: no load and store of it a code point, and no bounds check below
	for _, r := range password {
		l := r
		if l >= 0xFF01 && l <= 0xFF5E { // fullwidth ASCII
			l -= 0xFEE0
		}
		if l < utf8.RuneSelf {
			l = rune(asciiLower[l])
		} else if l < latinEnd {
			if l = latinFolded[l-utf8.RuneSelf]; l < 0 {
				i++
				continue // default-ignorable (the soft hyphen)
			}
		} else if f := unorm.CaseFold(string(l)); f == "" {
			i++
			continue // default-ignorable
		} else if g, size := utf8.DecodeRuneInString(f); size == len(f) {
			l = g
		}
		if k < guess.MaxRunes {
			// Of the small letters a-z only 'l' has a substitution to undo:
			// the others need no call to substitute.
			f := l
			if l < 'a' || l > 'z' || l == 'l' {
				f = substitute(l)
			}
			typed[k], lower[k], folded[k] = r, l, f
			e.at[k] = uint32(i)
			k++
		} else {
			rest++
		}
		i++
	}
	e.n = k
	if e.n == 0 {
		// Nothing to match: a page's first score (of an empty field) does
		// not wait for the dictionary (see Prepare).
		return e
	}
	usLayout(typed[:k], lower[:k], folded[:k])
	plainLatin(typed[:k], lower[:k], folded[:k])
	l33tDigits(lower[:k], folded[:k])
	e.Result = guess.Estimate(guess.Input{
		Typed: typed[:e.n], Lower: lower[:e.n], Folded: folded[:e.n],
		Dictionary: dict(),
	})
	e.Log10 += float64(rest)
	return e
}

// l33tDigits reads each 8 and 9 as the b and g they stand for in folded
// ("847m4n", "Stavan93r", "Lørd49", "Sarpsb0r9", as zxcvbn's l33t table
// has them), within a run of code points that fold to letters which holds
// a letter and another substitution ("4", "0", "3", "@"...). Not in Fold,
// where every 9 after a word ("Vadmel9") would be a letter of it too, and
// not in a number of four digits or more, which ends a run ("Sommer1989").
func l33tDigits(lower, folded []rune) {
	for a := 0; a < len(lower); {
		b, letter, subs, l33t := a, false, false, false
		for ; b < len(lower); b++ {
			c, f := lower[b], folded[b]
			if c >= '0' && c <= '9' && (b == a || lower[b-1] < '0' || lower[b-1] > '9') {
				d := b // a number starts: of four digits or more?
				for d < len(lower) && d-b < 4 && lower[d] >= '0' && lower[d] <= '9' {
					d++
				}
				if d-b >= 4 {
					break
				}
			}
			if c == '8' || c == '9' {
				l33t = true
			} else if f >= 'a' && f <= 'z' || f >= 0xE0 && f <= 0xFF {
				if c == f || c == 'l' || c >= 0xC0 {
					letter = true
				} else {
					subs = true
				}
			} else {
				break
			}
		}
		if letter && subs && l33t {
			for k := a; k < b; k++ {
				switch lower[k] {
				case '8':
					folded[k] = 'b'
				case '9':
					folded[k] = 'g'
				}
			}
		}
		for a = b + 1; b < len(lower) && lower[b] >= '0' && lower[b] <= '9'; b++ {
			a = b + 1 // past a number that ended the run
		}
	}
}

// latinEnd bounds the code points latinFolded holds: Latin-1 and Latin
// Extended-A (æ, ø, å and the letters of the names of Europe).
const latinEnd = 0x180

// latinFolded is what estimateWith makes of each code point from U+0080 up
// to latinEnd: its case folding when that is one code point, itself when
// it is more, -1 when it is dropped. Asking unorm.CaseFold took 300
// instructions a code point (4,900 of the bench's password's 200,000).
var latinFolded = func() (t [latinEnd - utf8.RuneSelf]rune) {
	for k := range t {
		r := rune(k + utf8.RuneSelf)
		t[k] = r
		if f := unorm.CaseFold(string(r)); f == "" {
			t[k] = -1
		} else if g, size := utf8.DecodeRuneInString(f); size == len(f) {
			t[k] = g
		}
	}
	return t
}()

// kindOrder is the order the kinds of a common violation are named in;
// repeat comes last ("a season and a year, repeated").
var kindOrder = [...]guess.Kind{
	guess.KindPassword, guess.KindContext, guess.KindName, guess.KindWord, guess.KindPlace,
	guess.KindClub, guess.KindCalendar, guess.KindYear, guess.KindDate, guess.KindPhone, guess.KindIdentity, guess.KindConstant, guess.KindKeyboard,
	guess.KindSequence, guess.KindAddress, guess.KindWordlike, guess.KindPunctuation, guess.KindRun, guess.KindMirror, guess.KindRepeat,
}

// kindsParam returns the kinds of est as the "kinds" parameter: the kind
// names joined by "+", in kindOrder; fallback when est used no match.
func kindsParam(est guess.Result, fallback string) string {
	if s := joinKindNames(est.Kinds); s != "" {
		return s
	}
	return fallback
}

// noPlural are the kinds feedback never names in the plural (see plurals).
const noPlural = 1<<guess.KindRepeat | 1<<guess.KindMirror | 1<<guess.KindRun | 1<<guess.KindPunctuation

// severalParam returns the kinds of est found twice or more (est.Several)
// that feedback names in the plural, joined by "+" as kindsParam's; "" when
// none.
func severalParam(est guess.Result) string {
	return joinKindNames(est.Several & est.Kinds &^ noPlural)
}

// joinKindNames returns the names of kinds joined by "+", in kindOrder.
func joinKindNames(kinds guess.Kinds) string {
	var b strings.Builder
	for _, k := range kindOrder {
		if kinds.Has(k) {
			if b.Len() > 0 {
				b.WriteByte('+')
			}
			b.WriteString(k.String())
		}
	}
	return b.String()
}

// roundGuesses rounds a log10 of guesses to one decimal for the params.
func roundGuesses(lg float64) float64 { return math.Round(lg*10) / 10 }

// EstimatorRefuses reports whether the common rule refuses password on the
// guess estimator's verdict alone, with the dictionary d in place of the
// embedded one (so without the common list when d was built without it),
// under p with its minimum length at most the password's: what Evaluate
// decides for such a policy when the password is on no list.
// policy/internal/gencommon leaves such passwords out of the common list.
func EstimatorRefuses(p Policy, password string, d *guess.Dictionary) bool {
	e := estimateWith(password, func() *guess.Dictionary { return d })
	n := utf8.RuneCountInString(password)
	p.MinLength = min(p.MinLength, n)
	return guessable(&e.Result, n, p)
}

// usLayout reads the keys that type æ, ø and å on the Norwegian layout as
// those letters when the password was typed with the US layout on: where
// ';' or '[' stands between two small letters a-z ("L;rdag", "Bl[b'r"),
// each of ';', the apostrophe and '[' next to one is read as ø, æ and å,
// and ':', '"' and '{' before one as Ø, Æ and Å, in all three forms (the
// password's own code points stay in the Sikt score and the cells). The
// apostrophe alone is no sign of it: English writes it between letters
// ("don't").
func usLayout(typed, lower, folded []rune) {
	n, found := len(lower), false
	for k := 1; k+1 < n; k++ {
		if r := lower[k]; (r == ';' || r == '[') && uint32(lower[k-1]-'a') < 26 && uint32(lower[k+1]-'a') < 26 {
			found = true
			break
		}
	}
	if !found {
		return
	}
	for k, r := range lower {
		m := 0
		for m < len(usKeys) && usKeys[m] != r {
			m++
		}
		if m == len(usKeys) {
			continue
		}
		after := k+1 < n && uint32(lower[k+1]-'a') < 26
		if after || m < 3 && k > 0 && uint32(lower[k-1]-'a') < 26 {
			typed[k], lower[k], folded[k] = usLetters[m], usLetters[m%3], usLetters[m%3]
		}
	}
}

// plainLatin reads each Latin letter with a diacritic, other than æ, ø
// and å, as its base letter in all three forms, its case kept in typed
// ("Łukasz", "Wiśniewski", "Müller", "Kārkliņa", "kafé" as "Lukasz",
// "Wisniewski", "Muller", "Karklina", "kafe"): the lists hold names and
// words as a Norwegian keyboard writes them, and an attacker tries both
// spellings of a name. Only lowers an estimate: the letters stay letters.
func plainLatin(typed, lower, folded []rune) {
	for k, r := range lower {
		if r < 0xC0 || r >= latinEnd {
			continue
		}
		b := rune(latinBase[r-0xC0])
		if b == '-' {
			continue
		}
		if typed[k] != r {
			typed[k] = b - 'a' + 'A' // a capital, lower is its folding
		} else {
			typed[k] = b
		}
		lower[k], folded[k] = b, substitute(b)
	}
}

// latinBase is the base letter of each code point from U+00C0 to latinEnd
// ('-' for none, or for æ, ø and å, the lists' own letters; ł, đ, ħ, ŧ and
// ı have no decomposition and are given theirs): TestLatinBase holds it to
// the letters' canonical decompositions.
const latinBase = "aaaaa--ceeeeiiiidnooooo--uuuuy--aaaaa--ceeeeiiiidnooooo--uuuuy-y" +
	"aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiii--jjkkkllllllllllnnnnnn-nnoooooo--rrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs"

// usKeys are the keys of ø, æ and å on the US layout, then with shift (Ø,
// Æ, Å: read only before a letter), and usLetters the letters they type on
// the Norwegian layout.
var (
	usKeys    = [...]rune{';', '\'', '[', ':', '"', '{'}
	usLetters = [...]rune{'ø', 'æ', 'å', 'Ø', 'Æ', 'Å'}
)
