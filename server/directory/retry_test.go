package directory

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
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
