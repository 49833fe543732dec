package policy

import (
	"bytes"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
)

// TestFoldBothIn: folding into a caller's buffer (larger than needed, full
// of old bytes, or too small) gives what foldBoth gives.
func TestFoldBothIn(t *testing.T) {
	for _, s := range []string{"", "a", "Ola Nordmann", "BLÅBÆR-syltetøy 2026!", "ß", "ＰＡＳＳ", strings.Repeat("Øx", 100)} {
		wb, wf := foldBoth(s)
		for _, n := range []int{0, 1, 2 * len(s), 2*len(s) + 37} {
			buf := bytes.Repeat([]byte{'#'}, n)
			b, f := foldBothIn(buf, s)
			assert.Equal(t, wb, b, "%q into %d bytes", s, n)
			assert.Equal(t, wf, f, "%q into %d bytes", s, n)
		}
	}
}

// TestCachedWord: the context-word cache returns the fold, the rune test
// and the joined form; keeps a word it was asked for; gives every word its
// own fold when more words than slots share it, also at the same time.
func TestCachedWord(t *testing.T) {
	e := cachedWord("UiT Norges Arktiske Universitet")
	assert.Equal(t, Fold("UiT Norges Arktiske Universitet"), e.folded)
	assert.Equal(t, Fold("UiTNorgesArktiskeUniversitet"), e.joined)
	assert.True(t, e.long)
	assert.False(t, cachedWord("ab").long)
	assert.Empty(t, cachedWord("sikt").joined)
	assert.Same(t, e, cachedWord("UiT Norges Arktiske Universitet"))

	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 3000 {
				w := "Ord" + strconv.Itoa(g) + "-" + strconv.Itoa(i%(700+g))
				if got := cachedWord(w); got.folded != Fold(w) || got.word != w {
					t.Errorf("cachedWord(%q) = %q", w, got.folded)
					return
				}
			}
		}()
	}
	wg.Wait()
	kept := 0
	for i := range foldCache {
		if e := (*contextWord)(atomic.LoadPointer(&foldCache[i])); e != nil {
			kept++
			assert.Equal(t, Fold(e.word), e.folded)
		}
	}
	assert.Greater(t, kept, foldSlots/2, "the slots are spread")
	// A word pushed out of its slot is prepared right again.
	e = cachedWord("Ny Institusjon")
	assert.Equal(t, Fold("Ny Institusjon"), e.folded)
	assert.Equal(t, Fold("NyInstitusjon"), e.joined)
	assert.Same(t, e, cachedWord("Ny Institusjon"))
}

// inDigitPunct reports whether r is in digitPunct, rune by rune: what
// trimDigitsPunct trims.
func inDigitPunct(r rune) bool {
	return r >= 0 && r < utf8.RuneSelf && digitPunct[r/64]&(1<<(r%64)) != 0
}

// TestStringHelpersMatchStrings: the module's own validUTF8, substituteAll,
// containsRune, withoutSpaces, replaceOnce (strings' were 7 KB of its
// code) and trimDigitsPunct give what strings.ToValidUTF8(s, "\uFFFD"),
// strings.Map(substitute, s), strings.ContainsRune, strings.ReplaceAll(s,
// " ", ""), strings.Replace(s, old, new, 1) and strings.TrimRightFunc give,
// on strings of every kind of byte and run of invalid bytes.
func TestStringHelpersMatchStrings(t *testing.T) {
	pieces := []string{"a", " ", "0", "l", "@", "æ", "Ø", "\u0301", "\ufffd", "\U0001F600", "\xff", "\xc3", "\xe2\x82", "\xf0\x9f\x98", "\x80", "\xed\xa0\x80", "\xc0\xaf", "\u2028", "."}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		var b strings.Builder
		for range rng.IntN(8) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		s := b.String()
		if got, want := validUTF8(s), strings.ToValidUTF8(s, "\uFFFD"); got != want {
			t.Fatalf("validUTF8(%q) = %q, want %q", s, got, want)
		}
		v := strings.ToValidUTF8(s, "\uFFFD")
		if got, want := substituteAll(v), strings.Map(substitute, v); got != want {
			t.Fatalf("substituteAll(%q) = %q, want %q", v, got, want)
		}
		for _, r := range []rune{'a', ' ', 'æ', 0x301, utf8.RuneError, 0x1F600, 0x2028, '.', -1, utf8.MaxRune + 1} {
			if got, want := containsRune(s, r), strings.ContainsRune(s, r); got != want {
				t.Fatalf("containsRune(%q, %U) = %v, want %v", s, r, got, want)
			}
		}
		if got, want := trimDigitsPunct(s), strings.TrimRightFunc(s, inDigitPunct); got != want {
			t.Fatalf("trimDigitsPunct(%q) = %q, want %q", s, got, want)
		}
		if got, want := withoutSpaces(s), strings.ReplaceAll(s, " ", ""); got != want {
			t.Fatalf("withoutSpaces(%q) = %q, want %q", s, got, want)
		}
		for _, old := range []string{".", "{n}", "a ", "\xff"} {
			if got, want := replaceOnce(s, old, ","), strings.Replace(s, old, ",", 1); got != want {
				t.Fatalf("replaceOnce(%q, %q) = %q, want %q", s, old, got, want)
			}
		}
	}
}
