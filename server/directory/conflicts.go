package directory

import (
	"fmt"
	"strconv"
	"time"

	"github.com/styrke-iam/styrke/policy"
)

// Finding is one difference between a policy and a directory's own rules
// (Conflicts), or a right the service account lacks (Rights).
type Finding struct {
	// Conflict: a password the policy accepts may be refused by the
	// directory; from Rights, a write Styrke makes fails for a right the
	// service account lacks. Otherwise a note worth knowing.
	Conflict bool
	Text     string
}

// Conflicts compares an institution's policy with its directory's rules.
func Conflicts(p policy.Policy, s Settings) []Finding {
	var out []Finding
	if s.MinLength > p.MinLength {
		// The shortest password that can pass is as long as the score
		// threshold asks, which may be longer than minLength.
		short := ShortestPassing(p)
		switch {
		case short >= s.MinLength:
			out = append(out, Finding{false, fmt.Sprintf(
				"the directory requires at least %d characters and the policy's minLength is %d, but no password shorter than %d characters reaches the policy's score threshold (%s points), so none that Styrke accepts is refused for its length.",
				s.MinLength, p.MinLength, short, strconv.FormatFloat(p.Threshold, 'f', -1, 64))})
		default:
			span := fmt.Sprintf("%d to %d characters", short, s.MinLength-1)
			if short == s.MinLength-1 {
				span = fmt.Sprintf("%d characters", short)
			}
			out = append(out, Finding{true, fmt.Sprintf(
				"the directory requires at least %d characters and the policy allows %d: passwords of %s pass Styrke and are refused by the directory. Raise the policy's minLength to %d, or lower the directory's minimum to %d or less.",
				s.MinLength, p.MinLength, span, s.MinLength, short)})
		}
	}
	if s.Complexity && !requiresThreeKinds(p) {
		out = append(out, Finding{true,
			"the directory enforces AD's complexity rule (three of upper-case letters, lower-case letters, digits and special characters, a space being none, and no account name) and the policy " + kindsRequired(p) + ", so many passwords it accepts (those of fewer than three kinds) are refused by the directory; the activation, reset and change pages list the rule and say it before a password is sent, so people are told, but a passphrase of one or two kinds that the policy accepts is turned away there. Sikt's policy replaces the complexity rule: turn off \"Password must meet complexity requirements\" in the domain's password policy (or its fine-grained policy), or make the policy's requiredClasses name upper, lower and digit (its special characters do not count: they include the space)."})
	}
	if s.History > p.HistorySize {
		out = append(out, Finding{false, fmt.Sprintf(
			"the directory remembers %d passwords and the policy %d: a person who reuses an older one is refused by the directory after Styrke accepted it (the page shows the directory's reason).",
			s.History, p.HistorySize)})
	}
	if s.MinAge > 0 && !s.MinAgeOnSets {
		// The directory counts from the password's last setting, whoever
		// set it (AD's pwdLastSet, ppolicy's pwdChangedTime): only the
		// person's own change is refused, but an activation's or a
		// reset's setting starts the clock too.
		out = append(out, Finding{false, fmt.Sprintf(
			"the directory's minimum password age is %[1]s: a person's own change within it of the password's last setting is refused, and an activation or a reset (the service account's) starts it as a change does: a person who activates the account, or resets the password, and then changes it at once on the change page is refused for %[1]s from that setting. Set it to 0 unless reuse at the directory's own password change must be slowed.",
			Span(s.MinAge))})
	}
	if s.MinAgeOnSets {
		out = append(out, Finding{true, fmt.Sprintf(
			"OpenLDAP's ppolicy applies the minimum password age of %s to the service account's sets too, unless the service account is a password administrator: an activation or a reset within %[2]s of the password's last setting (an account created with an initial password, or a password changed yesterday) is refused, and the person is told when to try again; a person's own change within it of an activation or a reset is refused too. To let activations and resets through, %[3]s.",
			Span(s.MinAge), Span(s.MinAge), minAgeAdvice)})
	}
	if s.SafeModify {
		out = append(out, Finding{true,
			"OpenLDAP's ppolicy has pwdSafeModify TRUE: it requires the old password with every set, which an activation or a reset does not have, so every one fails (503 directory_error) unless the service account is a password administrator (manage access to userPassword). Give it manage, or set pwdSafeModify to FALSE."})
	}
	if s.MustChange {
		out = append(out, Finding{true,
			"OpenLDAP's ppolicy has pwdMustChange TRUE: where the service account is a password administrator (manage access to userPassword), every activation and reset makes the person change the password they just chose at their next login (pwdReset). Set pwdMustChange to FALSE in the policy that applies to the people."})
	}
	if s.MaxAge > 0 {
		out = append(out, Finding{false, fmt.Sprintf(
			"the directory's passwords expire after %s: expiry reminders tell people before the day (styrke serve --remind-within 14d,3d, or styrke directory remind once a day); NIST and Sikt advise against expiring passwords.",
			Span(s.MaxAge))})
	}
	if s.LockoutThreshold > 0 {
		within := "without a successful login between them"
		if s.LockoutWindow > 0 {
			within = "in " + Span(s.LockoutWindow)
		}
		stop := max(s.LockoutThreshold-LockoutMargin, 1)
		guard := fmt.Sprintf("the change page stops %d before (it tries no current password while the directory counts %d or more wrong ones), so a person keeps %d tries for the directory's own logins.",
			s.LockoutThreshold-stop, stop, s.LockoutThreshold-stop)
		if stop == s.LockoutThreshold {
			guard = "the change page cannot stop before it: one wrong current password there locks the account."
		}
		wrong := fmt.Sprintf("%d wrong passwords", s.LockoutThreshold)
		if s.LockoutThreshold == 1 {
			wrong = "1 wrong password"
		}
		out = append(out, Finding{false, fmt.Sprintf("the directory locks an account after %s %s: %s", wrong, within, guard)})
	}
	if s.QualityCheck == 2 {
		out = append(out, Finding{false,
			"ppolicy's pwdCheckQuality is 2: the directory refuses what its quality check cannot judge; Styrke sends the password in clear over TLS, so the check can run."})
	}
	return out
}

// Rules are a directory's own password rules that a person must meet
// beyond the policy's, for the pages to list beside the policy's and to
// check before a password is sent (the person met them only in the
// directory's refusal). Zero: the policy's rules cover the directory's.
type Rules struct {
	// Kinds is AD's complexity rule: characters of at least this many of
	// ADKinds (3), where the policy itself does not require three kinds.
	Kinds int `json:"kinds"`
	// MinLength is the directory's least length (AD counts UTF-16 code
	// units, as a page's string length does), where a password the policy
	// accepts may be shorter (ShortestPassing).
	MinLength int `json:"minLength"`
	// History is how many earlier passwords the directory refuses, where
	// it remembers more than the policy (AD applies it to a reset too,
	// with the policy-hints control): the page cannot check it, but lists
	// it in place of the policy's smaller number.
	History int `json:"history"`
}

// RulesBeyond are the rules of s a password p accepts may break.
func RulesBeyond(p policy.Policy, s Settings) Rules {
	var r Rules
	if s.Complexity && !requiresThreeKinds(p) {
		r.Kinds = 3
	}
	if s.MinLength > p.MinLength && s.MinLength > ShortestPassing(p) {
		r.MinLength = s.MinLength
	}
	if s.History > p.HistorySize {
		r.History = s.History
	}
	return r
}

// Span says d in the largest whole unit that fits it: "1 day", "42
// days", "30 minutes", "90 seconds"; else as time.Duration does.
func Span(d time.Duration) string {
	for _, u := range []struct {
		d    time.Duration
		name string
	}{{24 * time.Hour, "day"}, {time.Hour, "hour"}, {time.Minute, "minute"}, {time.Second, "second"}} {
		if d >= u.d && d%u.d == 0 {
			if n := d / u.d; n != 1 {
				return fmt.Sprintf("%d %ss", n, u.name)
			}
			return "1 " + u.name
		}
	}
	return d.String()
}

// ShortestPassing is the length of the shortest password p can accept:
// at least minLength, and long enough to reach the score threshold when
// every character earns all it can (new, and of every kind in turn).
func ShortestPassing(p policy.Policy) int {
	const best = "Aa1!Bb2#Cc3$Dd4%Ee5&Ff6(Gg7)Hh8*Ii9+Jj0,Kk-Ll.Mm/Nn:Oo;Pp<Qq=Rr>Ss?Tt@Uu[Vv]Ww^Xx_Yy{Zz}"
	for n := max(p.MinLength, 1); n <= len(best) && n <= p.MaxLength; n++ {
		if policy.Evaluate(p, policy.Input{Password: best[:n]}).Score >= p.Threshold {
			return n
		}
	}
	return p.MinLength
}

// adKindsRequired names the kinds of AD's complexity rule that every
// password p accepts holds, by p's requiredClasses: upper-case letters,
// lower-case letters and digits (the policy's digits of other scripts
// than 0-9 are left to AD's refusal: people type none); never its special
// characters, which hold the space and symbols such as € that AD counts
// as no kind (a policy requiring upper, lower and special accepts
// "Fjellbekk lyngmo kvitveis", which AD refuses).
func adKindsRequired(p policy.Policy) []string {
	var kinds []string
	for _, k := range []struct{ class, name string }{
		{policy.Upper, "upper-case letters"}, {policy.Lower, "lower-case letters"}, {policy.Digit, "digits"},
	} {
		if p.RequiredClasses[k.class] > 0 {
			kinds = append(kinds, k.name)
		}
	}
	return kinds
}

// requiresThreeKinds reports whether the policy itself demands characters
// of three of AD's kinds (so AD's complexity rule refuses nothing more).
func requiresThreeKinds(p policy.Policy) bool { return len(adKindsRequired(p)) >= 3 }

// kindsRequired says which of AD's kinds p requires, when fewer than
// three: "requires only one kind AD counts (digits)".
func kindsRequired(p policy.Policy) string {
	kinds := adKindsRequired(p)
	special := ""
	if p.RequiredClasses[policy.Special] > 0 {
		special = "; its required special characters may be a space or a symbol such as €, which AD counts as none"
	}
	switch len(kinds) {
	case 0:
		return "requires no kind of character AD counts (it accepts a passphrase of lower-case letters alone" + special + ")"
	case 1:
		return "requires only one kind AD counts (" + kinds[0] + special + ")"
	default:
		return "requires only two kinds AD counts (" + kinds[0] + " and " + kinds[1] + special + ")"
	}
}

// PolicyConflict is a conflict of one password policy of accounts' own
// (AccountPolicies) with the policy.
type PolicyConflict struct {
	DN   string // the directory's policy
	Text string
}

// AccountConflicts are the conflicts (not the notes, which mostly say the
// domain's again) of each of own with p, for directory check and serve's
// start, which hold them to the policy as they do the domain's. An Unread
// one has none: what it asks is not known.
func AccountConflicts(p policy.Policy, own []NamedSettings) []PolicyConflict {
	var out []PolicyConflict
	for _, o := range own {
		if o.Unread {
			continue
		}
		for _, f := range Conflicts(p, o.Settings) {
			if f.Conflict {
				out = append(out, PolicyConflict{o.DN, f.Text})
			}
		}
	}
	return out
}
