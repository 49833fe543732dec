package guess

// Russian typed on a Latin keyboard: a person who thinks in Russian and
// types on the Norwegian or US layout as if it were the Russian ЙЦУКЕН one
// ("ghbdtn" is "привет", "yfujhirtcbltkrjhjkm" is "на горшке сидит король").
// Such passwords are a large part of the leaked lists' long entries, and
// they read like random letters to the Norwegian and English models. A run
// of keys is read with russianModel instead: a stretch that reads like
// Russian costs what a word of no list costs, plus its unlikeliness over a
// typical Russian word's, as in letters written together (addJoined).

// russianKeyIndex maps an ASCII code point, lower case, to its index in
// russianModel (0: no key of the layout's letters).
var russianKeyIndex = func() (t [128]uint8) {
	for i := 0; i < len(russianKeys); i++ {
		t[russianKeys[i]] = uint8(i + 1)
	}
	return t
}()

// russianSize is russianModel's side: the keys and a word's edge.
const russianSize = len(russianKeys) + 1

// Constants of the Russian model (see the figures in russian.go): a stretch
// reads like Russian when its keys surprise the model by at most
// russianMax on average (about 90% of Russian words are under it), and
// costs its surprisal over a typical word's on top of a word's guesses: the
// median Russian word's for a run of keys alone (russianTypical), less for
// a stretch of a longer run (russianTypicalJoined): with the median there,
// stretches of random lower-case letters read as Russian words written
// together too often (random lower-case strings 99.3% → 99.1%,
// BENCHMARKS.md).
const (
	russianMax           = 1.28
	russianTypical       = 1.08
	russianTypicalJoined = 0.9
	minRussian           = 5 // shorter stretches are too often chance
)

func russianIndex(r rune) int {
	if r < 128 {
		return int(russianKeyIndex[r])
	}
	return 0
}

// russianSurprisal is russianModel[a*russianSize+b] as a base-10 logarithm.
func russianSurprisal(a, b int) float32 {
	return float32(russianModel[a*russianSize+b]) / 20
}

// matchRussian adds every run of minRussian to maxWordlike keys, or in a
// longer run (words written together) every stretch of minRussian to
// maxJoined keys, that reads like Russian typed on a Latin keyboard.
func matchRussian(ms *matches, typed, lower []rune) {
	n := len(lower)
	var (
		idx [MaxRunes]uint8
		sum [MaxRunes + 1]float32 // sum[t]: the surprisal of the pairs before position i+t
	)
	for i := 0; i < n; {
		if russianIndex(lower[i]) == 0 {
			i++
			continue
		}
		j := i + 1
		for j < n && russianIndex(lower[j]) != 0 {
			j++
		}
		if j-i >= minRussian {
			for t := i; t < j; t++ {
				idx[t-i] = uint8(russianIndex(lower[t]))
				if t > i {
					sum[t-i] = sum[t-i-1] + russianSurprisal(int(idx[t-i-1]), int(idx[t-i]))
				}
			}
			if j-i <= maxWordlike {
				addRussian(ms, typed, lower, &idx, &sum, i, i, j, russianTypical)
			} else {
				for a := i; a+minRussian <= j; a++ {
					for b := a + minRussian; b <= min(a+maxJoined, j); b++ {
						if ms.inRepeat(a, b) {
							continue
						}
						addRussian(ms, typed, lower, &idx, &sum, i, a, b, russianTypicalJoined)
					}
				}
			}
		}
		i = j
	}
}

// addRussian adds the stretch [a, b) of the run of keys that starts at i
// (idx and sum: its keys' indexes and their prefix sums of surprisal, see
// matchRussian) when it reads like Russian and costs less than brute force.
func addRussian(ms *matches, typed, lower []rune, idx *[MaxRunes]uint8, sum *[MaxRunes + 1]float32, i, a, b int, typical float64) {
	s := russianSurprisal(0, int(idx[a-i])) + sum[b-1-i] - sum[a-i] + russianSurprisal(int(idx[b-1-i]), 0)
	if s > russianMax*float32(b-a+1) {
		return
	}
	lg := wordlikeLog10 + max(0, float64(s)-typical*float64(b-a+1))
	if lg >= float64(b-a) {
		return // no cheaper than brute force: of no use to the search
	}
	ms.add(a, b, KindWordlike, lg+wordVariations(typed[a:b], lower[a:b], lower[a:b]))
}
