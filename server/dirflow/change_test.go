package dirflow

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/server/directory/dirtest"
)

func (e *env) change(username, current, pw string) answer {
	e.t.Helper()
	body, _ := json.Marshal(map[string]string{"username": username, "current": current, "password": pw})
	req, err := http.NewRequest(http.MethodPost, e.srv.URL+"/api/change", bytes.NewReader(body))
	require.NoError(e.t, err)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(e.t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return answer{resp.StatusCode, b, resp.Header.Get("Retry-After")}
}

// TestChange: the person's own change against the real directory: a wrong
// current password and an unknown username get the same answer and change
// nothing; the right one changes it, after which the old password no
// longer binds and the new one does.
func TestChange(t *testing.T) {
	both(t, func(t *testing.T, s *dirtest.Server) {
		e := newEnv(t, s, nil)
		user := newUsername()
		dn, err := s.CreateUser(user, initial)
		require.NoError(t, err)
		pw := password(t)

		wrong := e.change(user, initial+"x", pw)
		assert.Equal(t, http.StatusUnauthorized, wrong.Status, "%s", wrong.Body)
		assert.Equal(t, "invalid_credentials", wrong.code())
		unknown := e.change(newUsername(), initial, pw)
		assert.Equal(t, wrong.Status, unknown.Status, "an unknown username is told nothing more")
		assert.Equal(t, wrong.Body, unknown.Body, "an unknown username is told nothing more")
		assert.True(t, e.binds(dn, initial), "nothing changed")

		a := e.change(user, initial, pw)
		require.Equal(t, http.StatusNoContent, a.Status, "%s", a.Body)
		assert.True(t, e.binds(dn, pw), "the new password binds")
		assert.False(t, e.binds(dn, initial), "the old password no longer binds")
		e.noSecrets(initial, pw)
	})
}

// TestChangeRefusedByDirectory: a password Styrke accepts and the
// directory refuses comes back as the directory's rule, and changes
// nothing.
func TestChangeRefusedByDirectory(t *testing.T) {
	e := newEnv(t, ad, nil)
	user := newUsername()
	dn, err := ad.CreateUser(user, initial)
	require.NoError(t, err)
	a := e.change(user, initial, lowercase(t))
	assert.Equal(t, http.StatusUnprocessableEntity, a.Status, "%s", a.Body)
	assert.Contains(t, a.rules(), "directory_complexity")
	assert.True(t, e.binds(dn, initial))
}

// TestChangeStopsBeforeLockout: the directories lock an account after 5
// wrong passwords; Styrke stops guesses at 3 (two tries left for the
// person's own logins), so wrong guesses through Styrke never lock the
// account: it still binds with its password.
func TestChangeStopsBeforeLockout(t *testing.T) {
	both(t, func(t *testing.T, s *dirtest.Server) {
		e := newEnv(t, s, nil)
		user := newUsername()
		dn, err := s.CreateUser(user, initial)
		require.NoError(t, err)
		pw := password(t)
		var statuses []int
		for i := range 6 {
			statuses = append(statuses, e.change(user, initial+string(rune('a'+i)), pw).Status)
		}
		assert.Equal(t, []int{401, 401, 401, 429, 429, 429}, statuses)
		a := e.change(user, initial, pw)
		assert.Equal(t, http.StatusTooManyRequests, a.Status, "the right password waits too")
		assert.NotEmpty(t, a.RetryAfter)
		assert.True(t, e.binds(dn, initial), "the account is not locked in the directory")
	})
}
