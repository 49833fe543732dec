// Package pgtest starts a real, throwaway PostgreSQL server for tests: initdb
// into a temporary directory, the server on a free loopback port with its
// unix socket in that directory, a fresh database per test, and everything
// removed when the server stops. When the test binary runs as root the server
// runs as the "postgres" user (initdb refuses root).
//
// Use one server per test package, from TestMain:
//
//	var pg *pgtest.Server
//
//	func TestMain(m *testing.M) { os.Exit(pgtest.Main(m, &pg)) }
//
// and pg.Database(t) in each test for the DSN of a new, empty namespace (a
// schema of its own), or pg.CreateDatabase for a whole database.
//
// If the PostgreSQL binaries are missing, Start fails (it never skips):
// `make deps` (scripts/deps.sh) installs Debian's postgresql package.
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// StartTimeout bounds initdb plus the server's start-up.
const StartTimeout = 60 * time.Second

// Server is a running throwaway PostgreSQL server.
type Server struct {
	dir  string // temporary directory: data/ and the unix socket
	port int
	cmd  *exec.Cmd
	done chan struct{} // closed when the server process has exited
	werr error         // its exit status, valid after done
	seq  atomic.Int64  // database and schema name counter
}

// ErrNoBinaries is returned (wrapped) by Start when initdb or postgres is not
// installed.
var ErrNoBinaries = errors.New("pgtest: PostgreSQL server binaries (initdb, postgres) not found; run `make deps` (scripts/deps.sh installs Debian's postgresql package)")

// BinDir finds the directory holding initdb and postgres: $PATH, then
// `pg_config --bindir`, then the newest /usr/lib/postgresql/*/bin.
func BinDir() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		if r, err := filepath.EvalSymlinks(p); err == nil {
			p = r
		}
		if dir := filepath.Dir(p); exists(filepath.Join(dir, "postgres")) {
			return dir, nil
		}
	}
	if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
		dir := strings.TrimSpace(string(out))
		if exists(filepath.Join(dir, "initdb")) && exists(filepath.Join(dir, "postgres")) {
			return dir, nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, dir := range dirs {
		if exists(filepath.Join(dir, "initdb")) && exists(filepath.Join(dir, "postgres")) {
			return dir, nil
		}
	}
	return "", ErrNoBinaries
}

func version(bindir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(bindir)))
	return n
}

func exists(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir()
}

// Start initialises and starts a server. The caller must Stop it.
func Start() (*Server, error) {
	bin, err := BinDir()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "styrke-pgtest-")
	if err != nil {
		return nil, fmt.Errorf("pgtest: %w", err)
	}
	s := &Server{dir: dir}
	cred, err := credential(dir)
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), StartTimeout)
	defer cancel()

	data := filepath.Join(dir, "data")
	initdb := exec.CommandContext(ctx, filepath.Join(bin, "initdb"),
		"-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync")
	initdb.SysProcAttr = sysProcAttr(cred)
	initdb.Env = append(os.Environ(), "LC_ALL=C")
	if out, err := initdb.CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("pgtest: initdb: %w\n%s", err, out)
	}
	// A free port can be taken between our probe and the server's bind:
	// try a few.
	for attempt := 0; ; attempt++ {
		if err = s.start(ctx, bin, data, cred); err == nil {
			return s, nil
		}
		if attempt == 2 || ctx.Err() != nil {
			os.RemoveAll(dir)
			return nil, err
		}
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func (s *Server) start(ctx context.Context, bin, data string, cred *syscall.Credential) error {
	port, err := freePort()
	if err != nil {
		return fmt.Errorf("pgtest: free port: %w", err)
	}
	s.port = port
	logf, err := os.Create(filepath.Join(s.dir, "server.log"))
	if err != nil {
		return fmt.Errorf("pgtest: %w", err)
	}
	defer logf.Close()
	cmd := exec.Command(filepath.Join(bin, "postgres"), "-D", data,
		"-p", strconv.Itoa(port), "-k", s.dir,
		"-c", "listen_addresses=127.0.0.1",
		"-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
		"-c", "max_connections=200", "-c", "shared_buffers=32MB",
		"-c", "max_prepared_transactions=8", // HoldLock
		"-c", "log_min_messages=warning", "-c", "logging_collector=off")
	cmd.SysProcAttr = sysProcAttr(cred)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("pgtest: start postgres: %w", err)
	}
	s.cmd = cmd
	s.done = make(chan struct{})
	go func() { s.werr = cmd.Wait(); close(s.done) }()

	// Poll until the server accepts connections, it exits, or time runs out.
	tick := time.NewTicker(25 * time.Millisecond)
	defer tick.Stop()
	for {
		c, err := pgx.Connect(ctx, s.DSN("postgres"))
		if err == nil {
			c.Close(ctx)
			if err := s.admin(ctx, "postgres", "CREATE DATABASE "+sharedDB); err != nil {
				s.kill()
				return err
			}
			return nil
		}
		select {
		case <-s.done:
			log, _ := os.ReadFile(filepath.Join(s.dir, "server.log"))
			return fmt.Errorf("pgtest: postgres exited: %v\n%s", s.werr, log)
		case <-ctx.Done():
			s.kill()
			return fmt.Errorf("pgtest: postgres not ready after %v: %w", StartTimeout, err)
		case <-tick.C:
		}
	}
}

func (s *Server) kill() {
	if s.cmd != nil && s.cmd.Process != nil {
		s.cmd.Process.Kill()
		<-s.done
	}
}

// DSN returns the URL of database db on the server, as user postgres over
// TCP on loopback.
func (s *Server) DSN(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", s.port, db)
}

// Port is the server's loopback TCP port.
func (s *Server) Port() int { return s.port }

// CreateDatabase creates a new, empty database and returns its DSN. It takes
// about a third of a second; Database is the fast way to an empty namespace.
func (s *Server) CreateDatabase(ctx context.Context) (string, error) {
	name := fmt.Sprintf("db_%d", s.seq.Add(1))
	if err := s.admin(ctx, "postgres", "CREATE DATABASE "+name+" TEMPLATE template0 STRATEGY wal_log"); err != nil {
		return "", err
	}
	return s.DSN(name), nil
}

// DropDatabase drops the database a DSN from CreateDatabase names,
// disconnecting its sessions.
func (s *Server) DropDatabase(ctx context.Context, dsn string) error {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return fmt.Errorf("pgtest: %w", err)
	}
	return s.admin(ctx, "postgres", "DROP DATABASE IF EXISTS "+pgx.Identifier{cfg.Database}.Sanitize()+" WITH (FORCE)")
}

// Database returns the DSN of a fresh, empty namespace for t: a schema of
// its own in the server's shared test database, made the only one on the
// search_path by the DSN (creating a schema takes milliseconds, a database
// a third of a second). Code that uses unqualified table names, as the
// stores do, sees an empty database. The schema is dropped when t ends.
func (s *Server) Database(t testing.TB) string {
	t.Helper()
	name := fmt.Sprintf("test_%d", s.seq.Add(1))
	if err := s.admin(t.Context(), sharedDB, "CREATE SCHEMA "+name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.admin(context.Background(), sharedDB, "DROP SCHEMA "+name+" CASCADE"); err != nil {
			t.Error(err)
		}
	})
	return s.DSN(sharedDB) + "&search_path=" + name
}

// RequirePassword creates role (a plain name: letters, digits, '_') as a
// login role with password and makes the server ask it for that password
// over TCP, as a production server does (every other role still gets in
// without one), for a test of a wrong password. It returns once the
// server asks.
func (s *Server) RequirePassword(ctx context.Context, role, password string) error {
	if !plainName(role) {
		return fmt.Errorf("pgtest: role %q: use letters, digits and '_' only", role)
	}
	if err := s.admin(ctx, "postgres", "CREATE ROLE "+role+" LOGIN PASSWORD "+quote(password)); err != nil {
		return err
	}
	hba := filepath.Join(s.dir, "data", "pg_hba.conf")
	rules, err := os.ReadFile(hba)
	if err != nil {
		return fmt.Errorf("pgtest: %w", err)
	}
	// The first rule that matches applies.
	rules = append([]byte("host all "+role+" 127.0.0.1/32 scram-sha-256\n"), rules...)
	if err := os.WriteFile(hba, rules, 0o600); err != nil {
		return fmt.Errorf("pgtest: %w", err)
	}
	if err := s.admin(ctx, "postgres", "SELECT pg_reload_conf()"); err != nil {
		return err
	}
	// The server reloads its rules after the call returns: poll until a
	// connection without the password is refused.
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		c, err := pgx.Connect(ctx, strings.Replace(s.DSN("postgres"), "postgres@", role+"@", 1))
		if err == nil {
			c.Close(ctx)
		} else if pe := (*pgconn.PgError)(nil); errors.As(err, &pe) && pe.Code == "28P01" {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("pgtest: the server does not ask %s for a password: %w", role, ctx.Err())
		case <-tick.C:
		}
	}
}

// plainName reports whether s is a name SQL and pg_hba.conf take unquoted.
func plainName(s string) bool {
	for _, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return s != ""
}

// quote is s as an SQL string literal.
func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// sharedDB is the database Start creates for Database's schemas.
const sharedDB = "styrke_test"

// admin runs one statement in database db.
func (s *Server) admin(ctx context.Context, db, sql string) error {
	c, err := pgx.Connect(ctx, s.DSN(db))
	if err != nil {
		return fmt.Errorf("pgtest: connect: %w", err)
	}
	defer c.Close(ctx)
	if _, err := c.Exec(ctx, sql); err != nil {
		return fmt.Errorf("pgtest: %w", err)
	}
	return nil
}

// HoldLock takes an exclusive lock on table in dsn's database and holds it
// until the server stops, in a prepared transaction: a lock no session
// holds. A statement that waits on it is ended by the server's stop and
// never runs. A lock held by a session does not serve a test of that: a
// stopping server ends its sessions in no set order, and when it ends the
// holder's first, the waiting statement takes the lock and runs before
// its own session is ended (a lookup then answered 404, not 503, in a
// loaded CI run). When t ends with the server running, the lock goes.
func (s *Server) HoldLock(t testing.TB, dsn, table string) {
	t.Helper()
	ctx := t.Context()
	c, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("pgtest: hold lock: connect: %v", err)
	}
	defer c.Close(context.Background())
	gid := fmt.Sprintf("pgtest_lock_%d", s.seq.Add(1))
	for _, sql := range []string{"BEGIN", "LOCK TABLE " + pgx.Identifier{table}.Sanitize() + " IN ACCESS EXCLUSIVE MODE", "PREPARE TRANSACTION " + quote(gid)} {
		if _, err := c.Exec(ctx, sql); err != nil {
			t.Fatalf("pgtest: hold lock on %s: %v", table, err)
		}
	}
	t.Cleanup(func() {
		select {
		case <-s.done:
			return // stopped: the lock went with the server
		default:
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, dsn)
		if err != nil {
			return // stopping meanwhile
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, "ROLLBACK PREPARED "+quote(gid)); err != nil {
			t.Errorf("pgtest: release the lock on %s: %v", table, err)
		}
	})
}

// Freeze stops every process of the server with SIGSTOP (the postmaster
// first, so that it forks no new backend, then its children, each of which
// is a session of its own): connections stay open and nothing answers, as
// with a hung database host. Thaw resumes it. Linux only (/proc).
func (s *Server) Freeze() error { return s.signalAll(syscall.SIGSTOP) }

// Thaw resumes a frozen server.
func (s *Server) Thaw() error { return s.signalAll(syscall.SIGCONT) }

func (s *Server) signalAll(sig syscall.Signal) error {
	pid := s.cmd.Process.Pid
	if err := syscall.Kill(pid, sig); err != nil {
		return err
	}
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return err
	}
	for _, e := range entries {
		child, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: comm may hold spaces, so split after ')'.
		i := strings.LastIndexByte(string(stat), ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(string(stat[i+1:]))
		if len(f) > 1 && f[1] == strconv.Itoa(pid) {
			syscall.Kill(child, sig)
		}
	}
	return nil
}

// Stop shuts the server down (fast shutdown, then kill after 10 s) and
// removes its directory.
func (s *Server) Stop() error {
	var err error
	if s.cmd != nil && s.cmd.Process != nil {
		s.cmd.Process.Signal(syscall.SIGINT)
		t := time.NewTimer(10 * time.Second)
		select {
		case <-s.done:
			t.Stop()
		case <-t.C:
			s.kill()
			err = errors.New("pgtest: postgres did not stop in 10s; killed")
		}
	}
	return errors.Join(err, os.RemoveAll(s.dir))
}

// Main starts a server, stores it in *srv, runs the tests and stops the
// server; it returns the exit code for os.Exit. When the server cannot start
// it prints why and returns 1: tests fail rather than skip.
func Main(m *testing.M, srv **Server) int {
	s, err := Start()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	*srv = s
	code := m.Run()
	if err := s.Stop(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		if code == 0 {
			code = 1
		}
	}
	return code
}

// credential returns the credential to run PostgreSQL with: nil when not
// root; as root, the "postgres" user's, after handing dir to it.
func credential(dir string) (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("pgtest: running as root, and initdb refuses root, but there is no postgres user to run it as (%w); `make deps` installs the postgresql package, which creates it", err)
	}
	uid, err1 := strconv.Atoi(u.Uid)
	gid, err2 := strconv.Atoi(u.Gid)
	if err := errors.Join(err1, err2); err != nil {
		return nil, fmt.Errorf("pgtest: postgres user ids: %w", err)
	}
	if err := os.Chown(dir, uid, gid); err != nil {
		return nil, fmt.Errorf("pgtest: %w", err)
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}
