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
	return open(ctx, dsn,
		func(path string) (store.Store, error) { return asStore(sqlite.Open(ctx, path)) },
		func(dsn string) (store.Store, error) { return asStore(postgres.Open(ctx, dsn)) })
}

// OpenCurrent opens the store dsn names as it is, for a command that only
// reads or changes its rows: no file, directory or schema is created or
// migrated, and a schema of another version than this program's is refused
// (see sqlite.OpenCurrent, postgres.OpenCurrent). Its errors never contain
// a password from the DSN.
func OpenCurrent(ctx context.Context, dsn string) (store.Store, error) {
	return open(ctx, dsn,
		func(path string) (store.Store, error) { return asStore(sqlite.OpenCurrent(ctx, path)) },
		func(dsn string) (store.Store, error) { return asStore(postgres.OpenCurrent(ctx, dsn)) })
}

// open calls lite for a SQLite DSN's path or pg for a PostgreSQL DSN,
// naming the latter's DSN, password redacted, in its error.
func open(ctx context.Context, dsn string, lite, pg func(string) (store.Store, error)) (store.Store, error) {
	if path, ok := sqlite.ParseDSN(dsn); ok {
		return lite(path)
	}
	if postgres.IsDSN(dsn) {
		s, err := pg(dsn)
		if err != nil {
			return nil, fmt.Errorf("open %s: %w", Redact(dsn), err)
		}
		return s, nil
	}
	return nil, ErrUnknownDSN
}

// asStore is an implementation's open as a store.Store: nil, not an
// interface holding a nil pointer, with an error.
func asStore[S store.Store](s S, err error) (store.Store, error) {
	if err != nil {
		return nil, err
	}
	return s, nil
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
		// An option misspelt leaves the rest as meant; a port that is
		// not one may be a password typed there.
		if err := postgres.CheckDSN(dsn); err != nil {
			if fe := (*postgres.FieldError)(nil); !errors.As(err, &fe) || fe.Field == "port" {
				return "(invalid DSN)"
			}
		}
		u.RawQuery, u.Fragment = "", ""
		if u.User != nil {
			u.User = url.User(u.User.Username())
		}
		return u.String()
	}
	return "(invalid DSN)"
}
