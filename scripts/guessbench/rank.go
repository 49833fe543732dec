package main

import (
	"math"
	"math/rand/v2"
	"slices"
	"sort"
)

// source is what the generators draw from: a *rand.Rand, or a tracker
// that also counts how likely the draws were.
type source interface {
	IntN(n int) int
	Float64() float64
	Perm(n int) []int
}

// tracker is a source that adds up the base-10 logarithm of the
// probability of what it drew: log10(1/n) for each IntN(n), and for each
// chance, branch or slot the probability of the branch taken. A generator
// that draws only through these (and distinct, aside and alike where a
// draw needs them) thus knows the probability with which it made each
// password the way it made it.
type tracker struct {
	r      *rand.Rand
	log10p float64
}

func (t *tracker) IntN(n int) int {
	t.log10p -= math.Log10(float64(n))
	return t.r.IntN(n)
}

// Float64 is not counted: a tracked generator draws a branch with chance.
func (t *tracker) Float64() float64 { panic("guessbench: an untracked draw (use chance)") }

// chance reports whether a draw of r falls under p, the branch taken with
// probability p; a tracker counts the branch's probability.
func chance(r source, p float64) bool {
	t, ok := r.(*tracker)
	if !ok {
		return r.Float64() < p
	}
	yes := t.r.Float64() < p
	if yes {
		t.log10p += math.Log10(p)
	} else {
		t.log10p += math.Log10(1 - p)
	}
	return yes
}

// drawn is what a tracked generator says of the passwords it made: for
// each, log10 of the probability of the draws that made it, and how many
// passwords it made in all before its filter (of length) kept those.
type drawn struct {
	log10p []float64
	tries  int
}

// ranker estimates how many guesses an attacker who knows a generator
// needs for a password it made, trying the generator's passwords from
// the most likely down: Dell'Amico and Filippone's Monte Carlo estimate
// ("Monte Carlo Strength Evaluation", ACM CCS 2015). With M passwords
// sampled from the generator, the passwords more likely than one of
// probability p number the sum of 1/(M·p_i) over the samples of
// probability p_i > p, an unbiased estimate; those as likely as it (the
// generators draw from lists uniformly, so many are), half theirs, as the
// attacker meets it halfway through them on average. The probability of a
// password is that of the draws that made it, with the ways the tracker
// knows to be alike summed (slot, alike); where another way of drawing
// makes it too (pieces written together that split another way, a word on
// two lists), the true one is a little higher and the rank a little lower.
type ranker struct {
	log10p []float64 // the samples' draws' (see drawn), most likely first
	sum    []float64 // sum[k]: the sum of 1/(M·p_i) over samples 0..k
}

// newRanker returns the ranker of the generator that drew d: M = all of
// d's kept passwords, each of probability its draws' over the share of
// passwords the generator's filter keeps (d.tries).
func newRanker(d drawn) ranker {
	s := slices.Clone(d.log10p)
	slices.SortFunc(s, func(a, b float64) int { return -cmpFloat(a, b) })
	sum := make([]float64, len(s))
	m := float64(len(s))
	share := m / float64(d.tries)
	acc := 0.0
	for k, lp := range s {
		acc += share * math.Pow(10, -lp) / m
		sum[k] = acc
	}
	return ranker{log10p: s, sum: sum}
}

// tie is how far apart two log10 probabilities may be and still be one:
// the same draws summed in another order.
const tie = 1e-9

// log10Rank returns log10 of the estimated rank of a password the
// generator drew with draws of probability 10^log10p (drawn's): 1 + the
// passwords more likely than it + half of those as likely.
func (r ranker) log10Rank(log10p float64) float64 {
	more, same := r.around(log10p)
	return math.Log10(1 + more + same/2)
}

// beyond returns the probability that an attacker who tries the
// generator's passwords most likely first needs more than 10^log10Guesses
// guesses for a password drawn with probability 10^log10p: among those as
// likely as it, which the attacker tries in no particular order, its
// place is any with the same chance.
func (r ranker) beyond(log10p, log10Guesses float64) float64 {
	more, same := r.around(log10p)
	g := math.Pow(10, log10Guesses)
	if same < 1 {
		if 1+more > g {
			return 1
		}
		return 0
	}
	// Its place is uniform over more+1 .. more+same.
	return min(1, max(0, (more+same-g)/same))
}

// around returns how many of the generator's passwords are more likely
// than one of probability 10^log10p (drawn's), and how many as likely.
func (r ranker) around(log10p float64) (more, same float64) {
	// The samples more likely than it, and those as likely: two prefixes
	// of the sorted ones.
	m := sort.Search(len(r.log10p), func(k int) bool { return r.log10p[k] <= log10p+tie })
	s := sort.Search(len(r.log10p), func(k int) bool { return r.log10p[k] < log10p-tie })
	at := func(k int) float64 {
		if k == 0 {
			return 0
		}
		return r.sum[k-1]
	}
	return at(m), at(s) - at(m)
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Perm is not counted: a tracked generator draws distinct items with
// distinct.
func (t *tracker) Perm(n int) []int { panic("guessbench: an untracked draw (use distinct)") }

// branch draws one number in [0, 1) and returns the index of the interval
// of cuts (ascending, in (0, 1)) it falls in: 0 below cuts[0], len(cuts)
// at or above the last. A tracker counts the interval's width.
func branch(r source, cuts ...float64) int {
	var x float64
	t, tracked := r.(*tracker)
	if tracked {
		x = t.r.Float64()
	} else {
		x = r.Float64()
	}
	k, lo, hi := interval(x, cuts, 1)
	if tracked {
		t.log10p += math.Log10(hi - lo)
	}
	return k
}

// distinct returns count() distinct indices below n in random order (a
// permutation's first ones: the permutation is drawn before count is
// called). A tracker counts the probability of that ordered choice.
func distinct(r source, n int, count func() int) []int {
	t, tracked := r.(*tracker)
	var p []int
	if tracked {
		p = t.r.Perm(n)
	} else {
		p = r.Perm(n)
	}
	k := count()
	if tracked {
		for i := range k {
			t.log10p -= math.Log10(float64(n - i))
		}
	}
	return p[:k]
}

// aside draws f's value with r, but leaves what a tracker counted for it
// out and returns it instead, for a generator that draws a value it may
// not use (pick(r, []string{"", yr()})): the caller adds it back with
// counted only where the value is used.
func aside[T any](r source, f func() T) (T, float64) {
	t, tracked := r.(*tracker)
	if !tracked {
		return f(), 0
	}
	before := t.log10p
	v := f()
	d := t.log10p - before
	t.log10p = before
	return v, d
}

// counted adds log10p, set aside by aside, back to what r counted.
func counted(r source, log10p float64) {
	if t, ok := r.(*tracker); ok {
		t.log10p += log10p
	}
}

// slot draws k = IntN(n) and returns the index of the interval of cuts
// (ascending, in (0, n)) that k falls in, for a generator that branches
// on ranges of one draw ("k < 4: a word, k < 6: ..."; "IntN(7) == 0"). A
// tracker counts the interval's share of n: IntN alone would count 1/n
// for each of the interval's values, though each makes the same password.
func slot(r source, n int, cuts ...int) int {
	t, tracked := r.(*tracker)
	var k int
	if tracked {
		k = t.r.IntN(n)
	} else {
		k = r.IntN(n)
	}
	i, lo, hi := interval(k, cuts, n)
	if tracked {
		t.log10p += math.Log10(float64(hi-lo) / float64(n))
	}
	return i
}

// alike is for a draw of one of several outcomes, outcome k with
// probability probs[k], where the one taken (taken) may be equal to others
// ("hund" in l33t is "hund"): a tracker that counted probs[taken] counts
// the sum of the probabilities of the outcomes equal to it instead.
func alike(r source, outcomes []string, probs []float64, taken int) {
	t, tracked := r.(*tracker)
	if !tracked {
		return
	}
	sum := 0.0
	for k, o := range outcomes {
		if o == outcomes[taken] {
			sum += probs[k]
		}
	}
	t.log10p += math.Log10(sum) - math.Log10(probs[taken])
}

// interval returns the index of the interval of cuts (ascending, in (0,
// top)) that x falls in, and its bounds [lo, hi).
func interval[T int | float64](x T, cuts []T, top T) (k int, lo, hi T) {
	hi = top
	for k < len(cuts) && x >= cuts[k] {
		lo = cuts[k]
		k++
	}
	if k < len(cuts) {
		hi = cuts[k]
	}
	return k, lo, hi
}
