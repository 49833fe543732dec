package postgres

import "time"

// KeepMigrations makes this package's migrations its first n, as an older
// build's, until restore is called: a test makes a store at an older
// schema with it.
func KeepMigrations(n int) (restore func()) {
	all, version := migrations, SchemaVersion
	migrations, SchemaVersion = migrations[:n], migrations[n-1].version
	return func() { migrations, SchemaVersion = all, version }
}

// ForgetLocked drops Locked's kept answer: the next call asks the server.
func (s *Store) ForgetLocked() {
	s.locked.mu.Lock()
	defer s.locked.mu.Unlock()
	s.locked.at = time.Time{}
}
