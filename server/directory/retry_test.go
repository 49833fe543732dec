package directory

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestServiceRetryBacksOff: a service-account password refused again and
// again waits twice as long after each refusal (10 minutes, 20, 40, ... up
// to a day): a fixed 10 minutes sent a stale password file's password six
// times an hour, and OpenLDAP's ppolicy, which by default counts failures
// until a successful bind, locked the service account within the hour.
func TestServiceRetryBacksOff(t *testing.T) {
	for _, tc := range []struct {
		refusals int
		want     time.Duration
	}{
		{1, 10 * time.Minute},
		{2, 20 * time.Minute},
		{3, 40 * time.Minute},
		{8, 1280 * time.Minute},
		{9, MaxServiceRetry},
		{1000, MaxServiceRetry},
	} {
		assert.Equal(t, tc.want, serviceWait(tc.refusals), "after %d refusals", tc.refusals)
	}

	const stale = "Stale!Passw0rd-2025"
	for _, tc := range []struct {
		name     string
		refusals int
		ago      time.Duration
		sent     bool
	}{
		{"first refusal, 15 minutes ago", 1, 15 * time.Minute, true},
		{"second refusal, 15 minutes ago", 2, 15 * time.Minute, false},
		{"second refusal, 25 minutes ago", 2, 25 * time.Minute, true},
		{"tenth refusal, 23 hours ago", 10, 23 * time.Hour, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := &LDAP{password: stale, refused: stale, refusedAt: time.Now().Add(-tc.ago),
				refusedErr: errors.New("refused"), refusals: tc.refusals}
			pw, err := d.servicePassword()
			if tc.sent {
				assert.NoError(t, err)
				assert.Equal(t, stale, pw)
				return
			}
			assert.Error(t, err)
			assert.Empty(t, pw)
			assert.NotContains(t, err.Error(), stale)
		})
	}
}

// TestServiceRetryOneAtATime: once a refused service-account password's
// wait has passed, one call sends it again, and the others get the
// refusal until that call has ended. Every call made before the retry's
// answer sent it: a retry under load (probes, requests, the expiry run) was
// a burst of failed binds, and one burst was enough for a password policy
// that locks after three to five.
func TestServiceRetryOneAtATime(t *testing.T) {
	const stale = "Stale!Passw0rd-2025"
	refused := func(addr string) *LDAP {
		return &LDAP{addr: addr, timeout: time.Second, tls: &tls.Config{}, password: stale, refused: stale,
			refusedAt: time.Now().Add(-15 * time.Minute), refusedErr: errors.New("refused"), refusals: 1}
	}
	t.Run("calls while the retry is under way", func(t *testing.T) {
		d := refused("")
		const calls = 8
		sent := 0
		for range calls {
			pw, err := d.servicePassword()
			if err == nil {
				sent++
				assert.Equal(t, stale, pw)
				continue
			}
			assert.Empty(t, pw)
			assert.NotContains(t, err.Error(), stale)
		}
		assert.Equal(t, 1, sent, "of %d calls after the wait, how many sent the refused password", calls)
	})
	t.Run("a retry that ended without an answer", func(t *testing.T) {
		// Nothing listens there: the retry's connection fails, and the
		// next call may try again.
		l, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		addr := l.Addr().String()
		require.NoError(t, l.Close())
		d := refused(addr)
		_, err = d.service(context.Background())
		require.ErrorIs(t, err, ErrUnavailable)
		pw, err := d.servicePassword()
		assert.NoError(t, err, "the call after a retry that could not connect")
		assert.Equal(t, stale, pw)
	})
}

// TestBindTimes: the time an answer without a bind takes is one of the
// refused binds' kept, the last 32 of them, and firstBindWait while none is
// kept (0 until 2026-12-05: an unknown username was answered at once after
// a start); the first refused bind kept is answered after firstBindWait
// too, the later ones at once; the wait ends with its context.
func TestBindTimes(t *testing.T) {
	var b bindTimes
	assert.Equal(t, firstBindWait, b.sample(), "none kept")
	start := time.Now()
	b.waitIfNone(context.Background(), start)
	assert.GreaterOrEqual(t, time.Since(start), firstBindWait, "none kept: a locked account's answer waits")
	start = time.Now()
	b.refused(context.Background(), start)
	assert.GreaterOrEqual(t, time.Since(start), firstBindWait, "the first refused bind's answer waits")
	start = time.Now()
	b.waitIfNone(context.Background(), start)
	b.refused(context.Background(), start)
	assert.Less(t, time.Since(start), firstBindWait, "one kept: no wait of firstBindWait")
	for i := range 40 {
		b.record(time.Duration(i) * time.Millisecond)
	}
	for range 200 {
		s := b.sample()
		assert.True(t, s >= 8*time.Millisecond && s < 40*time.Millisecond, "sample %v: one of the last 32", s)
	}
	b.record(time.Hour)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	done := make(chan struct{})
	go func() {
		for range 100 { // the hour is drawn now and then
			b.waitAsABind(ctx, time.Now())
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(time.Minute):
		t.Fatal("the wait outlived its context")
	}
}
