package directory_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/server/directory"
	"github.com/styrke-iam/styrke/server/directory/dirtest"
)

// TestRights: on Samba AD, Rights names each right a service account
// lacks on the accounts under the base, and what it says holds: an account
// without Reset password is refused every reset, one without Write
// lockoutTime the reset of a locked-out account, and an account that
// denies Reset password on its own entry (inheritance left on) is counted
// apart from its neighbours. The harness's service account, which has
// both, lacks none. Disabled accounts (Guest) are not read: Styrke sets
// none of their passwords. Before, none of it showed until the first person set
// a password (503 directory_error).
func TestRights(t *testing.T) {
	user, dn := newUser(t, ad)
	missing := func(t *testing.T, d directory.Directory) (rights []string, text string) {
		t.Helper()
		found, err := d.Rights(ctx(t))
		require.NoError(t, err)
		var all []string
		for _, f := range found {
			all = append(all, f.Text)
			switch {
			case !f.Conflict:
			case strings.Contains(f.Text, "may not reset the password of"):
				rights = append(rights, "Reset password")
			case strings.Contains(f.Text, "may not write lockoutTime of"):
				rights = append(rights, "Write lockoutTime")
			default:
				t.Errorf("a conflict that names no right: %s", f.Text)
			}
		}
		return rights, strings.Join(all, "\n")
	}
	limited := func(t *testing.T, aces ...string) (directory.Directory, string) {
		t.Helper()
		dn, password, sid, err := ad.CreateServiceAccount(fmt.Sprintf("svc%s%d", time.Now().Format("150405"), userSeq.Add(1)), aces...)
		require.NoError(t, err)
		c := config(ad, false)
		c.BindDN, c.Password = dn, password
		return open(t, c), sid
	}

	t.Run("the harness's account", func(t *testing.T) {
		rights, text := missing(t, open(t, config(ad, false)))
		assert.Empty(t, rights, text)
		assert.Contains(t, text, "may reset the password of and write lockoutTime on ")
	})
	t.Run("no right beyond reading", func(t *testing.T) {
		d, sid := limited(t)
		rights, text := missing(t, d)
		assert.Equal(t, []string{"Reset password", "Write lockoutTime"}, rights, text)
		assert.Contains(t, text, "--sddl='"+fmt.Sprintf(dirtest.ResetPasswordACE, sid)+"'")
		assert.Contains(t, text, "--sddl='"+fmt.Sprintf(dirtest.WriteLockoutTimeACE, sid)+"'")
		assert.Contains(t, text, `/G "STYRKE\svc`)
		assert.ErrorIs(t, d.SetPassword(ctx(t), user, "Rights!Passw0rd-1"), directory.ErrOperator, "what it said holds")
	})
	t.Run("reset password alone", func(t *testing.T) {
		d, _ := limited(t, dirtest.ResetPasswordACE)
		rights, text := missing(t, d)
		assert.Equal(t, []string{"Write lockoutTime"}, rights, text)
		require.NoError(t, d.SetPassword(ctx(t), user, "Rights!Passw0rd-2"), "it may reset")
		for range 5 {
			ok, err := ad.CanBind(dn, "Wrong!Passw0rd-"+user)
			require.NoError(t, err)
			require.False(t, ok)
		}
		locked, err := ad.Locked(dn)
		require.NoError(t, err)
		require.True(t, locked, "five wrong passwords lock the account")
		assert.ErrorIs(t, d.SetPassword(ctx(t), user, "Rights!Passw0rd-3"), directory.ErrOperator, "what it said holds: no unlock")
		require.NoError(t, open(t, config(ad, false)).SetPassword(ctx(t), user, "Rights!Passw0rd-4"), "the harness's account unlocks")
	})
	t.Run("denied on one account", func(t *testing.T) {
		// An OU of two accounts as the base: the sample holds both.
		seq := itoa(userSeq.Add(1))
		ou := "OU=rights" + seq + "," + ad.PeopleDN
		admin, err := ad.Admin()
		require.NoError(t, err)
		add := ldap.NewAddRequest(ou, nil)
		add.Attribute("objectClass", []string{"organizationalUnit"})
		require.NoError(t, admin.Add(add))
		admin.Close()
		neighbour, denied := "neighbour"+seq, "denied"+seq
		_, err = ad.CreateUserAt("CN="+neighbour+","+ou, neighbour, initial)
		require.NoError(t, err)
		deniedDN, err := ad.CreateUserAt("CN="+denied+","+ou, denied, initial)
		require.NoError(t, err)
		dn, password, sid, err := ad.CreateServiceAccount("svcdeny"+seq, dirtest.ResetPasswordACE, dirtest.WriteLockoutTimeACE)
		require.NoError(t, err)
		require.NoError(t, ad.AddACE(deniedDN, "(OD;;CR;00299570-246d-11d0-a768-00aa006e0529;;"+sid+")"))
		c := config(ad, false)
		c.BindDN, c.Password, c.Base = dn, password, ou
		d := open(t, c)
		rights, text := missing(t, d)
		assert.Equal(t, []string{"Reset password"}, rights, text)
		assert.Contains(t, text, "may not reset the password of "+deniedDN+" (1 of the 2 accounts read under the base)")
		assert.ErrorIs(t, d.SetPassword(ctx(t), denied, "Rights!Passw0rd-5"), directory.ErrOperator, "what it said holds")
		require.NoError(t, d.SetPassword(ctx(t), neighbour, "Rights!Passw0rd-6"), "its neighbour it may")
	})
	t.Run("bound by user principal name", func(t *testing.T) {
		name := "svcupn" + itoa(userSeq.Add(1))
		_, password, sid, err := ad.CreateServiceAccount(name)
		require.NoError(t, err)
		c := config(ad, false)
		c.BindDN, c.Password = name+"@styrke.test", password
		rights, text := missing(t, open(t, c))
		assert.Equal(t, []string{"Reset password", "Write lockoutTime"}, rights, text)
		assert.Contains(t, text, "--sddl='"+fmt.Sprintf(dirtest.ResetPasswordACE, sid)+"'", "its SID, found by its name")
		assert.Contains(t, text, `/G "STYRKE\`+name+`:CA;Reset Password;user"`)
	})
	t.Run("disabled accounts left out", func(t *testing.T) {
		// CN=Users holds Guest and krbtgt (disabled) and the service
		// accounts above (enabled, no right given there).
		c := config(ad, false)
		c.Base = "CN=Users," + ad.BaseDN
		rights, text := missing(t, open(t, c))
		assert.Equal(t, []string{"Reset password", "Write lockoutTime"}, rights, text)
		assert.NotContains(t, text, "CN=Guest,")
		assert.NotContains(t, text, "CN=krbtgt,")
	})
}

// TestRightsOpenLDAP: on slapd, Rights names the rights a service account
// lacks on the accounts it reads (OpenLDAP has no effective rights to read:
// it asks slapd with a write that cannot change anything and the compare
// SetPassword makes), and what it says holds: the harness's account may
// write userPassword under ou=people but not read the lock of the
// SlapdHiddenLock accounts there, and may write no userPassword under
// ou=others. Nothing is written: the accounts keep their passwords, and
// ppolicy's minimum age does not stand in the way. Before, Rights said
// nothing of OpenLDAP, and a missing right showed only when the first
// person set a password (503 directory_error).
func TestRightsOpenLDAP(t *testing.T) {
	conflicts := func(t *testing.T, c directory.Config) (conflicts []string, text string) {
		t.Helper()
		found, err := open(t, c).Rights(ctx(t))
		require.NoError(t, err)
		var all []string
		for _, f := range found {
			all = append(all, f.Text)
			if f.Conflict {
				conflicts = append(conflicts, f.Text)
			}
		}
		return conflicts, strings.Join(all, "\n")
	}
	seq := itoa(userSeq.Add(1))
	plain, hidden := "rights"+seq, dirtest.SlapdHiddenLock+"rights"+seq
	plainDN, err := ol.CreateUser(plain, initial)
	require.NoError(t, err)
	hiddenDN, err := ol.CreateUser(hidden, initial)
	require.NoError(t, err)
	ol.SetSlapdPolicy(t, map[string]string{"pwdMinAge": "3600", "pwdSafeModify": "TRUE"})

	t.Run("the harness's account under ou=people", func(t *testing.T) {
		c := config(ol, false)
		c.Filter = "(&(uid={username})(|(uid=" + plain + ")(uid=" + hidden + ")))"
		found, text := conflicts(t, c)
		require.Len(t, found, 1, text)
		assert.Contains(t, found[0], "may not read pwdAccountLockedTime of "+hiddenDN+" (1 of the 2 accounts read under the base)")
		assert.Contains(t, found[0], `attrs=pwdAccountLockedTime by dn.exact="`+ol.ServiceDN+`" read`)
		assert.NotContains(t, text, "may not write userPassword")
		assert.ErrorIs(t, open(t, c).SetPassword(ctx(t), hidden, "Rights!Passw0rd-1"), directory.ErrOperator, "what it said holds")
	})
	t.Run("the harness's account under ou=others", func(t *testing.T) {
		user := "others" + seq
		dn, err := ol.CreateUserOutside(user, initial)
		require.NoError(t, err)
		c := config(ol, false)
		c.Base = "ou=others," + ol.BaseDN
		c.Filter = "(&(uid={username})(uid=" + user + "))" // other tests add accounts there
		found, text := conflicts(t, c)
		require.Len(t, found, 1, text)
		assert.Contains(t, found[0], "may not write userPassword of "+dn+" (the only account read under the base)")
		assert.Contains(t, found[0], `to dn.subtree="ou=others,`+ol.BaseDN+`" attrs=userPassword by dn.exact="`+ol.ServiceDN+`" =wx`)
		assert.ErrorIs(t, open(t, c).SetPassword(ctx(t), user, "Rights!Passw0rd-2"), directory.ErrOperator, "what it said holds")
		binds, err := ol.CanBind(dn, initial)
		require.NoError(t, err)
		assert.True(t, binds, "its password as it was")
	})
	t.Run("all there", func(t *testing.T) {
		c := config(ol, false)
		c.Filter = "(&(uid={username})(uid=" + plain + "))"
		found, text := conflicts(t, c)
		assert.Empty(t, found, text)
		assert.Contains(t, text, "may write userPassword of and read pwdAccountLockedTime on the only account read under")
	})
	for _, dn := range []string{plainDN, hiddenDN} {
		binds, err := ol.CanBind(dn, initial)
		require.NoError(t, err)
		assert.True(t, binds, "%s: its password as it was", dn)
	}
}
