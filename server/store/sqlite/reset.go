package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	sqlite3 "modernc.org/sqlite/lib"

	"github.com/styrke-iam/styrke/server/store"
)

func check32(what string, b []byte) error {
	if len(b) != 32 {
		return fmt.Errorf("sqlite: %s is %d bytes, want 32", what, len(b))
	}
	return nil
}

func nullMicros(t *time.Time) sql.NullInt64 {
	if t == nil {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: micros(*t), Valid: true}
}

// nullBytes is b, or NULL for an empty b.
func nullBytes(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return b
}

func timePtr(n sql.NullInt64) *time.Time {
	if !n.Valid {
		return nil
	}
	t := fromMicros(n.Int64)
	return &t
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

func (s *Store) putIdentities(ctx context.Context, ids []store.AccountIdentity, replace bool) (removed []store.AccountIdentity, err error) {
	for _, id := range ids {
		if err := check32("identity hash", id.IdentityHash); err != nil {
			return nil, err
		}
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("sqlite: put identities: %w", err)
	}
	defer func() {
		if err != nil {
			tx.Rollback()
			removed = nil
		}
	}()
	for _, id := range ids {
		if _, err = tx.ExecContext(ctx, `INSERT INTO account_identities
			(institution, username, name, identity_hash, updated_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (institution, username) DO UPDATE SET name = excluded.name,
				identity_hash = excluded.identity_hash, updated_at = excluded.updated_at`,
			id.Institution, id.Username, id.Name, id.IdentityHash, micros(id.UpdatedAt)); err != nil {
			return nil, fmt.Errorf("sqlite: put identities: %w", err)
		}
	}
	if replace {
		for inst, keep := range store.IdentitiesByInstitution(ids) {
			var rows *sql.Rows
			rows, err = tx.QueryContext(ctx, `SELECT institution, username, name, identity_hash, updated_at
				FROM account_identities WHERE institution = ? ORDER BY username`, inst)
			if err != nil {
				return nil, fmt.Errorf("sqlite: replace identities: %w", err)
			}
			var gone []store.AccountIdentity
			for rows.Next() {
				var a store.AccountIdentity
				var at int64
				if err = rows.Scan(&a.Institution, &a.Username, &a.Name, &a.IdentityHash, &at); err != nil {
					rows.Close()
					return nil, fmt.Errorf("sqlite: replace identities: %w", err)
				}
				if !keep[a.Username] {
					a.UpdatedAt = fromMicros(at)
					gone = append(gone, a)
				}
			}
			rows.Close()
			if err = rows.Err(); err != nil {
				return nil, fmt.Errorf("sqlite: replace identities: %w", err)
			}
			for _, a := range gone {
				// The identity, and any reset session it opened: a person
				// who left and was signed in could still set the password.
				for _, q := range []string{`DELETE FROM account_identities WHERE institution = ? AND username = ?`,
					`DELETE FROM reset_sessions WHERE institution = ? AND username = ?`} {
					if _, err = tx.ExecContext(ctx, q, a.Institution, a.Username); err != nil {
						return nil, fmt.Errorf("sqlite: replace identities: %w", err)
					}
				}
			}
			removed = append(removed, gone...)
		}
	}
	if err = tx.Commit(); err != nil {
		return nil, fmt.Errorf("sqlite: put identities: commit: %w", err)
	}
	return removed, nil
}

// AccountsByIdentity implements store.ResetStore.
func (s *Store) AccountsByIdentity(ctx context.Context, h []byte) ([]store.AccountIdentity, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT institution, username, name, identity_hash, updated_at
		FROM account_identities WHERE identity_hash = ? ORDER BY institution, username`, h)
	if err != nil {
		return nil, fmt.Errorf("sqlite: accounts by identity: %w", err)
	}
	defer rows.Close()
	var out []store.AccountIdentity
	for rows.Next() {
		var a store.AccountIdentity
		var at int64
		if err := rows.Scan(&a.Institution, &a.Username, &a.Name, &a.IdentityHash, &at); err != nil {
			return nil, fmt.Errorf("sqlite: accounts by identity: %w", err)
		}
		a.UpdatedAt = fromMicros(at)
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: accounts by identity: %w", err)
	}
	return out, nil
}

// IdentityOf implements store.ResetStore.
func (s *Store) IdentityOf(ctx context.Context, institution, username string) (store.AccountIdentity, error) {
	a := store.AccountIdentity{Institution: institution, Username: username}
	var at int64
	err := s.r.QueryRowContext(ctx, `SELECT name, identity_hash, updated_at FROM account_identities
		WHERE institution = ? AND username = ?`, institution, username).Scan(&a.Name, &a.IdentityHash, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return store.AccountIdentity{}, store.ErrNotFound
	}
	if err != nil {
		return store.AccountIdentity{}, fmt.Errorf("sqlite: identity of: %w", err)
	}
	a.UpdatedAt = fromMicros(at)
	return a, nil
}

// CreateLogin implements store.ResetStore.
func (s *Store) CreateLogin(ctx context.Context, l store.Login, now time.Time) (err error) {
	if err := check32("state hash", l.StateHash); err != nil {
		return err
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: create login: %w", err)
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	if _, err = tx.ExecContext(ctx, `DELETE FROM oidc_logins WHERE expires_at <= ?`, micros(now)); err != nil {
		return fmt.Errorf("sqlite: create login: expire: %w", err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO oidc_logins
		(state_hash, nonce, verifier, acr, institution, lang, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		l.StateHash, l.Nonce, l.Verifier, l.ACR, l.Institution, l.Lang, micros(l.ExpiresAt))
	if isConstraint(err, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY) {
		return store.ErrExists
	}
	if err != nil {
		return fmt.Errorf("sqlite: create login: %w", err)
	}
	if err = tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: create login: commit: %w", err)
	}
	return nil
}

// TakeLogin implements store.ResetStore.
func (s *Store) TakeLogin(ctx context.Context, stateHash []byte, now time.Time) (store.Login, error) {
	l := store.Login{StateHash: stateHash}
	var exp int64
	err := s.w.QueryRowContext(ctx, `DELETE FROM oidc_logins WHERE state_hash = ?
		RETURNING nonce, verifier, acr, institution, lang, expires_at`, stateHash).
		Scan(&l.Nonce, &l.Verifier, &l.ACR, &l.Institution, &l.Lang, &exp)
	if errors.Is(err, sql.ErrNoRows) {
		return store.Login{}, store.ErrNotFound
	}
	if err != nil {
		return store.Login{}, fmt.Errorf("sqlite: take login: %w", err)
	}
	l.ExpiresAt = fromMicros(exp)
	if !now.Before(l.ExpiresAt) {
		return store.Login{}, store.ErrGone
	}
	return l, nil
}

// CreateResetSession implements store.ResetStore.
func (s *Store) CreateResetSession(ctx context.Context, r store.ResetSession) (err error) {
	if err := check32("session hash", r.IDHash); err != nil {
		return err
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: create reset session: %w", err)
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	if _, err = tx.ExecContext(ctx, `DELETE FROM reset_sessions WHERE expires_at <= ?`,
		micros(r.CreatedAt.Add(-24*time.Hour))); err != nil {
		return fmt.Errorf("sqlite: create reset session: expire: %w", err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO reset_sessions
		(id_hash, username, name, institution, birth_date, created_at, expires_at, claimed_until, used_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.IDHash, r.Username, r.Name, r.Institution, r.BirthDate, micros(r.CreatedAt), micros(r.ExpiresAt),
		nullMicros(r.ClaimedUntil), nullMicros(r.UsedAt))
	if isConstraint(err, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY) {
		return store.ErrExists
	}
	if err != nil {
		return fmt.Errorf("sqlite: create reset session: %w", err)
	}
	if err = tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: create reset session: commit: %w", err)
	}
	return nil
}

// ResetSession implements store.ResetStore.
func (s *Store) ResetSession(ctx context.Context, idHash []byte) (store.ResetSession, error) {
	r := store.ResetSession{IDHash: idHash}
	var created, expires int64
	var claimed, used sql.NullInt64
	err := s.r.QueryRowContext(ctx, `SELECT username, name, institution, birth_date, created_at, expires_at, claimed_until, used_at
		FROM reset_sessions WHERE id_hash = ?`, idHash).
		Scan(&r.Username, &r.Name, &r.Institution, &r.BirthDate, &created, &expires, &claimed, &used)
	if errors.Is(err, sql.ErrNoRows) {
		return store.ResetSession{}, store.ErrNotFound
	}
	if err != nil {
		return store.ResetSession{}, fmt.Errorf("sqlite: reset session: %w", err)
	}
	r.CreatedAt, r.ExpiresAt = fromMicros(created), fromMicros(expires)
	r.ClaimedUntil, r.UsedAt = timePtr(claimed), timePtr(used)
	return r, nil
}

// resetState explains why a conditional update of a reset session touched
// no row.
func resetState(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, idHash []byte, now int64) error {
	var expires int64
	var claimed, used sql.NullInt64
	err := q.QueryRowContext(ctx, `SELECT expires_at, claimed_until, used_at FROM reset_sessions WHERE id_hash = ?`,
		idHash).Scan(&expires, &claimed, &used)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return store.ErrNotFound
	case err != nil:
		return err
	case used.Valid || expires <= now:
		return store.ErrGone
	case claimed.Valid && claimed.Int64 > now:
		return store.ErrBusy
	}
	return store.ErrGone
}

// ClaimReset implements store.ResetStore.
func (s *Store) ClaimReset(ctx context.Context, idHash []byte, now, until time.Time) error {
	n := micros(now)
	res, err := s.w.ExecContext(ctx, `UPDATE reset_sessions SET claimed_until = ?
		WHERE id_hash = ? AND used_at IS NULL AND expires_at > ? AND (claimed_until IS NULL OR claimed_until <= ?)`,
		micros(until), idHash, n, n)
	if err != nil {
		return fmt.Errorf("sqlite: claim reset: %w", err)
	}
	if k, _ := res.RowsAffected(); k == 1 {
		return nil
	}
	err = resetState(ctx, s.w, idHash, n)
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrGone) || errors.Is(err, store.ErrBusy) {
		return err
	}
	return fmt.Errorf("sqlite: claim reset: %w", err)
}

// ExtendReset implements store.ResetStore.
func (s *Store) ExtendReset(ctx context.Context, idHash []byte, now, until time.Time) error {
	n := micros(now)
	res, err := s.w.ExecContext(ctx, `UPDATE reset_sessions SET expires_at = ?
		WHERE id_hash = ? AND used_at IS NULL AND expires_at > ?`, micros(until), idHash, n)
	if err != nil {
		return fmt.Errorf("sqlite: extend reset: %w", err)
	}
	if k, _ := res.RowsAffected(); k == 1 {
		return nil
	}
	// Not updated: unknown, or used or expired (resetState's busy or nil
	// cannot be, as a claim does not stop the update).
	switch err := resetState(ctx, s.w, idHash, n); {
	case errors.Is(err, store.ErrNotFound):
		return err
	case err == nil, errors.Is(err, store.ErrGone), errors.Is(err, store.ErrBusy):
		return store.ErrGone
	default:
		return fmt.Errorf("sqlite: extend reset: %w", err)
	}
}

// ReleaseReset implements store.ResetStore.
func (s *Store) ReleaseReset(ctx context.Context, idHash []byte) error {
	if _, err := s.w.ExecContext(ctx, `UPDATE reset_sessions SET claimed_until = NULL WHERE id_hash = ?`, idHash); err != nil {
		return fmt.Errorf("sqlite: release reset: %w", err)
	}
	return nil
}

// CompleteReset implements store.ResetStore.
func (s *Store) CompleteReset(ctx context.Context, idHash []byte, now time.Time, encodedHash string, keep int, f *store.Followup) (err error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: complete reset: %w", err)
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	var institution, username string
	err = tx.QueryRowContext(ctx, `UPDATE reset_sessions SET used_at = ?, claimed_until = NULL, birth_date = ''
		WHERE id_hash = ? AND used_at IS NULL RETURNING institution, username`, micros(now), idHash).Scan(&institution, &username)
	if errors.Is(err, sql.ErrNoRows) {
		var one int
		if err = tx.QueryRowContext(ctx, `SELECT 1 FROM reset_sessions WHERE id_hash = ?`, idHash).Scan(&one); errors.Is(err, sql.ErrNoRows) {
			return store.ErrNotFound
		} else if err != nil {
			return fmt.Errorf("sqlite: complete reset: %w", err)
		}
		err = store.ErrGone
		return err
	}
	if err != nil {
		return fmt.Errorf("sqlite: complete reset: %w", err)
	}
	if err = setPassword(ctx, tx, institution, username, micros(now), encodedHash, keep); err != nil {
		return fmt.Errorf("sqlite: complete reset: %w", err)
	}
	if err = addFollowup(ctx, tx, f, now); err != nil {
		return fmt.Errorf("sqlite: complete reset: %w", err)
	}
	if err = tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: complete reset: commit: %w", err)
	}
	return nil
}

// addFollowup stores f (none when nil) in tx, due at once.
func addFollowup(ctx context.Context, tx *sql.Tx, f *store.Followup, now time.Time) error {
	if f == nil {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO password_followups (key, kind, username, name, institution, at, due_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING`,
		f.Key, f.Kind, f.Username, f.Name, f.Institution, micros(now), micros(now)); err != nil {
		return fmt.Errorf("follow-up: %w", err)
	}
	return nil
}

// ClaimPasswordFollowups implements store.ResetStore.
func (s *Store) ClaimPasswordFollowups(ctx context.Context, now time.Time, wait time.Duration, limit int) ([]store.Followup, error) {
	rows, err := s.w.QueryContext(ctx, `UPDATE password_followups SET due_at = ?1
		WHERE key IN (SELECT key FROM password_followups WHERE due_at <= ?2 ORDER BY due_at LIMIT ?3)
		RETURNING key, kind, username, name, institution, at`, micros(now), micros(now.Add(-wait)), limit)
	if err != nil {
		return nil, fmt.Errorf("sqlite: claim password follow-ups: %w", err)
	}
	defer rows.Close()
	var out []store.Followup
	for rows.Next() {
		var f store.Followup
		var at int64
		if err := rows.Scan(&f.Key, &f.Kind, &f.Username, &f.Name, &f.Institution, &at); err != nil {
			return nil, fmt.Errorf("sqlite: claim password follow-ups: %w", err)
		}
		f.At = fromMicros(at)
		out = append(out, f)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: claim password follow-ups: %w", err)
	}
	return out, nil
}

// PasswordFollowedUp implements store.ResetStore.
func (s *Store) PasswordFollowedUp(ctx context.Context, key string) error {
	if _, err := s.w.ExecContext(ctx, `DELETE FROM password_followups WHERE key = ?`, key); err != nil {
		return fmt.Errorf("sqlite: password followed up: %w", err)
	}
	return nil
}

// setPassword sets the hash of the account username at institution and
// its history in tx.
func setPassword(ctx context.Context, tx *sql.Tx, institution, username string, now int64, encodedHash string, keep int) error {
	var seq int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO accounts (institution, username, password_hash, updated_at, seq)
		VALUES (?, ?, ?, ?, 1)
		ON CONFLICT (institution, username) DO UPDATE SET password_hash = excluded.password_hash,
			updated_at = excluded.updated_at, seq = accounts.seq + 1
		RETURNING seq`, institution, username, encodedHash, now).Scan(&seq); err != nil {
		return fmt.Errorf("set password: %w", err)
	}
	if keep > 0 {
		if _, err := tx.ExecContext(ctx, `INSERT INTO password_history (institution, username, seq, hash, created_at)
			VALUES (?, ?, ?, ?, ?)`, institution, username, seq, encodedHash, now); err != nil {
			return fmt.Errorf("push history: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM password_history WHERE institution = ? AND username = ? AND seq <= ?`,
		institution, username, seq-int64(max(keep, 0))); err != nil {
		return fmt.Errorf("trim history: %w", err)
	}
	return nil
}

// EndReset implements store.ResetStore.
func (s *Store) EndReset(ctx context.Context, idHash []byte, now time.Time) error {
	// A session a submit holds is left to the submit (it records the
	// password the directory took).
	if _, err := s.w.ExecContext(ctx, `UPDATE reset_sessions SET used_at = ?1, birth_date = ''
		WHERE id_hash = ?2 AND used_at IS NULL AND (claimed_until IS NULL OR claimed_until <= ?1)`, micros(now), idHash); err != nil {
		return fmt.Errorf("sqlite: end reset: %w", err)
	}
	return nil
}

// SetPassword implements store.ResetStore.
func (s *Store) SetPassword(ctx context.Context, institution, username string, now time.Time, encodedHash string, keep int, f *store.Followup) (err error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: set password: %w", err)
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	if err = setPassword(ctx, tx, institution, username, micros(now), encodedHash, keep); err != nil {
		return fmt.Errorf("sqlite: %w", err)
	}
	if err = addFollowup(ctx, tx, f, now); err != nil {
		return fmt.Errorf("sqlite: %w", err)
	}
	if err = tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: set password: commit: %w", err)
	}
	return nil
}

// AccountName implements store.ResetStore: one query over the accounts,
// the links and the imported identities of institutions, in that order of
// preference (src), each by the typed username first, then the newest.
// NOCASE folds ASCII letters only, and the indexes accounts_username_nocase,
// activations_username_nocase and account_identities_username_nocase serve
// the three comparisons.
func (s *Store) AccountName(ctx context.Context, institutions []string, username string) (string, error) {
	if len(institutions) == 0 {
		return "", store.ErrNotFound
	}
	if pattern, wide := store.FoldPattern(username); wide {
		return s.accountNameWide(ctx, institutions, username, pattern)
	}
	in, args := inList(institutions, username)
	var name string
	err := s.r.QueryRowContext(ctx, `SELECT username FROM (
			SELECT username, 0 AS src, updated_at AS t FROM accounts
			WHERE username = ?1 COLLATE NOCASE AND (institution IN (`+in+`) OR institution = '')
			UNION ALL SELECT username, 1, created_at FROM activations WHERE username = ?1 COLLATE NOCASE AND institution IN (`+in+`)
			UNION ALL SELECT username, 2, updated_at FROM account_identities WHERE username = ?1 COLLATE NOCASE AND institution IN (`+in+`))
		ORDER BY src, username = ?1 DESC, t DESC, username LIMIT 1`, args...).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return "", store.ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("sqlite: account name: %w", err)
	}
	return name, nil
}

// accountNameWide is AccountName for a username with letters beyond ASCII:
// the candidates LIKE pattern finds (ASCII letters in any case, the others
// one character each), in AccountName's order, the first that equals
// username under Unicode's simple case folding.
func (s *Store) accountNameWide(ctx context.Context, institutions []string, username, pattern string) (string, error) {
	// Of the same length in code points (simple folding maps one to one),
	// and at most store.WideCandidates: a name of letters beyond ASCII only is
	// all wildcards.
	in, args := inList(institutions, pattern)
	n := len(args) + 1
	args = append(args, username, utf8.RuneCountInString(username), store.WideCandidates)
	p := func(i int) string { return "?" + strconv.Itoa(n+i) }
	rows, err := s.r.QueryContext(ctx, `SELECT username FROM (
			SELECT username, 0 AS src, updated_at AS t FROM accounts WHERE username LIKE ?1 ESCAPE '\' AND length(username) = `+p(1)+`
				AND (institution IN (`+in+`) OR institution = '')
			UNION ALL SELECT username, 1, created_at FROM activations WHERE username LIKE ?1 ESCAPE '\' AND length(username) = `+p(1)+`
				AND institution IN (`+in+`)
			UNION ALL SELECT username, 2, updated_at FROM account_identities WHERE username LIKE ?1 ESCAPE '\' AND length(username) = `+p(1)+`
				AND institution IN (`+in+`))
		ORDER BY src, username = `+p(0)+` DESC, t DESC, username LIMIT `+p(2), args...)
	if err != nil {
		return "", fmt.Errorf("sqlite: account name: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return "", fmt.Errorf("sqlite: account name: %w", err)
		}
		if strings.EqualFold(name, username) {
			return name, nil
		}
	}
	if err := rows.Err(); err != nil {
		return "", fmt.Errorf("sqlite: account name: %w", err)
	}
	return "", store.ErrNotFound
}

// Fail implements store.ResetStore.
func (s *Store) Fail(ctx context.Context, key []byte, now time.Time, window time.Duration) (int, error) {
	if err := check32("throttle key", key); err != nil {
		return 0, err
	}
	n := micros(now)
	var count int
	err := s.w.QueryRowContext(ctx, `INSERT INTO throttle (key, failures, window_start) VALUES (?, 1, ?)
		ON CONFLICT (key) DO UPDATE SET
			failures = CASE WHEN throttle.window_start <= ? THEN 1 ELSE throttle.failures + 1 END,
			window_start = CASE WHEN throttle.window_start <= ? THEN excluded.window_start ELSE throttle.window_start END
		RETURNING failures`, key, n, n-window.Microseconds(), n-window.Microseconds()).Scan(&count)
	if err != nil {
		return 0, fmt.Errorf("sqlite: fail: %w", err)
	}
	return count, nil
}

// Failures implements store.ResetStore.
func (s *Store) Failures(ctx context.Context, key []byte, now time.Time, window time.Duration) (int, error) {
	var count int
	err := s.r.QueryRowContext(ctx, `SELECT failures FROM throttle WHERE key = ? AND window_start > ?`,
		key, micros(now)-window.Microseconds()).Scan(&count)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("sqlite: failures: %w", err)
	}
	return count, nil
}

// ClearFailures implements store.ResetStore.
func (s *Store) ClearFailures(ctx context.Context, key []byte) error {
	if _, err := s.w.ExecContext(ctx, `DELETE FROM throttle WHERE key = ?`, key); err != nil {
		return fmt.Errorf("sqlite: clear failures: %w", err)
	}
	return nil
}

// Refund implements store.ResetStore.
func (s *Store) Refund(ctx context.Context, key []byte) error {
	if _, err := s.w.ExecContext(ctx, `UPDATE throttle SET failures = failures - 1 WHERE key = ? AND failures > 0`, key); err != nil {
		return fmt.Errorf("sqlite: refund failure: %w", err)
	}
	return nil
}
