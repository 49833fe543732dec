package server

import (
	"context"
	"time"

	"github.com/styrke-iam/styrke/server/store"
)

// DefaultStoreTimeout bounds one store call of the activation flow.
const DefaultStoreTimeout = 5 * time.Second

// deadlineStore gives every call of the activation flow its own deadline,
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

func (s deadlineStore) History(ctx context.Context, username string, limit int) ([]string, error) {
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	return s.Store.History(ctx, username, limit)
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

// Unavailable passes the store's own judgement of an outage through (see
// handler.storeDown).
func (s deadlineStore) Unavailable(err error) bool {
	u, ok := s.Store.(interface{ Unavailable(error) bool })
	return ok && u.Unavailable(err)
}
