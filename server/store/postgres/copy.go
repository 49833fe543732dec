package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/styrke-iam/styrke/server/store"
)

var _ store.Copier = (*Store)(nil)

// ReadAll implements store.Copier: one REPEATABLE READ, READ ONLY
// transaction, so one snapshot while other instances go on writing.
func (s *Store) ReadAll(ctx context.Context, fn func(t *store.Table, row []any) error) error {
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return fmt.Errorf("postgres: read: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	for i := range store.Tables {
		t := &store.Tables[i]
		if theirs, err := readTable(ctx, tx, t, fn); theirs {
			return err // fn's own (a write's), as it is
		} else if err != nil {
			return fmt.Errorf("postgres: read %s: %w", t.Name, err)
		}
	}
	return nil
}

func columnNames(t *store.Table) []string {
	names := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		names[i] = c.Name
	}
	return names
}

func readTable(ctx context.Context, tx pgx.Tx, t *store.Table, fn func(t *store.Table, row []any) error) (theirs bool, err error) {
	quoted := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		quoted[i] = pgx.Identifier{c.Name}.Sanitize()
	}
	rows, err := tx.Query(ctx, `SELECT `+strings.Join(quoted, ", ")+` FROM `+pgx.Identifier{t.Name}.Sanitize())
	if err != nil {
		return false, err
	}
	defer rows.Close()
	row := make([]any, len(t.Columns))
	for rows.Next() {
		vals, err := rows.Values()
		if err != nil {
			return false, err
		}
		for i, c := range t.Columns {
			v, err := store.Value(c, vals[i])
			if err != nil {
				return false, err
			}
			row[i] = v
		}
		if err := fn(t, row); err != nil {
			return true, err
		}
	}
	return false, rows.Err()
}

// copyBatch and copyBatchBytes bound what goes to PostgreSQL in one COPY,
// and is held in memory for it: rows, and bytes of their text and bytes
// (5,000 notices with their HTML bodies could be hundreds of MB).
const (
	copyBatch      = 5000
	copyBatchBytes = 16 << 20
)

// WriteAll implements store.Copier: one transaction that first holds the
// lock a starting serve takes to migrate, and locks every table against
// other writers (an instance started too soon), then checks
// they are empty, copies the rows in batches (COPY) and sets the
// sequences past the ids copied.
func (s *Store) WriteAll(ctx context.Context, rows func(put func(t *store.Table, row []any) error) error) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		names := make([]string, len(store.Tables))
		for i, t := range store.Tables {
			names[i] = pgx.Identifier{t.Name}.Sanitize()
		}
		// A serve started on the database meanwhile waits in its Open, as
		// for another instance's migration: it began with an empty store
		// and a throttle key of its own.
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(migrateLock)); err != nil {
			return fmt.Errorf("postgres: lock the schema: %w", err)
		}
		if _, err := tx.Exec(ctx, `LOCK TABLE `+strings.Join(names, ", ")+` IN EXCLUSIVE MODE`); err != nil {
			return fmt.Errorf("postgres: lock the tables: %w", err)
		}
		for i, t := range store.Tables {
			var n int64
			if err := tx.QueryRow(ctx, `SELECT count(*) FROM `+names[i]).Scan(&n); err != nil {
				return fmt.Errorf("postgres: count %s: %w", t.Name, err)
			}
			if n > 0 {
				return &store.NotEmptyError{Table: t.Name, Rows: n}
			}
		}
		var (
			cur   *store.Table
			batch [][]any
			size  int
		)
		flush := func() error {
			if cur == nil || len(batch) == 0 {
				return nil
			}
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{cur.Name}, columnNames(cur), pgx.CopyFromRows(batch)); err != nil {
				return fmt.Errorf("postgres: write %s: %w", cur.Name, err)
			}
			batch, size = batch[:0], 0
			return nil
		}
		err := rows(func(t *store.Table, row []any) error {
			if t != cur {
				if err := flush(); err != nil {
					return err
				}
				cur = t
			}
			r := make([]any, len(row))
			for i, v := range row {
				switch x := v.(type) {
				case []byte:
					v = append([]byte(nil), x...) // the caller's may be reused
					size += len(x)
				case string:
					size += len(x)
				}
				r[i] = v
			}
			batch = append(batch, r)
			if len(batch) >= copyBatch || size >= copyBatchBytes {
				return flush()
			}
			return nil
		})
		if err != nil {
			return err
		}
		if err := flush(); err != nil {
			return err
		}
		for i, t := range store.Tables {
			if t.Serial == "" {
				continue
			}
			col := pgx.Identifier{t.Serial}.Sanitize()
			if _, err := tx.Exec(ctx, `SELECT setval(pg_get_serial_sequence($1, $2), coalesce((SELECT max(`+col+`) FROM `+names[i]+`), 0) + 1, false)`,
				t.Name, t.Serial); err != nil {
				return fmt.Errorf("postgres: set %s's sequence: %w", t.Name, err)
			}
		}
		return nil
	})
}
