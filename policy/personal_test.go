package policy

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBirthDateRule: a date of birth, in the forms people write it, is
// refused with its own rule; other dates, and the same digits cut, are not.
func TestBirthDateRule(t *testing.T) {
	const born = "1985-07-24"
	refused := []string{
		"Granskog!Lirype24071985",
		"Granskog!Lirype-24.07.1985",
		"Granskog!Lirype-24.07.85",
		"Granskog!Lirype-240785",
		"Granskog!Lirype 1985-07-24",
		"Granskog!Lirype19850724",
		"Granskog!Lirype-24/7/1985",
		"Granskog!Lirype-07/24/1985",
		"Granskog!Lirype-24. juli",
		"Granskog!24juli-Lirype",
		"Granskog!24jul-Lirype",
		"GRANSKOG!24JULY-LIRYPE",
		"Granskog!Lirype-24 07 1985",
		"Granskog!Lirype-２４０７８５", // fullwidth digits fold to ASCII
		"Granskog!Lirype-juli24",
		"Granskog!July 24, 1985-Lirype",
		"Granskog!Lirype-Jul.24",
		"Granskog!Lirype-juli241985",
		"Granskog!Lirype-juli2485",
	}
	for _, pw := range refused {
		r := Evaluate(Default(), Input{Password: pw, BirthDate: born})
		assert.Contains(t, rules(r), RuleBirthDate, "%q", pw)
	}
	kept := []string{
		"Granskog!Lirype-Vadmel9",
		"Granskog!Lirype-1985",       // the year alone
		"Granskog!Lirype-2407",       // day and month alone, in digits
		"Granskog!Lirype-25.07.1985", // another day
		"Granskog!Lirype-124juli",    // "24" after another digit
		"Granskog!Lirype-24juni",
		"Granskog!Lirype-2a4b0c7d8e5",
		"Granskog!Lirype-juli245",   // "24" before another digit, not the year's
		"Granskog!Lirype-juli2",     // another day
		"Granskog!Lirype-juni24",    // another month
		"Granskog!Lirype-juli---24", // three separators
	}
	for _, pw := range kept {
		r := Evaluate(Default(), Input{Password: pw, BirthDate: born})
		assert.NotContains(t, rules(r), RuleBirthDate, "%q", pw)
	}
	// A day and month under 10 also without their zeros.
	for _, pw := range []string{"Granskog!Lirype-5.3.2001", "Granskog!Lirype-05032001", "Granskog!Lirype-5mars", "Granskog!Lirype-mars5", "Granskog!Lirype-mars05", "Granskog!Lirype-mars52001", "Granskog!Lirype-050301", "Granskog!Lirype-2001-3-5"} {
		r := Evaluate(Default(), Input{Password: pw, BirthDate: "2001-03-05"})
		assert.Contains(t, rules(r), RuleBirthDate, "%q", pw)
	}
	// Not a date: not checked, never a panic.
	for _, b := range []string{"", "24.07.1985", "1985-02-30", "1985-13-01", "0000-01-01", "19850724", "1985-7-24", "abcd-ef-gh", "0-00-00-00", "19-5-07-24"} {
		r := Evaluate(Default(), Input{Password: "Granskog!Lirype24071985-0230", BirthDate: b})
		assert.NotContains(t, rules(r), RuleBirthDate, "%q", b)
	}
}

// TestPhoneRule: the phone number's last eight digits, however they are
// spaced, are refused; a number that shares fewer of them is not.
func TestPhoneRule(t *testing.T) {
	for _, phone := range []string{"+4792456789", "+47 924 56 789", "92456789", "0047-92456789"} {
		for _, pw := range []string{"Granskog!Lirype92456789", "Granskog!Lirype-924 56 789", "Granskog!+4792456789", "Granskog!924.56.789!"} {
			r := Evaluate(Default(), Input{Password: pw, Phone: phone})
			assert.Contains(t, rules(r), RulePhone, "%q with %q", pw, phone)
		}
		for _, pw := range []string{"Granskog!Lirype9245678", "Granskog!Lirype-924--56789", "Granskog!Lirype-92456788"} {
			r := Evaluate(Default(), Input{Password: pw, Phone: phone})
			assert.NotContains(t, rules(r), RulePhone, "%q with %q", pw, phone)
		}
	}
	// Only the last eight count, however long the number.
	r := Evaluate(Default(), Input{Password: "Granskog!Lirype-92456789", Phone: strings.Repeat("1", 40) + "92456789"})
	assert.Contains(t, rules(r), RulePhone)
	// Too few digits to check.
	r = Evaluate(Default(), Input{Password: "Granskog!Lirype-12345", Phone: "12345"})
	assert.NotContains(t, rules(r), RulePhone)
}

// TestPersonalRulesMessages: the two rules have their message and a next
// step in every language, and neither says the date or the number.
func TestPersonalRulesMessages(t *testing.T) {
	for _, lang := range Languages {
		r := Evaluate(Default(), Input{Password: "Granskog!Lirype24071985+92456789", BirthDate: "1985-07-24", Phone: "92456789", Lang: lang})
		assert.Equal(t, []string{RuleBirthDate, RulePhone}, rules(r), lang)
		out := string(r.AppendJSON(nil))
		for _, secret := range []string{"24071985", "1985", "92456789", "924"} {
			assert.NotContains(t, out, secret, lang)
		}
		assert.NotEmpty(t, r.Feedback)
		assert.Equal(t, feedbackText("yours", langIndex(lang)), r.Feedback[0], lang)
	}
}

// TestDigitRuns: one separator between two digits joins them ("56 7");
// two, a letter or a separator at an end do not.
func TestDigitRuns(t *testing.T) {
	all := func(s string) []string {
		var got []string
		r := digitRuns{s: s}
		for run, ok := r.next(); ok; run, ok = r.next() {
			got = append(got, string(run))
		}
		return got
	}
	assert.Equal(t, []string{"1234", "567", "890"}, all("ab12.34--56 7x8/9/0."))
	assert.Equal(t, []string{"1", "2"}, all("1x2"))
	assert.Empty(t, all("abc"))
	long := strings.Repeat("1", 200)
	assert.Equal(t, []string{long[:64], "2"}, all(long+"x2"), "a run is cut at 64 digits")
}

// TestPersonalRulesAllocateNothing: the two rules cost a keystroke no
// allocation (the meter on the reset page gives a date of birth on every
// keystroke; see wasm's TestKeystrokeAllocations).
func TestPersonalRulesAllocateNothing(t *testing.T) {
	for _, pw := range []string{"Granskog!Lirype-24.07.1985", "Granskog!Lirype-24juli+47 924 56 789", strings.Repeat("Kx9#24-07-85 ", 9)} {
		n := testing.AllocsPerRun(100, func() {
			birthDateMatch(pw, "1985-07-24")
			phoneMatch(pw, "+47 924 56 789")
		})
		assert.Zero(t, n, "%q", pw)
	}
}

// FuzzPersonal: the two rules never panic, whatever the date and number,
// and they add their own violation and nothing else.
func FuzzPersonal(f *testing.F) {
	f.Add("Granskog!Lirype24071985", "1985-07-24", "+47 924 56 789")
	f.Add("24.juli 92456789", "1985-07-24", "92456789")
	f.Add("\xff9.9.9.9.9", "2009-09-09", "9999999999999999999999999999999999999999")
	f.Fuzz(func(t *testing.T, pw, born, phone string) {
		plain := rules(Evaluate(Default(), Input{Password: pw}))
		got := rules(Evaluate(Default(), Input{Password: pw, BirthDate: born, Phone: phone}))
		var rest []string
		for _, r := range got {
			if r != RuleBirthDate && r != RulePhone {
				rest = append(rest, r)
			}
		}
		if strings.Join(rest, ",") != strings.Join(plain, ",") {
			t.Fatalf("other rules changed: %v against %v", got, plain)
		}
	})
}

// inDigitsReference is inDigits as it was until 2026-12-03: the date's
// digits compared at every place of the run (digitsAt), the reference
// TestInDigitsMatchesReference holds the forms written once to.
func inDigitsReference(b birthDate, run []byte) bool {
	for order := 0; order < 3; order++ {
		for w := 0; w < 8; w++ {
			dw, mw, yw := formWidths(w)
			if dw == 1 && b.d >= 10 || mw == 1 && b.m >= 10 || dw+mw+yw < 6 {
				continue
			}
			for i := 0; i+dw+mw+yw <= len(run); i++ {
				var ok bool
				switch order {
				case 0:
					ok = digitsAt(run, i, b.d, dw) && digitsAt(run, i+dw, b.m, mw) && digitsAt(run, i+dw+mw, b.y, yw)
				case 1:
					ok = digitsAt(run, i, b.y, yw) && digitsAt(run, i+yw, b.m, mw) && digitsAt(run, i+yw+mw, b.d, dw)
				default:
					ok = digitsAt(run, i, b.m, mw) && digitsAt(run, i+mw, b.d, dw) && digitsAt(run, i+mw+dw, b.y, yw)
				}
				if ok {
					return true
				}
			}
		}
	}
	return false
}

// TestInDigitsMatchesReference: on 200,000 runs, random and built around a
// form of the date (every order and width, with digits before and after),
// inDigits says what the reference says, and finds every built form.
func TestInDigitsMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 30))
	digits := func(n int) []byte {
		b := make([]byte, n)
		for k := range b {
			b[k] = byte('0' + r.IntN(10))
		}
		return b
	}
	found := 0
	for range 200_000 {
		b := birthDate{y: 1850 + r.IntN(250), m: 1 + r.IntN(12), d: 1 + r.IntN(31)}
		var run []byte
		if r.IntN(2) == 0 {
			run = digits(r.IntN(65))
		} else {
			day, month, year := fmt.Sprintf("%02d", b.d), fmt.Sprintf("%02d", b.m), fmt.Sprintf("%04d", b.y)
			if r.IntN(2) == 0 {
				day = strconv.Itoa(b.d)
			}
			if r.IntN(2) == 0 {
				month = strconv.Itoa(b.m)
			}
			if r.IntN(2) == 0 {
				year = year[2:]
			}
			form := [...]string{day + month + year, year + month + day, month + day + year}[r.IntN(3)]
			run = append(append(digits(r.IntN(20)), form...), digits(r.IntN(20))...)
			if len(form) >= 6 {
				require.True(t, b.inDigits(run), "%+v in %s", b, run)
			}
		}
		want := inDigitsReference(b, run)
		require.Equal(t, want, b.inDigits(run), "%+v in %s", b, run)
		if want {
			found++
		}
	}
	assert.Greater(t, found, 50_000, "the runs that hold the date")
}
