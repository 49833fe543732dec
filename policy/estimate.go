package policy

import (
	"math"
	"strings"
	"sync"
	"unicode/utf8"

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
// folded one code point for one (foldRune) and with Fold's substitutions
// undone; the default-ignorable code points, which foldRune drops, are left
// out, so code point i of the estimator's input is the i-th kept one. The policy's context words are the context rule's, which
// refuses them outright. A password of more than guess.MaxRunes kept code
// points counts its further ones as brute force.
func estimate(password string) guess.Result {
	var typed, lower, folded [guess.MaxRunes]rune
	n, rest := 0, 0
	for _, r := range password {
		l := foldRune(r)
		if l < 0 {
			continue
		}
		if n == guess.MaxRunes {
			rest++
			continue
		}
		typed[n] = r
		lower[n] = l
		folded[n] = substitute(l)
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

// foldRune returns r as the estimator sees it, one code point for one, or
// -1 for a default-ignorable code point, which Fold drops: ASCII and the
// Latin-1 capitals lower-cased (fullwidth ASCII first made ASCII, NFKC's
// part that dictionary words need), and a code point that Fold's table maps
// to one ASCII letter (the Cyrillic and Greek lookalikes, capitals
// included; signs such as K, KELVIN SIGN) made that letter. Any other code
// point stays as it is: every dictionary word is Latin-1.
func foldRune(r rune) rune {
	if r >= 0xFF01 && r <= 0xFF5E { // fullwidth ASCII
		r -= 0xFEE0
	}
	if r < utf8.RuneSelf {
		return rune(asciiLower[r])
	}
	if i := searchU32(foldKeys, uint32(r)); i >= 0 {
		if d := foldData[foldOff[i]:foldOff[i+1]]; len(d) < 2 {
			r = -1
			if d != "" {
				r = rune(d[0])
			}
		} else if r >= 0xC0 && r < 0xDF { // À..Þ (not ×, which is no key)
			r += 0x20
		}
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
