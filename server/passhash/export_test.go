package passhash

import "context"

// Acquire takes kib of the work budget as a Verify would, for tests that
// fill it.
func Acquire(ctx context.Context, kib uint64) (func(), error) { return work.acquire(ctx, kib, false) }

// Peak returns the most memory in use at once since the last ResetPeak.
func Peak() uint64 {
	work.mu.Lock()
	defer work.mu.Unlock()
	return work.peak
}

// ResetPeak starts Peak afresh.
func ResetPeak() {
	work.mu.Lock()
	defer work.mu.Unlock()
	work.peak = work.used
}

// AcquireFinishing takes kib as a Hash would (finishing work).
func AcquireFinishing(ctx context.Context, kib uint64) (func(), error) {
	return work.acquire(ctx, kib, true)
}
