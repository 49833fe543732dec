package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/styrke-iam/styrke/server/store"
)

// ErrAccountBusy: a password is being set for the account right now.
var ErrAccountBusy = errors.New("a password is being set for this account right now; try again in a moment")

// Forget deletes everything Styrke keeps of username at institution (the
// right to erasure, or a person who left): links and their addresses,
// notices, the identity number's keyed hash (no reset through ID-porten
// after it), reset sessions, and the address on file and password history
// that Styrke keeps by username. The audit log keeps its events until
// their retention ends, and gets one that says what was deleted (counts,
// never the data). Nothing in the directory changes.
func (d *Desk) Forget(ctx context.Context, institution, username, actor, remote string) (store.Forgotten, error) {
	if p := accountFieldsProblem(username, institution); p != nil {
		return store.Forgotten{}, &FieldError{Fields: p.Fields, Msg: p.Message}
	}
	if username == "" || institution == "" {
		return store.Forgotten{}, &FieldError{Fields: []string{"username", "institution"}, Msg: "give both username and institution"}
	}
	if err := knownInstitution(institution); err != nil {
		return store.Forgotten{}, err
	}
	// Not while a password is being written for the account: its link,
	// deleted under the write, told the person it was gone with the new
	// password in the directory. (The CLI's forget reads serve's
	// directory settings for this.)
	unlock, err := holdAccount(ctx, d.Store, d.Logger, accountLockKey(d.Directories, d.Directories.For(institution), username), d.Now(), time.Minute)
	if errors.Is(err, store.ErrBusy) {
		return store.Forgotten{}, ErrAccountBusy
	}
	if err != nil {
		return store.Forgotten{}, err
	}
	defer unlock()
	f, err := d.Store.Forget(ctx, institution, username)
	if err != nil {
		return store.Forgotten{}, err
	}
	// The spelling Styrke kept it under, where its letters beyond ASCII
	// were in another case (the store folds ASCII only).
	if kept := d.accountName(ctx, institution, username); kept != username {
		more, err := d.Store.Forget(ctx, institution, kept)
		if err != nil {
			return store.Forgotten{}, err
		}
		f = addForgotten(f, more)
	}
	if actor == "" {
		actor = "system"
	}
	err = d.AuditErr(ctx, store.AuditEvent{Event: store.EventForgotten, Actor: actor, Username: username,
		Institution: institution, RemoteAddr: remote, Detail: forgottenDetail(f)})
	return f, err
}

func addForgotten(a, b store.Forgotten) store.Forgotten {
	return store.Forgotten{Links: a.Links + b.Links, Notices: a.Notices + b.Notices, Identities: a.Identities + b.Identities,
		Sessions: a.Sessions + b.Sessions, Followups: a.Followups + b.Followups, Addresses: a.Addresses + b.Addresses,
		Passwords: a.Passwords + b.Passwords}
}

// forgottenDetail says what Forget deleted, in counts.
func forgottenDetail(f store.Forgotten) string {
	if f.Total() == 0 {
		return "nothing was kept"
	}
	var parts []string
	for _, c := range []struct {
		n    int64
		what string
	}{
		{f.Links, "links (with their addresses)"}, {f.Notices, "notices"}, {f.Identities, "identity number"},
		{f.Sessions, "reset sessions"}, {f.Followups, "steps after a password"}, {f.Addresses, "address on file"},
		{f.Passwords, "password history"},
	} {
		if c.n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", c.what, c.n))
		}
	}
	return "deleted: " + strings.Join(parts, ", ")
}

type forgetRequest struct {
	Username    string `json:"username"`
	Institution string `json:"institution"`
}

// adminForget is POST /api/admin/accounts/forget {"username",
// "institution"}: Desk.Forget; 200 {"forgotten": counts by kind}.
func (h *handler) adminForget() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req forgetRequest
		if err := decode(w, r, &req); err != nil {
			writeError(w, err)
			return
		}
		f, err := h.desk.Forget(r.Context(), req.Institution, req.Username, Actor(r.Context()), h.clientAddr(r))
		if err != nil {
			h.deskError(w, r, "forget", err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"forgotten": f})
	})
}
