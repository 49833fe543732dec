package postgres_test

import (
	"path/filepath"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/server/store"
	"github.com/styrke-iam/styrke/server/store/postgres"
	"github.com/styrke-iam/styrke/server/store/sqlite"
	"github.com/styrke-iam/styrke/server/store/storetest"
)

func openSQLite(t *testing.T) store.Store {
	t.Helper()
	s, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "styrke.db"))
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return s
}

// TestCopy: a store grown on SQLite copied to PostgreSQL and back, one
// filled on PostgreSQL copied to SQLite and back, and PostgreSQL to
// PostgreSQL.
func TestCopy(t *testing.T) {
	t.Run("FromSQLite", func(t *testing.T) { storetest.RunCopy(t, openSQLite, open) })
	t.Run("ToSQLite", func(t *testing.T) { storetest.RunCopy(t, open, openSQLite) })
	t.Run("ToPostgreSQL", func(t *testing.T) { storetest.RunCopy(t, open, open) })
}

// TestCopyTablesMatchSchema: store.Tables names every table and column the
// migrations make, with their types and whether they may be NULL, so that a
// copy loses nothing a later migration adds.
func TestCopyTablesMatchSchema(t *testing.T) {
	dsn := pg.Database(t)
	s, err := postgres.Open(t.Context(), dsn)
	require.NoError(t, err)
	s.Close()
	conn, err := pgx.Connect(t.Context(), dsn)
	require.NoError(t, err)
	defer conn.Close(t.Context())
	rows, err := conn.Query(t.Context(), `SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name <> 'schema_migrations'`)
	require.NoError(t, err)
	got := map[string]map[string]string{}
	for rows.Next() {
		var table, col, typ, null string
		require.NoError(t, rows.Scan(&table, &col, &typ, &null))
		if got[table] == nil {
			got[table] = map[string]string{}
		}
		got[table][col] = typ + " " + null
	}
	require.NoError(t, rows.Err())
	types := map[store.Kind][]string{
		store.Text: {"text"}, store.Int: {"integer", "bigint"}, store.Bytes: {"bytea"},
		store.Time: {"timestamp with time zone"}, store.Bool: {"boolean"},
	}
	want := map[string]map[string]string{}
	for _, tb := range store.Tables {
		want[tb.Name] = map[string]string{}
		for _, c := range tb.Columns {
			typ := types[c.Kind][0]
			if g, ok := got[tb.Name][c.Name]; ok {
				for _, alt := range types[c.Kind] {
					if len(g) > len(alt) && g[:len(alt)+1] == alt+" " {
						typ = alt
					}
				}
			}
			want[tb.Name][c.Name] = typ + " " + map[bool]string{true: "YES", false: "NO"}[c.Null]
		}
	}
	assert.Equal(t, want, got)
}
