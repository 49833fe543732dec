package main

import (
	"fmt"
	"sort"
	"strings"
)

// knownEnv are the environment variables some command of styrke reads:
// every flag's (STYRKE_ and its name, styrke COMMAND -h shows it), the
// secrets' _FILE forms, and STYRKE_DIRECTORY_PASSWORD and
// STYRKE_IDENTITY_KEY, which no flag has. TestKnownEnvIsComplete holds it
// to the source.
var knownEnv = map[string]bool{
	"STYRKE_ACTIVATION_CODE":               true,
	"STYRKE_ADDR":                          true,
	"STYRKE_ADMIN_KEY":                     true,
	"STYRKE_ADMIN_KEYS_FILE":               true,
	"STYRKE_ADMIN_KEY_FILE":                true,
	"STYRKE_AUDIT_RETENTION":               true,
	"STYRKE_BASE_URL":                      true,
	"STYRKE_BREACH_RATE":                   true,
	"STYRKE_BREACH_URL":                    true,
	"STYRKE_COPY_TO":                       true,
	"STYRKE_COPY_TO_FILE":                  true,
	"STYRKE_DATA":                          true,
	"STYRKE_DB":                            true,
	"STYRKE_DB_FILE":                       true,
	"STYRKE_DEMO":                          true,
	"STYRKE_DIRECTORY":                     true,
	"STYRKE_DIRECTORY_BASE":                true,
	"STYRKE_DIRECTORY_BIND_DN":             true,
	"STYRKE_DIRECTORY_BIRTHDATE_ATTRIBUTE": true,
	"STYRKE_DIRECTORY_CA":                  true,
	"STYRKE_DIRECTORY_FILTER":              true,
	"STYRKE_DIRECTORY_MAP":                 true,
	"STYRKE_DIRECTORY_NAME_ATTRIBUTE":      true,
	"STYRKE_DIRECTORY_PASSWORD":            true,
	"STYRKE_DIRECTORY_PASSWORD_FILE":       true,
	"STYRKE_DIRECTORY_PHONE_ATTRIBUTE":     true,
	"STYRKE_DIRECTORY_SERVER_NAME":         true,
	"STYRKE_HASH_MEMORY":                   true,
	"STYRKE_IDENTITY_KEY":                  true,
	"STYRKE_IDENTITY_KEY_FILE":             true,
	"STYRKE_IDPORTEN_ACR":                  true,
	"STYRKE_IDPORTEN_CLIENT_ID":            true,
	"STYRKE_IDPORTEN_CLIENT_KEY_FILE":      true,
	"STYRKE_IDPORTEN_CLIENT_KEY_ID":        true,
	"STYRKE_IDPORTEN_CLIENT_SECRET_FILE":   true,
	"STYRKE_IDPORTEN_ISSUER":               true,
	"STYRKE_IDPORTEN_PAR":                  true,
	"STYRKE_IDPORTEN_POST_LOGOUT_URL":      true,
	"STYRKE_IDPORTEN_PROMPT_LOGIN":         true,
	"STYRKE_IDPORTEN_REDIRECT_URL":         true,
	"STYRKE_INSTITUTIONS":                  true,
	"STYRKE_LOGIN_URL":                     true,
	"STYRKE_LOG_LEVEL":                     true,
	"STYRKE_MAIL_FROM":                     true,
	"STYRKE_METRICS_ADDR":                  true,
	"STYRKE_NOTIFY_POLL":                   true,
	"STYRKE_NOTIFY_RETRY":                  true,
	"STYRKE_ORG_NAME":                      true,
	"STYRKE_ORIGINS":                       true,
	"STYRKE_RECORD_RETENTION":              true,
	"STYRKE_REMIND_EVERY":                  true,
	"STYRKE_REMIND_WITHIN":                 true,
	"STYRKE_RESET_SESSION":                 true,
	"STYRKE_SERVICE_DESK":                  true,
	"STYRKE_SITE":                          true,
	"STYRKE_SMS_DAILY_CAP":                 true,
	"STYRKE_SMTP_CA_FILE":                  true,
	"STYRKE_SMTP_TIMEOUT":                  true,
	"STYRKE_SMTP_URL":                      true,
	"STYRKE_SMTP_URL_FILE":                 true,
	"STYRKE_TEMPLATES":                     true,
	"STYRKE_TEST_NUMBERS":                  true,
	"STYRKE_TRUST_PROXY":                   true,
	"STYRKE_TWILIO_ACCOUNT_SID":            true,
	"STYRKE_TWILIO_API_KEY":                true,
	"STYRKE_TWILIO_FROM":                   true,
	"STYRKE_TWILIO_MESSAGING_SERVICE":      true,
	"STYRKE_TWILIO_SECRET":                 true,
	"STYRKE_TWILIO_SECRET_FILE":            true,
	"STYRKE_TWILIO_URL":                    true,
}

// testEnv are the STYRKE_ variables Styrke's own tests set, which a
// command started by a test inherits.
var testEnv = map[string]bool{
	"STYRKE_TEST_AS_MAIN": true, "STYRKE_SCREENS": true,
	"STYRKE_DIRFLOW_CHILD": true, "STYRKE_DIRFLOW_DB": true, "STYRKE_DIRFLOW_DIRECTORY": true,
}

// checkEnviron looks at the STYRKE_ variables in environ ("NAME=value", as
// os.Environ gives them) that no command reads. One that is a near miss of
// a known one (at most two letters apart: STYRKE_DBB, STYRKE_INSTITUTION),
// or the _FILE form of a setting that has none, is an error naming the
// setting meant: ignored, STYRKE_DBB=postgres://… started serve on a new
// empty SQLite store. Any other is a warning. Neither holds a value.
func checkEnviron(environ []string) (warnings []string, err error) {
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(name, "STYRKE_") || knownEnv[name] || testEnv[name] {
			continue
		}
		if base, ok := strings.CutSuffix(name, "_FILE"); ok && knownEnv[base] {
			return nil, fmt.Errorf("%s is set, but %s cannot be read from a file (only %s can): give %s itself",
				name, base, strings.Join(fileForms(), ", "), base)
		}
		if near := nearest(name); near != "" {
			return nil, fmt.Errorf("%s is set, but no command reads it: did you mean %s? Rename or unset it (styrke COMMAND -h lists the variables)", name, near)
		}
		warnings = append(warnings, fmt.Sprintf("%s is set, but no command reads it; it is ignored (styrke COMMAND -h lists the variables)", name))
	}
	return warnings, nil
}

// fileForms are the variables that may name a file holding a setting's
// value, sorted: the secrets' (secretEnv) and those of flags that name a
// file.
func fileForms() []string {
	var out []string
	for name := range knownEnv {
		if base, ok := strings.CutSuffix(name, "_FILE"); ok && knownEnv[base] {
			out = append(out, base)
		}
	}
	sort.Strings(out)
	return out
}

// nearest is the known variable at most two edits from name (the closest,
// the first in order among equals), or "" when there is none.
func nearest(name string) string {
	best, bestD := "", 3
	for known := range knownEnv {
		if d := editDistance(name, known); d < bestD || d == bestD && known < best {
			best, bestD = known, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance of a and b, in bytes (the names
// are ASCII).
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
