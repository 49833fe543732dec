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
			[]identity.LineError{{Line: 1, Field: "institution", Problem: "is not a known institution"}, {Line: 2, Field: "username", Problem: "is empty"}}},
		{"three fields", "ola,Ola," + fnr + "\n", true,
			[]identity.LineError{{Line: 1, Problem: "has 3 fields, want 4 (username, name, institution, identity number)"}}},
		{"repeated account", "ola,Ola,uio," + fnr + "\nola,Ola,uio," + fnr2 + "\n", true,
			[]identity.LineError{{Line: 2, Field: "username", Problem: "repeats line 1's account"}}},
		{"malformed quotes", "ola,\"Ola,uio," + fnr + "\n", true,
			[]identity.LineError{{Line: 1, Problem: "malformed CSV"}}},
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
