package sqlite_test

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/server/store/sqlite"
	"github.com/styrke-iam/styrke/server/store/sqlite/sqlitetest"
)

// TestLockedNamesTheHolder: Locked names another process that holds the
// write lock (its id and name, from the kernel's lock table), never this
// process's own transaction, and nothing once the lock is let go.
func TestLockedNamesTheHolder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "styrke.db")
	s, err := sqlite.Open(t.Context(), path)
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	assert.Empty(t, s.Locked(t.Context()), "nobody holds it")

	// This process's own write in progress is not another's lock.
	conn, err := s.WriteConn(t.Context())
	require.NoError(t, err)
	_, err = conn.ExecContext(t.Context(), `BEGIN IMMEDIATE`)
	require.NoError(t, err)
	assert.Empty(t, s.Locked(t.Context()), "this process's own transaction")
	_, err = conn.ExecContext(t.Context(), `ROLLBACK`)
	require.NoError(t, err)
	require.NoError(t, conn.Close())

	pid, release := sqlitetest.HoldLock(t, path)
	why := s.Locked(t.Context())
	assert.Contains(t, why, fmt.Sprintf("process %d (sqlite.test)", pid))
	assert.Contains(t, why, "holds the write lock on "+path)
	assert.Contains(t, why, "`fuser -v "+path+"`")
	release()
	assert.Empty(t, s.Locked(t.Context()), "let go")
}
