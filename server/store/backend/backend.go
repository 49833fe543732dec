// Package backend opens the store.Store a DSN names, so that callers (the
// server, the CLI) need not know the implementations:
//
//	sqlite:PATH                    the default: one SQLite file
//	postgres://user@host/db?...    PostgreSQL, for several instances
package backend

import (
	"context"
	"errors"
	"fmt"
	"net/url"

	"github.com/styrke-iam/styrke/server/store"
	"github.com/styrke-iam/styrke/server/store/postgres"
	"github.com/styrke-iam/styrke/server/store/sqlite"
)

// ErrUnknownDSN: the DSN names neither SQLite nor PostgreSQL.
var ErrUnknownDSN = errors.New(`backend: DSN must be "sqlite:PATH" or "postgres://..."`)

// Open opens and migrates the store dsn names. Its errors never contain a
// password from the DSN.
func Open(ctx context.Context, dsn string) (store.Store, error) {
	if path, ok := sqlite.ParseDSN(dsn); ok {
		s, err := sqlite.Open(ctx, path)
		if err != nil {
			return nil, err
		}
		return s, nil
	}
	if postgres.IsDSN(dsn) {
		s, err := postgres.Open(ctx, dsn)
		if err != nil {
			return nil, fmt.Errorf("open %s: %w", Redact(dsn), err)
		}
		return s, nil
	}
	return nil, ErrUnknownDSN
}

// OpenCurrent opens the store dsn names as it is, for a command that only
// reads or changes its rows: no file, directory or schema is created or
// migrated, and a schema of another version than this program's is refused
// (see sqlite.OpenCurrent, postgres.OpenCurrent). Its errors never contain
// a password from the DSN.
func OpenCurrent(ctx context.Context, dsn string) (store.Store, error) {
	if path, ok := sqlite.ParseDSN(dsn); ok {
		s, err := sqlite.OpenCurrent(ctx, path)
		if err != nil {
			return nil, err
		}
		return s, nil
	}
	if postgres.IsDSN(dsn) {
		s, err := postgres.OpenCurrent(ctx, dsn)
		if err != nil {
			return nil, fmt.Errorf("open %s: %w", Redact(dsn), err)
		}
		return s, nil
	}
	return nil, ErrUnknownDSN
}

// Redact returns dsn fit for a log line: a PostgreSQL URL without its
// password or query, a SQLite DSN as it is, and "(invalid DSN)" otherwise.
func Redact(dsn string) string {
	if _, ok := sqlite.ParseDSN(dsn); ok {
		return dsn
	}
	if postgres.IsDSN(dsn) {
		u, err := url.Parse(dsn)
		if err != nil {
			return "(invalid DSN)"
		}
		u.RawQuery, u.Fragment = "", ""
		if u.User != nil {
			u.User = url.User(u.User.Username())
		}
		return u.String()
	}
	return "(invalid DSN)"
}
