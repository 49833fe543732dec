package directory

import (
	"testing"

	"github.com/go-ldap/ldap/v3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDomainOf: DOMAIN\name is checked against the domain that holds the
// base, in a forest of a root and a child domain, whichever domain the
// domain controller Styrke reaches is of (the root's here, as a global
// catalog's or a referral's may be); the DC's own domain only for a base
// in none of them. It was the DC's own domain always: STUDENT\ola was
// taken as a username as typed, and the right password told it was wrong.
func TestDomainOf(t *testing.T) {
	ref := func(nc string, names ...string) domainRef {
		dn, err := ldap.ParseDN(nc)
		require.NoError(t, err)
		return domainRef{dn, names}
	}
	refs := []domainRef{
		ref("DC=uio,DC=example", "UIO", "uio.example"),
		ref("DC=student,DC=uio,DC=example", "STUDENT", "student.uio.example"),
	}
	const own = "DC=uio,DC=example"
	for base, want := range map[string][]string{
		"OU=People,DC=student,DC=uio,DC=example": {"STUDENT", "student.uio.example"},
		"ou=people,dc=STUDENT,dc=uio,dc=example": {"STUDENT", "student.uio.example"},
		"DC=student,DC=uio,DC=example":           {"STUDENT", "student.uio.example"},
		"OU=Staff,DC=uio,DC=example":             {"UIO", "uio.example"},
		"DC=uio,DC=example":                      {"UIO", "uio.example"},
		"OU=People,DC=other,DC=example":          {"UIO", "uio.example"},
		"not a DN":                               {"UIO", "uio.example"},
	} {
		assert.Equal(t, want, domainOf(base, refs, own), "base %q", base)
	}
	assert.Nil(t, domainOf("OU=People,DC=other,DC=example", refs, "DC=other,DC=example"), "no domain known")
}
