package directory_test

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/server/directory"
)

// TestExpiringPastSizeLimit: OpenLDAP answers an ordinary account's
// search, paged or not, with at most its size limit of entries (slapd's
// olcSizeLimit, 500 by default) and then "Size Limit Exceeded". Expiring
// asks slapd only for the accounts whose password expires in the window
// (pwdChangedTime in each policy's range), so a directory with more
// accounts than that is reminded of the few that expire; until 2026-12-07
// it asked for every account with a pwdChangedTime, and `styrke directory
// remind` failed on any slapd with more than 500 (checked with the old
// code: this test's first window failed with the size limit). A window
// that holds more than the limit is searched in parts of its time (the
// version without them failed the second window); one whose one second
// holds more still fails, and its error says what to grant; a service
// account granted it lists them all.
func TestExpiringPastSizeLimit(t *testing.T) {
	const many = 505 // past slapd's default limit of 500
	admin, err := ol.Admin()
	require.NoError(t, err)
	defer admin.Close()
	tag := strconv.FormatInt(time.Now().UnixNano(), 36)
	ou := "ou=many" + tag + "," + ol.PeopleDN
	month := "cn=month" + tag + ",ou=policies," + ol.BaseDN
	week := "cn=week" + tag + ",ou=policies," + ol.BaseDN
	var dns []string
	t.Cleanup(func() {
		c, err := ol.Admin()
		if err != nil {
			return
		}
		defer c.Close()
		for _, dn := range append(dns, ou, month, week) {
			c.Del(ldap.NewDelRequest(dn, nil))
		}
	})
	for dn, maxAge := range map[string]time.Duration{month: 30 * 24 * time.Hour, week: 5 * 24 * time.Hour} {
		add := ldap.NewAddRequest(dn, nil)
		add.Attribute("objectClass", []string{"applicationProcess", "pwdPolicy"})
		add.Attribute("pwdAttribute", []string{"userPassword"})
		add.Attribute("pwdMaxAge", []string{strconv.Itoa(int(maxAge / time.Second))})
		require.NoError(t, admin.Add(add))
	}
	add := ldap.NewAddRequest(ou, nil)
	add.Attribute("objectClass", []string{"organizationalUnit"})
	require.NoError(t, admin.Add(add))
	// Every account's password set under a policy with a maximum age, so
	// that ppolicy records when (pwdChangedTime): 505 that expire in 30
	// days, 2 in 5.
	for k := range many + 2 {
		user := fmt.Sprintf("many%s-%03d", tag, k)
		dn := "uid=" + user + "," + ou
		policy := month
		if k >= many {
			policy = week
		}
		add := ldap.NewAddRequest(dn, nil)
		add.Attribute("objectClass", []string{"inetOrgPerson"})
		for _, a := range []string{"uid", "cn", "sn"} {
			add.Attribute(a, []string{user})
		}
		add.Attribute("pwdPolicySubentry", []string{policy})
		require.NoError(t, admin.Add(add))
		dns = append(dns, dn)
		mod := ldap.NewModifyRequest(dn, nil)
		mod.Replace("userPassword", []string{initial})
		require.NoError(t, admin.Modify(mod))
	}
	c := config(ol, false)
	c.Base = ou
	d := open(t, c).(directory.Expirer)

	out, err := d.Expiring(ctx(t), time.Now(), 10*24*time.Hour)
	require.NoError(t, err, "507 accounts, 2 of them expiring")
	var users []string
	for _, e := range out {
		users = append(users, e.Username)
	}
	assert.Equal(t, []string{fmt.Sprintf("many%s-%03d", tag, many), fmt.Sprintf("many%s-%03d", tag, many+1)}, users)

	// When the passwords were set, as the directory's administrator
	// writes it (ppolicy's pwdChangedTime, with the relax control).
	changed := func(k int, at time.Time) {
		t.Helper()
		mod := ldap.NewModifyRequest(dns[k], []ldap.Control{ldap.NewControlString("1.3.6.1.4.1.4203.666.5.12", true, "")})
		mod.Replace("pwdChangedTime", []string{at.UTC().Format("20060102150405Z")})
		require.NoError(t, admin.Modify(mod))
	}
	// 507 in a window of 40 days, set on two days: the search is split in
	// time until each part holds no more than the limit.
	now := time.Now()
	for k := range many {
		changed(k, now.Add(-24*time.Hour*time.Duration(1+k/300)))
	}
	out, err = d.Expiring(ctx(t), now, 40*24*time.Hour)
	require.NoError(t, err, "507 expiring, set on two days")
	assert.Len(t, out, many+2)

	// 505 set in one second: no split is under the limit, and the error
	// says what to grant.
	for k := range many {
		changed(k, now.Add(-24*time.Hour))
	}
	_, err = d.Expiring(ctx(t), now, 40*24*time.Hour)
	require.ErrorIs(t, err, directory.ErrOperator, "505 expiring, set in one second")
	assert.ErrorContains(t, err, "size limit")
	assert.ErrorContains(t, err, `olcLimits: dn.exact="`+ol.ServiceDN+`" size=unlimited`, "what to grant")

	// Granted so (dirtest's UnlimitedDN), the same window lists them all.
	c.BindDN = ol.UnlimitedDN
	out, err = open(t, c).(directory.Expirer).Expiring(ctx(t), now, 40*24*time.Hour)
	require.NoError(t, err)
	assert.Len(t, out, many+2)
}
