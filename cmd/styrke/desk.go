package main

import (
	"context"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/styrke-iam/styrke/policy"
	"github.com/styrke-iam/styrke/server"
	"github.com/styrke-iam/styrke/server/notify"
	"github.com/styrke-iam/styrke/server/store"
)

// deskConfig is the delivery configuration that `serve` and the
// `activation` commands share; every flag is also STYRKE_NAME.
type deskConfig struct {
	smtpURL, smtpCA, mailFrom, smtpTimeout       string
	twilioAccount, twilioKey, twilioSecret       string
	twilioFrom, twilioService, twilioURL         string
	templates, orgName, serviceDesk, smsDailyCap string
	adminKeysFile                                string
	activationCode                               string
	institutions                                 string
}

func (c *deskConfig) flags(fs *flag.FlagSet, getenv func(string) string) {
	envString(fs, getenv, &c.smtpURL, "smtp-url", "", "SMTP server for e-mail: smtp://user:pass@host:587 (STARTTLS), smtps://...:465 (implicit TLS), smtp+plain://127.0.0.1:25")
	envString(fs, getenv, &c.smtpCA, "smtp-ca-file", "", "PEM file of CA certificates for the SMTP server (default: the system's)")
	envString(fs, getenv, &c.smtpTimeout, "smtp-timeout", "15s", "time limit of connecting to the SMTP server and of each command; a reply to the end of a message that does not come within it leaves the delivery unconfirmed (it may have arrived), not failed")
	envString(fs, getenv, &c.mailFrom, "mail-from", "", "sender of e-mail, e.g. \"Utfjord IT <it@utfjord.kommune.no>\"")
	envString(fs, getenv, &c.twilioAccount, "twilio-account-sid", "", "Twilio account SID (AC...) for SMS")
	envString(fs, getenv, &c.twilioKey, "twilio-api-key", "", "Twilio API key SID (SK...); empty: authenticate with the account SID")
	envString(fs, getenv, &c.twilioSecret, "twilio-secret", "", "Twilio API key secret or auth token")
	envString(fs, getenv, &c.twilioFrom, "twilio-from", "", "SMS sender: a number or an alphanumeric sender id")
	envString(fs, getenv, &c.twilioService, "twilio-messaging-service", "", "Twilio messaging service SID (MG...), instead of --twilio-from")
	envString(fs, getenv, &c.twilioURL, "twilio-url", notify.TwilioURL, "base URL of Twilio's API")
	envString(fs, getenv, &c.smsDailyCap, "sms-daily-cap", "500", "SMS each institution may send a day; 0 disables SMS")
	envString(fs, getenv, &c.templates, "templates", "", "folder of message templates and institutions.json overriding the built-in ones")
	envString(fs, getenv, &c.orgName, "org-name", "", "display name of the institution in messages (default: the policy's name, e.g. \"UiT Norges arktiske universitet\")")
	envString(fs, getenv, &c.serviceDesk, "service-desk", "", "how to reach the service desk, one line without a label, such as 'Orakel, 22 84 00 00, orakel@uio.example' (in messages and on the pages, after «Brukerstøtte:»)")
	servedFlag(fs, getenv, &c.institutions)
	envString(fs, getenv, &c.activationCode, "activation-code", "", "links issued with both an e-mail address and a phone number need a one-time code by SMS unless asked otherwise: 'all', or institution ids, comma-separated")
}

// build makes the Desk's dependencies. It fails on anything misconfigured
// (a wrong URL, an unreadable CA file) at start-up rather than at the first
// message.
func (c *deskConfig) build() (server.DeskDeps, error) {
	var d server.DeskDeps
	if c.templates != "" {
		if fi, err := os.Stat(c.templates); err != nil || !fi.IsDir() {
			return d, fmt.Errorf("--templates: %s is no folder (a typo would lose the institution's own texts)", c.templates)
		}
	}
	tp, err := notify.LoadTemplates(c.templates, notify.Profile{Name: c.orgName, ServiceDesk: c.serviceDesk})
	if err != nil {
		return d, err
	}
	d.Templates = tp
	if d.Institutions, err = parseServed(c.institutions); err != nil {
		return d, err
	}
	if d.CodeByDefault, err = parseInstitutions(c.activationCode); err != nil {
		return d, fmt.Errorf("--activation-code: %w", err)
	}
	n, err := strconv.Atoi(c.smsDailyCap)
	if err != nil || n < 0 {
		return d, fmt.Errorf("--sms-daily-cap must be a number >= 0")
	}
	d.SMSDailyCap = n
	if n == 0 {
		d.SMSDailyCap = -1
	}
	if c.smtpURL != "" {
		cfg, err := notify.ParseSMTPURL(c.smtpURL)
		if err != nil {
			return d, fmt.Errorf("--smtp-url: %w", err)
		}
		if cfg.TLS == notify.NoTLS && cfg.Username != "" && !isLoopbackHost(cfg.Host) {
			return d, errors.New("--smtp-url: smtp+plain sends the password unencrypted; only to a relay on loopback (127.0.0.1, ::1, localhost), or use smtp:// (STARTTLS) or smtps://")
		}
		if c.mailFrom == "" {
			return d, errors.New("--mail-from is required with --smtp-url")
		}
		cfg.From = c.mailFrom
		if cfg.Timeout, err = time.ParseDuration(c.smtpTimeout); err != nil || cfg.Timeout <= 0 || cfg.Timeout > 10*time.Minute {
			return d, fmt.Errorf("--smtp-timeout: %q is not a duration from 1ms to 10m, such as 15s", c.smtpTimeout)
		}
		if c.smtpCA != "" {
			pem, err := os.ReadFile(c.smtpCA)
			if err != nil {
				return d, fmt.Errorf("--smtp-ca-file: %w", err)
			}
			cfg.RootCAs = x509.NewCertPool()
			if !cfg.RootCAs.AppendCertsFromPEM(pem) {
				return d, fmt.Errorf("--smtp-ca-file: no PEM certificate in %s", c.smtpCA)
			}
		}
		m, err := notify.NewSMTP(cfg)
		if err != nil {
			return d, fmt.Errorf("--mail-from: %w", err) // the host was checked above: the sender is what is left
		}
		d.Mailer = m
	}
	if c.twilioAccount == "" && (c.twilioSecret != "" || c.twilioKey != "" || c.twilioFrom != "" || c.twilioService != "") {
		return d, errors.New("--twilio-account-sid is required with the other --twilio-… settings (without it SMS is off)")
	}
	if c.twilioAccount != "" {
		if c.twilioSecret == "" || (c.twilioFrom == "" && c.twilioService == "") {
			return d, errors.New("--twilio-account-sid needs --twilio-secret and --twilio-from or --twilio-messaging-service")
		}
		d.SMS = &notify.Twilio{BaseURL: c.twilioURL, AccountSID: c.twilioAccount, KeySID: c.twilioKey, Secret: c.twilioSecret,
			From: c.twilioFrom, MessagingServiceSID: c.twilioService}
	}
	return d, nil
}

// adminKeys reads --admin-keys-file and checks --admin-key: a key shorter
// than server.MinAdminKeyLen is refused at start-up.
func adminKeys(file, single string) ([]server.AdminKey, error) {
	if single != "" {
		if err := server.CheckAdminKey(server.AdminKey{Name: "admin", Key: single}); err != nil {
			return nil, fmt.Errorf("--admin-key: %w", err)
		}
	}
	if file == "" {
		return nil, nil
	}
	f, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("--admin-keys-file: %w", err)
	}
	defer f.Close()
	keys, err := server.ParseAdminKeys(f)
	if err != nil {
		return nil, fmt.Errorf("--admin-keys-file %s: %w", file, err)
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("--admin-keys-file %s: no keys", file)
	}
	return keys, nil
}

// pruneEvery is how often serve deletes what ran out or ended (a reset
// session's date of birth is kept this long after its end at most).
const pruneEvery = 10 * time.Minute

// startWorkers runs the notification queue, the audit retention (events
// older than retention, 0: kept) and the records' (links and notices that
// ended before records, 0: kept; what ran out goes whatever it says) until
// ctx ends; wait blocks until they have stopped.
func startWorkers(ctx context.Context, st store.Store, d *server.DeskDeps, retention, records, poll, retry time.Duration, logger *slog.Logger) (wait func()) {
	q := &notify.Queue{Store: st, Mailer: d.Mailer, Logger: logger, Poll: poll,
		Backoff: func(n int) time.Duration { return notify.Backoff(retry, n) }}
	if d.Metrics != nil {
		m := d.Metrics
		q.OnResult = func(n store.Notification, err error) {
			switch {
			case err == nil:
				m.NoticeResult("sent")
			case errors.Is(err, notify.ErrUnconfirmed):
				m.NoticeResult("unconfirmed")
			case notify.Retryable(err):
				m.NoticeResult("retry")
			default:
				m.NoticeResult("gave_up")
			}
		}
	}
	d.Notices = q
	done := make(chan struct{}, 3)
	go func() { q.Run(ctx); done <- struct{}{} }()
	// Used links whose steps after the password (audit event, other links
	// closed, notice) a crash or a store outage interrupted: at start, then
	// every server.FollowupWait.
	go func() {
		defer func() { done <- struct{}{} }()
		desk := server.NewDesk(st, "", *d, logger, nil)
		t := time.NewTicker(server.FollowupWait)
		defer t.Stop()
		for {
			if _, err := desk.SweepFollowups(ctx); err != nil && ctx.Err() == nil {
				logger.Error("activation follow-ups", "err", err)
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	go func() {
		defer func() { done <- struct{}{} }()
		t := time.NewTicker(pruneEvery)
		defer t.Stop()
		clock := newRetentionClock()
		for {
			prune(ctx, st, clock, retention, records, logger)
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	return func() { <-done; <-done; <-done }
}

// parseInstitutions reads "all" (every institution: the key "") or a
// comma-separated list of known institution ids; empty: none.
func parseInstitutions(s string) (map[string]bool, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	if s == "all" {
		return map[string]bool{"": true}, nil
	}
	out := map[string]bool{}
	for id := range strings.SplitSeq(s, ",") {
		id = strings.TrimSpace(id)
		if _, err := policy.Lookup(id); err != nil {
			return nil, fmt.Errorf("%q is not a known institution id (or 'all')", id)
		}
		out[id] = true
	}
	return out, nil
}

// servedFlag registers --institutions (STYRKE_INSTITUTIONS) in fs.
func servedFlag(fs *flag.FlagSet, getenv func(string) string, p *string) {
	envString(fs, getenv, p, "institutions", "all", "the institutions this installation serves, comma-separated ids (styrke policy list), or 'all'. Set it: with 'all', a person Styrke knows nothing of may choose any built-in institution's policy, the weakest, on the change page")
}

// parseServed reads --institutions: nil for every institution.
func parseServed(s string) ([]string, error) {
	m, err := parseInstitutions(s)
	if err != nil {
		return nil, fmt.Errorf("--institutions: %w", err)
	}
	if len(m) == 0 {
		return nil, errors.New("--institutions: name at least one institution id, or 'all'")
	}
	if m[""] {
		return nil, nil
	}
	return slices.Sorted(maps.Keys(m)), nil
}

// prune is one round of the retention: the audit log's events and the
// reminders older than retention, and the store's records (store.Prune)
// ended before records; 0 keeps them. It counts those back from the time
// clock gives, never from a clock ahead of it.
func prune(ctx context.Context, st store.Store, clock *retentionClock, retention, records time.Duration, logger *slog.Logger) {
	expiry, now, err := clock.read(ctx, st, logger)
	if err != nil {
		if ctx.Err() == nil {
			logger.Error("retention", "err", err)
		}
		return
	}
	if retention > 0 {
		n, err := st.PruneAudit(ctx, now.Add(-retention))
		if err != nil && ctx.Err() == nil {
			logger.Error("audit retention", "err", err)
		} else if n > 0 {
			logger.Info("audit events pruned", "count", n, "retention", retention)
		}
		// The expiry reminders sent are kept as long as the audit events
		// that record them.
		if n, err := st.PruneReminders(ctx, now.Add(-retention)); err != nil && ctx.Err() == nil {
			logger.Error("reminder retention", "err", err)
		} else if n > 0 {
			logger.Info("expiry reminders pruned", "count", n, "retention", retention)
		}
	}
	var ended time.Time // kept: nothing ended before the year 1
	if records > 0 {
		ended = now.Add(-records)
	}
	p, err := st.Prune(ctx, expiry, ended)
	if err != nil && ctx.Err() == nil {
		logger.Error("record retention", "err", err)
	} else if p.Links+p.Notices > 0 {
		logger.Info("ended links and notices pruned", "links", p.Links, "notices", p.Notices, "retention", records)
	}
}

// heldBackWarn is how far behind this instance's clock the retention may
// count without a warning: a quiet night before a start holds it back
// that much, harmlessly.
const heldBackWarn = 24 * time.Hour

// catchUp is how much faster than the time that passed the retention's time
// may advance towards this instance's clock: a lag of a day is caught up
// in a day.
const catchUp = 2

// retentionClock is the clock serve's retention deletes by. A clock can
// be set wrong (a wrong NTP answer, a host or a restored VM set wrong),
// and what it deleted cannot be had back, so each round counts back from
// the earliest time it has reason to believe:
//   - this instance's clock;
//   - the database server's (PostgreSQL, store.Clocked): instances then
//     delete by one clock, and one whose clock is ahead deletes nothing
//     the others keep;
//   - at the first round, the time the round before counted from, kept
//     in the store (store.RetentionMark) by this or an earlier run: a
//     start with a clock that jumped while serve ran, or while it was
//     stopped, believes no later time than that, whatever the events the
//     wrong clock recorded say; without one (a store's first run), the
//     newest audit event's time;
//   - after it, the time the round before counted from, advanced by twice
//     the time since as a clock that no setting moves measures it (one
//     that counts a host's suspend: newRetentionClock): a jump of this
//     instance's clock does not move it, and a lag (a start after a quiet
//     spell, a correction forward, a paused virtual machine) is caught up
//     in as long as it is.
//
// So a wrong clock makes the retention delete late, never early, unless
// it stays wrong for as long as it is wrong by (the log warns from the
// first round held back by more than heldBackWarn). What runs out at once
// (sign-ins, a reset session's date of birth, failure counts) goes by this
// instance's clock or the database server's, whichever is earlier: a wrong
// clock on SQLite takes with it only what its own instance already treats
// as run out.
type retentionClock struct {
	now     func() time.Time     // this instance's clock
	elapsed func() time.Duration // the time since a fixed point, by a clock that does not jump

	last   time.Time     // what the round before counted from (zero: no round yet)
	lastAt time.Duration // elapsed then
	warned bool          // whether the round before warned
}

// newRetentionClock returns serve's retention clock: time.Now, and for the
// time between rounds the clock that goes on while the host is suspended
// (sinceBoot, Linux's CLOCK_BOOTTIME), else Go's monotonic one. A host
// suspended for three days held the retention back by as long, and the
// log said the clock had jumped: Go's monotonic clock stops while the host
// sleeps.
func newRetentionClock() *retentionClock {
	if _, ok := sinceBoot(); ok {
		return &retentionClock{now: time.Now, elapsed: func() time.Duration { d, _ := sinceBoot(); return d }}
	}
	start := time.Now()
	return &retentionClock{now: time.Now, elapsed: func() time.Duration { return time.Since(start) }}
}

// asOf is the time a retention counts back from: the earliest of the
// times it has reason to believe, beginning with wall, this instance's
// clock.
type asOf struct {
	wall   time.Time // this instance's clock
	expiry time.Time // what runs out at once goes by: wall or the database server's clock, whichever is earlier
	now    time.Time // what the retention counts back from
	why    string    // why now is more than heldBackWarn before wall ("" when it is not)
}

// earlier takes t as a.now when it is before it, naming it by because
// when it holds now back by more than heldBackWarn (the first such one).
func (a *asOf) earlier(t time.Time, because string) {
	if t.Before(a.now) {
		a.now = t
	}
	if a.why == "" && a.wall.Sub(t) > heldBackWarn {
		a.why = because
	}
}

// heldBack is how far a.now is before this instance's clock.
func (a *asOf) heldBack() time.Duration { return a.wall.Sub(a.now).Round(time.Second) }

// believe returns the time a retention counts back from by what st says,
// wall being this instance's clock: the database server's clock
// (PostgreSQL, store.Clocked), and at a start (first) the time serve's
// retention counted from when it last ran (store.RetentionMark), or
// without one the newest audit event's. serve's retention takes it at its
// first round; styrke audit prune, a start of its own, takes it so.
func believe(ctx context.Context, st store.Store, wall time.Time, first bool) (asOf, error) {
	a := asOf{wall: wall, expiry: wall, now: wall}
	if cl, ok := st.(store.Clocked); ok {
		db, err := cl.ServerTime(ctx)
		if err != nil {
			return asOf{}, err
		}
		if db.Before(a.expiry) {
			a.expiry = db
		}
		a.earlier(db, "this instance's clock is ahead of the database server's: keep them synchronised (NTP)")
	}
	if !first {
		return a, nil
	}
	mark, err := st.RetentionMark(ctx)
	if err != nil {
		return asOf{}, err
	}
	if !mark.IsZero() {
		a.earlier(mark, "this instance's clock is ahead of the time the retention counted from when serve last ran ("+mark.UTC().Format(time.RFC3339)+"): check it (NTP); if it is right (serve was stopped that long), the retention catches up in as long as it lags")
		return a, nil
	}
	newest, err := st.NewestAudit(ctx)
	if err != nil {
		return asOf{}, err
	}
	if !newest.IsZero() {
		a.earlier(newest, "this instance's clock is ahead of the newest audit event ("+newest.UTC().Format(time.RFC3339)+"): check it (NTP); if it is right, the retention catches up in as long as it lags")
	}
	return a, nil
}

// read returns expiry, what runs out at once goes by, and now, what the
// retention counts back from, and warns when now is held back by more
// than heldBackWarn (and says so again when it is not).
func (c *retentionClock) read(ctx context.Context, st store.Store, logger *slog.Logger) (expiry, now time.Time, err error) {
	wall, at := c.now(), c.elapsed()
	a, err := believe(ctx, st, wall, c.last.IsZero())
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	if !c.last.IsZero() {
		a.earlier(c.last.Add(catchUp*(at-c.lastAt)), "this instance's clock moved further ahead than the time that passed since the round before, by a clock that counts a host's suspend and no setting of the clock: a virtual machine paused, or the clock set forward (a correction, or a wrong NTP answer); nothing is deleted early, and the retention catches up in as long as it lags: if the clock is wrong, correct it (NTP)")
	}
	if err := st.SetRetentionMark(ctx, a.now); err != nil {
		return time.Time{}, time.Time{}, err
	}
	c.last, c.lastAt = a.now, at
	switch {
	case a.why != "" && !c.warned:
		logger.Warn("the retention deletes as of an earlier time than this instance's clock, so that a clock set wrong deletes nothing it keeps (the audit log, ended links): it deletes late, not early",
			"clock", wall.UTC().Format(time.RFC3339), "as_of", a.now.UTC().Format(time.RFC3339), "held_back", a.heldBack().String(), "why", a.why)
		c.warned = true
	case a.why == "" && c.warned:
		logger.Info("the retention deletes by this instance's clock again")
		c.warned = false
	}
	return a.expiry, a.now, nil
}
