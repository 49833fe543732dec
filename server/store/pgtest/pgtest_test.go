package pgtest_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/server/store/pgtest"
)

var pg *pgtest.Server

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m, &pg)) }

func TestBinDir(t *testing.T) {
	dir, err := pgtest.BinDir()
	require.NoError(t, err)
	for _, name := range []string{"initdb", "postgres"} {
		fi, err := os.Stat(filepath.Join(dir, name))
		require.NoError(t, err, name)
		assert.NotZero(t, fi.Mode()&0o111, "%s is not executable", name)
	}
}

// TestDatabase checks each call gets its own empty namespace.
func TestDatabase(t *testing.T) {
	a, b := pg.Database(t), pg.Database(t)
	require.NotEqual(t, a, b)

	ca, err := pgx.Connect(t.Context(), a)
	require.NoError(t, err)
	defer ca.Close(t.Context())
	_, err = ca.Exec(t.Context(), `CREATE TABLE only_in_a (x int)`)
	require.NoError(t, err)

	cb, err := pgx.Connect(t.Context(), b)
	require.NoError(t, err)
	defer cb.Close(t.Context())
	var visible bool
	require.NoError(t, cb.QueryRow(t.Context(), `SELECT to_regclass('only_in_a') IS NOT NULL`).Scan(&visible))
	assert.False(t, visible, "a table made through one DSN is visible through another")
	_, err = cb.Exec(t.Context(), `CREATE TABLE only_in_a (y text)`)
	assert.NoError(t, err, "the same table name in another namespace")

	var addr string
	require.NoError(t, ca.QueryRow(t.Context(), `SELECT host(inet_server_addr())`).Scan(&addr))
	assert.Equal(t, "127.0.0.1", addr, "the server listens on loopback")
}

func TestCreateDropDatabase(t *testing.T) {
	dsn, err := pg.CreateDatabase(t.Context())
	require.NoError(t, err)
	c, err := pgx.Connect(t.Context(), dsn)
	require.NoError(t, err)
	defer c.Close(t.Context())

	require.NoError(t, pg.DropDatabase(t.Context(), dsn), "drop with a session open")
	_, err = pgx.Connect(t.Context(), dsn)
	assert.Error(t, err, "connect to a dropped database")
}

// TestRequirePassword: the role gets in with its password only; other
// roles still get in without one.
func TestRequirePassword(t *testing.T) {
	require.NoError(t, pg.RequirePassword(t.Context(), "pw_role", "right-pw-1"))
	dsn := strings.Replace(pg.DSN("postgres"), "postgres@", "pw_role:right-pw-1@", 1)
	c, err := pgx.Connect(t.Context(), dsn)
	require.NoError(t, err, "the right password")
	c.Close(t.Context())
	_, err = pgx.Connect(t.Context(), strings.Replace(dsn, "right-pw-1", "wrong-pw-1", 1))
	var pe *pgconn.PgError
	require.ErrorAs(t, err, &pe, "a wrong password")
	assert.Equal(t, "28P01", pe.Code)
	c, err = pgx.Connect(t.Context(), pg.DSN("postgres"))
	require.NoError(t, err, "another role, without a password")
	c.Close(t.Context())
}

// TestHoldLockOutlivesSessions: a statement waiting on HoldLock's lock
// goes on waiting when every other session of the database is ended, as a
// stopping server ends them (in no set order): the lock is no session's,
// so the statement can only be ended, never run. A lock held in a
// session's transaction went with that session, and the statement ran.
func TestHoldLockOutlivesSessions(t *testing.T) {
	dsn := pg.Database(t)
	ctx := t.Context()
	admin, err := pgx.Connect(ctx, dsn)
	require.NoError(t, err)
	defer admin.Close(context.Background())
	_, err = admin.Exec(ctx, `CREATE TABLE held (x int)`)
	require.NoError(t, err)
	pg.HoldLock(t, dsn, "held")

	waiter, err := pgx.Connect(ctx, dsn)
	require.NoError(t, err)
	waiterPID := waiter.PgConn().PID()
	defer waiter.Close(context.Background())
	waitCtx, stopWaiting := context.WithCancel(ctx)
	ran := make(chan error, 1)
	go func() {
		var n int
		ran <- waiter.QueryRow(waitCtx, `SELECT count(*) FROM held`).Scan(&n)
	}()
	waits := func() bool {
		var n int
		err := admin.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity WHERE pid = $1 AND wait_event_type = 'Lock'`, waiterPID).Scan(&n)
		return err == nil && n == 1
	}
	require.Eventually(t, waits, 10*time.Second, 10*time.Millisecond, "the statement waits for the lock")

	// End every other session of the database, as a stopping server does.
	others := `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND pid <> $1 AND backend_type = 'client backend'`
	_, err = admin.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE datname = current_database() AND pid <> pg_backend_pid() AND pid <> $1 AND backend_type = 'client backend'`, waiterPID)
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		var n int
		return admin.QueryRow(ctx, others, waiterPID).Scan(&n) == nil && n == 0
	}, 10*time.Second, 10*time.Millisecond, "the other sessions end")
	select {
	case err := <-ran:
		t.Fatalf("the statement ran when the other sessions ended (err %v): the lock was a session's", err)
	default:
	}
	assert.True(t, waits(), "the statement still waits for the lock")
	stopWaiting()
	<-ran
}
