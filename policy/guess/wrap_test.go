package guess

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestMatchWrapped: a gamer tag's wrapper, two or three x's at the start and
// the same written backwards after a core ("xXHaloDarkXx", "XxX_Sniper_XxX"),
// is one match from the first x to the last, priced as the core's own
// estimate and the wrapper's choice (with a separator inside it on both
// sides, "xx-Toxic-King-xx", that too); the core's words are read as
// words there, not as a capital's chance reading before the closing x's.
func TestMatchWrapped(t *testing.T) {
	run := func(ms *matches, in Input) { matchWrapped(ms, testDict, in.Typed, in.Lower, in.Folded, 0, nil) }
	keep := func(m match) bool { return m.inner.Has(KindRun) }
	for pw, want := range map[string][]string{
		"xXHaloDarkXx1992!1": {"xXHaloDarkXx"},
		"XxX_Sniper_XxX":     {"XxX_Sniper_XxX"},
		"xxKillerQueenxx":    {"xxKillerQueenxx"},
		"xXEmmaXx":           {"xXEmmaXx"},
		"xx-Toxic-King-xx!":  {"xx-Toxic-King-xx"},
		"XXgt7KqLmXX":        {"XXgt7KqLmXX"}, // the wrapper alone is the pattern
	} {
		assert.Equal(t, want, matched(pw, run, keep), "input %q", pw)
	}
	for _, pw := range []string{
		"xXHaloDarkxX",  // not the wrapper backwards
		"xXHaloDarkXxx", // three x's close two
		"xXabXx",        // a core under four code points
		"axXHaloDarkXx", // not at the start
		"xHaloDarkx",    // one x
		"xxxxxxxx",      // x's only
		"xx1999xx",      // no letter: a year between x's
	} {
		assert.Empty(t, matched(pw, run, keep), "input %q", pw)
	}
	// The whole estimate: a gamer tag of a year and two words is about its
	// core's and the wrapper's, where the closing x's made its words
	// chance readings (10^16.7 before, under the length's margin kept).
	assert.Less(t, estTest("xXHaloDarkXx1992!1"), 14.0)
	assert.Less(t, estTest("xXHaloDarkXx1992!1"), estTest("HaloDark1992!1")+2)
}
