package policy

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// Fold returns the copy of s that the username, name, context and common
// rules match on: NFKC-normalised, case-folded (full Unicode case folding,
// so "ß" matches "ss" and "ＰＡＳＳ" matches "pass"), and with the common
// substitutions undone.
//
// The substitutions are 0→o, 1→l/i, 3→e, 4→a, 5→s, 7→t, @→a, $→s, €→e.
// Because 1 stands for both l and i, Fold collapses the class {1, l, i} to
// one letter, "i": the same Fold applied to both sides makes a plain
// strings.Contains find "Ol1v1a" in "olivia" and "b1rgit" in "Birgit". The
// cost is a few false positives between words that differ only in l and i
// (e.g. "lit" and "iit"), which only ever make a rule stricter.
//
// Fold is idempotent (Fold(Fold(s)) == Fold(s)) and returns valid UTF-8;
// invalid bytes become U+FFFD. Fold never changes what the score sees: the
// score is always computed on the password as typed.
func Fold(s string) string {
	if isASCII(s) {
		return foldASCII(s)
	}
	f := cases.Fold().String(norm.NFKC.String(strings.ToValidUTF8(s, "\uFFFD")))
	// Folding can make new compositions possible (and NFKC after folding is
	// what makes Fold idempotent).
	f = norm.NFKC.String(f)
	// A substituted letter can compose with a following combining mark
	// ("0\u0301" becomes "o\u0301", then "ó"): normalise once more.
	return norm.NFKC.String(strings.Map(substitute, f))
}

// foldBase is Fold without the substitutions: what the season, keyboard,
// sequence and repeat patterns of the common rule match on (there "2026" must
// stay a year).
func foldBase(s string) string {
	if isASCII(s) {
		return strings.ToLower(s)
	}
	f := cases.Fold().String(norm.NFKC.String(strings.ToValidUTF8(s, "\uFFFD")))
	return norm.NFKC.String(f)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// asciiFold maps each ASCII byte to its folded byte.
var asciiFold = func() (t [utf8.RuneSelf]byte) {
	for i := range t {
		t[i] = byte(substitute(rune(lowerASCII(byte(i)))))
	}
	return t
}()

func lowerASCII(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func foldASCII(s string) string {
	b := make([]byte, len(s))
	for i := 0; i < len(s); i++ {
		b[i] = asciiFold[s[i]]
	}
	return string(b)
}

// substitute undoes one common substitution on an already case-folded rune.
func substitute(r rune) rune {
	switch r {
	case '0':
		return 'o'
	case '1', 'l':
		return 'i'
	case '3', '€':
		return 'e'
	case '4', '@':
		return 'a'
	case '5', '$':
		return 's'
	case '7':
		return 't'
	}
	return r
}
