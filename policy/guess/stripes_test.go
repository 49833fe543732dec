package guess

import (
	"math/rand/v2"
	"testing"
	"unicode"

	"github.com/stretchr/testify/assert"
)

// stripesOf runs matchStripes alone on s and returns its matches.
func stripesOf(s string) []match {
	x := in(s)
	ms := new(matches)
	ms.classify(x.Typed, x.Lower, x.Folded)
	matchStripes(ms, x.Typed)
	return ms.m[:ms.n]
}

// TestStripes: streams side by side, one code point of each in turn, each
// counting on by itself, are one match over the whole stretch, cheap; they
// were brute force (10^16-10^20) and accepted.
func TestStripes(t *testing.T) {
	for _, c := range []struct {
		pw   string
		kind Kind
	}{
		{"Aa1Bb2Cc3Dd4Ee5Ff6", KindSequence},
		{"1Aa2Bb3Cc4Dd5Ee6Ff", KindSequence},
		{"1a!2b!3c!4d!5e!6f!", KindSequence},
		{"Aa1!Bb2@Cc3#Dd4$", KindKeyboard},     // the US keyboard's shifted digits
		{"Aa1!Bb2\"Cc3#Dd4¤", KindKeyboard},    // the Norwegian one's
		{"Qq1!Ww2@Ee3#Rr4$Tt5%", KindKeyboard}, // the top row, small and capital
		{"zZ9yY8xX7wW6vV5", KindSequence},      // counting down
		{"a1a2a3a4a5a6", KindRun},              // one stream held: a counted repeat of "a1" (matchCounted) is cheaper still
		{"aAbBcCdD", KindSequence},             // the least: four periods of two
	} {
		res := Estimate(in(c.pw))
		assert.Less(t, res.Log10, 10.0, c.pw)
		assert.True(t, res.Kinds.Has(c.kind), "%s: %v", c.pw, res.Kinds)
		whole := false
		for _, m := range stripesOf(c.pw) {
			whole = whole || m.i == 0 && int(m.j) == len([]rune(c.pw))
		}
		assert.True(t, whole, "%s: one stripe over the whole", c.pw)
	}
	// Not stripes: too few periods, every stream held (a repeat, which
	// matchRepeats prices), a period over four, streams that break.
	for _, pw := range []string{"Aa1Bb2", "aAbBcC", "pyotnr", "Aa1Aa1Aa1Aa1", "aaaaaaaaaaaa", "Sommer2026!Sommer2026!", "Aa1Bx2Cc3Dd4", "Ab1Bc2Cq3Dq4", "hupvEw-fodne1-qabjyg", "correct horse battery"} {
		assert.Empty(t, stripesOf(pw), pw)
	}
	// A stripe ends where a stream breaks.
	m := stripesOf("Aa1Bb2Cc3Dd4xyz!")
	if assert.Len(t, m, 1) {
		assert.Equal(t, [2]uint8{0, 12}, [2]uint8{m[0].i, m[0].j})
	}
}

// TestStripesSkipNone: matchStripes tries fewer starts than every one (a
// start inside a stripe, or inside a stretch that was none, is skipped),
// and finds for every stripe that some start begins a stripe with the same
// end, from that start or before it. Checked against trying every start,
// on strings of stripes, their pieces and noise.
func TestStripesSkipNone(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 13))
	pieces := []string{"Aa1Bb2Cc3", "Dd4Ee5", "Qq1!Ww2@", "1a!2b!3c!", "a1a2a3", "xX", "!", "9", "zZ9yY8", "ab", "k", "Aa1"}
	for range 3000 {
		var s []rune
		for k := rng.IntN(6) + 1; k > 0; k-- {
			s = append(s, []rune(pieces[rng.IntN(len(pieces))])...)
		}
		x := in(string(s))
		found := map[[2]int]bool{}
		for _, m := range stripesOf(string(s)) {
			found[[2]int{int(m.i), int(m.j)}] = true
		}
		n := len(x.Typed)
		for p := minStripe; p <= maxStripe; p++ {
			for i := 0; i+minStripeRunes(p) <= n; i++ {
				// The longest stretch from i whose streams each keep a
				// step, from scratch.
				var keep [maxStripe]uint16
				for s := range keep {
					keep[s] = 1<<stepBits - 1
				}
				j, moved := i+p, false
				for ; j < n; j++ {
					f := stripeSteps(x.Typed[j-p], x.Typed[j])
					if keep[(j-i)%p]&f == 0 {
						break
					}
					keep[(j-i)%p] &= f
					moved = moved || f != 1<<stepStill
				}
				if j-i < minStripeRunes(p) || !moved {
					continue
				}
				ok := false
				for a := 0; a <= i; a++ {
					ok = ok || found[[2]int{a, j}]
				}
				assert.True(t, ok, "%q: the stripe [%d, %d) of period %d", string(s), i, j, p)
			}
		}
	}
}

// TestStripeTables: stripeSeq and stripeKeyTable say of every code point
// under 256 what seqTable (of its small letter) and the layouts say.
func TestStripeTables(t *testing.T) {
	layoutsOnce.Do(buildLayouts)
	for r := rune(0); r < 256; r++ {
		want := uint8(0)
		if lr := unicode.ToLower(r); lr < 256 && seqTable[lr]>>5 != 0 {
			want = seqTable[lr]
			if lr != r {
				want |= seqCapital
			}
		}
		assert.Equal(t, want, stripeSeq[r], "%q", r)
		for li := range layouts {
			l := &layouts[li]
			b := uint8(stripeKeyTable[r] >> (8 * li))
			if assert.Equal(t, l.key[r] != 0, b&keyOn != 0, "%q on layout %d", r, li) && l.key[r] != 0 {
				k := l.key[r] - 1
				assert.Equal(t, int(l.x[k]), int(b&keyColumn), "%q's column on layout %d", r, li)
				assert.Equal(t, int(l.y[k]), int(b&keyRow>>4), "%q's row on layout %d", r, li)
				assert.Equal(t, l.shift[r], b&keyShift != 0, "%q on layout %d", r, li)
			}
		}
	}
	// Left and right along a row are directions' first two: the keys one
	// column apart in one row are neighbours that way (a row sits half a
	// key from the next, so no other pair one column apart is).
	assert.Equal(t, [2]int8{-1, 0}, directions[0])
	assert.Equal(t, [2]int8{1, 0}, directions[1])
	for li := range layouts {
		l := &layouts[li]
		for k := 0; k < l.keys; k++ {
			assert.Less(t, int(l.x[k]), keyColumn+1, "a column fits in keyColumn")
		}
	}
}
