// Package sqlite is the default store.Store: one SQLite file, through the
// pure-Go modernc.org/sqlite driver (no cgo).
//
// The file runs in WAL mode with foreign keys on, synchronous=FULL and a busy
// timeout. Writes go through one connection and every write transaction
// begins IMMEDIATE, so writers queue instead of failing with SQLITE_BUSY,
// in this process and against other processes on the same file (the CLI's
// `activation create` while the server runs); reads use a separate pool and
// never wait for writers. Schema migrations run at Open.
package sqlite

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/styrke-iam/styrke/server/store"
)

// Scheme is the DSN prefix this package handles: "sqlite:PATH".
const Scheme = "sqlite:"

// BusyTimeout is how long a connection waits for another process's write
// lock before failing.
const BusyTimeout = 10 * time.Second

// ParseDSN returns the file path of a "sqlite:PATH" DSN (also accepted:
// "sqlite://PATH" with PATH absolute, as in "sqlite:///var/lib/styrke.db").
// ok is false if dsn does not start with "sqlite:" or names no path.
func ParseDSN(dsn string) (path string, ok bool) {
	rest, ok := strings.CutPrefix(dsn, Scheme)
	if !ok {
		return "", false
	}
	if p, ok := strings.CutPrefix(rest, "//"); ok {
		rest = p
	}
	return rest, rest != ""
}

// Store is a store.Store on one SQLite file. Its zero value is not usable;
// call Open.
// MinFree is the room on the database's disk under which Ping (readyz)
// says the store is not ready.
var MinFree int64 = 8 << 20

type Store struct {
	w, r *sql.DB // w: one connection for writes; r: reads
	// path and file are the database file as opened, for Ping to see it
	// removed or replaced under the server.
	path      string
	file      os.FileInfo
	closeOnce sync.Once
	closeErr  error
	// schemaFrom is the schema version the file had at Open (0: none),
	// migrations how many Open applied.
	schemaFrom, migrations int
}

var _ store.Store = (*Store)(nil)

// Migrated reports what Open did to the schema: the newest version the
// file had (0: none, a new store) and the one it has now (SchemaVersion);
// equal when Open migrated nothing. serve says so once: after a migration
// an older build no longer opens the store.
func (s *Store) Migrated() (from, to int) {
	if s.migrations == 0 {
		return s.schemaFrom, s.schemaFrom
	}
	return s.schemaFrom, SchemaVersion
}

// Open opens (creating it and its directory if needed) the SQLite database
// at path and migrates its schema to the current version. The path must not
// contain '?' or '#'. A new database file is created 0600 (its -wal and -shm
// files follow), as it holds password hashes; an existing one keeps its mode.
// A file that can be read but not written is refused before anything is
// migrated, naming the file and the user that must be able to write it.
func Open(ctx context.Context, path string) (*Store, error) {
	return open(ctx, path, true)
}

// OpenCurrent opens the SQLite database at path as it is, for a command
// that only reads or changes its rows (audit, activation list, revoke,
// resend): it creates no file or directory and migrates nothing, and it
// refuses a file whose schema is not this program's version, naming both
// (a newer binary run only to read would otherwise migrate the schema
// under the server that uses it; an older one would read tables it does
// not know), and a file that holds no Styrke schema.
func OpenCurrent(ctx context.Context, path string) (*Store, error) {
	return open(ctx, path, false)
}

func open(ctx context.Context, path string, migrate bool) (*Store, error) {
	if path == "" || strings.ContainsAny(path, "?#") || path == ":memory:" {
		return nil, fmt.Errorf("sqlite: invalid database path %q", path)
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return nil, fmt.Errorf("sqlite: %s: %w, give a file path (such as %s)", path, syscall.EISDIR, filepath.Join(path, "styrke.db"))
	} else if err != nil && !migrate {
		return nil, fmt.Errorf("sqlite: no database at %s", path)
	}
	if dir := filepath.Dir(path); migrate && dir != "." {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			if ro := readOnly(path, err); ro != nil {
				return nil, ro
			}
			return nil, fmt.Errorf("sqlite: create directory: %w", err)
		}
	}
	// Create the file readable by its owner only: it holds password
	// hashes. SQLite gives the -wal and -shm files the database file's
	// mode. An existing file keeps the mode it has.
	if f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600); err == nil {
		f.Close()
	} else if ro := readOnly(path, err); ro != nil {
		return nil, ro
	} else if !errors.Is(err, fs.ErrExist) {
		return nil, fmt.Errorf("sqlite: create %s: %w", path, err)
	}
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", BusyTimeout.Milliseconds()))
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Set("_txlock", "immediate")
	dsn := path + "?" + q.Encode() // a plain name: SQLite sees path as is

	w, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxIdleTime(0)
	w.SetConnMaxLifetime(0)
	r, err := sql.Open("sqlite", dsn)
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	r.SetMaxOpenConns(8)
	r.SetMaxIdleConns(8)
	s := &Store{w: w, r: r, path: path}
	if err := s.useWAL(ctx); err != nil {
		s.Close()
		if full := diskFull(path, "set WAL mode", err); full != nil {
			return nil, full
		}
		if ro := readOnly(path, err); ro != nil {
			return nil, ro
		}
		return nil, fmt.Errorf("sqlite: set WAL mode on %s: %w%s%s", path, err, accessHint(err), lockHint(path, err))
	}
	if s.file, err = os.Stat(path); err != nil {
		s.Close()
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	if !migrate {
		if err := s.current(ctx); err != nil {
			s.Close()
			return nil, fmt.Errorf("sqlite: %s: %w", path, err)
		}
		return s, nil
	}
	if err := s.writable(ctx); err != nil {
		s.Close()
		if full := diskFull(path, "write", err); full != nil {
			return nil, full
		}
		if ro := readOnly(path, err); ro != nil {
			return nil, ro
		}
		return nil, fmt.Errorf("sqlite: %s cannot be written: %w%s%s", path, err, accessHint(err), lockHint(path, err))
	}
	if err := s.migrate(ctx); err != nil {
		s.Close()
		if full := diskFull(path, "migrate", err); full != nil {
			return nil, full
		}
		if ns := (*store.NewerSchemaError)(nil); errors.As(err, &ns) {
			return nil, fmt.Errorf("sqlite: %s: %w", path, err) // it migrated nothing
		}
		return nil, fmt.Errorf("sqlite: migrate %s: %w", path, err)
	}
	return s, nil
}

// DiskFullError is Open's error when the file system holding the database
// has no room left for what Open had to write: SQLite said only "disk I/O
// error" (its -shm file could not grow) or "database or disk is full".
type DiskFullError struct {
	Path string // the database file
	Free int64  // bytes left on its file system
	Op   string // what Open was doing: "set WAL mode", "write", "migrate"
	Err  error  // SQLite's answer
}

func (e *DiskFullError) Error() string {
	return fmt.Sprintf("sqlite: %s: its disk is full (%d bytes left; %s: %v): make room on that file system, "+
		"or move the store to one with room (stop every styrke using it first; %s-wal, if there is one, goes with it), then start again",
		e.Path, e.Free, e.Op, e.Err, e.Path)
}

func (e *DiskFullError) Unwrap() error { return e.Err }

// diskFull returns a *DiskFullError for err, op's failure on the database
// at path, when SQLite said its disk is full, or answered an I/O error
// while the file system has less than MinFree left; nil otherwise.
func diskFull(path, op string, err error) error {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return nil
	}
	free := freeBytes(filepath.Dir(path))
	switch code := se.Code() & 0xff; {
	case code == sqlite3.SQLITE_FULL && free >= 0:
	case code == sqlite3.SQLITE_IOERR && free >= 0 && free < MinFree:
	default:
		return nil
	}
	return &DiskFullError{Path: path, Free: free, Op: op, Err: err}
}

// writable checks that a write can be made to the file: it takes the write
// lock, writes the header's user_version as it is, and rolls back. Open
// (serve, and the commands that add to the store) needs it: a file that may
// be read but not written (mode 0400, another user's file after a restore,
// a read-only mount) opened, serve said it was listening, and every write
// failed; a folder where the -wal and -shm cannot be made failed the first
// migration, "version 1", of a store that had them all.
func (s *Store) writable(ctx context.Context) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var v int64
	if err := tx.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&v); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA user_version = %d`, v))
	return err
}

// useWAL switches the file to WAL mode (a property of the file: every later
// connection, in any process, finds it on). It runs once at Open, not as a
// per-connection pragma, because SQLite answers a journal-mode change that
// races another connection's with SQLITE_BUSY at once, without waiting out
// the busy timeout; so it is retried here, for up to BusyTimeout.
func (s *Store) useWAL(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, BusyTimeout)
	defer cancel()
	wait := time.Millisecond
	for {
		var mode string
		err := s.w.QueryRowContext(ctx, `PRAGMA journal_mode=WAL`).Scan(&mode)
		if err == nil {
			if !strings.EqualFold(mode, "wal") {
				return fmt.Errorf("journal mode is %q after asking for WAL", mode)
			}
			return nil
		}
		if !isBusy(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w (gave up after %v: %w)", err, BusyTimeout, ctx.Err())
		case <-time.After(wait):
		}
		wait = min(2*wait, 100*time.Millisecond)
	}
}

// accessHint says what to check when SQLite could not open or write the
// file: the user running styrke, often not the one who copied it there.
func accessHint(err error) string {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM, sqlite3.SQLITE_AUTH:
			return fmt.Sprintf(" (the user running styrke, uid %d, must be able to read and write the file and its folder, where SQLite makes its -wal and -shm files)", os.Getuid())
		}
	}
	return ""
}

// lockHint says what to do when another process held a lock on the file
// at path past BusyTimeout: no permission mends it, and the operator of a
// server that would not start looked at the file's mode.
func lockHint(path string, err error) string {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return ""
	}
	switch se.Code() & 0xff {
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
		return fmt.Sprintf(": another process has held a lock on the file for more than %v (%s); "+
			"`fuser -v %s` or `lsof %s` names it: end its transaction or wait for it to finish, then run this again",
			BusyTimeout, lockers, path, path)
	}
	return ""
}

// lockers are the usual holders of a lock on the file.
const lockers = "a sqlite3 shell or a tool with a transaction open, a copy of the file being made"

// Locked says, for the log of a write that ran out of time, which other
// process holds the lock SQLite needs to write the file, and what to do:
// the request's deadline (the server's store timeout, 5 s) ends before
// SQLite's busy wait (BusyTimeout), so the write failed with the deadline
// alone, as it would on a slow disk. "" when no other process holds it
// (this process's own writes never count), or where the kernel's lock
// table cannot be read (other systems than Linux).
func (s *Store) Locked(context.Context) string {
	pid, name, ok := lockHolder(s.path)
	if !ok {
		return ""
	}
	who := "another process"
	switch {
	case pid > 0 && name != "":
		who = fmt.Sprintf("process %d (%s)", pid, name)
	case pid > 0:
		who = fmt.Sprintf("process %d", pid)
	}
	return fmt.Sprintf("%s holds the write lock on %s (%s): end its transaction or wait for it to finish; `fuser -v %s` names it",
		who, s.path, lockers, s.path)
}

// readOnly returns Open's error for a database at path on a file system
// mounted read-only, when err, Open's failure there, says so or SQLite's
// answer leaves it open and the file cannot be opened for writing for that
// reason (SQLite said only "unable to open database file"); nil otherwise.
// It wraps syscall.EROFS. No mode or owner mends it, so the access hint
// would send the operator the wrong way.
func readOnly(path string, err error) error {
	if !errors.Is(err, syscall.EROFS) {
		var se *sqlite.Error
		if !errors.As(err, &se) {
			return nil
		}
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM, sqlite3.SQLITE_IOERR:
		default:
			return nil
		}
		f, perr := os.OpenFile(path, os.O_RDWR, 0)
		if perr == nil {
			f.Close()
			return nil
		}
		if !errors.Is(perr, syscall.EROFS) {
			return nil
		}
	}
	return fmt.Errorf("sqlite: %s: %w: SQLite writes the file, and its -wal and -shm files beside it, even to read it: "+
		"mount it read-write (a container's volume without :ro, a systemd unit's ReadWritePaths=), or give a store path on a writable file system", path, syscall.EROFS)
}

func isBusy(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_BUSY
}

// Unavailable reports whether err is the database file's own trouble
// rather than a fault of the request or of Styrke: its disk full, an I/O
// error, a file that cannot be opened or written, or locked by another
// process past BusyTimeout. The server answers those a retryable 503.
func (s *Store) Unavailable(err error) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	switch se.Code() & 0xff {
	case sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY,
		sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_NOLFS:
		return true
	}
	return false
}

// micros converts t to the stored form: microseconds since the Unix epoch.
func micros(t time.Time) int64 { return t.UnixMicro() }

func fromMicros(us int64) time.Time { return time.UnixMicro(us).UTC() }

func isConstraint(err error, code int) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code() == code
}

// CreateActivation implements store.Store.
func (s *Store) CreateActivation(ctx context.Context, a store.Activation) error {
	if len(a.TokenHash) != sha256.Size {
		return fmt.Errorf("sqlite: create activation: token hash is %d bytes, want %d", len(a.TokenHash), sha256.Size)
	}
	var used sql.NullInt64
	if a.UsedAt != nil {
		used = sql.NullInt64{Int64: micros(*a.UsedAt), Valid: true}
	}
	_, err := s.w.ExecContext(ctx, `INSERT INTO activations
		(token_hash, username, name, institution, created_at, expires_at, used_at, failures, code_hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.TokenHash, a.Username, a.Name, a.Institution, micros(a.CreatedAt), micros(a.ExpiresAt), used, a.Failures, nullBytes(a.CodeHash))
	if isConstraint(err, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY) {
		return fmt.Errorf("sqlite: create activation: %w", store.ErrExists)
	}
	if err != nil {
		return fmt.Errorf("sqlite: create activation: %w", err)
	}
	return nil
}

// Activation implements store.Store.
func (s *Store) Activation(ctx context.Context, tokenHash []byte) (store.Activation, error) {
	a, err := scanActivation(s.r.QueryRowContext(ctx, `SELECT `+activationColumns+` FROM activations WHERE token_hash = ?`, tokenHash))
	if errors.Is(err, sql.ErrNoRows) {
		return store.Activation{}, store.ErrNotFound
	}
	if err != nil {
		return store.Activation{}, fmt.Errorf("sqlite: activation: %w", err)
	}
	return a, nil
}

// activationColumns are the columns scanActivation reads, in its order.
const activationColumns = "token_hash, username, name, institution, created_at, expires_at, used_at, failures, code_hash"

// scanActivation reads one row of activationColumns.
func scanActivation(row interface{ Scan(...any) error }) (store.Activation, error) {
	var (
		a                store.Activation
		created, expires int64
		used             sql.NullInt64
	)
	if err := row.Scan(&a.TokenHash, &a.Username, &a.Name, &a.Institution, &created, &expires, &used, &a.Failures, &a.CodeHash); err != nil {
		return store.Activation{}, err
	}
	a.CreatedAt, a.ExpiresAt = fromMicros(created), fromMicros(expires)
	if used.Valid {
		u := fromMicros(used.Int64)
		a.UsedAt = &u
	}
	return a, nil
}

// ClaimFollowups implements store.Store.
func (s *Store) ClaimFollowups(ctx context.Context, now time.Time, wait time.Duration, limit int) ([]store.Activation, error) {
	rows, err := s.w.QueryContext(ctx, `UPDATE activations SET followup_at = ?1
		WHERE token_hash IN (SELECT token_hash FROM activations
			WHERE followup_at IS NOT NULL AND followup_at <= ?2 ORDER BY followup_at LIMIT ?3)
		RETURNING `+activationColumns, micros(now), micros(now.Add(-wait)), limit)
	if err != nil {
		return nil, fmt.Errorf("sqlite: claim follow-ups: %w", err)
	}
	defer rows.Close()
	var out []store.Activation
	for rows.Next() {
		a, err := scanActivation(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite: claim follow-ups: %w", err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: claim follow-ups: %w", err)
	}
	return out, nil
}

// FollowedUp implements store.Store.
func (s *Store) FollowedUp(ctx context.Context, tokenHash []byte) error {
	if _, err := s.w.ExecContext(ctx, `UPDATE activations SET followup_at = NULL WHERE token_hash = ?`, tokenHash); err != nil {
		return fmt.Errorf("sqlite: followed up: %w", err)
	}
	return nil
}

// History implements store.Store.
func (s *Store) History(ctx context.Context, institutions []string, username string, limit int) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if limit <= 0 || len(institutions) == 0 {
		return nil, nil
	}
	in, args := inList(institutions, username)
	// An account's own entries in their order (seq), the accounts'
	// together by time (each entry at the latest time of its account's
	// up to it: a clock set back on some instance reorders no account's).
	rows, err := s.r.QueryContext(ctx, `SELECT hash FROM (
			SELECT hash, seq, max(created_at) OVER (PARTITION BY institution ORDER BY seq) AS at FROM password_history
			WHERE username = ?1 AND (institution IN (`+in+`) OR institution = '')) -- '': store.NoInstitution
		ORDER BY at DESC, seq DESC LIMIT `+strconv.Itoa(limit), args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: history: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var h string
		if err := rows.Scan(&h); err != nil {
			return nil, fmt.Errorf("sqlite: history: %w", err)
		}
		out = append(out, h)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: history: %w", err)
	}
	return out, nil
}

// Complete implements store.Store. The transaction begins IMMEDIATE, so it
// holds the write lock from its first statement and of two concurrent calls
// the second sees the first's result.
func (s *Store) Complete(ctx context.Context, tokenHash, claimID []byte, now time.Time, encodedHash string, keep, maxFailures int) (err error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: complete: %w", err)
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	nowUS := micros(now)
	var institution, username string
	err = tx.QueryRowContext(ctx, `UPDATE activations
		SET used_at = ?1, followup_at = ?1, claim_id = NULL, claimed_until = NULL, pending_hash = NULL
		WHERE token_hash = ?2 AND used_at IS NULL AND expires_at > ?1 AND (?3 <= 0 OR failures < ?3)
			AND (claimed_until IS NULL OR claimed_until <= ?1 OR claim_id = ?4)
		RETURNING institution, username`, nowUS, tokenHash, maxFailures, claimID).Scan(&institution, &username)
	if errors.Is(err, sql.ErrNoRows) {
		var one int
		err = tx.QueryRowContext(ctx, `SELECT 1 FROM activations WHERE token_hash = ?`, tokenHash).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return store.ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("sqlite: complete: %w", err)
		}
		return store.ErrGone
	}
	if err != nil {
		return fmt.Errorf("sqlite: complete: consume activation: %w", err)
	}
	if err = setPassword(ctx, tx, institution, username, nowUS, encodedHash, keep); err != nil {
		return fmt.Errorf("sqlite: complete: %w", err)
	}
	if err = tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: complete: commit: %w", err)
	}
	return nil
}

// Claim implements store.Store. The transaction begins IMMEDIATE, so the
// read and the update hold the write lock together.
func (s *Store) Claim(ctx context.Context, tokenHash []byte, now time.Time, lease time.Duration, pendingHash string, maxFailures int) (c store.Claim, err error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return c, fmt.Errorf("sqlite: claim: %w", err)
	}
	defer tx.Rollback()
	var (
		a                store.Activation
		created, expires int64
		used, until      sql.NullInt64
		pending          sql.NullString
	)
	err = tx.QueryRowContext(ctx, `SELECT token_hash, username, name, institution, created_at, expires_at,
		used_at, failures, code_hash, claimed_until, pending_hash FROM activations WHERE token_hash = ?`, tokenHash).
		Scan(&a.TokenHash, &a.Username, &a.Name, &a.Institution, &created, &expires, &used, &a.Failures, &a.CodeHash, &until, &pending)
	if errors.Is(err, sql.ErrNoRows) {
		return c, store.ErrNotFound
	}
	if err != nil {
		return c, fmt.Errorf("sqlite: claim: %w", err)
	}
	a.CreatedAt, a.ExpiresAt = fromMicros(created), fromMicros(expires)
	nowUS := micros(now)
	switch {
	case used.Valid, expires <= nowUS, maxFailures > 0 && a.Failures >= maxFailures:
		return c, store.ErrGone
	case until.Valid && until.Int64 > nowUS:
		return c, &store.BusyError{Until: fromMicros(until.Int64)}
	}
	id := store.NewClaimID()
	if _, err = tx.ExecContext(ctx, `UPDATE activations SET claim_id = ?, claimed_until = ?, pending_hash = ?
		WHERE token_hash = ?`, id, micros(now.Add(lease)), pendingHash, tokenHash); err != nil {
		return c, fmt.Errorf("sqlite: claim: %w", err)
	}
	if err = tx.Commit(); err != nil {
		return c, fmt.Errorf("sqlite: claim: commit: %w", err)
	}
	return store.Claim{ID: id, Activation: a, PreviousPending: pending.String}, nil
}

// Release implements store.Store.
func (s *Store) Release(ctx context.Context, tokenHash, claimID []byte, clearPending bool) error {
	_, err := s.w.ExecContext(ctx, `UPDATE activations SET claim_id = NULL, claimed_until = NULL,
		pending_hash = CASE WHEN ? THEN NULL ELSE pending_hash END
		WHERE token_hash = ? AND claim_id = ?`, clearPending, tokenHash, claimID)
	if err != nil {
		return fmt.Errorf("sqlite: release: %w", err)
	}
	return nil
}

// ReplaceCode implements store.Store.
func (s *Store) ReplaceCode(ctx context.Context, tokenHash, codeHash []byte, now time.Time, gap time.Duration, maxSends, maxFailures int) (int, error) {
	if len(codeHash) != sha256.Size {
		return 0, fmt.Errorf("sqlite: replace code: code hash is %d bytes, want %d", len(codeHash), sha256.Size)
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("sqlite: replace code: %w", err)
	}
	defer tx.Rollback()
	var (
		hasCode         bool
		used            sql.NullInt64
		expires, last   int64
		failures, sends int
	)
	err = tx.QueryRowContext(ctx, `SELECT code_hash IS NOT NULL, used_at, expires_at, failures, code_sends,
		coalesce(code_sent_at, created_at) FROM activations WHERE token_hash = ?`, tokenHash).
		Scan(&hasCode, &used, &expires, &failures, &sends, &last)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, store.ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("sqlite: replace code: %w", err)
	}
	nowUS := micros(now)
	switch {
	case !hasCode, used.Valid, expires <= nowUS, maxFailures > 0 && failures >= maxFailures:
		return sends, store.ErrGone
	case sends >= maxSends:
		return sends, store.ErrLimit
	case nowUS < last+gap.Microseconds():
		return sends, &store.TooSoonError{Wait: time.Duration(last+gap.Microseconds()-nowUS) * time.Microsecond}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE activations SET code_hash = ?, code_sends = code_sends + 1, code_sent_at = ?
		WHERE token_hash = ?`, codeHash, nowUS, tokenHash); err != nil {
		return sends, fmt.Errorf("sqlite: replace code: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return sends, fmt.Errorf("sqlite: replace code: %w", err)
	}
	return sends + 1, nil
}

// RecordFailure implements store.Store.
func (s *Store) RecordFailure(ctx context.Context, tokenHash []byte) (int, error) {
	var n int
	err := s.w.QueryRowContext(ctx, `UPDATE activations SET failures = failures + 1
		WHERE token_hash = ? RETURNING failures`, tokenHash).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, store.ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("sqlite: record failure: %w", err)
	}
	return n, nil
}

// Ping implements store.Store: it checks that a write can be made, as
// every request that changes something needs: it takes the write lock
// (BEGIN IMMEDIATE), updates a row to itself and rolls back. A database
// that is read-only or whose write lock another process holds fails it.
func (s *Store) Ping(ctx context.Context) error {
	// The file the server writes must still be the one at its path: one
	// removed (its folder deleted) or replaced took every write from then
	// on, and the next start began an empty store.
	if fi, err := os.Stat(s.path); err != nil || !os.SameFile(fi, s.file) {
		return fmt.Errorf("sqlite: ping: the database file %s was removed or replaced while in use: restore it and restart the server", s.path)
	}
	// A full disk: the ping's write below fits in pages the file has, and
	// every real write failed while readyz said ready.
	if free := freeBytes(filepath.Dir(s.path)); free >= 0 && free < MinFree {
		return fmt.Errorf("sqlite: ping: the disk of %s has %d bytes left (under %d): writes will fail", s.path, free, MinFree)
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: ping: %w", err)
	}
	defer tx.Rollback()
	var version int
	err = tx.QueryRowContext(ctx, `UPDATE schema_migrations SET applied_at = applied_at
		WHERE version = (SELECT max(version) FROM schema_migrations) RETURNING version`).Scan(&version)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("sqlite: ping: write: %w", err)
	}
	return store.NewerSchema(version, SchemaVersion)
}

// Close implements store.Store. Calls after the first return its result.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		s.closeErr = errors.Join(s.r.Close(), s.w.Close())
	})
	return s.closeErr
}
