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
// apart from its neighbours, and an OU without the rights is named however
// many accounts the directory lists before it in an OU with them. The
// harness's service account, which has both, lacks none. Disabled accounts (Guest) are not read: Styrke sets
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
	t.Run("a container without the rights past the first accounts", func(t *testing.T) {
		// RightsSample+1 accounts in an OU under PeopleDN, where the
		// harness's account has both rights, created first; then one in
		// an OU outside it, where it has neither. Before, Rights read the
		// first RightsSample accounts the directory returned, all in the
		// first OU, and said nothing was missing.
		seq := itoa(userSeq.Add(1))
		prefix := "spread" + seq + "x"
		granted, lacking := "OU=granted"+seq+","+ad.PeopleDN, "OU=lacking"+seq+","+ad.BaseDN
		lackingDN := spread(t, ad, "CN", granted, lacking, prefix)
		c := config(ad, false)
		c.Base, c.Filter = ad.BaseDN, "(&(sAMAccountName={username})(sAMAccountName="+prefix+"*))"
		rights, text := missing(t, open(t, c))
		assert.Equal(t, []string{"Reset password", "Write lockoutTime"}, rights, text)
		assert.Contains(t, text, "may not reset the password of "+lackingDN+" (1 of the "+itoa(directory.RightsSample)+" accounts read under the base)")
		assert.Contains(t, text, "It lacks it in "+lacking+": 1 of 1 account read there.")
		assert.NotContains(t, text, granted+":", "the OU where it has them is not named")
		assert.NotContains(t, text, "were not read", "no cap reached")
	})
}

// addOU adds the organizational units dns, in order, as the directory's
// administrator.
func addOU(t *testing.T, s *dirtest.Server, dns ...string) {
	t.Helper()
	admin, err := s.Admin()
	require.NoError(t, err)
	defer admin.Close()
	for _, dn := range dns {
		add := ldap.NewAddRequest(dn, nil)
		add.Attribute("objectClass", []string{"organizationalUnit"})
		require.NoError(t, admin.Add(add), dn)
	}
}

// TestRightsOpenLDAP: on slapd, Rights names the rights a service account
// lacks on the accounts it reads (OpenLDAP has no effective rights to read:
// it asks slapd with a write that cannot change anything and the compare
// SetPassword makes), and what it says holds: the harness's account may
// write userPassword under ou=people but not read the lock of the
// SlapdHiddenLock accounts there, and may write no userPassword under
// ou=others, which is named however many accounts slapd lists before it
// where it may (an entry that is no ou, the parent of an account, too);
// past RightsContainers containers a note says the rest were not read.
// Nothing is written: the accounts keep their passwords, and
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
	t.Run("a container without the right past the first accounts", func(t *testing.T) {
		// RightsSample+1 accounts in an ou under ou=people, where the
		// harness's account may write userPassword, created first; then
		// one under ou=others, where it may not. Before, Rights read the
		// first RightsSample accounts slapd returned, all in the first ou,
		// and said nothing was missing.
		prefix := "spread" + seq + "x"
		granted, lacking := "ou=granted"+seq+","+ol.PeopleDN, "ou=lacking"+seq+",ou=others,"+ol.BaseDN
		lackingDN := spread(t, ol, "uid", granted, lacking, prefix)
		// And one below an entry that is no OU (a role's).
		admin, err := ol.Admin()
		require.NoError(t, err)
		role := "cn=desk" + seq + ",ou=others," + ol.BaseDN
		add := ldap.NewAddRequest(role, nil)
		add.Attribute("objectClass", []string{"organizationalRole"})
		require.NoError(t, admin.Add(add))
		admin.Close()
		_, err = ol.CreateUserAt("uid="+prefix+"y,"+role, prefix+"y", initial)
		require.NoError(t, err)
		c := config(ol, false)
		c.Base, c.Filter = ol.BaseDN, "(&(uid={username})(uid="+prefix+"*))"
		found, text := conflicts(t, c)
		require.Len(t, found, 1, text)
		assert.Contains(t, found[0], "may not write userPassword of "+lackingDN+" (2 of the "+itoa(directory.RightsSample)+" accounts read under the base)")
		assert.Contains(t, found[0], "It lacks it in "+lacking+": 1 of 1 account read there; "+role+": 1 of 1 account read there.")
		assert.NotContains(t, text, granted+":", "the ou where it has it is not named")
		binds, err := ol.CanBind(lackingDN, initial)
		require.NoError(t, err)
		assert.True(t, binds, "its password as it was")
	})
	t.Run("more containers than are read", func(t *testing.T) {
		// An ou holding RightsContainers ous, an account in the first and
		// one in the last: the base and the first RightsContainers-1
		// below it are read, and the note says the rest were not.
		base := "ou=many" + seq + ",ou=others," + ol.BaseDN
		ous := []string{base}
		for i := range directory.RightsContainers {
			ous = append(ous, "ou=m"+itoa(int64(i))+","+base)
		}
		addOU(t, ol, ous...)
		prefix := "many" + seq + "x"
		first, err := ol.CreateUserAt("uid="+prefix+"0,"+ous[1], prefix+"0", initial)
		require.NoError(t, err)
		last, err := ol.CreateUserAt("uid="+prefix+"1,"+ous[len(ous)-1], prefix+"1", initial)
		require.NoError(t, err)
		c := config(ol, false)
		c.Base, c.Filter = base, "(&(uid={username})(uid="+prefix+"*))"
		found, text := conflicts(t, c)
		require.Len(t, found, 1, text)
		assert.Contains(t, found[0], "may not write userPassword of "+first+" (the only account read under the base)")
		assert.NotContains(t, text, last)
		assert.Contains(t, text, fmt.Sprintf("the base %q holds more than %d containers: the service account's rights were read in the first %d the directory listed (the base among them), and accounts in the containers beyond were not read.",
			base, directory.RightsContainers, directory.RightsContainers))
	})
	for _, dn := range []string{plainDN, hiddenDN} {
		binds, err := ol.CanBind(dn, initial)
		require.NoError(t, err)
		assert.True(t, binds, "%s: its password as it was", dn)
	}
}

// spread makes the containers granted and lacking on s, RightsSample+1
// accounts named prefix and a number in granted first (their RDN's
// attribute attr), then one, prefix+"z", in lacking, whose DN it returns.
func spread(t *testing.T, s *dirtest.Server, attr, granted, lacking, prefix string) string {
	t.Helper()
	addOU(t, s, granted, lacking)
	for i := range directory.RightsSample + 1 {
		_, err := s.CreateUserAt(attr+"="+prefix+itoa(int64(i))+","+granted, prefix+itoa(int64(i)), initial)
		require.NoError(t, err)
	}
	dn, err := s.CreateUserAt(attr+"="+prefix+"z,"+lacking, prefix+"z", initial)
	require.NoError(t, err)
	return dn
}
