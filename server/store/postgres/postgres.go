// Package postgres is the store.Store for more than one machine: PostgreSQL
// through pgx (pgxpool). Use it when several instances sit behind a load
// balancer or run serverless, where a local SQLite file does not survive.
//
// Complete runs in one READ COMMITTED transaction whose first statement is a
// conditional UPDATE of the activation row: a concurrent Complete of the same
// token blocks on that row and, once the first commits, re-checks the
// condition and finds the token used. Schema migrations run at Open under an
// advisory lock, so instances may start at once.
//
// pgx caches prepared statements per connection; behind a pooler in
// transaction mode (PgBouncer, most serverless poolers) add
// default_query_exec_mode=exec to the DSN.
package postgres

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/styrke-iam/styrke/server/store"
)

// IsDSN reports whether dsn is a PostgreSQL URL ("postgres://..." or
// "postgresql://...").
func IsDSN(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Store is a store.Store on a PostgreSQL database. Its zero value is not
// usable; call Open.
type Store struct {
	pool *pgxpool.Pool
	// schemaFrom is the newest schema version the database had at Open
	// (0: none), migrations how many Open applied.
	schemaFrom, migrations int
	// locked is Locked's last answer.
	locked lockedCache
}

var _ store.Store = (*Store)(nil)

// Migrated reports what Open did to the schema: the newest version the
// database had (0: none, a new store) and the one it has now (SchemaVersion);
// equal when Open migrated nothing. serve says so once: after a migration
// an older build no longer opens the store.
func (s *Store) Migrated() (from, to int) {
	if s.migrations == 0 {
		return s.schemaFrom, s.schemaFrom
	}
	return s.schemaFrom, SchemaVersion
}

// DefaultConnectTimeout is how long a connection may take to open when the
// DSN gives no connect_timeout.
const DefaultConnectTimeout = 5 * time.Second

// Open connects to the database at dsn (a postgres:// URL; pool settings
// such as pool_max_conns may be given in it), checks it is reachable and
// migrates its schema to the current version.
func Open(ctx context.Context, dsn string) (*Store, error) {
	return open(ctx, dsn, true)
}

// OpenCurrent connects to the database at dsn as it is, for a command that
// only reads or changes its rows (audit, activation list, revoke, resend):
// it migrates nothing, so a role that may only read and write rows can use
// it, and it refuses a database whose schema is not this program's
// version, naming both (a newer binary run only to read would otherwise
// migrate the schema under the server that uses it), and one that holds no
// Styrke schema.
func OpenCurrent(ctx context.Context, dsn string) (*Store, error) {
	return open(ctx, dsn, false)
}

// ApplicationName is the application_name Styrke's connections give
// PostgreSQL (pg_stat_activity shows it) when the DSN gives none.
const ApplicationName = "styrke"

// parseDSN is the pool's configuration of a DSN that CheckDSN takes, with
// DefaultConnectTimeout where the DSN says no connect_timeout: a server
// that accepts the connection and never answers (a hung pooler, another
// service on the port) made Open, and serve's start, wait for ever.
// Where the DSN gives no application_name, ApplicationName: Locked tells
// Styrke's own sessions by it, and an operator reading pg_stat_activity
// sees which sessions are Styrke's.
func parseDSN(dsn string) (*pgxpool.Config, error) {
	if !IsDSN(dsn) {
		return nil, errors.New("postgres: DSN is not a postgres:// URL")
	}
	if err := CheckDSN(dsn); err != nil {
		return nil, err
	}
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		// The error may quote the DSN, password included: do not wrap it.
		return nil, errDSN
	}
	if cfg.ConnConfig.ConnectTimeout == 0 {
		cfg.ConnConfig.ConnectTimeout = DefaultConnectTimeout
	}
	if _, ok := cfg.ConnConfig.RuntimeParams["application_name"]; !ok {
		// pg_stat_activity, and Locked, tell Styrke's sessions by it.
		cfg.ConnConfig.RuntimeParams["application_name"] = ApplicationName
	}
	return cfg, nil
}

func open(ctx context.Context, dsn string, migrate bool) (*Store, error) {
	cfg, err := parseDSN(dsn)
	if err != nil {
		return nil, err
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", scrub(dsn, err))
	}
	s := &Store{pool: pool}
	if !migrate {
		if err := s.current(ctx); err != nil {
			pool.Close()
			if c := connectFailure(dsn, err); c != nil {
				return nil, c
			}
			return nil, fmt.Errorf("postgres: %w", scrub(dsn, err))
		}
		return s, nil
	}
	if err := s.migrate(ctx); err != nil {
		pool.Close()
		if ns := (*store.NewerSchemaError)(nil); errors.As(err, &ns) {
			return nil, fmt.Errorf("postgres: %w", err) // it migrated nothing
		}
		if c := connectFailure(dsn, err); c != nil {
			return nil, c // nor did it connect
		}
		return nil, fmt.Errorf("postgres: migrate: %w", scrub(dsn, permissionHint(err)))
	}
	return s, nil
}

// errDSN: a DSN pgx cannot read, or one whose user or password holds a
// character that splits it elsewhere than meant (an '@' in the password
// put the rest of the password into the host name, and the host name into
// an error message).
var errDSN = errors.New("postgres: the DSN cannot be read as postgres://user:password@host:port/database?options: " +
	"percent-encode any of @ / : ? # % and spaces in the user and the password (%40 %2F %3A %3F %23 %25 %20)")

// CheckDSN refuses a DSN whose user or password holds a character that
// ends it elsewhere than meant: libpq (and pgx) end the user and password
// at the first '@', and Go's URL parser ends the part before the host at
// the first '/', '?' or '#', so that "postgres://u:2024/Vinter@db/x" put
// the password's tail into the database's name, and that name into the
// errors and the redacted DSN. It asks for them percent-encoded.
//
// A DSN whose user and password read well but whose port or a known
// option does not (a typo) is a *FieldError naming it.
func CheckDSN(dsn string) error {
	if strings.Contains(dsn, "#") {
		return errDSN
	}
	_, rest, _ := strings.Cut(dsn, "://")
	if at := strings.IndexByte(rest, '@'); at >= 0 {
		if strings.ContainsAny(rest[:at], "/?") {
			return errDSN
		}
		if beforeQuery, _, _ := strings.Cut(rest[at+1:], "?"); strings.Contains(beforeQuery, "@") {
			return errDSN
		}
		rest = rest[at+1:]
	}
	if err := checkFields(rest); err != nil {
		return err
	}
	if _, err := url.Parse(dsn); err != nil {
		return errDSN
	}
	return nil
}

// FieldError is a DSN whose user and password read well but whose port,
// or one of the options after '?' that Styrke knows, does not: it names
// the field, the kind of value it got and what it takes, never the value,
// which may be a password typed where the port goes
// ("postgres://u:secret/db" has no '@', so "secret" is read as the port).
type FieldError struct {
	Field string // "port", or the option's name: "connect_timeout"
	Got   string // what kind of value it has: "is not a number"
	Want  string // what it takes: "a number from 1 to 65535"
}

func (e *FieldError) Error() string {
	return fmt.Sprintf("postgres: the DSN's %s %s; it takes %s (postgres://user:password@host:port/database?options)", e.Field, e.Got, e.Want)
}

// checkFields checks the ports and the options Styrke knows of rest, a
// DSN's part after its user and password ("host:port/db?options").
func checkFields(rest string) error {
	hosts, tail := rest, ""
	if i := strings.IndexAny(rest, "/?"); i >= 0 {
		hosts, tail = rest[:i], rest[i:]
	}
	for h := range strings.SplitSeq(hosts, ",") {
		if i := strings.LastIndexByte(h, ']'); i >= 0 { // [::1]:5432
			h = h[i+1:]
		}
		if _, port, ok := strings.Cut(h, ":"); ok && port != "" {
			if err := checkPort("port", port); err != nil {
				return err
			}
		}
	}
	_, query, _ := strings.Cut(tail, "?")
	opts, err := url.ParseQuery(query)
	if err != nil {
		return &FieldError{Field: "options (after '?')", Got: "cannot be read", Want: "name=value pairs joined by '&', a '%' written %25"}
	}
	for name, values := range opts {
		for _, v := range values {
			var err error
			switch name {
			case "port":
				err = checkPort(name, v)
			case "connect_timeout":
				err = checkWhole(name, v, "a whole number of seconds, such as 10, without a unit", 0)
			case "pool_max_conns":
				err = checkWhole(name, v, "a whole number above 0", 1)
			case "pool_min_conns", "pool_min_idle_conns":
				err = checkWhole(name, v, "a whole number", 0)
			case "sslmode":
				err = checkOneOf(name, v, "disable", "allow", "prefer", "require", "verify-ca", "verify-full")
			case "target_session_attrs":
				err = checkOneOf(name, v, "any", "read-write", "read-only", "primary", "standby", "prefer-standby")
			case "pool_max_conn_lifetime", "pool_max_conn_idle_time", "pool_health_check_period", "pool_max_conn_lifetime_jitter":
				if _, perr := time.ParseDuration(v); perr != nil {
					err = &FieldError{Field: name, Got: kindOf(v), Want: "a duration such as 30m or 1h"}
				}
			}
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// checkPort checks that v is a TCP port.
func checkPort(field, v string) error {
	return checkWhole(field, v, "a number from 1 to 65535", 1, 65535)
}

// checkWhole checks that v is a whole number of at least least (and at
// most most[0]); want says what the field takes.
func checkWhole(field, v, want string, least int64, most ...int64) error {
	n, err := strconv.ParseInt(v, 10, 64)
	got := ""
	switch {
	case err != nil:
		got = kindOf(v)
	case n < 0 && least >= 0:
		got = "is negative"
	case n < least:
		got = fmt.Sprintf("is below %d", least)
	case len(most) > 0 && n > most[0]:
		got = fmt.Sprintf("is above %d", most[0])
	default:
		return nil
	}
	return &FieldError{Field: field, Got: got, Want: want}
}

// checkOneOf checks that v is one of values, as spelt.
func checkOneOf(field, v string, values ...string) error {
	if slices.Contains(values, v) {
		return nil
	}
	got := "is not one of its values"
	if slices.ContainsFunc(values, func(w string) bool { return strings.EqualFold(v, w) }) {
		got = "is in capitals"
	}
	return &FieldError{Field: field, Got: got, Want: "one of " + strings.Join(values, ", ") + ", in small letters"}
}

// kindOf says what kind of value v is that is not a whole number,
// without saying v.
func kindOf(v string) string {
	switch {
	case v == "":
		return "is empty"
	case strings.IndexFunc(v, unicode.IsLetter) >= 0:
		return "is not a number (it has letters)"
	case strings.HasPrefix(v, "-") && strings.Trim(v[1:], "0123456789") == "" && len(v) > 1:
		return "is negative"
	case strings.Trim(v, "0123456789") == "":
		return "is too long a number"
	default:
		return "is not a whole number"
	}
}

// scrub returns err without the DSN's password (as given, and decoded) in
// its text, and err itself when it holds none. (CheckDSN has made sure
// the password is where both parsers find it.)
func scrub(dsn string, err error) error {
	if err == nil {
		return nil
	}
	u, perr := url.Parse(dsn)
	if perr != nil || u.User == nil {
		return err
	}
	pw, ok := u.User.Password()
	if !ok || len(pw) < 4 {
		return err
	}
	msg := err.Error()
	raw := u.User.String()
	raw = raw[strings.IndexByte(raw, ':')+1:]
	changed := false
	for _, p := range []string{pw, raw} {
		if len(p) >= 4 && strings.Contains(msg, p) {
			msg, changed = strings.ReplaceAll(msg, p, "(password)"), true
		}
	}
	if !changed {
		return err
	}
	return errors.New(msg)
}

// connectError is a failure to connect said by its cause first; Unwrap
// gives pgx's error.
type connectError struct {
	msg string
	err error
}

func (e *connectError) Error() string { return e.msg }
func (e *connectError) Unwrap() error { return e.err }

// connectFailure says err, when it is a failure to connect
// (pgconn.ConnectError; nil otherwise), in one line that begins with why:
// "postgres: connect to HOST:PORT as USER, database DB: CAUSE (other
// attempts: …)", without the DSN's password. The cause is the attempt the
// server answered (a wrong password, no such database or role), else the
// last one. pgx's own text gave every attempt on a line of its own, in
// order, so that with sslmode unset (prefer) it began with "tls error:
// server refused TLS connection", the plain attempt's refusal after it.
func connectFailure(dsn string, err error) error {
	var ce *pgconn.ConnectError
	if !errors.As(err, &ce) {
		return nil
	}
	attempts := []error{ce.Unwrap()}
	if j, ok := attempts[0].(interface{ Unwrap() []error }); ok {
		attempts = j.Unwrap()
	}
	lead := len(attempts) - 1
	for i, a := range attempts {
		if pe := (*pgconn.PgError)(nil); errors.As(a, &pe) {
			lead = i
			break
		}
	}
	where, why := attempt(attempts[lead], ce.Config)
	if _, hint, ok := networkWhy(attempts[lead]); ok {
		// In words too, as serve's log says it (connectWords): the
		// operator of a server that would not start read pgx's alone.
		why += " (" + hint + ")"
	}
	msg := fmt.Sprintf("postgres: connect to %s as %s, database %s: %s", where, ce.Config.User, ce.Config.Database, why)
	var others []string
	for i, a := range attempts {
		w, y := attempt(a, ce.Config)
		if w != where {
			y = w + ": " + y
		}
		if i != lead && y != why && !slices.Contains(others, y) {
			others = append(others, y)
		}
	}
	if len(others) > 0 {
		msg += " (other attempts: " + strings.Join(others, "; ") + ")"
	}
	return scrub(dsn, &connectError{msg: strings.ReplaceAll(msg, "\n", " "), err: err})
}

// attempt splits one attempt's error, "ADDRESS (HOST): WHY" as pgconn
// words it, into where (HOST:PORT, or HOST (ADDRESS) when the host is a
// name) and why; an error not so worded is all why, at cfg's host.
func attempt(err error, cfg *pgconn.Config) (where, why string) {
	where, why = net.JoinHostPort(cfg.Host, strconv.Itoa(int(cfg.Port))), err.Error()
	inner := errors.Unwrap(err)
	if inner == nil {
		return where, why
	}
	prefix, ok := strings.CutSuffix(why, ": "+inner.Error())
	if !ok {
		return where, why
	}
	addr, host, ok := strings.Cut(prefix, " (")
	host, _ = strings.CutSuffix(host, ")")
	switch {
	case !ok:
		// Not an address: a kind of error ("hostname resolving error")
		// over the failures joined, often one lookup's twice. It read
		// "connect to hostname resolving error as …", the cause twice.
		var lines []string
		for _, l := range strings.Split(inner.Error(), "\n") {
			if !slices.Contains(lines, l) {
				lines = append(lines, l)
			}
		}
		return where, prefix + ": " + strings.Join(lines, "; ")
	case host == addr || strings.HasPrefix(addr, host+":") || strings.HasPrefix(addr, "["+host+"]:"):
		return addr, inner.Error()
	default:
		return host + " (" + addr + ")", inner.Error()
	}
}

// permissionHint adds what to grant to a refusal of the schema's creation.
func permissionHint(err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "42501" {
		return fmt.Errorf("%w (the role needs to create tables in the schema: give it a database it owns, or GRANT CREATE ON SCHEMA public TO the role, which PostgreSQL 15 no longer gives by default)", err)
	}
	return err
}

// Inspection is what a database holds before a copy goes into it.
type Inspection struct {
	// Others are the tables of another program in the schema the DSN
	// uses (its search_path's first).
	Others []string
	// Rows counts the rows of Styrke's tables that hold any.
	Rows map[string]int64
}

// Inspect reads what the database a DSN names holds, changing nothing: a
// copy refuses another program's tables, and Styrke's with rows, before
// it migrates anything (it migrated a live store of an older version
// under its instances before it found the store not empty).
func Inspect(ctx context.Context, dsn string) (Inspection, error) {
	var in Inspection
	cfg, err := parseDSN(dsn)
	if err != nil {
		return in, err
	}
	conn, err := pgx.ConnectConfig(ctx, cfg.ConnConfig)
	if err != nil {
		if c := connectFailure(dsn, err); c != nil {
			return in, c
		}
		return in, fmt.Errorf("postgres: %w", scrub(dsn, err))
	}
	defer conn.Close(context.WithoutCancel(ctx))
	rows, err := conn.Query(ctx, `SELECT table_name FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`)
	if err != nil {
		return in, fmt.Errorf("postgres: %w", scrub(dsn, err))
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return in, fmt.Errorf("postgres: %w", scrub(dsn, err))
	}
	ours := map[string]bool{}
	for _, t := range store.Tables {
		ours[t.Name] = true
	}
	in.Rows = map[string]int64{}
	for _, n := range names {
		switch {
		case ours[n]:
			var c int64
			if err := conn.QueryRow(ctx, `SELECT count(*) FROM `+pgx.Identifier{n}.Sanitize()).Scan(&c); err != nil {
				return in, fmt.Errorf("postgres: count %s: %w", n, scrub(dsn, err))
			}
			if c > 0 {
				in.Rows[n] = c
			}
		case n != "schema_migrations":
			in.Others = append(in.Others, n)
		}
	}
	return in, nil
}

func isUniqueViolation(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}

// ts normalises a time to what timestamptz stores: microseconds, UTC.
func ts(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// CreateActivation implements store.Store.
func (s *Store) CreateActivation(ctx context.Context, a store.Activation) error {
	if len(a.TokenHash) != sha256.Size {
		return fmt.Errorf("postgres: create activation: token hash is %d bytes, want %d", len(a.TokenHash), sha256.Size)
	}
	var used *time.Time
	if a.UsedAt != nil {
		u := ts(*a.UsedAt)
		used = &u
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO activations
		(token_hash, username, name, institution, created_at, expires_at, used_at, failures, code_hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		a.TokenHash, a.Username, a.Name, a.Institution, ts(a.CreatedAt), ts(a.ExpiresAt), used, a.Failures, nullBytes(a.CodeHash))
	if isUniqueViolation(err) {
		return fmt.Errorf("postgres: create activation: %w", store.ErrExists)
	}
	if err != nil {
		return fmt.Errorf("postgres: create activation: %w", err)
	}
	return nil
}

// Activation implements store.Store.
func (s *Store) Activation(ctx context.Context, tokenHash []byte) (store.Activation, error) {
	a, err := scanActivation(s.pool.QueryRow(ctx, `SELECT `+activationColumns+` FROM activations WHERE token_hash = $1`, tokenHash))
	if errors.Is(err, pgx.ErrNoRows) {
		return store.Activation{}, store.ErrNotFound
	}
	if err != nil {
		return store.Activation{}, fmt.Errorf("postgres: activation: %w", err)
	}
	return a, nil
}

// activationColumns are the columns scanActivation reads, in its order.
const activationColumns = "token_hash, username, name, institution, created_at, expires_at, used_at, failures, code_hash"

// scanActivation reads one row of activationColumns, its times in UTC.
func scanActivation(row pgx.Row) (store.Activation, error) {
	var a store.Activation
	if err := row.Scan(&a.TokenHash, &a.Username, &a.Name, &a.Institution, &a.CreatedAt, &a.ExpiresAt, &a.UsedAt, &a.Failures, &a.CodeHash); err != nil {
		return store.Activation{}, err
	}
	a.CreatedAt, a.ExpiresAt = a.CreatedAt.UTC(), a.ExpiresAt.UTC()
	if a.UsedAt != nil {
		u := a.UsedAt.UTC()
		a.UsedAt = &u
	}
	return a, nil
}

// ClaimFollowups implements store.Store.
func (s *Store) ClaimFollowups(ctx context.Context, now time.Time, wait time.Duration, limit int) ([]store.Activation, error) {
	rows, err := s.pool.Query(ctx, `UPDATE activations SET followup_at = $1
		WHERE token_hash IN (SELECT token_hash FROM activations
			WHERE followup_at IS NOT NULL AND followup_at <= $2 ORDER BY followup_at LIMIT $3 FOR UPDATE SKIP LOCKED)
		RETURNING `+activationColumns, now, now.Add(-wait), limit)
	if err != nil {
		return nil, fmt.Errorf("postgres: claim follow-ups: %w", err)
	}
	defer rows.Close()
	var out []store.Activation
	for rows.Next() {
		a, err := scanActivation(rows)
		if err != nil {
			return nil, fmt.Errorf("postgres: claim follow-ups: %w", err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: claim follow-ups: %w", err)
	}
	return out, nil
}

// FollowedUp implements store.Store.
func (s *Store) FollowedUp(ctx context.Context, tokenHash []byte) error {
	if _, err := s.pool.Exec(ctx, `UPDATE activations SET followup_at = NULL WHERE token_hash = $1`, tokenHash); err != nil {
		return fmt.Errorf("postgres: followed up: %w", err)
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
	// An account's own entries in their order (seq), the accounts'
	// together by time (each entry at the latest time of its account's
	// up to it: a clock set back on some instance reorders no account's).
	rows, err := s.pool.Query(ctx, `SELECT hash FROM (
			SELECT hash, seq, max(created_at) OVER (PARTITION BY institution ORDER BY seq) AS at FROM password_history
			WHERE username = $1 AND (institution = ANY($2) OR institution = '')) AS kept -- '': store.NoInstitution
		ORDER BY at DESC, seq DESC LIMIT $3`, username, institutions, limit)
	if err != nil {
		return nil, fmt.Errorf("postgres: history: %w", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("postgres: history: %w", err)
	}
	return out, nil
}

// Complete implements store.Store.
func (s *Store) Complete(ctx context.Context, tokenHash, claimID []byte, now time.Time, encodedHash string, keep, maxFailures int) error {
	now = ts(now)
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var institution, username string
		err := tx.QueryRow(ctx, `UPDATE activations
			SET used_at = $1, followup_at = $1, claim_id = NULL, claimed_until = NULL, pending_hash = NULL
			WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1 AND ($3 <= 0 OR failures < $3)
				AND (claimed_until IS NULL OR claimed_until <= $1 OR claim_id = $4)
			RETURNING institution, username`, now, tokenHash, maxFailures, claimID).Scan(&institution, &username)
		if errors.Is(err, pgx.ErrNoRows) {
			var exists bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM activations WHERE token_hash = $1)`,
				tokenHash).Scan(&exists); err != nil {
				return err
			}
			if !exists {
				return store.ErrNotFound
			}
			return store.ErrGone
		}
		if err != nil {
			return fmt.Errorf("consume activation: %w", err)
		}
		return setPassword(ctx, tx, institution, username, now, encodedHash, keep)
	})
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrGone) {
		return err
	}
	if err != nil {
		return fmt.Errorf("postgres: complete: %w", err)
	}
	return nil
}

// Claim implements store.Store: the row is locked (FOR UPDATE) between the
// read and the update.
func (s *Store) Claim(ctx context.Context, tokenHash []byte, now time.Time, lease time.Duration, pendingHash string, maxFailures int) (store.Claim, error) {
	now = ts(now)
	var c store.Claim
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		a := &c.Activation
		var (
			until   *time.Time
			pending *string
		)
		err := tx.QueryRow(ctx, `SELECT token_hash, username, name, institution, created_at, expires_at,
			used_at, failures, code_hash, claimed_until, pending_hash FROM activations WHERE token_hash = $1 FOR UPDATE`, tokenHash).
			Scan(&a.TokenHash, &a.Username, &a.Name, &a.Institution, &a.CreatedAt, &a.ExpiresAt, &a.UsedAt, &a.Failures, &a.CodeHash, &until, &pending)
		if errors.Is(err, pgx.ErrNoRows) {
			return store.ErrNotFound
		}
		if err != nil {
			return err
		}
		a.CreatedAt, a.ExpiresAt = a.CreatedAt.UTC(), a.ExpiresAt.UTC()
		if a.UsedAt != nil {
			u := a.UsedAt.UTC()
			a.UsedAt = &u
		}
		switch {
		case a.UsedAt != nil, !a.ExpiresAt.After(now), maxFailures > 0 && a.Failures >= maxFailures:
			return store.ErrGone
		case until != nil && until.After(now):
			return &store.BusyError{Until: until.UTC()}
		}
		if pending != nil {
			c.PreviousPending = *pending
		}
		c.ID = store.NewClaimID()
		_, err = tx.Exec(ctx, `UPDATE activations SET claim_id = $1, claimed_until = $2, pending_hash = $3
			WHERE token_hash = $4`, c.ID, now.Add(lease), pendingHash, tokenHash)
		return err
	})
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrGone) || errors.Is(err, store.ErrBusy) {
		return store.Claim{}, err
	}
	if err != nil {
		return store.Claim{}, fmt.Errorf("postgres: claim: %w", err)
	}
	return c, nil
}

// Release implements store.Store.
func (s *Store) Release(ctx context.Context, tokenHash, claimID []byte, clearPending bool) error {
	_, err := s.pool.Exec(ctx, `UPDATE activations SET claim_id = NULL, claimed_until = NULL,
		pending_hash = CASE WHEN $1 THEN NULL ELSE pending_hash END
		WHERE token_hash = $2 AND claim_id = $3`, clearPending, tokenHash, claimID)
	if err != nil {
		return fmt.Errorf("postgres: release: %w", err)
	}
	return nil
}

// ReplaceCode implements store.Store: the row is locked (FOR UPDATE)
// between the read and the update.
func (s *Store) ReplaceCode(ctx context.Context, tokenHash, codeHash []byte, now time.Time, gap time.Duration, maxSends, maxFailures int) (int, error) {
	if len(codeHash) != sha256.Size {
		return 0, fmt.Errorf("postgres: replace code: code hash is %d bytes, want %d", len(codeHash), sha256.Size)
	}
	now = ts(now)
	var sends int
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var (
			hasCode       bool
			used          *time.Time
			expires, last time.Time
			failures      int
		)
		err := tx.QueryRow(ctx, `SELECT code_hash IS NOT NULL, used_at, expires_at, failures, code_sends,
			coalesce(code_sent_at, created_at) FROM activations WHERE token_hash = $1 FOR UPDATE`, tokenHash).
			Scan(&hasCode, &used, &expires, &failures, &sends, &last)
		if errors.Is(err, pgx.ErrNoRows) {
			return store.ErrNotFound
		}
		if err != nil {
			return err
		}
		switch {
		case !hasCode, used != nil, !expires.After(now), maxFailures > 0 && failures >= maxFailures:
			return store.ErrGone
		case sends >= maxSends:
			return store.ErrLimit
		case now.Before(last.Add(gap)):
			return &store.TooSoonError{Wait: last.Add(gap).Sub(now)}
		}
		if _, err := tx.Exec(ctx, `UPDATE activations SET code_hash = $1, code_sends = code_sends + 1, code_sent_at = $2
			WHERE token_hash = $3`, codeHash, now, tokenHash); err != nil {
			return err
		}
		sends++
		return nil
	})
	var soon *store.TooSoonError
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrGone) || errors.Is(err, store.ErrLimit) || errors.As(err, &soon) {
		return sends, err
	}
	if err != nil {
		return sends, fmt.Errorf("postgres: replace code: %w", err)
	}
	return sends, nil
}

// RecordFailure implements store.Store.
func (s *Store) RecordFailure(ctx context.Context, tokenHash []byte) (int, error) {
	var n int
	err := s.pool.QueryRow(ctx, `UPDATE activations SET failures = failures + 1
		WHERE token_hash = $1 RETURNING failures`, tokenHash).Scan(&n)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, store.ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("postgres: record failure: %w", err)
	}
	return n, nil
}

// Ping implements store.Store: it checks that a write can be made (a row
// updated to itself in a transaction that is rolled back), so a read-only
// database or a table locked elsewhere fails it, not only a lost connection.
func (s *Store) Ping(ctx context.Context) error {
	errRollback := errors.New("rollback")
	var version int
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `UPDATE schema_migrations SET applied_at = applied_at
			WHERE version = (SELECT max(version) FROM schema_migrations) RETURNING version`).Scan(&version)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		return errRollback
	})
	if !errors.Is(err, errRollback) {
		return fmt.Errorf("postgres: ping: %w", err)
	}
	return store.NewerSchema(version, SchemaVersion)
}

// ServerTime implements store.Clocked: the database server's clock, as
// it is when the query runs (clock_timestamp, not the transaction's now).
func (s *Store) ServerTime(ctx context.Context) (time.Time, error) {
	var t time.Time
	if err := s.pool.QueryRow(ctx, `SELECT clock_timestamp()`).Scan(&t); err != nil {
		return time.Time{}, fmt.Errorf("postgres: the server's clock: %w", err)
	}
	return t, nil
}

// Close implements store.Store; it waits for connections in use to be
// returned. Calling it again does nothing.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// nullBytes is b, or NULL for an empty b.
func nullBytes(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return b
}

// Unavailable reports whether err is the database's own outage rather than
// a fault of the request or of Styrke: the server unreachable or shutting
// down, a connection lost, no room (class 53: disk full, out of memory or
// connections), or a read-only standby. The server answers those a
// retryable 503. Only the store's own errors count: a directory's network
// error or a context's deadline that reaches the same handler is not the
// database's.
func (s *Store) Unavailable(err error) bool {
	if err == nil {
		return false
	}
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		return true
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case strings.HasPrefix(pe.Code, "08"), strings.HasPrefix(pe.Code, "53"),
			pe.Code == "57P01", pe.Code == "57P02", pe.Code == "57P03", pe.Code == "25006":
			return true
		}
		return false
	}
	if !strings.Contains(err.Error(), "postgres: ") {
		return false
	}
	var oe *net.OpError
	return errors.As(err, &oe) || pgconn.SafeToRetry(err) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) ||
		strings.Contains(err.Error(), "conn closed")
}
