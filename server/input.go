package server

import (
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/styrke-iam/styrke/policy"
)

// Limits on what an activation may hold; CreateActivation and the admin API
// refuse anything outside them.
const (
	// MaxUsernameLen is the longest username, in code points.
	MaxUsernameLen = 256
	// MaxNameLen is the longest display name, in code points.
	MaxNameLen = 256
	// MinTTL and MaxTTL bound an activation link's lifetime: the range a
	// policy's activationTTL allows (10m..720h).
	MinTTL = 10 * time.Minute
	MaxTTL = 720 * time.Hour
)

// textProblem says what is wrong with a username or name s (at most max code
// points, valid UTF-8, no control, format or line-separator characters, and,
// when username is true, not empty and no white space at either end), or ""
// when nothing is. It never repeats s.
func textProblem(s string, max int, username bool) string {
	switch {
	case !utf8.ValidString(s):
		return "is not valid UTF-8"
	case username && strings.TrimSpace(s) == "":
		return "is empty"
	case utf8.RuneCountInString(s) > max:
		return "is longer than " + strconv.Itoa(max) + " characters"
	case username && strings.TrimSpace(s) != s:
		return "starts or ends with white space"
	}
	for _, r := range s {
		// Cc: NUL, tab, newlines, DEL, C1; Cf: bidi overrides and zero-width
		// characters (a name that displays as another); Zl, Zp: line and
		// paragraph separators.
		if unicode.In(r, unicode.Cc, unicode.Cf, unicode.Zl, unicode.Zp) {
			return "contains a control or invisible character (U+" + strings.ToUpper(strconv.FormatInt(int64(r), 16)) + ")"
		}
	}
	if username {
		return lookAlike(s)
	}
	return ""
}

// lookAlike says why username s could be taken for another username, or
// "": a character whose compatibility form is another (fullwidth letters,
// the Kelvin sign for K, ligatures), letters not composed (e and a
// combining accent for é: Unicode NFC), or letters of the Latin, Cyrillic
// and Greek alphabets mixed ("реr" with a Cyrillic р and е). Each was
// stored as another person where a directory may match it to the same
// account, splitting its history, its throttle and its links.
func lookAlike(s string) string {
	// One code point at a time only when the whole is not NFKC already
	// (the common username is, and costs no allocation).
	if !norm.NFKC.IsNormalString(s) {
		for _, r := range s {
			if c := string(r); norm.NFKC.String(c) != c {
				return "contains a compatibility character (U+" + strings.ToUpper(strconv.FormatInt(int64(r), 16)) +
					", a fullwidth, ligature or sign form of another character); type the plain character"
			}
		}
	}
	if !norm.NFC.IsNormalString(s) {
		return "has letters and accents written apart (not Unicode NFC); type each accented letter as one character"
	}
	scripts := 0
	for _, table := range []*unicode.RangeTable{unicode.Latin, unicode.Cyrillic, unicode.Greek} {
		if strings.ContainsFunc(s, func(r rune) bool { return unicode.Is(table, r) }) {
			scripts++
		}
	}
	if scripts > 1 {
		return "mixes letters of the Latin, Cyrillic and Greek alphabets (it would look like another username)"
	}
	return ""
}

// ttlProblem says what is wrong with an activation TTL, or "" if it lies in
// MinTTL..MaxTTL: in whole days when it is some ("31d" said "744h0m0s"),
// and the range as the README gives it.
func ttlProblem(d time.Duration) string {
	if d >= MinTTL && d <= MaxTTL {
		return ""
	}
	is := d.String() // 721h0m0s: 721h; 5m0s: 5m
	if strings.HasSuffix(is, "m0s") {
		is = strings.TrimSuffix(is, "0s")
	}
	if strings.HasSuffix(is, "h0m") {
		is = strings.TrimSuffix(is, "0m")
	}
	if day := 24 * time.Hour; d > 0 && d%day == 0 {
		is = strconv.FormatInt(int64(d/day), 10) + " days"
	}
	return "is " + is + "; want 10 minutes to 30 days (10m to 720h, or 1d to 30d)"
}

// MaxValidateLen is the longest password /api/validate takes, in code
// points: about twice the longest any policy allows (policy.MaxMaxLength),
// so a password somewhat too long is still answered with its too_long
// violation, while the answer (a result per character) stays small.
const MaxValidateLen = 256

// validateProblems checks the sizes of a validate request.
func validateProblems(password, username, name, birthDate, phone string) *Error {
	if utf8.RuneCountInString(password) > MaxValidateLen {
		return errorf(CodeInvalid, "password is longer than "+strconv.Itoa(MaxValidateLen)+
			" characters; no policy allows more than "+strconv.Itoa(policy.MaxMaxLength), "password")
	}
	var fields, problems []string
	if msg := textProblem(username, MaxUsernameLen, false); msg != "" {
		fields, problems = append(fields, "username"), append(problems, "username "+msg)
	}
	if msg := textProblem(name, MaxNameLen, false); msg != "" {
		fields, problems = append(fields, "name"), append(problems, "name "+msg)
	}
	if birthDate != "" && !policy.ValidBirthDate(birthDate) {
		fields, problems = append(fields, "birthDate"), append(problems, "birthDate must be a date written YYYY-MM-DD")
	}
	if msg := PhoneProblem(phone); msg != "" {
		fields, problems = append(fields, "phone"), append(problems, "phone "+msg)
	}
	if len(fields) > 0 {
		return errorf(CodeInvalid, strings.Join(problems, "; "), fields...)
	}
	return nil
}

// MaxPhoneLen is the longest phone number /api/validate takes, in bytes.
const MaxPhoneLen = 32

// PhoneProblem says what is wrong with a phone number given to
// /api/validate or styrke check (digits, +, spaces, dots, dashes and
// parentheses; at most MaxPhoneLen), or "". It never quotes the number.
func PhoneProblem(phone string) string {
	if len(phone) > MaxPhoneLen {
		return "is longer than " + strconv.Itoa(MaxPhoneLen) + " characters"
	}
	for _, c := range []byte(phone) {
		if !(c >= '0' && c <= '9' || strings.IndexByte("+ .-()", c) >= 0) {
			return "has a character other than digits, +, spaces, dots, dashes or parentheses"
		}
	}
	return ""
}

// validateBreach is the breach count for /api/validate: none for a password
// longer than the policy allows (refused anyway), the cached answer when
// there is one, else an upstream lookup if the client has budget left
// (Deps.BreachRateLimit), else 429.
func (h *handler) validateBreach(r *http.Request, p policy.Policy, password string) (*int, error) {
	if utf8.RuneCountInString(password) > p.MaxLength {
		return nil, nil
	}
	if c, ok := h.Breach.(breachCache); ok {
		if n, ok := c.Cached(password); ok {
			return &n, nil
		}
	}
	if h.lookups != nil && h.Breach != nil {
		if wait, ok := h.lookups.allow(h.clientAddr(r)); !ok {
			return nil, &Error{Code: CodeRateLimited, Message: "too many breach lookups; try again later", Limit: LimitLookups, RetryAfter: wait}
		}
	}
	return h.breachCount(r.Context(), p, password)
}
