package server

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"strings"
	"time"

	"github.com/styrke-iam/styrke/server/notify"
	"github.com/styrke-iam/styrke/server/store"
)

// A link may need a one-time code sent apart from it (IssueRequest.Code):
// the link by e-mail (or handed over), the code by SMS, as Sikt's Account
// Claim does for people without an identity number. Whoever finds the link
// in a mailbox, a forwarded message or a browser's history cannot use it,
// nor learn the name, number or date of birth it is for, without the
// phone. A wrong code counts against the link like a refused password
// (MaxFailures in all), and the per-link rate limit holds parallel
// guesses to its burst: ten guesses at 10^8 codes.

// CodeDigits is the length of a link's one-time code.
const CodeDigits = 8

// Error codes of a link's one-time code.
const (
	// CodeCodeRequired: the link needs its one-time code (the request had
	// none).
	CodeCodeRequired Code = "code_required"
	// CodeCodeWrong: the code does not belong to the link; the answer
	// says how many attempts the link has left.
	CodeCodeWrong Code = "invalid_code"
)

func init() {
	statuses[CodeCodeRequired] = http.StatusUnauthorized
	statuses[CodeCodeWrong] = http.StatusUnauthorized
}

// NewCode returns a random code of CodeDigits decimal digits.
func NewCode() string {
	n, err := rand.Int(rand.Reader, big.NewInt(100_000_000))
	if err != nil {
		panic("server: crypto/rand: " + err.Error())
	}
	return fmt.Sprintf("%0*d", CodeDigits, n)
}

// HashCode is what the store keeps of a link's code: SHA-256 over the token
// and the code, so that the store alone (which holds only the token's own
// hash) cannot try the 10^8 codes.
func HashCode(token, code string) []byte {
	h := sha256.New()
	h.Write([]byte("styrke activation code\x00"))
	h.Write([]byte(token))
	h.Write([]byte{0})
	h.Write([]byte(code))
	return h.Sum(nil)
}

// normalizeCode drops the spaces and hyphens a person may type or paste
// ("1234 5678") and reports whether the rest is CodeDigits ASCII digits.
func normalizeCode(s string) (string, bool) {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == ' ' || r == '-' || r == '\u00a0' || r == '\t':
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			return "", false
		}
	}
	return b.String(), b.Len() == CodeDigits
}

// codeError is a wrong code's answer: the API's error with the attempts
// the link has left.
type codeError struct {
	e    *Error
	left int
}

func (c *codeError) Error() string { return c.e.Error() }
func (c *codeError) Unwrap() error { return c.e }

// checkCode checks the one-time code typed for a's link (token is the
// link's own, which the code's hash is keyed with). A link without a code
// needs none. No code: CodeCodeRequired. A code that is not CodeDigits
// digits: CodeInvalid, not counted. A wrong one counts a failure against
// the link and answers *codeError (CodeCodeWrong), or CodeTokenLocked
// once the link has none left.
func (h *handler) checkCode(ctx context.Context, r *http.Request, a store.Activation, token, typed string) error {
	if len(a.CodeHash) == 0 {
		return nil
	}
	if strings.TrimSpace(typed) == "" {
		return errorf(CodeCodeRequired, "this link needs the one-time code that was sent by SMS", "code")
	}
	code, ok := normalizeCode(typed)
	if !ok {
		return errorf(CodeInvalid, fmt.Sprintf("code must be %d digits", CodeDigits), "code")
	}
	if subtle.ConstantTimeCompare(HashCode(token, code), a.CodeHash) == 1 {
		// a is what this request read before comparing; wrong codes sent
		// at the same moment may have been counted to the limit since
		// (each compared against its own snapshot). Read again: past the
		// limit the right code is refused as a wrong one is, so no more
		// than MaxFailures codes ever tell anything.
		now, err := h.Store.Activation(ctx, a.TokenHash)
		if err != nil {
			return err
		}
		if now.Failures >= MaxFailures {
			return errorf(CodeTokenLocked, "this activation link is locked after too many attempts")
		}
		return nil
	}
	n, err := h.Store.RecordFailure(ctx, a.TokenHash)
	if err != nil {
		return err
	}
	h.Logger.InfoContext(ctx, "wrong activation code", "id", RequestID(ctx), "failures", n)
	h.refused(r, a, "wrong code")
	if n >= MaxFailures {
		return errorf(CodeTokenLocked, "this activation link is locked after too many attempts")
	}
	return &codeError{errorf(CodeCodeWrong, "the code is not the one sent for this link", "code"), MaxFailures - n}
}

// writeCodeError answers err; a *codeError with its attemptsLeft.
func (h *handler) writeCodeError(w http.ResponseWriter, r *http.Request, what string, err error) {
	ce, ok := err.(*codeError)
	if !ok {
		h.fail(w, r, what, err)
		return
	}
	writeJSON(w, ce.e.Status(), struct {
		Error        errorJSON `json:"error"`
		AttemptsLeft int       `json:"attemptsLeft"`
	}{errorJSON{Code: ce.e.Code, Message: ce.e.Message, Fields: ce.e.Fields}, ce.left})
}

// phoneEnding is the last two digits of an E.164 number ("" for none):
// all a link's page learns of the number its code went to.
func phoneEnding(phone string) string {
	if len(phone) <= 2 {
		return ""
	}
	return phone[len(phone)-2:]
}

// allowToken takes one of the link's requests from its rate limit (none
// configured: always), and answers 429 when it has none left.
func (h *handler) allowToken(w http.ResponseWriter, token string) bool {
	if h.tokens == nil || token == "" {
		return true
	}
	if wait, ok := h.tokens.allow(string(HashToken(token))); !ok {
		tooMany(w, wait)
		return false
	}
	return true
}

// A person who got no SMS, or lost it, may ask for the code again from the
// link's page: a new code (the old one stops working), at most
// MaxCodeResends times a link, CodeResendGap apart, to the number on file
// only (never one typed on the page), and within the institution's SMS cap.
const (
	MaxCodeResends = 3
	CodeResendGap  = time.Minute
)

// CodeCodeLimit: the link's code may not be sent again (MaxCodeResends).
const CodeCodeLimit Code = "code_limit"

func init() { statuses[CodeCodeLimit] = http.StatusConflict }

type resendCodeRequest struct {
	Token string `json:"token"`
}

// resendCodeResponse: where the new code went, and how many more may be
// asked for.
type resendCodeResponse struct {
	PhoneEnding string `json:"phoneEnding,omitempty"`
	SendsLeft   int    `json:"sendsLeft"`
}

// resendCode is POST /api/activation/code: send the link's one-time code
// again, as a new code.
func (h *handler) resendCode() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		var req resendCodeRequest
		if err := decode(w, r, &req); err != nil {
			writeError(w, err)
			return
		}
		if !h.allowToken(w, req.Token) {
			return
		}
		a, err := h.activation(ctx, req.Token)
		if err != nil {
			h.fail(w, r, "resend code", err)
			return
		}
		if len(a.CodeHash) == 0 {
			writeError(w, errorf(CodeInvalid, "this link needs no code", "token"))
			return
		}
		recs, err := h.Store.Activations(ctx, store.ActivationFilter{TokenHash: a.TokenHash, Limit: 1})
		if err != nil {
			h.fail(w, r, "resend code", err)
			return
		}
		if len(recs) == 0 || recs[0].Phone == "" {
			writeError(w, errorf(CodeConflict, "no phone number is on file for this link; ask the service desk for a new link"))
			return
		}
		contact := recs[0].Contact
		code := NewCode()
		n, err := h.Store.ReplaceCode(ctx, a.TokenHash, HashCode(req.Token, code), h.Now(), CodeResendGap, MaxCodeResends, MaxFailures)
		var soon *store.TooSoonError
		switch {
		case errors.As(err, &soon):
			writeError(w, &Error{Code: CodeRateLimited, Message: "wait before asking for another code", Limit: LimitCode, RetryAfter: soon.Wait})
			return
		case errors.Is(err, store.ErrLimit):
			writeError(w, errorf(CodeCodeLimit, "no more codes can be sent for this link; ask the service desk for a new link"))
			return
		case errors.Is(err, store.ErrGone):
			cur, rerr := h.activation(ctx, req.Token)
			if rerr == nil && len(cur.CodeHash) > 0 {
				rerr = errorf(CodeInProgress, "try again in a moment")
			}
			h.fail(w, r, "resend code", rerr)
			return
		case err != nil:
			h.fail(w, r, "resend code", err)
			return
		}
		d := h.desk
		prof := d.Templates.Profile(a.Institution)
		data := notify.Data{Name: a.Name, Username: a.Username, Institution: prof.Name, ServiceDesk: prof.ServiceDesk,
			Expires: d.Templates.FormatTime(a.ExpiresAt, contact.Lang)}
		ev := store.AuditEvent{Actor: "user:" + a.Username, Username: a.Username, Institution: a.Institution,
			RemoteAddr: h.clientAddr(r), RequestID: RequestID(ctx), Detail: "id " + ID(a.TokenHash)}
		if !d.sendCode(ctx, ev, a.Institution, contact.Phone, contact.Lang, data, code).OK {
			writeError(w, errorf(CodeUnavailable, "the SMS could not be sent; try again in a minute"))
			return
		}
		// The person has the link (on its page) and now its code: a link
		// whose first code did not go is delivered (an import's re-run
		// revoked it and sent another).
		if recs[0].DeliveredAt == nil {
			if err := h.Store.MarkDelivered(ctx, a.TokenHash, h.Now(), false); err != nil {
				h.Logger.ErrorContext(ctx, "mark delivered", "id", RequestID(ctx), "err", err)
			}
		}
		writeJSON(w, http.StatusOK, resendCodeResponse{PhoneEnding: phoneEnding(contact.Phone), SendsLeft: MaxCodeResends - n})
	})
}
