package server

import "time"

// SetImportRenew sets how often an import renews its lease, for a test;
// the func it returns puts it back.
func SetImportRenew(d time.Duration) func() {
	old := importRenew
	importRenew = d
	return func() { importRenew = old }
}

// CheckClock is one comparison of WatchClock's, for a test.
var CheckClock = checkClock
