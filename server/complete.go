package server

import (
	"context"
	"errors"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/styrke-iam/styrke/policy"
	"github.com/styrke-iam/styrke/server/directory"
	"github.com/styrke-iam/styrke/server/passhash"
	"github.com/styrke-iam/styrke/server/store"
)

// DefaultClaimLease is how long a complete holds its link while it writes
// the password to the directory (see Deps.ClaimLease).
const DefaultClaimLease = 2 * time.Minute

// DefaultCompleteTimeout bounds one complete: store, breach service,
// Argon2id and directory together.
const DefaultCompleteTimeout = 25 * time.Second

type completeRequest struct {
	Token    string `json:"token"`
	Password string `json:"password"`
	// Code is the one-time code sent by SMS, for a link that needs one.
	Code string `json:"code"`
}

// completeResponse is the body of a successful complete (200).
type completeResponse struct {
	// Directory is true when the password was set in the institution's
	// directory (the person can log in there now), false when the
	// institution has none and Styrke kept it only in its own store.
	Directory bool `json:"directory"`
	// BreachChecked is true when the breach service was asked and the
	// password was not found; false when the policy let the password through
	// without the check because the service could not be reached.
	BreachChecked bool `json:"breachChecked"`
	// LoginURL is where to log in with the new password, when it reached
	// a directory and the server has a login URL for the institution
	// (Deps.LoginURLs), and the account is not disabled.
	LoginURL string `json:"loginURL,omitempty"`
	// AccountDisabled: the directory took the password, but has the account
	// disabled (AD): nobody can log in with it until the institution
	// enables it.
	AccountDisabled bool `json:"accountDisabled,omitempty"`
}

// loginURL returns the login URL for institution: its own, else the one
// for every institution, else "".
func (h *handler) loginURL(institution string) string {
	if u, ok := h.LoginURLs[institution]; ok {
		return u
	}
	return h.LoginURLs[""]
}

// refusal is the 422 body: the Result plus attemptsLeft, the failed
// attempts the link still takes before it is locked (the page warns when
// few are left, and says "locked" at 0).
func refusal(res policy.Result, left int) []byte {
	b := res.AppendJSON(make([]byte, 0, 2048))
	b = append(b[:len(b)-1], `,"attemptsLeft":`...)
	b = strconv.AppendInt(b, int64(max(left, 0)), 10)
	return append(b, '}')
}

// counted reports whether a refusal counts against the link. It counts
// when the person could have seen it coming: the meter shows every rule
// that needs no IO as they type, and they know their own earlier passwords
// (reused; counting it also bounds guessing at them). A password refused
// only because the server's breach check found it does not count: the
// browser's own check may have been unavailable, and the range API tells
// anyone the same anyway. (A directory's own refusal is not counted
// either; see writeFailed.)
func counted(res policy.Result) bool {
	for _, v := range res.Violations {
		if v.Rule != policy.RuleBreached {
			return true
		}
	}
	return false
}

// verdict is what judge found.
type verdict struct {
	res           policy.Result
	breachChecked bool
}

// judge runs every rule on a password for username: first those that need
// no IO (a password they refuse is refused without asking the breach
// service or hashing it against history, and a required breach check that
// is down does not hide them), then the breach service and the account's
// history. It returns an *Error for a required breach check that is down.
func (h *handler) judge(ctx context.Context, p policy.Policy, in policy.Input) (verdict, error) {
	if res := policy.Evaluate(p, in); !res.OK {
		return verdict{res: res}, nil
	}
	var err error
	if in.BreachCount, err = h.breachCount(ctx, p, in.Password); err != nil {
		return verdict{}, err
	}
	if p.HistorySize > 0 {
		hist, err := h.Store.History(ctx, h.sameAccounts(p.ID), in.Username, p.HistorySize)
		if err != nil {
			return verdict{}, err
		}
		reused, err := passhash.MatchAny(ctx, in.Password, hist)
		if errors.Is(err, passhash.ErrBusy) { // unknown, not "not reused": 503
			return verdict{}, err
		}
		if err != nil && !reused {
			h.Logger.WarnContext(ctx, "history entries unreadable", "id", RequestID(ctx), "err", err)
			if ctx.Err() != nil {
				return verdict{}, err
			}
		}
		in.Reused = &reused
	}
	return verdict{res: policy.Evaluate(p, in), breachChecked: in.BreachCount != nil}, nil
}

// complete is POST /api/activation/complete: judge the password, then set it
// in the institution's directory exactly once (package directory's
// "Exactly once": claim the link, write, commit), and answer success only
// after the directory took it.
func (h *handler) complete() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Bounded by its own time, not ended by the client's: a reload
		// during the submit (a closed tab, a phone that dropped the
		// connection) cut the directory's write or the link's close
		// wherever it was, and left the password set and the link open and
		// claimed, or a write counted as the directory not answering.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), h.CompleteTimeout)
		defer cancel()
		var req completeRequest
		if err := decode(w, r, &req); err != nil {
			writeError(w, err)
			return
		}
		if !h.allowToken(w, req.Token) {
			return
		}
		a, err := h.activation(ctx, req.Token)
		if resp, ok := h.setBefore(ctx, a, req.Password, err); ok {
			writeJSON(w, http.StatusOK, resp)
			return
		}
		if err != nil {
			h.refusedErr(r, a, err)
			h.fail(w, r, "complete", err)
			return
		}
		if err := h.checkCode(ctx, r, a, req.Token, req.Code); err != nil {
			h.writeCodeError(w, r, "complete", err)
			return
		}
		p, err := h.linkPolicy(w, r, a)
		if err != nil {
			return
		}
		phone, err := h.contactPhone(ctx, a.TokenHash)
		if err != nil {
			h.failRetryable(w, r, "contact", err)
			return
		}
		in := policy.Input{Password: req.Password, Username: a.Username, Name: a.Name, Phone: phone, Lang: lang(r)}
		h.fromDirectory(ctx, a.Institution, a.Username, &in)
		v, err := h.judge(ctx, p, in)
		if err != nil {
			h.failRetryable(w, r, "judge", err)
			return
		}
		if !v.res.OK {
			h.reject(w, r, a, p, v.res, req.Password == "")
			return
		}
		enc, err := h.hash(req.Password)
		if err != nil {
			h.failRetryable(w, r, "hash", err)
			return
		}
		dir := h.Directories.For(a.Institution)
		unlock, err := h.lockAccount(ctx, dir, a.Username, h.ClaimLease)
		if errors.Is(err, store.ErrBusy) {
			accountBusy(w, err, h.ClaimLease, h.Now())
			return
		}
		if err != nil {
			h.failRetryable(w, r, "account lease", err)
			return
		}
		// Held until the steps after the password are done: another link
		// of the person's, submitted meanwhile, is closed by then.
		defer unlock()
		wrote, err := h.claimAndWrite(ctx, a, dir, req.Password, enc)
		if err != nil {
			h.writeFailed(w, r, a, p, in, v.res, err)
			return
		}
		if err := h.Store.Complete(ctx, a.TokenHash, wrote.claimID, h.Now(), enc, p.HistorySize, MaxFailures); err != nil {
			switch {
			case errors.Is(err, store.ErrGone), errors.Is(err, store.ErrNotFound):
				// Only if the lease ran out and another request took over;
				// that one finishes the job.
				h.Logger.WarnContext(ctx, "claim lost before commit", "id", RequestID(ctx), "directory", dir.String())
				writeError(w, errorf(CodeTokenUsed, "this activation link has already been used"))
			default:
				// The directory has the password; the link stays claimed
				// until the lease ends, then the same password consumes it
				// without a second write.
				h.Logger.ErrorContext(ctx, "password set in the directory but not recorded", "id", RequestID(ctx),
					"directory", dir.String(), "err", err)
				writeError(w, errorf(CodeCommitFailed, "the password was set in the directory, but the link could not be closed; try logging in with it, or submit the same password again in a few minutes"))
			}
			return
		}
		h.Logger.InfoContext(ctx, "password set", "id", RequestID(ctx), "policy", p.ID,
			"directory", dir.String(), "recovered", wrote.recovered)
		if !directory.IsNone(dir) && !wrote.recovered {
			h.Metrics.DirectoryWrite("ok")
		}
		h.activated(r, a)
		resp := completeResponse{Directory: !directory.IsNone(dir), BreachChecked: v.breachChecked}
		if resp.Directory {
			resp.AccountDisabled = h.accountDisabled(ctx, a.Institution, a.Username)
			if !resp.AccountDisabled {
				resp.LoginURL = h.loginURL(a.Institution)
			}
		}
		writeJSON(w, http.StatusOK, resp)
	})
}

// lostAnswerWindow is how long after a link was used a submit of the
// password it set is answered as the success it was, however many other
// passwords were tried (see setBefore).
const lostAnswerWindow = 15 * time.Minute

// LateRetryTries is how many other passwords a used link takes in a day
// (lateRetryWindow) after lostAnswerWindow before the one it set is no
// longer answered as the success it was (see setBefore).
const LateRetryTries = 5

const lateRetryWindow = 24 * time.Hour

// setBefore answers a submit through a used link (err, the link's
// token_used) whose password is the one the link set, and which the
// directory still binds: the answer of the submit that set it was lost on
// the way back (a phone between networks, a reload), and the page said it
// could not reach the service, try again. The retry was told "the link is
// used, if that was not you, ask for a new one", and never that the
// password typed works. Any other password gets token_used as before: the
// answer tells only whoever knows the password that it is the one.
//
// Within lostAnswerWindow of the link's use, as often as the link's rate
// limit lets a client ask. After it (the page left in its "Try again", the
// phone asleep), until the link would have expired, only while fewer than
// LateRetryTries other passwords were tried through it late that day: the
// answer must not become, for whoever holds the link, a way to try the
// account's password that no lockout of the directory counts (a wrong one
// never reaches the directory), and a day of the link's rate limit is
// 86,400 tries. The window's own 15 minutes are 900.
func (h *handler) setBefore(ctx context.Context, a store.Activation, password string, err error) (completeResponse, bool) {
	var e *Error
	if !errors.As(err, &e) || e.Code != CodeTokenUsed || a.UsedAt == nil || password == "" {
		return completeResponse{}, false
	}
	now := h.Now()
	late := now.Sub(*a.UsedAt) > lostAnswerWindow
	key := h.throttleKey("late-retry", string(a.TokenHash))
	if late {
		if !now.Before(a.ExpiresAt) {
			return completeResponse{}, false
		}
		if n, err := h.Store.Failures(ctx, key, now, lateRetryWindow); err != nil || n >= LateRetryTries {
			return completeResponse{}, false
		}
	}
	resp, same, wrong := h.setWith(ctx, a, password)
	if !same {
		if late && wrong {
			if _, err := h.Store.Fail(context.WithoutCancel(ctx), key, now, lateRetryWindow); err != nil {
				h.Logger.WarnContext(ctx, "a late try of a used link's password was not counted", "id", RequestID(ctx), "err", err)
			}
		}
		return completeResponse{}, false
	}
	h.Logger.InfoContext(ctx, "the link's password was set by an earlier submit (its answer was lost)", "id", RequestID(ctx), "policy", a.Institution, "late", late)
	return resp, true
}

// setWith reports whether password is the one the used link a set (the
// account's last in the store's history) and the directory still binds it,
// and the done page's answer if so; wrong: the history has another.
func (h *handler) setWith(ctx context.Context, a store.Activation, password string) (resp completeResponse, same, wrong bool) {
	hist, err := h.Store.History(ctx, h.sameAccounts(a.Institution), a.Username, 1)
	if err != nil || len(hist) == 0 {
		return completeResponse{}, false, false
	}
	if same, err := passhash.Verify(password, hist[0]); !same {
		return completeResponse{}, false, err == nil
	}
	dir := h.Directories.For(a.Institution)
	resp = completeResponse{Directory: !directory.IsNone(dir)}
	if resp.Directory {
		// The directory's word, not the store's: changed since, it is not.
		if err := dir.Verify(ctx, a.Username, password); err != nil && !errors.Is(err, directory.ErrMustChange) {
			return completeResponse{}, false, false
		}
		resp.AccountDisabled = h.accountDisabled(ctx, a.Institution, a.Username)
		if !resp.AccountDisabled {
			resp.LoginURL = h.loginURL(a.Institution)
		}
	}
	if p, err := policy.Lookup(a.Institution); err == nil {
		n, err := h.breachCount(ctx, p, password)
		resp.BreachChecked = err == nil && n != nil
	}
	return resp, true, false
}

// wrote is what claimAndWrite did.
type wrote struct {
	claimID   []byte
	recovered bool // the directory already held the password: no write
}

// claimAndWrite claims the activation and sets the password in dir. On any
// error the claim is released (its pending hash kept unless the directory
// certainly did not take the password).
func (h *handler) claimAndWrite(ctx context.Context, a store.Activation, dir directory.Directory, password, enc string) (wrote, error) {
	c, err := h.Store.Claim(ctx, a.TokenHash, h.Now(), h.ClaimLease, enc, MaxFailures)
	if err != nil {
		return wrote{}, err
	}
	out := wrote{claimID: c.ID}
	release := func(clearPending bool) {
		// The request's own deadline may be what failed: release anyway.
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if err := h.Store.Release(rctx, a.TokenHash, c.ID, clearPending); err != nil {
			h.Logger.WarnContext(ctx, "release claim", "id", RequestID(ctx), "err", err)
		}
	}
	// An earlier attempt with this password may have reached the directory
	// (it crashed, or the directory's answer was lost): ask the directory
	// before writing again, since a second write would meet its history.
	if c.PreviousPending != "" && !directory.IsNone(dir) {
		if same, _ := passhash.Verify(password, c.PreviousPending); same {
			switch err := dir.Verify(ctx, a.Username, password); {
			case err == nil, errors.Is(err, directory.ErrMustChange):
				out.recovered = true
				return out, nil
			case !errors.Is(err, directory.ErrInvalidCredentials) && !errors.Is(err, directory.ErrLocked):
				release(false)
				return wrote{}, err
			}
			// Not the password, or a locked account that no password binds
			// to: write it (SetPassword also ends a lockout).
		}
	}
	err = dir.SetPassword(ctx, a.Username, password)
	if err != nil {
		var ref *directory.Refusal
		release(errors.As(err, &ref) || errors.Is(err, directory.ErrAccount) || errors.Is(err, directory.ErrOperator) || errors.Is(err, directory.ErrDisabled))
		return wrote{}, err
	}
	return out, nil
}

// reject answers 422 with the Result and counts the failure against the
// link (see counted; not an empty password: a form sent with nothing typed,
// Enter pressed in it, tried no password), unless the link was used
// meanwhile (a duplicate submit that lost to a successful one: its password
// is now in the history).
func (h *handler) reject(w http.ResponseWriter, r *http.Request, a store.Activation, p policy.Policy, res policy.Result, empty bool) {
	ctx := r.Context()
	if cur, err := h.Store.Activation(ctx, a.TokenHash); err == nil && cur.UsedAt != nil {
		writeError(w, errorf(CodeTokenUsed, "this activation link has already been used"))
		return
	}
	n, count := a.Failures, counted(res) && !empty
	if count {
		var err error
		if n, err = h.Store.RecordFailure(ctx, a.TokenHash); err != nil {
			h.failRetryable(w, r, "record failure", err)
			return
		}
	}
	h.Logger.InfoContext(ctx, "password rejected", "id", RequestID(ctx), "policy", p.ID, "failures", n, "counted", count, "rules", rules(res))
	h.refused(r, a, "rules "+rules(res))
	writeJSON(w, http.StatusUnprocessableEntity, refusal(res, MaxFailures-n))
}

// claimWorking is how long a request that holds a link's claim may still
// be at work: a directory write ends well within it (its own timeouts are
// seconds). A claim held longer is a request that died (an instance killed
// during its write), whose lease only its end frees.
const claimWorking = 30 * time.Second

// leaseRetryAfter is the Retry-After, in seconds, of a lease (a link's
// claim, an account's) refused as busy: err, a store.BusyError when the
// store says when the lease ends; lease, the lease this request asked
// for, taken to be the holder's too (the same flow submitted again).
// least while the holder may still be at work (claimWorking), else the
// lease's rest: a request that died (an instance killed during its
// directory write) holds it until it runs out, and the answer was least
// for the whole 2 minutes.
func leaseRetryAfter(err error, lease time.Duration, now time.Time, least int) int {
	var be *store.BusyError
	if !errors.As(err, &be) {
		return least
	}
	rest := be.Until.Sub(now)
	if lease-rest < claimWorking {
		return least
	}
	return max(least, int(math.Ceil(rest.Seconds())))
}

// writeFailed answers a failed claim or directory write. A refusal by the
// directory's own rules is shown like any other rule (422) and not counted
// against the link: the person could not have foreseen it. Everything else
// leaves the link usable and says whether to retry.
func (h *handler) writeFailed(w http.ResponseWriter, r *http.Request, a store.Activation, p policy.Policy, in policy.Input, res policy.Result, err error) {
	ctx := r.Context()
	var ref *directory.Refusal
	h.writeFailedAudit(r, a, err)
	switch {
	case errors.As(err, &ref):
		h.Logger.InfoContext(ctx, "directory refused the password", "id", RequestID(ctx), "policy", p.ID,
			"rule", ref.Rule, "diagnostic", ref.Diagnostic)
		res.OK = false
		v := directoryViolation(ref, in.Lang)
		res.Violations = append(res.Violations, v)
		// As for a reset (directoryRefused): the policy's "meets the
		// requirements" beside the refusal contradicted it.
		res.Feedback = []string{v.Message}
		writeJSON(w, http.StatusUnprocessableEntity, refusal(res, MaxFailures-a.Failures))
	case errors.Is(err, store.ErrBusy):
		w.Header().Set("Retry-After", strconv.Itoa(leaseRetryAfter(err, h.ClaimLease, h.Now(), 2)))
		writeError(w, errorf(CodeInProgress, "this link is being used by another request right now; try again in a moment"))
	case errors.Is(err, store.ErrGone):
		// Used, expired or locked since it was read: say which.
		cur, rerr := h.Store.Activation(ctx, a.TokenHash)
		if rerr != nil {
			h.failRetryable(w, r, "claim", rerr)
			return
		}
		if e := h.usable(ctx, cur); e != nil {
			writeError(w, e.(*Error))
			return
		}
		writeError(w, errorf(CodeTokenUsed, "this activation link has already been used"))
	case errors.Is(err, store.ErrNotFound):
		writeError(w, errorf(CodeTokenUnknown, "unknown activation link"))
	case errors.Is(err, directory.ErrAfterWrite):
		// Not "the password was not set": the directory may hold it, and
		// the same password sent again through the link finishes the
		// activation (claimAndWrite's PreviousPending).
		h.Logger.WarnContext(ctx, "activation: the directory did not answer the password write: it may have been set", "id", RequestID(ctx), "policy", p.ID, "err", err)
		w.Header().Set("Retry-After", "10")
		writeError(w, errorf(CodeDirectoryUnconfirmed, "the directory did not answer the password write, so the password may have been set; try logging in with it, or send the same password again, which finishes the activation once the directory holds it; your link still works"))
	case errors.Is(err, directory.ErrUnavailable):
		h.Logger.WarnContext(ctx, "directory unavailable", "id", RequestID(ctx), "policy", p.ID, "err", err)
		w.Header().Set("Retry-After", "10")
		writeError(w, errorf(CodeDirectoryUnavailable, "the directory where your password is set is not answering; your link still works, try again in a few minutes"))
	case errors.Is(err, directory.ErrAccount), errors.Is(err, directory.ErrOperator):
		h.Logger.ErrorContext(ctx, "directory: operator error", "id", RequestID(ctx), "policy", p.ID, "err", err)
		writeError(w, errorf(CodeDirectoryError, "the password could not be set because of a configuration problem at your institution; your link still works; contact the service desk"))
	case errors.Is(err, directory.ErrDisabled):
		// OpenLDAP's administrative lock, which the write would have ended.
		h.Logger.InfoContext(ctx, "the account is disabled in the directory: nothing set", "id", RequestID(ctx), "policy", p.ID)
		writeError(w, errorf(CodeAccountDisabled, "the account is disabled; nothing was changed; contact the service desk"))
	default:
		h.failRetryable(w, r, "claim", err)
	}
}

// failRetryable answers an *Error as is, anything else as internal does (a
// deadline or an unreachable store a retryable 503).
func (h *handler) failRetryable(w http.ResponseWriter, r *http.Request, what string, err error) {
	var e *Error
	if errors.As(err, &e) {
		writeError(w, e)
		return
	}
	h.internal(w, r, what, err)
}
