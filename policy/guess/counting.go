package guess

// Numbers counting on by a step, written together: "2468101214161820"
// (the even numbers), "1357911131517" (the odd ones),
// "36912151821242730", "5101520253035", "19871988198919901991" (years
// counting), "2019181716151413" (counting down). matchSequences finds
// digits that step within one digit ("13579"), and matchWellKnown the
// counting numbers from 1; past one digit a number's width changes, and
// neither reads on.

// countStepMax is the largest step of a count of numbers; past it a count
// takes the round steps 20, 25, 50, 100 and 1000 (countStep).
const countStepMax = 10

// minCountNumbers is the fewest numbers of a count, minCountDigits the
// fewest digits it holds: "5101520" (5, 10, 15, 20) and "24681012";
// "2468" is a sequence of digits already. With 6 digits, random digits
// held a count about once in 10,000 strings of 16-24 ("...246810").
const (
	minCountNumbers = 4
	minCountDigits  = 7
)

// countStep reports whether d is a step a count of numbers takes.
func countStep(d int) bool {
	if d < 0 {
		d = -d
	}
	if d <= countStepMax {
		return d != 0
	}
	switch d {
	case 20, 25, 50, 100, 1000:
		return true
	}
	return false
}

// digitsOf is how many digits v >= 0 is written with.
func digitsOf(v int) int {
	w := 1
	for v >= 10 {
		v /= 10
		w++
	}
	return w
}

// matchCounting adds, from each digit of a run of minCountDigits digits
// or more, the longest count of numbers in the run (minCountNumbers or
// more, minCountDigits digits or more, one of them of two digits or more)
// that starts there: a first number of 1-4 digits and each next one the
// last plus the step (countStep), written without leading zeros. Guesses:
// the start (4 for 0, 1 or the step itself, else the first number's width
// in digits' choices), times the numbers, times the step's size, twice
// when counting down.
func matchCounting(ms *matches, lower []rune) {
	n := len(lower)
	class := ms.class[:n]
	for i := 0; i < n; {
		if class[i]&classDigit == 0 {
			i++
			continue
		}
		e := digitRunEnd(class, i)
		for a := i; a+minCountDigits <= e; a++ {
			countFrom(ms, lower, a, e)
		}
		i = e
	}
}

// countFrom adds the longest count of numbers that starts at a in the run
// of digits that ends at e (see matchCounting).
func countFrom(ms *matches, lower []rune, a, e int) {
	best, bestLg := 0, 0.0
	v0 := 0
	for w0 := 1; w0 <= 4 && a+w0 < e; w0++ {
		if w0 > 1 && lower[a] == '0' {
			break
		}
		v0 = v0*10 + int(lower[a+w0-1]-'0')
		p, v1 := a+w0, 0
		for w1 := 1; w1 <= w0+1 && p+w1 <= e; w1++ {
			if w1 > 1 && lower[p] == '0' {
				break
			}
			v1 = v1*10 + int(lower[p+w1-1]-'0')
			d := v1 - v0
			wide := w0 > 1 || w1 > 1
			if w1 < w0-1 || !countStep(d) {
				continue
			}
			if !wide {
				// One digit each so far: wide only where the first number
				// of two digits is written after the digits up to it
				// ("1234567891…" is not; counting down never is).
				if d < 0 {
					continue
				}
				m := (9 - v1) / d // the further numbers of one digit
				q := p + 1 + m
				if q+1 >= e || int(lower[q]-'0') != (v1+(m+1)*d)/10 {
					continue
				}
			}
			// Read on while the next number is written there (one digit
			// by a comparison: "1234567890…" reads on from every digit).
			end, k, v := p+w1, 2, v1
			for {
				next := v + d
				if next < 0 {
					break
				}
				if next < 10 {
					if end >= e || lower[end] != rune('0'+next) {
						break
					}
					end, k, v = end+1, k+1, next
					continue
				}
				w := digitsOf(next)
				if end+w > e || val(lower, end, end+w) != next {
					break
				}
				end, k, v, wide = end+w, k+1, next, true
			}
			if k < minCountNumbers || end-a < minCountDigits || !wide || end-a <= best {
				continue
			}
			start := float64(w0) // one of 10^w0 numbers
			if v0 <= 1 || v0 == d || v0 == -d {
				start = log10Runes[4]
			}
			step := d
			if step < 0 {
				step = -step
			}
			lg := start + log10Runes[k] + log10(float64(step))
			if d < 0 {
				lg += log10Runes[2]
			}
			best, bestLg = end-a, lg
		}
	}
	if best > 0 {
		ms.add(a, a+best, KindSequence, bestLg)
	}
}
