package directory

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	ber "github.com/go-asn1-ber/asn1-ber"
	"github.com/go-ldap/ldap/v3"
)

// Expiry is an account whose password the directory will expire: the
// person must change it by Expires or be made to at the next logon.
type Expiry struct {
	Username string
	Expires  time.Time
	// Email is the account's mail attribute, Phone and Name its configured
	// phone and name attributes (Config's PhoneAttribute and NameAttribute);
	// empty when the entry has none or none is configured.
	Email, Phone, Name string
	// Lang is the account's preferredLanguage (RFC 2798) as Styrke's
	// languages: "nb", "nn" or "en" ("no", "nb-NO" and "en-GB" too); empty
	// for none or another.
	Lang string
}

// preferredLang maps a preferredLanguage value (a language tag, maybe with
// a quality list: "nn-NO, en;q=0.8") to nb, nn or en, by its first tag.
func preferredLang(v string) string {
	tag, _, _ := strings.Cut(v, ",")
	tag, _, _ = strings.Cut(tag, ";")
	tag = strings.ToLower(strings.TrimSpace(tag))
	primary, _, _ := strings.Cut(strings.ReplaceAll(tag, "_", "-"), "-")
	switch primary {
	case "nb", "no":
		return "nb"
	case "nn":
		return "nn"
	case "en":
		return "en"
	}
	return ""
}

// Expirer is a directory that knows when its passwords expire (the LDAP
// directories; None has no expiry).
type Expirer interface {
	// Expiring lists the enabled accounts under the base whose password
	// expires after now and no later than now+within, soonest first.
	Expiring(ctx context.Context, now time.Time, within time.Duration) ([]Expiry, error)
}

// expiryPageSize is how many entries one page of the search holds (AD's
// MaxPageSize is 1,000).
const expiryPageSize = 500

// mailAttribute is the attribute Expiring reads the e-mail address from.
const mailAttribute = "mail"

// usernameAttr finds the attribute a Config's filter compares with
// {username}: "(sAMAccountName={username})" is sAMAccountName.
var usernameAttr = regexp.MustCompile(`\(([A-Za-z][A-Za-z0-9-]*)=\{username\}\)`)

// Expiring implements Expirer.
//
// AD: msDS-UserPasswordExpiryTimeComputed, which the domain controller
// computes from pwdLastSet and the domain's maximum password age or the
// account's fine-grained password policy; it is 0 for a password that must
// be changed at the next logon and the largest value for one that never
// expires (the account's "password never expires" flag, or no maximum age).
// Disabled accounts are left out, and so are those whose accountExpires
// comes no later than the password's expiry (an expired account, or one
// that ends first): no password logs in to them then.
//
// OpenLDAP: pwdChangedTime plus pwdMaxAge of the account's ppolicy
// (pwdPolicySubentry, or the default policy that Settings reads). An entry
// without pwdChangedTime (its password set before ppolicy was loaded) or
// whose policy has no maximum age does not expire; one whose pwdReset is
// TRUE must be changed already.
func (d *LDAP) Expiring(ctx context.Context, now time.Time, within time.Duration) ([]Expiry, error) {
	if within <= 0 {
		return nil, fmt.Errorf("directory: the window to look ahead must be positive, not %s", within)
	}
	m := usernameAttr.FindStringSubmatch(d.filter)
	if m == nil {
		return nil, fmt.Errorf("%w: %s: the account filter %q compares no attribute with {username} as (ATTR={username}): expiry reminders cannot name the accounts", ErrOperator, d.url, d.filter)
	}
	userAttr := m[1]
	all := strings.ReplaceAll(d.filter, "{username}", "*")
	ctx, cancel := context.WithTimeout(ctx, 10*d.timeout) // a search of every account: longer than one call's bound
	defer cancel()
	c, err := d.service(ctx)
	if err != nil {
		return nil, err
	}
	defer c.close()
	attrs := []string{userAttr, mailAttribute, "preferredLanguage"}
	for _, a := range []string{d.phoneAttr, d.nameAttr} {
		if a != "" {
			attrs = append(attrs, a)
		}
	}
	var (
		filter  string
		expires func(e *ldap.Entry) (time.Time, bool)
		// lo and hi bound the pwdChangedTime of the accounts OpenLDAP's
		// filter asks for (zero for AD's, which has no size limit to split
		// a search under).
		lo, hi time.Time
	)
	if d.flavour == FlavourAD {
		filter = "(&" + all + "(!(userAccountControl:1.2.840.113556.1.4.803:=2)))"
		attrs = append(attrs, "msDS-UserPasswordExpiryTimeComputed", "accountExpires")
		expires = func(e *ldap.Entry) (time.Time, bool) {
			v, err := strconv.ParseInt(e.GetAttributeValue("msDS-UserPasswordExpiryTimeComputed"), 10, 64)
			if err != nil || v <= 0 || v >= maxFileTime {
				return time.Time{}, false // none, must change now, or never
			}
			t := fileTime(v)
			if accountExpired(e, t) {
				// The account ends first (or has ended): no password logs
				// in then, and the change page would say it is disabled.
				return time.Time{}, false
			}
			return t, true
		}
	} else {
		maxAge, defaultAge, dns, err := d.policyMaxAges(ctx, c)
		if err != nil {
			return nil, err
		}
		// Only the accounts whose password expires in the window: under a
		// policy of maximum age a, those whose pwdChangedTime is in
		// [now-a, now+within-a], asked for in whole seconds (the edges are
		// read again below). slapd answers an ordinary account with at
		// most its size limit of entries, paged or not (500 by default),
		// and until 2026-12-07 this asked for every account with a
		// pwdChangedTime, so that reminders failed on any directory with
		// more accounts than that. A window that holds more than the
		// limit is searched again in halves of the time the windows span
		// ([lo, hi), see search), down to a second.
		window := func(age time.Duration) string {
			a, b := now.Add(-age).UTC().Truncate(time.Second), now.Add(within-age).UTC().Truncate(time.Second).Add(time.Second)
			if lo.IsZero() || a.Before(lo) {
				lo = a
			}
			if b.After(hi) {
				hi = b
			}
			return changedIn(a, b)
		}
		var windows strings.Builder
		if defaultAge > 0 {
			windows.WriteString("(&(!(pwdPolicySubentry=*))" + window(defaultAge) + ")")
		}
		for _, dn := range dns {
			if age := maxAge[normDN(dn)]; age > 0 {
				windows.WriteString("(&(pwdPolicySubentry=" + ldap.EscapeFilter(dn) + ")" + window(age) + ")")
			}
		}
		if windows.Len() == 0 {
			return nil, nil // no policy with a maximum age: nothing expires
		}
		filter = "(&" + all + "(|" + windows.String() + "))"
		attrs = append(attrs, "pwdChangedTime", "pwdPolicySubentry", "pwdReset")
		expires = func(e *ldap.Entry) (time.Time, bool) {
			if strings.EqualFold(e.GetAttributeValue("pwdReset"), "TRUE") {
				return time.Time{}, false
			}
			age := defaultAge
			if p := e.GetAttributeValue("pwdPolicySubentry"); p != "" {
				age = maxAge[normDN(p)]
			}
			changed, err := ber.ParseGeneralizedTime([]byte(e.GetAttributeValue("pwdChangedTime")))
			if age <= 0 || err != nil {
				return time.Time{}, false
			}
			return changed.Add(age), true
		}
	}
	// search adds the entries of the filter's accounts whose pwdChangedTime
	// is in [a, b) (all of them for a zero a), and where slapd's size limit
	// stops it, of each half of that time in turn, down to a second: a
	// directory whose passwords were all set in a few days (a migration,
	// a semester's activations) has more in one window than slapd gives
	// an ordinary account in one search.
	var entries []*ldap.Entry
	var search func(a, b time.Time) error
	search = func(a, b time.Time) error {
		f := filter
		if !a.IsZero() {
			f = "(&" + filter + changedIn(a, b) + ")"
		}
		res, err := c.SearchWithPaging(ldap.NewSearchRequest(d.base, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, 0, 0, false, f, attrs, nil), expiryPageSize)
		if ldap.IsErrorWithCode(err, ldap.LDAPResultSizeLimitExceeded) && !a.IsZero() && b.Sub(a) >= 2*time.Second {
			mid := a.Add(b.Sub(a) / 2).Truncate(time.Second)
			if err := search(a, mid); err != nil {
				return err
			}
			return search(mid, b)
		}
		if err != nil {
			return err
		}
		entries = append(entries, res.Entries...)
		return nil
	}
	if err := search(lo, hi); err != nil {
		if ldap.IsErrorWithCode(err, ldap.LDAPResultNoSuchObject) {
			return nil, fmt.Errorf("%w: search base %q does not exist: %v", ErrOperator, d.base, err)
		}
		return nil, d.classify(ctx, "search expiring passwords", err)
	}
	end := now.Add(within)
	var out []Expiry
	for _, e := range entries {
		t, ok := expires(e)
		if !ok || !t.After(now) || t.After(end) {
			continue
		}
		user := e.GetAttributeValue(userAttr)
		if user == "" {
			continue
		}
		out = append(out, Expiry{
			Username: user, Expires: t.UTC(),
			Email: e.GetAttributeValue(mailAttribute), Phone: e.GetAttributeValue(d.phoneAttr), Name: e.GetAttributeValue(d.nameAttr),
			Lang: preferredLang(e.GetAttributeValue("preferredLanguage")),
		})
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].Expires.Equal(out[j].Expires) {
			return out[i].Expires.Before(out[j].Expires)
		}
		return out[i].Username < out[j].Username
	})
	return out, nil
}

// policyMaxAges reads every ppolicy entry's pwdMaxAge under the base's
// naming context (by normalised DN; and the entries' DNs as the directory
// wrote them) and the default policy's, the one
// Settings reads (the configured policy DN, else cn=default or the only
// one).
func (d *LDAP) policyMaxAges(ctx context.Context, c *conn) (map[string]time.Duration, time.Duration, []string, error) {
	root, err := d.rootDSE(ctx, c, "namingContexts")
	if err != nil {
		return nil, 0, nil, err
	}
	res, err := c.Search(ldap.NewSearchRequest(d.namingContext(root), ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, 0, 0, false,
		"(objectClass=pwdPolicy)", []string{"pwdMaxAge"}, nil))
	if err != nil {
		return nil, 0, nil, d.classify(ctx, "read password policies", err)
	}
	ages := map[string]time.Duration{}
	var (
		def time.Duration
		dns []string
	)
	for _, e := range res.Entries {
		dns = append(dns, e.DN)
		n, _ := strconv.ParseInt(e.GetAttributeValue("pwdMaxAge"), 10, 64)
		age := time.Duration(n) * time.Second
		ages[normDN(e.DN)] = age
		switch {
		case d.policyDN != "" && normDN(e.DN) == normDN(d.policyDN):
			def = age
		case d.policyDN == "" && (len(res.Entries) == 1 || strings.HasPrefix(normDN(e.DN), "cn=default,")):
			def = age
		}
	}
	return ages, def, dns, nil
}

// changedIn returns the filter terms of a pwdChangedTime in [a, b), whole
// seconds in UTC: halves of a range neither miss nor repeat an entry.
func changedIn(a, b time.Time) string {
	return "(pwdChangedTime>=" + a.Format(generalizedTime) + ")(!(pwdChangedTime>=" + b.Format(generalizedTime) + "))"
}

// generalizedTime is the layout of an LDAP GeneralizedTime in UTC, as
// ppolicy writes pwdChangedTime.
const generalizedTime = "20060102150405Z"

// normDN lower-cases dn and drops the spaces after its commas, enough to
// compare the DNs a directory writes of its own entries.
func normDN(dn string) string {
	parts := strings.Split(dn, ",")
	for i, p := range parts {
		parts[i] = strings.TrimSpace(p)
	}
	return strings.ToLower(strings.Join(parts, ","))
}

// maxFileTime is the FILETIME of 2200-01-01: AD writes the largest value
// for "never", and time.Duration reaches only to 2262.
const maxFileTime = 72581184000000000 + 116444736000000000

// fileTime converts AD's FILETIME (100-nanosecond intervals since
// 1601-01-01 UTC) to a time.
func fileTime(v int64) time.Time {
	const epochDiff = 116444736000000000 // 1601-01-01 to 1970-01-01 in 100 ns
	// Seconds and the rest apart: a time.Duration from 1970 overflows
	// before 1678 (accountExpires 1 read as 2185).
	d := v - epochDiff
	return time.Unix(d/10_000_000, d%10_000_000*100).UTC()
}
