package directory

import (
	"context"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"
	"github.com/stretchr/testify/assert"
)

// TestFileTime: AD's FILETIME counts 100 ns from 1601-01-01 UTC.
func TestFileTime(t *testing.T) {
	assert.Equal(t, time.Unix(0, 0).UTC(), fileTime(116444736000000000))
	assert.Equal(t, time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC), fileTime(134407728000000000))
	assert.Equal(t, time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC), fileTime(maxFileTime))
	// Before 1678 a time.Duration from 1970 overflows: accountExpires 1
	// (1601) read as 2185, and an expired account as one that is not.
	assert.Equal(t, time.Date(1601, 1, 1, 0, 0, 0, 100, time.UTC), fileTime(1))
	assert.Equal(t, time.Date(1650, 6, 1, 0, 0, 0, 0, time.UTC), fileTime(time.Date(1650, 6, 1, 0, 0, 0, 0, time.UTC).Sub(time.Date(1601, 1, 1, 0, 0, 0, 0, time.UTC)).Nanoseconds()/100))
	assert.True(t, accountExpired(&ldap.Entry{Attributes: []*ldap.EntryAttribute{{Name: "accountExpires", Values: []string{"1"}}}}, time.Now()))
}

// TestNormDN: the DNs a directory writes of its own entries compare equal
// however their case and the spaces after the commas.
func TestNormDN(t *testing.T) {
	assert.Equal(t, normDN("cn=default,ou=policies,dc=styrke,dc=test"), normDN("CN=Default, OU=Policies, DC=styrke,DC=test"))
	assert.NotEqual(t, normDN("cn=a,ou=policies"), normDN("cn=b,ou=policies"))
}

// TestExpiringRefuses: a window of nothing, and a filter that names no
// attribute compared with {username}, are refused before any connection.
func TestExpiringRefuses(t *testing.T) {
	d := &LDAP{filter: "(uid={username})", url: "ldaps://example.invalid"}
	_, err := d.Expiring(context.Background(), time.Now(), 0)
	assert.ErrorContains(t, err, "must be positive")
	assert.Equal(t, "uid", usernameAttr.FindStringSubmatch("(|(uid={username})(mail={username}))")[1], "the first (ATTR={username}) names the accounts")
	assert.Equal(t, "sAMAccountName", usernameAttr.FindStringSubmatch("(&(objectClass=user)(sAMAccountName={username}))")[1])
	d.filter = "(&(objectClass=person)(cn:dn:={username}))"
	_, err = d.Expiring(context.Background(), time.Now(), time.Hour)
	assert.ErrorIs(t, err, ErrOperator)
	assert.ErrorContains(t, err, "compares no attribute with {username}")
}

// TestPreferredLang: RFC 2798's preferredLanguage, as Styrke's languages.
func TestPreferredLang(t *testing.T) {
	for in, want := range map[string]string{
		"nb": "nb", "nb-NO": "nb", "no": "nb", "NO_no": "nb", "nn-NO, en;q=0.8": "nn", "en-GB": "en", "EN": "en",
		"sv": "", "": "", "se": "", " en ; q=1": "en",
	} {
		assert.Equal(t, want, preferredLang(in), "%q", in)
	}
}

// TestOnlySAMAccountName: AccountName searches the filter first unless it
// compares {username} with sAMAccountName alone (in any case), which no
// name with "@" or "\" can match.
func TestOnlySAMAccountName(t *testing.T) {
	for filter, want := range map[string]bool{
		"(sAMAccountName={username})":                                    true,
		"(&(objectClass=user)(samaccountname={username}))":               true,
		"(mail={username})":                                              false,
		"(|(sAMAccountName={username})(mail={username}))":                false,
		"(|(sAMAccountName={username})(proxyAddresses=smtp:{username}))": false,
	} {
		assert.Equal(t, want, onlySAMAccountName(filter), "filter %s", filter)
	}
}
