package sqlite

import (
	"context"
	"database/sql"
)

// KeepMigrations makes this package's migrations its first n, as an older
// build's, until restore is called: a test makes a store at an older
// schema with it.
func KeepMigrations(n int) (restore func()) {
	all, version := migrations, SchemaVersion
	migrations, SchemaVersion = migrations[:n], migrations[n-1].version
	return func() { migrations, SchemaVersion = all, version }
}

// WriteConn is the store's own writing connection, for a test that holds
// a transaction open in this process.
func (s *Store) WriteConn(ctx context.Context) (*sql.Conn, error) { return s.w.Conn(ctx) }
