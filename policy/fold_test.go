package policy

import (
	"bytes"
	"strconv"
	"strings"
	"sync"
	"testing"

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
		if e := foldCache[i].Load(); e != nil {
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
