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
// HashWith and Verify, and each MatchAny call as a whole, first takes its
// memory from one budget, waiting in a first-come, first-served queue when
// the budget is spent. Without it, 40 concurrent password changes on
// accounts with history took a server from 257 MB to 3 GB.
//
// Verify and MatchAny are where a request is admitted: they wait in the
// bounded queue and are refused when it is full. Hash is how a password
// change ends, after its checks: it waits ahead of them and is never
// refused for a full queue (only for its deadline), so work already done
// for a request is not thrown away by refusing its last step, and under a
// burst the server finishes what it admitted instead of starting
// everything and finishing nothing.
type WorkLimits struct {
	// Memory is how many KiB of Argon2id memory may be in use at once
	// (a hash needing more than all of it runs alone). Default: two
	// hashes with Default parameters per CPU (runtime.GOMAXPROCS), which
	// keeps every core busy while one hash ends and the next begins.
	Memory uint64
	// Queue is how many Verify and MatchAny calls may wait for memory at
	// once; one more gets a *BusyError at once. Default four per hash the
	// Memory holds (at least 8), which keeps the wait near a second;
	// negative means none may wait.
	Queue int
	// Wait is the longest a caller waits before it gets a *BusyError
	// (its context may end it sooner). Default 1 s: with the final hash
	// ahead, a request admitted within it ends in well under 2 s.
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
		l.Queue = max(8, 4*int(l.Memory/uint64(Default.Memory)))
	}
	if l.Wait <= 0 {
		l.Wait = time.Second
	}
	return l
}

// gate is a weighted semaphore with a bounded FIFO queue.
type gate struct {
	mu      sync.Mutex
	limits  WorkLimits
	used    uint64
	peak    uint64    // the most used at once, for tests
	waiters list.List // of *waiter: finishing work first, each part oldest first
	first   int       // how many waiters at the front are finishing work
}

type waiter struct {
	need   uint64
	finish bool          // finishing work: ahead of the rest, never refused for the queue's length
	ready  chan struct{} // closed once the memory is granted
}

var work = &gate{limits: withDefaults(WorkLimits{})}

// acquire takes kib of the budget, waiting in line if needed, and returns
// the function that gives it back. finish marks finishing work (see
// WorkLimits): it waits ahead of the rest and is not refused for a full
// queue. It fails with a *BusyError or ctx's error.
func (g *gate) acquire(ctx context.Context, kib uint64, finish bool) (func(), error) {
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
	ahead := g.waiters.Len() // waiters this caller would queue behind
	if finish {
		ahead = g.first
	}
	if ahead == 0 && g.used+need <= g.limits.Memory {
		g.take(need)
		g.mu.Unlock()
		return release, nil
	}
	if !finish && g.waiters.Len()-g.first >= max(g.limits.Queue, 0) {
		retry := g.limits.Wait
		g.mu.Unlock()
		return nil, &BusyError{RetryAfter: max(retry, time.Second), QueueFull: true}
	}
	w := &waiter{need: need, finish: finish, ready: make(chan struct{})}
	var elem *list.Element
	if finish {
		e := g.waiters.Front()
		for range g.first - 1 {
			e = e.Next()
		}
		if g.first == 0 {
			elem = g.waiters.PushFront(w)
		} else {
			elem = g.waiters.InsertAfter(w, e)
		}
		g.first++
	} else {
		elem = g.waiters.PushBack(w)
	}
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
		g.remove(elem)
	}
	g.grant()
	g.mu.Unlock()
	return nil, err
}

// remove takes a waiter out of the queue (g.mu held).
func (g *gate) remove(e *list.Element) {
	if e.Value.(*waiter).finish {
		g.first--
	}
	g.waiters.Remove(e)
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
		g.remove(e)
		close(w.ready)
	}
}
