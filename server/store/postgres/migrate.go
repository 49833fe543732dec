package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

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
	token_hash  bytea PRIMARY KEY CHECK (length(token_hash) = 32),
	username    text NOT NULL,
	name        text NOT NULL,
	institution text NOT NULL,
	created_at  timestamptz NOT NULL,
	expires_at  timestamptz NOT NULL,
	used_at     timestamptz,
	failures    integer NOT NULL DEFAULT 0 CHECK (failures >= 0)
);
CREATE TABLE accounts (
	username      text PRIMARY KEY,
	password_hash text NOT NULL CHECK (length(password_hash) BETWEEN 1 AND 512),
	updated_at    timestamptz NOT NULL,
	seq           bigint NOT NULL
);
CREATE TABLE password_history (
	username   text NOT NULL REFERENCES accounts (username) ON DELETE CASCADE,
	seq        bigint NOT NULL,
	hash       text NOT NULL CHECK (length(hash) BETWEEN 1 AND 512),
	created_at timestamptz NOT NULL,
	PRIMARY KEY (username, seq)
);
`},
	{2, "activation claims for the directory write", `
ALTER TABLE activations ADD COLUMN claim_id bytea CHECK (claim_id IS NULL OR length(claim_id) = 16);
ALTER TABLE activations ADD COLUMN claimed_until timestamptz;
ALTER TABLE activations ADD COLUMN pending_hash text CHECK (pending_hash IS NULL OR length(pending_hash) BETWEEN 1 AND 512);
`},
	{3, "service desk: audit log, activation contacts, notification queue, SMS counters", `
CREATE TABLE audit_events (
	id          bigserial PRIMARY KEY,
	time        timestamptz NOT NULL,
	event       text NOT NULL CHECK (length(event) BETWEEN 1 AND 64),
	actor       text NOT NULL,
	username    text NOT NULL DEFAULT '',
	institution text NOT NULL DEFAULT '',
	remote_addr text NOT NULL DEFAULT '',
	request_id  text NOT NULL DEFAULT '',
	detail      text NOT NULL DEFAULT ''
);
CREATE INDEX audit_events_time ON audit_events (time);
CREATE INDEX audit_events_username ON audit_events (username, time);
CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'audit_events is append-only'; END $$;
CREATE TRIGGER audit_events_append_only BEFORE UPDATE ON audit_events
FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE TABLE activation_contacts (
	token_hash   bytea PRIMARY KEY REFERENCES activations (token_hash) ON DELETE CASCADE,
	email        text NOT NULL DEFAULT '',
	phone        text NOT NULL DEFAULT '',
	lang         text NOT NULL DEFAULT 'nb',
	created_by   text NOT NULL DEFAULT '',
	delivered_at timestamptz,
	revoked_at   timestamptz
);
CREATE INDEX activations_username_v3 ON activations (username, created_at);
CREATE INDEX activations_institution_v3 ON activations (institution, created_at);
CREATE TABLE notifications (
	id              bigserial PRIMARY KEY,
	dedupe_key      text NOT NULL UNIQUE,
	channel         text NOT NULL,
	recipient       text NOT NULL,
	subject         text NOT NULL,
	body_text       text NOT NULL,
	body_html       text NOT NULL,
	message_id      text NOT NULL,
	username        text NOT NULL DEFAULT '',
	institution     text NOT NULL DEFAULT '',
	created_at      timestamptz NOT NULL,
	next_attempt_at timestamptz NOT NULL,
	attempts        integer NOT NULL DEFAULT 0,
	sent_at         timestamptz,
	gave_up         boolean NOT NULL DEFAULT false,
	last_error      text NOT NULL DEFAULT ''
);
CREATE INDEX notifications_due ON notifications (next_attempt_at) WHERE sent_at IS NULL AND NOT gave_up;
CREATE TABLE sms_counters (
	institution text NOT NULL,
	day         text NOT NULL,
	count       integer NOT NULL,
	PRIMARY KEY (institution, day)
);
`},
	{4, "account identities, ID-porten sign-ins, reset sessions, throttle", `
CREATE TABLE account_identities (
	institution   text NOT NULL,
	username      text NOT NULL,
	name          text NOT NULL,
	identity_hash bytea NOT NULL CHECK (length(identity_hash) = 32),
	updated_at    timestamptz NOT NULL,
	PRIMARY KEY (institution, username)
);
CREATE INDEX account_identities_by_hash ON account_identities (identity_hash);
CREATE TABLE oidc_logins (
	state_hash  bytea PRIMARY KEY CHECK (length(state_hash) = 32),
	nonce       text NOT NULL,
	verifier    text NOT NULL,
	acr         text NOT NULL,
	institution text NOT NULL,
	lang        text NOT NULL,
	expires_at  timestamptz NOT NULL
);
CREATE TABLE reset_sessions (
	id_hash       bytea PRIMARY KEY CHECK (length(id_hash) = 32),
	username      text NOT NULL,
	name          text NOT NULL,
	institution   text NOT NULL,
	created_at    timestamptz NOT NULL,
	expires_at    timestamptz NOT NULL,
	claimed_until timestamptz,
	used_at       timestamptz
);
CREATE TABLE throttle (
	key          bytea PRIMARY KEY CHECK (length(key) = 32),
	failures     integer NOT NULL CHECK (failures >= 0),
	window_start timestamptz NOT NULL
);
`},
	{5, "a reset session keeps the date of birth its sign-in gave", `
ALTER TABLE reset_sessions ADD COLUMN birth_date text NOT NULL DEFAULT '';
`},
	{6, "the change flow finds an account by its username in any case of its ASCII letters", `
CREATE INDEX accounts_username_ascii_fold ON accounts (lower(username COLLATE "C"));
`},
	{7, "an activation may need a one-time code sent apart from its link", `
ALTER TABLE activations ADD COLUMN code_hash bytea CHECK (code_hash IS NULL OR length(code_hash) = 32);
`},
	{8, "a link's one-time code may be sent again", `
ALTER TABLE activations ADD COLUMN code_sends integer NOT NULL DEFAULT 0 CHECK (code_sends >= 0),
	ADD COLUMN code_sent_at timestamptz;
`},
	{9, "an address on file given without a link (a welcome)", `
CREATE TABLE addresses (
	username   text PRIMARY KEY,
	email      text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
	lang       text NOT NULL,
	updated_at timestamptz NOT NULL
);
`},
	{10, "password expiry reminders sent, one per account, expiry and window", `
CREATE TABLE reminders (
	key     text PRIMARY KEY CHECK (length(key) BETWEEN 1 AND 600),
	sent_at timestamptz NOT NULL
);
`},
	{11, "the change flow finds a person's links by the username in any case of its ASCII letters", `
CREATE INDEX activations_username_ascii_fold ON activations (lower(username COLLATE "C"));
`},
	{12, "and by the username an identity number was imported for", `
CREATE INDEX account_identities_username_ascii_fold ON account_identities (lower(username COLLATE "C"));
`},
	{13, "the audit log is searched by a username in any case of its ASCII letters", `
CREATE INDEX audit_events_username_ascii_fold ON audit_events (lower(username COLLATE "C"), time);
DROP INDEX audit_events_username;
`},
	{14, "a used activation's steps after the password (audit, other links, notice) until done", `
ALTER TABLE activations ADD COLUMN followup_at timestamptz;
CREATE INDEX activations_followup ON activations (followup_at) WHERE followup_at IS NOT NULL;
`},
	{15, "a reset's or a change's steps after the password (audit, links, notice) until done", `
CREATE TABLE password_followups (
	key         text PRIMARY KEY CHECK (length(key) BETWEEN 1 AND 600),
	kind        text NOT NULL CHECK (kind IN ('reset', 'change')),
	username    text NOT NULL,
	name        text NOT NULL,
	institution text NOT NULL,
	at          timestamptz NOT NULL,
	due_at      timestamptz NOT NULL
);
CREATE INDEX password_followups_due ON password_followups (due_at);
`},
	{16, "secrets every instance shares, a lease per account while its password is written, and a reminder's claim until it is sent", `
ALTER TABLE reminders ADD COLUMN done boolean NOT NULL DEFAULT true;
CREATE TABLE secrets (
	name  text PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 64),
	value bytea NOT NULL CHECK (length(value) = 32)
);
CREATE TABLE account_locks (
	key    text PRIMARY KEY CHECK (length(key) BETWEEN 1 AND 600),
	holder bytea NOT NULL CHECK (length(holder) = 16),
	until  timestamptz NOT NULL
);
`},
	// An address kept before goes to the institution of the newest link
	// of the username that went to it (keepAddress copied a link's), else
	// of the newest welcome of the username (the audit log's), else to
	// the one institution that has links or an identity for the username;
	// else to none (store.NoInstitution), on file at every institution as
	// before. Usernames match in any case of their ASCII letters, as the
	// directories match them (and the indexes of versions 11 to 13 serve).
	{17, "the address on file is an institution's: its username at another institution is another person", `
ALTER TABLE addresses ADD COLUMN institution text NOT NULL DEFAULT '';
UPDATE addresses d SET institution = coalesce(
		(SELECT a.institution FROM activations a JOIN activation_contacts c ON c.token_hash = a.token_hash
			WHERE lower(a.username COLLATE "C") = lower(d.username COLLATE "C") AND lower(c.email) = lower(d.email)
			ORDER BY a.created_at DESC LIMIT 1),
		(SELECT e.institution FROM audit_events e
			WHERE lower(e.username COLLATE "C") = lower(d.username COLLATE "C") AND e.event = 'welcomed' AND e.institution <> ''
			ORDER BY e.time DESC LIMIT 1),
		(SELECT min(institution) FROM (
				SELECT institution FROM activations WHERE lower(username COLLATE "C") = lower(d.username COLLATE "C")
				UNION SELECT institution FROM account_identities WHERE lower(username COLLATE "C") = lower(d.username COLLATE "C")) AS theirs
			HAVING count(*) = 1),
		'');
ALTER TABLE addresses ALTER COLUMN institution DROP DEFAULT;
ALTER TABLE addresses DROP CONSTRAINT addresses_pkey;
ALTER TABLE addresses ADD PRIMARY KEY (institution, username);
`},
	{18, "an account's password and history are an institution's: its username at another institution is another person", `
CREATE TEMP TABLE history_v18 ON COMMIT DROP AS
	SELECT ` + passwordOf("h.username", "h.created_at") + ` AS institution, h.username, h.seq, h.hash, h.created_at
	FROM password_history h;
CREATE TABLE accounts_v18 (
	institution   text NOT NULL,
	username      text NOT NULL,
	password_hash text NOT NULL CHECK (length(password_hash) BETWEEN 1 AND 512),
	updated_at    timestamptz NOT NULL,
	seq           bigint NOT NULL,
	CONSTRAINT accounts_v18_pkey PRIMARY KEY (institution, username)
);
CREATE TABLE password_history_v18 (
	institution text NOT NULL,
	username    text NOT NULL,
	seq         bigint NOT NULL,
	hash        text NOT NULL CHECK (length(hash) BETWEEN 1 AND 512),
	created_at  timestamptz NOT NULL,
	CONSTRAINT password_history_v18_pkey PRIMARY KEY (institution, username, seq),
	CONSTRAINT password_history_v18_account_fkey FOREIGN KEY (institution, username)
		REFERENCES accounts_v18 (institution, username) ON DELETE CASCADE
);
INSERT INTO accounts_v18 (institution, username, password_hash, updated_at, seq)
	SELECT DISTINCT ON (institution, username) institution, username, hash, created_at, seq
	FROM history_v18 ORDER BY institution, username, seq DESC;
INSERT INTO accounts_v18 (institution, username, password_hash, updated_at, seq)
	SELECT ` + passwordOf("a.username", "a.updated_at") + `, a.username, a.password_hash, a.updated_at, a.seq
	FROM accounts a WHERE NOT EXISTS (SELECT 1 FROM history_v18 WHERE username = a.username);
INSERT INTO password_history_v18 (institution, username, seq, hash, created_at)
	SELECT institution, username, seq, hash, created_at FROM history_v18;
DROP TABLE password_history;
DROP TABLE accounts;
ALTER TABLE accounts_v18 RENAME TO accounts;
ALTER TABLE accounts RENAME CONSTRAINT accounts_v18_pkey TO accounts_pkey;
ALTER TABLE password_history_v18 RENAME TO password_history;
ALTER TABLE password_history RENAME CONSTRAINT password_history_v18_pkey TO password_history_pkey;
ALTER TABLE password_history RENAME CONSTRAINT password_history_v18_account_fkey TO password_history_account_fkey;
CREATE INDEX accounts_username_ascii_fold ON accounts (lower(username COLLATE "C"));
`},
	{19, "the time serve's retention last counted back from", `
CREATE TABLE retention_mark (
	id    integer PRIMARY KEY CHECK (id = 1),
	as_of timestamptz NOT NULL
);
`},
	{20, "a link's e-mail the mail server took without confirming it", `
ALTER TABLE activation_contacts ADD COLUMN delivery_unconfirmed boolean NOT NULL DEFAULT false;
`},
}

// passwordOf is schema 18's SQL for the institution of the password that
// was set for username (a column) at at (a column): that of the link used
// at that moment (Complete marks it used then), else of the reset session
// used then (CompleteReset), else of the first activated, reset or changed
// event of the username in the audit log within a day after it (a
// change's, written after its password), else the one institution with
// links, an identity or such events for the username; else none
// (store.NoInstitution: every institution's, as before). Usernames match
// in any case of their ASCII letters, as the directories match them and
// the indexes of versions 11 to 13 serve.
func passwordOf(username, at string) string {
	fold := func(col string) string { return `lower(` + col + ` COLLATE "C") = lower(` + username + ` COLLATE "C")` }
	return `coalesce(
		(SELECT institution FROM activations WHERE ` + fold("username") + ` AND used_at = ` + at + ` LIMIT 1),
		(SELECT institution FROM reset_sessions WHERE ` + fold("username") + ` AND used_at = ` + at + ` LIMIT 1),
		(SELECT institution FROM audit_events WHERE ` + fold("username") + `
			AND time >= ` + at + ` AND time < ` + at + ` + interval '1 day'
			AND event IN ('activated', 'reset', 'changed') AND institution <> '' ORDER BY time LIMIT 1),
		(SELECT min(institution) FROM (
				SELECT institution FROM activations WHERE ` + fold("username") + `
				UNION SELECT institution FROM account_identities WHERE ` + fold("username") + `
				UNION SELECT institution FROM audit_events WHERE ` + fold("username") + `
					AND event IN ('activated', 'reset', 'changed') AND institution <> '') AS theirs
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

// current checks that the database holds every migration of this program
// and none newer, changing nothing.
func (s *Store) current(ctx context.Context) error {
	var exists bool
	if err := s.pool.QueryRow(ctx, `SELECT to_regclass('schema_migrations') IS NOT NULL`).Scan(&exists); err != nil {
		return err
	}
	if !exists {
		return store.ErrNoSchema
	}
	rows, err := s.pool.Query(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return err
	}
	versions, err := pgx.CollectRows(rows, pgx.RowTo[int])
	if err != nil {
		return err
	}
	want := make([]int, len(migrations))
	for i, m := range migrations {
		want[i] = m.version
	}
	return store.CheckVersions(versions, want, SchemaVersion)
}

// migrateLock is the pg_advisory_lock key that serialises migrations of
// one database ("styrke" in ASCII).
const migrateLock = 0x737479726b65

// migrate applies the migrations the database lacks, each in its own
// transaction together with its schema_migrations row, holding a session
// advisory lock throughout so that instances starting at once apply each
// version exactly once.
func (s *Store) migrate(ctx context.Context) error {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, int64(migrateLock)); err != nil {
		return err
	}
	defer func() {
		// On a broken connection the unlock fails; the session's end
		// releases the lock then, so hand the connection back closed.
		if _, err := conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, int64(migrateLock)); err != nil {
			conn.Conn().Close(context.WithoutCancel(ctx))
		}
	}()
	if _, err := conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    integer PRIMARY KEY,
		name       text NOT NULL,
		applied_at timestamptz NOT NULL DEFAULT now()
	)`); err != nil {
		return err
	}
	rows, err := conn.Query(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return err
	}
	versions, err := pgx.CollectRows(rows, pgx.RowTo[int])
	if err != nil {
		return err
	}
	applied, newest := store.Applied(versions)
	if newest > SchemaVersion {
		return &store.NewerSchemaError{Have: newest, Own: SchemaVersion}
	}
	s.schemaFrom = newest
	// Every version the database lacks, not only those above its newest:
	// parallel work may land version 4 before version 3.
	for _, m := range migrations {
		if applied[m.version] {
			continue
		}
		if err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, m.sql); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES ($1, $2)`, m.version, m.name)
			return err
		}); err != nil {
			return fmt.Errorf("version %d (%s): %w", m.version, m.name, err)
		}
		s.migrations++
	}
	return nil
}
