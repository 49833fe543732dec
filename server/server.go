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
	"strings"
	"time"

	"golang.org/x/time/rate"

	"github.com/styrke-iam/styrke/server/store"
)

// Breacher reports how often a password was seen in breaches;
// *breach.Client is one.
type Breacher interface {
	Count(ctx context.Context, password string) (int, error)
}

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
	// BaseURL prefixes activation links: BaseURL + "/aktiver/#/pw/" + token.
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
	// RateLimit is the sustained requests per second per client address on
	// /api/ (default 20, burst 2x); negative disables the limit (benchmarks).
	RateLimit float64
	// TokenRateLimit is the per-token rate on complete (default 1/s, burst 5).
	TokenRateLimit float64
	// TrustProxy takes the client address from X-Forwarded-For (behind
	// Netlify or a load balancer) instead of the connection.
	TrustProxy bool

	// The service desk and operations: see DeskDeps.
	DeskDeps
}

type handler struct {
	Deps
	clients *limiters
	tokens  *limiters
	keys    adminKeys
	desk    *Desk
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
	if d.RateLimit == 0 {
		d.RateLimit = 20
	}
	if d.TokenRateLimit == 0 {
		d.TokenRateLimit = 1
	}
	if d.Metrics != nil && d.Breach != nil {
		d.Breach = countingBreacher{d.Breach, d.Metrics}
	}
	h := &handler{Deps: d, keys: newAdminKeys(d)}
	h.desk = h.newDesk()
	if d.RateLimit > 0 {
		h.clients = newLimiters(rate.Limit(d.RateLimit), int(2*d.RateLimit))
	}
	if d.TokenRateLimit > 0 {
		h.tokens = newLimiters(rate.Limit(d.TokenRateLimit), 5)
	}
	return h.routes()
}
