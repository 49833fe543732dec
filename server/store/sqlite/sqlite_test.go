package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/server/store"
	"github.com/styrke-iam/styrke/server/store/sqlite"
	"github.com/styrke-iam/styrke/server/store/sqlite/sqlitetest"
	"github.com/styrke-iam/styrke/server/store/storetest"
)

// open is the shared suites' store: a copy of a file migrated once
// (sqlitetest), as the suites test the store's methods; the tests of
// Open and of the migrations in this package open new files.
func open(t *testing.T) store.Store {
	t.Helper()
	s, err := sqlitetest.Open(t, filepath.Join(t.TempDir(), "styrke.db"))
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return s
}

func TestStore(t *testing.T) {
	storetest.Run(t, open)
}

func TestParseDSN(t *testing.T) {
	tests := []struct {
		name, dsn, want string
	}{
		{"relative", "sqlite:data/styrke.db", "data/styrke.db"},
		{"absolute", "sqlite:/var/lib/styrke/styrke.db", "/var/lib/styrke/styrke.db"},
		{"url form", "sqlite:///var/lib/styrke.db", "/var/lib/styrke.db"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := sqlite.ParseDSN(tt.dsn)
			require.True(t, ok)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestParseDSNRefused(t *testing.T) {
	for _, dsn := range []string{"", "sqlite:", "sqlite://", "postgres://localhost/db", "data/styrke.db", "SQLITE:x"} {
		t.Run(dsn, func(t *testing.T) {
			_, ok := sqlite.ParseDSN(dsn)
			assert.False(t, ok)
		})
	}
}

func TestOpenRefused(t *testing.T) {
	dir := t.TempDir()
	for name, path := range map[string]string{
		"empty":     "",
		"memory":    ":memory:",
		"query":     filepath.Join(dir, "x.db?mode=ro"),
		"fragment":  filepath.Join(dir, "x.db#x"),
		"directory": dir,
	} {
		t.Run(name, func(t *testing.T) {
			s, err := sqlite.Open(t.Context(), path)
			if err == nil {
				s.Close()
			}
			assert.Error(t, err)
		})
	}
}

// TestReopen checks the data and schema survive Close and Open, and that
// migrating an up-to-date file is a no-op.
func TestReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "dir", "styrke.db")
	s, err := sqlite.Open(t.Context(), path)
	require.NoError(t, err)
	a := storetest.NewActivation("reopen", "kari", time.Hour)
	require.NoError(t, s.CreateActivation(t.Context(), a))
	require.NoError(t, s.Complete(t.Context(), a.TokenHash, nil, storetest.T0, storetest.EncodedHash(1), 5, 10))
	require.NoError(t, s.Close())

	s, err = sqlite.Open(t.Context(), path)
	require.NoError(t, err)
	defer s.Close()
	h, err := s.History(t.Context(), []string{"uio"}, "kari", 5)
	require.NoError(t, err)
	assert.Equal(t, []string{storetest.EncodedHash(1)}, h)
}

// migrated returns a connection of its own (as another process's) to a
// new file that Open migrated and closed.
func migrated(t *testing.T) *sql.DB {
	_, db := migratedFile(t)
	return db
}

// migratedFile is migrated with the file's path.
func migratedFile(t *testing.T) (string, *sql.DB) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "styrke.db")
	s, err := sqlite.Open(t.Context(), path)
	require.NoError(t, err)
	require.NoError(t, s.Close())
	db, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	return path, db
}

// TestWALMode checks that Open leaves the file in WAL mode, seen by a
// connection that asks for nothing itself (as another process would).
func TestWALMode(t *testing.T) {
	db := migrated(t)
	var mode string
	require.NoError(t, db.QueryRow(`PRAGMA journal_mode`).Scan(&mode))
	assert.Equal(t, "wal", mode)
}

// TestConcurrentOpen opens new files from several goroutines at once, as
// several processes starting together would: nobody fails with SQLITE_BUSY
// (switching a file to WAL mode does not wait out the busy timeout by
// itself; Open retries it), and the schema ends at SchemaVersion. Before the
// retry, about one run of this test in five failed (30 rounds, 8 openers).
func TestConcurrentOpen(t *testing.T) {
	for round := range 30 {
		path := filepath.Join(t.TempDir(), "styrke.db")
		errs := storetest.OpenAtOnce(8, func(ctx context.Context) (store.Store, error) { return sqlite.Open(ctx, path) })
		for i, err := range errs {
			require.NoError(t, err, "round %d, opener %d", round, i)
		}
		db, err := sql.Open("sqlite", path)
		require.NoError(t, err)
		var n, newest int
		require.NoError(t, db.QueryRow(`SELECT count(*), max(version) FROM schema_migrations`).Scan(&n, &newest))
		db.Close()
		assert.Equal(t, sqlite.SchemaVersion, newest)
		assert.Equal(t, sqlite.MigrationCount, n, "one row per version")
	}
}

// BenchmarkComplete measures one Complete (consume the token, set the
// password, push and trim the history) on a file, including the
// CreateActivation that makes its token; Argon2id is excluded: the hash is
// precomputed.
func BenchmarkComplete(b *testing.B) {
	s, err := sqlite.Open(b.Context(), filepath.Join(b.TempDir(), "styrke.db"))
	require.NoError(b, err)
	defer s.Close()
	ctx := b.Context()
	hash := storetest.EncodedHash(1)
	i := 0
	for b.Loop() {
		i++
		a := storetest.NewActivation(strconv.Itoa(i), "kari", time.Hour)
		if err := s.CreateActivation(ctx, a); err != nil {
			b.Fatal(err)
		}
		if err := s.Complete(ctx, a.TokenHash, nil, storetest.T0, hash, 5, 10); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCompleteParallel is BenchmarkComplete from GOMAXPROCS goroutines
// at once, each on its own tokens and account: the store's write contention.
func BenchmarkCompleteParallel(b *testing.B) {
	s, err := sqlite.Open(b.Context(), filepath.Join(b.TempDir(), "styrke.db"))
	require.NoError(b, err)
	defer s.Close()
	ctx := b.Context()
	hash := storetest.EncodedHash(1)
	var worker atomic.Int64
	b.RunParallel(func(pb *testing.PB) {
		w := strconv.FormatInt(worker.Add(1), 10)
		i := 0
		for pb.Next() {
			i++
			a := storetest.NewActivation(w+"-"+strconv.Itoa(i), "user-"+w, time.Hour)
			if err := s.CreateActivation(ctx, a); err != nil {
				b.Error(err)
				return
			}
			if err := s.Complete(ctx, a.TokenHash, nil, storetest.T0, hash, 5, 10); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// TestPingNeedsWrite: readiness fails while another process holds the
// database's write lock (every write would wait, then fail), and passes
// again once it is released (issue 15 item 6; the old Ping read only).
func TestPingNeedsWrite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "styrke.db")
	s, err := sqlite.Open(t.Context(), path)
	require.NoError(t, err)
	defer s.Close()
	require.NoError(t, s.Ping(t.Context()))

	other, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	defer other.Close()
	conn, err := other.Conn(t.Context())
	require.NoError(t, err)
	defer conn.Close()
	_, err = conn.ExecContext(t.Context(), "BEGIN IMMEDIATE")
	require.NoError(t, err)

	ctx, cancel := context.WithTimeout(t.Context(), time.Second)
	defer cancel()
	assert.Error(t, s.Ping(ctx), "write lock held elsewhere")

	_, err = conn.ExecContext(t.Context(), "ROLLBACK")
	require.NoError(t, err)
	assert.NoError(t, s.Ping(t.Context()))
}

// TestAccountNameUsesIndex: the change flow's lookup of an account by its
// username in any ASCII case is served by accounts_username_nocase (the
// query as AccountName sends it), not by a scan of every account.
func TestAccountNameUsesIndex(t *testing.T) {
	plan := queryPlan(t, `SELECT username FROM accounts WHERE username = ? COLLATE NOCASE
		ORDER BY username = ? DESC, updated_at DESC, username LIMIT 1`, "ola", "ola")
	assert.Contains(t, plan, "accounts_username_nocase", "plan:\n%s", plan)
}

// TestAuditByUsernameUsesIndex: the audit log's search by a username in any
// ASCII case (Audit's condition) is served by audit_events_username_nocase,
// not by a scan of every event.
func TestAuditByUsernameUsesIndex(t *testing.T) {
	plan := queryPlan(t, `SELECT id FROM audit_events WHERE time >= ? AND username = ? COLLATE NOCASE ORDER BY id`, 0, "ola")
	assert.Contains(t, plan, "audit_events_username_nocase", "plan:\n%s", plan)
}

// queryPlan is EXPLAIN QUERY PLAN of query on a migrated store, a line a
// step.
func queryPlan(t *testing.T, query string, args ...any) string {
	t.Helper()
	rows, err := migrated(t).Query(`EXPLAIN QUERY PLAN `+query, args...)
	require.NoError(t, err)
	defer rows.Close()
	var plan strings.Builder
	for rows.Next() {
		var id, parent, unused int
		var detail string
		require.NoError(t, rows.Scan(&id, &parent, &unused, &detail))
		plan.WriteString(detail + "\n")
	}
	require.NoError(t, rows.Err())
	return plan.String()
}

// TestOpenCurrent: the reading commands (audit, activation list, revoke,
// resend) open a store without migrating it. A file at the program's
// version opens; one a version behind (an older server still runs on it),
// one ahead (a newer server migrated it) and a file that holds no Styrke
// schema are refused with both versions named, and nothing is changed.
// Before, every command migrated: a newer binary run only to read moved the
// schema under the older server.
func TestOpenCurrent(t *testing.T) {
	t.Run("current", func(t *testing.T) {
		path, _ := migratedFile(t)
		s, err := sqlite.OpenCurrent(t.Context(), path)
		require.NoError(t, err)
		defer s.Close()
		_, err = s.Audit(t.Context(), store.AuditFilter{Limit: 1})
		assert.NoError(t, err)
	})
	t.Run("behind", func(t *testing.T) {
		path, db := migratedFile(t)
		_, err := db.Exec(`DELETE FROM schema_migrations WHERE version = ?`, sqlite.SchemaVersion)
		require.NoError(t, err)
		_, err = sqlite.OpenCurrent(t.Context(), path)
		require.Error(t, err)
		assert.Contains(t, err.Error(), fmt.Sprintf("version %d", sqlite.SchemaVersion-1))
		assert.Contains(t, err.Error(), fmt.Sprintf("this program's is %d", sqlite.SchemaVersion))
		var n int
		require.NoError(t, db.QueryRow(`SELECT count(*) FROM schema_migrations WHERE version = ?`, sqlite.SchemaVersion).Scan(&n))
		assert.Zero(t, n, "not migrated")
	})
	t.Run("ahead", func(t *testing.T) {
		path, db := migratedFile(t)
		_, err := db.Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'later', 0)`, sqlite.SchemaVersion+1)
		require.NoError(t, err)
		_, err = sqlite.OpenCurrent(t.Context(), path)
		require.Error(t, err)
		assert.Contains(t, err.Error(), fmt.Sprintf("version %d is newer than this program's %d", sqlite.SchemaVersion+1, sqlite.SchemaVersion))
	})
	t.Run("no schema", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "other.db")
		db, err := sql.Open("sqlite", path)
		require.NoError(t, err)
		defer db.Close()
		_, err = db.Exec(`CREATE TABLE notes (x TEXT)`)
		require.NoError(t, err)
		_, err = sqlite.OpenCurrent(t.Context(), path)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "no Styrke schema")
		var n int
		require.NoError(t, db.QueryRow(`SELECT count(*) FROM sqlite_master WHERE name = 'schema_migrations'`).Scan(&n))
		assert.Zero(t, n, "nothing created")
	})
	t.Run("missing file", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "absent")
		_, err := sqlite.OpenCurrent(t.Context(), filepath.Join(dir, "styrke.db"))
		require.Error(t, err)
		_, statErr := os.Stat(dir)
		assert.True(t, os.IsNotExist(statErr), "no directory created")
	})
}

// TestUnavailable: the store's own trouble (here a connection that may not
// write, SQLITE_READONLY, as a read-only file or mount gives) is an
// outage the server answers 503; a fault of the query, or no SQLite error,
// is not.
func TestUnavailable(t *testing.T) {
	path, db := migratedFile(t)
	st, err := sqlite.Open(t.Context(), path)
	require.NoError(t, err)
	defer st.Close()
	db.SetMaxOpenConns(1) // the pragma is the connection's
	_, err = db.Exec(`PRAGMA query_only = 1`)
	require.NoError(t, err)
	_, err = db.Exec(`DELETE FROM activations`)
	require.Error(t, err)
	assert.True(t, st.Unavailable(err), "%v", err)
	assert.True(t, st.Unavailable(fmt.Errorf("sqlite: complete: %w", err)), "wrapped")
	_, err = db.Exec(`SELECT * FROM no_such_table`)
	require.Error(t, err)
	assert.False(t, st.Unavailable(err), "%v", err)
	assert.False(t, st.Unavailable(nil))
	assert.False(t, st.Unavailable(store.ErrNotFound))
}

// TestPingSeesFileRemoved: a database file removed under the server (its
// folder deleted), or replaced, fails Ping (readyz), naming the file. The
// server wrote on to the unlinked file, ready, and the next start began an
// empty store.
func TestPingSeesFileRemoved(t *testing.T) {
	for _, how := range []string{"removed", "replaced"} {
		t.Run(how, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "data")
			path := filepath.Join(dir, "styrke.db")
			st, err := sqlite.Open(t.Context(), path)
			require.NoError(t, err)
			defer st.Close()
			require.NoError(t, st.Ping(t.Context()))
			if how == "removed" {
				require.NoError(t, os.RemoveAll(dir))
			} else {
				require.NoError(t, os.Rename(path, path+".old"))
				require.NoError(t, os.WriteFile(path, nil, 0o600))
			}
			err = st.Ping(t.Context())
			require.Error(t, err)
			assert.Contains(t, err.Error(), path)
		})
	}
}

// TestPingSeesFullDisk: Ping (readyz) fails, naming the room left, when the
// database's disk has less than MinFree (here: more than this disk has, as
// a full disk would); readyz said ready while every write failed.
func TestPingSeesFullDisk(t *testing.T) {
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "styrke.db"))
	require.NoError(t, err)
	defer st.Close()
	require.NoError(t, st.Ping(t.Context()))
	old := sqlite.MinFree
	sqlite.MinFree = 1 << 62
	defer func() { sqlite.MinFree = old }()
	err = st.Ping(t.Context())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "bytes left")
}

// TestOpenSaysWhatItMigrated: Open reports the schema version the file had
// and the one it has now, for serve to say once when a build older than
// it can no longer open the store (the log said nothing of it).
func TestOpenSaysWhatItMigrated(t *testing.T) {
	path := filepath.Join(t.TempDir(), "styrke.db")
	restore := sqlite.KeepMigrations(3)
	old := sqlite.SchemaVersion
	s, err := sqlite.Open(t.Context(), path)
	require.NoError(t, err)
	from, to := s.Migrated()
	assert.Equal(t, [2]int{0, old}, [2]int{from, to}, "a new store")
	require.NoError(t, s.Close())
	restore()
	for _, want := range [][2]int{{old, sqlite.SchemaVersion}, {sqlite.SchemaVersion, sqlite.SchemaVersion}} {
		s, err := sqlite.Open(t.Context(), path)
		require.NoError(t, err)
		from, to := s.Migrated()
		assert.Equal(t, want, [2]int{from, to})
		require.NoError(t, s.Close())
	}
}

// TestOpenNewerSchema: a build that meets a file a newer build migrated (a
// downgrade) refuses it, changing nothing, naming both schema versions and
// the two ways on: run the newer build, or put back the backup made before
// the upgrade. serve said only "migrate PATH: database schema version 17
// is newer than this program's 16", as if it had been migrating, and the
// reading commands "use the newer styrke", with no word of going back.
func TestOpenNewerSchema(t *testing.T) {
	for name, open := range map[string]func(context.Context, string) (*sqlite.Store, error){
		"Open (serve)":               sqlite.Open,
		"OpenCurrent (audit, lists)": sqlite.OpenCurrent,
	} {
		t.Run(name, func(t *testing.T) {
			path, db := migratedFile(t)
			newer := sqlite.SchemaVersion + 1
			_, err := db.Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'later', 0)`, newer)
			require.NoError(t, err)
			s, err := open(t.Context(), path)
			if err == nil {
				s.Close()
			}
			require.Error(t, err)
			var ns *store.NewerSchemaError
			require.ErrorAs(t, err, &ns, "got %v", err)
			assert.Equal(t, store.NewerSchemaError{Have: newer, Own: sqlite.SchemaVersion}, *ns)
			msg := err.Error()
			assert.Contains(t, msg, path, "names the file")
			assert.Contains(t, msg, fmt.Sprintf("version %d is newer than this program's %d", newer, sqlite.SchemaVersion))
			assert.Contains(t, msg, "run the newer build", "the way on")
			assert.Contains(t, msg, "the backup made before the upgrade", "the way back")
			assert.NotContains(t, msg, "migrate "+path, "it migrated nothing")
			var n int
			require.NoError(t, db.QueryRow(`SELECT count(*) FROM schema_migrations`).Scan(&n))
			assert.Equal(t, sqlite.MigrationCount+1, n, "nothing changed")
		})
	}
}

// TestMigrateAddresses: a store of schema 16 with addresses on file,
// migrated, keeps each at the institution it can be tied to
// (storetest.RunMigrateAddresses).
func TestMigrateAddresses(t *testing.T) {
	storetest.RunMigrateAddresses(t, oldStore)
}

// TestMigrateHistory: a store of schema 17 with passwords and their
// histories, migrated, keeps each at the institution it can be tied to
// (storetest.RunMigrateHistory).
func TestMigrateHistory(t *testing.T) {
	storetest.RunMigrateHistory(t, oldStore)
}

// oldStore is a store at schema version (an older build's), with writes
// of the tables later versions changed.
func oldStore(t *testing.T, version int) storetest.OldStore {
	path := filepath.Join(t.TempDir(), "styrke.db")
	restore := sqlite.KeepMigrations(version) // versions 1 to 18 have no gaps
	t.Cleanup(restore)
	s, err := sqlite.Open(t.Context(), path)
	require.NoError(t, err)
	require.Equal(t, version, sqlite.SchemaVersion)
	db, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	return storetest.OldStore{
		Store: s,
		PutAddress: func(username, email, lang string, at time.Time) {
			_, err := db.Exec(`INSERT INTO addresses (username, email, lang, updated_at) VALUES (?, ?, ?, ?)`,
				username, email, lang, at.UnixMicro())
			require.NoError(t, err)
		},
		PutPassword: func(username string, seq int64, hash string, at time.Time, history bool) {
			_, err := db.Exec(`INSERT INTO accounts (username, password_hash, updated_at, seq) VALUES (?, ?, ?, ?)
				ON CONFLICT (username) DO UPDATE SET password_hash = excluded.password_hash, updated_at = excluded.updated_at, seq = excluded.seq`,
				username, hash, at.UnixMicro(), seq)
			require.NoError(t, err)
			if history {
				_, err = db.Exec(`INSERT INTO password_history (username, seq, hash, created_at) VALUES (?, ?, ?, ?)`,
					username, seq, hash, at.UnixMicro())
				require.NoError(t, err)
			}
		},
		Migrate: func() store.Store {
			require.NoError(t, s.Close())
			restore()
			s, err := sqlite.Open(t.Context(), path)
			require.NoError(t, err)
			t.Cleanup(func() { s.Close() })
			from, to := s.Migrated()
			require.Equal(t, [2]int{version, sqlite.SchemaVersion}, [2]int{from, to})
			return s
		},
	}
}

// TestOpenLockedSaysWhatToDo: a file another process holds a write lock on
// past BusyTimeout (a sqlite3 shell or a tool with a transaction open) is
// refused at Open with what happened and what to do: find the process
// (fuser or lsof names it), end its transaction or wait for it, and run again. It
// said only "cannot be written: database is locked (5) (SQLITE_BUSY)", and
// the operator of a server that would not start looked at the file's
// permissions. A new file (not yet in WAL mode) and a store alike.
func TestOpenLockedSaysWhatToDo(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T, path string)
	}{
		{"a store", func(t *testing.T, path string) {
			s, err := sqlite.Open(t.Context(), path)
			require.NoError(t, err)
			require.NoError(t, s.Close())
		}},
		{"a new file", func(t *testing.T, path string) {}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "styrke.db")
			tc.setup(t, path)
			db, err := sql.Open("sqlite", path)
			require.NoError(t, err)
			t.Cleanup(func() { db.Close() })
			conn, err := db.Conn(t.Context())
			require.NoError(t, err)
			t.Cleanup(func() { conn.Close() })
			_, err = conn.ExecContext(t.Context(), `BEGIN EXCLUSIVE`)
			require.NoError(t, err)
			t.Cleanup(func() { conn.ExecContext(context.Background(), `ROLLBACK`) })

			_, err = sqlite.Open(t.Context(), path)
			require.Error(t, err)
			msg := err.Error()
			assert.Contains(t, msg, path)
			assert.Contains(t, msg, "database is locked")
			assert.Contains(t, msg, "another process has held a lock on the file for more than 10s")
			assert.Contains(t, msg, "`fuser -v "+path+"`")
			assert.NotContains(t, msg, "must be able to read and write", "not a matter of permissions")
		})
	}
}
