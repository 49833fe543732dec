package passhash_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/server/passhash"
)

// limit sets the process's work limits for one test.
func limit(t *testing.T, l passhash.WorkLimits) {
	t.Helper()
	old := passhash.SetWorkLimits(l)
	t.Cleanup(func() { passhash.SetWorkLimits(old) })
	passhash.ResetPeak()
}

// waitQueue polls until n callers wait for memory.
func waitQueue(t *testing.T, n int) {
	t.Helper()
	require.Eventually(t, func() bool { return passhash.QueueLength() == n }, 5*time.Second, time.Millisecond, "queue length %d", n)
}

// TestWorkBounded: however many hash at once, the memory in use stays
// within the budget (issue 15 item 2: 40 concurrent completes took 3 GB).
func TestWorkBounded(t *testing.T) {
	p := passhash.Params{Memory: 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}
	limit(t, passhash.WorkLimits{Memory: 3 * 1024, Queue: 100, Wait: 30 * time.Second})
	enc := mustHash(t, "x", p)
	var wg sync.WaitGroup
	errs := make(chan error, 60)
	for i := range 60 {
		wg.Go(func() {
			var err error
			if i%2 == 0 {
				_, err = passhash.HashWith("password", p)
			} else {
				_, err = passhash.MatchAny(context.Background(), "password", []string{enc, enc})
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		assert.NoError(t, err)
	}
	assert.LessOrEqual(t, passhash.Peak(), uint64(3*1024), "peak memory in KiB")
	assert.Positive(t, passhash.Peak())
	assert.Zero(t, passhash.MemoryInUse(), "all given back")
	assert.Zero(t, passhash.QueueLength())
}

// TestWorkBusy: a full queue and a wait past the deadline are a *BusyError
// at once and after the deadline; a cancelled wait is the context's error.
// None leaves anything taken or queued.
func TestWorkBusy(t *testing.T) {
	t.Run("queue full", func(t *testing.T) {
		enc := mustHash(t, "x", cheap)
		limit(t, passhash.WorkLimits{Memory: 1024, Queue: 1, Wait: time.Minute})
		release, err := passhash.Acquire(context.Background(), 1024)
		require.NoError(t, err)
		waiterDone := make(chan error, 1)
		go func() {
			_, err := passhash.Verify("waiting", enc)
			waiterDone <- err
		}()
		waitQueue(t, 1)
		_, err = passhash.Verify("one too many", enc)
		var be *passhash.BusyError
		require.ErrorAs(t, err, &be)
		assert.ErrorIs(t, err, passhash.ErrBusy)
		assert.True(t, be.QueueFull)
		assert.GreaterOrEqual(t, be.RetryAfter, time.Second)
		// Finishing work (Hash) is never refused for the queue's length, and
		// goes ahead of the waiting Verify.
		hashDone := make(chan error, 1)
		go func() {
			_, err := passhash.HashWith("finishing", cheap)
			hashDone <- err
		}()
		waitQueue(t, 2)
		release()
		require.NoError(t, <-hashDone)
		require.NoError(t, <-waiterDone, "the waiter in the queue gets its turn")
		assert.Zero(t, passhash.MemoryInUse())
	})
	t.Run("deadline", func(t *testing.T) {
		limit(t, passhash.WorkLimits{Memory: 1024, Queue: 10, Wait: 50 * time.Millisecond})
		release, err := passhash.Acquire(context.Background(), 1024)
		require.NoError(t, err)
		defer release()
		start := time.Now()
		_, err = passhash.Hash("too late")
		var be *passhash.BusyError
		require.ErrorAs(t, err, &be)
		assert.False(t, be.QueueFull)
		assert.GreaterOrEqual(t, time.Since(start), 50*time.Millisecond)
		assert.Zero(t, passhash.QueueLength())
	})
	t.Run("history check busy is not 'no match'", func(t *testing.T) {
		enc := mustHash(t, "reused", cheap)
		limit(t, passhash.WorkLimits{Memory: 64, Queue: 10, Wait: 20 * time.Millisecond})
		release, err := passhash.Acquire(context.Background(), 64)
		require.NoError(t, err)
		defer release()
		ok, err := passhash.MatchAny(context.Background(), "reused", []string{enc, enc, enc})
		assert.False(t, ok)
		assert.ErrorIs(t, err, passhash.ErrBusy)
	})
	t.Run("cancelled while waiting", func(t *testing.T) {
		enc := mustHash(t, "reused", cheap)
		limit(t, passhash.WorkLimits{Memory: 64, Queue: 10, Wait: time.Minute})
		release, err := passhash.Acquire(context.Background(), 64)
		require.NoError(t, err)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() {
			_, err := passhash.MatchAny(ctx, "reused", []string{enc})
			done <- err
		}()
		waitQueue(t, 1)
		cancel()
		assert.ErrorIs(t, <-done, context.Canceled, "the one entry was never checked: the answer is unknown")
		assert.Zero(t, passhash.QueueLength())
		release()
		assert.Zero(t, passhash.MemoryInUse())
	})
	t.Run("a hash larger than the budget runs alone", func(t *testing.T) {
		limit(t, passhash.WorkLimits{Memory: 32, Queue: 10, Wait: time.Minute})
		_, err := passhash.HashWith("big", cheap) // 64 KiB > 32
		require.NoError(t, err)
	})
}

// TestWorkFIFO: waiters are let in in the order they came, finishing work
// (Hash) ahead of the rest.
func TestWorkFIFO(t *testing.T) {
	limit(t, passhash.WorkLimits{Memory: 64, Queue: 10, Wait: time.Minute})
	release, err := passhash.Acquire(context.Background(), 64)
	require.NoError(t, err)
	order := make(chan string, 4)
	for i := range 3 {
		go func() {
			r, err := passhash.Acquire(context.Background(), 64)
			if err == nil {
				order <- "verify" + string(rune('0'+i))
				r()
			}
		}()
		waitQueue(t, i+1)
	}
	go func() {
		r, err := passhash.AcquireFinishing(context.Background(), 64)
		if err == nil {
			order <- "hash"
			r()
		}
	}()
	waitQueue(t, 4)
	release()
	assert.Equal(t, []string{"hash", "verify0", "verify1", "verify2"}, []string{<-order, <-order, <-order, <-order})
}
