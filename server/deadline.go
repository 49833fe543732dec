package server

import (
	"context"
	"time"

	"github.com/styrke-iam/styrke/server/store"
)

// DefaultStoreTimeout bounds one store call of the activation, reset and
// change flows and of the service desk's API.
const DefaultStoreTimeout = 5 * time.Second

// deadlineStore gives every call of the activation, reset and change flows
// and of the service desk's API its own deadline,
// so that a database that hangs (a frozen host, a lock held elsewhere)
// costs the person seconds and a retryable answer, not the server's write
// timeout. Each call is one transaction: a call that runs out is rolled
// back whole. Methods it does not name pass through with the request's
// own deadline.
type deadlineStore struct {
	store.Store
	d time.Duration
}

func (s deadlineStore) ctx(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, s.d)
}

func (s deadlineStore) CreateActivation(ctx context.Context, a store.Activation) error {
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	return s.Store.CreateActivation(ctx, a)
}

func (s deadlineStore) Activation(ctx context.Context, tokenHash []byte) (store.Activation, error) {
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	return s.Store.Activation(ctx, tokenHash)
}

func (s deadlineStore) History(ctx context.Context, institutions []string, username string, limit int) ([]string, error) {
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	return s.Store.History(ctx, institutions, username, limit)
}

func (s deadlineStore) Claim(ctx context.Context, tokenHash []byte, now time.Time, lease time.Duration, pendingHash string, maxFailures int) (store.Claim, error) {
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	return s.Store.Claim(ctx, tokenHash, now, lease, pendingHash, maxFailures)
}

func (s deadlineStore) Release(ctx context.Context, tokenHash, claimID []byte, clearPending bool) error {
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	return s.Store.Release(ctx, tokenHash, claimID, clearPending)
}

func (s deadlineStore) Complete(ctx context.Context, tokenHash, claimID []byte, now time.Time, encodedHash string, keep, maxFailures int) error {
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	return s.Store.Complete(ctx, tokenHash, claimID, now, encodedHash, keep, maxFailures)
}

func (s deadlineStore) RecordFailure(ctx context.Context, tokenHash []byte) (int, error) {
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	return s.Store.RecordFailure(ctx, tokenHash)
}

// The change's and the reset's calls: a database that hangs answered them
// after as long as the client waited (past the server's write timeout,
// which the person saw as a dropped connection).

func (s deadlineStore) Fail(ctx context.Context, key []byte, now time.Time, window time.Duration) (int, error) {
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	return s.Store.Fail(ctx, key, now, window)
}

func (s deadlineStore) Refund(ctx context.Context, key []byte) error {
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	return s.Store.Refund(ctx, key)
}

func (s deadlineStore) ClearFailures(ctx context.Context, key []byte) error {
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	return s.Store.ClearFailures(ctx, key)
}

func (s deadlineStore) AccountName(ctx context.Context, institutions []string, username string) (string, error) {
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	return s.Store.AccountName(ctx, institutions, username)
}

func (s deadlineStore) IdentityOf(ctx context.Context, institution, username string) (store.AccountIdentity, error) {
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	return s.Store.IdentityOf(ctx, institution, username)
}

func (s deadlineStore) SetPassword(ctx context.Context, institution, username string, now time.Time, encodedHash string, keep int, f *store.Followup) error {
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	return s.Store.SetPassword(ctx, institution, username, now, encodedHash, keep, f)
}

func (s deadlineStore) LockAccount(ctx context.Context, key string, holder []byte, now, until time.Time) error {
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	return s.Store.LockAccount(ctx, key, holder, now, until)
}

func (s deadlineStore) UnlockAccount(ctx context.Context, key string, holder []byte) error {
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	return s.Store.UnlockAccount(ctx, key, holder)
}

func (s deadlineStore) LockAccounts(ctx context.Context, keys []string, holder []byte, now, until time.Time) ([]string, error) {
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	return s.Store.LockAccounts(ctx, keys, holder, now, until)
}

func (s deadlineStore) UnlockAccounts(ctx context.Context, keys []string, holder []byte) error {
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	return s.Store.UnlockAccounts(ctx, keys, holder)
}

func (s deadlineStore) AccountsByIdentity(ctx context.Context, h []byte) ([]store.AccountIdentity, error) {
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	return s.Store.AccountsByIdentity(ctx, h)
}

func (s deadlineStore) CreateLogin(ctx context.Context, l store.Login, now time.Time) error {
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	return s.Store.CreateLogin(ctx, l, now)
}

func (s deadlineStore) TakeLogin(ctx context.Context, stateHash []byte, now time.Time) (store.Login, error) {
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	return s.Store.TakeLogin(ctx, stateHash, now)
}

func (s deadlineStore) CreateResetSession(ctx context.Context, rs store.ResetSession) error {
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	return s.Store.CreateResetSession(ctx, rs)
}

func (s deadlineStore) ResetSession(ctx context.Context, idHash []byte) (store.ResetSession, error) {
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	return s.Store.ResetSession(ctx, idHash)
}

func (s deadlineStore) ClaimReset(ctx context.Context, idHash []byte, now, until time.Time) error {
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	return s.Store.ClaimReset(ctx, idHash, now, until)
}

func (s deadlineStore) ReleaseReset(ctx context.Context, idHash []byte) error {
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	return s.Store.ReleaseReset(ctx, idHash)
}

func (s deadlineStore) CompleteReset(ctx context.Context, idHash []byte, now time.Time, encodedHash string, keep int, f *store.Followup) error {
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	return s.Store.CompleteReset(ctx, idHash, now, encodedHash, keep, f)
}

func (s deadlineStore) ExtendReset(ctx context.Context, idHash []byte, now, until time.Time) error {
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	return s.Store.ExtendReset(ctx, idHash, now, until)
}

func (s deadlineStore) EndReset(ctx context.Context, idHash []byte, now time.Time) error {
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	return s.Store.EndReset(ctx, idHash, now)
}

// Unavailable passes the store's own judgement of an outage through (see
// handler.storeDown).
func (s deadlineStore) Unavailable(err error) bool {
	u, ok := s.Store.(interface{ Unavailable(error) bool })
	return ok && u.Unavailable(err)
}

// lockLooker is a store that can say who holds a lock a write waited for
// (the SQLite and PostgreSQL stores' Locked).
type lockLooker interface{ Locked(context.Context) string }

// Locked passes the store's own look at a lock held on it through (see
// handler.internal).
func (s deadlineStore) Locked(ctx context.Context) string {
	l, ok := s.Store.(lockLooker)
	if !ok {
		return ""
	}
	return l.Locked(ctx)
}

// The service desk's calls (the API, the import, the reminders' and the
// links' lookups in the person's flows too): a database that hangs kept the
// desk's script waiting as long as its client did. AppendAudit keeps the
// caller's context (without its cancel): an event is written however long
// the store takes, not dropped.

func (s deadlineStore) Activations(ctx context.Context, f store.ActivationFilter) ([]store.ActivationRecord, error) {
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	return s.Store.Activations(ctx, f)
}

func (s deadlineStore) IssueActivations(ctx context.Context, batch []store.Issue) error {
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	return s.Store.IssueActivations(ctx, batch)
}

func (s deadlineStore) Audit(ctx context.Context, f store.AuditFilter) ([]store.AuditEvent, error) {
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	return s.Store.Audit(ctx, f)
}

func (s deadlineStore) Revoke(ctx context.Context, tokenHash []byte, now time.Time) error {
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	return s.Store.Revoke(ctx, tokenHash, now)
}

func (s deadlineStore) SetContact(ctx context.Context, tokenHash []byte, c store.Contact) error {
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	return s.Store.SetContact(ctx, tokenHash, c)
}

func (s deadlineStore) MarkDelivered(ctx context.Context, tokenHash []byte, at time.Time, unconfirmed bool) error {
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	return s.Store.MarkDelivered(ctx, tokenHash, at, unconfirmed)
}

func (s deadlineStore) AddressOnFile(ctx context.Context, institutions []string, username string) (email, lang string, err error) {
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	return s.Store.AddressOnFile(ctx, institutions, username)
}

func (s deadlineStore) PutAddress(ctx context.Context, institution, username, email, lang string, at time.Time) error {
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	return s.Store.PutAddress(ctx, institution, username, email, lang, at)
}
