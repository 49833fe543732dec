package store

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// AccountIdentity maps an account to its owner's identity number
// (fødselsnummer or D-number), kept only as a keyed hash (HMAC-SHA-256 with
// the server's secret): the number itself is never stored.
type AccountIdentity struct {
	Institution  string
	Username     string
	Name         string
	IdentityHash []byte // 32 bytes
	UpdatedAt    time.Time
}

// Login is a pending ID-porten sign-in, kept server-side between the
// redirect to the provider and its callback, and taken once.
type Login struct {
	StateHash   []byte // SHA-256 of the state parameter
	Nonce       string
	Verifier    string // PKCE code verifier
	ACR         string
	Institution string
	Lang        string
	ExpiresAt   time.Time
}

// ResetSession lets a person who signed in with ID-porten choose a new
// password for one account, once, for a short time.
type ResetSession struct {
	IDHash      []byte // SHA-256 of the cookie's value
	Username    string
	Name        string
	Institution string
	// BirthDate is the date of birth the identity number at sign-in
	// holds ("YYYY-MM-DD"; empty when it was not read), so that the new
	// password may not contain it (policy.Input.BirthDate); cleared when
	// the session is used or ended. The number itself is never stored.
	BirthDate    string
	CreatedAt    time.Time
	ExpiresAt    time.Time
	ClaimedUntil *time.Time // a submit holds it until then
	UsedAt       *time.Time // set at success or sign-out
}

// Followup is what remains to do after a reset's or a change's password
// was stored (its audit event, the person's open links closed, the
// notice), stored in the same transaction (CompleteReset, SetPassword) so
// that a crash or a store outage before they are done leaves them for a
// sweep, not undone.
type Followup struct {
	Key         string // unique: the notice's key too
	Kind        string // "reset" or "change" (notify.HowReset, HowChange)
	Username    string
	Name        string
	Institution string
	At          time.Time // when the password was stored
}

// ResetStore is the part of Store that reset and change need (schema
// version 4). Key and hash arguments are 32 bytes.
type ResetStore interface {
	// PutIdentities inserts or replaces the mappings (keyed by institution
	// and username) in one transaction: all or none.
	PutIdentities(ctx context.Context, ids []AccountIdentity) error
	// ReplaceIdentities is PutIdentities for a file that lists every
	// account of the institutions it names: in the same transaction it
	// deletes those institutions' other mappings and the reset sessions
	// they opened (a person who left may no longer reset the account), and
	// returns them.
	ReplaceIdentities(ctx context.Context, ids []AccountIdentity) (removed []AccountIdentity, err error)
	// AccountsByIdentity returns the accounts whose identity hash is h
	// (none, one or several), ordered by institution and username.
	AccountsByIdentity(ctx context.Context, h []byte) ([]AccountIdentity, error)
	// IdentityOf returns the mapping of institution's account username
	// (ErrNotFound if none was imported).
	IdentityOf(ctx context.Context, institution, username string) (AccountIdentity, error)
	// CreateLogin stores a pending sign-in (ErrExists for a state hash
	// already stored) and deletes those expired at now.
	CreateLogin(ctx context.Context, l Login, now time.Time) error
	// TakeLogin deletes the pending sign-in and returns it; ErrNotFound when
	// there is none (unknown or taken), ErrGone when it had expired at now.
	// Of two concurrent calls at most one gets it.
	TakeLogin(ctx context.Context, stateHash []byte, now time.Time) (Login, error)
	// CreateResetSession stores a new session (ErrExists for a duplicate)
	// and deletes sessions expired more than a day before its CreatedAt.
	CreateResetSession(ctx context.Context, s ResetSession) error
	// ResetSession returns the session whatever its state (ErrNotFound).
	ResetSession(ctx context.Context, idHash []byte) (ResetSession, error)
	// ClaimReset holds the session until `until` for one submit: ErrNotFound,
	// ErrGone (used or expired at now) or ErrBusy (another claim's lease
	// runs). Of concurrent calls at most one succeeds.
	ClaimReset(ctx context.Context, idHash []byte, now, until time.Time) error
	// ReleaseReset drops a claim (the directory refused, or was down).
	ReleaseReset(ctx context.Context, idHash []byte) error
	// CompleteReset marks the session used and sets the password of its
	// account at its institution (history as in Complete) in one
	// transaction; ErrGone if it was used already, ErrNotFound if unknown.
	CompleteReset(ctx context.Context, idHash []byte, now time.Time, encodedHash string, keep int, f *Followup) error
	// ExtendReset moves the end of a session that runs at now to until
	// (the person asked for more time): ErrNotFound, or ErrGone when it
	// was used or had expired at now.
	ExtendReset(ctx context.Context, idHash []byte, now, until time.Time) error
	// EndReset marks the session used without a password (sign-out); a
	// used or unknown session is no error, and one a submit holds at now
	// (ClaimReset) is left to it.
	EndReset(ctx context.Context, idHash []byte, now time.Time) error
	// SetPassword sets the password hash of username at institution and
	// pushes it onto its history, keeping the newest keep entries (the
	// change flow).
	SetPassword(ctx context.Context, institution, username string, now time.Time, encodedHash string, keep int, f *Followup) error
	// ClaimPasswordFollowups hands out at most limit follow-ups that
	// CompleteReset or SetPassword stored (f) and nothing marked done
	// within wait, holding each from other claims for wait again.
	ClaimPasswordFollowups(ctx context.Context, now time.Time, wait time.Duration, limit int) ([]Followup, error)
	// PasswordFollowedUp marks the follow-up of key done (deletes it).
	PasswordFollowedUp(ctx context.Context, key string) error
	// AccountName returns the username an account's password and history
	// are kept under at institutions (those of one directory, as History
	// takes them) that equals username but for the case of its ASCII
	// letters, as the directories match sAMAccountName and uid (the change
	// flow, where the person types it): username itself when an account
	// is kept under it, else the one whose password was set last. When no
	// account is kept, the username a link was issued for, the same way
	// (itself, else the newest link's): a person whose password was never
	// set through Styrke is the account of their open links. With neither,
	// the username an identity number was imported for, the same way.
	// ErrNotFound when there is none of the three.
	AccountName(ctx context.Context, institutions []string, username string) (string, error)
	// Fail counts one failure against key in a fixed window that starts at
	// its first failure and lasts window, and returns the count.
	Fail(ctx context.Context, key []byte, now time.Time, window time.Duration) (int, error)
	// Failures returns key's failures in its window at now (0 after it).
	Failures(ctx context.Context, key []byte, now time.Time, window time.Duration) (int, error)
	// ClearFailures forgets key's failures.
	ClearFailures(ctx context.Context, key []byte) error
	// Refund takes back one failure Fail counted (never below 0): a try
	// counted before its outcome was known, as concurrent tries must be,
	// that turned out not to be a failure.
	Refund(ctx context.Context, key []byte) error
}

// WideCandidates bounds the rows AccountName reads for a username with
// letters beyond ASCII (the LIKE pattern's candidates, of its length).
const WideCandidates = 200

// FoldPattern is a LIKE pattern (escape character '\\') that matches
// username in any case of its ASCII letters (as LIKE and NOCASE do) with
// each other code point a one-character wildcard, and whether there was
// one: the stores' AccountName picks among what it matches by
// strings.EqualFold, so that letters beyond ASCII match in any case too,
// as the directories match them ("PÅL" binds as pål).
func FoldPattern(username string) (pattern string, wide bool) {
	var b strings.Builder
	for _, r := range username {
		switch {
		case r == '%' || r == '_' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r >= utf8.RuneSelf:
			b.WriteByte('_')
			wide = true
		default:
			b.WriteRune(r)
		}
	}
	return b.String(), wide
}

// IdentitiesByInstitution returns, for each institution ids name, the set
// of its usernames in ids: what ReplaceIdentities keeps.
func IdentitiesByInstitution(ids []AccountIdentity) map[string]map[string]bool {
	out := map[string]map[string]bool{}
	for _, id := range ids {
		if out[id.Institution] == nil {
			out[id.Institution] = map[string]bool{}
		}
		out[id.Institution][id.Username] = true
	}
	return out
}
