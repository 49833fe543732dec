package server

import (
	"errors"
	"net/http"
	"strings"

	"github.com/styrke-iam/styrke/server/directory"
	"github.com/styrke-iam/styrke/server/notify"
	"github.com/styrke-iam/styrke/server/store"
)

// audit appends e to the audit log with the request's id, client address,
// actor (the admin key's name, else "user:" + e.Username) and the time. A
// failed write is logged; the request goes on.
func (h *handler) audit(r *http.Request, e store.AuditEvent) {
	ctx := r.Context()
	if e.Actor == "" {
		e.Actor = Actor(ctx)
	}
	if e.Actor == "" && e.Username != "" {
		e.Actor = "user:" + e.Username
	}
	e.RemoteAddr = h.clientAddr(r)
	h.desk.Audit(ctx, e)
}

// activated records a completed activation: the "activated" event, and the
// notice to the address on file (queued; the worker sends it). Call it once
// the password is stored.
// A step that fails (the store down a moment) is logged and left to the
// desk's SweepFollowups, which serve runs: Complete marked the steps to do
// in its transaction.
func (h *handler) activated(r *http.Request, a store.Activation) {
	ctx := r.Context()
	ev := store.AuditEvent{Event: store.EventActivated, Actor: Actor(ctx), Username: a.Username, Institution: a.Institution,
		RemoteAddr: h.clientAddr(r)}
	if ev.Actor == "" {
		ev.Actor = "user:" + a.Username
	}
	if err := h.desk.FollowUp(ctx, a, ev, h.clientAddr(r)); err != nil {
		h.Logger.ErrorContext(ctx, "activation's steps after the password: left for the sweep", "id", RequestID(ctx), "err", err)
	}
}

// refused records a complete that was refused for a known activation; why
// is an error code or the rules that failed, never the password. Unknown
// tokens are not recorded (there is no one to record them for).
func (h *handler) refused(r *http.Request, a store.Activation, why string) {
	if a.Username == "" {
		return
	}
	h.audit(r, store.AuditEvent{Event: store.EventRefused, Username: a.Username, Institution: a.Institution, Detail: why})
}

// refusedErr is refused with an *Error's code as the reason.
func (h *handler) refusedErr(r *http.Request, a store.Activation, err error) {
	var e *Error
	if errors.As(err, &e) {
		h.refused(r, a, string(e.Code))
	}
}

// writeFailedAudit records a failed directory write of a complete (and
// counts it): a refusal by the directory's rules, an error, or a write
// whose answer was lost (writeUnconfirmedAudit).
func (h *handler) writeFailedAudit(r *http.Request, a store.Activation, err error) {
	var ref *directory.Refusal
	switch {
	case errors.Is(err, directory.ErrAfterWrite):
		h.writeUnconfirmedAudit(r, "activation", a.Username, a.Institution)
	case errors.As(err, &ref):
		h.Metrics.DirectoryWrite("refused")
		h.audit(r, store.AuditEvent{Event: store.EventDirectoryRefused, Username: a.Username, Institution: a.Institution, Detail: ref.Rule})
	case errors.Is(err, directory.ErrUnavailable), errors.Is(err, directory.ErrAccount), errors.Is(err, directory.ErrOperator):
		h.Metrics.DirectoryWrite("error")
		h.audit(r, store.AuditEvent{Event: store.EventFailed, Username: a.Username, Institution: a.Institution, Detail: "directory: " + directoryErrorClass(err)})
	}
}

// writeCounted counts a reset's or a change's password write in
// styrke_directory_writes_total as writeFailedAudit and the complete count
// an activation's: "ok", or "error" when the directory did not answer or
// refused the service account. A refusal by the directory's rules, and a
// write whose answer was lost, are counted where they are recorded
// (directoryRefusedAudit, writeUnconfirmedAudit); a wrong current password
// is no write.
func (h *handler) writeCounted(err error) {
	switch {
	case err == nil:
		h.Metrics.DirectoryWrite("ok")
	case errors.Is(err, directory.ErrAfterWrite):
	case errors.Is(err, directory.ErrUnavailable), errors.Is(err, directory.ErrAccount), errors.Is(err, directory.ErrOperator):
		h.Metrics.DirectoryWrite("error")
	}
}

// writeUnconfirmedAudit records (and counts as "unconfirmed") a password
// write of flow ("activation", "reset", "change") that went out to the
// directory and whose answer did not come (directory.ErrAfterWrite): no
// failure, since the password may be set, nor a success.
func (h *handler) writeUnconfirmedAudit(r *http.Request, flow, username, institution string) {
	h.Metrics.DirectoryWrite("unconfirmed")
	h.audit(r, store.AuditEvent{Event: store.EventDirectoryUnconfirmed, Username: username, Institution: institution,
		Detail: flow + ": the write went out and its answer did not come, so the password may be set"})
}

func directoryErrorClass(err error) string {
	switch {
	case errors.Is(err, directory.ErrUnavailable):
		return "unavailable: the directory did not answer"
	case errors.Is(err, directory.ErrAccount):
		return "account: the directory has no account of this username, or several"
	}
	// The operator's errors in words the desk can act on (the audit log
	// said only "operator", and the cause was in the server's log).
	msg := err.Error()
	for _, k := range []struct{ in, say string }{
		{"lacks the right", "the service account lacks the right to set passwords"},
		{"cannot bind", "the service account cannot bind"},
		{"does not exist", "the search base does not exist"},
		{"Active Directory", "the directory is of another kind than its URL's scheme"},
		{"TLS", "TLS (the certificate, or a port without TLS)"},
	} {
		if strings.Contains(msg, k.in) {
			return "operator: " + k.say
		}
	}
	return "operator: a setting or a right (the server's log has the cause under the request id)"
}

// passwordChanged records a password set by reset (f.Kind notify.HowReset,
// event "reset") or change (notify.HowChange, event "changed"), closes the
// person's open links and queues the notice to the address on file,
// greeting by name (the one the flow already read: on file, from the
// directory, or the imported identity's; empty: the username); then marks
// f done. A step that fails is logged and left to the desk's sweep: the
// store kept f with the password (CompleteReset, SetPassword).
func (h *handler) passwordChanged(r *http.Request, f store.Followup) {
	ctx := r.Context()
	ev := store.AuditEvent{Event: followupEvent(f.Kind), Actor: Actor(ctx), Username: f.Username, Institution: f.Institution,
		RemoteAddr: h.clientAddr(r)}
	if ev.Actor == "" {
		ev.Actor = "user:" + f.Username
	}
	if err := h.desk.passwordFollowUp(ctx, f, ev, false, h.clientAddr(r)); err != nil {
		h.Logger.ErrorContext(ctx, "the steps after the password: left for the sweep", "id", RequestID(ctx), "err", err)
	}
}

// followupEvent is the audit event of a follow-up's kind.
func followupEvent(kind string) string {
	if kind == notify.HowReset {
		return store.EventReset
	}
	return store.EventChanged
}

// directoryRefusedAudit records that the directory refused a password
// (reset or change); rule is the directory's rule code.
func (h *handler) directoryRefusedAudit(r *http.Request, username, institution, rule string) {
	h.Metrics.DirectoryWrite("refused")
	h.audit(r, store.AuditEvent{Event: store.EventDirectoryRefused, Username: username, Institution: institution, Detail: rule})
}
