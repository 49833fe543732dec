package server

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"math/big"
	"net/http"
	"strings"

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
	}{errorJSON{ce.e.Code, ce.e.Message, ce.e.Fields}, ce.left})
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
