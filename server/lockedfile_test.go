package server_test

import (
	"fmt"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/server"
	"github.com/styrke-iam/styrke/server/store/sqlite"
	"github.com/styrke-iam/styrke/server/store/sqlite/sqlitetest"
)

// TestLockedFileNamedInTheLog: while another process holds the write lock
// of the SQLite file (a sqlite3 shell with a transaction open), a write's
// request runs out of time before SQLite's busy wait (the store's deadline
// is shorter than sqlite.BusyTimeout), answers a retryable 503, and the log
// names the process that holds the lock and what to do. It said only
// "create activation timed out … context deadline exceeded", as for a slow
// disk. The same write succeeds once the lock is let go.
func TestLockedFileNamedInTheLog(t *testing.T) {
	path := filepath.Join(t.TempDir(), "styrke.db")
	st, err := sqlite.Open(t.Context(), path)
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	e := newEnv(t, func(d *server.Deps) {
		d.Store = st
		d.StoreTimeout = 400 * time.Millisecond
	})

	pid, release := sqlitetest.HoldLock(t, path)

	resp, body := e.post(t, "/api/admin/activations",
		map[string]string{"username": "kari", "name": "Kari Nordmann", "institution": "default"},
		"Authorization", "Bearer "+adminKey)
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode, "%s", body)
	assert.NotEmpty(t, resp.Header.Get("Retry-After"))
	logs := e.logs.String()
	assert.Contains(t, logs, fmt.Sprintf("process %d (", pid))
	assert.Contains(t, logs, "holds the write lock on "+path)
	assert.Contains(t, logs, "fuser -v "+path)
	assert.NotContains(t, string(body), path, "the answer does not show the server's file")

	release()
	before := len(e.logs.String())
	e.create(t, "default")
	assert.NotContains(t, e.logs.String()[before:], "write lock")
}
