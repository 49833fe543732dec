// Package server is Styrke's backend: the activation API (single-use links,
// every password re-validated with the institution's policy, the server's
// own breach lookup and the account's history) and /api/validate, behind one
// http.Handler that `styrke serve` and the Netlify Function both run.
//
// The handler holds no global state: everything lives in the Deps given to
// NewHandler. Logs never contain a password, a token, a hash or a body.
package server

import (
	"context"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"time"

	"golang.org/x/time/rate"

	"github.com/styrke-iam/styrke/server/directory"
	"github.com/styrke-iam/styrke/server/identity"
	"github.com/styrke-iam/styrke/server/oidc"
	"github.com/styrke-iam/styrke/server/passhash"
	"github.com/styrke-iam/styrke/server/store"
)

// Breacher reports how often a password was seen in breaches;
// *breach.Client is one. If it also has a method Cached(password string)
// (int, bool) (as *breach.Client does), /api/validate answers from it
// without spending the client's lookup budget (Deps.BreachRateLimit).
type Breacher interface {
	Count(ctx context.Context, password string) (int, error)
}

// breachCache is a Breacher that can answer from its cache.
type breachCache interface {
	Cached(password string) (int, bool)
}

// BreachBurst is how many upstream breach lookups one client of
// /api/validate may make at once before Deps.BreachRateLimit applies.
const BreachBurst = 10

// MaxFailures is how many failed completes kill a token.
const MaxFailures = 10

// Deps is what the handler needs. Store is required; every other field has
// a default.
type Deps struct {
	Store store.Store
	// Breach is the breach lookup; nil means the check is never made (as if
	// the service were down).
	Breach Breacher
	// AdminKey guards POST /api/admin/activations; empty disables the route
	// (401 for everyone).
	AdminKey string
	// BaseURL prefixes activation links: BaseURL + "/aktiver/#/pw/" + token
	// (the page in the link's language: see Link).
	// Default http://127.0.0.1:8080.
	BaseURL string
	// Origins may call /api/validate from a browser (CORS). "*" allows any.
	Origins []string
	// Site serves everything outside /api/, /healthz and /readyz; nil
	// answers those with a JSON 404.
	Site http.Handler
	// Logger receives one line per request; default slog.Default().
	Logger *slog.Logger
	// Now is the clock; default time.Now.
	Now func() time.Time
	// RateLimit is the sustained requests per second per client on /api/
	// and CORS preflights, and separately on /healthz and /readyz (default
	// 20, burst 2x); negative disables these limits (benchmarks). A client
	// is an IPv4 address or an IPv6 /64.
	RateLimit float64
	// TokenRateLimit is the per-token rate on complete (default 1/s, burst 5).
	TokenRateLimit float64
	// BreachRateLimit is the sustained rate of upstream breach lookups per
	// client address on /api/validate (default 0.5/s, burst BreachBurst);
	// an answer from the breach cache costs nothing. Negative disables it.
	BreachRateLimit float64
	// Directories says where each institution's passwords are set; nil sets
	// them nowhere but Styrke's own store (directory.None).
	Directories *directory.Set
	// LoginURLs says where people log in with the password Styrke set in
	// the directory: institution id → URL, "" for every institution
	// without its own. The activation's done page links there (only when
	// the password reached a directory).
	LoginURLs map[string]string
	// ClaimLease is how long a complete holds its link while it writes to
	// the directory; after it a crashed complete's link is usable again.
	// Default DefaultClaimLease; keep it above the directory's timeout.
	ClaimLease time.Duration
	// CompleteTimeout bounds one complete; default DefaultCompleteTimeout.
	CompleteTimeout time.Duration
	// StoreTimeout bounds each store call of the activation flow; default
	// DefaultStoreTimeout.
	StoreTimeout time.Duration
	// TrustProxy takes the client address from X-Forwarded-For (behind
	// Netlify or a load balancer) instead of the connection.
	TrustProxy bool
	// PasswordHash are the Argon2id parameters of the hashes Styrke keeps
	// of the passwords it sets (activation, reset, change) and of the
	// stand-in an unknown account's current password is verified against;
	// zero: passhash.Default, which serve uses (cmd/styrke never sets it).
	// Tests that are not about hashing set lighter ones, which cost a
	// fraction of production's CPU under the race detector. NewHandler
	// panics if they are not zero and not ones passhash.HashWith takes.
	PasswordHash passhash.Params

	// Reset with ID-porten and change (reset.go, change.go).

	// IDPorten signs people in for the reset; nil: not configured (the
	// reset page says so, and whom to contact).
	IDPorten *oidc.Client
	// IDPortenCallback is the callback's path (the redirect URL's path);
	// default /auth/idporten/callback.
	IDPortenCallback string
	// IDPortenPostLogout is where ID-porten's logout sends the browser
	// back to (registered with the client as its post-logout URI);
	// default BaseURL + LoggedOutPath.
	IDPortenPostLogout string
	// IDPortenACR is acr_values per institution (the client's default,
	// idporten-loa-substantial unless configured, for the others).
	IDPortenACR map[string]string
	// Identities hashes identity numbers (the import's and the sign-in's
	// key); nil disables the reset and the identity import.
	Identities *identity.Hasher
	// AllowTestNumbers accepts synthetic test numbers (month + 80), for
	// ID-porten's test environment.
	AllowTestNumbers bool
	// ServiceDesk is the contact shown when ID-porten is off or a sign-in
	// matches no account ("orakel@uio.no, 22 84 00 00").
	ServiceDesk string
	// ResetTTL is a reset session's lifetime; default 10 minutes.
	ResetTTL time.Duration
	// ChangeUserLimit and ChangeAddrLimit cap wrong current passwords per
	// username and per address in 15 minutes (default 5 and 20; the
	// username's also stays below the directory's lockout threshold).
	ChangeUserLimit, ChangeAddrLimit int
	// ThrottleKey keys the throttle counters' hashes; default the store's
	// Secret("throttle"), one for every instance on the store.
	ThrottleKey []byte

	// The service desk and operations: see DeskDeps.
	DeskDeps
}

type handler struct {
	Deps
	clients        *limiters
	tokens         *limiters
	lookups        *limiters // upstream breach lookups per client on validate
	probes         *limiters // /healthz and /readyz per client
	throttleSecret []byte
	keyFile        keysFile
	desk           *Desk
	rules          rulesCache // directories' settings, for directoryRules
	// dummyHash is verified when an account has no stored password, so
	// that an unknown username takes as long as a wrong password: a hash
	// with PasswordHash's parameters, made by NewHandler.
	dummyHash func() string
}

// hash hashes a password the handler sets (PasswordHash's parameters).
func (h *handler) hash(password string) (string, error) {
	return passhash.HashWith(password, h.PasswordHash)
}

// NewHandler returns the whole backend as one http.Handler. It panics if
// d.Store is nil.
func NewHandler(d Deps) http.Handler {
	if d.Store == nil {
		panic("server: NewHandler without a Store")
	}
	if d.BaseURL == "" {
		d.BaseURL = "http://127.0.0.1:8080"
	}
	d.BaseURL = strings.TrimRight(d.BaseURL, "/")
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.ClaimLease <= 0 {
		d.ClaimLease = DefaultClaimLease
	}
	if d.CompleteTimeout <= 0 {
		d.CompleteTimeout = DefaultCompleteTimeout
	}
	if d.StoreTimeout <= 0 {
		d.StoreTimeout = DefaultStoreTimeout
	}
	if d.PasswordHash == (passhash.Params{}) {
		d.PasswordHash = passhash.Default
	}
	if p := d.PasswordHash; p.Memory == 0 || p.Time == 0 || p.Threads == 0 || p.KeyLen == 0 || p.SaltLen < 8 {
		panic("server: NewHandler with invalid PasswordHash parameters")
	}
	d.Store = deadlineStore{Store: d.Store, d: d.StoreTimeout}
	// An account's check and bind of its own password is held across the
	// instances on this store, not only within this one (see
	// directory.LDAP.HoldWith).
	for _, dir := range d.Directories.All() {
		if hd, ok := dir.(interface{ HoldWith(directory.Holder) }); ok {
			st, logger, now := d.Store, d.Logger, d.Now
			hd.HoldWith(func(ctx context.Context, key string) (func(), error) { return waitAccount(ctx, st, logger, key, now) })
		}
	}
	if d.RateLimit == 0 {
		d.RateLimit = 20
	}
	if d.TokenRateLimit == 0 {
		d.TokenRateLimit = 1
	}
	if d.Metrics != nil && d.Breach != nil {
		d.Breach = countingBreacher{d.Breach, d.Metrics}
	}
	if d.BreachRateLimit == 0 {
		d.BreachRateLimit = 0.5
	}
	h := &handler{Deps: d, throttleSecret: d.ThrottleKey}
	// Made now, not on first use: the first unknown username after a start
	// would have waited for a hash more than a wrong password does.
	dummy, _ := passhash.HashWith("styrke: no such account", d.PasswordHash)
	h.dummyHash = func() string { return dummy }
	h.keyFile.keys = newAdminKeys(d)
	if d.AdminKeysFile != "" {
		if fi, err := os.Stat(d.AdminKeysFile); err == nil {
			// The keys given are the file's as it is now.
			h.keyFile.size, h.keyFile.mod, h.keyFile.checked = fi.Size(), fi.ModTime(), time.Now()
		}
	}
	h.desk = h.newDesk()
	h.desk.IDPortenReset = h.idportenOn()
	if len(h.throttleSecret) == 0 && d.Store != nil {
		// The store's: every instance counts a person's wrong passwords
		// under the same key (a key of each process's own let a client
		// that the load balancer spread over two instances try twice the
		// limit, and the directory locked the account).
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		k, err := d.Store.Secret(ctx, "throttle")
		cancel()
		if err != nil {
			h.Logger.Warn("the shared throttle key could not be read; this instance counts with a key of its own until restarted", "err", err)
		}
		h.throttleSecret = k
	}
	if len(h.throttleSecret) == 0 {
		h.throttleSecret = []byte(randomToken())
	}
	if h.IDPortenPostLogout == "" {
		h.IDPortenPostLogout = h.BaseURL + LoggedOutPath
	}
	if h.IDPortenCallback == "" {
		h.IDPortenCallback = DefaultCallbackPath
	}
	if d.BreachRateLimit > 0 {
		h.lookups = newLimiters(rate.Limit(d.BreachRateLimit), BreachBurst)
	}
	if d.RateLimit > 0 {
		h.clients = newLimiters(rate.Limit(d.RateLimit), int(2*d.RateLimit))
		h.probes = newLimiters(rate.Limit(d.RateLimit), int(2*d.RateLimit))
	}
	if d.TokenRateLimit > 0 {
		h.tokens = newLimiters(rate.Limit(d.TokenRateLimit), 5)
	}
	return h.routes()
}
