package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/styrke-iam/styrke/server/store"
)

// migration is one schema version. Migrations are append-only: never edit
// one that has shipped, add the next version.
type migration struct {
	version int
	name    string
	sql     string
}

var migrations = []migration{
	{1, "activations, accounts, password history", `
CREATE TABLE activations (
	token_hash  BLOB PRIMARY KEY CHECK (length(token_hash) = 32),
	username    TEXT NOT NULL,
	name        TEXT NOT NULL,
	institution TEXT NOT NULL,
	created_at  INTEGER NOT NULL,
	expires_at  INTEGER NOT NULL,
	used_at     INTEGER,
	failures    INTEGER NOT NULL DEFAULT 0 CHECK (failures >= 0)
);
CREATE TABLE accounts (
	username      TEXT PRIMARY KEY,
	password_hash TEXT NOT NULL CHECK (length(password_hash) BETWEEN 1 AND 512),
	updated_at    INTEGER NOT NULL,
	seq           INTEGER NOT NULL
);
CREATE TABLE password_history (
	username   TEXT NOT NULL REFERENCES accounts (username) ON DELETE CASCADE,
	seq        INTEGER NOT NULL,
	hash       TEXT NOT NULL CHECK (length(hash) BETWEEN 1 AND 512),
	created_at INTEGER NOT NULL,
	PRIMARY KEY (username, seq)
) WITHOUT ROWID;
`},
	{2, "activation claims for the directory write", `
ALTER TABLE activations ADD COLUMN claim_id BLOB CHECK (claim_id IS NULL OR length(claim_id) = 16);
ALTER TABLE activations ADD COLUMN claimed_until INTEGER;
ALTER TABLE activations ADD COLUMN pending_hash TEXT CHECK (pending_hash IS NULL OR length(pending_hash) BETWEEN 1 AND 512);
`},
	{3, "service desk: audit log, activation contacts, notification queue, SMS counters", `
CREATE TABLE audit_events (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	time        INTEGER NOT NULL,
	event       TEXT NOT NULL CHECK (length(event) BETWEEN 1 AND 64),
	actor       TEXT NOT NULL,
	username    TEXT NOT NULL DEFAULT '',
	institution TEXT NOT NULL DEFAULT '',
	remote_addr TEXT NOT NULL DEFAULT '',
	request_id  TEXT NOT NULL DEFAULT '',
	detail      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_events_time ON audit_events (time);
CREATE INDEX audit_events_username ON audit_events (username, time);
CREATE TRIGGER audit_events_append_only BEFORE UPDATE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
CREATE TABLE activation_contacts (
	token_hash   BLOB PRIMARY KEY REFERENCES activations (token_hash) ON DELETE CASCADE,
	email        TEXT NOT NULL DEFAULT '',
	phone        TEXT NOT NULL DEFAULT '',
	lang         TEXT NOT NULL DEFAULT 'nb',
	created_by   TEXT NOT NULL DEFAULT '',
	delivered_at INTEGER,
	revoked_at   INTEGER
) WITHOUT ROWID;
CREATE INDEX activations_username_v3 ON activations (username, created_at);
CREATE INDEX activations_institution_v3 ON activations (institution, created_at);
CREATE TABLE notifications (
	id              INTEGER PRIMARY KEY AUTOINCREMENT,
	dedupe_key      TEXT NOT NULL UNIQUE,
	channel         TEXT NOT NULL,
	recipient       TEXT NOT NULL,
	subject         TEXT NOT NULL,
	body_text       TEXT NOT NULL,
	body_html       TEXT NOT NULL,
	message_id      TEXT NOT NULL,
	username        TEXT NOT NULL DEFAULT '',
	institution     TEXT NOT NULL DEFAULT '',
	created_at      INTEGER NOT NULL,
	next_attempt_at INTEGER NOT NULL,
	attempts        INTEGER NOT NULL DEFAULT 0,
	sent_at         INTEGER,
	gave_up         INTEGER NOT NULL DEFAULT 0,
	last_error      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX notifications_due ON notifications (next_attempt_at) WHERE sent_at IS NULL AND gave_up = 0;
CREATE TABLE sms_counters (
	institution TEXT NOT NULL,
	day         TEXT NOT NULL,
	count       INTEGER NOT NULL,
	PRIMARY KEY (institution, day)
) WITHOUT ROWID;
`},
	{4, "account identities, ID-porten sign-ins, reset sessions, throttle", `
CREATE TABLE account_identities (
	institution   TEXT NOT NULL,
	username      TEXT NOT NULL,
	name          TEXT NOT NULL,
	identity_hash BLOB NOT NULL CHECK (length(identity_hash) = 32),
	updated_at    INTEGER NOT NULL,
	PRIMARY KEY (institution, username)
) WITHOUT ROWID;
CREATE INDEX account_identities_by_hash ON account_identities (identity_hash);
CREATE TABLE oidc_logins (
	state_hash  BLOB PRIMARY KEY CHECK (length(state_hash) = 32),
	nonce       TEXT NOT NULL,
	verifier    TEXT NOT NULL,
	acr         TEXT NOT NULL,
	institution TEXT NOT NULL,
	lang        TEXT NOT NULL,
	expires_at  INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE reset_sessions (
	id_hash       BLOB PRIMARY KEY CHECK (length(id_hash) = 32),
	username      TEXT NOT NULL,
	name          TEXT NOT NULL,
	institution   TEXT NOT NULL,
	created_at    INTEGER NOT NULL,
	expires_at    INTEGER NOT NULL,
	claimed_until INTEGER,
	used_at       INTEGER
) WITHOUT ROWID;
CREATE TABLE throttle (
	key          BLOB PRIMARY KEY CHECK (length(key) = 32),
	failures     INTEGER NOT NULL CHECK (failures >= 0),
	window_start INTEGER NOT NULL
) WITHOUT ROWID;
`},
	{5, "a reset session keeps the date of birth its sign-in gave", `
ALTER TABLE reset_sessions ADD COLUMN birth_date TEXT NOT NULL DEFAULT '';
`},
	{6, "the change flow finds an account by its username in any case of its ASCII letters", `
CREATE INDEX accounts_username_nocase ON accounts (username COLLATE NOCASE);
`},
	{7, "an activation may need a one-time code sent apart from its link", `
ALTER TABLE activations ADD COLUMN code_hash BLOB CHECK (code_hash IS NULL OR length(code_hash) = 32);
`},
	{8, "a link's one-time code may be sent again", `
ALTER TABLE activations ADD COLUMN code_sends INTEGER NOT NULL DEFAULT 0 CHECK (code_sends >= 0);
ALTER TABLE activations ADD COLUMN code_sent_at INTEGER;
`},
	{9, "an address on file given without a link (a welcome)", `
CREATE TABLE addresses (
	username   TEXT PRIMARY KEY,
	email      TEXT NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
	lang       TEXT NOT NULL,
	updated_at INTEGER NOT NULL
) WITHOUT ROWID;
`},
	{10, "password expiry reminders sent, one per account, expiry and window", `
CREATE TABLE reminders (
	key     TEXT PRIMARY KEY CHECK (length(key) BETWEEN 1 AND 600),
	sent_at INTEGER NOT NULL
) WITHOUT ROWID;
`},
	{11, "the change flow finds a person's links by the username in any case of its ASCII letters", `
CREATE INDEX activations_username_nocase ON activations (username COLLATE NOCASE);
`},
	{12, "and by the username an identity number was imported for", `
CREATE INDEX account_identities_username_nocase ON account_identities (username COLLATE NOCASE);
`},
	{13, "the audit log is searched by a username in any case of its ASCII letters", `
CREATE INDEX audit_events_username_nocase ON audit_events (username COLLATE NOCASE, time);
DROP INDEX audit_events_username;
`},
	{14, "a used activation's steps after the password (audit, other links, notice) until done", `
ALTER TABLE activations ADD COLUMN followup_at INTEGER;
CREATE INDEX activations_followup ON activations (followup_at) WHERE followup_at IS NOT NULL;
`},
	{15, "a reset's or a change's steps after the password (audit, links, notice) until done", `
CREATE TABLE password_followups (
	key         TEXT PRIMARY KEY CHECK (length(key) BETWEEN 1 AND 600),
	kind        TEXT NOT NULL CHECK (kind IN ('reset', 'change')),
	username    TEXT NOT NULL,
	name        TEXT NOT NULL,
	institution TEXT NOT NULL,
	at          INTEGER NOT NULL,
	due_at      INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX password_followups_due ON password_followups (due_at);
`},
	{16, "secrets every instance shares, a lease per account while its password is written, and a reminder's claim until it is sent", `
ALTER TABLE reminders ADD COLUMN done INTEGER NOT NULL DEFAULT 1;
CREATE TABLE secrets (
	name  TEXT PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 64),
	value BLOB NOT NULL CHECK (length(value) = 32)
) WITHOUT ROWID;
CREATE TABLE account_locks (
	key    TEXT PRIMARY KEY CHECK (length(key) BETWEEN 1 AND 600),
	holder BLOB NOT NULL CHECK (length(holder) = 16),
	until  INTEGER NOT NULL
) WITHOUT ROWID;
`},
	// An address kept before goes to the institution of the newest link
	// of the username that went to it (keepAddress copied a link's), else
	// of the newest welcome of the username (the audit log's), else to
	// the one institution that has links or an identity for the username;
	// else to none (store.NoInstitution), on file at every institution as
	// before. Usernames match in any case of their ASCII letters, as the
	// directories match them.
	{17, "the address on file is an institution's: its username at another institution is another person", `
CREATE TABLE addresses_v17 (
	institution TEXT NOT NULL,
	username    TEXT NOT NULL,
	email       TEXT NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
	lang        TEXT NOT NULL,
	updated_at  INTEGER NOT NULL,
	PRIMARY KEY (institution, username)
) WITHOUT ROWID;
INSERT INTO addresses_v17 (institution, username, email, lang, updated_at)
SELECT coalesce(
		(SELECT a.institution FROM activations a JOIN activation_contacts c ON c.token_hash = a.token_hash
			WHERE a.username = d.username COLLATE NOCASE AND lower(c.email) = lower(d.email)
			ORDER BY a.created_at DESC LIMIT 1),
		(SELECT e.institution FROM audit_events e
			WHERE e.username = d.username COLLATE NOCASE AND e.event = 'welcomed' AND e.institution <> ''
			ORDER BY e.time DESC LIMIT 1),
		(SELECT min(institution) FROM (
				SELECT institution FROM activations WHERE username = d.username COLLATE NOCASE
				UNION SELECT institution FROM account_identities WHERE username = d.username COLLATE NOCASE)
			HAVING count(*) = 1),
		''),
	d.username, d.email, d.lang, d.updated_at
FROM addresses d;
DROP TABLE addresses;
ALTER TABLE addresses_v17 RENAME TO addresses;
`},
	{18, "an account's password and history are an institution's: its username at another institution is another person", `
CREATE TEMP TABLE history_v18 AS
	SELECT ` + passwordOf("h.username", "h.created_at") + ` AS institution, h.username, h.seq, h.hash, h.created_at
	FROM password_history h;
CREATE TABLE accounts_v18 (
	institution   TEXT NOT NULL,
	username      TEXT NOT NULL,
	password_hash TEXT NOT NULL CHECK (length(password_hash) BETWEEN 1 AND 512),
	updated_at    INTEGER NOT NULL,
	seq           INTEGER NOT NULL,
	PRIMARY KEY (institution, username)
);
CREATE TABLE password_history_v18 (
	institution TEXT NOT NULL,
	username    TEXT NOT NULL,
	seq         INTEGER NOT NULL,
	hash        TEXT NOT NULL CHECK (length(hash) BETWEEN 1 AND 512),
	created_at  INTEGER NOT NULL,
	PRIMARY KEY (institution, username, seq),
	FOREIGN KEY (institution, username) REFERENCES accounts_v18 (institution, username) ON DELETE CASCADE
) WITHOUT ROWID;
INSERT INTO accounts_v18 (institution, username, password_hash, updated_at, seq)
	SELECT institution, username, hash, created_at, seq FROM history_v18 h
	WHERE seq = (SELECT max(seq) FROM history_v18 WHERE institution = h.institution AND username = h.username);
INSERT INTO accounts_v18 (institution, username, password_hash, updated_at, seq)
	SELECT ` + passwordOf("a.username", "a.updated_at") + `, a.username, a.password_hash, a.updated_at, a.seq
	FROM accounts a WHERE NOT EXISTS (SELECT 1 FROM history_v18 WHERE username = a.username);
INSERT INTO password_history_v18 (institution, username, seq, hash, created_at)
	SELECT institution, username, seq, hash, created_at FROM history_v18;
DROP TABLE history_v18;
DROP TABLE password_history;
DROP TABLE accounts;
ALTER TABLE accounts_v18 RENAME TO accounts;
ALTER TABLE password_history_v18 RENAME TO password_history;
CREATE INDEX accounts_username_nocase ON accounts (username COLLATE NOCASE);
`},
	{19, "the time serve's retention last counted back from", `
CREATE TABLE retention_mark (
	id    INTEGER PRIMARY KEY CHECK (id = 1),
	as_of INTEGER NOT NULL
);
`},
	{20, "a link's e-mail the mail server took without confirming it", `
ALTER TABLE activation_contacts ADD COLUMN delivery_unconfirmed INTEGER NOT NULL DEFAULT 0;
`},
}

// passwordOf is schema 18's SQL for the institution of the password that
// was set for username (a column) at at (a column, microseconds): that of
// the link used at that moment (Complete marks it used then), else of the
// reset session used then (CompleteReset), else of the first activated,
// reset or changed event of the username in the audit log within a day
// after it (a change's, written after its password), else the one
// institution with links, an identity or such events for the username;
// else none (store.NoInstitution: every institution's, as before).
// Usernames match in any case of their ASCII letters, as the directories
// match them and the indexes of versions 11 to 13 serve.
func passwordOf(username, at string) string {
	return `coalesce(
		(SELECT institution FROM activations WHERE username = ` + username + ` COLLATE NOCASE AND used_at = ` + at + ` LIMIT 1),
		(SELECT institution FROM reset_sessions WHERE username = ` + username + ` COLLATE NOCASE AND used_at = ` + at + ` LIMIT 1),
		(SELECT institution FROM audit_events WHERE username = ` + username + ` COLLATE NOCASE
			AND time >= ` + at + ` AND time < ` + at + ` + 86400000000
			AND event IN ('activated', 'reset', 'changed') AND institution <> '' ORDER BY time LIMIT 1),
		(SELECT min(institution) FROM (
				SELECT institution FROM activations WHERE username = ` + username + ` COLLATE NOCASE
				UNION SELECT institution FROM account_identities WHERE username = ` + username + ` COLLATE NOCASE
				UNION SELECT institution FROM audit_events WHERE username = ` + username + ` COLLATE NOCASE
					AND event IN ('activated', 'reset', 'changed') AND institution <> '')
			HAVING count(*) = 1),
		'')`
}

// SchemaVersion is the schema version this package migrates to.
var SchemaVersion = func() int {
	v := 0
	for i, m := range migrations {
		if m.version <= v {
			panic(fmt.Sprintf("migrations out of order at index %d", i))
		}
		v = m.version
	}
	return v
}()

// MigrationCount is how many migrations there are (versions may have gaps
// while parallel work lands: 4 before 2 and 3).
var MigrationCount = len(migrations)

// migrate applies the migrations the database lacks, each in its own
// IMMEDIATE transaction together with its schema_migrations row, so that a
// crash leaves a version either wholly applied or not at all, and processes
// opening one file at once apply each version once.
func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.w.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		name       TEXT NOT NULL,
		applied_at INTEGER NOT NULL
	)`); err != nil {
		return err
	}
	var newest sql.NullInt64
	if err := s.w.QueryRowContext(ctx, `SELECT max(version) FROM schema_migrations`).Scan(&newest); err != nil {
		return err
	}
	if newest.Int64 > int64(SchemaVersion) {
		return &store.NewerSchemaError{Have: int(newest.Int64), Own: SchemaVersion}
	}
	s.schemaFrom = int(newest.Int64)
	for _, m := range migrations {
		applied, err := s.apply(ctx, m)
		if err != nil {
			return fmt.Errorf("version %d (%s): %w", m.version, m.name, err)
		}
		if applied {
			s.migrations++
		}
	}
	return nil
}

// current checks that the file holds every migration of this program and
// none newer, changing nothing.
func (s *Store) current(ctx context.Context) error {
	var n int
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return store.ErrNoSchema
	}
	rows, err := s.r.QueryContext(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return err
	}
	defer rows.Close()
	var versions []int
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return err
		}
		versions = append(versions, v)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return store.CheckVersions(versions, migrationVersions(), SchemaVersion)
}

// migrationVersions are the versions of this program's migrations.
func migrationVersions() []int {
	v := make([]int, len(migrations))
	for i, m := range migrations {
		v[i] = m.version
	}
	return v
}

func (s *Store) apply(ctx context.Context, m migration) (applied bool, err error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	var one int
	err = tx.QueryRowContext(ctx, `SELECT 1 FROM schema_migrations WHERE version = ?`, m.version).Scan(&one)
	if err == nil {
		return false, tx.Rollback() // already applied
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return false, err
	}
	if _, err = tx.ExecContext(ctx, m.sql); err != nil {
		return false, err
	}
	if _, err = tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
		m.version, m.name, time.Now().UnixMicro()); err != nil {
		return false, err
	}
	return true, tx.Commit()
}
