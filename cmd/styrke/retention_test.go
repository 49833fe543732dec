package main

import (
	"bytes"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/internal/syncbuf"
	"github.com/styrke-iam/styrke/server/store"
	"github.com/styrke-iam/styrke/server/store/backend"
	"github.com/styrke-iam/styrke/server/store/pgtest"
)

const (
	auditKeep  = 400 * 24 * time.Hour // --audit-retention's default
	recordKeep = 90 * 24 * time.Hour  // --record-retention's default
)

// retentionStores opens a fresh SQLite store and a fresh PostgreSQL one
// (on a pgtest server of the test's own).
func retentionStores(t *testing.T) map[string]func(t *testing.T) store.Store {
	out := map[string]func(t *testing.T) store.Store{}
	for name, dsn := range retentionDSNs(t) {
		out[name] = func(t *testing.T) store.Store {
			st, err := backend.Open(t.Context(), dsn(t))
			require.NoError(t, err)
			t.Cleanup(func() { st.Close() })
			return st
		}
	}
	return out
}

// retentionDSNs names a fresh SQLite store and a fresh PostgreSQL one (on
// a pgtest server of the test's own), as --db takes them.
func retentionDSNs(t *testing.T) map[string]func(t *testing.T) string {
	pg, err := pgtest.Start()
	require.NoError(t, err)
	t.Cleanup(func() { pg.Stop() })
	return map[string]func(t *testing.T) string{
		"SQLite":     func(t *testing.T) string { return "sqlite:" + filepath.Join(t.TempDir(), "styrke.db") },
		"PostgreSQL": func(t *testing.T) string { return pg.Database(t) },
	}
}

// clockAt is a retention clock that reads now.
func clockAt(now time.Time) *retentionClock {
	return &retentionClock{now: func() time.Time { return now }, elapsed: func() time.Duration { return 0 }}
}

// fakeClock is a retention clock whose readings the test sets: wall, this
// instance's clock, and elapsed, the time since it was made by one that
// does not jump.
type fakeClock struct {
	wall    time.Time
	elapsed time.Duration
}

func (f *fakeClock) clock() *retentionClock {
	return &retentionClock{now: func() time.Time { return f.wall }, elapsed: func() time.Duration { return f.elapsed }}
}

// kept puts in st, at real time now, what the retention keeps: five
// events of the last five days, a link that expired unused 10 days ago
// (ended, kept 90 days) and one still open for 30 days; and what it
// deletes: an event 401 days old and a link that expired 100 days ago.
func kept(t *testing.T, st store.Store, now time.Time) {
	t.Helper()
	for _, age := range []int{401, 4, 3, 2, 1, 0} {
		record(t, st, now.Add(-time.Duration(age)*24*time.Hour))
	}
	for i, expires := range []time.Time{now.Add(-100 * 24 * time.Hour), now.Add(-10 * 24 * time.Hour), now.Add(30 * 24 * time.Hour)} {
		h := make([]byte, 32)
		h[0] = byte(i + 1)
		require.NoError(t, st.CreateActivation(t.Context(), store.Activation{TokenHash: h, Username: fmt.Sprint("link", i), Name: "N",
			Institution: "default", CreatedAt: expires.Add(-72 * time.Hour), ExpiresAt: expires}))
	}
}

// record appends an audit event at at, as a request served then would.
func record(t *testing.T, st store.Store, at time.Time) {
	t.Helper()
	_, err := st.AppendAudit(t.Context(), store.AuditEvent{Time: at, Event: store.EventCreated, Actor: "system"})
	require.NoError(t, err)
}

// assertKept checks that the store holds events audit events and the two
// links kept puts there that the retention keeps.
func assertKept(t *testing.T, st store.Store, events int, when string) {
	t.Helper()
	got, err := st.Audit(t.Context(), store.AuditFilter{})
	require.NoError(t, err)
	assert.Len(t, got, events, "audit events %s", when)
	links, err := st.Activations(t.Context(), store.ActivationFilter{})
	require.NoError(t, err)
	assert.Len(t, links, 2, "links %s: want the one ended 10 days ago and the open one", when)
}

// TestPruneClockAhead: on an instance whose clock is two years ahead from
// its start (a host set wrong), serve's retention deletes nothing the
// retention keeps, at its first round and at the next, after requests
// recorded events by the wrong clock; it deletes what the retention does
// not keep, and warns naming the clock. It deleted every audit event and
// every ended link, and the open ones, of the store every instance
// shares.
func TestPruneClockAhead(t *testing.T) {
	for name, open := range retentionStores(t) {
		t.Run(name, func(t *testing.T) {
			st := open(t)
			now := time.Now()
			kept(t, st, now)
			fake := &fakeClock{wall: now.AddDate(2, 0, 0)}
			clock := fake.clock()
			var logs syncbuf.Buffer
			logger := slog.New(slog.NewTextHandler(&logs, nil))

			prune(t.Context(), st, clock, auditKeep, recordKeep, logger)
			assertKept(t, st, 5, "at the first round")
			assert.Contains(t, logs.String(), "level=WARN")
			assert.Regexp(t, `held_back=175[0-9]{2}h`, logs.String(), "two years")
			if name == "SQLite" {
				assert.Contains(t, logs.String(), "this instance's clock is ahead of the newest audit event")
			} else {
				assert.Contains(t, logs.String(), "this instance's clock is ahead of the database server's")
			}

			record(t, st, fake.wall) // a request served by the wrong clock
			fake.wall, fake.elapsed = fake.wall.Add(pruneEvery), pruneEvery
			prune(t.Context(), st, clock, auditKeep, recordKeep, logger)
			assertKept(t, st, 6, "at the next round, after an event recorded by the wrong clock")
			assert.Equal(t, 1, strings.Count(logs.String(), "level=WARN"), "warned once: %s", logs.String())
		})
	}
}

// TestPruneClockJumps: a clock that jumps two years ahead while serve
// runs (a wrong NTP answer) moves the retention only as far as the time
// that passed, also after requests recorded events by it; back at the
// right time, the retention deletes by the clock again and says so.
func TestPruneClockJumps(t *testing.T) {
	for name, open := range retentionStores(t) {
		t.Run(name, func(t *testing.T) {
			st := open(t)
			now := time.Now()
			kept(t, st, now)
			fake := &fakeClock{wall: now}
			clock := fake.clock()
			var logs syncbuf.Buffer
			logger := slog.New(slog.NewTextHandler(&logs, nil))

			prune(t.Context(), st, clock, auditKeep, recordKeep, logger)
			assertKept(t, st, 5, "by the right clock")
			assert.NotContains(t, logs.String(), "level=WARN")

			fake.wall, fake.elapsed = now.AddDate(2, 0, 0), time.Minute
			record(t, st, fake.wall) // a request served by the wrong clock
			fake.wall, fake.elapsed = fake.wall.Add(pruneEvery), pruneEvery
			prune(t.Context(), st, clock, auditKeep, recordKeep, logger)
			assertKept(t, st, 6, "after the jump")
			assert.Contains(t, logs.String(), "level=WARN")
			if name == "SQLite" {
				assert.Contains(t, logs.String(), "this instance's clock moved further ahead than the time that passed since the round before")
			}

			fake.wall, fake.elapsed = now.Add(2*pruneEvery), 2*pruneEvery
			prune(t.Context(), st, clock, auditKeep, recordKeep, logger)
			assertKept(t, st, 6, "corrected")
			assert.Contains(t, logs.String(), "the retention deletes by this instance's clock again")
		})
	}
}

// TestPruneQuietSpell: where nothing was recorded for a month before serve
// started, the retention counts from the newest event, not the clock (it
// cannot tell a quiet month from a clock a month ahead): it deletes a
// month late and says so. The next start counts from where the retention
// was (store.RetentionMark), and a running serve catches the lag up at
// twice the monotonic clock's pace: after 15 days, by the clock again.
func TestPruneQuietSpell(t *testing.T) {
	for name, open := range retentionStores(t) {
		t.Run(name, func(t *testing.T) {
			st := open(t)
			now := time.Now()
			month := 30 * 24 * time.Hour
			record(t, st, now.Add(-auditKeep-time.Hour)) // beyond the retention
			record(t, st, now.Add(-auditKeep-2*month))   // beyond it by the newest event's time too
			record(t, st, now.Add(-month))               // the newest
			var logs syncbuf.Buffer
			prune(t.Context(), st, clockAt(now), auditKeep, 0, slog.New(slog.NewTextHandler(&logs, nil)))
			events, err := st.Audit(t.Context(), store.AuditFilter{})
			require.NoError(t, err)
			assert.Len(t, events, 2, "the event 400 days and an hour old is kept, a month late")
			assert.Contains(t, logs.String(), "this instance's clock is ahead of the newest audit event")
			assert.Contains(t, logs.String(), "held_back=720h0m0s")

			record(t, st, now)
			fake := &fakeClock{wall: now.Add(time.Minute)}
			clock := fake.clock()
			prune(t.Context(), st, clock, auditKeep, 0, slog.New(slog.NewTextHandler(&logs, nil)))
			events, err = st.Audit(t.Context(), store.AuditFilter{})
			require.NoError(t, err)
			assert.Len(t, events, 3, "at the next start, still from where the retention was")
			assert.Contains(t, logs.String(), "this instance's clock is ahead of the time the retention counted from when serve last ran")

			fake.wall, fake.elapsed = now.Add(15*24*time.Hour+time.Minute), 15*24*time.Hour
			prune(t.Context(), st, clock, auditKeep, 0, slog.New(slog.NewTextHandler(&logs, nil)))
			events, err = st.Audit(t.Context(), store.AuditFilter{})
			require.NoError(t, err)
			assert.Len(t, events, 2, "caught up: the event 400 days and an hour old goes")
		})
	}
}

// TestPruneRestartWithClockAhead: the review's case. serve runs with the
// right clock; the host's clock jumps two years ahead and a request
// records an event by it; serve is started again while the clock is still
// wrong (the warning of the running one invited the restart). The first
// round of the new start believed the newest event, recorded by the wrong
// clock, and deleted 5 of the 6 events the retention keeps and both links
// kept, one of them open; now it counts from where the retention was when
// serve last ran, and deletes nothing it keeps.
func TestPruneRestartWithClockAhead(t *testing.T) {
	for name, open := range retentionStores(t) {
		t.Run(name, func(t *testing.T) {
			st := open(t)
			now := time.Now()
			kept(t, st, now)
			var logs syncbuf.Buffer
			logger := slog.New(slog.NewTextHandler(&logs, nil))
			prune(t.Context(), st, clockAt(now), auditKeep, recordKeep, logger)
			assertKept(t, st, 5, "by the right clock")

			wrong := now.AddDate(2, 0, 0)
			record(t, st, wrong) // a request served by the wrong clock
			if name == "PostgreSQL" {
				// The database server's clock bounds it there anyway.
				prune(t.Context(), st, clockAt(wrong.Add(time.Minute)), auditKeep, recordKeep, logger)
				assertKept(t, st, 6, "started again with the clock still wrong")
				return
			}
			prune(t.Context(), st, clockAt(wrong.Add(time.Minute)), auditKeep, recordKeep, logger)
			assertKept(t, st, 6, "started again with the clock still wrong")
			assert.Contains(t, logs.String(), "this instance's clock is ahead of the time the retention counted from when serve last ran")
		})
	}
}

// TestPruneByDatabaseClock: an instance that starts with its clock two
// years ahead, on a PostgreSQL store where it (or another such instance)
// has already recorded events by that clock, deletes by the database
// server's clock: the newest event no longer tells it the clock is wrong.
func TestPruneByDatabaseClock(t *testing.T) {
	st := retentionStores(t)["PostgreSQL"](t)
	now := time.Now()
	kept(t, st, now)
	record(t, st, now.AddDate(2, 0, 0))
	var logs syncbuf.Buffer
	prune(t.Context(), st, clockAt(now.AddDate(2, 0, 0).Add(time.Hour)), auditKeep, recordKeep, slog.New(slog.NewTextHandler(&logs, nil)))
	assertKept(t, st, 6, "by the database server's clock")
	assert.Contains(t, logs.String(), "this instance's clock is ahead of the database server's")
}

// TestAuditPruneClockAhead: styrke audit prune --older-than counts back
// from the time serve's retention would, not from this machine's clock:
// on a host whose clock is two years ahead, it deletes only what the
// retention does not keep (the event 401 days old), after serve has run
// (its mark) and before it ever ran (the newest event), and says why it
// held back. It deleted all 6 events by the clock, on SQLite and
// PostgreSQL. By a right clock it deletes what it did.
func TestAuditPruneClockAhead(t *testing.T) {
	for name, dsn := range retentionDSNs(t) {
		for _, tc := range []struct {
			name     string
			ahead    time.Duration // how far the machine's clock is ahead of the right time
			serveRan bool          // whether serve's retention ran (store.RetentionMark)
			why      string        // the reason said, "" for none
		}{
			{"clock ahead, after serve ran", 2 * 365 * 24 * time.Hour, true, "ahead of the time the retention counted from when serve last ran"},
			{"clock ahead, serve never ran", 2 * 365 * 24 * time.Hour, false, "ahead of the newest audit event"},
			{"clock right", 0, true, ""},
		} {
			t.Run(name+"/"+tc.name, func(t *testing.T) {
				dsn := dsn(t)
				st, err := backend.Open(t.Context(), dsn)
				require.NoError(t, err)
				defer st.Close()
				right := time.Now().Add(-tc.ahead)
				if tc.serveRan {
					prune(t.Context(), st, clockAt(right), auditKeep, recordKeep, slog.New(slog.DiscardHandler))
				}
				kept(t, st, right) // requests after serve's last round
				before, err := st.Audit(t.Context(), store.AuditFilter{})
				require.NoError(t, err)

				var stdout, stderr bytes.Buffer
				err = run(t.Context(), []string{"audit", "prune", "--older-than", "400d", "--db", dsn},
					func(string) string { return "" }, nil, &stdout, &stderr)
				require.NoError(t, err, stderr.String())
				after, err := st.Audit(t.Context(), store.AuditFilter{})
				require.NoError(t, err)
				assert.Len(t, after, len(before)-1, "only the event 401 days old goes; stderr: %s", stderr.String())
				assert.Contains(t, stderr.String(), "1 events deleted")
				if tc.why == "" {
					assert.NotContains(t, stderr.String(), "earlier than this machine's clock")
					return
				}
				assert.Contains(t, stderr.String(), "earlier than this machine's clock")
				assert.Contains(t, stderr.String(), tc.why)
				assert.Regexp(t, `held back 175[0-9]{2}h`, stderr.String())
				mark, err := st.RetentionMark(t.Context())
				require.NoError(t, err)
				if tc.serveRan {
					assert.WithinDuration(t, right, mark, time.Minute, "the command leaves serve's mark where it was")
				} else {
					assert.True(t, mark.IsZero(), "the command sets no mark: %v", mark)
				}
			})
		}
	}
}

// TestPruneAfterAPause: three days that the clock that counts a host's
// suspend saw pass (a suspend) leave the retention by the clock, without a
// warning; three days it did not see (a virtual machine paused, or a clock
// set forward) hold it back, with a warning that names those, not a jump
// of the clock alone. SQLite: a PostgreSQL server's clock would bound it
// first.
func TestPruneAfterAPause(t *testing.T) {
	st := retentionStores(t)["SQLite"](t)
	now := time.Now()
	kept(t, st, now)
	fake := &fakeClock{wall: now}
	clock := fake.clock()
	var logs syncbuf.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, nil))
	prune(t.Context(), st, clock, auditKeep, recordKeep, logger)

	days := 3 * 24 * time.Hour
	fake.wall, fake.elapsed = now.Add(days), days
	prune(t.Context(), st, clock, auditKeep, recordKeep, logger)
	assert.NotContains(t, logs.String(), "level=WARN", "a suspend the boot clock counted")

	fake.wall, fake.elapsed = fake.wall.Add(days), fake.elapsed+pruneEvery
	prune(t.Context(), st, clock, auditKeep, recordKeep, logger)
	assert.Contains(t, logs.String(), "level=WARN")
	assert.Contains(t, logs.String(), "this instance's clock moved further ahead than the time that passed since the round before")
	assert.Contains(t, logs.String(), "a virtual machine paused")
	assert.NotContains(t, logs.String(), "jumped")
	assertKept(t, st, 5, "after the pause")
}
