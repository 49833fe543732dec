package main

import (
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTrackerCountsEachDraw: the tracker's probability of a password is
// the product of its draws': 1/n for IntN(n), k/n for a string that stands
// k times in the list picked from, the branch's probability for chance,
// branch and slot, 1/(n·(n-1)·…) for distinct, nothing for a value set
// aside until it is counted, and the sum over outcomes alike; the values
// drawn are those of the same *rand.Rand used directly.
func TestTrackerCountsEachDraw(t *testing.T) {
	gen := func(r source) string {
		s := pick(r, []string{"a", "a", "b"})
		if chance(r, 0.25) {
			s += "!"
		}
		s += strconv.Itoa(r.IntN(10))
		s += strconv.Itoa(branch(r, 0.5, 0.9))
		for _, k := range distinct(r, 5, func() int { return 2 }) {
			s += strconv.Itoa(k)
		}
		v, lp := aside(r, func() int { return r.IntN(7) })
		if r.IntN(2) == 0 {
			counted(r, lp)
			s += "+" + strconv.Itoa(v)
		}
		// Three of ten draws make "x", two "y", five "z" or "x" alike.
		outcomes := []string{"x", "y", "x"}
		k := slot(r, 10, 3, 5)
		alike(r, outcomes, []float64{.3, .2, .5}, k)
		return s + "=" + outcomes[k]
	}
	plain := rand.New(rand.NewPCG(1, 2))
	tr := &tracker{r: rand.New(rand.NewPCG(1, 2))}
	for range 2000 {
		want := gen(plain)
		tr.log10p = 0
		got := gen(tr)
		require.Equal(t, want, got, "the same draws")
		p := 0.2 // "y"
		if got[len(got)-1] == 'x' {
			p = 0.8
		}
		got, _, _ = strings.Cut(got, "=")
		if got[0] == 'a' {
			p *= 2.0 / 3
		} else {
			p /= 3
		}
		rest := got[1:]
		if rest[0] == '!' {
			p *= 0.25
			rest = rest[1:]
		} else {
			p *= 0.75
		}
		p *= 0.1 // the digit
		p *= map[byte]float64{'0': 0.5, '1': 0.4, '2': 0.1}[rest[1]]
		p *= 1.0 / (5 * 4) // two distinct of five, in order
		p *= 0.5           // the coin
		if len(rest) > 4 {
			p /= 7 // the value set aside, used
		}
		assert.InDelta(t, math.Log10(p), tr.log10p, 1e-9, got)
	}
}

// TestRankerUniform: of N passwords drawn uniformly every one is as likely
// as the others, so an attacker finds one after half of them on average:
// the rank is 1 + N/2 whatever the sample.
func TestRankerUniform(t *testing.T) {
	const n = 1_000_000
	gen := func(m int, seed uint64) drawn {
		r := &tracker{r: rand.New(rand.NewPCG(seed, 1))}
		d := drawn{}
		for range m {
			r.log10p = 0
			d.tries++
			r.IntN(n)
			d.log10p = append(d.log10p, r.log10p)
		}
		return d
	}
	r := newRanker(gen(10_000, 1))
	assert.InDelta(t, math.Log10(1+n/2), r.log10Rank(-6), 1e-9)
	// More likely than any sample: the first guess.
	assert.InDelta(t, 0, r.log10Rank(-1), 1e-9)
	// An attack of 250,000 guesses finds a quarter of them: any one is
	// beyond it with a chance of three in four.
	assert.InDelta(t, 0.75, r.beyond(-6, math.Log10(250_000)), 1e-9)
	assert.InDelta(t, 0, r.beyond(-6, 6.1), 1e-9)
	assert.InDelta(t, 1-1e-6, r.beyond(-6, 0), 1e-9) // the first guess finds one
}

// TestRankerTwoLevels: a generator that makes one of 10 passwords half the
// time and one of 10^6 the other half: one of the 10 is found after 5.5
// guesses on average, one of the 10^6 after the 10 and half of the 10^6.
// With a filter that keeps the even ones of the 10^6 only (as the
// generators keep passwords of some lengths), the kept ones are a share
// 3/4 of what is drawn, each kept one 4/3 as likely as its draws, and the
// ranks count the kept ones: 10 and half of 500,000.
func TestRankerTwoLevels(t *testing.T) {
	gen := func(m int, seed uint64, filter bool) drawn {
		r := &tracker{r: rand.New(rand.NewPCG(seed, 1))}
		d := drawn{}
		for len(d.log10p) < m {
			r.log10p = 0
			d.tries++
			if r.IntN(2) == 0 {
				r.IntN(10)
			} else if r.IntN(1_000_000)%2 == 1 && filter {
				continue
			}
			d.log10p = append(d.log10p, r.log10p)
		}
		return d
	}
	r := newRanker(gen(100_000, 7, false))
	assert.InDelta(t, math.Log10(1+10+500_000), r.log10Rank(math.Log10(0.5e-6)), 0.02)
	assert.InDelta(t, math.Log10(1+5), r.log10Rank(math.Log10(0.05)), 0.02)
	// An attack of 10 + 100,000 guesses finds the 10 and a tenth of the
	// 10^6.
	assert.InDelta(t, 0.9, r.beyond(math.Log10(0.5e-6), math.Log10(10+100_000)), 0.01)
	assert.InDelta(t, 0, r.beyond(math.Log10(0.05), math.Log10(10+100_000)), 1e-9)
	r = newRanker(gen(100_000, 7, true))
	assert.InDelta(t, math.Log10(1+10+250_000), r.log10Rank(math.Log10(0.5e-6)), 0.02)
	assert.InDelta(t, math.Log10(1+5), r.log10Rank(math.Log10(0.05)), 0.02)
}

// TestGeneratorsCountWhatTheyDraw: the probabilities a tracked generator
// gives its passwords (its draws' over the filter's share) agree with how
// often it makes them. Two samples are the same password with probability
// the sum of p(x)² over passwords x, which is the mean of p over the
// samples: the pairs of equal samples counted must be as many as that
// predicts, within 10%; and each password made 40 times or more must be
// made as often as its probability says, within five standard errors. A
// draw left uncounted, a list's duplicate counted once or a value drawn
// but not used counted makes them disagree (the shapes' counted blocks
// did, by a factor of up to 27, before their loop was counted as a whole;
// the separators' "" of seps, which stands three times in it, by 3).
func TestGeneratorsCountWhatTheyDraw(t *testing.T) {
	// Few words, so that passwords repeat often enough to count.
	f, l, w, e, p := firsts, lasts, nbWords, enWords, places
	defer func() { firsts, lasts, nbWords, enWords, places = f, l, w, e, p }()
	firsts, lasts, nbWords, enWords, places = []string{"kari", "ola"}, []string{"lie"}, []string{"katt", "katt", "hund"}, []string{"dog"}, []string{"oslo"}
	// How many passwords each draws: enough for a few thousand pairs
	// (pieces, with dates and mobile numbers among its parts, repeats
	// itself least).
	for name, g := range map[string]struct {
		m   int
		gen func(int, uint64) ([]string, drawn)
	}{
		"pieces": {300_000, piecesDrawn},
		"shapes": {50_000, shapesDrawn},
		"phrases": {150_000, func(n int, seed uint64) ([]string, drawn) {
			return wordPhrasesDrawn(n, []string{"sol", "regn", "snø", "vind", "hav", "fjell"}, seed)
		}},
		"passphrases": {50_000, func(n int, seed uint64) ([]string, drawn) {
			return passphrasesDrawn(n, []string{"sol", "regn", "snø", "vind", "hav", "fjell", "sol"}, seed)
		}},
		"other separators": {50_000, func(n int, seed uint64) ([]string, drawn) {
			return otherSeparatorsDrawn(n, []string{"sol", "regn", "snø", "vind", "hav", "fjell"}, seed)
		}},
	} {
		m := float64(g.m)
		pws, d := g.gen(g.m, 3)
		share := math.Log10(float64(m) / float64(d.tries))
		seen, log10p := map[string]int{}, map[string]float64{}
		mean := 0.0
		for k, pw := range pws {
			seen[pw]++
			log10p[pw] = d.log10p[k] - share
			mean += math.Pow(10, log10p[pw]) / m
		}
		pairs := 0.0
		checked := 0
		for pw, c := range seen {
			pairs += float64(c) * float64(c-1) / 2
			if c < 40 {
				continue
			}
			checked++
			p := math.Pow(10, log10p[pw])
			se := math.Sqrt(m * p * (1 - p))
			assert.InDelta(t, m*p, float64(c), 5*se, "%s: %q made %d times, tracked %.3g", name, pw, c, p)
		}
		want := mean * m * (m - 1) / 2
		require.Greater(t, want, 1000.0, "%s: enough pairs to count", name)
		t.Logf("%s: pairs %.0f, predicted %.0f", name, pairs, want)
		assert.InEpsilon(t, want, pairs, 0.1, "%s: pairs of equal passwords, %d of them made %d times or more", name, checked, 40)
	}
}

// TestMultiplicity: a word's count in a list, short or long (a long one is
// counted once into a table), and in two long lists that share their
// start but not their length.
func TestMultiplicity(t *testing.T) {
	long := make([]string, 0, 5000)
	for k := range 5000 {
		long = append(long, strconv.Itoa(k%4000))
	}
	assert.Equal(t, 2, multiplicity(long, "7"))
	assert.Equal(t, 1, multiplicity(long, "3999"))
	assert.Equal(t, 0, multiplicity(long, "x"))
	assert.Equal(t, 1, multiplicity(long[:4500], "3999"), "a prefix is another list")
	assert.Equal(t, 2, multiplicity(long[:4500], "7"))
	assert.Equal(t, 2, multiplicity([]string{"a", "b", "a"}, "a"))
}
