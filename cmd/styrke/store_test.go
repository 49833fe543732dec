package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/server"
	"github.com/styrke-iam/styrke/server/store"
	"github.com/styrke-iam/styrke/server/store/backend"
	"github.com/styrke-iam/styrke/server/store/pgtest"
	"github.com/styrke-iam/styrke/server/store/sqlite/sqlitetest"
)

// TestStoreCopy: an installation that began on SQLite grows to PostgreSQL
// with `styrke store copy`, and its open link works there; a backup into a
// new SQLite file; every mistake refused by name, with nothing written.
func TestStoreCopy(t *testing.T) {
	data := dataWithStore(t)
	src := "sqlite:" + filepath.Join(data, "styrke.db")
	env := map[string]string{"STYRKE_DATA": data, "STYRKE_BASE_URL": "https://styrke.example"}
	cli := func(args ...string) (string, string, error) {
		var stdout, stderr bytes.Buffer
		err := run(context.Background(), args, func(k string) string { return env[k] }, nil, &stdout, &stderr)
		return stdout.String(), stderr.String(), err
	}
	stdout, stderr, err := cli("activation", "create", "--username", "kari", "--actor", "cli:test")
	require.NoError(t, err, stderr)
	token := regexp.MustCompile(`#/pw/([A-Za-z0-9_-]{20,})`).FindStringSubmatch(stdout)
	require.NotNil(t, token, "no link in %q", stdout)

	pg, err := pgtest.Start()
	require.NoError(t, err)
	t.Cleanup(func() { pg.Stop() })
	dst, err := pg.CreateDatabase(t.Context())
	require.NoError(t, err)
	// trust authentication: the password is not asked, but it is in the
	// DSN, and must not be in anything the command says.
	const pgPassword = "pg-secret-4471"
	dst = strings.Replace(dst, "postgres@", "postgres:"+pgPassword+"@", 1)

	t.Run("to PostgreSQL", func(t *testing.T) {
		env["STYRKE_COPY_TO"] = dst
		defer delete(env, "STYRKE_COPY_TO")
		stdout, stderr, err := cli("store", "copy", "--actor", "cli:test")
		require.NoError(t, err, stderr)
		assert.Contains(t, stdout, "copying "+src+" to postgres://postgres@127.0.0.1:")
		assert.Regexp(t, `(?m)^  activations +1$`, stdout)
		assert.Regexp(t, `(?m)^  audit_events +1$`, stdout)
		assert.Regexp(t, `copied \d+ rows? of 17 tables in .*; the copy reads back the same`, stdout)
		assert.NotContains(t, stdout+stderr, pgPassword)

		st, err := backend.OpenCurrent(t.Context(), dst)
		require.NoError(t, err)
		defer st.Close()
		a, err := st.Activation(t.Context(), server.HashToken(token[1]))
		require.NoError(t, err, "the link issued on SQLite is in PostgreSQL")
		assert.Equal(t, "kari", a.Username)
		assert.Nil(t, a.UsedAt)
		events, err := st.Audit(t.Context(), store.AuditFilter{Event: store.EventCopied})
		require.NoError(t, err)
		require.Len(t, events, 1)
		assert.Equal(t, "cli:test", events[0].Actor)
		assert.Contains(t, events[0].Detail, `"from":"`+src+`"`)
		assert.Contains(t, events[0].Detail, `"activations":1`)

		// Again: the database is no longer empty, and nothing is added.
		_, stderr, err = cli("store", "copy", "--to", dst)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "the destination is not empty: its table activations has 1 row")
		assert.Contains(t, err.Error(), "nothing was changed in it")
		assert.NotContains(t, err.Error()+stderr, pgPassword)
		n, err := st.Activations(t.Context(), store.ActivationFilter{})
		require.NoError(t, err)
		assert.Len(t, n, 1)
	})

	t.Run("a backup into a new SQLite file", func(t *testing.T) {
		backup := filepath.Join(t.TempDir(), "backup.db")
		defer func(n int) { copyProgressEvery = n }(copyProgressEvery)
		copyProgressEvery = 2
		stdout, stderr, err := cli("store", "copy", "--to", "sqlite:"+backup)
		require.NoError(t, err, stderr)
		assert.Contains(t, stderr, "store copy: 2 rows so far")
		assert.Contains(t, stdout, "copied ")
		fi, err := os.Stat(backup)
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), "it holds password hashes")
		left, err := filepath.Glob(filepath.Join(filepath.Dir(backup), "*"))
		require.NoError(t, err)
		assert.Equal(t, []string{backup}, left, "nothing left beside the backup (-wal, the copy's folder)")
		// The file alone is the whole store (a backup job ships it alone).
		alone := filepath.Join(t.TempDir(), "alone.db")
		b, err := os.ReadFile(backup)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(alone, b, 0o600))
		st, err := backend.OpenCurrent(t.Context(), "sqlite:"+alone)
		require.NoError(t, err)
		defer st.Close()
		_, err = st.Activation(t.Context(), server.HashToken(token[1]))
		require.NoError(t, err)
		// The source's log says where its data went.
		s, err := backend.OpenCurrent(t.Context(), src)
		require.NoError(t, err)
		defer s.Close()
		events, err := s.Audit(t.Context(), store.AuditFilter{Event: store.EventCopied})
		require.NoError(t, err)
		require.NotEmpty(t, events)
		assert.Contains(t, events[len(events)-1].Detail, `"to":"sqlite:`+backup+`"`)
	})

	// In a folder others may write to, a link planted where the copy
	// would write (NAME.partial) or at NAME itself does not take the
	// store: it went, world-readable, to the link's target.
	t.Run("links planted in a shared folder", func(t *testing.T) {
		shared := t.TempDir()
		backup := filepath.Join(shared, "backup.db")
		loot := filepath.Join(shared, "loot.db")
		require.NoError(t, os.Symlink(loot, backup+".partial"))
		_, stderr, err := cli("store", "copy", "--to", "sqlite:"+backup)
		require.NoError(t, err, stderr)
		_, err = os.Lstat(loot)
		assert.ErrorIs(t, err, os.ErrNotExist, "nothing written through the link")
		fi, err := os.Lstat(backup)
		require.NoError(t, err)
		assert.True(t, fi.Mode().IsRegular(), "the backup is a file of its own, not a link")
		assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())

		other := filepath.Join(shared, "other.db")
		require.NoError(t, os.Symlink(loot, other))
		_, stderr, err = cli("store", "copy", "--to", "sqlite:"+other)
		require.ErrorIs(t, err, errUsage)
		assert.Contains(t, stderr, "other.db exists")
		_, err = os.Lstat(loot)
		assert.ErrorIs(t, err, os.ErrNotExist)
	})

	t.Run("into a database of another application", func(t *testing.T) {
		other, err := pg.CreateDatabase(t.Context())
		require.NoError(t, err)
		conn, err := pgx.Connect(t.Context(), other)
		require.NoError(t, err)
		defer conn.Close(t.Context())
		_, err = conn.Exec(t.Context(), `CREATE TABLE students (id int)`)
		require.NoError(t, err)
		_, _, err = cli("store", "copy", "--to", other)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "the database holds tables that are not Styrke's (students)")
		var n int
		require.NoError(t, conn.QueryRow(t.Context(), `SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'`).Scan(&n))
		assert.Equal(t, 1, n, "no table of Styrke's made beside it")
	})

	// A live store of an older version named by mistake: refused before
	// anything in it is migrated (under its running instances).
	t.Run("into an older store in use", func(t *testing.T) {
		older, err := pg.CreateDatabase(t.Context())
		require.NoError(t, err)
		st, err := backend.Open(t.Context(), older)
		require.NoError(t, err)
		_, err = st.AppendAudit(t.Context(), store.AuditEvent{Time: time.Now(), Event: store.EventCreated, Actor: "system"})
		require.NoError(t, err)
		require.NoError(t, st.Close())
		conn, err := pgx.Connect(t.Context(), older)
		require.NoError(t, err)
		defer conn.Close(t.Context())
		_, err = conn.Exec(t.Context(), `DELETE FROM schema_migrations WHERE version = (SELECT max(version) FROM schema_migrations)`)
		require.NoError(t, err)
		_, _, err = cli("store", "copy", "--to", older)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "its table audit_events has 1 row")
		assert.Contains(t, err.Error(), "nothing was changed in it")
	})

	t.Run("a password with @, / or ? in the DSN", func(t *testing.T) {
		for _, pw := range []string{"Pa@ss-Secret4", "2024/Secret4", "12?Secret4"} {
			bad := strings.Replace(dst, pgPassword, pw, 1)
			_, stderr, err := cli("store", "copy", "--to", bad)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "percent-encode")
			assert.NotContains(t, err.Error()+stderr, "Secret4")
		}
	})

	exists := filepath.Join(t.TempDir(), "exists.db")
	require.NoError(t, os.WriteFile(exists, []byte("another program's"), 0o600))
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no destination", []string{"store", "copy"}, "--to is missing"},
		{"into itself", []string{"store", "copy", "--to", src}, "--to: is the store being copied"},
		{"into the source's WAL", []string{"store", "copy", "--to", src + "-wal"}, "--to: is a file of the store being copied"},
		{"into a file that exists", []string{"store", "copy", "--to", "sqlite:" + exists}, "exists.db exists: a copy goes into a new file"},
		{"into a folder that does not exist", []string{"store", "copy", "--to", "sqlite:" + filepath.Join(data, "no", "x.db")}, "does not exist; create it first"},
		{"not a DSN", []string{"store", "copy", "--to", "mysql://x"}, `must be "sqlite:PATH" or "postgres://..."`},
		{"no command", []string{"store"}, "usage: styrke store copy"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, stderr, err := cli(tc.args...)
			require.ErrorIs(t, err, errUsage)
			assert.Contains(t, stderr, tc.want)
		})
	}
	b, err := os.ReadFile(exists)
	require.NoError(t, err)
	assert.Equal(t, "another program's", string(b))
	_, err = os.Stat(filepath.Join(data, "no"))
	assert.ErrorIs(t, err, os.ErrNotExist)

	t.Run("a source that does not exist", func(t *testing.T) {
		_, _, err := cli("store", "copy", "--db", "sqlite:"+filepath.Join(data, "nosuch.db"), "--to", "sqlite:"+filepath.Join(t.TempDir(), "x.db"))
		require.Error(t, err)
		assert.Contains(t, err.Error(), "no database at")
	})
}

// TestStoreCopyKilled: a copy killed part-way (SIGKILL, a dropped session)
// leaves no file under the backup's name: only NAME.partial, which the
// next copy names and refuses to overwrite. It left an empty store under
// the backup's name, which audit and activation list read as a store.
func TestStoreCopyKilled(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "big.db")
	sqlitetest.Create(t, src)
	st, err := backend.Open(t.Context(), "sqlite:"+src)
	require.NoError(t, err)
	require.NoError(t, st.Close())
	db, err := sql.Open("sqlite", src)
	require.NoError(t, err)
	_, err = db.ExecContext(t.Context(), `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 40000)
		INSERT INTO audit_events (time, event, actor, detail) SELECT x, 'created', 'system', printf('%0300d', x) FROM c`)
	require.NoError(t, err)
	require.NoError(t, db.Close())

	backup := filepath.Join(dir, "backup.db")
	cmd := exec.Command(os.Args[0], "store", "copy", "--db", "sqlite:"+src, "--to", "sqlite:"+backup)
	cmd.Env = append(os.Environ(), "STYRKE_TEST_AS_MAIN=1")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	require.NoError(t, cmd.Start())
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	// Kill it once it is writing rows.
	for {
		wals, _ := filepath.Glob(filepath.Join(dir, ".styrke-copy-*", "backup.db-wal"))
		if (len(wals) > 0 && writing(wals[0])) || writing(backup+"-wal") {
			break
		}
		select {
		case err := <-exited:
			t.Fatalf("the copy ended before it could be killed (%v): %s", err, out.String())
		case <-time.After(5 * time.Millisecond):
		}
	}
	require.NoError(t, cmd.Process.Kill())
	<-exited
	_, err = os.Stat(backup)
	assert.ErrorIs(t, err, os.ErrNotExist, "nothing under the backup's name")

	left, err := filepath.Glob(filepath.Join(dir, ".styrke-copy-*"))
	require.NoError(t, err)
	require.Len(t, left, 1, "the killed copy's folder")
	fi, err := os.Stat(left[0])
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o700), fi.Mode().Perm(), "private")

	// The next copy says what the killed one left (a small store: only
	// the note is looked at).
	small := dataWithStore(t)
	var stdout, stderr bytes.Buffer
	err = run(t.Context(), []string{"store", "copy", "--data", small, "--to", "sqlite:" + backup},
		func(string) string { return "" }, nil, &stdout, &stderr)
	require.NoError(t, err, stderr.String())
	assert.Contains(t, stderr.String(), left[0]+": left by a copy that was stopped before it finished")
}

// writing reports whether the file at path exists and has grown past 1 MiB.
func writing(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Size() > 1<<20
}

// TestServeSaysTheDatabaseIsGone: PostgreSQL stops while serve runs. The
// requests that meet it answer 503, and the log says in words what failed:
// the connection the server ended as it shut down, then the server that
// refuses connections, where it listened, and that it may not be running.
// It said pgconn's own text ("FATAL: terminating connection due to
// administrator command (SQLSTATE 57P01)", "failed to connect to
// `user=… database=…`: 127.0.0.1:PORT (127.0.0.1): dial error: dial tcp
// …: connect: connection refused"). Never the DSN's password.
func TestServeSaysTheDatabaseIsGone(t *testing.T) {
	const pgPassword = "pg-secret-5108"
	pg, dsn := pgWithPassword(t, pgPassword)
	env := map[string]string{
		"STYRKE_DATA": t.TempDir(), "STYRKE_DB": dsn, "STYRKE_ADDR": "127.0.0.1:0", "STYRKE_BREACH_URL": "http://127.0.0.1:1",
		"STYRKE_ADMIN_KEY": testDeskKey, "STYRKE_BASE_URL": "https://styrke.example",
	}
	in := startServe(t, env)
	status, body := in.post(t, "/api/admin/activations", `{"username":"kari","institution":"default"}`, true)
	require.Equal(t, http.StatusCreated, status, "%s", body)

	// A lookup waits for a lock no session holds (HoldLock), and the server
	// stops under it: the server ends its connection (57P01).
	pg.HoldLock(t, dsn, "activations")
	answered := make(chan int, 1)
	go func() {
		resp, err := http.Post(in.base+"/api/activation/lookup", "application/json",
			strings.NewReader(`{"token":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}`))
		if err != nil {
			answered <- 0
			return
		}
		resp.Body.Close()
		answered <- resp.StatusCode
	}()
	watch, err := pgx.Connect(t.Context(), dsn) // outside the lock's transaction, whose view of the activity is fixed
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		var n int
		err := watch.QueryRow(t.Context(), `SELECT count(*) FROM pg_stat_activity
			WHERE wait_event_type = 'Lock' AND query LIKE '%FROM activations WHERE token_hash = $1%'`).Scan(&n)
		return err == nil && n == 1
	}, 4*time.Second, 10*time.Millisecond, "the lookup waits for the lock")
	require.NoError(t, pg.Stop())
	assert.Equal(t, http.StatusServiceUnavailable, <-answered)
	// Then every new connection is refused.
	refused := `err="postgres: activation: the database is unreachable: ` + fmt.Sprintf("127.0.0.1:%d", pg.Port()) +
		` refused the connection (nothing listens there: is PostgreSQL running, on that port?); user postgres, database `
	for i := 0; i < 20 && !strings.Contains(in.stderr.String(), refused); i++ {
		status, body = in.post(t, "/api/activation/lookup", `{"token":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}`, false)
		assert.Equal(t, http.StatusServiceUnavailable, status, "%s", body)
	}
	in.stop()
	logs := in.stderr.String()
	assert.Contains(t, logs, refused)
	assert.Contains(t, logs, `msg="lookup: the store is unavailable" id=`)
	assert.Contains(t, logs, `err="postgres: activation: the database server ended the connection: it is shutting down `+
		`(an administrator or the system stopped it; SQLSTATE 57P01)"`)
	for _, raw := range []string{"failed to connect to", "dial error", "terminating connection due to administrator command", pgPassword} {
		assert.NotContains(t, logs, raw)
	}
	if t.Failed() {
		t.Log(logs)
	}
}

// TestCommandSaysTheDatabaseIsGone: PostgreSQL stops while a command
// (activation list) waits on it. The command's last line says in words
// what failed, as serve's log does (postgres.Describe): the connection the
// server ended as it shut down. It said pgconn's own text ("styrke:
// postgres: activations: FATAL: terminating connection due to
// administrator command (SQLSTATE 57P01)"). Never the DSN's password.
func TestCommandSaysTheDatabaseIsGone(t *testing.T) {
	const pgPassword = "pg-secret-7731"
	pg, dsn := pgWithPassword(t, pgPassword)
	env := map[string]string{"STYRKE_DATA": t.TempDir(), "STYRKE_DB": dsn, "STYRKE_BASE_URL": "https://styrke.example"}
	cli := func(args ...string) (string, error) {
		var stdout, stderr bytes.Buffer
		err := run(context.Background(), args, func(k string) string { return env[k] }, nil, &stdout, &stderr)
		return stderr.String(), err
	}
	stderr, err := cli("activation", "create", "--username", "kari")
	require.NoError(t, err, stderr)

	// The list waits for a lock no session holds (HoldLock), and the server
	// stops under it: the server ends its connection (57P01).
	pg.HoldLock(t, dsn, "activations")
	type result struct {
		stderr string
		err    error
	}
	done := make(chan result, 1)
	go func() {
		stderr, err := cli("activation", "list")
		done <- result{stderr, err}
	}()
	watch, err := pgx.Connect(t.Context(), dsn)
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		var n int
		err := watch.QueryRow(t.Context(), `SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'`).Scan(&n)
		return err == nil && n > 0
	}, 10*time.Second, 10*time.Millisecond, "the list waits for the lock")
	require.NoError(t, pg.Stop())
	res := <-done
	require.Error(t, res.err, res.stderr)
	var last bytes.Buffer
	assert.Equal(t, 1, exitCode(res.err, &last))
	assert.Equal(t, "styrke: postgres: activations: the database server ended the connection: it is shutting down "+
		"(an administrator or the system stopped it; SQLSTATE 57P01)\n", last.String())
	for _, raw := range []string{"FATAL", "terminating connection due to administrator command", pgPassword} {
		assert.NotContains(t, res.stderr+last.String(), raw)
	}
}

// pgWithPassword starts a PostgreSQL of the test's own (stopped at its
// end) and returns it with a new database's DSN that carries password, so
// that a test can check the password never shows.
func pgWithPassword(t *testing.T, password string) (*pgtest.Server, string) {
	t.Helper()
	pg, err := pgtest.Start()
	require.NoError(t, err)
	t.Cleanup(func() { pg.Stop() })
	dsn, err := pg.CreateDatabase(t.Context())
	require.NoError(t, err)
	return pg, strings.Replace(dsn, "postgres@", "postgres:"+password+"@", 1)
}
