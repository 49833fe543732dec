package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/styrke-iam/styrke/server/store"
)

// Prune implements store.Retention, in one transaction.
func (s *Store) Prune(ctx context.Context, now, ended time.Time) (store.Pruned, error) {
	var p store.Pruned
	n, e := ts(now), ts(ended)
	// A link that ended: used (its steps after the password done), or
	// expired (a revoked link expires when revoked) and claimed by no
	// write under way.
	const gone = `SELECT token_hash FROM activations WHERE
		(used_at IS NOT NULL AND used_at < $1 AND followup_at IS NULL)
		OR (used_at IS NULL AND expires_at < $1 AND (claimed_until IS NULL OR claimed_until < $2))`
	steps := []struct {
		what  string
		count *int64
		sql   string
		args  []any
	}{
		{"addresses", nil, `DELETE FROM activation_contacts WHERE token_hash IN (` + gone + `)`, []any{e, n}},
		{"links", &p.Links, `DELETE FROM activations WHERE token_hash IN (` + gone + `)`, []any{e, n}},
		{"notices", &p.Notices, `DELETE FROM notifications WHERE (sent_at IS NOT NULL AND sent_at < $1) OR (gave_up AND created_at < $1)`, []any{e}},
		{"dates of birth", nil, `UPDATE reset_sessions SET birth_date = '' WHERE birth_date <> '' AND expires_at <= $1 AND (claimed_until IS NULL OR claimed_until < $1)`, []any{n}},
		{"reset sessions", &p.Sessions, `DELETE FROM reset_sessions WHERE expires_at <= $1`, []any{ts(now.Add(-24 * time.Hour))}},
		{"sign-ins", &p.Logins, `DELETE FROM oidc_logins WHERE expires_at <= $1`, []any{n}},
		{"failure counts", &p.Counters, `DELETE FROM throttle WHERE window_start < $1`, []any{ts(now.Add(-24 * time.Hour))}},
		{"SMS counters", nil, `DELETE FROM sms_counters WHERE day < $1`, []any{ended.UTC().Format("2006-01-02")}},
		{"account leases", nil, `DELETE FROM account_locks WHERE until < $1`, []any{ts(now.Add(-24 * time.Hour))}},
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		for _, st := range steps {
			tag, err := tx.Exec(ctx, st.sql, st.args...)
			if err != nil {
				return fmt.Errorf("%s: %w", st.what, err)
			}
			if st.count != nil {
				*st.count = tag.RowsAffected()
			}
		}
		return nil
	})
	if err != nil {
		return store.Pruned{}, fmt.Errorf("postgres: prune %w", err)
	}
	return p, nil
}

// Forget implements store.Retention, in one transaction. Its usernames
// match in any case of their ASCII letters, as the change flow's do.
func (s *Store) Forget(ctx context.Context, institution, username string) (store.Forgotten, error) {
	var f store.Forgotten
	const who = `lower(username COLLATE "C") = lower($2::text COLLATE "C")`
	steps := []struct {
		what  string
		count *int64
		sql   string
	}{
		{"addresses of links", nil, `DELETE FROM activation_contacts WHERE token_hash IN (SELECT token_hash FROM activations WHERE institution = $1 AND ` + who + `)`},
		{"links", &f.Links, `DELETE FROM activations WHERE institution = $1 AND ` + who},
		{"notices", &f.Notices, `DELETE FROM notifications WHERE institution = $1 AND ` + who},
		{"identity", &f.Identities, `DELETE FROM account_identities WHERE institution = $1 AND ` + who},
		{"reset sessions", &f.Sessions, `DELETE FROM reset_sessions WHERE institution = $1 AND ` + who},
		{"follow-ups", &f.Followups, `DELETE FROM password_followups WHERE institution = $1 AND ` + who},
		{"address on file", &f.Addresses, `DELETE FROM addresses WHERE $1::text IS NOT NULL AND ` + who},
		{"password history", &f.Passwords, `DELETE FROM password_history WHERE $1::text IS NOT NULL AND username IN (SELECT username FROM accounts WHERE ` + who + `)`},
		{"account", nil, `DELETE FROM accounts WHERE $1::text IS NOT NULL AND ` + who},
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		for _, st := range steps {
			tag, err := tx.Exec(ctx, st.sql, institution, username)
			if err != nil {
				return fmt.Errorf("%s: %w", st.what, err)
			}
			if st.count != nil {
				*st.count = tag.RowsAffected()
			}
		}
		return nil
	})
	if err != nil {
		return store.Forgotten{}, fmt.Errorf("postgres: forget %w", err)
	}
	return f, nil
}
