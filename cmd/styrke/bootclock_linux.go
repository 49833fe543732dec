package main

import (
	"time"

	"golang.org/x/sys/unix"
)

// sinceBoot returns the time since the host booted by CLOCK_BOOTTIME,
// which, unlike Go's monotonic clock (CLOCK_MONOTONIC), goes on while the
// host is suspended and, like it, is moved by no setting of the wall
// clock; ok is false where it cannot be read.
func sinceBoot() (d time.Duration, ok bool) {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_BOOTTIME, &ts); err != nil {
		return 0, false
	}
	return time.Duration(ts.Nano()), true
}
