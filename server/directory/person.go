package directory

import (
	"strings"

	"github.com/styrke-iam/styrke/policy"
	"github.com/styrke-iam/styrke/server/identity"
)

// Person is what a directory holds of an account's owner that the
// password may not contain: the inputs of the policy's name, phone and
// birthdate rules. It is personal data: never logged, and kept by no one
// after the password is judged.
type Person struct {
	// Name is the person's name as the directory writes it.
	Name string
	// Phone is the person's phone number, in any notation.
	Phone string
	// BirthDate is the date of birth, "YYYY-MM-DD" (policy.Input's form).
	BirthDate string
}

// parseBirthDate reads a date of birth from a directory attribute's value:
// YYYYMMDD (Feide's norEduPersonBirthDate), YYYY-MM-DD, or a national
// identity number (Feide's norEduPersonNIN; a D-number or a synthetic test
// number too). ok is false for anything else, a date that does not exist
// among them.
func parseBirthDate(v string) (date string, ok bool) {
	v = strings.TrimSpace(v)
	switch {
	case len(v) == 8 && allDigits(v):
		date = v[:4] + "-" + v[4:6] + "-" + v[6:]
	case len(v) == 10 && v[4] == '-' && v[7] == '-' && allDigits(v[:4]+v[5:7]+v[8:]):
		date = v
	case len(v) == 11 && allDigits(v):
		return identity.BirthDate(v, true)
	default:
		return "", false
	}
	if !policy.ValidBirthDate(date) {
		return "", false
	}
	return date, true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
