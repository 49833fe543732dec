package guess

import "unicode"

// Stripes: a stretch typed as two to four streams side by side, one code
// point of each in turn, each stream counting on by itself: "Aa1Bb2Cc3Dd4"
// (A B C D, a b c d and 1 2 3 4), "Qq1!Ww2@Ee3#" (along the keyboard's top
// row, small and capital, and along its digits, unshifted and shifted),
// "1a!2b!3c!4d!" (a symbol held). People build them to meet rules of
// character classes: each period holds one of each class. Read as brute
// force, "Aa1Bb2Cc3Dd4Ee5Ff6" cost 10^18 and was accepted; as a stripe it is
// the choice of the period and each stream's start and step.

// The periods a stripe may have, the least number of periods it must hold
// (with two, a stretch of four code points is a stripe by chance too
// often), and the least code points: three periods of two, six small
// letters, turned up in one random string of 20,000 ("pyotnr": p o n and
// y t r, along the keyboard).
const (
	minStripe        = 2
	maxStripe        = 4
	minStripePeriods = 3
	minStripeLen     = 8
)

// minStripeRunes is the least length of a stripe of period p.
func minStripeRunes(p int) int { return max(minStripePeriods*p, minStripeLen) }

// A stream's steps, as bits of a mask: the code point held (stepStill),
// the next or the one before in its alphabet (a-z, æøå, 0-9) in the same
// case (stepUp, stepDown), or the key beside it on a keyboard, left or
// right along its row, shifted or not as the one before: bit stepKeys +
// layout*2 + direction (directions' first two). Up and down the keyboard's
// columns a stream is rare, and a pair of random letters is neighbours that
// way far more often: a tenth of an estimate went to reading such pairs.
const (
	rowDirections = 2 // left and right: directions[0] and [1]
)

const (
	stepStill = iota
	stepUp
	stepDown
	stepKeys
	stepBits = stepKeys + 2*rowDirections
)

// matchStripes adds, for each period, every stretch of minStripeRunes or
// more whose streams (the code points a period apart) each take one step
// throughout, and that no start before it and no end after it extends: for
// a start, the longest such stretch (its sub-stretches with the same end
// are stripes too, and cost no less). A stripe whose streams all hold
// still is a repeat, which matchRepeats prices.
//
// In time linear in the password for each period, and most pairs not read
// (see the loop). fit[t] holds the steps that the pair of code points t-p
// and t takes; a stretch [i, j) is a stripe when each stream has a step
// that every one of its pairs in it takes, and since that holds for a
// stretch's sub-stretches too, the least start for each end only grows. It
// is found from each stream's longest run of pairs up to the end that share
// a step (stripesIn), only in runs of pairs that all take some step, at
// least one of them not still: short and rare but in repeated characters,
// whose pairs all hold still and are passed over.
func matchStripes(ms *matches, typed []rune) {
	n := len(typed)
	if n < minStripeRunes(minStripe) {
		return
	}
	layoutsOnce.Do(buildLayouts)
	var fit [MaxRunes]uint16
	for p := minStripe; p <= maxStripe; p++ {
		// The runs [a, b) of pairs that take some step, at least one of
		// them not still, and long enough for a stripe (need pairs). Most
		// pairs take none, so a window of need pairs from a is read from
		// its right end leftwards: at a pair that takes none the next
		// window starts past it, and only its pairs not yet read are read
		// (those from hi on: [a, hi) are known to take a step).
		need := minStripeRunes(p) - p
		for a, hi := p, p; a+need <= n; {
			t := a + need - 1
			for t >= hi {
				f := stripeSteps(typed[t-p], typed[t])
				if f == 0 {
					break
				}
				fit[t] = f
				t--
			}
			if t >= hi {
				a, hi = t+1, a+need
				continue
			}
			// [a, a+need) take steps: the run goes on to b.
			b := a + need
			for b < n {
				f := stripeSteps(typed[b-p], typed[b])
				if f == 0 {
					break
				}
				fit[b] = f
				b++
			}
			for t := a; t < b; t++ {
				if fit[t] != 1<<stepStill {
					stripesIn(ms, &fit, p, a, b)
					break
				}
			}
			a, hi = b+1, b+1
		}
	}
}

// stripesIn adds the stripes of period p whose pairs lie in the run [a, b)
// of pairs that each take some step (see matchStripes).
func stripesIn(ms *matches, fit *[MaxRunes]uint16, p, a, b int) {
	// For each stream (residue r), the steps that all of its pairs from
	// since[r] on take (keep[r]), since[r] the earliest such pair: the
	// pair before it takes none of them (or lies before the run).
	var (
		keep  [maxStripe]uint16
		since [maxStripe]int
	)
	for t := a; t < a+p; t++ {
		keep[t%p], since[t%p] = 1<<stepBits-1, t
	}
	moved := a - 1 // the last pair that is not still
	from, to := -1, -1
	for t := a; t < b; t++ {
		f, r := fit[t], t%p
		if k := keep[r] & f; k != 0 {
			keep[r] = k
		} else {
			// The longest run of the stream's pairs up to t that share a
			// step lies inside the one before and t: read it backwards.
			s := t
			for s-p >= a && f&fit[s-p] != 0 {
				f &= fit[s-p]
				s -= p
			}
			keep[r], since[r] = f, s
		}
		// The least start of a stripe that ends at t+1: each stream's
		// pairs in it (from the start plus p) from its since on.
		last := since[0]
		for _, x := range since[1:p] {
			last = max(last, x)
		}
		i := last + 1 - 2*p
		if i != from {
			addStripe(ms, fit, p, from, to, moved)
			from = i
		}
		if fit[t] != 1<<stepStill {
			moved = t
		}
		to = t + 1
	}
	addStripe(ms, fit, p, from, to, moved)
}

// addStripe adds [i, j) of period p when it is minStripeRunes(p) long or
// longer and holds a pair that is not still (the last such is moved).
func addStripe(ms *matches, fit *[MaxRunes]uint16, p, i, j, moved int) {
	if i < 0 || j-i < minStripeRunes(p) || moved < i+p {
		return
	}
	// The period (one of three), and each stream's start (a letter of 52,
	// a digit of 10, another code point of about 32) and its cheapest step
	// that all of its pairs take (held: 1; the alphabet: 2 directions; a
	// keyboard: 2 directions), and the number of periods.
	lg := log10Runes[maxStripe-minStripe+1]
	kind := KindSequence
	for s := 0; s < p; s++ {
		steps := uint16(1<<stepBits - 1)
		for t := i + p + s; t < j; t += p {
			steps &= fit[t]
		}
		switch c := ms.class[i+s]; {
		case c&classDigit != 0:
			lg++
		case c&classLetter != 0:
			lg += 1.7
		default:
			lg += 1.5
		}
		switch {
		case steps&(1<<stepStill) != 0:
		case steps&(1<<stepUp|1<<stepDown) != 0:
			lg += log2
		default:
			lg += log10Runes[rowDirections]
			kind = KindKeyboard
		}
	}
	ms.add(i, j, kind, lg+log10(float64(j-i)/float64(p)))
}

// stripeSteps returns the steps (a mask of the step bits) that the pair
// x, y takes, from tables of every code point under 256 (stripeSeq,
// stripeKeyTable): about 80 pairs are read a keystroke on the bench's 127
// code points, and reading the layouts' own tables (a key, then the
// directions between two keys) for each took twice the instructions.
func stripeSteps(x, y rune) uint16 {
	if x == y {
		return 1 << stepStill
	}
	if uint32(x) >= 256 || uint32(y) >= 256 {
		return 0
	}
	bx, by := uint8(x), uint8(y) // index the tables of 256 without bounds checks
	var f uint16
	sx, sy := stripeSeq[bx], stripeSeq[by]
	if sx&seqClass != 0 && (sx^sy)&^seqPosBits == 0 {
		switch int(sy&seqPosBits) - int(sx&seqPosBits) {
		case 1:
			f = 1 << stepUp
		case -1:
			f = 1 << stepDown
		}
	}
	kx, ky := stripeKeyTable[bx], stripeKeyTable[by]
	for li := range uint(len(layouts)) {
		a, b := uint8(kx>>(8*li)), uint8(ky>>(8*li))
		// On the layout, in one row, shifted alike: a step left or right
		// when the columns are one apart.
		if a&b&keyOn != 0 && (a^b)&(keyRow|keyShift) == 0 {
			switch int(b&keyColumn) - int(a&keyColumn) {
			case -1:
				f |= 1 << (stepKeys + li*rowDirections)
			case 1:
				f |= 1 << (stepKeys + li*rowDirections + 1)
			}
		}
	}
	return f
}

// stripeSeq[r] is seqTable's class and position of r's small letter, and
// seqCapital when r is a capital (0 for a code point of no class, or whose
// small letter is 256 or over). Built with the layouts (buildStripeTables),
// at the first keystroke, not at start-up.
var stripeSeq [256]uint8

// The bits of stripeSeq: the class (seqTable's top three, of which two are
// used), the position (its low five) and a capital's.
const (
	seqPosBits = 31
	seqClass   = 3 << 5
	seqCapital = 1 << 7
)

// stripeKeyTable[r] holds r's key on each layout, a byte each (the
// Norwegian low, the US high): keyOn when r is on it, its row and column,
// and keyShift when r needs shift. Built with the layouts.
var stripeKeyTable [256]uint16

// The bits of a layout's byte of stripeKeyTable.
const (
	keyColumn = 15
	keyRow    = 3 << 4
	keyShift  = 1 << 6
	keyOn     = 1 << 7
)

// buildStripeTables builds stripeSeq and stripeKeyTable.
func buildStripeTables() {
	for r := range stripeSeq {
		if lr := unicode.ToLower(rune(r)); lr < 256 && seqTable[lr]>>5 != 0 {
			stripeSeq[r] = seqTable[lr]
			if lr != rune(r) {
				stripeSeq[r] |= seqCapital
			}
		}
	}
	for r := range stripeKeyTable {
		var k uint16
		for li := range layouts {
			l := &layouts[li]
			if l.key[r] == 0 {
				continue
			}
			key := l.key[r] - 1
			b := uint16(keyOn) | uint16(l.x[key])&keyColumn | uint16(l.y[key])<<4&keyRow
			if l.shift[r] {
				b |= keyShift
			}
			k |= b << (8 * li)
		}
		stripeKeyTable[r] = k
	}
}
