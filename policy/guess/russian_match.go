package guess

import "math"

// Russian written on a Latin keyboard, two ways. A person who thinks in
// Russian and types on the Norwegian or US layout as if it were the
// Russian ЙЦУКЕН one ("ghbdtn" is "привет", "yfujhirtcbltkrjhjkm" is "на
// горшке сидит король"), or who spells Russian in Latin letters ("yulya",
// "zhenya", "kostya"). Such passwords are a large part of the leaked lists'
// long entries, and they read like random letters to the Norwegian and
// English models. A run is read with each of the two Russian models
// instead: a stretch that reads like Russian costs what a word of no list
// costs, plus its unlikeliness over a typical Russian word's, as in letters
// written together (addJoined).

// russianReading is one of the two bigram models of Russian (russian.go)
// with what the matcher needs of it: an index by code point (lower-case
// ASCII; 0: not in the model) and the constants of its reading. A stretch
// reads like Russian when its code points surprise the model by at most
// max on average (about 90% of Russian words are under it), and costs its
// surprisal over a typical word's on top of a word's guesses: the median
// Russian word's for a run alone (typical), less for a stretch of a longer
// run (typicalJoined): with the median there, stretches of random
// lower-case letters read as Russian words written together too often
// (random lower-case strings 99.3% → 99.1%, BENCHMARKS.md).
type russianReading struct {
	index [128]uint8
	// pair[j*size+k] is the model's surprisal of j then k, in bits (the
	// model holds them in units of 1/20 of a bit, russian.go), read as
	// numbers once, not converted at every keystroke: pair[k] is k's as a
	// word's first code point, pair[k*size] as its last.
	pair                   []float32
	leastLast              float32 // the least of the last code points' (k > 0)
	size                   int
	max                    float32
	typical, typicalJoined float64
	faint                  bool // a stretch of maxFaintWord or fewer, less likely than typical, marks nothing (see add)
}

// minRussian is the least length of a stretch read as Russian: shorter
// stretches are too often chance.
const minRussian = 5

// The two readings, each with its model's 90th percentile and median
// (russian.go's comments) as max and typical. Only the Latin spelling's
// short stretches may be faint: the consonant-vowel-consonant syllables of
// Apple's generated passwords read like it ("gahnit", "vordem"), and
// marked they refused 4 of 5,000 of them (BENCHMARKS.md).
var (
	russianByKeys  = newRussianReading(russianKeys, russianModel, 1.28, 1.08, 0.9, false)
	russianByLatin = newRussianReading(russianLetters, russianLatinModel, 1.23, 1.04, 0.9, true)
)

func newRussianReading(alphabet, model string, max float32, typical, typicalJoined float64, faint bool) *russianReading {
	size := len(alphabet) + 1
	r := &russianReading{size: size, max: max, typical: typical, typicalJoined: typicalJoined, faint: faint}
	for i := 0; i < len(alphabet); i++ {
		r.index[alphabet[i]] = uint8(i + 1)
	}
	r.pair = make([]float32, size*size)
	r.leastLast = math.MaxFloat32
	for k := range r.pair {
		r.pair[k] = float32(model[k]) / 20
		if k%size == 0 && k > 0 && r.pair[k] < r.leastLast { // not min: see unlikeliness
			r.leastLast = r.pair[k]
		}
	}
	return r
}

// matchRussian adds the stretches that read like Russian by either model.
func matchRussian(ms *matches, typed, lower []rune) {
	russianByKeys.match(ms, typed, lower)
	russianByLatin.match(ms, typed, lower)
}

// match adds every run of minRussian to maxWordlike code points of the
// model, or in a longer run (words written together) every stretch of
// minRussian to maxJoined of them outside a repeat, that reads like Russian.
// In time linear in the stretches: each stretch's surprisal is its first
// code point's as a word's start, the prefix sums of the pairs inside, and
// its last one's as a word's end.
func (m *russianReading) match(ms *matches, typed, lower []rune) {
	// Tables, not calls, in the loops: the module is built without inlining.
	n := len(lower)
	var (
		key        [MaxRunes]uint8   // key[t]: lower[t]'s index in the model, set inside runs only
		sum        [MaxRunes]float32 // sum[t]: the surprisal of the pairs of the run up to t
		start, end [MaxRunes]float32 // t's surprisal as a word's first and last code point
	)
	// A run's capitals are told by the counts classify keeps (the low
	// byte of ms.counts), not counted here.
	for i := 0; i < n; {
		r := lower[i]
		if uint32(r) >= 128 || m.index[r] == 0 {
			i++
			continue
		}
		key[i] = m.index[r]
		j := i + 1
		for ; j < n; j++ {
			r := lower[j]
			if uint32(r) >= 128 || m.index[r] == 0 {
				break
			}
			key[j] = m.index[r]
		}
		if j-i >= minRussian && j-i <= maxWordlike {
			// A run short enough to be one stretch: its pairs summed as
			// it goes, from 0 as sum is below, with no tables.
			k0 := int(key[i])
			pairs, prev, capitals := float32(0), k0, uint8(ms.counts[j]) != uint8(ms.counts[i])
			for t := i + 1; t < j; t++ {
				k := int(key[t])
				pairs += m.pair[prev*m.size+k]
				prev = k
			}
			m.add(ms, typed, lower, i, j, m.pair[k0]+pairs+m.pair[prev*m.size], m.typical, capitals)
		} else if j-i > maxWordlike {
			prev := 0
			for t := i; t < j; t++ {
				k := int(key[t])
				start[t], end[t] = m.pair[k], m.pair[k*m.size]
				if t > i {
					sum[t] = sum[t-1] + m.pair[prev*m.size+k]
				} else {
					sum[t] = 0
				}
				prev = k
			}
			// A stretch no cheaper than brute force (see add), or one
			// that ends inside a repeat (see matches.repeatEnd), is of no
			// use: the ends tried start past both.
			least := wordlikeLog10 // a variable: the constant 5.5 converts to no int
			shortest := max(minRussian, int(least)+1)
			// A stretch surprises the model no less than its start,
			// the pairs inside and the least surprising end (each a
			// sum of non-negative surprisals, and rounding keeps the
			// order): past the longest stretch's limit by that, no
			// longer stretch from a reads like Russian either.
			mx, leastEnd := m.max, m.leastLast
			limit := mx * float32(maxJoined+1)
			for a := i; a+minRussian <= j; a++ {
				from := max(a+shortest, int(ms.repeatEnd[a])+1)
				st, sa := start[a], sum[a]
				for b := from; b <= min(a+maxJoined, j); b++ {
					x := st + sum[b-1] - sa
					if x+leastEnd > limit {
						break
					}
					if s := x + end[b-1]; s <= mx*float32(b-a+1) {
						m.add(ms, typed, lower, a, b, s, m.typicalJoined, uint8(ms.counts[b]) != uint8(ms.counts[a]))
					}
				}
			}
		}
		i = j
	}
}

// add adds the stretch [a, b), whose surprisal is s and which holds a
// capital when capitals, when it reads like Russian and costs less than
// brute force.
func (m *russianReading) add(ms *matches, typed, lower []rune, a, b int, s float32, typical float64, capitals bool) {
	if s > m.max*float32(b-a+1) {
		return
	}
	lg := wordlikeLog10
	if u := float64(s) - typical*float64(b-a+1); u > 0 { // not max: see unlikeliness
		lg += u
	}
	if lg >= float64(b-a) {
		return // no cheaper than brute force: of no use to the search
	}
	if capitals {
		lg += wordVariations(typed[a:b], lower[a:b], lower[a:b])
	}
	n0 := ms.n
	ms.add(a, b, KindWordlike, lg)
	if m.faint && ms.n > n0 && b-a <= maxFaintWord && float64(s) > typical*float64(b-a+1) {
		ms.m[n0].faint = true // as a short word of no list (addWordlike)
	}
}
