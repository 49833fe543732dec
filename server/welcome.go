package server

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"time"

	"github.com/styrke-iam/styrke/server/notify"
	"github.com/styrke-iam/styrke/server/store"
)

// A welcome is the onboarding Digdir recommends instead of a first password
// by SMS: a message (SMS and/or e-mail) that sends the new person to the
// reset page, where they sign in with ID-porten and choose their own
// password. The link holds no secret (signing in is what proves who they
// are), so it may go by SMS. It works only for an account whose owner's
// identity number is imported (styrke account import) on that account
// alone (among the institution's accounts, for a link that names one), and
// only where the reset with ID-porten is on; Welcome checks both before it
// sends anything.

// ErrResetOff: a welcome would send people to a reset that is not
// configured (no ID-porten).
var ErrResetOff = errors.New("server: the reset with ID-porten is not configured")

// WelcomeRequest asks to welcome a person to their account.
type WelcomeRequest struct {
	Username, Name, Institution string
	Email, Phone                string // where to send it; at least one
	Lang                        string // nb (default), nn or en
	Actor, RemoteAddr           string // for the audit log
	// Again sends the welcome to a person welcomed before; without it,
	// Welcome sends nothing to them (Welcomed.Repeated).
	Again bool
}

// Welcomed is a welcome sent, or one found sent before.
type Welcomed struct {
	Link       string     `json:"link"` // the reset page: no secret
	Deliveries []Delivery `json:"deliveries,omitempty"`
	// Repeated: the person was welcomed before, at WelcomedAt (its e-mail
	// unconfirmed: WelcomedUnconfirmed), and the request did not say
	// Again: nothing was sent, and Warnings say so.
	Repeated            bool       `json:"repeated,omitempty"`
	WelcomedAt          *time.Time `json:"welcomedAt,omitempty"`
	WelcomedUnconfirmed bool       `json:"welcomedUnconfirmed,omitempty"`
	Warnings            []string   `json:"warnings,omitempty"`
	// WhatToDo: no channel delivered it; what the desk does now (the
	// admin API's answer: WelcomeAdvice).
	WhatToDo string `json:"whatToDo,omitempty"`
}

// Delivered reports whether some channel delivered the welcome.
func (w Welcomed) Delivered() bool { return delivered(w.Deliveries, "welcome") }

// Sent reports whether some channel delivered the welcome or handed it
// whole to a mail server that did not confirm it (Delivery.Unconfirmed):
// the person may have it, so it counts as welcomed and an import's re-run
// does not send it again.
func (w Welcomed) Sent() bool { return sent(w.Deliveries, "welcome") }

// Unconfirmed reports whether the welcome may have arrived and no channel
// confirmed it: Sent and not Delivered.
func (w Welcomed) Unconfirmed() bool { return w.Sent() && !w.Delivered() }

// WelcomeLink is the reset page in lang, naming the institution unless it
// is the default one.
func WelcomeLink(base, lang, institution string) string {
	return pageLink(base, ResetPaths, lang, institution)
}

// pageLink is the page of paths in lang (nb for an unknown one) under base,
// with ?institution=ID unless the institution is the default one (the
// reset page signs in to its accounts, the change page starts with it
// chosen).
func pageLink(base string, paths map[string]string, lang, institution string) string {
	u := base + paths[pageLang(lang)]
	if institution != "" && institution != "default" {
		u += "?" + url.Values{"institution": {institution}}.Encode()
	}
	return u
}

// Welcome sends r's person the welcome to the reset page by e-mail and/or
// SMS. It refuses (a *FieldError naming the field) an invalid request, one
// with nowhere to send it, and an account the reset could not find: no
// identity number imported for it, or a number on several accounts. A
// delivery that fails is reported in Welcomed.Deliveries and the audit log;
// one unconfirmed (Delivery.Unconfirmed) too, and the person counts as
// welcomed (Welcomed.Sent): it may have arrived. A person welcomed before
// (the audit log's welcomed event) is sent nothing unless r.Again: the
// answer is Welcomed.Repeated, when, and how to send another. A welcome of
// the person being sent right now is ErrIssueBusy.
func (d *Desk) Welcome(ctx context.Context, r WelcomeRequest) (Welcomed, error) {
	ir := IssueRequest{Username: r.Username, Name: r.Name, Institution: r.Institution, Email: r.Email, Phone: r.Phone, Lang: r.Lang}
	if err := ir.Validate(); err != nil {
		return Welcomed{}, err
	}
	if err := d.servedProblem(ir.Institution); err != nil {
		return Welcomed{}, err
	}
	if !d.IDPortenReset {
		return Welcomed{}, ErrResetOff
	}
	if err := d.welcomeCheck(ctx, &ir); err != nil {
		return Welcomed{}, err
	}
	// The same welcome sent twice (a double submit, a retry after its
	// answer timed out, the desk not knowing it went) welcomed the person
	// twice: one at a time per person, and a repeat sends nothing.
	unlock, err := d.holdPerson(ctx, ir.Institution, ir.Username)
	if errors.Is(err, ErrIssueBusy) {
		return Welcomed{}, err
	}
	if err != nil {
		return Welcomed{}, fmt.Errorf("welcome: %w", err)
	}
	defer unlock()
	if !r.Again {
		ev, ok, err := d.lastWelcome(ctx, ir.Institution, ir.Username)
		if err != nil {
			return Welcomed{}, fmt.Errorf("welcome: read the audit log: %w", err)
		}
		if ok {
			return d.welcomedBefore(ir, ev), nil
		}
	}
	w := d.welcomeSend(ctx, ir, r.Actor, r.RemoteAddr)
	// As a create does: the account not in the directory (a typo, or not
	// made yet) is found now, not when the person signs in on the reset
	// page and is sent to the desk.
	if msg := d.checkAccount(ctx, ir.Username, ir.Institution, "the reset"); msg != "" {
		w.Warnings = append(w.Warnings, msg)
	}
	return w, nil
}

// lastWelcome is the audit log's last welcomed event of username at
// institution; ok false when they were never welcomed. Welcome and a
// welcome import send such a person nothing unless asked to.
func (d *Desk) lastWelcome(ctx context.Context, institution, username string) (ev store.AuditEvent, ok bool, err error) {
	evs, err := d.Store.Audit(ctx, store.AuditFilter{Event: store.EventWelcomed, Username: username, Institution: institution})
	if err != nil || len(evs) == 0 {
		return store.AuditEvent{}, false, err
	}
	return evs[len(evs)-1], true, nil
}

// welcomedBefore is the answer to a welcome of ir's person, welcomed at ev
// and not asked again: nothing sent.
func (d *Desk) welcomedBefore(ir IssueRequest, ev store.AuditEvent) Welcomed {
	at := ev.Time.UTC()
	unconfirmed := ev.Detail == welcomeUnconfirmed
	how := ""
	if unconfirmed {
		how = " (by an e-mail the mail server did not confirm: it may have arrived)"
	}
	return Welcomed{Link: WelcomeLink(d.BaseURL, ir.Lang, ir.Institution), Repeated: true, WelcomedAt: &at, WelcomedUnconfirmed: unconfirmed,
		Warnings: []string{fmt.Sprintf("%s was welcomed already at %s%s: nothing was sent; "+
			"to send another, ask again with \"again\":true (styrke activation welcome --again)", ir.Username, at.Format(time.RFC3339), how)}}
}

// welcomeUnconfirmed is the detail of a welcomed event whose e-mail the
// mail server took without confirming it.
const welcomeUnconfirmed = "email: unconfirmed"

// welcomeCheck refuses a welcome for a valid ir that has nowhere to go or
// whose account the reset could not find (a *FieldError), and fills in
// ir.Name from the imported identity when it has none.
func (d *Desk) welcomeCheck(ctx context.Context, ir *IssueRequest) error {
	if ir.Email == "" && ir.Phone == "" {
		return &FieldError{Fields: []string{"email", "phone"}, Msg: "a welcome needs an e-mail address or a phone number to go to"}
	}
	ir.Username = d.accountName(ctx, ir.Institution, ir.Username)
	id, owners, err := d.resetOwners(ctx, ir.Institution, ir.Username)
	if errors.Is(err, store.ErrNotFound) {
		return &FieldError{Fields: []string{"username"}, Msg: "no identity number is imported for this account, so the reset with ID-porten cannot find it: import it (styrke account import) or issue an activation link"}
	}
	if err != nil {
		return err
	}
	if owners > 1 {
		return &FieldError{Fields: []string{"username"}, Msg: fmt.Sprintf("the account's identity number is imported for %d accounts, so the reset would send the person to the service desk: fix the import or issue an activation link", owners)}
	}
	if ir.Name == "" {
		ir.Name = id.Name
	}
	return nil
}

// resetOwners is the identity imported for username at institution, and
// how many accounts the reset with ID-porten finds for it (the account
// alone: 1; more, and it sends the person to the service desk). The
// welcome's link names any institution but the default, and the reset then
// matches the sign-in among that institution's accounts only (as it does
// when the person picks one on the page). store.ErrNotFound: no identity
// number is imported for the account, and the reset cannot find it.
func (d *Desk) resetOwners(ctx context.Context, institution, username string) (store.AccountIdentity, int, error) {
	id, err := d.Store.IdentityOf(ctx, institution, username)
	if err != nil {
		return store.AccountIdentity{}, 0, err
	}
	owners, err := d.Store.AccountsByIdentity(ctx, id.IdentityHash)
	if err != nil {
		return store.AccountIdentity{}, 0, err
	}
	if institution != "default" {
		owners = slices.DeleteFunc(owners, func(a store.AccountIdentity) bool { return a.Institution != institution })
	}
	return id, len(owners), nil
}

// welcomeSend sends the welcome of a checked ir and records it.
func (d *Desk) welcomeSend(ctx context.Context, ir IssueRequest, actor, remote string) Welcomed {
	name := ir.Name
	if name == "" {
		name = ir.Username
	}
	out := Welcomed{Link: WelcomeLink(d.BaseURL, ir.Lang, ir.Institution)}
	prof := d.Templates.Profile(ir.Institution)
	msg, rerr := d.Templates.Render(notify.KindWelcome, ir.Lang, notify.Data{
		Name: name, Username: ir.Username, Institution: prof.Name, ServiceDesk: prof.ServiceDesk, Link: out.Link,
	})
	if actor == "" {
		actor = "system"
	}
	ev := store.AuditEvent{Actor: actor, Username: ir.Username, Institution: ir.Institution, RemoteAddr: remote}
	// The address the desk gave is where the notice goes once the person
	// has set a password (as an activation's is).
	if ir.Email != "" {
		if err := d.Store.PutAddress(ctx, ir.Institution, ir.Username, ir.Email, ir.Lang, d.Now()); err != nil {
			d.Logger.ErrorContext(ctx, "welcome: keep the address on file", "err", err)
		}
	}
	out.Deliveries = d.send(ctx, ev, ir.Institution, ir.Email, ir.Phone, "welcome", msg, rerr)
	// One the mail server took whole without confirming it may have
	// arrived: welcomed, so that an import's re-run does not send it
	// again, its detail saying so.
	if out.Sent() {
		e := ev
		e.Event = store.EventWelcomed
		if out.Unconfirmed() {
			e.Detail = welcomeUnconfirmed
		}
		d.Audit(ctx, e)
	}
	return out
}
