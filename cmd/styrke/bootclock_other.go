//go:build !linux

package main

import "time"

// sinceBoot is CLOCK_BOOTTIME's reading on Linux; elsewhere ok is false,
// and the retention measures by Go's monotonic clock, which may stop while
// the host is suspended.
func sinceBoot() (d time.Duration, ok bool) { return 0, false }
