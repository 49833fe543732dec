package server_test

import (
	"context"
	"log/slog"
	"math"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/internal/syncbuf"
	"github.com/styrke-iam/styrke/server"
	"github.com/styrke-iam/styrke/server/store/pgtest"
	"github.com/styrke-iam/styrke/server/store/postgres"
	"github.com/styrke-iam/styrke/server/store/sqlite/sqlitetest"
)

// gauges gathers m's gauges by name.
func gauges(t *testing.T, m *server.Metrics) map[string]float64 {
	t.Helper()
	fams, err := m.Registry.Gather()
	require.NoError(t, err)
	got := map[string]float64{}
	for _, f := range fams {
		if len(f.Metric) > 0 && f.Metric[0].Gauge != nil {
			got[f.GetName()] = f.Metric[0].Gauge.GetValue()
		}
	}
	return got
}

// newLog is a text logger into a buffer of its own.
func newLog() (*syncbuf.Buffer, *slog.Logger) {
	logs := &syncbuf.Buffer{}
	return logs, slog.New(slog.NewTextHandler(logs, nil))
}

// TestClockOffset: instances on one PostgreSQL write and compare leases
// and expiries by their own clocks, so an instance whose clock is off
// from the database server's says so in its log (once, and again when it
// agrees again) and in a metric; one whose clock agrees says nothing.
func TestClockOffset(t *testing.T) {
	pg, err := pgtest.Start()
	require.NoError(t, err)
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			pg.Stop()
		}
	})
	st, err := postgres.Open(t.Context(), pg.DSN("postgres")) // a server of its own, stopped below
	require.NoError(t, err)
	defer st.Close()

	ahead := func() time.Time { return time.Now().Add(time.Minute) } // this instance's clock a minute fast
	logs, logger := newLog()
	assert.False(t, server.CheckClock(t.Context(), st, time.Now, logger, false), "a clock that agrees")
	assert.Empty(t, logs.String())

	require.True(t, server.CheckClock(t.Context(), st, ahead, logger, false), "a clock a minute fast")
	assert.Contains(t, logs.String(), "level=WARN")
	assert.Contains(t, logs.String(), "clock differs from the database server's")
	assert.Contains(t, logs.String(), "database=\"behind this instance's\"")
	assert.Regexp(t, `offset=-(59\.9|1m0)`, logs.String())

	logs, logger = newLog()
	require.True(t, server.CheckClock(t.Context(), st, ahead, logger, true), "still off")
	assert.Empty(t, logs.String(), "said once, not every 10 minutes")

	require.False(t, server.CheckClock(t.Context(), st, time.Now, logger, true), "corrected")
	assert.Contains(t, logs.String(), "agrees with the database server's again")

	got := gauges(t, server.NewMetrics(st, func() time.Time { return time.Now().Add(-30 * time.Second) }))
	assert.InDelta(t, 30, got["styrke_clock_offset_seconds"], 1, "the database's clock is 30 s ahead of a slow instance's")
	assert.InDelta(t, 0, gauges(t, server.NewMetrics(st, nil))["styrke_clock_offset_seconds"], 1)

	// The database stopped: unknown, said by styrke_store_up; nothing logged.
	pg.Stop()
	stopped = true
	logs, logger = newLog()
	assert.True(t, math.IsNaN(gauges(t, server.NewMetrics(st, nil))["styrke_clock_offset_seconds"]))
	assert.True(t, server.CheckClock(t.Context(), st, time.Now, logger, true), "no answer changes nothing")
	assert.Empty(t, logs.String())
}

// TestClockOffsetSQLite: a store on this machine has no clock of its own
// to compare: no metric, and WatchClock returns at once.
func TestClockOffsetSQLite(t *testing.T) {
	st, err := sqlitetest.Open(t, filepath.Join(t.TempDir(), "styrke.db"))
	require.NoError(t, err)
	defer st.Close()
	_, ok := gauges(t, server.NewMetrics(st, nil))["styrke_clock_offset_seconds"]
	assert.False(t, ok)
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	logs := &syncbuf.Buffer{}
	server.WatchClock(ctx, st, func() time.Time { return time.Now().Add(time.Hour) }, slog.New(slog.NewTextHandler(logs, nil)))
	assert.NoError(t, ctx.Err(), "returned at once")
	assert.Empty(t, logs.String())
}
