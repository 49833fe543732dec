package server

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"log/slog"
	"net/http"

	"golang.org/x/text/unicode/norm"

	"github.com/styrke-iam/styrke/policy"
	"github.com/styrke-iam/styrke/server/directory"
	"github.com/styrke-iam/styrke/server/notify"
	"github.com/styrke-iam/styrke/server/passhash"
	"github.com/styrke-iam/styrke/server/store"
)

// The change: POST /api/change {"username", "institution", "current",
// "password"}. The current password is verified by the directory (a bind;
// with none, Styrke's stored Argon2id hash), never kept. Wrong guesses are
// counted per username and per address in the store; Styrke stops before
// the directory's own lockout threshold, so nobody can lock a person out of
// the directory through it. Unknown usernames and wrong passwords get the
// same answer.

// Change throttle defaults.
const (
	// DefaultChangeUserLimit is how many wrong current passwords one
	// username may get per ChangeWindow (less when the directory locks
	// accounts sooner).
	DefaultChangeUserLimit = 5
	// DefaultChangeAddrLimit is how many one address may get per window.
	DefaultChangeAddrLimit = 20
	// ChangeWindow is the throttle's window.
	ChangeWindow = 15 * time.Minute
)

type changeRequest struct {
	Username    string `json:"username"`
	Institution string `json:"institution"`
	Current     string `json:"current"`
	Password    string `json:"password"`
}

// throttleKey is the store's key for a throttle counter: a hash, so that
// the store holds no usernames or addresses in clear.
func (h *handler) throttleKey(kind, v string) []byte {
	m := hmac.New(sha256.New, h.throttleSecret)
	m.Write([]byte("styrke throttle v1\x00" + kind + "\x00" + v))
	return m.Sum(nil)
}

// lockAccount holds the lease of username's account in dir while its
// password is written, until lease from now (store.ErrBusy while another
// request, on any instance, holds it); unlock ends it. Two links of one
// person, or a reset and a link, submitted at once both wrote the
// directory, and both said done: one of the two passwords did not work.
func (h *handler) lockAccount(ctx context.Context, dir directory.Directory, username string, lease time.Duration) (unlock func(), err error) {
	return holdAccount(ctx, h.Store, h.Logger, accountLockKey(h.Directories, dir, username), h.Now(), lease)
}

// accountLockKey names username's account in dir (of dirs) for the
// store's lease: a plain hash, not keyed, since every instance must name
// it alike, whatever key it counts failures with.
func accountLockKey(dirs *directory.Set, dir directory.Directory, username string) string {
	sum := sha256.Sum256([]byte(directoryName(dirs, dir) + "\x00" + strings.ToLower(norm.NFKC.String(username))))
	return "account:" + hex.EncodeToString(sum[:])
}

// holdAccount holds the lease key until lease from now (store.ErrBusy
// while another holds it); unlock ends it.
func holdAccount(ctx context.Context, st store.Shared, logger *slog.Logger, key string, now time.Time, lease time.Duration) (unlock func(), err error) {
	holder := store.NewClaimID()
	if err := st.LockAccount(ctx, key, holder, now, now.Add(lease)); err != nil {
		return nil, err
	}
	return func() {
		if err := st.UnlockAccount(context.WithoutCancel(ctx), key, holder); err != nil {
			logger.WarnContext(ctx, "account lease not ended; it runs out by itself", "id", RequestID(ctx), "err", err)
		}
	}, nil
}

// bindLease is how long an account's check and bind of its own password
// is held across instances (waitAccount): the bind's own deadline (10 s)
// and a margin, should an instance stop before it ends the hold.
const bindLease = 15 * time.Second

// waitAccount holds key, an account's check and bind of its own password,
// for every instance on st (under a lease of its own, apart from the
// password writes'), waiting while another holds it until ctx ends.
func waitAccount(ctx context.Context, st store.Shared, logger *slog.Logger, key string, now func() time.Time) (unlock func(), err error) {
	sum := sha256.Sum256([]byte(key))
	k := "bind:" + hex.EncodeToString(sum[:])
	for {
		unlock, err := holdAccount(ctx, st, logger, k, now(), bindLease)
		if !errors.Is(err, store.ErrBusy) {
			return unlock, err
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// accountBusy answers a request whose account another request is setting
// a password for right now: err is the store's busy error, lease the
// account lease this request asked for (see leaseRetryAfter: 5 while the
// holder may still be at work).
func accountBusy(w http.ResponseWriter, err error, lease time.Duration, now time.Time) {
	w.Header().Set("Retry-After", strconv.Itoa(leaseRetryAfter(err, lease, now, 5)))
	writeError(w, errorf(CodeInProgress, "a password is being set for this account right now; try again in a moment"))
}

// userLimit is the per-username limit for dir: below its lockout threshold.
func (h *handler) userLimit(ctx context.Context, dir directory.Directory) int {
	limit := h.ChangeUserLimit
	if limit <= 0 {
		limit = DefaultChangeUserLimit
	}
	if directory.IsNone(dir) {
		return limit
	}
	sctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if s, err := dir.Settings(sctx); err == nil && s.LockoutThreshold > 0 {
		// Leave the person at least two tries of their own at the
		// directory's login after Styrke stops.
		limit = min(limit, max(s.LockoutThreshold-2, 1))
	}
	return limit
}

// onFile returns the name and the phone number the service desk gave for
// the account's links (the newest that has each), or "" where none did.
func (h *handler) onFile(ctx context.Context, institution, username string) (name, phone string, err error) {
	recs, err := h.Store.Activations(ctx, store.ActivationFilter{Institution: institution, Username: username})
	for _, a := range recs {
		if name == "" {
			name = a.Name
		}
		if phone == "" {
			phone = a.Phone
		}
	}
	return name, phone, err
}

// ownInstitution returns the institution username belongs to when it is
// not institution: one whose links or imported identities name the
// username and that shares institution's directory (an institution with a
// directory of its own has accounts of its own). "" when the username's
// links or identities name institution, or none of that directory: then
// Styrke knows no better than the person, and institution stands. The
// newest link's institution comes first, then the identities' in the order
// of policy.Institutions.
func (h *handler) ownInstitution(ctx context.Context, institution string, dir directory.Directory, username string) (string, error) {
	links, err := h.Store.Activations(ctx, store.ActivationFilter{Username: username})
	if err != nil {
		return "", err
	}
	own := ""
	for _, a := range links {
		if a.Institution == institution {
			return "", nil
		}
		if own == "" && h.directoryFor(a.Institution) == dir {
			own = a.Institution
		}
	}
	for _, id := range policy.Institutions() {
		if h.directoryFor(id) != dir {
			continue
		}
		switch _, err := h.Store.IdentityOf(ctx, id, username); {
		case errors.Is(err, store.ErrNotFound):
		case err != nil:
			return "", err
		case id == institution:
			return "", nil
		case own == "":
			own = id
		}
	}
	return own, nil
}

// directoryName names dir by the first institution, in the order of
// policy.Institutions, that it serves (dir is one of h.directoryFor's).
func (h *handler) directoryName(dir directory.Directory) string {
	return directoryName(h.Directories, dir)
}

// directoryName names dir of dirs by the first institution that uses it.
func directoryName(dirs *directory.Set, dir directory.Directory) string {
	for _, id := range policy.Institutions() {
		if dirs.For(id) == dir {
			return id
		}
	}
	return dir.String()
}

// servedDirectoryName names dir by the first institution, in the order of
// policy.Institutions, that this installation serves (Serves) and whose
// directory it is; "" when no served institution uses it. (directoryName,
// which keys the throttles, names it by any institution: its keys must not
// change with --institutions.)
func (h *handler) servedDirectoryName(dir directory.Directory) string {
	for _, id := range policy.Institutions() {
		if h.Serves(id) && h.Directories.For(id) == dir {
			return id
		}
	}
	return ""
}

// changeUserKey is the change throttle's key of username at dir: in its
// compatibility form, lower case ("ｋａｒｉ" (fullwidth) and "Kari" with the
// Kelvin sign are kari's counter too, as a directory may match them to
// kari's account), per directory.
func (h *handler) changeUserKey(dir directory.Directory, username string) []byte {
	return h.throttleKey("user", h.directoryName(dir)+"\x00"+strings.ToLower(norm.NFKC.String(username)))
}

// changeLostKey is the store's key of username's mark at dir: a change of
// the account made, or whose write went out and whose answer was lost,
// within ChangeWindow (Fail counts it; see changeRetried). Kept apart from
// the throttle's count.
func (h *handler) changeLostKey(dir directory.Directory, username string) []byte {
	return h.throttleKey("lost", h.directoryName(dir)+"\x00"+strings.ToLower(norm.NFKC.String(username)))
}

// markChange keeps username's mark at dir (changeLostKey) for ChangeWindow.
func (h *handler) markChange(ctx context.Context, dir directory.Directory, username string) {
	if _, err := h.Store.Fail(context.WithoutCancel(ctx), h.changeLostKey(dir, username), h.Now(), ChangeWindow); err != nil {
		h.Logger.WarnContext(ctx, "change: the mark of a change whose answer may be lost was not kept", "id", RequestID(ctx), "err", err)
	}
}

// refusedName is how the audit log names the account of a refused change:
// its username when Styrke knows it or the directory found it (found: the
// directory's check answered for an account, not ErrAccount), else none,
// and a detail with a keyed hash of what was typed, so that a run of tries
// is still seen and traced. A password typed into the username field (or
// any guess) was kept in the audit log for its whole retention. It asks the
// directory nothing: a search of its own, made only for the usernames
// Styrke keeps nothing of, told them apart by time.
func (h *handler) refusedName(ctx context.Context, institution string, dir directory.Directory, username string, found bool) (name, detail string) {
	if _, err := h.Store.AccountName(ctx, h.sameAccounts(institution), username); err == nil || found {
		return username, ""
	}
	key := h.throttleKey("audit", h.directoryName(dir)+"\x00"+strings.ToLower(norm.NFKC.String(username)))
	return "", " (a username unknown here, keyed hash " + hex.EncodeToString(key)[:12] + ")"
}

func (h *handler) change() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		var req changeRequest
		if err := decode(w, r, &req); err != nil {
			writeError(w, err)
			return
		}
		// In its compatibility form: "ｋａｒｉ" (fullwidth), "ﬁ" and a
		// decomposed "pa\u030Al" are the accounts the directories match
		// them to (kari, fi, pål), with those accounts' history, links and
		// notice; as typed they were other accounts, which skipped all three.
		req.Username = norm.NFKC.String(strings.TrimSpace(req.Username))
		// A control or invisible character, or invalid UTF-8, is said as
		// such (a NUL went on to the password's rules, and came back as a
		// policy refusal).
		if msg := textProblem(req.Username, MaxUsernameLen, false); msg != "" {
			writeError(w, errorf(CodeInvalid, "username "+msg, "username"))
			return
		}
		var fields []string
		if req.Username == "" {
			fields = append(fields, "username")
		}
		if req.Institution == "" {
			req.Institution = "default"
			if len(h.Institutions) == 1 {
				req.Institution = h.Institutions[0]
			}
		}
		p, err := policy.Lookup(req.Institution)
		if err != nil || !h.Serves(req.Institution) {
			// Unknown, or not served here: a person Styrke knows nothing
			// of chose the weakest built-in policy.
			fields = append(fields, "institution")
		}
		if req.Current == "" || len(req.Current) > 1024 {
			fields = append(fields, "current")
		}
		if len(fields) > 0 {
			writeError(w, errorf(CodeInvalid, "invalid "+strings.Join(fields, ", "), fields...))
			return
		}
		in := policy.Input{Password: req.Password, Username: req.Username, Lang: lang(r)}
		// The rules that need nothing of the account first: they tell
		// nothing about it.
		if res := policy.Evaluate(p, in); !res.OK {
			writeJSON(w, http.StatusUnprocessableEntity, res.AppendJSON(nil))
			return
		}
		if req.Current == req.Password {
			writeError(w, errorf(CodeInvalid, "the new password must differ from the current one", "password"))
			return
		}
		dir := h.directoryFor(p.ID)
		addrKey := h.throttleKey("addr", h.clientAddr(r))
		now := h.Now()
		addrLimit := h.ChangeAddrLimit
		if addrLimit <= 0 {
			addrLimit = DefaultChangeAddrLimit
		}
		// Each try is counted before the current password is checked, and
		// taken back when it proves right: tries sent at once each see the
		// others' (read before the check and written after it, 40 at once
		// let 35 wrong passwords through to the directory, which locked
		// the account). A try over either limit is not counted (but for
		// the address's count of a try that asked the directory, below).
		counted := [][]byte{}
		refund := func() {
			for _, k := range counted {
				if err := h.Store.Refund(context.WithoutCancel(ctx), k); err != nil {
					h.Logger.WarnContext(ctx, "throttle refund failed", "id", RequestID(ctx), "err", err)
				}
			}
			counted = nil
		}
		// count counts a try under key and reports whether it is within
		// limit; when it is not (or the store failed), the request is
		// answered and every count taken back, but the address's when
		// keepAddr.
		count := func(key []byte, limit int, keepAddr bool) bool {
			n, err := h.Store.Fail(ctx, key, now, ChangeWindow)
			if err != nil {
				refund()
				h.internal(w, r, "throttle", err)
				return false
			}
			counted = append(counted, key)
			if n <= limit {
				return true
			}
			if keepAddr {
				counted = slices.DeleteFunc(counted, func(k []byte) bool { return bytes.Equal(k, addrKey) })
			}
			refund()
			h.Logger.InfoContext(ctx, "change throttled", "id", RequestID(ctx))
			// No directory search here: a throttled run costs nothing.
			name, unknown := h.refusedName(ctx, p.ID, dir, req.Username, false)
			h.audit(r, store.AuditEvent{Event: store.EventRefused, Username: name, Institution: p.ID, Actor: "user:" + name,
				Detail: "change: too many wrong current passwords; throttled" + unknown})
			// Which count: the account's, or the address's (a campus
			// behind one address), said by the page.
			met, whose := LimitAccount, "for this account"
			if bytes.Equal(key, addrKey) {
				met, whose = LimitAddress, "from this address"
			}
			writeError(w, &Error{Code: CodeRateLimited, Message: "too many wrong passwords " + whose + "; try again later", Limit: met, RetryAfter: ChangeWindow})
			return false
		}
		// The address first, before anything asks the directory: an
		// address over its limit costs no directory call.
		if !count(addrKey, addrLimit, false) {
			return
		}
		// AD's other forms of a username, as people type them at Windows'
		// and Office's logins (ola@uio.example, UIO\ola), are the account
		// they name, with its count, history and what is on file; they
		// were searched as sAMAccountName, found nothing, and the right
		// password was told it was wrong. Such a form costs the directory
		// a search (AccountName), so its try keeps its address count even
		// when the account's count then refuses it: a run of them against
		// an account already throttled went to the domain controller at
		// the request rate, each not counted.
		searched := !directory.IsNone(dir) && strings.ContainsAny(req.Username, `@\`)
		account, err := dir.AccountName(ctx, req.Username)
		if err != nil {
			refund()
			h.directoryError(w, r, err)
			return
		}
		req.Username, in.Username = account, account
		// Per account: its directory's, whichever institution of that
		// directory the request names (per institution, each one chosen
		// in the list gave the limit again). The directory is named by
		// its first institution: two of a --directory-map on one server
		// but each with its own base are two directories, whose "ola"s
		// are two people.
		// In its compatibility form, lower case: "ｋａｒｉ" (fullwidth) and
		// "Kari" with the Kelvin sign are kari's counter too, as a
		// directory may match them to kari's account.
		userKey := h.changeUserKey(dir, req.Username)
		if !count(userKey, h.userLimit(ctx, dir), searched) {
			return
		}
		// The count is taken back when the current password proved right
		// (below), or when the request ends before the password went to
		// the directory (a store error, the directory unreachable); it
		// stands when the directory said no (refused) or could not say
		// after the bind went out (directory.ErrAfterBind: it may have
		// counted the try).
		defer refund()
		// refused answers a wrong current password, an unknown username, or
		// an account the directory has locked (after wrong passwords
		// anywhere, not only here: no password binds, the right one
		// included) the same way, why only in the log and the audit log: a
		// "locked" answer to any password told anyone that the username
		// exists and is locked; the page's text says that an account may be
		// locked and what to do. Each is counted (before the check), so
		// that a run of them ends in the same 429 for any username (a reset
		// clears the count).
		// err is the directory's answer (nil: none was asked).
		refused := func(why string, err error) {
			counted = nil // kept
			h.Logger.InfoContext(ctx, "change: "+why, "id", RequestID(ctx))
			// In the audit log, with the username as typed and the client:
			// a guessing run is seen and traced (the log line names
			// neither).
			found := err != nil && !errors.Is(err, directory.ErrAccount)
			name, unknown := h.refusedName(ctx, p.ID, dir, req.Username, found)
			h.audit(r, store.AuditEvent{Event: store.EventRefused, Username: name, Institution: p.ID, Actor: "user:" + name,
				Detail: "change: " + why + unknown})
			writeError(w, errorf(CodeCredentials, "the username or the current password is wrong"))
		}
		const (
			wrong  = "wrong current password or unknown username"
			locked = "the account is locked in the directory"
		)
		// The password is right, but the directory has disabled the
		// account or it has expired: no new password would let the person
		// log in.
		disabled := func() {
			h.Logger.InfoContext(ctx, "change: the account is disabled in the directory", "id", RequestID(ctx))
			writeError(w, errorf(CodeAccountDisabled, "the account is disabled or has expired; contact the service desk"))
		}
		// failed answers an error of the directory's check or change of
		// the account (not a refusal of the new password), and reports
		// whether there was one.
		failed := func(err error) bool {
			switch {
			case err == nil:
				return false
			case errors.Is(err, directory.ErrInvalidCredentials), errors.Is(err, directory.ErrAccount):
				refused(wrong, err)
			case errors.Is(err, directory.ErrLocked):
				refused(locked, err)
			case errors.Is(err, directory.ErrDisabled):
				disabled()
			default:
				if errors.Is(err, directory.ErrAfterBind) {
					counted = nil // the directory may have counted the try: it stands
				}
				if errors.Is(err, directory.ErrAfterWrite) {
					// Not "the password was not changed": the directory
					// may hold the new one, and the same fields sent
					// again finish the change (changeRetried).
					h.Logger.WarnContext(ctx, "change: the directory did not answer the password write: it may have been changed", "id", RequestID(ctx), "err", err)
					h.writeUnconfirmedAudit(r, "change", req.Username, p.ID)
					w.Header().Set("Retry-After", "10")
					writeError(w, errorf(CodeDirectoryUnconfirmed, "the directory did not answer the password write, so the password may have been changed; try logging in with the new one, or send the same fields again, which finishes the change once the directory holds it"))
					return true
				}
				h.directoryError(w, r, err)
			}
			return true
		}
		// The account as Styrke keeps it. The directories match a username
		// whatever the case of its letters, so the person may type "OLA"
		// for the link's "ola"; the history and what is on file are kept
		// under "ola". A username Styrke keeps nothing of stays as typed.
		// Asked for every username, known or not, before any verification.
		name, err := keptName(ctx, h.Store, h.sameAccounts(p.ID), req.Username)
		if err != nil {
			h.internal(w, r, "account name", err)
			return
		}
		req.Username, in.Username = name, name
		// Verify the current password. recovered: it did not bind, but
		// the new one does, written by an earlier try whose answer was
		// lost (changeRetried); nothing is written again.
		recovered := false
		if directory.IsNone(dir) {
			hist, err := h.Store.History(ctx, h.sameAccounts(p.ID), req.Username, 1)
			if err != nil {
				h.internal(w, r, "history", err)
				return
			}
			enc := h.dummyHash()
			if len(hist) > 0 {
				enc = hist[0]
			}
			ok, err := passhash.Verify(req.Current, enc)
			if errors.Is(err, passhash.ErrBusy) { // not "wrong password": unknown
				h.internal(w, r, "verify current password", err)
				return
			}
			if err != nil || !ok || len(hist) == 0 {
				if again, _ := h.changeRetried(ctx, p, dir, req.Username, req.Password, nil); err == nil && len(hist) > 0 && again == retryDone {
					refund()
					h.changedAlready(w, r, p, dir, req.Password)
					return
				}
				refused(wrong, nil)
				return
			}
		} else {
			// Not cut short by the client: a bind the client's hang-up
			// ended after it went out was counted by the directory but
			// taken back here, and a run of them locked the account.
			dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
			err := dir.Verify(dctx, req.Username, req.Current)
			cancel()
			if errors.Is(err, directory.ErrMustChange) {
				// Right, but expired or to be changed at next logon: this
				// is the change that state asks for (ChangePassword makes it).
				err = nil
			}
			if errors.Is(err, directory.ErrInvalidCredentials) {
				var again changeRetry
				again, err = h.changeRetried(ctx, p, dir, req.Username, req.Password, err)
				if again == retryDone {
					refund()
					h.changedAlready(w, r, p, dir, req.Password)
					return
				}
				recovered = again == retryRecovered
			}
			if failed(err) {
				return
			}
		}
		// The current password is right: its try is taken back now, so
		// that nothing after (a refused new password, a directory error of
		// the write) counts against the person.
		refund()
		// Only now, with the current password right: the account's own
		// institution, and the name and phone number on file, which a
		// refusal would otherwise confirm to anyone who typed a username.
		own, err := h.ownInstitution(ctx, p.ID, dir, req.Username)
		if err != nil {
			h.internal(w, r, "account's institution", err)
			return
		}
		if own != "" {
			h.Logger.InfoContext(ctx, "change: another institution than the account's", "id", RequestID(ctx), "institution", p.ID, "own", own)
			writeError(w, &Error{Code: CodeWrongInstitution, Message: "the account belongs to another institution (" + own + "); choose it and try again", Fields: []string{"institution"}, Institution: own})
			return
		}
		if in.Name, in.Phone, err = h.onFile(ctx, p.ID, req.Username); err != nil {
			h.internal(w, r, "contact on file", err)
			return
		}
		h.fromDirectory(ctx, p.ID, req.Username, &in)
		ok, breachChecked := h.newPassword(w, r, p, in)
		if !ok {
			return
		}
		enc, err := h.hash(req.Password)
		if err != nil {
			h.internal(w, r, "hash", err)
			return
		}
		unlock, err := h.lockAccount(ctx, dir, req.Username, time.Minute)
		if errors.Is(err, store.ErrBusy) {
			accountBusy(w, err, time.Minute, h.Now())
			return
		}
		if err != nil {
			h.internal(w, r, "account lease", err)
			return
		}
		defer unlock()
		if !directory.IsNone(dir) && !recovered {
			dctx, cancel := context.WithTimeout(ctx, 20*time.Second)
			err := dir.ChangePassword(dctx, req.Username, req.Current, req.Password)
			cancel()
			h.writeCounted(err)
			if errors.Is(err, directory.ErrUnavailable) {
				// The write may have reached the directory, its answer
				// lost: the person's "Try again" then sends a current
				// password that no longer binds, and a new one that does.
				h.markChange(ctx, dir, req.Username)
			}
			if ref := (*directory.Refusal)(nil); errors.As(err, &ref) {
				h.Logger.InfoContext(ctx, "directory refused the password", "id", RequestID(ctx), "rule", ref.Rule, "diagnostic", ref.Diagnostic)
				h.directoryRefusedAudit(r, req.Username, p.ID, ref.Rule)
				directoryRefused(w, p, in, ref)
				return
			}
			if failed(err) {
				return
			}
		}
		fu := store.Followup{Key: "change:" + req.Username + ":" + RequestID(ctx), Kind: notify.HowChange, Username: req.Username,
			Name: in.Name, Institution: p.ID}
		stored := h.Now()
		if err := h.Store.SetPassword(context.WithoutCancel(ctx), p.ID, req.Username, stored, enc, max(p.HistorySize, 1), &fu); err != nil {
			if directory.IsNone(dir) {
				h.internal(w, r, "set password", err)
				return
			}
			h.Logger.ErrorContext(ctx, "password changed in the directory but not recorded", "id", RequestID(ctx), "err", err)
		} else {
			fu.At = stored // kept with the password: marked done after the steps
		}
		if err := h.Store.ClearFailures(context.WithoutCancel(ctx), userKey); err != nil {
			h.Logger.WarnContext(ctx, "throttle clear failed", "id", RequestID(ctx), "err", err)
		}
		// The change is made: its answer may yet be lost on the way back,
		// and the page's "Try again" then sends the same fields
		// (changeRetried).
		h.markChange(ctx, dir, req.Username)
		h.Logger.InfoContext(ctx, "password changed", "id", RequestID(ctx), "institution", p.ID, "directory", dir.String(), "recovered", recovered)
		h.passwordChanged(r, fu)
		login := ""
		if !directory.IsNone(dir) {
			login = h.loginURL(p.ID)
		}
		setAnswer(w, !directory.IsNone(dir), false, breachChecked, login)
	})
}

// changeRetry is what a change whose current password did not bind turns
// out to be (changeRetried).
type changeRetry int

const (
	retryNot       changeRetry = iota // a wrong current password
	retryDone                         // the change it repeats was made and recorded
	retryRecovered                    // the directory took it, its answer lost: not recorded yet
)

// changeRetried is asked when the current password typed for username
// in dir did not bind (wrong: err, nil for no directory): whether the
// try repeats a change of the account whose answer was lost, the page's
// "Try again" sending the same fields, whose current password is now the
// old one. Lost on the way back to the phone, the change was made and
// recorded (retryDone: answer it as it was, nothing counted or written
// again); lost between Styrke and the directory (503
// directory_unavailable), the directory may have taken password, and it
// is recorded now (retryRecovered). It returns the error to answer with:
// nil for those, else err, or the directory's error when it could not
// say. Only while the account's mark stands (changeLostKey: set by a
// change made, or whose write's answer was lost, within ChangeWindow,
// both by a try whose current password was right) are the history and
// the directory asked: a wrong current password of any other account
// costs a store read, as an unknown username does, and no second bind
// or hash. A new password that does not bind ends the mark.
func (h *handler) changeRetried(ctx context.Context, p policy.Policy, dir directory.Directory, username, password string, err error) (changeRetry, error) {
	key := h.changeLostKey(dir, username)
	if n, ferr := h.Store.Failures(ctx, key, h.Now(), ChangeWindow); ferr != nil || n == 0 {
		return retryNot, err
	}
	recorded := false
	if hist, herr := h.Store.History(ctx, h.sameAccounts(p.ID), username, 1); herr == nil && len(hist) > 0 {
		recorded, _ = passhash.Verify(password, hist[0])
	}
	nerr := error(nil)
	if !directory.IsNone(dir) {
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		nerr = dir.Verify(dctx, username, password)
		cancel()
		if errors.Is(nerr, directory.ErrMustChange) {
			nerr = nil
		}
	} else if !recorded {
		nerr = directory.ErrInvalidCredentials
	}
	switch {
	case nerr == nil && recorded:
		return retryDone, nil
	case nerr == nil:
		h.Logger.InfoContext(ctx, "change: the directory already holds the new password (an earlier write's answer was lost)", "id", RequestID(ctx))
		return retryRecovered, nil
	case errors.Is(nerr, directory.ErrInvalidCredentials), errors.Is(nerr, directory.ErrLocked):
		if cerr := h.Store.ClearFailures(context.WithoutCancel(ctx), key); cerr != nil {
			h.Logger.WarnContext(ctx, "change: the mark of a lost answer was not cleared", "id", RequestID(ctx), "err", cerr)
		}
		return retryNot, err
	}
	// The directory could not say: the mark stands for the next try.
	return retryNot, nerr
}

// changedAlready answers a change whose new password is the account's
// already (retryDone) as the change that set it was answered: its try is
// not counted, and the page shows the done state. It said "the username
// or the current password is wrong", counted the try, and a person who
// believed it walked into the 429 and the directory's lockout.
func (h *handler) changedAlready(w http.ResponseWriter, r *http.Request, p policy.Policy, dir directory.Directory, password string) {
	ctx := r.Context()
	h.Logger.InfoContext(ctx, "change: the new password is the account's already (an earlier change's answer was lost)", "id", RequestID(ctx), "institution", p.ID)
	n, err := h.breachCount(ctx, p, password)
	login := ""
	if !directory.IsNone(dir) {
		login = h.loginURL(p.ID)
	}
	setAnswer(w, !directory.IsNone(dir), false, err == nil && n != nil, login)
}
