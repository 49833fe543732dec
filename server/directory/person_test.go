package directory

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestParseBirthDate: a directory's date of birth in Feide's forms
// (norEduPersonBirthDate's YYYYMMDD, norEduPersonNIN's identity number) and
// ISO's; anything else, or a date that does not exist, is none. The
// identity numbers are synthetic (the month plus 80): no person's.
func TestParseBirthDate(t *testing.T) {
	for v, want := range map[string]string{
		"19850724":     "1985-07-24",
		"1985-07-24":   "1985-07-24",
		" 20000229 ":   "2000-02-29",
		"24879000048":  "1990-07-24", // a synthetic identity number: 24 July 1990
		"64879000031":  "1990-07-24", // a synthetic D-number (day plus 40)
		"19850230":     "",           // 30 February
		"1985-7-24":    "",
		"24071985":     "", // day first: not YYYYMMDD's date (month 19)
		"24879000049":  "", // the check digits do not hold
		"":             "",
		"198507241":    "",
		"19850724Z":    "",
		"1985/07/24":   "",
		"٢٠٠٠٠٢٢٩":     "", // digits of another script
		"12345678901x": "",
	} {
		got, ok := parseBirthDate(v)
		assert.Equal(t, want, got, "value %q", v)
		assert.Equal(t, want != "", ok, "value %q", v)
	}
}
