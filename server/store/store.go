// Package store keeps what the backend must remember: activation links
// (only as SHA-256 hashes of their tokens), accounts' password hashes and
// their password history. One Store interface, two implementations (SQLite,
// the default, and PostgreSQL) that pass one shared test suite.
package store

import (
	"context"
	"errors"
	"time"
)

// Errors every implementation returns, for errors.Is.
var (
	// ErrNotFound: no activation with that token hash.
	ErrNotFound = errors.New("store: not found")
	// ErrGone: the activation exists but is used, expired or dead after too
	// many failed attempts.
	ErrGone = errors.New("store: activation used, expired or locked")
	// ErrExists: CreateActivation was given a token hash that is already
	// stored.
	ErrExists = errors.New("store: activation already exists")
)

// Activation is one single-use account-claim link for a person. Times are
// stored with microsecond precision and read back in UTC.
type Activation struct {
	TokenHash   []byte // SHA-256 of the token; the token itself is never stored
	Username    string
	Name        string
	Institution string // policy id
	CreatedAt   time.Time
	ExpiresAt   time.Time
	UsedAt      *time.Time // nil until consumed
	Failures    int        // failed complete attempts
}

// Store is the backend's storage. Implementations are safe for concurrent
// use; every method honours ctx.
type Store interface {
	// CreateActivation stores a new activation (ErrExists if one with the
	// same token hash exists). UsedAt and Failures are stored as given.
	CreateActivation(ctx context.Context, a Activation) error
	// Activation returns the activation with this token hash, whatever its
	// state (ErrNotFound if none); callers check UsedAt/ExpiresAt/Failures.
	Activation(ctx context.Context, tokenHash []byte) (Activation, error)
	// History returns the encoded password hashes of the account, newest
	// first, at most limit of them (the current password is the newest).
	History(ctx context.Context, username string, limit int) ([]string, error)
	// Complete consumes the activation and stores the new password hash in
	// one transaction: it fails with ErrGone (and changes nothing) unless the
	// activation is unused, unexpired at now and has fewer than maxFailures
	// failures; then it marks it used, sets the account's password, pushes
	// the hash onto the history and keeps only the newest keep entries.
	// Of two concurrent calls for one token exactly one succeeds. It returns
	// ErrNotFound for an unknown token hash. maxFailures <= 0 means no limit;
	// keep <= 0 keeps no history (the account's password is still set).
	// Encoded hashes longer than 512 bytes are refused by the database, and
	// the whole transaction with them.
	Complete(ctx context.Context, tokenHash []byte, now time.Time, encodedHash string, keep, maxFailures int) error
	// RecordFailure counts one failed complete attempt and returns the new
	// count (ErrNotFound if no such activation).
	RecordFailure(ctx context.Context, tokenHash []byte) (int, error)
	// ResetStore: identity mapping, ID-porten sign-ins, reset sessions,
	// throttle counters (reset.go).
	ResetStore
	// Ping reports whether the store is reachable (for /readyz).
	Ping(ctx context.Context) error
	// Close releases the store's resources.
	Close() error

	ServiceDesk
}
