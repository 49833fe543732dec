package server

import (
	"context"
	"log/slog"
	"time"

	"github.com/styrke-iam/styrke/server/store"
)

// MaxClockOffset is how far this instance's clock may be from the database
// server's (beyond what one round trip leaves unknown) before WatchClock
// warns. The shortest lease instances share is a reset's password write,
// 30 seconds (resetLease); a few seconds of it are slack, and NTP keeps
// clocks within milliseconds.
const MaxClockOffset = 2 * time.Second

// clockCheckEvery is how often WatchClock compares the clocks again: a
// clock that NTP stopped correcting drifts by seconds a day, not a minute.
const clockCheckEvery = 10 * time.Minute

// clockOffset is store.ClockOffset of st when its database has a clock of
// its own (PostgreSQL); ok is false for a store on this machine (SQLite),
// which is read by this machine's clock alone.
func clockOffset(ctx context.Context, st store.Store, now func() time.Time) (offset, roundTrip time.Duration, ok bool, err error) {
	c, ok := st.(store.Clocked)
	if !ok {
		return 0, 0, false, nil
	}
	offset, roundTrip, err = store.ClockOffset(ctx, c, now)
	return offset, roundTrip, true, err
}

// clockOff reports whether offset, measured over roundTrip, is beyond
// MaxClockOffset for certain.
func clockOff(offset, roundTrip time.Duration) bool {
	return offset.Abs()-roundTrip/2 > MaxClockOffset
}

// WatchClock compares this instance's clock (now; nil: time.Now) with the
// database server's at once and then every 10 minutes, until ctx ends. It
// warns when they differ by more than MaxClockOffset, and says so again
// when they agree again: instances write and compare leases and expiries
// by their own clocks (see store.Clocked). It returns at once for a store
// without a clock of its own (SQLite).
func WatchClock(ctx context.Context, st store.Store, now func() time.Time, logger *slog.Logger) {
	if _, ok := st.(store.Clocked); !ok {
		return
	}
	if now == nil {
		now = time.Now
	}
	t := time.NewTicker(clockCheckEvery)
	defer t.Stop()
	warned := false
	for {
		warned = checkClock(ctx, st, now, logger, warned)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// checkClock is one comparison of WatchClock's: warned says whether the
// last one warned, and the result whether this one did or still does.
func checkClock(ctx context.Context, st store.Store, now func() time.Time, logger *slog.Logger, warned bool) bool {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	offset, rtt, _, err := clockOffset(ctx, st, now)
	switch {
	case err != nil:
		// The store's outage is said by /readyz and every request.
	case clockOff(offset, rtt) && !warned:
		logger.Warn("this instance's clock differs from the database server's: instances write and compare leases (30 s to 2 min) and link expiries by their own clocks, so keep every instance's clock and the database's synchronised (NTP)",
			"offset", offset.Round(time.Millisecond).String(), "database", aheadOrBehind(offset), "limit", MaxClockOffset.String())
		return true
	case !clockOff(offset, rtt) && warned:
		logger.Info("this instance's clock agrees with the database server's again", "offset", offset.Round(time.Millisecond).String())
		return false
	}
	return warned
}

// aheadOrBehind says which way the database server's clock is off.
func aheadOrBehind(offset time.Duration) string {
	if offset > 0 {
		return "ahead of this instance's"
	}
	return "behind this instance's"
}
