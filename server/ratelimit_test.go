package server_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/server"
)

// TestRateLimitGroups: IPv6 clients are counted by /64 (one subscriber's
// prefix), IPv4-mapped addresses as their IPv4 address (issue 15 item 9).
func TestRateLimitGroups(t *testing.T) {
	tests := []struct {
		name          string
		first, second string // the burst (2) is spent by first, then second asks
		shared        bool
	}{
		{"same /64", "2001:db8:1:2::1", "2001:db8:1:2:ffff:ffff:ffff:fffe", true},
		{"same /64, other spelling", "2001:db8:1:2::1", "2001:0db8:0001:0002:0000:0000:0000:0009", true},
		{"zone ignored", "fe80::1%eth0", "fe80::2", true},
		{"mapped IPv4", "203.0.113.7", "::ffff:203.0.113.7", true},
		{"other /64", "2001:db8:1:2::1", "2001:db8:1:3::1", false},
		{"other IPv4", "203.0.113.7", "203.0.113.8", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, func(d *server.Deps) { d.RateLimit = 1; d.TrustProxy = true })
			for range 2 {
				resp, _ := e.post(t, "/api/validate", map[string]string{"password": "x"}, "X-Forwarded-For", tt.first)
				require.Equal(t, http.StatusOK, resp.StatusCode)
			}
			resp, _ := e.post(t, "/api/validate", map[string]string{"password": "x"}, "X-Forwarded-For", tt.second)
			if tt.shared {
				assert.Equal(t, http.StatusTooManyRequests, resp.StatusCode, "%s and %s are one client", tt.first, tt.second)
			} else {
				assert.Equal(t, http.StatusOK, resp.StatusCode, "%s and %s are two clients", tt.first, tt.second)
			}
		})
	}
}

// TestRateLimitedEverywhere: the probes and CORS preflights are limited per
// client too (issue 15 item 9: they were unlimited).
func TestRateLimitedEverywhere(t *testing.T) {
	tests := []struct {
		name, method, path string
		hdr                []string
	}{
		{"healthz", "GET", "/healthz", nil},
		{"readyz", "GET", "/readyz", nil},
		{"readyz HEAD", "HEAD", "/readyz", nil},
		{"preflight", "OPTIONS", "/api/validate", []string{"Origin", "https://embed.example", "Access-Control-Request-Method", "POST"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, func(d *server.Deps) { d.RateLimit = 1 })
			var last *http.Response
			for range 5 {
				last, _ = e.do(t, tt.method, tt.path, "", "", tt.hdr...)
			}
			assert.Equal(t, http.StatusTooManyRequests, last.StatusCode)
			assert.NotEmpty(t, last.Header.Get("Retry-After"))
			if tt.method == "OPTIONS" {
				assert.Equal(t, "https://embed.example", last.Header.Get("Access-Control-Allow-Origin"), "the browser can read the 429")
			}
		})
	}
	t.Run("probes do not spend the API's budget", func(t *testing.T) {
		e := newEnv(t, func(d *server.Deps) { d.RateLimit = 1 })
		var last *http.Response
		var body []byte
		for range 5 {
			last, body = e.post(t, "/api/validate", map[string]string{"password": "x"})
		}
		require.Equal(t, http.StatusTooManyRequests, last.StatusCode)
		assert.Equal(t, server.LimitRequests, errLimit(t, body), "the request rate, said as such (seconds)")
		resp, _ := e.do(t, "GET", "/healthz", "", "")
		assert.Equal(t, http.StatusOK, resp.StatusCode)
	})
}
