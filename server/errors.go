package server

import (
	"errors"
	"net/http"
	"time"

	"github.com/styrke-iam/styrke/server/passhash"
)

// Code classifies an API error; the one table below maps it to a status.
type Code string

// Error codes of the API, as they appear in {"error": {"code": ...}}.
const (
	CodeNotFound         Code = "not_found"
	CodeMethodNotAllowed Code = "method_not_allowed"
	CodeUnsupportedMedia Code = "unsupported_media_type"
	CodeTooLarge         Code = "body_too_large"
	CodeMalformed        Code = "malformed_json"
	CodeUnknownField     Code = "unknown_field"
	CodeDuplicateField   Code = "duplicate_field"
	CodeInvalid          Code = "invalid"
	CodeInvalidUTF8      Code = "invalid_utf8"
	CodeUnauthorized     Code = "unauthorized"
	CodeTokenUnknown     Code = "token_unknown"
	CodeTokenUsed        Code = "token_used"
	CodeTokenExpired     Code = "token_expired"
	// CodeTokenReplaced: the service desk replaced the link by a newer
	// one (a resend, an import's re-run); the person is to use the
	// newest message.
	CodeTokenReplaced Code = "token_replaced"
	// CodeTokenRevoked: the service desk withdrew the link (or the
	// account's password was set otherwise, which ends its open links).
	CodeTokenRevoked Code = "token_revoked"
	CodeTokenLocked  Code = "token_locked"
	// CodeTokenInstitution: the link's institution is no longer one this
	// build has a policy for (its policy file was removed or renamed).
	CodeTokenInstitution  Code = "token_institution_unknown"
	CodeRateLimited       Code = "rate_limited"
	CodeBreachUnavailable Code = "breach_unavailable"
	CodeOriginForbidden   Code = "origin_forbidden"
	CodeInternal          Code = "internal"
	CodeUnavailable       Code = "unavailable"
	// CodeInProgress: another request holds the link (or the reset
	// session) right now (retry).
	CodeInProgress Code = "in_progress"
	// CodeDirectoryUnavailable: the directory did not answer (retry; the
	// link still works).
	CodeDirectoryUnavailable Code = "directory_unavailable"
	// CodeDirectoryUnconfirmed: the password write of a reset, an
	// activation or a change went out to the directory and its answer did
	// not come: it may be set (retry with the same password, which
	// finishes once the directory holds it).
	CodeDirectoryUnconfirmed Code = "directory_unconfirmed"
	// CodeDirectoryError: the directory configuration or the service
	// account is wrong (the service desk must act; the link still works).
	CodeDirectoryError Code = "directory_error"
	// CodeAccountMissing: the directory has no account (or several) for
	// the username a reset's sign-in maps to (the service desk must act;
	// the session holds, for the sign-in's other accounts).
	CodeAccountMissing Code = "account_missing"
	// CodeCommitFailed: the directory took the password but the store could
	// not record it.
	CodeCommitFailed Code = "commit_failed"
	CodeOverloaded   Code = "overloaded"

	// Reset and change.
	CodeSessionMissing Code = "session_missing"
	CodeSessionUsed    Code = "session_used"
	CodeSessionExpired Code = "session_expired"
	// CodeSessionChanged: the reset session is another account's than the
	// page shows (a second sign-in in another tab).
	CodeSessionChanged Code = "session_changed"
	CodeCredentials    Code = "invalid_credentials"
	// CodeAccountDisabled: the directory has disabled the account, or it
	// has expired; the service desk must act.
	CodeAccountDisabled Code = "account_disabled"
	// CodeWrongInstitution: the change names another institution than the
	// account's own (Error.Institution), whose policy judges its password.
	CodeWrongInstitution Code = "wrong_institution"
)

// statuses is the one table from error code to HTTP status.
var statuses = map[Code]int{
	CodeNotFound:             http.StatusNotFound,
	CodeMethodNotAllowed:     http.StatusMethodNotAllowed,
	CodeUnsupportedMedia:     http.StatusUnsupportedMediaType,
	CodeTooLarge:             http.StatusRequestEntityTooLarge,
	CodeMalformed:            http.StatusBadRequest,
	CodeUnknownField:         http.StatusBadRequest,
	CodeDuplicateField:       http.StatusBadRequest,
	CodeInvalid:              http.StatusBadRequest,
	CodeInvalidUTF8:          http.StatusBadRequest,
	CodeUnauthorized:         http.StatusUnauthorized,
	CodeTokenUnknown:         http.StatusNotFound,
	CodeTokenUsed:            http.StatusGone,
	CodeTokenExpired:         http.StatusGone,
	CodeTokenReplaced:        http.StatusGone,
	CodeTokenRevoked:         http.StatusGone,
	CodeTokenLocked:          http.StatusGone,
	CodeTokenInstitution:     http.StatusGone,
	CodeRateLimited:          http.StatusTooManyRequests,
	CodeBreachUnavailable:    http.StatusServiceUnavailable,
	CodeOriginForbidden:      http.StatusForbidden,
	CodeInternal:             http.StatusInternalServerError,
	CodeUnavailable:          http.StatusServiceUnavailable,
	CodeInProgress:           http.StatusConflict,
	CodeDirectoryUnavailable: http.StatusServiceUnavailable,
	CodeDirectoryUnconfirmed: http.StatusServiceUnavailable,
	CodeDirectoryError:       http.StatusServiceUnavailable,
	CodeAccountMissing:       http.StatusServiceUnavailable,
	CodeCommitFailed:         http.StatusServiceUnavailable,
	CodeOverloaded:           http.StatusServiceUnavailable,

	CodeSessionMissing:   http.StatusUnauthorized,
	CodeSessionUsed:      http.StatusGone,
	CodeSessionExpired:   http.StatusGone,
	CodeSessionChanged:   http.StatusConflict,
	CodeCredentials:      http.StatusUnauthorized,
	CodeAccountDisabled:  http.StatusForbidden,
	CodeWrongInstitution: http.StatusConflict,
}

// Error is the one error type of the API. Its Message is safe to show to
// anyone: it never contains a password, a token or a hash.
type Error struct {
	Code    Code
	Message string
	Fields  []string // the request fields at fault, if any
	// Institution is the account's own institution, for
	// CodeWrongInstitution.
	Institution string
	// ServiceDesk is the contact of the link's institution's service
	// desk, for a link gone (its page says to ask it for a new one).
	ServiceDesk string
	// Limit names the limit a CodeRateLimited answer met (one of the
	// Limit... constants), so that a page can say which: a person told
	// "too many wrong attempts, wait a quarter of an hour" for their
	// network's request rate (seconds) waited for nothing.
	Limit string
	// RetryAfter, when positive, is sent as the Retry-After header (whole
	// seconds, rounded up, at least 1).
	RetryAfter time.Duration
}

// The limits a CodeRateLimited answer names in its "limit".
const (
	// LimitRequests: the client's requests (its address: everyone behind
	// one NAT address shares it) or a link's or reset session's, a few
	// a second; Retry-After is seconds.
	LimitRequests = "requests"
	// LimitAccount: too many wrong current passwords for the account at
	// the change (ChangeWindow).
	LimitAccount = "account"
	// LimitAddress: too many wrong current passwords from the client's
	// address at the change, whichever accounts (ChangeWindow).
	LimitAddress = "address"
	// LimitCode: a link's one-time code asked for again too soon
	// (CodeResendGap).
	LimitCode = "code"
	// LimitLookups: the client's breach lookups (Deps.BreachRateLimit).
	LimitLookups = "lookups"
)

func (e *Error) Error() string { return string(e.Code) + ": " + e.Message }

// Status returns the HTTP status of e's code (500 for an unknown code).
func (e *Error) Status() int {
	if s, ok := statuses[e.Code]; ok {
		return s
	}
	return http.StatusInternalServerError
}

func errorf(code Code, msg string, fields ...string) *Error {
	return &Error{Code: code, Message: msg, Fields: fields}
}

// asError turns any error into an *Error, hiding internal ones. A
// *passhash.BusyError (the password hashing queue is full or its wait
// ran out) is CodeOverloaded, 503 with Retry-After: nothing was changed, the
// person may simply try again.
func asError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	var busy *passhash.BusyError
	if errors.As(err, &busy) {
		return &Error{Code: CodeOverloaded, Message: "the server is busy; try again shortly", RetryAfter: busy.RetryAfter}
	}
	return errorf(CodeInternal, "internal error")
}
