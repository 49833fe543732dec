package store

import (
	"context"
	"time"
)

// ServiceDesk is the part of the Store that the service desk and operations
// need: the audit log, the contact details of activations (for delivering
// links and notices), listing and revoking activations, the notification
// queue and the SMS counters. Its tables are schema version 3.
type ServiceDesk interface {
	// AppendAudit adds one event to the append-only audit log and returns
	// its id. e.ID is ignored; a zero e.Time is refused.
	AppendAudit(ctx context.Context, e AuditEvent) (int64, error)
	// Audit returns the events f selects, oldest first.
	Audit(ctx context.Context, f AuditFilter) ([]AuditEvent, error)
	// PruneAudit deletes the events older than before (retention) and
	// returns how many it deleted. It is the only way an event leaves the
	// log: the tables refuse an UPDATE.
	PruneAudit(ctx context.Context, before time.Time) (int64, error)
	// NewestAudit returns the time of the newest event in the log (the
	// zero time when it is empty): a clock ahead of it is suspect, and
	// serve's retention counts back from it then.
	NewestAudit(ctx context.Context) (time.Time, error)
	// RetentionMark returns the time serve's retention last counted back
	// from (the zero time before any), and SetRetentionMark keeps t as it:
	// a start believes no later time than the round before's, which a
	// clock that jumped since cannot move (serve's retentionClock).
	RetentionMark(ctx context.Context) (time.Time, error)
	SetRetentionMark(ctx context.Context, t time.Time) error

	// IssueActivations stores new activations (as CreateActivation, with
	// ErrExists for a token hash already stored), each with its contact
	// details and the audit event that records it, all in one transaction:
	// one write to disk for a whole batch of a bulk import. Any error stores
	// nothing.
	IssueActivations(ctx context.Context, batch []Issue) error
	// SetContact stores (replacing) the contact details of an activation
	// (ErrNotFound if the activation does not exist), but for Unconfirmed,
	// which MarkDelivered sets.
	SetContact(ctx context.Context, tokenHash []byte, c Contact) error
	// MarkDelivered records that the activation's link was delivered at,
	// or, unconfirmed, handed whole at at to a mail server that did not
	// confirm it (it may have arrived); a later MarkDelivered says which.
	MarkDelivered(ctx context.Context, tokenHash []byte, at time.Time, unconfirmed bool) error
	// Activations lists activations with their contact details, newest
	// first, as f selects them.
	Activations(ctx context.Context, f ActivationFilter) ([]ActivationRecord, error)
	// Revoke ends an unused activation at now: it can no longer be
	// completed (its expiry becomes now) and is listed as revoked. It
	// returns ErrNotFound for an unknown token hash, ErrGone for one that
	// was already used or revoked, and ErrBusy while a complete holds a
	// claim on it (its directory write is under way).
	Revoke(ctx context.Context, tokenHash []byte, now time.Time) error
	// AddressOnFile returns the e-mail address and language the service
	// desk gave last for username at one of institutions (ErrNotFound if
	// none): the newest of its activations there that has an address and
	// was not revoked, or of PutAddress there, whichever is newer. Where a
	// notice about the account goes, never an address typed on a page.
	// institutions are those whose usernames name one person (the
	// institutions of one directory): "ola" at an institution of another
	// directory is another person, whose address is not this one's. An
	// address put under NoInstitution is on file at every institution. No
	// institutions: none is on file.
	AddressOnFile(ctx context.Context, institutions []string, username string) (email, lang string, err error)
	// PutAddress records (replacing) an address the service desk gave for
	// username at institution at at without an activation (a welcome), or
	// that a reset or a change kept on file.
	PutAddress(ctx context.Context, institution, username, email, lang string, at time.Time) error
	// ClaimReminder records that the reminder key (an account, its
	// password's expiry and the window it was found in) is being sent at
	// at, and reports false if the key was claimed before: one reminder per
	// key, however often the job runs and however many run at once. A claim
	// not confirmed (ConfirmReminder) within ReminderLease may be claimed
	// again: a run killed between the claim and the send lost the reminder.
	ClaimReminder(ctx context.Context, key string, at time.Time) (bool, error)
	// ConfirmReminder records that key's reminder reached the person: its
	// claim is for good.
	ConfirmReminder(ctx context.Context, key string) error
	// ReminderSent reports whether key was claimed (and not released): what
	// a dry run asks.
	ReminderSent(ctx context.Context, key string) (bool, error)
	// ReleaseReminder forgets a claimed key (no channel delivered the
	// reminder), so that the next run tries again.
	ReleaseReminder(ctx context.Context, key string) error
	// PruneReminders forgets the reminders sent before before (with the
	// audit log's retention: a password's expiry is long past by then) and
	// returns how many.
	PruneReminders(ctx context.Context, before time.Time) (int64, error)
	// CountOpenActivations counts the activations usable at now (unused,
	// unexpired, not locked by maxFailures).
	CountOpenActivations(ctx context.Context, now time.Time, maxFailures int) (int, error)
	// OpenInstitutions lists, sorted, the institutions of the activations
	// usable at now (as CountOpenActivations counts them): serve names
	// those it has no policy for, whose links can never be used.
	OpenInstitutions(ctx context.Context, now time.Time, maxFailures int) ([]string, error)

	// EnqueueNotification queues a message for the delivery worker. A
	// second message with the same Key is not queued (queued is false).
	EnqueueNotification(ctx context.Context, n Notification) (queued bool, err error)
	// ClaimNotifications hands out at most limit queued messages due at now
	// and hides them from other claims until leaseUntil (a worker that dies
	// holding them lets them come back then). Each claim counts an attempt.
	ClaimNotifications(ctx context.Context, now, leaseUntil time.Time, limit int) ([]Notification, error)
	// NotificationSent marks a message delivered; it is never handed out
	// again.
	NotificationSent(ctx context.Context, id int64, at time.Time) error
	// NotificationFailed records a failed attempt: the message comes back at
	// next, or never if giveUp.
	NotificationFailed(ctx context.Context, id int64, next time.Time, errText string, giveUp bool) error
	// Notifications returns the queue's messages, oldest first (for the CLI
	// and tests).
	Notifications(ctx context.Context, limit int) ([]Notification, error)

	// TakeSMS counts one SMS for institution on day (YYYY-MM-DD) unless
	// limit were exceeded; ok is false (and nothing counted) at the limit.
	TakeSMS(ctx context.Context, institution, day string, limit int) (count int, ok bool, err error)
}

// Audit event names.
const (
	EventCreated          = "created"
	EventDelivered        = "delivered"
	EventDeliveryFailed   = "delivery_failed"
	EventRevoked          = "revoked"
	EventActivated        = "activated"
	EventRefused          = "refused"
	EventReset            = "reset"
	EventChanged          = "changed"
	EventDirectoryRefused = "directory_refused"
	// EventDirectoryUnconfirmed: a password write (of an activation, a
	// reset or a change, the detail says which) went out to the directory
	// and its answer did not come: the password may be set.
	EventDirectoryUnconfirmed = "directory_unconfirmed"
	EventNotified             = "notified"
	EventNotifyFailed         = "notify_failed"
	EventFailed               = "failed"
	EventImported             = "imported"
	// EventWelcomed: a welcome to the reset page (sign in with ID-porten,
	// choose a password) reached the person.
	EventWelcomed = "welcomed"
	// EventIdentitySet: an import stored the identity number (as its
	// keyed hash, never the number) that may reset the account through
	// ID-porten.
	EventIdentitySet = "identity_set"
	// EventIdentityRemoved: an import that lists every account of an
	// institution removed the identity number of an account it did not
	// list (no reset through ID-porten for it since).
	EventIdentityRemoved = "identity_removed"
	// EventForgotten: the desk deleted everything Styrke kept of an
	// account (the right to erasure); the detail counts what, by kind.
	EventForgotten = "forgotten"
	// EventCopied: `styrke store copy` made this store a copy of another;
	// the detail names it (its password left out) and counts the rows.
	EventCopied = "store_copied"
)

// NoInstitution is the institution of an address on file kept before the
// store knew addresses by institution (schema 17), or of a password kept
// before it knew accounts by institution (schema 18), that the migration
// could tie to no one institution: AddressOnFile, History and AccountName
// find it for the username at every institution, as everything was found
// before.
const NoInstitution = ""

// ReminderLease is how long a reminder's claim holds without
// ConfirmReminder (a send takes seconds).
const ReminderLease = 10 * time.Minute

// Events are every event the audit log records.
var Events = []string{EventCreated, EventDelivered, EventDeliveryFailed, EventRevoked, EventActivated, EventRefused,
	EventReset, EventChanged, EventDirectoryRefused, EventDirectoryUnconfirmed, EventNotified, EventNotifyFailed, EventFailed, EventImported, EventWelcomed,
	EventIdentitySet, EventIdentityRemoved, EventForgotten, EventCopied}

// AuditEvent is one line of the audit log: who did what, when, from where,
// in which request. It never holds a password, token or identity number.
type AuditEvent struct {
	ID          int64     `json:"id"`
	Time        time.Time `json:"time"`
	Event       string    `json:"event"`
	Actor       string    `json:"actor"` // "admin:NAME", "user:USERNAME", "system"
	Username    string    `json:"username,omitempty"`
	Institution string    `json:"institution,omitempty"`
	RemoteAddr  string    `json:"remote_addr,omitempty"`
	RequestID   string    `json:"request_id,omitempty"`
	Detail      string    `json:"detail,omitempty"`
}

// AuditFilter selects audit events; zero fields select everything.
type AuditFilter struct {
	Since, Until time.Time // Since inclusive, Until exclusive
	Event        string
	Actor        string
	Username     string // in any case of its ASCII letters, as the directories match it ("KARI" finds kari's)
	Institution  string
	AfterID      int64 // only events with a larger id (paging)
	Limit        int   // 0: no limit
}

// Contact is how to reach the person an activation is for, and what
// happened to its link.
type Contact struct {
	Email       string
	Phone       string // E.164
	Lang        string // nb, nn or en
	CreatedBy   string // the actor that issued it
	DeliveredAt *time.Time
	// Unconfirmed: the delivery at DeliveredAt was an e-mail the mail
	// server took whole without confirming it (notify.ErrUnconfirmed).
	Unconfirmed bool
	RevokedAt   *time.Time
}

// Issue is one activation to store with IssueActivations.
type Issue struct {
	Activation Activation
	Contact    Contact
	Created    AuditEvent // the "created" event; needs Time and Event
}

// ActivationRecord is an activation as the service desk sees it. The token
// is never stored; TokenHash identifies the activation.
type ActivationRecord struct {
	Activation
	Contact
}

// ActivationFilter selects activations; zero fields select everything.
type ActivationFilter struct {
	Institution string
	Username    string
	TokenHash   []byte
	Email       string // where the link went, in any case of its ASCII letters
	Phone       string // where the link went (E.164)
	Limit       int    // 0: no limit
}

// Notification is one queued message (a notice about a password change;
// never a link with a token, which is only ever sent at once).
type Notification struct {
	ID          int64
	Key         string // dedupe key: one message per key
	Channel     string // "email"
	Recipient   string
	Subject     string
	Text, HTML  string
	MessageID   string // the Message-ID every attempt uses
	Username    string
	Institution string
	CreatedAt   time.Time
	NextAttempt time.Time
	Attempts    int
	SentAt      *time.Time
	GaveUp      bool
	LastError   string
}
