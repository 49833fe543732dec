package server_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/server"
	"github.com/styrke-iam/styrke/server/passhash"
)

// setPassword gives username a current password in the store (directory
// none).
func (e *resetEnv) setPassword(t *testing.T, username, password string) {
	t.Helper()
	enc, err := passhash.Hash(password)
	require.NoError(t, err)
	require.NoError(t, e.st.SetPassword(context.Background(), username, time.Now(), enc, 5))
}

func change(username, current, password string) map[string]string {
	return map[string]string{"username": username, "current": current, "password": password}
}

func TestChange(t *testing.T) {
	e := newResetEnv(t, nil)
	e.setPassword(t, "ola", strong)
	res, body := e.postJSON(t, "/api/change", change("ola", strong, strong2))
	require.Equal(t, http.StatusNoContent, res.StatusCode, "%s", body)
	res, body = e.postJSON(t, "/api/change", change("ola", strong, "Nordlys over Tromsø i januar 2026!"))
	assert.Equal(t, http.StatusUnauthorized, res.StatusCode, "the old password no longer works")
	assert.Equal(t, "invalid_credentials", errCode(t, body))
	res, body = e.postJSON(t, "/api/change", change("ola", strong2, strong))
	assert.Equal(t, http.StatusUnprocessableEntity, res.StatusCode, "history: the old one is refused, %s", body)
	assertNoSecrets(t, e.logs.String(), strong, strong2)
}

func TestChangeErrors(t *testing.T) {
	cases := []struct {
		name   string
		req    map[string]string
		status int
		code   string
	}{
		{"wrong current password", change("ola", strong+"x", strong2), http.StatusUnauthorized, "invalid_credentials"},
		{"unknown username", change("nobody", strong, strong2), http.StatusUnauthorized, "invalid_credentials"},
		{"empty username", change("", strong, strong2), http.StatusBadRequest, "invalid"},
		{"empty current", change("ola", "", strong2), http.StatusBadRequest, "invalid"},
		{"unknown institution", map[string]string{"username": "ola", "institution": "nowhere", "current": strong, "password": strong2}, http.StatusBadRequest, "invalid"},
		{"same password", change("ola", strong, strong), http.StatusBadRequest, "invalid"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newResetEnv(t, nil)
			e.setPassword(t, "ola", strong)
			res, body := e.postJSON(t, "/api/change", tc.req)
			assert.Equal(t, tc.status, res.StatusCode, "%s", body)
			if tc.code != "" {
				assert.Equal(t, tc.code, errCode(t, body))
			}
			hist, _ := e.st.History(context.Background(), "ola", 5)
			assert.Len(t, hist, 1, "nothing set")
		})
	}
	t.Run("weak new password refused before the current is checked", func(t *testing.T) {
		e := newResetEnv(t, nil)
		e.setPassword(t, "ola", strong)
		res, _ := e.postJSON(t, "/api/change", change("ola", "wrong", "short"))
		assert.Equal(t, http.StatusUnprocessableEntity, res.StatusCode)
	})
}

func TestChangeThrottle(t *testing.T) {
	e := newResetEnv(t, func(d *server.Deps) { d.ChangeUserLimit, d.ChangeAddrLimit = 3, 6 })
	e.setPassword(t, "ola", strong)
	for i := range 3 {
		res, _ := e.postJSON(t, "/api/change", change("ola", "wrong-"+string(rune('a'+i)), strong2))
		require.Equal(t, http.StatusUnauthorized, res.StatusCode, "try %d", i+1)
	}
	res, body := e.postJSON(t, "/api/change", change("ola", strong, strong2))
	assert.Equal(t, http.StatusTooManyRequests, res.StatusCode, "even the right password waits after the limit")
	assert.Equal(t, "rate_limited", errCode(t, body))
	assert.NotEmpty(t, res.Header.Get("Retry-After"))
	// An unknown username is throttled the same way (nothing told apart).
	for range 3 {
		e.postJSON(t, "/api/change", change("nobody", "wrong", strong2))
	}
	res, _ = e.postJSON(t, "/api/change", change("nobody", "wrong", strong2))
	assert.Equal(t, http.StatusTooManyRequests, res.StatusCode, "per address (6) reached")
	e.advance(server.ChangeWindow + time.Second)
	res, body = e.postJSON(t, "/api/change", change("ola", strong, strong2))
	assert.Equal(t, http.StatusNoContent, res.StatusCode, "after the window: %s", body)
}
