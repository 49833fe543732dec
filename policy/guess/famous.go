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
// letters from its first to its last, hashed once. A phrase is what people
// take for a whole password, perhaps with a year or punctuation around it;
// one among other words is not looked for (that would take a hash of every
// run of words, and more of the module's bytes than the list).

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

// matchFamous adds the password's letters, from the first letter as typed
// to the last, when they are a famous phrase of famousPhrases: the letters
// of folded (substitutions undone, "c0rrect"), whatever is between them.
func matchFamous(ms *matches, typed, lower, folded []rune) {
	n := len(folded)
	a, b := 0, n
	for a < n && !isLetter(lower[a]) {
		a++
	}
	for b > a && !isLetter(lower[b-1]) {
		b--
	}
	if b-a < 7 || b-a > maxFamous {
		return // the shortest phrases of the list ("let me in") have 7 letters
	}
	h := uint64(0)
	for t := a; t < b; t++ {
		if isLetter(folded[t]) {
			h = h*famousPrime + uint64(folded[t])
		}
	}
	// The top half of the hash: one lookup a keystroke, and 83 phrases, so
	// a password of no phrase matches one once in 50 million; the list's
	// bytes are halved.
	top := uint32(h >> 32)
	lo, hi := 0, len(famousPhrases)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if famousPhrases[m] < top {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo == len(famousPhrases) || famousPhrases[lo] != top {
		return
	}
	// The phrase, and whether its words are separated, capitalised or
	// substituted.
	lg := float64(famousLog10)
	sep, up, sub := false, false, false
	for t := a; t < b; t++ {
		sep = sep || !isLetter(folded[t])
		up = up || typed[t] != lower[t]
		sub = sub || lower[t] != folded[t] && lower[t] != 'l'
	}
	if sep {
		lg += famousSepLog10
	}
	if up {
		lg += famousCaseLog10
	}
	if sub {
		lg += famousSubLog10
	}
	ms.add(a, b, KindPassword, lg)
}
