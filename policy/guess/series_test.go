package guess

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSeriesWords: every spelling of every series is read, each starts
// with two letters the matcher indexes, and the places count each word
// once whatever its spellings.
func TestSeriesWords(t *testing.T) {
	seriesOnce.Do(buildSeries)
	spellings, places := 0, 0
	for _, line := range strings.Split(seriesText, "\n") {
		for _, w := range strings.Fields(line) {
			places++
			spellings += len(strings.Split(w, "/"))
		}
	}
	assert.Equal(t, spellings, len(seriesWords))
	assert.Equal(t, places, seriesPlaces)
	for _, w := range seriesWords {
		c := seriesPair(w.runes, 0)
		require.GreaterOrEqual(t, c, 0, "%s", string(w.runes))
		assert.Contains(t, seriesWords[seriesFirst[c]:seriesFirst[c+1]], w)
	}
}

// TestMatchSeries: a count through a series' words, either way, from a
// word's start, with one separator the same each time or none, of three
// words or more; priced by where it starts, its way, its length, the
// separator and the case.
func TestMatchSeries(t *testing.T) {
	run := func(ms *matches, in Input) { matchSeries(ms, in.Typed, in.Lower) }
	all := func(m match) bool { return m.kind == KindSequence }
	for s, want := range map[string]string{
		"entotrefire":                        "entotrefire",
		"EnToTreFireFemSeksSju!":             "EnToTreFireFemSeksSju",
		"One-Two-Three-Four-Five-Six1984":    "One-Two-Three-Four-Five-Six",
		"Ti ni åtte sju seks":                "Ti ni åtte sju seks",
		"Alfa.Bravo.Charlie.Delta":           "Alfa.Bravo.Charlie.Delta",
		"ALPHABETAGAMMA":                     "ALPHABETAGAMMA",
		"eins_zwei_drei_vier":                "eins_zwei_drei_vier",
		"unodostrescuatro":                   "unodostrescuatro",
		"FørsteAndreTredje":                  "FørsteAndreTredje",
		"eittTOtre":                          "eittTOtre",
		"Kari2024sevensixfive":               "sevensixfive",
		"RødOransjeGulGrønnBlå":              "RødOransjeGulGrønnBlå",
		"onetwothreefourfivesixseveneight!!": "onetwothreefourfivesixseveneight",
	} {
		assert.Equal(t, []string{want}, matched(s, run, all), "input %q", s)
	}
	// No count: two words, a word skipped, the separator changed, a word
	// of another series, a start inside a word, a way changed.
	for _, s := range []string{"OneTwo2024", "one-three-five-seven", "one-two.three-four", "one-two-tre-fire", "xonetwothree", "onetwoone", "entotoen"} {
		assert.Empty(t, matched(s, run, all), "input %q", s)
	}

	lg := func(s string) float64 {
		ms := new(matches)
		input := in(s)
		ms.classify(input.Typed, input.Lower, input.Folded)
		matchSeries(ms, input.Typed, input.Lower)
		require.Equal(t, 1, ms.n, "input %q", s)
		return float64(ms.m[0].lg)
	}
	start := log10(float64(2 * seriesPlaces))
	assert.InDelta(t, start+log10(3), lg("onetwothree"), 1e-6)
	assert.InDelta(t, start+log10(4)+1, lg("one two three four"), 1e-6, "a separator")
	assert.InDelta(t, start+log10(3)+log3, lg("OneTwoThree"), 1e-6, "every word capitalised")
	assert.InDelta(t, start+log10(3)+1+log3, lg("One-two-three"), 1e-6, "the first capitalised, a separator")
	assert.InDelta(t, start+log10(3)+log3, lg("ONETWOTHREE"), 1e-6, "in capitals")
	assert.InDelta(t, start+log10(3)+3*log3, lg("oneTwoTHREE"), 1e-6, "each word its own way")
	assert.Greater(t, lg("oNeTwOtHrEe"), start+log10(3)+3*log3, "a word written otherwise")

	// Counting through, the password is refused.
	for _, s := range []string{"EnToTreFireFemSeksSjuÅtteNi", "One-Two-three-four-five-six-Seven1984", "Alfa bravo charlie Delta echo!"} {
		input := in(s)
		input.Dictionary = testDict
		r := Estimate(input)
		assert.Less(t, r.Log10, 10.0, "input %q", s)
		assert.True(t, r.Kinds.Has(KindSequence), "input %q", s)
	}
}
