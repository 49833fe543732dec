package sqlitetest_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/server/store/sqlite"
	"github.com/styrke-iam/styrke/server/store/sqlite/sqlitetest"
	"github.com/styrke-iam/styrke/server/store/storetest"
)

// TestOpen: a store from the template has every migration, the mode
// sqlite.Open gives a new file, and no rows: an activation made in the
// first is not in the second.
func TestOpen(t *testing.T) {
	a := storetest.NewActivation("one", "kari", time.Hour)
	for i := range 2 {
		path := filepath.Join(t.TempDir(), "styrke.db")
		s, err := sqlitetest.Open(t, path)
		require.NoError(t, err)
		from, to := s.Migrated()
		assert.Equal(t, [2]int{sqlite.SchemaVersion, sqlite.SchemaVersion}, [2]int{from, to}, "store %d: schema at open, after", i)
		fi, err := os.Stat(path)
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), "store %d: file mode", i)
		_, err = s.Activation(t.Context(), a.TokenHash)
		assert.Error(t, err, "store %d: the template holds no activation", i)
		require.NoError(t, s.CreateActivation(t.Context(), a), "store %d", i)
		require.NoError(t, s.Close())
	}
}
