package guess

// Norwegian words inflected: a word of the Norwegian lists with the ending
// of its definite form, plural or genitive after it ("kropp" "kroppen",
// "hjerte" "hjertet", "fjell" "fjellene", "pappa" "pappas"), at the word's
// guesses and the ending's. The lists hold a word in one form, and a
// password holds it in any; without the ending the rest of the word was
// brute-forced (10 guesses a code point, and a part's cost).

// inflects is the flag, in a dictionary slot's kind, of a word of the
// Norwegian lists (the kinds of the lists are under it).
const inflects Kind = 8

// minInflected is the shortest word an ending is looked for after: a word
// of three letters and an ending is too often chance ("for" "a" in
// "forage", "var" "s" in "vars").
const minInflected = 4

// inflectLog10 is the choice of an ending: a noun or a verb has about five
// forms.
const inflectLog10 = 0.7

// endings are the endings a word takes, folded as the password is ("l" is
// "i"); endingsE those of a word that ends in "e" ("hjerte" "hjertet").
var (
	endings  = [...]string{"en", "et", "a", "er", "ene", "ane", "ar", "e", "te", "de", "s", "ens", "ets", "ere"}
	endingsE = [...]string{"t", "n", "r", "ne", "s", "ns", "ts"}
)

// addInflected adds the word [i, j) of guesses lg with each ending that
// follows it in folded.
func addInflected(ms *matches, typed, lower, folded []rune, i, j int, lg float64) {
	if j-i < minInflected {
		return
	}
	list, c := endings[:], folded[j]
	if folded[j-1] == 'e' {
		if folded[j-2] == 'd' {
			return // a verb's past ("trodde", "hadde"), which takes no ending
		}
		list = endingsE[:]
	}
	if c != 'e' && c != 'a' && c != 's' && c != 't' && c != 'd' && c != 'n' && c != 'r' {
		return // no ending starts with it
	}
	for _, e := range list {
		if j+len(e) > len(folded) {
			continue
		}
		ok := true
		for k := 0; k < len(e); k++ {
			if folded[j+k] != rune(e[k]) {
				ok = false
				break
			}
		}
		if ok {
			ms.add(i, j+len(e), KindWord, lg+inflectLog10)
		}
	}
}
