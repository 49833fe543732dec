package guess

// Interleaved code points: a password spelt out with one character between
// its code points ("p.a.s.s.w.o.r.d.2.0.2.6", "s o m m e r 2 0 2 6 !",
// "S-o-m-m-e-r-2-0-2-6") or numbered as it goes ("s1o2m3m4e5r6!7!8",
// "1p2a3s4s5w6o7r8d"): the way a person told "too short" makes a short
// password long. Every other code point is the filler, the others are the
// carrier; the stretch costs what the carrier costs as a password of its
// own (an Estimate of its code points alone) and the filler's choices.

// Least lengths of an interleaved stretch: fillers and carrier code points.
// A filler of one character three times ("a.b.c.d" holds it) or of counting
// digits four times; a carrier of four code points or more. In random
// strings such stretches are rare: three equal symbols at every other code
// point, or four counting digits.
const (
	minFillerSame     = 3
	minFillerCounting = 4
	minCarrier        = 4
	// maxCarrier bounds the code points of a carrier that are read: people
	// spell out short passwords, and the Estimate of a carrier is the
	// dearest part of a keystroke that holds one (a whole password of 127
	// code points interleaved both ways, "1.2.3.4.5.6.7.8.9.0.1.2…", asks
	// for two). A longer carrier's first maxCarrier code points make the
	// stretch; the rest is left to the other matches.
	maxCarrier = 32
)

// Log10 of the choices of a filler: which of the common separators (about
// ten: " .-_*/,+:|"), or where counting starts, in which direction, and
// whether the first digit comes before or after the first carrier code
// point (10 × 2 × 2).
const (
	fillerSameLog10     = 1
	fillerCountingLog10 = 1.6
)

// maxInterleaveDepth bounds the Estimates inside Estimates: a carrier can
// be interleaved itself ("p..a..s..s" is "p.a.s.s" spaced by "."), but each
// is half as long as its stretch, and two levels are what people write.
const maxInterleaveDepth = 2

// matchInterleaved adds each longest interleaved stretch of the password,
// read both ways (the filler on the even or on the odd code points), priced
// by an Estimate of its carrier with dictionary d. depth is the caller's
// level of Estimates inside Estimates (0 for a password), sc its scratch.
func matchInterleaved(ms *matches, d *Dictionary, typed, lower, folded []rune, depth int, sc *[1 + maxInterleaveDepth]matches) {
	if depth >= maxInterleaveDepth {
		return
	}
	n := len(lower)
	var next [2]int // for fillers at even and odd code points: where the last stretch read ended
	if n < 3 {
		return
	}
	two := lower[2:]
	for s, f := range lower[:n-2] {
		// Cheap first (this runs for every code point of every
		// keystroke): a stretch starts with two equal code points two
		// apart, or two digits, or two symbols (digits typed with shift).
		g := two[s]
		if f != g && (isAlnum(f) && !isDigit(f) || isAlnum(g) && !isDigit(g)) || s < next[s&1] {
			continue
		}
		// The digits' layout (countingDigits): the one on which the
		// third filler counts too (")(" is 0 9 on the US layout and 9 8
		// on the Norwegian, ")(/" only the latter).
		k := 0
		for k < len(countingDigits)-1 && (shiftedDigit(f) || shiftedDigit(g)) && (digitOn(f, k) < 0 || digitOn(g, k) < 0 || s+4 < n && digitOn(lower[s+4], k) < 0) {
			k++
		}
		same, counting := !isAlnum(f) && f == g, f != g && digitOn(f, k) >= 0 && digitOn(g, k) >= 0 // the same symbol, or digits that may count
		if !same && !counting {
			continue
		}
		// Fillers at s, s+2, ..., e, each of the same kind as the one
		// before it.
		step, e := 0, s // counting: +1 or -1 (mod 10), fixed by the second digit
		for e+2 < n {
			c, prev := lower[e+2], lower[e]
			okSame := same && c == f && lower[e+1] != f
			okCount := false
			if counting {
				dc, dp := digitOn(c, k), digitOn(prev, k)
				if dd := (dc - dp + 10) % 10; dc >= 0 && dp >= 0 && (dd == 1 || dd == 9) && (step == 0 || dd == step) {
					okCount, step = true, dd
				}
			}
			if !okSame && !okCount {
				break
			}
			same, counting = okSame, okCount
			e += 2
		}
		next[s&1] = e + 2
		fillers := (e-s)/2 + 1
		if same && fillers >= minFillerSame || counting && fillers >= minFillerCounting {
			// The carrier: between the fillers, and one code point
			// before the first and after the last when they are not
			// the filler.
			a, b := s, e+1
			if s > 0 && lower[s-1] != f {
				a = s - 1
			}
			if e+1 < n && lower[e+1] != f {
				b = e + 2
			}
			addInterleaved(ms, d, typed, lower, folded, a, b, s, same, depth, sc)
		}
	}
}

// countingDigits are the digits 0-9 as they are typed, then with shift on
// the US and on the Norwegian layout: a filler that counts may be typed so
// ("Q!W@E#R$T%", ")O(I/U&Y%T¤R" backwards).
var countingDigits = [...][10]rune{
	{'0', '1', '2', '3', '4', '5', '6', '7', '8', '9'},
	{')', '!', '@', '#', '$', '%', '^', '&', '*', '('},
	{'=', '!', '"', '#', '¤', '%', '&', '/', '(', ')'},
}

// shiftedDigit reports whether r is a digit typed with shift on either
// layout (countingDigits' rows 1 and 2): most symbols are none, and
// digitOn need not look.
func shiftedDigit(r rune) bool {
	return r < 64 && shiftedDigits&(1<<uint(r)) != 0 || r == '@' || r == '^' || r == '¤'
}

// shiftedDigits are shiftedDigit's code points under 64, a bit each.
const shiftedDigits uint64 = 1<<')' | 1<<'!' | 1<<'#' | 1<<'$' | 1<<'%' | 1<<'&' | 1<<'*' | 1<<'(' | 1<<'=' | 1<<'"' | 1<<'/'

// digitOn returns the digit r is on countingDigits[k], or -1: a digit is
// itself on every layout, so that shift may be held for every other one
// ("q1W@e3R$t5Y^", "w2E#r4T%").
func digitOn(r rune, k int) int {
	if isDigit(r) {
		return int(r - '0')
	}
	for d, c := range countingDigits[k] {
		if c == r {
			return d
		}
	}
	return -1
}

// addInterleaved adds the stretch [a, b) whose fillers are at s, s+2, ...
// and whose carrier is its other code points.
func addInterleaved(ms *matches, d *Dictionary, typed, lower, folded []rune, a, b, s int, same bool, depth int, sc *[1 + maxInterleaveDepth]matches) {
	var ct, cl, cf [maxCarrier]rune
	k := 0
	for t := a; t < b; t++ {
		if (t-s)%2 != 0 {
			if k == maxCarrier {
				b = t
				break
			}
			ct[k], cl[k], cf[k] = typed[t], lower[t], folded[t]
			k++
		}
	}
	if k < minCarrier {
		return
	}
	res := estimate(Input{Typed: ct[:k], Lower: cl[:k], Folded: cf[:k], Dictionary: d}, depth+1, sc)
	kind, filler := res.Main, Kind(KindSequence)
	lg := res.Log10 + fillerCountingLog10
	if same {
		filler, lg = KindPunctuation, res.Log10+fillerSameLog10
	}
	if kind == KindNone {
		kind = filler
	}
	ms.put(match{i: uint8(a), j: uint8(b), kind: kind, lg: float32(lg), inner: res.Kinds | 1<<filler})
}
