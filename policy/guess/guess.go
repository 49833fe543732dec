// Package guess estimates how many guesses an attacker who knows how people
// build passwords needs to find one, in the spirit of zxcvbn (Wheeler,
// "zxcvbn: Low-Budget Password Strength Estimation", USENIX Security 2016)
// but for Norwegian and English passwords.
//
// [Estimate] finds every match of a set of matchers in the password, each a
// pattern with its own count of guesses:
//
//   - dictionary words: the common-password list, Norwegian and English
//     words, Norwegian first names and surnames, places, clubs, seasons,
//     months, weekdays and holidays (nb, nn, en); also with l33t
//     substitutions undone, reversed and capitalised, and a Norwegian
//     word with the ending of an inflected form ("kattene", "pappas");
//   - repeats: any block of 3+ characters seen earlier in the password
//     ("X X", "X X X", and a block repeated with a changed suffix);
//   - sequences of letters (æøå included) or digits in either direction
//     with a step of 1 to 5, and numbers counting on by a step
//     ("12345678910", "2468101214", "5101520253035");
//   - keyboard patterns on the Norwegian and US layouts: runs of
//     neighbouring keys with or without shift, zigzags ("1q2w3e") and a
//     shape repeated from a neighbouring key ("zaq1xsw2");
//   - years 1900-2039 and dates in Norwegian orders ("241299",
//     "24.12.1999", "17mai");
//   - the pieces of web and e-mail addresses ("https://www.", "@gmail",
//     ".no");
//   - a short password spelt out with a character between its code points
//     or numbered as it goes ("p.a.s.s.w.o.r.d", "s1o2m3m4e5r6"), priced
//     by an estimate of the short password;
//   - famous phrases ("correct horse battery staple", "lorem ipsum dolor
//     sit amet") with any separators between their words or none;
//   - letters of no list that read like a word or a name (letter bigram
//     models built from the lists), also with substitutions inside them,
//     and Russian typed on a Latin keyboard ("ghbdtn" is "привет"; a bigram
//     model of Russian words by the keys that type them).
//
// It then finds, by dynamic programming, the split of the password into
// matches and brute-forced gaps that needs the fewest guesses, and returns
// that number's base-10 logarithm, the kinds of the matches used and which
// characters they cover.
//
// The package is pure (no IO, no clock, no fmt or encoding/json) and
// allocates nothing per call: it runs in the browser on every keystroke. Its
// tables are built on first use (see [Prepare]).
package guess

import (
	"math"
	"math/bits"
	"sync/atomic"

	"github.com/styrke-iam/styrke/policy/internal/once"
)

// MaxRunes is the most code points Estimate looks at; a longer password's
// further code points count as brute force (10 guesses each).
const MaxRunes = 128

// Kind is the kind of a match.
type Kind uint8

// Kinds of match. KindNone is a brute-forced gap.
const (
	KindNone        Kind = iota
	KindPassword         // on the list of common passwords
	KindWord             // a common Norwegian or English word
	KindName             // a common first name or surname
	KindPlace            // a Norwegian place
	KindClub             // a sports club
	KindCalendar         // a season, month, weekday or holiday
	KindContext          // a context word (kept for the wire names; see policy's context rule)
	KindYear             // a year 1900-2039
	KindDate             // a date
	KindKeyboard         // neighbouring keys on a keyboard
	KindSequence         // a sequence of letters or digits
	KindRepeat           // a repeat of an earlier part of the password
	KindWordlike         // a word or name of no list: letters that read like one
	KindPunctuation      // a separator used again, or a common tail of punctuation ("!!", "!?")
	KindMirror           // an earlier part written backwards after itself ("1987!!7891")
	KindAddress          // a piece of a web or e-mail address ("https://www.", "@gmail", ".no")
	KindRun              // a repeat that copies no other pattern of the split: "!!!!!!!!", the "aaaa" of "Kari1985aaaa" (see search)
	KindPhone            // a Norwegian mobile number: eight digits that start with 4 or 9, maybe after +47
	KindConstant         // the first digits of a well-known number: pi, e, the square root of 2, the golden ratio, Lost's numbers ("3.14159265", "4815162342"), or a number people choose ("911", "007")
	KindIdentity         // a Norwegian national identity number (fødselsnummer) or D-number whose check digits hold
	numKinds
)

var kindNames = [numKinds]string{"", "password", "word", "name", "place", "club", "calendar", "context", "year", "date", "keyboard", "sequence", "repeat", "wordlike", "punctuation", "mirror", "address", "run", "phone", "constant", "identity"}

// String returns the kind's wire name: "password", "word", "name", "place",
// "club", "calendar", "context", "year", "date", "keyboard", "sequence",
// "repeat", "wordlike", "punctuation", "mirror", "address", "run", "phone",
// "constant", "identity", or ""
// for KindNone.
func (k Kind) String() string {
	if k < numKinds {
		return kindNames[k]
	}
	return ""
}

// Kinds is a set of kinds.
type Kinds uint32

// Has reports whether k holds kind.
func (k Kinds) Has(kind Kind) bool { return k&(1<<kind) != 0 }

// Input is the password in three aligned forms: element i of each is the
// password's i-th code point. Only the first MaxRunes are used.
type Input struct {
	// Typed is the password as typed.
	Typed []rune
	// Lower is Typed case-folded, one code point for one.
	Lower []rune
	// Folded is Lower with the common substitutions undone, as the
	// dictionaries are folded (policy.Fold: 0→o, 1 and l→i, 3→e, 4→a,
	// 5→s, 7→t, @→a, $→s, €→e).
	Folded []rune
	// Dictionary is the dictionary to match (see NewDictionary); nil
	// matches no words.
	Dictionary *Dictionary
}

// Result is the cheapest way to guess a password.
type Result struct {
	// Log10 is the base-10 logarithm of the number of guesses.
	Log10 float64
	// Kinds are the kinds of the matches in the cheapest split.
	Kinds Kinds
	// Main is the kind of the longest match in it (KindNone when no match
	// is used).
	Main Kind
	// Several are the kinds of Kinds found twice or more: in two matches
	// of the split, or in two words of one phrase ("common words", not "a
	// common word", for "Miste-vesen-forrådte-fortet").
	Several Kinds
	// marked has bit i set when code point i belongs to a match of the
	// split, or to any match cheaper than brute force on its code points.
	marked [MaxRunes / 64]uint64
}

// Marked reports whether code point i belongs to a pattern: a match of the
// cheapest split, or a match that costs less than brute-forcing its code
// points (one of three code points: by more than a part's cost); a faint
// word of no list is no pattern (see addWordlike).
func (r *Result) Marked(i int) bool {
	return i >= 0 && i < MaxRunes && r.marked[i/64]&(1<<(i%64)) != 0
}

// MarkedCount is how many code points belong to a pattern (see Marked).
func (r *Result) MarkedCount() int {
	c := 0
	for _, w := range r.marked {
		c += bits.OnesCount64(w)
	}
	return c
}

// match is one found pattern: code points [i, j), its kind and its guesses.
type match struct {
	i, j  uint8
	kind  Kind
	free  bool    // no floor of minSubLog10: a separator used again
	lg    float32 // log10 of the guesses
	inner Kinds   // a phrase's: the kinds of its words (see matchPhrases; kind is its longest word's)
	faint bool    // a short word of no list that reads less like one than a typical word: marks nothing (see addWordlike)
	quiet bool    // counts in the estimate but names no kind: a separator of one code point used again (see matchSeparators)
	joins bool    // a separator of one code point that joins the patterns around it: no part of its own (see matchSeparators)
	// period is a repeat's distance to what it copies (its source is
	// [i-period, j-period)); 0 for other kinds.
	period uint8
	// several are a phrase's kinds held by two or more of its words.
	several Kinds
}

// maxMatches bounds the matches kept per call; past it further ones are
// dropped, which can only make the estimate higher.
const maxMatches = 2048

// matches collects the matches of one call, chained by end position.
type matches struct {
	n    int
	m    [maxMatches]match
	next [maxMatches]int16
	head [MaxRunes + 1]int16 // 1 + index of the last match ending here, 0 for none
	// repeatEnd[t] is the furthest end of the repeats matchRepeats found
	// that start at t or before (0 before it has run): code points [a, b)
	// with b <= repeatEnd[a] lie inside one repeat. The stretches of a long
	// run of letters that read like a word or like Russian (addJoined,
	// matchRussian) are left out there: each costs at least namelikeLog10,
	// more than any repeat (at most MaxRunes² choices:
	// TestStretchesInsideRepeats), so none is a cheaper way through the
	// repeat than the repeat itself, and in repeated letters ("thth…") they
	// were most of the matches and most of the time. Leaving matches out
	// can only raise an estimate (as maxMatches does); on 120,000 passwords
	// of the bench's sets, repeated stretches and words written together it
	// changed no estimate and no mark (BENCHMARKS.md). Those inside mark
	// nothing that the repeat does not.
	repeatEnd [MaxRunes]uint8
	// class[t] is what lower[t] and folded[t] are (classLetter and the
	// other bits below), set by estimate before any matcher runs: the
	// matchers ask it of the same code points again and again, and for the
	// module (built without inlining) each isLetter was a call.
	class [MaxRunes]uint8
	// counts[t] holds how many of the code points before t are capitals
	// (typed not lower) in its low byte, and how many are substitutions
	// (lower not folded, but for 'l': see wordVariations) in its high
	// byte. A word with neither, as most are, has no variations to price,
	// and tells so by counts equal at its ends, not by a loop over its
	// letters (wordVariations, randomShort: TestPlainCounts).
	counts [MaxRunes + 1]uint16
}

// classify sets ms.class and ms.counts from typed, lower and
// folded, before any matcher runs.
func (ms *matches) classify(typed, lower, folded []rune) {
	n := min(len(typed), len(lower), len(folded), MaxRunes)
	count := uint16(0)
	for t, r := range lower[:n] {
		// ASCII without a call (for the module): a letter is a-z, a
		// digit 0-9; above it isLetter asks, and no digit is there.
		c := uint8(0)
		if r < 0x80 {
			if r >= 'a' && r <= 'z' {
				c = classLetter
			} else if r >= '0' && r <= '9' {
				c = classDigit
			}
		} else if isLetter(r) {
			c = classLetter
		}
		f := folded[t]
		if f >= 'a' && f <= 'z' || f >= 0x80 && isLetter(f) {
			c |= classFoldedLetter
		}
		ms.class[t] = c
		if typed[t] != r {
			count++
		}
		if r != f && r != 'l' {
			count += 1 << 8
		}
		ms.counts[t+1] = count
	}
}

// The bits of matches.class: lower[t] is a letter (isLetter) or a digit
// (isDigit); folded[t] is a letter.
const (
	classLetter = 1 << iota
	classDigit
	classFoldedLetter
	classAlnum = classLetter | classDigit
)

// scratch is the matches of one call at a time, reused: a call zeroes
// only its heads and repeatEnd, not the 33 KB of matches (about 4,500
// instructions, 3-4% of an estimate), whose entries add and put write
// before anything reads them. scratch[d] is for the Estimates of carriers
// at depth d inside the call's (see matchInterleaved). A call that finds
// it in use (the server's calls at the same time) takes matches of its own
// at every depth; so would every call after one that panicked, which would
// leave it taken.
var (
	scratch     [1 + maxInterleaveDepth]matches
	scratchBusy atomic.Bool
)

func (ms *matches) add(i, j int, kind Kind, lg float64) {
	// put's body, not a call to it: the module is built without inlining,
	// and this runs hundreds of times a keystroke.
	if ms.n >= maxMatches || j-i < 2 {
		return
	}
	ms.m[ms.n] = match{i: uint8(i), j: uint8(j), kind: kind, lg: float32(lg)}
	ms.next[ms.n] = ms.head[j]
	ms.head[j] = int16(ms.n + 1)
	ms.n++
}

// put keeps m as it is (a match of one code point, free of the floor, or
// a phrase), while there is room.
func (ms *matches) put(m match) {
	if ms.n >= maxMatches {
		return
	}
	ms.m[ms.n] = m
	ms.next[ms.n] = ms.head[m.j]
	ms.head[m.j] = int16(ms.n + 1)
	ms.n++
}

// Constants of the search.
const (
	// bruteLog10 is each brute-forced code point's guesses, as zxcvbn's
	// (cardinality 10): people's characters are not random.
	bruteLog10 = 1
	// partLog10 is what each further part of a split costs, for the order
	// and the choice of the parts (zxcvbn's l! factor, simplified).
	partLog10 = 0.5
	// minSubLog10 is the least a match that is not the whole password
	// counts (zxcvbn's 50 guesses for a multi-character submatch).
	minSubLog10 = 1.7
)

// Estimate returns the least number of guesses, over every split of the
// password into matches and brute-forced gaps, and what that split holds.
func Estimate(in Input) Result {
	if !scratchBusy.CompareAndSwap(false, true) {
		return estimate(in, 0, nil)
	}
	res := estimate(in, 0, &scratch)
	scratchBusy.Store(false)
	return res
}

// estimate is Estimate at depth levels of Estimates inside Estimates (see
// matchInterleaved), with the call's scratch, or nil for matches of its
// own.
func estimate(in Input, depth int, sc *[1 + maxInterleaveDepth]matches) Result {
	n := min(len(in.Typed), len(in.Lower), len(in.Folded))
	rest := 0
	if n > MaxRunes {
		rest = n - MaxRunes
		n = MaxRunes
	}
	var res Result
	if n == 0 {
		return res
	}
	typed, lower, folded := in.Typed[:n], in.Lower[:n], in.Folded[:n]
	var ms *matches
	if sc != nil {
		ms = &sc[depth]
		ms.n, ms.head, ms.repeatEnd = 0, [MaxRunes + 1]int16{}, [MaxRunes]uint8{}
	} else {
		ms = new(matches) // does not escape: on the stack
	}
	ms.classify(typed, lower, folded)
	if in.Dictionary != nil {
		matchDictionary(ms, in.Dictionary, typed, lower, folded)
	}
	matchFamous(ms, folded)
	matchFullNames(ms, typed, lower)
	// After the words and names it reads, before the matches it need not.
	matchNumbers(ms, lower)
	// Repeats before the stretches of letters written together, which
	// leave out those inside a repeat (see matches.repeatEnd).
	matchRepeats(ms, lower)
	matchSingleRuns(ms, lower)
	matchCounted(ms, lower)
	matchWordlike(ms, in.Dictionary, typed, lower, folded)
	matchMirrors(ms, lower)
	matchTail(ms, lower)
	matchTextSpeak(ms, lower)
	matchAddresses(ms, lower)
	matchSequences(ms, lower)
	matchCounting(ms, lower)
	matchSeries(ms, typed, lower)
	matchDates(ms, lower)
	matchKeyboard(ms, typed)
	matchInterleaved(ms, in.Dictionary, typed, lower, folded, depth, sc)
	matchWrapped(ms, in.Dictionary, typed, lower, folded, depth, sc)
	// Last: a long run of letters can hold hundreds of stretches that read
	// like Russian, and matches past maxMatches are dropped.
	matchRussian(ms, typed, lower)
	// After the matchers whose matches a separator may stand between.
	matchSeparators(ms, lower)
	// After every matcher: a phrase is priced by its words' matches.
	matchPhrases(ms, typed, lower, folded)
	// The generated runs, and the code points of every match cheaper than
	// brute-forcing them (see markPatterns).
	var (
		run     [MaxRunes]uint8
		pattern [MaxRunes / 64]uint64
		word    [maxGenerated + 1]bool
	)
	runs, hex := candidateRuns(typed, &run)
	markPatterns(ms, n, &run, runs, &pattern, &word)
	if runs {
		runs = generatedRuns(&run, &word, &pattern, n)
	}
	res = search(ms, n, &run, runs, hex)
	for w := range res.marked {
		res.marked[w] |= pattern[w]
	}
	res.Log10 += float64(rest) * bruteLog10
	return res
}

// A generated run: a run of generatedRun or more small letters a-z, or of
// as many capitals A-Z, typed in a row, that holds no word of the lists of
// generatedWord or more code points and that patterns cover less than four
// fifths of, reads as a generator's (or a person's who typed random
// letters), not as words of no list written together. Its letters are
// brute-forced over the alphabet, letterLog10 each, not 10 guesses as
// people's characters are, and no stretch in it that reads like a word of
// no list (KindWordlike: the letter models' and the Russian readings') is
// part of a split. Digits may be part of the run when they stand in three
// places or more and are no more than its letters ("y1qxa49ftrlio73bu2e2",
// as a generator of small letters and digits writes them; a digit still
// costs 10): people put their digits in one or two places, a year or a
// number after a word ("gargoyle1998", "kari1985ola1987"), and those runs
// stay their letters' alone. Until 2026-12-02 digits ended every run, and
// a stretch with a digit for a letter that read like a word ("n3nlikiva",
// 10^5.2) took 3% of random strings of 20 small letters and digits under
// the threshold (BENCHMARKS.md). A whole password in the format of Apple's
// generated ones is one run too (appleShaped). At 10 guesses a letter, 20
// random small letters cost the threshold itself, 10^20, and any stretch
// of them that read like a word by chance took such a string under it:
// the default policy refused 8.9% of random strings of 20 small letters,
// 8% of those of 18 and 22, and 10% of 20 capitals (BENCHMARKS.md). Until 2026-12-01 only the faint
// stretches (less likely than a typical word) were left out, and one in
// 40 random strings of 18 small letters held a stretch of 9-12 that read
// like a typical word (10^5.5) and went under; leaving out every such
// stretch let through people's runs of words no list held ("yankees",
// "gargoyle"), until the short words people build passwords of came onto
// a list (lists/passwords_short.txt of genwords). People's runs that long
// are words written together: the lists' words or the letter models'
// stretches cover them. A word of the lists makes a run people's from six
// letters: five, until 2026-12-02, took one random string of 20 small
// letters in 250 under ("osilckaljdjexrirawoi" holds "slick", as the
// dictionary folds it) and 0.2% of those of 18; six letters by chance are
// about 20 times rarer, and the leaked set lost four entries to it
// ("vlad1super2mega3shel", BENCHMARKS.md). A hexadecimal run, digits and
// a-f (or A-F) each in two places or more, is a generator's whatever its
// share of digits: each of its brute-forced code points costs hexLog10,
// a digit as a letter. Until 2026-12-02 such runs, mostly digits, were no
// run at all, and a chance date, year or sequence took one in eleven
// random strings of 20 (openssl rand -hex 10) under the threshold.
const (
	generatedRun  = 16 // the default policy's least length
	generatedWord = 6
	letterLog10   = 1.4149733 // log10(26)
	hexLog10      = 1.2041200 // log10(16)
)

// markPatterns sets in pattern the code points of every match cheaper than
// brute-forcing them, which are marked though the cheapest split went round
// them: in "Ottilie@Flåten29?" one long gap "@Flåten29?" costs less than a
// gap, a name and a gap, but "Flåten" is still a name (and policy's
// half-marked rule counts it). A match of three code points must save more
// than a part's cost: in random letters and digits such chance matches are
// many ("Khe", a sequence of step -3), and their marks refused random
// strings. Each start's furthest end, then one sweep: repeated letters hold
// hundreds of long matches, and marking each code point of each took a
// third of the estimate ("abab…"). When runs, the same loop sets word[id]
// for each candidate run (run, candidateRuns) that a word of the lists of
// generatedWord or more code points starts in (word[0], outside every run,
// is never read).
func markPatterns(ms *matches, n int, run *[MaxRunes]uint8, runs bool, pattern *[MaxRunes / 64]uint64, word *[maxGenerated + 1]bool) {
	var reach [MaxRunes]uint8
	for k := 0; k < ms.n; k++ {
		m := &ms.m[k]
		// No max of float32s here: for the module, that is a call to the
		// runtime's fmax for every match.
		lg := m.lg
		if lg < minSubLog10 {
			lg = minSubLog10
		}
		if !m.faint && lg < float32(m.j-m.i)*bruteLog10 && (m.j-m.i != 3 || m.lg+partLog10 < 3*bruteLog10) && m.j > reach[m.i] {
			reach[m.i] = m.j
		}
		if runs && m.kind >= KindPassword && m.kind <= KindCalendar && m.j-m.i >= generatedWord {
			word[run[m.i]] = true
		}
	}
	// The union of the spans [t, reach[t]), from left to right.
	from, end := 0, 0
	for t := range n {
		r := int(reach[t])
		if r <= end {
			continue
		}
		if t >= end { // a span apart from the one before: that one is done
			setRange(pattern, from, end)
			from = t
		}
		end = r
	}
	setRange(pattern, from, end)
}

// setRange sets bits a to b-1 of bits, a word at a time.
func setRange(bits *[MaxRunes / 64]uint64, a, b int) {
	for a < b {
		w, lo := a/64, a%64
		hi := min(b-w*64, 64) // bits lo to hi-1 of word w
		bits[w] |= (^uint64(0) >> (64 - (hi - lo))) << lo
		a = w*64 + hi
	}
}

// maxGenerated is the most runs of generatedRun letters a password holds.
const maxGenerated = MaxRunes / generatedRun

// candidateRuns sets run[t] to 1 + the index of the run of generatedRun or
// more small letters a-z, or capitals A-Z, that holds code point t (0 for
// none), and reports whether there is one, and in hex the bits 1<<id of
// the runs that are hexadecimal. A run holds the digits among its letters
// when they stand in three places or more and are no more than its
// letters; else the digits end it. A run of digits and the letters a-f
// (or A-F) alone, each in two places or more, is hexadecimal, whatever its
// share of digits (see hexLog10). A password in Apple's format
// (appleShaped) is one run, all of it.
func candidateRuns(typed []rune, run *[MaxRunes]uint8) (any bool, hex uint8) {
	n, id := len(typed), uint8(0)
	if appleShaped(typed) {
		for t := range typed {
			run[t] = 1
		}
		return true, 0
	}
	for i := 0; i < n; {
		// [i, j): letters of one case (the first letter's) and digits.
		lo := rune('a')
		j, letters, groups, digit := i, 0, 0, false
		for ; j < n; j++ {
			r := typed[j]
			if uint32(r-'0') <= 9 {
				if !digit {
					groups, digit = groups+1, true
				}
				continue
			}
			digit = false
			if letters == 0 && uint32(r-'A') < 26 {
				lo = 'A'
			}
			if uint32(r-lo) >= 26 {
				break
			}
			letters++
		}
		if j-i >= generatedRun {
			if groups >= 2 && hexadecimal(typed[i:j], lo) {
				id++
				hex |= 1 << id
				for t := i; t < j; t++ {
					run[t] = id
				}
			} else if 2*letters >= j-i && groups >= 3 {
				id++
				for t := i; t < j; t++ {
					run[t] = id
				}
			} else {
				// Else its runs of letters alone.
				for a := i; a < j; {
					b := a
					for b < j && typed[b] > '9' {
						b++
					}
					if b-a >= generatedRun {
						id++
						for t := a; t < b; t++ {
							run[t] = id
						}
					}
					a = b + 1
				}
			}
		}
		i = max(j, i+1)
	}
	return id > 0, hex
}

// hexadecimal reports whether run, digits and letters of one case (lo,
// 'a' or 'A'), has only the letters a-f (A-F), in two places or more.
func hexadecimal(run []rune, lo rune) bool {
	places, letter := 0, false
	for _, r := range run {
		if uint32(r-'0') <= 9 {
			letter = false
			continue
		}
		if r-lo >= 6 {
			return false
		}
		if !letter {
			places, letter = places+1, true
		}
	}
	return places >= 2
}

// appleShaped reports whether typed is in the format of Apple's generated
// strong passwords (the Passwords app, Safari; Apple's Platform Security
// guide): three groups of two syllables, each a consonant of
// appleConsonants, a vowel of appleVowels and a consonant, joined by "-",
// with one group's first or last character a digit and one letter a
// capital ("hupvEw-fodne1-qabjyg", 10^21.4 of them). Such a password is one
// candidate run (candidateRuns): at 10 guesses a code point it cost the
// threshold, 10^20, and a chance word or a stretch that read like one took
// 1% of them under (BENCHMARKS.md); a word of the lists of generatedWord
// letters or more in it still makes it people's ("Sommer-vinter-kaffe1").
func appleShaped(typed []rune) bool {
	if len(typed) != 20 || typed[6] != '-' || typed[13] != '-' {
		return false
	}
	digits, capitals := 0, 0
	for g := 0; g < 20; g += 7 {
		for k, r := range typed[g : g+6] {
			if uint32(r-'0') <= 9 && (k == 0 || k == 5) {
				digits++
				continue
			}
			if uint32(r-'A') < 26 {
				capitals++
				r += 'a' - 'A'
			}
			set := uint32(appleConsonantBits)
			if k == 1 || k == 4 {
				set = appleVowelBits
			}
			if uint32(r-'a') >= 26 || set>>(r-'a')&1 == 0 {
				return false
			}
		}
	}
	return digits == 1 && capitals == 1
}

// The letters of Apple's generated passwords: 19 consonants (no l) and 6
// vowels (y among them), and each as a set of bits, a to z (TestAppleBits).
const (
	appleConsonants    = "bcdfghjkmnpqrstvwxz"
	appleVowels        = "aeiouy"
	appleConsonantBits = 0x2efb6ee
	appleVowelBits     = 0x1104111
)

// generatedRuns keeps in run the candidate runs (candidateRuns) that are
// generated: that hold the start of no word of the lists of generatedWord
// or more code points (word, by run) and that the code points of pattern
// (matches cheaper than brute force) cover less than four fifths of. It
// reports whether one is kept.
func generatedRuns(run *[MaxRunes]uint8, word *[maxGenerated + 1]bool, pattern *[MaxRunes / 64]uint64, n int) bool {
	kept := false
	for i := 0; i < n; {
		id := run[i]
		if id == 0 {
			i++
			continue
		}
		j, covered := i, 0
		for ; j < n && run[j] == id; j++ {
			if pattern[j/64]&(1<<(j%64)) != 0 {
				covered++
			}
		}
		if word[id] || 5*covered >= 4*(j-i) {
			for t := i; t < j; t++ {
				run[t] = 0
			}
		} else {
			kept = true
		}
		i = j
	}
	return kept
}

// search runs the dynamic programming over ms for a password of n code
// points whose generated runs are run's (see generatedRuns; any: whether
// it holds one; hex: the bits 1<<id of those that are hexadecimal).
// mCost[j] is the cheapest split of [0, j) whose last part is a match,
// bCost[j] the cheapest whose last part is brute force.
func search(ms *matches, n int, run *[MaxRunes]uint8, any bool, hex uint8) Result {
	const inf = math.MaxFloat32
	var (
		mCost, bCost [MaxRunes + 1]float32
		mFrom        [MaxRunes + 1]int16 // the match used, 1-based
		mPrevB       [MaxRunes + 1]bool  // the part before it was brute force
		bPrevB       [MaxRunes + 1]bool  // brute force continues a brute-force gap
	)
	mCost[0], bCost[0] = 0, inf
	for j := 1; j <= n; j++ {
		// Brute force: extend a gap, or start one after a match (or at 0;
		// the first part pays no part cost).
		ext, start := bCost[j-1], mCost[j-1]
		if j > 1 {
			start += partLog10
		}
		brute := float32(bruteLog10)
		if any && run[j-1] != 0 {
			if hex>>run[j-1]&1 != 0 {
				brute = hexLog10 // a hexadecimal generator's digit or letter
			} else if ms.class[j-1]&classLetter != 0 {
				brute = letterLog10 // a generator's letter
			}
		}
		if ext <= start {
			bCost[j], bPrevB[j] = ext+brute, true
		} else {
			bCost[j], bPrevB[j] = start+brute, false
		}
		mCost[j] = inf
		for k := ms.head[j]; k != 0; k = ms.next[k-1] {
			m := &ms.m[k-1]
			if any && m.kind == KindWordlike && run[m.i] != 0 && run[m.j-1] == run[m.i] {
				continue // no word of no list in a generator's letters
			}
			lg := m.lg
			if !m.free && !(m.i == 0 && int(m.j) == n) && lg < minSubLog10 {
				lg = minSubLog10
			}
			i := int(m.i)
			prev, prevB := mCost[i], false
			if bCost[i] < prev {
				prev, prevB = bCost[i], true
			}
			if i > 0 && !m.joins {
				prev += partLog10
			}
			if c := prev + lg; c < mCost[j] {
				mCost[j], mFrom[j], mPrevB[j] = c, k, prevB
			}
		}
	}
	var (
		res   Result
		split [MaxRunes]int16 // the split's matches, last first
		parts int
	)
	j, inB := n, bCost[n] < mCost[n]
	if inB {
		res.Log10 = float64(bCost[n])
	} else {
		res.Log10 = float64(mCost[n])
	}
	for j > 0 {
		if inB {
			inB = bPrevB[j]
			j--
			continue
		}
		m := &ms.m[mFrom[j]-1]
		split[parts] = mFrom[j] - 1
		parts++
		if !m.faint {
			setRange(&res.marked, int(m.i), int(m.j))
		}
		inB = mPrevB[j]
		j = int(m.i)
	}
	longest := 0
	for _, k := range split[:parts] {
		m := &ms.m[k]
		if m.quiet {
			continue
		}
		kind := m.kind
		if kind == KindRepeat && !copiesNamed(ms, split[:parts], m) {
			kind = KindRun
		}
		these := 1<<kind | m.inner
		res.Several |= res.Kinds&these | m.several
		res.Kinds |= these
		if int(m.j-m.i) > longest {
			longest, res.Main = int(m.j-m.i), kind
		}
	}
	return res
}

// copiesNamed reports whether repeat r copies a part of one of the split's
// other matches that feedback names ("a season and a year, repeated"): not
// when what it copies is brute force, punctuation or repeats only (a run of
// one code point, "!!!!!!!!", or a block of no pattern, "xqzxqz"), which
// feedback names as repeated characters (KindRun).
func copiesNamed(ms *matches, split []int16, r *match) bool {
	if r.period == 0 {
		return true
	}
	a, b := int(r.i)-int(r.period), int(r.j)-int(r.period)
	for _, k := range split {
		m := &ms.m[k]
		switch m.kind {
		case KindRepeat, KindPunctuation:
			continue
		}
		if int(m.i) < b && int(m.j) > a {
			return true
		}
	}
	return false
}

// log10 is math.Log10 with a floor of 0 (one guess).
func log10(x float64) float64 {
	if x <= 1 {
		return 0
	}
	return math.Log10(x)
}

// choicesLog10 is log10(a·b) for counts of code points a, b ≥ 1, a sum
// from a table: repeats and mirrors price where and how long (a product of
// two such counts) for each match, a logarithm is a function call in
// software in WebAssembly, and "abab…" has a mirror at every centre.
func choicesLog10(a, b int) float64 { return log10Runes[a] + log10Runes[b] }

// log10Of2, log10Of4, log10Of6 and log10Of365 are the logarithms the
// matchers add most often, computed once: Go does not fold math.Log10 of a
// constant, and a logarithm is a function call in software in WebAssembly
// ("1.2.3.4.…" spent a tenth of its estimate on dates' log10(4) and
// log10(365)).
var (
	log10Of2   = log10(2)
	log10Of4   = log10(4)
	log10Of6   = log10(6)
	log10Of365 = log10(365)
)

var log10Runes = func() (t [MaxRunes + 1]float64) {
	for k := 2; k <= MaxRunes; k++ {
		t[k] = math.Log10(float64(k))
	}
	return t
}()

// variationsLog10 is log10(variations(s, u)), from a table built on first
// use for words of up to maxTabled code points: a keystroke asks it for
// every dictionary match, and a logarithm is a function call in software
// in WebAssembly ("l1l1…", whose every stretch is a substituted name, spent
// a third of its estimate on them).
func variationsLog10(s, u int) float64 {
	if s == 0 {
		return 0
	}
	if s > maxTabled || u > maxTabled {
		return log10(variations(s, u))
	}
	varOnce.Do(buildVariations)
	return varTable[s][u]
}

func buildVariations() {
	for a := 1; a <= maxTabled; a++ {
		for b := 0; b <= maxTabled; b++ {
			varTable[a][b] = log10(variations(a, b))
		}
	}
}

const maxTabled = 15

var (
	varOnce  once.Once
	varTable [maxTabled + 1][maxTabled + 1]float64
)

// variations returns zxcvbn's count of ways to place s changed characters
// among s+u: every count from 1 to min(s, u), or 2 when u is 0 (all
// changed, one more guess than none).
func variations(s, u int) float64 {
	if s == 0 {
		return 1
	}
	if u == 0 {
		return 2
	}
	// Each count's binomial from the one before: n choose i is n choose
	// i-1 times (n-i+1)/i. (From scratch, each in i steps, a keyboard walk
	// of 63 keys alternately shifted, "IoIo…", took a fifth of its estimate.)
	n, c, v := float64(s+u), 1.0, 0.0
	for i := 1; i <= min(s, u); i++ {
		c = c * (n - float64(i) + 1) / float64(i)
		v += c
	}
	return v
}
