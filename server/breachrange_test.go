package server_test

import (
	"crypto/sha1"
	"encoding/hex"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/server"
	"github.com/styrke-iam/styrke/server/breach/breachtest"
)

// TestBreachRange: GET /api/breach/range/{prefix} answers as the range API
// does, from the breach service this server asks: the pages' meter asks
// here, so the person's browser contacts no third party. The answer holds
// the real suffixes with their counts and is padded to server.RangeLines
// lines whatever the prefix; it is not cached by the browser; a prefix
// that is not five hex digits is a 400 naming it; a breach service that
// does not answer is a 503 with Retry-After and a log line without the
// prefix; lookups the cache cannot answer spend the client's budget; an
// allowed origin may ask from a browser.
func TestBreachRange(t *testing.T) {
	e := newEnv(t, func(d *server.Deps) {
		d.BreachRateLimit = 0.001 // the burst only
		d.TrustProxy = true
	})
	const pw = "Sommer2026!Sommer2026!"
	sum := sha1.Sum([]byte(pw))
	h := strings.ToUpper(hex.EncodeToString(sum[:]))
	e.fake.Add(pw, 4242)
	client := []string{"X-Forwarded-For", "203.0.113.20"}

	resp, body := e.do(t, http.MethodGet, "/api/breach/range/"+strings.ToLower(h[:5]), "", "", client...)
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
	assert.Equal(t, "text/plain; charset=utf-8", resp.Header.Get("Content-Type"))
	assert.Equal(t, "no-store", resp.Header.Get("Cache-Control"))
	lines := strings.Split(strings.TrimSuffix(string(body), "\r\n"), "\r\n")
	assert.Len(t, lines, server.RangeLines, "padded")
	line := regexp.MustCompile(`^[0-9A-F]{35}:\d+$`)
	for _, l := range lines {
		require.Regexp(t, line, l)
	}
	assert.Contains(t, lines, h[5:]+":4242")
	assert.Equal(t, []string{h[:5]}, e.fake.Requests(), "upper case upstream")

	for _, bad := range []string{"ABCD", "ABCDEF", "GHIJK", "AB%2FC"} {
		resp, body := e.do(t, http.MethodGet, "/api/breach/range/"+bad, "", "", client...)
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode, "%s: %s", bad, body)
		assert.Contains(t, string(body), `"fields":["prefix"]`, bad)
	}

	// The budget: every ask costs one, a cached prefix too (a 429 that
	// depended on the cache told whether someone had just checked a
	// password of that prefix).
	for i := range server.BreachBurst + 2 {
		p := strings.ToUpper(hex.EncodeToString([]byte{byte(i), 0xab, 0xcd}))[:5]
		resp, _ = e.do(t, http.MethodGet, "/api/breach/range/"+p, "", "", client...)
	}
	assert.Equal(t, http.StatusTooManyRequests, resp.StatusCode)
	assert.NotEmpty(t, resp.Header.Get("Retry-After"))
	resp, _ = e.do(t, http.MethodGet, "/api/breach/range/"+h[:5], "", "", client...)
	assert.Equal(t, http.StatusTooManyRequests, resp.StatusCode, "a cached range costs as much")

	resp, _ = e.do(t, http.MethodOptions, "/api/breach/range/"+h[:5], "", "", "Origin", "https://embed.example",
		"Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "add-padding")
	assert.Equal(t, http.StatusNoContent, resp.StatusCode)
	assert.Contains(t, resp.Header.Get("Access-Control-Allow-Methods"), "GET")
	assert.Contains(t, resp.Header.Get("Access-Control-Allow-Headers"), "Add-Padding")

	e.fake.SetMode(breachtest.Down)
	resp, body = e.do(t, http.MethodGet, "/api/breach/range/FFFFF", "", "", "X-Forwarded-For", "203.0.113.21")
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode, "%s", body)
	assert.NotEmpty(t, resp.Header.Get("Retry-After"))
	assert.Contains(t, string(body), "breach_unavailable")
	assert.Contains(t, e.logs.String(), "breach range unavailable")
	assert.NotContains(t, e.logs.String(), "FFFFF")
	assert.NotContains(t, e.logs.String(), h[:5])
}

// TestBreachRangeWithMetrics: with metrics on (--metrics-addr), the breach
// service is wrapped to be counted, and the wrapper passed on neither
// ranges nor cached answers: the range endpoint answered 503 always, and
// the pages' meter could check nothing.
func TestBreachRangeWithMetrics(t *testing.T) {
	e := newEnv(t, func(d *server.Deps) { d.Metrics = server.NewMetrics(d.Store, nil) })
	const pw = "Sommer2026!Sommer2026!"
	e.fake.Add(pw, 3)
	sum := sha1.Sum([]byte(pw))
	h := strings.ToUpper(hex.EncodeToString(sum[:]))
	resp, body := e.do(t, http.MethodGet, "/api/breach/range/"+h[:5], "", "")
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
	assert.Contains(t, string(body), h[5:]+":3")
	// And /api/validate answers a password of a cached range without
	// asking the breach service again.
	resp, body = e.post(t, "/api/validate", map[string]any{"password": pw})
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
	assert.Len(t, e.fake.Requests(), 1, "one upstream request: the range's")
}
