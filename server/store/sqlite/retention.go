package sqlite

import (
	"context"
	"fmt"
	"time"

	"github.com/styrke-iam/styrke/server/store"
)

// step is one statement of a run of deletions, with where its count goes
// (nil: not counted).
type step struct {
	what  string
	count *int64
	sql   string
	args  []any
}

// runSteps runs steps in one transaction, op naming them in errors.
func (s *Store) runSteps(ctx context.Context, op string, steps []step) (err error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: %s: %w", op, err)
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	for _, st := range steps {
		res, err := tx.ExecContext(ctx, st.sql, st.args...)
		if err != nil {
			return fmt.Errorf("sqlite: %s %s: %w", op, st.what, err)
		}
		if st.count != nil {
			if *st.count, err = res.RowsAffected(); err != nil {
				return fmt.Errorf("sqlite: %s %s: %w", op, st.what, err)
			}
		}
	}
	if err = tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: %s: commit: %w", op, err)
	}
	return nil
}

// Prune implements store.Retention, in one transaction.
func (s *Store) Prune(ctx context.Context, now, ended time.Time) (store.Pruned, error) {
	var p store.Pruned
	n, e := micros(now), micros(ended)
	day := micros(now.Add(-24 * time.Hour))
	// A link that ended: used (its steps after the password done), or
	// expired (a revoked link expires when revoked) and claimed by no
	// write under way.
	const gone = `SELECT token_hash FROM activations WHERE
		(used_at IS NOT NULL AND used_at < ?1 AND followup_at IS NULL)
		OR (used_at IS NULL AND expires_at < ?1 AND (claimed_until IS NULL OR claimed_until < ?2))`
	err := s.runSteps(ctx, "prune", []step{
		{"addresses", nil, `DELETE FROM activation_contacts WHERE token_hash IN (` + gone + `)`, []any{e, n}},
		{"links", &p.Links, `DELETE FROM activations WHERE token_hash IN (` + gone + `)`, []any{e, n}},
		{"notices", &p.Notices, `DELETE FROM notifications WHERE (sent_at IS NOT NULL AND sent_at < ?1) OR (gave_up = 1 AND created_at < ?1)`, []any{e}},
		{"dates of birth", nil, `UPDATE reset_sessions SET birth_date = '' WHERE birth_date != '' AND expires_at <= ?1 AND (claimed_until IS NULL OR claimed_until < ?1)`, []any{n}},
		{"reset sessions", &p.Sessions, `DELETE FROM reset_sessions WHERE expires_at <= ?1`, []any{day}},
		{"sign-ins", &p.Logins, `DELETE FROM oidc_logins WHERE expires_at <= ?1`, []any{n}},
		{"failure counts", &p.Counters, `DELETE FROM throttle WHERE window_start < ?1`, []any{day}},
		{"SMS counters", nil, `DELETE FROM sms_counters WHERE day < ?1`, []any{ended.UTC().Format("2006-01-02")}},
		{"account leases", nil, `DELETE FROM account_locks WHERE until < ?1`, []any{day}},
	})
	if err != nil {
		return store.Pruned{}, err
	}
	return p, nil
}

// Forget implements store.Retention, in one transaction. Its usernames
// match in any case of their ASCII letters, as the change flow's do.
func (s *Store) Forget(ctx context.Context, institution, username string) (store.Forgotten, error) {
	var f store.Forgotten
	const who = `username = ?2 COLLATE NOCASE`
	const theirs = `institution = ?1 AND ` + who
	// The address on file, the history and the account are kept by
	// institution and username. One kept of no institution
	// (store.NoInstitution, from before schema 17 or 18) is deleted only
	// when no other institution has links or an identity for the username
	// (another institution's "ola" of another directory is another person,
	// whose history and address it may be too).
	const byName = `NOT EXISTS (SELECT 1 FROM activations WHERE ` + who + ` AND institution != ?1)
		AND NOT EXISTS (SELECT 1 FROM account_identities WHERE ` + who + ` AND institution != ?1) AND `
	args := []any{institution, username}
	err := s.runSteps(ctx, "forget", []step{
		{"addresses of links", nil, `DELETE FROM activation_contacts WHERE token_hash IN (SELECT token_hash FROM activations WHERE ` + theirs + `)`, args},
		{"links", &f.Links, `DELETE FROM activations WHERE ` + theirs, args},
		{"notices", &f.Notices, `DELETE FROM notifications WHERE ` + theirs, args},
		{"identity", &f.Identities, `DELETE FROM account_identities WHERE ` + theirs, args},
		{"reset sessions", &f.Sessions, `DELETE FROM reset_sessions WHERE ` + theirs, args},
		{"follow-ups", &f.Followups, `DELETE FROM password_followups WHERE ` + theirs, args},
		{"address on file", &f.Addresses, `DELETE FROM addresses WHERE (institution = ?1 OR (institution = '' AND ` + byName + `TRUE)) AND ` + who, args},
		{"password history", &f.Passwords, `DELETE FROM password_history WHERE (institution = ?1 OR (institution = '' AND ` + byName + `TRUE)) AND ` + who, args},
		{"account", nil, `DELETE FROM accounts WHERE (institution = ?1 OR (institution = '' AND ` + byName + `TRUE)) AND ` + who, args},
	})
	if err != nil {
		return store.Forgotten{}, err
	}
	return f, nil
}
