package main

import (
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRetentionClockCountsASuspend: serve's retention measures the time
// between its rounds by the clock that goes on while the host is
// suspended (CLOCK_BOOTTIME, the one /proc/uptime reads), not Go's
// monotonic clock (CLOCK_MONOTONIC), which stops then: after a host slept
// for three days, the retention was held back by three days, caught up
// in three more, and the log said the clock had jumped. A suspend cannot
// be made in a test on a shared host; the test holds the retention's
// reading to the boot clock's, which it was not (the time since serve
// started).
func TestRetentionClockCountsASuspend(t *testing.T) {
	raw, err := os.ReadFile("/proc/uptime")
	require.NoError(t, err)
	uptime, err := strconv.ParseFloat(strings.Fields(string(raw))[0], 64)
	require.NoError(t, err)
	require.Greater(t, uptime, 5.0, "the host has been up a while")
	c := newRetentionClock()
	assert.InDelta(t, uptime, c.elapsed().Seconds(), 2, "the retention's reading, in seconds, against /proc/uptime")
}
