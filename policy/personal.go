package policy

import "strings"

// The birthdate and phone rules: a password must not contain the person's
// date of birth or phone number, which anyone who knows the person (or finds
// them in a register, a social network, a leaked customer list) tries first,
// whatever the estimator prices a date or eight digits at. Both read the
// password's digit runs: digits, where one symbol or space between two
// digits does not end a run ("24.07.1985", "924 56 789", "1985-07-24").

// digitRuns calls f with each of folded's digit runs, written without their
// separators. It stops when f returns true and reports whether it did.
func digitRuns(folded string, f func(run string) bool) bool {
	var buf [64]byte
	run := buf[:0]
	flush := func() bool {
		stop := len(run) > 0 && f(string(run))
		run = run[:0]
		return stop
	}
	for i := 0; i < len(folded); i++ {
		c := folded[i]
		switch {
		case c >= '0' && c <= '9':
			run = append(run, c)
		case len(run) > 0 && isDateSeparator(c) && i+1 < len(folded) && folded[i+1] >= '0' && folded[i+1] <= '9':
			// One separator between two digits: the run goes on.
		default:
			if flush() {
				return true
			}
		}
	}
	return flush()
}

// isDateSeparator: what people write between a date's or a phone number's
// groups.
func isDateSeparator(c byte) bool {
	return c == '.' || c == '-' || c == '/' || c == ' ' || c == '_' || c == ','
}

// birthDate is a date of birth read from Input.BirthDate.
type birthDate struct{ y, m, d int }

// parseBirthDate reads "YYYY-MM-DD" (years 1850-2099, a day the month can
// have); anything else is no date (ok false).
func parseBirthDate(s string) (b birthDate, ok bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return b, false
	}
	num := func(t string) int {
		n := 0
		for i := 0; i < len(t); i++ {
			if t[i] < '0' || t[i] > '9' {
				return -1
			}
			n = n*10 + int(t[i]-'0')
		}
		return n
	}
	b = birthDate{num(s[:4]), num(s[5:7]), num(s[8:])}
	days := [12]int{31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}
	if b.y < 1850 || b.y > 2099 || b.m < 1 || b.m > 12 || b.d < 1 || b.d > days[b.m-1] {
		return birthDate{}, false
	}
	return b, true
}

// digitForms returns the ways a date is written in digits that are 6 digits
// or longer once the separators are gone: day, month and year in the
// Norwegian order, the ISO order and the American order, with the year in
// four digits or two, and day and month with or without a leading zero
// (a form of five digits or fewer is left out: "5785" turns up by chance).
func (b birthDate) digitForms() []string {
	pad := func(n int) string { return string([]byte{byte('0' + n/10), byte('0' + n%10)}) }
	short := func(n int) string {
		if n < 10 {
			return string([]byte{byte('0' + n)})
		}
		return pad(n)
	}
	yyyy := pad(b.y/100) + pad(b.y%100)
	days := []string{pad(b.d)}
	if b.d < 10 {
		days = append(days, short(b.d))
	}
	months := []string{pad(b.m)}
	if b.m < 10 {
		months = append(months, short(b.m))
	}
	var out []string
	add := func(s string) {
		if len(s) < 6 {
			return
		}
		for _, o := range out {
			if o == s {
				return
			}
		}
		out = append(out, s)
	}
	for _, y := range []string{yyyy, pad(b.y % 100)} {
		for _, d := range days {
			for _, m := range months {
				add(d + m + y) // 24071985, 240785, 2471985
				add(y + m + d) // 19850724, 850724
				add(m + d + y) // 07241985
			}
		}
	}
	return out
}

// monthNames are the months' names as people write them after a day
// ("17mai", "24. juli", "3dec"), folded: nb, nn and en, in full and cut
// to three letters; index i+1 is the month. The longest name comes first
// within a month, so that the match names the whole word.
var monthNames = [12][]string{
	{"januar", "january", "jan"},
	{"februar", "february", "feb"},
	{"mars", "march", "mar"},
	{"april", "apr"},
	{"mai", "may"},
	{"juni", "june", "jun"},
	{"juli", "july", "jul"},
	{"august", "aug"},
	{"september", "sept", "sep"},
	{"oktober", "october", "okt", "oct"},
	{"november", "nov"},
	{"desember", "december", "des", "dec"},
}

// birthDateMatch reports whether folded (the password folded without the
// substitutions, which would turn digits into letters) contains the date of birth born
// ("YYYY-MM-DD"; anything else matches nothing) in one of the forms
// digitForms names, or as its day followed by its month's name ("24juli",
// "24. jul", "4.mai"), the day not after another digit.
func birthDateMatch(folded, born string) bool {
	b, ok := parseBirthDate(born)
	if !ok {
		return false
	}
	forms := b.digitForms()
	if digitRuns(folded, func(run string) bool {
		for _, f := range forms {
			if strings.Contains(run, f) {
				return true
			}
		}
		return false
	}) {
		return true
	}
	day := string([]byte{byte('0' + b.d/10), byte('0' + b.d%10)})
	for _, d := range []string{day, day[1:]} {
		if d == day[1:] && b.d >= 10 {
			break
		}
		for off := 0; off < len(folded); {
			i := strings.Index(folded[off:], d)
			if i < 0 {
				break
			}
			i += off
			off = i + 1
			if i > 0 && folded[i-1] >= '0' && folded[i-1] <= '9' {
				continue
			}
			rest := folded[i+len(d):]
			if rest != "" && rest[0] >= '0' && rest[0] <= '9' {
				continue
			}
			for k := 0; k < 2 && rest != "" && isDateSeparator(rest[0]); k++ {
				rest = rest[1:]
			}
			for _, name := range monthNames[b.m-1] {
				if strings.HasPrefix(rest, name) {
					return true
				}
			}
		}
	}
	return false
}

// minPhoneDigits: a phone number with fewer digits is not checked.
const minPhoneDigits = 6

// phoneMatch reports whether one of folded's (as birthDateMatch's) digit runs contains phone's
// last eight digits (its national number in Norway; all of them when it
// has six or seven). phone may be written in any way ("+47 924 56 789");
// only its digits count.
func phoneMatch(folded, phone string) bool {
	var buf [32]byte
	digits := buf[:0]
	for i := 0; i < len(phone) && len(digits) < cap(buf); i++ {
		if c := phone[i]; c >= '0' && c <= '9' {
			digits = append(digits, c)
		}
	}
	if len(digits) < minPhoneDigits {
		return false
	}
	if len(digits) > 8 {
		digits = digits[len(digits)-8:]
	}
	key := string(digits)
	return digitRuns(folded, func(run string) bool { return strings.Contains(run, key) })
}
