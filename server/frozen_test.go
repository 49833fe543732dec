package server_test

import (
	"context"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/internal/syncbuf"
	"github.com/styrke-iam/styrke/server"
	"github.com/styrke-iam/styrke/server/store"
	"github.com/styrke-iam/styrke/server/store/pgtest"
	"github.com/styrke-iam/styrke/server/store/postgres"
)

// TestFrozenDatabase: with PostgreSQL frozen (SIGSTOP to every process of
// it), lookup and complete answer a retryable 503 within seconds (they hung
// for 45 s), nothing is half done, and the same link works once the
// database is back (issue 15 item 3).
func TestFrozenDatabase(t *testing.T) {
	pg, err := pgtest.Start()
	require.NoError(t, err)
	t.Cleanup(func() { pg.Stop() }) // after the database's own cleanup
	st, err := postgres.Open(context.Background(), pg.Database(t))
	require.NoError(t, err)
	defer st.Close()
	e := storeEnv(t, st, time.Second)
	token := e.create(t, "default")

	require.NoError(t, pg.Freeze())
	thawed := false
	t.Cleanup(func() {
		if !thawed {
			pg.Thaw()
		}
	})
	for path, req := range map[string]map[string]string{
		"/api/activation/lookup":   {"token": token},
		"/api/activation/complete": {"token": token, "password": strong},
	} {
		start := time.Now()
		resp, body := e.post(t, path, req)
		took := time.Since(start)
		assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode, "%s: %s", path, body)
		assert.Equal(t, "unavailable", errCode(t, body), path)
		assert.NotEmpty(t, resp.Header.Get("Retry-After"), path)
		assert.Less(t, took, 5*time.Second, "%s answered within seconds", path)
	}
	require.NoError(t, pg.Thaw())
	thawed = true

	resp, body := e.post(t, "/api/activation/complete", map[string]string{"token": token, "password": strong})
	require.Equal(t, http.StatusOK, resp.StatusCode, "the same link, once the database is back: %s", body)
	a, err := st.Activation(context.Background(), server.HashToken(token))
	require.NoError(t, err)
	assert.Zero(t, a.Failures, "the outage counted nothing against the link")
	assert.NotContains(t, e.logs.String(), strong)
}

// TestStoppedDatabase: with PostgreSQL stopped, the person's and the
// desk's requests answer a retryable 503 "unavailable" with Retry-After,
// not 500 "internal error" (a user test stopped it: every API said
// internal, and the desk had no hint it was the database).
func TestStoppedDatabase(t *testing.T) {
	pg, err := pgtest.Start()
	require.NoError(t, err)
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			pg.Stop()
		}
	})
	st, err := postgres.Open(context.Background(), pg.DSN("postgres"))
	require.NoError(t, err)
	defer st.Close()
	e := storeEnv(t, st, 2*time.Second)
	token := e.create(t, "default")

	pg.Stop()
	stopped = true
	for path, req := range map[string]map[string]string{
		"/api/activation/lookup":   {"token": token},
		"/api/activation/complete": {"token": token, "password": strong},
		"/api/change":              {"username": "ola", "current": strong, "password": strong2},
	} {
		resp, body := e.post(t, path, req)
		assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode, "%s: %s", path, body)
		assert.Equal(t, "unavailable", errCode(t, body), path)
		assert.NotEmpty(t, resp.Header.Get("Retry-After"), path)
	}
	resp, body := e.do(t, http.MethodGet, "/api/admin/activations", "", "", "Authorization", "Bearer "+adminKey)
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode, "the desk's list: %s", body)
	// The metrics say it: the store is down, and the open links unknown
	// (the gauge said -1).
	got := gauges(t, server.NewMetrics(st, nil))
	assert.Equal(t, 0.0, got["styrke_store_up"])
	assert.True(t, math.IsNaN(got["styrke_open_activations"]), "%v", got["styrke_open_activations"])
	assert.NotContains(t, e.logs.String(), strong)
}

// storeEnv serves the handler on st, each store call bounded by timeout,
// its log in the env's logs (Info and above), until t ends.
func storeEnv(t *testing.T, st store.Store, timeout time.Duration) *env {
	t.Helper()
	logs := &syncbuf.Buffer{}
	srv := httptest.NewServer(server.NewHandler(server.Deps{
		Store: st, AdminKey: adminKey, RateLimit: -1, TokenRateLimit: -1,
		StoreTimeout: timeout, Logger: slog.New(slog.NewTextHandler(logs, nil)),
	}))
	t.Cleanup(srv.Close)
	return &env{srv: srv, logs: logs}
}
