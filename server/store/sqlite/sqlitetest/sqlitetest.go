// Package sqlitetest opens SQLite stores for tests without migrating each
// one: the schema is made once per test binary (sqlite.Open on a new file,
// every migration applied) and each store starts as a copy of that file.
// Migrating took 0.7 s under the race detector on a 2-core machine, the
// copy 20 ms, and the server's tests open a store for nearly every test.
// The tests of the migrations themselves (server/store/sqlite) call
// sqlite.Open directly.
package sqlitetest

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/styrke-iam/styrke/server/store/sqlite"
)

var (
	once     sync.Once
	template []byte
	tmplErr  error
)

// migrated returns the bytes of a database file holding every migration
// and no rows, made on the first call.
func migrated() ([]byte, error) {
	once.Do(func() {
		dir, err := os.MkdirTemp("", "styrke-sqlitetest-")
		if err != nil {
			tmplErr = err
			return
		}
		defer os.RemoveAll(dir)
		path := filepath.Join(dir, "template.db")
		s, err := sqlite.Open(context.Background(), path)
		if err != nil {
			tmplErr = err
			return
		}
		// Close checkpoints the write-ahead log into the file and
		// removes it: the file alone is the database.
		if err := s.Close(); err != nil {
			tmplErr = err
			return
		}
		if _, err := os.Stat(path + "-wal"); !errors.Is(err, fs.ErrNotExist) {
			tmplErr = fmt.Errorf("sqlitetest: %s-wal left after Close (%v)", path, err)
			return
		}
		template, tmplErr = os.ReadFile(path)
	})
	return template, tmplErr
}

// Create writes a migrated database with no rows at path, which must not
// exist (mode 0600, as sqlite.Open creates it), for a test that opens it
// itself or hands the path to a program.
func Create(t testing.TB, path string) {
	t.Helper()
	b, err := migrated()
	if err != nil {
		t.Fatalf("sqlitetest: make the migrated template: %v", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatalf("sqlitetest: %v", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		t.Fatalf("sqlitetest: %v", err)
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		t.Fatalf("sqlitetest: write %s: %v", path, err)
	}
	if err := f.Close(); err != nil {
		t.Fatalf("sqlitetest: write %s: %v", path, err)
	}
}

// Open is sqlite.Open on a new database at path, which must not exist,
// written from the migrated template (see Create): the store Open returns
// has every migration applied and no rows, as one from sqlite.Open has.
// The caller closes it.
func Open(t testing.TB, path string) (*sqlite.Store, error) {
	t.Helper()
	Create(t, path)
	return sqlite.Open(context.Background(), path)
}

// holdEnv names the SQLite file a test binary started by HoldLock holds
// the write lock of (see init).
const holdEnv = "STYRKE_SQLITETEST_HOLD_LOCK"

// init makes a test binary started by HoldLock the lock's holder: it opens
// the file, takes the write lock, says "held" on its standard output and
// keeps the lock until its standard input ends.
func init() {
	if path := os.Getenv(holdEnv); path != "" {
		os.Exit(holdLock(path))
	}
}

func holdLock(path string) int {
	db, err := sql.Open("sqlite", path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer db.Close()
	conn, err := db.Conn(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer conn.Close()
	if _, err := conn.ExecContext(context.Background(), `BEGIN IMMEDIATE`); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Println("held")
	io.Copy(io.Discard, os.Stdin)
	conn.ExecContext(context.Background(), `ROLLBACK`)
	return 0
}

// HoldLock starts another process that holds the write lock of the SQLite
// file at path (a transaction begun with BEGIN IMMEDIATE), as a sqlite3
// shell with a transaction open does, and returns once it holds it. The
// process is the test binary itself, run again (init above). release, also
// called when t ends, ends the transaction and the process. It returns the
// process's id.
func HoldLock(t testing.TB, path string) (pid int, release func()) {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), holdEnv+"="+path)
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("sqlitetest: start the lock's holder: %v", err)
	}
	var once sync.Once
	release = func() {
		once.Do(func() {
			in.Close()
			cmd.Wait()
		})
	}
	t.Cleanup(release)
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || line != "held\n" {
		release()
		t.Fatalf("sqlitetest: the lock's holder said %q (%v), not held", line, err)
	}
	return cmd.Process.Pid, release
}
