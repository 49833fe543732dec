package passhash

import (
	"container/list"
	"context"
	"errors"
	"runtime"
	"strconv"
	"sync"
	"time"
)

// WorkLimits bound the memory-hard work of the whole process: every Hash,
// HashWith, Verify and each verification of MatchAny first takes its
// parameters' memory from one budget, waiting in a first-come, first-served
// queue when the budget is spent. Without it, 40 concurrent password changes
// on accounts with history took a server from 257 MB to 3 GB.
type WorkLimits struct {
	// Memory is how many KiB of Argon2id memory may be in use at once
	// (a hash needing more than all of it runs alone). Default: two
	// hashes with Default parameters per CPU (runtime.GOMAXPROCS), which
	// keeps every core busy while one hash ends and the next begins.
	Memory uint64
	// Queue is how many callers may wait for memory at once; one more gets
	// a *BusyError at once. Default 64; negative means none may wait.
	Queue int
	// Wait is the longest a caller waits before it gets a *BusyError
	// (its context may end it sooner). Default 3 s.
	Wait time.Duration
}

// ErrBusy is what a *BusyError matches with errors.Is.
var ErrBusy = errors.New("passhash: too busy")

// BusyError says the memory-hard work could not start: the queue was full,
// or the wait reached WorkLimits.Wait. Nothing was hashed or verified; the
// caller should answer "try again" (HTTP 503 with Retry-After).
type BusyError struct {
	// RetryAfter is a fair time to wait before trying again.
	RetryAfter time.Duration
	// QueueFull is true when the queue was full, false when the wait
	// timed out.
	QueueFull bool
}

// Error implements error.
func (e *BusyError) Error() string {
	if e.QueueFull {
		return "passhash: too busy: queue full"
	}
	return "passhash: too busy: waited " + strconv.Quote(e.RetryAfter.String())
}

// Is reports whether target is ErrBusy.
func (e *BusyError) Is(target error) bool { return target == ErrBusy }

// SetWorkLimits replaces the process's limits (zero fields take their
// defaults) and returns the ones before. Call it once at start; callers
// already waiting keep the deadline they had.
func SetWorkLimits(l WorkLimits) WorkLimits {
	work.mu.Lock()
	defer work.mu.Unlock()
	old := work.limits
	work.limits = withDefaults(l)
	work.grant()
	return old
}

// QueueLength is how many callers are waiting for memory now.
func QueueLength() int {
	work.mu.Lock()
	defer work.mu.Unlock()
	return work.waiters.Len()
}

// MemoryInUse is how many KiB of Argon2id memory are taken now.
func MemoryInUse() uint64 {
	work.mu.Lock()
	defer work.mu.Unlock()
	return work.used
}

func withDefaults(l WorkLimits) WorkLimits {
	if l.Memory == 0 {
		l.Memory = 2 * uint64(runtime.GOMAXPROCS(0)) * uint64(Default.Memory)
	}
	if l.Queue == 0 {
		l.Queue = 64
	}
	if l.Wait <= 0 {
		l.Wait = 3 * time.Second
	}
	return l
}

// gate is a weighted semaphore with a bounded FIFO queue.
type gate struct {
	mu      sync.Mutex
	limits  WorkLimits
	used    uint64
	peak    uint64    // the most used at once, for tests
	waiters list.List // of *waiter, oldest first
}

type waiter struct {
	need  uint64
	ready chan struct{} // closed once the memory is granted
}

var work = &gate{limits: withDefaults(WorkLimits{})}

// acquire takes kib of the budget, waiting in line if needed, and returns
// the function that gives it back. It fails with a *BusyError or ctx's
// error.
func (g *gate) acquire(ctx context.Context, kib uint64) (func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	g.mu.Lock()
	need := min(kib, g.limits.Memory)
	release := func() {
		g.mu.Lock()
		g.used -= need
		g.grant()
		g.mu.Unlock()
	}
	if g.waiters.Len() == 0 && g.used+need <= g.limits.Memory {
		g.take(need)
		g.mu.Unlock()
		return release, nil
	}
	if g.waiters.Len() >= max(g.limits.Queue, 0) {
		retry := g.limits.Wait
		g.mu.Unlock()
		return nil, &BusyError{RetryAfter: max(retry, time.Second), QueueFull: true}
	}
	w := &waiter{need: need, ready: make(chan struct{})}
	elem := g.waiters.PushBack(w)
	wait := g.limits.Wait
	g.mu.Unlock()

	timer := time.NewTimer(wait)
	defer timer.Stop()
	var err error
	select {
	case <-w.ready:
		return release, nil
	case <-timer.C:
		err = &BusyError{RetryAfter: max(wait, time.Second)}
	case <-ctx.Done():
		err = ctx.Err()
	}
	g.mu.Lock()
	select {
	case <-w.ready: // granted while giving up: give it back
		g.used -= need
	default:
		g.waiters.Remove(elem)
	}
	g.grant()
	g.mu.Unlock()
	return nil, err
}

// take counts need as used (g.mu held).
func (g *gate) take(need uint64) {
	g.used += need
	g.peak = max(g.peak, g.used)
}

// grant lets waiters in, oldest first, while their memory fits (g.mu held).
func (g *gate) grant() {
	for e := g.waiters.Front(); e != nil; e = g.waiters.Front() {
		w := e.Value.(*waiter)
		if g.used+w.need > g.limits.Memory {
			return
		}
		g.take(w.need)
		g.waiters.Remove(e)
		close(w.ready)
	}
}
