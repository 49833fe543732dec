package sqlite_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/server/store"
	"github.com/styrke-iam/styrke/server/store/sqlite"
	"github.com/styrke-iam/styrke/server/store/storetest"
)

// TestCopy: a SQLite file copied to another (a backup while the server
// runs) and back.
func TestCopy(t *testing.T) {
	storetest.RunCopy(t, open, open)
}

// TestCopyTablesMatchSchema: store.Tables names every table and column the
// migrations make, with their storage class and whether they may be NULL,
// so that a copy loses nothing a later migration adds.
func TestCopyTablesMatchSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "styrke.db")
	s, err := sqlite.Open(t.Context(), path)
	require.NoError(t, err)
	s.Close()
	db, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	defer db.Close()
	rows, err := db.QueryContext(t.Context(), `SELECT name FROM sqlite_master WHERE type = 'table'
		AND name NOT IN ('schema_migrations', 'sqlite_sequence') ORDER BY name`)
	require.NoError(t, err)
	var tables []string
	for rows.Next() {
		var n string
		require.NoError(t, rows.Scan(&n))
		tables = append(tables, n)
	}
	require.NoError(t, rows.Err())
	var want []string
	for _, tb := range store.Tables {
		want = append(want, tb.Name)
	}
	assert.ElementsMatch(t, tables, want, "tables in the database, tables in store.Tables")

	class := map[store.Kind]string{store.Text: "TEXT", store.Int: "INTEGER", store.Bytes: "BLOB", store.Time: "INTEGER", store.Bool: "INTEGER"}
	for _, tb := range store.Tables {
		got := map[string]string{}
		rows, err := db.QueryContext(t.Context(), `SELECT name, type, "notnull" FROM pragma_table_info(?)`, tb.Name)
		require.NoError(t, err)
		for rows.Next() {
			var name, typ string
			var notNull bool
			require.NoError(t, rows.Scan(&name, &typ, &notNull))
			got[name] = strings.ToUpper(typ) + map[bool]string{true: " NOT NULL", false: " NULL"}[notNull]
		}
		require.NoError(t, rows.Err())
		wantCols := map[string]string{}
		for _, c := range tb.Columns {
			// A primary key of a rowid table may be NULL by its
			// declaration; none of ours holds one.
			wantCols[c.Name] = class[c.Kind] + map[bool]string{true: " NULL", false: " NOT NULL"}[c.Null]
		}
		for name, decl := range got {
			if strings.HasSuffix(decl, " NULL") && !strings.HasSuffix(decl, "NOT NULL") && wantCols[name] == strings.TrimSuffix(decl, " NULL")+" NOT NULL" {
				got[name] = wantCols[name] // a PRIMARY KEY column, NOT NULL in practice
			}
		}
		assert.Equal(t, wantCols, got, "table %s", tb.Name)
	}
}

// TestPingNewerSchema: once another instance has migrated the file to a
// newer schema, Ping (readyz) says so: an older instance answered ready
// and went on writing without what the newer schema asks.
func TestPingNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "styrke.db")
	s, err := sqlite.Open(t.Context(), path)
	require.NoError(t, err)
	defer s.Close()
	require.NoError(t, s.Ping(t.Context()))
	db, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	defer db.Close()
	_, err = db.ExecContext(t.Context(), `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'from a newer Styrke', 0)`, sqlite.SchemaVersion+1)
	require.NoError(t, err)
	err = s.Ping(t.Context())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "newer than this program's")
}

// TestOpenCannotSays: a folder in the store file's place is said to be
// one, with what to give instead (syscall.EISDIR), by Open and
// OpenCurrent; it said "unable to open database file (14)", and then
// blamed the user's rights on the file. A file the user may not write is
// cmd/styrke's TestServeRefusesUnwritableStore, a read-only mount its
// TestStoreOnReadOnlyMount.
func TestOpenCannotSays(t *testing.T) {
	path := filepath.Join(t.TempDir(), "styrke.db")
	require.NoError(t, os.Mkdir(path, 0o700))
	for name, open := range map[string]func(context.Context, string) (*sqlite.Store, error){"Open": sqlite.Open, "OpenCurrent": sqlite.OpenCurrent} {
		_, err := open(t.Context(), path)
		require.ErrorIs(t, err, syscall.EISDIR, name)
		assert.Contains(t, err.Error(), "give a file path (such as "+filepath.Join(path, "styrke.db")+")", name)
	}
}

// copySource makes a SQLite store of what Fill writes and n audit events
// more (written by SQL, in one statement: the store's own appends take a
// transaction each), for the copy's benchmarks.
func copySource(b *testing.B, n int) *sqlite.Store {
	path := filepath.Join(b.TempDir(), "source.db")
	s, err := sqlite.Open(b.Context(), path)
	require.NoError(b, err)
	b.Cleanup(func() { s.Close() })
	db, err := sql.Open("sqlite", path)
	require.NoError(b, err)
	defer db.Close()
	_, err = db.ExecContext(b.Context(), `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ?)
		INSERT INTO audit_events (time, event, actor, username, institution, detail)
		SELECT x, 'created', 'admin:desk', 'user' || x, 'uio', '{"to":"user' || x || '@example.no"}' FROM c`, n)
	require.NoError(b, err)
	return s
}

// BenchmarkCopy copies a store of 20,000 audit events into a new SQLite
// file (a backup), read back and compared as store copy does.
func BenchmarkCopy(b *testing.B) {
	const rows = 20000
	src := copySource(b, rows)
	for b.Loop() {
		b.StopTimer()
		dst, err := sqlite.Open(b.Context(), filepath.Join(b.TempDir(), "copy.db"))
		require.NoError(b, err)
		b.StartTimer()
		if _, err := store.Copy(b.Context(), src, dst); err != nil {
			b.Fatal(err)
		}
		if err := dst.Seal(b.Context()); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
