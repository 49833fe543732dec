package guess

import "github.com/styrke-iam/styrke/policy/internal/once"

// Series of words in their order, counted through as a password:
// "EnToTreFireFemSeksSju", "One-Two-Three-Four-Five-Six-Seven1984",
// "Alfa bravo charlie delta echo!", "TiNiÅtteSjuSeks". Each word is a
// common one, but counting through them is a single choice: which series,
// where to start, which way and how far. Before this matcher the default
// policy accepted about half of such passwords of 16+ code points (each
// word priced on its own: a throwaway set of 40 a way, BENCHMARKS.md).
//
// seriesText holds the series, one a line, in their order; a word's other
// spellings follow it after "/". Words are in small letters, as a
// password's lower-case code points are matched (not folded: no l33t).
const seriesText = "null en/ein/ett/eitt to tre fire fem seks sju/syv åtte ni ti elleve tolv tretten fjorten femten seksten sytten atten nitten tjue\n" +
	"zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty\n" +
	"null eins zwei drei vier fünf sechs sieben acht neun zehn\n" +
	"cero uno dos tres cuatro cinco seis siete ocho nueve diez\n" +
	"first second third fourth fifth sixth seventh eighth ninth tenth\n" +
	"første/fyrste andre tredje fjerde femte sjette sjuende/syvende åttende niende tiende\n" +
	"alfa/alpha bravo charlie delta echo foxtrot golf hotel india juliett/juliet kilo lima mike november oscar papa quebec romeo sierra tango uniform victor whiskey/whisky xray yankee zulu\n" +
	"alfa/alpha beta gamma delta epsilon zeta eta theta iota kappa lambda my/mu ny/nu xi omikron/omicron pi rho sigma tau ypsilon/upsilon fi/phi khi/chi psi omega\n" +
	"rød/raud oransje gul grønn/grøn blå indigo fiolett\n" +
	"red orange yellow green blue indigo violet"

// seriesWord is one spelling of a series' word: its code points, its
// series and its place in it.
type seriesWord struct {
	runes         []rune
	series, index uint8
}

var (
	seriesOnce once.Once
	// seriesWords are the words in the order of their first two letters
	// (seriesLetter's indices a, b): those starting with them are
	// seriesWords[seriesFirst[a*32+b]:seriesFirst[a*32+b+1]], most often
	// none.
	seriesWords []seriesWord
	seriesFirst [32*32 + 1]uint16
	// seriesPlaces is the number of places of every series together:
	// where a count starts, one way or the other, is one of twice as
	// many choices.
	seriesPlaces int
)

// seriesPair returns the index of the pair of letters at rs[i:], or -1
// when either is no letter of alphabet (or rs ends).
func seriesPair(rs []rune, i int) int {
	if i+1 >= len(rs) {
		return -1
	}
	a, b := seriesLetter(rs[i]), seriesLetter(rs[i+1])
	if a < 0 || b < 0 {
		return -1
	}
	return a*32 + b
}

// seriesLetter returns r's index among the series' letters (a-z, æøå, ü),
// or -1.
func seriesLetter(r rune) int {
	switch {
	case r >= 'a' && r <= 'z':
		return int(r - 'a')
	case r == 'æ':
		return 26
	case r == 'ø':
		return 27
	case r == 'å':
		return 28
	case r == 'ü':
		return 29
	}
	return -1
}

func buildSeries() {
	var all []seriesWord
	series, index, start := 0, 0, 0
	for k := 0; k <= len(seriesText); k++ {
		if k < len(seriesText) && seriesText[k] != ' ' && seriesText[k] != '/' && seriesText[k] != '\n' {
			continue
		}
		all = append(all, seriesWord{runes: []rune(seriesText[start:k]), series: uint8(series), index: uint8(index)})
		start = k + 1
		seriesPlaces++
		switch {
		case k == len(seriesText):
		case seriesText[k] == '/':
			seriesPlaces-- // another spelling of the same place
		case seriesText[k] == '\n':
			series, index = series+1, 0
		default:
			index++
		}
	}
	// Grouped by their first two letters (a stable counting sort).
	var count [32*32 + 1]uint16
	for _, w := range all {
		count[seriesPair(w.runes, 0)+1]++
	}
	for c := 1; c < len(count); c++ {
		count[c] += count[c-1]
	}
	seriesFirst = count
	seriesWords = make([]seriesWord, len(all))
	for _, w := range all {
		c := seriesPair(w.runes, 0)
		seriesWords[count[c]] = w
		count[c]++
	}
}

// minSeries is the least number of a series' words counted through: two
// are often chance ("ToTre", "EchoGolf" are words side by side).
const minSeries = 3

// matchSeries adds every count through a series of minSeries or more
// words, from a word's start (the password's start, after a code point
// that is no letter, or a capital), one way, each word after the one
// before or after one separator, the same each time. Guesses: where it
// starts among every series' places, times 2 for the way, times how many
// words; times 10 for a separator; times 2 for the case when every word is
// written in one of the common ways (the first word capitalised, every
// word capitalised, or in capitals; nothing for small letters), or 3 a
// word when not, and a word's own variations when it is written
// otherwise.
func matchSeries(ms *matches, typed, lower []rune) {
	seriesOnce.Do(buildSeries)
	n := len(lower)
	if n < 2*minSeries {
		return
	}
	typed = typed[:n]
	letter := false // lower[i-1] is a letter (any beyond ASCII counts)
	counted := 0    // the end of the last count: its later words count no further
	for i, r := range lower[:n-2*minSeries+1] {
		after := letter
		letter = uint32(r-'a') <= 'z'-'a' || r >= 0x80
		if !letter || after && typed[i] == r || i < counted {
			continue
		}
		c := seriesPair(lower, i)
		if c < 0 || seriesFirst[c] == seriesFirst[c+1] {
			continue
		}
		for _, w := range seriesWords[seriesFirst[c]:seriesFirst[c+1]] {
			if end := seriesAt(lower, i, w.runes); end > 0 {
				counted = max(counted, seriesFrom(ms, typed, lower, i, end, w))
			}
		}
	}
}

// seriesAt returns where word ends when lower holds it at i, or 0.
func seriesAt(lower []rune, i int, word []rune) int {
	if i+len(word) > len(lower) {
		return 0
	}
	for k, r := range word {
		if lower[i+k] != r {
			return 0
		}
	}
	return i + len(word)
}

// seriesFrom counts on from w, which lower holds from i to end, and adds
// the count when it is long enough; it returns the count's end, or 0.
func seriesFrom(ms *matches, typed, lower []rune, i, end int, w seriesWord) int {
	n := len(lower)
	var sep rune = -1 // the separator between the words: -1 not yet known, 0 none
	dir, words, index := 0, 1, int(w.index)
	first, rest, extra := seriesCase(typed[i:end], lower[i:end]), -1, 0.0 // rest: how the words after the first are written, 4 when not alike
	if first == 3 {
		extra = wordVariations(typed[i:end], lower[i:end], lower[i:end])
	}
	for end < n {
		p := end
		if s := lower[p]; !isAlnum(s) {
			if sep == 0 || sep > 0 && s != sep {
				break
			}
			p++
			if sep < 0 {
				sep = s
			}
		} else if sep > 0 {
			break
		}
		if p >= n {
			break
		}
		c := seriesPair(lower, p)
		if c < 0 {
			break
		}
		next := 0
		for _, x := range seriesWords[seriesFirst[c]:seriesFirst[c+1]] {
			d := int(x.index) - index
			if x.series != w.series || d != 1 && d != -1 || dir != 0 && d != dir {
				continue
			}
			if e := seriesAt(lower, p, x.runes); e > 0 {
				next, dir = e, d
				break
			}
		}
		if next == 0 {
			break
		}
		if sep < 0 {
			sep = 0
		}
		k := seriesCase(typed[p:next], lower[p:next])
		if k == 3 {
			extra += wordVariations(typed[p:next], lower[p:next], lower[p:next])
		}
		if rest < 0 {
			rest = k
		} else if k != rest {
			rest = 4
		}
		words, index, end = words+1, index+dir, next
	}
	if words < minSeries {
		return 0
	}
	lg := log10(float64(2*seriesPlaces*words)) + extra
	if sep > 0 {
		lg++
	}
	switch {
	case first == 0 && rest == 0:
	case rest < 3 && (first == rest || first == 1 && rest == 0):
		lg += log3 // capitalised, every word capitalised, or in capitals
	default:
		lg += float64(words) * log3
	}
	ms.add(i, end, KindSequence, lg)
	return end
}

// log3 is log10(3): a word small, capitalised or in capitals.
const log3 = 0.47712125471966244

// seriesCase returns how a word is written: 0 in small letters, 1
// capitalised, 2 in capitals, 3 otherwise.
func seriesCase(typed, lower []rune) int {
	up := 0
	for k := range typed {
		if typed[k] != lower[k] {
			up++
		}
	}
	switch {
	case up == 0:
		return 0
	case up == 1 && typed[0] != lower[0]:
		return 1
	case up == len(typed):
		return 2
	}
	return 3
}
