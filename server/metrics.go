package server

import (
	"context"
	"errors"
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/styrke-iam/styrke/server/directory"
	"github.com/styrke-iam/styrke/server/passhash"
	"github.com/styrke-iam/styrke/server/store"
)

// Metrics is the backend's Prometheus instrumentation, in a registry of its
// own (served by Handler on a separate listen address, `--metrics-addr`).
// Names start with styrke_. No label ever holds a username, address or
// token: routes are the registered patterns.
type Metrics struct {
	Registry *prometheus.Registry

	requests    *prometheus.CounterVec
	latency     *prometheus.HistogramVec
	breach      *prometheus.CounterVec
	directory   *prometheus.CounterVec
	deliveries  *prometheus.CounterVec
	notices     *prometheus.CounterVec
	auditEvents *prometheus.CounterVec
	signins     *prometheus.CounterVec
	issued      prometheus.Counter

	now func() time.Time
	// answers holds each watched directory's last Ping answer (see
	// WatchDirectories); written once there, its entries guard themselves.
	answers map[directory.Directory]*pingAnswer
}

// DirectoryUpMaxAge is how old an answer of a directory's Ping (the last
// /readyz's, or the last scrape's own) styrke_directory_up reports; at a
// scrape after that the directory is asked again, once however many
// scrapes come at once. Every scrape bound the service account at every
// directory: several Prometheus servers scraping several instances every
// 15 s bound that often, besides the readiness probes.
const DirectoryUpMaxAge = 30 * time.Second

// pingAnswer is a directory's last Ping answer and when it came.
type pingAnswer struct {
	ask sync.Mutex // held by the scrape asking the directory

	mu sync.Mutex
	at time.Time
	up bool
}

// recent is the answer, when there is one younger than DirectoryUpMaxAge
// at now.
func (a *pingAnswer) recent(now time.Time) (up, ok bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.up, !a.at.IsZero() && now.Sub(a.at) < DirectoryUpMaxAge && !now.Before(a.at)
}

func (a *pingAnswer) set(now time.Time, up bool) {
	a.mu.Lock()
	a.at, a.up = now, up
	a.mu.Unlock()
}

// DirectoryAnswered records d's answer to a Ping made elsewhere (the
// readiness probe's) for styrke_directory_up. A nil Metrics, or a
// directory it does not watch, records nothing.
func (m *Metrics) DirectoryAnswered(d directory.Directory, err error) {
	if m == nil {
		return
	}
	if a := m.answers[d]; a != nil {
		a.set(m.now(), err == nil)
	}
}

// directoryUp is d's last answer within DirectoryUpMaxAge, or a Ping's
// within 3 seconds (one scrape asks; the others at once wait for it).
func (m *Metrics) directoryUp(d directory.Directory) bool {
	a := m.answers[d]
	if up, ok := a.recent(m.now()); ok {
		return up
	}
	a.ask.Lock()
	defer a.ask.Unlock()
	if up, ok := a.recent(m.now()); ok {
		return up // asked by the scrape this one waited for
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	up := d.Ping(ctx) == nil
	a.set(m.now(), up)
	return up
}

// NewMetrics registers every metric, the Go runtime's and the process's,
// a gauge of open activations that asks st (at most once a scrape, with a
// 2 s limit) and, for a store on a database server (store.Clocked), the
// offset of that server's clock from now's. now is the clock (nil:
// time.Now).
func NewMetrics(st store.Store, now func() time.Time) *Metrics {
	if now == nil {
		now = time.Now
	}
	r := prometheus.NewRegistry()
	m := &Metrics{
		Registry: r, now: now, answers: map[directory.Directory]*pingAnswer{},
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "styrke_http_requests_total", Help: "HTTP requests by route pattern, method and status code.",
		}, []string{"route", "method", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "styrke_http_request_duration_seconds", Help: "HTTP request latency by route pattern.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route"}),
		breach: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "styrke_breach_lookups_total", Help: "Breach range lookups by result: hit (seen in breaches), miss, error.",
		}, []string{"result"}),
		directory: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "styrke_directory_writes_total", Help: "Password writes to the directory by result: ok, refused, error, unconfirmed (the write went out and its answer did not come: the password may be set).",
		}, []string{"result"}),
		deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "styrke_deliveries_total", Help: "Activation link deliveries by channel (email, sms) and result (ok, unconfirmed, failed).",
		}, []string{"channel", "result"}),
		notices: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "styrke_notifications_total", Help: "Queued notification attempts by result: sent, unconfirmed (taken whole by the mail server, its reply lost; not sent again), retry, gave_up.",
		}, []string{"result"}),
		auditEvents: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "styrke_audit_events_total", Help: "Audit events written, by event.",
		}, []string{"event"}),
		signins: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "styrke_idporten_signins_total",
			Help: "Sign-ins with ID-porten for a reset, by result: ok, or the error the page shows (unavailable: the provider did not answer; config: the provider refused the client's registration or key; cancelled, failed, expired, level, levelhigh, nomatch, nonumber, off).",
		}, []string{"result"}),
		issued: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "styrke_activations_issued_total", Help: "Activations issued through the service desk (API, CLI, import).",
		}),
	}
	open := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "styrke_open_activations", Help: "Activations that can still be completed (unused, unexpired, not locked).",
	}, func() float64 {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		n, err := st.CountOpenActivations(ctx, now(), MaxFailures)
		if err != nil {
			return math.NaN() // unknown; styrke_store_up says why
		}
		return float64(n)
	})
	up := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "styrke_store_up", Help: "1 when the store answers (the readiness check's own test), 0 when it does not.",
	}, func() float64 {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if st.Ping(ctx) != nil {
			return 0
		}
		return 1
	})
	queue := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "styrke_argon2id_queue", Help: "Password hashes (Argon2id) waiting for memory.",
	}, func() float64 { return float64(passhash.QueueLength()) })
	inUse := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "styrke_argon2id_memory_bytes", Help: "Memory taken by password hashes (Argon2id) running now.",
	}, func() float64 { return float64(passhash.MemoryInUse()) * 1024 })
	r.MustRegister(m.requests, m.latency, m.breach, m.directory, m.deliveries, m.notices, m.auditEvents, m.signins, m.issued, open, up, queue, inUse,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if _, ok := st.(store.Clocked); ok {
		r.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "styrke_clock_offset_seconds",
			Help: "How far the database server's clock is ahead of this instance's (negative: behind). Instances share leases by their own clocks: alert beyond a second or two.",
		}, func() float64 {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			offset, _, _, err := clockOffset(ctx, st, now)
			if err != nil {
				return math.NaN() // unknown; styrke_store_up says why
			}
			return offset.Seconds()
		}))
	}
	return m
}

// WatchDirectories adds styrke_directory_up for dirs, one gauge per URL
// (its label; no credentials): 1 while every directory at that URL answers
// and takes its service account's bind (Ping; institutions may share a
// server with other search bases), 0 when one does not: the last answer
// of /readyz's Ping or of a scrape's while younger than DirectoryUpMaxAge,
// else a Ping at the scrape within 3 seconds. /readyz stays ready while a
// directory does not answer (every instance shares it), so this is where
// an outage shows before people meet it. Call it before the handler
// serves.
func (m *Metrics) WatchDirectories(dirs []directory.Directory) {
	byURL := map[string][]directory.Directory{}
	var urls []string
	for _, d := range dirs {
		if byURL[d.String()] == nil {
			urls = append(urls, d.String())
		}
		byURL[d.String()] = append(byURL[d.String()], d)
		if m.answers[d] == nil {
			m.answers[d] = &pingAnswer{}
		}
	}
	for _, u := range urls {
		group := byURL[u]
		m.Registry.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name:        "styrke_directory_up",
			Help:        "1 when the directory answers and takes the service account's bind, 0 when not (the readiness check's own test; /readyz stays ready while it does not answer).",
			ConstLabels: prometheus.Labels{"directory": u},
		}, func() float64 {
			for _, d := range group {
				if !m.directoryUp(d) {
					return 0
				}
			}
			return 1
		}))
	}
}

// Handler serves the registry in the Prometheus exposition formats.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{Registry: m.Registry})
}

// DirectoryWrite counts one password write to the directory: result is
// "ok", "refused" (the directory's policy said no), "error" or
// "unconfirmed" (the write went out and its answer did not come).
func (m *Metrics) DirectoryWrite(result string) {
	if m != nil {
		m.directory.WithLabelValues(result).Inc()
	}
}

// Signin counts one sign-in with ID-porten by its result ("ok", or the
// error code the reset page shows; "config" for the client's own).
func (m *Metrics) Signin(result string) {
	if m != nil {
		m.signins.WithLabelValues(result).Inc()
	}
}

// NoticeResult counts one attempt of the notification queue (for
// notify.Queue.OnResult): "sent", "unconfirmed", "retry" or "gave_up".
func (m *Metrics) NoticeResult(result string) {
	if m != nil {
		m.notices.WithLabelValues(result).Inc()
	}
}

// instrument counts requests and their latency by route pattern (the
// pattern the mux matched, "(none)" for none).
func (h *handler) instrument(next http.Handler) http.Handler {
	if h.Metrics == nil {
		return next
	}
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
		method := r.Method
		switch method {
		case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodOptions:
		default:
			method = "other"
		}
		h.Metrics.requests.WithLabelValues(route, method, strconv.Itoa(sw.status)).Inc()
		h.Metrics.latency.WithLabelValues(route).Observe(time.Since(start).Seconds())
	})
}

// countingBreacher counts the lookups of a Breacher.
type countingBreacher struct {
	b Breacher
	m *Metrics
}

// Cached, Range and HasRange pass on what the wrapped Breacher offers
// (breach.Client does): without them, metrics on made the range endpoint
// answer 503 always, and /api/validate ask again for a cached answer.
func (c countingBreacher) Cached(password string) (int, bool) {
	if b, ok := c.b.(breachCache); ok {
		return b.Cached(password)
	}
	return 0, false
}

func (c countingBreacher) Range(ctx context.Context, prefix string) (map[string]int, error) {
	if b, ok := c.b.(rangeSource); ok {
		m, err := b.Range(ctx, prefix)
		if err != nil {
			c.m.breach.WithLabelValues("error").Inc()
		}
		return m, err
	}
	return nil, errNoRange
}

func (c countingBreacher) HasRange(prefix string) bool {
	b, ok := c.b.(rangeSource)
	return ok && b.HasRange(prefix)
}

// errNoRange: the breach service offers no whole ranges.
var errNoRange = errors.New("the breach service passes on no ranges")

func (c countingBreacher) Count(ctx context.Context, password string) (int, error) {
	n, err := c.b.Count(ctx, password)
	switch {
	case err != nil:
		c.m.breach.WithLabelValues("error").Inc()
	case n > 0:
		c.m.breach.WithLabelValues("hit").Inc()
	default:
		c.m.breach.WithLabelValues("miss").Inc()
	}
	return n, err
}
