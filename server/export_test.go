package server

import (
	"time"

	"github.com/styrke-iam/styrke/server/directory"
)

// SetImportRenew sets how often an import renews its lease, for a test;
// the func it returns puts it back.
func SetImportRenew(d time.Duration) func() {
	old := importRenew
	importRenew = d
	return func() { importRenew = old }
}

// CheckClock is one comparison of WatchClock's, for a test.
var CheckClock = checkClock

// AccountLockKey is the store's lease key of username's account in
// institution's directory of dirs (nil: none), for a test.
func AccountLockKey(dirs *directory.Set, institution, username string) string {
	return accountLockKey(dirs, dirs.For(institution), username)
}
