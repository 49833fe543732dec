package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/styrke-iam/styrke/server/store"
)

var _ store.Copier = (*Store)(nil)

// ReadAll implements store.Copier: one read transaction, so one snapshot
// of the WAL, while the server may go on writing.
func (s *Store) ReadAll(ctx context.Context, fn func(t *store.Table, row []any) error) error {
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true}) // BEGIN DEFERRED: takes no write lock
	if err != nil {
		return fmt.Errorf("sqlite: read: %w", err)
	}
	defer tx.Rollback()
	for i := range store.Tables {
		t := &store.Tables[i]
		if theirs, err := readTable(ctx, tx, t, fn); theirs {
			return err // fn's own (a write's), as it is
		} else if err != nil {
			return fmt.Errorf("sqlite: read %s: %w", t.Name, err)
		}
	}
	return nil
}

func columnList(t *store.Table) string {
	names := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		names[i] = `"` + c.Name + `"`
	}
	return strings.Join(names, ", ")
}

func readTable(ctx context.Context, tx *sql.Tx, t *store.Table, fn func(t *store.Table, row []any) error) (theirs bool, err error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+columnList(t)+` FROM `+t.Name)
	if err != nil {
		return false, err
	}
	defer rows.Close()
	raw := make([]any, len(t.Columns))
	ptrs := make([]any, len(t.Columns))
	for i := range raw {
		ptrs[i] = &raw[i]
	}
	row := make([]any, len(t.Columns))
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return false, err
		}
		for i, c := range t.Columns {
			v, err := store.Value(c, raw[i])
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

// toSQLite is a row's value as SQLite stores it.
func toSQLite(c store.Column, v any) any {
	switch x := v.(type) {
	case time.Time:
		return micros(x)
	case bool:
		if x {
			return int64(1)
		}
		return int64(0)
	}
	return v
}

// WriteAll implements store.Copier: one IMMEDIATE transaction, so no other
// writer (a server started too soon) adds rows meanwhile.
func (s *Store) WriteAll(ctx context.Context, rows func(put func(t *store.Table, row []any) error) error) (err error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: write: %w", err)
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	for _, t := range store.Tables {
		var n int64
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM `+t.Name).Scan(&n); err != nil {
			return fmt.Errorf("sqlite: count %s: %w", t.Name, err)
		}
		if n > 0 {
			return &store.NotEmptyError{Table: t.Name, Rows: n}
		}
	}
	var (
		cur  *store.Table
		stmt *sql.Stmt
		args []any
	)
	defer func() {
		if stmt != nil {
			stmt.Close()
		}
	}()
	err = rows(func(t *store.Table, row []any) error {
		if t != cur {
			if stmt != nil {
				stmt.Close()
			}
			marks := strings.TrimSuffix(strings.Repeat("?, ", len(t.Columns)), ", ")
			var err error
			stmt, err = tx.PrepareContext(ctx, `INSERT INTO `+t.Name+` (`+columnList(t)+`) VALUES (`+marks+`)`)
			if err != nil {
				return fmt.Errorf("sqlite: write %s: %w", t.Name, err)
			}
			cur, args = t, make([]any, len(t.Columns))
		}
		for i, c := range t.Columns {
			args[i] = toSQLite(c, row[i])
		}
		if _, err := stmt.ExecContext(ctx, args...); err != nil {
			return fmt.Errorf("sqlite: write %s: %w", t.Name, err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: write: commit: %w", err)
	}
	return nil
}

// Seal makes the file alone the whole store and closes it: everything the
// WAL holds is written into the database file (a TRUNCATE checkpoint,
// which fails rather than leave frames behind), the file is synced, and
// the store closed. A copy that said done while its rows were still in
// the -wal file (a disk that filled at the end) left a database file that
// was no store without it.
func (s *Store) Seal(ctx context.Context) error {
	var busy, logFrames, checkpointed int
	err := s.w.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logFrames, &checkpointed)
	if err == nil && busy != 0 {
		err = errors.New("another connection is using the file")
	}
	if err != nil {
		s.Close()
		return fmt.Errorf("sqlite: write the WAL into %s: %w", s.path, err)
	}
	if err := s.Close(); err != nil {
		return fmt.Errorf("sqlite: close %s: %w", s.path, err)
	}
	f, err := os.OpenFile(s.path, os.O_RDWR, 0)
	if err == nil {
		err = f.Sync()
		f.Close()
	}
	if err != nil {
		return fmt.Errorf("sqlite: sync %s: %w", s.path, err)
	}
	return nil
}
