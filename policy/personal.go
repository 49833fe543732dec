package policy

import (
	"bytes"
	"strings"
)

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
			if c >= '0' && c <= '9' {
				if n < len(r.buf) {
					r.buf[n] = c
					n++
				}
				continue
			}
			// One separator between two digits: the run goes on.
			if n > 0 && isDateSeparator(c) && r.i+1 < len(r.s) && r.s[r.i+1] >= '0' && r.s[r.i+1] <= '9' {
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

// dateForms holds the ways one date is written in digits (digitForms):
// at most 2 years × 2 days × 2 months × 3 orders, each of 8 digits or fewer.
type dateForms struct {
	n    int
	form [24][8]byte
	size [24]uint8
}

// contains reports whether run contains one of the forms.
func (f *dateForms) contains(run []byte) bool {
	for k := 0; k < f.n; k++ {
		if bytes.Contains(run, f.form[k][:f.size[k]]) {
			return true
		}
	}
	return false
}

// digitForms returns the ways a date is written in digits that are 6 digits
// or longer once the separators are gone: day, month and year in the
// Norwegian order, the ISO order and the American order, with the year in
// four digits or two, and day and month with or without a leading zero
// (a form of five digits or fewer is left out: "5785" turns up by chance).
func (b birthDate) digitForms(f *dateForms) {
	type num struct {
		d [4]byte
		n int
	}
	two := func(v int) num { return num{[4]byte{byte('0' + v/10), byte('0' + v%10)}, 2} }
	one := func(v int) num { return num{[4]byte{byte('0' + v)}, 1} }
	var days, months [2]num
	nd, nm := 1, 1
	days[0], months[0] = two(b.d), two(b.m)
	if b.d < 10 {
		days[1], nd = one(b.d), 2
	}
	if b.m < 10 {
		months[1], nm = one(b.m), 2
	}
	years := [2]num{{[4]byte{byte('0' + b.y/1000), byte('0' + b.y/100%10), byte('0' + b.y/10%10), byte('0' + b.y%10)}, 4}, two(b.y % 100)}
	add := func(parts ...num) {
		var form [8]byte
		size := 0
		for _, p := range parts {
			size += copy(form[size:], p.d[:p.n])
		}
		if size < 6 {
			return
		}
		for k := 0; k < f.n; k++ {
			if int(f.size[k]) == size && f.form[k] == form {
				return
			}
		}
		f.form[f.n], f.size[f.n] = form, uint8(size)
		f.n++
	}
	for _, y := range years {
		for _, d := range days[:nd] {
			for _, m := range months[:nm] {
				add(d, m, y) // 24071985, 240785, 2471985
				add(y, m, d) // 19850724, 850724
				add(m, d, y) // 07241985
			}
		}
	}
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
	var forms dateForms
	b.digitForms(&forms)
	runs := digitRuns{s: folded}
	for run, ok := runs.next(); ok; run, ok = runs.next() {
		if forms.contains(run) {
			return true
		}
	}
	isDigit := func(c byte) bool { return c >= '0' && c <= '9' }
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
		for _, name := range monthNames[b.m-1] {
			if strings.HasPrefix(rest, name) {
				return true
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
	runs := digitRuns{s: folded}
	for run, ok := runs.next(); ok; run, ok = runs.next() {
		if bytes.Contains(run, digits) {
			return true
		}
	}
	return false
}
