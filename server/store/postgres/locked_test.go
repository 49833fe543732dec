package postgres_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/server/store"
	"github.com/styrke-iam/styrke/server/store/postgres"
	"github.com/styrke-iam/styrke/server/store/storetest"
)

// session is a connection of another program's (application_name app)
// to the database at dsn, closed when t ends.
func session(t *testing.T, dsn, app string) (conn *pgx.Conn, pid int) {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), dsn+"&application_name="+app)
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close(context.Background()) })
	require.NoError(t, conn.QueryRow(t.Context(), `SELECT pg_backend_pid()`).Scan(&pid))
	return conn, pid
}

// exec runs statements on conn.
func exec(t *testing.T, conn *pgx.Conn, sqls ...string) {
	t.Helper()
	for _, sql := range sqls {
		_, err := conn.Exec(t.Context(), sql)
		require.NoError(t, err, sql)
	}
}

// olderThan waits until the transaction open on conn is older than d (a
// poll of its own clock: now() is when the transaction began).
func olderThan(t *testing.T, conn *pgx.Conn, d time.Duration) {
	t.Helper()
	require.Eventually(t, func() bool {
		var old bool
		err := conn.QueryRow(t.Context(), `SELECT clock_timestamp() - now() > $1::interval`, d.String()).Scan(&old)
		return err == nil && old
	}, 30*time.Second, 50*time.Millisecond)
}

// withActivation opens a store on a fresh namespace with one activation,
// and returns its DSN and the activation's token hash.
func withActivation(t *testing.T) (*postgres.Store, string, []byte) {
	t.Helper()
	dsn := pg.Database(t)
	s, err := postgres.Open(t.Context(), dsn)
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	hash := sha256.Sum256([]byte("a token of the test's"))
	require.NoError(t, s.CreateActivation(t.Context(), store.Activation{TokenHash: hash[:], Username: "kari", Name: "Kari Nordmann",
		Institution: "default", CreatedAt: storetest.T0, ExpiresAt: storetest.T0.Add(24 * time.Hour)}))
	return s, dsn, hash[:]
}

// timesOut checks that write runs out of a short deadline: it waits for
// the lock.
func timesOut(t *testing.T, write func(ctx context.Context) error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	assert.ErrorIs(t, write(ctx), context.DeadlineExceeded, "the write waits for the lock")
}

// TestLockedNamesTheSession: after a write ran out of time, Locked names
// the session that holds the lock it waited for (a psql session left
// idle in transaction after LOCK TABLE, or after an UPDATE of the row):
// its pid, application_name, client, state, how long its transaction
// has been open, the table it holds a write lock on, and how to end it;
// never the text of its query; nothing once it ends.
func TestLockedNamesTheSession(t *testing.T) {
	tests := []struct {
		name  string
		lock  func(hash []byte) string
		write func(s *postgres.Store, hash []byte) func(context.Context) error
		table string
	}{
		{
			name:  "LOCK TABLE",
			lock:  func([]byte) string { return `LOCK TABLE activations IN SHARE ROW EXCLUSIVE MODE` },
			table: "activations (ShareRowExclusiveLock: every write of the table waits)",
			write: func(s *postgres.Store, _ []byte) func(context.Context) error {
				return func(ctx context.Context) error {
					hash := sha256.Sum256([]byte("another token"))
					return s.CreateActivation(ctx, store.Activation{TokenHash: hash[:], Username: "ola", Name: "Ola",
						Institution: "default", CreatedAt: storetest.T0, ExpiresAt: storetest.T0.Add(time.Hour)})
				}
			},
		},
		{
			name: "the row",
			lock: func(hash []byte) string {
				return fmt.Sprintf(`UPDATE activations SET failures = failures WHERE token_hash = '\x%x'`, hash)
			},
			table: "activations (RowExclusiveLock: writes of the rows it changed wait)",
			write: func(s *postgres.Store, hash []byte) func(context.Context) error {
				return func(ctx context.Context) error { _, err := s.RecordFailure(ctx, hash); return err }
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, dsn, hash := withActivation(t)
			assert.Empty(t, s.Locked(t.Context()), "nobody holds a lock")

			psql, pid := session(t, dsn, "psql")
			exec(t, psql, `BEGIN`, tt.lock(hash))
			olderThan(t, psql, postgres.HoldAge)
			timesOut(t, tt.write(s, hash))

			why := s.Locked(t.Context())
			for _, want := range []string{
				fmt.Sprintf("PostgreSQL session pid %d (application_name \"psql\", role postgres, client 127.0.0.1:", pid),
				"idle in transaction, its transaction open for ",
				"holds write locks on " + tt.table,
				fmt.Sprintf("end that transaction (COMMIT or ROLLBACK in that session, or SELECT pg_terminate_backend(%d))", pid),
				"idle_in_transaction_session_timeout",
			} {
				assert.Contains(t, why, want)
			}
			assert.NotContains(t, why, fmt.Sprintf("%x", hash), "no query's text")
			assert.NotContains(t, why, "blocks a write", "no write waits now")

			exec(t, psql, `ROLLBACK`)
			require.NoError(t, tt.write(s, hash)(t.Context()), "the same write, once the lock is let go")
			s.ForgetLocked()
			assert.Empty(t, s.Locked(t.Context()), "nothing named once the transaction ended")
		})
	}
}

// TestLockedNamesWhoBlocksAWriteNow: a write of Styrke's waiting right
// now names the session it waits for (pg_blocking_pids), however young
// that session's transaction, and not itself.
func TestLockedNamesWhoBlocksAWriteNow(t *testing.T) {
	s, dsn, hash := withActivation(t)
	psql, pid := session(t, dsn, "psql")
	exec(t, psql, `BEGIN`, `LOCK TABLE activations IN SHARE ROW EXCLUSIVE MODE`)

	done := waitingWrite(t, s, dsn, hash)

	why := s.Locked(t.Context())
	assert.Contains(t, why, fmt.Sprintf("PostgreSQL session pid %d (application_name \"psql\"", pid))
	assert.Contains(t, why, "blocks a write waiting now and holds write locks on activations (ShareRowExclusiveLock: every write of the table waits)")
	assert.Equal(t, 1, strings.Count(why, "PostgreSQL session pid"), "the waiting write is not named: %s", why)

	exec(t, psql, `ROLLBACK`)
	assert.NoError(t, <-done)
}

// TestLockedSparesStyrkesShortTransactions: another Styrke connection's
// transaction (another instance's write under way), short, is not named,
// even while a write waits for it; nor is a read's transaction, however
// long.
func TestLockedSparesStyrkesShortTransactions(t *testing.T) {
	s, dsn, hash := withActivation(t)
	other, _ := session(t, dsn, postgres.ApplicationName)
	exec(t, other, `BEGIN`, fmt.Sprintf(`UPDATE activations SET failures = failures WHERE token_hash = '\x%x'`, hash))
	reader, _ := session(t, dsn, "psql")
	exec(t, reader, `BEGIN`, `SELECT count(*) FROM activations`)

	done := waitingWrite(t, s, dsn, hash)
	assert.Empty(t, s.Locked(t.Context()), "another instance's short transaction, a reader's")

	exec(t, other, `ROLLBACK`)
	assert.NoError(t, <-done)
	olderThan(t, reader, postgres.HoldAge)
	s.ForgetLocked()
	assert.Empty(t, s.Locked(t.Context()), "a reader's long transaction")
}

// TestLockedNamesAPreparedTransaction: a prepared transaction (one no
// session holds: PREPARE TRANSACTION) that holds a lock on Styrke's
// tables is named by its gid, with how to end it.
func TestLockedNamesAPreparedTransaction(t *testing.T) {
	s, dsn, _ := withActivation(t)
	pg.HoldLock(t, dsn, "activations")
	watch, _ := session(t, dsn, "test")
	var gid string
	require.Eventually(t, func() bool {
		err := watch.QueryRow(t.Context(), `SELECT gid FROM pg_prepared_xacts
			WHERE database = current_database() AND clock_timestamp() - prepared > $1::interval`, postgres.HoldAge.String()).Scan(&gid)
		return err == nil
	}, 30*time.Second, 50*time.Millisecond)
	timesOut(t, func(ctx context.Context) error {
		hash := sha256.Sum256([]byte("another token"))
		return s.CreateActivation(ctx, store.Activation{TokenHash: hash[:], Username: "ola", Name: "Ola",
			Institution: "default", CreatedAt: storetest.T0, ExpiresAt: storetest.T0.Add(time.Hour)})
	})
	why := s.Locked(t.Context())
	assert.Contains(t, why, fmt.Sprintf("prepared transaction %q (owner postgres, prepared ", gid))
	assert.Contains(t, why, "holds write locks on activations (AccessExclusiveLock: every read and write of the table waits)")
	assert.Contains(t, why, fmt.Sprintf("end it with COMMIT PREPARED '%s' or ROLLBACK PREPARED '%s'", gid, gid))
}

// TestLockedNamesAnotherRolesSession: Styrke's role, no superuser, sees
// another role's session without its state, age or client (PostgreSQL
// shows those only to the session's own role and to pg_read_all_stats):
// a psql session of the administrator's that holds a row of Styrke's is
// named all the same, with what it cannot see said; a Styrke session of
// another role (another instance's write under way: its age unknown)
// that changed a row is not.
func TestLockedNamesAnotherRolesSession(t *testing.T) {
	dsn := pg.Database(t)
	admin, _ := session(t, dsn, "test")
	_, schema, _ := strings.Cut(dsn, "search_path=")
	exec(t, admin, `DO $$ BEGIN CREATE ROLE styrke_plain LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$`,
		`GRANT ALL ON SCHEMA `+schema+` TO styrke_plain`)
	s, err := postgres.Open(t.Context(), strings.Replace(dsn, "postgres@", "styrke_plain@", 1))
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	hash := sha256.Sum256([]byte("a token of the test's"))
	require.NoError(t, s.CreateActivation(t.Context(), store.Activation{TokenHash: hash[:], Username: "kari", Name: "Kari Nordmann",
		Institution: "default", CreatedAt: storetest.T0, ExpiresAt: storetest.T0.Add(24 * time.Hour)}))
	update := fmt.Sprintf(`UPDATE activations SET failures = failures WHERE token_hash = '\x%x'`, hash)

	other, _ := session(t, dsn, postgres.ApplicationName)
	exec(t, other, `BEGIN`, update)
	assert.Empty(t, s.Locked(t.Context()), "a Styrke session of another role")
	exec(t, other, `ROLLBACK`)

	psql, pid := session(t, dsn, "psql")
	exec(t, psql, `BEGIN`, update)
	s.ForgetLocked()
	why := s.Locked(t.Context())
	assert.Contains(t, why, fmt.Sprintf("PostgreSQL session pid %d (application_name \"psql\", role postgres) "+
		"(its state and age are shown only to its own role and to pg_read_all_stats) holds write locks on activations (RowExclusiveLock", pid))
	assert.Contains(t, why, fmt.Sprintf("pg_terminate_backend(%d)", pid))
}

// waitingWrite starts a write of Styrke's on the activation hash (a failure
// recorded) and returns once PostgreSQL shows it waiting for a lock; the
// channel gives the write's end.
func waitingWrite(t *testing.T, s *postgres.Store, dsn string, hash []byte) <-chan error {
	t.Helper()
	done := make(chan error, 1)
	go func() { _, err := s.RecordFailure(t.Context(), hash); done <- err }()
	watch, _ := session(t, dsn, "test")
	require.Eventually(t, func() bool {
		var n int
		err := watch.QueryRow(t.Context(), `SELECT count(*) FROM pg_locks WHERE NOT granted AND pid IN
			(SELECT pid FROM pg_stat_activity WHERE application_name = $1)`, postgres.ApplicationName).Scan(&n)
		return err == nil && n > 0
	}, 10*time.Second, 20*time.Millisecond, "Styrke's write waits for a lock")
	return done
}
