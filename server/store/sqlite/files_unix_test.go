//go:build unix

package sqlite_test

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/server/store"
	"github.com/styrke-iam/styrke/server/store/sqlite"
)

// TestFilesPrivate: the database and its -wal and -shm files are created
// readable by the owner only, whatever the umask: they hold password hashes
// (issue 15 item 11: they were 0644).
func TestFilesPrivate(t *testing.T) {
	old := syscall.Umask(0o022)
	t.Cleanup(func() { syscall.Umask(old) })
	path := filepath.Join(t.TempDir(), "styrke.db")
	s, err := sqlite.Open(t.Context(), path)
	require.NoError(t, err)
	defer s.Close()
	now := time.Now().UTC()
	require.NoError(t, s.CreateActivation(t.Context(), store.Activation{
		TokenHash: make([]byte, 32), Username: "kari", Institution: "default", CreatedAt: now, ExpiresAt: now.Add(time.Hour),
	}))
	for _, name := range []string{path, path + "-wal", path + "-shm"} {
		fi, err := os.Stat(name)
		require.NoError(t, err, "%s exists", name)
		assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), "mode of %s", filepath.Base(name))
	}
}
