package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/internal/silent"
	"github.com/styrke-iam/styrke/server/store"
	"github.com/styrke-iam/styrke/server/store/backend"
	"github.com/styrke-iam/styrke/server/store/pgtest"
	"github.com/styrke-iam/styrke/server/store/postgres"
	"github.com/styrke-iam/styrke/server/store/storetest"
)

// pg is the package's one PostgreSQL server.
var pg *pgtest.Server

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m, &pg)) }

func open(t *testing.T) store.Store {
	t.Helper()
	s, err := postgres.Open(t.Context(), pg.Database(t))
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return s
}

func TestStore(t *testing.T) {
	storetest.Run(t, open)
}

func TestIsDSN(t *testing.T) {
	tests := []struct {
		dsn  string
		want bool
	}{
		{"postgres://u@localhost/db", true},
		{"postgresql://u@localhost:5432/db?sslmode=disable", true},
		{"sqlite:data/styrke.db", false},
		{"host=localhost dbname=x", false},
		{"", false},
	}
	for _, tt := range tests {
		t.Run(tt.dsn, func(t *testing.T) {
			assert.Equal(t, tt.want, postgres.IsDSN(tt.dsn))
		})
	}
}

func TestOpenRefused(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	tests := []struct {
		name, dsn string
	}{
		{"not a URL", "host=localhost"},
		{"bad URL", "postgres://u:secret@[::1"},
		{"no such database", pg.DSN("does_not_exist")},
		{"nothing listening", "postgres://postgres@127.0.0.1:1/x?sslmode=disable&connect_timeout=2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := postgres.Open(ctx, tt.dsn)
			if err == nil {
				s.Close()
			}
			require.Error(t, err)
			assert.NotContains(t, err.Error(), "secret", "the error must not echo the DSN's password")
		})
	}
}

// TestConcurrentOpen starts several instances on one new database at once:
// the advisory lock lets each migration apply once and all of them open.
func TestConcurrentOpen(t *testing.T) {
	dsn := pg.Database(t)
	errs := storetest.OpenAtOnce(6, func(ctx context.Context) (store.Store, error) { return postgres.Open(ctx, dsn) })
	for i, err := range errs {
		assert.NoError(t, err, "instance %d", i)
	}
}

// TestReopen checks data survives Close and Open and that migrating an
// up-to-date database is a no-op.
func TestReopen(t *testing.T) {
	dsn := pg.Database(t)
	s, err := postgres.Open(t.Context(), dsn)
	require.NoError(t, err)
	a := storetest.NewActivation("reopen", "kari", time.Hour)
	require.NoError(t, s.CreateActivation(t.Context(), a))
	require.NoError(t, s.Complete(t.Context(), a.TokenHash, nil, storetest.T0, storetest.EncodedHash(1), 5, 10))
	require.NoError(t, s.Close())

	s, err = postgres.Open(t.Context(), dsn)
	require.NoError(t, err)
	defer s.Close()
	h, err := s.History(t.Context(), []string{"uio"}, "kari", 5)
	require.NoError(t, err)
	assert.Equal(t, []string{storetest.EncodedHash(1)}, h)
}

// BenchmarkComplete measures one Complete (consume the token, set the
// password, push and trim the history), including the CreateActivation that
// makes its token, against the pgtest server (fsync off); Argon2id is
// excluded: the hash is precomputed.
func BenchmarkComplete(b *testing.B) {
	dsn := pg.Database(b)
	s, err := postgres.Open(b.Context(), dsn)
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
	s, err := postgres.Open(b.Context(), pg.Database(b))
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

// migrated returns a new database that Open migrated and closed, and a
// connection of its own to it.
func migrated(t *testing.T) (string, *pgx.Conn) {
	t.Helper()
	dsn := pg.Database(t)
	s, err := postgres.Open(t.Context(), dsn)
	require.NoError(t, err)
	require.NoError(t, s.Close())
	conn, err := pgx.Connect(t.Context(), dsn)
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close(context.Background()) })
	return dsn, conn
}

// TestMigrateFillsGap opens a database that was migrated by a build which
// had version 4 but not yet version 3 (parallel work lands out of order):
// Open applies the missing version instead of skipping everything at or
// below the newest one. Before the fix, Open skipped version 3 and the
// audit log's table did not exist.
func TestMigrateFillsGap(t *testing.T) {
	dsn, conn := migrated(t)
	_, err := conn.Exec(t.Context(), `DROP TABLE audit_events, activation_contacts, notifications, sms_counters;
		DROP FUNCTION audit_events_append_only();
		DROP INDEX activations_username_v3, activations_institution_v3;
		DELETE FROM schema_migrations WHERE version = 3`)
	require.NoError(t, err)

	s, err := postgres.Open(t.Context(), dsn)
	require.NoError(t, err)
	defer s.Close()
	_, err = s.AppendAudit(t.Context(), store.AuditEvent{Time: storetest.T0, Event: store.EventCreated, Actor: "system"})
	assert.NoError(t, err, "version 3 applied on reopen")
}

// TestPingNeedsWrite: readiness fails while the store's tables are locked
// elsewhere (every write would wait), and passes once the lock is gone
// (issue 15 item 6; the old Ping only asked the pool for a connection).
func TestPingNeedsWrite(t *testing.T) {
	dsn := pg.Database(t)
	s, err := postgres.Open(t.Context(), dsn)
	require.NoError(t, err)
	defer s.Close()
	require.NoError(t, s.Ping(t.Context()))

	conn, err := pgx.Connect(t.Context(), dsn)
	require.NoError(t, err)
	defer conn.Close(context.Background())
	tx, err := conn.Begin(t.Context())
	require.NoError(t, err)
	_, err = tx.Exec(t.Context(), "LOCK TABLE schema_migrations IN ACCESS EXCLUSIVE MODE")
	require.NoError(t, err)

	ctx, cancel := context.WithTimeout(t.Context(), time.Second)
	defer cancel()
	assert.Error(t, s.Ping(ctx), "table locked elsewhere")

	require.NoError(t, tx.Rollback(t.Context()))
	assert.NoError(t, s.Ping(t.Context()))
}

// TestAccountNameUsesIndex: the change flow's lookup of an account by its
// username in any ASCII case can be served by accounts_username_ascii_fold
// (the query as AccountName sends it; sequential scans off, for an empty
// table is scanned whatever its indexes).
func TestAccountNameUsesIndex(t *testing.T) {
	plan := queryPlan(t, `SELECT username FROM accounts
		WHERE lower(username COLLATE "C") = lower($1::text COLLATE "C")
		ORDER BY username = $1 DESC, updated_at DESC, username COLLATE "C" LIMIT 1`, "ola")
	assert.Contains(t, plan, "accounts_username_ascii_fold", "plan:\n%s", plan)
}

// TestAuditByUsernameUsesIndex: the audit log's search by a username in any
// ASCII case (Audit's condition) can be served by
// audit_events_username_ascii_fold (sequential scans off, as above).
func TestAuditByUsernameUsesIndex(t *testing.T) {
	plan := queryPlan(t, `SELECT id FROM audit_events
		WHERE lower(username COLLATE "C") = lower($1::text COLLATE "C") ORDER BY id`, "ola")
	assert.Contains(t, plan, "audit_events_username_ascii_fold", "plan:\n%s", plan)
}

// queryPlan is EXPLAIN of query on a migrated store with sequential scans
// off, a line a step.
func queryPlan(t *testing.T, query string, args ...any) string {
	t.Helper()
	_, conn := migrated(t)
	_, err := conn.Exec(t.Context(), "SET enable_seqscan = off")
	require.NoError(t, err)
	rows, err := conn.Query(t.Context(), `EXPLAIN `+query, args...)
	require.NoError(t, err)
	var plan strings.Builder
	for rows.Next() {
		var line string
		require.NoError(t, rows.Scan(&line))
		plan.WriteString(line + "\n")
	}
	require.NoError(t, rows.Err())
	return plan.String()
}

// TestOpenGivesUpOnASilentServer: a server that accepts the connection and
// never answers (a hung pooler, another service on the port) is an error
// within the default connect timeout; serve hung at start, printing
// nothing, for as long as it ran.
func TestOpenGivesUpOnASilentServer(t *testing.T) {
	start := time.Now()
	_, err := postgres.Open(t.Context(), "postgres://styrke:secret-pw@"+silent.Listen(t)+"/styrke?sslmode=disable")
	require.Error(t, err)
	assert.Less(t, time.Since(start), 15*time.Second)
	assert.NotContains(t, err.Error(), "secret-pw")
}

// TestOpenCurrent: the reading commands open a store without migrating it,
// as a role that may only read (SELECT on the store's tables) can; a
// database a version behind or ahead of this program's is refused with
// both versions named and left as it is, and one with no Styrke schema too.
// Before, every command migrated: a select-only role could not open the
// store at all, and a newer binary run to read moved the schema under the
// server that used it.
func TestOpenCurrent(t *testing.T) {
	t.Run("select only", func(t *testing.T) {
		dsn, conn := migrated(t)
		schema := searchPath(t, dsn)
		role := "reader_" + schema
		_, err := conn.Exec(t.Context(), `CREATE ROLE `+role+` LOGIN;
			GRANT USAGE ON SCHEMA `+schema+` TO `+role+`;
			GRANT SELECT ON ALL TABLES IN SCHEMA `+schema+` TO `+role)
		require.NoError(t, err)
		t.Cleanup(func() {
			conn.Exec(context.Background(), `DROP OWNED BY `+role+`; DROP ROLE `+role)
		})
		readerDSN := strings.Replace(dsn, "postgres://postgres@", "postgres://"+role+"@", 1)
		_, err = postgres.Open(t.Context(), readerDSN)
		require.Error(t, err, "Open migrates, which a reader may not")
		s, err := postgres.OpenCurrent(t.Context(), readerDSN)
		require.NoError(t, err)
		defer s.Close()
		_, err = s.Audit(t.Context(), store.AuditFilter{Limit: 1})
		assert.NoError(t, err)
	})
	t.Run("behind", func(t *testing.T) {
		dsn, conn := migrated(t)
		_, err := conn.Exec(t.Context(), `DELETE FROM schema_migrations WHERE version = $1`, postgres.SchemaVersion)
		require.NoError(t, err)
		_, err = postgres.OpenCurrent(t.Context(), dsn)
		require.Error(t, err)
		assert.Contains(t, err.Error(), fmt.Sprintf("version %d, this program's is %d", postgres.SchemaVersion-1, postgres.SchemaVersion))
		var n int
		require.NoError(t, conn.QueryRow(t.Context(), `SELECT count(*) FROM schema_migrations WHERE version = $1`, postgres.SchemaVersion).Scan(&n))
		assert.Zero(t, n, "not migrated")
	})
	t.Run("ahead", func(t *testing.T) {
		dsn, conn := migrated(t)
		_, err := conn.Exec(t.Context(), `INSERT INTO schema_migrations (version, name) VALUES ($1, 'later')`, postgres.SchemaVersion+1)
		require.NoError(t, err)
		_, err = postgres.OpenCurrent(t.Context(), dsn)
		require.Error(t, err)
		assert.Contains(t, err.Error(), fmt.Sprintf("version %d is newer than this program's %d", postgres.SchemaVersion+1, postgres.SchemaVersion))
	})
	t.Run("no schema", func(t *testing.T) {
		dsn := pg.Database(t)
		_, err := postgres.OpenCurrent(t.Context(), dsn)
		require.Error(t, err)
		assert.ErrorIs(t, err, store.ErrNoSchema)
		conn, err := pgx.Connect(t.Context(), dsn)
		require.NoError(t, err)
		defer conn.Close(context.Background())
		var n int
		require.NoError(t, conn.QueryRow(t.Context(), `SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()`).Scan(&n))
		assert.Zero(t, n, "nothing created")
	})
}

// searchPath is the schema a pgtest DSN names in its search_path.
func searchPath(t *testing.T, dsn string) string {
	t.Helper()
	_, s, ok := strings.Cut(dsn, "search_path=")
	require.True(t, ok, "pgtest DSN names a schema")
	s, _, _ = strings.Cut(s, "&")
	return s
}

// TestUnavailableIsTheStoresOwn: errors that are not the database's (a
// context's deadline, a directory's network error that an unrelated
// handler passes on) are no store outage; they were answered "the
// service's database is unavailable".
func TestUnavailableIsTheStoresOwn(t *testing.T) {
	var s *postgres.Store
	for _, err := range []error{
		context.DeadlineExceeded,
		fmt.Errorf("directory: unavailable: connect: %w", &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}),
		io.EOF,
	} {
		assert.False(t, s.Unavailable(err), "%v", err)
	}
	assert.True(t, s.Unavailable(fmt.Errorf("postgres: activation: %w", &net.OpError{Op: "read", Net: "tcp", Err: errors.New("connection reset by peer")})))
}

// TestOpenSaysWhatItMigrated: Open reports the schema version the database
// had and the one it has now, for serve to say once when a build older
// than it can no longer open the store (the log said nothing of it).
func TestOpenSaysWhatItMigrated(t *testing.T) {
	dsn := pg.Database(t)
	restore := postgres.KeepMigrations(3)
	old := postgres.SchemaVersion
	s, err := postgres.Open(t.Context(), dsn)
	require.NoError(t, err)
	from, to := s.Migrated()
	assert.Equal(t, [2]int{0, old}, [2]int{from, to}, "a new store")
	require.NoError(t, s.Close())
	restore()
	for _, want := range [][2]int{{old, postgres.SchemaVersion}, {postgres.SchemaVersion, postgres.SchemaVersion}} {
		s, err := postgres.Open(t.Context(), dsn)
		require.NoError(t, err)
		from, to := s.Migrated()
		assert.Equal(t, want, [2]int{from, to})
		require.NoError(t, s.Close())
	}
}

// TestOpenNewerSchema: a build that meets a database a newer build
// migrated (a downgrade) refuses it, changing nothing, naming both schema
// versions and the two ways on: run the newer build, or restore the backup
// made before the upgrade. serve said only "postgres: migrate: database
// schema version 17 is newer than this program's 16", and the reading
// commands "use the newer styrke", with no word of going back.
func TestOpenNewerSchema(t *testing.T) {
	for name, open := range map[string]func(context.Context, string) (*postgres.Store, error){
		"Open (serve)":               postgres.Open,
		"OpenCurrent (audit, lists)": postgres.OpenCurrent,
	} {
		t.Run(name, func(t *testing.T) {
			dsn, conn := migrated(t)
			newer := postgres.SchemaVersion + 1
			var before int
			require.NoError(t, conn.QueryRow(t.Context(), `SELECT count(*) FROM schema_migrations`).Scan(&before))
			_, err := conn.Exec(t.Context(), `INSERT INTO schema_migrations (version, name) VALUES ($1, 'later')`, newer)
			require.NoError(t, err)
			s, err := open(t.Context(), dsn)
			if err == nil {
				s.Close()
			}
			require.Error(t, err)
			var ns *store.NewerSchemaError
			require.ErrorAs(t, err, &ns, "got %v", err)
			assert.Equal(t, store.NewerSchemaError{Have: newer, Own: postgres.SchemaVersion}, *ns)
			msg := err.Error()
			assert.Contains(t, msg, fmt.Sprintf("version %d is newer than this program's %d", newer, postgres.SchemaVersion))
			assert.Contains(t, msg, "run the newer build", "the way on")
			assert.Contains(t, msg, "the backup made before the upgrade", "the way back")
			assert.NotContains(t, msg, "migrate:", "it migrated nothing")
			var n int
			require.NoError(t, conn.QueryRow(t.Context(), `SELECT count(*) FROM schema_migrations`).Scan(&n))
			assert.Equal(t, before+1, n, "nothing changed")
		})
	}
}

// TestOpenSaysWhyItCannotConnect: a connection that fails is said in one
// line that begins with why (a wrong password, no such database or role,
// nothing listening), under "connect", never "migrate", and never with the
// password. With sslmode unset (prefer) it began "migrate: failed to
// connect to …: tls error: server refused TLS connection", the attempt
// before the one that told why, though nothing had been migrated.
func TestOpenSaysWhyItCannotConnect(t *testing.T) {
	require.NoError(t, pg.RequirePassword(t.Context(), "connect_pw", "right-secret-pw"))
	prefer := func(dsn string) string { return strings.Replace(dsn, "?sslmode=disable", "", 1) }
	tests := []struct {
		name, dsn, why string
	}{
		{"wrong password", strings.Replace(prefer(pg.DSN("postgres")), "postgres@", "connect_pw:wrong-secret-pw@", 1),
			`password authentication failed for user "connect_pw" (SQLSTATE 28P01)`},
		{"no such database", prefer(pg.DSN("no_such_db")), `database "no_such_db" does not exist (SQLSTATE 3D000)`},
		{"no such role", strings.Replace(prefer(pg.DSN("postgres")), "postgres@", "no_such_role:a-secret-pw@", 1),
			`role "no_such_role" does not exist (SQLSTATE 28000)`},
		{"nothing listening", "postgres://u:a-secret-pw@127.0.0.1:1/x?connect_timeout=2", "connection refused"},
	}
	for _, tt := range tests {
		for _, o := range []struct {
			name string
			open func(context.Context, string) (*postgres.Store, error)
		}{{"Open", postgres.Open}, {"OpenCurrent", postgres.OpenCurrent}} {
			t.Run(tt.name+"/"+o.name, func(t *testing.T) {
				_, err := o.open(t.Context(), tt.dsn)
				require.Error(t, err)
				msg := err.Error()
				assert.Regexp(t, `^postgres: connect to 127\.0\.0\.1:[0-9]+ as [a-z_]+, database [a-z_]+: `, msg)
				why, tls := strings.Index(msg, tt.why), strings.Index(msg, "tls error")
				assert.True(t, why >= 0 && (tls < 0 || tls > why), "the cause leads: got %q, want %q first", msg, tt.why)
				assert.NotContains(t, msg, "migrate")
				assert.NotContains(t, msg, "\n")
				assert.NotContains(t, msg, "secret-pw")
			})
		}
	}
}

// TestOpenSaysAHostThatDoesNotResolve: a host name that does not resolve
// is named as the place, and the lookup's failure said once: it read
// "postgres: connect to hostname resolving error as u, database x: lookup
// nosuchhost.invalid …: no such host lookup nosuchhost.invalid …: no such
// host", pgconn's kind of error in the host's place and the cause twice.
func TestOpenSaysAHostThatDoesNotResolve(t *testing.T) {
	_, err := postgres.Open(t.Context(), "postgres://u:a-secret-pw@nosuchhost.invalid:5432/x?connect_timeout=2")
	require.Error(t, err)
	msg := err.Error()
	assert.True(t, strings.HasPrefix(msg, "postgres: connect to nosuchhost.invalid:5432 as u, database x: hostname resolving error: lookup nosuchhost.invalid"), msg)
	assert.Equal(t, 1, strings.Count(msg, "lookup nosuchhost.invalid"), "the cause once: %s", msg)
	assert.NotContains(t, msg, "secret-pw")
}

// TestOpenSaysNothingListens: a port nothing listens on is said in words
// at the start, as serve's log says it later (connectWords): it said only
// pgx's "dial error: dial tcp 127.0.0.1:1: connect: connection refused",
// and the operator of a server that would not start had to read it.
func TestOpenSaysNothingListens(t *testing.T) {
	_, err := postgres.Open(t.Context(), "postgres://u:a-secret-pw@127.0.0.1:1/x?connect_timeout=2&sslmode=disable")
	require.Error(t, err)
	msg := err.Error()
	assert.True(t, strings.HasPrefix(msg, "postgres: connect to 127.0.0.1:1 as u, database x: "), msg)
	assert.True(t, strings.HasSuffix(msg, "connection refused (nothing listens there: is PostgreSQL running, on that port?)"), msg)
	assert.NotContains(t, msg, "secret-pw")
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
	dsn := pg.Database(t)
	restore := postgres.KeepMigrations(version) // versions 1 to 18 have no gaps
	t.Cleanup(restore)
	s, err := postgres.Open(t.Context(), dsn)
	require.NoError(t, err)
	require.Equal(t, version, postgres.SchemaVersion)
	conn, err := pgx.Connect(t.Context(), dsn)
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close(context.Background()) })
	return storetest.OldStore{
		Store: s,
		PutAddress: func(username, email, lang string, at time.Time) {
			_, err := conn.Exec(t.Context(), `INSERT INTO addresses (username, email, lang, updated_at) VALUES ($1, $2, $3, $4)`,
				username, email, lang, at)
			require.NoError(t, err)
		},
		PutPassword: func(username string, seq int64, hash string, at time.Time, history bool) {
			_, err := conn.Exec(t.Context(), `INSERT INTO accounts (username, password_hash, updated_at, seq) VALUES ($1, $2, $3, $4)
				ON CONFLICT (username) DO UPDATE SET password_hash = excluded.password_hash, updated_at = excluded.updated_at, seq = excluded.seq`,
				username, hash, at, seq)
			require.NoError(t, err)
			if history {
				_, err = conn.Exec(t.Context(), `INSERT INTO password_history (username, seq, hash, created_at) VALUES ($1, $2, $3, $4)`,
					username, seq, hash, at)
				require.NoError(t, err)
			}
		},
		Migrate: func() store.Store {
			require.NoError(t, s.Close())
			restore()
			s, err := postgres.Open(t.Context(), dsn)
			require.NoError(t, err)
			t.Cleanup(func() { s.Close() })
			from, to := s.Migrated()
			require.Equal(t, [2]int{version, postgres.SchemaVersion}, [2]int{from, to})
			return s
		},
	}
}

// TestOpenSaysWhatIsWrongWithTheDSN: a DSN whose user and password read
// well but whose port or an option does not (a typo) is refused naming
// the field, the kind of value it takes and the kind it got, never the
// value (a password typed where the port goes would be it) nor the
// password; it was told to percent-encode the user and the password,
// which were right. The DSNs are the test server's, with a password the
// server asks for and one thing wrong; with the options right, it opens.
func TestOpenSaysWhatIsWrongWithTheDSN(t *testing.T) {
	require.NoError(t, pg.RequirePassword(t.Context(), "typo_pw", "right-secret-pw"))
	good := strings.Replace(pg.DSN("postgres"), "postgres@", "typo_pw:right-secret-pw@", 1) // ...:PORT/postgres?sslmode=disable
	port := strconv.Itoa(pg.Port())
	tests := []struct {
		name, dsn, field, got string
	}{
		{"letter in the port", strings.Replace(good, ":"+port+"/", ":54x2/", 1), "port", "is not a number (it has letters)"},
		{"port out of range", strings.Replace(good, ":"+port+"/", ":"+port+"0/", 1), "port", "is above 65535"},
		{"a password where the port goes", strings.Replace(good, "typo_pw:right-secret-pw@127.0.0.1:"+port, "typo_pw:right-secret-pw", 1), "port", "is not a number (it has letters)"},
		{"connect_timeout with a unit", good + "&connect_timeout=5s", "connect_timeout", "is not a number (it has letters)"},
		{"connect_timeout negative", good + "&connect_timeout=-1", "connect_timeout", "is negative"},
		{"sslmode misspelt", strings.Replace(good, "sslmode=disable", "sslmode=disabled", 1), "sslmode", "is not one of its values"},
		{"pool_max_conns not a number", good + "&pool_max_conns=ten", "pool_max_conns", "is not a number (it has letters)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := postgres.Open(t.Context(), tt.dsn)
			require.Error(t, err)
			var fe *postgres.FieldError
			require.ErrorAs(t, err, &fe, "got %v", err)
			assert.Equal(t, tt.field, fe.Field)
			assert.Equal(t, tt.got, fe.Got)
			msg := err.Error()
			assert.Contains(t, msg, "the DSN's "+tt.field+" "+tt.got)
			assert.NotContains(t, msg, "percent-encode", "the user and password are right")
			assert.NotContains(t, msg, "secret-pw")
			assert.NotContains(t, msg, "54x2", "not the value")
			assert.NotContains(t, backend.Redact(tt.dsn), "secret-pw")
		})
	}
	st, err := postgres.Open(t.Context(), pg.Database(t)+"&connect_timeout=5&pool_max_conns=4")
	require.NoError(t, err, "the options right")
	st.Close()
}
