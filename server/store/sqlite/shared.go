package sqlite

import (
	"context"
	"crypto/rand"
	"fmt"
	"time"

	"github.com/styrke-iam/styrke/server/store"
)

// Secret implements store.Shared.
func (s *Store) Secret(ctx context.Context, name string) ([]byte, error) {
	v := make([]byte, 32)
	rand.Read(v)
	return s.Keep(ctx, name, v)
}

// Keep implements store.Shared.
func (s *Store) Keep(ctx context.Context, name string, value []byte) ([]byte, error) {
	if _, err := s.w.ExecContext(ctx, `INSERT INTO secrets (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING`, name, value); err != nil {
		return nil, fmt.Errorf("sqlite: keep %s: %w", name, err)
	}
	var out []byte
	if err := s.w.QueryRowContext(ctx, `SELECT value FROM secrets WHERE name = ?`, name).Scan(&out); err != nil {
		return nil, fmt.Errorf("sqlite: keep %s: %w", name, err)
	}
	return out, nil
}

// LockAccount implements store.Shared.
func (s *Store) LockAccount(ctx context.Context, key string, holder []byte, now, until time.Time) error {
	if len(holder) != 16 {
		return fmt.Errorf("sqlite: lock account: holder of %d bytes, want 16", len(holder))
	}
	res, err := s.w.ExecContext(ctx, `INSERT INTO account_locks (key, holder, until) VALUES (?1, ?2, ?3)
		ON CONFLICT (key) DO UPDATE SET holder = excluded.holder, until = excluded.until
		WHERE account_locks.holder = excluded.holder OR account_locks.until <= ?4`,
		key, holder, micros(until), micros(now))
	if err != nil {
		return fmt.Errorf("sqlite: lock account: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("sqlite: lock account: %w", err)
	} else if n == 0 {
		var until int64
		if err := s.r.QueryRowContext(ctx, `SELECT until FROM account_locks WHERE key = ?`, key).Scan(&until); err != nil {
			return store.ErrBusy // ended meanwhile, or unreadable: busy all the same
		}
		return &store.BusyError{Until: fromMicros(until)}
	}
	return nil
}

// UnlockAccount implements store.Shared.
func (s *Store) UnlockAccount(ctx context.Context, key string, holder []byte) error {
	if _, err := s.w.ExecContext(ctx, `DELETE FROM account_locks WHERE key = ? AND holder = ?`, key, holder); err != nil {
		return fmt.Errorf("sqlite: unlock account: %w", err)
	}
	return nil
}

// LockAccounts implements store.Shared: LockAccount's statement for each
// key, in one transaction (one sync to disk).
func (s *Store) LockAccounts(ctx context.Context, keys []string, holder []byte, now, until time.Time) (busy []string, err error) {
	if len(holder) != 16 {
		return nil, fmt.Errorf("sqlite: lock accounts: holder of %d bytes, want 16", len(holder))
	}
	if len(keys) == 0 {
		return nil, nil
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("sqlite: lock accounts: %w", err)
	}
	defer tx.Rollback()
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO account_locks (key, holder, until) VALUES (?1, ?2, ?3)
		ON CONFLICT (key) DO UPDATE SET holder = excluded.holder, until = excluded.until
		WHERE account_locks.holder = excluded.holder OR account_locks.until <= ?4`)
	if err != nil {
		return nil, fmt.Errorf("sqlite: lock accounts: %w", err)
	}
	defer stmt.Close()
	for _, key := range store.Distinct(keys) {
		res, err := stmt.ExecContext(ctx, key, holder, micros(until), micros(now))
		if err != nil {
			return nil, fmt.Errorf("sqlite: lock accounts: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return nil, fmt.Errorf("sqlite: lock accounts: %w", err)
		} else if n == 0 {
			busy = append(busy, key)
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("sqlite: lock accounts: %w", err)
	}
	return busy, nil
}

// UnlockAccounts implements store.Shared.
func (s *Store) UnlockAccounts(ctx context.Context, keys []string, holder []byte) error {
	if len(keys) == 0 {
		return nil
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: unlock accounts: %w", err)
	}
	defer tx.Rollback()
	stmt, err := tx.PrepareContext(ctx, `DELETE FROM account_locks WHERE key = ? AND holder = ?`)
	if err != nil {
		return fmt.Errorf("sqlite: unlock accounts: %w", err)
	}
	defer stmt.Close()
	for _, key := range store.Distinct(keys) {
		if _, err := stmt.ExecContext(ctx, key, holder); err != nil {
			return fmt.Errorf("sqlite: unlock accounts: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: unlock accounts: %w", err)
	}
	return nil
}
