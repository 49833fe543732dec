package postgres

import (
	"context"
	"crypto/rand"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

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
	if _, err := s.pool.Exec(ctx, `INSERT INTO secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`, name, value); err != nil {
		return nil, fmt.Errorf("postgres: keep %s: %w", name, err)
	}
	var out []byte
	if err := s.pool.QueryRow(ctx, `SELECT value FROM secrets WHERE name = $1`, name).Scan(&out); err != nil {
		return nil, fmt.Errorf("postgres: keep %s: %w", name, err)
	}
	return out, nil
}

// LockAccount implements store.Shared.
func (s *Store) LockAccount(ctx context.Context, key string, holder []byte, now, until time.Time) error {
	if len(holder) != 16 {
		return fmt.Errorf("postgres: lock account: holder of %d bytes, want 16", len(holder))
	}
	tag, err := s.pool.Exec(ctx, `INSERT INTO account_locks (key, holder, until) VALUES ($1, $2, $3)
		ON CONFLICT (key) DO UPDATE SET holder = excluded.holder, until = excluded.until
		WHERE account_locks.holder = excluded.holder OR account_locks.until <= $4`,
		key, holder, ts(until), ts(now))
	if err != nil {
		return fmt.Errorf("postgres: lock account: %w", err)
	}
	if tag.RowsAffected() == 0 {
		var until time.Time
		if err := s.pool.QueryRow(ctx, `SELECT until FROM account_locks WHERE key = $1`, key).Scan(&until); err != nil {
			return store.ErrBusy // ended meanwhile, or unreadable: busy all the same
		}
		return &store.BusyError{Until: until.UTC()}
	}
	return nil
}

// UnlockAccount implements store.Shared.
func (s *Store) UnlockAccount(ctx context.Context, key string, holder []byte) error {
	if _, err := s.pool.Exec(ctx, `DELETE FROM account_locks WHERE key = $1 AND holder = $2`, key, holder); err != nil {
		return fmt.Errorf("postgres: unlock account: %w", err)
	}
	return nil
}

// LockAccounts implements store.Shared: one statement. The keys go in
// sorted, so that two holders taking overlapping sets cannot deadlock.
func (s *Store) LockAccounts(ctx context.Context, keys []string, holder []byte, now, until time.Time) ([]string, error) {
	if len(holder) != 16 {
		return nil, fmt.Errorf("postgres: lock accounts: holder of %d bytes, want 16", len(holder))
	}
	keys = store.Distinct(keys)
	if len(keys) == 0 {
		return nil, nil
	}
	rows, err := s.pool.Query(ctx, `INSERT INTO account_locks (key, holder, until)
		SELECT k, $2, $3 FROM unnest($1::text[]) WITH ORDINALITY AS u(k, i) ORDER BY i
		ON CONFLICT (key) DO UPDATE SET holder = excluded.holder, until = excluded.until
		WHERE account_locks.holder = excluded.holder OR account_locks.until <= $4
		RETURNING key`, keys, holder, ts(until), ts(now))
	if err != nil {
		return nil, fmt.Errorf("postgres: lock accounts: %w", err)
	}
	held, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("postgres: lock accounts: %w", err)
	}
	var busy []string
	for _, k := range keys {
		if !slices.Contains(held, k) {
			busy = append(busy, k)
		}
	}
	return busy, nil
}

// UnlockAccounts implements store.Shared: one statement.
func (s *Store) UnlockAccounts(ctx context.Context, keys []string, holder []byte) error {
	if len(keys) == 0 {
		return nil
	}
	if _, err := s.pool.Exec(ctx, `DELETE FROM account_locks WHERE key = ANY($1::text[]) AND holder = $2`, keys, holder); err != nil {
		return fmt.Errorf("postgres: unlock accounts: %w", err)
	}
	return nil
}
