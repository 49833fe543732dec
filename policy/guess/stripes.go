package guess

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
// case (stepUp, stepDown), or the key beside it on a keyboard in one
// direction, shifted or not as the one before: bit stepKeys + layout*6 +
// direction (see directions).
const (
	stepStill = iota
	stepUp
	stepDown
	stepKeys
	stepBits = stepKeys + 2*len(directions)
)

// matchStripes adds, for each period, every stretch of minStripeRunes or
// more whose streams (the code points a period apart) each take
// one step throughout, and that no start before it and no end after it
// extends: for a start, the longest such stretch (its sub-stretches with
// the same end are stripes too, and cost no less). A stripe whose streams
// all hold still is a repeat, which matchRepeats prices.
//
// In time linear in the password for each period: fit[t] holds the steps
// that the pair of code points t-p and t takes; a stretch [i, j) is a
// stripe when each stream has a step that every one of its pairs in it
// takes, and since that holds for a stretch's sub-stretches too, the least
// start for each end only grows. It is found from miss[r][b], the last pair
// of the stream of residue r (t mod p) that does not take step b. Only runs
// of pairs that all take some step are read that way, and they are short
// and rare but in repeated characters, whose pairs all hold still and are
// passed over.
func matchStripes(ms *matches, typed, lower []rune) {
	n := len(typed)
	if n < minStripeRunes(minStripe) {
		return
	}
	layoutsOnce.Do(buildLayouts)
	var fit [MaxRunes]uint16
	for p := minStripe; p <= maxStripe; p++ {
		for t := p; t < n; t++ {
			fit[t] = stripeSteps(typed, lower, t-p, t)
		}
		// The runs [a, b) of pairs that take some step, at least one of
		// them not still, and long enough for a stripe.
		for a := p; a < n; {
			if fit[a] == 0 {
				a++
				continue
			}
			b, moves := a, false
			for b < n && fit[b] != 0 {
				moves = moves || fit[b] != 1<<stepStill
				b++
			}
			if moves && b-a >= minStripeRunes(p)-p {
				stripesIn(ms, typed, lower, &fit, p, a, b)
			}
			a = b
		}
	}
}

// stripesIn adds the stripes of period p whose pairs lie in the run [a, b)
// of pairs that each take some step (see matchStripes).
func stripesIn(ms *matches, typed, lower []rune, fit *[MaxRunes]uint16, p, a, b int) {
	var miss [maxStripe][stepBits]int
	for r := range miss[:p] {
		for k := range miss[r] {
			miss[r][k] = a - 1 // the pair before the run takes no step
		}
	}
	moved := a - 1 // the last pair that is not still
	from, to := -1, -1
	for t := a; t < b; t++ {
		f := fit[t]
		m := &miss[t%p]
		for k := range m {
			if f&(1<<k) == 0 {
				m[k] = t
			}
		}
		// The least start of a stripe that ends at t+1: each stream's
		// pairs in it (from the start plus p) after its step's last miss.
		last := a - 1
		for r := range miss[:p] {
			least := miss[r][0]
			for _, x := range miss[r][1:] {
				least = min(least, x)
			}
			last = max(last, least)
		}
		i := last + 1 - p
		if i != from {
			addStripe(ms, typed, lower, fit, p, from, to, moved)
			from = i
		}
		if f != 1<<stepStill {
			moved = t
		}
		to = t + 1
	}
	addStripe(ms, typed, lower, fit, p, from, to, moved)
}

// addStripe adds [i, j) of period p when it is minStripeRunes(p) long or
// longer and holds a pair that is not still (the last such is moved).
func addStripe(ms *matches, typed, lower []rune, fit *[MaxRunes]uint16, p, i, j, moved int) {
	if i < 0 || j-i < minStripeRunes(p) || moved < i+p {
		return
	}
	// The period (one of three), and each stream's start (a letter of 52,
	// a digit of 10, another code point of about 32) and its cheapest step
	// that all of its pairs take (held: 1; the alphabet: 2 directions; a
	// keyboard: 6 directions), and the number of periods.
	lg := log10Runes[maxStripe-minStripe+1]
	kind := KindSequence
	for s := 0; s < p; s++ {
		steps := uint16(1<<stepBits - 1)
		for t := i + p + s; t < j; t += p {
			steps &= fit[t]
		}
		switch r := lower[i+s]; {
		case isDigit(r):
			lg++
		case isLetter(r):
			lg += 1.7
		default:
			lg += 1.5
		}
		switch {
		case steps&(1<<stepStill) != 0:
		case steps&(1<<stepUp|1<<stepDown) != 0:
			lg += log2
		default:
			lg += log10Runes[len(directions)]
			kind = KindKeyboard
		}
	}
	ms.add(i, j, kind, lg+log10((float64(j-i))/float64(p)))
}

// stripeSteps returns the steps (a mask of the step bits) that the pair
// typed[a], typed[b] takes.
func stripeSteps(typed, lower []rune, a, b int) uint16 {
	x, y := typed[a], typed[b]
	if x == y {
		return 1 << stepStill
	}
	if uint32(x) >= 256 || uint32(y) >= 256 {
		return 0
	}
	var f uint16
	if lx, ly := lower[a], lower[b]; uint32(lx) < 256 && uint32(ly) < 256 && (x == lx) == (y == ly) {
		cx, cy := seqTable[lx], seqTable[ly]
		if c := cx >> 5; c != 0 && cy>>5 == c {
			switch int(cy&31) - int(cx&31) {
			case 1:
				f = 1 << stepUp
			case -1:
				f = 1 << stepDown
			}
		}
	}
	for li := range layouts {
		l := &layouts[li]
		kx, ky := l.key[x], l.key[y]
		if kx != 0 && ky != 0 && l.shift[x] == l.shift[y] {
			if d := l.dirs[kx-1][ky-1]; d != 0 {
				f |= 1 << (stepKeys + li*len(directions) + int(d) - 1)
			}
		}
	}
	return f
}
