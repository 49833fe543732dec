// Package once runs a function once, as sync.Once does, with sync/atomic
// alone: the WebAssembly module then links no sync.Mutex, which sync.Once
// waits on (its locking, unlocking and spinning are 4.5 KB of the module's
// code, for five tables built on first use).
package once

import (
	"runtime"
	"sync/atomic"
)

// The states of a Once.
const (
	idle    = iota // f has not started
	running        // f is running in the call that started it
	done           // f has returned, or panicked
)

// Once runs a function once. Its zero value is ready.
type Once struct {
	state atomic.Uint32
}

// Do calls f if and only if no call of Do on o has called it before, and
// returns when f has returned (or panicked) in whichever call ran it: what
// f wrote happens before Do returns in every call, as with sync.Once.
// Calls that come while f runs yield the processor until it is done (the
// tables take milliseconds to build, once per process). Like sync.Once's,
// a call of Do on o from inside f never returns.
func (o *Once) Do(f func()) {
	if o.state.Load() == done {
		return
	}
	if o.state.CompareAndSwap(idle, running) {
		defer o.state.Store(done)
		f()
		return
	}
	for o.state.Load() != done {
		runtime.Gosched()
	}
}
