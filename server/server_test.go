package server_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/internal/syncbuf"
	"github.com/styrke-iam/styrke/server"
	"github.com/styrke-iam/styrke/server/breach"
	"github.com/styrke-iam/styrke/server/breach/breachtest"
	"github.com/styrke-iam/styrke/server/passhash"
	"github.com/styrke-iam/styrke/server/store/sqlite/sqlitetest"
)

const (
	adminKey = "test-admin-key-0123456789"
	strong   = "Kveldssol over Lyngen-fjorden 42!"
	strong2  = "Morgentåke over Sognefjorden og Jostedalsbreen?"
)

// lightHash are the Argon2id parameters of the hashes the handlers of the
// tests that are not about hashing make (Deps.PasswordHash): 256 KiB and
// one pass, where production's (passhash.Default, 19 MiB and two passes)
// took about a seventh of the package's CPU under the race detector. The
// tests about hashing (the work limits' TestCompleteBusy,
// TestCompleteOverloadedHistory, TestChangeOverloaded; the parameters'
// TestStoredHashParameters) use passhash.Default.
var lightHash = passhash.Params{Memory: 256, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

// productionHash makes a handler hash with production's parameters.
func productionHash(d *server.Deps) { d.PasswordHash = passhash.Default }

type env struct {
	srv  *httptest.Server
	fake *breachtest.Server
	logs *syncbuf.Buffer
}

// breachPatience bounds the handlers' breach requests to the local fake,
// which answers at once: a time no test waits out. It was 300 ms, which a
// breach check beside the Argon2id work took under load (load average
// 15-22 on 2 cores), and the answer said breachChecked:false
// (TestChangeClosesOpenLinks failed so). A test that waits one out (the
// fake in Slow mode) gives its own short timeout (newEnvBreachTimeout).
const breachPatience = time.Minute

func newEnv(t *testing.T, mod func(*server.Deps)) *env {
	t.Helper()
	return newEnvBreachTimeout(t, breachPatience, mod)
}

// newEnvBreachTimeout is newEnv with the breach requests bounded by
// timeout, for a test that waits one out.
func newEnvBreachTimeout(t *testing.T, timeout time.Duration, mod func(*server.Deps)) *env {
	t.Helper()
	st, err := sqlitetest.Open(t, filepath.Join(t.TempDir(), "styrke.db"))
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	fake := breachtest.New(t)
	logs := &syncbuf.Buffer{}
	d := server.Deps{
		Store:        st,
		Breach:       breach.New(fake.URL(), breach.Options{Timeout: timeout}),
		AdminKey:     adminKey,
		Origins:      []string{"https://embed.example"},
		Logger:       slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		RateLimit:    -1,
		PasswordHash: lightHash,
	}
	if mod != nil {
		mod(&d)
	}
	srv := httptest.NewServer(server.NewHandler(d))
	t.Cleanup(srv.Close)
	return &env{srv: srv, fake: fake, logs: logs}
}

func (e *env) do(t *testing.T, method, path, ctype, body string, hdr ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	require.NoError(t, err)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := e.srv.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, b
}

func (e *env) post(t *testing.T, path string, v any, hdr ...string) (*http.Response, []byte) {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return e.do(t, http.MethodPost, path, "application/json", string(b), hdr...)
}

// create makes an activation for kari and returns its token.
func (e *env) create(t *testing.T, institution string) string {
	t.Helper()
	return e.createFor(t, "kari", institution)
}

// createFor makes an activation for username and returns its token.
func (e *env) createFor(t *testing.T, username, institution string) string {
	t.Helper()
	resp, body := e.post(t, "/api/admin/activations",
		map[string]string{"username": username, "name": "Kari Nordmann", "institution": institution},
		"Authorization", "Bearer "+adminKey)
	require.Equal(t, http.StatusCreated, resp.StatusCode)
	var out struct {
		Link      string    `json:"link"`
		ExpiresAt time.Time `json:"expiresAt"`
	}
	require.NoError(t, json.Unmarshal(body, &out))
	_, token, ok := strings.Cut(out.Link, "/aktiver/#/pw/")
	require.True(t, ok, "link format")
	return token
}

func errCode(t *testing.T, body []byte) string {
	t.Helper()
	return decodeError(t, body).Error.Code
}

// errLimit is the "limit" of an error answer (a 429's).
func errLimit(t *testing.T, body []byte) string {
	t.Helper()
	var e struct {
		Error struct {
			Limit string `json:"limit"`
		} `json:"error"`
	}
	require.NoError(t, json.Unmarshal(body, &e), "body %s", body)
	return e.Error.Limit
}

func TestStatuses(t *testing.T) {
	e := newEnv(t, nil)
	token := e.create(t, "default")
	auth := []string{"Authorization", "Bearer " + adminKey}
	tests := []struct {
		name, method, path, ctype, body string
		hdr                             []string
		status                          int
		code                            string
	}{
		{"unknown api route", "POST", "/api/nope", "application/json", "{}", nil, 404, "not_found"},
		{"unknown page", "GET", "/nope", "", "", nil, 404, "not_found"},
		{"wrong method", "GET", "/api/validate", "", "", nil, 405, "method_not_allowed"},
		{"wrong content type", "POST", "/api/validate", "text/plain", `{"password":"x"}`, nil, 415, "unsupported_media_type"},
		{"too large", "POST", "/api/activation/lookup", "application/json", `{"token":"` + strings.Repeat("a", 9000) + `"}`, nil, 413, "body_too_large"},
		{"too large for validate's policy", "POST", "/api/validate", "application/json", `{"password":"` + strings.Repeat("a", 80000) + `"}`, nil, 413, "body_too_large"},
		{"malformed", "POST", "/api/validate", "application/json", `{"password":`, nil, 400, "malformed_json"},
		{"unknown field", "POST", "/api/validate", "application/json", `{"password":"x","colour":1}`, nil, 400, "unknown_field"},
		{"wrong type", "POST", "/api/validate", "application/json", `{"password":5}`, nil, 400, "invalid"},
		{"invalid utf-8", "POST", "/api/validate", "application/json", "{\"password\":\"a\xff\"}", nil, 400, "invalid_utf8"},
		{"unknown policy", "POST", "/api/validate", "application/json", `{"policy":"nowhere","password":"x"}`, nil, 400, "invalid"},
		{"invalid policy object", "POST", "/api/validate", "application/json", `{"policy":{"minLength":-4},"password":"x"}`, nil, 400, "invalid"},
		{"no admin key", "POST", "/api/admin/activations", "application/json", `{"username":"a","institution":"default"}`, nil, 401, "unauthorized"},
		{"wrong admin key", "POST", "/api/admin/activations", "application/json", `{"username":"a","institution":"default"}`, []string{"Authorization", "Bearer wrong"}, 401, "unauthorized"},
		{"bad institution", "POST", "/api/admin/activations", "application/json", `{"username":"a","institution":"x"}`, auth, 400, "invalid"},
		{"bad ttl", "POST", "/api/admin/activations", "application/json", `{"username":"a","institution":"uio","ttl":"-1h"}`, auth, 400, "invalid"},
		{"unknown token", "POST", "/api/activation/lookup", "application/json", `{"token":"nope"}`, nil, 404, "token_unknown"},
		{"empty token", "POST", "/api/activation/lookup", "application/json", `{}`, nil, 400, "invalid"},
		{"complete unknown token", "POST", "/api/activation/complete", "application/json", `{"token":"nope","password":"x"}`, nil, 404, "token_unknown"},
		{"readyz wrong method", "POST", "/readyz", "", "", nil, 405, "method_not_allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := e.do(t, tt.method, tt.path, tt.ctype, tt.body, tt.hdr...)
			assert.Equal(t, tt.status, resp.StatusCode, "body %s", body)
			assert.Equal(t, tt.code, errCode(t, body))
			assert.Equal(t, "no-store", resp.Header.Get("Cache-Control"))
			assert.Equal(t, "nosniff", resp.Header.Get("X-Content-Type-Options"))
			assert.Contains(t, resp.Header.Get("Content-Security-Policy"), "default-src 'none'")
			assert.NotContains(t, string(body), token)
		})
	}
}

func TestSuccesses(t *testing.T) {
	e := newEnv(t, nil)
	e.fake.Add("Passord123456789", 42)
	token := e.create(t, "uio")
	tests := []struct {
		name, path string
		body       any
		hdr        []string
		status     int
		check      func(t *testing.T, m map[string]any)
	}{
		{"healthz", "/healthz", nil, nil, 200, nil},
		{"readyz", "/readyz", nil, nil, 200, nil},
		{"validate strong", "/api/validate", map[string]any{"policy": "default", "password": strong}, nil, 200,
			func(t *testing.T, m map[string]any) { assert.Equal(t, true, m["ok"]) }},
		{"validate breached in English", "/api/validate", map[string]any{"password": "Passord123456789"}, []string{"Accept-Language", "de, en;q=0.8"}, 200,
			func(t *testing.T, m map[string]any) {
				assert.Equal(t, false, m["ok"])
				assert.Contains(t, string(mustJSON(t, m["violations"])), `"breached"`)
			}},
		{"validate too long is a violation", "/api/validate", map[string]any{"password": strings.Repeat("Ab1!", 40)}, nil, 200,
			func(t *testing.T, m map[string]any) {
				assert.Contains(t, string(mustJSON(t, m["violations"])), `"too_long"`)
			}},
		{"validate policy object", "/api/validate", map[string]any{"policy": map[string]any{"id": "custom", "minLength": 8}, "password": strong}, nil, 200,
			func(t *testing.T, m map[string]any) { assert.Equal(t, true, m["ok"]) }},
		{"lookup", "/api/activation/lookup", map[string]string{"token": token}, nil, 200,
			func(t *testing.T, m map[string]any) {
				assert.Equal(t, "kari", m["username"])
				assert.Equal(t, "Kari Nordmann", m["name"])
				assert.Equal(t, "uio", m["institution"])
				assert.NotEmpty(t, m["policyVersion"])
				assert.IsType(t, map[string]any{}, m["policy"])
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var resp *http.Response
			var body []byte
			if tt.body == nil {
				resp, body = e.do(t, "GET", tt.path, "", "")
			} else {
				resp, body = e.post(t, tt.path, tt.body, tt.hdr...)
			}
			require.Equal(t, tt.status, resp.StatusCode, "body %s", body)
			assert.Equal(t, "no-store", resp.Header.Get("Cache-Control"))
			if tt.check != nil {
				var m map[string]any
				require.NoError(t, json.Unmarshal(body, &m))
				tt.check(t, m)
			}
		})
	}
	t.Run("english message", func(t *testing.T) {
		_, body := e.post(t, "/api/validate", map[string]any{"password": "kort"}, "Accept-Language", "en-GB")
		assert.Contains(t, string(body), "characters")
	})
}

func mustJSON(t *testing.T, v any) []byte {
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}

// TestActivationFlow runs create → lookup → failed complete → complete →
// reuse, and checks that no log line holds the password, the token or its
// hash.
func TestActivationFlow(t *testing.T) {
	// A login URL is configured, but with no directory there is nowhere to
	// log in with the password: the answer must not offer it.
	e := newEnv(t, func(d *server.Deps) { d.LoginURLs = map[string]string{"": "https://login.example.org/"} })
	token := e.create(t, "default")
	resp, body := e.post(t, "/api/activation/lookup", map[string]string{"token": token})
	require.Equal(t, 200, resp.StatusCode, "body %s", body)

	resp, body = e.post(t, "/api/activation/complete", map[string]string{"token": token, "password": "kari1234"})
	require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
	assert.Contains(t, string(body), `"violations"`)
	assert.NotContains(t, string(body), "kari1234")

	resp, body = e.post(t, "/api/activation/complete", map[string]string{"token": token, "password": strong})
	require.Equal(t, http.StatusOK, resp.StatusCode, "body %s", body)
	// No directory: the answer must not claim the password reached one.
	assert.JSONEq(t, `{"directory": false, "breachChecked": true}`, string(body))

	resp, body = e.post(t, "/api/activation/complete", map[string]string{"token": token, "password": strong2})
	assert.Equal(t, http.StatusGone, resp.StatusCode)
	assert.Equal(t, "token_used", errCode(t, body))
	resp, body = e.post(t, "/api/activation/lookup", map[string]string{"token": token})
	assert.Equal(t, http.StatusGone, resp.StatusCode)
	assert.Equal(t, "token_used", errCode(t, body))

	// The history rejects the same password on the next activation.
	token2 := e.create(t, "default")
	resp, body = e.post(t, "/api/activation/complete", map[string]string{"token": token2, "password": strong})
	require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
	assert.Contains(t, string(body), `"reused"`)

	logs := e.logs.String()
	require.Contains(t, logs, "route=")
	for i, secret := range []string{strong, "kari1234", token, token2, hexOf(server.HashToken(token))} {
		assert.False(t, strings.Contains(logs, secret), "secret #%d appears in the logs", i)
	}
}

func hexOf(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = append(out, digits[c>>4], digits[c&15])
	}
	return string(out)
}

// TestCompleteSaysBreachUnchecked: a "prefer" policy lets the password
// through when the breach service is down, and the answer says so.
func TestCompleteSaysBreachUnchecked(t *testing.T) {
	e := newEnv(t, func(d *server.Deps) { d.Breach = nil })
	token := e.create(t, "default")
	resp, body := e.post(t, "/api/activation/complete", map[string]string{"token": token, "password": strong})
	require.Equal(t, http.StatusOK, resp.StatusCode, "body %s", body)
	assert.JSONEq(t, `{"directory": false, "breachChecked": false}`, string(body))
}

// TestConcurrentComplete: of two completes of one token exactly one wins.
func TestConcurrentComplete(t *testing.T) {
	for round := range 3 {
		e := newEnv(t, nil)
		token := e.create(t, "default")
		statuses := make([]int, 2)
		var wg sync.WaitGroup
		for i, pw := range []string{strong, strong2} {
			wg.Go(func() {
				resp, _ := e.post(t, "/api/activation/complete", map[string]string{"token": token, "password": pw})
				statuses[i] = resp.StatusCode
			})
		}
		wg.Wait()
		// The loser finds the link used (410) or still held by the winner
		// (409, try again).
		slices.Sort(statuses)
		assert.Contains(t, [][]int{{200, 409}, {200, 410}}, statuses, "round %d", round)
	}
}

func TestTokenDiesAfterFailures(t *testing.T) {
	e := newEnv(t, func(d *server.Deps) { d.TokenRateLimit = -1 })
	token := e.create(t, "default")
	for i := range server.MaxFailures {
		resp, _ := e.post(t, "/api/activation/complete", map[string]string{"token": token, "password": "short"})
		require.Equal(t, 422, resp.StatusCode, "attempt %d", i)
	}
	resp, body := e.post(t, "/api/activation/complete", map[string]string{"token": token, "password": strong})
	assert.Equal(t, http.StatusGone, resp.StatusCode)
	assert.Equal(t, "token_locked", errCode(t, body))
}

func TestRateLimits(t *testing.T) {
	t.Run("per address", func(t *testing.T) {
		e := newEnv(t, func(d *server.Deps) { d.RateLimit = 1 })
		var last *http.Response
		for range 5 {
			last, _ = e.post(t, "/api/validate", map[string]string{"password": "x"})
		}
		assert.Equal(t, http.StatusTooManyRequests, last.StatusCode)
		assert.NotEmpty(t, last.Header.Get("Retry-After"))
	})
	t.Run("behind a trusted proxy, per forwarded address", func(t *testing.T) {
		e := newEnv(t, func(d *server.Deps) { d.RateLimit = 1; d.TrustProxy = true })
		var last *http.Response
		for i := range 5 {
			// The client's own entries vary; the proxy's (last) does not.
			last, _ = e.post(t, "/api/validate", map[string]string{"password": "x"},
				"X-Forwarded-For", "10.0.0."+strconv.Itoa(i)+", 203.0.113.7")
		}
		assert.Equal(t, http.StatusTooManyRequests, last.StatusCode, "spoofed first entries must not reset the limit")
		resp, _ := e.post(t, "/api/validate", map[string]string{"password": "x"}, "X-Forwarded-For", "203.0.113.8")
		assert.Equal(t, http.StatusOK, resp.StatusCode, "another forwarded address has its own limit")
	})
	t.Run("without a trusted proxy, X-Forwarded-For is ignored", func(t *testing.T) {
		e := newEnv(t, func(d *server.Deps) { d.RateLimit = 1 })
		var last *http.Response
		for i := range 5 {
			last, _ = e.post(t, "/api/validate", map[string]string{"password": "x"}, "X-Forwarded-For", "198.51.100."+strconv.Itoa(i))
		}
		assert.Equal(t, http.StatusTooManyRequests, last.StatusCode)
	})
	t.Run("per token", func(t *testing.T) {
		e := newEnv(t, nil)
		token := e.create(t, "default")
		var last *http.Response
		var body []byte
		for range 8 {
			last, body = e.post(t, "/api/activation/complete", map[string]string{"token": token, "password": "short"})
		}
		assert.Equal(t, http.StatusTooManyRequests, last.StatusCode)
		assert.Equal(t, "rate_limited", errCode(t, body))
		assert.Equal(t, server.LimitRequests, errLimit(t, body), "the link's request rate")
		assert.NotEmpty(t, last.Header.Get("Retry-After"))
	})
}

func TestCORS(t *testing.T) {
	e := newEnv(t, nil)
	tests := []struct {
		name, origin, method string
		status               int
		allow                string
	}{
		{"allowed preflight", "https://embed.example", "OPTIONS", 204, "https://embed.example"},
		{"other preflight", "https://evil.example", "OPTIONS", 403, ""},
		{"allowed post", "https://embed.example", "POST", 200, "https://embed.example"},
		{"other post", "https://evil.example", "POST", 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, _ := e.do(t, tt.method, "/api/validate", "application/json", `{"password":"x"}`, "Origin", tt.origin)
			assert.Equal(t, tt.status, resp.StatusCode)
			assert.Equal(t, tt.allow, resp.Header.Get("Access-Control-Allow-Origin"))
		})
	}
}

// TestBreachFaults: a slow, down, failing or malformed breach service is
// skipped under "prefer" and a 503 under "require".
func TestBreachFaults(t *testing.T) {
	modes := []struct {
		name string
		mode breachtest.Mode
	}{
		{"slow", breachtest.Slow}, {"down", breachtest.Down}, {"failing", breachtest.Fail}, {"malformed", breachtest.Malformed},
	}
	policies := []struct {
		name, policy string
		status       int
	}{
		{"prefer", `"default"`, 200},
		{"require", `{"id":"strict","breachCheck":"require"}`, 503},
	}
	for _, m := range modes {
		for _, p := range policies {
			t.Run(m.name+"/"+p.name, func(t *testing.T) {
				// Slow answers after 5 s: the check gives up at 300 ms.
				e := newEnvBreachTimeout(t, 300*time.Millisecond, nil)
				e.fake.SetMode(m.mode)
				resp, body := e.do(t, "POST", "/api/validate", "application/json", `{"policy":`+p.policy+`,"password":"`+strong+`"}`)
				require.Equal(t, p.status, resp.StatusCode, "body %s", body)
				if p.status == 503 {
					assert.Equal(t, "breach_unavailable", errCode(t, body))
					assert.NotEmpty(t, resp.Header.Get("Retry-After"))
					assert.Contains(t, e.logs.String(), "breach check unavailable")
				} else {
					assert.Contains(t, string(body), `"ok":true`)
					assert.Contains(t, e.logs.String(), "breach check skipped")
				}
			})
		}
	}
	t.Run("complete require 503", func(t *testing.T) {
		e := newEnv(t, nil)
		token := e.create(t, "utfjord")
		e.fake.SetMode(breachtest.Down)
		const good = "Fjellbekk-Sommer!Gronn-42-Lys" // utfjord allows no spaces
		resp, body := e.post(t, "/api/activation/complete", map[string]string{"token": token, "password": good})
		assert.Equal(t, 503, resp.StatusCode, "body %s", body)
		assert.Equal(t, "breach_unavailable", errCode(t, body))
		assert.NotEmpty(t, resp.Header.Get("Retry-After"), "retryable, as every other 503")
	})
	t.Run("complete require: the other rules first", func(t *testing.T) {
		e := newEnv(t, nil)
		token := e.create(t, "utfjord")
		e.fake.SetMode(breachtest.Malformed) // answers (and records) every request
		before := len(e.fake.Requests())
		resp, body := e.post(t, "/api/activation/complete", map[string]string{"token": token, "password": strong})
		assert.Equal(t, 422, resp.StatusCode, "a password the policy refuses anyway is a 422, not a 503")
		assert.Contains(t, string(body), `"rule":"disallowed_character"`)
		assert.Equal(t, before, len(e.fake.Requests()), "no breach request for a password already refused")
	})
}

func TestCompleteTooLongIsViolation(t *testing.T) {
	e := newEnv(t, nil)
	token := e.create(t, "default")
	resp, body := e.post(t, "/api/activation/complete", map[string]string{"token": token, "password": strings.Repeat("Ab1!", 1000)})
	require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
	assert.Contains(t, string(body), `"too_long"`)
}

// TestCompleteSaysWhatHappened: the success answer says whether the breach
// check ran, and a refusal says how many attempts the link still takes; a
// password found only by the server's breach check is not counted.
func TestCompleteSaysWhatHappened(t *testing.T) {
	t.Run("breach checked", func(t *testing.T) {
		e := newEnv(t, nil)
		resp, body := e.post(t, "/api/activation/complete", map[string]string{"token": e.create(t, "default"), "password": strong})
		require.Equal(t, http.StatusOK, resp.StatusCode, "body %s", body)
		assert.JSONEq(t, `{"directory":false,"breachChecked":true}`, string(body))
	})
	t.Run("breach service down, prefer: accepted unchecked", func(t *testing.T) {
		e := newEnv(t, nil)
		token := e.create(t, "default")
		e.fake.SetMode(breachtest.Down)
		resp, body := e.post(t, "/api/activation/complete", map[string]string{"token": token, "password": strong})
		require.Equal(t, http.StatusOK, resp.StatusCode, "body %s", body)
		assert.JSONEq(t, `{"directory":false,"breachChecked":false}`, string(body))
	})
	t.Run("attempts left", func(t *testing.T) {
		e := newEnv(t, func(d *server.Deps) { d.TokenRateLimit = -1 })
		token := e.create(t, "default")
		e.fake.Add(strong2, 12)
		left := func(password string) int {
			t.Helper()
			resp, body := e.post(t, "/api/activation/complete", map[string]string{"token": token, "password": password})
			require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode, "body %s", body)
			var out struct {
				AttemptsLeft *int `json:"attemptsLeft"`
			}
			require.NoError(t, json.Unmarshal(body, &out))
			require.NotNil(t, out.AttemptsLeft, "body %s", body)
			return *out.AttemptsLeft
		}
		assert.Equal(t, server.MaxFailures-1, left("short"))
		assert.Equal(t, server.MaxFailures-2, left("short"))
		assert.Equal(t, server.MaxFailures-2, left(strong2), "breached, seen only by the server: not counted")
		assert.Equal(t, server.MaxFailures-2, left(""), "no password typed (Enter in an empty form): not an attempt")
		for i := 3; i <= server.MaxFailures; i++ {
			assert.Equal(t, server.MaxFailures-i, left("short"))
		}
		resp, body := e.post(t, "/api/activation/complete", map[string]string{"token": token, "password": strong})
		assert.Equal(t, http.StatusGone, resp.StatusCode)
		assert.Equal(t, "token_locked", errCode(t, body))
	})
}
