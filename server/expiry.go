package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/styrke-iam/styrke/policy"
	"github.com/styrke-iam/styrke/server/directory"
	"github.com/styrke-iam/styrke/server/notify"
	"github.com/styrke-iam/styrke/server/store"
)

// Password expiry reminders: where a directory expires passwords (AD's
// maximum password age or a fine-grained policy, OpenLDAP's pwdMaxAge), a
// job run once a day (styrke directory remind, or styrke serve
// --remind-within) tells each person whose password expires within the
// window, by e-mail and/or SMS, when it expires
// and where to change it: the change page, no secret in the link. Each
// account is reminded once per expiry and window (a second job with a
// shorter window reminds again nearer the day); a reminder that reached
// nobody is tried again on the next run.

// Reminder windows: at least a day, at most a year.
const (
	MinRemindWithin = 24 * time.Hour
	MaxRemindWithin = 366 * 24 * time.Hour
)

// ErrNoExpiry: the directory has no password expiry to remind of (none).
var ErrNoExpiry = errors.New("server: the directory has no password expiry (none)")

// RemindRequest asks to remind the people whose password expires within
// the largest of Windows, each once per window: an account is reminded in
// the smallest window its expiry falls in ("14d,3d": once two weeks ahead
// and again three days ahead, but only once for a password found three
// days from the day).
type RemindRequest struct {
	Institution string // the policy id (links and SMS caps); "" is "default"
	Windows     []time.Duration
	// DryRun lists whom a run would remind ("would send") and whom an
	// earlier run reminded ("earlier"), and sends and records nothing.
	DryRun bool
	Actor  string // for the audit log
}

// Reminder is what a run did for one account whose password expires.
type Reminder struct {
	Username string    `json:"username"`
	Expires  time.Time `json:"expires"`
	Window   int       `json:"windowDays"` // the window it fell in, in days
	// State: "sent" (some channel delivered it, or its e-mail is
	// unconfirmed: Delivery.Unconfirmed), "failed" (none did; the
	// next run tries again), "earlier" (an earlier run sent it), "no
	// address" (the directory and the store hold neither an e-mail address
	// nor a mobile number), "would send" (a dry run).
	State      string     `json:"state"`
	Deliveries []Delivery `json:"deliveries,omitempty"`
}

// Reminder states.
const (
	RemindSent      = "sent"
	RemindFailed    = "failed"
	RemindEarlier   = "earlier"
	RemindNoAddress = "no address"
	RemindWouldSend = "would send"
)

// ChangeLink is the change page in lang, naming the institution unless it
// is the default one (the page starts with it chosen).
func ChangeLink(base, lang, institution string) string {
	return pageLink(base, ChangePaths, lang, institution)
}

// RemindExpiring reminds the people of dir whose password expires within
// r.Windows (see the package comment above). It refuses no window or one
// outside MinRemindWithin-MaxRemindWithin (a *FieldError) and a directory that has
// no expiry (ErrNoExpiry). The e-mail address is the account's mail
// attribute, else the address on file (styrke activation, welcome); the
// number is the directory's phone attribute; the language the one on file,
// else the account's preferredLanguage, else nb. A failed delivery is in the
// Reminder and the audit log, and does not stop the run.
func (d *Desk) RemindExpiring(ctx context.Context, dir directory.Directory, r RemindRequest) ([]Reminder, error) {
	windows := slices.Clone(r.Windows)
	slices.Sort(windows)
	windows = slices.Compact(windows)
	if len(windows) == 0 || windows[0] < MinRemindWithin || windows[len(windows)-1] > MaxRemindWithin {
		return nil, &FieldError{Fields: []string{"within"}, Msg: fmt.Sprintf("each window to look ahead must be from 1 to 366 days, not %v", r.Windows)}
	}
	inst := r.Institution
	if inst == "" {
		inst = "default"
	}
	ex, ok := dir.(directory.Expirer)
	if !ok {
		return nil, ErrNoExpiry
	}
	now := d.Now()
	list, err := ex.Expiring(ctx, now, windows[len(windows)-1])
	if err != nil {
		return nil, err
	}
	prof := d.Templates.Profile(inst)
	actor := r.Actor
	if actor == "" {
		actor = "system"
	}
	out := make([]Reminder, 0, len(list))
	for _, x := range list {
		w := windows[len(windows)-1]
		for _, c := range windows {
			if !x.Expires.After(now.Add(c)) {
				w = c
				break
			}
		}
		days := int((w + 12*time.Hour) / (24 * time.Hour))
		rem := Reminder{Username: x.Username, Expires: x.Expires, Window: days}
		// The language the service desk filed for the person, else the
		// directory's preferredLanguage, else nb.
		email, phone, lang := x.Email, "", x.Lang
		if filed, flang, err := d.Store.AddressOnFile(ctx, d.sameAccounts(inst), x.Username); err == nil {
			lang = flang
			if email == "" {
				email = filed
			}
		} else if !errors.Is(err, store.ErrNotFound) {
			return out, err
		}
		if x.Phone != "" {
			// A number the directory holds in no form an SMS can go to is
			// left out, not an error: the e-mail may still go.
			if p, err := notify.NormalizePhone(x.Phone); err == nil {
				phone = p
			}
		}
		lang = pageLang(lang)
		if email == "" && phone == "" {
			rem.State = RemindNoAddress
			d.Logger.WarnContext(ctx, "expiry reminder: no address", "institution", inst, "username", x.Username)
			out = append(out, rem)
			continue
		}
		key := reminderKey(inst, x.Username, x.Expires, days)
		if r.DryRun {
			sent, err := d.Store.ReminderSent(ctx, key)
			if err != nil {
				return out, err
			}
			rem.State = RemindWouldSend
			if sent {
				rem.State = RemindEarlier
			}
			out = append(out, rem)
			continue
		}
		claimed, err := d.Store.ClaimReminder(ctx, key, now)
		if err != nil {
			return out, err
		}
		if !claimed {
			rem.State = RemindEarlier
			out = append(out, rem)
			continue
		}
		name := x.Name
		if name == "" {
			name = x.Username
		}
		msg, rerr := d.Templates.Render(notify.KindExpiry, lang, notify.Data{
			Name: name, Username: x.Username, Institution: prof.Name, ServiceDesk: prof.ServiceDesk,
			Link: ChangeLink(d.BaseURL, lang, inst), Expires: d.Templates.FormatTime(x.Expires, lang),
		})
		ev := store.AuditEvent{Actor: actor, Username: x.Username, Institution: inst}
		rem.Deliveries = d.send(ctx, ev, inst, email, phone, "expiry reminder", msg, rerr)
		rem.State = RemindSent
		// One the mail server took without confirming it may have
		// arrived: sent, its delivery unconfirmed, not sent again.
		if !sent(rem.Deliveries, "expiry reminder") {
			rem.State = RemindFailed
			if err := d.Store.ReleaseReminder(ctx, key); err != nil {
				return append(out, rem), err
			}
		} else if err := d.Store.ConfirmReminder(context.WithoutCancel(ctx), key); err != nil {
			// Sent: unconfirmed, the next run after the claim's lease would
			// send it again.
			return append(out, rem), err
		}
		out = append(out, rem)
	}
	return out, nil
}

// reminderKey is the store's key of one reminder: SHA-256 (hex) over the
// institution, the username, the expiry and the window's days, so that the
// table holds no username and no key outgrows it.
func reminderKey(inst, username string, expires time.Time, days int) string {
	sum := sha256.Sum256([]byte(inst + "\x00" + username + "\x00" + strconv.FormatInt(expires.Unix(), 10) + "\x00" + strconv.Itoa(days)))
	return hex.EncodeToString(sum[:])
}

// adminExpiring is GET /api/admin/expiring?within=14d[&institution=ID]:
// the accounts of the institution's directory whose password expires
// within the window, soonest first, as JSON Lines of Reminders in the
// states a dry run gives ("would send": the person can be reached;
// "earlier": a reminder for this expiry went; "no address"). It sends
// nothing: the service desk's view of whom the reminders will reach.
func (h *handler) adminExpiring() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if err := knownParams(q, "within", "institution"); err != nil {
			writeQueryError(w, err)
			return
		}
		inst := q.Get("institution")
		if inst == "" {
			inst = "default"
		}
		var bad []string
		if _, err := policy.Lookup(inst); err != nil {
			bad = append(bad, "institution")
		}
		within, err := ParseWindow(q.Get("within"))
		if err != nil {
			bad = append(bad, "within")
		}
		if len(bad) > 0 {
			writeError(w, errorf(CodeInvalid, "invalid "+strings.Join(bad, ", ")+" (within: 1d to 366d, e.g. 14d; institution: a policy id)", bad...))
			return
		}
		dir := directory.Directory(directory.None{})
		if h.Directories != nil {
			dir = h.Directories.For(inst)
		}
		out, err := h.desk.RemindExpiring(r.Context(), dir, RemindRequest{Institution: inst, Windows: []time.Duration{within}, DryRun: true})
		switch {
		case errors.Is(err, ErrNoExpiry):
			writeError(w, errorf(CodeConflict, "the institution's directory expires no password (none)"))
			return
		case errors.Is(err, directory.ErrUnavailable):
			w.Header().Set("Retry-After", "10")
			writeError(w, errorf(CodeDirectoryUnavailable, "the directory did not answer; try again shortly"))
			return
		case errors.Is(err, directory.ErrOperator):
			h.Logger.ErrorContext(r.Context(), "expiring: directory configuration", "id", RequestID(r.Context()), "err", err)
			writeError(w, errorf(CodeDirectoryError, "the directory refused the service account's search; see the server's log"))
			return
		case err != nil:
			h.fail(w, r, "expiring", err)
			return
		}
		writeJSONLines(w, out)
	})
}

// ParseWindow reads a reminder window: days ("14d") or a Go duration
// ("336h"), from MinRemindWithin to MaxRemindWithin (the admin API's
// within, and each window of styrke's --within and --remind-within).
func ParseWindow(s string) (time.Duration, error) {
	var d time.Duration
	if n, ok := strings.CutSuffix(s, "d"); ok {
		days, err := strconv.Atoi(n)
		if err != nil {
			return 0, err
		}
		d = time.Duration(days) * 24 * time.Hour
	} else {
		var err error
		if d, err = time.ParseDuration(s); err != nil {
			return 0, err
		}
	}
	if d < MinRemindWithin || d > MaxRemindWithin {
		return 0, fmt.Errorf("%s is outside 1-366 days", s)
	}
	return d, nil
}
