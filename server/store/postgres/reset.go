package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/styrke-iam/styrke/server/store"
)

func check32(what string, b []byte) error {
	if len(b) != 32 {
		return fmt.Errorf("postgres: %s is %d bytes, want 32", what, len(b))
	}
	return nil
}

func tsPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := ts(*t)
	return &u
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// PutIdentities implements store.ResetStore.
func (s *Store) PutIdentities(ctx context.Context, ids []store.AccountIdentity) error {
	_, err := s.putIdentities(ctx, ids, false)
	return err
}

// ReplaceIdentities implements store.ResetStore.
func (s *Store) ReplaceIdentities(ctx context.Context, ids []store.AccountIdentity) ([]store.AccountIdentity, error) {
	return s.putIdentities(ctx, ids, true)
}

func (s *Store) putIdentities(ctx context.Context, ids []store.AccountIdentity, replace bool) ([]store.AccountIdentity, error) {
	for _, id := range ids {
		if err := check32("identity hash", id.IdentityHash); err != nil {
			return nil, err
		}
	}
	var removed []store.AccountIdentity
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		removed = nil
		for _, id := range ids {
			if _, err := tx.Exec(ctx, `INSERT INTO account_identities
				(institution, username, name, identity_hash, updated_at) VALUES ($1, $2, $3, $4, $5)
				ON CONFLICT (institution, username) DO UPDATE SET name = excluded.name,
					identity_hash = excluded.identity_hash, updated_at = excluded.updated_at`,
				id.Institution, id.Username, id.Name, id.IdentityHash, ts(id.UpdatedAt)); err != nil {
				return err
			}
		}
		if !replace {
			return nil
		}
		for inst, keep := range store.IdentitiesByInstitution(ids) {
			rows, err := tx.Query(ctx, `SELECT institution, username, name, identity_hash, updated_at
				FROM account_identities WHERE institution = $1 ORDER BY username`, inst)
			if err != nil {
				return err
			}
			all, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.AccountIdentity, error) {
				var a store.AccountIdentity
				err := r.Scan(&a.Institution, &a.Username, &a.Name, &a.IdentityHash, &a.UpdatedAt)
				a.UpdatedAt = a.UpdatedAt.UTC()
				return a, err
			})
			if err != nil {
				return err
			}
			for _, a := range all {
				if keep[a.Username] {
					continue
				}
				// The identity, and any reset session it opened: a person
				// who left and was signed in could still set the password.
				for _, q := range []string{`DELETE FROM account_identities WHERE institution = $1 AND username = $2`,
					`DELETE FROM reset_sessions WHERE institution = $1 AND username = $2`} {
					if _, err := tx.Exec(ctx, q, a.Institution, a.Username); err != nil {
						return err
					}
				}
				removed = append(removed, a)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: put identities: %w", err)
	}
	return removed, nil
}

// AccountsByIdentity implements store.ResetStore.
func (s *Store) AccountsByIdentity(ctx context.Context, h []byte) ([]store.AccountIdentity, error) {
	rows, err := s.pool.Query(ctx, `SELECT institution, username, name, identity_hash, updated_at
		FROM account_identities WHERE identity_hash = $1 ORDER BY institution, username`, h)
	if err != nil {
		return nil, fmt.Errorf("postgres: accounts by identity: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.AccountIdentity, error) {
		var a store.AccountIdentity
		err := r.Scan(&a.Institution, &a.Username, &a.Name, &a.IdentityHash, &a.UpdatedAt)
		a.UpdatedAt = a.UpdatedAt.UTC()
		return a, err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: accounts by identity: %w", err)
	}
	return out, nil
}

// IdentityOf implements store.ResetStore.
func (s *Store) IdentityOf(ctx context.Context, institution, username string) (store.AccountIdentity, error) {
	a := store.AccountIdentity{Institution: institution, Username: username}
	err := s.pool.QueryRow(ctx, `SELECT name, identity_hash, updated_at FROM account_identities
		WHERE institution = $1 AND username = $2`, institution, username).Scan(&a.Name, &a.IdentityHash, &a.UpdatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return store.AccountIdentity{}, store.ErrNotFound
	}
	if err != nil {
		return store.AccountIdentity{}, fmt.Errorf("postgres: identity of: %w", err)
	}
	a.UpdatedAt = a.UpdatedAt.UTC()
	return a, nil
}

// CreateLogin implements store.ResetStore.
func (s *Store) CreateLogin(ctx context.Context, l store.Login, now time.Time) error {
	if err := check32("state hash", l.StateHash); err != nil {
		return err
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM oidc_logins WHERE expires_at <= $1`, ts(now)); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO oidc_logins
			(state_hash, nonce, verifier, acr, institution, lang, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			l.StateHash, l.Nonce, l.Verifier, l.ACR, l.Institution, l.Lang, ts(l.ExpiresAt))
		return err
	})
	if isUniqueViolation(err) {
		return store.ErrExists
	}
	if err != nil {
		return fmt.Errorf("postgres: create login: %w", err)
	}
	return nil
}

// TakeLogin implements store.ResetStore.
func (s *Store) TakeLogin(ctx context.Context, stateHash []byte, now time.Time) (store.Login, error) {
	l := store.Login{StateHash: stateHash}
	err := s.pool.QueryRow(ctx, `DELETE FROM oidc_logins WHERE state_hash = $1
		RETURNING nonce, verifier, acr, institution, lang, expires_at`, stateHash).
		Scan(&l.Nonce, &l.Verifier, &l.ACR, &l.Institution, &l.Lang, &l.ExpiresAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return store.Login{}, store.ErrNotFound
	}
	if err != nil {
		return store.Login{}, fmt.Errorf("postgres: take login: %w", err)
	}
	l.ExpiresAt = l.ExpiresAt.UTC()
	if !now.Before(l.ExpiresAt) {
		return store.Login{}, store.ErrGone
	}
	return l, nil
}

// CreateResetSession implements store.ResetStore.
func (s *Store) CreateResetSession(ctx context.Context, r store.ResetSession) error {
	if err := check32("session hash", r.IDHash); err != nil {
		return err
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM reset_sessions WHERE expires_at <= $1`,
			ts(r.CreatedAt.Add(-24*time.Hour))); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO reset_sessions
			(id_hash, username, name, institution, birth_date, created_at, expires_at, claimed_until, used_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			r.IDHash, r.Username, r.Name, r.Institution, r.BirthDate, ts(r.CreatedAt), ts(r.ExpiresAt),
			tsPtr(r.ClaimedUntil), tsPtr(r.UsedAt))
		return err
	})
	if isUniqueViolation(err) {
		return store.ErrExists
	}
	if err != nil {
		return fmt.Errorf("postgres: create reset session: %w", err)
	}
	return nil
}

// ResetSession implements store.ResetStore.
func (s *Store) ResetSession(ctx context.Context, idHash []byte) (store.ResetSession, error) {
	r := store.ResetSession{IDHash: idHash}
	err := s.pool.QueryRow(ctx, `SELECT username, name, institution, birth_date, created_at, expires_at, claimed_until, used_at
		FROM reset_sessions WHERE id_hash = $1`, idHash).
		Scan(&r.Username, &r.Name, &r.Institution, &r.BirthDate, &r.CreatedAt, &r.ExpiresAt, &r.ClaimedUntil, &r.UsedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return store.ResetSession{}, store.ErrNotFound
	}
	if err != nil {
		return store.ResetSession{}, fmt.Errorf("postgres: reset session: %w", err)
	}
	r.CreatedAt, r.ExpiresAt = r.CreatedAt.UTC(), r.ExpiresAt.UTC()
	r.ClaimedUntil, r.UsedAt = utcPtr(r.ClaimedUntil), utcPtr(r.UsedAt)
	return r, nil
}

// ClaimReset implements store.ResetStore.
func (s *Store) ClaimReset(ctx context.Context, idHash []byte, now, until time.Time) error {
	n := ts(now)
	tag, err := s.pool.Exec(ctx, `UPDATE reset_sessions SET claimed_until = $1
		WHERE id_hash = $2 AND used_at IS NULL AND expires_at > $3 AND (claimed_until IS NULL OR claimed_until <= $3)`,
		ts(until), idHash, n)
	if err != nil {
		return fmt.Errorf("postgres: claim reset: %w", err)
	}
	if tag.RowsAffected() == 1 {
		return nil
	}
	var expires time.Time
	var claimed, used *time.Time
	err = s.pool.QueryRow(ctx, `SELECT expires_at, claimed_until, used_at FROM reset_sessions WHERE id_hash = $1`,
		idHash).Scan(&expires, &claimed, &used)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return store.ErrNotFound
	case err != nil:
		return fmt.Errorf("postgres: claim reset: %w", err)
	case used != nil || !expires.After(n):
		return store.ErrGone
	case claimed != nil && claimed.After(n):
		return store.ErrBusy
	}
	return store.ErrGone
}

// ExtendReset implements store.ResetStore.
func (s *Store) ExtendReset(ctx context.Context, idHash []byte, now, until time.Time) error {
	tag, err := s.pool.Exec(ctx, `UPDATE reset_sessions SET expires_at = $1
		WHERE id_hash = $2 AND used_at IS NULL AND expires_at > $3`, ts(until), idHash, ts(now))
	if err != nil {
		return fmt.Errorf("postgres: extend reset: %w", err)
	}
	if tag.RowsAffected() == 1 {
		return nil
	}
	var one int
	err = s.pool.QueryRow(ctx, `SELECT 1 FROM reset_sessions WHERE id_hash = $1`, idHash).Scan(&one)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return store.ErrNotFound
	case err != nil:
		return fmt.Errorf("postgres: extend reset: %w", err)
	}
	return store.ErrGone
}

// ReleaseReset implements store.ResetStore.
func (s *Store) ReleaseReset(ctx context.Context, idHash []byte) error {
	if _, err := s.pool.Exec(ctx, `UPDATE reset_sessions SET claimed_until = NULL WHERE id_hash = $1`, idHash); err != nil {
		return fmt.Errorf("postgres: release reset: %w", err)
	}
	return nil
}

// CompleteReset implements store.ResetStore.
func (s *Store) CompleteReset(ctx context.Context, idHash []byte, now time.Time, encodedHash string, keep int, f *store.Followup) error {
	now = ts(now)
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var institution, username string
		err := tx.QueryRow(ctx, `UPDATE reset_sessions SET used_at = $1, claimed_until = NULL, birth_date = ''
			WHERE id_hash = $2 AND used_at IS NULL RETURNING institution, username`, now, idHash).Scan(&institution, &username)
		if errors.Is(err, pgx.ErrNoRows) {
			var exists bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM reset_sessions WHERE id_hash = $1)`,
				idHash).Scan(&exists); err != nil {
				return err
			}
			if !exists {
				return store.ErrNotFound
			}
			return store.ErrGone
		}
		if err != nil {
			return err
		}
		if err := setPassword(ctx, tx, institution, username, now, encodedHash, keep); err != nil {
			return err
		}
		return addFollowup(ctx, tx, f, now)
	})
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrGone) {
		return err
	}
	if err != nil {
		return fmt.Errorf("postgres: complete reset: %w", err)
	}
	return nil
}

// setPassword sets the hash of the account username at institution and
// its history in tx. The upsert locks the account's row, so concurrent
// writes for one account number their history entries one after the
// other.
func setPassword(ctx context.Context, tx pgx.Tx, institution, username string, now time.Time, encodedHash string, keep int) error {
	var seq int64
	if err := tx.QueryRow(ctx, `INSERT INTO accounts (institution, username, password_hash, updated_at, seq)
		VALUES ($1, $2, $3, $4, 1)
		ON CONFLICT (institution, username) DO UPDATE SET password_hash = excluded.password_hash,
			updated_at = excluded.updated_at, seq = accounts.seq + 1
		RETURNING seq`, institution, username, encodedHash, now).Scan(&seq); err != nil {
		return fmt.Errorf("set password: %w", err)
	}
	if keep > 0 {
		if _, err := tx.Exec(ctx, `INSERT INTO password_history (institution, username, seq, hash, created_at)
			VALUES ($1, $2, $3, $4, $5)`, institution, username, seq, encodedHash, now); err != nil {
			return fmt.Errorf("push history: %w", err)
		}
	}
	if _, err := tx.Exec(ctx, `DELETE FROM password_history WHERE institution = $1 AND username = $2 AND seq <= $3`,
		institution, username, seq-int64(max(keep, 0))); err != nil {
		return fmt.Errorf("trim history: %w", err)
	}
	return nil
}

// AccountName implements store.ResetStore: one query over the accounts,
// the links and the imported identities of institutions, in that order of
// preference (src), each by the typed username first, then the newest.
// lower() under the "C" collation folds ASCII letters only (as SQLite's
// NOCASE does), and the indexes accounts_username_ascii_fold,
// activations_username_ascii_fold and account_identities_username_ascii_fold
// serve the three comparisons.
func (s *Store) AccountName(ctx context.Context, institutions []string, username string) (string, error) {
	if len(institutions) == 0 {
		return "", store.ErrNotFound
	}
	if pattern, wide := store.FoldPattern(username); wide {
		return s.accountNameWide(ctx, institutions, username, pattern)
	}
	var name string
	err := s.pool.QueryRow(ctx, `SELECT username FROM (
			SELECT username, 0 AS src, updated_at AS t FROM accounts
				WHERE lower(username COLLATE "C") = lower($1::text COLLATE "C") AND (institution = ANY($2) OR institution = '')
			UNION ALL SELECT username, 1, created_at FROM activations
				WHERE lower(username COLLATE "C") = lower($1::text COLLATE "C") AND institution = ANY($2)
			UNION ALL SELECT username, 2, updated_at FROM account_identities
				WHERE lower(username COLLATE "C") = lower($1::text COLLATE "C") AND institution = ANY($2)) AS kept
		ORDER BY src, username = $1 DESC, t DESC, username COLLATE "C" LIMIT 1`, username, institutions).Scan(&name)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", store.ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("postgres: account name: %w", err)
	}
	return name, nil
}

// accountNameWide is AccountName for a username with letters beyond ASCII:
// the candidates the pattern finds (ASCII letters in any case, the others
// one character each), in AccountName's order, the first that equals
// username under Unicode's simple case folding.
func (s *Store) accountNameWide(ctx context.Context, institutions []string, username, pattern string) (string, error) {
	// Of the same length in code points (simple folding maps one to one),
	// and at most store.WideCandidates: a name of letters beyond ASCII only
	// is all wildcards.
	rows, err := s.pool.Query(ctx, `SELECT username FROM (
			SELECT username, 0 AS src, updated_at AS t FROM accounts
				WHERE lower(username COLLATE "C") LIKE lower($1::text COLLATE "C") ESCAPE '\' AND char_length(username) = $3
					AND (institution = ANY($5) OR institution = '')
			UNION ALL SELECT username, 1, created_at FROM activations
				WHERE lower(username COLLATE "C") LIKE lower($1::text COLLATE "C") ESCAPE '\' AND char_length(username) = $3
					AND institution = ANY($5)
			UNION ALL SELECT username, 2, updated_at FROM account_identities
				WHERE lower(username COLLATE "C") LIKE lower($1::text COLLATE "C") ESCAPE '\' AND char_length(username) = $3
					AND institution = ANY($5)) AS kept
		ORDER BY src, username = $2 DESC, t DESC, username COLLATE "C" LIMIT $4`,
		pattern, username, utf8.RuneCountInString(username), store.WideCandidates, institutions)
	if err != nil {
		return "", fmt.Errorf("postgres: account name: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return "", fmt.Errorf("postgres: account name: %w", err)
		}
		if strings.EqualFold(name, username) {
			return name, nil
		}
	}
	if err := rows.Err(); err != nil {
		return "", fmt.Errorf("postgres: account name: %w", err)
	}
	return "", store.ErrNotFound
}

// addFollowup stores f (none when nil) in tx, due at once.
func addFollowup(ctx context.Context, tx pgx.Tx, f *store.Followup, now time.Time) error {
	if f == nil {
		return nil
	}
	if _, err := tx.Exec(ctx, `INSERT INTO password_followups (key, kind, username, name, institution, at, due_at)
		VALUES ($1, $2, $3, $4, $5, $6, $6) ON CONFLICT (key) DO NOTHING`,
		f.Key, f.Kind, f.Username, f.Name, f.Institution, now); err != nil {
		return fmt.Errorf("follow-up: %w", err)
	}
	return nil
}

// ClaimPasswordFollowups implements store.ResetStore.
func (s *Store) ClaimPasswordFollowups(ctx context.Context, now time.Time, wait time.Duration, limit int) ([]store.Followup, error) {
	rows, err := s.pool.Query(ctx, `UPDATE password_followups SET due_at = $1
		WHERE key IN (SELECT key FROM password_followups WHERE due_at <= $2 ORDER BY due_at LIMIT $3 FOR UPDATE SKIP LOCKED)
		RETURNING key, kind, username, name, institution, at`, ts(now), ts(now.Add(-wait)), limit)
	if err != nil {
		return nil, fmt.Errorf("postgres: claim password follow-ups: %w", err)
	}
	defer rows.Close()
	var out []store.Followup
	for rows.Next() {
		var f store.Followup
		if err := rows.Scan(&f.Key, &f.Kind, &f.Username, &f.Name, &f.Institution, &f.At); err != nil {
			return nil, fmt.Errorf("postgres: claim password follow-ups: %w", err)
		}
		f.At = f.At.UTC()
		out = append(out, f)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: claim password follow-ups: %w", err)
	}
	return out, nil
}

// PasswordFollowedUp implements store.ResetStore.
func (s *Store) PasswordFollowedUp(ctx context.Context, key string) error {
	if _, err := s.pool.Exec(ctx, `DELETE FROM password_followups WHERE key = $1`, key); err != nil {
		return fmt.Errorf("postgres: password followed up: %w", err)
	}
	return nil
}

// EndReset implements store.ResetStore.
func (s *Store) EndReset(ctx context.Context, idHash []byte, now time.Time) error {
	// A session a submit holds is left to the submit (it records the
	// password the directory took).
	if _, err := s.pool.Exec(ctx, `UPDATE reset_sessions SET used_at = $1, birth_date = ''
		WHERE id_hash = $2 AND used_at IS NULL AND (claimed_until IS NULL OR claimed_until <= $1)`, ts(now), idHash); err != nil {
		return fmt.Errorf("postgres: end reset: %w", err)
	}
	return nil
}

// SetPassword implements store.ResetStore.
func (s *Store) SetPassword(ctx context.Context, institution, username string, now time.Time, encodedHash string, keep int, f *store.Followup) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := setPassword(ctx, tx, institution, username, ts(now), encodedHash, keep); err != nil {
			return err
		}
		return addFollowup(ctx, tx, f, ts(now))
	})
	if err != nil {
		return fmt.Errorf("postgres: set password: %w", err)
	}
	return nil
}

// Fail implements store.ResetStore.
func (s *Store) Fail(ctx context.Context, key []byte, now time.Time, window time.Duration) (int, error) {
	if err := check32("throttle key", key); err != nil {
		return 0, err
	}
	n := ts(now)
	var count int
	err := s.pool.QueryRow(ctx, `INSERT INTO throttle AS t (key, failures, window_start) VALUES ($1, 1, $2)
		ON CONFLICT (key) DO UPDATE SET
			failures = CASE WHEN t.window_start <= $3 THEN 1 ELSE t.failures + 1 END,
			window_start = CASE WHEN t.window_start <= $3 THEN excluded.window_start ELSE t.window_start END
		RETURNING failures`, key, n, n.Add(-window)).Scan(&count)
	if err != nil {
		return 0, fmt.Errorf("postgres: fail: %w", err)
	}
	return count, nil
}

// Failures implements store.ResetStore.
func (s *Store) Failures(ctx context.Context, key []byte, now time.Time, window time.Duration) (int, error) {
	var count int
	err := s.pool.QueryRow(ctx, `SELECT failures FROM throttle WHERE key = $1 AND window_start > $2`,
		key, ts(now).Add(-window)).Scan(&count)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("postgres: failures: %w", err)
	}
	return count, nil
}

// ClearFailures implements store.ResetStore.
func (s *Store) ClearFailures(ctx context.Context, key []byte) error {
	if _, err := s.pool.Exec(ctx, `DELETE FROM throttle WHERE key = $1`, key); err != nil {
		return fmt.Errorf("postgres: clear failures: %w", err)
	}
	return nil
}

// Refund implements store.ResetStore.
func (s *Store) Refund(ctx context.Context, key []byte) error {
	if _, err := s.pool.Exec(ctx, `UPDATE throttle SET failures = failures - 1 WHERE key = $1 AND failures > 0`, key); err != nil {
		return fmt.Errorf("postgres: refund failure: %w", err)
	}
	return nil
}
