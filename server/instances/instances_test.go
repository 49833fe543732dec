// Package instances_test runs two `styrke serve` handlers on one
// PostgreSQL database, the way to grow past one machine, and checks that
// what protects a link or an account holds across them (SECURITY.md,
// "Per instance or shared").
package instances_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/server"
	"github.com/styrke-iam/styrke/server/store/backend"
	"github.com/styrke-iam/styrke/server/store/pgtest"
)

var pg *pgtest.Server

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m, &pg)) }

const (
	adminKey = "test-admin-key-0123456789-abcdefghij"
	strong   = "Kveldssol over Lyngen-fjorden 42!"
	strong2  = "Morgentåke over Sognefjorden og Jostedalsbreen?"
)

// pair starts two handlers, each with its own connection pool, on one
// fresh database, sharing the throttle key as instances sharing one
// identity key do (styrke serve derives it from --identity-key-file).
func pair(t *testing.T) [2]*httptest.Server {
	t.Helper()
	dsn := pg.Database(t)
	var out [2]*httptest.Server
	for i := range out {
		st, err := backend.Open(context.Background(), dsn)
		require.NoError(t, err)
		t.Cleanup(func() { st.Close() })
		srv := httptest.NewServer(server.NewHandler(server.Deps{
			Store: st, AdminKey: adminKey, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
			RateLimit: -1, TokenRateLimit: -1, BreachRateLimit: -1,
			ThrottleKey: []byte("one key for every instance, 32 bytes or more"),
		}))
		t.Cleanup(srv.Close)
		out[i] = srv
	}
	return out
}

func post(t *testing.T, srv *httptest.Server, path string, v any) (int, string) {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	req, err := http.NewRequest(http.MethodPost, srv.URL+path, bytes.NewReader(b))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+adminKey)
	resp, err := srv.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(body)
}

func code(t *testing.T, body string) string {
	t.Helper()
	var e struct {
		Error struct{ Code string } `json:"error"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &e), "body %s", body)
	return e.Error.Code
}

// create makes an activation for username on srv and returns its token.
func create(t *testing.T, srv *httptest.Server, username string) string {
	t.Helper()
	status, body := post(t, srv, "/api/admin/activations", map[string]string{"username": username, "institution": "default"})
	require.Equal(t, http.StatusCreated, status, "%s", body)
	var out struct{ Link string }
	require.NoError(t, json.Unmarshal([]byte(body), &out))
	_, token, ok := strings.Cut(out.Link, "/aktiver/#/pw/")
	require.True(t, ok)
	return token
}

// TestLinkSingleUseAcrossInstances: a link completed on one instance is
// used on the other.
func TestLinkSingleUseAcrossInstances(t *testing.T) {
	s := pair(t)
	token := create(t, s[0], "kari")
	status, body := post(t, s[1], "/api/activation/complete", map[string]string{"token": token, "password": strong})
	require.Equal(t, http.StatusOK, status, "%s", body)
	status, body = post(t, s[0], "/api/activation/complete", map[string]string{"token": token, "password": strong2})
	assert.Equal(t, http.StatusGone, status, "%s", body)
	assert.Equal(t, "token_used", code(t, body))
}

// TestLinkLockAcrossInstances: failed completes count on the link whichever
// instance answers; after server.MaxFailures it is locked on both.
func TestLinkLockAcrossInstances(t *testing.T) {
	s := pair(t)
	token := create(t, s[0], "ola")
	for i := range server.MaxFailures {
		status, body := post(t, s[i%2], "/api/activation/complete", map[string]string{"token": token, "password": "short"})
		require.Equal(t, http.StatusUnprocessableEntity, status, "failure %d: %s", i+1, body)
	}
	for i, srv := range s {
		status, body := post(t, srv, "/api/activation/complete", map[string]string{"token": token, "password": strong})
		assert.Equal(t, http.StatusGone, status, "instance %d: %s", i, body)
		assert.Equal(t, "token_locked", code(t, body), "instance %d", i)
	}
}

// TestChangeThrottleAcrossInstances: wrong current passwords for one
// username count whichever instance answers.
func TestChangeThrottleAcrossInstances(t *testing.T) {
	s := pair(t)
	token := create(t, s[0], "per")
	status, body := post(t, s[0], "/api/activation/complete", map[string]string{"token": token, "password": strong})
	require.Equal(t, http.StatusOK, status, "%s", body)
	for i := range server.DefaultChangeUserLimit {
		status, body := post(t, s[i%2], "/api/change", map[string]string{"username": "per", "current": "wrong " + strings.Repeat("x", i), "password": strong2})
		require.Equal(t, http.StatusUnauthorized, status, "try %d: %s", i+1, body)
	}
	for i, srv := range s {
		status, body := post(t, srv, "/api/change", map[string]string{"username": "per", "current": strong, "password": strong2})
		assert.Equal(t, http.StatusTooManyRequests, status, "instance %d: %s", i, body)
	}
}
