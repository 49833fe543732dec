package guess

// Famous phrases: a passphrase everybody knows ("correct horse battery
// staple"), a pangram ("the quick brown fox jumps over the lazy dog"),
// placeholder text ("lorem ipsum dolor sit amet"), a line of a film, a song
// or a national anthem. Long and easy to remember, and the first phrases an
// attacker tries, but of words so common, each on its own, that the
// dictionary's split prices them as a passphrase of four to nine random
// words. The dictionary walk matches code points as typed, separators
// included, so a phrase of the list is matched here instead, by its
// letters, with any separators between its words or none ("Correct-Horse-
// Battery-Staple", "thequickbrownfox…", "LoremIpsum"): the password's
// letters from a word's first to a word's last, hashed as they are read. A
// phrase is what people take for a whole password, perhaps with a year or
// punctuation around it, or a name, a reference or an "Amen" ("Psalm23
// TheLordIsMyShepherd Amen", "Norge i rødt hvitt og blått Anna"): it is
// looked for from each of the first few words' starts to each of the last
// few words' ends (maxFamousEdges), not among many words (that would take
// a lookup for every pair of words).

// famousPrime is the hash's multiplier: h·P + r over a phrase's letters.
const famousPrime = 0x100000001b3

// FamousHash is the hash matchFamous looks a password's letters up by: the
// top half of h·P + r over the letters of phrase (folded as Input.Folded
// is), whatever is between them. genwords writes the list's hashes with it
// (famousPhrases, words.go); the module's linker leaves it out.
func FamousHash(phrase string) uint32 {
	h := uint64(0)
	for _, r := range phrase {
		if isLetter(r) {
			h = h*famousPrime + uint64(r)
		}
	}
	return uint32(h >> 32)
}

// maxFamous is the most code points a famous phrase is looked for in: the
// longest of the list has 47 letters, and a separator between each two of
// its words makes 54.
const maxFamous = 64

// famousLog10 is what choosing a phrase of the list costs: one of about a
// hundred (rank is not worth its bytes here); separatorLog10 is the choice
// of a separator between its words (one of about ten, or none); case and
// l33t are each a choice of a few ways (all small, capitalised, in capitals,
// CamelCase; a substitution or not).
const (
	famousLog10     = 2
	famousSepLog10  = 1
	famousCaseLog10 = 0.6
	famousSubLog10  = 0.6
)

// maxFamousEdges is how many words from the password's start a famous
// phrase may start at, and how many from its end it may end at: a phrase
// with a word or two around it ("Psalm 23 TheLordIsMyShepherd Amen",
// "Norge i rødt hvitt og blått Anna"), not one anywhere among many words,
// which would take a lookup for every pair of them.
const maxFamousEdges = 4

// matchFamous adds each stretch of the password from a word's first letter
// to a word's last (the first maxFamousEdges words' starts, the last
// maxFamousEdges words' ends) whose letters are a famous phrase of
// famousPhrases: the letters of folded (substitutions undone, "c0rrect"),
// whatever is between them. A word is a run of letters as typed; a capital
// after a small letter starts one too ("TheLordIsMyShepherdAmen").
func matchFamous(ms *matches, folded []rune) {
	n := len(folded)
	if n < 7 {
		return // the shortest phrases of the list ("let me in") have 7 letters
	}
	// The first words' starts and the last words' ends (a ring of them, the
	// next one written at ne%maxFamousEdges), in one pass: a word starts at
	// a letter after no letter, or at a capital after a small letter, and
	// the word before it ends there.
	var starts, ends [maxFamousEdges]int
	ns, ne := 0, 0
	// The classes and counts classify keeps, not calls: the module is
	// built without inlining.
	letter, small := false, false // the code point before was a letter, a small one
	for t := 0; t < n; t++ {
		if ms.class[t]&classLetter == 0 {
			if letter {
				ends[ne%maxFamousEdges] = t
				ne++
			}
			letter, small = false, false
			continue
		}
		up := uint8(ms.counts[t+1]) != uint8(ms.counts[t])
		if !letter || small && up {
			if letter {
				ends[ne%maxFamousEdges] = t // a capital after a small letter
				ne++
			}
			if ns < maxFamousEdges {
				starts[ns] = t
				ns++
			}
		}
		letter, small = true, !up
	}
	if letter {
		ends[ne%maxFamousEdges] = n
		ne++
	}
	if ns == 0 {
		return
	}
	ne = min(ne, maxFamousEdges)
	// The shortest stretch, from the last of the first starts to the first
	// of the last ends: when it is longer than a phrase, every one is.
	first, last := n, 0
	for _, e := range ends[:ne] {
		first, last = min(first, e), max(last, e)
	}
	if first-starts[ns-1] > maxFamous {
		return
	}
	// The hash of the letters before each code point and their count: a
	// stretch's hash is its end's less its start's times famousPrime to
	// its letters, one pass whatever the pairs.
	var (
		hash  [MaxRunes + 1]uint64
		count [MaxRunes + 1]uint8
	)
	h, c := uint64(0), uint8(0)
	for t := starts[0]; t < last; t++ {
		hash[t], count[t] = h, c
		if ms.class[t]&classFoldedLetter != 0 {
			h = h*famousPrime + uint64(folded[t])
			c++
		}
	}
	hash[last], count[last] = h, c
	for _, a := range starts[:ns] {
		for _, b := range ends[:ne] {
			letters := int(count[b]) - int(count[a])
			if letters < 7 || b-a > maxFamous {
				continue
			}
			if isFamous(uint32((hash[b] - hash[a]*famousPow[letters]) >> 32)) {
				addFamous(ms, a, b, letters)
			}
		}
	}
}

// famousPow is famousPrime to each power up to maxFamous, as the hash's
// arithmetic wraps (modulo 2^64).
var famousPow = func() (p [maxFamous + 1]uint64) {
	p[0] = 1
	for k := 1; k <= maxFamous; k++ {
		p[k] = p[k-1] * famousPrime
	}
	return p
}()

// isFamous reports whether top, the top half of a stretch's hash, is one
// of famousPhrases': a stretch of no phrase matches one of the 200 about
// once in 20 million, and a password has at most 16 stretches
// (maxFamousEdges squared) that end at a word's end past 7 letters.
func isFamous(top uint32) bool {
	lo, hi := 0, len(famousPhrases)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if famousPhrases[m] < top {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo < len(famousPhrases) && famousPhrases[lo] == top
}

// addFamous adds the phrase [a, b) of letters letters at its price: the
// phrase, and whether its words are separated (a code point of it is no
// letter), capitalised or substituted (classify's counts differ at its
// ends).
func addFamous(ms *matches, a, b, letters int) {
	lg := float64(famousLog10)
	if letters != b-a {
		lg += famousSepLog10
	}
	if uint8(ms.counts[b]) != uint8(ms.counts[a]) {
		lg += famousCaseLog10
	}
	if ms.counts[b]>>8 != ms.counts[a]>>8 {
		lg += famousSubLog10
	}
	ms.add(a, b, KindPassword, lg)
}
