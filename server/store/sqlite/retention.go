package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/styrke-iam/styrke/server/store"
)

// Prune implements store.Retention, in one transaction.
func (s *Store) Prune(ctx context.Context, now, ended time.Time) (p store.Pruned, err error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return p, fmt.Errorf("sqlite: prune: %w", err)
	}
	defer func() {
		if err != nil {
			tx.Rollback()
			p = store.Pruned{}
		}
	}()
	n, e := micros(now), micros(ended)
	// A link that ended: used (its steps after the password done), or
	// expired (a revoked link expires when revoked) and claimed by no
	// write under way.
	const gone = `SELECT token_hash FROM activations WHERE
		(used_at IS NOT NULL AND used_at < ?1 AND followup_at IS NULL)
		OR (used_at IS NULL AND expires_at < ?1 AND (claimed_until IS NULL OR claimed_until < ?2))`
	steps := []struct {
		what  string
		count *int64
		sql   string
		args  []any
	}{
		{"addresses", nil, `DELETE FROM activation_contacts WHERE token_hash IN (` + gone + `)`, []any{e, n}},
		{"links", &p.Links, `DELETE FROM activations WHERE token_hash IN (` + gone + `)`, []any{e, n}},
		{"notices", &p.Notices, `DELETE FROM notifications WHERE (sent_at IS NOT NULL AND sent_at < ?1) OR (gave_up = 1 AND created_at < ?1)`, []any{e}},
		{"dates of birth", nil, `UPDATE reset_sessions SET birth_date = '' WHERE birth_date != '' AND expires_at <= ?1 AND (claimed_until IS NULL OR claimed_until < ?1)`, []any{n}},
		{"reset sessions", &p.Sessions, `DELETE FROM reset_sessions WHERE expires_at <= ?1`, []any{micros(now.Add(-24 * time.Hour))}},
		{"sign-ins", &p.Logins, `DELETE FROM oidc_logins WHERE expires_at <= ?1`, []any{n}},
		{"failure counts", &p.Counters, `DELETE FROM throttle WHERE window_start < ?1`, []any{micros(now.Add(-24 * time.Hour))}},
		{"SMS counters", nil, `DELETE FROM sms_counters WHERE day < ?1`, []any{ended.UTC().Format("2006-01-02")}},
		{"account leases", nil, `DELETE FROM account_locks WHERE until < ?1`, []any{micros(now.Add(-24 * time.Hour))}},
	}
	for _, st := range steps {
		var res sql.Result
		if res, err = tx.ExecContext(ctx, st.sql, st.args...); err != nil {
			return p, fmt.Errorf("sqlite: prune %s: %w", st.what, err)
		}
		if st.count != nil {
			if *st.count, err = res.RowsAffected(); err != nil {
				return p, fmt.Errorf("sqlite: prune %s: %w", st.what, err)
			}
		}
	}
	if err = tx.Commit(); err != nil {
		return p, fmt.Errorf("sqlite: prune: commit: %w", err)
	}
	return p, nil
}

// Forget implements store.Retention, in one transaction. Its usernames
// match in any case of their ASCII letters, as the change flow's do.
func (s *Store) Forget(ctx context.Context, institution, username string) (f store.Forgotten, err error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return f, fmt.Errorf("sqlite: forget: %w", err)
	}
	defer func() {
		if err != nil {
			tx.Rollback()
			f = store.Forgotten{}
		}
	}()
	const links = `SELECT token_hash FROM activations WHERE institution = ?1 AND username = ?2 COLLATE NOCASE`
	steps := []struct {
		what  string
		count *int64
		sql   string
	}{
		{"addresses of links", nil, `DELETE FROM activation_contacts WHERE token_hash IN (` + links + `)`},
		{"links", &f.Links, `DELETE FROM activations WHERE institution = ?1 AND username = ?2 COLLATE NOCASE`},
		{"notices", &f.Notices, `DELETE FROM notifications WHERE institution = ?1 AND username = ?2 COLLATE NOCASE`},
		{"identity", &f.Identities, `DELETE FROM account_identities WHERE institution = ?1 AND username = ?2 COLLATE NOCASE`},
		{"reset sessions", &f.Sessions, `DELETE FROM reset_sessions WHERE institution = ?1 AND username = ?2 COLLATE NOCASE`},
		{"follow-ups", &f.Followups, `DELETE FROM password_followups WHERE institution = ?1 AND username = ?2 COLLATE NOCASE`},
		{"address on file", &f.Addresses, `DELETE FROM addresses WHERE ?1 IS NOT NULL AND username = ?2 COLLATE NOCASE`},
		{"password history", &f.Passwords, `DELETE FROM password_history WHERE ?1 IS NOT NULL AND username IN (SELECT username FROM accounts WHERE username = ?2 COLLATE NOCASE)`},
		{"account", nil, `DELETE FROM accounts WHERE ?1 IS NOT NULL AND username = ?2 COLLATE NOCASE`},
	}
	for _, st := range steps {
		var res sql.Result
		if res, err = tx.ExecContext(ctx, st.sql, institution, username); err != nil {
			return f, fmt.Errorf("sqlite: forget %s: %w", st.what, err)
		}
		if st.count != nil {
			if *st.count, err = res.RowsAffected(); err != nil {
				return f, fmt.Errorf("sqlite: forget %s: %w", st.what, err)
			}
		}
	}
	if err = tx.Commit(); err != nil {
		return f, fmt.Errorf("sqlite: forget: commit: %w", err)
	}
	return f, nil
}
