package policy

import (
	"strings"
	"sync/atomic"
	"unicode/utf8"
	"unsafe"

	"github.com/styrke-iam/styrke/policy/internal/unorm"
)

// Fold returns the copy of s that the username, name, context and common
// rules match on: NFKC-normalised, case-folded (full Unicode case folding,
// so "ß" matches "ss" and "ＰＡＳＳ" matches "pass"), without the
// default-ignorable code points (zero-width space and joiners, soft hyphen,
// variation selectors, bidi controls: characters drawn as nothing), with the
// Cyrillic and Greek letters that look like Latin ones made Latin (after
// case folding, so capitals too: "nоrdmann" with a Cyrillic о is
// "nordmann"), and with the common substitutions undone.
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
	_, folded := foldBoth(s)
	return folded
}

// foldBoth returns foldBase(s) and Fold(s) computed together.
func foldBoth(s string) (base, folded string) {
	return foldBothIn(nil, s)
}

// foldBothIn is foldBoth that writes into buf when s is Latin-1 and buf has
// room for both copies (2*len(s) bytes), so a caller can fold into a stack
// array; the results share buf, which the caller must not reuse while it
// holds them.
func foldBothIn(buf []byte, s string) (base, folded string) {
	if isLatin1Simple(s) {
		return foldSimple(buf, s)
	}
	base = unorm.NFKC(unorm.CaseFold(unorm.NFKC(validUTF8(s))))
	// A substituted letter can compose with a following combining mark
	// ("0\u0301" becomes "o\u0301", then "ó"): normalise once more.
	return base, unorm.NFKC(substituteAll(base))
}

// validUTF8 is strings.ToValidUTF8(s, "\uFFFD"): each run of bytes that
// are no UTF-8 becomes one U+FFFD. (strings.ToValidUTF8 and strings.Map
// were 4 KB of the WebAssembly module's code for these two calls.)
func validUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	b := make([]byte, 0, len(s)+2)
	bad := false // the byte before was no UTF-8
	for i := 0; i < len(s); {
		_, size := utf8.DecodeRuneInString(s[i:])
		if size == 1 && s[i] >= utf8.RuneSelf {
			if !bad {
				b = append(b, "\uFFFD"...)
			}
			bad = true
			i++
			continue
		}
		bad = false
		b = append(b, s[i:i+size]...)
		i += size
	}
	return string(b)
}

// withoutSpaces is strings.ReplaceAll(w, " ", "") (strings.Replace was
// 2.4 KB of the WebAssembly module's code).
func withoutSpaces(w string) string {
	b := make([]byte, 0, len(w))
	for i := 0; i < len(w); i++ {
		if w[i] != ' ' {
			b = append(b, w[i])
		}
	}
	return string(b)
}

// substituteAll is strings.Map(substitute, s) for a valid s.
func substituteAll(s string) string {
	b := make([]byte, 0, len(s))
	for _, r := range s {
		b = utf8.AppendRune(b, substitute(r))
	}
	return string(b)
}

// foldBase is Fold without the substitutions: what the season, keyboard,
// sequence and repeat patterns of the common rule match on (there "2026" must
// stay a year).
func foldBase(s string) string {
	base, _ := foldBoth(s)
	return base
}

// isLatin1Simple reports whether every rune of s is ASCII or a Latin-1
// letter À..ÿ other than ß. For such strings NFKC changes nothing (they are
// precomposed and none has a compatibility mapping, and no combining mark
// can follow), and full case folding is simple lower-casing; so Fold is a
// per-rune table lookup. TestFoldFastPathMatchesXText proves it rune by
// rune.
func isLatin1Simple(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < utf8.RuneSelf {
			continue
		}
		// Two-byte UTF-8 for U+00C0..U+00FF is C3 80..C3 BF.
		if c != 0xC3 || i+1 >= len(s) || s[i+1] < 0x80 || s[i+1] > 0xBF || s[i+1] == 0x9F {
			return false
		}
		i++
	}
	return true
}

// foldSimple returns foldBase(s) and Fold(s) for a string for which
// isLatin1Simple holds, in one pass, in buf when it has room for 2*len(s)
// bytes and else in one allocation.
func foldSimple(buf []byte, s string) (base, folded string) {
	if len(s) == 0 {
		return "", ""
	}
	if len(buf) < 2*len(s) {
		buf = make([]byte, 2*len(s))
	}
	buf = buf[:2*len(s)]
	b, f := buf[:len(s):len(s)], buf[len(s):]
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < utf8.RuneSelf {
			b[i] = asciiLower[c]
			f[i] = asciiFold[c]
			continue
		}
		// U+00C0..U+00DE (but × U+00D7) lower-case by adding 0x20.
		lo := s[i+1]
		if lo >= 0x80 && lo <= 0x9E && lo != 0x97 {
			lo += 0x20
		}
		b[i], b[i+1] = 0xC3, lo
		f[i], f[i+1] = 0xC3, lo
		i++
	}
	// buf is not written again while the strings live (see foldBothIn).
	return unsafe.String(&b[0], len(b)), unsafe.String(&f[0], len(f))
}

// asciiLower maps each ASCII byte to its lower case.
var asciiLower = func() (t [utf8.RuneSelf]byte) {
	for i := range t {
		t[i] = lowerASCII(byte(i))
	}
	return t
}()

// contextWord is a policy word (a context word or the institution's name)
// as the context rule matches it.
type contextWord struct {
	_      [0]func() // not comparable: no equality code in the module (see Param)
	word   string    // the word as the policy has it
	folded string    // Fold of the word
	long   bool      // folded has 3+ code points; shorter words never match
	joined string    // Fold of the word without its spaces; "" if it has none or under 3 code points
	skel   string    // skeleton of folded when it differs and has 3+ code points, else ""
}

// foldCache remembers the folds of policy words, which every Evaluate of a
// policy needs again: a table of slots indexed by a hash of the word, each
// an atomic pointer to an entry that is never changed, so neither readers
// nor writers take a lock. A word whose slot holds another word takes the
// slot (a cache, not a store: a word pushed out costs one Fold when it is
// next asked for), so neither memory nor any cost can grow with what
// clients send. (Not a map: the module would carry the runtime's map
// iteration and clearing for this alone.)
//
// The slots are unsafe.Pointers read and written with sync/atomic's
// functions, not atomic.Pointer[contextWord]: the generic type's
// instantiation carried the struct's whole definition as its name, three
// times, into the module.
var foldCache [foldSlots]unsafe.Pointer // *contextWord

const foldSlots = 1024 // a power of two

// cachedWord returns w prepared for the context rule.
func cachedWord(w string) *contextWord {
	slot := &foldCache[commonHash(w)&(foldSlots-1)]
	if e := (*contextWord)(atomic.LoadPointer(slot)); e != nil && e.word == w {
		return e
	}
	e := newContextWord(w)
	atomic.StorePointer(slot, unsafe.Pointer(e))
	return e
}

func newContextWord(w string) *contextWord {
	f := Fold(w)
	e := &contextWord{word: w, folded: f, long: utf8.RuneCountInString(f) >= 3}
	if k := skeleton(f); k != f && utf8.RuneCountInString(k) >= 3 {
		e.skel = k
	}
	if strings.Contains(w, " ") {
		if j := Fold(withoutSpaces(w)); utf8.RuneCountInString(j) >= 3 {
			e.joined = j
		}
	}
	return e
}

// skeleton writes æ, ø and å, and their spellings in ASCII (ae, oe,
// aa), as one letter each (a, o, a) in the folded s: "Bærum", "Baerum" and
// "Barum", or "Skårerød" and "Skaarerod", are one word to the context
// rule. Many systems refused æ, ø and å in passwords, and people write
// them in ASCII in any of these ways; the context word "Kolsås" did not
// match "Kolsas-Granskog!" (the estimator's lists hold the same ways,
// guess.asciiWays).
func skeleton(s string) string {
	return skeletonIn(nil, s)
}

// skeletonIn is skeleton that writes into buf when it has room (len(s)
// bytes), so a caller can write it into a stack array (a keystroke
// allocated two strings for a policy with "Tromsø" among its words); the
// result shares buf, which the caller must not reuse while it holds it.
func skeletonIn(buf []byte, s string) string {
	if len(buf) < len(s) {
		buf = make([]byte, len(s))
	}
	// æ, ø and å as a, o and a, and an e after a or o, or an a after a,
	// left out of what is written so far: "Bøen" and "Boen" both come to
	// "bon" (merging pairs of the input, "bøen" came to "boen" and "boen"
	// to "bon").
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == 0xc3 && i+1 < len(s) && (s[i+1] == 0xa6 || s[i+1] == 0xa5 || s[i+1] == 0xb8) {
			c = 'a'
			if s[i+1] == 0xb8 {
				c = 'o'
			}
			i++
		}
		if n > 0 && (c == 'e' && (buf[n-1] == 'a' || buf[n-1] == 'o') || c == 'a' && buf[n-1] == 'a') {
			continue
		}
		buf[n] = c
		n++
	}
	if n == len(s) {
		return s // nothing changed: every byte was written as it was
	}
	return unsafe.String(&buf[0], n)
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
