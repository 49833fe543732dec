package server

import (
	"errors"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/styrke-iam/styrke/policy"
	"github.com/styrke-iam/styrke/server/store"
)

// CodeConflict: the request conflicts with the resource's state (revoking
// a used activation).
const CodeConflict Code = "conflict"

func init() { statuses[CodeConflict] = http.StatusConflict }

// deskError maps the Desk's errors to the API's.
func (h *handler) deskError(w http.ResponseWriter, r *http.Request, what string, err error) {
	var fe *FieldError
	switch {
	case errors.As(err, &fe):
		writeError(w, errorf(CodeInvalid, fe.Msg, fe.Fields...))
	case errors.Is(err, store.ErrNotFound):
		writeError(w, errorf(CodeNotFound, "no such activation"))
	case errors.As(err, new(*WithdrawnError)):
		writeError(w, errorf(CodeConflict, err.Error()))
	case errors.Is(err, ErrNotRevocable):
		msg := "the activation was already used or revoked"
		var nr *NotRevocableError
		if errors.As(err, &nr) {
			msg = nr.Error()
		}
		writeError(w, errorf(CodeConflict, msg))
	case errors.Is(err, ErrAccountBusy):
		accountBusy(w, nil, 0, time.Time{})
	case errors.Is(err, ErrIssueBusy):
		w.Header().Set("Retry-After", "10")
		writeError(w, errorf(CodeInProgress, "a link or welcome for this person is being sent right now (the same create, resend or welcome sent twice, or an import's row for them?); look at the list or the audit log in a moment"))
	case errors.Is(err, ErrActivationBusy):
		w.Header().Set("Retry-After", "10")
		writeError(w, errorf(CodeConflict, "the activation is being completed right now; look again in a minute"))
	default:
		h.fail(w, r, what, err)
	}
}

type createRequest struct {
	Username    string `json:"username"`
	Name        string `json:"name"`
	Institution string `json:"institution"`
	TTL         string `json:"ttl"`
	Email       string `json:"email"`
	Phone       string `json:"phone"`
	Lang        string `json:"lang"`
	// Code: the link works only with a one-time code, sent by SMS to
	// phone; the link goes by e-mail only. Absent: the server's default
	// (--activation-code) for a request with both email and phone.
	Code *bool `json:"code"`
}

// issuedResponse is a created activation. Link is there only when no
// channel delivered it (none was asked for, or all failed; an e-mail the
// mail server took without confirming it may have arrived): then the admin
// must hand it over; a delivered link is never shown again. So is the
// one-time code of a link that has one. AlsoOpen are
// the person's other open links (Issued.AlsoOpen).
type issuedResponse struct {
	ID         string     `json:"id"`
	Link       string     `json:"link,omitempty"`
	Code       string     `json:"code,omitempty"` // the one-time code, only when no SMS delivered it
	ExpiresAt  time.Time  `json:"expiresAt"`
	Deliveries []Delivery `json:"deliveries,omitempty"`
	AlsoOpen   []string   `json:"alsoOpen,omitempty"`
	// ActivatedAt: the account was activated before (Issued.ActivatedAt).
	ActivatedAt *time.Time `json:"activatedAt,omitempty"`
	// Warnings: the directory has no such account (Issued.Warnings).
	Warnings []string `json:"warnings,omitempty"`
	// Repeated: the create or resend repeated one just made and sent,
	// whose id this is (Issued.Repeated); answered 200, nothing created
	// or sent.
	Repeated bool `json:"repeated,omitempty"`
	// WhatToDo: no channel delivered the link; what the desk does now
	// (UndeliveredAdvice, in the API's requests).
	WhatToDo string `json:"whatToDo,omitempty"`
}

// issuedStatus is a create's or resend's status: 201, a link made; 200, a
// repeat that made none (Issued.Repeated).
func issuedStatus(is Issued) int {
	if is.Repeated {
		return http.StatusOK
	}
	return http.StatusCreated
}

func newIssuedResponse(is Issued) issuedResponse {
	out := issuedResponse{ID: is.ID, ExpiresAt: is.ExpiresAt, Deliveries: is.Deliveries, AlsoOpen: is.AlsoOpen, ActivatedAt: is.ActivatedAt,
		Warnings: is.Warnings, Repeated: is.Repeated}
	if is.Repeated {
		return out // its link went to the person, and is kept nowhere
	}
	if !is.Sent() {
		out.Link = is.Link
		out.WhatToDo = UndeliveredAdvice(is, APISteps)
	}
	if is.Code != "" && !is.CodeDelivered() {
		out.Code = is.Code
	}
	return out
}

// adminActivations is GET (list) and POST (create and deliver) on
// /api/admin/activations.
func (h *handler) adminActivations() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet, http.MethodHead:
			h.listActivations(w, r)
		case http.MethodPost:
			h.createActivation(w, r)
		default:
			w.Header().Set("Allow", "GET, HEAD, POST")
			writeError(w, errorf(CodeMethodNotAllowed, "method not allowed; use GET or POST"))
		}
	})
}

// deskWriteTime is how long a create, resend or welcome may take to answer,
// past the HTTP server's write timeout (serve's 30 s): it delivers before it
// answers, and each delivery may take 30 s (Desk.sendMail, Desk.sendSMS),
// two of them with a code. Cut off at the write timeout, the desk was shown
// a dropped connection for a link made and sent.
const deskWriteTime = 2 * time.Minute

// importWriteTime is how long an import may take to answer: a big one
// delivers to each row before it answers.
const importWriteTime = 30 * time.Minute

// delivering lets the request on w answer within d, past the server's write
// timeout, after its deliveries (deskWriteTime, importWriteTime); a writer
// that cannot say (a test's recorder) is left.
func delivering(w http.ResponseWriter, d time.Duration) {
	http.NewResponseController(w).SetWriteDeadline(time.Now().Add(d))
}

func (h *handler) createActivation(w http.ResponseWriter, r *http.Request) {
	delivering(w, deskWriteTime)
	var req createRequest
	if err := decode(w, r, &req); err != nil {
		writeError(w, err)
		return
	}
	ir := IssueRequest{Username: req.Username, Name: req.Name, Institution: req.Institution,
		Email: req.Email, Phone: req.Phone, Lang: req.Lang, Code: req.Code != nil && *req.Code, CodeSet: req.Code != nil, Actor: Actor(r.Context()), RemoteAddr: h.clientAddr(r)}
	if req.Institution == "" {
		ir.Institution = noInstitution // the API has always required it
	}
	ir.TTLText = req.TTL
	is, err := h.desk.Issue(r.Context(), ir)
	if err != nil {
		h.deskError(w, r, "create activation", err)
		return
	}
	writeJSON(w, issuedStatus(is), newIssuedResponse(is))
}

// knownParams refuses a query with a parameter not among names, or one
// given more than once, naming it: a desk's mistyped filter (usrname=kari)
// was passed over, and the answer was the unfiltered list.
func knownParams(q url.Values, names ...string) error {
	for _, name := range slices.Sorted(maps.Keys(q)) {
		switch {
		case !slices.Contains(names, name):
			return &FieldError{Fields: []string{name}, Msg: "unknown parameter " + strconv.Quote(name) + "; this takes " + strings.Join(names, ", ")}
		case len(q[name]) != 1:
			return &FieldError{Fields: []string{name}, Msg: name + " is given more than once"}
		}
	}
	return nil
}

// switchParams checks q as knownParams does, taking switches and others,
// and that each switch given is "true" or "false": another value (0, no,
// on, yes) is refused, not read as one of them. Of several bad switches
// the first by name is named, the same each time.
func switchParams(q url.Values, switches []string, others ...string) error {
	if err := knownParams(q, append(slices.Clone(switches), others...)...); err != nil {
		return err
	}
	for _, name := range slices.Sorted(maps.Keys(q)) {
		if v := q.Get(name); slices.Contains(switches, name) && v != "true" && v != "false" {
			return &FieldError{Fields: []string{name}, Msg: name + " must be true or false"}
		}
	}
	return nil
}

// writeQueryError answers a query knownParams or switchParams refused.
func writeQueryError(w http.ResponseWriter, err error) {
	var fe *FieldError
	errors.As(err, &fe)
	writeError(w, errorf(CodeInvalid, fe.Msg, fe.Fields...))
}

func (h *handler) listActivations(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if err := knownParams(q, "institution", "username", "email", "phone", "state", "limit"); err != nil {
		writeQueryError(w, err)
		return
	}
	f := ListFilter{Institution: q.Get("institution"), Username: q.Get("username"), State: State(q.Get("state")),
		Email: q.Get("email"), Phone: q.Get("phone")}
	switch f.State {
	case "", StateOpen, StateUsed, StateExpired, StateLocked, StateRevoked:
	default:
		writeError(w, errorf(CodeInvalid, "state must be open, used, expired, locked or revoked", "state"))
		return
	}
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 10000 {
			writeError(w, errorf(CodeInvalid, "limit must be 1..10000", "limit"))
			return
		}
		f.Limit = n
	}
	list, more, err := h.desk.ListMore(r.Context(), f)
	if err != nil {
		h.deskError(w, r, "list activations", err)
		return
	}
	body := map[string]any{"activations": list}
	if more {
		// More matched than limit (default 1000): the list is the newest.
		body["truncated"] = true
	}
	writeJSON(w, http.StatusOK, body)
}

type revokeRequest struct {
	ID          string `json:"id"`
	Username    string `json:"username"`
	Institution string `json:"institution"`
	Reason      string `json:"reason"` // why, for the audit log
}

func (h *handler) adminRevoke() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req revokeRequest
		if err := decode(w, r, &req); err != nil {
			writeError(w, err)
			return
		}
		if (req.ID == "") == (req.Username == "") {
			writeError(w, errorf(CodeInvalid, "give either id or username", "id", "username"))
			return
		}
		ids, err := h.desk.Revoke(r.Context(), req.ID, req.Username, req.Institution, req.Reason, Actor(r.Context()), h.clientAddr(r))
		if err != nil {
			h.deskError(w, r, "revoke", err)
			return
		}
		if ids == nil {
			ids = []string{}
		}
		out := map[string]any{"revoked": ids}
		if req.Username != "" {
			// When the person set the account's password with a link: one
			// sent to the wrong address may have been used by someone else.
			at, err := h.desk.Activated(r.Context(), req.Username, req.Institution)
			if err != nil {
				h.Logger.ErrorContext(r.Context(), "revoke: when the account was activated", "err", err)
			} else if at != nil {
				out["activatedAt"] = at
			}
		}
		writeJSON(w, http.StatusOK, out)
	})
}

type resendRequest struct {
	ID string `json:"id"`
}

func (h *handler) adminResend() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		delivering(w, deskWriteTime)
		var req resendRequest
		if err := decode(w, r, &req); err != nil {
			writeError(w, err)
			return
		}
		is, err := h.desk.Resend(r.Context(), req.ID, Actor(r.Context()), h.clientAddr(r))
		if err != nil {
			h.deskError(w, r, "resend", err)
			return
		}
		writeJSON(w, issuedStatus(is), newIssuedResponse(is))
	})
}

// adminAudit is GET /api/admin/audit: the audit log as JSON Lines, filtered
// by the query (event, actor, username, institution, since, until as
// RFC 3339, after, limit up to 10000, default 1000).
func (h *handler) adminAudit() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if err := knownParams(q, "event", "actor", "username", "institution", "since", "until", "after", "limit"); err != nil {
			writeQueryError(w, err)
			return
		}
		f := store.AuditFilter{Event: q.Get("event"), Actor: q.Get("actor"), Username: q.Get("username"),
			Institution: q.Get("institution"), Limit: 1000}
		var bad []string
		for _, p := range []struct {
			name string
			t    *time.Time
		}{{"since", &f.Since}, {"until", &f.Until}} {
			if s := q.Get(p.name); s != "" {
				t, err := time.Parse(time.RFC3339, s)
				if err != nil {
					bad = append(bad, p.name)
				}
				*p.t = t
			}
		}
		if f.Event != "" && !slices.Contains(store.Events, f.Event) {
			bad = append(bad, "event")
		}
		if f.Institution != "" && !slices.Contains(policy.Institutions(), f.Institution) {
			bad = append(bad, "institution")
		}
		if !f.Since.IsZero() && !f.Until.IsZero() && !f.Since.Before(f.Until) {
			bad = append(bad, "until")
		}
		if s := q.Get("after"); s != "" {
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil || n < 0 {
				bad = append(bad, "after")
			}
			f.AfterID = n
		}
		if s := q.Get("limit"); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < 1 || n > 10000 {
				bad = append(bad, "limit")
			}
			f.Limit = n
		}
		if len(bad) > 0 {
			writeError(w, errorf(CodeInvalid, "invalid "+strings.Join(bad, ", "), bad...))
			return
		}
		events, err := h.Store.Audit(r.Context(), f)
		if err != nil {
			h.internal(w, r, "audit", err)
			return
		}
		writeJSONLines(w, events)
	})
}

type welcomeRequest struct {
	Username    string `json:"username"`
	Name        string `json:"name"`
	Institution string `json:"institution"`
	Email       string `json:"email"`
	Phone       string `json:"phone"`
	Lang        string `json:"lang"`
	// Again: send it to a person welcomed before (Desk.Welcome sends
	// them nothing otherwise).
	Again bool `json:"again"`
}

// adminWelcome is POST /api/admin/welcome: send a person the welcome to the
// reset page (Desk.Welcome).
func (h *handler) adminWelcome() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		delivering(w, deskWriteTime)
		var req welcomeRequest
		if err := decode(w, r, &req); err != nil {
			writeError(w, err)
			return
		}
		out, err := h.desk.Welcome(r.Context(), WelcomeRequest{Username: req.Username, Name: req.Name, Institution: req.Institution,
			Email: req.Email, Phone: req.Phone, Lang: req.Lang, Again: req.Again, Actor: Actor(r.Context()), RemoteAddr: h.clientAddr(r)})
		if errors.Is(err, ErrResetOff) {
			writeError(w, errorf(CodeConflict, "the reset with ID-porten is not configured on this server, so a welcome would send people to a page that cannot help them; issue an activation link instead"))
			return
		}
		if err != nil {
			h.deskError(w, r, "welcome", err)
			return
		}
		out.WhatToDo = WelcomeAdvice(out.Deliveries, APISteps)
		writeJSON(w, http.StatusOK, out)
	})
}
