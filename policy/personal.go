package policy

import "github.com/styrke-iam/styrke/policy/guess"

// The birthdate and phone rules: a password must not contain the person's
// date of birth or phone number, which anyone who knows the person (or finds
// them in a register, a social network, a leaked customer list) tries first,
// whatever the estimator prices a date or eight digits at. Both read the
// password's digit runs: digits, where one symbol or space between two
// digits does not end a run ("24.07.1985", "924 56 789", "1985-07-24").

// digitRuns reads a password's digit runs, written without their
// separators, one by one (next). A run past 64 digits is cut to its first 64;
// no date or phone number is that long. A struct, not a callback, so that
// its buffer stays on the caller's stack.
type digitRuns struct {
	s   string
	i   int
	buf [64]byte
}

// next returns the next run (a slice of r's buffer, valid until the next
// call), or false when there is none.
func (r *digitRuns) next() ([]byte, bool) {
	n := 0
	for ; r.i <= len(r.s); r.i++ {
		if r.i < len(r.s) {
			c := r.s[r.i]
			if isDigit(c) {
				if n < len(r.buf) {
					r.buf[n] = c
					n++
				}
				continue
			}
			// One separator between two digits: the run goes on.
			if n > 0 && isDateSeparator(c) && r.i+1 < len(r.s) && isDigit(r.s[r.i+1]) {
				continue
			}
		}
		if n > 0 {
			r.i++
			return r.buf[:n], true
		}
	}
	return nil, false
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// isDateSeparator: what people write between a date's or a phone number's
// groups.
func isDateSeparator(c byte) bool {
	return c == '.' || c == '-' || c == '/' || c == ' ' || c == '_' || c == ','
}

// birthDate is a date of birth read from Input.BirthDate.
type birthDate struct{ y, m, d int }

// ValidBirthDate reports whether s is a date of birth Input.BirthDate
// checks: "YYYY-MM-DD", years 1850-2099, a day its month can have (29
// February in any year).
func ValidBirthDate(s string) bool {
	_, ok := parseBirthDate(s)
	return ok
}

// parseBirthDate reads "YYYY-MM-DD" (years 1850-2099, a day the month can
// have); anything else is no date (ok false).
func parseBirthDate(s string) (b birthDate, ok bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return b, false
	}
	var v [3]int
	for i, k := 0, 0; i < 10; i++ {
		switch c := s[i]; {
		case i == 4 || i == 7:
			k++
		case isDigit(c):
			v[k] = v[k]*10 + int(c-'0')
		default:
			return b, false
		}
	}
	b = birthDate{v[0], v[1], v[2]}
	if b.y < 1850 || b.y > 2099 || b.m < 1 || b.m > 12 || b.d < 1 || b.d > int(monthDays[b.m-1]) {
		return birthDate{}, false
	}
	return b, true
}

// monthDays is each month's most days (29 for February, whatever the year).
var monthDays = [12]uint8{31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}

// inDigits reports whether run holds b as 6+ digits: day, month and year
// in the Norwegian order, the ISO order or the American order, the year in
// four digits or two, and a day or month under 10 with or without its
// zero (a form of five digits or fewer is left out: "5785" turns up by
// chance).
func (b birthDate) inDigits(run []byte) bool {
	// Each form's digits, written once, then looked for in run: comparing
	// the date's digits at every place of the run, with a division a
	// digit, took 27,000 instructions of a keystroke on a run of 64 digits.
	if len(run) < 6 {
		return false // shorter than every form
	}
	day := [2]byte{byte('0' + b.d/10%10), byte('0' + b.d%10)}
	month := [2]byte{byte('0' + b.m/10%10), byte('0' + b.m%10)}
	year := [4]byte{byte('0' + b.y/1000%10), byte('0' + b.y/100%10), byte('0' + b.y/10%10), byte('0' + b.y%10)}
	var form [8]byte
	for order := 0; order < 3; order++ {
		for w := 0; w < 8; w++ {
			dw, mw, yw := formWidths(w)
			if dw == 1 && b.d >= 10 || mw == 1 && b.m >= 10 || dw+mw+yw < 6 || dw+mw+yw > len(run) {
				continue
			}
			d, m, y := day[2-dw:], month[2-mw:], year[4-yw:]
			var k int
			switch order {
			case 0: // 24071985
				k = copy(form[:], d)
				k += copy(form[k:], m)
				k += copy(form[k:], y)
			case 1: // 19850724
				k = copy(form[:], y)
				k += copy(form[k:], m)
				k += copy(form[k:], d)
			default: // 07241985
				k = copy(form[:], m)
				k += copy(form[k:], d)
				k += copy(form[k:], y)
			}
			if holds(run, form[:k]) {
				return true
			}
		}
	}
	return false
}

// formWidths returns the widths of the day, month and year of the form w
// (0-7) of a date in digits: bit 0 the day in one digit, bit 1 the month
// in one, bit 2 the year in two.
func formWidths(w int) (dw, mw, yw int) {
	dw, mw, yw = 2, 2, 4
	if w&1 != 0 {
		dw = 1
	}
	if w&2 != 0 {
		mw = 1
	}
	if w&4 != 0 {
		yw = 2
	}
	return dw, mw, yw
}

// holds reports whether run holds the bytes of p in a row.
func holds(run, p []byte) bool {
	for i := 0; i+len(p) <= len(run); i++ {
		if run[i] != p[0] {
			continue
		}
		k := 1
		for k < len(p) && run[i+k] == p[k] {
			k++
		}
		if k == len(p) {
			return true
		}
	}
	return false
}

// digitsAt reports whether run[i:i+w] is v's last w digits.
func digitsAt[T string | []byte](run T, i, v, w int) bool {
	for k := i + w - 1; k >= i; k-- {
		if run[k] != byte('0'+v%10) {
			return false
		}
		v /= 10
	}
	return true
}

// birthDateMatch reports whether folded (the password folded without the
// substitutions, which would turn digits into letters) contains the date
// of birth born ("YYYY-MM-DD"; anything else matches nothing) in a digit
// run, in one of the forms inDigits reads, or as its day before or after
// its month's name or short form in nb, nn or en ("24juli", "24. jul",
// "04.mai", "juli24", "July 24, 1985": guess.MonthName).
func birthDateMatch(folded, born string) bool {
	b, ok := parseBirthDate(born)
	if !ok {
		return false
	}
	runs := digitRuns{s: folded}
	for run, ok := runs.next(); ok; run, ok = runs.next() {
		if b.inDigits(run) {
			return true
		}
	}
	for i := 0; i < len(folded); i++ {
		if !isDigit(folded[i]) || i > 0 && isDigit(folded[i-1]) {
			continue
		}
		j, v := i, 0
		for j < len(folded) && isDigit(folded[j]) && j-i < 3 {
			v = v*10 + int(folded[j]-'0')
			j++
		}
		if j-i > 2 || v != b.d {
			continue
		}
		rest := folded[j:]
		for k := 0; k < 2 && rest != "" && isDateSeparator(rest[0]); k++ {
			rest = rest[1:]
		}
		if m, _ := guess.MonthName(rest); m == b.m {
			return true
		}
	}
	// The month's name before the day ("juli24", "July 24, 1985",
	// "mai-17"): the day in one or two digits, with its zero or without,
	// and no digit after it but the year's.
	for i := 0; i < len(folded); i++ {
		m, l := guess.MonthName(folded[i:])
		if m != b.m {
			continue
		}
		j := i + l
		for k := 0; k < 2 && j < len(folded) && isDateSeparator(folded[j]); k++ {
			j++
		}
		for w := 1; w <= 2 && j+w <= len(folded); w++ {
			if !digitsAt(folded, j, b.d, w) {
				continue
			}
			if rest := folded[j+w:]; rest == "" || !isDigit(rest[0]) ||
				len(rest) >= 4 && digitsAt(rest, 0, b.y, 4) || len(rest) >= 2 && digitsAt(rest, 0, b.y, 2) {
				return true
			}
		}
	}
	return false
}

// minPhoneDigits: a phone number with fewer digits is not checked.
const minPhoneDigits = 6

// phoneMatch reports whether one of folded's (as birthDateMatch's) digit
// runs contains phone's last eight digits (its national number in Norway;
// all of them when it has six or seven). phone may be written in any way
// ("+47 924 56 789"); only its digits count.
func phoneMatch(folded, phone string) bool {
	var last [8]byte // the last eight digits, oldest first
	n := 0
	for i := 0; i < len(phone); i++ {
		if c := phone[i]; isDigit(c) {
			if n >= len(last) {
				copy(last[:], last[1:])
				n = len(last) - 1
			}
			last[n] = c
			n++
		}
	}
	if n < minPhoneDigits {
		return false
	}
	digits := last[:n]
	runs := digitRuns{s: folded}
	for run, ok := runs.next(); ok; run, ok = runs.next() {
		if holds(run, digits) {
			return true
		}
	}
	return false
}
