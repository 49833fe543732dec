package directory_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/server/directory"
	"github.com/styrke-iam/styrke/server/directory/dirtest"
)

// TestAccountPolicy: an account's own password policy (AD: a fine-grained
// one; OpenLDAP: its pwdPolicySubentry) is seen as applying, and its rules
// are read where the service account may read them: on OpenLDAP here, on
// AD once the policy grants it (by default only administrators may). An
// account without one has none.
func TestAccountPolicy(t *testing.T) {
	both(t, func(t *testing.T, s *dirtest.Server) {
		d := open(t, config(s, false))
		plain, _ := newUser(t, s)
		got, err := d.AccountPolicy(ctx(t), plain)
		require.NoError(t, err)
		assert.Equal(t, directory.AccountPolicy{}, got, "an account without a policy of its own")

		username, dn := newUser(t, s)
		attrs := map[string]string{"pwdMinLength": "16", "pwdInHistory": "8"}
		want := directory.Settings{MinLength: 16, QualityCheck: 2, History: 8, MinAge: time.Hour, MinAgeOnSets: true, LockoutThreshold: 5}
		if s.Kind == dirtest.AD {
			// Complexity on, as the domain's is too: a password settings
			// object says it as TRUE, the domain as a bit of pwdProperties.
			attrs = map[string]string{"msDS-MinimumPasswordLength": "16", "msDS-PasswordHistoryLength": "8", "msDS-PasswordComplexityEnabled": "TRUE"}
			want = directory.Settings{MinLength: 16, Complexity: true, History: 8, MinAge: time.Hour, LockoutThreshold: 5, LockoutWindow: 30 * time.Minute}
		}
		pso, err := s.AccountPolicy(dn, time.Hour, 0, attrs)
		require.NoError(t, err)
		got, err = d.AccountPolicy(ctx(t), username)
		require.NoError(t, err)
		if s.Kind == dirtest.AD {
			assert.Equal(t, directory.AccountPolicy{Own: true}, got, "AD: the policy applies, and Styrke's service account may not read it")
			got, err = psoReader(t, pso).AccountPolicy(ctx(t), username)
			require.NoError(t, err)
		}
		assert.Equal(t, directory.AccountPolicy{Own: true, Read: true, Settings: want}, got)
		if s.Kind == dirtest.OpenLDAP {
			// One it may see but not read, as AD's by default.
			username, dn := newUser(t, s)
			hidden, err := s.UnreadableAccountPolicy(dn, attrs)
			require.NoError(t, err)
			t.Cleanup(func() { assert.NoError(t, s.DeleteUser(hidden)) })
			got, err = d.AccountPolicy(ctx(t), username)
			require.NoError(t, err)
			assert.Equal(t, directory.AccountPolicy{Own: true}, got, "OpenLDAP: a policy the service account may not read")
		}
	})
}

// TestADReasonUnderAnAccountPolicy: a refusal of AD's that names no reason
// (Windows' ERROR_PASSWORD_RESTRICTION; Samba's diagnostic names one, so
// the test gives none) is named by the account's fine-grained policy where
// one applies: by its rules where the service account may read them, else
// by nothing the domain says. The domain's rules named a password of 12
// code points that a policy asking 16 refused "used before" (its history).
func TestADReasonUnderAnAccountPolicy(t *testing.T) {
	d := open(t, config(ad, false))
	username, dn := newUser(t, ad)
	const password = "Kx7!mq2Zr9#w" // 12: the domain's 10, not the policy's 16
	assert.Equal(t, directory.RuleHistory, directory.ADReason(d, ctx(t), "", username, password, false), "without a policy of its own: the domain's rules, which the password meets")
	pso, err := ad.AccountPolicy(dn, 0, 0, map[string]string{"msDS-MinimumPasswordLength": "16"})
	require.NoError(t, err)
	assert.Equal(t, directory.RuleRefused, directory.ADReason(d, ctx(t), "", username, password, false), "a policy the service account may not read names nothing")
	reader := psoReader(t, pso)
	assert.Equal(t, directory.RuleTooShort, directory.ADReason(reader, ctx(t), "", username, password, false), "the policy's least length")
	assert.Equal(t, directory.RuleTooShort, directory.ADReason(reader, ctx(t), "Password is too short", username, password, false), "Samba's own word first")
}

// psoReader is the AD directory as a service account of its own with the
// delegated rights of Styrke's and read access to the password settings
// object at pso, as README asks an institution to grant for the pages to
// list an account's fine-grained rules.
func psoReader(t *testing.T, pso string) directory.Directory {
	t.Helper()
	name := fmt.Sprintf("svcpso%s%d", time.Now().Format("150405"), userSeq.Add(1))
	svc, password, sid, err := ad.CreateServiceAccount(name, dirtest.ResetPasswordACE, dirtest.WriteLockoutTimeACE)
	require.NoError(t, err)
	require.NoError(t, ad.AddACE(pso, "(A;;RPLCLORC;;;"+sid+")"))
	c := config(ad, false)
	c.BindDN, c.Password = svc, password
	return open(t, c)
}

// TestDefaultPolicy: the ppolicy entry Settings reads, which the policies
// of accounts' own leave out: the one configured, else the last named
// cn=default, else the first.
func TestDefaultPolicy(t *testing.T) {
	entries := func(dns ...string) []*ldap.Entry {
		var out []*ldap.Entry
		for _, dn := range dns {
			out = append(out, ldap.NewEntry(dn, nil))
		}
		return out
	}
	for _, c := range []struct {
		entries    []*ldap.Entry
		configured string
		want       string
	}{
		{nil, "", ""},
		{entries("cn=staff,ou=policies,dc=x", "cn=students,ou=policies,dc=x"), "", "cn=staff,ou=policies,dc=x"},
		{entries("cn=staff,ou=policies,dc=x", "cn=Default,ou=policies,dc=x"), "", "cn=Default,ou=policies,dc=x"},
		{entries("cn=default,ou=policies,dc=x", "cn=staff,ou=policies,dc=x"), "cn=staff, ou=policies, dc=x", "cn=staff, ou=policies, dc=x"},
	} {
		assert.Equal(t, c.want, directory.DefaultPolicy(c.entries, c.configured), "%v", c.configured)
	}
}
