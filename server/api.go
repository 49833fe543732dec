package server

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/styrke-iam/styrke/policy"
	"github.com/styrke-iam/styrke/server/directory"
	"github.com/styrke-iam/styrke/server/passhash"
	"github.com/styrke-iam/styrke/server/store"
)

// NewToken returns a fresh activation token (256 random bits, base64url)
// and the SHA-256 hash that is all the store keeps of it.
func NewToken() (token string, hash []byte) {
	var b [32]byte
	rand.Read(b[:])
	token = base64.RawURLEncoding.EncodeToString(b[:])
	return token, HashToken(token)
}

// HashToken is the SHA-256 of token, as stored.
func HashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// ErrBadActivation: CreateActivation was given a username or name that is
// empty, too long (MaxUsernameLen, MaxNameLen) or holds control characters,
// an unknown institution, or a TTL outside MinTTL..MaxTTL.
var ErrBadActivation = errors.New("server: bad activation request")

// CreateActivation stores a new single-use activation for a person and
// returns its token (to put in the link, never to log) and expiry. ttl 0
// takes the institution policy's activationTTL.
func CreateActivation(ctx context.Context, st store.Store, now time.Time, username, name, institution string, ttl time.Duration) (string, time.Time, error) {
	if msg := textProblem(username, MaxUsernameLen, true); msg != "" {
		return "", time.Time{}, fmt.Errorf("%w: username %s", ErrBadActivation, msg)
	}
	if msg := textProblem(name, MaxNameLen, false); msg != "" {
		return "", time.Time{}, fmt.Errorf("%w: name %s", ErrBadActivation, msg)
	}
	p, err := policy.Lookup(institution)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("%w: unknown institution %q", ErrBadActivation, institution)
	}
	if ttl == 0 {
		ttl, err = time.ParseDuration(p.ActivationTTL)
		if err != nil {
			ttl = 72 * time.Hour
		}
	}
	if msg := ttlProblem(ttl); msg != "" {
		return "", time.Time{}, fmt.Errorf("%w: ttl %s", ErrBadActivation, msg)
	}
	token, hash := NewToken()
	now = now.UTC()
	a := store.Activation{
		TokenHash: hash, Username: username, Name: name, Institution: p.ID,
		CreatedAt: now, ExpiresAt: now.Add(ttl),
	}
	if err := st.CreateActivation(ctx, a); err != nil {
		return "", time.Time{}, fmt.Errorf("create activation: %w", err)
	}
	return token, a.ExpiresAt, nil
}

// ActivatePaths are the activation page's paths by language
// (site.Path(site.Activate, lang); a test holds them equal).
var ActivatePaths = map[string]string{"nb": "/aktiver/", "nn": "/nn/aktiver/", "en": "/en/activate/"}

// Link is the address of the activation page in lang (nb for an unknown
// one) for token under base: the language the link's message is in. Until
// 2026-12-04 every link opened the Bokmål page.
func Link(base, lang, token string) string {
	return strings.TrimRight(base, "/") + ActivatePaths[pageLang(lang)] + "#/pw/" + token
}

func (h *handler) healthz() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
}

func (h *handler) readyz() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
		defer cancel()
		if err := h.Store.Ping(ctx); err != nil {
			h.Logger.ErrorContext(ctx, "store not ready", "id", RequestID(ctx), "err", err)
			writeError(w, errorf(CodeUnavailable, "store unreachable"))
			return
		}
		// Every directory takes the service account's bind and is of the
		// kind and has the search base the settings say: an error there is
		// this instance's (its settings, its password file), and a load
		// balancer should send it nothing. A directory that does not
		// answer is every instance's: the instance stays ready, and its
		// pages say "try again shortly" (503 directory_unavailable with
		// Retry-After) where a load balancer with no instance left would
		// answer with its own page; the body names it, and
		// styrke_directory_up says 0. The body names a directory by the
		// first institution this installation serves (--institutions)
		// that uses it (the endpoint is public; the log line has its
		// address); one no served institution uses is not asked: it sets
		// no served person's password.
		unavailable := map[string]string{}
		for _, d := range h.Directories.All() {
			name := h.servedDirectoryName(d)
			if name == "" {
				continue
			}
			err := d.Ping(ctx)
			if err == nil || ctx.Err() == nil {
				// styrke_directory_up's, without a bind of its own; not a
				// failure of this request's own ending (a client that hung
				// up, a probe's short timeout, the 3 s spent on another
				// directory): on this public endpoint anyone could set the
				// gauge to 0 for DirectoryUpMaxAge.
				h.Metrics.DirectoryAnswered(d, err)
			}
			switch {
			case err == nil:
			case errors.Is(err, directory.ErrUnavailable):
				h.Logger.WarnContext(ctx, "directory unavailable", "id", RequestID(ctx), "directory", d.String(), "err", err)
				unavailable["directory of "+name] = "unavailable"
			default:
				h.Logger.ErrorContext(ctx, "directory not ready", "id", RequestID(ctx), "directory", d.String(), "err", err)
				writeError(w, errorf(CodeUnavailable, "directory not ready: directory of "+name))
				return
			}
		}
		if len(unavailable) > 0 {
			writeJSON(w, http.StatusOK, map[string]any{"status": "ready", "directories": unavailable})
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	})
}

// internal logs err and answers it: 500 "internal error", or 503 with
// Retry-After when the password hashing is busy (see asError).
func (h *handler) internal(w http.ResponseWriter, r *http.Request, what string, err error) {
	if errors.Is(err, passhash.ErrBusy) {
		h.Logger.WarnContext(r.Context(), what+": busy", "id", RequestID(r.Context()), "queue", passhash.QueueLength(), "err", err)
		writeError(w, err)
		return
	}
	if errors.Is(err, context.DeadlineExceeded) {
		// A store (or another service) that did not answer in time:
		// retryable. A lock another process holds on the store is named
		// (the deadline alone read as a slow disk).
		args := []any{"id", RequestID(r.Context()), "err", err}
		if l, ok := h.Store.(lockLooker); ok {
			if why := l.Locked(r.Context()); why != "" {
				args = append(args, "cause", why)
			}
		}
		h.Logger.ErrorContext(r.Context(), what+" timed out", args...)
		w.Header().Set("Retry-After", "5")
		writeError(w, errorf(CodeUnavailable, "the service is slow to answer right now; nothing was changed, try again shortly"))
		return
	}
	if h.storeDown(err) {
		h.Logger.ErrorContext(r.Context(), what+": the store is unavailable", "id", RequestID(r.Context()), "err", err)
		w.Header().Set("Retry-After", "10")
		writeError(w, errorf(CodeUnavailable, "the service's database is unavailable right now; try again shortly"))
		return
	}
	h.Logger.ErrorContext(r.Context(), what+" failed", "id", RequestID(r.Context()), "err", err)
	writeError(w, errorf(CodeInternal, "internal error"))
}

// storeDown reports whether err is the store's own outage (the database
// unreachable, its disk full, its file unwritable): a retryable 503, not
// a 500 that says nothing of where the fault is.
func (h *handler) storeDown(err error) bool {
	u, ok := h.Store.(interface{ Unavailable(error) bool })
	return ok && u.Unavailable(err)
}

// activation loads the token's activation and says why it cannot be used.
func (h *handler) activation(ctx context.Context, token string) (store.Activation, error) {
	if token == "" {
		return store.Activation{}, errorf(CodeInvalid, "token is required", "token")
	}
	a, err := h.Store.Activation(ctx, HashToken(token))
	switch {
	case errors.Is(err, store.ErrNotFound):
		return a, errorf(CodeTokenUnknown, "unknown activation link")
	case err != nil:
		return a, err
	}
	return a, h.usable(ctx, a)
}

// contactPhone returns the phone number the service desk gave for the
// activation (E.164), or "" when it gave none.
func (h *handler) contactPhone(ctx context.Context, tokenHash []byte) (string, error) {
	recs, err := h.Store.Activations(ctx, store.ActivationFilter{TokenHash: tokenHash, Limit: 1})
	if err != nil || len(recs) == 0 {
		return "", err
	}
	return recs[0].Phone, nil
}

// usable says why a cannot be used, or nil; the answer names the service
// desk of a's institution, whom its page sends the person to.
func (h *handler) usable(ctx context.Context, a store.Activation) error {
	var e *Error
	switch {
	case a.UsedAt != nil:
		e = errorf(CodeTokenUsed, "this activation link has already been used")
	case a.Failures >= MaxFailures:
		e = errorf(CodeTokenLocked, "this activation link is locked after too many attempts")
	case !h.Now().Before(a.ExpiresAt):
		e = h.ended(ctx, a)
	default:
		return nil
	}
	e.ServiceDesk = h.serviceDesk(a.Institution)
	return e
}

// ended says why a, a link of Styrke's past its expiry, no longer works:
// the desk replaced it by a newer one (a resend, an import's re-run:
// the audit log's "revoked … replaced by"), or withdrew it (a revoke, or
// the person's password set otherwise, which ends their open links), else
// it ran out. A revoke sets the expiry to its time, so both read as
// expired before, and the person holding the link in the inbox was told
// links work only a short while. Only a token of a link gets here: one
// that matches nothing keeps its token_unknown. A store that cannot say
// leaves it expired.
func (h *handler) ended(ctx context.Context, a store.Activation) *Error {
	expired := errorf(CodeTokenExpired, "this activation link has expired")
	recs, err := h.Store.Activations(ctx, store.ActivationFilter{TokenHash: a.TokenHash, Limit: 1})
	if err != nil {
		h.Logger.ErrorContext(ctx, "why a link ended", "id", RequestID(ctx), "err", err)
		return expired
	}
	if len(recs) == 0 || recs[0].RevokedAt == nil {
		return expired
	}
	rec := recs[0]
	evs, err := h.Store.Audit(ctx, store.AuditFilter{Event: store.EventRevoked, Username: rec.Username, Institution: rec.Institution,
		Since: rec.RevokedAt.Add(-time.Minute)})
	if err != nil {
		h.Logger.ErrorContext(ctx, "why a link ended", "id", RequestID(ctx), "err", err)
	}
	for _, ev := range evs {
		if replacedIn(ev.Detail, ID(a.TokenHash)) {
			return errorf(CodeTokenReplaced, "this activation link was replaced by a newer one; use the link in the newest message")
		}
	}
	return errorf(CodeTokenRevoked, "this activation link was withdrawn; ask the service desk")
}

// serviceDesk is the contact of institution's service desk: its profile's
// (--templates' institutions.json), else --service-desk.
func (h *handler) serviceDesk(institution string) string {
	if h.desk != nil && h.desk.Templates != nil {
		if s := h.desk.Templates.Profile(institution).ServiceDesk; s != "" {
			return s
		}
	}
	return h.ServiceDesk
}

type lookupRequest struct {
	Token string `json:"token"`
	// Code is the one-time code sent by SMS, for a link that needs one.
	Code string `json:"code"`
}

// codeNeededResponse answers a lookup without the code its link needs:
// nothing about the person but the last two digits of the number the code
// went to, so that they know which phone to look at.
type codeNeededResponse struct {
	CodeRequired bool   `json:"codeRequired"`
	CodeDigits   int    `json:"codeDigits"`
	PhoneEnding  string `json:"phoneEnding,omitempty"`
	Institution  string `json:"institution"`
}

type lookupResponse struct {
	Username string `json:"username"`
	Name     string `json:"name"`
	// Phone is the number the service desk gave for the link (else the
	// directory's), for the meter's phone rule; absent when none is known.
	Phone string `json:"phone,omitempty"`
	// BirthDate is the person's own ("YYYY-MM-DD"), from ID-porten's
	// sign-in or the directory, for the meter's birthdate rule; absent when
	// neither gave one.
	BirthDate     string          `json:"birthDate,omitempty"`
	Institution   string          `json:"institution"`
	Policy        json.RawMessage `json:"policy"`
	PolicyVersion string          `json:"policyVersion"`
	// DirectoryRules are those of the account's own password policy in
	// the directory (accountRules), which the page lists in place of the
	// institution's; absent when none applies.
	DirectoryRules *directoryRulesResponse `json:"directoryRules,omitempty"`
}

func (h *handler) lookup() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req lookupRequest
		if err := decode(w, r, &req); err != nil {
			writeError(w, err)
			return
		}
		a, err := h.activation(r.Context(), req.Token)
		if err != nil {
			h.fail(w, r, "lookup", err)
			return
		}
		p, err := h.linkPolicy(w, r, a)
		if err != nil {
			return
		}
		phone, err := h.contactPhone(r.Context(), a.TokenHash)
		if err != nil {
			h.fail(w, r, "lookup", err)
			return
		}
		if len(a.CodeHash) > 0 {
			if strings.TrimSpace(req.Code) == "" {
				writeJSON(w, http.StatusOK, codeNeededResponse{CodeRequired: true, CodeDigits: CodeDigits,
					PhoneEnding: phoneEnding(phone), Institution: a.Institution})
				return
			}
			if !h.allowToken(w, req.Token) {
				return
			}
			if err := h.checkCode(r.Context(), r, a, req.Token, req.Code); err != nil {
				h.writeCodeError(w, r, "lookup", err)
				return
			}
		}
		in := policy.Input{Name: a.Name, Phone: phone}
		rules := h.personAndRules(r.Context(), a.Institution, a.Username, p, &in)
		writeJSON(w, http.StatusOK, lookupResponse{
			Username: a.Username, Name: in.Name, Phone: in.Phone, BirthDate: in.BirthDate, Institution: a.Institution,
			Policy: p.Canonical(), PolicyVersion: p.Version(), DirectoryRules: rules,
		})
	})
}

// linkPolicy returns the policy of link a's institution. A link whose
// institution this build has no policy for (its file removed or renamed
// since the link was issued) can never be used: it answers 410
// token_institution_unknown, which the page shows as a link to ask a new
// one for, and logs a warning naming the institution (it answered 500
// "internal", and the page blamed the network). Any other failure is
// internal.
func (h *handler) linkPolicy(w http.ResponseWriter, r *http.Request, a store.Activation) (policy.Policy, error) {
	p, err := policy.Lookup(a.Institution)
	if errors.Is(err, policy.ErrUnknownInstitution) {
		h.Logger.WarnContext(r.Context(), "a link of an institution this build has no policy for: issue new links (styrke activation list --institution names them)",
			"id", RequestID(r.Context()), "institution", a.Institution)
		writeError(w, errorf(CodeTokenInstitution, "this link's institution is not served here any more; ask the service desk for a new link"))
		return p, err
	}
	if err != nil {
		h.internal(w, r, "policy lookup", err)
	}
	return p, err
}

// WarnUnknownInstitutions logs, once, the institutions of open links that
// this build has no policy for (a policy file removed or renamed since the
// links were issued): their links answer 410 token_institution_unknown and
// can never be used, which the service desk otherwise learnt from people
// one at a time. A store that does not answer is said elsewhere (readyz).
func WarnUnknownInstitutions(ctx context.Context, st store.Store, now time.Time, logger *slog.Logger) {
	insts, err := st.OpenInstitutions(ctx, now, MaxFailures)
	if err != nil {
		return
	}
	var unknown []string
	for _, id := range insts {
		if _, err := policy.Lookup(id); errors.Is(err, policy.ErrUnknownInstitution) {
			unknown = append(unknown, id)
		}
	}
	if len(unknown) > 0 {
		logger.WarnContext(ctx, "open links of institutions this build has no policy for: they cannot be used (410); put the policies back or issue new links (styrke activation list --institution ID --state open, then revoke and create)",
			"institutions", strings.Join(unknown, ","))
	}
}

// fail answers an *Error as is, a deadline as a retryable 503, and logs
// anything else as internal.
func (h *handler) fail(w http.ResponseWriter, r *http.Request, what string, err error) {
	h.failRetryable(w, r, what, err)
}

// breachCount asks the breach service; per the policy a failure is
// skipped (prefer, logged) or an *Error (require, 503).
func (h *handler) breachCount(ctx context.Context, p policy.Policy, password string) (*int, error) {
	var err error = errors.New("no breach service configured")
	if h.Breach != nil {
		var n int
		if n, err = h.Breach.Count(ctx, password); err == nil {
			return &n, nil
		}
	}
	if p.BreachCheck == policy.BreachRequire {
		h.Logger.WarnContext(ctx, "breach check unavailable; rejected", "id", RequestID(ctx), "policy", p.ID, "err", err)
		e := errorf(CodeBreachUnavailable, "the breach check is unavailable; try again shortly")
		e.RetryAfter = 10 * time.Second
		return nil, e
	}
	h.Logger.WarnContext(ctx, "breach check skipped", "id", RequestID(ctx), "policy", p.ID, "err", err)
	return nil, nil
}

func rules(r policy.Result) string {
	s := make([]string, len(r.Violations))
	for i, v := range r.Violations {
		s[i] = v.Rule
	}
	return strings.Join(s, ",")
}

type validateRequest struct {
	Policy    json.RawMessage `json:"policy"`
	Password  *string         `json:"password"`
	Username  string          `json:"username"`
	Name      string          `json:"name"`
	BirthDate string          `json:"birthDate"`
	Phone     string          `json:"phone"`
}

func (h *handler) validate() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req validateRequest
		if err := decodeUpTo(w, r, &req, maxValidateBody); err != nil {
			writeError(w, err)
			return
		}
		if req.Password == nil {
			writeError(w, errorf(CodeInvalid, "password is required", "password"))
			return
		}
		if err := validateProblems(*req.Password, req.Username, req.Name, req.BirthDate, req.Phone); err != nil {
			writeError(w, err)
			return
		}
		p, err := requestPolicy(req.Policy)
		if err != nil {
			writeError(w, err)
			return
		}
		in := policy.Input{Password: *req.Password, Username: req.Username, Name: req.Name, BirthDate: req.BirthDate, Phone: req.Phone, Lang: lang(r)}
		if in.BreachCount, err = h.validateBreach(r, p, *req.Password); err != nil {
			writeError(w, err)
			return
		}
		// The Result, and whether the breach service was asked: with it
		// down under a policy that only prefers the check, ok:true said
		// nothing of the check the meter says it could not make.
		b := policy.Evaluate(p, in).AppendJSON(make([]byte, 0, 2048))
		b = bytes.TrimRight(b, "\n")
		b = append(b[:len(b)-1], `,"breachChecked":`...)
		b = strconv.AppendBool(b, in.BreachCount != nil)
		writeJSON(w, http.StatusOK, append(b, "}\n"...))
	})
}

// requestPolicy is an institution id ("uio") or a whole policy object.
func requestPolicy(raw json.RawMessage) (policy.Policy, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return policy.Default(), nil
	}
	if raw[0] == '"' {
		var id string
		if err := json.Unmarshal(raw, &id); err != nil {
			return policy.Policy{}, errorf(CodeInvalid, "policy must be an id or an object", "policy")
		}
		p, err := policy.Lookup(id)
		if err != nil {
			return policy.Policy{}, errorf(CodeInvalid, "unknown policy "+strconv.Quote(id), "policy")
		}
		return p, nil
	}
	p, err := policy.Parse(raw)
	var pe *policy.ProblemsError
	if errors.As(err, &pe) && len(pe.Problems) > maxProblemsSaid {
		// The answer names the first ones and the count: it stays small
		// whatever the policy (64 KB of bad items answered 2 MB).
		n := len(pe.Problems)
		msg := (&policy.ProblemsError{Problems: pe.Problems[:maxProblemsSaid]}).Error()
		msg = strings.Replace(msg, strconv.Itoa(maxProblemsSaid)+" problem(s)", strconv.Itoa(n)+" problem(s)", 1) + "; …"
		return policy.Policy{}, errorf(CodeInvalid, msg, "policy")
	}
	if err != nil {
		return policy.Policy{}, errorf(CodeInvalid, err.Error(), "policy")
	}
	return p, nil
}

// maxProblemsSaid is how many of a policy's problems /api/validate's 400
// names.
const maxProblemsSaid = 20

// lang picks nb, nn or en from Accept-Language by q-value (nb default;
// "no" means nb).
func lang(r *http.Request) string {
	best, bestQ := "nb", -1.0
	for part := range strings.SplitSeq(r.Header.Get("Accept-Language"), ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		primary, _, _ := strings.Cut(strings.ToLower(tag), "-")
		var l string
		switch primary {
		case "nb", "no":
			l = "nb"
		case "nn":
			l = "nn"
		case "en":
			l = "en"
		default:
			continue
		}
		if q > bestQ {
			best, bestQ = l, q
		}
	}
	return best
}
