package directory

import (
	"fmt"

	"github.com/styrke-iam/styrke/policy"
)

// Finding is one difference between a policy and a directory's own rules.
type Finding struct {
	// Conflict: a password the policy accepts may be refused by the
	// directory. Otherwise a note worth knowing.
	Conflict bool
	Text     string
}

// Conflicts compares an institution's policy with its directory's rules.
func Conflicts(p policy.Policy, s Settings) []Finding {
	var out []Finding
	if s.MinLength > p.MinLength {
		out = append(out, Finding{true, fmt.Sprintf(
			"the directory requires at least %d characters and the policy allows %d: passwords of %d to %d characters pass Styrke and are refused by the directory. Raise the policy's minLength to %d, or lower the directory's minimum to %d or less.",
			s.MinLength, p.MinLength, p.MinLength, s.MinLength-1, s.MinLength, p.MinLength)})
	}
	if s.Complexity && !requiresThreeKinds(p) {
		out = append(out, Finding{true,
			"the directory enforces AD's complexity rule (three kinds of characters, no account name) and the policy accepts passphrases of lower-case letters and spaces, which the directory refuses. Sikt's policy replaces the complexity rule: turn off \"Password must meet complexity requirements\" in the domain's password policy (or its fine-grained policy), or give the policy requiredClasses."})
	}
	if s.History > p.HistorySize {
		out = append(out, Finding{false, fmt.Sprintf(
			"the directory remembers %d passwords and the policy %d: a person who reuses an older one is refused by the directory after Styrke accepted it (the page shows the directory's reason).",
			s.History, p.HistorySize)})
	}
	if s.MinAge > 0 {
		out = append(out, Finding{false, fmt.Sprintf(
			"the directory's minimum password age is %s: a person who changes the password again within it is refused (resets by the service account are not affected).",
			s.MinAge)})
	}
	if s.QualityCheck == 2 {
		out = append(out, Finding{false,
			"ppolicy's pwdCheckQuality is 2: the directory refuses what its quality check cannot judge; Styrke sends the password in clear over TLS, so the check can run."})
	}
	return out
}

// requiresThreeKinds reports whether the policy itself demands characters
// of at least three kinds (so AD's complexity rule refuses nothing more).
func requiresThreeKinds(p policy.Policy) bool {
	n := 0
	for _, k := range []string{policy.Upper, policy.Lower, policy.Digit, policy.Special} {
		if p.RequiredClasses[k] > 0 {
			n++
		}
	}
	return n >= 3
}
