package postgres_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

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

// heldSource is a copy's source that stops at its first row until release
// is closed.
type heldSource struct {
	store.Copier
	started, release chan struct{}
}

func (h *heldSource) ReadAll(ctx context.Context, fn func(t *store.Table, row []any) error) error {
	first := true
	return h.Copier.ReadAll(ctx, func(t *store.Table, row []any) error {
		if first {
			first = false
			close(h.started)
			<-h.release
		}
		return fn(t, row)
	})
}

// TestCopyHoldsStartingServe: a serve started on the destination while a
// copy writes it waits in Open until the copy has committed, then finds
// the copied store and its keys. It began with empty tables and, its
// shared key's read timing out, a throttle key of its own.
func TestCopyHoldsStartingServe(t *testing.T) {
	src := openSQLite(t)
	storetest.Fill(t, src)
	want, err := src.Secret(t.Context(), "throttle")
	require.NoError(t, err)
	dsn := pg.Database(t)
	dst, err := postgres.Open(t.Context(), dsn)
	require.NoError(t, err)
	defer dst.Close()
	h := &heldSource{Copier: src.(store.Copier), started: make(chan struct{}), release: make(chan struct{})}
	copied := make(chan error, 1)
	go func() {
		_, err := store.Copy(t.Context(), h, dst)
		copied <- err
	}()
	<-h.started
	opened := make(chan store.Store, 1)
	go func() {
		s, err := postgres.Open(t.Context(), dsn)
		if err != nil {
			t.Error(err)
		}
		opened <- s
	}()
	var s store.Store
	select {
	case s = <-opened:
		t.Error("a serve's Open went on while the copy held the store")
	case <-time.After(300 * time.Millisecond):
	}
	close(h.release)
	require.NoError(t, <-copied)
	if s == nil {
		s = <-opened
	}
	require.NotNil(t, s)
	defer s.Close()
	got, err := s.Secret(t.Context(), "throttle")
	require.NoError(t, err)
	assert.Equal(t, want, got)
}

// TestPingNewerSchema: once another instance has migrated the database to
// a newer schema, Ping (readyz) says so: an older instance answered ready
// and went on completing links without the newer schema's account lease.
func TestPingNewerSchema(t *testing.T) {
	dsn := pg.Database(t)
	s, err := postgres.Open(t.Context(), dsn)
	require.NoError(t, err)
	defer s.Close()
	require.NoError(t, s.Ping(t.Context()))
	conn, err := pgx.Connect(t.Context(), dsn)
	require.NoError(t, err)
	defer conn.Close(t.Context())
	_, err = conn.Exec(t.Context(), `INSERT INTO schema_migrations (version, name) VALUES ($1, 'from a newer Styrke')`, postgres.SchemaVersion+1)
	require.NoError(t, err)
	err = s.Ping(t.Context())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "newer than this program's")
}

// BenchmarkCopy copies a SQLite store of 20,000 audit events into a new
// PostgreSQL schema (the move to grow), read back and compared as store
// copy does.
func BenchmarkCopy(b *testing.B) {
	const rows = 20000
	path := filepath.Join(b.TempDir(), "source.db")
	src, err := sqlite.Open(b.Context(), path)
	require.NoError(b, err)
	defer src.Close()
	db, err := sql.Open("sqlite", path)
	require.NoError(b, err)
	_, err = db.ExecContext(b.Context(), `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ?)
		INSERT INTO audit_events (time, event, actor, username, institution, detail)
		SELECT x, 'created', 'admin:desk', 'user' || x, 'uio', '{"to":"user' || x || '@example.no"}' FROM c`, rows)
	require.NoError(b, err)
	require.NoError(b, db.Close())
	for b.Loop() {
		b.StopTimer()
		dst, err := postgres.Open(b.Context(), pg.Database(b))
		require.NoError(b, err)
		b.StartTimer()
		if _, err := store.Copy(b.Context(), src, dst); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		dst.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
