package policy

import (
	"math"
	"strings"
	"sync"

	"github.com/styrke-iam/styrke/policy/guess"
)

var (
	guessOnce sync.Once
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

// estimate runs the guess estimator on password: per code point as typed,
// case-folded and with Fold's substitutions undone (so one code point stays
// one, and the estimator's positions are the Result's chars). The policy's
// context words are the context rule's, which refuses them outright. A password longer
// than guess.MaxRunes counts its further code points as brute force.
func estimate(password string) guess.Result {
	var typed, lower, folded [guess.MaxRunes]rune
	n, rest := 0, 0
	for _, r := range password {
		if n == guess.MaxRunes {
			rest++
			continue
		}
		typed[n] = r
		lower[n] = lowerRune(r)
		folded[n] = substitute(lower[n])
		n++
	}
	if n == 0 {
		// Nothing to match: a page's first score (of an empty field) does
		// not wait for the dictionary (see Prepare).
		return guess.Result{}
	}
	res := guess.Estimate(guess.Input{
		Typed: typed[:n], Lower: lower[:n], Folded: folded[:n],
		Dictionary: guessDictionary(),
	})
	res.Log10 += float64(rest)
	return res
}

// lowerRune case-folds one code point as Fold does for Latin-1 (exactly)
// and fullwidth ASCII (to ASCII); any other code point stays as it is: every
// dictionary word is Latin-1, so a case table for the rest (0.4 KB of the
// WebAssembly module) would find nothing more.
func lowerRune(r rune) rune {
	if r >= 0xFF01 && r <= 0xFF5E { // fullwidth ASCII
		r -= 0xFEE0
	}
	switch {
	case r < 0x80:
		return rune(asciiLower[r])
	case r >= 0xC0 && r <= 0xDE && r != 0xD7:
		return r + 0x20
	}
	return r
}

// kindOrder is the order the kinds of a common violation are named in;
// repeat comes last ("a season and a year, repeated").
var kindOrder = [...]guess.Kind{
	guess.KindPassword, guess.KindContext, guess.KindName, guess.KindWord, guess.KindPlace,
	guess.KindClub, guess.KindCalendar, guess.KindYear, guess.KindDate, guess.KindKeyboard,
	guess.KindSequence, guess.KindWordlike, guess.KindRepeat,
}

// kindsParam returns the kinds of est as the "kinds" parameter: the kind
// names joined by "+", in kindOrder; fallback when est used no match.
func kindsParam(est guess.Result, fallback string) string {
	var b strings.Builder
	for _, k := range kindOrder {
		if est.Kinds.Has(k) {
			if b.Len() > 0 {
				b.WriteByte('+')
			}
			b.WriteString(k.String())
		}
	}
	if b.Len() == 0 {
		return fallback
	}
	return b.String()
}

// roundGuesses rounds a log10 of guesses to one decimal for the params.
func roundGuesses(lg float64) float64 { return math.Round(lg*10) / 10 }
