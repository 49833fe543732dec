package dirflow

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/server"
	"github.com/styrke-iam/styrke/server/directory"
	"github.com/styrke-iam/styrke/server/directory/dirtest"
)

// TestExpiring: the directory names the accounts whose password expires
// within the window, with when and the account's address and number, by
// the account's own policy (AD: a fine-grained password policy, read
// through msDS-UserPasswordExpiryTimeComputed; OpenLDAP: pwdChangedTime
// and the pwdMaxAge of the policy its pwdPolicySubentry names). Passwords
// that never expire, disabled AD accounts and OpenLDAP accounts whose
// password must be changed already (pwdReset) are left out, as is one
// that expires after the window.
func TestExpiring(t *testing.T) {
	both(t, func(t *testing.T, s *dirtest.Server) {
		ctx := context.Background()
		d, err := directory.Open(dirConfig(s))
		require.NoError(t, err)
		ex, ok := d.(directory.Expirer)
		require.True(t, ok, "%s lists expiring passwords", s.Kind)
		create := func(maxAge time.Duration, attrs map[string]string) string {
			user := newUsername()
			dn, err := s.CreateUser(user, initial)
			require.NoError(t, err)
			if maxAge > 0 {
				require.NoError(t, s.ExpireAfter(dn, initial, maxAge))
			}
			if attrs != nil {
				require.NoError(t, s.SetAttributes(dn, attrs))
			}
			return user
		}
		before := time.Now()
		soon := create(30*24*time.Hour, map[string]string{"mail": "kari@example.org", "mobile": "+47 924 56 789", "displayName": "Kari Nordmann", "preferredLanguage": "nn-NO"})
		later := create(90*24*time.Hour, nil)
		never := create(0, nil)
		gone := map[dirtest.Kind]map[string]string{
			dirtest.AD:       {"userAccountControl": "514"}, // disabled
			dirtest.OpenLDAP: {"pwdReset": "TRUE"},          // must change at the next bind already
		}[s.Kind]
		off := create(30*24*time.Hour, gone)
		after := time.Now()

		list, err := ex.Expiring(ctx, time.Now(), 40*24*time.Hour)
		require.NoError(t, err)
		got := map[string]directory.Expiry{}
		for _, x := range list {
			got[x.Username] = x
		}
		require.Contains(t, got, soon)
		x := got[soon]
		assert.False(t, x.Expires.Before(before.Add(30*24*time.Hour).Add(-2*time.Second)), "expires %s", x.Expires)
		assert.False(t, x.Expires.After(after.Add(30*24*time.Hour).Add(2*time.Second)), "expires %s", x.Expires)
		assert.Equal(t, "kari@example.org", x.Email)
		assert.Equal(t, "+47 924 56 789", x.Phone)
		assert.Equal(t, "Kari Nordmann", x.Name)
		assert.Equal(t, "nn", x.Lang, "preferredLanguage")
		for _, u := range []string{later, never, off} {
			assert.NotContains(t, got, u)
		}
		for i := 1; i < len(list); i++ {
			assert.False(t, list[i].Expires.Before(list[i-1].Expires), "soonest first")
		}

		list, err = ex.Expiring(ctx, time.Now(), 100*24*time.Hour)
		require.NoError(t, err)
		got = map[string]directory.Expiry{}
		for _, x := range list {
			got[x.Username] = x
		}
		assert.Contains(t, got, later, "within a longer window")
		assert.NotContains(t, got, never)

		_, err = ex.Expiring(ctx, time.Now(), 0)
		assert.Error(t, err, "a window of nothing")
	})
}

// TestExpiringLeavesOutExpiredAccounts: an AD account whose accountExpires
// has passed (AD refuses its every bind, "data 701"), or comes before its
// password's expiry, is not reminded to change a password it cannot log in
// with; one whose account runs longer than its password is. The expired
// account was reminded, and the change page then told it that the account
// is disabled.
func TestExpiringLeavesOutExpiredAccounts(t *testing.T) {
	d, err := directory.Open(dirConfig(ad))
	require.NoError(t, err)
	ex, ok := d.(directory.Expirer)
	require.True(t, ok)
	// accountExpires: FILETIME, 100 ns since 1601-01-01 UTC.
	create := func(accountEnds time.Duration) string {
		user := newUsername()
		dn, err := ad.CreateUser(user, initial)
		require.NoError(t, err)
		require.NoError(t, ad.ExpireAfter(dn, initial, 30*24*time.Hour))
		ft := time.Now().Add(accountEnds).Unix()*10_000_000 + 116_444_736_000_000_000
		require.NoError(t, ad.SetAttributes(dn, map[string]string{"accountExpires": strconv.FormatInt(ft, 10)}))
		return user
	}
	expired := create(-48 * time.Hour)
	endsFirst := create(10 * 24 * time.Hour)
	runsLonger := create(60 * 24 * time.Hour)

	list, err := ex.Expiring(context.Background(), time.Now(), 40*24*time.Hour)
	require.NoError(t, err)
	got := map[string]bool{}
	for _, x := range list {
		got[x.Username] = true
	}
	assert.False(t, got[expired], "an expired account is not reminded")
	assert.False(t, got[endsFirst], "an account that ends before its password is not reminded")
	assert.True(t, got[runsLonger], "an account that runs longer than its password is")
}

// TestAdminExpiring: GET /api/admin/expiring lists, as the service desk
// sees them, the accounts whose password expires within the window and
// whether a reminder can reach them (a dry run: no mailer is configured
// here, and the listing asks none).
func TestAdminExpiring(t *testing.T) {
	both(t, func(t *testing.T, s *dirtest.Server) {
		const key = "admin-key-for-the-expiring-list-0123456789"
		d, err := directory.Open(dirConfig(s))
		require.NoError(t, err)
		e := newEnv(t, s, func(deps *server.Deps) {
			deps.AdminKey = key
			deps.Directories = &directory.Set{Default: d} // not counting's wrapper, which hides Expiring
		})
		reach := newUsername()
		dn, err := s.CreateUser(reach, initial)
		require.NoError(t, err)
		require.NoError(t, s.ExpireAfter(dn, initial, 10*24*time.Hour))
		require.NoError(t, s.SetAttributes(dn, map[string]string{"mail": "reach@example.org"}))
		unreachable := newUsername()
		dn, err = s.CreateUser(unreachable, initial)
		require.NoError(t, err)
		require.NoError(t, s.ExpireAfter(dn, initial, 12*24*time.Hour))

		req, err := http.NewRequest(http.MethodGet, e.srv.URL+"/api/admin/expiring?within=14d", nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+key)
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer res.Body.Close()
		require.Equal(t, http.StatusOK, res.StatusCode)
		assert.Equal(t, "application/jsonl; charset=utf-8", res.Header.Get("Content-Type"))
		got := map[string]server.Reminder{}
		dec := json.NewDecoder(res.Body)
		for dec.More() {
			var r server.Reminder
			require.NoError(t, dec.Decode(&r))
			got[r.Username] = r
		}
		assert.Equal(t, server.RemindWouldSend, got[reach].State)
		assert.Equal(t, 14, got[reach].Window)
		assert.Equal(t, server.RemindNoAddress, got[unreachable].State)
		e.noSecrets(initial)
	})
}
