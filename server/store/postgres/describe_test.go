package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/server/store/postgres"
)

// TestDescribe: a connection that cannot be made, as the Store's methods
// meet it while serve runs (pgx's own errors, a real server's answers), is
// said in words after the operation, with where and as whom, never the
// password; the error still wraps pgx's.
func TestDescribe(t *testing.T) {
	const password = "describe-secret-pw-31"
	require.NoError(t, pg.RequirePassword(t.Context(), "describe_pw", password))
	port := strconv.Itoa(pg.Port())
	for _, tc := range []struct {
		name, dsn, want string
	}{
		{"nothing listens", "postgres://postgres:" + password + "@127.0.0.1:1/styrke",
			"postgres: activation: the database is unreachable: 127.0.0.1:1 refused the connection (nothing listens there: is PostgreSQL running, on that port?); user postgres, database styrke"},
		{"a wrong password", "postgres://describe_pw:not-" + password + "@127.0.0.1:" + port + "/postgres?sslmode=disable",
			"postgres: activation: the database is unreachable: 127.0.0.1:" + port + " refused the login: wrong password for the user (SQLSTATE 28P01); user describe_pw, database postgres"},
		{"no such database", "postgres://postgres:" + password + "@127.0.0.1:" + port + "/no_such_db?sslmode=disable",
			"postgres: activation: the database is unreachable: 127.0.0.1:" + port + " has no such database (SQLSTATE 3D000); user postgres, database no_such_db"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := pgx.Connect(t.Context(), tc.dsn)
			require.Error(t, err)
			err = fmt.Errorf("postgres: activation: %w", err)
			d, ok := postgres.Describe(err)
			require.True(t, ok, "%v", err)
			assert.Equal(t, tc.want, d.Error())
			assert.NotContains(t, d.Error(), password)
			var ce *pgconn.ConnectError
			assert.ErrorAs(t, d, &ce, "pgx's error is wrapped")
			assert.True(t, (*postgres.Store)(nil).Unavailable(d), "still the store's outage (a retryable 503)")
		})
	}

	// A connection the server ends as it is made (57P01: serve's sweeps
	// met it when PostgreSQL stopped as they connected), here by
	// pg_terminate_backend once it is authenticated. It said "refused the
	// connection: terminating connection due to administrator command".
	t.Run("ended as it was made", func(t *testing.T) {
		cfg, err := pgx.ParseConfig("postgres://postgres:" + password + "@127.0.0.1:" + port + "/postgres?sslmode=disable")
		require.NoError(t, err)
		cfg.ValidateConnect = func(ctx context.Context, c *pgconn.PgConn) error {
			return c.Exec(ctx, "SELECT pg_terminate_backend(pg_backend_pid())").Close()
		}
		_, err = pgx.ConnectConfig(t.Context(), cfg)
		require.Error(t, err)
		err = fmt.Errorf("postgres: the server's clock: %w", err)
		d, ok := postgres.Describe(err)
		require.True(t, ok, "%v", err)
		assert.Equal(t, "postgres: the server's clock: the database is unreachable: 127.0.0.1:"+port+
			" ended the connection as it was made: it is shutting down, or an administrator ended the connection (SQLSTATE 57P01); "+
			"user postgres, database postgres", d.Error())
		assert.True(t, (*postgres.Store)(nil).Unavailable(d), "the store's outage (a retryable 503)")
	})
}

// TestDescribeLeavesTheRest: an error that is no outage of the database
// (a constraint, a request that went away, Open's own, none) is returned
// as it is.
func TestDescribeLeavesTheRest(t *testing.T) {
	_, openErr := postgres.Open(t.Context(), "postgres://postgres:describe-pw-77@127.0.0.1:1/styrke")
	require.Error(t, openErr)
	for name, err := range map[string]error{
		"a unique violation": fmt.Errorf("postgres: create activation: %w", &pgconn.PgError{Severity: "ERROR", Code: "23505", Message: "duplicate key"}),
		"the request went":   fmt.Errorf("postgres: activation: %w", context.Canceled),
		"a plain error":      errors.New("postgres: create activation: token hash is 3 bytes, want 32"),
		"a directory's network error": fmt.Errorf("directory: unavailable: connect: %w",
			&net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}),
		"a mail server's lost connection": fmt.Errorf("notify: send: %w", io.ErrUnexpectedEOF),
		"Open's, said":                    openErr,
		"none":                            nil,
	} {
		d, ok := postgres.Describe(err)
		assert.False(t, ok, name)
		assert.Equal(t, err, d, name)
	}
}
