// Package identity checks Norwegian identity numbers (fødselsnummer,
// D-number, and in test configurations the synthetic numbers of TestID and
// Tenor) and turns them into the keyed hash that is all Styrke keeps of
// them, and reads the service desk's CSV of accounts and their owners'
// numbers. No error of this package holds a number or any other content of
// its input: a CSV problem is reported by line and field.
package identity

import (
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"fmt"
)

// Errors of Check, for errors.Is.
var (
	ErrLength   = errors.New("identity number must be 11 digits")
	ErrDate     = errors.New("identity number holds no valid date of birth")
	ErrChecksum = errors.New("identity number fails the check digits")
	// ErrTestNumber: a synthetic test number (month + 80) where test
	// numbers are not allowed.
	ErrTestNumber = errors.New("identity number is a test number, not allowed here")
)

// Kind is what sort of number passed Check.
type Kind int

// Kinds of numbers.
const (
	Fodselsnummer Kind = iota + 1
	DNumber
	// Test is a synthetic test number (TestID, Tenor): month + 80.
	Test
)

var w1 = [9]int{3, 7, 6, 1, 8, 9, 4, 5, 2}
var w2 = [10]int{5, 4, 3, 2, 7, 6, 5, 4, 3, 2}

func control(d []int, w []int) int {
	s := 0
	for i, x := range w {
		s += d[i] * x
	}
	k := 11 - s%11
	if k == 11 {
		k = 0
	}
	return k // 10 means no valid control digit
}

// Check validates number: 11 digits, a date of birth (the day + 40 for a
// D-number; the month + 80 for a test number, accepted only when
// allowTest), and both mod-11 check digits.
func Check(number string, allowTest bool) (Kind, error) {
	kind, _, _, err := check(number, allowTest)
	return kind, err
}

// check is Check that also returns the day and month of birth (a
// D-number's and a test number's offsets taken off).
func check(number string, allowTest bool) (kind Kind, day, month int, err error) {
	if len(number) != 11 {
		return 0, 0, 0, ErrLength
	}
	d := make([]int, 11)
	for i := range 11 {
		c := number[i]
		if c < '0' || c > '9' {
			return 0, 0, 0, ErrLength
		}
		d[i] = int(c - '0')
	}
	kind = Fodselsnummer
	day, month = d[0]*10+d[1], d[2]*10+d[3]
	if day > 40 {
		day -= 40
		kind = DNumber
	}
	if month > 80 {
		month -= 80
		if !allowTest {
			return 0, 0, 0, ErrTestNumber
		}
		kind = Test
	}
	if day < 1 || day > 31 || month < 1 || month > 12 || day > daysIn[month-1] {
		return 0, 0, 0, ErrDate
	}
	k1 := control(d, w1[:])
	if k1 == 10 || k1 != d[9] {
		return 0, 0, 0, ErrChecksum
	}
	k2 := control(d, w2[:])
	if k2 == 10 || k2 != d[10] {
		return 0, 0, 0, ErrChecksum
	}
	return kind, day, month, nil
}

// daysIn is the longest month (29 for February: the century is not known
// from the number alone here).
var daysIn = [12]int{31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}

// MinKeyLength is the shortest secret Hasher accepts.
const MinKeyLength = 32

// Hasher makes the keyed hash (HMAC-SHA-256 under the server's secret) of
// identity numbers. The same key must be used for the import and for the
// sign-in, or no one matches.
type Hasher struct{ key []byte }

// NewHasher returns a Hasher under key (at least MinKeyLength bytes).
func NewHasher(key []byte) (*Hasher, error) {
	if len(key) < MinKeyLength {
		return nil, fmt.Errorf("identity key is %d bytes, want at least %d", len(key), MinKeyLength)
	}
	return &Hasher{key: append([]byte(nil), key...)}, nil
}

// Hash returns the 32-byte keyed hash of number.
func (h *Hasher) Hash(number string) []byte {
	m := hmac.New(sha256.New, h.key)
	m.Write([]byte("styrke identity v1\x00"))
	m.Write([]byte(number))
	return m.Sum(nil)
}

// Derive returns a 32-byte key for another purpose (label) from the
// Hasher's key, so one secret can key other hashes (throttle counters).
func (h *Hasher) Derive(label string) []byte {
	m := hmac.New(sha256.New, h.key)
	m.Write([]byte("styrke derive v1\x00" + label))
	return m.Sum(nil)
}

// BirthDate returns the date of birth number holds, "YYYY-MM-DD", for a
// number Check accepts (a D-number's day less 40, a test number's month
// less 80), with the century its individual number (digits 7-9) gives:
// 000-499 the 1900s; 500-749 with a year of 54-99 the 1800s; 500-999 with
// a year of 00-39 the 2000s; 900-999 with a year of 40-99 the 1900s. ok is
// false when number is no such number or its century cannot be told.
func BirthDate(number string, allowTest bool) (date string, ok bool) {
	_, day, month, err := check(number, allowTest)
	if err != nil {
		return "", false
	}
	d := func(i int) int { return int(number[i] - '0') }
	yy, ind := d(4)*10+d(5), d(6)*100+d(7)*10+d(8)
	var year int
	switch {
	case ind <= 499:
		year = 1900 + yy
	case ind <= 749 && yy >= 54:
		year = 1800 + yy
	case yy <= 39:
		year = 2000 + yy
	case ind >= 900:
		year = 1900 + yy
	default:
		return "", false
	}
	if month == 2 && day == 29 && !(year%4 == 0 && (year%100 != 0 || year%400 == 0)) {
		return "", false
	}
	return fmt.Sprintf("%04d-%02d-%02d", year, month, day), true
}
