package identity_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/server/identity"
)

// Valid numbers made with the mod-11 rules (not real people).
const (
	fnr   = "01019000083" // 1 Jan 1990
	leap  = "29027600067" // 29 Feb
	dnr   = "45019000013" // D-number: day + 40
	test  = "01820000095" // synthetic: month + 80
	fnr2  = "15058500027"
	badDt = "31049900034" // 31 April: check digits fine, date not
)

func TestCheck(t *testing.T) {
	ok := []struct {
		name, number string
		allowTest    bool
		want         identity.Kind
	}{
		{"fødselsnummer", fnr, false, identity.Fodselsnummer},
		{"29 February", leap, false, identity.Fodselsnummer},
		{"D-number", dnr, false, identity.DNumber},
		{"test number allowed", test, true, identity.Test},
		{"another", fnr2, true, identity.Fodselsnummer},
	}
	for _, tc := range ok {
		t.Run(tc.name, func(t *testing.T) {
			k, err := identity.Check(tc.number, tc.allowTest)
			require.NoError(t, err)
			assert.Equal(t, tc.want, k)
		})
	}
	bad := []struct {
		name, number string
		allowTest    bool
		want         error
	}{
		{"empty", "", true, identity.ErrLength},
		{"ten digits", fnr[:10], true, identity.ErrLength},
		{"twelve digits", fnr + "0", true, identity.ErrLength},
		{"a letter", "0101900008a", true, identity.ErrLength},
		{"first check digit wrong", fnr[:9] + "18", true, identity.ErrChecksum},
		{"second check digit wrong", fnr[:10] + "4", true, identity.ErrChecksum},
		{"31 April", badDt, true, identity.ErrDate},
		{"month 13", "01139000000", true, identity.ErrDate},
		{"day 0", "00019000000", true, identity.ErrDate},
		{"test number not allowed", test, false, identity.ErrTestNumber},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			_, err := identity.Check(tc.number, tc.allowTest)
			require.ErrorIs(t, err, tc.want)
		})
	}
}

func TestHasher(t *testing.T) {
	_, err := identity.NewHasher([]byte("short"))
	require.Error(t, err)
	a, err := identity.NewHasher(bytes.Repeat([]byte("a"), 32))
	require.NoError(t, err)
	b, err := identity.NewHasher(bytes.Repeat([]byte("b"), 32))
	require.NoError(t, err)
	assert.Len(t, a.Hash(fnr), 32)
	assert.Equal(t, a.Hash(fnr), a.Hash(fnr), "deterministic")
	assert.NotEqual(t, a.Hash(fnr), a.Hash(fnr2), "per number")
	assert.NotEqual(t, a.Hash(fnr), b.Hash(fnr), "per key")
}

func known(id string) bool { return id == "uio" || id == "default" }

func TestParseCSV(t *testing.T) {
	cases := []struct {
		name, in string
		want     []identity.Row
	}{
		{"header and rows", "username,name,institution,identity number\nola,Ola Nordmann,uio," + fnr + "\nkari,Kari,default," + dnr + "\n",
			[]identity.Row{{2, "ola", "Ola Nordmann", "uio", fnr}, {3, "kari", "Kari", "default", dnr}}},
		{"no header, semicolons, CRLF, blank line, spaces in the number", "ola;Ola;uio;010190 00083\r\n\r\nper;;uio;" + test + "\r\n",
			[]identity.Row{{1, "ola", "Ola", "uio", fnr}, {3, "per", "", "uio", test}}},
		{"quoted name with a comma", "ola,\"Nordmann, Ola\",uio," + fnr + "\n",
			[]identity.Row{{1, "ola", "Nordmann, Ola", "uio", fnr}}},
		{"empty", "", nil},
		// A header names the columns, in any order (they were read by
		// position whatever the header said).
		{"header in another order", "identity number;Username;institution;name\n" + fnr + ";ola;uio;Ola Nordmann\n",
			[]identity.Row{{2, "ola", "Ola Nordmann", "uio", fnr}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rows, err := identity.ParseCSV(strings.NewReader(tc.in), known, true)
			require.NoError(t, err)
			assert.Equal(t, tc.want, rows)
		})
	}
}

func TestParseCSVErrors(t *testing.T) {
	cases := []struct {
		name, in  string
		allowTest bool
		want      []identity.LineError
	}{
		{"bad check digits on line 3", "username,name,institution,identity number\nola,Ola,uio," + fnr + "\nkari,Kari,uio," + fnr[:10] + "4\n", true,
			[]identity.LineError{{Line: 3, Field: "identity number", Problem: "fails the check digits"}}},
		{"test number without test numbers", "ola,Ola,uio," + test + "\n", false,
			[]identity.LineError{{Line: 1, Field: "identity number", Problem: "is a test number (month + 80), not allowed without test numbers enabled"}}},
		{"unknown institution and empty username", "ola,Ola,nowhere," + fnr + "\n,Kari,uio," + fnr2 + "\n", true,
			[]identity.LineError{{Line: 1, Field: "institution", Problem: "is not a known institution, or not one this installation serves"}, {Line: 2, Field: "username", Problem: "is empty"}}},
		{"a header without a column", "username,institution,identity number\nola,uio," + fnr + "\n", true,
			[]identity.LineError{{Line: 1, Field: "name", Problem: "is not in the header (username, name, institution, identity number)"}}},
		{"a header with an unknown column", "username,name,institution,fnr\nola,Ola,uio," + fnr + "\n", true,
			[]identity.LineError{{Line: 1, Field: "fnr", Problem: "is not a column of the import (username, name, institution, identity number)"},
				{Line: 1, Field: "identity number", Problem: "is not in the header (username, name, institution, identity number)"}}},
		{"three fields", "ola,Ola," + fnr + "\n", true,
			[]identity.LineError{{Line: 1, Problem: "has 3 fields, want 4 (username, name, institution, identity number)"}}},
		{"repeated account", "ola,Ola,uio," + fnr + "\nola,Ola,uio," + fnr2 + "\n", true,
			[]identity.LineError{{Line: 2, Field: "username", Problem: "repeats line 1's account"}}},
		{"repeated account in capitals", "ola,Ola,uio," + fnr + "\nOLA,Ola,uio," + fnr2 + "\n", true,
			[]identity.LineError{{Line: 2, Field: "username", Problem: "repeats line 1's account"}}},
		{"malformed quotes", "ola,\"Ola,uio," + fnr + "\n", true,
			[]identity.LineError{{Line: 1, Problem: "malformed CSV"}}},
		// A quote in the first field: the reader's error left no field
		// positions, and the line number asked of them panicked.
		{"a bare quote in the first field", "username,name,institution,identity number\nol\"a,Ola,uio," + fnr + "\n", true,
			[]identity.LineError{{Line: 2, Problem: "malformed CSV"}}},
		{"an unterminated quote on the last line", "ola,Ola,uio," + fnr + "\n\"kari,Kari,uio," + fnr2 + "\n", true,
			[]identity.LineError{{Line: 2, Problem: "malformed CSV"}}},
		{"invalid UTF-8", "ola,\xff,uio," + fnr + "\n", true,
			[]identity.LineError{{Line: 1, Field: "name", Problem: "is not valid UTF-8"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := identity.ParseCSV(strings.NewReader(tc.in), known, tc.allowTest)
			require.ErrorIs(t, err, identity.ErrInvalid)
			var got []identity.LineError
			var j interface{ Unwrap() []error }
			require.True(t, errors.As(err, &j))
			for _, e := range j.Unwrap() {
				var le *identity.LineError
				if errors.As(e, &le) {
					got = append(got, *le)
				}
			}
			assert.Equal(t, tc.want, got)
			for _, secret := range []string{fnr, fnr2, test, fnr[:10] + "4", "Ola", "Kari"} {
				assert.NotContains(t, err.Error(), secret, "the error shows the line's content")
			}
		})
	}
}

// withChecks completes a 9-digit prefix with its two mod-11 check digits,
// or fails the test when the prefix has none (a control digit of 10).
func withChecks(t *testing.T, prefix string) string {
	t.Helper()
	require.Len(t, prefix, 9)
	ctl := func(s string, w []int) int {
		sum := 0
		for i, x := range w {
			sum += int(s[i]-'0') * x
		}
		k := 11 - sum%11
		if k == 11 {
			k = 0
		}
		require.NotEqual(t, 10, k, "prefix %s has no check digit", prefix)
		return k
	}
	s := prefix + string(rune('0'+ctl(prefix, []int{3, 7, 6, 1, 8, 9, 4, 5, 2})))
	return s + string(rune('0'+ctl(s, []int{5, 4, 3, 2, 7, 6, 5, 4, 3, 2})))
}

// TestBirthDate: the date of birth with the century the individual number
// gives, for every kind of number Check accepts; nothing for a number it
// refuses or whose century cannot be told.
func TestBirthDate(t *testing.T) {
	cases := []struct {
		name, number string
		allowTest    bool
		want         string
	}{
		{"1900s, individual number 000-499", fnr, false, "1990-01-01"},
		{"29 February of a leap year", leap, false, "1976-02-29"},
		{"D-number: the day less 40", dnr, false, "1990-01-05"},
		{"test number: the month less 80", test, true, "1900-02-01"},
		{"2000s: 500-999 and a year of 00-39", withChecks(t, "030705512"), false, "2005-07-03"},
		{"1800s: 500-749 and a year of 54-99", withChecks(t, "241260600"), false, "1860-12-24"},
		{"1900s: 900-999 and a year of 40-99", withChecks(t, "170550951"), false, "1950-05-17"},
		{"29 February 2000", withChecks(t, "290200501"), false, "2000-02-29"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := identity.BirthDate(tc.number, tc.allowTest)
			require.True(t, ok)
			assert.Equal(t, tc.want, got)
		})
	}
	for _, n := range []string{"", badDt, test, fnr[:10] + "4",
		withChecks(t, "010160800"), // 750-899 with a year of 40-99: no century
		withChecks(t, "290201502"), // 29 February 2001
	} {
		_, ok := identity.BirthDate(n, false)
		assert.False(t, ok, "number %d of the bad ones", len(n))
	}
}
