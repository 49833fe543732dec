package server

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/styrke-iam/styrke/policy"
	"github.com/styrke-iam/styrke/server/directory"
)

// personTimeout bounds the directory's answer to Person: the page that asks
// waits for it.
const personTimeout = 3 * time.Second

// fromDirectory fills in's Name, Phone and BirthDate, where they are empty,
// with what the institution's directory holds of username (the attributes
// it names for them: directory.Config), so that the name,
// phone and birthdate rules judge what the directory knows of the person
// as well as what the service desk gave. A directory that does not answer
// leaves them as they were, and says so in the log (without the username):
// the other rules still judge, and a write that follows reports the outage.
func (h *handler) fromDirectory(ctx context.Context, institution, username string, in *policy.Input) {
	dir := h.directoryFor(institution)
	if directory.IsNone(dir) || in.Name != "" && in.Phone != "" && in.BirthDate != "" {
		return
	}
	dctx, cancel := context.WithTimeout(ctx, personTimeout)
	p, err := dir.Person(dctx, username)
	cancel()
	if err != nil {
		h.Logger.WarnContext(ctx, "directory: the account's name, phone and date of birth not read", "id", RequestID(ctx), "err", err)
		return
	}
	if in.Name == "" {
		in.Name = p.Name
	}
	if in.Phone == "" {
		in.Phone = p.Phone
	}
	if in.BirthDate == "" {
		in.BirthDate = p.BirthDate
	}
}

// accountDisabled reports whether the directory has username's account
// disabled (AD), read after its password was set: the person is then told
// that the password cannot log in yet, not that it can. Unknown (no
// directory, an error) is false, logged.
func (h *handler) accountDisabled(ctx context.Context, institution, username string) bool {
	dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), personTimeout)
	defer cancel()
	off, err := h.directoryFor(institution).Disabled(dctx, username)
	if err != nil {
		h.Logger.WarnContext(ctx, "directory: the account's state not read", "id", RequestID(ctx), "err", err)
		return false
	}
	return off
}

// directoryAnswers asks the institution's directory whether it has
// username's account (Find, within the directory's own time limit) before
// the reset's form is shown, and returns why it cannot be set there, so
// that the person is told before typing a password, where the submit
// found it: ErrUnavailable (the directory did not answer), ErrAccount (it
// has no such account, or several: the identities' file names an account
// the directory lacks) or ErrOperator (the service account cannot bind,
// or TLS is wrong), each logged. nil when it has the account, or there is
// no directory.
func (h *handler) directoryAnswers(ctx context.Context, institution, username string) error {
	dir := h.directoryFor(institution)
	if directory.IsNone(dir) {
		return nil
	}
	switch err := dir.Find(ctx, username); {
	case err == nil, errors.Is(err, directory.ErrDisabled):
		// A disabled account (AD) is there: its password is set, and the
		// done page says it cannot log in yet (accountDisabled). One its
		// administrator locked (OpenLDAP) is there too: the submit sets
		// nothing and says the desk must help, as before.
		return nil
	case errors.Is(err, directory.ErrUnavailable):
		h.Logger.WarnContext(ctx, "reset session: the directory does not answer", "id", RequestID(ctx), "err", err)
		return err
	case errors.Is(err, directory.ErrAccount):
		h.Logger.ErrorContext(ctx, "reset session: the directory has no account (or several) for the username the sign-in's identity maps to: put it in the directory, or correct the identities' file", "id", RequestID(ctx), "institution", institution)
		return err
	default:
		h.Logger.ErrorContext(ctx, "reset session: directory: operator error", "id", RequestID(ctx), "err", err)
		return fmt.Errorf("%w: %w", directory.ErrOperator, err)
	}
}
