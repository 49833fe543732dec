package guess

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestMatchCounting: numbers written together, each the last plus a step,
// across the numbers' widths, up or down; not four numbers, not six
// digits, one digit each, a leading zero, or a step no count takes: none.
func TestMatchCounting(t *testing.T) {
	run := func(ms *matches, in Input) { matchCounting(ms, in.Lower) }
	for s, want := range map[string]string{
		"2468101214161820":        "2468101214161820",
		"Sommer!2468101214161820": "2468101214161820",
		"1357911131517!":          "1357911131517",
		"Kari!36912151821242730":  "36912151821242730",
		"5101520253035":           "5101520253035",
		"19871988198919901991":    "19871988198919901991",
		"2019181716151413":        "2019181716151413",
		"100200300400x":           "100200300400",
		"8910111213":              "8910111213",
		"ab0246810x":              "0246810",
	} {
		got := matched(s, run, func(m match) bool { return m.kind == KindSequence })
		assert.Contains(t, got, want, "input %q", s)
		for _, g := range got {
			assert.LessOrEqual(t, len(g), len(want), "input %q: the longest count from each start, no longer", s)
		}
	}
	for _, s := range []string{
		"246813",       // three numbers, then no count
		"24681",        // four numbers, five digits
		"x246810x",     // five numbers, six digits
		"1357913579",   // one digit each: a sequence, twice
		"05060708",     // numbers with a leading zero ("0102030" is 0, 10, 20, 30: a count)
		"1122334455",   // a step of 11 (and twos of digits)
		"748201935566", // random digits
		"Sommer2026!",
	} {
		assert.Empty(t, matched(s, run, func(m match) bool { return m.kind == KindSequence }), "input %q", s)
	}
}

// TestCountingPrice: the start, the numbers, the step and the way.
func TestCountingPrice(t *testing.T) {
	lg := func(s string) float64 {
		x := in(s)
		ms := new(matches)
		ms.classify(x.Typed, x.Lower, x.Folded)
		matchCounting(ms, x.Lower)
		best := 99.0
		for k := 0; k < ms.n; k++ {
			if m := ms.m[k]; int(m.i) == 0 && int(m.j) == len(x.Typed) {
				best = min(best, float64(m.lg))
			}
		}
		return best
	}
	assert.InDelta(t, log10(4*9*2), lg("24681012141618"), 1e-6)         // from the step, 9 numbers
	assert.InDelta(t, log10(4*10*3), lg("36912151821242730"), 1e-6)     // from the step, 10 numbers
	assert.InDelta(t, log10(1e4*5*1), lg("19871988198919901991"), 1e-6) // from a number of four digits
	assert.InDelta(t, log10(100*8*1*2), lg("2019181716151413"), 1e-6)   // down, from one of 100
	assert.Less(t, estTest("Sommer!2468101214161820"), 10.0)
	assert.Less(t, estTest("Kari!36912151821242730"), 10.0)
}
