// Package store keeps what the backend must remember: activation links
// (only as SHA-256 hashes of their tokens), accounts' password hashes and
// their password history. One Store interface, two implementations (SQLite,
// the default, and PostgreSQL) that pass one shared test suite.
package store

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"slices"
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
	// ErrBusy: Claim (or ClaimReset) found the activation (or reset
	// session) claimed by another call whose lease has not expired.
	ErrBusy = errors.New("store: claimed by another request")
	// ErrLimit: ReplaceCode found the activation's codes all sent.
	ErrLimit = errors.New("store: no more codes for this activation")
	// ErrNoSchema: OpenCurrent found no Styrke schema in the database.
	ErrNoSchema = errors.New("no Styrke schema in this database (styrke serve creates it)")
)

// Applied returns the schema versions a database holds as a set, and the
// newest of them (0: none).
func Applied(versions []int) (set map[int]bool, newest int) {
	set = make(map[int]bool, len(versions))
	for _, v := range versions {
		set[v] = true
		newest = max(newest, v)
	}
	return set, newest
}

// CheckVersions is OpenCurrent's check of the schema versions a database
// holds (applied) against a program's migrations (want, of which newest is
// the last): nil when every one is applied and none newer; otherwise an
// error naming the database's version and the program's, and what to do.
func CheckVersions(applied, want []int, newest int) error {
	have, top := Applied(applied)
	if top > newest {
		return &NewerSchemaError{Have: top, Own: newest}
	}
	for _, v := range want {
		if !have[v] {
			return fmt.Errorf("database schema is at version %d, this program's is %d: start styrke serve of this version once to migrate it (this command changes no schema)", top, newest)
		}
	}
	return nil
}

// NewerSchemaError is the error of opening a database whose schema (Have)
// is newer than the program's (Own): a newer build migrated it, and this
// one goes back no further (a downgrade). Open and OpenCurrent change
// nothing in such a database. Its message names both versions and the two
// ways on: run the newer build, or put back the backup made before the
// upgrade.
type NewerSchemaError struct {
	Have, Own int
}

func (e *NewerSchemaError) Error() string {
	return fmt.Sprintf("database schema version %d is newer than this program's %d: a newer build of styrke migrated it, "+
		"and this one changes nothing in it. Either run the newer build (styrke version prints the schema a build migrates to), "+
		"or go back to this one: stop every instance, put in place the backup made before the upgrade "+
		"(for PostgreSQL, restore its dump into an empty database), then start this build; what was written since that backup is lost",
		e.Have, e.Own)
}

// NewerSchema is Ping's error when the database's schema (version) is
// newer than the program's (own): another instance runs a newer Styrke,
// which migrated it, and this one may not know what the newer schema
// needs of every write (an older instance went on completing links
// without the per-account lease of schema 16).
func NewerSchema(version, own int) error {
	if version > own {
		return fmt.Errorf("the database's schema is version %d, newer than this program's %d: another instance runs a newer Styrke; replace this one", version, own)
	}
	return nil
}

// Clocked is a store on a database server of its own (PostgreSQL), which
// several instances may share. Every instance writes and compares the
// store's times by its own clock: a link's expiry, the lease of a link's
// claim (2 minutes), of a reset's password write (30 seconds) and of an
// import (2 minutes). Two instances whose clocks differ by more than a
// lease's slack can both take the same lease, so each compares its clock
// with the database server's (ClockOffset). ServerTime is that clock.
type Clocked interface {
	ServerTime(ctx context.Context) (time.Time, error)
}

// ClockOffset is how far the database server's clock is ahead of now
// (negative: behind), read once mid-way of a round trip, and that round
// trip: the offset is known to within half of it.
func ClockOffset(ctx context.Context, c Clocked, now func() time.Time) (offset, roundTrip time.Duration, err error) {
	t0 := now()
	server, err := c.ServerTime(ctx)
	t1 := now()
	if err != nil {
		return 0, 0, err
	}
	roundTrip = t1.Sub(t0)
	return server.Sub(t0.Add(roundTrip / 2)), roundTrip, nil
}

// BusyError is Claim's ErrBusy with the end of the lease that holds the
// activation: a request that died while it held the lease (an instance
// killed during its directory write) holds it until then, so a client is
// told to wait that long, not 2 seconds at a time for 2 minutes.
type BusyError struct{ Until time.Time }

func (e *BusyError) Error() string {
	return ErrBusy.Error() + " until " + e.Until.UTC().Format(time.RFC3339)
}

// Is makes errors.Is(err, ErrBusy) hold.
func (e *BusyError) Is(target error) bool { return target == ErrBusy }

// TooSoonError: ReplaceCode was asked before the gap since the last code
// (or the activation's creation) had passed; Wait is what is left of it.
type TooSoonError struct{ Wait time.Duration }

func (e *TooSoonError) Error() string {
	return "store: too soon for another code (wait " + e.Wait.String() + ")"
}

// Claim is one call's hold on an activation while it writes the password
// to the directory (see package directory's "Exactly once").
type Claim struct {
	// ID names this claim; Complete and Release take it.
	ID []byte
	// Activation is the claimed activation as it was.
	Activation Activation
	// PreviousPending is the encoded hash of the password an earlier claim
	// was writing when it ended without Complete or a clearing Release (a
	// crash, a failed commit, a directory that timed out): that password may
	// be in the directory already. Empty otherwise.
	PreviousPending string
}

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
	// CodeHash is set when the link works only with a one-time code sent
	// apart from it (by SMS): SHA-256 over the token and the code (see
	// server.HashCode), so that the store alone cannot test codes. Nil:
	// the link alone is enough.
	CodeHash []byte
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
	// History returns the encoded password hashes of the account username
	// at institutions, newest first, at most limit of them (the current
	// password is the newest). An account is kept by institution and
	// username (Complete keeps it as the activation's institution's,
	// CompleteReset as the session's, SetPassword as it is told):
	// institutions are those whose usernames name one person (the
	// institutions of one directory), and "ola" at an institution of
	// another directory is another person, whose passwords are not this
	// one's. A history kept under NoInstitution is every institution's.
	// No institutions: no history.
	History(ctx context.Context, institutions []string, username string, limit int) ([]string, error)
	// Claim holds the activation until now+lease for one password write and
	// records pendingHash (the encoded hash of the password being written).
	// It fails with ErrGone unless the activation is unused, unexpired at now
	// and has fewer than maxFailures failures (<= 0: no limit), with ErrBusy
	// while another claim's lease runs, and ErrNotFound for an unknown token
	// hash. Of concurrent calls exactly one succeeds.
	Claim(ctx context.Context, tokenHash []byte, now time.Time, lease time.Duration, pendingHash string, maxFailures int) (Claim, error)
	// Release ends claim id without consuming the activation (the directory
	// refused or did not answer). clearPending forgets the pending hash: do
	// so only when the directory certainly did not take the password. A
	// claim that is no longer held is left alone (no error).
	Release(ctx context.Context, tokenHash, claimID []byte, clearPending bool) error
	// Complete consumes the activation and stores the new password hash in
	// one transaction: it fails with ErrGone (and changes nothing) unless the
	// activation is unused, unexpired at now, has fewer than maxFailures
	// failures and is not claimed by another call (claimID names the
	// caller's claim; nil for none); then it marks it used, ends the claim, sets the account's password, pushes
	// the hash onto the history of the activation's institution's account
	// and keeps only its newest keep entries.
	// Of two concurrent calls for one token exactly one succeeds. It returns
	// ErrNotFound for an unknown token hash. maxFailures <= 0 means no limit;
	// keep <= 0 keeps no history (the account's password is still set).
	// Encoded hashes longer than 512 bytes are refused by the database, and
	// the whole transaction with them.
	Complete(ctx context.Context, tokenHash, claimID []byte, now time.Time, encodedHash string, keep, maxFailures int) error
	// ClaimFollowups hands out at most limit used activations whose steps
	// after the password (its audit event, closing the person's other
	// links, the notice) were not marked done (FollowedUp) within wait:
	// Complete marks them to do in its transaction, so that a crash or a
	// store outage between the commit and the steps leaves them for this,
	// not undone. Each is held from other claims for wait again.
	ClaimFollowups(ctx context.Context, now time.Time, wait time.Duration, limit int) ([]Activation, error)
	// FollowedUp marks a used activation's steps done.
	FollowedUp(ctx context.Context, tokenHash []byte) error
	// ReplaceCode gives an activation that has a one-time code a new one's
	// hash (the old code stops working), for a code sent again: at most
	// maxSends times, and no sooner than gap after the last (or the
	// activation's creation). It returns how many it has replaced;
	// ErrNotFound, ErrGone (used, expired, locked by maxFailures, or
	// without a code), ErrLimit, or a *TooSoonError.
	ReplaceCode(ctx context.Context, tokenHash, codeHash []byte, now time.Time, gap time.Duration, maxSends, maxFailures int) (int, error)
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
	Retention
	Shared
}

// Shared is what the instances on one store share beyond the data: keys,
// and the lease that lets one request at a time write an account's
// password.
type Shared interface {
	// Secret returns the 32 random bytes stored under name, made by the
	// first to ask: one key every instance uses (the throttle counters'
	// hashes, where no identity key is configured to derive it from).
	Secret(ctx context.Context, name string) ([]byte, error)
	// Keep stores value (32 bytes) under name unless a value is stored
	// there already, and returns the stored one: the first identity key's
	// fingerprint, which every later import and instance must match.
	Keep(ctx context.Context, name string, value []byte) ([]byte, error)
	// LockAccount holds key (an account, in a form its directory matches)
	// for holder (16 bytes) until until, unless another holder's lease
	// runs past now: then a *BusyError with that lease's end (errors.Is
	// ErrBusy). The holder's own lease is renewed. Two
	// links of one person, or a reset and a link, submitted at once both
	// wrote the directory and both said done.
	LockAccount(ctx context.Context, key string, holder []byte, now, until time.Time) error
	// UnlockAccount ends holder's lease on key (nothing if another holds
	// it, or none).
	UnlockAccount(ctx context.Context, key string, holder []byte) error
	// LockAccounts is LockAccount for many keys in one transaction (a
	// link import's rows, whose people it holds while it sends to them):
	// it holds for holder until until each of keys that no other holder's
	// lease runs past now, renewing the holder's own, and returns the
	// others, which another holds (nil: every key held). A key given
	// twice counts once.
	LockAccounts(ctx context.Context, keys []string, holder []byte, now, until time.Time) (busy []string, err error)
	// UnlockAccounts ends holder's leases on keys in one transaction
	// (nothing for a key another holds, or none).
	UnlockAccounts(ctx context.Context, keys []string, holder []byte) error
}

// NewClaimID returns 16 random bytes naming a claim.
func NewClaimID() []byte {
	b := make([]byte, 16)
	rand.Read(b)
	return b
}

// Distinct returns keys sorted, each once (a new slice): the order every
// store takes a batch's leases in (LockAccounts), so that two holders of
// overlapping batches cannot wait on each other.
func Distinct(keys []string) []string {
	out := slices.Clone(keys)
	slices.Sort(out)
	return slices.Compact(out)
}
