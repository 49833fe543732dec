package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

type ctxKey int

const (
	keyRequestID ctxKey = iota
	keyRoute
)

// requestID gives every request an id, in the context and in X-Request-Id.
func (h *handler) requestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b [8]byte
		rand.Read(b[:])
		id := hex.EncodeToString(b[:])
		w.Header().Set("X-Request-Id", id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), keyRequestID, id)))
	})
}

// RequestID returns the id the handler gave the request of ctx ("" if none).
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(keyRequestID).(string)
	return id
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// logging writes one line per request: id, method, route (the pattern, never
// the query), status and duration. Never a body, header value or query.
func (h *handler) logging(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		route := r.Pattern
		if route == "" {
			route = "(none)"
		}
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		level := slog.LevelInfo
		if sw.status >= 500 {
			level = slog.LevelError
		}
		h.Logger.LogAttrs(r.Context(), level, "request",
			slog.String("id", RequestID(r.Context())),
			slog.String("method", r.Method),
			slog.String("route", route),
			slog.Int("status", sw.status),
			slog.Duration("duration", time.Since(start)))
	})
}

// apiHeaders sets the security headers every API answer carries.
func apiHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Cache-Control", "no-store")
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
		hd.Set("Referrer-Policy", "no-referrer")
		next.ServeHTTP(w, r)
	})
}

// api wraps an /api/ route: security headers and the per-address limit.
func (h *handler) api(next http.Handler) http.Handler {
	return apiHeaders(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h.clients != nil {
			if wait, ok := h.clients.allow(h.clientAddr(r)); !ok {
				tooMany(w, wait)
				return
			}
		}
		next.ServeHTTP(w, r)
	}))
}

// tooMany answers a request over a request rate (the client's, a link's,
// a reset session's): 429 rate_limited, limit "requests", Retry-After wait.
func tooMany(w http.ResponseWriter, wait time.Duration) {
	writeError(w, &Error{Code: CodeRateLimited, Message: "too many requests; try again later", Limit: LimitRequests, RetryAfter: wait})
}

// clientAddr is the client the per-client rate limits count: its address,
// with an IPv6 address reduced to its /64 (what one subscriber or host
// gets, so stepping through one's own prefix is still one client) and an
// IPv4-mapped IPv6 address to the IPv4 address. Behind a trusted proxy the
// address is the last X-Forwarded-For entry, the one the proxy appended:
// earlier entries come from the client and could be anything.
func (h *handler) clientAddr(r *http.Request) string {
	if h.TrustProxy {
		if f := r.Header.Values("X-Forwarded-For"); len(f) > 0 {
			last := f[len(f)-1]
			if i := strings.LastIndexByte(last, ','); i >= 0 {
				last = last[i+1:]
			}
			if a := strings.TrimSpace(last); a != "" {
				return clientKey(a)
			}
		}
	}
	return clientKey(r.RemoteAddr)
}

// clientKey is addr (with or without a port) grouped as clientAddr says;
// anything that is not an address is returned as is.
func clientKey(addr string) string {
	a, err := netip.ParseAddr(addr)
	if err != nil {
		ap, perr := netip.ParseAddrPort(addr)
		if perr != nil {
			return addr
		}
		a = ap.Addr()
	}
	a = a.WithZone("").Unmap()
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.String()
	}
	return a.String()
}

// probe limits /healthz and /readyz per client, in buckets of their own
// (a client busy on /api/ still gets its probes answered).
func (h *handler) probe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h.probes != nil {
			if wait, ok := h.probes.allow(h.clientAddr(r)); !ok {
				apiHeaders(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					tooMany(w, wait)
				})).ServeHTTP(w, r)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// cors allows the configured origins to call next from a browser.
func (h *handler) cors(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		allowed := origin != "" && (slices.Contains(h.Origins, origin) || slices.Contains(h.Origins, "*"))
		if allowed {
			w.Header().Set("Access-Control-Allow-Origin", origin)
			w.Header().Add("Vary", "Origin")
		}
		if r.Method == http.MethodOptions {
			apiHeaders(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if h.clients != nil {
					if wait, ok := h.clients.allow(h.clientAddr(r)); !ok {
						tooMany(w, wait)
						return
					}
				}
				if !allowed {
					writeError(w, errorf(CodeOriginForbidden, "origin not allowed"))
					return
				}
				// POST of /api/validate; GET of /api/breach/range, whose
				// askers send Add-Padding as to the range API.
				w.Header().Set("Access-Control-Allow-Methods", "GET, POST")
				w.Header().Set("Access-Control-Allow-Headers", "Content-Type, Add-Padding")
				w.Header().Set("Access-Control-Max-Age", "600")
				w.WriteHeader(http.StatusNoContent)
			})).ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func post(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", "POST")
			writeError(w, errorf(CodeMethodNotAllowed, "method not allowed; use POST"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

func get(next http.Handler) http.Handler {
	return apiHeaders(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			writeError(w, errorf(CodeMethodNotAllowed, "method not allowed; use GET"))
			return
		}
		next.ServeHTTP(w, r)
	}))
}

func notFound() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, errorf(CodeNotFound, "not found"))
	})
}

// limiters is a set of token buckets by key, emptied when it grows large.
type limiters struct {
	mu    sync.Mutex
	lim   rate.Limit
	burst int
	max   int // keys kept before idle ones are dropped
	m     map[string]*rate.Limiter
}

func newLimiters(l rate.Limit, burst int) *limiters {
	return &limiters{lim: l, burst: max(burst, 1), max: 10000, m: map[string]*rate.Limiter{}}
}

// allow takes one token for key, or says how long until one is free.
func (l *limiters) allow(key string) (time.Duration, bool) {
	l.mu.Lock()
	lim, ok := l.m[key]
	if !ok {
		if len(l.m) >= l.max {
			l.evict(time.Now())
		}
		lim = rate.NewLimiter(l.lim, l.burst)
		l.m[key] = lim
	}
	l.mu.Unlock()
	res := lim.Reserve()
	if d := res.Delay(); d > 0 {
		res.Cancel()
		return d, false
	}
	return 0, true
}

// evict makes room (l.mu held). A limiter whose bucket has refilled is the
// same as a new one, so dropping it loses nothing; only when every key is
// being limited right now (thousands of busy clients) are arbitrary ones
// dropped, down to half, which lets those clients start afresh.
func (l *limiters) evict(now time.Time) {
	for k, lim := range l.m {
		if lim.TokensAt(now) >= float64(l.burst) {
			delete(l.m, k)
		}
	}
	for k := range l.m {
		if len(l.m) <= l.max/2 {
			break
		}
		delete(l.m, k)
	}
}
