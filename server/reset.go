package server

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/styrke-iam/styrke/policy"
	"github.com/styrke-iam/styrke/server/directory"
	"github.com/styrke-iam/styrke/server/identity"
	"github.com/styrke-iam/styrke/server/notify"
	"github.com/styrke-iam/styrke/server/oidc"
	"github.com/styrke-iam/styrke/server/store"
)

// The reset with ID-porten:
//
//	GET  /auth/idporten/start?institution=ID&lang=nb|nn|en
//	     -> 303 to the provider (state, nonce, PKCE verifier kept in the
//	        store under the state's hash; the state also in a __Host- cookie
//	        that binds the sign-in to this browser)
//	GET  /auth/idporten/callback?code&state&iss
//	     -> 303 to the reset page: #/pw with a __Host- reset-session cookie,
//	        or #/error/CODE (nothing set, nothing revealed)
//	GET  /api/reset/config     is ID-porten on here, and the service desk
//	POST /api/reset/session    {} or {"username","institution"}: who the
//	                           session is for (username, policy), or the
//	                           accounts to choose among when it found several;
//	                           503 directory_unavailable when the account's
//	                           directory does not answer (the session holds)
//	POST /api/reset/complete   {"password","username","institution"}:
//	                           policy, breach, history, then the directory,
//	                           once
//	POST /api/reset/extend     more time: another lifetime from now, up to
//	                           twelve after the sign-in
//	POST /api/reset/end        sign out: the session ends
//
// The identity number is never stored, logged or sent anywhere: it is
// hashed (HMAC-SHA-256 under the server's key) and looked up.

// Cookie names. __Host- makes the browser insist on Secure, Path=/ and no
// Domain.
const (
	resetCookie = "__Host-styrke-reset"
	// langCookie holds the reset page's language (nb, nn or en, nothing
	// else) as long as a reset may last: the callback's answers that know
	// no sign-in (one that took too long, a callback opened again) are
	// given in it.
	langCookie = "__Host-styrke-lang"
	// loginCookie begins the name of a sign-in's cookie; the rest is
	// loginCookieName's, from its state, so that sign-ins started in two
	// tabs each keep theirs.
	loginCookie = "__Host-styrke-login-"
	// maxLogins is how many sign-ins one browser may have under way: a
	// start beyond it ends the others' cookies.
	maxLogins = 4
	// maxAccounts is how many accounts one person may choose among after a
	// sign-in (one reset session each, their tokens in one cookie).
	maxAccounts = 8
	// maxInstitutionLen is the longest institution id (a policy's id).
	maxInstitutionLen = 64
)

// loginCookieName is the name of the cookie of the sign-in with state.
func loginCookieName(state string) string {
	return loginCookie + hex.EncodeToString(sha(state)[:8])
}

// loginCookies are the request's sign-in cookies.
func loginCookies(r *http.Request) []*http.Cookie {
	var out []*http.Cookie
	for _, c := range r.Cookies() {
		if strings.HasPrefix(c.Name, loginCookie) {
			out = append(out, c)
		}
	}
	return out
}

// Defaults of the reset.
const (
	// DefaultResetTTL is the lifetime of a reset session.
	DefaultResetTTL = 10 * time.Minute
	// LoginTTL is how long a started sign-in may take at the provider.
	LoginTTL = 10 * time.Minute
	// resetLease is how long one submit holds a reset session while the
	// directory answers.
	resetLease = 30 * time.Second
	// DefaultCallbackPath is the callback's path when the redirect URL is
	// not known.
	DefaultCallbackPath = "/auth/idporten/callback"
)

// Error codes of the reset pages (the URL fragment #/error/CODE).
const (
	resetOff         = "off"         // ID-porten is not configured here
	resetUnavailable = "unavailable" // the provider did not answer
	resetCancelled   = "cancelled"   // the person cancelled at ID-porten
	resetFailed      = "failed"      // state, iss, code, token or nonce wrong
	resetExpired     = "expired"     // the sign-in took too long
	resetLevel       = "level"       // acr lower than required
	resetLevelHigh   = "levelhigh"   // acr lower than the idporten-loa-high the institution requires
	resetNoMatch     = "nomatch"     // no account, or several, for this person
	resetNoNumber    = "nonumber"    // a foreign eID without a Norwegian number
	resetStore       = "store"       // our store failed (not ID-porten's)
)

// ResetPaths are the reset page's paths by language (site.Path(site.Reset,
// lang) in package site; a test holds them equal).
var ResetPaths = map[string]string{"nb": "/glemt/", "nn": "/nn/gloymt/", "en": "/en/forgot/"}

// ChangePaths are the change page's paths by language.
var ChangePaths = map[string]string{"nb": "/endre/", "nn": "/nn/endre/", "en": "/en/change/"}

func pageLang(s string) string {
	if _, ok := ResetPaths[s]; ok {
		return s
	}
	return "nb"
}

func randomToken() string {
	var b [32]byte
	rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

func sha(s string) []byte {
	h := sha256.Sum256([]byte(s))
	return h[:]
}

func (h *handler) resetTTL() time.Duration {
	if h.ResetTTL > 0 {
		return h.ResetTTL
	}
	return DefaultResetTTL
}

func (h *handler) idportenOn() bool { return h.IDPorten != nil && h.Identities != nil }

func setCookie(w http.ResponseWriter, name, value string, maxAge time.Duration) {
	c := &http.Cookie{Name: name, Value: value, Path: "/", HttpOnly: true, Secure: true, SameSite: http.SameSiteLaxMode}
	if maxAge > 0 {
		c.MaxAge = int(maxAge.Seconds())
	} else {
		c.MaxAge = -1
	}
	http.SetCookie(w, c)
}

// resetRedirect sends the browser to the reset page in lang with fragment.
func resetRedirect(w http.ResponseWriter, r *http.Request, lang, fragment string) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	http.Redirect(w, r, ResetPaths[pageLang(lang)]+"#/"+fragment, http.StatusSeeOther)
}

func (h *handler) resetError(w http.ResponseWriter, r *http.Request, lang, code string, err error) {
	if errors.Is(err, oidc.ErrConfig) {
		h.Metrics.Signin("config")
	} else {
		h.Metrics.Signin(code)
	}
	h.resetRefused(w, r, lang, code, err)
}

// resetStoreFailed answers a sign-in whose store call failed (a database
// that does not answer in time, or refuses): the service's own failure,
// counted and said as such, not as ID-porten's ("unavailable", whose
// alert it set off, and whose page said ID-porten did not answer).
func (h *handler) resetStoreFailed(w http.ResponseWriter, r *http.Request, lang string, err error) {
	h.Metrics.Signin(resetStore)
	h.Logger.ErrorContext(r.Context(), "reset sign-in: the store failed", "id", RequestID(r.Context()), "err", err)
	resetRedirect(w, r, lang, "error/"+resetStore)
}

// resetRefused is resetError without counting a sign-in (the logout's).
func (h *handler) resetRefused(w http.ResponseWriter, r *http.Request, lang, code string, err error) {
	switch {
	case errors.Is(err, oidc.ErrConfig):
		// Every sign-in fails the same way until the operator fixes the
		// registration or the key: an error, with what the provider said.
		h.Logger.ErrorContext(r.Context(), "reset sign-in refused: the ID-porten client's configuration", "id", RequestID(r.Context()), "reason", code, "err", err)
	case err != nil:
		h.Logger.WarnContext(r.Context(), "reset sign-in refused", "id", RequestID(r.Context()), "reason", code, "err", err)
	default:
		h.Logger.InfoContext(r.Context(), "reset sign-in refused", "id", RequestID(r.Context()), "reason", code)
	}
	resetRedirect(w, r, lang, "error/"+code)
}

func (h *handler) idportenStart() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		lang := pageLang(q.Get("lang"))
		inst := q.Get("institution")
		if inst != "" {
			if _, err := policy.Lookup(inst); err != nil || !h.Serves(inst) {
				h.resetError(w, r, lang, resetFailed, errors.New("unknown institution, or one not served here"))
				return
			}
		}
		if !h.idportenOn() {
			h.resetError(w, r, lang, resetOff, nil)
			return
		}
		if h.clients != nil {
			if wait, ok := h.clients.allow(h.clientAddr(r)); !ok {
				tooMany(w, wait)
				return
			}
		}
		u, p, err := h.IDPorten.Begin(r.Context(), oidc.AuthRequest{Locale: lang, ACR: h.IDPortenACR[inst]})
		if err != nil {
			h.resetError(w, r, lang, resetUnavailable, err)
			return
		}
		now := h.Now()
		err = h.Store.CreateLogin(r.Context(), store.Login{
			StateHash: sha(p.State), Nonce: p.Nonce, Verifier: p.Verifier, ACR: p.ACR,
			Institution: inst, Lang: lang, ExpiresAt: now.Add(LoginTTL),
		}, now)
		if err != nil {
			h.resetStoreFailed(w, r, lang, err)
			return
		}
		// The cookie binds the sign-in to this browser, and carries the
		// page's language for errors before the state is known. Each
		// sign-in has its own (a second tab's start replaced the first's,
		// and both failed); a browser with too many under way starts over.
		if old := loginCookies(r); len(old) >= maxLogins {
			for _, c := range old {
				setCookie(w, c.Name, "", 0)
			}
		}
		setCookie(w, loginCookieName(p.State), lang+"."+p.State, LoginTTL)
		setCookie(w, langCookie, lang, h.resetMaxLife())
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Referrer-Policy", "no-referrer")
		http.Redirect(w, r, u, http.StatusSeeOther)
	})
}

func (h *handler) idportenCallback() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		q := r.URL.Query()
		state := q.Get("state")
		var bound, cookieLang string
		if c, err := r.Cookie(loginCookieName(state)); err == nil && state != "" {
			cookieLang, bound, _ = strings.Cut(c.Value, ".")
			setCookie(w, c.Name, "", 0) // used once, whatever happens
		} else if cs := loginCookies(r); len(cs) > 0 {
			// No sign-in of this state here: the language of another.
			cookieLang, _, _ = strings.Cut(cs[0].Value, ".")
		}
		if c, err := r.Cookie(langCookie); err == nil && cookieLang == "" {
			// No sign-in's cookie (it ran out with a sign-in that took
			// too long, or went at its first use): the language chosen.
			cookieLang = c.Value
		}
		cookieLang = pageLang(cookieLang)
		if !h.idportenOn() {
			h.resetError(w, r, cookieLang, resetOff, nil)
			return
		}
		if state == "" || len(state) > 512 {
			h.resetError(w, r, cookieLang, resetFailed, oidc.ErrState)
			return
		}
		l, err := h.Store.TakeLogin(ctx, sha(state), h.Now())
		switch {
		case errors.Is(err, store.ErrNotFound) && bound == "" && resetTokens(r) != nil:
			// A callback opened again (a reload, Back, a second tab, a
			// phone's app switching back) in a browser with a reset
			// session: that session's page, which says whether it still
			// holds, not "the answer did not add up". Not a sign-in.
			h.Logger.InfoContext(ctx, "reset callback without its sign-in, in a browser with a reset session: to its page", "id", RequestID(ctx))
			resetRedirect(w, r, cookieLang, "pw")
			return
		case errors.Is(err, store.ErrNotFound):
			h.resetError(w, r, cookieLang, resetFailed, oidc.ErrState)
			return
		case errors.Is(err, store.ErrGone):
			h.resetError(w, r, cookieLang, resetExpired, nil)
			return
		case err != nil:
			h.resetStoreFailed(w, r, cookieLang, err)
			return
		}
		// The sign-in must come back to the browser that started it (no
		// login CSRF: someone else's callback URL opens nothing here).
		if subtle.ConstantTimeCompare([]byte(bound), []byte(state)) != 1 {
			h.resetError(w, r, l.Lang, resetFailed, errors.New("sign-in cookie missing or for another sign-in"))
			return
		}
		id, err := h.IDPorten.Finish(ctx, q, oidc.Pending{State: state, Nonce: l.Nonce, Verifier: l.Verifier, ACR: l.ACR})
		switch {
		case errors.Is(err, oidc.ErrCanceled):
			h.resetError(w, r, l.Lang, resetCancelled, nil)
			return
		case errors.Is(err, oidc.ErrACR):
			h.resetError(w, r, l.Lang, levelError(l.ACR), err)
			return
		case errors.Is(err, oidc.ErrUnavailable):
			h.resetError(w, r, l.Lang, resetUnavailable, err)
			return
		case err != nil:
			h.resetError(w, r, l.Lang, resetFailed, err)
			return
		}
		if id.PID == "" {
			h.resetError(w, r, l.Lang, resetNoNumber, nil)
			return
		}
		if _, err := identity.Check(id.PID, h.AllowTestNumbers); err != nil {
			h.resetError(w, r, l.Lang, resetNoMatch, err)
			return
		}
		accounts, err := h.Store.AccountsByIdentity(ctx, h.Identities.Hash(id.PID))
		if err != nil {
			h.resetStoreFailed(w, r, l.Lang, err)
			return
		}
		var match []store.AccountIdentity
		for _, a := range accounts {
			// (Accounts of an institution not served here, imported before
			// --institutions was set, are not offered.)
			if (l.Institution == "" || a.Institution == l.Institution) && h.Serves(a.Institution) {
				match = append(match, a)
			}
		}
		if len(match) == 0 || len(match) > maxAccounts {
			h.Logger.InfoContext(ctx, "reset sign-in matches no account, or too many", "id", RequestID(ctx), "accounts", len(match))
			h.Metrics.Signin(resetNoMatch)
			resetRedirect(w, r, l.Lang, "error/"+resetNoMatch)
			return
		}
		// The level each account's institution asks for, now that the
		// accounts are known: a sign-in started without an institution (or
		// for another) asked only for the default, and an institution that
		// requires high was reset at substantial. Of several accounts, those
		// the sign-in reaches are offered.
		var reached []store.AccountIdentity
		var want string
		for _, a := range match {
			if w := h.IDPortenACR[a.Institution]; w != "" && !oidc.Satisfies(id.ACR, w) {
				want = w
				h.Logger.InfoContext(ctx, "reset sign-in below an account's institution's level", "id", RequestID(ctx), "institution", a.Institution, "acr", id.ACR, "want", w)
				continue
			}
			reached = append(reached, a)
		}
		if len(reached) == 0 {
			h.Metrics.Signin(levelError(want))
			resetRedirect(w, r, l.Lang, "error/"+levelError(want))
			return
		}
		// The page says that other accounts need a higher level (the same
		// person's: nothing is told anyone else).
		landing := "pw"
		if len(reached) < len(match) {
			landing = "pw/high"
		}
		now := h.Now()
		// The date of birth, so that the new password may not hold it; the
		// number itself is not kept.
		born, _ := identity.BirthDate(id.PID, h.AllowTestNumbers)
		// One session for each account, all in one cookie: a person with
		// accounts at two institutions (or two at one) chooses on the page.
		tokens := make([]string, 0, len(reached))
		for _, a := range reached {
			// The account as Styrke keeps it, whatever the case of the
			// ASCII letters the identities' file gave (the directories
			// match both): "OLA" is ola's one history and ola's links.
			if a.Username, err = keptName(ctx, h.Store, h.sameAccounts(a.Institution), a.Username); err != nil {
				h.resetStoreFailed(w, r, l.Lang, err)
				return
			}
			token := randomToken()
			if err := h.Store.CreateResetSession(ctx, store.ResetSession{
				IDHash: sha(token), Username: a.Username, Name: a.Name, Institution: a.Institution, BirthDate: born,
				CreatedAt: now, ExpiresAt: now.Add(h.resetTTL()),
			}); err != nil {
				h.resetStoreFailed(w, r, l.Lang, err)
				return
			}
			tokens = append(tokens, token)
			h.Logger.InfoContext(ctx, "reset session started", "id", RequestID(ctx), "institution", a.Institution, "acr", id.ACR)
		}
		token := strings.Join(tokens, ".")
		setCookie(w, resetCookie, token, h.resetTTL())
		setCookie(w, langCookie, l.Lang, h.resetMaxLife())
		h.Metrics.Signin("ok")
		resetRedirect(w, r, l.Lang, landing)
	})
}

// levelError is the error code of a sign-in below want: the page says which
// eIDs reach high when high was asked for (the one text named MinID, which
// does not).
func levelError(want string) string {
	if want == oidc.LevelHigh {
		return resetLevelHigh
	}
	return resetLevel
}

type resetConfig struct {
	IDPorten     bool     `json:"idporten"`
	ServiceDesk  string   `json:"serviceDesk"`
	Institutions []string `json:"institutions"`
	// Served are the institutions this installation serves
	// (--institutions), empty for every one: the change page offers
	// these only.
	Served []string `json:"served"`
	// ServiceDesks are the service desks of the institutions whose
	// profile names one of its own (--templates' institutions.json), by
	// institution; the others' is ServiceDesk. The change page and the
	// reset's form name the account's institution's desk where their
	// words say to contact it (they named none).
	ServiceDesks map[string]string `json:"serviceDesks"`
}

func (h *handler) resetConfig() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		insts := []string{}
		if len(h.Institutions) > 0 {
			// The institutions served here: the pages offer these only
			// (and with one, no choice).
			insts = slices.Sorted(slices.Values(h.Institutions))
		} else if h.Directories != nil && len(h.Directories.ByInstitution) > 1 {
			for id := range h.Directories.ByInstitution {
				insts = append(insts, id)
			}
			slices.Sort(insts)
		}
		served := slices.Sorted(slices.Values(h.Institutions))
		if served == nil {
			served = []string{}
		}
		desks := map[string]string{}
		for _, id := range policy.Institutions() {
			if len(h.Institutions) > 0 && !slices.Contains(h.Institutions, id) {
				continue
			}
			if d := h.serviceDesk(id); d != h.ServiceDesk {
				desks[id] = d
			}
		}
		writeJSON(w, http.StatusOK, resetConfig{IDPorten: h.idportenOn(), ServiceDesk: h.ServiceDesk, Institutions: insts, Served: served, ServiceDesks: desks})
	})
}

// resetTokens are the reset cookie's session tokens (one per account the
// sign-in found), or nil.
func resetTokens(r *http.Request) []string {
	c, err := r.Cookie(resetCookie)
	if err != nil || c.Value == "" || len(c.Value) > maxAccounts*44 {
		return nil
	}
	tokens := strings.Split(c.Value, ".")
	if len(tokens) > maxAccounts {
		return nil
	}
	return tokens
}

// sessions returns the cookie's reset sessions (one per account), or why
// they cannot be used. They were made, are ended and are extended
// together: one used or expired is the sign-in's end.
func (h *handler) sessions(r *http.Request) ([]store.ResetSession, error) {
	tokens := resetTokens(r)
	if tokens == nil {
		return nil, errorf(CodeSessionMissing, "no reset session; sign in with ID-porten first")
	}
	out := make([]store.ResetSession, 0, len(tokens))
	for _, t := range tokens {
		s, err := h.Store.ResetSession(r.Context(), sha(t))
		switch {
		case errors.Is(err, store.ErrNotFound):
			return nil, errorf(CodeSessionMissing, "no reset session; sign in with ID-porten first")
		case err != nil:
			return nil, err
		case s.UsedAt != nil:
			return nil, errorf(CodeSessionUsed, "this reset session has ended")
		case !h.Now().Before(s.ExpiresAt):
			return nil, errorf(CodeSessionExpired, "this reset session has expired")
		case len(out) > 0 && !s.CreatedAt.Equal(out[0].CreatedAt):
			// One sign-in's sessions are made together: a cookie that
			// joins two sign-ins' (a leftover or stolen token beside one's
			// own) is none, or it would extend the old past its bound.
			return nil, errorf(CodeSessionMissing, "no reset session; sign in with ID-porten first")
		}
		out = append(out, s)
	}
	return out, nil
}

// pick is the session of the account the page names (username in any
// case, and institution when given), or the only one when it names none.
// An account the sign-in did not find is another tab's sign-in: 409
// session_changed.
func pick(ss []store.ResetSession, username, institution string) (store.ResetSession, error) {
	if username == "" {
		if len(ss) == 1 && institution == "" {
			return ss[0], nil
		}
		return store.ResetSession{}, errorf(CodeInvalid, "this sign-in found several accounts: name the one in username and institution", "username")
	}
	for _, s := range ss {
		if strings.EqualFold(username, s.Username) && (institution == "" || institution == s.Institution) {
			return s, nil
		}
	}
	return store.ResetSession{}, errorf(CodeSessionChanged, "the sign-in was replaced in another tab: this session is for another account; nothing was set")
}

// accountFieldsProblem is the 400 of a request's username or institution
// that no account could have (invalid UTF-8, a control character, too
// long), or nil. Both may be empty.
func accountFieldsProblem(username, institution string) *Error {
	if p := textProblem(username, MaxUsernameLen, false); p != "" {
		return errorf(CodeInvalid, "username "+p, "username")
	}
	if p := textProblem(institution, maxInstitutionLen, false); p != "" {
		return errorf(CodeInvalid, "institution "+p, "institution")
	}
	return nil
}

// resetAccount is one account a sign-in found, for the page's choice.
type resetAccount struct {
	Username        string `json:"username"`
	Name            string `json:"name"`
	Institution     string `json:"institution"`
	InstitutionName string `json:"institutionName"`
}

// resetSessionRequest names the account of the session's to show; empty
// when the sign-in found one, or to learn which it found.
type resetSessionRequest struct {
	Username    string `json:"username"`
	Institution string `json:"institution"`
}

type sessionResponse struct {
	lookupResponse
	ExpiresAt time.Time `json:"expiresAt"`
	// Extendable is false when the session cannot be extended again
	// (the page offered more time it could not give).
	Extendable bool `json:"extendable"`
	// Accounts are every account the sign-in found, when it found
	// several.
	Accounts []resetAccount `json:"accounts,omitempty"`
	// Now is the server's clock when it answered: the page times the
	// session from it, not from the browser's clock, which may be off.
	Now time.Time `json:"now"`
}

// sessionDownResponse is the session's 503 directory_unavailable: the
// error, and until when the sign-in holds, as the session's own answer
// says it, so that the page says until when "Try again" may wait and
// offers more time.
type sessionDownResponse struct {
	Error      errorJSON `json:"error"`
	ExpiresAt  time.Time `json:"expiresAt"`
	Extendable bool      `json:"extendable"`
	Now        time.Time `json:"now"`
}

// sessionRefusedResponse is the session's 503 account_missing or
// directory_error: the directory cannot set this account's password. It
// names the account, and the sign-in's others to choose instead.
type sessionRefusedResponse struct {
	Error           errorJSON      `json:"error"`
	Username        string         `json:"username"`
	Institution     string         `json:"institution"`
	InstitutionName string         `json:"institutionName"`
	Accounts        []resetAccount `json:"accounts,omitempty"`
	ExpiresAt       time.Time      `json:"expiresAt"`
	Extendable      bool           `json:"extendable"`
	Now             time.Time      `json:"now"`
}

// chooseResponse answers a sign-in of several accounts that named none.
type chooseResponse struct {
	Accounts   []resetAccount `json:"accounts"`
	ExpiresAt  time.Time      `json:"expiresAt"`
	Extendable bool           `json:"extendable"`
	Now        time.Time      `json:"now"`
}

// extendable reports whether s may be extended again.
func (h *handler) extendable(s store.ResetSession) bool {
	return s.ExpiresAt.Before(s.CreatedAt.Add(h.resetMaxLife()))
}

func (h *handler) resetSession() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req resetSessionRequest
		if err := decode(w, r, &req); err != nil {
			writeError(w, err)
			return
		}
		if err := accountFieldsProblem(req.Username, req.Institution); err != nil {
			writeError(w, err)
			return
		}
		ss, err := h.sessions(r)
		if err != nil {
			h.fail(w, r, "reset session", err)
			return
		}
		var accounts []resetAccount
		if len(ss) > 1 {
			for _, s := range ss {
				name := s.Institution
				if p, err := policy.Lookup(s.Institution); err == nil {
					name = p.Name
				}
				accounts = append(accounts, resetAccount{Username: s.Username, Name: s.Name, Institution: s.Institution, InstitutionName: name})
			}
			if req.Username == "" {
				writeJSON(w, http.StatusOK, chooseResponse{Accounts: accounts, ExpiresAt: ss[0].ExpiresAt, Extendable: h.extendable(ss[0]), Now: h.Now()})
				return
			}
		}
		s, err := pick(ss, req.Username, req.Institution)
		if err != nil {
			h.fail(w, r, "reset session", err)
			return
		}
		p, err := policy.Lookup(s.Institution)
		if err != nil {
			h.internal(w, r, "policy lookup", err)
			return
		}
		// A directory that does not answer, or that cannot set this
		// account's password, is said now, before the person types a
		// password for nothing; the session holds (for a retry, or the
		// sign-in's other accounts).
		switch err := h.directoryAnswers(r.Context(), s.Institution, s.Username); {
		case err == nil:
		case errors.Is(err, directory.ErrUnavailable):
			w.Header().Set("Retry-After", "10")
			writeJSON(w, http.StatusServiceUnavailable, sessionDownResponse{
				Error:     errorJSON{Code: CodeDirectoryUnavailable, Message: "the directory is unavailable; you are still signed in until expiresAt, and nothing was changed; try again shortly"},
				ExpiresAt: s.ExpiresAt, Extendable: h.extendable(s), Now: h.Now(),
			})
			return
		default:
			e := errorJSON{Code: CodeDirectoryError, Message: "this account's password cannot be set because of a configuration problem at your institution; nothing was changed; contact the service desk"}
			if errors.Is(err, directory.ErrAccount) {
				e = errorJSON{Code: CodeAccountMissing, Message: "the directory where this account's password is set has no such account; nothing was changed; contact the service desk"}
			}
			writeJSON(w, http.StatusServiceUnavailable, sessionRefusedResponse{
				Error: e, Username: s.Username, Institution: s.Institution, InstitutionName: p.Name, Accounts: accounts,
				ExpiresAt: s.ExpiresAt, Extendable: h.extendable(s), Now: h.Now(),
			})
			return
		}
		in := policy.Input{Name: s.Name, BirthDate: s.BirthDate}
		rules := h.personAndRules(r.Context(), s.Institution, s.Username, p, &in)
		writeJSON(w, http.StatusOK, sessionResponse{lookupResponse{
			Username: s.Username, Name: in.Name, Phone: in.Phone, BirthDate: in.BirthDate, Institution: s.Institution,
			Policy: p.Canonical(), PolicyVersion: p.Version(), DirectoryRules: rules,
		}, s.ExpiresAt, h.extendable(s), accounts, h.Now()})
	})
}

// endResets ends the sessions of tokens but keep (sign-out, or one of them
// used): an error is logged, and the sessions run out by themselves.
func (h *handler) endResets(r *http.Request, tokens []string, keep []byte) error {
	for _, t := range tokens {
		if id := sha(t); !bytes.Equal(id, keep) {
			if err := h.Store.EndReset(context.WithoutCancel(r.Context()), id, h.Now()); err != nil {
				return err
			}
		}
	}
	return nil
}

type emptyRequest struct{}

// resetMaxLife is how long after the sign-in a session may be extended
// to: twelve lifetimes, two hours by default (WCAG 2.2.1 asks that a time
// limit may be extended at least ten times).
func (h *handler) resetMaxLife() time.Duration { return 12 * h.resetTTL() }

type extendResponse struct {
	ExpiresAt time.Time `json:"expiresAt"`
	// Extendable is false when the session cannot be extended again.
	Extendable bool      `json:"extendable"`
	Now        time.Time `json:"now"`
}

// resetExtend gives the person another lifetime from now (the page offers
// it a minute before the end), up to resetMaxLife after the sign-in; every
// account's session of the sign-in moves together.
func (h *handler) resetExtend() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		var req emptyRequest
		if err := decode(w, r, &req); err != nil {
			writeError(w, err)
			return
		}
		ss, err := h.sessions(r)
		if err != nil {
			h.fail(w, r, "reset extend", err)
			return
		}
		now := h.Now()
		var until time.Time
		extendable := false
		for _, s := range ss {
			// Each session's own bound (they share one sign-in's).
			limit := s.CreatedAt.Add(h.resetMaxLife())
			u := now.Add(h.resetTTL())
			if u.After(limit) {
				u = limit
			}
			if u.Before(s.ExpiresAt) {
				u = s.ExpiresAt // never shorter
			}
			until, extendable = u, u.Before(limit)
			switch err := h.Store.ExtendReset(ctx, s.IDHash, now, u); {
			case errors.Is(err, store.ErrGone), errors.Is(err, store.ErrNotFound):
				writeError(w, errorf(CodeSessionUsed, "this reset session has ended"))
				return
			case err != nil:
				h.internal(w, r, "extend reset", err)
				return
			}
		}
		h.Logger.InfoContext(ctx, "reset session extended", "id", RequestID(ctx), "until", until.Format(time.RFC3339))
		setCookie(w, resetCookie, strings.Join(resetTokens(r), "."), until.Sub(now))
		writeJSON(w, http.StatusOK, extendResponse{ExpiresAt: until, Extendable: extendable, Now: now})
	})
}

func (h *handler) resetEnd() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req emptyRequest
		if err := decode(w, r, &req); err != nil {
			writeError(w, err)
			return
		}
		if err := h.endResets(r, resetTokens(r), nil); err != nil {
			h.internal(w, r, "end reset", err)
			return
		}
		setCookie(w, resetCookie, "", 0)
		w.WriteHeader(http.StatusNoContent)
	})
}

func (h *handler) directoryFor(institution string) directory.Directory {
	return h.Directories.For(institution)
}

// newPassword checks password for username at p in full: the rules, the
// breach service, the account's history. It answers the person itself
// (422 with the Result, or an error) and returns false when the password
// cannot be used.
func (h *handler) newPassword(w http.ResponseWriter, r *http.Request, p policy.Policy, in policy.Input) (ok, breachChecked bool) {
	ctx := r.Context()
	v, err := h.judge(ctx, p, in)
	if err != nil {
		h.failRetryable(w, r, "judge", err)
		return false, false
	}
	if !v.res.OK {
		h.Logger.InfoContext(ctx, "password rejected", "id", RequestID(ctx), "policy", p.ID, "rules", rules(v.res))
		writeJSON(w, http.StatusUnprocessableEntity, v.res.AppendJSON(nil))
		return false, false
	}
	return true, v.breachChecked
}

// setAnswer is the answer to a reset or change that set the password: 204,
// or 200 with what the page must say besides "done": that the directory
// has the account disabled (it cannot log in yet), or that the breach
// service did not answer and the institution accepted the password
// without that check (as the activation's done page says).
// loginURL, when set (--login-url for the account's institution, and the
// account not disabled), is where the done page's "log in" button goes, as
// after an activation: the reset's and the change's done pages had none.
// inDirectory false (directory none: Styrke kept the password, and nothing
// logs in with it yet) is said as "directory": false, as the activation's
// answer says it: the done pages said to use the new password the next
// time.
func setAnswer(w http.ResponseWriter, inDirectory, accountDisabled, breachChecked bool, loginURL string) {
	if inDirectory && !accountDisabled && breachChecked && loginURL == "" {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	out := map[string]any{}
	if !inDirectory {
		out["directory"] = false
	}
	if accountDisabled {
		out["accountDisabled"] = true
	} else if loginURL != "" {
		out["loginURL"] = loginURL
	}
	if !breachChecked {
		out["breachChecked"] = false
	}
	writeJSON(w, http.StatusOK, out)
}

// directoryRefused answers the directory's own refusal as a Result with
// one violation, like the policy's own.
func directoryRefused(w http.ResponseWriter, p policy.Policy, in policy.Input, ref *directory.Refusal) {
	res := policy.Evaluate(p, in)
	res.OK = false
	v := directoryViolation(ref, in.Lang)
	res.Violations = append(res.Violations, v)
	// The refusal says what to do; the policy's "meets the requirements"
	// beside it contradicted the answer.
	res.Feedback = []string{v.Message}
	writeJSON(w, http.StatusUnprocessableEntity, res.AppendJSON(nil))
}

// directoryError answers a directory failure other than a refusal (reset
// and change): an outage is retryable; an account the directory lacks, or
// a service account without its rights, is the operator's to mend, 503
// directory_error as for an activation, with a log line that says so; a
// disabled account is 403 account_disabled (the service desk's to mend).
func (h *handler) directoryError(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, directory.ErrUnavailable):
		h.Logger.WarnContext(r.Context(), "directory unavailable", "id", RequestID(r.Context()), "err", err)
		// The activation's code and Retry-After: "unavailable" is the
		// store's, and the page said the directory was down for both.
		w.Header().Set("Retry-After", "10")
		writeError(w, errorf(CodeDirectoryUnavailable, "the directory is unavailable; nothing was changed; try again shortly"))
	case errors.Is(err, directory.ErrAccount), errors.Is(err, directory.ErrOperator):
		h.Logger.ErrorContext(r.Context(), "directory: operator error", "id", RequestID(r.Context()), "err", err)
		writeError(w, errorf(CodeDirectoryError, "the password could not be set because of a configuration problem at your institution; nothing was changed; contact the service desk"))
	case errors.Is(err, directory.ErrDisabled):
		// An account the institution disabled (OpenLDAP's administrative
		// lock, which the write would have ended): nothing set.
		h.Logger.InfoContext(r.Context(), "the account is disabled in the directory: nothing set", "id", RequestID(r.Context()))
		writeError(w, errorf(CodeAccountDisabled, "the account is disabled; nothing was changed; contact the service desk"))
	default:
		h.internal(w, r, "directory", err)
	}
}

// inHistory reports whether err is the directory's refusal of a password
// as one in its history.
func inHistory(err error) bool {
	var ref *directory.Refusal
	return errors.As(err, &ref) && ref.Rule == directory.RuleHistory
}

// directoryHolds reports whether username's password in dir is password
// (a bind as the account; one that must be changed counts). Asked only
// after the directory refused to set password as one in its history, so
// a bind that fails is one with a password the account had.
func (h *handler) directoryHolds(ctx context.Context, dir directory.Directory, username, password string) bool {
	switch err := dir.Verify(ctx, username, password); {
	case err == nil, errors.Is(err, directory.ErrMustChange):
		return true
	case errors.Is(err, directory.ErrInvalidCredentials), errors.Is(err, directory.ErrLocked):
		return false
	default:
		h.Logger.WarnContext(ctx, "reset: the directory could not say whether it holds the password it refused as used before", "id", RequestID(ctx), "err", err)
		return false
	}
}

// resetCompleteRequest is a reset's new password, and the username the
// page shows (optional): a session of another account (a second sign-in in
// another tab replaced the cookie) is refused, not set.
type resetCompleteRequest struct {
	Password    string `json:"password"`
	Username    string `json:"username"`
	Institution string `json:"institution"`
}

func (h *handler) resetComplete() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		var req resetCompleteRequest
		if err := decode(w, r, &req); err != nil {
			writeError(w, err)
			return
		}
		if err := accountFieldsProblem(req.Username, req.Institution); err != nil {
			writeError(w, err)
			return
		}
		ss, err := h.sessions(r)
		if err != nil {
			h.fail(w, r, "reset complete", err)
			return
		}
		s, err := pick(ss, req.Username, req.Institution)
		if err != nil {
			if e := (*Error)(nil); errors.As(err, &e) && e.Code == CodeSessionChanged {
				h.Logger.InfoContext(ctx, "reset: the session is another account's than the page shows", "id", RequestID(ctx))
			}
			h.fail(w, r, "reset complete", err)
			return
		}
		if h.tokens != nil {
			if wait, ok := h.tokens.allow("reset:" + string(s.IDHash)); !ok {
				tooMany(w, wait)
				return
			}
		}
		p, err := policy.Lookup(s.Institution)
		if err != nil {
			h.internal(w, r, "policy lookup", err)
			return
		}
		in := policy.Input{Password: req.Password, Username: s.Username, Name: s.Name, BirthDate: s.BirthDate, Lang: lang(r)}
		h.fromDirectory(ctx, s.Institution, s.Username, &in)
		ok, breachChecked := h.newPassword(w, r, p, in)
		if !ok {
			return
		}
		enc, err := h.hash(req.Password)
		if err != nil {
			h.internal(w, r, "hash", err)
			return
		}
		// Every session of the sign-in is held while this one's password
		// is set, the chosen first: one sign-in sets one account (two tabs
		// setting two accounts at once both went through).
		now := h.Now()
		var claimed [][]byte
		release := func() {
			for _, id := range claimed {
				if rerr := h.Store.ReleaseReset(context.WithoutCancel(ctx), id); rerr != nil {
					h.Logger.ErrorContext(ctx, "release reset failed", "id", RequestID(ctx), "err", rerr)
				}
			}
		}
		order := []store.ResetSession{s}
		for _, x := range ss {
			if !bytes.Equal(x.IDHash, s.IDHash) {
				order = append(order, x)
			}
		}
		for _, x := range order {
			switch err := h.Store.ClaimReset(ctx, x.IDHash, now, now.Add(resetLease)); {
			case errors.Is(err, store.ErrBusy):
				release()
				writeError(w, errorf(CodeInProgress, "this reset is being completed in another tab; wait a moment"))
				return
			case errors.Is(err, store.ErrGone), errors.Is(err, store.ErrNotFound):
				release()
				writeError(w, errorf(CodeSessionUsed, "this reset session has ended"))
				return
			case err != nil:
				release()
				h.internal(w, r, "claim reset", err)
				return
			}
			claimed = append(claimed, x.IDHash)
		}
		dir := h.directoryFor(s.Institution)
		unlock, err := h.lockAccount(ctx, dir, s.Username, resetLease)
		if err != nil {
			release()
			if errors.Is(err, store.ErrBusy) {
				accountBusy(w, err, resetLease, h.Now())
				return
			}
			h.internal(w, r, "account lease", err)
			return
		}
		defer unlock()
		// Bounded by its own time, not ended by the client's: a reload
		// during the submit (a closed tab, a phone that dropped the
		// connection) cut the write wherever it was, and the directory
		// may have taken the password while the reset was not recorded.
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), resetLease-5*time.Second)
		err = dir.SetPassword(dctx, s.Username, req.Password)
		h.writeCounted(err)
		if inHistory(err) && h.directoryHolds(dctx, dir, s.Username, req.Password) {
			// An earlier submit's write reached the directory and its
			// answer was lost (a directory slow past the write's time
			// limit: 503 directory_unavailable, "try again"): the account
			// has this password already, which the directory's history
			// refused to set again.
			h.Logger.InfoContext(ctx, "reset: the directory already holds the password (an earlier write's answer was lost)", "id", RequestID(ctx))
			err = nil
		}
		cancel()
		if err != nil {
			release()
			var ref *directory.Refusal
			if errors.As(err, &ref) {
				h.Logger.InfoContext(ctx, "directory refused the password", "id", RequestID(ctx), "rule", ref.Rule, "diagnostic", ref.Diagnostic)
				h.directoryRefusedAudit(r, s.Username, s.Institution, ref.Rule)
				directoryRefused(w, p, in, ref)
				return
			}
			if errors.Is(err, directory.ErrAfterWrite) {
				// Not "nothing was changed": the directory may hold the
				// password, and the same password sent again finishes
				// the reset (see directoryHolds).
				h.Logger.WarnContext(ctx, "reset: the directory did not answer the password write: it may have been set", "id", RequestID(ctx), "err", err)
				h.writeUnconfirmedAudit(r, "reset", s.Username, s.Institution)
				w.Header().Set("Retry-After", "10")
				writeError(w, errorf(CodeDirectoryUnconfirmed, "the directory did not answer the password write, so the password may have been set; try logging in with it, or send the same password again, which finishes the reset once the directory holds it"))
				return
			}
			h.directoryError(w, r, err)
			return
		}
		fu := store.Followup{Key: "reset:" + ID(s.IDHash), Kind: notify.HowReset, Username: s.Username, Name: s.Name, Institution: s.Institution}
		stored := h.Now()
		if err := h.Store.CompleteReset(context.WithoutCancel(ctx), s.IDHash, stored, enc, max(p.HistorySize, 1), &fu); err != nil {
			if directory.IsNone(dir) {
				h.internal(w, r, "complete reset", err)
				return
			}
			// The directory holds the new password: the person can log in.
			// The session's claim runs out by itself.
			h.Logger.ErrorContext(ctx, "password set in the directory but not recorded", "id", RequestID(ctx), "err", err)
		} else {
			fu.At = stored // kept with the password: marked done after the steps
		}
		h.Logger.InfoContext(ctx, "password reset", "id", RequestID(ctx), "institution", s.Institution, "directory", dir.String())
		h.passwordChanged(r, fu)
		// The person proved who they are: the change page's count of wrong
		// passwords (a locked account's tries count too) starts over.
		if err := h.Store.ClearFailures(context.WithoutCancel(ctx), h.changeUserKey(dir, s.Username)); err != nil {
			h.Logger.WarnContext(ctx, "throttle clear failed", "id", RequestID(ctx), "err", err)
		}
		// The sign-in's other accounts end with it: a second needs a new
		// sign-in (released first: EndReset leaves a held session alone).
		claimed = claimed[1:]
		release()
		if err := h.endResets(r, resetTokens(r), s.IDHash); err != nil {
			h.Logger.ErrorContext(ctx, "end the sign-in's other reset sessions failed", "id", RequestID(ctx), "err", err)
		}
		setCookie(w, resetCookie, "", 0)
		// The password is set; an account that cannot log in is said.
		login := ""
		if !directory.IsNone(dir) {
			login = h.loginURL(s.Institution)
		}
		setAnswer(w, !directory.IsNone(dir), h.accountDisabled(ctx, s.Institution, s.Username), breachChecked, login)
	})
}
