package guess

import (
	"strings"
	"unicode/utf8"

	"github.com/styrke-iam/styrke/policy/internal/frontcode"
)

// Dictionary is the set of ranked words Estimate matches: every embedded
// list (see lists) and, when given, the common-password list. It is an
// open-addressing hash table of every word and every prefix of a word, so
// that a scan from each position stops at the first prefix no word has. A
// slot is one 64-bit word, key and value together, and the table is at most
// five eighths full (linear probing's misses probe further as the table
// fills), where 64-bit keys beside 32-bit values, sized by the lists'
// bytes, took 1.5 MB (a keystroke looks up hundreds of prefixes, and after
// a pause their cache lines are gone). As policy builds it, with the
// common list's entries and prefixes, the table is 1 MB (46,600 entries,
// 36% full: TestDictionaryAsBuilt) since the frequency list's 8,000 lines
// (2026-12-02; before, 512 KB), and doubles again past 81,920. It holds no pointers (the
// garbage collector never scans it). A Dictionary is read-only once built
// and safe for concurrent use.
type Dictionary struct {
	// slots holds, for each word or prefix, the top 42 bits of its mixed
	// hash (see slotKey; never all zero) over its value: rankLog<<5 |
	// kind<<1 | 1 when a whole word, 0 when a prefix only (see rankLog). 0
	// is an empty slot.
	slots  []uint64
	shift  uint // 64 - log2(len(slots))
	used   int  // slots not empty
	maxLen int  // the longest word, in code points
	// starts has bit c set when a word starts with code point c, and bit
	// 256 + c<<8 | c2 when one starts with c and then c2 (both under 256):
	// a walk's first two steps, most of its lookups, need not hash into
	// slots (see matchDictionary).
	starts [(256 + 1<<16) / 64]uint64
	// surprisal is, for each pair of neighbouring letters (letter
	// indexes: see letterIndex; a word's start and end are letter 0), the
	// base-10 logarithm of how unlikely the second is after the first in
	// the words of the embedded lists (a letter bigram model, smoothed).
	// It is what "reads like a word" means for letters of no list (see
	// readsLikeWord).
	surprisal []float32 // [a*numLetters+b]
	// nameOdds is, for the same pairs, the base-10 logarithm of how much
	// likelier the pair is in the lists of names and places than in the
	// lists of words: its sum over a word's pairs says whether letters
	// read more like a name than like a word (see readsLikeName).
	nameOdds []float32 // [a*numLetters+b]
	// norwegianOdds is, for the same pairs, how much likelier the pair is
	// in the Norwegian word lists than in the English ones (see
	// readsNorwegian).
	norwegianOdds []float32 // [a*numLetters+b]
}

// numLetters is the size of the alphabet of surprisal: a word's edge,
// a-z, æ, ø, å, é, ä, ö, ü.
const numLetters = 1 + 26 + 7

// letterIndex returns r's index in surprisal, or 0 when r is no letter of
// it.
func letterIndex(r rune) int {
	if r >= 'a' && r <= 'z' {
		return 1 + int(r-'a')
	}
	for k, x := range [...]rune{'æ', 'ø', 'å', 'é', 'ä', 'ö', 'ü'} {
		if r == x {
			return 27 + k
		}
	}
	return 0
}

// pairCounts counts neighbouring letters in words (see surprisal).
type pairCounts [numLetters][numLetters]uint32

// add counts w's pairs of neighbouring letters and its edges (a code point
// of no index counts as an edge: the lists hold letters only).
func (pc *pairCounts) add(w string) {
	prev := 0
	for _, c := range w {
		k := letterIndex(c)
		pc[prev][k]++
		prev = k
	}
	pc[prev][0]++
}

// maxSurprisal is the most a letter may surprise on average (base-10 log
// of the bigram model's odds against it) in letters that read like a
// word. Measured with the lists of Styrke's first version: about 90% of the
// words of wamerican and bokmaal (4-14 letters) were under 1.4 (medians
// 1.2) and about 90% of random letter runs over it (median 1.75); 1.5
// takes in more Norwegian names and places ("vatne", "grimsrud") and about
// 4% of random runs (TestReadsLikeWord), and left the random sets of
// BENCHMARKS.md at 100%.
const maxSurprisal = 1.5

// readsLikeWord reports whether folded letters could be a word of a
// language the lists are in: their letters surprise the bigram model by at
// most maxSurprisal on average, the word's edges included.
func (d *Dictionary) readsLikeWord(folded []rune) bool {
	_, ok := d.wordSurprisal(folded)
	return ok
}

// wordSurprisal returns the surprisal sum of folded's letters (wordSums)
// and whether they read like a word (readsLikeWord).
func (d *Dictionary) wordSurprisal(folded []rune) (sum float32, ok bool) {
	sum, _, _, letters := d.wordSums(folded)
	return sum, letters && sum <= maxSurprisal*float32(len(folded)+1)
}

// wordSums returns the sums of d's three bigram tables (surprisal,
// nameOdds, norwegianOdds) over folded's pairs of neighbouring letters and
// its two edges, in one pass, and whether every code point of folded is a
// letter of the models (one that is not counts as an edge). addWordlike
// asks all three of every stretch: one loop and one call, not three of
// each, in the module. TestWordSums holds each sum to a plain one.
func (d *Dictionary) wordSums(folded []rune) (surprisal, name, norwegian float32, letters bool) {
	letters = true
	prev := 0
	for k := 0; k <= len(folded); k++ {
		c := 0
		if k < len(folded) {
			// a-z without a call (for the module): most letters are.
			if r := folded[k]; r >= 'a' && r <= 'z' {
				c = 1 + int(r-'a')
			} else if c = letterIndex(r); c == 0 {
				letters = false
			}
		}
		x := prev*numLetters + c
		surprisal += d.surprisal[x]
		name += d.nameOdds[x]
		norwegian += d.norwegianOdds[x]
		prev = c
	}
	return surprisal, name, norwegian, letters
}

// typicalSurprisal is how much a word's letters surprise the bigram model
// on average (the median of the words of wamerican and bokmaal: see
// maxSurprisal). In a run of letters written together, a stretch whose
// letters surprise it more, though still under maxSurprisal, costs the
// excess on top of a word's guesses (see unlikeliness): in random letters
// ("sogeblerygmvmznztirdlorc") such stretches are many, and no cheaper
// than brute force.
const typicalSurprisal = 1.2

// unlikeliness is the surprisal sum of n letters (and their two edges)
// over what a typical word's would be, or 0.
func unlikeliness(sum float32, n int) float64 {
	// Compared, not max: the builtin on floats is a call to the runtime's
	// fmax in the module (its code, and min's, leave with this).
	if u := float64(sum) - typicalSurprisal*float64(n+1); u > 0 {
		return u
	}
	return 0
}

// model is which of the name model's two bigram models (see nameOdds) an
// embedded list trains, besides the model of all lists (surprisal).
type model uint8

const (
	modelNone  model = iota // neither: calendar words, clubs, places abroad (spelt like English words, not like Norwegian names)
	modelNames              // the names and places
	modelWords              // the words
	// modelOff trains no model, not even the one of all lists: a frequency
	// list's words (spoken Norwegian, English words among them) would change
	// what reads like a word for every other word. Measured with the
	// Norwegian frequency list: leaked with a word 1.5% without its pairs,
	// 1.8% with them in the model of all lists, and fresh words 1.9% →
	// 2.6% with them in the word model too.
	modelOff
)

// language is which of the Norwegian-against-English bigram models (see
// norwegianOdds) an embedded list trains.
type language uint8

const (
	langNone language = iota
	langNorwegian
	langEnglish
)

// PasswordRank is the rank every entry of the common-password list gets:
// the list given to NewDictionary is sorted, not ranked, so each entry
// counts as the middle of a list of its size (17,905 entries).
const PasswordRank = 10000

// NewDictionary builds the dictionary of the embedded lists and passwords, a
// list of common passwords, one per line (lines starting with # and empty
// lines are skipped), folded as Input.Folded is; every entry gets rank
// PasswordRank. Building it takes milliseconds (see Prepare).
func NewDictionary(passwords string) *Dictionary {
	d := &Dictionary{slots: make([]uint64, 1<<16), shift: 64 - 16}
	var all, names, words, norwegian, english pairCounts
	for _, l := range lists {
		var buf [3]*pairCounts
		pcs := buf[:0]
		if l.model != modelOff {
			pcs = append(pcs, &all)
		}
		switch l.model {
		case modelNames:
			pcs = append(pcs, &names)
		case modelWords:
			pcs = append(pcs, &words)
		}
		switch l.lang {
		case langNorwegian:
			pcs = append(pcs, &norwegian)
		case langEnglish:
			pcs = append(pcs, &english)
		}
		kind := l.kind
		if l.lang == langNorwegian {
			kind |= inflects
		}
		words, err := frontcode.Decode(l.words, 2*len(l.words))
		if err != nil {
			panic("guess: an embedded list is corrupt") // generated; TestWordsAreCurrent holds it
		}
		d.addList(words, kind, 0, l.scale, pcs...)
	}
	d.addList(passwords, KindPassword, PasswordRank, 1)
	d.surprisal = all.surprisal()
	d.nameOdds = odds(&words, &names)
	d.norwegianOdds = odds(&english, &norwegian)
	// The tables every estimate reads, built here too so that the time a
	// page gives the dictionary (policy.Prepare, when idle) builds them,
	// not a keystroke: the keyboards' walks take tens of µs natively.
	layoutsOnce.Do(buildLayouts)
	varOnce.Do(buildVariations)
	seriesOnce.Do(buildSeries)
	return d
}

// surprisal returns pc's bigram model: for each pair, the base-10
// logarithm of the odds against the second letter after the first
// (smoothed).
func (pc *pairCounts) surprisal() []float32 {
	s := make([]float32, numLetters*numLetters)
	for a := range pc {
		total := 0.0
		for _, c := range pc[a] {
			total += float64(c)
		}
		for b, c := range pc[a] {
			s[a*numLetters+b] = float32(-log10((float64(c)+0.5)/(total+0.5*numLetters)*1e12) + 12)
		}
	}
	return s
}

// odds returns, for each pair, how much likelier b's bigram model finds it
// than a's (base-10 logarithm).
func odds(a, b *pairCounts) []float32 {
	sa, sb := a.surprisal(), b.surprisal()
	for k := range sa {
		sa[k] -= sb[k]
	}
	return sa
}

// readsNorwegian reports whether folded letters read more like a
// Norwegian word than like an English one, by at least norwegianMargin:
// the bigram model of the Norwegian word lists finds them that much
// likelier than that of the English ones.
func (d *Dictionary) readsNorwegian(folded []rune) bool {
	_, _, sum, _ := d.wordSums(folded)
	return sum > norwegianMargin
}

// norwegianMargin is how much likelier (base-10 logarithm) letters must be
// as Norwegian than as English for readsNorwegian: at 0, the random
// syllables of Apple's generated passwords read Norwegian a little too
// often (99.1% → 99.0% of them accepted, n = 5,000).
const norwegianMargin = 1

// readsLikeName reports whether folded letters read more like a name or a
// place than like a word: the bigram model of the name and place lists
// finds them likelier than that of the word lists.
func (d *Dictionary) readsLikeName(folded []rune) bool {
	_, sum, _, _ := d.wordSums(folded)
	return sum > 0
}

// addList adds the lines of words as kind, each ranked by its bucket of
// lines (see RankBucket) times scale, or all as rank when rank is not 0, and
// counts their letter pairs into each of pcs.
func (d *Dictionary) addList(words string, kind Kind, rank, scale int, pcs ...*pairCounts) {
	n := 0 // the list's lines that are words
	for i := 0; i < len(words); i++ {
		if (i == 0 || words[i-1] == '\n') && words[i] != '\n' && words[i] != '#' {
			n++
		}
	}
	line, end := 0, 0 // the line, and the first line past its bucket
	lr := rankLog(rank)
	for words != "" {
		w := words
		if i := strings.IndexByte(words, '\n'); i >= 0 {
			w, words = words[:i], words[i+1:]
		} else {
			words = ""
		}
		if w == "" || w[0] == '#' {
			continue
		}
		line++
		if rank == 0 && line >= end {
			end = min(rankBuckets[RankBucket(line)+1], n+1)
			lr = bucketRankLog(line, end, scale)
		}
		for _, pc := range pcs {
			pc.add(w)
		}
		val := lr<<5 | uint32(kind)<<1 | 1
		d.addWord(w, val)
		if rank == 0 {
			d.addASCII(w, val+asciiRankLog<<5)
		}
	}
}

// addWord adds w, whose value is val, and each of its prefixes.
func (d *Dictionary) addWord(w string, val uint32) {
	h := uint64(hashStart)
	k := 0
	var first rune
	for i, c := range w {
		h = (h ^ uint64(c)) * hashPrime
		k++
		switch {
		case k == 1 && c < 256:
			first = c
			d.starts[c/64] |= 1 << (c % 64)
		case k == 2 && first != 0 && c < 256:
			x := 256 + first<<8 | c
			d.starts[x/64] |= 1 << (x % 64)
		}
		v := uint32(0)
		if i+utf8.RuneLen(c) == len(w) {
			v = val
		}
		d.put(h, v)
	}
	d.maxLen = max(d.maxLen, k)
}

// addASCII adds the ways of writing w without æ, ø and å that people use
// where a keyboard or a system has none (many Norwegian systems refused
// them in passwords), asciiWays ("kjaerlighet", "blabaer", "Aalesund",
// "Tromsoe", "kjarlighet"), at val (the word's value with its rank times
// two), when minASCII code points or more.
func (d *Dictionary) addASCII(w string, val uint32) {
	if strings.IndexByte(w, 0xc3) < 0 { // the first byte of æ, ø and å in UTF-8: most words have none
		return
	}
	var buf [64]byte // a way takes no more bytes than w (æ, ø, å take two); a longer word's go on the heap
	for _, way := range asciiWays {
		b, n, found := buf[:0], 0, false
		for i, c := range w {
			k := 3
			switch c {
			case 'æ':
				k = 0
			case 'ø':
				k = 1
			case 'å':
				k = 2
			}
			if k == 3 {
				b = append(b, w[i:i+utf8.RuneLen(c)]...)
				n++
				continue
			}
			b = append(b, way[k]...)
			n += len(way[k])
			found = true
		}
		if !found {
			return
		}
		if n >= minASCII {
			d.addWord(string(b), val)
		}
	}
}

// asciiWays are the ways of writing æ, ø and å in ASCII that addASCII
// adds: each way of each letter is in one of them, so a word with one of
// the letters gets every way of writing it.
var asciiWays = [...][3]string{{"ae", "o", "a"}, {"ae", "oe", "aa"}, {"a", "o", "a"}}

// minASCII is the least code points of a word written in ASCII that is
// added: shorter ones ("gaar", "bodo") are found by chance in random
// strings (Apple's generated passwords' syllables).
const minASCII = 5

// asciiRankLog is what writing a word's æ, ø or å in ASCII adds to its
// rank's logarithm (rankLogUnit): a factor of 2.
var asciiRankLog = rankLog(2)

// rankBuckets are the first lines of the buckets an embedded list's words
// are ranked by, half a decade each (10^(k/2) rounded up). genwords sorts
// each bucket's words alphabetically and front-codes the list
// (policy/internal/frontcode), which took 3.4 KB off the module (brotli)
// against the words in their frequency order: a word's guesses are its
// bucket's, not its own line's, which is within a factor of 10^0.25 of it.
var rankBuckets = [...]int{1, 4, 10, 32, 100, 317, 1000, 3163, 10000, 31623, 100000, 316228, 1 << 30}

// RankBucket returns the bucket (an index of rankBuckets) of an embedded
// list's line (1-based, under 316,228), for genwords, which sorts within
// the buckets.
func RankBucket(line int) int {
	k := 0
	for rankBuckets[k+1] <= line {
		k++
	}
	return k
}

// bucketRankLog returns the rankLog of the lines from start to end
// (excluded), each ranked by its line times scale: the mean of their
// logarithms, where the words of the bucket are in no particular order.
func bucketRankLog(start, end, scale int) uint32 {
	sum := 0.0
	for l := start; l < end; l++ {
		sum += log10(float64(l * scale))
	}
	return uint32(sum/float64(end-start)/rankLogUnit + 0.5)
}

// rankLog is log10(rank) in units of rankLogUnit, as the dictionary stores
// a word's rank: a match's guesses without a logarithm per match (which
// WebAssembly computes in software, on every keystroke).
func rankLog(rank int) uint32 {
	return uint32(log10(float64(min(rank, 1<<26)))/rankLogUnit + 0.5)
}

// rankLogUnit is the step of rankLog: far below the 0.1 a verdict's
// guesses are rounded to.
const rankLogUnit = 1e-4

// FNV-1a over code points.
const (
	hashStart = 14695981039346656037
	hashPrime = 1099511628211
)

// valueBits is the width of a slot's value: rankLog of 2^26 takes 17
// bits, the kind 4 and the whole-word flag 1.
const (
	valueBits = 22
	valueMask = 1<<valueBits - 1
)

// slotKey mixes h (FNV-1a of a word's runes) and keeps its top bits: the
// key a slot stores, whose own top bits are the slot's index.
func slotKey(h uint64) uint64 {
	k := (h * 0x9E3779B97F4A7C15) &^ valueMask
	if k == 0 {
		k = 1 << valueBits
	}
	return k
}

// put stores val (0: prefix only) under h, keeping an existing word of a
// lower rank; the table doubles when it would be more than five eighths
// full.
func (d *Dictionary) put(h uint64, val uint32) {
	if 8*(d.used+1) > 5*len(d.slots) {
		old := d.slots
		d.slots, d.shift = make([]uint64, 2*len(old)), d.shift-1
		for _, s := range old {
			if s != 0 {
				d.insert(s)
			}
		}
	}
	k := slotKey(h)
	mask := uint64(len(d.slots) - 1)
	for i := k >> d.shift; ; i = (i + 1) & mask {
		s := d.slots[i]
		switch s &^ valueMask {
		case 0:
			d.slots[i] = k | uint64(val)
			d.used++
			return
		case k:
			old := uint32(s & valueMask)
			if val&1 != 0 && (old&1 == 0 || val>>5 < old>>5) {
				d.slots[i] = k | uint64(val)
			}
			return
		}
	}
}

// insert puts slot s, whose key is in no slot, into the first empty slot
// from its index (when the table grows).
func (d *Dictionary) insert(s uint64) {
	mask := uint64(len(d.slots) - 1)
	i := s >> d.shift
	for d.slots[i] != 0 {
		i = (i + 1) & mask
	}
	d.slots[i] = s
}

// get returns the value stored under h, or 0 when neither a word nor a
// prefix has it (prefix-only entries are returned as 2).
func (d *Dictionary) get(h uint64) uint32 {
	// slotKey, written out: for the module, a call on every step of
	// every walk.
	k := (h * 0x9E3779B97F4A7C15) &^ valueMask
	if k == 0 {
		k = 1 << valueBits
	}
	mask := uint64(len(d.slots) - 1)
	for i := k >> d.shift; ; i = (i + 1) & mask {
		s := d.slots[i]
		switch s &^ valueMask {
		case 0:
			return 0
		case k:
			if v := uint32(s & valueMask); v != 0 {
				return v
			}
			return 2
		}
	}
}

// minWord is the least length of a dictionary match, and minReversed of a
// reversed one (shorter reversed words are mostly chance).
const (
	minWord     = 3
	minReversed = 4
	// minCapitalisedBackwards is the least length of a capitalised word
	// written backwards (capitalisedBackwards), as of an inverted one.
	minCapitalisedBackwards = 5
)

// matchDictionary adds every word of d found in folded, forwards and
// reversed. From each start it walks forwards, then leftwards (a reversed
// word); both walks share the first code point, so a start no word begins
// with ends both.
func matchDictionary(ms *matches, d *Dictionary, typed, lower, folded []rune) {
	n := len(folded)
	for i, fi := range folded {
		// The first code point, and below the first two: d.starts when
		// they are under 256, the table otherwise.
		h0 := (uint64(hashStart) ^ uint64(fi)) * hashPrime
		if fi < 256 {
			if b := uint8(fi); d.starts[b/64]&(1<<(b%64)) == 0 {
				continue
			}
		} else if d.get(h0) == 0 {
			continue
		}
		// The second code point: d.starts when both are under 256 (a
		// prefix then; a word this short is no match, minWord), the
		// table otherwise, as every later one.
		h, j := h0, i+1
		if j < n && fi < 256 && folded[j] < 256 {
			if k := uint16(fi)<<8 | uint16(uint8(folded[j])); d.starts[4+k/64]&(1<<(k%64)) == 0 {
				if folded[j] == '!' || folded[j] == '|' {
					walkBang(ms, d, typed, lower, folded, i, j) // "L!verpool"
				}
				j = n // no word starts so
			} else {
				h = (h ^ uint64(folded[j])) * hashPrime
				j++
			}
		}
		for ; j < n && j-i < d.maxLen; j++ {
			fj := folded[j]
			h = (h ^ uint64(fj)) * hashPrime
			v := d.get(h)
			if v == 0 {
				// The walk ends here; past a symbol inside a word it may
				// go on.
				if insideSymbol(fj) && j >= i+2 && j+1 < n && isLetter(folded[j+1]) && isLetter(folded[j-1]) {
					walkPast(ms, d, typed, lower, folded, i, j)
				}
				if fj == '!' || fj == '|' {
					walkBang(ms, d, typed, lower, folded, i, j)
				}
				break
			}
			if v&1 != 0 && j+1-i >= minWord && (j+1-i > maxRandomShort || !randomShort(ms, i, j+1)) {
				lg := float64(v>>5) * rankLogUnit
				if ms.counts[j+1] != ms.counts[i] {
					if uint8(ms.counts[j+1]) != uint8(ms.counts[i+1]) && camelInside(typed, lower, i, j+1) {
						continue
					}
					lg += wordVariations(typed[i:j+1], lower[i:j+1], folded[i:j+1])
				}
				ms.add(i, j+1, Kind(v>>1&7), lg)
				if v&(uint32(inflects)<<1) != 0 && j+1 < n {
					addInflected(ms, typed, lower, folded, i, j+1, lg)
				}
			}
		}
		h, j = h0, i-1
		if j >= 0 && fi < 256 && folded[j] < 256 {
			if k := uint16(fi)<<8 | uint16(uint8(folded[j])); d.starts[4+k/64]&(1<<(k%64)) == 0 {
				j = -1
			} else {
				h = (h ^ uint64(folded[j])) * hashPrime
				j--
			}
		}
		for ; j >= 0 && i-j < d.maxLen; j-- {
			fj := folded[j]
			h = (h ^ uint64(fj)) * hashPrime
			v := d.get(h)
			if v == 0 {
				break
			}
			if v&1 != 0 && i+1-j >= minReversed && !palindrome(folded[j:i+1]) && (i+1-j > maxRandomShort || !randomShort(ms, j, i+1)) {
				// A word that reads the same backwards is found forwards,
				// for less.
				lg := float64(v>>5) * rankLogUnit
				if ms.counts[i+1] != ms.counts[j] {
					if uint8(ms.counts[i+1]) != uint8(ms.counts[j+1]) && !capitalisedBackwards(typed[j:i+1], lower[j:i+1]) && camelInside(typed, lower, j, i+1) {
						continue
					}
					lg += wordVariations(typed[j:i+1], lower[j:i+1], folded[j:i+1])
				}
				ms.add(j, i+1, Kind(v>>1&7), lg+log2)
			}
		}
	}
}

// camelInside reports whether [i, j) reads across a CamelCase boundary: a
// capital after a small letter stands inside it, and it starts or ends
// inside a word of the CamelCase (after a small letter, or before one),
// and is not in alternating case ("FoTbAlL") nor inverted ("sOMMER"). In "DuctBogeysShineVermin"
// the capital starts the next word, and a word found across it ("neVer",
// or "DoeS" of "DoeSham") is a chance reading of two words' edges, which
// took random passphrases in CamelCase under the threshold. A word of the
// lists written in CamelCase from edge to edge ("NewYork", "HarryPotter",
// "iPhone") stays a word, and so does one of three words or more that
// starts where a word does and runs on into small letters ("LetMeIndog",
// "ILoveYoumaria": a chance reading of three random words' edges is rare).
func camelInside(typed, lower []rune, i, j int) bool {
	for k := i + 1; k < j; k++ {
		if typed[k] != lower[k] && typed[k-1] == lower[k-1] && isLetter(lower[k-1]) {
			startInside := i > 0 && isLetter(lower[i-1]) && typed[i] == lower[i]
			endInside := j < len(typed) && isLetter(lower[j]) && typed[j] == lower[j]
			endsSmall := typed[j-1] == lower[j-1]
			if endInside && !startInside && endsSmall && j-i >= 6 && camelWords(typed, lower, i+1, j) >= 2 {
				return false // three words or more, running on
			}
			return (startInside || endInside || !endsSmall) && (j-i < minAlternating || !alternating(typed[i:j], lower[i:j])) && !inverted(typed[i:j], lower[i:j])
		}
	}
	return false
}

// camelWords counts the capitals in [i, j) that a small letter follows
// there: where a word of a CamelCase starts ("LetMeIn": 'M', 'I'; not the
// 'I' of "adIOv").
func camelWords(typed, lower []rune, i, j int) int {
	c := 0
	for k := i; k+1 < j; k++ {
		if typed[k] != lower[k] && typed[k+1] == lower[k+1] && isLetter(lower[k+1]) {
			c++
		}
	}
	return c
}

// inverted reports whether a word of 5 code points or more is written
// with its capitals inverted, as with caps lock on and shift for the first
// letter ("sOMMER", "vINTER"): a small first letter and every other letter
// a capital. With 4, or with digits for letters, random letters and
// digits held chance ones ("sTAM", "rOLV", "vA7NE").
func inverted(typed, lower []rune) bool {
	if len(typed) < 5 || typed[0] != lower[0] {
		return false
	}
	for k := 1; k < len(typed); k++ {
		if typed[k] == lower[k] { // a small letter, or no letter ("vA7NE")
			return false
		}
	}
	return true
}

// A symbol inside a word ("vi#nter", "pass*ord", "Rosen!borg"): people put
// one there to meet a rule, or to make a word "safe". minPast is the least
// letters of such a word, both sides of the symbol together: shorter ones
// are chance in random strings.
const minPast = 5

// insideSymbol reports whether r is a symbol people put inside a word: not
// one of the separators between words (" -_./,"), which a walk past would
// read between every two words of a passphrase, and which joined Apple's
// generated groups ("fodne1-qabjyg") into words by chance.
func insideSymbol(r rune) bool {
	return r < 64 && insideSymbols&(1<<uint(r)) != 0 || r >= 64 && r < 128 && insideSymbolsHigh&(1<<uint(r-64)) != 0
}

// insideSymbols and insideSymbolsHigh are insideSymbol's code points under
// 64 and from 64 to 127, a bit each: "!#%&*+=?" and "^|~".
const (
	insideSymbols     uint64 = 1<<'!' | 1<<'#' | 1<<'%' | 1<<'&' | 1<<'*' | 1<<'+' | 1<<'=' | 1<<'?'
	insideSymbolsHigh uint64 = 1<<('^'-64) | 1<<('|'-64) | 1<<('~'-64)
)

// walkBang goes on with the walk from i, which ended at p, a "!" or "|",
// when it stands between letters: reading it and each further one as the "i"
// it stands for ("Henr!k", "spr!ng", "L!verpool", as zxcvbn's l33t table
// has them), it adds each word of minPast code points or more it finds
// with the "!" inside (not as its last letter: "dalv!" of
// "Gandalv!unikt") at the word's guesses and its variations, the "!" a
// substitution among them. Not before a capital after a small letter,
// where it is a separator before a word ("Kari!Ola", "57udm4n!Mai"). Not
// in Fold: "!" is mostly a separator or punctuation, and read as a letter
// everywhere it took separators and tails from the other matchers (pieces
// 5.6% → 5.7% at n = 1,000).
func walkBang(ms *matches, d *Dictionary, typed, lower, folded []rune, i, p int) {
	n := len(folded)
	if p == 0 || p+1 >= n || !isLetter(folded[p-1]) || !isLetter(folded[p+1]) ||
		typed[p+1] != lower[p+1] && typed[p-1] == lower[p-1] {
		return
	}
	var w [MaxRunes]rune // folded[i:], with the bangs read as "i"
	h := uint64(hashStart)
	for k, c := range folded[i:p] {
		w[k] = c
		h = (h ^ uint64(c)) * hashPrime
	}
	for j := p; j < n && j-i < d.maxLen; j++ {
		c := folded[j]
		if c == '!' || c == '|' {
			c = 'i'
		}
		w[j-i] = c
		h = (h ^ uint64(c)) * hashPrime
		v := d.get(h)
		if v == 0 {
			return
		}
		if v&1 != 0 && j > p && j+1-i >= minPast {
			ms.add(i, j+1, Kind(v>>1&7), float64(v>>5)*rankLogUnit+wordVariations(typed[i:j+1], lower[i:j+1], w[:j+1-i]))
		}
	}
}

// walkPast goes on with the walk from i, which ended at p (a symbol after
// two or more letters, before a letter), past p as if it were not there,
// and adds each word it finds at the word's guesses and the symbol's:
// where in the word (one of its letters' gaps) and which (about ten). It
// hashes [i, p) again: keeping the walk's hash before each step, for this
// rare case, cost more in the walk's loop (callgrind) than hashing again.
func walkPast(ms *matches, d *Dictionary, typed, lower, folded []rune, i, p int) {
	n := len(folded)
	h := uint64(hashStart)
	for _, c := range folded[i:p] {
		h = (h ^ uint64(c)) * hashPrime
	}
	for j := p + 1; j < n && j-i <= d.maxLen; j++ {
		fj := folded[j]
		h = (h ^ uint64(fj)) * hashPrime
		v := d.get(h)
		if v == 0 {
			return
		}
		if v&1 != 0 && j-i >= minPast {
			ms.add(i, j+1, Kind(v>>1&7), float64(v>>5)*rankLogUnit+wordVariations(typed[i:j+1], lower[i:j+1], folded[i:j+1])+log10Runes[j-i-1]+1)
		}
	}
}

const log2 = 0.30103

// palindrome reports whether s reads the same backwards.
func palindrome(s []rune) bool {
	for k := 0; k < len(s)/2; k++ {
		if s[k] != s[len(s)-1-k] {
			return false
		}
	}
	return true
}

// maxRandomShort is the longest word randomShort is asked about (by its
// caller, which this runs for hundreds of times a keystroke).
const maxRandomShort = 4

// randomShort reports whether the short word [i, j) (maxRandomShort code
// points or fewer) is written both with a substitution and with a capital
// after its first letter ("d3T", "Al1E"), by ms.counts: people write short
// words plainly, and in random letters and digits such stretches are
// common by chance ("Al1e" for "alle", "d3T" for "det" in
// "5QNNAl1eya1PiZp3").
func randomShort(ms *matches, i, j int) bool {
	return ms.counts[j]>>8 != ms.counts[i]>>8 && uint8(ms.counts[j]) != uint8(ms.counts[i+1])
}

// wordVariations returns log10 of the guesses for the ways a dictionary
// word was capitalised and l33t-substituted (zxcvbn's uppercase and l33t
// variations).
func wordVariations(typed, lower, folded []rune) float64 {
	// Most words are written plainly: each count that only prices a
	// capital or a substitution is made only when there is one.
	up := 0
	for k := range typed {
		if typed[k] != lower[k] {
			up++
		}
	}
	lg := 0.0
	if up > 0 {
		n := len(typed)
		firstUp, lastUp := typed[0] != lower[0], typed[n-1] != lower[n-1]
		low := 0
		for k := range typed {
			if typed[k] == lower[k] && isLetter(lower[k]) {
				low++
			}
		}
		if low == 0 || up == 1 && (firstUp || lastUp) {
			lg = variationsLog10(1, 0) // 2: as typed or not
		} else if n >= minAlternating && alternating(typed, lower) {
			lg = alternatingLog10
		} else {
			lg = variationsLog10(up, low)
		}
	}
	// l33t: the substituted characters among those that could be.
	sub := 0
	for k := range lower {
		if lower[k] != folded[k] && lower[k] != 'l' {
			sub++
		}
	}
	if sub == 0 {
		return lg
	}
	plain := 0
	for k := range lower {
		if (lower[k] == folded[k] || lower[k] == 'l') && isL33tTarget(folded[k]) {
			plain++
		}
	}
	return lg + variationsLog10(sub, plain)
}

// alternatingLog10 is the guesses of a word's capitals when they alternate
// ("FoTbAlL"): which letter starts, and that it is this way of a few.
const alternatingLog10 = 0.6

// isL33tTarget reports whether r is a letter a substitution stands for.
func isL33tTarget(r rune) bool {
	return r == 'o' || r == 'i' || r == 'e' || r == 'a' || r == 's' || r == 't'
}

func isLetter(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 0xdf && r <= 0xff && r != 0xf7 || r > 0xff && r != utf8.RuneError
}

// capitalisedBackwards reports whether a word of minCapitalisedBackwards
// code points or more is a capitalised word written backwards ("remmoS",
// "emocleW"): its last code point alone a capital. Read forwards, that
// capital after a small letter looks like a CamelCase boundary inside the
// word, which camelInside turns away; read backwards, it is the word's
// first letter (zxcvbn finds them so too). Until 2026-12-03 they were
// not found, and "2468+emocleW+asdfghjklæø+Bella!?" was accepted.
func capitalisedBackwards(typed, lower []rune) bool {
	n := len(typed)
	if n < minCapitalisedBackwards || typed[n-1] == lower[n-1] {
		return false
	}
	for k := 0; k < n-1; k++ {
		if typed[k] != lower[k] {
			return false
		}
	}
	return true
}
