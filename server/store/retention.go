package store

import (
	"context"
	"time"
)

// Retention is the part of the Store that keeps personal data no longer
// than its use: what ran out, what ended long ago, and everything of one
// account on request (the right to erasure). The audit log is not its:
// its events leave by their own retention (ServiceDesk.PruneAudit).
type Retention interface {
	// Prune deletes what has served its use. At once, what ran out by now:
	// ID-porten sign-ins never finished, the date of birth of reset
	// sessions (the sessions themselves a day later, when no answer needs
	// them), failure counts whose window began a day before now. And what
	// ended before ended: links used, revoked or expired then, with their
	// addresses (not those whose steps after the password are still to
	// do, nor those claimed by a write under way), notices sent or given
	// up then, and SMS counters of days before it.
	Prune(ctx context.Context, now, ended time.Time) (Pruned, error)
	// Forget deletes everything the store holds of username at
	// institution (ASCII letters in any case, as the directories bind
	// them): its links and their addresses, its notices (sent or queued),
	// its identity number's keyed hash, its reset sessions and steps after
	// a password; and its address on file and password history, which are
	// kept by username alone, unless another institution has links or an
	// identity for the username (its person's they are then too). The
	// audit log keeps its events.
	Forget(ctx context.Context, institution, username string) (Forgotten, error)
}

// Pruned counts what one Prune deleted.
type Pruned struct {
	Links, Notices, Sessions, Logins, Counters int64
}

// Total is the number of rows Prune deleted.
func (p Pruned) Total() int64 { return p.Links + p.Notices + p.Sessions + p.Logins + p.Counters }

// Forgotten counts what one Forget deleted, by kind.
type Forgotten struct {
	Links      int64 `json:"links"`
	Notices    int64 `json:"notices"`
	Identities int64 `json:"identities"`
	Sessions   int64 `json:"resetSessions"`
	Followups  int64 `json:"followups"`
	Addresses  int64 `json:"addresses"`
	Passwords  int64 `json:"passwordHistory"`
}

// Total is the number of rows Forget deleted.
func (f Forgotten) Total() int64 {
	return f.Links + f.Notices + f.Identities + f.Sessions + f.Followups + f.Addresses + f.Passwords
}
