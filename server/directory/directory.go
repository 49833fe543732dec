// Package directory sets passwords where people log in: Active Directory
// (modify-replace of unicodePwd), OpenLDAP (the Password Modify extended
// operation, RFC 3062) or nowhere but Styrke's own store ("none"). Handlers
// see only this package's interface and errors; LDAP types and result codes
// stay inside the adapters.
//
// # Errors
//
// Every method returns nil or an error that matches exactly one of:
//   - *Refusal: the directory refused the password by its own rules
//     (complexity, length, history, minimum age). The person can choose
//     another; Refusal.Rule is a stable code with nb/nn/en messages.
//   - ErrInvalidCredentials: Verify or Change was given a wrong current
//     password (or the account does not exist: the two are not told apart,
//     in the answer nor in its time; such an error also matches
//     ErrAccount, for the caller's audit log alone).
//   - ErrMustChange: Verify found the password right, but the directory
//     wants it changed before the account may log in (AD: expired, or
//     "must change password at next logon", "data 532" and "data 773").
//     ChangePassword changes such a password; SetPassword ends the state.
//   - ErrDisabled: Verify found the password right, but the account is
//     disabled or has expired (AD: "data 533", "data 701"); or SetPassword
//     met an OpenLDAP account the administrator locked for good
//     (pwdAccountLockedTime 000001010000Z, in any spelling of that
//     instant) and set nothing (ErrAdminLocked, which matches ErrDisabled);
//     or Find found the one account disabled or expired (AD), or so locked
//     (OpenLDAP, ErrAdminLocked). Only the service desk can help.
//   - ErrLocked: Verify or Change met an account the directory has locked
//     after too many wrong passwords (AD's "data 775", OpenLDAP's ppolicy
//     accountLocked): whatever the password, it cannot bind until the lock
//     runs out or a reset (SetPassword) ends it.
//   - ErrUnavailable: the directory did not answer in time, dropped the
//     connection or is busy. Retryable; nothing was changed that the caller
//     must undo. Joined with ErrAfterWrite when SetPassword's or
//     ChangePassword's write went out before the failure: the password
//     may be set.
//   - ErrAccount: no such account, or the search found several. An operator
//     error (the activation names an account the directory lacks).
//   - ErrOperator: the service account cannot bind or lacks the rights,
//     TLS is misconfigured. An operator error; never the person's fault.
//
// The password is never logged, never part of an error, and never kept.
//
// # Exactly once
//
// A directory write and a database commit cannot share one transaction. The
// activation flow in package server therefore claims the link in the store
// first (a lease, with an Argon2id hash of the password being written), then
// writes the password to the directory, then commits (marks the link used,
// stores the hash in the account's history) only if the directory took it.
//   - Directory refused or unavailable: the claim is released; the link stays
//     usable; an outage is not counted against it.
//   - Concurrent submits: only one holds the claim; the others are told the
//     link is being used and may retry, so one write reaches the directory.
//   - Crash (or a failed commit) after the directory took the password: the
//     claim stays until its lease expires; then the link is usable again.
//     When the person submits the same password again (it matches the claim's
//     pending hash), Verify asks the directory whether it already holds that
//     password; if it does, the link is consumed without a second write
//     (a second write would be refused by the directory's own history).
//     A different password is written as usual.
package directory

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"
)

// Directory is where a password is set. Implementations are safe for
// concurrent use and honour ctx's deadline on every call.
type Directory interface {
	// SetPassword sets username's password as the service account
	// (an administrative reset: activation and ID-porten reset). It
	// returns ErrAdminLocked (an ErrDisabled), and sets nothing, for an
	// account whose disabling the write would end (OpenLDAP's
	// administrative lock).
	SetPassword(ctx context.Context, username, password string) error
	// ChangePassword is the person's own change: it succeeds only if
	// current is the account's password (ErrInvalidCredentials otherwise),
	// and the directory applies its own rules, history included.
	ChangePassword(ctx context.Context, username, current, password string) error
	// Verify reports nil when password is username's current password in
	// the directory (by a bind as the account), ErrInvalidCredentials when
	// it is not, ErrLocked when the account is locked (no password binds),
	// ErrMustChange when it is right but expired or to be changed,
	// ErrDisabled when it is right but the account is disabled or expired.
	Verify(ctx context.Context, username, password string) error
	// Person reads what the directory holds of username that the
	// password may not contain (Config's NameAttribute, PhoneAttribute and
	// BirthDateAttribute), as the service account. Empty fields: the
	// directory holds none, or is not asked.
	Person(ctx context.Context, username string) (Person, error)
	// Disabled reports whether the directory has username's account
	// disabled or expired, so that no password logs in until the
	// institution enables or extends it (AD's userAccountControl
	// ACCOUNTDISABLE, or an accountExpires that has passed, searched as
	// the service account). OpenLDAP has no such flag and None no
	// account: false, without a round trip.
	Disabled(ctx context.Context, username string) (bool, error)
	// AccountName is the username of the account that username names in
	// another of the directory's forms, for the person's own change: on
	// AD, a user principal name (ola@uio.example) or a down-level logon
	// name (UIO\ola, the domain's NetBIOS name before the backslash)
	// give the account's value of the attribute the account filter
	// compares (sAMAccountName by default), as people type them at
	// Windows' and Office's logins. Any other username, one the account
	// filter itself finds (a filter of mail: a mail address may be another
	// account's principal name), one the directory has no single account
	// for, and every username of OpenLDAP and None (no round trip) is
	// returned as given. An error: the directory could not say.
	AccountName(ctx context.Context, username string) (string, error)
	// AccountPolicy is the password policy of username's own, where one
	// applies in place of the one Settings reads, as the service account
	// may read it.
	AccountPolicy(ctx context.Context, username string) (AccountPolicy, error)
	// Find reports nil when the directory has exactly one account for
	// username (searched as the service account), ErrAccount when it has
	// none or several, another error when it could not say. On AD, an
	// account it has disabled or expired (as Disabled reads them, in the
	// same search) is ErrDisabled: it exists, and a password set there
	// signs in only once the institution enables or extends it. On
	// OpenLDAP, an account the administrator locked for good (as
	// SetPassword reads it, with a Compare after the search) is
	// ErrAdminLocked, an ErrDisabled: SetPassword sets nothing there. One
	// locked out after wrong passwords is nil (a reset ends the lock), and
	// so is an OpenLDAP account whose lock the service account may not
	// read (Rights names the missing right). None: nil.
	Find(ctx context.Context, username string) error
	// Ping checks that the directory answers and that the service account
	// can bind (for /readyz).
	Ping(ctx context.Context) error
	// Settings reads the directory's own password rules (for `styrke
	// directory check` and for stopping before the directory's lockout).
	Settings(ctx context.Context) (Settings, error)
	// Rights reports the rights Styrke needs on the accounts under the
	// base that the service account lacks (Finding.Conflict: the write
	// that needs one fails), each saying which right to grant on which
	// object, and notes of what it could not read (for `styrke directory
	// check` and the start, so that the first person to set a password
	// does not find it), read in each container under the base that
	// holds accounts (up to RightsContainers). AD and OpenLDAP; see
	// LDAP.Rights. None: nothing.
	Rights(ctx context.Context) ([]Finding, error)
	// String names the directory for logs (URL without credentials, or
	// "none").
	String() string
	// Close releases connections.
	Close() error
}

// Sentinel errors; see the package doc.
var (
	ErrInvalidCredentials = errors.New("directory: wrong current password")
	ErrLocked             = errors.New("directory: the account is locked after too many wrong passwords")
	ErrMustChange         = errors.New("directory: the password is right but must be changed")
	ErrDisabled           = errors.New("directory: the account is disabled or expired")
	ErrUnavailable        = errors.New("directory: unavailable")
	ErrAccount            = errors.New("directory: account not found or ambiguous")
	ErrOperator           = errors.New("directory: service account or configuration error")
	// ErrAdminLocked is the ErrDisabled of an OpenLDAP account the
	// administrator locked for good (ppolicy's pwdAccountLockedTime
	// 000001010000Z): unlike AD's disabled account, SetPassword sets
	// nothing there (the write would end the lock), so a link cannot set
	// its password until an administrator unlocks it. It matches
	// ErrDisabled.
	ErrAdminLocked = fmt.Errorf("%w: locked for good by the directory's administrator", ErrDisabled)
	// ErrAfterBind joins an error of a bind as the person that went out
	// (a timeout, a lost connection): the directory may have counted the
	// try against its lockout. Before it, nothing of the password left.
	ErrAfterBind = errors.New("directory: the bind as the person went out")
	// ErrAfterWrite joins SetPassword's (and ChangePassword's) ErrUnavailable when the write
	// itself went out and its answer did not come (a timeout, a lost
	// connection): the directory may have taken the password. Without it,
	// the failure came before the write, and nothing was set.
	ErrAfterWrite = errors.New("directory: the password write went out, and its answer did not come")
)

// Rule codes of a Refusal. They extend policy's rule codes; the server
// shows them like any other violation.
const (
	// RuleComplexity: AD's "password must meet complexity requirements"
	// (three of four character kinds, no account name).
	RuleComplexity = "directory_complexity"
	// RuleQuality: OpenLDAP ppolicy's insufficientPasswordQuality, the
	// refusal of its quality check (a module such as ppm, whose rules
	// Styrke cannot read); not AD's complexity rule, whose words name kinds
	// the module need not count.
	RuleQuality = "directory_quality"
	// RuleTooShort: shorter than the directory's own minimum.
	RuleTooShort = "directory_too_short"
	// RuleHistory: in the directory's own password history.
	RuleHistory = "directory_history"
	// RuleTooYoung: changed too recently (minimum password age).
	RuleTooYoung = "directory_too_young"
	// RuleRefused: refused for a reason the directory did not name.
	RuleRefused = "directory_refused"
)

// Refusal is the directory's own refusal of a password, as a stable rule
// code. It never holds the password; Diagnostic is the server's text for
// the log.
type Refusal struct {
	Rule       string
	Diagnostic string
	// NotBefore is, for RuleTooYoung, when the directory next allows the
	// account a change of its own: the password's last setting (a change,
	// an activation or a reset: AD's pwdLastSet, ppolicy's pwdChangedTime)
	// plus MinAge, the directory's minimum password age as Settings reads
	// it (the domain's, or the default ppolicy's). Zero when either is
	// unknown, and for every other rule.
	NotBefore time.Time
	MinAge    time.Duration
}

func (r *Refusal) Error() string { return "directory refused the password: " + r.Rule }

// Settings are a directory's own password rules, as far as it tells them.
// Zero means the directory has no such rule (or does not say).
type Settings struct {
	// MinLength is the shortest password the directory accepts.
	MinLength int
	// Complexity is AD's "password must meet complexity requirements":
	// three of upper, lower, digit, other, and not the account name.
	Complexity bool
	// QualityCheck is OpenLDAP ppolicy's pwdCheckQuality (0, 1 or 2).
	QualityCheck int
	// History is how many earlier passwords the directory refuses.
	History int
	// MinAge is the minimum time between changes.
	MinAge time.Duration
	// MinAgeOnSets: MinAge applies to the service account's sets
	// (activations, resets) too, not only to a person's own change.
	// OpenLDAP's ppolicy exempts only a password administrator (manage
	// access to userPassword), which the service account need not be; AD
	// exempts every reset.
	MinAgeOnSets bool
	// MustChange is OpenLDAP ppolicy's pwdMustChange: a password
	// administrator's set (manage access to userPassword) makes the person
	// change it at the next login.
	MustChange bool
	// SafeModify is OpenLDAP ppolicy's pwdSafeModify: a set must send the
	// old password too, unless the service account is a password
	// administrator.
	SafeModify bool
	// MaxAge is how long a password lasts before the directory expires it
	// (AD's maxPwdAge, OpenLDAP's pwdMaxAge); 0: never.
	MaxAge time.Duration
	// LockoutThreshold is how many wrong passwords lock an account.
	LockoutThreshold int
	// LockoutWindow is how long the directory counts a wrong password
	// towards LockoutThreshold (AD's lockOutObservationWindow, OpenLDAP's
	// pwdFailureCountInterval); 0: until the next successful bind.
	LockoutWindow time.Duration
}

// AccountPolicy is a password policy of an account's own: on AD a
// fine-grained password policy (the password settings object the
// account's msDS-ResultantPSO names), on OpenLDAP the ppolicy entry its
// pwdPolicySubentry names. Its rules apply to the account in place of the
// domain's or the default policy's (Settings).
type AccountPolicy struct {
	// Own: a policy of the account's own applies. False: Settings' rules
	// are the account's.
	Own bool
	// Read: Settings are its rules. False where the service account may
	// not read them: on AD by default only administrators may read a
	// password settings object (Samba lets any account see which one
	// applies; a Windows domain may not, and then Own is false).
	Read     bool
	Settings Settings
}

// Set maps institutions to their directory: one server may serve several
// institutions, each with its own directory, or all with one.
type Set struct {
	// Default serves institutions not in ByInstitution; nil means None.
	Default Directory
	// ByInstitution maps an institution id to its directory.
	ByInstitution map[string]Directory
}

// For returns the directory of institution (never nil).
func (s *Set) For(institution string) Directory {
	if s != nil {
		if d, ok := s.ByInstitution[institution]; ok && d != nil {
			return d
		}
		if s.Default != nil {
			return s.Default
		}
	}
	return None{}
}

// Of returns the distinct directories (without None) that institutions
// use, in their order: those of the institutions an installation serves.
func (s *Set) Of(institutions []string) []Directory {
	var out []Directory
	for _, id := range institutions {
		if d := s.For(id); !IsNone(d) && !slices.Contains(out, d) {
			out = append(out, d)
		}
	}
	return out
}

// All returns every distinct directory of the set (without None).
func (s *Set) All() []Directory {
	if s == nil {
		return nil
	}
	var out []Directory
	seen := map[Directory]bool{}
	add := func(d Directory) {
		if d != nil && !IsNone(d) && !seen[d] {
			seen[d] = true
			out = append(out, d)
		}
	}
	add(s.Default)
	for _, d := range s.ByInstitution {
		add(d)
	}
	return out
}

// None is the "none" directory: the password is kept only in Styrke's own
// store (as an Argon2id hash, by the caller). Its methods succeed without
// doing anything; Verify cannot know, so it reports ErrUnavailable and the
// caller checks its own store instead.
type None struct{}

// SetPassword implements Directory: nothing to do.
func (None) SetPassword(context.Context, string, string) error { return nil }

// ChangePassword implements Directory: nothing to do (the caller has
// verified current against its own store).
func (None) ChangePassword(context.Context, string, string, string) error { return nil }

// Verify implements Directory: None holds no passwords.
func (None) Verify(context.Context, string, string) error { return ErrUnavailable }

// Settings implements Directory: no rules of its own.
func (None) Settings(context.Context) (Settings, error) { return Settings{}, nil }

// Rights implements Directory: no account, no right to lack.
func (None) Rights(context.Context) ([]Finding, error) { return nil, nil }

// Person implements Directory: None knows nobody.
func (None) Person(context.Context, string) (Person, error) { return Person{}, nil }

// Ping implements Directory.
func (None) Ping(context.Context) error { return nil }

// Disabled implements Directory: there is no account to disable.
func (None) Disabled(context.Context, string) (bool, error) { return false, nil }

// AccountName implements Directory: a username is only itself.
func (None) AccountName(_ context.Context, username string) (string, error) { return username, nil }

// AccountPolicy implements Directory: no account, no policy of its own.
func (None) AccountPolicy(context.Context, string) (AccountPolicy, error) {
	return AccountPolicy{}, nil
}

// Find implements Directory: no directory, no account to find.
func (None) Find(context.Context, string) error { return nil }

// String implements Directory.
func (None) String() string { return "none" }

// Close implements Directory.
func (None) Close() error { return nil }

// IsNone reports whether d is the "none" directory (the page must then not
// say that the person can log in elsewhere).
func IsNone(d Directory) bool { _, ok := d.(None); return ok }
