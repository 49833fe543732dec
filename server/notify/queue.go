package notify

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/styrke-iam/styrke/server/store"
)

// Queue is the worker that delivers the store's queued e-mail: it claims
// due messages (a lease hides them from other workers, also in other
// instances), sends each, and marks it sent, or schedules a retry with
// exponential backoff, or gives up on a permanent failure or after
// MaxAttempts. A message the mail server took whole without confirming it
// (ErrUnconfirmed) is not sent again: it may have arrived, and is recorded
// as sent, its audit event saying "unconfirmed". Messages live in the store, so a restart loses none; a
// message whose worker died mid-send comes back when its lease ends.
// Every message carries one Message-ID on every attempt, so the rare
// duplicate after such a crash is recognisable as one.
type Queue struct {
	Store  store.Store
	Mailer Mailer // nil: messages wait until a mailer is configured
	Logger *slog.Logger
	Now    func() time.Time
	// Backoff is the wait after failed attempt n (1-based); default 30 s
	// doubling to at most 1 h, with up to 10% jitter.
	Backoff func(attempt int) time.Duration
	// MaxAttempts is how many attempts a message gets; default 48 (about
	// two days with the default backoff).
	MaxAttempts int
	// Lease is how long a claimed message stays hidden; default 2 min.
	Lease time.Duration
	// Poll is how often the worker looks for due messages; default 5 s.
	Poll time.Duration
	// OnResult, if set, is called after every attempt (err nil: sent).
	OnResult func(n store.Notification, err error)

	once sync.Once
	kick chan struct{}
}

func (q *Queue) init() {
	q.once.Do(func() {
		q.kick = make(chan struct{}, 1)
		if q.Logger == nil {
			q.Logger = slog.Default()
		}
		if q.Now == nil {
			q.Now = time.Now
		}
		if q.Backoff == nil {
			q.Backoff = DefaultBackoff
		}
		if q.MaxAttempts == 0 {
			q.MaxAttempts = 48
		}
		if q.Lease == 0 {
			q.Lease = 2 * time.Minute
		}
		if q.Poll == 0 {
			q.Poll = 5 * time.Second
		}
	})
}

// DefaultBackoff is 30 s doubling per attempt up to 1 h, plus up to 10%.
func DefaultBackoff(attempt int) time.Duration { return Backoff(30*time.Second, attempt) }

// Backoff is first doubling per attempt up to 1 h (or first, if longer),
// plus up to 10% jitter.
func Backoff(first time.Duration, attempt int) time.Duration {
	d := first
	for i := 1; i < attempt && d < time.Hour; i++ {
		d *= 2
	}
	d = min(d, max(time.Hour, first))
	return d + rand.N(d/10+1)
}

// Kick wakes the worker to look for due messages now (after an enqueue).
func (q *Queue) Kick() {
	q.init()
	select {
	case q.kick <- struct{}{}:
	default:
	}
}

// Run works until ctx ends.
func (q *Queue) Run(ctx context.Context) {
	q.init()
	t := time.NewTicker(q.Poll)
	defer t.Stop()
	// A store that does not answer is logged when it begins and then at
	// most once a minute (every poll's line, 720 an hour, buried the
	// rest), and its end is said.
	var failingSince, logged time.Time
	for {
		for {
			n, err := q.RunOnce(ctx)
			switch {
			case err != nil && ctx.Err() == nil:
				now := time.Now()
				if failingSince.IsZero() {
					failingSince = now
				}
				if logged.IsZero() || now.Sub(logged) >= time.Minute {
					q.Logger.ErrorContext(ctx, "notification queue", "err", err, "failing_for", now.Sub(failingSince).Round(time.Second))
					logged = now
				}
			case err == nil && !failingSince.IsZero():
				q.Logger.InfoContext(ctx, "notification queue works again", "failed_for", time.Since(failingSince).Round(time.Second))
				failingSince, logged = time.Time{}, time.Time{}
			}
			if n == 0 || err != nil {
				break
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-q.kick:
		}
	}
}

// RunOnce claims one batch of due messages, sends them and returns how
// many it claimed.
func (q *Queue) RunOnce(ctx context.Context) (int, error) {
	q.init()
	if q.Mailer == nil {
		return 0, nil
	}
	// One message claimed at a time, up to ten a run, each under a lease of
	// its own that its send (at most half the lease) cannot outlast: ten
	// claimed under one lease and sent one after the other outlived it
	// when the mail server was slow, and another instance sent the rest
	// again.
	sent := 0
	for range 10 {
		if ctx.Err() != nil {
			break
		}
		now := q.Now()
		one, err := q.Store.ClaimNotifications(ctx, now, now.Add(q.Lease), 1)
		if err != nil {
			if sent > 0 {
				return sent, nil
			}
			return 0, err
		}
		if len(one) == 0 {
			break
		}
		n := one[0]
		sent++
		sctx, cancel := context.WithTimeout(ctx, q.Lease/2)
		err = q.Mailer.Send(sctx, Message{To: n.Recipient, Subject: n.Subject, Text: n.Text, HTML: n.HTML, MessageID: n.MessageID})
		cancel()
		// Recording the outcome must not be cut short by shutdown: a sent
		// message not marked sent would go out twice.
		rctx, rcancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		q.record(rctx, n, err)
		rcancel()
		if q.OnResult != nil {
			q.OnResult(n, err)
		}
	}
	return sent, nil
}

func (q *Queue) record(ctx context.Context, n store.Notification, err error) {
	now := q.Now()
	ev := store.AuditEvent{Time: now, Actor: "system", Username: n.Username, Institution: n.Institution, Detail: n.Channel}
	if unconfirmed := errors.Is(err, ErrUnconfirmed); err == nil || unconfirmed {
		if e := q.Store.NotificationSent(ctx, n.ID, now); e != nil {
			q.Logger.ErrorContext(ctx, "notification sent but not recorded", "notification", n.ID, "err", e)
		}
		ev.Event = store.EventNotified
		if unconfirmed {
			ev.Detail = n.Channel + ": " + errorClass(err)
			q.Logger.WarnContext(ctx, "notification sent, unconfirmed: the mail server took it and did not answer in time; not sent again",
				"notification", n.ID, "attempt", n.Attempts, "err", err)
		} else {
			q.Logger.InfoContext(ctx, "notification sent", "notification", n.ID, "attempt", n.Attempts)
		}
	} else {
		giveUp := !Retryable(err) || n.Attempts >= q.MaxAttempts
		next := now.Add(q.Backoff(n.Attempts))
		if e := q.Store.NotificationFailed(ctx, n.ID, next, err.Error(), giveUp); e != nil {
			q.Logger.ErrorContext(ctx, "notification failure not recorded", "notification", n.ID, "err", e)
		}
		if !giveUp {
			q.Logger.WarnContext(ctx, "notification failed; will retry", "notification", n.ID, "attempt", n.Attempts, "next", next, "err", err)
			return
		}
		ev.Event, ev.Detail = store.EventNotifyFailed, n.Channel+": "+errorClass(err)
		q.Logger.ErrorContext(ctx, "notification given up", "notification", n.ID, "attempt", n.Attempts, "err", err)
	}
	if _, e := q.Store.AppendAudit(ctx, ev); e != nil {
		q.Logger.ErrorContext(ctx, "audit", "err", e)
	}
}

// errorClass names err's class without its text (which may quote a
// server's reply).
func errorClass(err error) string {
	for _, c := range []struct {
		err  error
		name string
	}{
		{ErrInvalidRecipient, "invalid recipient"}, {ErrPermanent, "permanent"}, {ErrRateLimited, "rate limited"},
		{ErrTemporary, "temporary"}, {ErrCapReached, "cap reached"}, {ErrNotConfigured, "not configured"},
		{ErrNotTried, "not tried"}, {ErrUnconfirmed, "unconfirmed"},
	} {
		if errors.Is(err, c.err) {
			return c.name
		}
	}
	return "error"
}

// ErrorClass is the short name of a delivery error's class (for the audit
// log and API answers): never the server's text.
func ErrorClass(err error) string { return errorClass(err) }
