package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/styrke-iam/styrke/policy"
	"github.com/styrke-iam/styrke/server/directory"
	"github.com/styrke-iam/styrke/server/notify"
	"github.com/styrke-iam/styrke/server/store"
)

// DeskDeps are the handler's service-desk and operations dependencies
// (delivery, notices, named admin keys, metrics). Every field is optional.
type DeskDeps struct {
	// AdminKeys are named admin keys (`--admin-keys-file`); AdminKey, if
	// set, is one more, named "admin". Start-up refuses keys shorter than
	// MinAdminKeyLen (CheckAdminKey); NewHandler does not check.
	AdminKeys []AdminKey
	// AdminKeysFile, when set, is the file AdminKeys were read from: read
	// again when it changes (keys added or revoked without a restart).
	AdminKeysFile string
	// Mailer delivers links and notices by e-mail; nil: no e-mail (notices
	// stay queued until a mailer is configured).
	Mailer notify.Mailer
	// SMS delivers links by SMS; nil: no SMS.
	SMS notify.SMSSender
	// SMSDailyCap is how many SMS one institution may send a day (Norwegian
	// time); default 500; negative: none.
	SMSDailyCap int
	// Templates renders messages; default the built-in nb/nn/en texts.
	Templates *notify.Templates
	// Notices is the queue worker, woken after a notice is queued; nil: the
	// worker (if any) finds it on its next poll.
	Notices *notify.Queue
	// Metrics receives the handler's measurements; nil: none.
	Metrics *Metrics
	// CodeByDefault names the institutions whose links need a one-time code
	// when the request gives both an e-mail address and a phone number and
	// does not say (IssueRequest.CodeSet); the key "" is every institution.
	CodeByDefault map[string]bool
	// IDPortenReset: the reset with ID-porten is on where the welcome's
	// link points (Welcome refuses to send people to a reset that is off).
	IDPortenReset bool
	// Directories, when set, are asked whether a link's account exists
	// (Issued.Warnings); nil: not asked. They also say whose address on
	// file is whose (sameAccounts): nil, every institution's usernames
	// are one directory's, as with no --directory-map.
	Directories *directory.Set
	// Institutions are the institutions this installation serves
	// (`--institutions`); empty: every built-in one. Links, welcomes,
	// identities, resets and changes of another are refused: a person
	// unknown to Styrke chose the weakest policy on the change page.
	Institutions []string
}

// sameAccounts returns the institutions whose usernames name the accounts
// of institution's directory in dirs, institution first and then the
// others in the order of policy.Institutions: a username at any of them is
// one account, one person's, whose address on file and password history
// are found at all (a link the desk issued at one institution of a
// directory, a reset at another). An institution of another directory
// (--directory-map) has accounts of its own: its "ola" is another person,
// whose address and passwords are not this one's. With no dirs every
// institution shares one.
func sameAccounts(dirs *directory.Set, institution string) []string {
	dir := dirs.For(institution)
	out := []string{institution}
	for _, id := range policy.Institutions() {
		if id != institution && dirs.For(id) == dir {
			out = append(out, id)
		}
	}
	return out
}

// sameAccounts is sameAccounts of the desk's Directories.
func (d *Desk) sameAccounts(institution string) []string {
	return sameAccounts(d.Directories, institution)
}

// sameAccounts is sameAccounts of the handler's Directories.
func (h *handler) sameAccounts(institution string) []string {
	return sameAccounts(h.Directories, institution)
}

// Serves reports whether institution is one this installation serves.
func (d DeskDeps) Serves(institution string) bool {
	return len(d.Institutions) == 0 || slices.Contains(d.Institutions, institution)
}

// servedProblem is the field error of an institution not served here, or
// nil.
func (d DeskDeps) servedProblem(institution string) error {
	if d.Serves(institution) {
		return nil
	}
	return &FieldError{Fields: []string{"institution"}, Msg: "institution is not one this installation serves (--institutions: " + strings.Join(d.Institutions, ", ") + ")"}
}

// Desk issues, delivers, lists and revokes activations, queues the notices
// after a password is set, and writes the audit log. The admin API and the
// CLI share it.
type Desk struct {
	Store   store.Store
	BaseURL string // links are built from it, never from a request
	DeskDeps
	Logger *slog.Logger
	Now    func() time.Time
}

func (h *handler) newDesk() *Desk {
	d := h.DeskDeps
	if d.Directories == nil {
		d.Directories = h.Directories
	}
	return NewDesk(h.Store, h.BaseURL, d, h.Logger, h.Now)
}

// NewDesk returns a Desk with defaults filled in (templates, cap, clock,
// logger).
func NewDesk(st store.Store, baseURL string, d DeskDeps, logger *slog.Logger, now func() time.Time) *Desk {
	if d.Templates == nil {
		t, err := notify.LoadTemplates("", notify.Profile{})
		if err != nil {
			panic("server: built-in templates: " + err.Error())
		}
		d.Templates = t
	}
	if d.SMSDailyCap == 0 {
		d.SMSDailyCap = 500
	}
	if logger == nil {
		logger = slog.Default()
	}
	if now == nil {
		now = time.Now
	}
	if baseURL == "" {
		baseURL = "http://127.0.0.1:8080"
	}
	return &Desk{Store: st, BaseURL: strings.TrimRight(baseURL, "/"), DeskDeps: d, Logger: logger, Now: now}
}

// Audit appends e to the audit log (its Time defaults to now). A failure is
// logged, never returned: the action it records has happened.
func (d *Desk) Audit(ctx context.Context, e store.AuditEvent) {
	_ = d.AuditErr(ctx, e)
}

// AuditErr is Audit, returning the store's error too (logged as well).
func (d *Desk) AuditErr(ctx context.Context, e store.AuditEvent) error {
	if e.Time.IsZero() {
		e.Time = d.Now()
	}
	if e.RequestID == "" {
		e.RequestID = RequestID(ctx)
	}
	if e.Actor == "" {
		e.Actor = Actor(ctx)
	}
	if e.Actor == "" {
		e.Actor = "system"
	}
	_, err := d.Store.AppendAudit(context.WithoutCancel(ctx), e)
	if err != nil {
		d.Logger.ErrorContext(ctx, "audit log write failed", "id", e.RequestID, "event", e.Event, "err", err)
	}
	if d.Metrics != nil {
		d.Metrics.auditEvents.WithLabelValues(e.Event).Inc()
	}
	return err
}

// FollowupWait is how long a used activation's steps after the password
// (its audit event, closing the person's other links, the notice) may
// take before SweepFollowups does them: the request does them at once,
// and marks them done.
const FollowupWait = time.Minute

// SweepFollowups does the steps after the password of used activations
// whose request did not finish them (a crash or a store outage between
// the password's commit and the steps): the "activated" event, unless the
// audit log has it since the link was used, with detail "recorded after an
// interruption", the person's other open links closed, and the notice
// (queued once, by its key). It returns how many it finished.
func (d *Desk) SweepFollowups(ctx context.Context) (int, error) {
	todo, err := d.Store.ClaimFollowups(ctx, d.Now(), FollowupWait, 100)
	if err != nil {
		return 0, err
	}
	done := 0
	// Resets' and changes' too.
	pw, err := d.Store.ClaimPasswordFollowups(ctx, d.Now(), FollowupWait, 100)
	if err != nil {
		return 0, err
	}
	for _, f := range pw {
		ev := store.AuditEvent{Event: followupEvent(f.Kind), Actor: "system", Username: f.Username, Institution: f.Institution,
			Detail: "recorded after an interruption"}
		if err := d.passwordFollowUp(ctx, f, ev, true, ""); err != nil {
			d.Logger.ErrorContext(ctx, "password follow-up", "institution", f.Institution, "err", err)
			continue
		}
		done++
	}
	for _, a := range todo {
		ev := store.AuditEvent{Event: store.EventActivated, Actor: "system", Username: a.Username, Institution: a.Institution,
			Detail: "recorded after an interruption"}
		if err := d.followUp(ctx, a, ev, true, ""); err != nil {
			d.Logger.ErrorContext(ctx, "activation follow-up", "institution", a.Institution, "err", err)
			continue
		}
		done++
	}
	if done > 0 {
		d.Logger.WarnContext(ctx, "steps after a password done after an interruption", "count", done)
	}
	return done, nil
}

// passwordFollowUp does a reset's or a change's steps after the password
// and marks f done (when the store kept it: f.At is set).
func (d *Desk) passwordFollowUp(ctx context.Context, f store.Followup, ev store.AuditEvent, late bool, remote string) error {
	return d.steps(ctx, f, ev, late, remote, func(ctx context.Context) error {
		if f.At.IsZero() {
			return nil // not stored (the directory holds the password, the store failed)
		}
		return d.Store.PasswordFollowedUp(ctx, f.Key)
	})
}

// steps does what follows a password stored at f.At (zero: now, not
// stored) and then done: ev, the person's open links closed, the notice
// keyed by f.Key. late is true for the sweep: it writes no ev the audit
// log has since f.At, and closes only the links made before f.At (a link
// the desk issued since, after the person called, stays). After the
// event: a revoked link's address is not on file. It stops at the first
// step that fails.
func (d *Desk) steps(ctx context.Context, f store.Followup, ev store.AuditEvent, late bool, remote string, done func(context.Context) error) error {
	write := true
	var before time.Time
	if late {
		had, err := d.Store.Audit(ctx, store.AuditFilter{Since: f.At, Event: ev.Event, Username: ev.Username, Institution: ev.Institution, Limit: 1})
		if err != nil {
			return err
		}
		write, before = len(had) == 0, f.At
	}
	if write {
		if err := d.AuditErr(ctx, ev); err != nil {
			return err
		}
	}
	at := f.At
	if at.IsZero() {
		at = d.Now()
	}
	if f.Kind != notify.HowActivation {
		// A reset or a change used no link: the open links revoked next
		// may hold the only address on file, which the notice needs.
		if err := d.keepAddress(ctx, f.Institution, f.Username, at); err != nil {
			return fmt.Errorf("keep the address on file: %w", err)
		}
	}
	if _, err := d.closeOpen(ctx, f.Username, f.Institution, "system", remote, before); err != nil {
		return fmt.Errorf("revoke the person's other links: %w", err)
	}
	if err := d.NotifyChanged(ctx, f.Key, f.Username, f.Name, f.Institution, f.Kind, at); err != nil {
		return fmt.Errorf("queue change notice: %w", err)
	}
	return done(context.WithoutCancel(ctx))
}

// keepAddress keeps the address on file of username at institution as of
// at, before the person's open links are revoked (a revoked link's address
// leaves the file): after a reset or a change, the notice and the next
// ones go to the address the desk gave, not nowhere. It is the address on
// file of the institutions of institution's directory (sameAccounts), and
// is kept as institution's: another directory's "ola" is another person.
func (d *Desk) keepAddress(ctx context.Context, institution, username string, at time.Time) error {
	email, lang, err := d.Store.AddressOnFile(ctx, d.sameAccounts(institution), username)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	return d.Store.PutAddress(ctx, institution, username, email, lang, at)
}

// FollowUp does a used activation's steps after the password at once, ev
// being its "activated" event (the request's actor and address), remote
// the client's address, and marks them done. It stops at the first step
// that fails, and leaves the rest to SweepFollowups.
func (d *Desk) FollowUp(ctx context.Context, a store.Activation, ev store.AuditEvent, remote string) error {
	return d.followUp(ctx, a, ev, false, remote)
}

// followUp is FollowUp; late is true for SweepFollowups.
func (d *Desk) followUp(ctx context.Context, a store.Activation, ev store.AuditEvent, late bool, remote string) error {
	f := store.Followup{Key: "activation:" + ID(a.TokenHash), Kind: notify.HowActivation, Username: a.Username, Name: a.Name, Institution: a.Institution}
	if a.UsedAt != nil {
		f.At = *a.UsedAt
	}
	return d.steps(ctx, f, ev, late, remote, func(ctx context.Context) error { return d.Store.FollowedUp(ctx, a.TokenHash) })
}

// IssueRequest asks for an activation for one person.
type IssueRequest struct {
	Username, Name, Institution string
	Email, Phone                string // where to deliver the link; both optional
	// Code: the link works only with a one-time code, sent by SMS to Phone
	// (required); the link then goes by e-mail only (or is handed over),
	// never in the same SMS.
	Code bool
	// CodeSet: Code was asked for or against; otherwise the desk's default
	// (DeskDeps.CodeByDefault) decides for a request with both an e-mail
	// address and a phone number.
	CodeSet           bool
	Lang              string        // nb (default), nn or en
	TTL               time.Duration // 0: the policy's activationTTL
	TTLText           string        // if set, parsed into TTL by Validate (the API's "72h")
	Actor, RemoteAddr string        // for the audit log
	// NoDeliver keeps Email and Phone on file (for the notices and the
	// rules that use them) and sends nothing: the link is handed over.
	NoDeliver bool
}

// Delivery is the outcome of one channel.
type Delivery struct {
	Channel string `json:"channel"` // email or sms
	// What is "code" for the SMS with a link's one-time code, "welcome"
	// for a welcome to the reset page; empty for the link itself.
	What  string `json:"what,omitempty"`
	OK    bool   `json:"ok"`
	Error string `json:"error,omitempty"` // the class, never a server's text
}

// Unconfirmed reports whether the delivery is an e-mail the mail server
// took whole and did not confirm in time (class "unconfirmed",
// notify.ErrUnconfirmed): it may have arrived, so the person is asked
// before it is sent again. It is no failure, nor a delivery (OK is false).
func (d Delivery) Unconfirmed() bool {
	return !d.OK && d.Error == notify.ErrorClass(notify.ErrUnconfirmed)
}

// Issued is a new activation. Link is the only place its token appears.
// AlsoOpen are the ids of the person's other open links (same username and
// institution) when it was issued: each still works until it is used,
// expires or is revoked, so the service desk is told (resend revokes the
// one it replaces; create and an import with reissue revoke none).
type Issued struct {
	ID   string `json:"id"`
	Link string `json:"-"`
	// Code is the link's one-time code, when it has one; like Link it is
	// shown to the service desk only when no SMS delivered it.
	Code       string     `json:"-"`
	ExpiresAt  time.Time  `json:"expiresAt"`
	Deliveries []Delivery `json:"deliveries,omitempty"`
	AlsoOpen   []string   `json:"alsoOpen,omitempty"`
	// ActivatedAt is when the person last activated the account with a
	// link at this institution: this link sets its password again.
	ActivatedAt *time.Time `json:"activatedAt,omitempty"`
	// Warnings are what the desk should know before the person opens the
	// link: the directory has no account of this username (a typo is
	// found when the person calls), or could not be asked; or, Repeated,
	// that nothing was sent again.
	Warnings []string `json:"warnings,omitempty"`
	// Repeated: the create or resend repeated one made within
	// IssueRepeatWindow and sent (Desk.Issue, Desk.Resend): ID and
	// ExpiresAt are that link's, and nothing was created or sent.
	Repeated bool `json:"repeated,omitempty"`
}

// Delivered reports whether some channel delivered the link.
func (i Issued) Delivered() bool { return delivered(i.Deliveries, "") }

// Sent reports whether some channel delivered the link or handed it whole
// to a mail server that did not confirm it (Delivery.Unconfirmed): the
// person may have it, and it is not shown to the desk.
func (i Issued) Sent() bool { return sent(i.Deliveries, "") }

// CodeDelivered reports whether the link's one-time code was delivered.
func (i Issued) CodeDelivered() bool { return delivered(i.Deliveries, "code") }

// delivered reports whether some delivery of what succeeded.
func delivered(ds []Delivery, what string) bool {
	for _, d := range ds {
		if d.OK && d.What == what {
			return true
		}
	}
	return false
}

// refused reports whether every failed delivery of the link (not of its
// code) was refused as an invalid recipient, and one was.
func refused(ds []Delivery) bool {
	n := 0
	for _, d := range ds {
		if d.OK || d.What == "code" {
			continue
		}
		if d.Error != notify.ErrorClass(notify.ErrInvalidRecipient) {
			return false
		}
		n++
	}
	return n > 0
}

// sent reports whether some delivery of what succeeded or is unconfirmed.
func sent(ds []Delivery, what string) bool {
	for _, d := range ds {
		if (d.OK || d.Unconfirmed()) && d.What == what {
			return true
		}
	}
	return false
}

// noInstitution is the Institution of an API create that gave none (the
// API, unlike the CLI, has no default): Validate says it is required.
const noInstitution = "-"

// FieldError names the request fields at fault; its message never quotes
// a value.
type FieldError struct {
	Fields []string
	Msg    string
}

func (e *FieldError) Error() string { return e.Msg }

// Validate normalises r (phone to E.164, language) and names every field at
// fault.
func (r *IssueRequest) Validate() error {
	var fields, msgs []string
	bad := func(f, m string) { fields, msgs = append(fields, f), append(msgs, m) }
	if msg := textProblem(r.Username, MaxUsernameLen, true); msg != "" {
		bad("username", "username "+msg)
	}
	if msg := textProblem(r.Name, MaxNameLen, false); msg != "" {
		bad("name", "name "+msg)
	}
	if r.Institution == "" {
		r.Institution = "default"
	}
	if r.Institution == noInstitution {
		bad("institution", "institution is required (its policy id: styrke policy list)")
	} else if _, err := policy.Lookup(r.Institution); err != nil {
		bad("institution", "institution is not a known institution id")
	}
	if r.Email = strings.TrimSpace(r.Email); r.Email != "" {
		a, err := mail.ParseAddress(r.Email)
		// Quoted local parts ("ola nordmann"@…) are refused: mail systems
		// differ on them, and a logged error could not hide them whole.
		if err != nil || a.Name != "" || len(r.Email) > 254 || !strings.Contains(a.Address, ".") || strings.ContainsAny(a.Address, " \"\\") {
			bad("email", "email is not a plain address (name@example.org)")
		} else {
			r.Email = a.Address
		}
	}
	if r.Phone = strings.TrimSpace(r.Phone); r.Phone != "" {
		p, err := notify.NormalizePhone(r.Phone)
		if err != nil {
			bad("phone", strings.TrimPrefix(err.Error(), notify.ErrInvalidRecipient.Error()+": "))
		} else {
			r.Phone = p
		}
	}
	if r.Code && r.Phone == "" {
		bad("code", "code needs a phone number: the one-time code goes by SMS")
	}
	// In any case: a spreadsheet's "NN" or "Nb" is nn, nb.
	switch r.Lang = strings.ToLower(strings.TrimSpace(r.Lang)); r.Lang {
	case "":
		r.Lang = "nb"
	case "nb", "nn", "en":
	case "no":
		r.Lang = "nb"
	default:
		bad("lang", "lang must be nb, nn or en")
	}
	if r.TTLText != "" {
		d, err := ParseDays(r.TTLText)
		if err != nil {
			bad("ttl", "ttl is not a duration such as \"72h\" or \"7d\"")
		}
		r.TTL = d
	}
	if msg := ttlProblem(r.TTL); r.TTL != 0 && msg != "" {
		bad("ttl", "ttl "+msg)
	}
	if len(fields) > 0 {
		return &FieldError{Fields: fields, Msg: strings.Join(msgs, "; ")}
	}
	return nil
}

// ID is how the service desk names an activation: the hex of its token's
// hash (which does not reveal the token).
func ID(tokenHash []byte) string { return hex.EncodeToString(tokenHash) }

// ParseID reverses ID.
func ParseID(id string) ([]byte, error) {
	b, err := hex.DecodeString(id)
	if err != nil || len(b) != 32 {
		return nil, &FieldError{Fields: []string{"id"}, Msg: "id must be 64 hex digits"}
	}
	return b, nil
}

// Issue stores a new activation with its contact details and delivers the
// link to the e-mail address and/or phone given. A delivery that fails is
// reported in Issued.Deliveries (and the audit log); the activation stays.
// A create that repeats one made and sent within IssueRepeatWindow (the
// same person, address and kind of link: a double submit, a retry after
// its answer was lost) creates and sends nothing and answers that link,
// Issued.Repeated; one being made right now is ErrIssueBusy.
func (d *Desk) Issue(ctx context.Context, r IssueRequest) (Issued, error) {
	return d.issue(ctx, r, nil)
}

// issue is Issue, and a resend's new link when old is the link resent:
// a repeat of it is then a link made after old (the same resend sent
// twice), never old itself, which the desk resends because the person did
// not get it.
func (d *Desk) issue(ctx context.Context, r IssueRequest, old *store.ActivationRecord) (Issued, error) {
	if err := r.Validate(); err != nil {
		return Issued{}, err
	}
	if err := d.servedProblem(r.Institution); err != nil {
		return Issued{}, err
	}
	r.Username = d.accountName(ctx, r.Institution, r.Username)
	d.defaultCode(&r)
	// What an error says was under way (the CLI's last line, the log).
	verb := "create activation"
	if old != nil {
		verb = "resend activation"
	}
	if !r.NoDeliver && (r.Email != "" || r.Phone != "") {
		// The same create or resend sent twice (a double submit, a retry
		// after its answer timed out) mailed the person twice: one at a
		// time per person, and a repeat answers the first.
		unlock, err := d.holdPerson(ctx, r.Institution, r.Username)
		if errors.Is(err, ErrIssueBusy) {
			return Issued{}, err
		}
		if err != nil {
			return Issued{}, fmt.Errorf("%s: %w", verb, err)
		}
		defer unlock()
		if is, ok := d.repeatOf(ctx, r, old); ok {
			return is, nil
		}
	}
	var code string
	if r.Code {
		code = NewCode()
	}
	token, it, err := d.newIssue(ctx, r, code)
	if err != nil {
		return Issued{}, err
	}
	if err := d.Store.IssueActivations(ctx, []store.Issue{it}); err != nil {
		return Issued{}, fmt.Errorf("%s: %w", verb, err)
	}
	is := d.issued(ctx, r, token, code, it)
	is.AlsoOpen, is.ActivatedAt = d.others(ctx, it.Activation)
	if w := d.checkAccount(ctx, r.Username, r.Institution, "the link"); w != "" {
		is.Warnings = append(is.Warnings, w)
	}
	return is, nil
}

// checkAccount asks the institution's directory whether it has username's
// account, and returns a warning for the desk when it has none (or
// several), has it disabled or expired (AD) or locked by its administrator
// (OpenLDAP: the link sets nothing there), or could not say (with why:
// the directory down, or Styrke's settings for it wrong); "" when it has
// one, or there is no directory. The warning holds the directory's error
// and is the only word of it: a log line beside it said the same again in
// the CLI (the server's operator learns of a directory down or refusing
// from /readyz, styrke_directory_up and serve's start).
// setter is what would set the password ("the link", "the reset").
func (d *Desk) checkAccount(ctx context.Context, username, institution, setter string) string {
	if d.Directories == nil {
		return ""
	}
	dir := d.Directories.For(institution)
	if directory.IsNone(dir) {
		return ""
	}
	switch err := dir.Find(ctx, username); {
	case err == nil:
		return ""
	case errors.Is(err, directory.ErrAccount):
		return fmt.Sprintf("the directory (%s) has no account %q, or more than one: %s cannot set a password until it has one; check the username", dir, username, setter)
	case errors.Is(err, directory.ErrAdminLocked):
		return fmt.Sprintf("the directory (%s) has the account %q locked by its administrator (disabled): %s cannot set its password until the account is unlocked in the directory (the person is told to contact the service desk); unlock it, or tell the person when it will be", dir, username, setter)
	case errors.Is(err, directory.ErrDisabled):
		return fmt.Sprintf("the directory (%s) has the account %q disabled or expired: %s sets its password, but the person cannot sign in with it until the account is enabled (or its expiry moved) in the directory; enable it, or tell the person when it will be", dir, username, setter)
	case errors.Is(err, directory.ErrOperator):
		return fmt.Sprintf("the directory (%s) refused Styrke's service account or its connection (%v), so whether it has an account %q is not known: %s cannot set a password there, nor any other %s, until the operator mends the directory settings (styrke directory check says what is wrong)",
			dir, err, username, setter, strings.TrimPrefix(setter, "the "))
	default:
		return fmt.Sprintf("the directory (%s) did not answer (%v), so whether it has an account %q is not known: %s cannot set a password until it answers; when it does, check that the account exists (styrke directory check tells whether it answers)",
			dir, err, username, setter)
	}
}

// defaultCode sets r.Code from the desk's default when the request did not
// say and gives both channels (the code can then go apart from the link).
func (d *Desk) defaultCode(r *IssueRequest) {
	if r.CodeSet || r.Email == "" || r.Phone == "" {
		return
	}
	r.Code = d.CodeByDefault[""] || d.CodeByDefault[r.Institution]
}

// others returns the ids of a's person's open activations but a, newest
// first, and when the person last activated the account with a link (nil:
// never); a store that cannot list them is logged, not an error: the link
// is issued.
func (d *Desk) others(ctx context.Context, a store.Activation) (open []string, activated *time.Time) {
	recs, err := d.linksOf(ctx, a.Username, a.Institution, func(r store.ActivationRecord) bool {
		return !bytes.Equal(r.TokenHash, a.TokenHash)
	})
	if err != nil {
		d.Logger.ErrorContext(ctx, "issue: list the person's other links", "err", err)
		return nil, nil
	}
	for _, rec := range recs {
		switch {
		case rec.UsedAt != nil:
			if activated == nil || rec.UsedAt.After(*activated) {
				activated = rec.UsedAt
			}
		case d.view(rec).State == StateOpen:
			open = append(open, ID(rec.TokenHash))
		}
	}
	return open, activated
}

// linksOf returns username's activations at institution (at every one for
// "") that keep holds, newest first.
func (d *Desk) linksOf(ctx context.Context, username, institution string, keep func(store.ActivationRecord) bool) ([]store.ActivationRecord, error) {
	recs, err := d.Store.Activations(ctx, store.ActivationFilter{Username: username, Institution: institution})
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(recs, func(r store.ActivationRecord) bool { return !keep(r) }), nil
}

// accountName returns the username the person is kept under at
// institution (and the others of its directory; "": at any institution),
// whatever the case of the ASCII letters typed (store.AccountName: an
// account's, else a link's, else an imported identity's), as the
// directories match it: the desk issues, lists and revokes kari's links
// for "KARI", and welcomes kari, not a second person. A username no one is
// kept under stays as typed; so does one the store could not look up
// (logged: the store's next step tells the caller).
func (d *Desk) accountName(ctx context.Context, institution, username string) string {
	if username == "" {
		return username
	}
	scope := policy.Institutions()
	if institution != "" {
		scope = d.sameAccounts(institution)
	}
	name, err := keptName(ctx, d.Store, scope, username)
	if err != nil {
		d.Logger.ErrorContext(ctx, "desk: look up the account's username", "err", err)
		return username
	}
	return name
}

// keptName returns the username Styrke keeps the account that username
// names at institutions (those of one directory) under, in any case of its
// ASCII letters (store.AccountName), or username as given when Styrke
// keeps nothing of it there.
func keptName(ctx context.Context, st store.Store, institutions []string, username string) (string, error) {
	name, err := st.AccountName(ctx, institutions, username)
	if errors.Is(err, store.ErrNotFound) {
		return username, nil
	}
	return name, err
}

// newIssue makes a new activation of a valid r, with its token, contact
// and "created" audit event, ready to store.
func (d *Desk) newIssue(ctx context.Context, r IssueRequest, code string) (string, store.Issue, error) {
	p, err := policy.Lookup(r.Institution)
	if err != nil {
		return "", store.Issue{}, &FieldError{Fields: []string{"institution"}, Msg: "institution is not a known institution id"}
	}
	ttl := r.TTL
	if ttl == 0 {
		if ttl, err = time.ParseDuration(p.ActivationTTL); err != nil {
			ttl = 72 * time.Hour
		}
	}
	if msg := ttlProblem(ttl); msg != "" {
		return "", store.Issue{}, &FieldError{Fields: []string{"ttl"}, Msg: "ttl " + msg}
	}
	token, hash := NewToken()
	now := d.Now().UTC()
	actor := r.Actor
	if actor == "" {
		actor = "system"
	}
	var codeHash []byte
	if code != "" {
		codeHash = HashCode(token, code)
	}
	return token, store.Issue{
		Activation: store.Activation{TokenHash: hash, Username: r.Username, Name: r.Name, Institution: p.ID,
			CreatedAt: now, ExpiresAt: now.Add(ttl), CodeHash: codeHash},
		Contact: store.Contact{Email: r.Email, Phone: r.Phone, Lang: r.Lang, CreatedBy: r.Actor},
		Created: store.AuditEvent{Time: now, Event: store.EventCreated, Actor: actor, Username: r.Username,
			Institution: p.ID, RemoteAddr: r.RemoteAddr, RequestID: RequestID(ctx), Detail: "id " + ID(hash)},
	}, nil
}

// issued delivers a stored activation's link and says what happened.
func (d *Desk) issued(ctx context.Context, r IssueRequest, token, code string, it store.Issue) Issued {
	hash := it.Activation.TokenHash
	out := Issued{ID: ID(hash), Link: Link(d.BaseURL, r.Lang, token), Code: code, ExpiresAt: it.Activation.ExpiresAt}
	ev := store.AuditEvent{Actor: r.Actor, Username: r.Username, Institution: r.Institution, RemoteAddr: r.RemoteAddr, Detail: "id " + out.ID}
	if d.Metrics != nil {
		d.Metrics.auditEvents.WithLabelValues(store.EventCreated).Inc()
	}
	out.Deliveries = d.deliver(ctx, r, out, ev)
	// A link that needs its code is delivered with it, not before. One
	// the mail server took without confirming it is marked so: it may
	// have arrived, and neither an import's re-run nor the list takes it
	// for undelivered.
	if out.Sent() && (code == "" || out.CodeDelivered()) {
		if err := d.Store.MarkDelivered(ctx, hash, d.Now(), !out.Delivered()); err != nil {
			d.Logger.ErrorContext(ctx, "mark delivered", "err", err)
		}
	}
	if d.Metrics != nil {
		d.Metrics.issued.Inc()
	}
	return out
}

// deliver sends the link on every channel r gives; a link with a code
// goes by e-mail only, and its code by SMS apart from it.
func (d *Desk) deliver(ctx context.Context, r IssueRequest, is Issued, ev store.AuditEvent) []Delivery {
	if r.Email == "" && r.Phone == "" || r.NoDeliver {
		return nil
	}
	prof := d.Templates.Profile(r.Institution)
	name := r.Name
	if name == "" {
		name = r.Username
	}
	data := notify.Data{
		Name: name, Username: r.Username, Institution: prof.Name, ServiceDesk: prof.ServiceDesk,
		Link: is.Link, Expires: d.Templates.FormatTime(is.ExpiresAt, r.Lang), CodeBySMS: is.Code != "",
	}
	if is.Code == "" {
		msg, err := d.Templates.Render(notify.KindActivation, r.Lang, data)
		return d.send(ctx, ev, r.Institution, r.Email, r.Phone, "", msg, err)
	}
	// The code first, so that the e-mail says whether it went (it said
	// "the code we have sent" when the SMS had failed) and how to get one.
	code := d.sendCode(ctx, ev, r.Institution, r.Phone, r.Lang, data, is.Code)
	data.CodeNotSent = !code.OK
	msg, err := d.Templates.Render(notify.KindActivation, r.Lang, data)
	return append(d.send(ctx, ev, r.Institution, r.Email, "", "", msg, err), code)
}

// sendCode sends a link's one-time code by SMS to phone (data: the link's
// message fields) and records it as send does.
func (d *Desk) sendCode(ctx context.Context, ev store.AuditEvent, institution, phone, lang string, data notify.Data, code string) Delivery {
	data.Code = code
	msg, err := d.Templates.Render(notify.KindCode, lang, data)
	return d.send(ctx, ev, institution, "", phone, "code", msg, err)[0]
}

// send delivers msg to email and/or phone (each if not empty) and records
// each outcome in the audit log and the metrics; what names a content
// other than the link ("code", "welcome"). renderErr, the message's rendering error,
// fails every channel as permanent.
func (d *Desk) send(ctx context.Context, ev store.AuditEvent, institution, email, phone, what string, msg notify.Rendered, renderErr error) []Delivery {
	var out []Delivery
	record := func(channel string, err error) {
		dl := Delivery{Channel: channel, What: what, OK: err == nil}
		e := ev
		e.Event, e.Detail = store.EventDelivered, channel
		if what != "" {
			e.Detail = channel + " " + what
		}
		if ev.Detail != "" {
			// The link's id ("id …"): with two open links the desk could
			// not tell which one went.
			e.Detail = ev.Detail + ": " + e.Detail
		}
		result := "ok"
		if err != nil {
			dl.Error = notify.ErrorClass(err)
			e.Detail += ": " + dl.Error
			// Taken whole with its reply lost is no failure: "delivered"
			// with its class.
			result = "unconfirmed"
			msg := "delivery unconfirmed: the mail server took the message and did not answer in time; it may have arrived"
			if !dl.Unconfirmed() {
				result, msg = "failed", "delivery failed"
				e.Event = store.EventDeliveryFailed
			}
			content := what
			if content == "" {
				content = "link"
			}
			// Whose: the CLI's desk has no request id to find it by.
			attrs := []any{"username", ev.Username, "institution", institution, "channel", channel, "what", content, "err", err}
			if id := RequestID(ctx); id != "" {
				attrs = append([]any{"id", id}, attrs...)
			}
			d.Logger.WarnContext(ctx, msg, attrs...)
		}
		if d.Metrics != nil {
			d.Metrics.deliveries.WithLabelValues(channel, result).Inc()
		}
		d.Audit(ctx, e)
		out = append(out, dl)
	}
	if renderErr != nil {
		d.Logger.ErrorContext(ctx, "render message", "what", what, "err", renderErr)
		renderErr = fmt.Errorf("%w: template: %v", notify.ErrPermanent, renderErr)
	}
	// An import's breaker (none otherwise).
	br, _ := ctx.Value(breakerKey{}).(*deliveryBreaker)
	if email != "" {
		err := renderErr
		if err == nil {
			err = br.send(ctx, d.Logger, "email", func() error {
				return d.sendMail(ctx, notify.Message{To: email, Subject: msg.Subject, Text: msg.Text, HTML: msg.HTML})
			})
		}
		record("email", err)
	}
	if phone != "" {
		err := renderErr
		if err == nil {
			err = br.send(ctx, d.Logger, "sms", func() error { return d.sendSMS(ctx, institution, phone, msg.SMS) })
		}
		record("sms", err)
	}
	return out
}

func (d *Desk) sendMail(ctx context.Context, m notify.Message) error {
	if d.Mailer == nil {
		return fmt.Errorf("%w: no SMTP server configured", notify.ErrNotConfigured)
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	return d.Mailer.Send(ctx, m)
}

func (d *Desk) sendSMS(ctx context.Context, institution, to, body string) error {
	if d.SMS == nil {
		return fmt.Errorf("%w: no SMS provider configured", notify.ErrNotConfigured)
	}
	if d.SMSDailyCap < 0 {
		return fmt.Errorf("%w: SMS disabled", notify.ErrCapReached)
	}
	day := d.Now().In(oslo()).Format("2006-01-02")
	_, ok, err := d.Store.TakeSMS(ctx, institution, day, d.SMSDailyCap)
	if err != nil {
		return fmt.Errorf("%w: sms counter: %v", notify.ErrTemporary, err)
	}
	if !ok {
		return fmt.Errorf("%w: %d SMS for %s on %s", notify.ErrCapReached, d.SMSDailyCap, institution, day)
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	return d.SMS.SendSMS(ctx, to, body)
}

func oslo() *time.Location {
	l, err := time.LoadLocation("Europe/Oslo")
	if err != nil {
		return time.UTC
	}
	return l
}

// State is an activation's state as the service desk sees it.
type State string

// States.
const (
	StateOpen    State = "open"
	StateUsed    State = "used"
	StateExpired State = "expired"
	StateLocked  State = "locked"
	StateRevoked State = "revoked"
)

// ActivationView is an activation as the admin API and the CLI list it:
// never its token.
type ActivationView struct {
	ID          string     `json:"id"`
	Username    string     `json:"username"`
	Name        string     `json:"name"`
	Institution string     `json:"institution"`
	State       State      `json:"state"`
	Email       string     `json:"email,omitempty"`
	Phone       string     `json:"phone,omitempty"`
	Lang        string     `json:"lang,omitempty"`
	CreatedBy   string     `json:"createdBy,omitempty"`
	CreatedAt   time.Time  `json:"createdAt"`
	ExpiresAt   time.Time  `json:"expiresAt"`
	DeliveredAt *time.Time `json:"deliveredAt,omitempty"`
	// DeliveryUnconfirmed: at DeliveredAt the link's e-mail was taken
	// whole by a mail server that did not confirm it; it may have
	// arrived, so ask the person before a resend.
	DeliveryUnconfirmed bool       `json:"deliveryUnconfirmed,omitempty"`
	UsedAt              *time.Time `json:"usedAt,omitempty"`
	RevokedAt           *time.Time `json:"revokedAt,omitempty"`
	// Failures counts the wrong codes and refused passwords tried with
	// the link (MaxFailures lock it), not failed deliveries.
	Failures int `json:"failures"`
	// Code: the link works only with the one-time code sent by SMS.
	Code bool `json:"code,omitempty"`
}

func (d *Desk) view(r store.ActivationRecord) ActivationView {
	v := ActivationView{
		ID: ID(r.TokenHash), Username: r.Username, Name: r.Name, Institution: r.Institution,
		Email: r.Email, Phone: r.Phone, Lang: r.Lang, CreatedBy: r.CreatedBy,
		CreatedAt: r.CreatedAt, ExpiresAt: r.ExpiresAt, DeliveredAt: r.DeliveredAt, DeliveryUnconfirmed: r.Unconfirmed, UsedAt: r.UsedAt,
		RevokedAt: r.RevokedAt, Failures: r.Failures, Code: len(r.CodeHash) > 0,
	}
	switch {
	case r.UsedAt != nil:
		v.State = StateUsed
	case r.RevokedAt != nil:
		v.State = StateRevoked
	case r.Failures >= MaxFailures:
		v.State = StateLocked
	case !d.Now().Before(r.ExpiresAt):
		v.State = StateExpired
	default:
		v.State = StateOpen
	}
	return v
}

// ListFilter selects activations to list.
type ListFilter struct {
	Institution, Username string
	// Email and Phone find a person by where their links were sent: a new
	// student who calls does not know the username yet (it is in the
	// message that did not come). Email in any case; Phone in any form
	// a create takes ("912 34 567", "+4791234567").
	Email, Phone string
	State        State // empty: all
	Limit        int   // default 1000
}

// List returns activations newest first, at most f.Limit of them.
func (d *Desk) List(ctx context.Context, f ListFilter) ([]ActivationView, error) {
	out, _, err := d.ListMore(ctx, f)
	return out, err
}

// ListMore is List, and whether more activations matched than the limit
// let it return: the desk is told that a list was cut (after a semester's
// import, "list --state open" printed the newest 1000 of 10,000 and said
// nothing, and the desk counted 1000 people without a password).
func (d *Desk) ListMore(ctx context.Context, f ListFilter) ([]ActivationView, bool, error) {
	if err := knownInstitution(f.Institution); err != nil {
		return nil, false, err
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 1000
	}
	email, phone := strings.TrimSpace(f.Email), strings.TrimSpace(f.Phone)
	if phone != "" {
		p, err := notify.NormalizePhone(phone)
		if err != nil {
			return nil, false, &FieldError{Fields: []string{"phone"}, Msg: strings.TrimPrefix(err.Error(), notify.ErrInvalidRecipient.Error()+": ")}
		}
		phone = p
	}
	// Found by the store (it loaded every activation to find them).
	sf := store.ActivationFilter{Institution: f.Institution, Username: d.accountName(ctx, f.Institution, f.Username), Email: email, Phone: phone}
	if f.State == "" {
		sf.Limit = limit + 1 // one more: is there more?
	}
	recs, err := d.Store.Activations(ctx, sf)
	if err != nil {
		return nil, false, err
	}
	out := []ActivationView{}
	for _, r := range recs {
		v := d.view(r)
		if f.State != "" && v.State != f.State {
			continue
		}
		if len(out) == limit {
			return out, true, nil
		}
		out = append(out, v)
	}
	return out, false, nil
}

// ErrNotRevocable: the activation was already used or revoked.
var ErrNotRevocable = errors.New("server: activation already used or revoked")

// NotRevocableError says which, and when: a link used (a password was set
// with it: revoking it changes nothing, and whoever had it may hold the
// account) or revoked before. errors.Is(err, ErrNotRevocable) holds.
type NotRevocableError struct {
	UsedAt, RevokedAt *time.Time
}

func (e *NotRevocableError) Error() string {
	switch {
	case e.UsedAt != nil:
		return "the link was used at " + e.UsedAt.UTC().Format(time.RFC3339) + ": a password was set with it, and revoking it changes nothing; " +
			"if it went to the wrong person, they may have set the account's password: issue a new link to the right person, which sets it again"
	case e.RevokedAt != nil:
		return "the link was revoked at " + e.RevokedAt.UTC().Format(time.RFC3339) + " already"
	}
	return ErrNotRevocable.Error()
}

// Is makes errors.Is(err, ErrNotRevocable) hold.
func (e *NotRevocableError) Is(target error) bool { return target == ErrNotRevocable }

// notRevocable is ErrNotRevocable said of the link of hash: used or
// revoked, and when (as the store has it now: it may have been used
// since the desk's list was read).
func (d *Desk) notRevocable(ctx context.Context, hash []byte) error {
	recs, err := d.Store.Activations(ctx, store.ActivationFilter{TokenHash: hash, Limit: 1})
	if err != nil || len(recs) == 0 {
		return ErrNotRevocable
	}
	return &NotRevocableError{UsedAt: recs[0].UsedAt, RevokedAt: recs[0].RevokedAt}
}

// Activated returns when username last activated the account with a link
// at institution (at any for ""), or nil: never, as far as the links kept
// say. A revoke by username tells the desk, which found no open link of a
// person whose link, sent to the wrong address, was used.
func (d *Desk) Activated(ctx context.Context, username, institution string) (*time.Time, error) {
	if err := knownInstitution(institution); err != nil {
		return nil, err
	}
	recs, err := d.linksOf(ctx, d.accountName(ctx, institution, username), institution, func(r store.ActivationRecord) bool { return r.UsedAt != nil })
	if err != nil {
		return nil, err
	}
	var at *time.Time
	for _, r := range recs {
		if at == nil || r.UsedAt.After(*at) {
			at = r.UsedAt
		}
	}
	return at, nil
}

// knownInstitution refuses an institution id no policy has ("" is none: a
// filter of every institution); a mistyped one answered "nothing", which
// the desk read as "already handled".
func knownInstitution(id string) error {
	if id == "" {
		return nil
	}
	if _, err := policy.Lookup(id); err != nil {
		return &FieldError{Fields: []string{"institution"}, Msg: "institution is not a known institution id (styrke policy list)"}
	}
	return nil
}

// ErrActivationBusy: the activation is being completed right now (its
// password is being written to the directory); try again shortly.
var ErrActivationBusy = errors.New("server: activation being completed")

// Revoke ends one activation (by ID) or every open one of a person
// (username, in institution if given) and returns the IDs it revoked.
func (d *Desk) Revoke(ctx context.Context, id, username, institution, reason, actor, remote string) ([]string, error) {
	// Why, for the audit log ("sent to the wrong address"): one line.
	if reason = strings.TrimSpace(reason); reason != "" {
		if msg := textProblem(reason, MaxReasonLen, false); msg != "" {
			return nil, &FieldError{Fields: []string{"reason"}, Msg: "reason " + msg}
		}
		reason = ": " + reason
	}
	var targets []store.ActivationRecord
	if id != "" {
		h, err := ParseID(id)
		if err != nil {
			return nil, err
		}
		recs, err := d.Store.Activations(ctx, store.ActivationFilter{TokenHash: h})
		if err != nil {
			return nil, err
		}
		if len(recs) == 0 {
			return nil, store.ErrNotFound
		}
		targets = recs
	} else {
		if username == "" {
			return nil, &FieldError{Fields: []string{"id", "username"}, Msg: "give an id or a username"}
		}
		if err := knownInstitution(institution); err != nil {
			return nil, err
		}
		var err error
		targets, err = d.linksOf(ctx, d.accountName(ctx, institution, username), institution, func(r store.ActivationRecord) bool {
			return revocable(d.view(r).State, r)
		})
		if err != nil {
			return nil, err
		}
		if err := oneInstitution(username, institution, targets); err != nil {
			return nil, err
		}
	}
	done, _, err := d.revokeAll(ctx, targets, id != "", actor, remote, reason)
	if errors.Is(err, ErrNotRevocable) {
		return nil, d.notRevocable(ctx, targets[0].TokenHash)
	}
	return done, err
}

// oneInstitution refuses a revoke by username without an institution whose
// links are at more than one: the same username at two institutions may be
// two people (another directory's "ola" is another person), and the desk
// revoking its own ola's links revoked the other's.
func oneInstitution(username, institution string, links []store.ActivationRecord) error {
	if institution != "" {
		return nil
	}
	var at []string
	for _, r := range links {
		if !slices.Contains(at, r.Institution) {
			at = append(at, r.Institution)
		}
	}
	if len(at) < 2 {
		return nil
	}
	slices.Sort(at)
	return &FieldError{Fields: []string{"institution"}, Msg: "the username has open links at " +
		strings.Join(at[:len(at)-1], ", ") + " and " + at[len(at)-1] +
		", who may be different people: give the institution (nothing was revoked)"}
}

// MaxReasonLen is the longest reason a revoke takes, in characters.
const MaxReasonLen = 200

// RevokeIssuedBefore revokes every link issued before before (in
// institution, or in all when it is empty) that is not used or revoked
// yet (revocable), as after a restore, where links used or revoked since
// the backup work again. With dryRun it revokes nothing and returns the
// IDs it would revoke. busy are the links being completed right now,
// which it could not revoke (a lease of at most ClaimLease; run it again
// after): they were skipped without a word. Each revocation's audit event
// says the cut-off. A cut-off after now is refused (a typo revoked every
// open link, those issued since the restore too).
func (d *Desk) RevokeIssuedBefore(ctx context.Context, before time.Time, institution, actor, remote string, dryRun bool) (revoked, busy []string, err error) {
	if err := knownInstitution(institution); err != nil {
		return nil, nil, err
	}
	if before.After(d.Now()) {
		return nil, nil, &FieldError{Fields: []string{"issuedBefore"}, Msg: "is after now (" + before.Format(time.RFC3339) + "); give the backup's time"}
	}
	recs, err := d.Store.Activations(ctx, store.ActivationFilter{Institution: institution})
	if err != nil {
		return nil, nil, err
	}
	recs = slices.DeleteFunc(recs, func(r store.ActivationRecord) bool {
		return !r.CreatedAt.Before(before) || !revocable(d.view(r).State, r)
	})
	if dryRun {
		ids := make([]string, len(recs))
		for k, r := range recs {
			ids[k] = ID(r.TokenHash)
		}
		return ids, nil, nil
	}
	return d.revokeAll(ctx, recs, false, actor, remote, " (issued before "+before.UTC().Format(time.RFC3339)+")")
}

// revocable reports whether revoking a link in state v by username or in
// bulk does something: it is open or locked, or expired but never used
// nor revoked (revoking it takes its address off file, AddressOnFile).
func revocable(v State, r store.ActivationRecord) bool {
	return v == StateOpen || v == StateLocked || v == StateExpired && r.RevokedAt == nil && r.UsedAt == nil
}

// closeOpen revokes username's open links at institution made before
// before (all when it is zero), once the account's password was set: not
// the expired or locked ones, which no one can use, and whose addresses
// stay on file (AddressOnFile).
func (d *Desk) closeOpen(ctx context.Context, username, institution, actor, remote string, before time.Time) ([]string, error) {
	open, err := d.linksOf(ctx, username, institution, func(r store.ActivationRecord) bool {
		return d.view(r).State == StateOpen && (before.IsZero() || r.CreatedAt.Before(before))
	})
	if err != nil {
		return nil, err
	}
	return d.revoke(ctx, open, false, actor, remote)
}

// revoke revokes targets and audits each; one (the id given) fails on a
// link already used, revoked or being completed, where others skip it.
func (d *Desk) revoke(ctx context.Context, targets []store.ActivationRecord, one bool, actor, remote string) ([]string, error) {
	done, _, err := d.revokeAll(ctx, targets, one, actor, remote, "")
	return done, err
}

// revokeAll is revoke that also returns the links skipped while being
// completed (busy), and adds why to each audit event's detail.
func (d *Desk) revokeAll(ctx context.Context, targets []store.ActivationRecord, one bool, actor, remote, why string) (done, busy []string, err error) {
	for _, r := range targets {
		err := d.Store.Revoke(ctx, r.TokenHash, d.Now())
		if errors.Is(err, store.ErrGone) || errors.Is(err, store.ErrBusy) {
			if one && errors.Is(err, store.ErrBusy) {
				return nil, nil, ErrActivationBusy
			}
			if one {
				return nil, nil, ErrNotRevocable
			}
			if errors.Is(err, store.ErrBusy) {
				busy = append(busy, ID(r.TokenHash))
			}
			continue
		}
		if err != nil {
			return done, busy, err
		}
		done = append(done, ID(r.TokenHash))
		d.Audit(ctx, store.AuditEvent{Event: store.EventRevoked, Actor: actor, Username: r.Username, Institution: r.Institution,
			RemoteAddr: remote, Detail: "id " + ID(r.TokenHash) + why})
	}
	return done, busy, nil
}

// Resend issues a new activation like the one with id (same person, contact
// and language), delivers it, and revokes the old one; not when no channel
// confirmed the new one (every one failed, or its e-mail is unconfirmed)
// and the old one is open: it may yet arrive (Issued.AlsoOpen names it,
// and a warning says why). A resend that repeats one within
// IssueRepeatWindow (the person has a newer link to the same address, made
// after this one and sent: the same resend sent twice) sends nothing and
// answers that link, Issued.Repeated, as Issue does; one being made right
// now is ErrIssueBusy.
func (d *Desk) Resend(ctx context.Context, id, actor, remote string) (Issued, error) {
	h, err := ParseID(id)
	if err != nil {
		return Issued{}, err
	}
	recs, err := d.Store.Activations(ctx, store.ActivationFilter{TokenHash: h})
	if err != nil {
		return Issued{}, err
	}
	if len(recs) == 0 {
		return Issued{}, store.ErrNotFound
	}
	old := recs[0]
	if old.UsedAt != nil {
		// Its person set the password with it: a new link would set it
		// again, and the desk is told when, and what to do instead.
		we := &WithdrawnError{At: *old.UsedAt, Used: true}
		if err := d.resetFor(ctx, old, we); err != nil {
			return Issued{}, fmt.Errorf("resend activation: %w", err)
		}
		return Issued{}, we
	}
	if old.RevokedAt != nil {
		ev, err := d.withdrawn(ctx, old)
		if err != nil {
			return Issued{}, fmt.Errorf("resend activation: %w", err)
		}
		if ev != nil {
			_, reason, _ := strings.Cut(ev.Detail, ": ")
			we := &WithdrawnError{At: *old.RevokedAt, By: ev.Actor, Reason: reason}
			if we.By == "system" {
				if err := d.howClosed(ctx, old, we); err != nil {
					return Issued{}, fmt.Errorf("resend activation: %w", err)
				}
			}
			return Issued{}, we
		}
	}
	is, err := d.issue(ctx, IssueRequest{Username: old.Username, Name: old.Name, Institution: old.Institution,
		Email: old.Email, Phone: old.Phone, Lang: old.Lang, Code: len(old.CodeHash) > 0, CodeSet: true, Actor: actor, RemoteAddr: remote}, &old)
	if err != nil || is.Repeated {
		return is, err // a repeat: the first resend dealt with the old link
	}
	if len(is.Deliveries) > 0 && !is.Delivered() && d.view(old).State == StateOpen {
		// The new link reached no one (the mail server down), or its
		// e-mail is unconfirmed: the old one may yet arrive, or be in the
		// person's spam folder, and revoked it would tell them it had
		// expired. It stays open, named in AlsoOpen, until the desk
		// revokes it.
		why := "the new one reached no one, and the old one may yet arrive; revoke it once the person has the new one"
		switch {
		case is.Sent():
			why = "the new one's e-mail is unconfirmed, and the old one may yet arrive; revoke it once the person has the new one"
		case refused(is.Deliveries):
			// A resend goes to the same address: the old one's was
			// refused as well, and nothing "may yet arrive".
			why = "the new one's address or number was refused (invalid recipient), as a resend goes to the old one's; " +
				"issue a link to the right address, and revoke the old one"
		}
		is.Warnings = append(is.Warnings, "the old link "+id+" was not revoked: "+why)
		return is, nil
	}
	if err := d.Store.Revoke(ctx, h, d.Now()); err == nil {
		d.Audit(ctx, store.AuditEvent{Event: store.EventRevoked, Actor: actor, Username: old.Username, Institution: old.Institution,
			RemoteAddr: remote, Detail: replacedDetail(id, "", is.ID)})
	} else if !errors.Is(err, store.ErrGone) {
		// The new link is stored and sent: answered, with the old one
		// named as open. An error alone hid the new link from the desk,
		// and a retry, a repeat of this resend, left the old one open
		// without a word.
		d.Logger.ErrorContext(ctx, "resend activation: revoke the old link", "err", err)
		is.Warnings = append(is.Warnings, "the old link "+id+" was not revoked: the store failed (see the server log); "+
			"revoke it once the person has the new one")
		return is, nil
	}
	is.AlsoOpen = slices.DeleteFunc(is.AlsoOpen, func(o string) bool { return o == ID(h) })
	return is, nil
}

// WithdrawnError is a resend of a link that was withdrawn: revoked by the
// desk (by its id or the person's username: sent to the wrong address, say)
// or closed when the person's password was set; or used (Used): the
// password was set with it. A resend goes to the link's
// address or number, and it sent a new working link there. A link replaced
// by a newer one, or revoked after a restore (revoke --issued-before), is
// no such link: a resend is how its person gets a new one.
type WithdrawnError struct {
	At     time.Time
	By     string // the actor of the revoke ("system": the password was set)
	Reason string // the desk's reason, if it gave one
	// How the password was set, when By is "system": store.EventActivated
	// (with another of the person's links), EventReset or EventChanged;
	// "" when the audit log does not say.
	How string
	// Reset: the person can choose a new password themselves on the
	// Forgot password page (the reset with ID-porten is on, and their
	// identity number is imported for this account alone).
	Reset bool
	// Used: the link was used at At (By and How are empty): the
	// password was set with it.
	Used bool
}

func (e *WithdrawnError) Error() string {
	return e.Explain(e.At.UTC().Format(time.RFC3339), "create")
}

// Explain is the error's text with the time at as given (the CLI says it
// in Norwegian time) and create the way to issue a link ("create", the
// CLI's "activation create").
func (e *WithdrawnError) Explain(at, create string) string {
	if e.Used || e.By == "system" {
		how := ""
		switch e.How {
		case store.EventActivated:
			how = " with another of their links"
		case store.EventReset:
			how = " on the Forgot password page (a reset with ID-porten)"
		case store.EventChanged:
			how = " on the Change password page"
		}
		// The person has a password: a link would set it again. The desk
		// sends one only to a person who cannot sign in and cannot reset
		// it themselves, or who did not set it.
		next := "they sign in with the password they chose; if they have forgotten it, or did not set it themselves, issue them a new link (" + create + "), which sets it again"
		if e.Reset {
			next = "they sign in with the password they chose, and if they have forgotten it they choose a new one themselves on the Forgot password page (ID-porten); " +
				"if they did not set it themselves, issue them a new link (" + create + "), which sets it again"
		}
		if e.Used {
			return "the link was used at " + at + ": the person's password was set with it: they have a password, and nothing was sent; " + next
		}
		return "the link was closed at " + at + ", when the person's password was set" + how + ": they have a password, and nothing was sent; " + next
	}
	why := ""
	if e.Reason != "" {
		why = " (" + e.Reason + ")"
	}
	return "the link was revoked at " + at + " by " + e.By + why + ", and a resend goes to its address or number: nothing was sent; " +
		"if the person should have a link, issue one to the right address (" + create + ")"
}

// howClosed fills in we.How and we.Reset for old, closed when its person's
// password was set: the audit log's last "activated", "reset" or "changed"
// of the person between old's creation and its close (a sweep after an
// interruption closes it later than the event).
func (d *Desk) howClosed(ctx context.Context, old store.ActivationRecord, we *WithdrawnError) error {
	evs, err := d.Store.Audit(ctx, store.AuditFilter{Username: old.Username, Institution: old.Institution,
		Since: old.CreatedAt, Until: old.RevokedAt.Add(time.Second)})
	if err != nil {
		return err
	}
	for _, ev := range evs {
		switch ev.Event {
		case store.EventActivated, store.EventReset, store.EventChanged:
			we.How = ev.Event
		}
	}
	return d.resetFor(ctx, old, we)
}

// resetFor sets we.Reset when old's person can choose a new password
// themselves on the Forgot password page.
func (d *Desk) resetFor(ctx context.Context, old store.ActivationRecord, we *WithdrawnError) error {
	if !d.IDPortenReset {
		return nil
	}
	_, owners, err := d.resetOwners(ctx, old.Institution, old.Username)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	we.Reset = owners == 1
	return err
}

// withdrawn returns the "revoked" event of old (revoked) when the desk's
// revoke by id or username, or the close after a password was set, ended
// it; nil when a newer link replaced it or a revoke --issued-before did, or
// its event is not written yet (a resend revokes the link it replaces just
// before it audits that: the same resend at that moment is its repeat).
func (d *Desk) withdrawn(ctx context.Context, old store.ActivationRecord) (*store.AuditEvent, error) {
	evs, err := d.Store.Audit(ctx, store.AuditFilter{Event: store.EventRevoked, Username: old.Username, Institution: old.Institution,
		Since: old.RevokedAt.Add(-time.Minute)})
	if err != nil {
		return nil, err
	}
	id := ID(old.TokenHash)
	for _, ev := range evs {
		if ev.Detail == "id "+id || strings.HasPrefix(ev.Detail, "id "+id+": ") {
			return &ev, nil
		}
	}
	return nil, nil
}

// replacedDetail is the detail of the "revoked" event of the link old that
// a new link replaced, and why ("never delivered", "address changed"; ""
// for a resend): "id OLD replaced by NEW", "id OLD never delivered,
// replaced by NEW". replacedIn reads it.
func replacedDetail(old, why, new string) string {
	if why == "" {
		return "id " + old + " replaced by " + new
	}
	return "id " + old + " " + why + ", replaced by " + new
}

// replacedIn reports whether detail, a "revoked" event's, is that of the
// link id replaced by another (replacedDetail); a reason the desk gave a
// revoke follows a colon, and is not read.
func replacedIn(detail, id string) bool {
	rest, ok := strings.CutPrefix(detail, "id "+id+" ")
	if !ok || strings.Contains(rest, ":") {
		return false
	}
	i := strings.LastIndex(rest, "replaced by ")
	return i >= 0 && (i == 0 || strings.HasSuffix(rest[:i], ", ")) && isID(rest[i+len("replaced by "):])
}

// isID reports whether s is an activation's id (ID: 64 hex digits).
func isID(s string) bool {
	_, err := ParseID(s)
	return err == nil
}

// NotifyChanged queues the e-mail that tells username at institution their
// password was set (how: notify.HowActivation, HowReset or HowChange) at,
// to the address on file there (at the institutions of its directory,
// sameAccounts). No address on file: nothing is queued (and nil returned). It
// never sends: the queue's worker does, so a mail server that is down
// cannot fail the change. key makes the notice unique (one per event).
func (d *Desk) NotifyChanged(ctx context.Context, key, username, name, institution, how string, at time.Time) error {
	email, lang, err := d.Store.AddressOnFile(ctx, d.sameAccounts(institution), username)
	if errors.Is(err, store.ErrNotFound) {
		d.Logger.InfoContext(ctx, "no address on file: no notice after the password", "institution", institution, "how", how)
		return nil
	}
	if err != nil {
		return err
	}
	prof := d.Templates.Profile(institution)
	if name == "" {
		name = username
	}
	msg, err := d.Templates.Render(notify.KindChanged, lang, notify.Data{
		Name: name, Username: username, Institution: prof.Name, ServiceDesk: prof.ServiceDesk,
		How: notify.How(how, lang), When: d.Templates.FormatTime(at, lang),
	})
	if err != nil {
		return fmt.Errorf("render notice: %w", err)
	}
	domain := "styrke.invalid"
	if s, ok := d.Mailer.(interface{ Domain() string }); ok {
		domain = s.Domain()
	}
	now := d.Now()
	_, err = d.Store.EnqueueNotification(ctx, store.Notification{
		Key: key, Channel: "email", Recipient: email, Subject: msg.Subject, Text: msg.Text, HTML: msg.HTML,
		MessageID: notify.NewMessageID(domain), Username: username, Institution: institution,
		CreatedAt: now, NextAttempt: now,
	})
	if err != nil {
		return err
	}
	if d.Notices != nil {
		d.Notices.Kick()
	}
	return nil
}

// ParseDays reads a duration that may be in days ("365d", at most 100,000
// of them) as well as Go's units ("8760h"); "" and "0" are 0 ("forever"
// where a retention reads it).
func ParseDays(s string) (time.Duration, error) {
	if s == "" || s == "0" {
		return 0, nil
	}
	if n, ok := strings.CutSuffix(s, "d"); ok {
		if days, err := strconv.Atoi(n); err == nil && days >= 0 && days <= 100000 {
			return time.Duration(days) * 24 * time.Hour, nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("%q is not a duration such as 365d or 720h", s)
	}
	return d, nil
}

// IssueRepeatWindow is how long after a link was created and sent a
// create for the same person, address and kind of link answers that link
// (Desk.Issue, Issued.Repeated) instead of sending a second one.
const IssueRepeatWindow = 10 * time.Minute

// issueLease is how long a create, resend or welcome holds the person
// (issueLockKey) across instances: its deliveries' time limits (30 s
// each) and a margin.
const issueLease = 2 * time.Minute

// ErrIssueBusy: a link or welcome for the same person is being sent right
// now (the same create, resend or welcome sent twice at once).
var ErrIssueBusy = errors.New("server: a link or welcome for this person is being sent right now")

// issueLockKey names a person's creates, resends and welcomes for the
// store's lease, apart from the leases of their account's password writes.
func issueLockKey(institution, username string) string {
	sum := sha256.Sum256([]byte(institution + "\x00" + strings.ToLower(username)))
	return "issue:" + hex.EncodeToString(sum[:])
}

// holdPerson holds username at institution for a create, resend or
// welcome that looks for its own repeat and then sends, across instances
// (issueLockKey, issueLease); ErrIssueBusy while another holds them. The
// func ends the hold. An import holds its batch's people together
// (personHolds).
func (d *Desk) holdPerson(ctx context.Context, institution, username string) (func(), error) {
	unlock, err := holdAccount(ctx, d.Store, d.Logger, issueLockKey(institution, username), d.Now(), issueLease)
	if errors.Is(err, store.ErrBusy) {
		return nil, ErrIssueBusy
	}
	return unlock, err
}

// repeatOf finds the link a create r repeats: the person's newest open
// link, created within IssueRepeatWindow to the same e-mail address
// (whatever the case of its letters) and phone number, with a one-time
// code or without as r, whose delivery went (or may have: unconfirmed);
// for a resend of old, one created after old (old itself is what the
// person did not get).
// Sending r again would reach the person twice. A link no channel
// delivered is no repeat: the desk was shown it once, and a new create
// makes a new one to hand over. The store not answering is logged, and
// no repeat: the create goes on, as before.
func (d *Desk) repeatOf(ctx context.Context, r IssueRequest, old *store.ActivationRecord) (Issued, bool) {
	now := d.Now()
	recs, err := d.linksOf(ctx, r.Username, r.Institution, func(rec store.ActivationRecord) bool {
		if old != nil && (bytes.Equal(rec.TokenHash, old.TokenHash) || rec.CreatedAt.Before(old.CreatedAt)) {
			return false
		}
		return rec.DeliveredAt != nil && now.Sub(rec.CreatedAt) < IssueRepeatWindow &&
			strings.EqualFold(rec.Email, r.Email) && rec.Phone == r.Phone && (len(rec.CodeHash) > 0) == r.Code &&
			d.view(rec).State == StateOpen
	})
	if err != nil {
		d.Logger.ErrorContext(ctx, "issue: list the person's links for a repeat", "err", err)
		return Issued{}, false
	}
	if len(recs) == 0 {
		return Issued{}, false
	}
	first := slices.MaxFunc(recs, func(a, b store.ActivationRecord) int { return a.CreatedAt.Compare(b.CreatedAt) })
	id := ID(first.TokenHash)
	sent := "delivered"
	if first.Unconfirmed {
		sent = "sent (the mail server did not confirm it: it may have arrived)"
	}
	ago := now.Sub(first.CreatedAt).Round(time.Second)
	what, again := "the same link for "+r.Username, "it is not sent again"
	if old != nil {
		what, again = "a newer link for "+r.Username+" than "+ID(old.TokenHash), "the same resend sends nothing"
	}
	return Issued{ID: id, ExpiresAt: first.ExpiresAt, Repeated: true, Warnings: []string{fmt.Sprintf(
		"%s was created and %s %s ago (id %s): %s; "+
			"if the person did not get it, resend it (POST /api/admin/activations/resend, styrke activation resend --id %s), which replaces it",
		what, sent, ago, id, again, id)}}, true
}
