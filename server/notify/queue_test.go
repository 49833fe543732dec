package notify_test

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/internal/syncbuf"
	"github.com/styrke-iam/styrke/server/notify"
	"github.com/styrke-iam/styrke/server/notify/smtptest"
	"github.com/styrke-iam/styrke/server/store"
	"github.com/styrke-iam/styrke/server/store/sqlite/sqlitetest"
	"github.com/styrke-iam/styrke/server/store/storetest"
)

// TestQueueOutcomes: a message is sent once; a temporary failure comes
// back after the backoff; a permanent one, or the last attempt, is given up
// and recorded in the audit log by its class, never the server's text.
func TestQueueOutcomes(t *testing.T) {
	tests := []struct {
		name        string
		errs        []error // the mailer's answers, in order
		maxAttempts int
		wantSent    bool
		wantGaveUp  bool
		wantEvent   string
		wantTries   int
	}{
		{"sent", []error{nil}, 5, true, false, store.EventNotified, 1},
		{"temporary then sent", []error{fmt.Errorf("%w: 421 busy", notify.ErrTemporary), nil}, 5, true, false, store.EventNotified, 2},
		{"permanent", []error{fmt.Errorf("%w: 550 no such user secret-reply", notify.ErrInvalidRecipient)}, 5, false, true, store.EventNotifyFailed, 1},
		{"attempts used up", []error{notify.ErrTemporary, notify.ErrTemporary}, 2, false, true, store.EventNotifyFailed, 2},
		// Taken whole, its reply lost: it may have arrived, and is not
		// sent again (a duplicate at every attempt, 48 of them).
		{"unconfirmed", []error{fmt.Errorf("%w: read: i/o timeout", notify.ErrUnconfirmed)}, 5, true, false, store.EventNotified, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := sqlitetest.Open(t, filepath.Join(t.TempDir(), "q.db"))
			require.NoError(t, err)
			defer st.Close()
			now := storetest.T0
			calls := 0
			q := &notify.Queue{
				Store: st, Now: func() time.Time { return now }, MaxAttempts: tt.maxAttempts,
				Backoff: func(int) time.Duration { return time.Minute },
				Mailer: notify.MailerFunc(func(ctx context.Context, m notify.Message) error {
					calls++
					assert.Equal(t, "n1@styrke.test", m.MessageID, "every attempt has the queued Message-ID")
					return tt.errs[min(calls, len(tt.errs))-1]
				}),
			}
			_, err = st.EnqueueNotification(t.Context(), storetest.Notice("n1"))
			require.NoError(t, err)
			for range 5 {
				_, err := q.RunOnce(t.Context())
				require.NoError(t, err)
				now = now.Add(2 * time.Minute)
			}
			assert.Equal(t, tt.wantTries, calls)
			all, err := st.Notifications(t.Context(), 0)
			require.NoError(t, err)
			assert.Equal(t, tt.wantSent, all[0].SentAt != nil)
			assert.Equal(t, tt.wantGaveUp, all[0].GaveUp)
			ev, err := st.Audit(t.Context(), store.AuditFilter{})
			require.NoError(t, err)
			require.Len(t, ev, 1)
			assert.Equal(t, tt.wantEvent, ev[0].Event)
			assert.Equal(t, "system", ev[0].Actor)
			assert.NotContains(t, ev[0].Detail, "secret-reply")
			if tt.name == "unconfirmed" {
				assert.Equal(t, "email: unconfirmed", ev[0].Detail)
			}
		})
	}
}

func TestBackoff(t *testing.T) {
	tests := []struct {
		attempt  int
		min, max time.Duration
	}{
		{1, 30 * time.Second, 33 * time.Second},
		{2, time.Minute, 66 * time.Second},
		{5, 8 * time.Minute, 528 * time.Second},
		{20, time.Hour, 66 * time.Minute},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.attempt), func(t *testing.T) {
			d := notify.DefaultBackoff(tt.attempt)
			assert.GreaterOrEqual(t, d, tt.min)
			assert.LessOrEqual(t, d, tt.max)
		})
	}
}

// TestQueueSlowMailServerSendsOnce: a mail server that answers the end of
// a notice past the time limit has taken it (smtptest delivers it, then
// answers late): the queue sends it once. Every attempt was temporary and
// delivered the notice again, up to 48 times.
func TestQueueSlowMailServerSendsOnce(t *testing.T) {
	st, err := sqlitetest.Open(t, filepath.Join(t.TempDir(), "q.db"))
	require.NoError(t, err)
	defer st.Close()
	s := smtptest.Start(t, smtptest.Options{Mode: smtptest.Plain, DataReplyDelay: 2 * time.Second})
	now := storetest.T0
	q := &notify.Queue{Store: st, Now: func() time.Time { return now }, Backoff: func(int) time.Duration { return time.Minute },
		Mailer: mailer(t, s, func(c *notify.SMTPConfig) { c.Timeout = 500 * time.Millisecond })}
	_, err = st.EnqueueNotification(t.Context(), storetest.Notice("n1"))
	require.NoError(t, err)
	for range 3 {
		_, err := q.RunOnce(t.Context())
		require.NoError(t, err)
		now = now.Add(2 * time.Minute)
	}
	assert.Equal(t, 1, len(s.Messages(t)), "notices delivered")
	all, err := st.Notifications(t.Context(), 0)
	require.NoError(t, err)
	assert.NotNil(t, all[0].SentAt, "not to be tried again")
}

// TestQueueStoreDownLogsOnce: while the store does not answer, the worker
// logs the error once (and again at most a minute later), not at every
// poll (720 lines an hour at the default poll), and says when it works
// again.
func TestQueueStoreDownLogsOnce(t *testing.T) {
	st, err := sqlitetest.Open(t, filepath.Join(t.TempDir(), "q.db"))
	require.NoError(t, err)
	var logs syncbuf.Buffer
	q := &notify.Queue{Store: st, Poll: 5 * time.Millisecond, Logger: slog.New(slog.NewTextHandler(&logs, nil)),
		Mailer: notify.MailerFunc(func(context.Context, notify.Message) error { return nil })}
	require.NoError(t, st.Close()) // every claim fails
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	q.Run(ctx)
	assert.Equal(t, 1, strings.Count(logs.String(), "level=ERROR"), "%s", logs.String())
}

// TestQueueLeaseCoversEachSend: two workers on one store (two instances)
// send each notice once even when sending is slow. A batch of ten was
// claimed under one lease and sent one after the other, each allowed half
// the lease, so the lease ran out under the third and the other instance
// sent it again (the clock here moves 61 s a send; the other worker runs
// after every send of the first).
func TestQueueLeaseCoversEachSend(t *testing.T) {
	st, err := sqlitetest.Open(t, filepath.Join(t.TempDir(), "q.db"))
	require.NoError(t, err)
	defer st.Close()
	now := storetest.T0
	sent := map[string]int{}
	mailer := notify.MailerFunc(func(ctx context.Context, m notify.Message) error {
		sent[m.MessageID]++
		now = now.Add(61 * time.Second)
		return nil
	})
	clock := func() time.Time { return now }
	b := &notify.Queue{Store: st, Now: clock, Mailer: mailer}
	inB := false
	a := &notify.Queue{Store: st, Now: clock, Mailer: mailer, OnResult: func(store.Notification, error) {
		if !inB {
			inB = true
			_, err := b.RunOnce(t.Context())
			require.NoError(t, err)
			inB = false
		}
	}}
	for i := range 10 {
		_, err := st.EnqueueNotification(t.Context(), storetest.Notice(fmt.Sprint("n", i)))
		require.NoError(t, err)
	}
	for range 5 {
		_, err := a.RunOnce(t.Context())
		require.NoError(t, err)
	}
	assert.Len(t, sent, 10, "every notice sent")
	for id, n := range sent {
		assert.Equal(t, 1, n, "%s sent %d times", id, n)
	}
}
